// The gateway configuration the gateway tests and the fuzz targets start from: the three ports,
// and three client sessions (1 and 2 bound to accounts 100 and 200, 3 to every account).
#pragma once

namespace perpgate::test {

inline constexpr const char* kGatewayConfig = R"(
[client]
ip = "10.0.0.1"
udp_port = 9001
mac = "02:00:00:00:00:01"
[venue]
ip = "10.0.0.1"
udp_port = 9002
mac = "02:00:00:00:00:01"
peer_ip = "10.0.2.1"
peer_udp_port = 9100
peer_mac = "02:00:00:00:02:01"
[market]
ip = "10.0.0.1"
udp_port = 9003
mac = "02:00:00:00:00:01"
peer_ip = "10.0.3.1"
peer_udp_port = 9200
peer_mac = "02:00:00:00:03:01"
[[session]]
id = 1
ip = "10.0.1.1"
udp_port = 40001
mac = "02:00:00:00:01:01"
accounts = [100]
[[session]]
id = 2
ip = "10.0.1.2"
udp_port = 40002
mac = "02:00:00:00:01:02"
accounts = [200]
[[session]]
id = 3
ip = "10.0.1.3"
udp_port = 40003
mac = "02:00:00:00:01:03"
accounts = "*"
)";

}  // namespace perpgate::test
