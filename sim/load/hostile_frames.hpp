// What a hostile network puts beside a load's frames: frames the gateway must refuse (random
// bytes, runts and oversized frames, truncated frames, a broken IP checksum, another UDP port, an
// unknown message type, a wrong length field, a frame the MAC flagged, a well-formed message on a
// port that does not carry its type) and well-formed messages of garbage values (indices out of
// range, ids that match nothing, quantities and prices at and past every bound). The refused ones
// must be counted once each by the port and change nothing; the garbage ones are events like any
// and must get the golden model's answer.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "load/load_ops.hpp"

namespace perpgate {
class CardProtocol;
}

namespace perpgate::load {

struct HostileFrame {
  enum class Kind : std::uint8_t { kRefused, kWrongPort, kGarbage };
  Kind kind = Kind::kRefused;
  int port = 0;
  std::vector<std::uint8_t> frame;  // kRefused, kWrongPort: the bytes to send
  bool mac_error = false;           // kRefused: tuser on the last beat
  Op op;                            // kGarbage: the event (encode it, apply it to the model)
};

class HostileSource {
 public:
  // `encoder` frames messages for each port as the card expects them (addresses, sessions).
  HostileSource(std::uint64_t seed, const CardProtocol& encoder) : rng_(seed), encoder_(encoder) {}
  HostileFrame next();

 private:
  std::vector<std::uint8_t> refused_frame(int port, bool& mac_error);
  Op garbage_op(int port);
  i64 wild_i64();
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : rng_() % n; }

  std::mt19937_64 rng_;
  const CardProtocol& encoder_;
};

}  // namespace perpgate::load
