// A FrameSink that keeps every frame the gateway sends, with its role: what the gateway tests and
// the fuzz targets read the gateway's output from. A frame committed longer than the buffer it
// was given is counted (overlong), for the callers to check.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "gateway/gateway.hpp"

namespace perpgate::test {

struct RecordingFrames final : FrameSink {
  struct Out {
    int role;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<Out> out;
  std::vector<std::uint8_t> buf;
  std::size_t overlong = 0;
  std::uint8_t* begin_frame(int, std::size_t max_len) override {
    buf.assign(max_len, 0);
    return buf.data();
  }
  void commit_frame(int role, std::size_t len) override {
    if (len > buf.size()) ++overlong;
    buf.resize(len);
    out.push_back({role, buf});
  }
};

}  // namespace perpgate::test
