// The host's configuration file (TOML): our endpoint on each of the three roles (client order
// entry, venue, market data), the peers we send to, which DPDK port carries each role, and the
// client sessions with the accounts each may trade. Loaded at start; see docs/host.md.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "wire/udp_frame.hpp"

namespace perpgate {

enum Role : int { kRoleClient = 0, kRoleVenue = 1, kRoleMarket = 2, kRoleCount = 3 };
const char* role_name(int role);

struct RoleConfig {
  wire::UdpEndpoint ours;   // frames to us carry this as destination
  wire::UdpEndpoint peer;   // venue: the venue's order entry; market: the risk desk; client: unused
  std::uint16_t dpdk_port = 0;
  bool check_peer_ip = false;  // only frames from the peer's address are taken (venue: default on)
};

struct SessionConfig {
  std::uint32_t id = 0;
  wire::UdpEndpoint endpoint;          // where the session's orders come from; responses go back here
  bool all_accounts = false;
  std::unordered_set<std::int64_t> accounts;  // outside account ids it may trade
};

struct GatewayConfig {
  RoleConfig roles[kRoleCount];
  std::vector<SessionConfig> sessions;
  // [[symbol]] and [[account]] tables, as replay-contract lines ({"ev":"symbol",...}): the same
  // fields, names and decimal strings as a scenario (docs/replay.md), applied at start.
  std::string static_lines;
};

// Throws std::runtime_error with the file, key and reason on any bad or missing value.
GatewayConfig load_gateway_config(const std::string& path);
GatewayConfig parse_gateway_config(const std::string& toml_text, const std::string& source_name);
// The TOML text of a configuration (what `perpgate pcap encode` writes).
std::string format_gateway_config(const GatewayConfig& cfg);

std::string format_ipv4(std::uint32_t ip);
std::string format_mac(const std::uint8_t* mac);

}  // namespace perpgate
