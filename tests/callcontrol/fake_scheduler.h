// Simulated time for call control's tests and fuzz target: timers run in order of expiry when
// the test advances the clock; no real time passes.
#pragma once

#include "callcontrol/sides.h"

#include <functional>
#include <map>
#include <utility>

namespace mgc::cc::test {

struct FakeScheduler : Scheduler {
  int64_t now = 0;
  Id last = 0;
  std::multimap<int64_t, std::pair<Id, std::function<void()>>> q;
  int64_t now_ms() const override { return now; }
  Id start(int64_t d, std::function<void()> fn) override {
    q.emplace(now + d, std::make_pair(++last, std::move(fn)));
    return last;
  }
  void stop(Id id) override {
    for (auto it = q.begin(); it != q.end(); ++it)
      if (it->second.first == id) {
        q.erase(it);
        return;
      }
  }
  // Runs every timer due by now + ms. Bounded: a timer that restarts itself at zero delay must
  // not spin a fuzzer for ever.
  void advance(int64_t ms) {
    const int64_t until = now + ms;
    for (int guard = 0; guard < 100000 && !q.empty() && q.begin()->first <= until; ++guard) {
      auto it = q.begin();
      now = it->first;
      auto fn = std::move(it->second.second);
      q.erase(it);
      fn();
    }
    now = until;
  }
};

} // namespace mgc::cc::test
