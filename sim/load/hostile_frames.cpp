#include "load/hostile_frames.hpp"

#include <limits>

#include "backend/card_protocol.hpp"
#include "perpgate/params.hpp"
#include "wire/codec.hpp"
#include "wire/udp_frame.hpp"

namespace perpgate::load {
namespace {

constexpr std::size_t kIpChecksumByte = wire::kEthHeader + 10;
constexpr std::size_t kUdpDstPortByte = wire::kEthHeader + wire::kIpHeader + 3;

// A well-formed message of a type `port` carries (session and sequence as the card's own).
std::vector<std::uint8_t> message_for(int port, std::uint64_t n) {
  switch (port) {
    case regs::kPortClient:
      return wire::encode_new_order(OrderEvent{0, 0, 900'000'000 + static_cast<i64>(n), true, false, 100'000, 1'000'000},
                                    CardProtocol::session(port), 0);
    case regs::kPortVenue: return wire::encode_fill(FillEvent{1, 100'000, 1'000'000, 0}, CardProtocol::session(port), 0);
    default: return wire::encode_price<wire::Mark>(0, 1'000'000, 0, CardProtocol::session(port), 0);
  }
}

}  // namespace

HostileFrame HostileSource::next() {
  HostileFrame h;
  h.port = static_cast<int>(below(regs::kPortCount));
  const std::uint64_t pick = below(10);
  if (pick < 7) {
    h.kind = HostileFrame::Kind::kRefused;
    h.frame = refused_frame(h.port, h.mac_error);
  } else if (pick == 7) {
    // a well-formed message of another port's type: taken, counted, not applied
    h.kind = HostileFrame::Kind::kWrongPort;
    const int other = (h.port + 1 + static_cast<int>(below(2))) % regs::kPortCount;
    h.frame = encoder_.frame_for(h.port, message_for(other, rng_()));
  } else {
    h.kind = HostileFrame::Kind::kGarbage;
    h.op = garbage_op(h.port);
  }
  return h;
}

std::vector<std::uint8_t> HostileSource::refused_frame(int port, bool& mac_error) {
  std::vector<std::uint8_t> f = encoder_.frame_for(port, message_for(port, rng_()));
  mac_error = false;
  switch (below(7)) {
    case 0:  // random bytes: runts, and frames past the MTU
      f.resize(1 + below(1'600));
      for (auto& b : f) b = static_cast<std::uint8_t>(rng_());
      break;
    case 1: f.resize(1 + below(f.size() - 1)); break;  // truncated
    case 2: f[kIpChecksumByte] ^= static_cast<std::uint8_t>(1 + below(255)); break;
    case 3: f[kUdpDstPortByte] ^= static_cast<std::uint8_t>(1 + below(255)); break;  // another UDP port
    case 4: f[wire::kPayloadOffset + wire::header::kType] = 0x7f; break;             // unknown type
    case 5: f[wire::kPayloadOffset + wire::header::kLength] ^= static_cast<std::uint8_t>(1 + below(255)); break;
    default: mac_error = true; break;  // the MAC flags it (tuser on the last beat)
  }
  return f;
}

// Values at and past every bound the checks know, or anything at all.
i64 HostileSource::wild_i64() {
  constexpr i64 kMax = std::numeric_limits<i64>::max(), kMin = std::numeric_limits<i64>::min();
  static constexpr i64 kEdges[] = {0, 1, -1, kMax, kMin, kQtyMax, kQtyMax + 1, kPxMax, kPxMax + 1, kMoneyMax,
                                   kRateMax, kRateMax + 1, -kRateMax - 1};
  switch (below(3)) {
    case 0: return kEdges[below(sizeof kEdges / sizeof kEdges[0])];
    case 1: return static_cast<i64>(rng_());
    default: return static_cast<i64>(below(1'000'000'000'000));
  }
}

Op HostileSource::garbage_op(int port) {
  // Indices: any 32 (16) bits, the unknown marker, or one in range (deeper into the checks).
  auto acct = [&] {
    const std::uint64_t k = below(3);
    return k == 0 ? static_cast<std::int32_t>(rng_()) : k == 1 ? -1 : static_cast<std::int32_t>(below(GatewayParams::kAccounts));
  };
  // Symbols past the table mostly: a garbage mark on a listed symbol moves every holder.
  auto sym = [&] {
    return below(16) == 0 ? static_cast<int>(below(GatewayParams::kSymbols))
                          : static_cast<int>(GatewayParams::kSymbols + below(0xffff - GatewayParams::kSymbols));
  };
  auto id = [&] { return below(2) == 0 ? static_cast<i64>(rng_()) : static_cast<i64>(below(16)); };
  OpRecorder rec;
  switch (port) {
    case regs::kPortClient:
      rec.order(OrderEvent{acct(), below(4) == 0 ? -1 : sym(), id(), below(2) == 0, below(4) == 0, wild_i64(), wild_i64()});
      break;
    case regs::kPortVenue:
      if (below(2) == 0) rec.fill(FillEvent{id(), wild_i64(), wild_i64(), wild_i64()});
      else rec.cancel(id());
      break;
    default:
      switch (below(5)) {
        case 0: rec.mark(sym(), wild_i64()); break;
        case 1: rec.index(sym(), wild_i64()); break;
        case 2: rec.trade(sym(), wild_i64()); break;
        case 3: rec.book(sym(), wild_i64(), wild_i64()); break;
        default: rec.funding(sym(), wild_i64()); break;
      }
      break;
  }
  return std::move(rec.ops.back());
}

}  // namespace perpgate::load
