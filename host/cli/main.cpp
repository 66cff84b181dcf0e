// perpgate: one command line for the gateway's tools.
//   perpgate replay [--backend sw|rtl] [--summary] SCENARIO.jsonl|-     (spec/replay.md)
//   perpgate gen [--seed N] [--accounts N] [--events N] [--no-crash] [-o FILE]
//   perpgate host EAL-ARGS -- --config gateway.toml [--control script] [--backend sw|rtl] ...
//   perpgate ctl --socket PATH kill ACCT|* | unkill ACCT|* | stats | dump | reload | stop
//   perpgate pcap encode SCENARIO.jsonl DIR | perpgate pcap decode DIR OUT.pcap CONTROL_LOG
#include <CLI/CLI.hpp>
#include <simdjson.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "backend/fpga_backend.hpp"
#include "backend/rtl_backend.hpp"
#include "dpdk/dpdk_host.hpp"
#include "gateway/control_commands.hpp"
#include "pcap/scenario_pcap.hpp"
#include "replay/replayer.hpp"
#include "replay/scenario_gen.hpp"

namespace {

constexpr int kExitUsage = 2;

// Reads a file (or stdin for "-") into a buffer followed by simdjson's padding.
bool read_input(const std::string& path, std::string& buf) {
  std::FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  char chunk[1 << 16];
  std::size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) buf.append(chunk, n);
  const bool ok = !std::ferror(f);
  if (f != stdin) std::fclose(f);
  return ok;
}

void print_summary(const perpgate::ReplayStats& s, std::FILE* to) {
  std::fprintf(to, "summary: %llu lines, %llu orders: %llu accepted, %llu rejected; %llu liquidation triggers; "
                   "%llu local marks; %llu error lines\n",
               static_cast<unsigned long long>(s.lines), static_cast<unsigned long long>(s.orders),
               static_cast<unsigned long long>(s.acks),
               static_cast<unsigned long long>(s.orders - s.acks), static_cast<unsigned long long>(s.liquidations),
               static_cast<unsigned long long>(s.marks), static_cast<unsigned long long>(s.errors));
  for (int r = 1; r < perpgate::kReasonCount; ++r) {
    if (s.rejects[static_cast<std::size_t>(r)] == 0) continue;
    std::fprintf(to, "  reject %-20s %llu\n", std::string(perpgate::reason_name(static_cast<perpgate::Reason>(r))).c_str(),
                 static_cast<unsigned long long>(s.rejects[static_cast<std::size_t>(r)]));
  }
}

int run_replay(const std::string& backend, const std::string& path, bool summary, const std::string& pcap,
               const std::string& xdma_prefix) {
  std::string buf;
  if (!read_input(path, buf)) {
    std::fprintf(stderr, "perpgate replay: cannot read '%s'\n", path.c_str());
    return kExitUsage;
  }
  const std::size_t len = buf.size();
  buf.append(simdjson::SIMDJSON_PADDING, '\0');
  perpgate::RtlBackendApi* rtl = nullptr;
  std::unique_ptr<perpgate::XdmaChannels> xdma;
  std::unique_ptr<perpgate::CardDevice> card;
  perpgate::Replayer::BackendFactory factory = [&](perpgate::DecisionSink& sink) {
    if (backend == "fpga") {
      xdma = perpgate::open_xdma(xdma_prefix);
      card = perpgate::make_xdma_card(*xdma);
      return perpgate::make_card_backend(*card, sink);
    }
    if (backend != "rtl") return perpgate::make_backend(backend, sink);
    perpgate::RtlOptions opt;
    opt.pcap = pcap;
    auto b = perpgate::make_rtl_backend(sink, opt);
    rtl = b.get();
    return std::unique_ptr<perpgate::Backend>(std::move(b));
  };
  perpgate::Replayer replayer(factory, stdout);
  if (!replayer.ok()) {
    std::fprintf(stderr, "perpgate replay: backend '%s' is not available in this build\n", backend.c_str());
    return kExitUsage;
  }
  replayer.run(buf.data(), len, buf.size());
  replayer.flush();
  std::fflush(stdout);
  if (summary) print_summary(replayer.stats(), stderr);
  if (summary && rtl != nullptr) perpgate::print_rtl_latency(rtl->rtl_stats(), stderr);
  return replayer.exit_status();
}

int run_pcap_encode(const std::string& scenario, const std::string& dir, const perpgate::EncodeOptions& opt) {
  std::string buf;
  if (!read_input(scenario, buf)) {
    std::fprintf(stderr, "perpgate pcap encode: cannot read '%s'\n", scenario.c_str());
    return kExitUsage;
  }
  const std::size_t len = buf.size();
  buf.append(simdjson::SIMDJSON_PADDING, '\0');
  const perpgate::EncodeResult r = perpgate::encode_scenario(buf.data(), len, buf.size(), dir, opt);
  std::fprintf(stderr, "perpgate pcap encode: %llu frames (%llu bad), %llu control actions in %s\n",
               static_cast<unsigned long long>(r.frames), static_cast<unsigned long long>(r.bad_frames),
               static_cast<unsigned long long>(r.control_ops), dir.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // `host` takes EAL's arguments first: it parses its own command line.
  if (argc >= 2 && std::string(argv[1]) == "host") return perpgate::run_dpdk_host(argc - 1, argv + 1);

  CLI::App app{"perpgate: pre-trade risk gateway for crypto perpetual futures"};
  app.require_subcommand(1);

  auto* replay = app.add_subcommand("replay", "Replay a JSON Lines scenario; decisions on stdout");
  std::string backend = "sw";
  std::string path;
  bool summary = false;
  replay->add_option("--backend", backend, "sw (hls kernels on the CPU), rtl (Verilated RTL) or fpga (a card over XDMA)")
      ->check(CLI::IsMember({"sw", "rtl", "fpga"}));
  std::string xdma_prefix = "/dev/xdma0";
  replay->add_option("--xdma", xdma_prefix, "fpga backend: the XDMA driver's device prefix");
  replay->add_flag("--summary", summary, "print counts of decisions to stderr at the end");
  std::string pcap;
  replay->add_option("--pcap", pcap, "rtl backend: write every frame in and out of the RTL to this pcap file");
  replay->add_option("scenario", path, "scenario file, or - for stdin")->required();

  auto* gen = app.add_subcommand("gen", "Generate a crash scenario (JSON Lines) from a seed");
  perpgate::GenOptions opt;
  std::string out_path = "-";
  bool no_crash = false;
  gen->add_option("--seed", opt.seed, "random seed");
  gen->add_option("--accounts", opt.accounts, "number of accounts")->check(CLI::Range(1, 1024));
  gen->add_option("--events", opt.events, "number of events after setup");
  gen->add_option("--bad-fraction", opt.bad_fraction, "share of deliberately invalid orders")
      ->check(CLI::Range(0.0, 1.0));
  gen->add_flag("--no-crash", no_crash, "flat mark path, no crash");
  gen->add_option("-o,--output", out_path, "output file, - for stdout");

  app.add_subcommand("host", "The DPDK gateway: perpgate host EAL-ARGS -- --config FILE ... (see docs/host.md)");

  auto* ctl = app.add_subcommand("ctl", "A command to a running perpgate host (its --control-socket); the JSON reply on stdout");
  std::string ctl_socket;
  std::vector<std::string> ctl_words;
  ctl->add_option("--socket", ctl_socket, "the host's control socket")->required();
  ctl->add_option("command", ctl_words, "kill ACCT|*, unkill ACCT|*, stats, dump, reload, stop")->required();

  auto* pcap_cmd = app.add_subcommand("pcap", "Scenario <-> wire frames for perpgate host");
  pcap_cmd->require_subcommand(1);
  auto* enc = pcap_cmd->add_subcommand("encode", "Scenario -> DIR/in.pcap, control.jsonl, gateway.toml, directory.json, causes.tsv");
  std::string enc_scenario, enc_dir;
  perpgate::EncodeOptions enc_opt;
  enc->add_option("scenario", enc_scenario, "scenario file, or - for stdin")->required();
  enc->add_option("dir", enc_dir, "output directory (must exist)")->required()->check(CLI::ExistingDirectory);
  enc->add_option("--sessions", enc_opt.sessions, "client sessions (accounts spread over them)")->check(CLI::Range(1, 1000));
  enc->add_option("--bad-every", enc_opt.bad_every, "after every N-th frame a bad one (malformed, foreign, wrong type)");
  auto* dec = pcap_cmd->add_subcommand("decode", "The host's out.pcap and control log -> replay JSON Lines on stdout");
  perpgate::DecodeInputs dec_in;
  dec->add_option("dir", dec_in.dir, "the directory encode wrote")->required()->check(CLI::ExistingDirectory);
  dec->add_option("out_pcap", dec_in.out_pcap, "frames the host sent")->required()->check(CLI::ExistingFile);
  dec->add_option("control_log", dec_in.control_log, "the host's control log")->required()->check(CLI::ExistingFile);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }

  if (*ctl) {
    std::string line;
    for (const std::string& w : ctl_words) line += (line.empty() ? "" : " ") + w;
    try {
      const std::string reply = perpgate::control_request(ctl_socket, line);
      std::fwrite(reply.data(), 1, reply.size(), stdout);
      return reply.find("\"ok\":true") != std::string::npos ? 0 : 1;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "perpgate ctl: %s\n", e.what());
      return 1;
    }
  }
  if (*enc) return run_pcap_encode(enc_scenario, enc_dir, enc_opt);
  if (*dec) {
    try {
      const std::string out = perpgate::decode_host_output(dec_in);
      std::fwrite(out.data(), 1, out.size(), stdout);
      return 0;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "perpgate pcap decode: %s\n", e.what());
      return 1;
    }
  }
  if (*replay) {
    if (!pcap.empty() && backend != "rtl") {
      std::fprintf(stderr, "perpgate replay: --pcap needs --backend rtl\n");
      return kExitUsage;
    }
    try {
      return run_replay(backend, path, summary, pcap, xdma_prefix);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "perpgate replay: %s\n", e.what());
      return 1;
    }
  }

  opt.crash = !no_crash;
  std::string text;
  perpgate::generate_scenario(opt, text);
  std::FILE* f = out_path == "-" ? stdout : std::fopen(out_path.c_str(), "wb");
  if (f == nullptr) {
    std::fprintf(stderr, "perpgate gen: cannot write '%s'\n", out_path.c_str());
    return kExitUsage;
  }
  std::fwrite(text.data(), 1, text.size(), f);
  if (f != stdout) std::fclose(f);
  return 0;
}
