#include "callcontrol/isup_call/timers.h"

namespace mgc::cc::isup_call {

std::optional<Event> expiry_event(IsupTimer t) {
  switch (t) {
  case IsupTimer::T1: return EvT1{};
  case IsupTimer::T5: return EvT5{};
  case IsupTimer::T6: return EvT6{};
  case IsupTimer::T7: return EvT7{};
  case IsupTimer::T8: return EvT8{};
  case IsupTimer::T9: return EvT9{};
  case IsupTimer::T10: return EvT10{};
  case IsupTimer::T16: return EvT16{};
  case IsupTimer::T17: return EvT17{};
  case IsupTimer::T27: return EvT27{};
  case IsupTimer::T35: return EvT35{};
  default: return std::nullopt;
  }
}

void HalfCallTimers::start(IsupTimer t, std::function<void()> on_expiry) {
  stop(t);
  running_[t] = sched_.start(values_.ms(t), [this, t, fn = std::move(on_expiry)] {
    running_.erase(t);
    fn();
  });
}

void HalfCallTimers::stop(IsupTimer t) {
  auto it = running_.find(t);
  if (it == running_.end())
    return;
  sched_.stop(it->second);
  running_.erase(it);
}

void HalfCallTimers::stop_all() {
  for (auto &[t, id] : running_)
    sched_.stop(id);
  running_.clear();
}

} // namespace mgc::cc::isup_call
