// Fuzz target: the control socket's commands (ControlCommands::handle: kill, unkill, stats,
// dump, reload, stop) on a gateway with a book. The input is command lines, one per '\n'.
// Each action a command applies goes the way the host journals it: written as a control line
// (format_control_op), read back (parse_control_op) and applied.
// Invariants, per command:
//  - the reply is one JSON object with "ok" true or false;
//  - a refused command (ok false) changes no state and no counter, and applies nothing;
//  - a control action survives its journal line unchanged;
//  - a kill or unkill of a known account sets that account's kill switch; stats report the
//    gateway's counters; stop is only taken as the whole command.
#include <unistd.h>

#include <filesystem>

#include "fuzz_common.hpp"
#include "gateway/control_commands.hpp"

namespace perpgate::fuzz {
namespace {

struct ConfigFile {
  std::string path;
  ConfigFile() {
    char tmpl[] = "/tmp/perpgate-fuzz-control-XXXXXX";
    const int fd = ::mkstemp(tmpl);
    FUZZ_CHECK(fd >= 0, "cannot create a temporary file");
    const std::string_view text(kGatewayConfig);
    FUZZ_CHECK(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()), "short write");
    ::close(fd);
    path = tmpl;
  }
  ~ConfigFile() { ::unlink(path.c_str()); }
};

bool same_op(const ControlOp& a, const ControlOp& b) {
  return a.kind == b.kind && a.at == b.at && a.acct == b.acct && a.sym == b.sym && a.outside_id == b.outside_id &&
         a.value == b.value && a.on == b.on && a.text == b.text && a.name == b.name;
}

}  // namespace
}  // namespace perpgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace perpgate;
  using namespace perpgate::fuzz;
  static ConfigFile config;
  if (size > 1 << 12) return 0;
  GatewayFixture fx;
  int applied = 0;
  ControlOp last;
  ControlCommands commands(
      *fx.gw,
      [&](const ControlOp& op) {
        const std::string line = format_control_op(op);
        const Padded p(reinterpret_cast<const std::uint8_t*>(line.data()), line.size());
        ControlOp back;
        const std::string err = parse_control_op(p.data(), p.len, p.capacity(), back);
        FUZZ_CHECK(err.empty(), "a control action's journal line is refused: %s: %s", err.c_str(), line.c_str());
        FUZZ_CHECK(same_op(op, back), "a control action changed through its journal line: %s", line.c_str());
        ++applied;
        last = back;
        fx.gw->control(back);
      },
      [&] { return fx.gw->counters_json(); }, config.path);

  simdjson::dom::parser parser;
  std::size_t pos = 0;
  while (pos < size) {
    const void* nl = std::memchr(data + pos, '\n', size - pos);
    const std::size_t end = nl ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(nl) - data) : size;
    const std::string_view line(reinterpret_cast<const char*>(data + pos), end - pos);
    pos = end + 1;

    const Snapshot before = fx.state();
    const std::string counters_before = fx.gw->counters_json();
    const int applied_before = applied;
    const bool stop_before = commands.stop_requested();
    const std::string reply = commands.handle(line);

    const simdjson::padded_string padded(reply);
    simdjson::dom::element e;
    FUZZ_CHECK(parser.parse(padded).get(e) == simdjson::SUCCESS && e.is_object(), "a reply that is no JSON object: %s",
               reply.c_str());
    bool ok = false;
    FUZZ_CHECK(e["ok"].get(ok) == simdjson::SUCCESS, "a reply without \"ok\": %s", reply.c_str());
    if (!ok) {
      FUZZ_CHECK(applied == applied_before, "a refused command applied an action");
      FUZZ_CHECK(fx.state() == before && fx.gw->counters_json() == counters_before, "a refused command changed state");
      FUZZ_CHECK(commands.stop_requested() == stop_before, "a refused command stopped the host");
      continue;
    }
    std::string_view trimmed = line;
    while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == ' ')) trimmed.remove_suffix(1);
    if (applied != applied_before && last.kind == ControlKind::kKill && last.acct >= 0) {
      FUZZ_CHECK(fx.engine().account(last.acct).killed == last.on, "kill %d did not set the kill switch", last.acct);
    }
    if (trimmed == "stats")
      FUZZ_CHECK(reply.find(fx.gw->counters_json()) != std::string::npos, "stats do not report the gateway's counters");
    if (commands.stop_requested() != stop_before)
      FUZZ_CHECK(trimmed == "stop", "'%.*s' stopped the host", static_cast<int>(trimmed.size()), trimmed.data());
  }
  return 0;
}
