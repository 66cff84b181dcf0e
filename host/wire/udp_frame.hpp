// Ethernet II / IPv4 / UDP frames as perpgate's ports carry them (after the MAC, FCS stripped):
// the one builder and parser of frame headers, used by the RTL testbenches, the rtl backend and
// the pcap tools.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <vector>

namespace perpgate::wire {

inline constexpr std::size_t kEthHeader = 14;
inline constexpr std::size_t kIpHeader = 20;
inline constexpr std::size_t kUdpHeader = 8;
inline constexpr std::size_t kPayloadOffset = kEthHeader + kIpHeader + kUdpHeader;  // 42
inline constexpr std::size_t kMaxPayload = 1500 - kIpHeader - kUdpHeader;             // 1472, MTU 1500

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
// Writes the frame carrying `payload` into `out` (room for kPayloadOffset + len bytes); returns
// its length. The host's transmit path writes straight into packet buffers with it.
inline std::size_t write_udp_frame(std::uint8_t* out, const UdpEndpoint& src, const UdpEndpoint& dst,
                                   const std::uint8_t* payload, std::size_t len, std::uint16_t ip_id = 0) {
  if (len > kMaxPayload) throw std::length_error("UDP payload larger than one Ethernet frame carries");
  std::uint8_t* p = out;
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
  return kPayloadOffset + len;
}

inline std::vector<std::uint8_t> build_udp_frame(const UdpEndpoint& src, const UdpEndpoint& dst,
                                                 const std::uint8_t* payload, std::size_t len,
                                                 std::uint16_t ip_id = 0) {
  if (len > kMaxPayload) throw std::length_error("UDP payload larger than one Ethernet frame carries");
  std::vector<std::uint8_t> f(kPayloadOffset + len);
  write_udp_frame(f.data(), src, dst, payload, len, ip_id);
  return f;
}

// Source endpoint of a received frame (checked by the host's session table).
inline UdpEndpoint frame_source(const std::uint8_t* f) {
  UdpEndpoint e;
  std::memcpy(e.mac, f + 6, 6);
  e.ip = get_be32(f + kEthHeader + 12);
  e.port = get_be16(f + kEthHeader + kIpHeader);
  return e;
}

// How the receive path (pg_udp_rx, and the host's software path) classifies a frame.
enum class FrameVerdict { kPass, kNotForUs, kMalformed, kMacError };

// Verdict of the headers alone (bytes 0-39; shorter frames read as zero-padded).
inline FrameVerdict header_verdict(const std::uint8_t* frame, std::size_t n, std::uint32_t our_ip,
                                   std::uint16_t our_port) {
  std::uint8_t b[40] = {};
  std::memcpy(b, frame, n < 40 ? n : 40);
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
inline FrameClass classify_frame(const std::uint8_t* frame, std::size_t n, bool mac_error, std::uint32_t our_ip,
                                 std::uint16_t our_port) {
  if (n <= 32) return {FrameVerdict::kMalformed, false};  // ended inside the IP header
  const FrameVerdict hv = header_verdict(frame, n, our_ip, our_port);
  if (n <= 40) return {hv == FrameVerdict::kNotForUs ? FrameVerdict::kNotForUs : FrameVerdict::kMalformed, false};
  if (hv != FrameVerdict::kPass) return {hv, false};
  if (mac_error) return {FrameVerdict::kMacError, true};
  if (n != kEthHeader + get_be16(frame + 16)) return {FrameVerdict::kMalformed, true};
  return {FrameVerdict::kPass, true};
}

inline FrameClass classify_frame(const std::vector<std::uint8_t>& frame, bool mac_error, std::uint32_t our_ip,
                                 std::uint16_t our_port) {
  return classify_frame(frame.data(), frame.size(), mac_error, our_ip, our_port);
}

}  // namespace perpgate::wire
