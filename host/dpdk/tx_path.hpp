// Frames out of perpgate host: per port a burst of mbufs, written in place by the gateway.
#pragma once

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <cstdint>
#include <stdexcept>

#include "gateway/gateway.hpp"
#include "gateway/journal.hpp"

namespace perpgate {

inline constexpr std::uint16_t kBurst = 32;
// Frames out waiting for TX: an RX burst of orders makes up to two frames each (ack and forward),
// so one TX burst per RX burst (and one journal write) needs room for 64.
inline constexpr std::uint16_t kTxBurst = 2 * kBurst;
inline constexpr std::uint64_t kTxGiveUpSpins = 1'000'000;  // a port that takes nothing for this long is broken

// Frames out: per port a burst of mbufs, sent when full, at the end of each RX burst, or when the
// next frame goes to another port.
class TxPath final : public FrameSink {
 public:
  TxPath(rte_mempool* pool, const GatewayConfig& cfg, JournalWriter* journal) : pool_(pool), journal_(journal) {
    for (int r = 0; r < kRoleCount; ++r) port_of_role_[r] = cfg.roles[r].dpdk_port;
  }
  std::uint8_t* begin_frame(int role, std::size_t max_len) override {
    const std::uint16_t port = port_of_role_[role];
    if (pending_port_ >= 0 && pending_port_ != port) flush();
    rte_mbuf* m = rte_pktmbuf_alloc(pool_);
    // Every mbuf is in flight: send what waits, then try again. The bound is on this wait alone:
    // waits that each ended add up over a long run and must not end it.
    for (std::uint64_t spins = 0; m == nullptr;) {
      flush();
      m = rte_pktmbuf_alloc(pool_);
      if (m == nullptr && ++spins > kTxGiveUpSpins) throw std::runtime_error("mbuf pool exhausted");
    }
    char* data = rte_pktmbuf_append(m, static_cast<std::uint16_t>(max_len));
    if (data == nullptr) throw std::runtime_error("frame larger than an mbuf");
    cur_ = m;
    return reinterpret_cast<std::uint8_t*>(data);
  }
  void commit_frame(int role, std::size_t len) override {
    rte_pktmbuf_trim(cur_, static_cast<std::uint16_t>(cur_->pkt_len - len));
    pending_port_ = port_of_role_[role];
    burst_[n_++] = cur_;
    cur_ = nullptr;
    if (n_ == kTxBurst) flush();
  }
  // Sends what waits. TX that takes only part is retried until it takes all.
  void flush() {
    if (n_ == 0) return;
    if (journal_ != nullptr) journal_->commit_inputs();  // what the responses answer is on disk first
    std::uint16_t sent = 0;
    std::uint64_t spins = 0;
    while (sent < n_) {
      const std::uint16_t k = rte_eth_tx_burst(static_cast<std::uint16_t>(pending_port_), 0, burst_ + sent,
                                               static_cast<std::uint16_t>(n_ - sent));
      sent = static_cast<std::uint16_t>(sent + k);
      if (k == 0 && ++spins > kTxGiveUpSpins) {
        for (std::uint16_t i = sent; i < n_; ++i) rte_pktmbuf_free(burst_[i]);
        tx_dropped_ += n_ - sent;
        break;
      }
      if (k == 0) ++tx_retries_;
    }
    n_ = 0;
    if (journal_ != nullptr) journal_->tx_done();
    flushed_tsc_ = rte_rdtsc();
    ++flushes_;
  }
  std::uint64_t flushes() const { return flushes_; }
  std::uint64_t tx_dropped() const { return tx_dropped_; }
  std::uint64_t tx_retries() const { return tx_retries_; }
  std::uint64_t flushed_tsc() const { return flushed_tsc_; }

 private:
  rte_mempool* pool_;
  JournalWriter* journal_;
  std::uint16_t port_of_role_[kRoleCount] = {};
  rte_mbuf* burst_[kTxBurst] = {};
  rte_mbuf* cur_ = nullptr;
  std::uint16_t n_ = 0;
  int pending_port_ = -1;
  std::uint64_t flushes_ = 0, tx_dropped_ = 0, tx_retries_ = 0, flushed_tsc_ = 0;
};

}  // namespace perpgate
