// A SIP session that expired without a refresh (RFC 4028 §10): the peer, or the path to it, is
// gone, and the user agent has sent BYE. The call is released as the user agent's own end of a
// leg is: toward the PSTN REL with cause 102, recovery on timer expiry (Q.850 Table 1: "a
// procedure has been initiated by the expiry of a timer in association with error handling
// procedures"). RFC 3398 §10.1 and Q.1912.5 map a BYE received to REL cause 16; a session that ends on
// its own is not the called or calling user's clearing, so 16 would misstate it, and 102 is what
// this gateway already sends when a 2xx goes unacknowledged (RFC 3261 §13.3.1.4) and what the
// BYE's Reason header says. The CDR records the gateway as the releasing side.
#include "callcontrol/call.h"

namespace mgc::cc {

void CallManager::sip_session_expired(SipLeg &leg) {
  Call *c = call_of(leg);
  if (!c || c->sip.done() || c->sip.busy()) {
    reap();
    return;
  }
  constexpr uint8_t kCause = cause_value(Cause::RecoveryOnTimerExpiry);
  counters_.inc(CcCounter::session_expiries);
  MGC_LOGC(c->ctx(), Cc, Notice,
           "SIP session expired without a refresh (RFC 4028 §10): BYE sent, released with cause %u",
           unsigned(kCause));
  c->cdr.released_by = ReleasedBy::Gateway;
  c->sip.from_peer(sip_call::EvBye{kCause}, {});
  reap();
}

} // namespace mgc::cc
