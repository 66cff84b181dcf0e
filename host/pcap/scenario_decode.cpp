// pcap decode: the host's transmitted frames and control log, back to the replay contract.
// Frames are read in transmit order; a control-log line written after N frames were sent goes
// before frame N. Decisions the contract prints come from the client stream (ack, reject,
// canceled) and the risk-desk stream (liquidate, mark); the venue's copies are skipped.
#include <fmt/format.h>
#include <simdjson.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "gateway/gateway_config.hpp"
#include "pcap/scenario_pcap.hpp"
#include "replay/decimal.hpp"
#include "replay/decision_json.hpp"
#include "wire/codec.hpp"
#include "wire/pcap_reader.hpp"

namespace perpgate {
namespace {


i128 parse_i128(std::string_view s) {
  i128 v = 0;
  const DecimalStatus st = parse_integer_i128(s, v);
  if (st != DecimalStatus::kOk)
    throw std::runtime_error("control log: " + std::string(decimal_status_text(st)) + " integer: " + std::string(s));
  return v;
}

Directory load_directory(const std::string& path) {
  simdjson::padded_string text = simdjson::padded_string::load(path);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc = parser.iterate(text);
  Directory d;
  for (auto a : doc["accounts"].get_array()) d.account_ids.push_back(a.get_int64().value());
  for (auto s : doc["symbols"].get_array()) {
    std::string lit;
    append_json_string(lit, s.get_string().value());
    d.symbol_json.push_back(std::move(lit));
  }
  return d;
}

std::unordered_map<std::string, std::uint64_t> load_causes(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::unordered_map<std::string, std::uint64_t> m;
  std::string tag;
  std::uint64_t line = 0;
  while (in >> tag >> line) m.emplace(tag, line);
  return m;
}

}  // namespace

std::string decode_host_output(const DecodeInputs& in) {
  const GatewayConfig cfg = load_gateway_config(in.dir + "/gateway.toml");
  const Directory dir = load_directory(in.dir + "/directory.json");
  const auto causes = load_causes(in.dir + "/causes.tsv");
  std::string out;
  DecisionJson json(out, dir);

  // The control log: each line with the number of frames sent before it was written.
  std::vector<std::pair<std::uint64_t, simdjson::padded_string>> log;
  {
    std::ifstream lf(in.control_log);
    if (!lf) throw std::runtime_error("cannot read " + in.control_log);
    simdjson::ondemand::parser p;
    for (std::string line; std::getline(lf, line);) {
      if (line.empty()) continue;
      simdjson::padded_string text(line);
      simdjson::ondemand::document doc = p.iterate(text);
      log.emplace_back(doc["out"].get_uint64().value(), std::move(text));
    }
  }
  simdjson::ondemand::parser parser;
  std::size_t next_log = 0;
  std::uint64_t frame_no = 0;
  auto emit_log_until = [&](std::uint64_t upto) {
    for (; next_log < log.size() && log[next_log].first <= upto; ++next_log) {
      simdjson::ondemand::document doc = parser.iterate(log[next_log].second);
      const std::string ev(doc["ev"].get_string().value());
      if (ev == "note") {
        out.append(doc["text"].get_string().value());
        out.push_back('\n');
      } else if (ev == "error") {
        const std::string cause(doc["cause"].get_string().value());
        const auto it = causes.find(cause);
        if (it == causes.end()) throw std::runtime_error("control log: error caused by " + cause + ", not in causes.tsv");
        json.error(it->second, doc["msg"].get_string().value());
      } else if (ev == "withdraw") {
        const int acct = static_cast<int>(doc["acct"].get_int64().value());
        const i64 amount = doc["amount"].get_int64().value();
        json.withdraw(acct, amount, doc["ok"].get_bool().value());
      } else if (ev == "account") {
        AccountSnapshot v;
        const int acct = static_cast<int>(doc["acct"].get_int64().value());
        v.collateral = parse_i128(doc["collateral"].get_string().value());
        v.equity = parse_i128(doc["equity"].get_string().value());
        v.im = parse_i128(doc["im"].get_string().value());
        v.mm = parse_i128(doc["mm"].get_string().value());
        for (auto p : doc["positions"].get_array()) {
          if (v.position_count >= GatewayParams::kPositionsPerAccount) throw std::runtime_error("control log: too many positions");
          std::int64_t f[3] = {};
          int n = 0;
          for (auto x : p.get_array()) {
            if (n < 3) f[n] = x.get_int64().value();
            ++n;
          }
          if (n != 3) throw std::runtime_error("control log: a position is [sym, qty, entry]");
          v.positions[v.position_count++] = PositionView{static_cast<std::int32_t>(f[0]), f[1], f[2]};
        }
        json.account(acct, v);
      }
      // seq_gap / seq_stale: operational notices, not part of the replay contract.
    }
  };

  wire::PcapReader pcap(in.out_pcap);
  std::vector<std::uint8_t> f;
  std::uint64_t ts = 0;
  using wire::get_le;
  using T = wire::MsgType;
  while (pcap.next(f, ts)) {
    emit_log_until(frame_no);
    ++frame_no;
    if (f.size() < wire::kPayloadOffset + wire::kHeaderSize) throw std::runtime_error("out.pcap: runt frame");
    const wire::UdpEndpoint src = wire::frame_source(f.data());
    int role = -1;
    for (int r = 0; r < kRoleCount; ++r)
      if (cfg.roles[r].ours.ip == src.ip && cfg.roles[r].ours.port == src.port) role = r;
    if (role < 0) throw std::runtime_error("out.pcap: a frame from an endpoint that is not the gateway's");
    const std::uint8_t* m = f.data() + wire::kPayloadOffset;
    // Every field read below lies inside the message's size: a frame shorter than its type's
    // message is refused, not read past its end.
    const std::size_t len = f.size() - wire::kPayloadOffset;
    if (len < wire::message_size(m[wire::header::kType]))
      throw std::runtime_error(fmt::format("out.pcap: frame {}: a message of type 0x{:02x} cut short ({} of {} bytes)",
                                           frame_no, m[wire::header::kType], len, wire::message_size(m[wire::header::kType])));
    switch (static_cast<T>(m[wire::header::kType])) {
      case T::kAck: json.ack(get_le<std::int64_t>(m + wire::Ack::kId)); break;
      case T::kReject:
        json.reject(get_le<std::int64_t>(m + wire::Reject::kId), static_cast<Reason>(m[wire::Reject::kReason]));
        break;
      case T::kCanceled: json.canceled(get_le<std::int64_t>(m + wire::Canceled::kId)); break;
      case T::kLiquidate:
        if (role == kRoleMarket)
          json.liquidate(static_cast<int>(get_le<std::uint32_t>(m + wire::Liquidate::kAcct)),
                         static_cast<i128>(get_le<u128>(m + wire::Liquidate::kEquity)),
                         static_cast<i128>(get_le<u128>(m + wire::Liquidate::kMm)));
        break;
      case T::kMarkOut:
        json.mark(get_le<std::uint16_t>(m + wire::MarkOut::kSym), get_le<std::int64_t>(m + wire::MarkOut::kPx));
        break;
      case T::kForwardOrder:
      case T::kCancel:
      case T::kEventError:  // its text and line are in the control log
        break;
      default: throw std::runtime_error(fmt::format("out.pcap: unexpected message type 0x{:02x}", m[0]));
    }
  }
  emit_log_until(~std::uint64_t{0});
  return out;
}

}  // namespace perpgate
