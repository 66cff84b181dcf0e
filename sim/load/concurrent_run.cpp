#include "load/concurrent_run.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <optional>
#include <random>
#include <stdexcept>

#include "backend/card_protocol.hpp"
#include "backend/decision_recorder.hpp"
#include "backend/sw_backend.hpp"
#include "backend/verilated_card.hpp"
#include "load/hostile_frames.hpp"
#include "perpgate/regs.hpp"
#include "perpgate/wire.hpp"
#include "wire/codec.hpp"

namespace perpgate::load {
namespace {

using rtl_card::VerilatedCard;
constexpr int kPorts = regs::kPortCount;

// A decision as one line of text, the same for the model's and the card's: DecisionRecorder's
// formats, and "mark SYM PX" for a local mark out.
class LineSink final : public DecisionSink {
 public:
  std::string line;
  void ack(i64 id) override { take([&] { rec_.ack(id); }); }
  void reject(i64 id, Reason r) override { take([&] { rec_.reject(id, r); }); }
  void canceled(i64 id) override { take([&] { rec_.canceled(id); }); }
  void liquidate(int a, i128 eq, i128 mm) override { take([&] { rec_.liquidate(a, eq, mm); }); }
  void mark(int s, i64 px) override { line = "mark " + std::to_string(s) + " " + std::to_string(px); }
  void withdraw(int a, i64 x, bool ok) override { take([&] { rec_.withdraw(a, x, ok); }); }
  void account(int a, const AccountSnapshot& v) override { take([&] { rec_.account(a, v); }); }
  void error(const char* m) override { take([&] { rec_.error(m); }); }

 private:
  template <class F>
  void take(F f) {
    rec_.out.clear();
    f();
    line = rec_.out.substr(0, rec_.out.size() - 1);  // without its newline
  }
  DecisionRecorder rec_;
};

struct Expected {
  std::string line;
  std::size_t op;  // the timed op whose take caused it
};

// The golden model's outputs, port by port, in the gateway's take order: acks, rejects and
// cancels to the client; an accepted order forwarded and a liquidation's copy to the venue;
// liquidations, local marks and event errors to the risk desk (market port).
class ModelStreams final : public DecisionSink {
 public:
  std::array<std::vector<Expected>, kPorts> port;
  std::size_t op = 0;
  std::size_t liq_op = 0;  // a liquidation's cause: the mark whose walk is open, else op
  std::string control;  // anything the mailbox would answer: must stay empty in the timed part

  void ack(i64 id) override {
    sink_.ack(id);
    push(0);
    port[1].push_back(Expected{"forward " + std::to_string(id), op});
  }
  void reject(i64 id, Reason r) override {
    sink_.reject(id, r);
    push(0);
  }
  void canceled(i64 id) override {
    sink_.canceled(id);
    push(0);
  }
  void liquidate(int a, i128 eq, i128 mm) override {
    sink_.liquidate(a, eq, mm);
    port[1].push_back(Expected{sink_.line, liq_op});
    port[2].push_back(Expected{sink_.line, liq_op});
  }
  void mark(int s, i64 px) override {
    sink_.mark(s, px);
    push(2);
  }
  void withdraw(int a, i64 x, bool ok) override {
    sink_.withdraw(a, x, ok);
    control += sink_.line + "\n";
  }
  void account(int a, const AccountSnapshot& v) override {
    sink_.account(a, v);
    control += sink_.line + "\n";
  }
  void error(const char* m) override {
    sink_.error(m);
    push(2);
  }

 private:
  void push(int p) { port[static_cast<std::size_t>(p)].push_back(Expected{sink_.line, op}); }
  LineSink sink_;
};

// Forwards to whichever sink is current: the model is one sw backend from set-up to the end.
class SwitchSink final : public DecisionSink {
 public:
  DecisionSink* to = nullptr;
  void ack(i64 id) override { to->ack(id); }
  void reject(i64 id, Reason r) override { to->reject(id, r); }
  void canceled(i64 id) override { to->canceled(id); }
  void liquidate(int a, i128 eq, i128 mm) override { to->liquidate(a, eq, mm); }
  void mark(int s, i64 px) override { to->mark(s, px); }
  void withdraw(int a, i64 x, bool ok) override { to->withdraw(a, x, ok); }
  void account(int a, const AccountSnapshot& v) override { to->account(a, v); }
  void error(const char* m) override { to->error(m); }
};

// A card that only records the frames it is sent: CardProtocol over it is the timed part's
// encoder, so every message is built by the one protocol implementation.
class FrameCapture final : public CardDevice {
 public:
  std::vector<CardFrame> frames;
  void write32(std::uint32_t, std::uint32_t) override {}
  std::uint32_t read32(std::uint32_t) override { return 0; }
  void send_frame(int port, const std::vector<std::uint8_t>& f) override { frames.push_back(CardFrame{port, f, 0}); }
  void wait_quiet(std::uint32_t, std::vector<CardFrame>&) override {}
};

class ProtocolBackend final : public CardBackendBase<Backend> {
 public:
  explicit ProtocolBackend(CardProtocol& p) : p_(p) {}

 protected:
  CardProtocol& proto() override { return p_; }

 private:
  CardProtocol& p_;
};

// A frame from the card as the line the model would have written for it ("" if it carries none).
std::string card_line(const CardFrame& f) {
  const std::uint8_t* m = f.bytes.data() + wire::kPayloadOffset;
  if (f.port == 1 && m[0] == static_cast<std::uint8_t>(wire::MsgType::kForwardOrder))
    return "forward " + std::to_string(wire::get_le<std::int64_t>(m + wire::ForwardOrder::kId));
  LineSink sink;
  CardFrame as_desk = f;
  if (f.port == 1) as_desk.port = 2;  // the venue's copy of a liquidation reads as the desk's
  card_message_to_sink(as_desk, sink);
  return sink.line;
}

}  // namespace

RunResult run_concurrent(const Load& load, const RunOptions& opt) {
  const auto wall0 = std::chrono::steady_clock::now();
  RunResult r;
  r.load = load.name;
  r.setup_events = load.setup.size();
  r.timed_events = load.timed.size();
  r.dropped_control = load.dropped_control;

  RtlOptions ro;
  ro.seed = opt.seed;
  VerilatedCard card(ro);
  SwitchSink to_model;
  SwBackend model(to_model);

  // ---- set-up: one event at a time through the card protocol, checked against the model -----------
  DecisionRecorder model_setup, card_setup;
  to_model.to = &model_setup;
  CardProtocol proto(card, card_setup);
  proto.start();
  ProtocolBackend card_be(proto);
  for (const Op& op : load.setup) {
    op.apply(model);
    op.apply(card_be);
  }
  if (model_setup.out != card_setup.out) {
    r.mismatch = "set-up: the card's decisions differ from the model's";
    return r;
  }
  // From here the card may interleave a mark's walk with client orders; the model steps its walk
  // where the card's walk_step_o says (Engine::set_walk_stepping).
  model.set_walk_stepping(true);

  // ---- the timed part: frames encoded in order, released at their cycles ---------------------------
  FrameCapture capture;
  DecisionRecorder unused;
  CardProtocol encoder(capture, unused);
  encoder.resume_inbound_seq(proto.inbound_seq());
  ProtocolBackend encode_be(encoder);
  const std::uint64_t t0 = card.cycles() + 8;
  std::array<std::uint64_t, kPorts> port_free{t0, t0, t0};
  // The load's events are tags 0 .. n-1; garbage-valued events a hostile source adds follow.
  const std::size_t n = load.timed.size();
  std::deque<TimedOp> garbage;
  auto timed_at = [&](std::size_t tag) -> const TimedOp& { return tag < n ? load.timed[tag] : garbage[tag - n]; };
  std::vector<std::uint64_t> intended_last(n);
  auto schedule = [&](const TimedOp& t, std::size_t tag) {
    capture.frames.clear();
    t.op.apply(encode_be);
    if (capture.frames.size() != 1 || static_cast<int>(t.op.entry) != capture.frames[0].port)
      throw std::logic_error("run_concurrent: a timed event must be one frame on its own port");
    const auto p = static_cast<std::size_t>(capture.frames[0].port);
    const std::uint64_t beats = (capture.frames[0].bytes.size() + 7) / 8;
    const std::uint64_t due = std::max(t0 + t.want, port_free[p]);
    port_free[p] = due + beats;  // back to back at most: a beat a cycle
    if (tag >= intended_last.size()) intended_last.resize(tag + 1);
    intended_last[tag] = due + beats - 1;
    r.last_release = std::max(r.last_release, due - t0);
    card.release_at(static_cast<int>(p), std::move(capture.frames[0].bytes), due, tag);
  };
  std::optional<HostileSource> hostile;
  if (opt.hostile_every > 0) hostile.emplace(opt.seed * 0x9e3779b97f4a7c15ull + 1, encoder);
  std::mt19937_64 hostile_at(opt.seed);
  for (std::size_t i = 0; i < n; ++i) {
    schedule(load.timed[i], i);
    if (!hostile || hostile_at() % opt.hostile_every != 0) continue;
    HostileFrame h = hostile->next();
    const auto hp = static_cast<std::size_t>(h.port);
    if (h.kind == HostileFrame::Kind::kGarbage) {
      ++r.hostile[hp].garbage;
      garbage.push_back(TimedOp{std::move(h.op), port_free[hp] - t0});
      schedule(garbage.back(), n + garbage.size() - 1);
    } else {
      const std::uint64_t due = port_free[hp], beats = (h.frame.size() + 7) / 8;
      port_free[hp] = due + beats;
      r.last_release = std::max(r.last_release, due - t0);
      card.release_bad_at(h.port, std::move(h.frame), due,
                          h.kind == HostileFrame::Kind::kWrongPort ? VerilatedCard::kWrongPortTag
                                                                   : VerilatedCard::kDroppedTag,
                          h.mac_error);
    }
  }

  ModelStreams streams;
  to_model.to = &streams;
  std::vector<bool> answered(n + garbage.size(), false), liq_seen(n + garbage.size(), false);
  card.on_take([&](int src, std::uint64_t tag) {
    if (src > 0 && tag == VerilatedCard::kWrongPortTag) {  // counted by the port, applied nowhere
      ++r.hostile[static_cast<std::size_t>(src - 1)].wrong_port_taken;
      return;
    }
    if (src == 0 || tag == VerilatedCard::kNoTag) {
      if (r.mismatch.empty()) r.mismatch = "a take from source " + std::to_string(src) + " that no timed frame explains";
      return;
    }
    const TimedOp& t = timed_at(tag);
    ++r.ports[static_cast<std::size_t>(src - 1)].taken;
    r.orders_taken += t.op.is_order;
    r.marks_taken += t.op.is_mark;
    // While a mark's walk is suspended the card takes client and venue events alone. A
    // liquidation an event taken into the walk sets off is counted as the mark's (the model
    // revalues the event's account first and cannot tell the two apart).
    const bool into_walk = (src == 1 || src == 2) && model.walk_open();
    if (!into_walk && model.walk_open() && r.mismatch.empty())
      r.mismatch = "a take from source " + std::to_string(src) + " while the model's walk has holders left";
    streams.op = tag;
    if (!into_walk) streams.liq_op = tag;
    t.op.apply(model);
  });
  card.on_walk_step([&] {
    streams.op = streams.liq_op;
    if (!model.walk_step() && r.mismatch.empty()) r.mismatch = "a walk step on the card with no holder left in the model";
  });

  std::array<std::size_t, kPorts> matched{};
  std::array<std::uint64_t, kPorts> out_seq{};
  std::vector<CardFrame> out;
  auto compare = [&] {
    out.clear();
    card.take_frames(out);
    for (const CardFrame& f : out) {
      const auto p = static_cast<std::size_t>(f.port);
      const wire::Header h = wire::get_header(f.bytes.data() + wire::kPayloadOffset);
      if (out_seq[p] != 0 && h.seq != out_seq[p] + 1 && r.mismatch.empty())
        r.mismatch = "port " + std::to_string(p) + ": a gap in the outbound sequence numbers";
      out_seq[p] = h.seq;
      const std::string line = card_line(f);
      ++r.ports[p].outputs;
      if (matched[p] >= streams.port[p].size()) {
        if (r.mismatch.empty()) r.mismatch = "port " + std::to_string(p) + ": '" + line + "' out with no model output left";
        continue;
      }
      const Expected& e = streams.port[p][matched[p]++];
      if (line != e.line) {
        if (r.mismatch.empty())
          r.mismatch = "port " + std::to_string(p) + " output " + std::to_string(matched[p]) + ": card '" + line +
                       "', model '" + e.line + "'";
        continue;
      }
      const TimedOp& t = timed_at(e.op);
      const auto lat = static_cast<std::uint32_t>(f.first_beat - intended_last[e.op]);
      if (p == 0 && t.op.is_order && !answered[e.op]) {
        answered[e.op] = true;
        ++r.orders_answered;
        r.order_latency.push_back(lat);
      }
      if (p == 2 && line.rfind("liquidate", 0) == 0) {
        ++r.liquidations;
        if (t.op.is_mark && !liq_seen[e.op]) {
          liq_seen[e.op] = true;
          r.mark_first_liq.push_back(lat);
        }
      }
    }
  };

  // Run until every frame is released and taken and the gateway is quiet for a few cycles.
  const std::uint64_t end_release = t0 + r.last_release;
  int quiet = 0;
  while (quiet < 8) {
    card.step(64);
    compare();
    const bool busy = card.cycles() <= end_release || !card.ingress_done() || !card.egress_quiet();
    quiet = busy ? 0 : quiet + 1;
    if (card.cycles() > end_release + opt.max_drain_cycles) {
      if (r.mismatch.empty()) r.mismatch = "the gateway did not drain";
      break;
    }
  }
  compare();
  if (model.walk_open() && r.mismatch.empty()) r.mismatch = "the model's walk still has holders at the end";
  r.cycles = card.cycles() - t0;
  for (int p = 0; p < kPorts; ++p) {
    const auto pi = static_cast<std::size_t>(p);
    const VerilatedCard::MacStats& m = card.mac_stats(p);
    r.ports[pi].released = m.released;
    r.ports[pi].lost = m.lost;
    r.ports[pi].overrun = m.overrun;
    r.ports[pi].dropped = m.dropped;
    if (r.mismatch.empty() && matched[pi] != streams.port[pi].size())
      r.mismatch = "port " + std::to_string(p) + ": " + std::to_string(streams.port[pi].size() - matched[pi]) +
                   " model outputs never came out (first: '" + streams.port[pi][matched[pi]].line + "')";
    if (r.mismatch.empty() && m.released != m.lost + m.dropped + r.ports[pi].taken)
      r.mismatch = "port " + std::to_string(p) + ": frames sent in and messages taken do not pair up";
    // Every refused frame that went in is counted once by the port, under one of its reasons.
    HostileFigures& h = r.hostile[pi];
    h.refused_released = m.bad_released;
    h.refused_lost = m.bad_lost;
    h.refused_dropped = m.bad_dropped;
    for (const std::uint32_t reg : {regs::kPortDropNotForUs, regs::kPortDropMalformed, regs::kPortDropMacError,
                                    regs::kPortMsgMalformed, regs::kPortMsgWrongPort})
      h.refused_counted += proto.read64(regs::port_reg(p, reg));
    const std::uint64_t went_in = h.refused_released - h.refused_lost - h.refused_dropped;
    if (r.mismatch.empty() && h.refused_counted != went_in)
      r.mismatch = "port " + std::to_string(p) + ": " + std::to_string(went_in) + " refused frames went in, " +
                   std::to_string(h.refused_counted) + " counted";
    if (r.mismatch.empty() && h.wrong_port_taken != proto.read64(regs::port_reg(p, regs::kPortMsgWrongPort)))
      r.mismatch = "port " + std::to_string(p) + ": wrong-port takes and their counter differ";
  }
  if (r.mismatch.empty() && !streams.control.empty()) r.mismatch = "the model answered a mailbox event in the timed part";
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  return r;
}

namespace {

void print_latency(std::FILE* out, const char* name, std::vector<std::uint32_t> v) {
  if (v.empty()) return std::fprintf(out, "  %-50s %9s\n", name, "(none)"), void();
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    const auto k = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size()))) - 1;
    return v[std::min(v.size() - 1, k)];
  };
  std::fprintf(out, "  %-50s %9zu %7u %7u %7u %7u %7u %8u\n", name, v.size(), v.front(), at(0.5), at(0.9), at(0.99),
               at(0.999), v.back());
}

}  // namespace

void print_result(const RunResult& r, std::FILE* out) {
  std::fprintf(out, "%s: %llu set-up events, %llu timed events over %llu cycles (last release at %llu; %.1f s wall)\n",
               r.load.c_str(), static_cast<unsigned long long>(r.setup_events),
               static_cast<unsigned long long>(r.timed_events), static_cast<unsigned long long>(r.cycles),
               static_cast<unsigned long long>(r.last_release), r.wall_seconds);
  if (r.dropped_control != 0)
    std::fprintf(out, "  %llu mailbox events of the scenario's timed part not sent\n",
                 static_cast<unsigned long long>(r.dropped_control));
  static const char* kNames[] = {"client", "venue", "market"};
  std::fprintf(out, "  %-8s %10s %10s %10s %10s %10s %10s\n", "port", "released", "lost", "overrun", "dropped", "taken",
               "frames out");
  for (std::size_t p = 0; p < r.ports.size(); ++p) {
    const PortFigures& f = r.ports[p];
    std::fprintf(out, "  %-8s %10llu %10llu %10llu %10llu %10llu %10llu\n", kNames[p],
                 static_cast<unsigned long long>(f.released), static_cast<unsigned long long>(f.lost),
                 static_cast<unsigned long long>(f.overrun), static_cast<unsigned long long>(f.dropped),
                 static_cast<unsigned long long>(f.taken), static_cast<unsigned long long>(f.outputs));
  }
  for (std::size_t p = 0; p < r.hostile.size(); ++p) {
    const HostileFigures& h = r.hostile[p];
    if (h.refused_released + h.garbage == 0) continue;
    std::fprintf(out, "  hostile %-7s refused %llu (lost %llu, dropped %llu, counted by the port %llu; wrong type taken %llu), garbage events %llu\n",
                 kNames[p], static_cast<unsigned long long>(h.refused_released),
                 static_cast<unsigned long long>(h.refused_lost), static_cast<unsigned long long>(h.refused_dropped),
                 static_cast<unsigned long long>(h.refused_counted), static_cast<unsigned long long>(h.wrong_port_taken),
                 static_cast<unsigned long long>(h.garbage));
  }
  std::fprintf(out, "  orders taken %llu, answered %llu; marks taken %llu; liquidations %llu\n",
               static_cast<unsigned long long>(r.orders_taken), static_cast<unsigned long long>(r.orders_answered),
               static_cast<unsigned long long>(r.marks_taken), static_cast<unsigned long long>(r.liquidations));
  std::fprintf(out, "  %-50s %9s %7s %7s %7s %7s %7s %8s\n", "latency in cycles", "count", "min", "median", "p90", "p99",
               "p99.9", "max");
  print_latency(out, "order: intended last beat -> ack/reject first beat", r.order_latency);
  print_latency(out, "mark: intended last beat -> first liquidation", r.mark_first_liq);
  std::fprintf(out, "  scoreboard: %s\n", r.mismatch.empty() ? "every output equal to the model's in take order"
                                                             : r.mismatch.c_str());
}

}  // namespace perpgate::load
