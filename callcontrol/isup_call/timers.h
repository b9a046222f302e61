// A half-call's Q.764 supervision timers on call control's Scheduler: started and stopped by
// name with the values in force, all stopped when the owner goes. Both owners of half-call
// machines (mgcd's CallManager and pstn-sim) run their timers through it.
#pragma once

#include "callcontrol/isup_call/events.h"
#include "callcontrol/isup_timers.h"
#include "callcontrol/sides.h"

#include <functional>
#include <map>
#include <optional>

namespace mgc::cc::isup_call {

// The event a timer's expiry is to the half-call machines; nullopt for the timers they do not
// run (the circuit supervision ones).
std::optional<Event> expiry_event(IsupTimer t);

class HalfCallTimers {
public:
  HalfCallTimers(Scheduler &sched, const IsupTimerValues &values) : sched_(sched), values_(values) {}
  ~HalfCallTimers() { stop_all(); }
  HalfCallTimers(const HalfCallTimers &) = delete;
  HalfCallTimers &operator=(const HalfCallTimers &) = delete;

  // (Re)starts `t` for its configured time; `on_expiry` runs once when it expires. It may
  // destroy this object's owner: nothing here is touched after it runs.
  void start(IsupTimer t, std::function<void()> on_expiry);
  void stop(IsupTimer t);
  void stop_all();

private:
  Scheduler &sched_;
  const IsupTimerValues &values_;
  std::map<IsupTimer, Scheduler::Id> running_;
};

} // namespace mgc::cc::isup_call
