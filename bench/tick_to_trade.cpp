// Tick-to-trade on the Verilated gateway RTL, in clock cycles (exact) and ns at 322.265625 MHz.
// Runs generated crash scenarios (mixed traffic: orders, cancels, fills, marks, funding, control)
// through the rtl backend until at least --events events, checks every decision against the sw
// backend, then streams back-to-back order bursts; writes a table with min / median / p99 /
// p99.9 / max per path, HdrHistogram-style histograms (CSV) and, with gnuplot, a PNG.
//   tick_to_trade [--events N] [--out DIR]
// Definitions (STAC-T0 style; the MAC/PHY is not included: AXI-Stream in to AXI-Stream out):
//   order -> forward  first beat in -> first beat out (SoF->SoF), last beat in -> first beat out
//   order -> ack      the same for the ack or reject
//   mark  -> first liquidation trigger out; mark -> every holder revalued
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "backend/rtl_backend.hpp"
#include "common/hdr_histogram.hpp"
#include "replay/replayer.hpp"
#include "replay/scenario_gen.hpp"

namespace {

using perpgate::HdrHistogram;

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

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t target = 1'000'000;
  std::string out = "bench/results";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--events") target = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--out") out = argv[i + 1];
    else return std::fprintf(stderr, "usage: tick_to_trade [--events N] [--out DIR]\n"), 2;
  }
  std::vector<Metric> m = {{"order->forward, last beat in -> first beat out", {}},
                           {"order->forward, first beat in -> first beat out", {}},
                           {"order->ack/reject, last beat in -> first beat out", {}},
                           {"order->ack/reject, first beat in -> first beat out", {}},
                           {"mark -> first liquidation trigger out", {}},
                           {"mark -> every holder revalued", {}}};
  std::uint64_t events = 0, cycles = 0, runs = 0;
  for (std::uint64_t seed = 20251010; events < target; ++seed, ++runs) {
    std::string scenario;
    perpgate::generate_scenario(perpgate::GenOptions{seed, 500, 100'000, true, 0.05}, scenario);
    perpgate::RtlStats s;
    const std::string rtl = run(scenario, true, &s);
    if (rtl != run(scenario, false, nullptr)) {
      std::fprintf(stderr, "tick_to_trade: rtl and sw disagree on seed %llu\n", static_cast<unsigned long long>(seed));
      return 1;
    }
    for (const auto& l : s.orders) {
      if (l.last_in_to_forward != 0) {
        m[0].h.record(l.last_in_to_forward);
        m[1].h.record(l.first_in_to_forward);
      }
      m[2].h.record(l.last_in_to_response);
      m[3].h.record(l.first_in_to_response);
    }
    for (auto v : s.mark_to_first_liquidation) m[4].h.record(v);
    for (auto v : s.mark_revaluation) m[5].h.record(v);
    events += s.events;
    cycles += s.cycles;
    std::fprintf(stderr, "tick_to_trade: %llu / %llu events\n", static_cast<unsigned long long>(events),
                 static_cast<unsigned long long>(target));
  }

  const double ns = 1000.0 / perpgate::kTargetClockMHz;
  std::FILE* t = std::fopen((out + "/tick_to_trade.txt").c_str(), "w");
  if (t == nullptr) return std::fprintf(stderr, "tick_to_trade: cannot write to %s\n", out.c_str()), 2;
  std::fprintf(t, "Verilated pg_gateway_top, %llu events in %llu scenarios (%llu cycles), cycles at %.6f MHz\n",
               static_cast<unsigned long long>(events), static_cast<unsigned long long>(runs),
               static_cast<unsigned long long>(cycles), perpgate::kTargetClockMHz);
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
  std::fprintf(c, "metric,lo_cycles,hi_cycles,count\n");
  for (std::size_t i = 0; i < m.size(); ++i)
    for (const auto& b : m[i].h.buckets())
      std::fprintf(c, "%zu,%llu,%llu,%llu\n", i, static_cast<unsigned long long>(b.lo),
                   static_cast<unsigned long long>(b.hi), static_cast<unsigned long long>(b.count));
  std::fclose(c);
  std::printf("%s", [&] {
    std::string s;
    std::FILE* f = std::fopen((out + "/tick_to_trade.txt").c_str(), "r");
    char line[512];
    while (std::fgets(line, sizeof line, f)) s += line;
    std::fclose(f);
    return s;
  }().c_str());
  return 0;
}
