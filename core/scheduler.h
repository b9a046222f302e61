// The one timer and clock interface of every layer (DESIGN.md "Event loop and threading"):
// protocol code never reads a clock or arms a libosmocore timer itself, it is handed a Scheduler
// (STYLE.md: inject clocks). The processes share one core::OsmoScheduler on the select loop;
// tests of every layer run on core::SimScheduler's simulated time (STYLE.md practice 10).
#pragma once

#include <cstdint>
#include <functional>

namespace mgc::core {

class Scheduler {
public:
  using Id = uint64_t;
  virtual ~Scheduler() = default;
  // Milliseconds on a monotonic clock; only differences mean anything.
  virtual int64_t now_ms() const = 0;
  // Runs fn once, on the loop, delay_ms (a negative delay counts as 0) from now. Returns a
  // non-zero id. fn may start and stop timers, its own id included (already spent by then).
  virtual Id start(int64_t delay_ms, std::function<void()> fn) = 0;
  // Cancels a pending timer; unknown, spent or cancelled ids are ignored.
  virtual void stop(Id id) = 0;
};

} // namespace mgc::core
