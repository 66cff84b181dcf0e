// `perpgate replay`: runs a JSON Lines scenario (spec/replay.md) through a backend and writes the
// decisions as JSON Lines. Owns the directory that maps outside ids (account numbers, symbol
// names) to table indices, as the host's control plane does for the card.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "backend/backend.hpp"
#include "decision_json.hpp"
#include "scenario_line.hpp"

namespace perpgate {

struct ReplayStats {
  std::uint64_t lines = 0;   // non-blank, non-comment lines
  std::uint64_t orders = 0;
  std::uint64_t acks = 0;
  std::array<std::uint64_t, kReasonCount> rejects{};
  std::uint64_t liquidations = 0;
  std::uint64_t marks = 0;   // local marks computed
  std::uint64_t errors = 0;
};

class Replayer final : private DecisionSink {
 public:
  using BackendFactory = std::function<std::unique_ptr<Backend>(DecisionSink&)>;
  // Called after each applied line with its number and the output it caused (tests hold the
  // model's invariants to it). Only meaningful when output accumulates (out == nullptr).
  using LineHook = std::function<void(std::uint64_t line_no, std::string_view produced)>;

  // Decisions go to `out` when given (flushed in large blocks), else they accumulate in output().
  Replayer(std::string_view backend, std::FILE* out);
  Replayer(const BackendFactory& factory, std::FILE* out);
  void set_line_hook(LineHook hook) { hook_ = std::move(hook); }
  ~Replayer() override;

  bool ok() const { return backend_ != nullptr; }
  // Runs a whole scenario held in `data` (followed by at least SIMDJSON_PADDING readable bytes).
  void run(const char* data, std::size_t len, std::size_t capacity);
  void flush();
  // 0 when every line was understood, 3 when some line produced an `error`.
  int exit_status() const { return stats_.errors ? 3 : 0; }
  const ReplayStats& stats() const { return stats_; }
  const std::string& output() const { return buf_; }
  // The scenario line being applied (1-based), for tools that follow the replay.
  std::uint64_t line_no() const { return line_no_; }
  // Outside ids by table index, as defined so far.
  const Directory& directory() const { return dir_; }

 private:
  void apply(const ScenarioLine& line);
  int account_index(i64 acct) const;
  int symbol_index(std::string_view sym) const;
  void define_symbol(const ScenarioLine& line);
  void define_account(const ScenarioLine& line);

  // DecisionSink: JSON output.
  void ack(i64 id) override;
  void reject(i64 id, Reason reason) override;
  void canceled(i64 id) override;
  void liquidate(int acct, i128 equity, i128 mm) override;
  void mark(int sym, i64 px) override;
  void withdraw(int acct, i64 amount, bool ok) override;
  void account(int acct, const AccountSnapshot& view) override;
  void error(const char* msg) override;
  void error_line(std::string_view msg);
  void maybe_flush();

  std::unique_ptr<Backend> backend_;
  LineHook hook_;
  std::FILE* out_;
  std::string buf_;
  std::uint64_t line_no_ = 0;
  ReplayStats stats_;
  std::unordered_map<i64, int> account_ids_;

  std::unordered_map<std::string, int> symbol_ids_;
  Directory dir_;
  DecisionJson json_{buf_, dir_};
  std::vector<SymbolConfig> symbol_config_;  // as last defined, for partial updates
};

}  // namespace perpgate
