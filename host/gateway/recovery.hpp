// A restart's first step: the journal's records applied to the gateway again (host/dpdk's
// HostLoop::recover does it, then sends what followed the last TX marker). Frames go through the
// receive path, control actions through the control plane, in journal order. Up to the last TX
// marker the gateway is muted: those responses left before the crash.
#pragma once

#include <cstdint>
#include <vector>

#include "gateway/gateway.hpp"
#include "gateway/journal.hpp"

namespace perpgate {

struct RecoveryCounts {
  std::uint64_t frames = 0;        // frame records applied
  std::uint64_t script_ops = 0;    // the control script's actions (their index continues from here)
  std::uint64_t operator_ops = 0;  // the control socket's
};

// Applies `records` to `gw`, counting into `counts`. Throws std::runtime_error on a control
// record it cannot read (and std::logic_error on a frame for a DPDK port that carries no role).
void apply_journal(Gateway& gw, const std::vector<JournalRecord>& records, RecoveryCounts& counts);

}  // namespace perpgate
