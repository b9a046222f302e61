// ASR, NER and ACD counts and the setup and post-dial delay histograms (call_statistics.h;
// ITU-T E.411 §3, E.425 §3, E.721 §2).
#include "callcontrol/call_statistics.h"

#include "isup/cause.h"

#include <chrono>

namespace mgc::cc {

namespace {
using isup::Cause;
using isup::cause_value;
// E.425 §3.1: the called user was reached and decided the outcome.
constexpr std::array<uint8_t, 4> kUserDeterminedCauses{
    cause_value(Cause::UserBusy), cause_value(Cause::NoUserResponding),
    cause_value(Cause::NoAnswerFromUser), cause_value(Cause::CallRejected)};

double seconds(CallRecord::Clock::duration d) {
  const double s = std::chrono::duration<double>(d).count();
  return s < 0 ? 0 : s; // the wall clock stepped back during the call
}

std::size_t direction_index(std::string_view d) {
  for (std::size_t i = 0; i < CallStatistics::kDirections.size(); ++i)
    if (CallStatistics::kDirections[i] == d)
      return i;
  return 0;
}
} // namespace

bool network_effective(bool answered, uint8_t cause) {
  if (answered)
    return true;
  for (uint8_t c : kUserDeterminedCauses)
    if (c == cause)
      return true;
  return false;
}

CallStatistics::CallStatistics()
    : setup_{core::Histogram(kDelayBuckets), core::Histogram(kDelayBuckets),
             core::Histogram(kDelayBuckets)},
      pdd_{core::Histogram(kDelayBuckets), core::Histogram(kDelayBuckets),
           core::Histogram(kDelayBuckets)} {}

void CallStatistics::count(std::map<Key, TrafficCounts> &m, std::string_view name, Way way,
                           const CallRecord &r, bool effective) {
  if (name.empty())
    return;
  auto it = m.find(Key(std::string(name), way));
  if (it == m.end())
    it = m.emplace(Key(std::string(name), way), TrafficCounts{}).first;
  TrafficCounts &t = it->second;
  ++t.seizures;
  t.network_effective += effective;
  if (r.answer) {
    ++t.answered;
    t.answered_seconds += seconds(r.release - *r.answer);
  }
}

void CallStatistics::record(const CallRecord &r, std::string_view sip_peer) {
  const std::string_view dir = r.direction;
  const bool effective = network_effective(r.answer.has_value(), r.cause);
  // The trunk groups the call seized (the last attempt's, as the record names it) and its SIP
  // peer, each the way the call went on it.
  if (dir == "sip-to-pstn") {
    count(trunk_groups_, r.trunk_group, Way::Out, r, effective);
    count(sip_peers_, sip_peer, Way::In, r, effective);
  } else if (dir == "pstn-to-sip") {
    count(trunk_groups_, r.trunk_group, Way::In, r, effective);
    count(sip_peers_, sip_peer, Way::Out, r, effective);
  } else {
    count(trunk_groups_, r.trunk_group, Way::In, r, effective);
    count(trunk_groups_, r.trunk_group_out, Way::Out, r, effective);
  }
  const std::size_t d = direction_index(dir);
  if (r.answer)
    setup_[d].observe(seconds(*r.answer - r.seizure));
  if (r.progress != CallRecord::Clock::time_point{})
    pdd_[d].observe(seconds(r.progress - r.seizure));
}

} // namespace mgc::cc
