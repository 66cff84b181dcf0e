// The DPDK host in the manner of DPDK's skeleton and l2fwd examples: EAL first, one mbuf pool,
// the ports the configuration names set up in order (one RX and one TX queue each), then one
// lcore polling them in 32-packet bursts. Each received frame runs to completion through the
// gateway (checks, session, backend) before the next; frames out are written straight into
// mbufs and sent when the burst ends or the next frame goes to another port (so the order of
// frames across ports is the order of the decisions). What TX does not take is retried, never
// dropped silently. No locks, no syscalls and no allocation on the hot path (the sw backend).
#include "dpdk/dpdk_host.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <simdjson.h>

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "backend/fpga_backend.hpp"
#include "backend/rtl_backend.hpp"
#include "common/hdr_histogram.hpp"
#include "gateway/control_commands.hpp"
#include "gateway/control_op.hpp"
#include "pcap/scenario_pcap.hpp"
#include "gateway/gateway.hpp"
#include "gateway/journal.hpp"
#include "dpdk/host_loop.hpp"
#include "dpdk/tx_path.hpp"
#include "dpdk/tx_refuse.hpp"

namespace perpgate {
namespace {

constexpr unsigned kPoolMbufs = 8191, kPoolCache = 256;

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

struct HostOptions {
  std::string config;
  std::string control;      // control script: actions at frame counts
  std::string control_log = "-";
  std::string backend = "sw";
  std::string stats;        // counters and latency as JSON
  std::string hist;         // latency histograms as CSV (for the demo's plot)
  std::uint64_t idle_exit = 0;  // stop after this many empty polling rounds (0: run until signalled)
  bool progress = false;
  std::string journal;          // append every input here before its response leaves; apply it on start
  bool journal_sync = false;    // fdatasync each commit (power loss, not only a crash of the process)
  bool skip_journaled = false;  // the source starts again from its beginning (a pcap): skip what the journal has
  std::string state_dump;       // account states at exit (JSON Lines)
  std::string xdma = "/dev/xdma0";  // fpga backend: the driver's device files
  std::string control_socket;   // operator commands while running (perpgate ctl)
  double tx_refuse = -1;        // test: chance that TX refuses a burst, wholly or partly (< 0: never)
  std::uint64_t tx_refuse_seed = 1;
};

class FileLog final : public ControlLog {
 public:
  explicit FileLog(const std::string& path) : f_(path == "-" ? stdout : std::fopen(path.c_str(), "w")) {
    if (f_ == nullptr) throw std::runtime_error("cannot write control log " + path);
  }
  ~FileLog() override {
    if (f_ != nullptr && f_ != stdout) std::fclose(f_);
  }
  void line(std::string_view json) override {
    std::fwrite(json.data(), 1, json.size(), f_);
    std::fputc('\n', f_);
  }
  void flush() {
    if (std::fflush(f_) != 0) throw std::runtime_error("cannot write the control log");
  }

 private:
  std::FILE* f_;
};

std::vector<ControlOp> load_control_script(const std::string& path) {
  std::vector<ControlOp> ops;
  if (path.empty()) return ops;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read control script " + path);
  std::uint64_t line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const simdjson::padded_string text(line);
    ControlOp op;
    const std::string err = parse_control_op(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING, op);
    if (!err.empty()) throw std::runtime_error(fmt::format("{}:{}: {}", path, line_no, err));
    op.index = ops.size();
    if (!ops.empty() && op.at < ops.back().at)
      throw std::runtime_error(fmt::format("{}:{}: 'at' goes back ({} after {})", path, line_no, op.at, ops.back().at));
    ops.push_back(std::move(op));
  }
  return ops;
}

// Path "host_ns": per packet, RX burst -> TX burst (TSC, in ns). With the rtl backend also
// "rtl_order_cycles": last beat of an order in -> first beat of its ack/reject out, and
// "rtl_mark_liq_cycles": mark tick in -> first liquidation out (clock cycles of the RTL).
void write_histograms(const std::string& path, const HdrHistogram& host, double ns_per_cycle, RtlBackendApi* rtl) {
  std::ofstream f(path);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << "path,lo,hi,count\n";
  for (const auto& b : host.buckets())
    f << fmt::format("host_ns,{:.0f},{:.0f},{}\n", static_cast<double>(b.lo) * ns_per_cycle,
                     static_cast<double>(b.hi) * ns_per_cycle, b.count);
  if (rtl == nullptr) return;
  HdrHistogram order, liq;
  for (const RtlOrderLatency& l : rtl->rtl_stats().orders) order.record(l.last_in_to_response);
  for (const std::uint32_t c : rtl->rtl_stats().mark_to_first_liquidation) liq.record(c);
  for (const auto& b : order.buckets()) f << fmt::format("rtl_order_cycles,{},{},{}\n", b.lo, b.hi, b.count);
  for (const auto& b : liq.buckets()) f << fmt::format("rtl_mark_liq_cycles,{},{},{}\n", b.lo, b.hi, b.count);
}

int run(int argc, char** argv) {
  HostOptions opt;
  CLI::App app{"perpgate host: the DPDK gateway (EAL arguments first, then --, then these)"};
  app.add_option("--config", opt.config, "gateway configuration (TOML)")->required()->check(CLI::ExistingFile);
  app.add_option("--control", opt.control, "control script: control-plane actions at frame counts (JSON Lines)")
      ->check(CLI::ExistingFile);
  app.add_option("--control-log", opt.control_log, "where control results and notices go (JSON Lines; - for stdout)");
  app.add_option("--backend", opt.backend,
                 "sw (hls kernels on the CPU), rtl (Verilated RTL in-process) or fpga (a card over XDMA)")
      ->check(CLI::IsMember({"sw", "rtl", "fpga"}));
  app.add_option("--xdma", opt.xdma, "fpga backend: the XDMA driver's device prefix");
  app.add_option("--control-socket", opt.control_socket,
                 "Unix socket for operator commands while running (perpgate ctl: kill, unkill, stats, dump, reload, stop)");
  app.add_option("--stats", opt.stats, "write counters and latency percentiles here (JSON) at exit");
  app.add_option("--latency-hist", opt.hist, "write latency histograms here (CSV: path,lo,hi,count)");
  app.add_option("--exit-when-idle", opt.idle_exit, "stop after this many polling rounds with nothing received");
  app.add_flag("--progress", opt.progress, "print frames processed to stderr every second");
  app.add_option("--journal", opt.journal, "journal file: every input is appended before its response leaves; "
                                           "an existing journal is applied first (restart)");
  app.add_flag("--journal-sync", opt.journal_sync, "fdatasync the journal at every commit");
  app.add_flag("--skip-journaled-frames", opt.skip_journaled,
               "on restart, drop as many arriving frames as the journal holds (a source that starts over)");
  app.add_option("--state-dump", opt.state_dump, "write every account's state here at exit (JSON Lines)");
  app.add_option("--tx-refuse", opt.tx_refuse,
                 "test: TX refuses each burst with this chance (0 to 1), taking a random prefix of it or "
                 "nothing, as a full NIC ring does (a DPDK TX callback; the host must send the rest again)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--tx-refuse-seed", opt.tx_refuse_seed, "test: seed of --tx-refuse's draws");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  const GatewayConfig cfg = load_gateway_config(opt.config);
  // The configuration file's symbols and accounts first, then the control script.
  std::vector<ControlOp> script = cfg.static_lines.empty() ? std::vector<ControlOp>{}
                                                           : control_ops_of_scenario(cfg.static_lines, opt.config);
  for (ControlOp& op : load_control_script(opt.control)) script.push_back(std::move(op));
  for (std::size_t i = 0; i < script.size(); ++i) script[i].index = i;
  std::set<std::uint16_t> ports;
  for (const RoleConfig& r : cfg.roles) ports.insert(r.dpdk_port);
  const std::uint16_t avail = rte_eth_dev_count_avail();
  if (*ports.rbegin() >= avail)
    throw std::runtime_error(fmt::format("the configuration uses DPDK port {}, but EAL found {} port(s)", *ports.rbegin(), avail));

  rte_mempool* pool = rte_pktmbuf_pool_create("pg_mbufs", kPoolMbufs, kPoolCache, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                              static_cast<int>(rte_socket_id()));
  if (pool == nullptr) throw std::runtime_error("cannot create the mbuf pool (try a larger -m)");
  for (const std::uint16_t p : ports) setup_dpdk_port(p, pool);
  std::unique_ptr<TxRefuser> refuser;  // outlives every TX burst below
  if (opt.tx_refuse >= 0) {
    refuser = std::make_unique<TxRefuser>(opt.tx_refuse, opt.tx_refuse_seed);
    for (const std::uint16_t p : ports) refuser->install(p);
  }

  FileLog log(opt.control_log);  // before the journal, which flushes it at each commit
  std::uint64_t journal_valid = 0;
  const std::vector<JournalRecord> journaled = opt.journal.empty() ? std::vector<JournalRecord>{}
                                                                   : read_journal(opt.journal, journal_valid);
  std::unique_ptr<JournalWriter> journal;
  if (!opt.journal.empty()) {
    journal = std::make_unique<JournalWriter>(opt.journal, journal_valid, opt.journal_sync);
    journal->before_commit([&log] { log.flush(); });
  }
  TxPath tx(pool, cfg, journal.get());
  RtlBackendApi* rtl = nullptr;
  std::unique_ptr<XdmaChannels> xdma;  // the fpga backend's card, kept for the gateway's life
  std::unique_ptr<CardDevice> card;
  Gateway gw(
      cfg,
      [&](DecisionSink& sink) -> std::unique_ptr<Backend> {
        if (opt.backend == "fpga") {
          xdma = open_xdma(opt.xdma);
          card = make_xdma_card(*xdma);
          return make_card_backend(*card, sink);
        }
        if (opt.backend != "rtl") return make_backend(opt.backend, sink);
        auto b = make_rtl_backend(sink, RtlOptions{});
        rtl = b.get();
        return b;
      },
      tx, log);

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  HostLoop loop(gw, tx, journal.get(), script, std::vector<std::uint16_t>(ports.begin(), ports.end()));
  if (!journaled.empty()) {
    // Said before the records are applied, which can take a while (the rtl backend simulates
    // each frame): an operator, and the crash tests, see when the recovery starts.
    std::fprintf(stderr, "host: applying the journal: %zu records\n", journaled.size());
    loop.recover(journaled, opt.skip_journaled);
    std::fprintf(stderr, "host: journal applied: %llu frames, %zu control actions\n",
                 static_cast<unsigned long long>(loop.rx_frames()), loop.control_applied());
  }
  const std::uint64_t hz = rte_get_tsc_hz();
  auto stats_json = [&] {
    const HdrHistogram& h = loop.latency_cycles();
    const double ns = 1e9 / static_cast<double>(hz);
    const std::string refused =
        refuser == nullptr ? std::string{}
                           : fmt::format("\"tx_refuse\":{{\"chance\":{},\"seed\":{},\"calls\":{},\"refusals\":{},"
                                         "\"nothing_taken\":{},\"refused_frames\":{}}},",
                                         opt.tx_refuse, opt.tx_refuse_seed, refuser->calls(), refuser->refusals(),
                                         refuser->whole(), refuser->refused_frames());
    return fmt::format(
        "{{\"backend\":\"{}\",\"rx_frames\":{},\"tx_dropped\":{},\"tx_retries\":{},{}\"tsc_hz\":{},\"gateway\":{},"
        "\"host_latency_ns\":{{\"count\":{},\"min\":{:.0f},\"p50\":{:.0f},\"p99\":{:.0f},\"p99_9\":{:.0f},\"max\":{:.0f}}}}}",
        opt.backend, loop.rx_frames(), tx.tx_dropped(), tx.tx_retries(), refused, hz, gw.counters_json(), h.count(),
        static_cast<double>(h.min()) * ns, static_cast<double>(h.percentile(50)) * ns,
        static_cast<double>(h.percentile(99)) * ns, static_cast<double>(h.percentile(99.9)) * ns,
        static_cast<double>(h.max()) * ns);
  };
  std::unique_ptr<ControlSocket> ctl_socket;
  std::unique_ptr<ControlCommands> commands;
  if (!opt.control_socket.empty()) {
    ctl_socket = std::make_unique<ControlSocket>(opt.control_socket);
    commands = std::make_unique<ControlCommands>(
        gw, [&](const ControlOp& op) { loop.apply_operator(op); }, stats_json, opt.config);
  }
  constexpr std::uint64_t kControlEvery = 4096;  // polling rounds between two looks at the socket
  std::uint64_t rounds = 0;
  std::uint64_t next_progress = rte_rdtsc() + hz;
  const bool tty = isatty(STDERR_FILENO) != 0;  // progress on one line on a terminal, a line each in logs
  std::uint64_t empty_rounds = 0;
  while (!g_stop) {
    if (loop.poll() != 0) {
      empty_rounds = 0;
    } else if (opt.idle_exit != 0 && ++empty_rounds >= opt.idle_exit) {
      break;
    }
    if (ctl_socket && ++rounds % kControlEvery == 0) {
      ctl_socket->serve(*commands);
      if (commands->stop_requested()) break;
    }
    if (opt.progress && rte_rdtsc() >= next_progress) {
      next_progress += hz;
      std::fprintf(stderr, "%shost: %llu frames in%s", tty ? "\r" : "", static_cast<unsigned long long>(loop.rx_frames()),
                   tty ? "" : "\n");
    }
  }
  loop.finish();  // control actions after the last frame (queries at the end of a scenario)
  if (!opt.state_dump.empty()) {
    FileLog dump(opt.state_dump);
    gw.dump_state(dump);
  }
  if (opt.progress && tty) std::fputc('\n', stderr);

  for (const std::uint16_t p : ports) {
    rte_eth_dev_stop(p);
    rte_eth_dev_close(p);  // net_pcap closes its output file here
  }

  const HdrHistogram& h = loop.latency_cycles();
  const double ns_per_cycle = 1e9 / static_cast<double>(hz);
  const std::string stats = stats_json();
  if (!opt.stats.empty()) {
    std::ofstream(opt.stats) << stats << '\n';
  }
  if (!opt.hist.empty()) write_histograms(opt.hist, h, ns_per_cycle, rtl);
  const GatewayCounters& c = gw.counters();
  std::fprintf(stderr, "host: %llu frames in; %llu orders: %llu accepted; %llu liquidation triggers; tx dropped %llu\n",
               static_cast<unsigned long long>(loop.rx_frames()), static_cast<unsigned long long>(c.orders),
               static_cast<unsigned long long>(c.acks), static_cast<unsigned long long>(c.liquidations),
               static_cast<unsigned long long>(tx.tx_dropped()));
  std::fprintf(stderr, "host: per-packet latency (RX burst -> TX burst, TSC): p50 %.0f ns, p99 %.0f ns, max %.0f ns over %llu packets\n",
               static_cast<double>(h.percentile(50)) * ns_per_cycle, static_cast<double>(h.percentile(99)) * ns_per_cycle,
               static_cast<double>(h.max()) * ns_per_cycle, static_cast<unsigned long long>(h.count()));
  if (rtl != nullptr) print_rtl_latency(rtl->rtl_stats(), stderr);
  if (refuser != nullptr)
    std::fprintf(stderr, "host: TX refused %llu of %llu bursts (%llu taking nothing, %llu frames left to send again); %llu retries\n",
                 static_cast<unsigned long long>(refuser->refusals()), static_cast<unsigned long long>(refuser->calls()),
                 static_cast<unsigned long long>(refuser->whole()),
                 static_cast<unsigned long long>(refuser->refused_frames()),
                 static_cast<unsigned long long>(tx.tx_retries()));
  return tx.tx_dropped() == 0 ? 0 : 1;
}

}  // namespace

int run_dpdk_host(int argc, char** argv) {
  const int consumed = rte_eal_init(argc, argv);
  if (consumed < 0) {
    std::fprintf(stderr, "perpgate host: EAL initialisation failed: %s\n", rte_strerror(rte_errno));
    return 2;
  }
  // What EAL left: argv[0], then our options after "--".
  std::vector<char*> rest{argv[0]};
  for (int i = consumed + 1; i < argc; ++i) rest.push_back(argv[i]);
  int rc = 0;
  try {
    rc = run(static_cast<int>(rest.size()), rest.data());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "perpgate host: %s\n", e.what());
    rc = 2;
  }
  rte_eal_cleanup();
  return rc;
}

}  // namespace perpgate
