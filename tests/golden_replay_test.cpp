// Golden replay files: tests/golden/NAME.jsonl is a scenario, NAME.expected.jsonl the decisions
// it must produce, byte for byte. Every expected file was checked by hand (figures in the
// scenario's comments). PERPGATE_UPDATE_GOLDEN=1 rewrites them: review the diff before committing.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

#include "support/replay_support.hpp"

namespace perpgate {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> golden_scenarios() {
  std::vector<fs::path> v;
  for (const auto& e : fs::directory_iterator(fs::path(PERPGATE_TESTS_DIR) / "golden")) {
    const std::string name = e.path().filename().string();
    if (name.ends_with(".jsonl") && !name.ends_with(".expected.jsonl")) v.push_back(e.path());
  }
  std::sort(v.begin(), v.end());
  return v;
}

class GoldenReplay : public ::testing::TestWithParam<fs::path> {};

TEST_P(GoldenReplay, MatchesExpectedByteForByte) {
  const fs::path scenario = GetParam();
  fs::path expected = scenario;
  expected.replace_extension(".expected.jsonl");
  const test::ReplayResult r = test::replay_text(test::read_text_file(scenario));
  if (std::getenv("PERPGATE_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(expected, std::ios::binary) << r.output;
    GTEST_SKIP() << "rewrote " << expected;
  }
  ASSERT_TRUE(fs::exists(expected)) << expected << " is missing";
  EXPECT_EQ(r.output, test::read_text_file(expected)) << "scenario " << scenario;
  // Replaying the same scenario again gives the same bytes.
  EXPECT_EQ(test::replay_text(test::read_text_file(scenario)).output, r.output);
}

INSTANTIATE_TEST_SUITE_P(Files, GoldenReplay, ::testing::ValuesIn(golden_scenarios()),
                         [](const auto& param_info) {
                           std::string n = param_info.param.stem().string();
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

// The command itself: output, exit statuses and stdin, as the contract states them.
int run(const std::string& cmd, std::string& out) {
  std::FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  std::size_t n;
  out.clear();
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int st = pclose(p);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST(ReplayCommand, ExitStatusesAndStdin) {
  const std::string bin = PERPGATE_BIN;
  const fs::path example = fs::path(PERPGATE_TESTS_DIR) / "golden" / "contract_example.jsonl";
  std::string out;
  EXPECT_EQ(run(bin + " replay --backend sw " + example.string(), out), 0);
  EXPECT_EQ(out, test::read_text_file(fs::path(PERPGATE_TESTS_DIR) / "golden" / "contract_example.expected.jsonl"));
  std::string out_stdin;
  EXPECT_EQ(run(bin + " replay - < " + example.string(), out_stdin), 0);
  EXPECT_EQ(out_stdin, out);
  EXPECT_EQ(run(bin + " replay /nonexistent/file.jsonl 2>/dev/null", out), 2);
  EXPECT_EQ(run(bin + " replay --backend nope x.jsonl 2>/dev/null", out), 2);
  EXPECT_EQ(run(bin + " replay 2>/dev/null", out), 2);
  EXPECT_EQ(run("printf '{\"ev\":\"bogus\"}\\n\\n# comment\\n{\"ev\":\"query\",\"acct\":1}\\n' | " + bin + " replay -", out), 3);
  EXPECT_EQ(out,
            "{\"ev\":\"error\",\"line\":1,\"msg\":\"unknown ev 'bogus'\"}\n"
            "{\"ev\":\"error\",\"line\":4,\"msg\":\"unknown account 1\"}\n");
}

}  // namespace
}  // namespace perpgate
