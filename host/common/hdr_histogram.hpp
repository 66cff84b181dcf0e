// A log-linear latency histogram in the scheme of HdrHistogram (Gil Tene): exact below 2,048,
// then 1,024 linear sub-buckets per power of two, so every recorded value is represented within a
// relative error of 1/1024 (three significant decimal digits) with a fixed, small memory. Debian
// has no C/C++ HdrHistogram package; this is the same bucketing, tested in
// tests/hdr_histogram_test.cpp against exact percentiles.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

namespace perpgate {

class HdrHistogram {
 public:
  static constexpr int kSubBits = 11;                       // 2,048 exact values
  static constexpr std::uint64_t kSub = 1u << kSubBits;
  static constexpr std::uint64_t kHalf = kSub / 2;

  HdrHistogram() : counts_(kSub + 64 * kHalf, 0) {}

  void record(std::uint64_t v, std::uint64_t n = 1) {
    counts_[index_of(v)] += n;
    total_ += n;
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
  }

  std::uint64_t count() const { return total_; }
  std::uint64_t min() const { return total_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }

  // The value at percentile p (0..100): the highest value equivalent to the bucket that holds
  // the ceil(p% x count)-th smallest recording, never above the largest recorded value.
  std::uint64_t percentile(double p) const {
    if (total_ == 0) return 0;
    // ceil(p% x count), with a tolerance so that 99.9% of 200,000 is 199,800 and not 199,801
    auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(total_) - 1e-6));
    rank = std::clamp<std::uint64_t>(rank, 1, total_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < counts_.size(); ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(highest_equivalent(i), max_);
    }
    return max_;
  }

  // Non-empty buckets as (lowest value, highest value, count), ascending: for plots.
  struct Bucket {
    std::uint64_t lo, hi, count;
  };
  std::vector<Bucket> buckets() const {
    std::vector<Bucket> out;
    for (std::size_t i = 0; i < counts_.size(); ++i)
      if (counts_[i] != 0) out.push_back({lowest(i), highest_equivalent(i), counts_[i]});
    return out;
  }

  static std::size_t index_of(std::uint64_t v) {
    const int len = static_cast<int>(std::bit_width(v));
    if (len <= kSubBits) return static_cast<std::size_t>(v);
    const int shift = len - kSubBits;
    return static_cast<std::size_t>(kSub + static_cast<std::uint64_t>(shift - 1) * kHalf + ((v >> shift) - kHalf));
  }
  static std::uint64_t lowest(std::size_t i) {
    if (i < kSub) return i;
    const std::uint64_t k = i - kSub;
    const int shift = static_cast<int>(k / kHalf) + 1;
    return (k % kHalf + kHalf) << shift;
  }
  static std::uint64_t highest_equivalent(std::size_t i) {
    if (i < kSub) return i;
    const int shift = static_cast<int>((i - kSub) / kHalf) + 1;
    return lowest(i) + (std::uint64_t{1} << shift) - 1;
  }

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_ = 0;
  std::uint64_t min_ = ~std::uint64_t{0};
  std::uint64_t max_ = 0;
};

}  // namespace perpgate
