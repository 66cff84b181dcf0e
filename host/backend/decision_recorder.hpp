// A DecisionSink that writes every decision, error and account figure as one line of text, to
// compare two backends driven directly (sw against rtl): the RTL tests and bench/tick_to_trade.
#pragma once

#include <string>

#include "backend/backend.hpp"
#include "replay/decimal.hpp"

namespace perpgate {

class DecisionRecorder : public DecisionSink {
 public:
  std::string out;

  void ack(i64 id) override { out += "ack " + std::to_string(id) + "\n"; }
  void reject(i64 id, Reason r) override { out += "reject " + std::to_string(id) + " " + std::string(reason_name(r)) + "\n"; }
  void canceled(i64 id) override { out += "canceled " + std::to_string(id) + "\n"; }
  void liquidate(int a, i128 eq, i128 mm) override { out += "liquidate " + std::to_string(a) + " " + str(eq) + " " + str(mm) + "\n"; }
  void mark(int, i64) override {}
  void withdraw(int a, i64 amount, bool ok) override {
    out += "withdraw " + std::to_string(a) + " " + std::to_string(amount) + (ok ? " ok\n" : " rejected\n");
  }
  void account(int a, const AccountSnapshot& v) override {
    out += "account " + std::to_string(a) + " " + str(v.collateral) + " " + str(v.equity) + " " + str(v.im) + " " + str(v.mm) + "\n";
  }
  void error(const char* m) override { out += std::string("error ") + m + "\n"; }

 private:
  static std::string str(i128 v) { return format_decimal(v, 0); }
};

}  // namespace perpgate
