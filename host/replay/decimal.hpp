// Decimal strings <-> fixed-point integers, exactly (no binary floating point anywhere).
// One definition of the text form of every price, quantity, amount and rate: the replay parser
// and writer, the pcap tools and the tests use these.
#pragma once

#include <string>
#include <string_view>

#include "perpgate/fixed_point.hpp"

namespace perpgate {

enum class DecimalStatus {
  kOk,
  kMalformed,   // not [-]digits[.digits]
  kTooPrecise,  // more significant decimals than the scale holds
  kOutOfRange,  // |value| above the bound
};

// Parses "123.45" (optionally "-123.45" when negative values are allowed) into an integer of
// `decimals` decimal places. Trailing zeros beyond the scale are accepted ("1.500000000").
DecimalStatus parse_decimal(std::string_view text, int decimals, i64 max_abs, bool allow_negative,
                            i64& out);

// Parses a whole integer "[-]digits" of any i128 value (the raw 128-bit sums of the state dumps).
DecimalStatus parse_integer_i128(std::string_view text, i128& out);

// Formats a fixed-point integer with exactly `decimals` decimal places ("-0.500000").
void append_decimal(std::string& out, i128 value, int decimals);
std::string format_decimal(i128 value, int decimals);

const char* decimal_status_text(DecimalStatus s);

}  // namespace perpgate
