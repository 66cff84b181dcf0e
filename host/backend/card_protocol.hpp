// The gateway card's protocol as the host speaks it, whatever the card is (CardDevice): each event
// becomes a wire message in a UDP frame on its port or a command through the AXI-Lite mailbox;
// the card is then run to quiet (its event barrier) and the frames it sent are decoded back into
// decisions, so decisions come in the model's order. Shared by the rtl and fpga backends.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <vector>

#include "backend/backend.hpp"
#include "backend/card_device.hpp"
#include "perpgate/regs.hpp"
#include "wire/udp_frame.hpp"

namespace perpgate {

class CardProtocol {
 public:
  CardProtocol(CardDevice& dev, DecisionSink& sink) : dev_(dev), sink_(sink) {}

  // After the card was reset: our addresses into the port registers, sequence numbers from 1.
  void start();

  // The Backend calls, one event each.
  void define_symbol(int sym, const SymbolConfig& c);
  void create_account(int acct, i64 collateral);
  void set_leverage(int acct, int sym, i64 lev);
  void set_rate_limit(int acct, i64 per_second);
  void deposit(int acct, i64 amount);
  void withdraw(int acct, i64 amount);
  void kill(int acct, KillMode mode);
  void advance_clock(i64 ts);
  void query(int acct);
  void mark(int sym, i64 px);
  void index(int sym, i64 px);
  void book(int sym, i64 bid, i64 ask);
  void trade(int sym, i64 px);
  void funding(int sym, i64 rate);
  void order(const OrderEvent& o);
  void fill(const FillEvent& f);
  void cancel(i64 id);

  // Orders as frames back to back, then one barrier (line-rate tests).
  void order_burst(const std::vector<OrderEvent>& orders);
  // Runs the card to quiet without a new event (after frames that are not events: bad ones).
  void barrier();

  std::uint64_t read64(std::uint32_t addr);
  // The frame that carries `msg` to `port` (to send, or to corrupt in a test).
  std::vector<std::uint8_t> frame_for(int port, const std::vector<std::uint8_t>& msg) const;
  // The next inbound sequence number of a port (for frames sent around the protocol).
  std::uint64_t next_seq(int port) { return seq_[static_cast<std::size_t>(port)]++; }
  static std::uint32_t session(int port) { return static_cast<std::uint32_t>(100 + port); }
  // The next inbound sequence number of every port, to hand the numbering to another encoder of
  // the same sessions (a load that sends frames around this protocol).
  std::array<std::uint64_t, regs::kPortCount> inbound_seq() const { return seq_; }
  void resume_inbound_seq(const std::array<std::uint64_t, regs::kPortCount>& seq) { seq_ = seq; }

  // Endpoints: ours on port p is 10.0.p.1, the peer 10.0.p.2; UDP ports 7000 + p and 8000 + p.
  static wire::UdpEndpoint ours(int port);
  static wire::UdpEndpoint peer(int port);

 private:
  void send(int port, const std::vector<std::uint8_t>& msg);
  std::uint8_t command(regs::Command op, std::initializer_list<i64> args);
  void finish(std::uint8_t err);
  void on_frame(const CardFrame& f);
  i128 read128(std::uint32_t addr);

  CardDevice& dev_;
  DecisionSink& sink_;
  std::array<std::uint64_t, regs::kPortCount> seq_{1, 1, 1};
  std::array<std::uint64_t, regs::kPortCount> out_seq_{1, 1, 1};
  std::uint32_t events_ = 0;  // events the card has been given (wraps as core_events does)
  std::vector<std::function<void()>> pending_;  // decisions of the event, after its own result
  std::vector<CardFrame> frames_;
};

// The decision a frame from the card carries, to `sink` (acks, rejects and cancels from the
// client port; liquidations, marks and event errors from the market port; the venue's copies and
// forwarded orders carry none). Throws on a frame the card must not send.
void card_message_to_sink(const CardFrame& f, DecisionSink& sink);

// Every Backend call straight to a card's protocol: the rtl and fpga backends derive from it
// (Base: Backend, or an interface that extends it) and add what is theirs.
template <class Base>
class CardBackendBase : public Base {
 public:
  void define_symbol(int sym, const SymbolConfig& c) override { proto().define_symbol(sym, c); }
  void create_account(int acct, i64 collateral) override { proto().create_account(acct, collateral); }
  void set_leverage(int acct, int sym, i64 lev) override { proto().set_leverage(acct, sym, lev); }
  void set_rate_limit(int acct, i64 per_second) override { proto().set_rate_limit(acct, per_second); }
  void deposit(int acct, i64 amount) override { proto().deposit(acct, amount); }
  void withdraw(int acct, i64 amount) override { proto().withdraw(acct, amount); }
  void kill(int acct, KillMode mode) override { proto().kill(acct, mode); }
  void advance_clock(i64 ts) override { proto().advance_clock(ts); }
  void query(int acct) override { proto().query(acct); }
  void mark(int sym, i64 px) override { proto().mark(sym, px); }
  void index(int sym, i64 px) override { proto().index(sym, px); }
  void book(int sym, i64 bid, i64 ask) override { proto().book(sym, bid, ask); }
  void trade(int sym, i64 px) override { proto().trade(sym, px); }
  void funding(int sym, i64 rate) override { proto().funding(sym, rate); }
  void order(const OrderEvent& o) override { proto().order(o); }
  void fill(const FillEvent& f) override { proto().fill(f); }
  void cancel(i64 id) override { proto().cancel(id); }

 protected:
  virtual CardProtocol& proto() = 0;
};

}  // namespace perpgate
