#include "gateway/gateway_config.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <toml++/toml.h>

namespace perpgate {
namespace {

[[noreturn]] void fail(const std::string& src, const std::string& where, const std::string& why) {
  throw std::runtime_error(fmt::format("{}: {}: {}", src, where, why));
}

std::uint32_t parse_ipv4(const std::string& src, const std::string& where, const std::string& text) {
  unsigned a, b, c, d;
  char tail;
  if (std::sscanf(text.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4 || a > 255 || b > 255 || c > 255 || d > 255)
    fail(src, where, "not an IPv4 address: '" + text + "'");
  return a << 24 | b << 16 | c << 8 | d;
}

void parse_mac(const std::string& src, const std::string& where, const std::string& text, std::uint8_t* mac) {
  unsigned m[6];
  char tail;
  if (std::sscanf(text.c_str(), "%x:%x:%x:%x:%x:%x%c", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &tail) != 6 ||
      std::any_of(m, m + 6, [](unsigned v) { return v > 255; }))
    fail(src, where, "not a MAC address: '" + text + "'");
  for (int i = 0; i < 6; ++i) mac[i] = static_cast<std::uint8_t>(m[i]);
}

// The value of an integer node only: toml++'s value<std::int64_t>() also converts a float, with
// undefined behaviour when it is out of range (udp_port = 9e20).
std::optional<std::int64_t> integer_value(const toml::node* n) {
  if (n == nullptr || !n->is_integer()) return std::nullopt;
  return n->as_integer()->get();
}

template <class T>
T integer(const std::string& src, const toml::table& t, const std::string& where, const char* key, T lo, T hi,
          std::optional<T> dflt = std::nullopt) {
  const auto v = integer_value(t.get(key));
  if (!v) {
    if (dflt && !t.contains(key)) return *dflt;
    fail(src, where + "." + key, t.contains(key) ? "must be an integer" : "missing");
  }
  if (*v < static_cast<std::int64_t>(lo) || *v > static_cast<std::int64_t>(hi))
    fail(src, where + "." + key, fmt::format("{} is outside {}..{}", *v, lo, hi));
  return static_cast<T>(*v);
}

std::string text(const std::string& src, const toml::table& t, const std::string& where, const char* key) {
  const auto v = t[key].value<std::string>();
  if (!v) fail(src, where + "." + key, t.contains(key) ? "must be a string" : "missing");
  return *v;
}

wire::UdpEndpoint endpoint(const std::string& src, const toml::table& t, const std::string& where,
                           const char* ip_key, const char* port_key, const char* mac_key) {
  wire::UdpEndpoint e;
  e.ip = parse_ipv4(src, where + "." + ip_key, text(src, t, where, ip_key));
  e.port = integer<std::uint16_t>(src, t, where, port_key, 1, 65535);
  parse_mac(src, where + "." + mac_key, text(src, t, where, mac_key), e.mac);
  return e;
}

}  // namespace

const char* role_name(int role) {
  static const char* const names[] = {"client", "venue", "market"};
  return role >= 0 && role < kRoleCount ? names[role] : "?";
}

std::string format_ipv4(std::uint32_t ip) {
  return fmt::format("{}.{}.{}.{}", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

std::string format_mac(const std::uint8_t* m) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4], m[5]);
}

GatewayConfig parse_gateway_config(const std::string& toml_text, const std::string& src) {
  toml::table root;
  try {
    root = toml::parse(toml_text, src);
  } catch (const toml::parse_error& e) {
    std::ostringstream os;
    os << e;
    throw std::runtime_error(os.str());
  }
  GatewayConfig cfg;
  for (int r = 0; r < kRoleCount; ++r) {
    const std::string where = role_name(r);
    const toml::table* t = root[where].as_table();
    if (t == nullptr) fail(src, where, "missing table [" + where + "]");
    RoleConfig& rc = cfg.roles[r];
    rc.ours = endpoint(src, *t, where, "ip", "udp_port", "mac");
    rc.dpdk_port = integer<std::uint16_t>(src, *t, where, "dpdk_port", 0, 31, std::uint16_t{0});
    if (r != kRoleClient) {
      rc.peer = endpoint(src, *t, where, "peer_ip", "peer_udp_port", "peer_mac");
      // The venue is one counterparty: drop copy must come from its address. Market data may
      // come from several feed handlers: off unless asked for.
      const bool dflt = r == kRoleVenue;
      rc.check_peer_ip = t->get("check_peer_ip") ? t->get("check_peer_ip")->value_or(dflt) : dflt;
    }
  }
  for (int a = 0; a < kRoleCount; ++a)
    for (int b = a + 1; b < kRoleCount; ++b)
      if (cfg.roles[a].dpdk_port == cfg.roles[b].dpdk_port && cfg.roles[a].ours.ip == cfg.roles[b].ours.ip &&
          cfg.roles[a].ours.port == cfg.roles[b].ours.port)
        fail(src, role_name(b), std::string("same DPDK port, address and UDP port as ") + role_name(a) +
                                    ": frames could not be told apart");
  if (const toml::array* sessions = root["session"].as_array()) {
    std::size_t i = 0;
    for (const toml::node& n : *sessions) {
      const std::string where = fmt::format("session[{}]", i++);
      const toml::table* t = n.as_table();
      if (t == nullptr) fail(src, where, "must be a table ([[session]])");
      SessionConfig s;
      s.id = integer<std::uint32_t>(src, *t, where, "id", 1, 0xffffffffu);
      s.endpoint = endpoint(src, *t, where, "ip", "udp_port", "mac");
      const toml::node* acc = t->get("accounts");
      if (acc == nullptr) fail(src, where + ".accounts", "missing (a list of account ids, or \"*\")");
      if (const auto all = acc->value<std::string>()) {
        if (*all != "*") fail(src, where + ".accounts", "a string must be \"*\" (every account)");
        s.all_accounts = true;
      } else if (const toml::array* list = acc->as_array()) {
        for (const toml::node& a : *list) {
          const auto id = integer_value(&a);
          if (!id) fail(src, where + ".accounts", "account ids are integers");
          s.accounts.insert(*id);
        }
      } else {
        fail(src, where + ".accounts", "a list of account ids, or \"*\"");
      }
      for (const SessionConfig& o : cfg.sessions)
        if (o.id == s.id) fail(src, where + ".id", fmt::format("session id {} defined twice", s.id));
      cfg.sessions.push_back(std::move(s));
    }
  }
  for (const char* kind : {"symbol", "account"}) {
    const toml::array* list = root[kind].as_array();
    if (list == nullptr) {
      if (root.contains(kind)) fail(src, kind, std::string("must be [[") + kind + "]] tables");
      continue;
    }
    for (const toml::node& n : *list) {
      const toml::table* t = n.as_table();
      if (t == nullptr) fail(src, kind, std::string("must be [[") + kind + "]] tables");
      if (t->contains("ev")) fail(src, kind, "'ev' is implied by the table");
      toml::table line{{"ev", kind}};
      for (const auto& [k, v] : *t) line.insert(k, v);
      std::ostringstream os;
      os << toml::json_formatter{line, toml::format_flags::none};
      std::string json = os.str();
      std::replace(json.begin(), json.end(), '\n', ' ');  // one line per table (JSON allows the spaces)
      cfg.static_lines += json + "\n";
    }
  }
  return cfg;
}

GatewayConfig load_gateway_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_gateway_config(ss.str(), path);
}

std::string format_gateway_config(const GatewayConfig& cfg) {
  std::string out = "# perpgate host configuration (docs/host.md)\n";
  for (int r = 0; r < kRoleCount; ++r) {
    const RoleConfig& rc = cfg.roles[r];
    out += fmt::format("\n[{}]\nip = \"{}\"\nudp_port = {}\nmac = \"{}\"\ndpdk_port = {}\n", role_name(r),
                       format_ipv4(rc.ours.ip), rc.ours.port, format_mac(rc.ours.mac), rc.dpdk_port);
    if (r != kRoleClient)
      out += fmt::format("peer_ip = \"{}\"\npeer_udp_port = {}\npeer_mac = \"{}\"\ncheck_peer_ip = {}\n",
                         format_ipv4(rc.peer.ip), rc.peer.port, format_mac(rc.peer.mac), rc.check_peer_ip);
  }
  for (const SessionConfig& s : cfg.sessions) {
    out += fmt::format("\n[[session]]\nid = {}\nip = \"{}\"\nudp_port = {}\nmac = \"{}\"\n", s.id,
                       format_ipv4(s.endpoint.ip), s.endpoint.port, format_mac(s.endpoint.mac));
    if (s.all_accounts) {
      out += "accounts = \"*\"\n";
    } else {
      std::vector<std::int64_t> ids(s.accounts.begin(), s.accounts.end());
      std::sort(ids.begin(), ids.end());
      out += fmt::format("accounts = [{}]\n", fmt::join(ids, ", "));
    }
  }
  return out;
}

}  // namespace perpgate
