// Ethernet II / IPv4 / UDP frames as perpgate's ports carry them (after the MAC, FCS stripped):
// the one builder and parser of frame headers, used by the RTL testbenches, the rtl backend and
// the pcap tools.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

namespace perpgate::wire {

inline constexpr std::size_t kEthHeader = 14;
inline constexpr std::size_t kIpHeader = 20;
inline constexpr std::size_t kUdpHeader = 8;
inline constexpr std::size_t kPayloadOffset = kEthHeader + kIpHeader + kUdpHeader;  // 42

struct UdpEndpoint {
  std::uint8_t mac[6] = {0x02, 0, 0, 0, 0, 0x01};
  std::uint32_t ip = 0x0a000001;  // 10.0.0.1
  std::uint16_t port = 0;
};

// The IPv4 header checksum of 20 header bytes (with the checksum field as it stands).
inline std::uint16_t ipv4_checksum(const std::uint8_t* hdr) {
  std::uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += static_cast<std::uint32_t>(hdr[i] << 8 | hdr[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

inline void put_be16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
inline void put_be32(std::uint8_t* p, std::uint32_t v) {
  put_be16(p, static_cast<std::uint16_t>(v >> 16));
  put_be16(p + 2, static_cast<std::uint16_t>(v));
}
inline std::uint16_t get_be16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }
inline std::uint32_t get_be32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(get_be16(p)) << 16 | get_be16(p + 2);
}

// A well-formed frame carrying `payload` from src to dst (UDP checksum 0: none, as IPv4 allows).
inline std::vector<std::uint8_t> build_udp_frame(const UdpEndpoint& src, const UdpEndpoint& dst,
                                                 const std::uint8_t* payload, std::size_t len,
                                                 std::uint16_t ip_id = 0) {
  std::vector<std::uint8_t> f(kPayloadOffset + len);
  std::uint8_t* p = f.data();
  std::memcpy(p, dst.mac, 6);
  std::memcpy(p + 6, src.mac, 6);
  put_be16(p + 12, 0x0800);
  std::uint8_t* ip = p + kEthHeader;
  ip[0] = 0x45;
  ip[1] = 0;
  put_be16(ip + 2, static_cast<std::uint16_t>(kIpHeader + kUdpHeader + len));
  put_be16(ip + 4, ip_id);
  put_be16(ip + 6, 0x4000);  // don't fragment
  ip[8] = 64;
  ip[9] = 17;
  put_be16(ip + 10, 0);
  put_be32(ip + 12, src.ip);
  put_be32(ip + 16, dst.ip);
  put_be16(ip + 10, ipv4_checksum(ip));
  std::uint8_t* udp = ip + kIpHeader;
  put_be16(udp, src.port);
  put_be16(udp + 2, dst.port);
  put_be16(udp + 4, static_cast<std::uint16_t>(kUdpHeader + len));
  put_be16(udp + 6, 0);
  if (len > 0) std::memcpy(p + kPayloadOffset, payload, len);
  return f;
}

// How the receive path (pg_udp_rx, and the host's software path) classifies a frame.
enum class FrameVerdict { kPass, kNotForUs, kMalformed, kMacError };

// Verdict of the headers alone (bytes 0-39; shorter frames read as zero-padded).
inline FrameVerdict header_verdict(const std::vector<std::uint8_t>& frame, std::uint32_t our_ip,
                                   std::uint16_t our_port) {
  std::uint8_t b[40] = {};
  std::memcpy(b, frame.data(), frame.size() < 40 ? frame.size() : 40);
  if (get_be16(b + 12) != 0x0800) return FrameVerdict::kNotForUs;
  std::uint32_t sum = 0;
  for (int i = 14; i < 34; i += 2) sum += get_be16(b + i);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  if (b[14] != 0x45 || (get_be16(b + 20) & 0x3fff) != 0 || sum != 0xffff) return FrameVerdict::kMalformed;
  if (b[23] != 17 || get_be32(b + 30) != our_ip || get_be16(b + 36) != our_port) return FrameVerdict::kNotForUs;
  const std::uint16_t udp_len = get_be16(b + 38);
  if (udp_len < kUdpHeader || udp_len + kIpHeader != get_be16(b + 16)) return FrameVerdict::kMalformed;
  return FrameVerdict::kPass;
}

struct FrameClass {
  FrameVerdict verdict;   // what is counted
  bool payload_out;       // the payload leaves the receive path (flagged bad unless kPass)
};

// The full classification: headers, then the frame length (exactly 14 + IP total length: our
// messages never need Ethernet padding) and the MAC's error flag.
inline FrameClass classify_frame(const std::vector<std::uint8_t>& frame, bool mac_error, std::uint32_t our_ip,
                                 std::uint16_t our_port) {
  const std::size_t n = frame.size();
  if (n <= 32) return {FrameVerdict::kMalformed, false};  // ended inside the IP header
  const FrameVerdict hv = header_verdict(frame, our_ip, our_port);
  if (n <= 40) return {hv == FrameVerdict::kNotForUs ? FrameVerdict::kNotForUs : FrameVerdict::kMalformed, false};
  if (hv != FrameVerdict::kPass) return {hv, false};
  if (mac_error) return {FrameVerdict::kMacError, true};
  if (n != kEthHeader + get_be16(&frame[16])) return {FrameVerdict::kMalformed, true};
  return {FrameVerdict::kPass, true};
}

}  // namespace perpgate::wire
