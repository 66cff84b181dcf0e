#include "dpdk/host_loop.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "gateway/recovery.hpp"

namespace perpgate {
namespace {

constexpr std::uint16_t kRxDesc = 1024, kTxDesc = 1024;

std::string fmt_port_error(const char* what, std::uint16_t port) {
  return "port " + std::to_string(port) + ": " + what;
}

}  // namespace


void setup_dpdk_port(std::uint16_t port, rte_mempool* pool) {
  rte_eth_dev_info info{};
  if (rte_eth_dev_info_get(port, &info) != 0) throw std::runtime_error(fmt_port_error("no device info", port));
  rte_eth_conf conf{};
  if (rte_eth_dev_configure(port, 1, 1, &conf) != 0) throw std::runtime_error(fmt_port_error("configure failed", port));
  std::uint16_t rxd = kRxDesc, txd = kTxDesc;
  if (rte_eth_dev_adjust_nb_rx_tx_desc(port, &rxd, &txd) != 0)
    throw std::runtime_error(fmt_port_error("descriptor counts refused", port));
  const int socket = rte_eth_dev_socket_id(port);
  const unsigned sock = socket < 0 ? 0u : static_cast<unsigned>(socket);
  if (rte_eth_rx_queue_setup(port, 0, rxd, sock, nullptr, pool) != 0)
    throw std::runtime_error(fmt_port_error("RX queue setup failed", port));
  if (rte_eth_tx_queue_setup(port, 0, txd, sock, nullptr) != 0)
    throw std::runtime_error(fmt_port_error("TX queue setup failed", port));
  if (rte_eth_dev_start(port) != 0) throw std::runtime_error(fmt_port_error("start failed", port));
  rte_eth_promiscuous_enable(port);  // our addresses are checked in software; virtual devices ignore it
}

HostLoop::HostLoop(Gateway& gw, TxPath& tx, JournalWriter* journal, const std::vector<ControlOp>& script,
                   std::vector<std::uint16_t> ports)
    : gw_(gw), tx_(tx), journal_(journal), script_(script), ports_(std::move(ports)) {}

void HostLoop::recover(const std::vector<JournalRecord>& records, bool skip_journaled) {
  RecoveryCounts counts{rx_frames_, next_op_, operator_ops_};
  apply_journal(gw_, records, counts);
  rx_frames_ = counts.frames;
  next_op_ = static_cast<std::size_t>(counts.script_ops);
  operator_ops_ = counts.operator_ops;
  tx_.flush();
  if (next_op_ > script_.size()) throw std::runtime_error("the journal holds more control actions than the script");
  if (skip_journaled) skip_ = rx_frames_;
}

void HostLoop::apply_control(const ControlOp& op) {
  if (journal_ != nullptr) journal_->control(format_control_op(op), op.from_operator);
  gw_.control(op);
}

void HostLoop::apply_operator(ControlOp op) {
  op.from_operator = true;
  op.index = operator_ops_++;
  apply_control(op);
  tx_.flush();
  if (journal_ != nullptr) journal_->commit();
}

std::uint64_t HostLoop::frames_out() const {
  const GatewayCounters& c = gw_.counters();
  return c.roles[0].tx_frames + c.roles[1].tx_frames + c.roles[2].tx_frames;
}

std::uint32_t HostLoop::poll() {
  rte_mbuf* bufs[kBurst];
  std::uint64_t waiting_tsc[kBurst];
  std::uint8_t scratch[RTE_MBUF_DEFAULT_BUF_SIZE];
  std::uint32_t received = 0;
  // Actions due before any further frame (at the start: the symbols and accounts).
  while (skip_ == 0 && next_op_ < script_.size() && script_[next_op_].at <= rx_frames_) apply_control(script_[next_op_++]);
  for (const std::uint16_t port : ports_) {
    const std::uint16_t n = rte_eth_rx_burst(port, 0, bufs, kBurst);
    if (n == 0) continue;
    received += n;
    const std::uint64_t t_rx = rte_rdtsc();
    std::uint16_t waiting = 0;  // frames of this burst whose responses wait for the flush
    for (std::uint16_t i = 0; i < n; ++i) {
      rte_mbuf* m = bufs[i];
      if (skip_ != 0) {  // applied from the journal already
        --skip_;
        rte_pktmbuf_free(m);
        continue;
      }
      while (next_op_ < script_.size() && script_[next_op_].at <= rx_frames_) apply_control(script_[next_op_++]);
      const std::uint8_t* data =
          m->nb_segs == 1 ? rte_pktmbuf_mtod(m, const std::uint8_t*)
                          : static_cast<const std::uint8_t*>(
                                rte_pktmbuf_read(m, 0, std::min<std::uint32_t>(m->pkt_len, sizeof scratch), scratch));
      const std::uint64_t flushes_before = tx_.flushes();
      const std::uint64_t out_before = frames_out();
      if (journal_ != nullptr) journal_->frame(port, data, m->pkt_len);
      gw_.rx(port, data, m->pkt_len, false);
      ++rx_frames_;
      rte_pktmbuf_free(m);
      if (frames_out() == out_before) continue;
      if (tx_.flushes() != flushes_before) {  // earlier responses left with it
        for (std::uint16_t w = 0; w < waiting; ++w) latency_.record(tx_.flushed_tsc() - waiting_tsc[w]);
        waiting = 0;
      }
      waiting_tsc[waiting++] = t_rx;
    }
    tx_.flush();
    if (journal_ != nullptr) journal_->commit_inputs();  // inputs without a response (ticks) too, by the burst's end
    for (std::uint16_t w = 0; w < waiting; ++w) latency_.record(tx_.flushed_tsc() - waiting_tsc[w]);
  }
  return received;
}

void HostLoop::finish() {
  while (next_op_ < script_.size()) apply_control(script_[next_op_++]);
  tx_.flush();
  if (journal_ != nullptr) journal_->commit();
}

}  // namespace perpgate
