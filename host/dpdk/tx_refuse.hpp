// A transmit side that refuses bursts at random, for the backpressure test (perpgate host
// --tx-refuse P). A NIC whose TX ring is full takes only the first k frames of a burst (k may be
// 0) and leaves the rest with the caller; TxPath must then offer the rest again, in order. This
// makes that happen at will on any port, net_pcap and net_ring included, whose drivers here
// always take the whole burst.
//
// It is a DPDK TX callback (rte_eth_add_tx_callback): ethdev calls it inside rte_eth_tx_burst,
// before the driver, and hands the driver only as many frames as it returns. So the host's own
// TX path runs unchanged (no test branch in it): the same rte_eth_tx_burst returns fewer than it
// was given, as it would from a full ring. Without the option no callback is installed, and
// rte_eth_tx_burst only tests its (empty) callback list, as it always does in this DPDK build
// (RTE_ETHDEV_RXTX_CALLBACKS is on in Debian's DPDK 22.11). Not a net_ring drained at random
// pace instead: a net_ring0 vdev loops a port's TX into its own RX and its rings live inside the
// host's process, so no other process can be the slow consumer, and a consumer thread inside the
// host would be a code path the product does not have.
#pragma once

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace perpgate {

class TxRefuser {
 public:
  // p: the chance that one rte_eth_tx_burst call is refused (then the driver gets a prefix of
  // the burst, its length drawn uniformly from 0 to all but one frame); seed: the draws.
  TxRefuser(double p, std::uint64_t seed) : state_(seed) {
    if (!(p >= 0.0 && p <= 1.0)) throw std::runtime_error("--tx-refuse: the chance must be between 0 and 1");
    threshold_ = p >= 1.0 ? ~std::uint64_t{0} : static_cast<std::uint64_t>(p * 18446744073709551616.0);
    always_ = p >= 1.0;
  }
  TxRefuser(const TxRefuser&) = delete;
  TxRefuser& operator=(const TxRefuser&) = delete;
  ~TxRefuser() {
    for (const Installed& i : installed_) rte_eth_remove_tx_callback(i.port, 0, i.cb);
  }

  // On queue 0 of the port (the only TX queue perpgate host sets up).
  void install(std::uint16_t port) {
    const rte_eth_rxtx_callback* cb = rte_eth_add_tx_callback(port, 0, &TxRefuser::on_tx, this);
    if (cb == nullptr)
      throw std::runtime_error("--tx-refuse: cannot add a TX callback on port " + std::to_string(port) + ": " +
                               rte_strerror(rte_errno));
    installed_.push_back({port, cb});
  }

  std::uint64_t calls() const { return calls_; }            // rte_eth_tx_burst calls seen
  std::uint64_t refusals() const { return refusals_; }      // calls refused, wholly or partly
  std::uint64_t whole() const { return whole_; }            // of which nothing was taken
  std::uint64_t refused_frames() const { return refused_frames_; }  // frames left with the caller

 private:
  struct Installed {
    std::uint16_t port;
    const rte_eth_rxtx_callback* cb;
  };

  std::uint64_t next() {  // splitmix64
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  static std::uint16_t on_tx(std::uint16_t, std::uint16_t, rte_mbuf**, std::uint16_t n, void* user) {
    auto* self = static_cast<TxRefuser*>(user);
    ++self->calls_;
    if (n == 0 || !(self->always_ || self->next() < self->threshold_)) return n;
    const auto take = static_cast<std::uint16_t>(self->always_ ? 0 : self->next() % n);
    ++self->refusals_;
    self->whole_ += take == 0;
    self->refused_frames_ += n - take;
    return take;
  }

  std::uint64_t state_;
  std::uint64_t threshold_ = 0;
  bool always_ = false;
  std::uint64_t calls_ = 0, refusals_ = 0, whole_ = 0, refused_frames_ = 0;
  std::vector<Installed> installed_;
};

}  // namespace perpgate
