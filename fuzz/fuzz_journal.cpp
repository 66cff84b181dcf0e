// Fuzz target: the journal reader (read_journal) and a restart's application of what it read
// (apply_journal), on a gateway as `perpgate host` starts it. The input is a journal file. Under
// libFuzzer a custom mutator also works on whole records: it swaps, drops, repeats and cuts
// them, flips bits in headers and payloads, and re-seals a mutated payload with a valid checksum
// so that damage the checksum cannot see reaches the restart too.
// Invariants:
//  - what is read is a prefix: the records written again are the file's first valid_bytes
//    bytes, byte for byte; the file cut anywhere reads as a prefix of the same records;
//  - a restart either refuses the journal with an exception or applies it; when the journal
//    ends with a TX marker, nothing is sent again (those responses left before the crash);
//  - the equity identity holds afterwards; applying the records in two parts (a restart in the
//    middle) ends in the same state and counters as applying them at once, as does doing it again.
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "fuzz_common.hpp"
#include "gateway/recovery.hpp"

namespace perpgate::fuzz {
namespace {

struct TempFiles {
  std::string dir;
  TempFiles() {
    char tmpl[] = "/tmp/perpgate-fuzz-journal-XXXXXX";
    const char* p = ::mkdtemp(tmpl);
    FUZZ_CHECK(p != nullptr, "cannot create a temporary directory");
    dir = p;
  }
  ~TempFiles() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::vector<std::uint8_t> v;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  FUZZ_CHECK(f != nullptr, "cannot read %s", path.c_str());
  std::uint8_t buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) v.insert(v.end(), buf, buf + n);
  std::fclose(f);
  return v;
}

void write_file(const std::string& path, const std::uint8_t* p, std::size_t n) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  FUZZ_CHECK(f != nullptr, "cannot write %s", path.c_str());
  FUZZ_CHECK(n == 0 || std::fwrite(p, 1, n, f) == n, "short write to %s", path.c_str());
  std::fclose(f);
}

bool same_records(const std::vector<JournalRecord>& a, const std::vector<JournalRecord>& b, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (a[i].kind != b[i].kind || a[i].port != b[i].port || a[i].payload != b[i].payload) return false;
  return true;
}

struct Outcome {
  bool applied = false;
  Snapshot state;
  std::string counters;
  std::size_t frames_out = 0;
};

// A restart on `records`, in one go or cut in two at `cut`.
Outcome restart(const std::vector<JournalRecord>& records, std::size_t cut) {
  GatewayFixture fx(false);
  Outcome o;
  RecoveryCounts counts;
  try {
    if (cut >= records.size()) {
      apply_journal(*fx.gw, records, counts);
    } else {
      const std::vector<JournalRecord> a(records.begin(), records.begin() + static_cast<std::ptrdiff_t>(cut));
      const std::vector<JournalRecord> b(records.begin() + static_cast<std::ptrdiff_t>(cut), records.end());
      apply_journal(*fx.gw, a, counts);
      apply_journal(*fx.gw, b, counts);
    }
    o.applied = true;
  } catch (const std::exception&) {
    return o;
  }
  check_equity_identity(fx.engine(), GatewayParams::kAccounts, "journal");
  o.state = snapshot(fx.engine(), GatewayParams::kAccounts);
  o.counters = fx.gw->counters_json();
  o.frames_out = fx.frames.out.size();
  return o;
}

}  // namespace
}  // namespace perpgate::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace perpgate;
  using namespace perpgate::fuzz;
  static TempFiles tmp;
  if (size > 1 << 16) return 0;
  const std::string in = tmp.dir + "/in.journal", out = tmp.dir + "/out.journal";
  write_file(in, data, size);
  std::uint64_t valid = 0;
  const std::vector<JournalRecord> records = read_journal(in, valid);
  FUZZ_CHECK(valid <= size, "%llu valid bytes of %zu", static_cast<unsigned long long>(valid), size);

  // Written again, the records are the file's valid prefix.
  std::remove(out.c_str());
  {
    JournalWriter w(out, 0, false);
    for (const JournalRecord& r : records) {
      if (r.kind == JournalKind::kFrame) {
        w.frame(r.port, r.payload.data(), r.payload.size());
      } else if (r.kind == JournalKind::kTxDone) {
        FUZZ_CHECK(r.payload.empty() && r.port == 0, "a TX marker with a payload read back");
        w.tx_done();
      } else {
        FUZZ_CHECK(r.port == 0, "a control record with a port read back");
        w.control(std::string(r.payload.begin(), r.payload.end()), r.kind == JournalKind::kOperator);
      }
    }
  }
  const std::vector<std::uint8_t> again = read_file(out);
  FUZZ_CHECK(again.size() == valid && std::equal(again.begin(), again.end(), data),
             "the records read, written again, differ from the file's first %llu bytes", static_cast<unsigned long long>(valid));

  // Cut anywhere, the file reads as a prefix of the same records.
  std::size_t cut_at = 0;
  for (std::size_t i = 0; i < size; ++i) cut_at = cut_at * 31 + data[i];
  cut_at %= size + 1;
  write_file(in, data, cut_at);
  std::uint64_t valid_cut = 0;
  const std::vector<JournalRecord> cut = read_journal(in, valid_cut);
  FUZZ_CHECK(cut.size() <= records.size() && same_records(cut, records, cut.size()), "a cut journal reads other records");
  FUZZ_CHECK(valid_cut <= std::min<std::uint64_t>(valid, cut_at), "a cut journal reads past its end");

  // The restart.
  const Outcome once = restart(records, records.size());
  if (!once.applied) return 0;
  if (!records.empty() && records.back().kind == JournalKind::kTxDone)
    FUZZ_CHECK(once.frames_out == 0, "%zu responses sent again though the journal ends with a TX marker", once.frames_out);
  const Outcome twice = restart(records, records.size());
  FUZZ_CHECK(twice.applied && twice.state == once.state && twice.counters == once.counters, "a restart is not deterministic");
  const Outcome split = restart(records, records.empty() ? 0 : cut_at % records.size());
  FUZZ_CHECK(split.applied && split.state == once.state && split.counters == once.counters,
             "a restart in the middle of the journal ends elsewhere");
  return 0;
}

#ifdef PERPGATE_LIBFUZZER
// Record-level mutations; half of the time libFuzzer's own byte mutations.
extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size, std::size_t max_size, unsigned seed) {
  std::uint64_t rng = seed * 0x9e3779b97f4a7c15ull + 1;
  auto next = [&](std::uint64_t n) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return n == 0 ? 0 : rng % n;
  };
  if (next(2) == 0) return LLVMFuzzerMutate(data, size, max_size);
  // Split into records by their length fields (without judging checksums).
  struct Rec {
    std::size_t at, len;
  };
  std::vector<Rec> recs;
  for (std::size_t pos = 0; pos + 12 <= size;) {
    std::uint32_t len;
    std::memcpy(&len, data + pos, 4);
    if (pos + 12 + len > size) break;
    recs.push_back({pos, 12 + len});
    pos += 12 + len;
  }
  if (recs.empty()) return LLVMFuzzerMutate(data, size, max_size);
  std::vector<std::vector<std::uint8_t>> v;
  for (const Rec& r : recs) v.emplace_back(data + r.at, data + r.at + r.len);
  const std::size_t tail = recs.back().at + recs.back().len;
  std::vector<std::uint8_t> rest(data + tail, data + size);
  const std::size_t i = next(v.size()), j = next(v.size());
  switch (next(7)) {
    case 0: std::swap(v[i], v[j]); break;                                   // reordered
    case 1: v.erase(v.begin() + static_cast<std::ptrdiff_t>(i)); break;     // lost
    case 2: v.insert(v.begin() + static_cast<std::ptrdiff_t>(j), v[i]); break;  // repeated
    case 3: v.resize(i); rest.clear(); break;                               // cut at a record
    case 4: v[i].resize(next(v[i].size())); v.resize(i + 1); rest.clear(); break;  // torn inside a record
    case 5: v[i][next(v[i].size())] ^= static_cast<std::uint8_t>(1u << next(8)); break;  // a bit flipped
    default: {  // the payload mutated and sealed again: damage the checksum does not see
      std::vector<std::uint8_t>& r = v[i];
      std::vector<std::uint8_t> payload(r.begin() + 12, r.end());
      payload.resize(std::max<std::size_t>(payload.size() * 2, 64));
      const std::size_t n = LLVMFuzzerMutate(payload.data(), r.size() - 12, payload.size());
      payload.resize(n);
      const std::uint32_t len = static_cast<std::uint32_t>(n), sum = perpgate::journal_checksum(payload.data(), n);
      r.resize(12);
      std::memcpy(r.data(), &len, 4);
      std::memcpy(r.data() + 8, &sum, 4);
      r.insert(r.end(), payload.begin(), payload.end());
    }
  }
  std::size_t n = 0;
  for (const auto& r : v) {
    if (n + r.size() > max_size) break;
    std::memcpy(data + n, r.data(), r.size());
    n += r.size();
  }
  for (std::size_t k = 0; k < rest.size() && n < max_size; ++k) data[n++] = rest[k];
  return n;
}
#endif
