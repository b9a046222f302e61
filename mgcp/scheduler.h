// Time and timers for the MGCP call agent, injectable so tests run on simulated time
// (STYLE.md practice 10). OsmoScheduler runs on the process's libosmocore select loop
// (DESIGN.md "Event loop and threading"); SimScheduler advances only when told to.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>

namespace mgc::mgcp {

using TimerId = uint64_t;

class Scheduler {
public:
  virtual ~Scheduler() = default;
  virtual int64_t now_ms() const = 0;
  // Runs fn once after delay_ms (>= 0). Returns a non-zero id.
  virtual TimerId start(int64_t delay_ms, std::function<void()> fn) = 0;
  // Cancels a pending timer; unknown or fired ids are ignored.
  virtual void stop(TimerId id) = 0;
};

// Simulated time: timers fire in deadline order (then start order) during advance().
class SimScheduler final : public Scheduler {
public:
  int64_t now_ms() const override { return now_; }
  TimerId start(int64_t delay_ms, std::function<void()> fn) override {
    TimerId id = ++last_;
    Key k{now_ + (delay_ms < 0 ? 0 : delay_ms), id};
    timers_.emplace(k, std::move(fn));
    index_.emplace(id, k);
    return id;
  }
  void stop(TimerId id) override {
    auto it = index_.find(id);
    if (it == index_.end())
      return;
    timers_.erase(it->second);
    index_.erase(it);
  }
  // Moves time forward by ms, firing every timer that falls due on the way.
  void advance(int64_t ms) {
    int64_t until = now_ + ms;
    while (!timers_.empty() && timers_.begin()->first.at <= until) {
      auto it = timers_.begin();
      now_ = it->first.at;
      auto fn = std::move(it->second);
      index_.erase(it->first.id);
      timers_.erase(it);
      fn();
    }
    now_ = until;
  }
  std::size_t pending() const { return timers_.size(); }

private:
  struct Key {
    int64_t at;
    TimerId id;
    bool operator<(const Key &o) const { return at != o.at ? at < o.at : id < o.id; }
  };
  int64_t now_ = 0;
  TimerId last_ = 0;
  std::map<Key, std::function<void()>> timers_;
  std::unordered_map<TimerId, Key> index_;
};

// osmo_timer_list timers on the libosmocore select loop; time from CLOCK_MONOTONIC through
// osmo_clock_gettime (so osmo_clock_override also applies).
class OsmoScheduler final : public Scheduler {
public:
  OsmoScheduler();
  ~OsmoScheduler() override;
  int64_t now_ms() const override;
  TimerId start(int64_t delay_ms, std::function<void()> fn) override;
  void stop(TimerId id) override;

private:
  struct Entry;
  static void fire(void *data);
  TimerId last_ = 0;
  std::unordered_map<TimerId, std::unique_ptr<Entry>> timers_;
};

} // namespace mgc::mgcp
