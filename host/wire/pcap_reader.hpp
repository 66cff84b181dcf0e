// Reads Ethernet frames from a pcap file (microsecond or nanosecond) with libpcap. Off the hot path.
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace perpgate::wire {

class PcapReader {
 public:
  explicit PcapReader(const std::string& path) {
    char err[PCAP_ERRBUF_SIZE] = {};
    p_ = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
    if (p_ == nullptr) throw std::runtime_error("cannot read pcap file " + path + ": " + err);
    if (pcap_datalink(p_) != DLT_EN10MB) {
      pcap_close(p_);  // the destructor does not run for a constructor that throws
      throw std::runtime_error(path + ": not an Ethernet capture");
    }
  }
  ~PcapReader() { pcap_close(p_); }
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;

  // The next frame, or false at the end. A frame cut short by the snap length is an error.
  bool next(std::vector<std::uint8_t>& frame, std::uint64_t& ts_ns) {
    pcap_pkthdr* h = nullptr;
    const std::uint8_t* data = nullptr;
    const int rc = pcap_next_ex(p_, &h, &data);
    if (rc == PCAP_ERROR_BREAK) return false;
    if (rc != 1) throw std::runtime_error(std::string("pcap read failed: ") + pcap_geterr(p_));
    if (h->caplen != h->len) throw std::runtime_error("pcap frame truncated by the capture's snap length");
    frame.assign(data, data + h->caplen);
    ts_ns = static_cast<std::uint64_t>(h->ts.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(h->ts.tv_usec);
    return true;
  }

 private:
  pcap_t* p_ = nullptr;
};

}  // namespace perpgate::wire
