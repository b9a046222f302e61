#include "callcontrol/cdr_interim.h"

namespace mgc::cc {

CdrInterim::CdrInterim(core::Scheduler &sched, Due due) : sched_(sched), due_(std::move(due)) {}

CdrInterim::~CdrInterim() { sched_.stop(timer_); }

void CdrInterim::set_interval_ms(int64_t ms) {
  interval_ms_ = ms > 0 ? ms : 0;
  if (!interval_ms_)
    queue_ = {};
  arm();
}

void CdrInterim::answered(uint32_t ref, uint64_t seq) {
  if (!interval_ms_)
    return;
  queue_.push({sched_.now_ms() + interval_ms_, seq, ref});
  arm();
}

void CdrInterim::fire() {
  timer_ = 0;
  const int64_t now = sched_.now_ms();
  while (!queue_.empty() && queue_.top().due <= now) {
    Entry e = queue_.top();
    queue_.pop();
    if (interval_ms_ && due_(e.ref, e.seq)) {
      e.due += interval_ms_;
      if (e.due <= now) // the loop was late by more than an interval: one record, not a burst
        e.due = now + interval_ms_;
      queue_.push(e);
    }
  }
  arm();
}

void CdrInterim::arm() {
  if (queue_.empty()) {
    sched_.stop(timer_);
    timer_ = 0;
    return;
  }
  if (timer_ && armed_for_ == queue_.top().due)
    return;
  sched_.stop(timer_);
  armed_for_ = queue_.top().due;
  timer_ = sched_.start(armed_for_ - sched_.now_ms(), [this] { fire(); });
}

} // namespace mgc::cc
