#include "rtl_backend.hpp"

#include <algorithm>
#include <array>
#include <deque>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>

#include "Vpg_gateway_top.h"
#include "clocked_model.hpp"
#include "perpgate/fixed_point.hpp"
#include "perpgate/margin.hpp"
#include "perpgate/reason.hpp"
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

class RtlBackend final : public RtlBackendApi {
 public:
  RtlBackend(DecisionSink& sink, const RtlOptions& opt) : top_(opt.seed), sink_(sink), opt_(opt), rng_(opt.seed) {
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

  // Asserts reset (whatever is in flight), waits for the tables to clear, configures the ports.
  // Everything the gateway held is gone, as on the card; the host replays its configuration.
  void reset() {
    top_.assert_reset();
    for (int i = 0; i < 4; ++i) top_.tick();
    top_->rst_ni = 1;
    for (auto& q : in_) q.clear();
    for (auto& f : out_) f.clear();
    offered_.fill(false);
    held_.fill(false);
    in_first_beat_.fill(true);
    seq_.fill(1);
    out_seq_.fill(1);
    events_expected_ = 0;
    pending_.clear();
    run_until([this] { return top_->core_idle_o != 0; }, "table clear after reset");
    configure_ports();
  }

  void reset_mid_frame(int port, std::uint64_t beats_first) override {
    const std::vector<std::uint8_t> msg = wire::encode_price<wire::Mark>(0, 1, 0, session(port), next_seq(port));
    queue_frame(port, msg);
    for (std::uint64_t i = 0; i < beats_first; ++i) cycle();
    reset();
  }

  // ---- control plane: the mailbox ---------------------------------------------------------------
  void define_symbol(int sym, const SymbolConfig& c) override {
    command(regs::Command::kSymbolA, {c.tick, c.lot, c.max_lev, c.tier_count, c.band, c.max_qty,
                                      c.max_notional, c.max_pos});
    command(regs::Command::kSymbolB, {c.local_mark ? 1 : 0, c.ema_ms, c.stale_ms});
    for (int i = 0; i < c.tier_count; ++i) {
      const Tier& t = c.tiers[i];
      command(regs::Command::kSymbolTier, {i, t.floor, t.mmr, t.maint, t.max_lev});
    }
    finish(command(regs::Command::kSymbolCommit, {sym}));
  }
  void create_account(int acct, i64 collateral) override {
    finish(command(regs::Command::kCreateAccount, {acct, collateral}));
  }
  void set_leverage(int acct, int sym, i64 lev) override {
    finish(command(regs::Command::kSetLeverage, {acct, sym, lev}));
  }
  void set_rate_limit(int acct, i64 per_second) override {
    finish(command(regs::Command::kSetRateLimit, {acct, per_second}));
  }
  void deposit(int acct, i64 amount) override { finish(command(regs::Command::kDeposit, {acct, amount})); }
  void withdraw(int acct, i64 amount) override {
    const std::uint8_t err = command(regs::Command::kWithdraw, {acct, amount});
    if (err == 0) sink_.withdraw(acct, amount, (read64(result_reg(0)) & 1) != 0);
    finish(err);
  }
  void kill(int acct, bool on) override { finish(command(regs::Command::kKill, {acct, on ? 1 : 0})); }
  void advance_clock(i64 ts) override { finish(command(regs::Command::kClock, {ts})); }
  void query(int acct) override {
    std::uint8_t err = command(regs::Command::kQueryAccount, {acct});
    if (err != 0) return finish(err);
    AccountSnapshot v;
    v.collateral = static_cast<i64>(read64(result_reg(0)));
    const i128 upnl = read128(result_reg(1));
    v.mm = read128(result_reg(3));
    v.im = read128(result_reg(5));
    v.equity = v.collateral + money_floor(upnl);
    for (int slot = 0; slot < GatewayParams::kPositionsPerAccount; ++slot) {
      err = command(regs::Command::kQuerySlot, {acct, slot});
      if (err != 0) return finish(err);
      const std::uint64_t used_sym = read64(result_reg(0));
      const i64 qty = static_cast<i64>(read64(result_reg(1)));
      if ((used_sym >> 16 & 1) == 0 || qty == 0) continue;
      const PositionView p{static_cast<std::int32_t>(used_sym & 0xfff), qty, entry_price(qty, read128(result_reg(2)))};
      int k = v.position_count++;
      while (k > 0 && v.positions[k - 1].sym > p.sym) {  // ascending symbol, as the model lists them
        v.positions[k] = v.positions[k - 1];
        --k;
      }
      v.positions[k] = p;
    }
    sink_.account(acct, v);
    finish(0);
  }

  // ---- wire events ----------------------------------------------------------------------------------
  void mark(int sym, i64 px) override {
    const std::uint64_t t0 = top_.cycles();
    send(kMarket, wire::encode_price<wire::Mark>(sym, px, 0, session(kMarket), next_seq(kMarket)));
    stats_.mark_revaluation.push_back(static_cast<std::uint32_t>(top_.cycles() - t0));
    if (first_liquidation_ != 0)
      stats_.mark_to_first_liquidation.push_back(static_cast<std::uint32_t>(first_liquidation_ - t0));
  }
  void index(int sym, i64 px) override {
    send(kMarket, wire::encode_price<wire::Index>(sym, px, 0, session(kMarket), next_seq(kMarket)));
  }
  void book(int sym, i64 bid, i64 ask) override {
    send(kMarket, wire::encode_book_top(sym, bid, ask, 0, session(kMarket), next_seq(kMarket)));
  }
  void trade(int sym, i64 px) override {
    send(kMarket, wire::encode_price<wire::Trade>(sym, px, 0, session(kMarket), next_seq(kMarket)));
  }
  void funding(int sym, i64 rate) override {
    send(kMarket, wire::encode_funding(sym, rate, session(kMarket), next_seq(kMarket)));
  }
  void order(const OrderEvent& o) override {
    send(kClient, wire::encode_new_order(o, session(kClient), next_seq(kClient)));
    RtlOrderLatency l{};
    if (first_out_[kClient] != 0) {
      l.last_in_to_response = static_cast<std::uint32_t>(first_out_[kClient] - last_in_);
      l.first_in_to_response = static_cast<std::uint32_t>(first_out_[kClient] - first_in_);
    }
    if (first_out_[kVenue] != 0) {
      l.last_in_to_forward = static_cast<std::uint32_t>(first_out_[kVenue] - last_in_);
      l.first_in_to_forward = static_cast<std::uint32_t>(first_out_[kVenue] - first_in_);
    }
    stats_.orders.push_back(l);
  }
  void fill(const FillEvent& f) override {
    send(kVenue, wire::encode_fill(f, session(kVenue), next_seq(kVenue)));
  }
  void cancel(i64 id) override {
    send(kVenue, wire::encode_cancel_ack(id, session(kVenue), next_seq(kVenue)));
  }

  const RtlStats& rtl_stats() const override { return stats_; }
  std::uint64_t read_counter(std::uint32_t addr) override { return read64(addr); }

 private:
  // Endpoints: ours on port p is 10.0.p.1, the peer 10.0.p.2; UDP ports 7000 + p.
  static wire::UdpEndpoint ours(int p) {
    wire::UdpEndpoint e;
    e.mac[4] = static_cast<std::uint8_t>(p);
    e.mac[5] = 1;
    e.ip = 0x0a000001u | static_cast<std::uint32_t>(p) << 8;
    e.port = static_cast<std::uint16_t>(7000 + p);
    return e;
  }
  static wire::UdpEndpoint peer(int p) {
    wire::UdpEndpoint e = ours(p);
    e.mac[5] = 2;
    e.ip += 1;
    e.port = static_cast<std::uint16_t>(8000 + p);
    return e;
  }
  static std::uint32_t session(int p) { return static_cast<std::uint32_t>(100 + p); }
  std::uint64_t next_seq(int p) { return seq_[static_cast<std::size_t>(p)]++; }

  void configure_ports() {
    for (int p = 0; p < kPorts; ++p) {
      const wire::UdpEndpoint o = ours(p), q = peer(p);
      auto mac_lo = [](const wire::UdpEndpoint& e) {
        return static_cast<std::uint32_t>(e.mac[2]) << 24 | static_cast<std::uint32_t>(e.mac[3]) << 16 |
               static_cast<std::uint32_t>(e.mac[4]) << 8 | e.mac[5];
      };
      auto mac_hi = [](const wire::UdpEndpoint& e) { return static_cast<std::uint32_t>(e.mac[0]) << 8 | e.mac[1]; };
      write32(regs::port_reg(p, regs::kPortIp), o.ip);
      write32(regs::port_reg(p, regs::kPortUdpPort), o.port);
      write32(regs::port_reg(p, regs::kPortMacLo), mac_lo(o));
      write32(regs::port_reg(p, regs::kPortMacHi), mac_hi(o));
      write32(regs::port_reg(p, regs::kPortPeerIp), q.ip);
      write32(regs::port_reg(p, regs::kPortPeerUdpPort), q.port);
      write32(regs::port_reg(p, regs::kPortPeerMacLo), mac_lo(q));
      write32(regs::port_reg(p, regs::kPortPeerMacHi), mac_hi(q));
    }
  }

  // ---- one clock: stream inputs, collect outputs --------------------------------------------------
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
      PortPins& pin = pins_[static_cast<std::size_t>(p)];
      auto& q = in_[static_cast<std::size_t>(p)];
      if (*pin.s_tvalid && !*pin.s_tready) ++stats_.ingress_stall_cycles;
      if (*pin.s_tvalid && *pin.s_tready) {
        if (in_first_beat_[static_cast<std::size_t>(p)]) first_in_ = now;
        in_first_beat_[static_cast<std::size_t>(p)] = q.front().last;
        if (q.front().last) last_in_ = now;
        q.pop_front();
        offered_[static_cast<std::size_t>(p)] = false;
      }
      check_egress(p);
      if (*pin.m_tvalid && *pin.m_tready) {
        auto& f = out_[static_cast<std::size_t>(p)];
        if (f.empty() && first_out_[static_cast<std::size_t>(p)] == 0) first_out_[static_cast<std::size_t>(p)] = now;
        for (int i = 0; i < 8; ++i) {
          if (*pin.m_tkeep >> i & 1) f.push_back(static_cast<std::uint8_t>(*pin.m_tdata >> (8 * i)));
        }
        if (*pin.m_tlast) {
          if (*pin.m_tuser) throw std::runtime_error("rtl backend: frame sent with tuser set");
          if (pcap_) pcap_->write(cycle_ns(now), f);
          on_frame(p, f, now);
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

  // Runs until the event has been taken and the gateway is quiet again.
  void drain() {
    int quiet = 0;
    run_until([&] {
      bool busy = top_->core_idle_o == 0 || top_->core_events_o != events_expected_;
      for (int p = 0; p < kPorts; ++p) {
        busy = busy || !in_[static_cast<std::size_t>(p)].empty() || *pins_[static_cast<std::size_t>(p)].m_tvalid ||
               !out_[static_cast<std::size_t>(p)].empty();
      }
      quiet = busy ? 0 : quiet + 1;
      return quiet >= 3;
    }, "event did not complete");
    ++stats_.events;
  }

  void begin_event() {
    first_out_.fill(0);
    first_liquidation_ = 0;
    pending_.clear();
  }
  void end_event() {
    for (auto& f : pending_) f();
    pending_.clear();
  }

  void order_burst(const std::vector<OrderEvent>& orders) override {
    begin_event();
    for (const OrderEvent& o : orders) {
      queue_frame(kClient, wire::encode_new_order(o, session(kClient), next_seq(kClient)));
      ++events_expected_;
    }
    drain();
    end_event();
  }

  void send(int port, const std::vector<std::uint8_t>& msg) {
    begin_event();
    queue_frame(port, msg);
    ++events_expected_;
    drain();
    end_event();
  }

  static std::uint64_t cycle_ns(std::uint64_t cycle) {
    return static_cast<std::uint64_t>(static_cast<double>(cycle) * 1000.0 / kTargetClockMHz);
  }

  void queue_frame(int port, const std::vector<std::uint8_t>& msg) {
    queue_raw(port, wire::build_udp_frame(peer(port), ours(port), msg.data(), msg.size()), false);
  }

  void inject_frame(int port, const std::vector<std::uint8_t>& frame, bool mac_error) override {
    begin_event();
    queue_raw(port, frame, mac_error);
    drain();
    end_event();
  }

  std::vector<std::uint8_t> frame_for(int port, const std::vector<std::uint8_t>& msg) const override {
    return wire::build_udp_frame(peer(port), ours(port), msg.data(), msg.size());
  }

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

  // ---- frames out --------------------------------------------------------------------------------
  void on_frame(int port, const std::vector<std::uint8_t>& f, std::uint64_t now) {
    if (f.size() < wire::kPayloadOffset + wire::kHeaderSize)
      throw std::runtime_error("rtl backend: runt frame from the RTL");
    const std::uint8_t* m = f.data() + wire::kPayloadOffset;
    const wire::Header h = wire::get_header(m);
    if (h.length != f.size() - wire::kPayloadOffset || h.length != wire::message_size(h.type))
      throw std::runtime_error("rtl backend: message length mismatch from the RTL");
    if (h.seq != out_seq_[static_cast<std::size_t>(port)]++)
      throw std::runtime_error("rtl backend: gap in the outbound sequence numbers");
    using wire::get_le;
    using T = wire::MsgType;
    switch (static_cast<T>(h.type)) {
      case T::kAck: {
        const i64 id = get_le<std::int64_t>(m + wire::Ack::kId);
        pending_.push_back([this, id] { sink_.ack(id); });
        break;
      }
      case T::kReject: {
        const i64 id = get_le<std::int64_t>(m + wire::Reject::kId);
        const auto r = static_cast<Reason>(m[wire::Reject::kReason]);
        pending_.push_back([this, id, r] { sink_.reject(id, r); });
        break;
      }
      case T::kCanceled: {
        const i64 id = get_le<std::int64_t>(m + wire::Canceled::kId);
        pending_.push_back([this, id] { sink_.canceled(id); });
        break;
      }
      case T::kForwardOrder:
      case T::kCancel:
        break;  // towards the venue: the tests hold these to the acks
      case T::kLiquidate: {
        if (port != kMarket) break;  // the venue's copy; the desk stream carries the decisions
        if (first_liquidation_ == 0) first_liquidation_ = now;
        const int acct = static_cast<int>(get_le<std::uint32_t>(m + wire::Liquidate::kAcct));
        const i128 eq = static_cast<i128>(get_le<std::uint64_t>(m + wire::Liquidate::kEquity)) |
                        static_cast<i128>(static_cast<u128>(get_le<std::uint64_t>(m + wire::Liquidate::kEquity + 8)) << 64);
        const i128 mm = static_cast<i128>(get_le<std::uint64_t>(m + wire::Liquidate::kMm)) |
                        static_cast<i128>(static_cast<u128>(get_le<std::uint64_t>(m + wire::Liquidate::kMm + 8)) << 64);
        pending_.push_back([this, acct, eq, mm] { sink_.liquidate(acct, eq, mm); });
        break;
      }
      case T::kMarkOut: {
        const int sym = get_le<std::uint16_t>(m + wire::MarkOut::kSym);
        const i64 px = get_le<std::int64_t>(m + wire::MarkOut::kPx);
        pending_.push_back([this, sym, px] { sink_.mark(sym, px); });
        break;
      }
      case T::kEventError: {
        const auto code = static_cast<EngineError>(m[wire::EventError::kCode]);
        pending_.push_back([this, code] { sink_.error(error_text(code)); });
        break;
      }
      default:
        throw std::runtime_error("rtl backend: unexpected message type from the RTL");
    }
  }

  // ---- AXI-Lite ------------------------------------------------------------------------------------
  void write32(std::uint32_t addr, std::uint32_t data) {
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
  std::uint32_t read32(std::uint32_t addr) {
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
  std::uint64_t read64(std::uint32_t addr) { return read32(addr) | static_cast<std::uint64_t>(read32(addr + 4)) << 32; }
  i128 read128(std::uint32_t addr) {
    return static_cast<i128>(static_cast<u128>(read64(addr)) | static_cast<u128>(read64(addr + 8)) << 64);
  }
  static std::uint32_t result_reg(int word) { return regs::kMboxResult + 8 * static_cast<std::uint32_t>(word); }

  // Writes the arguments and the opcode, runs the command to completion, returns its error code.
  // Messages it causes (liquidations) are held until finish(), after the command's own result.
  std::uint8_t command(regs::Command op, std::initializer_list<i64> args) {
    begin_event();
    std::uint32_t a = regs::kMboxArgs;
    for (const i64 v : args) {
      write32(a, static_cast<std::uint32_t>(v));
      write32(a + 4, static_cast<std::uint32_t>(static_cast<std::uint64_t>(v) >> 32));
      a += 8;
    }
    write32(regs::kMboxOp, static_cast<std::uint32_t>(op));
    ++events_expected_;
    std::uint32_t status = 0;
    while (((status = read32(regs::kMboxStatus)) & 1) != 0) {
    }
    drain();
    return static_cast<std::uint8_t>(status >> 8);
  }
  void finish(std::uint8_t err) {
    if (err != 0) sink_.error(error_text(static_cast<EngineError>(err)));
    end_event();
  }

  ClockedModel<Top> top_;
  DecisionSink& sink_;
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
  std::array<std::uint64_t, kPorts> seq_{1, 1, 1};
  std::array<std::uint64_t, kPorts> out_seq_{1, 1, 1};
  std::array<std::uint64_t, kPorts> first_out_{};
  std::uint64_t first_in_ = 0, last_in_ = 0, first_liquidation_ = 0;
  std::uint32_t events_expected_ = 0;
  std::vector<std::function<void()>> pending_;
  RtlStats stats_;
};

}  // namespace

namespace {
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

}  // namespace perpgate
