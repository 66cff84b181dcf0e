// Cycle-level AXI-Stream driver and monitor for Verilator testbenches (64-bit, tkeep, tlast,
// 1-bit tuser), with random idle cycles on the source and random tready stalls on the sink, and
// the protocol checks of the AXI-Stream spec: a beat offered while tready is low stays offered,
// unchanged, until it is taken.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

namespace perpgate::sim {

struct Packet {
  std::vector<std::uint8_t> bytes;
  bool user = false;  // tuser on the last beat
};

struct Beat {
  std::uint64_t data = 0;
  std::uint8_t keep = 0;
  bool last = false;
  bool user = false;
  bool operator==(const Beat&) const = default;
};

// Splits a packet into beats: byte i at beat i/8, lane i%8; lanes past the end are zero.
inline std::vector<Beat> to_beats(const Packet& p) {
  std::vector<Beat> beats((p.bytes.size() + 7) / 8);
  if (beats.empty()) beats.resize(1);  // an empty packet still has its tlast beat
  for (std::size_t i = 0; i < p.bytes.size(); ++i) {
    beats[i / 8].data |= static_cast<std::uint64_t>(p.bytes[i]) << (8 * (i % 8));
    beats[i / 8].keep |= static_cast<std::uint8_t>(1u << (i % 8));
  }
  beats.back().last = true;
  beats.back().user = p.user;
  return beats;
}

class AxisSource {
 public:
  explicit AxisSource(std::uint64_t seed, double idle = 0.0) : rng_(seed), idle_(idle) {}
  void push(const Packet& p) { push(to_beats(p)); }
  // A packet's beats as given (a test that shapes them: partial beats inside a packet).
  void push(const std::vector<Beat>& beats) {
    for (const Beat& b : beats) beats_.push_back(b);
  }
  // Before the edge: what to offer this cycle.
  bool valid() {
    if (!offered_) {
      offered_ = !beats_.empty() && !(idle_ > 0 && std::bernoulli_distribution(idle_)(rng_));
    }
    return offered_;
  }
  const Beat& beat() const { return beats_.front(); }
  // After sampling ready: the beat was taken.
  void taken() {
    beats_.pop_front();
    offered_ = false;
  }
  // Abandons the rest of the packet in flight and everything queued (reset).
  void clear() {
    beats_.clear();
    offered_ = false;
  }
  bool idle() const { return beats_.empty(); }

 private:
  std::mt19937_64 rng_;
  double idle_;
  std::deque<Beat> beats_;
  bool offered_ = false;
};

class AxisSink {
 public:
  explicit AxisSink(std::uint64_t seed, double stall = 0.0) : rng_(seed), stall_(stall) {}
  bool ready() {
    ready_ = !(stall_ > 0 && std::bernoulli_distribution(stall_)(rng_));
    return ready_;
  }
  // Called every cycle with the sampled outputs; returns true when a packet completed.
  bool observe(bool valid, const Beat& b) {
    if (pending_valid_) {
      EXPECT_TRUE(valid) << "AXI-Stream: tvalid dropped before the beat was taken";
      EXPECT_EQ(b, pending_) << "AXI-Stream: beat changed while waiting for tready";
    }
    pending_valid_ = valid && !ready_;
    pending_ = b;
    if (!(valid && ready_)) return false;
    for (int i = 0; i < 8; ++i) {
      if (b.keep >> i & 1) current_.bytes.push_back(static_cast<std::uint8_t>(b.data >> (8 * i)));
    }
    if (!b.last) {
      EXPECT_FALSE(b.user) << "tuser set on a beat that is not the last";
      return false;
    }
    current_.user = b.user;
    done_.push_back(current_);
    current_ = Packet{};
    return true;
  }
  std::deque<Packet>& packets() { return done_; }
  void clear() {
    current_ = Packet{};
    pending_valid_ = false;
  }

 private:
  std::mt19937_64 rng_;
  double stall_;
  bool ready_ = true;
  bool pending_valid_ = false;
  Beat pending_;
  Packet current_;
  std::deque<Packet> done_;
};

}  // namespace perpgate::sim
