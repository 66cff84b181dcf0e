// Encoding and decoding of wire messages (layouts from the generated perpgate/wire.hpp), shared
// by the rtl backend, the pcap tools and the testbenches.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "perpgate/events.hpp"
#include "perpgate/wire.hpp"

namespace perpgate::wire {

template <class T>
inline void put_le(std::uint8_t* p, T v) {
  for (std::size_t i = 0; i < sizeof(T); ++i) p[i] = static_cast<std::uint8_t>(static_cast<u128>(v) >> (8 * i));
}
template <class T>
inline T get_le(const std::uint8_t* p) {
  u128 v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<u128>(p[i]) << (8 * i);
  return static_cast<T>(v);
}

struct Header {
  std::uint8_t type = 0;
  std::uint8_t version = kVersion;
  std::uint16_t length = 0;
  std::uint32_t session = 0;
  std::uint64_t seq = 0;
};

inline Header get_header(const std::uint8_t* m) {
  return Header{m[header::kType], m[header::kVersion], get_le<std::uint16_t>(m + header::kLength),
                get_le<std::uint32_t>(m + header::kSession), get_le<std::uint64_t>(m + header::kSeq)};
}

// A message of layout L with its header filled in (session, seq given).
template <class L>
inline std::vector<std::uint8_t> new_message(std::uint32_t session, std::uint64_t seq) {
  std::vector<std::uint8_t> m(L::kSize, 0);
  m[header::kType] = static_cast<std::uint8_t>(L::kType);
  m[header::kVersion] = kVersion;
  put_le<std::uint16_t>(&m[header::kLength], static_cast<std::uint16_t>(L::kSize));
  put_le<std::uint32_t>(&m[header::kSession], session);
  put_le<std::uint64_t>(&m[header::kSeq], seq);
  return m;
}

// Flags of new_order / forward_order.
inline constexpr std::uint8_t kFlagBuy = 1;
inline constexpr std::uint8_t kFlagReduceOnly = 2;

// An unknown account or symbol (-1 in the engine) travels as the all-ones index.
inline std::vector<std::uint8_t> encode_new_order(const OrderEvent& o, std::uint32_t session, std::uint64_t seq) {
  auto m = new_message<NewOrder>(session, seq);
  put_le<std::uint32_t>(&m[NewOrder::kAcct], static_cast<std::uint32_t>(o.acct));
  put_le<std::uint16_t>(&m[NewOrder::kSym], static_cast<std::uint16_t>(o.sym));
  m[NewOrder::kFlags] = static_cast<std::uint8_t>((o.buy ? kFlagBuy : 0) | (o.reduce_only ? kFlagReduceOnly : 0));
  put_le<std::uint64_t>(&m[NewOrder::kId], static_cast<std::uint64_t>(o.id));
  put_le<std::int64_t>(&m[NewOrder::kQty], o.qty);
  put_le<std::int64_t>(&m[NewOrder::kPx], o.px);
  return m;
}

inline OrderEvent decode_order(const std::uint8_t* m) {  // new_order and forward_order share the layout
  static_assert(NewOrder::kAcct == ForwardOrder::kAcct && NewOrder::kPx == ForwardOrder::kPx);
  OrderEvent o;
  o.acct = static_cast<std::int32_t>(get_le<std::uint32_t>(m + NewOrder::kAcct));
  const std::uint16_t sym = get_le<std::uint16_t>(m + NewOrder::kSym);
  o.sym = sym == 0xffff ? -1 : sym;
  o.buy = (m[NewOrder::kFlags] & kFlagBuy) != 0;
  o.reduce_only = (m[NewOrder::kFlags] & kFlagReduceOnly) != 0;
  o.id = static_cast<i64>(get_le<std::uint64_t>(m + NewOrder::kId));
  o.qty = get_le<std::int64_t>(m + NewOrder::kQty);
  o.px = get_le<std::int64_t>(m + NewOrder::kPx);
  return o;
}

inline std::vector<std::uint8_t> encode_fill(const FillEvent& f, std::uint32_t session, std::uint64_t seq) {
  auto m = new_message<Fill>(session, seq);
  put_le<std::uint64_t>(&m[Fill::kId], static_cast<std::uint64_t>(f.id));
  put_le<std::int64_t>(&m[Fill::kQty], f.qty);
  put_le<std::int64_t>(&m[Fill::kPx], f.px);
  put_le<std::int64_t>(&m[Fill::kFee], f.fee);
  return m;
}

inline std::vector<std::uint8_t> encode_cancel_ack(i64 id, std::uint32_t session, std::uint64_t seq) {
  auto m = new_message<CancelAck>(session, seq);
  put_le<std::uint64_t>(&m[CancelAck::kId], static_cast<std::uint64_t>(id));
  return m;
}

// mark, index and trade share the layout (sym, px, ts).
template <class L>
inline std::vector<std::uint8_t> encode_price(int sym, i64 px, i64 ts, std::uint32_t session, std::uint64_t seq) {
  static_assert(L::kSym == Mark::kSym && L::kPx == Mark::kPx && L::kTs == Mark::kTs);
  auto m = new_message<L>(session, seq);
  put_le<std::uint16_t>(&m[L::kSym], static_cast<std::uint16_t>(sym));
  put_le<std::int64_t>(&m[L::kPx], px);
  put_le<std::int64_t>(&m[L::kTs], ts);
  return m;
}

inline std::vector<std::uint8_t> encode_book_top(int sym, i64 bid, i64 ask, i64 ts, std::uint32_t session,
                                                 std::uint64_t seq) {
  auto m = new_message<BookTop>(session, seq);
  put_le<std::uint16_t>(&m[BookTop::kSym], static_cast<std::uint16_t>(sym));
  put_le<std::int64_t>(&m[BookTop::kBid], bid);
  put_le<std::int64_t>(&m[BookTop::kAsk], ask);
  put_le<std::int64_t>(&m[BookTop::kTs], ts);
  return m;
}

inline std::vector<std::uint8_t> encode_funding(int sym, i64 rate, std::uint32_t session, std::uint64_t seq) {
  auto m = new_message<Funding>(session, seq);
  put_le<std::uint16_t>(&m[Funding::kSym], static_cast<std::uint16_t>(sym));
  put_le<std::int64_t>(&m[Funding::kRate], rate);
  return m;
}

}  // namespace perpgate::wire

namespace perpgate::wire {

// Whether a payload is a well-formed inbound message, as pg_msg_rx (and the host) judge it: a
// type the gateway takes in, version 1, length field = payload length = the type's size.
inline bool inbound_type(std::uint8_t t) {
  switch (static_cast<MsgType>(t)) {
    case MsgType::kNewOrder:
    case MsgType::kCancel:
    case MsgType::kMark:
    case MsgType::kIndex:
    case MsgType::kBookTop:
    case MsgType::kTrade:
    case MsgType::kFunding:
    case MsgType::kFill:
    case MsgType::kCancelAck: return true;
    default: return false;
  }
}

inline bool inbound_message_ok(const std::uint8_t* p, std::size_t len) {
  if (len < kHeaderSize || len > 64) return false;
  const Header h = get_header(p);
  return inbound_type(h.type) && h.version == kVersion && h.length == len && message_size(h.type) == len;
}

}  // namespace perpgate::wire
