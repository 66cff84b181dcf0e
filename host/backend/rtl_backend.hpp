// The `rtl` backend: the Verilated RTL (pg_gateway_top) stepped in-process. Events become what
// the card sees: wire messages in Ethernet/IPv4/UDP frames on the client, venue and market ports
// (64-bit AXI-Stream beats) and control commands through the AXI-Lite mailbox. Decisions are
// decoded back from the frames the RTL sends. Events are applied one at a time: each is run
// until the gateway is idle again, so the output order is the model's.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "backend.hpp"

namespace perpgate {

// Latency of one order through the RTL, in clock cycles.
struct RtlOrderLatency {
  std::uint32_t last_in_to_response;  // last beat of the order in -> first beat of ack/reject out
  std::uint32_t last_in_to_forward;   // ... -> first beat of the forwarded order (0: rejected)
  std::uint32_t first_in_to_response; // first beat in -> first beat of ack/reject out
};

struct RtlStats {
  std::uint64_t cycles = 0;
  std::uint64_t events = 0;
  std::vector<RtlOrderLatency> orders;
  std::vector<std::uint32_t> mark_to_first_liquidation;  // cycles, per mark tick that liquidated
  std::vector<std::uint32_t> mark_revaluation;            // cycles from mark in to gateway idle
};

class RtlBackendApi : public Backend {
 public:
  virtual const RtlStats& rtl_stats() const = 0;
};

// seed: Verilator's random initial register values (reset must not depend on them).
std::unique_ptr<RtlBackendApi> make_rtl_backend(DecisionSink& sink, std::uint64_t seed = 1);

}  // namespace perpgate
