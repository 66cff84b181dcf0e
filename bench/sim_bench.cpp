// Verilator simulation speed of the gateway (the rtl backend): simulated cycles and events per
// second of wall time, for orders one at a time, back-to-back order bursts and mark ticks that
// revalue every holder. Tells how long a replay of a day of data takes through the RTL. And the
// cycles a fill takes from its frame to the gateway quiet, by kind (the rtl backend runs each
// event until then): opening, partial close, whole close.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "backend/rtl_backend.hpp"

namespace {

using namespace perpgate;

using NullSink = NullDecisionSink;

std::unique_ptr<RtlBackendApi> gateway(NullSink& sink, int accounts) {
  auto b = make_rtl_backend(sink);
  SymbolConfig c;
  c.tick = 1'000'000;
  c.lot = 100'000;
  c.max_lev = 50;
  c.tier_count = 1;
  c.tiers[0] = {0, 500'000, 0, 0};
  b->define_symbol(0, c);
  for (int a = 0; a < accounts; ++a) b->create_account(a, 1'000'000'000'000);
  b->mark(0, 6'000'000'000'000);
  return b;
}

void report(benchmark::State& state, const RtlStats& s, std::uint64_t c0, std::uint64_t e0) {
  state.counters["sim_cycles/s"] = benchmark::Counter(static_cast<double>(s.cycles - c0), benchmark::Counter::kIsRate);
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(s.events - e0), benchmark::Counter::kIsRate);
}

void BM_RtlOrdersOneAtATime(benchmark::State& state) {
  NullSink sink;
  auto b = gateway(sink, 64);
  const std::uint64_t c0 = b->rtl_stats().cycles, e0 = b->rtl_stats().events;
  i64 id = 1;
  for (auto _ : state) {
    const OrderEvent o{static_cast<std::int32_t>(id % 64), 0, id, (id & 1) != 0, false, 100'000, 6'000'000'000'000};
    b->order(o);
    b->cancel(id);
    ++id;
  }
  report(state, b->rtl_stats(), c0, e0);
}
BENCHMARK(BM_RtlOrdersOneAtATime)->Unit(benchmark::kMicrosecond);

void BM_RtlOrderBursts(benchmark::State& state) {
  NullSink sink;
  auto b = gateway(sink, 64);
  const std::uint64_t c0 = b->rtl_stats().cycles;
  i64 id = 1;
  std::uint64_t orders = 0;
  for (auto _ : state) {
    std::vector<OrderEvent> burst;
    for (int i = 0; i < 100; ++i, ++id)
      burst.push_back(OrderEvent{static_cast<std::int32_t>(id % 64), 0, id, (id & 1) != 0, false, 100'000, 6'000'000'000'000});
    b->order_burst(burst);
    for (const auto& o : burst) b->cancel(o.id);
    orders += burst.size();
  }
  state.counters["orders/s"] = benchmark::Counter(static_cast<double>(orders), benchmark::Counter::kIsRate);
  state.counters["sim_cycles/s"] = benchmark::Counter(static_cast<double>(b->rtl_stats().cycles - c0), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_RtlOrderBursts)->Unit(benchmark::kMillisecond);

void BM_RtlMarkRevaluing(benchmark::State& state) {
  NullSink sink;
  const int holders = static_cast<int>(state.range(0));
  auto b = gateway(sink, holders);
  for (int a = 0; a < holders; ++a) {
    b->order(OrderEvent{a, 0, a + 1, true, false, 100'000, 6'000'000'000'000});
    b->fill(FillEvent{a + 1, 100'000, 6'000'000'000'000, 0});
  }
  const std::uint64_t c0 = b->rtl_stats().cycles, e0 = b->rtl_stats().events;
  i64 px = 6'000'000'000'000;
  for (auto _ : state) {
    px += 1'000'000;
    b->mark(0, px);
  }
  report(state, b->rtl_stats(), c0, e0);
}
BENCHMARK(BM_RtlMarkRevaluing)->Arg(1)->Arg(64)->Arg(1024)->Unit(benchmark::kMicrosecond);

// Per iteration, on one of 64 accounts: a buy of 0.2 filled (opening), a sell of 0.1 filled
// (partial close), another filled (whole close); each fill's cycles counted on its own.
void BM_RtlFillKinds(benchmark::State& state) {
  NullSink sink;
  auto b = gateway(sink, 64);
  std::uint64_t open = 0, partial = 0, whole = 0, n = 0;
  i64 id = 1;
  const auto fill_cycles = [&](i64 order_id, i64 qty) {
    const std::uint64_t c = b->rtl_stats().cycles;
    b->fill(FillEvent{order_id, qty, 6'000'000'000'000, 0});
    return b->rtl_stats().cycles - c;
  };
  for (auto _ : state) {
    const auto a = static_cast<std::int32_t>(n % 64);
    b->order(OrderEvent{a, 0, id, true, false, 200'000, 6'000'000'000'000});
    open += fill_cycles(id++, 200'000);
    b->order(OrderEvent{a, 0, id, false, false, 100'000, 6'000'000'000'000});
    partial += fill_cycles(id++, 100'000);
    b->order(OrderEvent{a, 0, id, false, false, 100'000, 6'000'000'000'000});
    whole += fill_cycles(id++, 100'000);
    ++n;
  }
  const auto per = [&](std::uint64_t c) { return static_cast<double>(c) / static_cast<double>(n); };
  state.counters["cycles_open"] = per(open);
  state.counters["cycles_partial_close"] = per(partial);
  state.counters["cycles_whole_close"] = per(whole);
}
BENCHMARK(BM_RtlFillKinds)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
