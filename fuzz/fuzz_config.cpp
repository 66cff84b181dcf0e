// Fuzz target: the host's TOML configuration (parse_gateway_config, which `perpgate host`, a
// reload and `perpgate pcap decode` use). The input is the file's text.
// Invariants: a configuration is either refused with std::runtime_error or loaded; a loaded one
// has every session id once and distinct role endpoints on a port; written back out
// (format_gateway_config) and read again it is the same configuration; its [[symbol]] and
// [[account]] tables come out one line each.
#include <set>

#include "fuzz_common.hpp"
#include "pcap/scenario_pcap.hpp"

namespace perpgate::fuzz {
namespace {

bool same_endpoint(const wire::UdpEndpoint& a, const wire::UdpEndpoint& b) {
  return a.ip == b.ip && a.port == b.port && std::memcmp(a.mac, b.mac, 6) == 0;
}

void check_same(const GatewayConfig& a, const GatewayConfig& b) {
  for (int r = 0; r < kRoleCount; ++r) {
    const RoleConfig &x = a.roles[r], &y = b.roles[r];
    FUZZ_CHECK(same_endpoint(x.ours, y.ours) && x.dpdk_port == y.dpdk_port, "role %d changed in a round trip", r);
    if (r != kRoleClient)
      FUZZ_CHECK(same_endpoint(x.peer, y.peer) && x.check_peer_ip == y.check_peer_ip, "role %d's peer changed in a round trip", r);
  }
  FUZZ_CHECK(a.sessions.size() == b.sessions.size(), "%zu sessions, %zu after a round trip", a.sessions.size(), b.sessions.size());
  for (std::size_t i = 0; i < a.sessions.size(); ++i) {
    const SessionConfig &x = a.sessions[i], &y = b.sessions[i];
    FUZZ_CHECK(x.id == y.id && same_endpoint(x.endpoint, y.endpoint) && x.all_accounts == y.all_accounts &&
                   x.accounts == y.accounts,
               "session %u changed in a round trip", x.id);
  }
}

}  // namespace
}  // namespace perpgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace perpgate;
  using namespace perpgate::fuzz;
  if (size > 1 << 14) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  GatewayConfig cfg;
  try {
    cfg = parse_gateway_config(text, "fuzz.toml");
  } catch (const std::runtime_error&) {
    return 0;  // refused, with a message
  }
  std::set<std::uint32_t> ids;
  for (const SessionConfig& s : cfg.sessions) {
    FUZZ_CHECK(s.id != 0, "session id 0 loaded");
    FUZZ_CHECK(ids.insert(s.id).second, "session id %u loaded twice", s.id);
  }
  for (int a = 0; a < kRoleCount; ++a)
    for (int b = a + 1; b < kRoleCount; ++b)
      FUZZ_CHECK(!(cfg.roles[a].dpdk_port == cfg.roles[b].dpdk_port && cfg.roles[a].ours.ip == cfg.roles[b].ours.ip &&
                   cfg.roles[a].ours.port == cfg.roles[b].ours.port),
                 "roles %d and %d cannot be told apart", a, b);
  const std::string out = format_gateway_config(cfg);
  GatewayConfig again;
  try {
    again = parse_gateway_config(out, "formatted.toml");
  } catch (const std::runtime_error& e) {
    FUZZ_CHECK(false, "a loaded configuration, written out, is refused: %s\n%s", e.what(), out.c_str());
  }
  check_same(cfg, again);
  FUZZ_CHECK(again.static_lines.empty(), "formatted configuration grew symbol or account tables");
  for (std::size_t pos = 0; pos < cfg.static_lines.size();) {
    const std::size_t nl = cfg.static_lines.find('\n', pos);
    FUZZ_CHECK(nl != std::string::npos, "a static line without its newline");
    FUZZ_CHECK(cfg.static_lines[pos] == '{', "a static line that is no JSON object");
    pos = nl + 1;
  }
  // The host turns those lines into control actions as replay would: applied or refused with a
  // message, nothing else.
  if (!cfg.static_lines.empty()) {
    try {
      control_ops_of_scenario(cfg.static_lines, "fuzz.toml");
    } catch (const std::runtime_error&) {
    }
  }
  return 0;
}
