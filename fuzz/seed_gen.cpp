// Builds the seed corpora of the fuzz targets: fuzz_seeds OUTDIR [--small]
//   OUTDIR/replay        generated scenarios (tests/golden is added by scripts/fuzz_seeds.sh)
//   OUTDIR/gateway       message sequences from the fuzz gateway's sessions, venue and feed
//   OUTDIR/pcap_decode   the host's output for the small scenario (frames and control log)
//   OUTDIR/config        configuration files
//   OUTDIR/control       control socket command lines
//   OUTDIR/journal       journals of a run on the fuzz gateway
// The host's output and journal come from the gateway logic itself (host/gateway, what
// `perpgate host` runs between its DPDK ports), fed the encoded frames in order with the control
// script's actions at their frame counts. --small writes fewer and shorter seeds (the committed
// ones).
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "fuzz_common.hpp"
#include "fuzz_scenario.hpp"
#include "gateway/journal.hpp"
#include "replay/replayer.hpp"
#include "wire/pcap_reader.hpp"
#include "wire/pcap_writer.hpp"

namespace fs = std::filesystem;

namespace perpgate::fuzz {
namespace {

void write(const fs::path& p, std::string_view bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream f(p, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw std::runtime_error("cannot write " + p.string());
}

std::string read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + p.string());
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// ---- gateway: records [control][length][message] --------------------------------------------------

struct Msg {
  std::uint8_t ctl;
  std::vector<std::uint8_t> bytes;
};

std::uint8_t ctl_of(int sender, int session, int dst_role) {
  return static_cast<std::uint8_t>(sender | session << 4 | dst_role << 6);
}

// A session's orders on the fixture's book, fills and cancels from the venue, marks from the feed.
std::vector<Msg> book_messages(int rounds) {
  std::vector<Msg> v;
  std::uint64_t seq[3] = {1, 1, 1}, venue_seq = 1, market_seq = 2;
  i64 id = 1;
  for (int k = 0; k < rounds; ++k) {
    for (int s = 0; s < 3; ++s) {
      const OrderEvent o{s, 0, id, (k + s) % 2 == 0, k % 3 == 2, 100'000 * (1 + k % 4), kFixtureMark + (k % 3 - 1) * 1'000'000};
      v.push_back({ctl_of(0, s, kRoleClient), wire::encode_new_order(o, static_cast<std::uint32_t>(s + 1), seq[s]++)});
      if (k % 2 == 0) v.push_back({ctl_of(1, 0, kRoleVenue), wire::encode_fill(FillEvent{id, o.qty / 2, o.px, 1000}, 0, venue_seq++)});
      if (k % 3 == 1) v.push_back({ctl_of(1, 0, kRoleVenue), wire::encode_cancel_ack(id, 0, venue_seq++)});
      ++id;
    }
    const i64 px = kFixtureMark - k * 150'000'000'000;  // falling: liquidations
    v.push_back({ctl_of(2, 0, kRoleMarket), wire::encode_price<wire::Mark>(0, px, 1000 * (k + 1), 0, market_seq++)});
    if (k % 4 == 3) v.push_back({ctl_of(2, 0, kRoleMarket), wire::encode_funding(0, 100, 0, market_seq++)});
  }
  // A cancel request from a client, an order for someone else's account, a stale sequence number.
  std::vector<std::uint8_t> cancel = wire::new_message<wire::Cancel>(1, seq[0]++);
  wire::put_le<std::uint64_t>(&cancel[wire::Cancel::kId], 1);
  v.push_back({ctl_of(0, 0, kRoleClient), cancel});
  v.push_back({ctl_of(0, 0, kRoleClient), wire::encode_new_order(OrderEvent{1, 0, id++, true, false, 100'000, kFixtureMark}, 1, seq[0]++)});
  v.push_back({ctl_of(0, 1, kRoleClient), wire::encode_new_order(OrderEvent{1, 0, id++, true, false, 100'000, kFixtureMark}, 2, 1)});
  v.push_back({ctl_of(0, 3, kRoleClient), wire::encode_new_order(OrderEvent{0, 0, id++, true, false, 100'000, kFixtureMark}, 1, 99)});
  return v;
}

std::string gateway_seed(const std::vector<Msg>& msgs, std::size_t from, std::size_t n) {
  std::string s;
  for (std::size_t i = from; i < from + n && i < msgs.size(); ++i) {
    s.push_back(static_cast<char>(msgs[i].ctl));
    s.push_back(static_cast<char>(msgs[i].bytes.size()));
    s.append(msgs[i].bytes.begin(), msgs[i].bytes.end());
  }
  return s;
}

// ---- journal: the fixture's book as control records, then frames with TX markers ----------------

std::string journal_seed(const std::vector<Msg>& msgs, std::size_t n, bool torn_tail, const fs::path& tmp) {
  const GatewayConfig cfg = parse_gateway_config(kGatewayConfig, "fuzz.toml");
  std::error_code ec;
  fs::remove(tmp, ec);
  {
    JournalWriter w(tmp.string(), 0, false);
    w.control(format_control_op(fixture_symbol_op()));
    for (int a = 0; a < kFixtureAccounts; ++a) {
      ControlOp op = fixture_account_op(a);
      op.index = static_cast<std::uint64_t>(a + 1);
      w.control(format_control_op(op));
    }
    const auto mark = wire::encode_price<wire::Mark>(0, kFixtureMark, 0, 0, 1);
    const auto mf = wire::build_udp_frame(cfg.roles[kRoleMarket].peer, cfg.roles[kRoleMarket].ours, mark.data(), mark.size());
    w.frame(0, mf.data(), mf.size());
    w.tx_done();
    for (std::size_t i = 0; i < n && i < msgs.size(); ++i) {
      const Msg& m = msgs[i];
      const int sender = m.ctl & 3, s = (m.ctl >> 4) & 3, dst = (m.ctl >> 6) & 3;
      const wire::UdpEndpoint src = sender == 1 ? cfg.roles[kRoleVenue].peer
                                    : sender == 2 ? cfg.roles[kRoleMarket].peer
                                                  : cfg.sessions[static_cast<std::size_t>(s % 3)].endpoint;
      const auto f = wire::build_udp_frame(src, cfg.roles[dst].ours, m.bytes.data(), m.bytes.size());
      w.frame(0, f.data(), f.size());
      if (i % 3 != 2) w.tx_done();
      if (i == n / 2) {
        ControlOp kill;
        kill.kind = ControlKind::kKill;
        kill.acct = 1;
        kill.on = true;
        w.control(format_control_op(kill), true);
      }
    }
  }
  std::string j = read(tmp);
  if (torn_tail && j.size() > 20) j.resize(j.size() - 7);
  return j;
}

// ---- the host's output for the small scenario ------------------------------------------------------

struct PcapSink final : FrameSink {
  wire::PcapWriter w;
  std::vector<std::uint8_t> buf;
  std::uint64_t n = 0;
  explicit PcapSink(const std::string& path) : w(path) {}
  std::uint8_t* begin_frame(int, std::size_t max_len) override {
    buf.assign(max_len, 0);
    return buf.data();
  }
  void commit_frame(int, std::size_t len) override {
    buf.resize(len);
    w.write(1000 * ++n, buf);
  }
};

struct FileLines final : ControlLog {
  std::ofstream f;
  explicit FileLines(const std::string& path) : f(path) {}
  void line(std::string_view json) override { f << json << '\n'; }
};

// `perpgate pcap encode` of the small scenario into `dir`, then the gateway run on it: out.pcap
// and control.log there. Checks the decode equals replay's output (else the seed is not the
// host's output).
void host_run(const fs::path& dir) {
  fs::create_directories(dir);
  encode_small_scenario(dir.string());
  const GatewayConfig cfg = load_gateway_config((dir / "gateway.toml").string());
  std::vector<ControlOp> script;
  {
    std::ifstream in(dir / "control.jsonl");
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      const simdjson::padded_string text(line);
      ControlOp op;
      const std::string err = parse_control_op(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING, op);
      if (!err.empty()) throw std::runtime_error("control.jsonl: " + err);
      op.index = script.size();
      script.push_back(std::move(op));
    }
  }
  {
    PcapSink out((dir / "out.pcap").string());
    FileLines log((dir / "control.log").string());
    Gateway gw(cfg, [](DecisionSink& s) { return make_backend("sw", s); }, out, log);
    wire::PcapReader in((dir / "in.pcap").string());
    std::vector<std::uint8_t> f;
    std::uint64_t ts = 0, frames = 0;
    std::size_t next = 0;
    while (in.next(f, ts)) {
      while (next < script.size() && script[next].at <= frames) gw.control(script[next++]);
      gw.rx(0, f.data(), f.size(), false);
      ++frames;
    }
    while (next < script.size()) gw.control(script[next++]);
  }
  const std::string decoded =
      decode_host_output(DecodeInputs{(dir / "out.pcap").string(), (dir / "control.log").string(), dir.string()});
  std::string s = small_scenario();
  const std::size_t len = s.size();
  s.append(simdjson::SIMDJSON_PADDING, '\0');
  Replayer r("sw", nullptr);
  r.run(s.data(), len, s.size());
  if (decoded != r.output()) throw std::runtime_error("the gateway run of the small scenario does not decode to replay's output");
}

std::string decode_seed(const std::string& log, const std::string& pcap) {
  const std::size_t n = std::min<std::size_t>(log.size(), 0xffff);
  std::string s;
  s.push_back(static_cast<char>(n & 0xff));
  s.push_back(static_cast<char>(n >> 8));
  s.append(log, 0, n);
  s += pcap;
  return s;
}

}  // namespace
}  // namespace perpgate::fuzz

int main(int argc, char** argv) {
  using namespace perpgate;
  using namespace perpgate::fuzz;
  if (argc < 2) {
    std::fprintf(stderr, "usage: fuzz_seeds OUTDIR [--small]\n");
    return 2;
  }
  const fs::path out = argv[1];
  const bool small = argc > 2 && std::string_view(argv[2]) == "--small";
  try {
    // replay: generated scenarios (a crash, bad orders among them).
    for (int k = 0; k < (small ? 2 : 12); ++k) {
      GenOptions opt;
      opt.seed = static_cast<std::uint64_t>(k + 1);
      opt.accounts = 2 + k % 4;
      opt.events = small ? 25 : 40 + 30 * static_cast<std::uint64_t>(k);
      opt.bad_fraction = 0.1;
      std::string s;
      generate_scenario(opt, s);
      write(out / "replay" / ("gen" + std::to_string(k) + ".jsonl"), s);
    }
    // gateway and journal: the fixture's book in motion.
    const std::vector<Msg> msgs = book_messages(small ? 3 : 8);
    const std::size_t chunk = small ? msgs.size() : 12;
    for (std::size_t from = 0, k = 0; from < msgs.size(); from += chunk, ++k)
      write(out / "gateway" / ("book" + std::to_string(k) + ".bin"), gateway_seed(msgs, from, chunk));
    const fs::path tmp = out / ".journal.tmp";
    write(out / "journal" / "run.journal", journal_seed(msgs, msgs.size(), false, tmp));
    write(out / "journal" / "torn.journal", journal_seed(msgs, small ? 4 : msgs.size() / 2, true, tmp));
    fs::remove(tmp);
    // pcap_decode: the host's output for the small scenario.
    const fs::path run = out / ".host_run";
    host_run(run);
    write(out / "pcap_decode" / "small.bin", decode_seed(read(run / "control.log"), read(run / "out.pcap")));
    // config: the fixture's, encode's, and one with symbol and account tables.
    write(out / "config" / "fixture.toml", kGatewayConfig);
    write(out / "config" / "encoded.toml", read(run / "gateway.toml"));
    write(out / "config" / "tables.toml", std::string(kGatewayConfig) + R"(
[[symbol]]
sym = "BTCUSDT"
tick = "0.1"
lot = "0.001"
max_lev = 125
tiers = [["0", "0.004", "0", 125], ["50000", "0.005", "50", 100]]

[[account]]
acct = 100
collateral = "25000"
lev = { BTCUSDT = 20 }
max_rate = 100
)");
    fs::remove_all(run);
    // control: every command, good and bad.
    write(out / "control" / "all.txt", "kill 100\nunkill 100\nkill *\nunkill *\nstats\ndump\nreload\nkill 999\nkill x\nstop\n");
    write(out / "control" / "kill.txt", "kill 200\ndump\nunkill 200 \n");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_seeds: %s\n", e.what());
    return 1;
  }
  return 0;
}
