#include "backend/fpga_backend.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "backend/card_protocol.hpp"
#include "perpgate/regs.hpp"

namespace perpgate {
namespace {

constexpr int kChannels = regs::kPortCount;
constexpr std::uint64_t kBarrierPolls = 10'000'000;  // a card that never gets quiet is broken

class XdmaFiles final : public XdmaChannels {
 public:
  explicit XdmaFiles(const std::string& prefix) {
    user_ = open_or_throw(prefix + "_user", O_RDWR);
    for (int c = 0; c < kChannels; ++c) {
      h2c_[static_cast<std::size_t>(c)] = open_or_throw(prefix + "_h2c_" + std::to_string(c), O_WRONLY);
      c2h_[static_cast<std::size_t>(c)] = open_or_throw(prefix + "_c2h_" + std::to_string(c), O_RDONLY | O_NONBLOCK);
    }
  }
  ~XdmaFiles() override {
    for (const int fd : fds_) ::close(fd);
  }
  std::uint32_t user_read32(std::uint32_t offset) override {
    std::uint32_t v = 0;
    if (::pread(user_, &v, 4, offset) != 4) fail("read of register", offset);
    return v;
  }
  void user_write32(std::uint32_t offset, std::uint32_t value) override {
    if (::pwrite(user_, &value, 4, offset) != 4) fail("write of register", offset);
  }
  void h2c_write(int channel, const std::uint8_t* frame, std::size_t len) override {
    const ssize_t n = ::write(h2c_[static_cast<std::size_t>(channel)], frame, len);
    if (n != static_cast<ssize_t>(len)) fail("frame write to H2C channel", static_cast<std::uint32_t>(channel));
  }
  std::size_t c2h_read(int channel, std::uint8_t* buf, std::size_t cap) override {
    const ssize_t n = ::read(c2h_[static_cast<std::size_t>(channel)], buf, cap);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    if (n < 0) fail("frame read from C2H channel", static_cast<std::uint32_t>(channel));
    return static_cast<std::size_t>(n);
  }

 private:
  int open_or_throw(const std::string& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0)
      throw std::runtime_error("fpga backend: cannot open " + path + ": " + std::strerror(errno) +
                               " (is the XDMA driver loaded and the card flashed? docs/deploy.md)");
    fds_.push_back(fd);
    return fd;
  }
  [[noreturn]] static void fail(const char* what, std::uint32_t where) {
    throw std::runtime_error(std::string("fpga backend: ") + what + " " + std::to_string(where) + " failed: " +
                             std::strerror(errno));
  }
  int user_ = -1;
  std::array<int, kChannels> h2c_{}, c2h_{};
  std::vector<int> fds_;
};

class XdmaCard final : public CardDevice {
 public:
  explicit XdmaCard(XdmaChannels& ch) : ch_(ch) {
    if (ch_.user_read32(regs::kId) != regs::kIdValue)
      throw std::runtime_error("fpga backend: the card's ID register does not read 'PGW1': not a perpgate bitstream");
  }
  void write32(std::uint32_t addr, std::uint32_t value) override { ch_.user_write32(addr, value); }
  std::uint32_t read32(std::uint32_t addr) override { return ch_.user_read32(addr); }
  void send_frame(int port, const std::vector<std::uint8_t>& frame) override {
    ch_.h2c_write(port, frame.data(), frame.size());
  }
  void wait_quiet(std::uint32_t events, std::vector<CardFrame>& out) override {
    int empty_sweeps = 0;
    bool core_done = false;
    for (std::uint64_t n = 0; !(core_done && empty_sweeps >= 2); ++n) {
      if (n > kBarrierPolls) throw std::runtime_error("fpga backend: the card did not get quiet (events or frames missing)");
      const bool got = sweep(out);
      if (!core_done) {
        core_done = ch_.user_read32(regs::kCoreEvents) == events && (ch_.user_read32(regs::kCoreStatus) & 1) != 0;
        empty_sweeps = 0;
      } else {
        empty_sweeps = got ? 0 : empty_sweeps + 1;
      }
    }
  }

 private:
  // Every frame waiting on the C2H channels, channel by channel. The decisions of one event come
  // on one port (docs/host.md), so the order within a port is the order that matters.
  bool sweep(std::vector<CardFrame>& out) {
    bool got = false;
    for (int c = 0; c < kChannels; ++c) {
      for (std::size_t n; (n = ch_.c2h_read(c, buf_.data(), buf_.size())) != 0;) {
        out.push_back(CardFrame{c, std::vector<std::uint8_t>(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(n))});
        got = true;
      }
    }
    return got;
  }
  XdmaChannels& ch_;
  std::array<std::uint8_t, 2048> buf_{};
};

class CardBackend final : public CardBackendBase<Backend> {
 public:
  CardBackend(CardDevice& card, DecisionSink& sink) : proto_(card, sink) { proto_.start(); }

 protected:
  CardProtocol& proto() override { return proto_; }

 private:
  CardProtocol proto_;
};

}  // namespace

std::unique_ptr<XdmaChannels> open_xdma(const std::string& prefix) { return std::make_unique<XdmaFiles>(prefix); }

std::unique_ptr<CardDevice> make_xdma_card(XdmaChannels& channels) { return std::make_unique<XdmaCard>(channels); }

std::unique_ptr<Backend> make_card_backend(CardDevice& card, DecisionSink& sink) {
  return std::make_unique<CardBackend>(card, sink);
}

}  // namespace perpgate
