// A load for the gateway as a list of operations, each a Backend call held as a closure, so that
// one list drives the golden model (the sw backend), the card protocol in quiet mode (set-up),
// and the frame encoder (the timed part) without a second definition of any event.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "backend/backend.hpp"

namespace perpgate::load {

// Where an operation enters the gateway: the AXI-Lite mailbox or a network port.
enum class Entry : std::int8_t { kMailbox = -1, kClient = 0, kVenue = 1, kMarket = 2 };

struct Op {
  Entry entry = Entry::kMailbox;
  bool is_order = false;
  bool is_mark = false;
  i64 ts = 0;  // the scenario's time of the event (ms), where it has one
  std::function<void(Backend&)> apply;
};

// A Backend that records each call as an Op (what a scenario generator or the replayer drives).
class OpRecorder final : public Backend {
 public:
  std::vector<Op> ops;

  void define_symbol(int sym, const SymbolConfig& c) override { control([=](Backend& b) { b.define_symbol(sym, c); }); }
  void create_account(int a, i64 c) override { control([=](Backend& b) { b.create_account(a, c); }); }
  void set_leverage(int a, int s, i64 l) override { control([=](Backend& b) { b.set_leverage(a, s, l); }); }
  void set_rate_limit(int a, i64 r) override { control([=](Backend& b) { b.set_rate_limit(a, r); }); }
  void deposit(int a, i64 x) override { control([=](Backend& b) { b.deposit(a, x); }); }
  void withdraw(int a, i64 x) override { control([=](Backend& b) { b.withdraw(a, x); }); }
  void kill(int a, KillMode m) override { control([=](Backend& b) { b.kill(a, m); }); }
  void advance_clock(i64 ts) override {
    ts_ = ts;
    control([=](Backend& b) { b.advance_clock(ts); });
  }
  void query(int a) override { control([=](Backend& b) { b.query(a); }); }
  void mark(int s, i64 px) override { wire(Entry::kMarket, false, true, [=](Backend& b) { b.mark(s, px); }); }
  void index(int s, i64 px) override { wire(Entry::kMarket, false, false, [=](Backend& b) { b.index(s, px); }); }
  void book(int s, i64 bid, i64 ask) override {
    wire(Entry::kMarket, false, false, [=](Backend& b) { b.book(s, bid, ask); });
  }
  void trade(int s, i64 px) override { wire(Entry::kMarket, false, false, [=](Backend& b) { b.trade(s, px); }); }
  void funding(int s, i64 r) override { wire(Entry::kMarket, false, false, [=](Backend& b) { b.funding(s, r); }); }
  void order(const OrderEvent& o) override { wire(Entry::kClient, true, false, [=](Backend& b) { b.order(o); }); }
  void fill(const FillEvent& f) override { wire(Entry::kVenue, false, false, [=](Backend& b) { b.fill(f); }); }
  void cancel(i64 id) override { wire(Entry::kVenue, false, false, [=](Backend& b) { b.cancel(id); }); }

 private:
  void control(std::function<void(Backend&)> f) { ops.push_back(Op{Entry::kMailbox, false, false, ts_, std::move(f)}); }
  void wire(Entry e, bool order, bool mark, std::function<void(Backend&)> f) {
    ops.push_back(Op{e, order, mark, ts_, std::move(f)});
  }
  i64 ts_ = 0;
};

}  // namespace perpgate::load
