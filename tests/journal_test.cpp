// The host's journal: records read back as written; a torn tail (cut short or corrupted) ends
// the journal where the last whole record ends, and a writer reopened there appends after it.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gateway/journal.hpp"

namespace perpgate {
namespace {

std::string temp_path(const char* name) {
  return (std::filesystem::temp_directory_path() / (std::string(name) + "_" + std::to_string(::getpid()))).string();
}

void write_three(const std::string& path) {
  JournalWriter w(path, 0, false);
  const std::uint8_t frame[] = {1, 2, 3, 4, 5};
  w.frame(2, frame, sizeof frame);
  w.control("{\"at\":0,\"op\":\"clock\",\"ts\":5}");
  w.tx_done();
  w.commit();
}

TEST(Journal, RecordsReadBackAsWritten) {
  const std::string path = temp_path("pg_journal_a");
  std::filesystem::remove(path);
  write_three(path);
  std::uint64_t valid = 0;
  const auto r = read_journal(path, valid);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[0].kind, JournalKind::kFrame);
  EXPECT_EQ(r[0].port, 2);
  EXPECT_EQ(r[0].payload, (std::vector<std::uint8_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(r[1].kind, JournalKind::kControl);
  EXPECT_EQ(std::string(r[1].payload.begin(), r[1].payload.end()), "{\"at\":0,\"op\":\"clock\",\"ts\":5}");
  EXPECT_EQ(r[2].kind, JournalKind::kTxDone);
  EXPECT_EQ(valid, std::filesystem::file_size(path));
  std::filesystem::remove(path);
}

TEST(Journal, TornTailIsCutAndAppendingGoesOnAfterTheLastWholeRecord) {
  const std::string path = temp_path("pg_journal_b");
  std::filesystem::remove(path);
  write_three(path);
  const auto size = std::filesystem::file_size(path);
  std::uint64_t valid = 0;
  for (std::uintmax_t cut = 1; cut < 12; ++cut) {  // inside the last (12-byte) record
    std::filesystem::resize_file(path, size - cut);
    EXPECT_EQ(read_journal(path, valid).size(), 2u) << cut;
    write_three(path);  // whole again for the next cut
    std::filesystem::resize_file(path, 0);
    write_three(path);
  }
  // A corrupted payload byte ends the journal before that record.
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(12 + 2);  // inside the first record's payload
    f.put('\x7f');
  }
  EXPECT_EQ(read_journal(path, valid).size(), 0u);
  EXPECT_EQ(valid, 0u);
  // Reopened at the valid length, the writer cuts the rest and appends.
  {
    JournalWriter w(path, valid, true);
    w.tx_done();
    w.commit();
  }
  const auto r = read_journal(path, valid);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].kind, JournalKind::kTxDone);
  EXPECT_EQ(valid, std::filesystem::file_size(path));
  std::filesystem::remove(path);
}

// The checksum covers the payload, not the header: a header the writer never produces ends the
// journal there, as a bad checksum does (found by the journal fuzz target: a frame whose kind
// flipped to a TX marker was read back and its frame silently dropped on restart).
TEST(Journal, AHeaderTheWriterNeverProducesEndsTheJournal) {
  const std::string path = temp_path("pg_journal_c");
  struct Damage {
    std::streamoff at;
    char value;
    std::size_t records;  // read back before it
  };
  // write_three: frame (12 + 5 bytes, port 2), control (12 + 28 bytes), TX marker.
  const std::streamoff control = 12 + 5;
  for (const Damage d : {Damage{4, 3, 0},            // the frame's kind flipped to a TX marker
                         Damage{control + 4, 3, 1},  // the control action's kind flipped to a TX marker
                         Damage{control + 6, 1, 1},  // a port on a control action
                         Damage{5, 1, 0}}) {         // the reserved byte
    std::filesystem::remove(path);
    write_three(path);
    {
      std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(d.at);
      f.put(d.value);
    }
    std::uint64_t valid = 0;
    const auto r = read_journal(path, valid);
    EXPECT_EQ(r.size(), d.records) << "byte " << d.at;
    EXPECT_EQ(valid, d.records == 0 ? 0u : static_cast<std::uint64_t>(control)) << "byte " << d.at;
  }
  std::filesystem::remove(path);
}

// The host flushes its control log in this hook: a SIGKILL after a commit must not lose the
// log lines of the inputs (and TX markers) it wrote. So the hook runs before the write, and only
// when there is something to write.
TEST(Journal, TheBeforeCommitHookRunsBeforeEachWrite) {
  const std::string path = temp_path("pg_journal_hook");
  std::filesystem::remove(path);
  JournalWriter w(path, 0, false);
  std::vector<std::uintmax_t> sizes_at_hook;
  w.before_commit([&] { sizes_at_hook.push_back(std::filesystem::file_size(path)); });
  const std::uint8_t frame[] = {1, 2, 3};
  w.frame(0, frame, sizeof frame);
  w.tx_done();
  w.commit();
  const auto first = std::filesystem::file_size(path);
  w.commit();  // nothing buffered: no write, no hook
  w.frame(0, frame, sizeof frame);
  w.commit();
  EXPECT_EQ(sizes_at_hook, (std::vector<std::uintmax_t>{0, first}));
  std::filesystem::remove(path);
}

TEST(Journal, MissingFileIsAnEmptyJournal) {
  std::uint64_t valid = 7;
  EXPECT_TRUE(read_journal("/nonexistent/pg_journal", valid).empty());
  EXPECT_EQ(valid, 0u);
}

}  // namespace
}  // namespace perpgate
