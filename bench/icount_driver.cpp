// Runs exactly N pre-trade checks or N mark ticks, for instruction counts under
//   valgrind --tool=callgrind  (no hardware counters on these machines).
// Two runs with N and 2N give the per-event count free of set-up: (I(2N) - I(N)) / N.
//   icount_driver check N      N pre-trade checks (passing order, 1,024 accounts)
//   icount_driver mark N P     N mark ticks, each revaluing P positions
#include <cstdlib>
#include <cstring>
#include <cstdio>

#include "bench_fixture.hpp"

using namespace perpgate;
using namespace perpgate::bench;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: icount_driver check N | mark N POSITIONS\n");
    return 2;
  }
  const long n = std::atol(argv[2]);
  NullSink sink;
  if (std::strcmp(argv[1], "check") == 0) {
    auto e = make_book(1024, sink);
    std::uint64_t passed = 0;
    for (long i = 0; i < n; ++i) {
      i128 im = 0;
      passed += e->check_order(passing_order(static_cast<int>(i & 1023)), im) == Reason::kNone;
    }
    std::printf("%llu\n", static_cast<unsigned long long>(passed));
    return 0;
  }
  const int positions = argc > 3 ? std::atoi(argv[3]) : 1024;
  auto e = make_book(positions, sink);
  i64 px = 50'000 * kPxScale;
  for (long i = 0; i < n; ++i) {
    px += (i & 1) ? -30 * kPxScale : 30 * kPxScale;
    e->on_mark(0, px, sink);
  }
  std::printf("%llu\n", static_cast<unsigned long long>(sink.decisions));
  return 0;
}
