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

#include "backend/card_protocol.hpp"
#include "backend/verilated_card.hpp"
#include "perpgate/regs.hpp"
#include "perpgate/wire.hpp"
#include "wire/codec.hpp"

namespace perpgate {
namespace {

using rtl_card::VerilatedCard;
using rtl_card::kClient;
using rtl_card::kVenue;
using rtl_card::kMarket;

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
