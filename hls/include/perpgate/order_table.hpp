// Open-order table keyed by order id: set-associative (kOrderSets x kOrderWays), so that on the
// card one lookup reads all ways of a set in parallel. A full set rejects the order (CAPACITY).
#pragma once

#include "perpgate/fixed_point.hpp"
#include "perpgate/state.hpp"

namespace perpgate {

template <class P>
class OrderTable {
 public:
  static constexpr int kSets = P::kOrderSets;
  static constexpr int kWays = P::kOrderWays;

  static int set_of(i64 id) {
    u64 h = static_cast<u64>(id) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 29;
    return static_cast<int>(h & static_cast<u64>(kSets - 1));
  }

  // Entry holding `id`, or nullptr.
  OpenOrder* find(i64 id) {
    OpenOrder* set = entries_[set_of(id)];
    for (int w = 0; w < kWays; ++w) {
#pragma HLS UNROLL
      if (set[w].valid && set[w].id == id) return &set[w];
    }
    return nullptr;
  }

  // A free entry in the set of `id`, or nullptr when the set is full.
  OpenOrder* free_entry(i64 id) {
    OpenOrder* set = entries_[set_of(id)];
    for (int w = 0; w < kWays; ++w) {
#pragma HLS UNROLL
      if (!set[w].valid) return &set[w];
    }
    return nullptr;
  }

  int size() const { return size_; }
  void on_insert() { ++size_; }
  void on_erase(OpenOrder* e) {
    e->valid = false;
    --size_;
  }

 private:
  OpenOrder entries_[kSets][kWays] = {};
  int size_ = 0;
};

}  // namespace perpgate
