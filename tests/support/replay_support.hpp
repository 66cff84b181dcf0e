// Test helpers: run scenario text through `replay` in-process, and small builders.
#pragma once

#include <simdjson.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "replay/replayer.hpp"

namespace perpgate::test {

struct ReplayResult {
  std::string output;  // decisions, JSON Lines
  int exit_status = 0;
  ReplayStats stats;
};

// The whole file; a file that cannot be read throws (a test must not pass on empty input).
inline std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

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
