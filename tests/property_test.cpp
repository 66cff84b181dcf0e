// Properties over many random scenarios (fixed seeds), checked after every event:
//  - the equity identity: the engine's cached equity, IM and MM equal a recomputation from
//    positions and marks alone (equity = collateral + sum of qty x (mark - entry));
//  - IM and MM are never negative;
//  - an accepted order never leaves its account's equity below its IM, and an accepted
//    reduce-only order never raises IM (it is accepted even when the account is short of margin);
//  - every order gets exactly one response (ack, reject, or error for a malformed line);
//  - a killed account's order is taken only if it is reduce-only and no switch that applies is
//    a hard one; every other order of a killed account is rejected KILLED (or by a test before
//    the kill switch);
//  - replaying the same scenario twice gives the same bytes.
// And robustness: corrupted lines never crash the replay, and still get exactly one response.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "backend/sw_backend.hpp"
#include "replay/scenario_gen.hpp"
#include "support/replay_support.hpp"
#include "support/text_lines.hpp"

namespace perpgate {
namespace {

using test::split_lines;

// Integer value of "key":123 in a JSON line, or -1.
i64 int_field(std::string_view line, std::string_view key) {
  const std::string pat = "\"" + std::string(key) + "\":";
  const std::size_t at = line.find(pat);
  if (at == std::string_view::npos) return -1;
  std::size_t i = at + pat.size();
  if (i >= line.size() || line[i] < '0' || line[i] > '9') return -1;
  i64 v = 0;
  for (; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) v = v * 10 + (line[i] - '0');
  return v;
}

bool is_order_line(std::string_view line) { return line.find("\"ev\":\"order\"") != std::string_view::npos; }

struct ReplayRun {
  std::string output;
  ReplayStats stats;
  int exit_status;
};

// Replays `scenario`, calling check(line_no, produced, engine) after every line.
template <class Check>
ReplayRun replay_checked(const std::string& scenario, Check check) {
  std::string buf = scenario;
  const std::size_t len = buf.size();
  buf.append(simdjson::SIMDJSON_PADDING, '\0');
  SwBackend* sw = nullptr;
  Replayer r(
      [&](DecisionSink& sink) {
        auto b = std::make_unique<SwBackend>(sink);
        sw = b.get();
        return b;
      },
      nullptr);
  r.set_line_hook([&](std::uint64_t line_no, std::string_view produced) { check(line_no, produced, sw->engine()); });
  r.run(buf.data(), len, buf.size());
  return ReplayRun{r.output(), r.stats(), r.exit_status()};
}

class RandomScenario : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(RandomScenario, InvariantsHoldAfterEveryEvent) {
  GenOptions opt;
  opt.seed = GetParam();
  opt.accounts = 60;
  opt.events = 15'000;
  opt.bad_fraction = 0.03;
  std::string scenario;
  generate_scenario(opt, scenario);
  const std::vector<std::string_view> lines = split_lines(scenario);

  std::uint64_t checks = 0, acked_checks = 0, reduce_only_checks = 0, killed_checks = 0, derisk_checks = 0;
  std::vector<i128> im_before(static_cast<std::size_t>(opt.accounts), 0);
  enum class Kill { kOff, kDeRisk, kHard };
  std::vector<Kill> kill(static_cast<std::size_t>(opt.accounts), Kill::kOff);
  Kill kill_all = Kill::kOff;
  const ReplayRun run = replay_checked(scenario, [&](std::uint64_t line_no, std::string_view produced,
                                               const Engine<GatewayParams>& e) {
    for (int a = 0; a < opt.accounts; ++a) {
      const auto cached = e.view(a);
      const auto fresh = e.recompute_view(a);
      ASSERT_EQ(cached.equity, fresh.equity) << "line " << line_no << " account " << a;
      ASSERT_EQ(cached.im, fresh.im) << "line " << line_no << " account " << a;
      ASSERT_EQ(cached.mm, fresh.mm) << "line " << line_no << " account " << a;
      ASSERT_GE(cached.im, 0);
      ASSERT_GE(cached.mm, 0);
      ++checks;
    }
    const std::string_view line = lines[line_no - 1];
    const bool ro = line.find("\"reduce_only\":true") != std::string_view::npos;
    const bool is_kill = line.find("\"ev\":\"kill\"") != std::string_view::npos;
    if ((is_kill || line.find("\"ev\":\"unkill\"") != std::string_view::npos) && !produced.starts_with("{\"ev\":\"error\"")) {
      const Kill k = !is_kill ? Kill::kOff
                     : line.find("\"reduce_only\":false") != std::string_view::npos ? Kill::kHard : Kill::kDeRisk;
      if (line.find("\"acct\":\"*\"") != std::string_view::npos) kill_all = k;
      else if (const i64 a = int_field(line, "acct") - 1000; a >= 0 && a < opt.accounts) kill[static_cast<std::size_t>(a)] = k;
    }
    if (is_order_line(line) && !produced.starts_with("{\"ev\":\"error\"")) {
      const i64 a = int_field(line, "acct") - 1000;
      const Kill k = a >= 0 && a < opt.accounts ? kill[static_cast<std::size_t>(a)] : Kill::kOff;
      if ((k != Kill::kOff || kill_all != Kill::kOff) && e.account_ok(static_cast<int>(a))) {
        const bool passes = ro && k != Kill::kHard && kill_all != Kill::kHard;
        if (!passes) {
          // KILLED, or one of the three tests before the kill switch
          bool refused = false;
          for (const char* r : {"KILLED", "UNKNOWN_SYMBOL", "DUPLICATE_ID", "UNKNOWN_ACCOUNT"})
            refused = refused || produced.find(std::string("\"reason\":\"") + r + "\"") != std::string_view::npos;
          ASSERT_TRUE(refused) << "line " << line_no << ": " << produced;
          ++killed_checks;
        } else {
          ASSERT_EQ(produced.find("\"reason\":\"KILLED\""), std::string_view::npos) << "line " << line_no << ": " << produced;
          ++derisk_checks;
        }
      }
    }
    if (is_order_line(line) && produced.starts_with("{\"ev\":\"ack\"")) {
      const int a = static_cast<int>(int_field(line, "acct") - 1000);  // the generator's numbering
      ASSERT_TRUE(e.account_ok(a));
      const auto v = e.view(a);
      if (ro) {
        ASSERT_EQ(v.im, im_before[static_cast<std::size_t>(a)]) << "reduce-only order on line " << line_no;
        ++reduce_only_checks;
      } else {
        ASSERT_GE(v.equity - v.im, 0) << "accepted order on line " << line_no << " left equity below IM";
        ++acked_checks;
      }
    }
    for (int a = 0; a < opt.accounts; ++a) im_before[static_cast<std::size_t>(a)] = e.view(a).im;
  });
  EXPECT_EQ(run.exit_status, 0);
  EXPECT_EQ(run.stats.errors, 0u);
  EXPECT_GT(checks, 0u);
  EXPECT_GT(acked_checks, 1000u);
  EXPECT_GT(reduce_only_checks, 10u);
  EXPECT_GT(killed_checks, 0u);
  std::printf("seed %llu: %llu orders of killed accounts refused, %llu reduce-only ones past a de-risking kill\n",
              static_cast<unsigned long long>(opt.seed), static_cast<unsigned long long>(killed_checks),
              static_cast<unsigned long long>(derisk_checks));
  EXPECT_GT(run.stats.liquidations, 0u) << "the crash should liquidate someone";

  // Exactly one ack or reject per order id.
  std::map<i64, int> orders, responses;
  for (const auto line : lines)
    if (is_order_line(line)) ++orders[int_field(line, "id")];
  for (const auto line : split_lines(run.output))
    if (line.starts_with("{\"ev\":\"ack\"") || line.starts_with("{\"ev\":\"reject\"")) ++responses[int_field(line, "id")];
  EXPECT_EQ(orders.size(), run.stats.orders);
  EXPECT_EQ(responses, orders);

  // Determinism.
  EXPECT_EQ(test::replay_text(scenario).output, run.output);
}

INSTANTIATE_TEST_SUITE_P(Seeds, RandomScenario,
                         ::testing::Values(1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u, 42u, 1337u, 65537u, 20251010u));

TEST(Robustness, CorruptedLinesGetOneResponseAndNeverCrash) {
  GenOptions opt;
  opt.seed = 99;
  opt.accounts = 40;
  opt.events = 20'000;
  std::string scenario;
  generate_scenario(opt, scenario);
  std::mt19937_64 rng(99);
  const char junk[] = "{}[]\":,.-0123456789e \\x\t";
  std::string corrupted;
  for (const auto line : split_lines(scenario)) {
    std::string l(line);
    if (rng() % 20 == 0 && !l.empty()) {
      const int edits = 1 + static_cast<int>(rng() % 3);
      for (int k = 0; k < edits; ++k) {
        const std::size_t at = rng() % l.size();
        switch (rng() % 3) {
          case 0: l[at] = junk[rng() % (sizeof junk - 1)]; break;
          case 1: l.erase(at, 1 + rng() % 5); break;
          default: l.insert(at, 1, junk[rng() % (sizeof junk - 1)]);
        }
        if (l.empty()) l = "x";
      }
    }
    corrupted += l;
    corrupted += '\n';
  }
  const std::vector<std::string_view> lines = split_lines(corrupted);
  std::uint64_t order_lines = 0;
  const ReplayRun run = replay_checked(corrupted, [&](std::uint64_t line_no, std::string_view produced,
                                                const Engine<GatewayParams>&) {
    if (!is_order_line(lines[line_no - 1])) return;
    ++order_lines;
    const auto out = split_lines(produced);
    ASSERT_EQ(out.size(), 1u) << "line " << line_no << ": " << lines[line_no - 1];
    ASSERT_TRUE(out[0].starts_with("{\"ev\":\"ack\"") || out[0].starts_with("{\"ev\":\"reject\"") ||
                out[0].starts_with("{\"ev\":\"error\",\"line\":" + std::to_string(line_no) + ","))
        << out[0];
  });
  EXPECT_GT(order_lines, 5000u);
  EXPECT_GT(run.stats.errors, 100u);
  EXPECT_EQ(run.exit_status, 3);
}

}  // namespace
}  // namespace perpgate
