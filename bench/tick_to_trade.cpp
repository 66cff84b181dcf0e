// Tick-to-trade on the Verilated gateway RTL, in clock cycles (exact) and ns at 322.265625 MHz.
// Runs generated crash scenarios (mixed traffic: orders, cancels, fills, marks, funding, control;
// seeds 20251010, 20251011, ...) through the rtl backend until at least --events events, checks
// every decision against the sw backend, and writes a table with min / median / p99 / p99.9 / max
// per path, HdrHistogram-style histograms (CSV) for the plot (bench/plot_tick_to_trade.gp).
// Then --burst-orders orders in bursts of 64 back to back on the client port (minimum gaps: one
// frame right after the other), across 256 accounts and 4 symbols, each burst's acked orders
// cancelled by the venue afterwards; their decisions checked against sw, their latency (queueing
// behind the burst included) in rows of their own.
//   tick_to_trade [--events N] [--jobs J] [--scenario-events E] [--burst-orders B] [--out DIR]
// --jobs runs J scenarios at a time, each in its own process (one Verilated model per core); the
// scenarios are taken in rounds of J, so J changes how many are run only in the last round.
// Definitions (STAC-T0 style; the MAC/PHY is not included: AXI-Stream in to AXI-Stream out):
//   order -> forward  first beat in -> first beat out (SoF->SoF), last beat in -> first beat out
//   order -> ack      the same for the ack or reject
//   mark  -> first liquidation trigger out; mark -> every holder revalued
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "backend/decision_recorder.hpp"
#include "backend/rtl_backend.hpp"
#include "bench_fixture.hpp"
#include "common/hdr_histogram.hpp"
#include "replay/replayer.hpp"
#include "replay/scenario_gen.hpp"

namespace {

using perpgate::HdrHistogram;

constexpr std::uint64_t kFirstSeed = 20251010;

struct Metric {
  const char* name;
  HdrHistogram h;
};

std::string run(const std::string& scenario, bool rtl, perpgate::RtlStats* stats) {
  std::string buf = scenario;
  const std::size_t len = buf.size();
  buf.append(simdjson::SIMDJSON_PADDING, '\0');
  perpgate::RtlBackendApi* model = nullptr;
  perpgate::Replayer::BackendFactory factory = [&](perpgate::DecisionSink& sink) -> std::unique_ptr<perpgate::Backend> {
    if (!rtl) return perpgate::make_backend("sw", sink);
    auto b = perpgate::make_rtl_backend(sink);
    model = b.get();
    return b;
  };
  perpgate::Replayer r(factory, nullptr);
  r.run(buf.data(), len, buf.size());
  if (model != nullptr && stats != nullptr) *stats = model->rtl_stats();
  return r.output();
}

// ---- one scenario in a child process, its figures back over a pipe -------------------------------
// The record: ok, events, cycles, the three vectors' lengths, then the vectors' elements.

bool write_all(int fd, const void* p, std::size_t n) {
  const char* c = static_cast<const char*>(p);
  while (n > 0) {
    const ssize_t w = ::write(fd, c, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    c += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

bool read_all(int fd, void* p, std::size_t n) {
  char* c = static_cast<char*>(p);
  while (n > 0) {
    const ssize_t r = ::read(fd, c, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    c += r;
    n -= static_cast<std::size_t>(r);
  }
  return true;
}

template <typename T>
bool write_vec(int fd, const std::vector<T>& v) {
  return write_all(fd, v.data(), v.size() * sizeof(T));
}

template <typename T>
bool read_vec(int fd, std::vector<T>& v, std::uint64_t n) {
  v.resize(n);
  return read_all(fd, v.data(), n * sizeof(T));
}

[[noreturn]] void child(std::uint64_t seed, std::uint64_t gen_events, int fd) {
  std::string scenario;
  perpgate::generate_scenario(perpgate::GenOptions{seed, 500, gen_events, true, 0.05}, scenario);
  perpgate::RtlStats s;
  const std::string rtl = run(scenario, true, &s);
  const std::uint64_t ok = rtl == run(scenario, false, nullptr) ? 1 : 0;
  const std::uint64_t head[6] = {ok, s.events, s.cycles, s.orders.size(), s.mark_to_first_liquidation.size(),
                                 s.mark_revaluation.size()};
  const bool sent = write_all(fd, head, sizeof head) && write_vec(fd, s.orders) &&
                    write_vec(fd, s.mark_to_first_liquidation) && write_vec(fd, s.mark_revaluation);
  ::close(fd);
  std::_Exit(sent ? 0 : 3);
}

struct Job {
  std::uint64_t seed;
  pid_t pid;
  int fd;
};

Job start(std::uint64_t seed, std::uint64_t gen_events) {
  int p[2];
  if (::pipe(p) != 0) std::perror("tick_to_trade: pipe"), std::exit(2);
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) std::perror("tick_to_trade: fork"), std::exit(2);
  if (pid == 0) {
    ::close(p[0]);
    child(seed, gen_events, p[1]);
  }
  ::close(p[1]);
  return Job{seed, pid, p[0]};
}

// Reads a child's record into s; false (with a message) when it disagreed with sw or failed.
bool finish(const Job& j, perpgate::RtlStats& s) {
  std::uint64_t head[6] = {};
  bool got = read_all(j.fd, head, sizeof head) && read_vec(j.fd, s.orders, head[3]) &&
             read_vec(j.fd, s.mark_to_first_liquidation, head[4]) && read_vec(j.fd, s.mark_revaluation, head[5]);
  ::close(j.fd);
  int status = 0;
  while (::waitpid(j.pid, &status, 0) < 0 && errno == EINTR) {
  }
  got = got && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  const auto seed = static_cast<unsigned long long>(j.seed);
  if (!got) return std::fprintf(stderr, "tick_to_trade: the run of seed %llu failed (status %d)\n", seed, status), false;
  if (head[0] != 1) return std::fprintf(stderr, "tick_to_trade: rtl and sw disagree on seed %llu\n", seed), false;
  s.events = head[1];
  s.cycles = head[2];
  return true;
}

// ---- back-to-back bursts ---------------------------------------------------------------------------

// The decisions as text, to compare rtl with sw; the acked ids, for the venue's cancels.
struct BurstSink final : perpgate::DecisionRecorder {
  std::vector<perpgate::i64> acked;
  void ack(perpgate::i64 id) override {
    DecisionRecorder::ack(id);
    acked.push_back(id);
  }
};

// Runs `total` orders in bursts through rtl and sw; false when they disagree.
bool run_bursts(std::uint64_t total, perpgate::RtlStats& stats) {
  using perpgate::i64;
  constexpr int kAccounts = 256, kSymbols = 4, kBurst = 64;
  constexpr i64 kMark = 50'000 * perpgate::kPxScale, kTick = 10'000'000;
  BurstSink want, got;
  auto sw = perpgate::make_backend("sw", want);
  auto rtl = perpgate::make_rtl_backend(got);
  for (perpgate::Backend* b : {sw.get(), static_cast<perpgate::Backend*>(rtl.get())}) {
    for (int s = 0; s < kSymbols; ++s) {
      b->define_symbol(s, perpgate::bench::btc_config());
      b->mark(s, kMark);
    }
    for (int a = 0; a < kAccounts; ++a) b->create_account(a, 10'000 * perpgate::kMoneyScale);
  }
  std::mt19937_64 rng(20251010);
  i64 id = 1;
  for (std::uint64_t done = 0; done < total;) {
    std::vector<perpgate::OrderEvent> burst;
    for (int k = 0; k < kBurst && done < total; ++k, ++done, ++id) {
      perpgate::OrderEvent o;
      o.acct = static_cast<std::int32_t>(rng() % kAccounts);
      o.sym = static_cast<std::int32_t>(rng() % kSymbols);
      o.id = (id > 2 && rng() % 50 == 0) ? id - 2 : id;         // now and then a duplicate id
      o.buy = (rng() & 1) != 0;
      o.reduce_only = rng() % 20 == 0;
      o.qty = rng() % 100 == 0 ? 0 : static_cast<i64>(1 + rng() % 20) * 100'000;  // 0: a bad quantity
      o.px = kMark + static_cast<i64>(rng() % 1001 - 500) * kTick;  // within 1 % of the mark
      burst.push_back(o);
      sw->order(o);
    }
    rtl->order_burst(burst);
    for (i64 a : want.acked) {  // the venue cancels what was acked, one at a time
      sw->cancel(a);
      rtl->cancel(a);
    }
    want.acked.clear();
    got.acked.clear();
    if (got.out != want.out) return std::fprintf(stderr, "tick_to_trade: rtl and sw disagree in a burst\n"), false;
    want.out.clear();
    got.out.clear();
  }
  stats = rtl->rtl_stats();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t target = 1'000'000;
  unsigned jobs = 1;
  std::uint64_t gen_events = 100'000;
  std::uint64_t burst_orders = 1'000'000;
  std::string out = "bench/results";
  CLI::App app{"Tick-to-trade latency of the Verilated gateway RTL over generated crash traffic"};
  app.add_option("--events", target, "run scenarios until at least this many events (0: none)");
  app.add_option("--jobs", jobs, "scenarios run at a time, one process each")->check(CLI::Range(1u, 64u));
  app.add_option("--scenario-events", gen_events, "generator events per scenario (500 accounts, 5 % invalid)")
      ->check(CLI::PositiveNumber);
  app.add_option("--burst-orders", burst_orders, "orders sent in back-to-back bursts of 64 (0: none)");
  app.add_option("--out", out, "directory for tick_to_trade.txt and tick_to_trade_hist.csv");
  CLI11_PARSE(app, argc, argv);
  // A run takes up to hours: whether its results can be written is found out now, not at the end.
  std::error_code dir_error;
  std::filesystem::create_directories(out, dir_error);
  if (dir_error || !std::filesystem::is_directory(out) || ::access(out.c_str(), W_OK) != 0)
    return std::fprintf(stderr, "tick_to_trade: cannot write to %s: %s\n", out.c_str(),
                        dir_error ? dir_error.message().c_str() : "not a writable directory"),
           2;

  std::vector<Metric> m = {{"order->forward, last beat in -> first beat out", {}},
                           {"order->forward, first beat in -> first beat out", {}},
                           {"order->ack/reject, last beat in -> first beat out", {}},
                           {"order->ack/reject, first beat in -> first beat out", {}},
                           {"mark -> first liquidation trigger out", {}},
                           {"mark -> every holder revalued", {}},
                           {"burst order->forward, last beat in -> first beat out", {}},
                           {"burst order->forward, first beat in -> first beat out", {}},
                           {"burst order->ack/reject, last beat in -> first beat out", {}},
                           {"burst order->ack/reject, first beat in -> first beat out", {}}};
  // An order's latencies into the four rows from `row` on (the forward only when it was accepted).
  auto record_orders = [&m](const std::vector<perpgate::RtlOrderLatency>& orders, std::size_t row) {
    for (const auto& l : orders) {
      if (l.last_in_to_forward != 0) {
        m[row].h.record(l.last_in_to_forward);
        m[row + 1].h.record(l.first_in_to_forward);
      }
      m[row + 2].h.record(l.last_in_to_response);
      m[row + 3].h.record(l.first_in_to_response);
    }
  };
  std::uint64_t events = 0, cycles = 0, runs = 0;
  for (std::uint64_t seed = kFirstSeed; events < target; seed += jobs) {
    std::vector<Job> round;
    for (unsigned k = 0; k < jobs; ++k) round.push_back(start(seed + k, gen_events));
    bool ok = true;
    for (const Job& j : round) {  // every child is reaped, in seed order
      perpgate::RtlStats s;
      if (!finish(j, s)) {
        ok = false;
        continue;
      }
      record_orders(s.orders, 0);
      for (auto v : s.mark_to_first_liquidation) m[4].h.record(v);
      for (auto v : s.mark_revaluation) m[5].h.record(v);
      events += s.events;
      cycles += s.cycles;
      ++runs;
    }
    if (!ok) return 1;
    std::fprintf(stderr, "tick_to_trade: %llu / %llu events\n", static_cast<unsigned long long>(events),
                 static_cast<unsigned long long>(target));
  }
  std::uint64_t burst_cycles = 0;
  if (burst_orders > 0) {
    perpgate::RtlStats b;
    if (!run_bursts(burst_orders, b)) return 1;
    record_orders(b.burst_orders, 6);
    burst_cycles = b.cycles;
  }

  const double ns = 1000.0 / perpgate::kTargetClockMHz;
  std::FILE* t = std::fopen((out + "/tick_to_trade.txt").c_str(), "w");
  if (t == nullptr) return std::fprintf(stderr, "tick_to_trade: cannot write to %s\n", out.c_str()), 2;
  std::fprintf(t, "Verilated pg_gateway_top, %llu events in %llu scenarios of %llu generator events (%llu cycles), "
               "cycles at %.6f MHz\n", static_cast<unsigned long long>(events), static_cast<unsigned long long>(runs),
               static_cast<unsigned long long>(gen_events),
               static_cast<unsigned long long>(cycles), perpgate::kTargetClockMHz);
  std::fprintf(t, "then %llu orders in back-to-back bursts of 64 (%llu cycles, the venue's cancels included)\n",
               static_cast<unsigned long long>(burst_orders), static_cast<unsigned long long>(burst_cycles));
  std::fprintf(t, "%-52s %9s %7s %7s %7s %7s %7s   %s\n", "path", "count", "min", "median", "p99", "p99.9", "max",
               "median / p99.9 ns");
  for (const Metric& x : m) {
    const HdrHistogram& h = x.h;
    std::fprintf(t, "%-52s %9llu %7llu %7llu %7llu %7llu %7llu   %.1f / %.1f\n", x.name,
                 static_cast<unsigned long long>(h.count()), static_cast<unsigned long long>(h.min()),
                 static_cast<unsigned long long>(h.percentile(50)), static_cast<unsigned long long>(h.percentile(99)),
                 static_cast<unsigned long long>(h.percentile(99.9)), static_cast<unsigned long long>(h.max()),
                 static_cast<double>(h.percentile(50)) * ns, static_cast<double>(h.percentile(99.9)) * ns);
  }
  std::fclose(t);
  std::FILE* c = std::fopen((out + "/tick_to_trade_hist.csv").c_str(), "w");
  if (c == nullptr) return std::fprintf(stderr, "tick_to_trade: cannot write to %s\n", out.c_str()), 2;
  std::fprintf(c, "metric,lo_cycles,hi_cycles,count\n");
  for (std::size_t i = 0; i < m.size(); ++i)
    for (const auto& b : m[i].h.buckets())
      std::fprintf(c, "%zu,%llu,%llu,%llu\n", i, static_cast<unsigned long long>(b.lo),
                   static_cast<unsigned long long>(b.hi), static_cast<unsigned long long>(b.count));
  std::fclose(c);
  std::FILE* f = std::fopen((out + "/tick_to_trade.txt").c_str(), "r");
  char line[512];
  while (f != nullptr && std::fgets(line, sizeof line, f)) std::fputs(line, stdout);
  if (f != nullptr) std::fclose(f);
  return 0;
}
