#include "backend/card_protocol.hpp"

#include <stdexcept>
#include <string>

#include "perpgate/fixed_point.hpp"
#include "perpgate/margin.hpp"
#include "perpgate/reason.hpp"
#include "perpgate/wire.hpp"
#include "wire/codec.hpp"

namespace perpgate {
namespace {

constexpr int kClient = regs::kPortClient, kVenue = regs::kPortVenue, kMarket = regs::kPortMarket;

std::uint32_t result_reg(int word) { return regs::kMboxResult + 8 * static_cast<std::uint32_t>(word); }

}  // namespace

wire::UdpEndpoint CardProtocol::ours(int p) {
  wire::UdpEndpoint e;
  e.mac[4] = static_cast<std::uint8_t>(p);
  e.mac[5] = 1;
  e.ip = 0x0a000001u | static_cast<std::uint32_t>(p) << 8;
  e.port = static_cast<std::uint16_t>(7000 + p);
  return e;
}

wire::UdpEndpoint CardProtocol::peer(int p) {
  wire::UdpEndpoint e = ours(p);
  e.mac[5] = 2;
  e.ip += 1;
  e.port = static_cast<std::uint16_t>(8000 + p);
  return e;
}

void CardProtocol::start() {
  seq_.fill(1);
  out_seq_.fill(1);
  events_ = dev_.read32(regs::kCoreEvents);
  pending_.clear();
  for (int p = 0; p < regs::kPortCount; ++p) {
    const wire::UdpEndpoint o = ours(p), q = peer(p);
    auto mac_lo = [](const wire::UdpEndpoint& e) {
      return static_cast<std::uint32_t>(e.mac[2]) << 24 | static_cast<std::uint32_t>(e.mac[3]) << 16 |
             static_cast<std::uint32_t>(e.mac[4]) << 8 | e.mac[5];
    };
    auto mac_hi = [](const wire::UdpEndpoint& e) { return static_cast<std::uint32_t>(e.mac[0]) << 8 | e.mac[1]; };
    dev_.write32(regs::port_reg(p, regs::kPortIp), o.ip);
    dev_.write32(regs::port_reg(p, regs::kPortUdpPort), o.port);
    dev_.write32(regs::port_reg(p, regs::kPortMacLo), mac_lo(o));
    dev_.write32(regs::port_reg(p, regs::kPortMacHi), mac_hi(o));
    dev_.write32(regs::port_reg(p, regs::kPortPeerIp), q.ip);
    dev_.write32(regs::port_reg(p, regs::kPortPeerUdpPort), q.port);
    dev_.write32(regs::port_reg(p, regs::kPortPeerMacLo), mac_lo(q));
    dev_.write32(regs::port_reg(p, regs::kPortPeerMacHi), mac_hi(q));
  }
}

std::vector<std::uint8_t> CardProtocol::frame_for(int port, const std::vector<std::uint8_t>& msg) const {
  return wire::build_udp_frame(peer(port), ours(port), msg.data(), msg.size());
}

// ---- control plane: the mailbox -------------------------------------------------------------------

void CardProtocol::define_symbol(int sym, const SymbolConfig& c) {
  command(regs::Command::kSymbolA, {c.tick, c.lot, c.max_lev, c.tier_count, c.band, c.max_qty, c.max_notional, c.max_pos});
  command(regs::Command::kSymbolB, {c.local_mark ? 1 : 0, c.ema_ms, c.stale_ms});
  for (int i = 0; i < c.tier_count; ++i) {
    const Tier& t = c.tiers[i];
    command(regs::Command::kSymbolTier, {i, t.floor, t.mmr, t.maint, t.max_lev});
  }
  finish(command(regs::Command::kSymbolCommit, {sym}));
}
void CardProtocol::create_account(int acct, i64 collateral) { finish(command(regs::Command::kCreateAccount, {acct, collateral})); }
void CardProtocol::set_leverage(int acct, int sym, i64 lev) { finish(command(regs::Command::kSetLeverage, {acct, sym, lev})); }
void CardProtocol::set_rate_limit(int acct, i64 per_second) {
  finish(command(regs::Command::kSetRateLimit, {acct, per_second}));
}
void CardProtocol::deposit(int acct, i64 amount) { finish(command(regs::Command::kDeposit, {acct, amount})); }
void CardProtocol::withdraw(int acct, i64 amount) {
  const std::uint8_t err = command(regs::Command::kWithdraw, {acct, amount});
  if (err == 0) sink_.withdraw(acct, amount, (read64(result_reg(0)) & 1) != 0);
  finish(err);
}
void CardProtocol::kill(int acct, KillMode mode) {
  finish(command(regs::Command::kKill, {acct, static_cast<i64>(mode)}));
}
void CardProtocol::advance_clock(i64 ts) { finish(command(regs::Command::kClock, {ts})); }

void CardProtocol::query(int acct) {
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

// Writes the arguments and the opcode, runs the command to completion, returns its error code.
// Messages it causes (liquidations) are held until finish(), after the command's own result.
std::uint8_t CardProtocol::command(regs::Command op, std::initializer_list<i64> args) {
  pending_.clear();
  std::uint32_t a = regs::kMboxArgs;
  for (const i64 v : args) {
    dev_.write32(a, static_cast<std::uint32_t>(v));
    dev_.write32(a + 4, static_cast<std::uint32_t>(static_cast<std::uint64_t>(v) >> 32));
    a += 8;
  }
  dev_.write32(regs::kMboxOp, static_cast<std::uint32_t>(op));
  ++events_;
  std::uint32_t status = 0;
  for (std::uint64_t n = 0; ((status = dev_.read32(regs::kMboxStatus)) & 1) != 0; ++n)
    if (n > 10'000'000) throw std::runtime_error("card: mailbox command never completed");
  barrier();
  return static_cast<std::uint8_t>(status >> 8);
}

void CardProtocol::finish(std::uint8_t err) {
  if (err != 0) sink_.error(error_text(static_cast<EngineError>(err)));
  for (auto& f : pending_) f();
  pending_.clear();
}

// ---- wire events --------------------------------------------------------------------------------------

void CardProtocol::send(int port, const std::vector<std::uint8_t>& msg) {
  pending_.clear();
  dev_.send_frame(port, frame_for(port, msg));
  ++events_;
  barrier();
  finish(0);
}

void CardProtocol::mark(int sym, i64 px) { send(kMarket, wire::encode_price<wire::Mark>(sym, px, 0, session(kMarket), next_seq(kMarket))); }
void CardProtocol::index(int sym, i64 px) { send(kMarket, wire::encode_price<wire::Index>(sym, px, 0, session(kMarket), next_seq(kMarket))); }
void CardProtocol::book(int sym, i64 bid, i64 ask) {
  send(kMarket, wire::encode_book_top(sym, bid, ask, 0, session(kMarket), next_seq(kMarket)));
}
void CardProtocol::trade(int sym, i64 px) { send(kMarket, wire::encode_price<wire::Trade>(sym, px, 0, session(kMarket), next_seq(kMarket))); }
void CardProtocol::funding(int sym, i64 rate) { send(kMarket, wire::encode_funding(sym, rate, session(kMarket), next_seq(kMarket))); }
void CardProtocol::order(const OrderEvent& o) { send(kClient, wire::encode_new_order(o, session(kClient), next_seq(kClient))); }
void CardProtocol::fill(const FillEvent& f) { send(kVenue, wire::encode_fill(f, session(kVenue), next_seq(kVenue))); }
void CardProtocol::cancel(i64 id) { send(kVenue, wire::encode_cancel_ack(id, session(kVenue), next_seq(kVenue))); }

void CardProtocol::order_burst(const std::vector<OrderEvent>& orders) {
  pending_.clear();
  for (const OrderEvent& o : orders) {
    dev_.send_frame(kClient, frame_for(kClient, wire::encode_new_order(o, session(kClient), next_seq(kClient))));
    ++events_;
  }
  barrier();
  finish(0);
}

void CardProtocol::barrier() {
  frames_.clear();
  dev_.wait_quiet(events_, frames_);
  for (const CardFrame& f : frames_) on_frame(f);
}

// ---- frames out ----------------------------------------------------------------------------------------

void CardProtocol::on_frame(const CardFrame& cf) {
  const std::vector<std::uint8_t>& f = cf.bytes;
  if (f.size() < wire::kPayloadOffset + wire::kHeaderSize) throw std::runtime_error("card: runt frame from the card");
  const wire::Header h = wire::get_header(f.data() + wire::kPayloadOffset);
  if (h.seq != out_seq_[static_cast<std::size_t>(cf.port)]++)
    throw std::runtime_error("card: gap in the outbound sequence numbers");
  // Held until the event's own result is out (finish()); the frame's bytes go with it.
  pending_.push_back([this, cf] { card_message_to_sink(cf, sink_); });
}

void card_message_to_sink(const CardFrame& cf, DecisionSink& sink) {
  const std::vector<std::uint8_t>& f = cf.bytes;
  if (f.size() < wire::kPayloadOffset + wire::kHeaderSize) throw std::runtime_error("card: runt frame from the card");
  const std::uint8_t* m = f.data() + wire::kPayloadOffset;
  const wire::Header h = wire::get_header(m);
  if (h.length != f.size() - wire::kPayloadOffset || h.length != wire::message_size(h.type))
    throw std::runtime_error("card: message length mismatch from the card");
  using wire::get_le;
  using T = wire::MsgType;
  switch (static_cast<T>(h.type)) {
    case T::kAck: return sink.ack(get_le<std::int64_t>(m + wire::Ack::kId));
    case T::kReject:
      return sink.reject(get_le<std::int64_t>(m + wire::Reject::kId), static_cast<Reason>(m[wire::Reject::kReason]));
    case T::kCanceled: return sink.canceled(get_le<std::int64_t>(m + wire::Canceled::kId));
    case T::kForwardOrder:
    case T::kCancel:
      return;  // towards the venue: the tests hold these to the acks
    case T::kLiquidate:
      if (cf.port != kMarket) return;  // the venue's copy; the desk stream carries the decisions
      return sink.liquidate(static_cast<int>(get_le<std::uint32_t>(m + wire::Liquidate::kAcct)),
                            static_cast<i128>(get_le<u128>(m + wire::Liquidate::kEquity)),
                            static_cast<i128>(get_le<u128>(m + wire::Liquidate::kMm)));
    case T::kMarkOut:
      return sink.mark(get_le<std::uint16_t>(m + wire::MarkOut::kSym), get_le<std::int64_t>(m + wire::MarkOut::kPx));
    case T::kEventError: return sink.error(error_text(static_cast<EngineError>(m[wire::EventError::kCode])));
    default: throw std::runtime_error("card: unexpected message type from the card");
  }
}

std::uint64_t CardProtocol::read64(std::uint32_t addr) {
  return dev_.read32(addr) | static_cast<std::uint64_t>(dev_.read32(addr + 4)) << 32;
}

i128 CardProtocol::read128(std::uint32_t addr) {
  return static_cast<i128>(static_cast<u128>(read64(addr)) | static_cast<u128>(read64(addr + 8)) << 64);
}

}  // namespace perpgate
