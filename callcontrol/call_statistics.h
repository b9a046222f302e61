// Traffic statistics of the calls this exchange carried, for monitoring (issue 18 item 1): per
// trunk group and per SIP peer, each way, the counts from which ASR, NER and ACD are computed —
// ITU-T E.411 §3 (a seizure: a call attempt that took the trunk group or peer; an answer
// signal received), E.425 §3 (network effectiveness: the call met the called user, whatever the
// user did) — and histograms of the setup delay (INVITE or IAM to answer) and the post-dial delay
// (to the first backward message: ACM, 180/183, or the answer itself; E.721 §2). Counted once
// per call attempt as its record is written (a call still up is counted when it ends), from the
// call's record alone: what the CDR says and what Prometheus counts cannot disagree.
//
// Network-effective (E.425 §3.1, the outcomes where the network did its work, as GSMA IR.42
// "NER" takes them): the call was answered, or released before the answer with cause 17 user
// busy, 18 no user responding, 19 no answer from user or 21 call rejected (Q.850). Not
// effective: every other cause — the network's own failures (27, 34, 38, 41, 42, 44, 47...),
// number errors (1, 3, 28) and a caller who gave up before the answer (16 or 31 before any
// answer), which E.425 leaves out of network effectiveness.
#pragma once

#include "callcontrol/cdr.h"
#include "core/histogram.h"

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace mgc::cc {

// The Q.850 causes above, after which a call that was not answered still counts as effective.
bool network_effective(bool answered, uint8_t cause);

struct TrafficCounts {
  uint64_t seizures = 0, answered = 0, network_effective = 0;
  double answered_seconds = 0; // sum of answer-to-release durations (ACD = this / answered)
};

class CallStatistics {
public:
  // Which way the calls went on the trunk group or peer: in (they came from it), out (to it).
  enum class Way : uint8_t { In, Out };
  // The directions of CallRecord::direction, in a fixed order (the histograms' labels).
  static constexpr std::array<std::string_view, 3> kDirections{"sip-to-pstn", "pstn-to-sip",
                                                               "pstn-to-pstn"};
  // Seconds: from a fast transit answer (0.1 s) to a long ringing (60 s, about Q.764 T9's
  // 90-180 s cut short by callers), denser where PDD targets lie (E.721: 1-8 s).
  static constexpr std::array<double, 13> kDelayBuckets{0.1, 0.25, 0.5, 1,  2,  3, 5,
                                                        8,   13,   20,  30, 60, 120};
  CallStatistics();

  // A call attempt ended: `sip_peer` names its SIP peer (empty: none, a transit call).
  void record(const CallRecord &r, std::string_view sip_peer);

  using Key = std::pair<std::string, Way>;
  const std::map<Key, TrafficCounts> &trunk_groups() const { return trunk_groups_; }
  const std::map<Key, TrafficCounts> &sip_peers() const { return sip_peers_; }
  // By direction (index into kDirections).
  const core::Histogram &setup_delay(std::size_t direction) const { return setup_[direction]; }
  const core::Histogram &post_dial_delay(std::size_t direction) const { return pdd_[direction]; }

private:
  static void count(std::map<Key, TrafficCounts> &m, std::string_view name, Way way,
                    const CallRecord &r, bool effective);
  std::map<Key, TrafficCounts> trunk_groups_, sip_peers_;
  std::array<core::Histogram, kDirections.size()> setup_, pdd_;
};

} // namespace mgc::cc
