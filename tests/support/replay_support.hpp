// Test helpers: run scenario text through `replay` in-process, and small builders.
#pragma once

#include <simdjson.h>

#include <string>

#include "replay/replayer.hpp"

namespace perpgate::test {

struct ReplayResult {
  std::string output;  // decisions, JSON Lines
  int exit_status = 0;
  ReplayStats stats;
};

// Replays `scenario` (JSON Lines text) through the named backend.
inline ReplayResult replay_text(const std::string& scenario, const std::string& backend = "sw") {
  std::string buf = scenario;
  const std::size_t len = buf.size();
  buf.append(simdjson::SIMDJSON_PADDING, '\0');
  Replayer r(backend, nullptr);
  r.run(buf.data(), len, buf.size());
  return ReplayResult{r.output(), r.exit_status(), r.stats()};
}

}  // namespace perpgate::test
