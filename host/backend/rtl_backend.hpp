// The `rtl` backend: the Verilated RTL (pg_gateway_top) stepped in-process. Events become what
// the card sees: wire messages in Ethernet/IPv4/UDP frames on the client, venue and market ports
// (64-bit AXI-Stream beats) and control commands through the AXI-Lite mailbox. Decisions are
// decoded back from the frames the RTL sends. Events are applied one at a time: each is run
// until the gateway is idle again, so the output order is the model's.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "backend.hpp"
#include "card_device.hpp"

namespace perpgate {

// Latency of one order through the RTL, in clock cycles.
struct RtlOrderLatency {
  std::uint32_t last_in_to_response;  // last beat of the order in -> first beat of ack/reject out
  std::uint32_t last_in_to_forward;   // ... -> first beat of the forwarded order (0: rejected)
  std::uint32_t first_in_to_response; // first beat in -> first beat of ack/reject out
  std::uint32_t first_in_to_forward;  // first beat in -> first beat of the forwarded order (0: rejected)
};

struct RtlStats {
  std::uint64_t cycles = 0;
  std::uint64_t events = 0;
  std::vector<RtlOrderLatency> orders;
  std::vector<RtlOrderLatency> burst_orders;  // orders of order_burst(), back to back at line rate
  std::vector<std::uint32_t> mark_to_first_liquidation;  // cycles, per mark tick that liquidated
  std::vector<std::uint32_t> mark_revaluation;            // cycles from mark in to gateway idle
  std::uint64_t ingress_stall_cycles = 0;  // cycles an ingress beat was offered and not taken
};

class RtlBackendApi : public Backend {
 public:
  virtual const RtlStats& rtl_stats() const = 0;
  // Orders back to back on the client port, with no gap between frames (line rate), then one
  // drain: the decisions come out as if each had been sent alone. Each order's latency, queueing
  // behind the ones before it included, goes to rtl_stats().burst_orders.
  virtual void order_burst(const std::vector<OrderEvent>& orders) = 0;
  // Starts a frame on `port`, runs `cycles` clocks (part of it in, maybe part through the core),
  // then resets the gateway in the middle of it. The gateway starts empty again.
  virtual void reset_mid_frame(int port, std::uint64_t cycles) = 0;
  // Any bytes as one frame on a port (tuser on its last beat if mac_error), run until quiet:
  // for malformed, foreign and corrupted frames. frame_for() builds a well-formed frame carrying
  // `msg` to the port, to corrupt.
  virtual void inject_frame(int port, const std::vector<std::uint8_t>& frame, bool mac_error) = 0;
  virtual std::vector<std::uint8_t> frame_for(int port, const std::vector<std::uint8_t>& msg) const = 0;
  // A 64-bit counter of the register map (lo then hi), read over AXI-Lite.
  virtual std::uint64_t read_counter(std::uint32_t addr) = 0;
};

// The hot-path clock on the card: the 10/25G MAC user clock of UltraScale+ (constraints/ uses it).
inline constexpr double kTargetClockMHz = 322.265625;

// Prints min / median / p99 / max of each latency figure, in cycles and ns at kTargetClockMHz.
void print_rtl_latency(const RtlStats& s, std::FILE* out);

struct RtlOptions {
  std::uint64_t seed = 1;   // Verilator's random initial register values (reset must not depend on them)
  double idle = 0.0;        // chance of an idle cycle before each ingress beat
  double stall = 0.0;       // chance that egress tready is low in a cycle
  std::string pcap;         // if set: every frame in and out, stamped with its cycle x 3.103 ns
};

// The AXI-Stream rules are checked on every egress beat (data held while valid and not ready,
// tuser only on the last beat); a violation throws.
std::unique_ptr<RtlBackendApi> make_rtl_backend(DecisionSink& sink, const RtlOptions& opt = {});

// The Verilated gateway as a bare card (registers, frames in and out, a clock that runs only
// when something waits on it), reset and ready: what the fpga backend's tests put behind a fake
// XDMA driver. step() runs clock cycles, as a card runs on its own between two host accesses.
class SimCard : public CardDevice {
 public:
  virtual void step(std::uint64_t cycles) = 0;
  // Frames the card has sent so far and not yet handed out, in the order they left.
  virtual void take_frames(std::vector<CardFrame>& out) = 0;
};
std::unique_ptr<SimCard> make_sim_card(const RtlOptions& opt = {});

}  // namespace perpgate
