// The health of each SIP peer (issue 14 item 5): an OPTIONS keepalive (RFC 3261 §11) every
// `keepalive interval` ms; any final response, whatever its code, says the peer is alive (§11.2:
// a peer that answers is there, even one that takes no OPTIONS); `failures` probes unanswered in
// a row (Timer F, or a transport error) take it down. A peer down is skipped by routing (call
// control's SipPeerStates) until it answers again, and is the alarm `sip-peer.NAME.down` while
// it lasts; each change is one `sip` notice line. Configuration is live: a peer added or changed
// is probed from then on, one whose keepalive is removed counts as up.
#pragma once

#include "core/alarms.h"
#include "core/counters.h"
#include "core/scheduler.h"
#include "gateway/mgcd/config.h"
#include "sipt/user_agent.h"

#include <ctime>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>

#define MGC_SIP_HEALTH_COUNTERS(X)                                                                 \
  X(options_sent) X(options_answered) X(options_unanswered) X(peers_down) X(peers_up)
MGC_DECLARE_COUNTERS(SipHealthCounter, MGC_SIP_HEALTH_COUNTERS)

namespace mgc::gw {

class SipPeerHealth {
public:
  enum class State : uint8_t { Unknown, Up, Down };
  // Told each change of a peer's state (up: true).
  using Verdict = std::function<void(const std::string &peer, bool up)>;
  SipPeerHealth(core::Scheduler &sched, sipt::UserAgent &ua, core::Alarms &alarms, Verdict v);
  ~SipPeerHealth();

  void configure(const std::deque<SipPeerConfig> &peers);

  struct Status {
    State state = State::Unknown;
    unsigned misses = 0; // unanswered in a row
    uint32_t interval_ms = 0;
    unsigned failures = 3;
    std::time_t since = 0; // wall clock of the last change of state
    int last_code = 0;     // the last final response to a probe (0: none yet)
    sipt::Peer address;
    bool outstanding = false;
    core::Scheduler::Id timer = 0;
  };
  const Status *status(const std::string &peer) const;
  // What `show sip peers` says of the peer's keepalive: "keepalive every 5000 ms: down, 3 of 3
  // unanswered, last answer 200", or "no keepalive".
  std::string describe(const std::string &peer) const;
  const CounterSet<SipHealthCounter> &counters() const { return counters_; }
  static const char *state_name(State s);

private:
  void schedule(const std::string &peer);
  void probe(const std::string &peer);
  void result(const std::string &peer, bool alive, int code);

  core::Scheduler &sched_;
  sipt::UserAgent &ua_;
  core::Alarms &alarms_;
  Verdict verdict_;
  std::map<std::string, Status> peers_;
  CounterSet<SipHealthCounter> counters_;
  // The user agent may answer a probe after this object is gone (shutdown): its callbacks hold
  // this token weakly.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

} // namespace mgc::gw
