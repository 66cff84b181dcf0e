// The small scenario the pcap-decode target and the seed builder share: `perpgate pcap encode`
// of it gives the directory (gateway.toml, directory.json, causes.tsv) decode reads beside the
// host's output. Generated, so nothing outside the repository is needed.
#pragma once

#include <simdjson.h>

#include <string>

#include "pcap/scenario_pcap.hpp"
#include "replay/scenario_gen.hpp"

namespace perpgate::fuzz {

inline std::string small_scenario() {
  GenOptions opt;
  opt.seed = 3;
  opt.accounts = 6;
  opt.events = 120;
  opt.bad_fraction = 0.05;
  std::string s;
  generate_scenario(opt, s);
  return s;
}

// Encodes the small scenario into `dir` (which must exist).
inline EncodeResult encode_small_scenario(const std::string& dir) {
  std::string s = small_scenario();
  const std::size_t len = s.size();
  s.append(simdjson::SIMDJSON_PADDING, '\0');
  EncodeOptions opt;
  opt.sessions = 2;
  opt.bad_every = 25;
  return encode_scenario(s.data(), len, s.size(), dir, opt);
}

}  // namespace perpgate::fuzz
