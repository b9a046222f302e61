// A one-shot timer owned by the code that uses it, on any core::Scheduler: start(ms) (re)arms,
// stop() cancels, pending() says whether it will fire, and destroying it cancels it. This is
// what protocol state machines want from a timer (RFC 4666 T(ack) and BEAT, Q.764 T1...),
// without each keeping a Scheduler::Id by hand.
#pragma once

#include "core/scheduler.h"

#include <cstdint>
#include <functional>
#include <utility>

namespace mgc::core {

class Timer {
public:
  Timer(Scheduler &sched, std::function<void()> on_expiry)
      : sched_(sched), on_expiry_(std::move(on_expiry)) {}
  ~Timer() { stop(); }
  // The scheduler's callback points at this object: it must not move.
  Timer(const Timer &) = delete;
  Timer &operator=(const Timer &) = delete;

  // Arms the timer ms from now, cancelling a previous start.
  void start(int64_t ms) {
    stop();
    id_ = sched_.start(ms, [this] {
      id_ = 0; // spent before the callback runs, so it may start the timer again
      on_expiry_();
    });
  }
  void stop() {
    if (id_)
      sched_.stop(std::exchange(id_, 0));
  }
  bool pending() const { return id_ != 0; }

private:
  Scheduler &sched_;
  std::function<void()> on_expiry_;
  Scheduler::Id id_ = 0;
};

} // namespace mgc::core
