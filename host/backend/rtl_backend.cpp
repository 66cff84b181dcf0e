// The rtl backend: the card protocol (card_protocol.cpp) over the Verilated gateway top, driven
// cycle by cycle: frames as 64-bit AXI-Stream beats (random idles on ingress and stalls on
// egress on request, AXI-Stream rules checked on every egress beat), registers as AXI-Lite
// transactions, latency taken in cycles from the pins.
#include "rtl_backend.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <random>
#include <stdexcept>
#include <string>

#include "Vpg_gateway_top.h"
#include "backend/card_protocol.hpp"
#include "clocked_model.hpp"
#include "perpgate/regs.hpp"
#include "perpgate/wire.hpp"
#include "wire/codec.hpp"
#include "wire/pcap_writer.hpp"
#include "wire/udp_frame.hpp"

namespace perpgate {
namespace {

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

std::uint64_t cycle_ns(std::uint64_t cycle) {
  return static_cast<std::uint64_t>(static_cast<double>(cycle) * 1000.0 / kTargetClockMHz);
}

class VerilatedCard final : public SimCard {
 public:
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
      if (*pin.s_tvalid && !*pin.s_tready) ++stats_.ingress_stall_cycles;
      if (*pin.s_tvalid && *pin.s_tready) {
        if (in_first_beat_[pi]) first_in_ = now;
        if (log_on_ && p == kClient && in_first_beat_[pi]) log_.client_first_in.push_back(now);
        if (log_on_ && p == kClient && q.front().last) log_.client_last_in.push_back(now);
        in_first_beat_[pi] = q.front().last;
        if (q.front().last) last_in_ = now;
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
          done_.push_back(CardFrame{p, std::move(f)});
          f.clear();
        }
      }
    }
    top_.tick();
    ++stats_.cycles;
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

class RtlBackend final : public CardBackendBase<RtlBackendApi> {
 public:
  RtlBackend(DecisionSink& sink, const RtlOptions& opt) : card_(opt), proto_(card_, sink) { proto_.start(); }

  // Mark and order: the same, with their latency taken from the pins.
  void mark(int sym, i64 px) override {
    card_.begin_timing();
    const std::uint64_t t0 = card_.cycles();
    proto_.mark(sym, px);
    RtlStats& s = card_.stats();
    s.mark_revaluation.push_back(static_cast<std::uint32_t>(card_.cycles() - t0));
    if (card_.first_liquidation() != 0)
      s.mark_to_first_liquidation.push_back(static_cast<std::uint32_t>(card_.first_liquidation() - t0));
  }
  void order(const OrderEvent& o) override {
    card_.begin_timing();
    proto_.order(o);
    RtlOrderLatency l{};
    if (card_.first_out(kClient) != 0) {
      l.last_in_to_response = static_cast<std::uint32_t>(card_.first_out(kClient) - card_.last_in());
      l.first_in_to_response = static_cast<std::uint32_t>(card_.first_out(kClient) - card_.first_in());
    }
    if (card_.first_out(kVenue) != 0) {
      l.last_in_to_forward = static_cast<std::uint32_t>(card_.first_out(kVenue) - card_.last_in());
      l.first_in_to_forward = static_cast<std::uint32_t>(card_.first_out(kVenue) - card_.first_in());
    }
    card_.stats().orders.push_back(l);
  }

  const RtlStats& rtl_stats() const override { return card_.stats(); }
  std::uint64_t read_counter(std::uint32_t addr) override { return proto_.read64(addr); }
  // A burst's latencies from the frame log: responses leave in order (the core retires orders
  // oldest first), so the k-th ack or reject out answers the k-th order in, and the j-th order
  // forwarded to the venue is the j-th acked one.
  void order_burst(const std::vector<OrderEvent>& orders) override {
    card_.log_frames(true);
    proto_.order_burst(orders);
    const auto& log = card_.frame_log();
    using T = wire::MsgType;
    std::vector<VerilatedCard::FrameOut> resp, fwd;
    for (const auto& f : log.out[kClient])
      if (f.type == static_cast<std::uint8_t>(T::kAck) || f.type == static_cast<std::uint8_t>(T::kReject)) resp.push_back(f);
    for (const auto& f : log.out[kVenue])
      if (f.type == static_cast<std::uint8_t>(T::kForwardOrder)) fwd.push_back(f);
    if (resp.size() != orders.size() || log.client_first_in.size() != orders.size() ||
        log.client_last_in.size() != orders.size())
      throw std::runtime_error("rtl backend: a burst's orders and responses do not pair up");
    std::size_t j = 0;
    for (std::size_t k = 0; k < orders.size(); ++k) {
      RtlOrderLatency l{};
      l.last_in_to_response = static_cast<std::uint32_t>(resp[k].first - log.client_last_in[k]);
      l.first_in_to_response = static_cast<std::uint32_t>(resp[k].first - log.client_first_in[k]);
      if (resp[k].type == static_cast<std::uint8_t>(T::kAck)) {
        if (j == fwd.size()) throw std::runtime_error("rtl backend: an acked order of a burst was not forwarded");
        l.last_in_to_forward = static_cast<std::uint32_t>(fwd[j].first - log.client_last_in[k]);
        l.first_in_to_forward = static_cast<std::uint32_t>(fwd[j].first - log.client_first_in[k]);
        ++j;
      }
      card_.stats().burst_orders.push_back(l);
    }
    if (j != fwd.size()) throw std::runtime_error("rtl backend: a burst forwarded more orders than were acked");
    card_.log_frames(false);
  }
  void reset_mid_frame(int port, std::uint64_t cycles) override {
    card_.send_frame(port, proto_.frame_for(port, wire::encode_price<wire::Mark>(0, 1, 0, CardProtocol::session(port),
                                                                                 proto_.next_seq(port))));
    card_.step(cycles);
    card_.reset();
    proto_.start();
  }
  void inject_frame(int port, const std::vector<std::uint8_t>& frame, bool mac_error) override {
    card_.queue_raw(port, frame, mac_error);
    proto_.barrier();
  }
  std::vector<std::uint8_t> frame_for(int port, const std::vector<std::uint8_t>& msg) const override {
    return proto_.frame_for(port, msg);
  }

 protected:
  CardProtocol& proto() override { return proto_; }

 private:
  VerilatedCard card_;
  CardProtocol proto_;
};

void print_row(std::FILE* out, const char* name, std::vector<std::uint32_t> v) {
  if (v.empty()) return std::fprintf(out, "  %-44s (none)\n", name), void();
  std::sort(v.begin(), v.end());
  auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))]; };
  const double ns = 1000.0 / kTargetClockMHz;
  std::fprintf(out, "  %-44s %9zu  %5u %5u %5u %7u  (%.1f / %.1f / %.1f / %.1f ns)\n", name, v.size(), v.front(),
               at(0.5), at(0.99), v.back(), v.front() * ns, at(0.5) * ns, at(0.99) * ns, v.back() * ns);
}

}  // namespace

void print_rtl_latency(const RtlStats& s, std::FILE* out) {
  std::fprintf(out, "RTL latency in cycles at %.6f MHz (%llu events, %llu cycles):\n", kTargetClockMHz,
               static_cast<unsigned long long>(s.events), static_cast<unsigned long long>(s.cycles));
  std::fprintf(out, "  %-44s %9s  %5s %5s %5s %7s\n", "", "count", "min", "med", "p99", "max");
  std::vector<std::uint32_t> resp, fwd, first;
  for (const RtlOrderLatency& l : s.orders) {
    resp.push_back(l.last_in_to_response);
    first.push_back(l.first_in_to_response);
    if (l.last_in_to_forward != 0) fwd.push_back(l.last_in_to_forward);
  }
  print_row(out, "order last beat in -> ack/reject first beat", resp);
  print_row(out, "order last beat in -> forward first beat", fwd);
  print_row(out, "order first beat in -> ack/reject first beat", first);
  print_row(out, "mark first beat in -> first liquidation out", s.mark_to_first_liquidation);
  print_row(out, "mark first beat in -> all holders revalued", s.mark_revaluation);
}

std::unique_ptr<RtlBackendApi> make_rtl_backend(DecisionSink& sink, const RtlOptions& opt) {
  return std::make_unique<RtlBackend>(sink, opt);
}

std::unique_ptr<SimCard> make_sim_card(const RtlOptions& opt) { return std::make_unique<VerilatedCard>(opt); }

}  // namespace perpgate
