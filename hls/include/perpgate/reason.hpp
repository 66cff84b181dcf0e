// Reject reason codes: the one list, with stable numeric values (they travel on the wire) and the
// names of the replay contract. The pre-trade check applies them in the order of the enum.
#pragma once

#include <cstdint>
#include <string_view>

namespace perpgate {

enum class Reason : std::uint8_t {
  kNone = 0,
  kUnknownAccount = 1,
  kUnknownSymbol = 2,
  kDuplicateId = 3,
  kKilled = 4,
  kRateLimit = 5,
  kBadQty = 6,
  kBadPrice = 7,
  kNoMark = 8,
  kStaleMark = 9,
  kPriceBand = 10,
  kMaxQty = 11,
  kMaxNotional = 12,
  kReduceOnly = 13,
  kMaxPosition = 14,
  kCapacity = 15,
  kInsufficientMargin = 16,
};
inline constexpr int kReasonCount = 17;

constexpr std::string_view reason_name(Reason r) {
  switch (r) {
    case Reason::kNone: return "NONE";
    case Reason::kUnknownAccount: return "UNKNOWN_ACCOUNT";
    case Reason::kUnknownSymbol: return "UNKNOWN_SYMBOL";
    case Reason::kDuplicateId: return "DUPLICATE_ID";
    case Reason::kKilled: return "KILLED";
    case Reason::kRateLimit: return "RATE_LIMIT";
    case Reason::kBadQty: return "BAD_QTY";
    case Reason::kBadPrice: return "BAD_PRICE";
    case Reason::kNoMark: return "NO_MARK";
    case Reason::kStaleMark: return "STALE_MARK";
    case Reason::kPriceBand: return "PRICE_BAND";
    case Reason::kMaxQty: return "MAX_QTY";
    case Reason::kMaxNotional: return "MAX_NOTIONAL";
    case Reason::kReduceOnly: return "REDUCE_ONLY";
    case Reason::kMaxPosition: return "MAX_POSITION";
    case Reason::kCapacity: return "CAPACITY";
    case Reason::kInsufficientMargin: return "INSUFFICIENT_MARGIN";
  }
  return "UNKNOWN_REASON";
}

}  // namespace perpgate
