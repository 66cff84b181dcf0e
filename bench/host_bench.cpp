// The host path measured side by side in one run (bench/README.md, "Host path"):
//
//   dpdk:   perpgate host's own polling loop (host/dpdk/host_loop.cpp) on one lcore, the sw
//           backend, a net_ring port made from two rte_rings (a wire in memory: no NIC here);
//   socket: the same gateway logic (message checks, sessions, backend, responses) behind a plain
//           Linux UDP socket loop on loopback: blocking recvfrom, then sendto per response -
//           what a team would write instead.
//
// Traffic: order + cancel_ack pairs (the order from a client session, the venue's cancel_ack
// closing it), 1,024 accounts, so the tables stay in a steady state; every order gets its ack.
// Throughput: packets in per second of the gateway's own core (DPDK: the TSC cycles inside the
// loop's poll(); socket: the gateway thread's CPU time, user + system). Latency: one order in flight,
// order in -> its ack out (TSC; the socket figure includes the kernel's wakeup of the gateway
// thread on the other core and of the client). Five repetitions each, median with min and max.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <sys/socket.h>
#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/hdr_histogram.hpp"
#include "dpdk/host_loop.hpp"
#include "dpdk/tx_path.hpp"
#include "gateway/gateway.hpp"
#include "gateway/journal.hpp"
#include "support/gateway_book.hpp"
#include "wire/codec.hpp"

namespace perpgate {
namespace {

constexpr int kAccounts = 1024;
constexpr int kReps = 5;
constexpr std::uint64_t kDpdkPairs = 500'000;    // 1 M packets per repetition
constexpr std::uint64_t kSocketPairs = 100'000;  // 200 k packets per repetition
constexpr std::uint64_t kLatencyOrders = 50'000;
constexpr std::uint32_t kLoopback = 0x7f000001;
constexpr std::uint16_t kGatewayPort = 19001, kClientPort = 19010, kVenuePort = 19100, kDeskPort = 19200;

GatewayConfig bench_config(std::uint16_t dpdk_port) {
  GatewayConfig c;
  for (int r = 0; r < kRoleCount; ++r) {
    c.roles[r].ours = wire::UdpEndpoint{{2, 0, 0, 0, 0, 1}, kLoopback, static_cast<std::uint16_t>(kGatewayPort + r)};
    c.roles[r].dpdk_port = dpdk_port;
  }
  c.roles[kRoleVenue].peer = wire::UdpEndpoint{{2, 0, 0, 0, 2, 1}, kLoopback, kVenuePort};
  c.roles[kRoleVenue].check_peer_ip = true;
  c.roles[kRoleMarket].peer = wire::UdpEndpoint{{2, 0, 0, 0, 3, 1}, kLoopback, kDeskPort};
  SessionConfig s;
  s.id = 1;
  s.endpoint = wire::UdpEndpoint{{2, 0, 0, 0, 1, 1}, kLoopback, kClientPort};
  s.all_accounts = true;
  c.sessions.push_back(s);
  return c;
}

// Symbol, accounts and a mark, through the control plane and the backend.
void set_up_book(Gateway& gw) {
  test::define_symbol0(gw);
  for (int a = 0; a < kAccounts; ++a) test::define_account(gw, a, a, 1'000'000'000'000);
  gw.backend().mark(0, 6'000'000'000'000);
}

// The two messages of a pair, patched per packet: order id, account, sequence numbers.
struct Traffic {
  std::uint64_t client_seq = 1, venue_seq = 1;
  std::vector<std::uint8_t> order_msg(std::uint64_t id) {
    OrderEvent o{static_cast<std::int32_t>(id % kAccounts), 0, static_cast<i64>(id), (id & 1) != 0, false, 100'000,
                 6'000'000'000'000};
    return wire::encode_new_order(o, 1, client_seq++);
  }
  std::vector<std::uint8_t> cancel_msg(std::uint64_t id) { return wire::encode_cancel_ack(static_cast<i64>(id), 0, venue_seq++); }
};

struct Figures {
  double mpps = 0;          // packets in per second of the gateway core, millions
  double cycles_per_packet = 0;
  std::uint64_t responses = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// ---- DPDK: the host loop on a ring-backed port -----------------------------------------------------

class DpdkBench {
 public:
  DpdkBench() {
    pool_ = rte_pktmbuf_pool_create("bench_pool", 16383, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, static_cast<int>(rte_socket_id()));
    in_ = rte_ring_create("bench_in", 4096, static_cast<int>(rte_socket_id()), RING_F_SP_ENQ | RING_F_SC_DEQ);
    out_ = rte_ring_create("bench_out", 4096, static_cast<int>(rte_socket_id()), RING_F_SP_ENQ | RING_F_SC_DEQ);
    if (pool_ == nullptr || in_ == nullptr || out_ == nullptr) throw std::runtime_error("bench: DPDK memory");
    const int port = rte_eth_from_rings("bench_wire", &in_, 1, &out_, 1, static_cast<unsigned>(rte_socket_id()));
    if (port < 0) throw std::runtime_error("bench: rte_eth_from_rings failed");
    port_ = static_cast<std::uint16_t>(port);
    setup_dpdk_port(port_, pool_);
    cfg_ = bench_config(port_);
  }

  // Throughput: bursts of 32 packets offered, the loop polled, the output ring drained. Only the
  // cycles inside the loop's poll() count as the gateway's.
  // With `journal`: every input appended to a journal file (perpgate host --journal), one write(2)
  // per burst; the file is removed afterwards.
  Figures throughput(bool journal = false) {
    const std::string path = "/tmp/pg_host_bench_" + std::to_string(::getpid()) + ".journal";
    std::unique_ptr<JournalWriter> writer;
    if (journal) writer = std::make_unique<JournalWriter>(path, 0, false);
    Run run(*this, writer.get());
    std::uint64_t gw_cycles = 0, packets = 0, responses = 0;
    rte_mbuf* in[kBurst];
    void* out[kBurst];
    for (std::uint64_t id = 1; id <= kDpdkPairs;) {
      std::uint16_t n = 0;
      for (; n < kBurst && id <= kDpdkPairs; ++id) {
        in[n++] = frame(kRoleClient, run.cfg.sessions[0].endpoint, run.traffic.order_msg(id));
        in[n++] = frame(kRoleVenue, run.cfg.roles[kRoleVenue].peer, run.traffic.cancel_msg(id));
      }
      if (rte_ring_enqueue_bulk(in_, reinterpret_cast<void**>(in), n, nullptr) != n) throw std::runtime_error("bench: ring full");
      packets += n;
      const std::uint64_t t0 = rte_rdtsc();
      while (rte_ring_count(in_) != 0) run.loop.poll();
      gw_cycles += rte_rdtsc() - t0;
      unsigned k;
      while ((k = rte_ring_dequeue_burst(out_, out, kBurst, nullptr)) != 0) {
        responses += k;
        rte_pktmbuf_free_bulk(reinterpret_cast<rte_mbuf**>(out), k);
      }
    }
    const double cpp = static_cast<double>(gw_cycles) / static_cast<double>(packets);
    check(run, kDpdkPairs);
    if (journal) ::unlink(path.c_str());
    return Figures{static_cast<double>(rte_get_tsc_hz()) / cpp / 1e6, cpp, responses};
  }

  // Latency: one order in flight; order enqueued -> its ack dequeued.
  void latency(HdrHistogram& ns) {
    Run run(*this);
    void* out[kBurst];
    const double ns_per_cycle = 1e9 / static_cast<double>(rte_get_tsc_hz());
    for (std::uint64_t id = 1; id <= kLatencyOrders; ++id) {
      rte_mbuf* m = frame(kRoleClient, run.cfg.sessions[0].endpoint, run.traffic.order_msg(id));
      const std::uint64_t t0 = rte_rdtsc();
      if (rte_ring_enqueue(in_, m) != 0) throw std::runtime_error("bench: ring full");
      bool acked = false;
      while (!acked) {
        run.loop.poll();
        const unsigned k = rte_ring_dequeue_burst(out_, out, kBurst, nullptr);
        for (unsigned i = 0; i < k; ++i) {
          const auto* f = rte_pktmbuf_mtod(static_cast<rte_mbuf*>(out[i]), const std::uint8_t*);
          if (static_cast<wire::MsgType>(f[wire::kPayloadOffset]) == wire::MsgType::kAck && !acked) {
            ns.record(static_cast<std::uint64_t>(static_cast<double>(rte_rdtsc() - t0) * ns_per_cycle));
            acked = true;
          }
        }
        rte_pktmbuf_free_bulk(reinterpret_cast<rte_mbuf**>(out), k);
      }
      if (rte_ring_enqueue(in_, frame(kRoleVenue, run.cfg.roles[kRoleVenue].peer, run.traffic.cancel_msg(id))) != 0)
        throw std::runtime_error("bench: ring full");
      run.loop.poll();
      unsigned k;
      while ((k = rte_ring_dequeue_burst(out_, out, kBurst, nullptr)) != 0)
        rte_pktmbuf_free_bulk(reinterpret_cast<rte_mbuf**>(out), k);
    }
    check(run, kLatencyOrders);
  }

 private:
  struct NullLog final : ControlLog {
    void line(std::string_view) override {}
  };
  // A fresh gateway (backend, sessions) on the same port for each repetition.
  struct Run {
    explicit Run(DpdkBench& b, JournalWriter* journal = nullptr)
        : cfg(b.cfg_), tx(b.pool_, cfg, journal),
          gw(cfg, [](DecisionSink& s) { return make_backend("sw", s); }, tx, log),
          loop(gw, tx, journal, script, {b.port_}) {
      set_up_book(gw);
    }
    GatewayConfig cfg;
    NullLog log;
    TxPath tx;
    Gateway gw;
    std::vector<ControlOp> script;
    HostLoop loop;
    Traffic traffic;
  };
  static void check(const Run& run, std::uint64_t orders) {
    const GatewayCounters& c = run.gw.counters();
    if (c.orders != orders || c.acks != orders)
      throw std::runtime_error("bench: " + std::to_string(c.acks) + " of " + std::to_string(orders) + " orders accepted");
  }
  rte_mbuf* frame(int role, const wire::UdpEndpoint& from, const std::vector<std::uint8_t>& msg) {
    rte_mbuf* m = rte_pktmbuf_alloc(pool_);
    if (m == nullptr) throw std::runtime_error("bench: mbuf pool empty");
    auto* p = reinterpret_cast<std::uint8_t*>(rte_pktmbuf_append(m, static_cast<std::uint16_t>(wire::kPayloadOffset + msg.size())));
    wire::write_udp_frame(p, from, cfg_.roles[role].ours, msg.data(), msg.size());
    return m;
  }
  rte_mempool* pool_;
  rte_ring* in_;
  rte_ring* out_;
  std::uint16_t port_ = 0;
  GatewayConfig cfg_;
};

// ---- the plain socket loop ---------------------------------------------------------------------------

int udp_socket(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) throw std::runtime_error("bench: socket");
  const int buf = 8 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(kLoopback);
  a.sin_port = htons(port);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) throw std::runtime_error("bench: bind " + std::to_string(port));
  return fd;
}

sockaddr_in to(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(kLoopback);
  a.sin_port = htons(port);
  return a;
}

// Responses leave with one sendto each, to the address in the frame the gateway built.
class SocketSink final : public FrameSink {
 public:
  explicit SocketSink(int fd) : fd_(fd) {}
  std::uint8_t* begin_frame(int, std::size_t) override { return buf_; }
  void commit_frame(int, std::size_t len) override {
    const sockaddr_in dst = to(wire::get_be16(buf_ + wire::kEthHeader + wire::kIpHeader + 2));
    ::sendto(fd_, buf_ + wire::kPayloadOffset, len - wire::kPayloadOffset, 0, reinterpret_cast<const sockaddr*>(&dst), sizeof dst);
  }

 private:
  int fd_;
  std::uint8_t buf_[wire::kPayloadOffset + 64];
};

struct NullLog final : ControlLog {
  void line(std::string_view) override {}
};

// The gateway thread: blocking recvfrom, the role by who sent it, the gateway, sendto per response.
// Stops at a zero-length datagram.
// Its cost is the thread's CPU time (user + system, CLOCK_THREAD_CPUTIME_ID), the counterpart of
// the cycles inside poll() on the DPDK side: what one core spends per packet.
void socket_gateway(int fd, Gateway& gw, std::atomic<std::uint64_t>& cpu_ns) {
  std::uint8_t buf[2048];
  for (;;) {
    sockaddr_in src{};
    socklen_t sl = sizeof src;
    const ssize_t n = ::recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&src), &sl);
    if (n <= 0) break;
    const wire::UdpEndpoint from{{}, ntohl(src.sin_addr.s_addr), ntohs(src.sin_port)};
    gw.rx_message(from.port == kVenuePort ? kRoleVenue : kRoleClient, from, buf, static_cast<std::size_t>(n));
  }
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  cpu_ns = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(ts.tv_nsec);
}

void drain(int fd) {
  std::uint8_t buf[256];
  while (::recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {
  }
}

class SocketBench {
 public:
  Figures throughput() { return run(false, nullptr); }
  void latency(HdrHistogram& ns) { run(true, &ns); }

 private:
  Figures run(bool one_in_flight, HdrHistogram* ns) {
    const int gw_fd = udp_socket(kGatewayPort), client_fd = udp_socket(kClientPort), venue_fd = udp_socket(kVenuePort),
              desk_fd = udp_socket(kDeskPort);
    const GatewayConfig cfg = bench_config(0);
    NullLog log;
    SocketSink sink(gw_fd);
    Gateway gw(cfg, [](DecisionSink& s) { return make_backend("sw", s); }, sink, log);
    set_up_book(gw);
    std::atomic<std::uint64_t> busy{0};
    std::thread gateway([&] { socket_gateway(gw_fd, gw, busy); });
    const sockaddr_in dst = to(kGatewayPort);
    auto send = [&](int fd, const std::vector<std::uint8_t>& m) {
      ::sendto(fd, m.data(), m.size(), 0, reinterpret_cast<const sockaddr*>(&dst), sizeof dst);
    };
    Traffic traffic;
    const double ns_per_cycle = 1e9 / static_cast<double>(rte_get_tsc_hz());
    const std::uint64_t pairs = one_in_flight ? kLatencyOrders : kSocketPairs;
    std::uint64_t responses = 0;
    std::uint8_t buf[256];
    for (std::uint64_t id = 1; id <= pairs; ++id) {
      if (one_in_flight) {
        const std::uint64_t t0 = rte_rdtsc();
        send(client_fd, traffic.order_msg(id));
        for (;;) {  // the ack (the only response to the client for an order)
          const ssize_t n = ::recv(client_fd, buf, sizeof buf, 0);
          if (n > 0 && static_cast<wire::MsgType>(buf[0]) == wire::MsgType::kAck) break;
        }
        ns->record(static_cast<std::uint64_t>(static_cast<double>(rte_rdtsc() - t0) * ns_per_cycle));
        send(venue_fd, traffic.cancel_msg(id));
        ::recv(client_fd, buf, sizeof buf, 0);  // canceled
        drain(venue_fd);
      } else {
        send(client_fd, traffic.order_msg(id));
        send(venue_fd, traffic.cancel_msg(id));
        if (id % 64 == 0) {  // keep at most 64 pairs in flight, so the kernel drops nothing
          while (responses < 2 * (id - 32)) {
            const ssize_t n = ::recv(client_fd, buf, sizeof buf, 0);
            if (n > 0) ++responses;
          }
          drain(venue_fd);
        }
      }
    }
    ::sendto(client_fd, buf, 0, 0, reinterpret_cast<const sockaddr*>(&dst), sizeof dst);  // stop
    gateway.join();
    if (gw.counters().acks != pairs)
      throw std::runtime_error("socket bench: " + std::to_string(gw.counters().acks) + " of " + std::to_string(pairs) + " accepted");
    for (const int fd : {gw_fd, client_fd, venue_fd, desk_fd}) ::close(fd);
    // Thread CPU time in TSC cycles, so both rows are in the same unit.
    const double cpp = static_cast<double>(busy.load()) * static_cast<double>(rte_get_tsc_hz()) / 1e9 / static_cast<double>(2 * pairs);
    return Figures{static_cast<double>(rte_get_tsc_hz()) / cpp / 1e6, cpp, responses};
  }
};

void print_latency(const char* name, const HdrHistogram& h) {
  std::printf("| %s | %llu | %llu | %llu | %llu | %llu |\n", name, static_cast<unsigned long long>(h.min()),
              static_cast<unsigned long long>(h.percentile(50)), static_cast<unsigned long long>(h.percentile(99)),
              static_cast<unsigned long long>(h.percentile(99.9)), static_cast<unsigned long long>(h.max()));
}

int run() {
  DpdkBench dpdk;
  SocketBench sock;
  std::vector<double> d_mpps, s_mpps, d_cpp, s_cpp, j_mpps, j_cpp;
  for (int r = 0; r < kReps; ++r) {  // interleaved, so all see the same machine
    const Figures d = dpdk.throughput();
    const Figures j = dpdk.throughput(true);
    const Figures s = sock.throughput();
    d_mpps.push_back(d.mpps);
    j_mpps.push_back(j.mpps);
    s_mpps.push_back(s.mpps);
    d_cpp.push_back(d.cycles_per_packet);
    j_cpp.push_back(j.cycles_per_packet);
    s_cpp.push_back(s.cycles_per_packet);
  }
  HdrHistogram d_lat, s_lat;
  for (int r = 0; r < kReps; ++r) {
    dpdk.latency(d_lat);
    sock.latency(s_lat);
  }
  auto mm = [](const std::vector<double>& v) {
    return std::make_pair(*std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end()));
  };
  std::printf("host path, sw backend, order + cancel_ack pairs over %d accounts; TSC %.2f GHz; %d repetitions\n\n",
              kAccounts, static_cast<double>(rte_get_tsc_hz()) / 1e9, kReps);
  std::printf("| path | packets in / s of one gateway core (median, min-max) | cycles per packet (median; socket: thread CPU time x TSC rate) |\n|---|---|---|\n");
  std::printf("| DPDK host loop, net_ring | %.2f M (%.2f-%.2f) | %.0f |\n", median(d_mpps), mm(d_mpps).first, mm(d_mpps).second,
              median(d_cpp));
  std::printf("| DPDK host loop, net_ring, journal on (write per burst, no fdatasync) | %.2f M (%.2f-%.2f) | %.0f |\n",
              median(j_mpps), mm(j_mpps).first, mm(j_mpps).second, median(j_cpp));
  std::printf("| UDP socket loop, loopback | %.2f M (%.2f-%.2f) | %.0f |\n", median(s_mpps), mm(s_mpps).first,
              mm(s_mpps).second, median(s_cpp));
  std::printf("\nthroughput ratio DPDK / socket: %.1fx\n\n", median(d_mpps) / median(s_mpps));
  std::printf("order in -> ack out, one order in flight, ns (%llu orders each):\n\n| path | min | p50 | p99 | p99.9 | max |\n|---|---|---|---|---|---|\n",
              static_cast<unsigned long long>(d_lat.count()));
  print_latency("DPDK host loop, net_ring", d_lat);
  print_latency("UDP socket loop, loopback", s_lat);
  std::printf("\nmedian latency ratio socket / DPDK: %.1fx\n",
              static_cast<double>(s_lat.percentile(50)) / static_cast<double>(std::max<std::uint64_t>(1, d_lat.percentile(50))));
  return 0;
}

}  // namespace
}  // namespace perpgate

int main(int argc, char** argv) {
  std::string prefix = "--file-prefix=pg_host_bench_" + std::to_string(::getpid());
  std::vector<const char*> eal = {argv[0], "--no-huge", "--no-pci", "-l", "0", "-m", "512", prefix.c_str(), "--log-level=error"};
  (void)argc;
  if (rte_eal_init(static_cast<int>(eal.size()), const_cast<char**>(eal.data())) < 0) {
    std::fprintf(stderr, "host_bench: EAL initialisation failed\n");
    return 2;
  }
  int rc = 0;
  try {
    rc = perpgate::run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "host_bench: %s\n", e.what());
    rc = 1;
  }
  rte_eal_cleanup();
  return rc;
}
