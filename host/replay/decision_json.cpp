#include "replay/decision_json.hpp"

#include <cstdio>
#include <utility>

#include "replay/decimal.hpp"

namespace perpgate {

void append_int(std::string& s, i64 v) {
  char tmp[24];
  const int n = std::snprintf(tmp, sizeof tmp, "%lld", static_cast<long long>(v));
  s.append(tmp, static_cast<std::size_t>(n));
}

void append_json_string(std::string& s, std::string_view text) {
  s.push_back('"');
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      s.push_back('\\');
      s.push_back(ch);
    } else if (c < 0x20) {
      char tmp[8];
      std::snprintf(tmp, sizeof tmp, "\\u%04x", c);
      s.append(tmp);
    } else {
      s.push_back(ch);
    }
  }
  s.push_back('"');
}

// An index outside the directory (a frame decoded without the scenario's directory) prints as
// the index itself, so nothing is lost.
void DecisionJson::append_account(int acct) {
  const auto i = static_cast<std::size_t>(acct);
  append_int(out_, acct >= 0 && i < dir_.account_ids.size() ? dir_.account_ids[i] : acct);
}

void DecisionJson::append_symbol(int sym) {
  const auto i = static_cast<std::size_t>(sym);
  if (sym >= 0 && i < dir_.symbol_json.size()) {
    out_.append(dir_.symbol_json[i]);
  } else {
    append_json_string(out_, "#" + std::to_string(sym));
  }
}

void DecisionJson::ack(i64 id) {
  out_.append("{\"ev\":\"ack\",\"id\":");
  append_int(out_, id);
  out_.append("}\n");
}

void DecisionJson::reject(i64 id, Reason reason) {
  out_.append("{\"ev\":\"reject\",\"id\":");
  append_int(out_, id);
  out_.append(",\"reason\":\"");
  out_.append(reason_name(reason));
  out_.append("\"}\n");
}

void DecisionJson::canceled(i64 id) {
  out_.append("{\"ev\":\"canceled\",\"id\":");
  append_int(out_, id);
  out_.append("}\n");
}

void DecisionJson::liquidate(int acct, i128 equity, i128 mm) {
  out_.append("{\"ev\":\"liquidate\",\"acct\":");
  append_account(acct);
  out_.append(",\"equity\":\"");
  append_decimal(out_, equity, kMoneyDecimals);
  out_.append("\",\"mm\":\"");
  append_decimal(out_, mm, kMoneyDecimals);
  out_.append("\"}\n");
}

void DecisionJson::mark(int sym, i64 px) {
  out_.append("{\"ev\":\"mark\",\"sym\":");
  append_symbol(sym);
  out_.append(",\"px\":\"");
  append_decimal(out_, px, kPxDecimals);
  out_.append("\"}\n");
}

void DecisionJson::withdraw(int acct, i64 amount, bool ok) {
  out_.append(ok ? "{\"ev\":\"withdraw_ok\",\"acct\":" : "{\"ev\":\"withdraw_reject\",\"acct\":");
  append_account(acct);
  out_.append(",\"amount\":\"");
  append_decimal(out_, amount, kMoneyDecimals);
  out_.append("\"}\n");
}

void DecisionJson::account(int acct, const AccountSnapshot& v) {
  out_.append("{\"ev\":\"account\",\"acct\":");
  append_account(acct);
  const std::pair<const char*, i128> money[] = {
      {"collateral", v.collateral}, {"equity", v.equity}, {"im", v.im}, {"mm", v.mm}};
  for (const auto& [name, value] : money) {
    out_.append(",\"");
    out_.append(name);
    out_.append("\":\"");
    append_decimal(out_, value, kMoneyDecimals);
    out_.push_back('"');
  }
  out_.append(",\"positions\":[");
  for (int i = 0; i < v.position_count; ++i) {
    const PositionView& p = v.positions[i];
    if (i > 0) out_.push_back(',');
    out_.append("{\"sym\":");
    append_symbol(p.sym);
    out_.append(",\"qty\":\"");
    append_decimal(out_, p.qty, kQtyDecimals);
    out_.append("\",\"entry\":\"");
    append_decimal(out_, p.entry, kPxDecimals);
    out_.append("\"}");
  }
  out_.append("]}\n");
}

void DecisionJson::error(std::uint64_t line_no, std::string_view msg) {
  out_.append("{\"ev\":\"error\",\"line\":");
  append_int(out_, static_cast<i64>(line_no));
  out_.append(",\"msg\":");
  append_json_string(out_, msg);
  out_.append("}\n");
}

}  // namespace perpgate
