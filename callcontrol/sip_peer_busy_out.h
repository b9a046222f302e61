// Trunk groups busied out while the SIP peer they feed is down (issue 14 item 5). A trunk group
// whose calls from the PSTN all go to one SIP peer (`busy-out-on-peer-down PEER`) is of no use
// while that peer's OPTIONS keepalive finds it down (RFC 3261 §11, gateway/mgcd/
// sip_peer_health.h): each call the far exchange offers would only be refused (cause 27). Its
// circuits are blocked toward the far exchange so that it routes elsewhere, and unblocked when
// the peer answers again.
//
// The blocking is maintenance-oriented (Q.764 §2.8.2.1), not hardware-failure-oriented
// (§2.8.2.2): the circuits and this exchange's equipment are sound, the fault is beyond it, and a
// keepalive's verdict is a judgement from missed probes, not proof that the calls up are gone. A
// maintenance block stops new seizures in both directions and leaves the calls up alone (a
// hardware block would release them at once without REL); calls through a peer that has really
// gone end by their own means (RFC 4028 session timers, the peer's BYE). Back up: CGU of the
// same circuits. Blocks this object did not set (an operator's, a dry-up's, a media gateway's)
// are not touched (circuit_blocks.h). The alarm trunk-group.NAME.busied-out lasts as long as it.
#pragma once

#include "callcontrol/circuit_blocks.h"
#include "core/counters.h"

#include <ctime>
#include <map>
#include <memory>
#include <string>

#define MGC_BUSY_OUT_COUNTERS(X)                                                                   \
  X(busy_outs) X(returns) X(circuits_blocked) X(circuits_unblocked)
MGC_DECLARE_COUNTERS(BusyOutCounter, MGC_BUSY_OUT_COUNTERS)

namespace mgc::core {
class Alarms;
}

namespace mgc::cc {

class CallManager;

class SipPeerBusyOut {
public:
  // `calls` holds the trunk groups and the peers' states (CallManager::sip_peer_states);
  // `alarms` may be null.
  SipPeerBusyOut(CallManager &calls, core::Alarms *alarms);
  SipPeerBusyOut(const SipPeerBusyOut &) = delete;
  SipPeerBusyOut &operator=(const SipPeerBusyOut &) = delete;

  // Trunk group -> the SIP peer it feeds, as configured (live): a trunk group newly tied to a
  // peer that is down is busied out at once; one no longer tied, or tied to a peer that is up,
  // is unblocked.
  void configure(const std::map<std::string, std::string> &trunk_group_peer);
  // A peer's keepalive verdict changed (after SipPeerStates::set_down): the trunk groups it
  // feeds follow.
  void peer_changed(const std::string &peer);

  bool busied_out(const std::string &trunk_group) const;
  // What `show sip peers` says of the trunk group: "busied out (SIP peer P down), 31 circuits
  // blocked" or "in service (busied out while SIP peer P is down)"; empty if tied to no peer.
  std::string describe(const std::string &trunk_group) const;
  const CounterSet<BusyOutCounter> &counters() const { return counters_; }

private:
  struct Tie {
    std::string peer;
    std::unique_ptr<CircuitBlocks> blocks;
    bool busied = false;
  };
  void update(const std::string &trunk_group, Tie &t);
  void busy_out(const std::string &trunk_group, Tie &t);
  void bring_back(const std::string &trunk_group, Tie &t, const char *why);

  CallManager &calls_;
  core::Alarms *alarms_;
  std::map<std::string, Tie> ties_; // by trunk group
  CounterSet<BusyOutCounter> counters_;
};

} // namespace mgc::cc
