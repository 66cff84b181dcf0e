// Writes Ethernet frames to a pcap file (the classic format, nanosecond timestamps: magic
// 0xa1b23c4d), as tshark, Wireshark and DPDK's net_pcap read it. Off the hot path.
#pragma once

#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace perpgate::wire {

class PcapWriter {
 public:
  explicit PcapWriter(const std::string& path) : f_(std::fopen(path.c_str(), "wb")) {
    if (f_ == nullptr) throw std::runtime_error("cannot write pcap file " + path);
    put32(0xa1b23c4d);  // nanosecond resolution
    put16(2);
    put16(4);
    put32(0);           // GMT offset
    put32(0);           // accuracy
    put32(65535);       // snap length
    put32(1);           // LINKTYPE_ETHERNET
  }
  ~PcapWriter() {
    if (f_ != nullptr) std::fclose(f_);
  }
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  void write(std::uint64_t ts_ns, const std::vector<std::uint8_t>& frame) {
    put32(static_cast<std::uint32_t>(ts_ns / 1'000'000'000));
    put32(static_cast<std::uint32_t>(ts_ns % 1'000'000'000));
    put32(static_cast<std::uint32_t>(frame.size()));
    put32(static_cast<std::uint32_t>(frame.size()));
    if (std::fwrite(frame.data(), 1, frame.size(), f_) != frame.size()) throw std::runtime_error("pcap write failed");
  }

 private:
  void put16(std::uint16_t v) { put(&v, 2); }
  void put32(std::uint32_t v) { put(&v, 4); }
  void put(const void* p, std::size_t n) {  // little-endian host: the magic tells readers the order
    if (std::fwrite(p, 1, n, f_) != n) throw std::runtime_error("pcap write failed");
  }
  std::FILE* f_;
};

}  // namespace perpgate::wire
