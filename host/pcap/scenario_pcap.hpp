// `perpgate pcap`: a replay scenario as the host sees it on the wire, and the host's output back
// as the replay contract's JSON Lines.
//
// encode writes into a directory:
//   in.pcap         every order, fill, cancel_ack and market-data message as a UDP frame, in
//                   scenario order (one wire: roles told apart by destination address and port)
//   control.jsonl   the control-plane actions (symbols, accounts, limits, deposits, withdrawals,
//                   kill switch, clock, queries) with the frame count after which each applies;
//                   the scenario's own errors travel as notes
//   gateway.toml    the host configuration: endpoints, client sessions and their accounts
//   directory.json  outside account ids and symbol names by table index
//   causes.tsv      which scenario line each frame and control action came from
//   encode.json     counts: frames, bad frames, control actions
// decode reads the host's out.pcap and control log (plus directory.json and causes.tsv) and
// writes what `perpgate replay` writes for the scenario.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/control_op.hpp"

namespace perpgate {

struct EncodeOptions {
  int sessions = 4;  // client sessions; account index a trades through session 1 + a % sessions
  // If > 0: after every bad_every-th frame, a bad one (random bytes, truncated, broken IP
  // checksum, another UDP port, unknown type, wrong length field, a type the role does not
  // carry, in turn). The host must count each and let none change anything.
  std::uint64_t bad_every = 0;
  std::uint64_t seed = 1;
};
struct EncodeResult {
  std::uint64_t frames = 0;      // all frames in in.pcap, bad ones included
  std::uint64_t bad_frames = 0;
  std::uint64_t control_ops = 0;
};

// Throws std::runtime_error on files it cannot write.
EncodeResult encode_scenario(const char* data, std::size_t len, std::size_t capacity, const std::string& dir,
                             const EncodeOptions& opt);

struct DecodeInputs {
  std::string out_pcap;     // the host's transmitted frames
  std::string control_log;  // the host's control log
  std::string dir;          // encode's directory (gateway.toml, directory.json, causes.tsv)
};
// Returns the JSON Lines; throws std::runtime_error on unreadable or inconsistent input.
std::string decode_host_output(const DecodeInputs& in);

// The control actions of scenario lines that are all control-plane (symbols, accounts), resolved
// exactly as `perpgate replay` resolves them; the first error line throws, prefixed by `source`.
std::vector<ControlOp> control_ops_of_scenario(const std::string& jsonl, const std::string& source);

}  // namespace perpgate
