// Shared pieces of the fuzz targets: the invariant check that stops the run, a gateway set up as
// in the gateway tests (three roles on one port, three sessions, one symbol, three accounts, a
// mark), frame and log recorders, and account snapshots to tell whether an input changed state.
//
// Each target defines LLVMFuzzerTestOneInput; built with PERPGATE_FUZZ it runs under libFuzzer,
// otherwise replay_main.cpp feeds it the committed seed corpus (ctest).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backend/sw_backend.hpp"
#include "gateway/gateway.hpp"
#include "support/gateway_fixture_config.hpp"
#include "support/recording_frames.hpp"
#include "wire/codec.hpp"

// An invariant that does not hold: report it and abort (libFuzzer keeps the input as a crash).
#define FUZZ_CHECK(cond, ...)                                                              \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "invariant failed at %s:%d: %s\n  ", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, __VA_ARGS__);                                                    \
      std::fprintf(stderr, "\n");                                                           \
      std::abort();                                                                         \
    }                                                                                       \
  } while (0)

namespace perpgate::fuzz {

using test::kGatewayConfig;  // the gateway tests' configuration (tests/support)

// The input copied with the padding simdjson reads past the end.
struct Padded {
  std::string buf;
  std::size_t len;
  Padded(const std::uint8_t* data, std::size_t size) : buf(reinterpret_cast<const char*>(data), size), len(size) {
    buf.append(simdjson::SIMDJSON_PADDING, '\0');
  }
  const char* data() const { return buf.data(); }
  std::size_t capacity() const { return buf.size(); }
};

using View = AccountSnapshot;

inline bool same_view(const View& a, const View& b) {
  if (a.collateral != b.collateral || a.equity != b.equity || a.im != b.im || a.mm != b.mm ||
      a.position_count != b.position_count)
    return false;
  for (int i = 0; i < a.position_count; ++i)
    if (a.positions[i].sym != b.positions[i].sym || a.positions[i].qty != b.positions[i].qty ||
        a.positions[i].entry != b.positions[i].entry)
      return false;
  return true;
}

// Every account's view (accounts that do not exist read as empty) and the open-order count.
struct Snapshot {
  std::vector<View> views;
  int open_orders = 0;
  bool operator==(const Snapshot& o) const {
    if (open_orders != o.open_orders || views.size() != o.views.size()) return false;
    for (std::size_t i = 0; i < views.size(); ++i)
      if (!same_view(views[i], o.views[i])) return false;
    return true;
  }
};

inline Snapshot snapshot(const Engine<GatewayParams>& e, int accounts) {
  Snapshot s;
  s.open_orders = e.open_orders();
  s.views.resize(static_cast<std::size_t>(accounts));
  for (int a = 0; a < accounts; ++a)
    if (e.account_ok(a)) s.views[static_cast<std::size_t>(a)] = e.view(a);
  return s;
}

// The equity identity: the cached equity, IM and MM equal a recomputation from positions and
// marks alone; IM and MM are never negative.
inline void check_equity_identity(const Engine<GatewayParams>& e, int accounts, const char* where) {
  for (int a = 0; a < accounts; ++a) {
    if (!e.account_ok(a)) continue;
    const View c = e.view(a), f = e.recompute_view(a);
    FUZZ_CHECK(c.equity == f.equity && c.im == f.im && c.mm == f.mm, "%s: account %d caches differ from a recomputation",
               where, a);
    FUZZ_CHECK(c.im >= 0 && c.mm >= 0, "%s: account %d has negative IM or MM", where, a);
  }
}

// ---- a gateway as the gateway tests set it up ----------------------------------------------------

inline constexpr int kFixtureAccounts = 3;  // outside ids 100, 200, 300 at indices 0, 1, 2
inline constexpr i64 kFixtureMark = 6'000'000'000'000;  // 60,000.00 in px units

// The fixture's book as control actions: BTCUSDT (one tier, 50x) and account a (outside id
// 100 x (a + 1), collateral 1,000).
inline ControlOp fixture_symbol_op() {
  ControlOp sym;
  sym.kind = ControlKind::kSymbol;
  sym.sym = 0;
  sym.name = "BTCUSDT";
  sym.cfg.tick = 1'000'000;
  sym.cfg.lot = 100'000;
  sym.cfg.max_lev = 50;
  sym.cfg.tier_count = 1;
  sym.cfg.tiers[0] = {0, 500'000, 0, 0};
  return sym;
}
inline ControlOp fixture_account_op(int a) {
  ControlOp op;
  op.kind = ControlKind::kAccount;
  op.acct = a;
  op.outside_id = 100 * (a + 1);
  op.value = 1'000'000'000;
  return op;
}

using Frames = test::RecordingFrames;

struct Lines final : ControlLog {
  std::vector<std::string> lines;
  void line(std::string_view json) override { lines.emplace_back(json); }
};

struct GatewayFixture {
  GatewayConfig cfg;
  Frames frames;
  Lines log;
  SwBackend* sw = nullptr;
  std::unique_ptr<Gateway> gw;

  // With `book`: symbol 0, accounts 100, 200 and 300, and a mark, through the control plane and a
  // market frame (the frames that caused are cleared).
  explicit GatewayFixture(bool book = true) : cfg(parse_gateway_config(kGatewayConfig, "fuzz.toml")) {
    gw = std::make_unique<Gateway>(
        cfg,
        [this](DecisionSink& s) {
          auto b = std::make_unique<SwBackend>(s);
          sw = b.get();
          return b;
        },
        frames, log);
    if (!book) return;
    gw->control(fixture_symbol_op());
    for (int a = 0; a < kFixtureAccounts; ++a) gw->control(fixture_account_op(a));
    const auto mark = wire::encode_price<wire::Mark>(0, kFixtureMark, 0, 0, 1);
    const auto f = wire::build_udp_frame(cfg.roles[kRoleMarket].peer, cfg.roles[kRoleMarket].ours, mark.data(), mark.size());
    gw->rx(0, f.data(), f.size(), false);
    frames.out.clear();
    log.lines.clear();
  }

  const Engine<GatewayParams>& engine() const { return sw->engine(); }
  Snapshot state() const { return snapshot(engine(), kFixtureAccounts + 1); }
  std::uint64_t port_counter_sum(int first, int last) const {
    std::uint64_t n = 0;
    for (const RoleCounters& rc : gw->counters().roles)
      for (int c = first; c <= last; ++c) n += rc.port[static_cast<std::size_t>(c)];
    return n;
  }
};

}  // namespace perpgate::fuzz
