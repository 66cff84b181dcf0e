// The polling loop of perpgate host, on one lcore: RX bursts from each port, each frame run to
// completion through the gateway (control actions applied at their frame counts, every input
// journaled first), TX flushed at the end of each burst, per-packet latency by TSC. Used by
// `perpgate host` and by bench/host_bench.cpp, so the benchmark measures this very code.
#pragma once

#include <rte_config.h>

#include <cstdint>
#include <vector>

#include "common/hdr_histogram.hpp"
#include "dpdk/tx_path.hpp"
#include "gateway/control_op.hpp"
#include "gateway/gateway.hpp"
#include "gateway/journal.hpp"

namespace perpgate {

// One RX and one TX queue, started, promiscuous (our addresses are checked in software).
void setup_dpdk_port(std::uint16_t port, rte_mempool* pool);

class alignas(RTE_CACHE_LINE_SIZE) HostLoop {
 public:
  HostLoop(Gateway& gw, TxPath& tx, JournalWriter* journal, const std::vector<ControlOp>& script,
           std::vector<std::uint16_t> ports);
  // Restart: applies a journal. Up to its last TX marker the responses left already (muted);
  // those after it are sent again. With skip_journaled, as many arriving frames as it held are
  // dropped (a source that starts over from its beginning).
  void recover(const std::vector<JournalRecord>& records, bool skip_journaled);
  // One round over the ports; returns the frames received.
  std::uint32_t poll();
  // A control action from the operator (the control socket): journaled, applied now.
  void apply_operator(ControlOp op);
  // Control actions left after the last frame, then everything out and on disk.
  void finish();

  std::uint64_t rx_frames() const { return rx_frames_; }
  std::size_t control_applied() const { return next_op_; }
  // Frame in (its RX burst returned) -> the TX burst with its last response handed over, in TSC cycles.
  const HdrHistogram& latency_cycles() const { return latency_; }

 private:
  void apply_control(const ControlOp& op);
  std::uint64_t frames_out() const;

  Gateway& gw_;
  TxPath& tx_;
  JournalWriter* journal_;
  const std::vector<ControlOp>& script_;
  const std::vector<std::uint16_t> ports_;
  std::size_t next_op_ = 0;
  std::uint64_t operator_ops_ = 0;  // actions from the control socket so far
  std::uint64_t rx_frames_ = 0;
  std::uint64_t skip_ = 0;
  HdrHistogram latency_;
};

}  // namespace perpgate
