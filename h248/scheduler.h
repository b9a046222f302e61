// Time and timers for the H.248 transaction layer and call agent, injectable so tests run on
// simulated time (STYLE.md practice 10). OsmoScheduler runs on the process's libosmocore select
// loop (DESIGN.md "Event loop and threading"); SimScheduler moves only when told to.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <unordered_map>

namespace mgc::h248 {

using TimerId = uint64_t;

class Scheduler {
public:
  virtual ~Scheduler() = default;
  virtual int64_t now_ms() const = 0;
  // Runs fn once after delay_ms; returns a non-zero id.
  virtual TimerId start(int64_t delay_ms, std::function<void()> fn) = 0;
  // Cancels a pending timer; unknown or fired ids are ignored.
  virtual void stop(TimerId id) = 0;
};

class SimScheduler final : public Scheduler {
public:
  int64_t now_ms() const override { return now_; }
  TimerId start(int64_t delay_ms, std::function<void()> fn) override {
    TimerId id = ++last_;
    Due d{now_ + (delay_ms > 0 ? delay_ms : 0), id};
    queue_.emplace(d, std::move(fn));
    due_.emplace(id, d);
    return id;
  }
  void stop(TimerId id) override {
    auto it = due_.find(id);
    if (it == due_.end())
      return;
    queue_.erase(it->second);
    due_.erase(it);
  }
  // Moves time forward, firing what falls due on the way, in deadline then start order.
  void advance(int64_t ms) {
    int64_t until = now_ + ms;
    while (!queue_.empty() && queue_.begin()->first.at <= until) {
      auto it = queue_.begin();
      now_ = it->first.at;
      auto fn = std::move(it->second);
      due_.erase(it->first.id);
      queue_.erase(it);
      fn();
    }
    now_ = until;
  }
  size_t pending() const { return queue_.size(); }

private:
  struct Due {
    int64_t at;
    TimerId id;
    bool operator<(const Due &o) const { return at != o.at ? at < o.at : id < o.id; }
  };
  int64_t now_ = 0;
  TimerId last_ = 0;
  std::map<Due, std::function<void()>> queue_;
  std::unordered_map<TimerId, Due> due_;
};

class OsmoScheduler final : public Scheduler {
public:
  OsmoScheduler();
  ~OsmoScheduler() override;
  int64_t now_ms() const override;
  TimerId start(int64_t delay_ms, std::function<void()> fn) override;
  void stop(TimerId id) override;

private:
  struct Timer;
  static void expire(void *data);
  TimerId last_ = 0;
  std::unordered_map<TimerId, std::unique_ptr<Timer>> timers_;
};

} // namespace mgc::h248
