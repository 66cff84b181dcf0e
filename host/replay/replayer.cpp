#include "replayer.hpp"

#include <simdjson.h>

#include <cstring>

#include "decimal.hpp"
#include "decision_json.hpp"
#include "perpgate/margin.hpp"

namespace perpgate {
namespace {

constexpr std::size_t kFlushBytes = 1 << 20;

bool is_blank_or_comment(const char* p, std::size_t n) {
  std::size_t i = 0;
  while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r')) ++i;
  return i == n || p[i] == '#';
}

}  // namespace

Replayer::Replayer(std::string_view backend, std::FILE* out)
    : backend_(make_backend(backend, *this)), out_(out) {}

Replayer::Replayer(const BackendFactory& factory, std::FILE* out) : backend_(factory(*this)), out_(out) {}

Replayer::~Replayer() { flush(); }

void Replayer::flush() {
  if (out_ != nullptr && !buf_.empty()) {
    std::fwrite(buf_.data(), 1, buf_.size(), out_);
    buf_.clear();
  }
}

void Replayer::maybe_flush() {
  if (out_ != nullptr && buf_.size() >= kFlushBytes) flush();
}

void Replayer::run(const char* data, std::size_t len, std::size_t capacity) {
  ScenarioParser parser;
  ScenarioLine line;
  std::size_t pos = 0;
  while (pos < len) {
    const void* nl = std::memchr(data + pos, '\n', len - pos);
    const std::size_t end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) : len;
    ++line_no_;
    const char* text = data + pos;
    const std::size_t n = end - pos;
    pos = end + 1;
    if (is_blank_or_comment(text, n)) continue;
    ++stats_.lines;
    const std::size_t before = buf_.size();
    const std::string msg = parser.parse(text, n, capacity - static_cast<std::size_t>(text - data), line);
    if (!msg.empty()) {
      error_line(msg);
    } else {
      apply(line);
    }
    if (hook_) hook_(line_no_, std::string_view(buf_).substr(before));
    maybe_flush();
  }
}

int Replayer::account_index(i64 acct) const {
  const auto it = account_ids_.find(acct);
  return it == account_ids_.end() ? -1 : it->second;
}

int Replayer::symbol_index(std::string_view sym) const {
  const auto it = symbol_ids_.find(std::string(sym));
  return it == symbol_ids_.end() ? -1 : it->second;
}

void Replayer::define_symbol(const ScenarioLine& line) {
  int s = symbol_index(line.sym);
  const bool is_new = s < 0;
  if (is_new) {
    for (const Field f : {kFTick, kFLot, kFMaxLev, kFTiers}) {
      if (!line.has(f)) {
        static const char* const names[] = {"tick", "lot", "max_lev", "tiers"};
        const int k = f == kFTick ? 0 : f == kFLot ? 1 : f == kFMaxLev ? 2 : 3;
        return error_line(std::string("missing field '") + names[k] + "' for a new symbol");
      }
    }
    if (static_cast<int>(dir_.symbol_json.size()) >= GatewayParams::kSymbols)
      return error_line("symbol table full (" + std::to_string(GatewayParams::kSymbols) + ")");
    s = static_cast<int>(dir_.symbol_json.size());
  }
  // Start from the previous definition (or the defaults) and overlay what the line gives.
  SymbolConfig cfg = is_new ? SymbolConfig{} : symbol_config_[static_cast<std::size_t>(s)];
  const SymbolConfig& in = line.cfg;
  if (line.has(kFTick)) cfg.tick = in.tick;
  if (line.has(kFLot)) cfg.lot = in.lot;
  if (line.has(kFMaxLev)) cfg.max_lev = in.max_lev;
  if (line.has(kFTiers)) {
    cfg.tier_count = in.tier_count;
    std::memcpy(cfg.tiers, in.tiers, sizeof cfg.tiers);
  }
  if (line.has(kFBand)) cfg.band = in.band;
  if (line.has(kFMaxQty)) cfg.max_qty = in.max_qty;
  if (line.has(kFMaxNotional)) cfg.max_notional = in.max_notional;
  if (line.has(kFMaxPos)) cfg.max_pos = in.max_pos;
  if (line.has(kFMarkMode)) cfg.local_mark = in.local_mark;
  if (line.has(kFEmaMs)) cfg.ema_ms = in.ema_ms;
  if (line.has(kFStaleMs)) cfg.stale_ms = in.stale_ms;
  if (const char* why = symbol_config_error(cfg)) return error_line(why);
  if (is_new) {
    symbol_ids_.emplace(line.sym, s);
    std::string json;
    append_json_string(json, line.sym);
    dir_.symbol_json.push_back(std::move(json));
    symbol_config_.push_back(cfg);
  } else {
    symbol_config_[static_cast<std::size_t>(s)] = cfg;
  }
  backend_->define_symbol(s, cfg);
}

void Replayer::define_account(const ScenarioLine& line) {
  int a = account_index(line.acct);
  if (a < 0) {
    if (!line.has(kFCollateral)) return error_line("missing field 'collateral' for a new account");
    if (static_cast<int>(dir_.account_ids.size()) >= GatewayParams::kAccounts)
      return error_line("account table full (" + std::to_string(GatewayParams::kAccounts) + ")");
    a = static_cast<int>(dir_.account_ids.size());
    account_ids_.emplace(line.acct, a);
    dir_.account_ids.push_back(line.acct);
    backend_->create_account(a, line.collateral);
  } else if (line.has(kFCollateral)) {
    error_line("account exists: collateral unchanged (use deposit/withdraw); leverage applied");
  }
  for (const auto& [sym, lev] : line.lev) {
    const int s = symbol_index(sym);
    if (s < 0) {
      error_line("unknown symbol '" + sym + "' in lev");
      continue;
    }
    backend_->set_leverage(a, s, lev);
  }
  if (line.has(kFMaxRate)) backend_->set_rate_limit(a, line.max_rate);
}

void Replayer::apply(const ScenarioLine& line) {
  if (line.has(kFTs)) backend_->advance_clock(line.ts);
  Backend& be = *backend_;
  // Resolves the line's account or symbol, reporting an unknown one; -1 when unknown.
  auto acct = [&]() {
    const int a = account_index(line.acct);
    if (a < 0) error_line("unknown account " + std::to_string(line.acct));
    return a;
  };
  auto sym = [&]() {
    const int s = symbol_index(line.sym);
    if (s < 0) error_line("unknown symbol '" + line.sym + "'");
    return s;
  };
  switch (line.kind) {
    case EventKind::kSymbol: return define_symbol(line);
    case EventKind::kAccount: return define_account(line);
    case EventKind::kDeposit:
      if (const int a = acct(); a >= 0) be.deposit(a, line.amount);
      return;
    case EventKind::kWithdraw:
      if (const int a = acct(); a >= 0) be.withdraw(a, line.amount);
      return;
    case EventKind::kMark:
      if (const int s = sym(); s >= 0) be.mark(s, line.px);
      return;
    case EventKind::kIndex:
      if (const int s = sym(); s >= 0) be.index(s, line.px);
      return;
    case EventKind::kBook:
      if (const int s = sym(); s >= 0) be.book(s, line.bid, line.ask);
      return;
    case EventKind::kTrade:
      if (const int s = sym(); s >= 0) be.trade(s, line.px);
      return;
    case EventKind::kFunding:
      if (const int s = sym(); s >= 0) be.funding(s, line.rate);
      return;
    case EventKind::kOrder: {
      ++stats_.orders;
      OrderEvent o;
      o.acct = account_index(line.acct);  // unknown: the check rejects UNKNOWN_ACCOUNT
      o.sym = symbol_index(line.sym);
      o.id = line.id;
      o.buy = line.buy;
      o.reduce_only = line.reduce_only;
      o.qty = line.qty;
      o.px = line.px;
      return be.order(o);
    }
    case EventKind::kFill: return be.fill(FillEvent{line.id, line.qty, line.px, line.fee});
    case EventKind::kCancel: return be.cancel(line.id);
    case EventKind::kKill:
    case EventKind::kUnkill: {
      // kill: reduce-only orders still taken unless "reduce_only": false (KillMode::kHard)
      const KillMode mode = kill_mode(line.kind == EventKind::kKill, line.has(kFReduceOnly) && !line.reduce_only);
      if (line.acct_all) return be.kill(-1, mode);
      if (const int a = acct(); a >= 0) be.kill(a, mode);
      return;
    }
    case EventKind::kQuery:
      if (const int a = acct(); a >= 0) be.query(a);
      return;
  }
}

// ---- output ------------------------------------------------------------------------------------

void Replayer::ack(i64 id) {
  ++stats_.acks;
  json_.ack(id);
}

void Replayer::reject(i64 id, Reason reason) {
  ++stats_.rejects[static_cast<std::size_t>(reason)];
  json_.reject(id, reason);
}

void Replayer::canceled(i64 id) { json_.canceled(id); }

void Replayer::liquidate(int acct, i128 equity, i128 mm) {
  ++stats_.liquidations;
  json_.liquidate(acct, equity, mm);
}

void Replayer::mark(int sym, i64 px) {
  ++stats_.marks;
  json_.mark(sym, px);
}

void Replayer::withdraw(int acct, i64 amount, bool ok) { json_.withdraw(acct, amount, ok); }

void Replayer::account(int acct, const AccountSnapshot& v) { json_.account(acct, v); }

void Replayer::error(const char* msg) { error_line(msg); }

void Replayer::error_line(std::string_view msg) {
  ++stats_.errors;
  json_.error(line_no_, msg);
}

}  // namespace perpgate
