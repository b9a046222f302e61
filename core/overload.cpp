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

// Defaults for a 2-core machine of the kind the benchmarks run on: the loop is late by tens of
// milliseconds only when it cannot keep up; setups pile up when the far ends or the media
// gateway answer slower than calls arrive. CPU and memory are off unless configured (a shared
// host's figures say little about this process's capacity).
OverloadConfig::OverloadConfig() {
  (*this)[LoadMeasure::LoopLag] = {{20, 50, 150}, {10, 30, 100}};
  (*this)[LoadMeasure::CallsInSetup] = {{2000, 4000, 8000}, {1500, 3000, 6000}};
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
