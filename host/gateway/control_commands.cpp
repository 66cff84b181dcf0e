#include "gateway/control_commands.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "replay/decision_json.hpp"

namespace perpgate {
namespace {

// The reason, with the command as it was sent: bytes outside printable ASCII become '?', so the
// reply stays one valid JSON (UTF-8) line whatever bytes came in.
std::string error_reply(std::string_view why) {
  std::string text(why);
  for (char& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e) c = '?';
  std::string s = "{\"ok\":false,\"error\":";
  append_json_string(s, text);
  return s + "}";
}

struct Collect final : ControlLog {
  std::string lines;
  void line(std::string_view json) override {
    if (!lines.empty()) lines += ",";
    lines.append(json);
  }
};

sockaddr_un unix_address(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.size() >= sizeof a.sun_path) throw std::runtime_error("control socket path too long: " + path);
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  return a;
}

}  // namespace

std::string ControlCommands::handle(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.remove_suffix(1);
  const std::size_t sp = line.find(' ');
  const std::string_view verb = line.substr(0, sp);
  std::string_view arg = sp == std::string_view::npos ? std::string_view{} : line.substr(sp + 1);
  try {
    if (verb == "kill" || verb == "unkill") {
      ControlOp op;
      op.kind = ControlKind::kKill;
      op.on = verb == "kill";
      if (op.on && arg.size() > 5 && arg.substr(arg.size() - 5) == " hard") {
        op.hard = true;                      // reduce-only orders refused too
        arg.remove_suffix(5);
      }
      if (arg == "*") {
        op.acct = -1;
      } else {
        i64 id = 0;
        const auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), id);
        if (arg.empty() || ec != std::errc() || end != arg.data() + arg.size())
          return error_reply("usage: kill ACCOUNT_ID|* [hard] | unkill ACCOUNT_ID|*");
        op.acct = gw_.account_index(id);
        if (op.acct < 0) return error_reply("unknown account " + std::string(arg));
      }
      apply_(op);
      return fmt::format("{{\"ok\":true,\"kill\":{},\"hard\":{},\"acct\":\"{}\"}}", op.on, op.hard, arg);
    }
    if (verb == "stats" && arg.empty()) return "{\"ok\":true,\"stats\":" + stats_() + "}";
    if (verb == "dump" && arg.empty()) {
      Collect c;
      gw_.dump_state(c);
      return "{\"ok\":true,\"accounts\":[" + c.lines + "]}";
    }
    if (verb == "reload" && arg.empty()) {
      std::ifstream in(config_path_);
      if (!in) return error_reply("cannot read " + config_path_);
      std::stringstream ss;
      ss << in.rdbuf();
      parse_gateway_config(ss.str(), config_path_);  // errors before anything is journaled
      ControlOp op;
      op.kind = ControlKind::kReload;
      op.text = ss.str();
      apply_(op);
      return "{\"ok\":true,\"reload\":\"" + std::string("done") + "\"}";
    }
    if (verb == "stop" && arg.empty()) {
      stop_ = true;
      return "{\"ok\":true,\"stop\":true}";
    }
  } catch (const std::exception& e) {
    return error_reply(e.what());
  }
  return error_reply("unknown command '" + std::string(line) + "' (kill, unkill, stats, dump, reload, stop)");
}

ControlSocket::ControlSocket(const std::string& path) : path_(path) {
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("control socket: ") + std::strerror(errno));
  ::unlink(path.c_str());
  const int sndbuf = 4 << 20;  // room for a dump (the kernel caps it at wmem_max)
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  const sockaddr_un a = unix_address(path);
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0)
    throw std::runtime_error("control socket " + path + ": " + std::strerror(errno));
}

ControlSocket::~ControlSocket() {
  ::close(fd_);
  ::unlink(path_.c_str());
}

int ControlSocket::serve(ControlCommands& commands) {
  int served = 0;
  char buf[512];
  for (;;) {
    sockaddr_un from{};
    socklen_t fl = sizeof from;
    const ssize_t n = ::recvfrom(fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &fl);
    if (n < 0) return served;  // nothing waiting (EAGAIN)
    std::string reply = commands.handle(std::string_view(buf, static_cast<std::size_t>(n))) + "\n";
    if (::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&from), fl) < 0 && errno == EMSGSIZE) {
      reply = error_reply("reply of " + std::to_string(reply.size()) +
                          " bytes is larger than a datagram here: use --state-dump / --stats at exit") + "\n";
      ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&from), fl);
    }
    ++served;
  }
}

std::string control_request(const std::string& socket_path, const std::string& command, int timeout_ms) {
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  const std::string own = socket_path + ".ctl." + std::to_string(::getpid());
  ::unlink(own.c_str());
  const sockaddr_un me = unix_address(own), host = unix_address(socket_path);
  std::string reply;
  try {
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&me), sizeof me) != 0)
      throw std::runtime_error("bind " + own + ": " + std::strerror(errno));
    if (::sendto(fd, command.data(), command.size(), 0, reinterpret_cast<const sockaddr*>(&host), sizeof host) < 0)
      throw std::runtime_error("send to " + socket_path + ": " + std::strerror(errno) + " (is perpgate host running?)");
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) != 1) throw std::runtime_error("no reply from " + socket_path);
    std::vector<char> buf(1 << 22);  // a dump of every account fits
    const ssize_t n = ::recv(fd, buf.data(), buf.size(), 0);
    if (n < 0) throw std::runtime_error(std::string("recv: ") + std::strerror(errno));
    reply.assign(buf.data(), static_cast<std::size_t>(n));
  } catch (...) {
    ::close(fd);
    ::unlink(own.c_str());
    throw;
  }
  ::close(fd);
  ::unlink(own.c_str());
  return reply;
}

}  // namespace perpgate
