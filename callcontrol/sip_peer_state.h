// SIP peers that asked not to be sent new calls for a while: a 503 (Service Unavailable) with
// Retry-After from a peer (RFC 3261 §21.5.4, §20.33) marks it unavailable for that long, and
// routing skips it meanwhile: the route's next target takes the call, or, with none left, the
// caller gets the cause RFC 3398 §8.2.6.1 maps 503 to (41, temporary failure). A 503 without
// Retry-After concerns that call only (§21.5.4: "the client MAY ... as if it had received a 500").
// A peer its OPTIONS keepalive found down (RFC 3261 §11; gateway/mgcd/sip_peer_health.h) is
// skipped too until it answers again; with no other target the caller gets cause 27
// (destination out of order, Q.850: the interface to the destination does not work).
#pragma once

#include "callcontrol/sides.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace mgc::cc {

class SipPeerStates {
public:
  explicit SipPeerStates(Scheduler &sched) : sched_(sched) {}
  // The longest wait honoured: a peer cannot take itself out of routing for longer than this by
  // a Retry-After (an operator's `shutdown` is the way to do that).
  static constexpr uint32_t kMaxRetryAfterS = 3600;
  void retry_after(const std::string &peer, uint32_t seconds);
  bool available(const std::string &peer) const { return unavailable_ms(peer) == 0; }
  // The keepalive's verdict (a peer without keepalive is never down).
  void set_down(const std::string &peer, bool down);
  bool down(const std::string &peer) const { return down_.count(peer) != 0; }
  // Milliseconds until the peer takes new calls again; 0: it does now.
  int64_t unavailable_ms(const std::string &peer) const;
  // A call routing skipped the peer for.
  void skipped(const std::string &peer) { ++skipped_[peer]; }
  uint64_t skipped_count(const std::string &peer) const;

private:
  Scheduler &sched_;
  std::map<std::string, int64_t, std::less<>> until_ms_;
  std::map<std::string, uint64_t, std::less<>> skipped_;
  std::set<std::string, std::less<>> down_;
};

} // namespace mgc::cc
