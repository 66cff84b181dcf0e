#include "gateway/gateway.hpp"

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>

#include "replay/decimal.hpp"
#include "replay/decision_json.hpp"
#include "wire/codec.hpp"

namespace perpgate {
namespace {

using wire::MsgType;
using wire::put_le;

// Which inbound types each role carries (docs/protocol.md, as pg_gateway_top judges them).
bool role_carries(int role, std::uint8_t type) {
  switch (static_cast<MsgType>(type)) {
    case MsgType::kNewOrder:
    case MsgType::kCancel: return role == kRoleClient;
    case MsgType::kFill:
    case MsgType::kCancelAck: return role == kRoleVenue;
    case MsgType::kMark:
    case MsgType::kIndex:
    case MsgType::kBookTop:
    case MsgType::kTrade:
    case MsgType::kFunding: return role == kRoleMarket;
    default: return false;
  }
}

int counter_of(wire::FrameVerdict v) {
  switch (v) {
    case wire::FrameVerdict::kPass: return 0;
    case wire::FrameVerdict::kNotForUs: return 1;
    case wire::FrameVerdict::kMalformed: return 2;
    case wire::FrameVerdict::kMacError: return 3;
  }
  return 2;
}
constexpr int kMsgOk = 4, kMsgMalformed = 5, kMsgWrongPort = 6;

EngineError error_code(const char* msg) {
  for (int e = 1; e < kEngineErrorCount; ++e)
    if (std::strcmp(msg, error_text(static_cast<EngineError>(e))) == 0) return static_cast<EngineError>(e);
  return EngineError::kNone;
}


}  // namespace

Gateway::Gateway(const GatewayConfig& cfg, const BackendFactory& make_backend, FrameSink& out, ControlLog& log)
    : cfg_(cfg), out_(out), log_(&log), backend_(make_backend(*this)) {
  if (!backend_) throw std::runtime_error("backend not available in this build");
  for (const SessionConfig& s : cfg_.sessions) sessions_.emplace(s.id, Session{s});
}

Gateway::~Gateway() = default;

// ---- frames in -------------------------------------------------------------------------------------

void Gateway::rx(std::uint16_t port, const std::uint8_t* f, std::size_t len, bool mac_error) {
  // Roles carried by this port; a frame is for the role whose endpoint it is addressed to.
  int first_role = -1, worst_role = -1;
  wire::FrameVerdict worst = wire::FrameVerdict::kNotForUs;
  for (int r = 0; r < kRoleCount; ++r) {
    const RoleConfig& rc = cfg_.roles[r];
    if (rc.dpdk_port != port) continue;
    if (first_role < 0) first_role = r;
    const wire::FrameClass c = wire::classify_frame(f, len, mac_error, rc.ours.ip, rc.ours.port);
    if (c.verdict == wire::FrameVerdict::kPass) {
      return rx_message(r, wire::frame_source(f), f + wire::kPayloadOffset, len - wire::kPayloadOffset);
    }
    if (worst_role < 0 || (worst == wire::FrameVerdict::kNotForUs && c.verdict != wire::FrameVerdict::kNotForUs)) {
      worst_role = r;
      worst = c.verdict;
    }
  }
  if (first_role < 0) throw std::logic_error("rx on a DPDK port that carries no role");
  ++counters_.roles[static_cast<std::size_t>(worst_role)].port[static_cast<std::size_t>(counter_of(worst))];
}

void Gateway::rx_message(int role, const wire::UdpEndpoint& src, const std::uint8_t* m, std::size_t len) {
  const RoleConfig& rc = cfg_.roles[role];
  if (role != kRoleClient && rc.check_peer_ip && src.ip != rc.peer.ip) {
    ++counters_.roles[static_cast<std::size_t>(role)].port[1];  // not from our venue / feed
    return;
  }
  ++counters_.roles[static_cast<std::size_t>(role)].port[0];
  on_message(role, src, m, len);
}

void Gateway::on_message(int role, const wire::UdpEndpoint& src, const std::uint8_t* m, std::size_t len) {
  RoleCounters& rc = counters_.roles[static_cast<std::size_t>(role)];
  if (!wire::inbound_message_ok(m, len)) {
    ++rc.port[kMsgMalformed];
    return;
  }
  const wire::Header h = wire::get_header(m);
  if (!role_carries(role, h.type)) {
    ++rc.port[kMsgWrongPort];
    return;
  }
  ++rc.port[kMsgOk];
  cause_ = Cause{'f', role, h.session, h.seq};
  using wire::get_le;
  if (role == kRoleClient) {
    Session* s = nullptr;
    if (auto it = sessions_.find(h.session); it != sessions_.end() && it->second.cfg.endpoint.ip == src.ip &&
                                              it->second.cfg.endpoint.port == src.port)
      s = &it->second;
    if (s != nullptr) {
      if (h.seq < s->next_in_seq) {
        ++counters_.sessions.seq_stale;
        log("seq_stale", fmt::format("\"session\":{},\"seq\":{},\"expected\":{}", h.session, h.seq, s->next_in_seq));
        return;
      }
      if (h.seq > s->next_in_seq) {
        ++counters_.sessions.seq_gaps;
        log("seq_gap", fmt::format("\"session\":{},\"seq\":{},\"expected\":{}", h.session, h.seq, s->next_in_seq));
      }
      s->next_in_seq = h.seq + 1;
    }
    if (static_cast<MsgType>(h.type) == MsgType::kNewOrder) return on_order(s, src, m);
    // A client's cancel request goes on to the venue if the session may trade the account;
    // the engine acts on the venue's cancel_ack, not on the request.
    const int acct = static_cast<std::int32_t>(get_le<std::uint32_t>(m + wire::Cancel::kAcct));
    if (s == nullptr) {
      ++counters_.sessions.unknown_session;
    } else if (!permitted(*s, acct)) {
      ++counters_.sessions.not_permitted;
    } else {
      std::uint8_t msg[wire::Cancel::kSize];
      std::memcpy(msg, m, sizeof msg);
      put_le<std::uint32_t>(msg + wire::header::kSession, 0);
      put_le<std::uint64_t>(msg + wire::header::kSeq, role_out_seq_[kRoleVenue]++);
      send(kRoleVenue, cfg_.roles[kRoleVenue].peer, msg, sizeof msg);
    }
    return;
  }
  // Venue and market: one stream each, its sequence numbers checked the same way.
  switch (static_cast<MsgType>(h.type)) {
    case MsgType::kFill: {
      const FillEvent fill{get_le<std::int64_t>(m + wire::Fill::kId), get_le<std::int64_t>(m + wire::Fill::kQty),
                           get_le<std::int64_t>(m + wire::Fill::kPx), get_le<std::int64_t>(m + wire::Fill::kFee)};
      if (auto it = open_orders_.find(fill.id); it != open_orders_.end() && fill.qty > 0) {
        if (fill.qty >= it->second.open_qty) {
          open_orders_.erase(it);
        } else {
          it->second.open_qty -= fill.qty;
        }
      }
      return backend_->fill(fill);
    }
    case MsgType::kCancelAck: return backend_->cancel(get_le<std::int64_t>(m + wire::CancelAck::kId));
    case MsgType::kMark:
    case MsgType::kIndex:
    case MsgType::kTrade: {
      const int sym = get_le<std::uint16_t>(m + wire::Mark::kSym);
      const i64 px = get_le<std::int64_t>(m + wire::Mark::kPx);
      // The venue's timestamp drives the engine clock (it never goes back).
      if (const i64 ts = get_le<std::int64_t>(m + wire::Mark::kTs); ts > 0) backend_->advance_clock(ts);
      if (static_cast<MsgType>(h.type) == MsgType::kMark) return backend_->mark(sym, px);
      if (static_cast<MsgType>(h.type) == MsgType::kIndex) return backend_->index(sym, px);
      return backend_->trade(sym, px);
    }
    case MsgType::kBookTop: {
      if (const i64 ts = get_le<std::int64_t>(m + wire::BookTop::kTs); ts > 0) backend_->advance_clock(ts);
      return backend_->book(get_le<std::uint16_t>(m + wire::BookTop::kSym), get_le<std::int64_t>(m + wire::BookTop::kBid),
                            get_le<std::int64_t>(m + wire::BookTop::kAsk));
    }
    case MsgType::kFunding:
      return backend_->funding(get_le<std::uint16_t>(m + wire::Funding::kSym), get_le<std::int64_t>(m + wire::Funding::kRate));
    default: return;
  }
}

bool Gateway::permitted(const Session& s, int acct) const {
  if (s.cfg.all_accounts) return true;
  // An account the gateway does not know goes on: the check rejects it (UNKNOWN_ACCOUNT).
  if (acct < 0 || static_cast<std::size_t>(acct) >= account_ids_.size()) return true;
  return s.cfg.accounts.count(account_ids_[static_cast<std::size_t>(acct)]) != 0;
}

void Gateway::on_order(Session* s, const wire::UdpEndpoint& src, const std::uint8_t* m) {
  ++counters_.orders;
  order_ = wire::decode_order(m);
  client_ = s;
  client_ep_ = src;
  if (s == nullptr) {
    ++counters_.sessions.unknown_session;
    return reject(order_.id, Reason::kUnknownSession);
  }
  if (!permitted(*s, order_.acct)) {
    ++counters_.sessions.not_permitted;
    return reject(order_.id, Reason::kNotPermitted);
  }
  backend_->order(order_);
}

// ---- control plane -----------------------------------------------------------------------------

void Gateway::control(const ControlOp& op) {
  ++counters_.control_ops;
  cause_ = Cause{op.from_operator ? 'o' : 'c', 0, 0, op.index};
  Backend& be = *backend_;
  switch (op.kind) {
    case ControlKind::kSymbol: return be.define_symbol(op.sym, op.cfg);
    case ControlKind::kAccount:
      if (op.acct < 0) throw std::runtime_error("control: negative account index");
      // An index past the table is not entered in the directory (its size follows the index):
      // the backend reports the table full, as replay does.
      if (op.acct < GatewayParams::kAccounts) {
        if (static_cast<std::size_t>(op.acct) >= account_ids_.size()) account_ids_.resize(static_cast<std::size_t>(op.acct) + 1, -1);
        account_ids_[static_cast<std::size_t>(op.acct)] = op.outside_id;
        account_index_[op.outside_id] = op.acct;
      }
      return be.create_account(op.acct, op.value);
    case ControlKind::kLeverage: return be.set_leverage(op.acct, op.sym, op.value);
    case ControlKind::kRateLimit: return be.set_rate_limit(op.acct, op.value);
    case ControlKind::kDeposit: return be.deposit(op.acct, op.value);
    case ControlKind::kWithdraw: return be.withdraw(op.acct, op.value);
    case ControlKind::kKill: return be.kill(op.acct, kill_mode(op.on, op.hard));
    case ControlKind::kClock: return be.advance_clock(op.value);
    case ControlKind::kQuery: return be.query(op.acct);
    case ControlKind::kReload: return reload(parse_gateway_config(op.text, "reload"));
    case ControlKind::kNote: {
      std::string body = "\"text\":";
      append_json_string(body, op.text);
      return log("note", body);
    }
  }
}

// ---- frames out ----------------------------------------------------------------------------------

std::uint8_t* Gateway::out_message(std::uint8_t* buf, MsgType type, std::size_t size, std::uint32_t session,
                                   std::uint64_t seq) {
  std::memset(buf, 0, size);
  buf[wire::header::kType] = static_cast<std::uint8_t>(type);
  buf[wire::header::kVersion] = wire::kVersion;
  put_le<std::uint16_t>(buf + wire::header::kLength, static_cast<std::uint16_t>(size));
  put_le<std::uint32_t>(buf + wire::header::kSession, session);
  put_le<std::uint64_t>(buf + wire::header::kSeq, seq);
  return buf;
}

void Gateway::send(int role, const wire::UdpEndpoint& to, const std::uint8_t* msg, std::size_t len) {
  static_assert(sizeof muted_frame_ >= wire::kPayloadOffset + wire::Liquidate::kSize);
  std::uint8_t* buf = muted_ ? muted_frame_ : out_.begin_frame(role, wire::kPayloadOffset + len);
  const std::size_t n = wire::write_udp_frame(buf, cfg_.roles[role].ours, to, msg, len);
  if (!muted_) out_.commit_frame(role, n);
  ++counters_.roles[static_cast<std::size_t>(role)].tx_frames;
  ++frames_out_;
}

void Gateway::send_client(const std::uint8_t* msg, std::size_t len) {
  send(kRoleClient, client_ != nullptr ? client_->cfg.endpoint : client_ep_, msg, len);
}

void Gateway::ack(i64 id) {
  ++counters_.acks;
  const std::uint32_t session = client_ ? client_->cfg.id : 0;
  std::uint8_t msg[wire::ForwardOrder::kSize];
  out_message(msg, MsgType::kAck, wire::Ack::kSize, session, client_ ? client_->next_out_seq++ : 0);
  put_le<std::uint32_t>(msg + wire::Ack::kAcct, static_cast<std::uint32_t>(order_.acct));
  put_le<std::uint64_t>(msg + wire::Ack::kId, static_cast<std::uint64_t>(id));
  send_client(msg, wire::Ack::kSize);
  if (client_ != nullptr) open_orders_[id] = OpenOrder{client_->cfg.id, order_.qty};
  // Towards the venue: the order as accepted.
  out_message(msg, MsgType::kForwardOrder, wire::ForwardOrder::kSize, 0, role_out_seq_[kRoleVenue]++);
  put_le<std::uint32_t>(msg + wire::ForwardOrder::kAcct, static_cast<std::uint32_t>(order_.acct));
  put_le<std::uint16_t>(msg + wire::ForwardOrder::kSym, static_cast<std::uint16_t>(order_.sym));
  msg[wire::ForwardOrder::kFlags] =
      static_cast<std::uint8_t>((order_.buy ? wire::kFlagBuy : 0) | (order_.reduce_only ? wire::kFlagReduceOnly : 0));
  put_le<std::uint64_t>(msg + wire::ForwardOrder::kId, static_cast<std::uint64_t>(order_.id));
  put_le<std::int64_t>(msg + wire::ForwardOrder::kQty, order_.qty);
  put_le<std::int64_t>(msg + wire::ForwardOrder::kPx, order_.px);
  send(kRoleVenue, cfg_.roles[kRoleVenue].peer, msg, wire::ForwardOrder::kSize);
}

void Gateway::reject(i64 id, Reason reason) {
  const auto r = static_cast<int>(reason);
  ++counters_.rejects[static_cast<std::size_t>(r < kReasonCount ? r : kReasonCount + (r - kHostReasonBase))];
  std::uint8_t msg[wire::Reject::kSize];
  out_message(msg, MsgType::kReject, wire::Reject::kSize, client_ ? client_->cfg.id : 0,
              client_ ? client_->next_out_seq++ : 0);
  put_le<std::uint32_t>(msg + wire::Reject::kAcct, static_cast<std::uint32_t>(order_.acct));
  put_le<std::uint16_t>(msg + wire::Reject::kSym, static_cast<std::uint16_t>(order_.sym));
  msg[wire::Reject::kReason] = static_cast<std::uint8_t>(reason);
  put_le<std::uint64_t>(msg + wire::Reject::kId, static_cast<std::uint64_t>(id));
  send_client(msg, wire::Reject::kSize);
}

void Gateway::canceled(i64 id) {
  // To the session that placed the order (its account is not known here: the venue's cancel_ack
  // names the order only).
  Session* s = nullptr;
  if (auto it = open_orders_.find(id); it != open_orders_.end()) {
    if (auto si = sessions_.find(it->second.session); si != sessions_.end()) s = &si->second;
    open_orders_.erase(it);
  }
  std::uint8_t msg[wire::Canceled::kSize];
  out_message(msg, MsgType::kCanceled, wire::Canceled::kSize, s ? s->cfg.id : 0, s ? s->next_out_seq++ : 0);
  put_le<std::uint32_t>(msg + wire::Canceled::kAcct, 0xffffffffu);
  put_le<std::uint64_t>(msg + wire::Canceled::kId, static_cast<std::uint64_t>(id));
  // An order whose session is gone (removed by a reload): the risk desk is told instead.
  if (s != nullptr) {
    send(kRoleClient, s->cfg.endpoint, msg, wire::Canceled::kSize);
  } else {
    send(kRoleMarket, cfg_.roles[kRoleMarket].peer, msg, wire::Canceled::kSize);
  }
}

void Gateway::liquidate(int acct, i128 equity, i128 mm) {
  ++counters_.liquidations;
  std::uint8_t msg[wire::Liquidate::kSize];
  for (const int role : {kRoleVenue, kRoleMarket}) {  // the venue acts; the risk desk is told
    out_message(msg, MsgType::kLiquidate, wire::Liquidate::kSize, 0, role_out_seq_[static_cast<std::size_t>(role)]++);
    put_le<std::uint32_t>(msg + wire::Liquidate::kAcct, static_cast<std::uint32_t>(acct));
    put_le<u128>(msg + wire::Liquidate::kEquity, static_cast<u128>(equity));
    put_le<u128>(msg + wire::Liquidate::kMm, static_cast<u128>(mm));
    send(role, cfg_.roles[role].peer, msg, wire::Liquidate::kSize);
  }
}

void Gateway::mark(int sym, i64 px) {
  std::uint8_t msg[wire::MarkOut::kSize];
  out_message(msg, MsgType::kMarkOut, wire::MarkOut::kSize, 0, role_out_seq_[kRoleMarket]++);
  put_le<std::uint16_t>(msg + wire::MarkOut::kSym, static_cast<std::uint16_t>(sym));
  put_le<std::int64_t>(msg + wire::MarkOut::kPx, px);
  send(kRoleMarket, cfg_.roles[kRoleMarket].peer, msg, wire::MarkOut::kSize);
}

void Gateway::error(const char* text) {
  std::uint8_t msg[wire::EventError::kSize];
  out_message(msg, MsgType::kEventError, wire::EventError::kSize, 0, role_out_seq_[kRoleMarket]++);
  msg[wire::EventError::kCode] = static_cast<std::uint8_t>(error_code(text));
  send(kRoleMarket, cfg_.roles[kRoleMarket].peer, msg, wire::EventError::kSize);
  std::string body = "\"msg\":";
  append_json_string(body, text);
  log("error", body);
}

void Gateway::withdraw(int acct, i64 amount, bool ok) {
  log("withdraw", fmt::format("\"acct\":{},\"amount\":{},\"ok\":{}", acct, amount, ok));
}

void Gateway::account(int acct, const AccountSnapshot& v) {
  const i64 outside = static_cast<std::size_t>(acct) < account_ids_.size() ? account_ids_[static_cast<std::size_t>(acct)] : -1;
  std::string body = fmt::format("\"acct\":{},\"id\":{},\"collateral\":\"{}\",\"equity\":\"{}\",\"im\":\"{}\",\"mm\":\"{}\",\"positions\":[",
                                 acct, outside, format_decimal(v.collateral, 0), format_decimal(v.equity, 0), format_decimal(v.im, 0), format_decimal(v.mm, 0));
  for (int i = 0; i < v.position_count; ++i)
    body += fmt::format("{}[{},{},{}]", i ? "," : "", v.positions[i].sym, v.positions[i].qty, v.positions[i].entry);
  body += "]";
  log("account", body);
}

void Gateway::log(std::string_view ev, const std::string& body) {
  if (!muted_) log_->line(fmt::format("{{\"out\":{},\"cause\":\"{}\",\"ev\":\"{}\",{}}}", frames_out_, cause_text(), ev, body));
}

std::string Gateway::cause_text() const {
  if (cause_.kind == 'f') return fmt::format("f:{}:{}:{}", cause_.role, cause_.session, cause_.seq);
  if (cause_.kind == 'c' || cause_.kind == 'o') return fmt::format("{}:{}", cause_.kind, cause_.seq);
  return "state";
}

void Gateway::reload(const GatewayConfig& cfg) {
  for (int r = 0; r < kRoleCount; ++r) {
    const RoleConfig& a = cfg_.roles[r];
    const RoleConfig& b = cfg.roles[r];
    if (a.ours.ip != b.ours.ip || a.ours.port != b.ours.port || a.dpdk_port != b.dpdk_port || a.peer.ip != b.peer.ip ||
        a.peer.port != b.peer.port || std::memcmp(a.ours.mac, b.ours.mac, 6) != 0 || std::memcmp(a.peer.mac, b.peer.mac, 6) != 0)
      throw std::runtime_error(std::string("reload: the ") + role_name(r) + " addresses and ports cannot change while running");
  }
  std::unordered_map<std::uint32_t, Session> next;
  for (const SessionConfig& sc : cfg.sessions) {
    Session s{sc};
    if (auto it = sessions_.find(sc.id); it != sessions_.end()) {
      s.next_in_seq = it->second.next_in_seq;
      s.next_out_seq = it->second.next_out_seq;
    }
    next.emplace(sc.id, std::move(s));
  }
  sessions_ = std::move(next);
  cfg_.sessions = cfg.sessions;
  log("reload", fmt::format("\"sessions\":{}", cfg_.sessions.size()));
}

int Gateway::account_index(i64 outside_id) const {
  const auto it = account_index_.find(outside_id);
  return it == account_index_.end() ? -1 : it->second;
}

void Gateway::dump_state(ControlLog& to) {
  ControlLog* const saved = log_;
  const bool was_muted = muted_;
  log_ = &to;
  muted_ = false;
  cause_ = Cause{};
  for (std::size_t a = 0; a < account_ids_.size(); ++a)
    if (account_ids_[a] >= 0) backend_->query(static_cast<int>(a));
  log_ = saved;
  muted_ = was_muted;
}

std::string Gateway::counters_json() const {
  std::string s = "{\"roles\":{";
  for (int r = 0; r < kRoleCount; ++r) {
    s += fmt::format("{}\"{}\":{{", r ? "," : "", role_name(r));
    for (int c = 0; c < regs::kPortCounterCount; ++c)
      s += fmt::format("\"{}\":{},", regs::kPortCounterNames[c], counters_.roles[static_cast<std::size_t>(r)].port[static_cast<std::size_t>(c)]);
    s += fmt::format("\"tx_frames\":{}}}", counters_.roles[static_cast<std::size_t>(r)].tx_frames);
  }
  const SessionCounters& sc = counters_.sessions;
  s += fmt::format("}},\"sessions\":{{\"unknown_session\":{},\"not_permitted\":{},\"seq_gaps\":{},\"seq_stale\":{}}}",
                   sc.unknown_session, sc.not_permitted, sc.seq_gaps, sc.seq_stale);
  s += fmt::format(",\"orders\":{},\"acks\":{},\"liquidations\":{},\"control_ops\":{},\"rejects\":{{", counters_.orders,
                   counters_.acks, counters_.liquidations, counters_.control_ops);
  bool first = true;
  for (int r = 1; r < kReasonCount + kHostReasonCount; ++r) {
    const Reason reason = static_cast<Reason>(r < kReasonCount ? r : kHostReasonBase + (r - kReasonCount));
    s += fmt::format("{}\"{}\":{}", first ? "" : ",", reason_name(reason), counters_.rejects[static_cast<std::size_t>(r)]);
    first = false;
  }
  s += "}}";
  return s;
}

}  // namespace perpgate
