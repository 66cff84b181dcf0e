// Google Benchmark: `perpgate replay --backend sw` throughput on generated scenarios, in-process
// (parse + kernels + output formatting; file I/O excluded). items = input lines.
#include <benchmark/benchmark.h>
#include <simdjson.h>

#include "replay/replayer.hpp"
#include "replay/scenario_gen.hpp"

namespace perpgate::bench {
namespace {

// Replays `text` (padded in place) once per iteration; items = input lines.
void replay_loop(benchmark::State& state, std::string text) {
  const std::size_t len = text.size();
  std::int64_t lines = 0;
  for (char c : text) lines += c == '\n';
  text.append(simdjson::SIMDJSON_PADDING, '\0');
  for (auto _ : state) {
    Replayer r("sw", nullptr);
    r.run(text.data(), len, text.size());
    benchmark::DoNotOptimize(r.output().data());
  }
  state.SetItemsProcessed(state.iterations() * lines);
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(len));
}

// Arg 0: accounts in the book. The generator's mix: 25 % market data, 35 % orders, 23 % fills,
// 13 % cancels, the rest money, funding, kill switch and queries.
void BM_ReplaySw(benchmark::State& state) {
  GenOptions opt;
  opt.seed = 7;
  opt.accounts = static_cast<int>(state.range(0));
  opt.events = 200'000;
  std::string text;
  generate_scenario(opt, text);
  replay_loop(state, std::move(text));
}
BENCHMARK(BM_ReplaySw)->Arg(10)->Arg(100)->Arg(500)->Unit(benchmark::kMillisecond);

// Order flow only (no mark ticks after set-up): the parse + check path.
void BM_ReplayOrdersOnly(benchmark::State& state) {
  std::string text =
      R"({"ev":"symbol","sym":"BTCUSDT","tick":"0.1","lot":"0.001","max_lev":125,"tiers":[["0","0.004","0",125],["50000","0.005","50",100]]})"
      "\n";
  for (int a = 0; a < 100; ++a)
    text += R"({"ev":"account","acct":)" + std::to_string(a) + R"(,"collateral":"100000"})" + "\n";
  text += R"({"ev":"mark","sym":"BTCUSDT","px":"50000"})" "\n";
  for (int i = 0; i < 200'000; ++i) {
    const int a = i % 100;
    const std::string id = std::to_string(i + 1);
    text += R"({"ev":"order","acct":)" + std::to_string(a) + R"(,"id":)" + id +
            R"(,"sym":"BTCUSDT","side":"buy","qty":"0.001","px":"49999.9"})" "\n";
    text += R"({"ev":"cancel","id":)" + id + "}\n";
  }
  replay_loop(state, std::move(text));
}
BENCHMARK(BM_ReplayOrdersOnly)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace perpgate::bench

BENCHMARK_MAIN();
