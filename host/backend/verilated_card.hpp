// The Verilated gateway top (pg_gateway_top) as a card, stepped cycle by cycle: what the rtl
// backend (rtl_backend.cpp) and the concurrent-load harness (sim/load/) drive.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "Vpg_gateway_top.h"
#include "backend/rtl_backend.hpp"
#include "clocked_model.hpp"
#include "wire/codec.hpp"
#include "wire/pcap_writer.hpp"
#include "wire/udp_frame.hpp"

namespace perpgate {
namespace rtl_card {

using sim::ClockedModel;
using Top = Vpg_gateway_top;

enum Port { kClient = 0, kVenue = 1, kMarket = 2, kPorts = 3 };

// Pins of one network port of the top, so the three ports share one driver.
struct PortPins {
  QData* s_tdata; CData* s_tkeep; CData* s_tvalid; CData* s_tready; CData* s_tlast; CData* s_tuser;
  QData* m_tdata; CData* m_tkeep; CData* m_tvalid; CData* m_tready; CData* m_tlast; CData* m_tuser;
};

struct Beat {
  std::uint64_t data;
  std::uint8_t keep;
  bool last;
  bool user = false;  // on the last beat: the MAC flags the frame bad
};

inline std::uint64_t cycle_ns(std::uint64_t cycle) {
  return static_cast<std::uint64_t>(static_cast<double>(cycle) * 1000.0 / kTargetClockMHz);
}

// The Verilated gateway top as a card: AXI-Lite registers, frames in and out of its three ports.
// Frames go in two ways: queued (send_frame, queue_raw: each beat offered as soon as the one
// before it is taken, with random idle cycles on request), or released at their own cycles as a
// MAC delivers them (release_at). Every egress beat is checked against the AXI-Stream rules.
class VerilatedCard final : public SimCard {
 public:
  static constexpr std::uint64_t kNoTag = ~std::uint64_t{0};
  // Tags of frames released to be refused (release_bad_at): one the receive path drops (it never
  // reaches the arbiter), and a well-formed message of a type its port does not carry (the arbiter
  // takes it, counts it and applies nothing: the take observer sees this tag).
  static constexpr std::uint64_t kDroppedTag = ~std::uint64_t{1};
  static constexpr std::uint64_t kWrongPortTag = ~std::uint64_t{2};
  // Per port, frames released at their cycle (release_at) and what became of them.
  struct MacStats {
    std::uint64_t released = 0;  // frames whose cycle came
    std::uint64_t lost = 0;      // the port was busy with an earlier frame or not ready: never sent
    std::uint64_t overrun = 0;   // sent, but a later beat met tready low (a MAC cannot wait)
    std::uint64_t dropped = 0;   // sent, and dropped whole by the gateway (its drop_overflow counter)
    // the same for frames released to be refused (release_bad_at)
    std::uint64_t bad_released = 0, bad_lost = 0, bad_dropped = 0;
  };

  explicit VerilatedCard(const RtlOptions& opt) : top_(opt.seed), opt_(opt), rng_(opt.seed) {
    if (!opt.pcap.empty()) pcap_ = std::make_unique<wire::PcapWriter>(opt.pcap);
    pins_[kClient] = {&top_->s_axis_client_tdata, &top_->s_axis_client_tkeep, &top_->s_axis_client_tvalid,
                      &top_->s_axis_client_tready, &top_->s_axis_client_tlast, &top_->s_axis_client_tuser,
                      &top_->m_axis_client_tdata, &top_->m_axis_client_tkeep, &top_->m_axis_client_tvalid,
                      &top_->m_axis_client_tready, &top_->m_axis_client_tlast, &top_->m_axis_client_tuser};
    pins_[kVenue] = {&top_->s_axis_venue_tdata, &top_->s_axis_venue_tkeep, &top_->s_axis_venue_tvalid,
                     &top_->s_axis_venue_tready, &top_->s_axis_venue_tlast, &top_->s_axis_venue_tuser,
                     &top_->m_axis_venue_tdata, &top_->m_axis_venue_tkeep, &top_->m_axis_venue_tvalid,
                     &top_->m_axis_venue_tready, &top_->m_axis_venue_tlast, &top_->m_axis_venue_tuser};
    pins_[kMarket] = {&top_->s_axis_market_tdata, &top_->s_axis_market_tkeep, &top_->s_axis_market_tvalid,
                      &top_->s_axis_market_tready, &top_->s_axis_market_tlast, &top_->s_axis_market_tuser,
                      &top_->m_axis_market_tdata, &top_->m_axis_market_tkeep, &top_->m_axis_market_tvalid,
                      &top_->m_axis_market_tready, &top_->m_axis_market_tlast, &top_->m_axis_market_tuser};
    for (PortPins& p : pins_) {
      *p.s_tvalid = 0;
      *p.m_tready = 1;
    }
    top_->s_axil_awvalid = 0;
    top_->s_axil_wvalid = 0;
    top_->s_axil_arvalid = 0;
    top_->s_axil_bready = 0;
    top_->s_axil_rready = 0;
    reset();
  }

  // Asserts reset (whatever is in flight) and waits for the tables to clear. Everything the
  // gateway held is gone, as on the card.
  void reset() {
    top_.assert_reset();
    for (int i = 0; i < 4; ++i) top_.tick();
    top_->rst_ni = 1;
    for (auto& q : in_) q.clear();
    for (auto& q : mac_) q.clear();
    for (auto& q : presented_) q.clear();
    mac_active_.fill(false);
    mac_overrun_.fill(false);
    for (auto& f : out_) f.clear();
    done_.clear();
    offered_.fill(false);
    held_.fill(false);
    in_first_beat_.fill(true);
    run_until([this] { return top_->core_idle_o != 0; }, "table clear after reset");
  }

  // ---- CardDevice -------------------------------------------------------------------------------
  void send_frame(int port, const std::vector<std::uint8_t>& frame) override { queue_raw(port, frame, false); }

  // Until every queued beat is in, the core has taken `events` and is idle, and nothing is on
  // its way out: three quiet cycles in a row.
  void wait_quiet(std::uint32_t events, std::vector<CardFrame>& out) override {
    int quiet = 0;
    run_until([&] {
      bool busy = top_->core_idle_o == 0 || top_->core_events_o != events;
      for (int p = 0; p < kPorts; ++p) {
        const auto pi = static_cast<std::size_t>(p);
        busy = busy || !in_[pi].empty() || *pins_[pi].m_tvalid || !out_[pi].empty();
      }
      quiet = busy ? 0 : quiet + 1;
      return quiet >= 3;
    }, "event did not complete");
    ++stats_.events;
    take_frames(out);
  }

  void write32(std::uint32_t addr, std::uint32_t data) override {
    top_->s_axil_awaddr = static_cast<std::uint16_t>(addr);
    top_->s_axil_wdata = data;
    top_->s_axil_wstrb = 0xf;
    top_->s_axil_awvalid = 1;
    top_->s_axil_wvalid = 1;
    run_until([&] {
      top_.settle();
      return top_->s_axil_awready != 0;
    }, "AXI-Lite write address");
    cycle();  // the handshake cycle
    top_->s_axil_awvalid = 0;
    top_->s_axil_wvalid = 0;
    top_->s_axil_bready = 1;
    run_until([&] {
      top_.settle();
      return top_->s_axil_bvalid != 0;
    }, "AXI-Lite write response");
    const bool ok = top_->s_axil_bresp == 0;
    cycle();
    top_->s_axil_bready = 0;
    if (!ok) throw std::runtime_error("rtl backend: AXI-Lite write refused at 0x" + std::to_string(addr));
  }

  std::uint32_t read32(std::uint32_t addr) override {
    top_->s_axil_araddr = static_cast<std::uint16_t>(addr);
    top_->s_axil_arvalid = 1;
    run_until([&] {
      top_.settle();
      return top_->s_axil_arready != 0;
    }, "AXI-Lite read address");
    cycle();
    top_->s_axil_arvalid = 0;
    top_->s_axil_rready = 1;
    run_until([&] {
      top_.settle();
      return top_->s_axil_rvalid != 0;
    }, "AXI-Lite read data");
    const std::uint32_t v = top_->s_axil_rdata;
    cycle();
    top_->s_axil_rready = 0;
    return v;
  }

  // ---- SimCard ----------------------------------------------------------------------------------
  void step(std::uint64_t cycles) override {
    for (std::uint64_t i = 0; i < cycles; ++i) cycle();
  }
  void take_frames(std::vector<CardFrame>& out) override {
    for (CardFrame& f : done_) out.push_back(std::move(f));
    done_.clear();
  }

  // ---- line rate: frames at their own cycles --------------------------------------------------------
  // `frame` is due on `port` at cycle `due` (its first beat; the rest follow a beat a cycle). Due
  // cycles of one port must not decrease. `tag` is handed to the take observer with the take of
  // the frame's message (a well-formed frame carries exactly one).
  void release_at(int port, std::vector<std::uint8_t> frame, std::uint64_t due, std::uint64_t tag) {
    mac_[static_cast<std::size_t>(port)].push_back(Timed{due, std::move(frame), tag, false});
  }
  // A frame the gateway must refuse, due like release_at's: tag kDroppedTag or kWrongPortTag;
  // mac_error: tuser on its last beat (the MAC flags it bad).
  void release_bad_at(int port, std::vector<std::uint8_t> frame, std::uint64_t due, std::uint64_t tag,
                      bool mac_error) {
    if (tag != kDroppedTag && tag != kWrongPortTag) throw std::invalid_argument("release_bad_at: not a refusal tag");
    mac_[static_cast<std::size_t>(port)].push_back(Timed{due, std::move(frame), tag, mac_error});
  }
  // Called in every cycle in which the gateway takes a message: its source (0 mailbox, 1 client,
  // 2 venue, 3 market) and the tag of the released frame that carried it (kNoTag otherwise).
  void on_take(std::function<void(int src, std::uint64_t tag)> f) { on_take_ = std::move(f); }
  // Called in every cycle in which the core has revalued a holder of a mark's walk (walk_step_o):
  // between takes, where the walk stood when the core took a client order.
  void on_walk_step(std::function<void()> f) { on_walk_step_ = std::move(f); }
  const MacStats& mac_stats(int port) const { return mac_stats_[static_cast<std::size_t>(port)]; }
  // Nothing left to release or send in, on any port.
  bool ingress_done() const {
    for (std::size_t p = 0; p < kPorts; ++p)
      if (!mac_[p].empty() || !in_[p].empty()) return false;
    return true;
  }
  // The core idle and nothing on its way out.
  bool egress_quiet() {
    bool quiet = top_->core_idle_o != 0;
    for (std::size_t p = 0; p < kPorts; ++p) quiet = quiet && !*pins_[p].m_tvalid && out_[p].empty();
    return quiet;
  }

  // ---- for the rtl backend's tests and figures ----------------------------------------------------
  // Any bytes as one frame on a port; tuser on its last beat if mac_error.
  void queue_raw(int port, const std::vector<std::uint8_t>& frame, bool mac_error) {
    if (pcap_) pcap_->write(cycle_ns(top_.cycles()), frame);
    const std::size_t beats = frame.empty() ? 1 : (frame.size() + 7) / 8;
    for (std::size_t b = 0; b < beats; ++b) {
      Beat beat{0, 0, b + 1 == beats, mac_error && b + 1 == beats};
      for (std::size_t i = 8 * b; i < frame.size() && i < 8 * b + 8; ++i) {
        beat.data |= static_cast<std::uint64_t>(frame[i]) << (8 * (i % 8));
        beat.keep |= static_cast<std::uint8_t>(1u << (i % 8));
      }
      in_[static_cast<std::size_t>(port)].push_back(beat);
    }
  }
  // Timing of the event that follows: first and last beat in, first beat out per port, first
  // liquidation out on the desk stream (0: none).
  void begin_timing() {
    first_out_.fill(0);
    first_liquidation_ = 0;
  }
  std::uint64_t cycles() const { return top_.cycles(); }
  std::uint64_t first_in() const { return first_in_; }
  std::uint64_t last_in() const { return last_in_; }
  std::uint64_t first_out(int port) const { return first_out_[static_cast<std::size_t>(port)]; }
  std::uint64_t first_liquidation() const { return first_liquidation_; }
  // Per-frame timing while on: the first and last beat of every frame in on the client port, and
  // the first beat and message type of every frame out, per port.
  struct FrameOut {
    std::uint64_t first;
    std::uint8_t type;
  };
  struct FrameLog {
    std::vector<std::uint64_t> client_first_in, client_last_in;
    std::array<std::vector<FrameOut>, kPorts> out;
  };
  void log_frames(bool on) {
    log_on_ = on;
    log_ = FrameLog{};
  }
  const FrameLog& frame_log() const { return log_; }
  RtlStats& stats() { return stats_; }
  const RtlStats& stats() const { return stats_; }

 private:
  // ---- one clock: stream inputs, collect outputs ----------------------------------------------------
  void cycle() {
    release_due();
    for (int p = 0; p < kPorts; ++p) {
      const auto pi = static_cast<std::size_t>(p);
      PortPins& pin = pins_[pi];
      auto& q = in_[pi];
      // A beat once offered stays offered until taken; before that, maybe an idle cycle.
      if (!offered_[pi] && !q.empty()) offered_[pi] = !(opt_.idle > 0 && chance(opt_.idle));
      *pin.s_tvalid = offered_[pi];
      *pin.m_tready = !(opt_.stall > 0 && chance(opt_.stall));
      if (offered_[pi]) {
        *pin.s_tdata = q.front().data;
        *pin.s_tkeep = q.front().keep;
        *pin.s_tlast = q.front().last;
        *pin.s_tuser = q.front().user;
      }
    }
    top_.settle();
    const std::uint64_t now = top_.cycles();
    for (int p = 0; p < kPorts; ++p) {
      const auto pi = static_cast<std::size_t>(p);
      PortPins& pin = pins_[pi];
      auto& q = in_[pi];
      // A frame dropped by the port's full receive buffer, at its first beat: it has no message.
      // Queued frames are sent for an event each, which would then never complete: say so now.
      if (top_->rx_drop_overflow_o >> p & 1) {
        if (!mac_active_[pi] || !in_first_beat_[pi])
          throw std::runtime_error("rtl backend: a queued frame was dropped by a full receive buffer");
        if (sending_tag_[pi] == kDroppedTag || sending_tag_[pi] == kWrongPortTag) ++mac_stats_[pi].bad_dropped;
        else ++mac_stats_[pi].dropped;
        if (sending_tag_[pi] != kDroppedTag) presented_[pi].pop_back();
      }
      if (*pin.s_tvalid && !*pin.s_tready) {
        ++stats_.ingress_stall_cycles;
        if (mac_active_[pi] && !mac_overrun_[pi]) {
          mac_overrun_[pi] = true;
          ++mac_stats_[pi].overrun;
        }
      }
      if (*pin.s_tvalid && *pin.s_tready) {
        if (in_first_beat_[pi]) first_in_ = now;
        if (log_on_ && p == kClient && in_first_beat_[pi]) log_.client_first_in.push_back(now);
        if (log_on_ && p == kClient && q.front().last) log_.client_last_in.push_back(now);
        in_first_beat_[pi] = q.front().last;
        if (q.front().last) {
          last_in_ = now;
          mac_active_[pi] = false;
        }
        q.pop_front();
        offered_[pi] = false;
      }
      check_egress(p);
      if (*pin.m_tvalid && *pin.m_tready) {
        auto& f = out_[pi];
        if (f.empty() && first_out_[pi] == 0) first_out_[pi] = now;
        if (f.empty()) frame_start_[pi] = now;
        for (int i = 0; i < 8; ++i) {
          if (*pin.m_tkeep >> i & 1) f.push_back(static_cast<std::uint8_t>(*pin.m_tdata >> (8 * i)));
        }
        if (*pin.m_tlast) {
          if (*pin.m_tuser) throw std::runtime_error("rtl backend: frame sent with tuser set");
          if (pcap_) pcap_->write(cycle_ns(now), f);
          if (p == kMarket && first_liquidation_ == 0 && f.size() > wire::kPayloadOffset &&
              f[wire::kPayloadOffset] == static_cast<std::uint8_t>(wire::MsgType::kLiquidate))
            first_liquidation_ = now;  // its last beat, as bench/README.md's figures were taken
          if (log_on_)
            log_.out[pi].push_back(FrameOut{frame_start_[pi], f.size() > wire::kPayloadOffset ? f[wire::kPayloadOffset]
                                                                                                : std::uint8_t{0}});
          done_.push_back(CardFrame{p, std::move(f), frame_start_[pi]});
          f.clear();
        }
      }
    }
    if (top_->take_o) {
      const int src = top_->take_src_o;
      std::uint64_t tag = kNoTag;
      if (src > 0 && !presented_[static_cast<std::size_t>(src - 1)].empty()) {
        tag = presented_[static_cast<std::size_t>(src - 1)].front();
        presented_[static_cast<std::size_t>(src - 1)].pop_front();
      }
      if (on_take_) on_take_(src, tag);
    }
    if (top_->walk_step_o && on_walk_step_) on_walk_step_();
    top_.tick();
    ++stats_.cycles;
  }

  // Frames whose cycle has come: onto the wire if the port is free and ready, else lost. tready
  // towards the MAC is a function of registers (pg_udp_rx), so it is sampled before this cycle's
  // inputs are set.
  void release_due() {
    const std::uint64_t now = top_.cycles();
    bool due = false;
    for (const auto& q : mac_) due = due || (!q.empty() && q.front().due <= now);
    if (!due) return;
    top_.settle();
    for (std::size_t p = 0; p < kPorts; ++p) {
      auto& q = mac_[p];
      while (!q.empty() && q.front().due <= now) {
        const bool bad = q.front().tag == kDroppedTag || q.front().tag == kWrongPortTag;
        ++(bad ? mac_stats_[p].bad_released : mac_stats_[p].released);
        const bool free = in_[p].empty() && !offered_[p] && *pins_[p].s_tready && q.front().due == now;
        if (!free) {
          ++(bad ? mac_stats_[p].bad_lost : mac_stats_[p].lost);
        } else {
          queue_raw(static_cast<int>(p), q.front().frame, q.front().mac_error);
          // a frame the receive path drops never reaches the arbiter: no take to pair with
          if (q.front().tag != kDroppedTag) presented_[p].push_back(q.front().tag);
          sending_tag_[p] = q.front().tag;
          mac_active_[p] = true;
          mac_overrun_[p] = false;
        }
        q.pop_front();
      }
    }
  }

  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  // AXI-Stream on an egress port: a beat offered and not taken must be offered again, unchanged.
  void check_egress(int p) {
    const auto pi = static_cast<std::size_t>(p);
    const PortPins& pin = pins_[pi];
    const Beat now{*pin.m_tdata, *pin.m_tkeep, *pin.m_tlast != 0};
    if (held_[pi]) {
      if (!*pin.m_tvalid) throw std::runtime_error("rtl backend: AXI-Stream tvalid dropped before tready");
      if (now.data != held_beat_[pi].data || now.keep != held_beat_[pi].keep || now.last != held_beat_[pi].last)
        throw std::runtime_error("rtl backend: AXI-Stream beat changed while waiting for tready");
    }
    if (*pin.m_tvalid && *pin.m_tuser && !*pin.m_tlast)
      throw std::runtime_error("rtl backend: tuser on a beat that is not the last");
    held_[pi] = *pin.m_tvalid && !*pin.m_tready;
    held_beat_[pi] = now;
  }

  template <class Done>
  void run_until(Done done, const char* what) {
    for (std::uint64_t n = 0; !done(); ++n) {
      if (n > 50'000'000) throw std::runtime_error(std::string("rtl backend: no progress: ") + what);
      cycle();
    }
  }

  ClockedModel<Top> top_;
  RtlOptions opt_;
  std::mt19937_64 rng_;
  std::unique_ptr<wire::PcapWriter> pcap_;
  std::array<PortPins, kPorts> pins_{};
  std::array<std::deque<Beat>, kPorts> in_;
  struct Timed {
    std::uint64_t due;
    std::vector<std::uint8_t> frame;
    std::uint64_t tag;
    bool mac_error;
  };
  std::array<std::deque<Timed>, kPorts> mac_;
  std::array<std::uint64_t, kPorts> sending_tag_{};  // the tag of the released frame going in
  std::array<std::deque<std::uint64_t>, kPorts> presented_;  // tags of frames sent in, not yet taken
  std::array<bool, kPorts> mac_active_{};   // a released frame is going in
  std::array<bool, kPorts> mac_overrun_{};  // ... and has met tready low
  std::array<MacStats, kPorts> mac_stats_{};
  std::function<void(int, std::uint64_t)> on_take_;
  std::function<void()> on_walk_step_;
  std::array<bool, kPorts> in_first_beat_{true, true, true};
  std::array<bool, kPorts> offered_{};
  std::array<bool, kPorts> held_{};
  std::array<Beat, kPorts> held_beat_{};
  std::array<std::vector<std::uint8_t>, kPorts> out_;
  std::vector<CardFrame> done_;
  std::array<std::uint64_t, kPorts> first_out_{};
  std::array<std::uint64_t, kPorts> frame_start_{};  // first beat of the frame coming out
  bool log_on_ = false;
  FrameLog log_;
  std::uint64_t first_in_ = 0, last_in_ = 0, first_liquidation_ = 0;
  RtlStats stats_;
};

}  // namespace rtl_card
}  // namespace perpgate
