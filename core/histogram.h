// A histogram of durations with fixed bucket bounds, as the Prometheus exposition format
// (version 0.0.4, "Histogram") carries it: per bucket the observations at most its upper bound,
// plus their sum and count. Counts are kept per bucket here and made cumulative when written
// (core/exposition.h), so an observation costs one search of a short array.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mgc::core {

class Histogram {
public:
  // `bounds`: the buckets' upper bounds, ascending; the +Inf bucket is implicit.
  explicit Histogram(std::span<const double> bounds)
      : bounds_(bounds.begin(), bounds.end()), counts_(bounds.size() + 1, 0) {}

  void observe(double v) {
    // the first bucket whose upper bound is >= v ("le": less or equal); past the last: +Inf
    const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
    ++counts_[static_cast<std::size_t>(it - bounds_.begin())];
    sum_ += v;
    ++count_;
  }
  const std::vector<double> &bounds() const { return bounds_; }
  // Observations in bucket i alone (not cumulative); i == bounds().size() is the +Inf bucket.
  uint64_t bucket(std::size_t i) const { return counts_[i]; }
  double sum() const { return sum_; }
  uint64_t count() const { return count_; }

private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;
  double sum_ = 0;
  uint64_t count_ = 0;
};

} // namespace mgc::core
