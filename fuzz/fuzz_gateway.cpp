// Fuzz target: the wire codec and the gateway's frame path (host/gateway, no DPDK).
// The input is a sequence of records, each [control byte][length byte][bytes]:
//   control bits 0-1  who sends: 0 a client session (bits 4-5: session 1-3, or 3 an unknown
//                     address), 1 the venue, 2 the market feed, 3 raw (the bytes are the frame)
//   control bit 2     the MAC flagged the frame bad
//   control bits 6-7  the role the frame is addressed to (3: a UDP port that is no role's)
// Otherwise the bytes are a message, wrapped in a well-formed Ethernet/IPv4/UDP frame.
// Invariants, per frame:
//  - exactly one receive counter (frames_ok, not_for_us, malformed, mac_error) moves;
//  - a frame whose message is not taken (msg_ok unchanged) sends nothing and changes nothing;
//  - an order gets exactly one ack or reject on the client role, for its id; an ack also
//    forwards exactly that order to the venue; a reject changes nothing;
//  - every frame sent is well formed (headers, length, version) and a session's sequence numbers
//    out go up by one, none skipped or doubled;
//  - the equity identity holds for every account;
// and the codec: a wrapped frame classifies as addressed, its source reads back, an order
// decodes, encodes and decodes to the same fields.
#include <map>

#include "fuzz_common.hpp"

namespace perpgate::fuzz {
namespace {

void check_codec(const GatewayFixture& fx, const wire::UdpEndpoint& src, int dst_role, const std::uint8_t* m,
                 std::size_t len, const std::vector<std::uint8_t>& frame) {
  if (dst_role < kRoleCount) {
    const RoleConfig& rc = fx.cfg.roles[dst_role];
    const wire::FrameClass c = wire::classify_frame(frame, false, rc.ours.ip, rc.ours.port);
    FUZZ_CHECK(c.verdict == wire::FrameVerdict::kPass && c.payload_out, "a well-formed frame not taken");
    const wire::UdpEndpoint back = wire::frame_source(frame.data());
    FUZZ_CHECK(back.ip == src.ip && back.port == src.port && std::memcmp(back.mac, src.mac, 6) == 0,
               "the frame's source does not read back");
  }
  if (len >= wire::NewOrder::kSize) {
    const OrderEvent o = wire::decode_order(m);
    const auto again = wire::encode_new_order(o, 0, 0);
    const OrderEvent p = wire::decode_order(again.data());
    FUZZ_CHECK(o.acct == p.acct && o.sym == p.sym && o.id == p.id && o.buy == p.buy && o.reduce_only == p.reduce_only &&
                   o.qty == p.qty && o.px == p.px,
               "an order does not survive encode(decode())");
  }
}

void check_frame_out(const GatewayFixture& fx, const Frames::Out& f, std::map<std::uint32_t, std::uint64_t>& next_seq) {
  FUZZ_CHECK(f.bytes.size() >= wire::kPayloadOffset + wire::kHeaderSize, "a runt frame sent");
  const std::uint8_t* m = f.bytes.data() + wire::kPayloadOffset;
  const wire::Header h = wire::get_header(m);
  const std::size_t len = f.bytes.size() - wire::kPayloadOffset;
  FUZZ_CHECK(h.version == wire::kVersion && h.length == len && wire::message_size(h.type) == len,
             "a frame sent with a bad header (type 0x%02x, length %u, %zu bytes)", h.type, h.length, len);
  const std::uint32_t dst_ip = wire::get_be32(f.bytes.data() + wire::kEthHeader + 16);
  const std::uint16_t dst_port = wire::get_be16(f.bytes.data() + wire::kEthHeader + wire::kIpHeader + 2);
  FUZZ_CHECK(wire::classify_frame(f.bytes, false, dst_ip, dst_port).verdict == wire::FrameVerdict::kPass,
             "a frame sent that its receiver would not take");
  const wire::UdpEndpoint src = wire::frame_source(f.bytes.data());
  FUZZ_CHECK(src.ip == fx.cfg.roles[f.role].ours.ip && src.port == fx.cfg.roles[f.role].ours.port,
             "a frame sent from another role's address");
  if (f.role == kRoleClient && h.session != 0) {
    auto [it, fresh] = next_seq.try_emplace(h.session, 1);
    FUZZ_CHECK(h.seq == it->second, "session %u: sequence %llu out, %llu expected", h.session,
               static_cast<unsigned long long>(h.seq), static_cast<unsigned long long>(it->second));
    ++it->second;
  }
}

}  // namespace
}  // namespace perpgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace perpgate;
  using namespace perpgate::fuzz;
  if (size > 1 << 14) return 0;
  GatewayFixture fx;
  std::map<std::uint32_t, std::uint64_t> next_seq;
  wire::UdpEndpoint stranger = fx.cfg.sessions[0].endpoint;
  stranger.port = 40999;
  std::size_t pos = 0;
  while (pos + 2 <= size) {
    const std::uint8_t ctl = data[pos];
    const std::size_t n = std::min<std::size_t>(data[pos + 1], size - pos - 2);
    const std::uint8_t* bytes = data + pos + 2;
    pos += 2 + n;
    const int sender = ctl & 3;
    const bool mac_error = (ctl & 4) != 0;
    const int dst_role = (ctl >> 6) & 3;
    std::vector<std::uint8_t> frame;
    if (sender == 3) {
      frame.assign(bytes, bytes + n);
    } else {
      const int s = (ctl >> 4) & 3;
      const wire::UdpEndpoint src = sender == 1 ? fx.cfg.roles[kRoleVenue].peer
                                    : sender == 2 ? fx.cfg.roles[kRoleMarket].peer
                                    : s < 3       ? fx.cfg.sessions[static_cast<std::size_t>(s)].endpoint
                                                  : stranger;
      wire::UdpEndpoint dst = fx.cfg.roles[dst_role < kRoleCount ? dst_role : 0].ours;
      if (dst_role == kRoleCount) dst.port = 9999;
      frame = wire::build_udp_frame(src, dst, bytes, n);
      check_codec(fx, src, dst_role, bytes, n, frame);
    }

    const Snapshot before = fx.state();
    const std::uint64_t rx_before = fx.port_counter_sum(0, 3);
    const std::uint64_t msg_ok_before = fx.port_counter_sum(4, 4);
    const std::uint64_t orders_before = fx.gw->counters().orders;
    const std::size_t out_before = fx.frames.out.size(), log_before = fx.log.lines.size();
    fx.gw->rx(0, frame.data(), frame.size(), mac_error);

    FUZZ_CHECK(fx.port_counter_sum(0, 3) == rx_before + 1, "a frame moved %llu receive counters",
               static_cast<unsigned long long>(fx.port_counter_sum(0, 3) - rx_before));
    FUZZ_CHECK(fx.frames.overlong == 0, "a frame longer than the buffer it was given");
    for (std::size_t i = out_before; i < fx.frames.out.size(); ++i) check_frame_out(fx, fx.frames.out[i], next_seq);
    check_equity_identity(fx.engine(), kFixtureAccounts, "gateway");
    if (fx.port_counter_sum(4, 4) == msg_ok_before) {
      FUZZ_CHECK(fx.frames.out.size() == out_before && fx.log.lines.size() == log_before, "a frame not taken sent something");
      FUZZ_CHECK(fx.state() == before, "a frame not taken changed state");
      continue;
    }
    const std::uint64_t orders = fx.gw->counters().orders - orders_before;
    FUZZ_CHECK(orders <= 1, "one frame, %llu orders", static_cast<unsigned long long>(orders));
    if (orders == 0) continue;
    const OrderEvent o = wire::decode_order(frame.data() + wire::kPayloadOffset);
    int client = 0, acks = 0, forwards = 0;
    for (std::size_t i = out_before; i < fx.frames.out.size(); ++i) {
      const Frames::Out& f = fx.frames.out[i];
      const std::uint8_t* m = f.bytes.data() + wire::kPayloadOffset;
      const auto type = static_cast<wire::MsgType>(m[0]);
      if (f.role == kRoleClient) {
        ++client;
        FUZZ_CHECK(type == wire::MsgType::kAck || type == wire::MsgType::kReject, "an order answered by type 0x%02x", m[0]);
        const i64 id = wire::get_le<std::int64_t>(m + (type == wire::MsgType::kAck ? wire::Ack::kId : wire::Reject::kId));
        FUZZ_CHECK(id == o.id, "the response names another order");
        if (type == wire::MsgType::kAck) ++acks;
      } else if (f.role == kRoleVenue && type == wire::MsgType::kForwardOrder) {
        ++forwards;
        const OrderEvent fwd = wire::decode_order(m);
        FUZZ_CHECK(fwd.id == o.id && fwd.qty == o.qty && fwd.px == o.px && fwd.acct == o.acct && fwd.sym == o.sym &&
                       fwd.buy == o.buy && fwd.reduce_only == o.reduce_only,
                   "the venue got another order than the one accepted");
      }
    }
    FUZZ_CHECK(client == 1, "an order with %d responses", client);
    FUZZ_CHECK(forwards == acks, "%d acks, %d orders forwarded", acks, forwards);
    if (acks == 0) FUZZ_CHECK(fx.state() == before, "a rejected order changed state");
  }
  return 0;
}
