// Random Ethernet/IPv4/UDP frames for the receive-path testbenches: valid ones around any
// payload, and every kind of frame the receive path must drop.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "wire/udp_frame.hpp"

namespace perpgate::sim {

inline constexpr std::uint32_t kOurIp = 0x0a000002;  // 10.0.0.2
inline constexpr std::uint16_t kOurPort = 9000;

struct FrameGen {
  std::mt19937_64 rng;
  wire::UdpEndpoint src, dst;

  explicit FrameGen(std::uint64_t seed) : rng(seed) {
    src.ip = 0x0a000001;
    src.port = 40000;
    dst.ip = kOurIp;
    dst.port = kOurPort;
  }
  std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); }

  std::vector<std::uint8_t> valid(std::size_t len) {
    std::vector<std::uint8_t> payload(len);
    for (auto& b : payload) b = static_cast<std::uint8_t>(rng());
    return around(payload);
  }
  std::vector<std::uint8_t> around(const std::vector<std::uint8_t>& payload) {
    return wire::build_udp_frame(src, dst, payload.data(), payload.size(), static_cast<std::uint16_t>(rng()));
  }
  static void refresh_checksum(std::vector<std::uint8_t>& f) {
    wire::put_be16(&f[24], 0);
    wire::put_be16(&f[24], wire::ipv4_checksum(&f[14]));
  }

  // A frame of a random kind around `payload` (random bytes when empty); mac_error set for the
  // MAC-error kind.
  std::vector<std::uint8_t> any(bool& mac_error, const std::vector<std::uint8_t>& payload = {}) {
    mac_error = false;
    std::vector<std::uint8_t> f = payload.empty() ? valid(pick(90)) : around(payload);
    switch (pick(16)) {
      case 0: wire::put_be16(&f[12], 0x86dd); break;                       // IPv6: not for us
      case 1: f[23] = 6; refresh_checksum(f); break;                       // TCP: not for us
      case 2: wire::put_be32(&f[30], 0x0a0000ff); refresh_checksum(f); break;  // other host
      case 3: wire::put_be16(&f[36], kOurPort + 1); break;                 // other port
      case 4: f[24] ^= 0x10; break;                                        // bad IP checksum
      case 5: f[14] = 0x46; refresh_checksum(f); break;                    // IP options
      case 6: wire::put_be16(&f[20], 0x2000); refresh_checksum(f); break;  // more fragments
      case 7: wire::put_be16(&f[20], 0x0010); refresh_checksum(f); break;  // fragment offset
      case 8: wire::put_be16(&f[38], static_cast<std::uint16_t>(wire::get_be16(&f[38]) + 2)); break;  // UDP len
      case 9: {  // IP says more than the frame holds: caught at the frame's end
        wire::put_be16(&f[16], static_cast<std::uint16_t>(wire::get_be16(&f[16]) + 4));
        wire::put_be16(&f[38], static_cast<std::uint16_t>(wire::get_be16(&f[38]) + 4));
        refresh_checksum(f);
        break;
      }
      case 10: f.resize(f.size() + 1 + pick(12), 0); break;   // trailing bytes
      case 11: f.resize(1 + pick(f.size())); break;           // truncated anywhere
      case 12: mac_error = true; break;                       // bad FCS seen by the MAC
      case 13: {                                              // random bytes
        f.resize(1 + pick(120));
        for (auto& b : f) b = static_cast<std::uint8_t>(rng());
        break;
      }
      default: break;                                         // valid
    }
    return f;
  }
};

}  // namespace perpgate::sim
