// The host's journal: every frame received and every control action, appended before any
// response to it leaves (group commit: one write(2) per TX burst, fdatasync on request), with a
// marker after each TX burst. On restart the host applies the journal again: state, sessions and
// sequence numbers come back as they were; the responses of whatever followed the last marker
// are sent again with their original sequence numbers (at least once; clients drop duplicates
// by sequence number).
//
// Record: u32 payload length, u8 kind, u8 reserved, u16 DPDK port, u32 checksum of the payload
// (FNV-1a over 64-bit words, folded), payload. A torn tail (a record cut short or failing its check) ends the journal; the host cuts
// it off and goes on from there. So does a record whose header the writer never produces.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace perpgate {

// kControl: an action of the control script (counted against it on restart); kOperator: one
// from the control socket.
enum class JournalKind : std::uint8_t { kFrame = 1, kControl = 2, kTxDone = 3, kOperator = 4 };

struct JournalRecord {
  JournalKind kind;
  std::uint16_t port = 0;
  std::vector<std::uint8_t> payload;  // frame bytes, or the control action's JSON line
};

class JournalWriter {
 public:
  // Opens for appending after `valid_bytes` (what read_journal found whole; the rest is cut).
  JournalWriter(const std::string& path, std::uint64_t valid_bytes, bool sync);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  void frame(std::uint16_t port, const std::uint8_t* data, std::size_t len) { append(JournalKind::kFrame, port, data, len); }
  void control(const std::string& json, bool from_operator = false) {
    append(from_operator ? JournalKind::kOperator : JournalKind::kControl, 0, reinterpret_cast<const std::uint8_t*>(json.data()), json.size());
  }
  void tx_done() { append(JournalKind::kTxDone, 0, nullptr, 0); }
  // Writes what is buffered (one write(2); fdatasync if asked). Throws if the disk refuses.
  void commit();
  // Commits only if an input waits (TX markers alone can wait for the next commit: they only
  // decide which responses a restart sends again). One write(2) fewer per burst.
  void commit_inputs() {
    if (has_inputs_) commit();
  }
  std::uint64_t bytes() const { return written_; }
  // Runs at each commit before the journal's write: for what must reach its file before the
  // records committed. The host flushes its control log here: a TX marker says the answers to
  // the inputs before it left, so a restart does not give them again, and the log lines among
  // those answers must not sit in a buffer a crash loses.
  void before_commit(std::function<void()> f) { before_commit_ = std::move(f); }

 private:
  void append(JournalKind kind, std::uint16_t port, const std::uint8_t* data, std::size_t len);
  int fd_ = -1;
  bool sync_;
  std::vector<std::uint8_t> buf_;
  bool has_inputs_ = false;
  std::uint64_t written_ = 0;
  std::function<void()> before_commit_;
};

// The record checksum (of the payload), for tools that build or repair journals.
std::uint32_t journal_checksum(const std::uint8_t* p, std::size_t n);

// Reads every whole record; `valid_bytes` is where the whole ones end. A missing file is empty.
std::vector<JournalRecord> read_journal(const std::string& path, std::uint64_t& valid_bytes);

}  // namespace perpgate
