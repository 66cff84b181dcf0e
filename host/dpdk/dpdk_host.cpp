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

#include "backend/rtl_backend.hpp"
#include "common/hdr_histogram.hpp"
#include "gateway/control_op.hpp"
#include "gateway/gateway.hpp"
#include "gateway/journal.hpp"

namespace perpgate {
namespace {

constexpr std::uint16_t kBurst = 32;
constexpr std::uint16_t kRxDesc = 1024, kTxDesc = 1024;
constexpr unsigned kPoolMbufs = 8191, kPoolCache = 256;
constexpr std::uint64_t kTxGiveUpSpins = 1'000'000;  // a port that takes nothing for this long is broken

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
};

// Frames out: per port a burst of mbufs, sent when full, at the end of each RX burst, or when the
// next frame goes to another port.
class TxPath final : public FrameSink {
 public:
  TxPath(rte_mempool* pool, const GatewayConfig& cfg, JournalWriter* journal) : pool_(pool), journal_(journal) {
    for (int r = 0; r < kRoleCount; ++r) port_of_role_[r] = cfg.roles[r].dpdk_port;
  }
  std::uint8_t* begin_frame(int role, std::size_t max_len) override {
    const std::uint16_t port = port_of_role_[role];
    if (pending_port_ >= 0 && pending_port_ != port) flush();
    rte_mbuf* m = rte_pktmbuf_alloc(pool_);
    while (m == nullptr) {  // every mbuf is in flight: send what waits, then try again
      flush();
      m = rte_pktmbuf_alloc(pool_);
      if (m == nullptr && ++alloc_waits_ > kTxGiveUpSpins) throw std::runtime_error("mbuf pool exhausted");
    }
    char* data = rte_pktmbuf_append(m, static_cast<std::uint16_t>(max_len));
    if (data == nullptr) throw std::runtime_error("frame larger than an mbuf");
    cur_ = m;
    return reinterpret_cast<std::uint8_t*>(data);
  }
  void commit_frame(int role, std::size_t len) override {
    rte_pktmbuf_trim(cur_, static_cast<std::uint16_t>(cur_->pkt_len - len));
    pending_port_ = port_of_role_[role];
    burst_[n_++] = cur_;
    cur_ = nullptr;
    if (n_ == kBurst) flush();
  }
  // Sends what waits. TX that takes only part is retried until it takes all.
  void flush() {
    if (n_ == 0) return;
    if (journal_ != nullptr) journal_->commit();  // what the responses answer is on disk first
    std::uint16_t sent = 0;
    std::uint64_t spins = 0;
    while (sent < n_) {
      const std::uint16_t k = rte_eth_tx_burst(static_cast<std::uint16_t>(pending_port_), 0, burst_ + sent,
                                               static_cast<std::uint16_t>(n_ - sent));
      sent = static_cast<std::uint16_t>(sent + k);
      if (k == 0 && ++spins > kTxGiveUpSpins) {
        for (std::uint16_t i = sent; i < n_; ++i) rte_pktmbuf_free(burst_[i]);
        tx_dropped_ += n_ - sent;
        break;
      }
      if (k == 0) ++tx_retries_;
    }
    n_ = 0;
    if (journal_ != nullptr) journal_->tx_done();
    flushed_tsc_ = rte_rdtsc();
    ++flushes_;
  }
  std::uint64_t flushes() const { return flushes_; }
  std::uint64_t tx_dropped() const { return tx_dropped_; }
  std::uint64_t tx_retries() const { return tx_retries_; }
  std::uint64_t flushed_tsc() const { return flushed_tsc_; }

 private:
  rte_mempool* pool_;
  JournalWriter* journal_;
  std::uint16_t port_of_role_[kRoleCount] = {};
  rte_mbuf* burst_[kBurst] = {};
  rte_mbuf* cur_ = nullptr;
  std::uint16_t n_ = 0;
  int pending_port_ = -1;
  std::uint64_t flushes_ = 0, tx_dropped_ = 0, tx_retries_ = 0, alloc_waits_ = 0, flushed_tsc_ = 0;
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

void setup_port(std::uint16_t port, rte_mempool* pool) {
  rte_eth_dev_info info{};
  if (rte_eth_dev_info_get(port, &info) != 0) throw std::runtime_error(fmt::format("port {}: no device info", port));
  rte_eth_conf conf{};
  if (rte_eth_dev_configure(port, 1, 1, &conf) != 0) throw std::runtime_error(fmt::format("port {}: configure failed", port));
  std::uint16_t rxd = kRxDesc, txd = kTxDesc;
  if (rte_eth_dev_adjust_nb_rx_tx_desc(port, &rxd, &txd) != 0)
    throw std::runtime_error(fmt::format("port {}: descriptor counts refused", port));
  const int socket = rte_eth_dev_socket_id(port);
  const unsigned sock = socket < 0 ? 0u : static_cast<unsigned>(socket);
  if (rte_eth_rx_queue_setup(port, 0, rxd, sock, nullptr, pool) != 0)
    throw std::runtime_error(fmt::format("port {}: RX queue setup failed", port));
  if (rte_eth_tx_queue_setup(port, 0, txd, sock, nullptr) != 0)
    throw std::runtime_error(fmt::format("port {}: TX queue setup failed", port));
  if (rte_eth_dev_start(port) != 0) throw std::runtime_error(fmt::format("port {}: start failed", port));
  rte_eth_promiscuous_enable(port);  // our addresses are checked in software; virtual devices ignore it
}

struct alignas(RTE_CACHE_LINE_SIZE) LcoreState {
  std::uint64_t rx_frames = 0;
  std::uint64_t polls = 0, empty_rounds = 0;
  HdrHistogram latency_cycles;  // frame in (RX burst returned) -> its last frame out handed to TX
};

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
  app.add_option("--backend", opt.backend, "sw (hls kernels on the CPU) or rtl (Verilated RTL in-process)")
      ->check(CLI::IsMember({"sw", "rtl"}));
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
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  const GatewayConfig cfg = load_gateway_config(opt.config);
  const std::vector<ControlOp> script = load_control_script(opt.control);
  std::set<std::uint16_t> ports;
  for (const RoleConfig& r : cfg.roles) ports.insert(r.dpdk_port);
  const std::uint16_t avail = rte_eth_dev_count_avail();
  if (*ports.rbegin() >= avail)
    throw std::runtime_error(fmt::format("the configuration uses DPDK port {}, but EAL found {} port(s)", *ports.rbegin(), avail));

  rte_mempool* pool = rte_pktmbuf_pool_create("pg_mbufs", kPoolMbufs, kPoolCache, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
                                              static_cast<int>(rte_socket_id()));
  if (pool == nullptr) throw std::runtime_error("cannot create the mbuf pool (try a larger -m)");
  for (const std::uint16_t p : ports) setup_port(p, pool);

  std::uint64_t journal_valid = 0;
  const std::vector<JournalRecord> journaled = opt.journal.empty() ? std::vector<JournalRecord>{}
                                                                   : read_journal(opt.journal, journal_valid);
  std::unique_ptr<JournalWriter> journal;
  if (!opt.journal.empty()) journal = std::make_unique<JournalWriter>(opt.journal, journal_valid, opt.journal_sync);
  TxPath tx(pool, cfg, journal.get());
  FileLog log(opt.control_log);
  RtlBackendApi* rtl = nullptr;
  Gateway gw(
      cfg,
      [&](DecisionSink& sink) -> std::unique_ptr<Backend> {
        if (opt.backend != "rtl") return make_backend(opt.backend, sink);
        auto b = make_rtl_backend(sink, RtlOptions{});
        rtl = b.get();
        return b;
      },
      tx, log);

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  auto state = std::make_unique<LcoreState>();
  std::size_t next_op = 0;

  // Restart: apply the journal. Up to the last TX marker the responses left already (muted);
  // after it they are sent again.
  std::uint64_t skip = 0;
  if (!journaled.empty()) {
    std::size_t last_tx = 0;
    for (std::size_t i = 0; i < journaled.size(); ++i)
      if (journaled[i].kind == JournalKind::kTxDone) last_tx = i + 1;
    gw.set_muted(true);
    for (std::size_t i = 0; i < journaled.size(); ++i) {
      if (i == last_tx) gw.set_muted(false);
      const JournalRecord& r = journaled[i];
      if (r.kind == JournalKind::kFrame) {
        gw.rx(r.port, r.payload.data(), r.payload.size(), false);
        ++state->rx_frames;
      } else if (r.kind == JournalKind::kControl) {
        const simdjson::padded_string text(reinterpret_cast<const char*>(r.payload.data()), r.payload.size());
        ControlOp op;
        const std::string err = parse_control_op(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING, op);
        if (!err.empty()) throw std::runtime_error("journal: " + err);
        op.index = next_op++;
        gw.control(op);
      }
    }
    gw.set_muted(false);
    tx.flush();
    if (opt.skip_journaled) skip = state->rx_frames;
    if (next_op > script.size()) throw std::runtime_error("journal holds more control actions than the script");
    std::fprintf(stderr, "host: journal applied: %llu frames, %zu control actions (%zu records after the last TX)\n",
                 static_cast<unsigned long long>(state->rx_frames), next_op, journaled.size() - last_tx);
  }
  auto apply_control = [&](const ControlOp& op) {
    if (journal) journal->control(format_control_op(op));
    gw.control(op);
  };
  const std::uint64_t hz = rte_get_tsc_hz();
  std::uint64_t next_progress = rte_rdtsc() + hz;
  const bool tty = isatty(STDERR_FILENO) != 0;  // progress on one line on a terminal, a line each in logs
  rte_mbuf* bufs[kBurst];
  std::uint64_t burst_tsc[kBurst];
  std::uint8_t scratch[RTE_MBUF_DEFAULT_BUF_SIZE];
  const std::vector<std::uint16_t> port_list(ports.begin(), ports.end());

  while (!g_stop) {
    bool any = false;
    for (const std::uint16_t port : port_list) {
      const std::uint16_t n = rte_eth_rx_burst(port, 0, bufs, kBurst);
      ++state->polls;
      if (n == 0) continue;
      any = true;
      const std::uint64_t t_rx = rte_rdtsc();
      std::uint16_t waiting = 0;  // frames of this burst whose output waits for the flush
      for (std::uint16_t i = 0; i < n; ++i) {
        rte_mbuf* m = bufs[i];
        if (skip != 0) {  // applied from the journal already
          --skip;
          rte_pktmbuf_free(m);
          continue;
        }
        while (next_op < script.size() && script[next_op].at <= state->rx_frames) apply_control(script[next_op++]);
        const std::uint8_t* data = m->nb_segs == 1
                                       ? rte_pktmbuf_mtod(m, const std::uint8_t*)
                                       : static_cast<const std::uint8_t*>(rte_pktmbuf_read(m, 0, std::min<std::uint32_t>(m->pkt_len, sizeof scratch), scratch));
        const std::uint64_t flushes_before = tx.flushes();
        const std::uint64_t out_before = gw.counters().roles[0].tx_frames + gw.counters().roles[1].tx_frames +
                                         gw.counters().roles[2].tx_frames;
        if (journal) journal->frame(port, data, m->pkt_len);
        gw.rx(port, data, m->pkt_len, false);
        ++state->rx_frames;
        rte_pktmbuf_free(m);
        const std::uint64_t out_after = gw.counters().roles[0].tx_frames + gw.counters().roles[1].tx_frames +
                                        gw.counters().roles[2].tx_frames;
        if (out_after == out_before) continue;
        if (tx.flushes() != flushes_before) {  // its output (partly) left already
          for (std::uint16_t w = 0; w < waiting; ++w) state->latency_cycles.record(tx.flushed_tsc() - burst_tsc[w]);
          waiting = 0;
        }
        burst_tsc[waiting++] = t_rx;
      }
      tx.flush();
      if (journal) journal->commit();  // inputs without a response (ticks) are on disk by the burst's end too
      for (std::uint16_t w = 0; w < waiting; ++w) state->latency_cycles.record(tx.flushed_tsc() - burst_tsc[w]);
    }
    if (any) {
      state->empty_rounds = 0;
    } else if (opt.idle_exit != 0 && ++state->empty_rounds >= opt.idle_exit) {
      break;
    }
    if (opt.progress && rte_rdtsc() >= next_progress) {
      next_progress += hz;
      std::fprintf(stderr, "%shost: %llu frames in%s", tty ? "\r" : "", static_cast<unsigned long long>(state->rx_frames),
                   tty ? "" : "\n");
    }
  }
  // Control actions after the last frame (queries at the end of a scenario).
  while (next_op < script.size()) apply_control(script[next_op++]);
  tx.flush();
  if (journal) journal->commit();
  if (!opt.state_dump.empty()) {
    FileLog dump(opt.state_dump);
    gw.dump_state(dump);
  }
  if (opt.progress && tty) std::fputc('\n', stderr);

  for (const std::uint16_t p : port_list) {
    rte_eth_dev_stop(p);
    rte_eth_dev_close(p);  // net_pcap closes its output file here
  }

  const HdrHistogram& h = state->latency_cycles;
  const double ns_per_cycle = 1e9 / static_cast<double>(hz);
  std::string stats = fmt::format(
      "{{\"backend\":\"{}\",\"rx_frames\":{},\"tx_dropped\":{},\"tx_retries\":{},\"tsc_hz\":{},\"gateway\":{},"
      "\"host_latency_ns\":{{\"count\":{},\"min\":{:.0f},\"p50\":{:.0f},\"p99\":{:.0f},\"p99_9\":{:.0f},\"max\":{:.0f}}}}}",
      opt.backend, state->rx_frames, tx.tx_dropped(), tx.tx_retries(), hz, gw.counters_json(), h.count(),
      static_cast<double>(h.min()) * ns_per_cycle, static_cast<double>(h.percentile(50)) * ns_per_cycle,
      static_cast<double>(h.percentile(99)) * ns_per_cycle, static_cast<double>(h.percentile(99.9)) * ns_per_cycle,
      static_cast<double>(h.max()) * ns_per_cycle);
  if (!opt.stats.empty()) {
    std::ofstream(opt.stats) << stats << '\n';
  }
  if (!opt.hist.empty()) write_histograms(opt.hist, h, ns_per_cycle, rtl);
  const GatewayCounters& c = gw.counters();
  std::fprintf(stderr, "host: %llu frames in; %llu orders: %llu accepted; %llu liquidation triggers; tx dropped %llu\n",
               static_cast<unsigned long long>(state->rx_frames), static_cast<unsigned long long>(c.orders),
               static_cast<unsigned long long>(c.acks), static_cast<unsigned long long>(c.liquidations),
               static_cast<unsigned long long>(tx.tx_dropped()));
  std::fprintf(stderr, "host: per-packet latency (RX burst -> TX burst, TSC): p50 %.0f ns, p99 %.0f ns, max %.0f ns over %llu packets\n",
               static_cast<double>(h.percentile(50)) * ns_per_cycle, static_cast<double>(h.percentile(99)) * ns_per_cycle,
               static_cast<double>(h.max()) * ns_per_cycle, static_cast<unsigned long long>(h.count()));
  if (rtl != nullptr) print_rtl_latency(rtl->rtl_stats(), stderr);
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
