// The replay contract's output lines (spec/replay.md), one writer for every producer: `perpgate
// replay` and `perpgate pcap decode` (which rebuilds them from the host's output frames). Table
// indices are turned back into outside ids through a Directory.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "backend/backend.hpp"

namespace perpgate {

void append_int(std::string& s, i64 v);
void append_json_string(std::string& s, std::string_view text);

// Outside ids by table index: account numbers, symbol names as JSON string literals.
struct Directory {
  std::vector<i64> account_ids;
  std::vector<std::string> symbol_json;
};

class DecisionJson {
 public:
  DecisionJson(std::string& out, const Directory& dir) : out_(out), dir_(dir) {}
  void ack(i64 id);
  void reject(i64 id, Reason reason);
  void canceled(i64 id);
  void liquidate(int acct, i128 equity, i128 mm);
  void mark(int sym, i64 px);
  void withdraw(int acct, i64 amount, bool ok);
  void account(int acct, const AccountSnapshot& view);
  void error(std::uint64_t line_no, std::string_view msg);

 private:
  void append_account(int acct);
  void append_symbol(int sym);
  std::string& out_;
  const Directory& dir_;
};

}  // namespace perpgate
