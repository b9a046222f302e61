// The SIP callee of a call from the PSTN redirected it (a 3xx, RFC 3261 §8.1.3.4): the SIP side
// tries the Contacts itself (sipt::UserAgent, the peer's `redirect follow`), and call control
// keeps the last target for the CDR and the call's log line (RFC 3398 §8.2.5).
//
// Toward the PSTN nothing is sent. RFC 3398 §8.2.5 lets a gateway send a CPG with event 6
// (forwarding) while it explores the Contacts "where permitted by the ISUP variant" and says it
// should be possible to turn that off (some exchanges refuse a CPG before the ACM); Q.1912.5
// carries the redirection itself (Redirection number and Redirection information in the ACM/CPG,
// from the History-Info of the final response) only for its SIP-I profile. Neither is done: the
// PSTN side learns of the redirect only as the answer or failure of the redirected INVITE, and
// an exhausted target set fails with the cause of the last response (RFC 3398 §8.2.6.1).
#include "callcontrol/call.h"

namespace mgc::cc {

void CallManager::sip_redirected(SipLeg &leg, int status, const std::string &target) {
  Call *c = call_of(leg);
  if (!c || c->finished)
    return;
  counters_.inc(CcCounter::sip_redirects);
  c->cdr.redirected_to = target;
  MGC_LOGC(c->ctx(), Cc, Info, "redirected by %d to %s", status, target.c_str());
}

} // namespace mgc::cc
