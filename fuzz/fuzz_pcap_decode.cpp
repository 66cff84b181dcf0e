// Fuzz target: `perpgate pcap decode` (decode_host_output), the host's transmitted frames and
// control log back to the replay contract. The directory encode writes (gateway.toml,
// directory.json, causes.tsv) is fixed: the small generated scenario's. The input is
// [u16 n, little-endian][n bytes: the control log][the rest: out.pcap].
// Invariants: decode either refuses with an exception (std::exception: unreadable or
// inconsistent input) or returns JSON Lines in which every line is one JSON object with an
// "ev" (unless the control log holds notes: those are copied verbatim); it reads nothing outside the frames it was given (AddressSanitizer); the same input
// decodes to the same bytes.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "fuzz_common.hpp"
#include "fuzz_scenario.hpp"

namespace perpgate::fuzz {
namespace {

struct Dir {
  std::string path;
  Dir() {
    char tmpl[] = "/tmp/perpgate-fuzz-decode-XXXXXX";
    const char* p = ::mkdtemp(tmpl);
    FUZZ_CHECK(p != nullptr, "cannot create a temporary directory");
    path = p;
    encode_small_scenario(path);
  }
  ~Dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

void write_file(const std::string& path, const std::uint8_t* p, std::size_t n) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  FUZZ_CHECK(f != nullptr, "cannot write %s", path.c_str());
  FUZZ_CHECK(n == 0 || std::fwrite(p, 1, n, f) == n, "short write to %s", path.c_str());
  std::fclose(f);
}

bool decode(const DecodeInputs& in, std::string& out) {
  try {
    out = decode_host_output(in);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace
}  // namespace perpgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace perpgate;
  using namespace perpgate::fuzz;
  static Dir dir;
  if (size < 2 || size > 1 << 16) return 0;
  const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(data[0] | data[1] << 8), size - 2);
  const DecodeInputs in{dir.path + "/out.pcap", dir.path + "/control.log", dir.path};
  write_file(in.control_log, data + 2, n);
  write_file(in.out_pcap, data + 2 + n, size - 2 - n);

  std::string out, again;
  const bool ok = decode(in, out);
  FUZZ_CHECK(decode(in, again) == ok && again == out, "the same input decodes to other bytes");
  if (!ok) return 0;
  if (std::string_view(reinterpret_cast<const char*>(data + 2), n).find("note") != std::string_view::npos) return 0;
  simdjson::dom::parser parser;
  std::size_t pos = 0;
  while (pos < out.size()) {
    std::size_t nl = out.find('\n', pos);
    FUZZ_CHECK(nl != std::string::npos, "the output's last line has no newline");
    const simdjson::padded_string line(out.data() + pos, nl - pos);
    simdjson::dom::element e;
    FUZZ_CHECK(parser.parse(line).get(e) == simdjson::SUCCESS && e.is_object(), "an output line is no JSON object: %.*s",
               static_cast<int>(nl - pos), out.data() + pos);
    std::string_view ev;
    FUZZ_CHECK(e["ev"].get(ev) == simdjson::SUCCESS, "an output line without \"ev\": %.*s", static_cast<int>(nl - pos),
               out.data() + pos);
    pos = nl + 1;
  }
  return 0;
}
