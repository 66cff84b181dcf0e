// A load through the Verilated gateway as a card in a rack meets it: the set-up one event at a
// time (checked against the golden model), then every timed frame released at its own cycle on
// its port by a MAC that cannot be paused (rtl_card::VerilatedCard::release_at). The gateway's
// take order (pg_gateway_top's take_o / take_src_o) feeds the golden model, and every frame out
// is compared, port by port, with the model's output in that order.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "load/load_profiles.hpp"
#include "perpgate/regs.hpp"

namespace perpgate::load {

struct RunOptions {
  std::uint64_t seed = 1;                   // Verilator's random initial register values
  std::uint64_t max_drain_cycles = 200'000'000;  // after the last release, until quiet
  // A hostile frame (load/hostile_frames.hpp) after one timed frame in this many, on a random
  // port, back to back with that port's frames (0: none).
  std::uint64_t hostile_every = 0;
};

struct PortFigures {
  std::uint64_t released = 0;  // frames whose cycle came
  std::uint64_t lost = 0;      // not taken at their cycle (port busy or not ready): never sent
  std::uint64_t overrun = 0;   // sent, but a later beat was refused: a real MAC loses these too
  std::uint64_t dropped = 0;   // sent, and dropped whole by the gateway's full receive buffer (counted)
  std::uint64_t taken = 0;     // messages the gateway took
  std::uint64_t outputs = 0;   // frames out, each equal to the model's
};

// Hostile frames on one port: the refused ones (dropped by the receive path, or taken as a
// message of the wrong type) and the garbage-valued events (in PortFigures with the load's).
struct HostileFigures {
  std::uint64_t refused_released = 0;  // frames to refuse whose cycle came
  std::uint64_t refused_lost = 0;      // ... the MAC could not send (port busy)
  std::uint64_t refused_dropped = 0;   // ... dropped by a full receive buffer (drop_overflow)
  std::uint64_t refused_counted = 0;   // the port's refusal counters at the end (must equal the rest)
  std::uint64_t wrong_port_taken = 0;  // takes of well-formed messages of the wrong type
  std::uint64_t garbage = 0;           // garbage-valued events released
};

struct RunResult {
  std::string load;
  std::uint64_t setup_events = 0;
  std::uint64_t timed_events = 0;
  std::uint64_t dropped_control = 0;
  std::uint64_t cycles = 0;        // from the first release to quiet
  std::uint64_t last_release = 0;  // cycle of the last release, from the first
  std::array<PortFigures, regs::kPortCount> ports{};  // client, venue, market
  std::array<HostileFigures, regs::kPortCount> hostile{};
  std::uint64_t orders_taken = 0, orders_answered = 0;
  std::vector<std::uint32_t> order_latency;    // intended last beat in -> first beat of ack/reject
  std::vector<std::uint32_t> mark_first_liq;   // a mark's intended last beat -> its first liquidation out
  std::uint64_t marks_taken = 0, liquidations = 0;
  std::string mismatch;  // empty: every output equal to the model's, none missing, none extra
  double wall_seconds = 0;
};

RunResult run_concurrent(const Load& load, const RunOptions& opt = {});

// The figures as a table (frames per port, latencies: count, min, median, p90, p99, p99.9, max).
void print_result(const RunResult& r, std::FILE* out);

}  // namespace perpgate::load
