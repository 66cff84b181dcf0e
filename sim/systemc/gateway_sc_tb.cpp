// SystemC testbench of the gateway: the RTL (Verilated with --sc) as an sc_module on an sc_clock
// at 322.265625 MHz, and a host model as an SC_THREAD that configures the ports and the risk
// engine over AXI-Lite and streams UDP frames into the three ports, while an SC_METHOD collects
// the frames coming out. Every decision is checked against the golden model (the sw backend)
// fed the same events in the same order. Exit status 0 when all match. With PERPGATE_COVERAGE set,
// writes the RTL's coverage data there.
#include <systemc.h>
#include <verilated_cov.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <string>
#include <vector>

#include "Vpg_gateway_top_sc.h"
#include "backend/backend.hpp"
#include "perpgate/regs.hpp"
#include "perpgate/wire.hpp"
#include "wire/codec.hpp"
#include "wire/udp_frame.hpp"

namespace pg = perpgate;

// Decisions as text, so the model's and the RTL's can be compared line by line.
struct Recorder final : pg::DecisionSink {
  std::vector<std::string> lines;
  void ack(pg::i64 id) override { lines.push_back("ack " + std::to_string(id)); }
  void reject(pg::i64 id, pg::Reason r) override {
    lines.push_back("reject " + std::to_string(id) + " " + std::string(pg::reason_name(r)));
  }
  void canceled(pg::i64 id) override { lines.push_back("canceled " + std::to_string(id)); }
  void liquidate(int a, pg::i128 eq, pg::i128 mm) override {
    lines.push_back("liquidate " + std::to_string(a) + " " + std::to_string(static_cast<long long>(eq)) + " " +
                    std::to_string(static_cast<long long>(mm)));
  }
  void mark(int s, pg::i64 px) override { lines.push_back("mark " + std::to_string(s) + " " + std::to_string(px)); }
  void withdraw(int a, pg::i64 amount, bool ok) override {
    lines.push_back("withdraw " + std::to_string(a) + " " + std::to_string(amount) + (ok ? " ok" : " refused"));
  }
  void account(int, const pg::AccountSnapshot&) override {}
  void error(const char* msg) override { lines.push_back(std::string("error ") + msg); }
};

SC_MODULE(HostModel) {
  sc_in<bool> clk;
  sc_out<bool> rst_n;
  // AXI-Lite master
  sc_out<uint32_t> awaddr, wdata, wstrb, araddr;
  sc_out<bool> awvalid, wvalid, bready, arvalid, rready;
  sc_in<bool> awready, wready, bvalid, arready, rvalid;
  sc_in<uint32_t> bresp, rdata, rresp;
  // ingress (three ports) and egress
  sc_out<uint64_t> s_tdata[3];
  sc_out<uint32_t> s_tkeep[3];
  sc_out<bool> s_tvalid[3], s_tlast[3], s_tuser[3], m_tready[3];
  sc_in<bool> s_tready[3];
  sc_in<uint64_t> m_tdata[3];
  sc_in<uint32_t> m_tkeep[3];
  sc_in<bool> m_tvalid[3], m_tlast[3], m_tuser[3];
  sc_in<bool> core_idle;

  Recorder rtl;            // decoded from the frames the RTL sent
  Recorder model;          // the golden model's decisions
  std::unique_ptr<pg::Backend> golden = pg::make_backend("sw", model);
  std::vector<std::uint8_t> frame[3];
  std::uint64_t seq[3] = {1, 1, 1};
  bool done = false;

  SC_CTOR(HostModel) {
    SC_THREAD(run);
    sensitive << clk.pos();
    SC_METHOD(collect);
    sensitive << clk.pos();
    dont_initialize();
  }

  static pg::wire::UdpEndpoint ours(int p) {
    pg::wire::UdpEndpoint e;
    e.mac[5] = static_cast<std::uint8_t>(0x10 + p);
    e.ip = 0x0a000101u + static_cast<std::uint32_t>(p);
    e.port = static_cast<std::uint16_t>(9000 + p);
    return e;
  }
  static pg::wire::UdpEndpoint peer(int p) {
    pg::wire::UdpEndpoint e = ours(p);
    e.mac[5] = static_cast<std::uint8_t>(0x20 + p);
    e.ip += 0x100;
    return e;
  }

  void axil_write(std::uint32_t a, std::uint32_t d) {
    awaddr = a; wdata = d; wstrb = 0xf; awvalid = true; wvalid = true;
    do wait(); while (!awready.read());
    awvalid = false; wvalid = false; bready = true;
    do wait(); while (!bvalid.read());
    if (bresp.read() != 0) SC_REPORT_ERROR("host", "AXI-Lite write refused");
    bready = false;
  }
  std::uint32_t axil_read(std::uint32_t a) {
    araddr = a; arvalid = true;
    do wait(); while (!arready.read());
    arvalid = false; rready = true;
    do wait(); while (!rvalid.read());
    const std::uint32_t v = rdata.read();
    rready = false;
    return v;
  }
  void command(pg::regs::Command op, std::initializer_list<pg::i64> args) {
    std::uint32_t a = pg::regs::kMboxArgs;
    for (pg::i64 v : args) {
      axil_write(a, static_cast<std::uint32_t>(v));
      axil_write(a + 4, static_cast<std::uint32_t>(static_cast<std::uint64_t>(v) >> 32));
      a += 8;
    }
    axil_write(pg::regs::kMboxOp, static_cast<std::uint32_t>(op));
    std::uint32_t st;
    while (((st = axil_read(pg::regs::kMboxStatus)) & 1) != 0) {}
    if ((st >> 8 & 0xff) != 0) rtl.error(pg::error_text(static_cast<pg::EngineError>(st >> 8 & 0xff)));
    settle();
  }
  void send(int port, const std::vector<std::uint8_t>& msg) {
    const auto f = pg::wire::build_udp_frame(peer(port), ours(port), msg.data(), msg.size());
    for (std::size_t b = 0; b < f.size(); b += 8) {
      std::uint64_t d = 0;
      std::uint32_t k = 0;
      for (std::size_t i = b; i < f.size() && i < b + 8; ++i) {
        d |= static_cast<std::uint64_t>(f[i]) << (8 * (i - b));
        k |= 1u << (i - b);
      }
      s_tdata[port] = d; s_tkeep[port] = k; s_tlast[port] = b + 8 >= f.size(); s_tuser[port] = false;
      s_tvalid[port] = true;
      do wait(); while (!s_tready[port].read());
    }
    s_tvalid[port] = false;
    settle();
  }
  // Until the gateway has been idle for a while: the event has been applied and answered.
  void settle() {
    for (int quiet = 0; quiet < 40;) {
      wait();
      const bool busy = !core_idle.read() || m_tvalid[0].read() || m_tvalid[1].read() || m_tvalid[2].read();
      quiet = busy ? 0 : quiet + 1;
    }
  }

  void collect() {
    for (int p = 0; p < 3; ++p) {
      if (!m_tvalid[p].read()) continue;
      for (int i = 0; i < 8; ++i)
        if (m_tkeep[p].read() >> i & 1) frame[p].push_back(static_cast<std::uint8_t>(m_tdata[p].read() >> (8 * i)));
      if (!m_tlast[p].read()) continue;
      decode(p, frame[p]);
      frame[p].clear();
    }
  }
  void decode(int p, const std::vector<std::uint8_t>& f) {
    using namespace pg::wire;
    const std::uint8_t* m = f.data() + kPayloadOffset;
    const Header h = get_header(m);
    if (h.seq != seq[p]++) SC_REPORT_ERROR("host", "gap in outbound sequence numbers");
    switch (static_cast<MsgType>(h.type)) {
      case MsgType::kAck: rtl.ack(get_le<std::int64_t>(m + Ack::kId)); break;
      case MsgType::kReject:
        rtl.reject(get_le<std::int64_t>(m + Reject::kId), static_cast<pg::Reason>(m[Reject::kReason]));
        break;
      case MsgType::kCanceled: rtl.canceled(get_le<std::int64_t>(m + Canceled::kId)); break;
      case MsgType::kLiquidate:
        if (p == 2)
          rtl.liquidate(static_cast<int>(get_le<std::uint32_t>(m + Liquidate::kAcct)),
                        static_cast<pg::i64>(get_le<std::uint64_t>(m + Liquidate::kEquity)),
                        static_cast<pg::i64>(get_le<std::uint64_t>(m + Liquidate::kMm)));
        break;
      case MsgType::kEventError: rtl.error(pg::error_text(static_cast<pg::EngineError>(m[EventError::kCode]))); break;
      default: break;  // forwarded orders towards the venue
    }
  }

  void configure() {
    for (int p = 0; p < 3; ++p) {
      const auto o = ours(p), q = peer(p);
      axil_write(pg::regs::port_reg(p, pg::regs::kPortIp), o.ip);
      axil_write(pg::regs::port_reg(p, pg::regs::kPortUdpPort), o.port);
      axil_write(pg::regs::port_reg(p, pg::regs::kPortMacLo), o.mac[5]);
      axil_write(pg::regs::port_reg(p, pg::regs::kPortPeerIp), q.ip);
      axil_write(pg::regs::port_reg(p, pg::regs::kPortPeerUdpPort), q.port);
      axil_write(pg::regs::port_reg(p, pg::regs::kPortPeerMacLo), q.mac[5]);
    }
  }

  void order(pg::OrderEvent o) {
    golden->order(o);
    send(0, pg::wire::encode_new_order(o, 7, seq_in[0]++));
  }
  std::uint64_t seq_in[3] = {1, 1, 1};

  void run() {
    rst_n = false;
    for (int p = 0; p < 3; ++p) { s_tvalid[p] = false; m_tready[p] = true; }
    awvalid = false; wvalid = false; bready = false; arvalid = false; rready = false;
    for (int i = 0; i < 4; ++i) wait();
    rst_n = true;
    do wait(); while (!core_idle.read());
    configure();

    // A symbol (BTC-like, two tiers), two accounts, a mark.
    pg::SymbolConfig c;
    c.tick = 1'000'000; c.lot = 100'000; c.max_lev = 100; c.tier_count = 2; c.band = 5'000'000;
    c.tiers[0] = {0, 400'000, 0, 0};
    c.tiers[1] = {50'000'000'000, 500'000, 50'000'000, 50};
    golden->define_symbol(0, c);
    command(pg::regs::Command::kSymbolA, {c.tick, c.lot, c.max_lev, c.tier_count, c.band, 0, 0, 0});
    command(pg::regs::Command::kSymbolB, {0, c.ema_ms, 0});
    for (int i = 0; i < c.tier_count; ++i)
      command(pg::regs::Command::kSymbolTier, {i, c.tiers[i].floor, c.tiers[i].mmr, c.tiers[i].maint, c.tiers[i].max_lev});
    command(pg::regs::Command::kSymbolCommit, {0});
    for (int a = 1; a <= 2; ++a) {
      golden->create_account(a, 10'000'000'000);
      command(pg::regs::Command::kCreateAccount, {a, 10'000'000'000});
    }
    golden->set_leverage(1, 0, 20);
    command(pg::regs::Command::kSetLeverage, {1, 0, 20});
    golden->mark(0, 6'000'000'000'000);
    send(2, pg::wire::encode_price<pg::wire::Mark>(0, 6'000'000'000'000, 0, 7, seq_in[2]++));

    order({1, 0, 1, true, false, 50'000'000, 6'000'000'000'000});      // accepted
    order({1, 0, 2, true, false, 10'000'000'000, 6'000'000'000'000});   // insufficient margin
    order({5, 0, 3, true, false, 50'000'000, 6'000'000'000'000});       // unknown account
    order({1, 0, 1, false, false, 50'000'000, 6'000'000'000'000});      // duplicate id
    order({2, 0, 4, true, false, 50'000'000, 7'000'000'000'000});       // price band
    order({2, 0, 5, true, false, 50'000'001, 6'000'000'000'000});       // bad quantity
    order({2, 0, 6, false, true, 50'000'000, 6'000'000'000'000});       // reduce-only with nothing to reduce

    const pg::FillEvent fill{1, 50'000'000, 6'000'000'000'000, 10'000'000};
    golden->fill(fill);
    send(1, pg::wire::encode_fill(fill, 7, seq_in[1]++));
    for (pg::i64 px : {5'000'000'000'000LL, 4'020'000'000'000LL, 4'000'000'000'000LL}) {  // the crash
      golden->mark(0, px);
      send(2, pg::wire::encode_price<pg::wire::Mark>(0, px, 0, 7, seq_in[2]++));
    }
    golden->cancel(77);
    send(1, pg::wire::encode_cancel_ack(77, 7, seq_in[1]++));
    done = true;
    sc_stop();
  }
};

int sc_main(int, char**) {
  sc_clock clk("clk", sc_time(3103, SC_PS));  // 322.265625 MHz
  sc_signal<bool> rst_n;
  sc_signal<uint32_t> awaddr, wdata, wstrb, araddr, bresp, rdata, rresp;
  sc_signal<bool> awvalid, wvalid, bready, arvalid, rready, awready, wready, bvalid, arready, rvalid;
  sc_signal<uint64_t> s_tdata[3], m_tdata[3];
  sc_signal<uint32_t> s_tkeep[3], m_tkeep[3];
  sc_signal<bool> s_tvalid[3], s_tlast[3], s_tuser[3], s_tready[3], m_tvalid[3], m_tlast[3], m_tuser[3], m_tready[3];
  sc_signal<bool> core_idle;
  sc_signal<uint32_t> core_events;
  sc_signal<bool> take;
  sc_signal<uint32_t> take_src;
  sc_signal<uint32_t> rx_drop_overflow;
  sc_signal<bool> walk_step;

  Vpg_gateway_top_sc dut("dut");
  dut.clk_i(clk); dut.rst_ni(rst_n);
  dut.s_axil_awaddr(awaddr); dut.s_axil_awvalid(awvalid); dut.s_axil_awready(awready);
  dut.s_axil_wdata(wdata); dut.s_axil_wstrb(wstrb); dut.s_axil_wvalid(wvalid); dut.s_axil_wready(wready);
  dut.s_axil_bresp(bresp); dut.s_axil_bvalid(bvalid); dut.s_axil_bready(bready);
  dut.s_axil_araddr(araddr); dut.s_axil_arvalid(arvalid); dut.s_axil_arready(arready);
  dut.s_axil_rdata(rdata); dut.s_axil_rresp(rresp); dut.s_axil_rvalid(rvalid); dut.s_axil_rready(rready);
#define PG_PORT(N, I)                                                                                    \
  dut.s_axis_##N##_tdata(s_tdata[I]); dut.s_axis_##N##_tkeep(s_tkeep[I]); dut.s_axis_##N##_tvalid(s_tvalid[I]); \
  dut.s_axis_##N##_tready(s_tready[I]); dut.s_axis_##N##_tlast(s_tlast[I]); dut.s_axis_##N##_tuser(s_tuser[I]); \
  dut.m_axis_##N##_tdata(m_tdata[I]); dut.m_axis_##N##_tkeep(m_tkeep[I]); dut.m_axis_##N##_tvalid(m_tvalid[I]); \
  dut.m_axis_##N##_tready(m_tready[I]); dut.m_axis_##N##_tlast(m_tlast[I]); dut.m_axis_##N##_tuser(m_tuser[I]);
  PG_PORT(client, 0)
  PG_PORT(venue, 1)
  PG_PORT(market, 2)
#undef PG_PORT
  dut.core_idle_o(core_idle); dut.core_events_o(core_events);
  dut.take_o(take); dut.take_src_o(take_src);
  dut.rx_drop_overflow_o(rx_drop_overflow);
  dut.walk_step_o(walk_step);

  HostModel host("host");
  host.clk(clk); host.rst_n(rst_n);
  host.awaddr(awaddr); host.wdata(wdata); host.wstrb(wstrb); host.araddr(araddr);
  host.awvalid(awvalid); host.wvalid(wvalid); host.bready(bready); host.arvalid(arvalid); host.rready(rready);
  host.awready(awready); host.wready(wready); host.bvalid(bvalid); host.arready(arready); host.rvalid(rvalid);
  host.bresp(bresp); host.rdata(rdata); host.rresp(rresp);
  for (int p = 0; p < 3; ++p) {
    host.s_tdata[p](s_tdata[p]); host.s_tkeep[p](s_tkeep[p]); host.s_tvalid[p](s_tvalid[p]);
    host.s_tlast[p](s_tlast[p]); host.s_tuser[p](s_tuser[p]); host.s_tready[p](s_tready[p]);
    host.m_tdata[p](m_tdata[p]); host.m_tkeep[p](m_tkeep[p]); host.m_tvalid[p](m_tvalid[p]);
    host.m_tlast[p](m_tlast[p]); host.m_tuser[p](m_tuser[p]); host.m_tready[p](m_tready[p]);
  }
  host.core_idle(core_idle);

  sc_start(sc_time(2, SC_MS));
  // Line, toggle and assertion coverage of the RTL (verilator --coverage): the data for
  // verilator_coverage, which ctest systemc.coverage_summary prints.
  if (const char* cov = std::getenv("PERPGATE_COVERAGE")) Verilated::threadContextp()->coveragep()->write(cov);
  const auto& want = host.model.lines;
  const auto& got = host.rtl.lines;
  int bad = host.done ? 0 : 1;
  if (!host.done) std::printf("FAIL: the host model did not finish\n");
  for (std::size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
    const std::string w = i < want.size() ? want[i] : "(none)";
    const std::string g = i < got.size() ? got[i] : "(none)";
    std::printf("%s model: %-50s rtl: %s\n", w == g ? "  " : "!!", w.c_str(), g.c_str());
    if (w != g) ++bad;
  }
  std::printf("%s: %zu decisions, %d mismatches\n", bad ? "FAIL" : "PASS", want.size(), bad);
  return bad ? 1 : 0;
}
