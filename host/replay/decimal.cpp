#include "decimal.hpp"

#include <limits>

namespace perpgate {

DecimalStatus parse_integer_i128(std::string_view text, i128& out) {
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  if (i == text.size()) return DecimalStatus::kMalformed;
  // The magnitude of the most negative i128 is one more than the largest positive one.
  const u128 limit = static_cast<u128>(std::numeric_limits<i128>::max()) + (negative ? 1u : 0u);
  u128 value = 0;
  bool overflow = false;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return DecimalStatus::kMalformed;
    const u128 digit = static_cast<u128>(text[i] - '0');
    if (overflow || value > (limit - digit) / 10) overflow = true;
    else value = value * 10 + digit;
  }
  if (overflow) return DecimalStatus::kOutOfRange;
  out = negative ? static_cast<i128>(-value) : static_cast<i128>(value);
  return DecimalStatus::kOk;
}

DecimalStatus parse_decimal(std::string_view text, int decimals, i64 max_abs, bool allow_negative,
                            i64& out) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && text[i] == '-') {
    if (!allow_negative) return DecimalStatus::kMalformed;
    negative = true;
    ++i;
  }
  const std::size_t int_start = i;
  i128 value = 0;
  bool overflow = false;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    if (!overflow) value = value * 10 + (text[i] - '0');
    if (value > max_abs) overflow = true;  // keep scanning so that syntax errors still win
  }
  if (i == int_start) return DecimalStatus::kMalformed;
  int frac_digits = 0;
  bool too_precise = false;
  if (i < text.size() && text[i] == '.') {
    ++i;
    const std::size_t frac_start = i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      if (frac_digits < decimals) {
        if (!overflow) value = value * 10 + (text[i] - '0');
        ++frac_digits;
      } else if (text[i] != '0') {
        too_precise = true;
      }
      if (value > max_abs) overflow = true;
    }
    if (i == frac_start) return DecimalStatus::kMalformed;
  }
  if (i != text.size()) return DecimalStatus::kMalformed;
  for (; frac_digits < decimals && !overflow; ++frac_digits) {
    value *= 10;
    if (value > max_abs) overflow = true;
  }
  if (overflow) return DecimalStatus::kOutOfRange;
  if (too_precise) return DecimalStatus::kTooPrecise;
  out = static_cast<i64>(negative ? -value : value);
  return DecimalStatus::kOk;
}

void append_decimal(std::string& out, i128 value, int decimals) {
  char buf[64];
  int n = 0;
  const bool negative = value < 0;
  u128 mag = negative ? static_cast<u128>(-(value + 1)) + 1 : static_cast<u128>(value);
  do {
    buf[n++] = static_cast<char>('0' + static_cast<int>(mag % 10));
    mag /= 10;
  } while (mag != 0 || n <= decimals);
  if (negative) out.push_back('-');
  for (int k = n - 1; k >= 0; --k) {
    out.push_back(buf[k]);
    if (k == decimals && decimals > 0) out.push_back('.');
  }
}

std::string format_decimal(i128 value, int decimals) {
  std::string s;
  append_decimal(s, value, decimals);
  return s;
}

const char* decimal_status_text(DecimalStatus s) {
  switch (s) {
    case DecimalStatus::kOk: return "ok";
    case DecimalStatus::kMalformed: return "not a decimal string";
    case DecimalStatus::kTooPrecise: return "more decimals than the fixed-point scale holds";
    case DecimalStatus::kOutOfRange: return "out of range";
  }
  return "?";
}

}  // namespace perpgate
