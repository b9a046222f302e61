// Simulated time for the tests and fuzz targets of every layer (STYLE.md practice 10: time is
// simulated): nothing moves until the test calls advance(ms), which fires every timer that falls
// due on the way in deadline order, timers due at the same instant in the order they were
// started, with now_ms() reading each timer's deadline while it runs. Production code never
// constructs one; processes use core::OsmoScheduler.
#pragma once

#include "core/scheduler.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <unordered_map>
#include <utility>

namespace mgc::core {

class SimScheduler final : public Scheduler {
public:
  // A timer that restarts itself with no delay would never let an advance() end; after this
  // many callbacks in one advance() the rest stay due for the next one (a fuzz target must not
  // spin for ever on such an input).
  static constexpr std::size_t kMaxFiringsPerAdvance = 100000;

  int64_t now_ms() const override { return now_; }

  Id start(int64_t delay_ms, std::function<void()> fn) override {
    Id id = ++last_;
    Due d{now_ + std::max<int64_t>(delay_ms, 0), id};
    queue_.emplace(d, std::move(fn));
    due_.emplace(id, d);
    return id;
  }

  void stop(Id id) override {
    auto it = due_.find(id);
    if (it == due_.end())
      return;
    queue_.erase(it->second);
    due_.erase(it);
  }

  // Moves time forward by ms (>= 0), firing what falls due on the way.
  void advance(int64_t ms) {
    const int64_t until = now_ + std::max<int64_t>(ms, 0);
    for (std::size_t n = 0; n < kMaxFiringsPerAdvance && !queue_.empty() &&
                            queue_.begin()->first.at <= until;
         ++n) {
      auto it = queue_.begin();
      now_ = std::max(now_, it->first.at);
      auto fn = std::move(it->second);
      due_.erase(it->first.id);
      queue_.erase(it);
      fn();
    }
    now_ = until;
  }

  // Timers started and neither fired nor stopped.
  std::size_t pending() const { return queue_.size(); }

private:
  struct Due {
    int64_t at;
    Id id; // ids grow, so among equal deadlines the earlier start comes first
    bool operator<(const Due &o) const { return at != o.at ? at < o.at : id < o.id; }
  };
  int64_t now_ = 0;
  Id last_ = 0;
  std::map<Due, std::function<void()>> queue_;
  std::unordered_map<Id, Due> due_;
};

} // namespace mgc::core
