// The host's gateway logic, independent of how frames move (DPDK ports in `perpgate host`, plain
// buffers in the tests): receive checks per role (the same rules as the RTL's pg_udp_rx and
// pg_msg_rx), client sessions and their account bindings, sequence-gap detection, then the
// event to the backend (sw, rtl); every decision becomes a frame out, control-plane results a
// line of the control log.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "backend/backend.hpp"
#include "gateway/control_op.hpp"
#include "gateway/gateway_config.hpp"
#include "perpgate/reason.hpp"
#include "perpgate/regs.hpp"
#include "perpgate/wire.hpp"

namespace perpgate {

// Where frames out go: the frame is written into the buffer the sink hands out (a packet buffer
// on the DPDK path), then committed. Frames for a role leave in the order committed.
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual std::uint8_t* begin_frame(int role, std::size_t max_len) = 0;
  virtual void commit_frame(int role, std::size_t len) = 0;
};

// Per role: the RTL's seven port counters (same meaning, same order as regs.toml), then the host's.
struct RoleCounters {
  std::array<std::uint64_t, regs::kPortCounterCount> port{};  // frames_ok .. msg_wrong_port
  std::uint64_t tx_frames = 0;
};
struct SessionCounters {
  std::uint64_t unknown_session = 0;  // orders or cancels from no configured session (rejected)
  std::uint64_t not_permitted = 0;    // orders for an account the session is not bound to (rejected)
  std::uint64_t seq_gaps = 0;         // messages whose sequence number skipped ahead
  std::uint64_t seq_stale = 0;        // messages at or below a sequence number already seen (dropped)
};
struct GatewayCounters {
  std::array<RoleCounters, kRoleCount> roles{};
  SessionCounters sessions;
  std::uint64_t orders = 0, acks = 0, liquidations = 0, control_ops = 0;
  std::array<std::uint64_t, kReasonCount + kHostReasonCount> rejects{};  // host reasons after the check's
};

// Receives the control plane's results and notices as JSON lines (withdraw results, account
// snapshots, engine errors, sequence gaps, notes). `out` is how many frames had been sent when it
// was written, `cause` the input that caused it ("f:<session>:<seq>" or "c:<op index>").
class ControlLog {
 public:
  virtual ~ControlLog() = default;
  virtual void line(std::string_view json) = 0;
};

class Gateway final : private DecisionSink {
 public:
  using BackendFactory = std::function<std::unique_ptr<Backend>(DecisionSink&)>;
  Gateway(const GatewayConfig& cfg, const BackendFactory& make_backend, FrameSink& out, ControlLog& log);
  ~Gateway() override;
  Gateway(const Gateway&) = delete;
  Gateway& operator=(const Gateway&) = delete;

  // One frame received on DPDK port `port` (mac_error: the NIC flagged it bad).
  void rx(std::uint16_t port, const std::uint8_t* frame, std::size_t len, bool mac_error);
  // One message that arrived by other means than a frame we parse (a kernel UDP socket: the
  // kernel checked IP and UDP): message checks, session, backend, as for a frame of that role.
  void rx_message(int role, const wire::UdpEndpoint& src, const std::uint8_t* msg, std::size_t len);
  // One control-plane action (from the control script or socket).
  void control(const ControlOp& op);

  // Muted (while the journal is applied again after a restart): everything is decided and
  // counted as before, but no frame and no log line leaves.
  void set_muted(bool muted) { muted_ = muted; }
  // Reloaded configuration: sessions and their bindings take effect at once (a session that
  // stays keeps its sequence numbers). Addresses and ports cannot change while running: throws.
  void reload(const GatewayConfig& cfg);
  // The table index of an outside account id, or -1.
  int account_index(i64 outside_id) const;
  // One account line per account in the control log `to` (the state a restart must rebuild).
  void dump_state(ControlLog& to);

  const GatewayCounters& counters() const { return counters_; }
  Backend& backend() { return *backend_; }
  std::string counters_json() const;

 private:
  struct Session {
    SessionConfig cfg;
    std::uint64_t next_in_seq = 1;
    std::uint64_t next_out_seq = 1;
  };
  void on_message(int role, const wire::UdpEndpoint& src, const std::uint8_t* m, std::size_t len);
  void on_order(Session* s, const wire::UdpEndpoint& src, const std::uint8_t* m);
  bool permitted(const Session& s, int acct) const;
  void send(int role, const wire::UdpEndpoint& to, const std::uint8_t* msg, std::size_t len);
  void send_client(const std::uint8_t* msg, std::size_t len);
  std::uint8_t* out_message(std::uint8_t* buf, wire::MsgType type, std::size_t size, std::uint32_t session, std::uint64_t seq);
  void log(std::string_view ev, const std::string& body);

  // DecisionSink: decisions to frames.
  void ack(i64 id) override;
  void reject(i64 id, Reason reason) override;
  void canceled(i64 id) override;
  void liquidate(int acct, i128 equity, i128 mm) override;
  void mark(int sym, i64 px) override;
  void withdraw(int acct, i64 amount, bool ok) override;
  void account(int acct, const AccountSnapshot& view) override;
  void error(const char* msg) override;

  GatewayConfig cfg_;
  FrameSink& out_;
  ControlLog* log_;
  bool muted_ = false;
  std::uint8_t muted_frame_[wire::kPayloadOffset + 64];
  std::unique_ptr<Backend> backend_;
  GatewayCounters counters_;
  std::unordered_map<std::uint32_t, Session> sessions_;
  std::array<std::uint64_t, kRoleCount> role_out_seq_{1, 1, 1};
  std::vector<i64> account_ids_;  // outside id by account index (from the control plane)
  std::unordered_map<i64, int> account_index_;
  // The input being applied: its cause tag for the log, the client it came from, the order.
  // What the input being applied is, kept as numbers on the hot path and only formatted when a
  // log line names it: a frame (role, session, seq), a control action (index), or the state dump.
  struct Cause {
    char kind = 's';  // 'f', 'c', 's'
    int role = 0;
    std::uint32_t session = 0;
    std::uint64_t seq = 0;  // or the control action's index
  } cause_;
  std::string cause_text() const;
  Session* client_ = nullptr;
  wire::UdpEndpoint client_ep_;
  OrderEvent order_{};
  std::uint64_t frames_out_ = 0;
  // Acked orders still open: the session to tell when the venue cancels, and the quantity not yet
  // filled (an order leaves the map when filled in full or canceled, so it does not grow).
  struct OpenOrder {
    std::uint32_t session;
    i64 open_qty;
  };
  std::unordered_map<i64, OpenOrder> open_orders_;
};

}  // namespace perpgate
