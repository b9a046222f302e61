#include "callcontrol/admission.h"

namespace mgc::cc {

void Admission::set_limits(const AdmissionLimits &l, uint64_t now_ms) {
  limits_ = l;
  rate_.configure(l.calls_per_second, l.burst, now_ms);
}

// The checks run from the one that costs the far end least to hear about: a barred direction
// and a shut-down entity refuse before any token is taken, so refused calls never eat the rate
// of the calls that are admitted.
Refusal Admission::judge(bool incoming, uint64_t now_ms, bool take, bool count) {
  const CallDirection barred = incoming ? CallDirection::Out : CallDirection::In;
  Refusal r = Refusal::None;
  if (limits_.direction == barred)
    r = Refusal::Direction;
  else if (shutdown_)
    r = Refusal::ShutDown;
  else if (limits_.max_calls && active_ >= limits_.max_calls)
    r = Refusal::MaxCalls;
  else if (take ? !rate_.take(now_ms) : rate_.tokens(now_ms) == 0)
    r = Refusal::Rate;
  if ((r == Refusal::None && !take) || !count)
    return r;
  counters_.inc(incoming ? AdmissionCounter::offered_in : AdmissionCounter::offered_out);
  switch (r) {
  case Refusal::None:
    ++active_;
    counters_.inc(incoming ? AdmissionCounter::admitted_in : AdmissionCounter::admitted_out);
    break;
  case Refusal::Direction: counters_.inc(AdmissionCounter::refused_direction); break;
  case Refusal::ShutDown: counters_.inc(AdmissionCounter::refused_shutdown); break;
  case Refusal::MaxCalls: counters_.inc(AdmissionCounter::refused_max_calls); break;
  case Refusal::Rate: counters_.inc(AdmissionCounter::refused_rate); break;
  }
  return r;
}

uint32_t Admission::retry_after_s(Refusal r, uint64_t now_ms) {
  if (r == Refusal::ShutDown)
    return 30;
  if (r != Refusal::Rate)
    return 1;
  const uint64_t ms = rate_.ms_until_token(now_ms);
  return static_cast<uint32_t>(ms == 0 ? 1 : (ms + 999) / 1000);
}

} // namespace mgc::cc
