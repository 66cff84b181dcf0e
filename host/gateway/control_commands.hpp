// The operator's commands while the host runs (perpgate ctl, over the control socket), one text
// line in, one JSON line out:
//   kill ACCT | kill *        kill switch for an account (outside id) or every account; reduce-only
//                             orders still taken, unless followed by `hard`
//   unkill ACCT | unkill *
//   stats                     every counter (the --stats JSON)
//   dump                      every account's state, one JSON object per account, in a list
//   reload                    reads the configuration file again (sessions and their accounts)
//   stop                      finishes the run as at the end of input
// State changes go through `apply`, which journals them like any control action.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "gateway/control_op.hpp"
#include "gateway/gateway.hpp"

namespace perpgate {

class ControlCommands {
 public:
  using Apply = std::function<void(const ControlOp&)>;
  using Stats = std::function<std::string()>;
  ControlCommands(Gateway& gw, Apply apply, Stats stats, std::string config_path)
      : gw_(gw), apply_(std::move(apply)), stats_(std::move(stats)), config_path_(std::move(config_path)) {}

  std::string handle(std::string_view line);
  bool stop_requested() const { return stop_; }

 private:
  Gateway& gw_;
  Apply apply_;
  Stats stats_;
  std::string config_path_;
  bool stop_ = false;
};

// A Unix datagram socket at `path` for the commands, polled without blocking from the host's
// loop (one recvfrom every so many polling rounds: no cost on the hot path beyond that).
class ControlSocket {
 public:
  explicit ControlSocket(const std::string& path);
  ~ControlSocket();
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;
  // Answers every command waiting; returns how many.
  int serve(ControlCommands& commands);

 private:
  int fd_ = -1;
  std::string path_;
};

// The client side (perpgate ctl): sends one command, returns the reply; throws on timeout.
std::string control_request(const std::string& socket_path, const std::string& command, int timeout_ms = 5000);

}  // namespace perpgate
