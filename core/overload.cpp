#include "core/overload.h"

namespace mgc::core {

bool LevelThresholds::valid() const {
  if (!used())
    return true;
  for (std::size_t i = 0; i < 3; ++i) {
    if (onset[i] == 0 || abate[i] >= onset[i])
      return false;
    if (i > 0 && onset[i] <= onset[i - 1])
      return false;
  }
  return true;
}

bool ShedPolicy::valid() const {
  for (std::size_t i = 0; i < 3; ++i) {
    if (refuse_percent[i] > 100)
      return false;
    if (i > 0 && (refuse_percent[i] < refuse_percent[i - 1] || retry_after_s[i] < retry_after_s[i - 1]))
      return false;
  }
  return true;
}

bool StandingQueue::standing(double queued_ms, int64_t now_ms, uint32_t target_ms,
                             uint32_t interval_ms) {
  if (queued_ms < 0 || target_ms == 0)
    return false;
  if (queued_ms <= double(target_ms)) {
    first_above_ = -1;
    return false;
  }
  if (first_above_ < 0)
    first_above_ = now_ms;
  return now_ms - first_above_ >= int64_t(interval_ms);
}

bool ShareGate::admit(unsigned refuse_percent) {
  if (refuse_percent == 0)
    return true;
  credit_ += refuse_percent > 100 ? 100 : refuse_percent;
  if (credit_ >= 100) {
    credit_ -= 100;
    return false;
  }
  return true;
}

// Defaults: only the loop's lateness, which says the process itself cannot keep up whatever
// the deployment. A loop a tenth of a second late at every sample is overloaded (SIP's T1 is
// half a second: retransmissions are near). Calls in setup, CPU and memory depend on the
// deployment (a slow media gateway holds setups longer at the same load: the benchmark's
// osmo-mgw, holding thousands of connections, keeps 2,000 calls in setup at 500 calls/s), so
// they are off unless configured.
OverloadConfig::OverloadConfig() {
  (*this)[LoadMeasure::LoopLag] = {{100, 250, 500}, {50, 150, 300}};
}

unsigned OverloadMonitor::update(const LoadSample &s) {
  last_ = s;
  unsigned top = 0;
  LoadMeasure why = LoadMeasure::LoopLag;
  for (std::size_t i = 0; i < kLoadMeasures; ++i) {
    const LevelThresholds &t = cfg_.thresholds[i];
    unsigned &l = per_measure_[i];
    if (!t.used()) {
      l = 0;
      continue;
    }
    const uint64_t v = s.value[i];
    // Up as far as the value reaches (a sudden surge may skip levels), else down one level at a
    // time as it falls below each abatement threshold.
    while (l < 3 && v >= t.onset[l])
      ++l;
    while (l > 0 && v < t.abate[l - 1])
      --l;
    if (l > top) {
      top = l;
      why = static_cast<LoadMeasure>(i);
    }
  }
  if (top > level_)
    for (unsigned k = level_ + 1; k <= top; ++k)
      ++entered_[k];
  level_ = top;
  cause_ = why;
  return level_;
}

} // namespace mgc::core
