// pcap encode: runs the scenario through the replay front end (which resolves names to table
// indices exactly as `perpgate replay` does) into a Backend that writes frames and control
// actions instead of deciding anything.
#include <fmt/format.h>
#include <simdjson.h>

#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>

#include "gateway/control_op.hpp"
#include "gateway/gateway_config.hpp"
#include "pcap/scenario_pcap.hpp"
#include "replay/replayer.hpp"
#include "wire/codec.hpp"
#include "wire/pcap_writer.hpp"

namespace perpgate {
namespace {

// Addresses of the scenario's wire (documentation ranges would do as well; these are private).
GatewayConfig scenario_config(int sessions) {
  GatewayConfig c;
  const std::uint32_t gw = 0x0a000001;  // 10.0.0.1
  for (int r = 0; r < kRoleCount; ++r) {
    c.roles[r].ours.ip = gw;
    c.roles[r].ours.port = static_cast<std::uint16_t>(9001 + r);
    c.roles[r].ours.mac[5] = 0x01;
    c.roles[r].dpdk_port = 0;
  }
  c.roles[kRoleVenue].peer = wire::UdpEndpoint{{0x02, 0, 0, 0, 0x02, 0x01}, 0x0a000201, 9100};
  c.roles[kRoleVenue].check_peer_ip = true;
  c.roles[kRoleMarket].peer = wire::UdpEndpoint{{0x02, 0, 0, 0, 0x03, 0x01}, 0x0a000301, 9200};  // risk desk
  for (int s = 0; s < sessions; ++s) {
    SessionConfig sc;
    sc.id = static_cast<std::uint32_t>(s + 1);
    sc.endpoint = wire::UdpEndpoint{{0x02, 0, 0, 0, 0x01, static_cast<std::uint8_t>(s + 1)},
                                    0x0a000100u + static_cast<std::uint32_t>(s + 1), static_cast<std::uint16_t>(40001 + s)};
    c.sessions.push_back(std::move(sc));
  }
  return c;
}

const wire::UdpEndpoint kFeed{{0x02, 0, 0, 0, 0x04, 0x01}, 0x0a000401, 9300};

class EncodeBackend final : public Backend {
 public:
  EncodeBackend(const std::string& dir, GatewayConfig& cfg, const EncodeOptions& opt)
      : pcap_(std::make_unique<wire::PcapWriter>(dir + "/in.pcap")), control_(dir + "/control.jsonl"),
        causes_(dir + "/causes.tsv"), cfg_(cfg), bad_every_(opt.bad_every), rng_(opt.seed) {
    if (!control_ || !causes_) throw std::runtime_error("cannot write into " + dir);
    session_seq_.assign(cfg.sessions.size(), 1);
  }
  // Control actions only, into `collect` (a configuration file's symbols and accounts).
  EncodeBackend(GatewayConfig& cfg, std::vector<ControlOp>* collect) : cfg_(cfg), collect_(collect), bad_every_(0) {}
  void attach(const Replayer* r) { replayer_ = r; }
  void finish() {
    take_notes();
    flush_clock();
  }
  const EncodeResult& result() const { return result_; }

  // Control plane.
  void define_symbol(int sym, const SymbolConfig& cfg) override {
    ControlOp op = begin(ControlKind::kSymbol);
    op.sym = sym;
    op.name = symbol_name(sym);
    op.cfg = cfg;
    emit(op);
  }
  void create_account(int acct, i64 collateral) override {
    ControlOp op = begin(ControlKind::kAccount);
    op.acct = acct;
    op.outside_id = replayer_->directory().account_ids.at(static_cast<std::size_t>(acct));
    op.value = collateral;
    emit(op);
    // The account trades through one session: the session's binding lists it.
    if (collect_ == nullptr) cfg_.sessions[static_cast<std::size_t>(acct) % cfg_.sessions.size()].accounts.insert(op.outside_id);
  }
  void set_leverage(int acct, int sym, i64 lev) override { emit(with(begin(ControlKind::kLeverage), acct, lev, sym)); }
  void set_rate_limit(int acct, i64 rate) override { emit(with(begin(ControlKind::kRateLimit), acct, rate)); }
  void deposit(int acct, i64 amount) override { emit(with(begin(ControlKind::kDeposit), acct, amount)); }
  void withdraw(int acct, i64 amount) override { emit(with(begin(ControlKind::kWithdraw), acct, amount)); }
  void kill(int acct, KillMode mode) override {
    ControlOp op = with(begin(ControlKind::kKill), acct, 0);
    op.on = mode != KillMode::kOff;
    op.hard = mode == KillMode::kHard;
    emit(op);
  }
  void query(int acct) override { emit(with(begin(ControlKind::kQuery), acct, 0)); }
  void advance_clock(i64 ts) override {
    take_notes();
    flush_clock();
    pending_ts_ = ts;  // rides on the next market-data frame, or becomes a clock action
  }

  // Market data: the feed's frames carry the venue's timestamp.
  void mark(int sym, i64 px) override { market(wire::encode_price<wire::Mark>(sym, px, take_ts(), 0, next_feed_seq())); }
  void index(int sym, i64 px) override { market(wire::encode_price<wire::Index>(sym, px, take_ts(), 0, next_feed_seq())); }
  void trade(int sym, i64 px) override { market(wire::encode_price<wire::Trade>(sym, px, take_ts(), 0, next_feed_seq())); }
  void book(int sym, i64 bid, i64 ask) override { market(wire::encode_book_top(sym, bid, ask, take_ts(), 0, next_feed_seq())); }
  void funding(int sym, i64 rate) override {
    take_notes();
    flush_clock();
    market(wire::encode_funding(sym, rate, 0, next_feed_seq()));
  }

  // Orders from the account's session; drop copy from the venue.
  void order(const OrderEvent& o) override {
    take_notes();
    flush_clock();
    const std::size_t s = o.acct >= 0 ? static_cast<std::size_t>(o.acct) % cfg_.sessions.size() : 0;
    const SessionConfig& sc = cfg_.sessions[s];
    frame(kRoleClient, sc.endpoint, wire::encode_new_order(o, sc.id, session_seq_[s]++));
  }
  void fill(const FillEvent& f) override {
    take_notes();
    flush_clock();
    frame(kRoleVenue, cfg_.roles[kRoleVenue].peer, wire::encode_fill(f, 0, venue_seq_++));
  }
  void cancel(i64 id) override {
    take_notes();
    flush_clock();
    frame(kRoleVenue, cfg_.roles[kRoleVenue].peer, wire::encode_cancel_ack(id, 0, venue_seq_++));
  }

 private:
  std::string symbol_name(int sym) const {
    // directory() holds the name as a JSON literal; control.jsonl re-escapes it.
    const std::string& json = replayer_->directory().symbol_json.at(static_cast<std::size_t>(sym));
    std::string name;
    for (std::size_t i = 1; i + 1 < json.size(); ++i) {
      if (json[i] == '\\' && json[i + 1] == 'u') {
        name.push_back(static_cast<char>(std::stoi(json.substr(i + 2, 4), nullptr, 16)));
        i += 5;
      } else if (json[i] == '\\') {
        name.push_back(json[++i]);
      } else {
        name.push_back(json[i]);
      }
    }
    return name;
  }
  static ControlOp with(ControlOp op, int acct, i64 value, int sym = -1) {
    op.acct = acct;
    op.value = value;
    op.sym = sym;
    return op;
  }
  ControlOp begin(ControlKind kind) {
    take_notes();
    flush_clock();
    ControlOp op;
    op.kind = kind;
    return op;
  }
  void emit(ControlOp op) {
    op.at = result_.frames;
    op.index = result_.control_ops++;
    if (collect_ != nullptr) return collect_->push_back(std::move(op));
    control_ << format_control_op(op) << '\n';
    causes_ << "c:" << op.index << '\t' << (op.kind == ControlKind::kNote ? 0 : replayer_->line_no()) << '\n';
  }
  // The scenario's own errors (the replay front end wrote them): carried as notes, in place.
  void take_notes() {
    const std::string& out = replayer_->output();
    while (notes_seen_ < out.size()) {
      const std::size_t nl = out.find('\n', notes_seen_);
      ControlOp op;
      op.kind = ControlKind::kNote;
      op.text = out.substr(notes_seen_, nl - notes_seen_);
      notes_seen_ = nl + 1;
      emit(op);
    }
  }
  void flush_clock() {
    if (!pending_ts_) return;
    ControlOp op;
    op.kind = ControlKind::kClock;
    op.value = *pending_ts_;
    pending_ts_.reset();
    emit(op);
  }
  i64 take_ts() {
    take_notes();
    const i64 ts = pending_ts_.value_or(0);
    pending_ts_.reset();
    return ts;
  }
  std::uint64_t next_feed_seq() { return feed_seq_++; }
  void market(const std::vector<std::uint8_t>& msg) { frame(kRoleMarket, kFeed, msg); }
  void frame(int role, const wire::UdpEndpoint& from, const std::vector<std::uint8_t>& msg) {
    if (collect_ != nullptr) throw std::runtime_error("only control actions (symbols, accounts) belong here");
    const wire::Header h = wire::get_header(msg.data());
    pcap_->write(1000 * (result_.frames + 1), wire::build_udp_frame(from, cfg_.roles[role].ours, msg.data(), msg.size()));
    causes_ << fmt::format("f:{}:{}:{}\t{}\n", role, h.session, h.seq, replayer_->line_no());
    ++result_.frames;
    if (bad_every_ != 0 && ++good_ % bad_every_ == 0) bad_frame(role, from, msg);
  }
  void bad_frame(int role, const wire::UdpEndpoint& from, std::vector<std::uint8_t> msg) {
    std::vector<std::uint8_t> f = wire::build_udp_frame(from, cfg_.roles[role].ours, msg.data(), msg.size());
    switch (result_.bad_frames % 7) {
      case 0:
        f.resize(1 + rng_() % 100);
        for (auto& b : f) b = static_cast<std::uint8_t>(rng_());
        f[12] = 0x86;  // never IPv4 by chance
        break;
      case 1: f.resize(1 + rng_() % (f.size() - 1)); break;
      case 2: f[wire::kEthHeader + 10] ^= 0x40; break;  // IP header checksum
      case 3: f[wire::kEthHeader + wire::kIpHeader + 3] ^= 0x01; break;  // UDP destination port
      case 4: f[wire::kPayloadOffset + wire::header::kType] = 0x7f; break;
      case 5: ++f[wire::kPayloadOffset + wire::header::kLength]; break;
      default: {  // well formed, to a role that does not carry the type
        const int other = (role + 1) % kRoleCount;
        f = wire::build_udp_frame(from, cfg_.roles[other].ours, msg.data(), msg.size());
        break;
      }
    }
    pcap_->write(1000 * (result_.frames + 1), f);
    ++result_.frames;
    ++result_.bad_frames;
  }

  std::unique_ptr<wire::PcapWriter> pcap_;
  std::ofstream control_;
  std::ofstream causes_;
  GatewayConfig& cfg_;
  std::vector<ControlOp>* collect_ = nullptr;
  const Replayer* replayer_ = nullptr;
  EncodeResult result_;
  std::vector<std::uint64_t> session_seq_;
  std::uint64_t venue_seq_ = 1, feed_seq_ = 1;
  std::optional<i64> pending_ts_;
  std::size_t notes_seen_ = 0;
  std::uint64_t bad_every_, good_ = 0;
  std::mt19937_64 rng_;
};

}  // namespace

EncodeResult encode_scenario(const char* data, std::size_t len, std::size_t capacity, const std::string& dir,
                             const EncodeOptions& opt) {
  if (opt.sessions < 1) throw std::runtime_error("pcap encode: at least one client session");
  GatewayConfig cfg = scenario_config(opt.sessions);
  EncodeBackend* enc = nullptr;
  Replayer replayer(
      [&](DecisionSink&) {
        auto b = std::make_unique<EncodeBackend>(dir, cfg, opt);
        enc = b.get();
        return std::unique_ptr<Backend>(std::move(b));
      },
      nullptr);
  enc->attach(&replayer);
  replayer.run(data, len, capacity);
  enc->finish();
  const EncodeResult result = enc->result();

  std::ofstream toml(dir + "/gateway.toml");
  toml << format_gateway_config(cfg);
  std::ofstream directory(dir + "/directory.json");
  const Directory& d = replayer.directory();
  directory << "{\"accounts\":[" << fmt::format("{}", fmt::join(d.account_ids, ",")) << "],\"symbols\":["
            << fmt::format("{}", fmt::join(d.symbol_json, ",")) << "]}\n";
  std::ofstream counts(dir + "/encode.json");
  counts << fmt::format("{{\"frames\":{},\"bad_frames\":{},\"control_ops\":{}}}\n", result.frames, result.bad_frames,
                        result.control_ops);
  if (!toml || !directory || !counts) throw std::runtime_error("cannot write into " + dir);
  return result;
}

}  // namespace perpgate

namespace perpgate {

std::vector<ControlOp> control_ops_of_scenario(const std::string& jsonl, const std::string& source) {
  std::string buf = jsonl;
  const std::size_t len = buf.size();
  buf.append(simdjson::SIMDJSON_PADDING, '\0');
  GatewayConfig cfg;
  std::vector<ControlOp> ops;
  EncodeBackend* enc = nullptr;
  Replayer replayer(
      [&](DecisionSink&) {
        auto b = std::make_unique<EncodeBackend>(cfg, &ops);
        enc = b.get();
        return std::unique_ptr<Backend>(std::move(b));
      },
      nullptr);
  enc->attach(&replayer);
  replayer.run(buf.data(), len, buf.size());
  enc->finish();
  for (const ControlOp& op : ops)
    if (op.kind == ControlKind::kNote) throw std::runtime_error(source + ": " + op.text);
  return ops;
}

}  // namespace perpgate
