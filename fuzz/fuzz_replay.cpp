// Fuzz target: the JSON Lines scenario parser and the replay engine behind it (sw backend).
// The input is a scenario. After every line:
//  - the equity identity holds for every account (caches = recomputation, IM and MM >= 0);
//  - a line the parser refuses produces exactly one `error` line naming it, and changes nothing;
//  - an order line produces exactly one ack or reject, for its id; a reject changes nothing; an
//    accepted order leaves equity >= IM, an accepted reduce-only order does not raise IM;
//  - any other line but a symbol or account definition that produced an error changed nothing,
//    unless the error says it was applied (a fill past the open quantity, a saturated balance).
// At the end: acks + rejects = orders, and the exit status says whether any line was an error.
#include <cstring>

#include "fuzz_common.hpp"
#include "support/text_lines.hpp"
#include "replay/replayer.hpp"

namespace perpgate::fuzz {
namespace {

struct LineInfo {
  bool parsed = false;
  ScenarioLine line;
};

bool is_blank_or_comment(const char* p, std::size_t n) {
  std::size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r')) ++i;
  return i == n || p[i] == '#';
}

// The i64 after "key": in a JSON output line, or false.
bool int_field(std::string_view line, std::string_view key, i64& v) {
  const std::string pat = "\"" + std::string(key) + "\":";
  const std::size_t at = line.find(pat);
  if (at == std::string_view::npos) return false;
  std::size_t i = at + pat.size();
  const bool neg = i < line.size() && line[i] == '-';
  if (neg) ++i;
  if (i >= line.size() || line[i] < '0' || line[i] > '9') return false;
  u128 m = 0;
  for (; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) m = m * 10 + static_cast<unsigned>(line[i] - '0');
  v = neg ? static_cast<i64>(-static_cast<i128>(m)) : static_cast<i64>(m);
  return true;
}

}  // namespace
}  // namespace perpgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace perpgate;
  using namespace perpgate::fuzz;
  if (size > 1 << 16) return 0;
  const Padded in(data, size);
  const std::vector<std::string_view> lines = test::split_lines(std::string_view(in.data(), in.len));

  // What the parser alone makes of each line (a parser of its own: the replay's must not know).
  std::vector<LineInfo> info(lines.size());
  {
    ScenarioParser parser;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const char* text = lines[i].data();
      if (is_blank_or_comment(text, lines[i].size())) continue;
      const std::size_t cap = in.capacity() - static_cast<std::size_t>(text - in.data());
      info[i].parsed = parser.parse(text, lines[i].size(), cap, info[i].line).empty();
    }
  }

  SwBackend* sw = nullptr;
  Replayer r(
      [&](DecisionSink& sink) {
        auto b = std::make_unique<SwBackend>(sink);
        sw = b.get();
        return b;
      },
      nullptr);
  FUZZ_CHECK(r.ok(), "no sw backend");
  Snapshot before = snapshot(sw->engine(), 0);
  std::uint64_t responses = 0;
  r.set_line_hook([&](std::uint64_t line_no, std::string_view produced) {
    const Engine<GatewayParams>& e = sw->engine();
    const int accounts = static_cast<int>(r.directory().account_ids.size());
    check_equity_identity(e, accounts, "replay");
    Snapshot after = snapshot(e, accounts);
    Snapshot before_same_size = before;
    before_same_size.views.resize(after.views.size());
    const bool unchanged = before_same_size == after;
    const std::vector<std::string_view> out = test::split_lines(produced);
    FUZZ_CHECK(line_no >= 1 && line_no <= info.size(), "line number %llu out of range", static_cast<unsigned long long>(line_no));
    const LineInfo& li = info[line_no - 1];
    const std::string error_prefix = "{\"ev\":\"error\",\"line\":" + std::to_string(line_no) + ",";
    int decisions = 0, errors = 0;
    bool applied_anyway = false;
    std::string_view decision;
    for (const std::string_view o : out) {
      if (o.starts_with("{\"ev\":\"ack\"") || o.starts_with("{\"ev\":\"reject\"")) {
        ++decisions;
        decision = o;
      }
      if (o.starts_with("{\"ev\":\"error\"")) {
        ++errors;
        applied_anyway |= o.find("applied in full") != std::string_view::npos || o.find("saturated") != std::string_view::npos;
        FUZZ_CHECK(o.starts_with(error_prefix), "line %llu: an error naming another line: %.*s",
                   static_cast<unsigned long long>(line_no), static_cast<int>(o.size()), o.data());
      }
    }
    responses += static_cast<std::uint64_t>(decisions);
    if (!li.parsed) {
      FUZZ_CHECK(out.size() == 1 && errors == 1, "line %llu: refused by the parser but %zu output lines",
                 static_cast<unsigned long long>(line_no), out.size());
      FUZZ_CHECK(unchanged, "line %llu: refused by the parser but state changed", static_cast<unsigned long long>(line_no));
    } else if (li.line.kind == EventKind::kOrder) {
      FUZZ_CHECK(decisions == 1, "line %llu: an order with %d acks/rejects", static_cast<unsigned long long>(line_no), decisions);
      i64 id = 0;
      FUZZ_CHECK(int_field(decision, "id", id) && id == li.line.id, "line %llu: the response names another order",
                 static_cast<unsigned long long>(line_no));
      if (decision.starts_with("{\"ev\":\"reject\"")) {
        FUZZ_CHECK(unchanged, "line %llu: a rejected order changed state", static_cast<unsigned long long>(line_no));
      } else {
        int a = -1;
        const auto& ids = r.directory().account_ids;
        for (std::size_t k = 0; k < ids.size(); ++k)
          if (ids[k] == li.line.acct) a = static_cast<int>(k);
        FUZZ_CHECK(a >= 0 && e.account_ok(a), "line %llu: an order of an unknown account accepted",
                   static_cast<unsigned long long>(line_no));
        const View v = e.view(a);
        if (li.line.reduce_only) {
          const View& old = before_same_size.views[static_cast<std::size_t>(a)];
          FUZZ_CHECK(v.im <= old.im, "line %llu: an accepted reduce-only order raised IM", static_cast<unsigned long long>(line_no));
        } else {
          FUZZ_CHECK(v.equity - v.im >= 0, "line %llu: an accepted order left equity below IM",
                     static_cast<unsigned long long>(line_no));
        }
      }
    } else {
      FUZZ_CHECK(decisions == 0, "line %llu: an ack or reject for a line that is no order", static_cast<unsigned long long>(line_no));
      const EventKind k = li.line.kind;
      if (errors > 0 && !applied_anyway && k != EventKind::kSymbol && k != EventKind::kAccount)
        FUZZ_CHECK(unchanged, "line %llu: an event that produced an error changed state", static_cast<unsigned long long>(line_no));
    }
    before = std::move(after);
  });
  r.run(in.data(), in.len, in.capacity());
  FUZZ_CHECK(responses == r.stats().orders, "%llu orders, %llu acks and rejects",
             static_cast<unsigned long long>(r.stats().orders), static_cast<unsigned long long>(responses));
  FUZZ_CHECK(r.exit_status() == (r.stats().errors ? 3 : 0), "exit status does not match the errors");
  return 0;
}
