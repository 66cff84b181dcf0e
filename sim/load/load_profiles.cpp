#include "load/load_profiles.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <stdexcept>

#include "perpgate/wire.hpp"
#include "replay/replayer.hpp"
#include "replay/scenario_gen.hpp"
#include "wire/udp_frame.hpp"

namespace perpgate::load {
namespace {

// Runs a scenario (JSON Lines) through the replayer into an OpRecorder: the replayer resolves
// names to table indices as the host's control plane does, the recorder keeps the calls.
std::vector<Op> record_scenario(const std::string& scenario) {
  std::string buf = scenario;
  const std::size_t len = buf.size();
  buf.append(simdjson::SIMDJSON_PADDING, '\0');
  OpRecorder* rec = nullptr;
  Replayer r([&](DecisionSink&) -> std::unique_ptr<Backend> {
    auto b = std::make_unique<OpRecorder>();
    rec = b.get();
    return b;
  }, nullptr);
  r.run(buf.data(), len, buf.size());
  if (rec == nullptr || r.stats().errors != 0) throw std::runtime_error("load: the scenario did not replay cleanly");
  return std::move(rec->ops);
}

// The generator's symbols and their first marks: the set-up every load starts from.
std::vector<Op> generator_symbols(std::uint64_t seed) {
  std::string text;
  generate_scenario(GenOptions{seed, 0, 0, false, 0.0}, text);
  return record_scenario(text);
}

// Acks from the golden model, to keep a closed loop as a venue would: fills and cancels refer to
// orders the model accepted (taken in release order; the gateway may take them otherwise, which
// the scoreboard follows).
class AckTracker final : public NullDecisionSink {
 public:
  i64 last_ack = -1;
  void ack(i64 id) override { last_ack = id; }
};

struct OpenOrder {
  i64 qty, px;
};

constexpr std::uint64_t frame_beats(std::size_t msg_size) { return (wire::kPayloadOffset + msg_size + 7) / 8; }

}  // namespace

Load make_l1(const L1Options& opt) {
  if (opt.holders < 1 || opt.others < 0 || opt.fill_every < 1) throw std::invalid_argument("make_l1: bad options");
  if (opt.holders + opt.others > GatewayParams::kAccounts) throw std::invalid_argument("make_l1: more accounts than the card holds");
  Load load;
  load.name = "L1";
  std::mt19937_64 rng(opt.seed);
  auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng); };
  auto below = [&](std::uint64_t n) { return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng); };

  OpRecorder rec;
  AckTracker acks;
  auto model = make_backend("sw", acks);
  auto emit_setup = [&](auto call) {
    const std::size_t n = rec.ops.size();
    call(rec);
    for (std::size_t i = n; i < rec.ops.size(); ++i) {
      rec.ops[i].apply(*model);
      load.setup.push_back(std::move(rec.ops[i]));
    }
    rec.ops.resize(n);
  };

  for (Op& op : generator_symbols(opt.seed)) {
    op.apply(*model);
    load.setup.push_back(std::move(op));
  }
  const GenSymbol held = gen_symbol(0), other = gen_symbol(1);
  const double held_px = static_cast<double>(held.start_px) / kPxScale;
  const int accounts = opt.holders + opt.others;
  static const int kLevs[] = {10, 20, 25, 50};
  i64 next_id = 1;
  for (int a = 0; a < accounts; ++a) {
    const i64 collateral = (1'000 + static_cast<i64>(below(49'000))) * kMoneyScale;
    const int lev = kLevs[below(4)];
    emit_setup([&](Backend& b) {
      b.create_account(a, collateral);
      b.set_leverage(a, 0, lev);
      b.set_leverage(a, 1, 20);
    });
    if (a >= opt.holders) continue;
    // A position of 50-95 % of what the leverage allows, long or short, filled at the mark.
    const double notional = static_cast<double>(collateral) / kMoneyScale * lev * uniform(0.5, 0.95);
    const double lots = std::floor(notional / held_px / (static_cast<double>(held.lot) / kQtyScale));
    const OrderEvent o{a, 0, next_id++, below(10) < 7, false, std::max<i64>(1, static_cast<i64>(lots)) * held.lot,
                       held.start_px};
    emit_setup([&](Backend& b) { b.order(o); });
    if (acks.last_ack != o.id) throw std::logic_error("make_l1: a holder's opening order was rejected");
    emit_setup([&](Backend& b) { b.fill(FillEvent{o.id, o.qty, o.px, 0}); });
  }

  // The timed part: orders back to back (plus order_gap), marks every mark_every_us on the held
  // symbol drifting 8 % down over the run with +-0.05 % noise, fills and cancels of open orders.
  const std::uint64_t order_period = frame_beats(wire::NewOrder::kSize) + opt.order_gap;
  const std::uint64_t mark_period = us_to_cycles(opt.mark_every_us);
  const std::uint64_t orders_planned = opt.events * static_cast<std::uint64_t>(opt.fill_every) /
                                       (static_cast<std::uint64_t>(opt.fill_every) + 2);
  const double marks_planned = std::max(1.0, static_cast<double>(orders_planned * order_period) / static_cast<double>(mark_period));
  std::map<i64, OpenOrder> open;  // acked and neither filled nor cancelled, by id
  std::vector<i64> open_ids;
  i64 mark_px = held.start_px;
  std::uint64_t next_mark = mark_period, marks = 0;
  auto timed = [&](std::uint64_t want, auto call) {
    const std::size_t n = rec.ops.size();
    call(rec);
    for (std::size_t i = n; i < rec.ops.size(); ++i) {
      rec.ops[i].apply(*model);
      load.timed.push_back(TimedOp{std::move(rec.ops[i]), want});
    }
    rec.ops.resize(n);
  };
  auto take_open = [&]() -> i64 {  // a random open order, removed from the open set
    while (!open_ids.empty()) {
      const std::size_t k = below(open_ids.size());
      const i64 id = open_ids[k];
      open_ids[k] = open_ids.back();
      open_ids.pop_back();
      if (open.count(id) != 0) return id;
    }
    return -1;
  };
  for (std::uint64_t k = 0; load.timed.size() < opt.events; ++k) {
    const std::uint64_t t = k * order_period;
    while (next_mark <= t) {
      const double step = -0.08 / marks_planned + uniform(-0.0005, 0.0005);
      mark_px = std::max(held.tick, static_cast<i64>(static_cast<double>(mark_px) * (1.0 + step)) / held.tick * held.tick);
      const i64 px = mark_px;
      timed(next_mark, [&](Backend& b) { b.mark(0, px); });
      next_mark += mark_period;
      ++marks;
    }
    const int a = static_cast<int>(below(static_cast<std::uint64_t>(accounts)));
    const bool holder = a < opt.holders;
    const GenSymbol& y = holder ? held : other;
    const i64 ref = holder ? mark_px : other.start_px;
    const i64 offset = static_cast<i64>(below(1001)) - 500;  // +-0.5 % around the mark
    const i64 px = std::max(y.tick, (ref + ref / 100'000 * offset) / y.tick * y.tick);
    const OrderEvent o{a, holder ? 0 : 1, next_id++, below(2) == 0, holder && below(10) == 0,
                       y.lot * static_cast<i64>(1 + below(20)), px};
    acks.last_ack = -1;
    timed(t, [&](Backend& b) { b.order(o); });
    if (acks.last_ack == o.id) {
      open[o.id] = OpenOrder{o.qty, o.px};
      open_ids.push_back(o.id);
    }
    if (k % static_cast<std::uint64_t>(opt.fill_every) == 0) {
      if (const i64 id = take_open(); id >= 0) {
        const OpenOrder f = open[id];
        open.erase(id);
        timed(t, [&](Backend& b) { b.fill(FillEvent{id, f.qty, f.px, 0}); });
      }
      if (const i64 id = take_open(); id >= 0) {
        open.erase(id);
        timed(t, [&](Backend& b) { b.cancel(id); });
      }
    }
  }
  return load;
}

Load make_l3(const L3Options& opt) {
  if (opt.cycles_per_ms <= 0.0) throw std::invalid_argument("make_l3: cycles_per_ms must be positive");
  std::string text;
  generate_scenario(GenOptions{opt.seed, opt.accounts, opt.events, true, 0.01}, text);
  std::vector<Op> ops = record_scenario(text);
  Load load;
  load.name = "L3";
  std::size_t i = 0;
  while (i < ops.size() && !ops[i].is_order) load.setup.push_back(std::move(ops[i++]));
  const i64 t0 = i < ops.size() ? ops[i].ts : 0;
  for (; i < ops.size(); ++i) {
    if (ops[i].entry == Entry::kMailbox) {
      ++load.dropped_control;
      continue;
    }
    const double ms = static_cast<double>(std::max<i64>(0, ops[i].ts - t0));
    load.timed.push_back(TimedOp{std::move(ops[i]), static_cast<std::uint64_t>(ms * opt.cycles_per_ms)});
  }
  return load;
}

}  // namespace perpgate::load
