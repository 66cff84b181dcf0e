// Google Benchmark: the CPU cost of the risk kernels (the `sw` backend), one core.
#include <benchmark/benchmark.h>

#include "bench_fixture.hpp"

namespace perpgate::bench {
namespace {

// The full pre-trade check of an order that passes every check (the longest path).
void BM_PreTradeCheck(benchmark::State& state) {
  NullSink sink;
  auto e = make_book(static_cast<int>(state.range(0)), sink);
  int a = 0;
  const int n = static_cast<int>(state.range(0));
  for (auto _ : state) {
    OrderEvent o = passing_order(a);
    i128 im = 0;
    benchmark::DoNotOptimize(e->check_order(o, im));
    benchmark::DoNotOptimize(im);
    if (++a == n) a = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PreTradeCheck)->Arg(1024);

// Check, accept (reserve, insert into the open-order table, ack), then cancel: two events.
void BM_OrderAckCancel(benchmark::State& state) {
  NullSink sink;
  auto e = make_book(1024, sink);
  int a = 0;
  for (auto _ : state) {
    OrderEvent o = passing_order(a);
    e->on_order(o, sink);
    e->on_cancel(o.id, sink);
    if (++a == 1024) a = 0;
  }
  state.SetItemsProcessed(state.iterations() * 2);
}
BENCHMARK(BM_OrderAckCancel);

// A mark tick revaluing N positions (N accounts hold the symbol); items = positions revalued.
void BM_MarkTickRevalue(benchmark::State& state) {
  NullSink sink;
  const int n = static_cast<int>(state.range(0));
  auto e = make_book(n, sink);
  i64 px = 50'000 * kPxScale;
  for (auto _ : state) {
    px += (px & 1) ? -30 * kPxScale : 30 * kPxScale + 1;  // stays far from any liquidation
    e->on_mark(0, px, sink);
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["positions"] = n;
}
BENCHMARK(BM_MarkTickRevalue)->Arg(1)->Arg(16)->Arg(128)->Arg(1024);

}  // namespace
}  // namespace perpgate::bench

BENCHMARK_MAIN();
