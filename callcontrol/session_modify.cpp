// A SIP peer changes the session of its call (RFC 3264 §8): the offer of a re-INVITE (RFC 3261
// §14) or UPDATE (RFC 3311 §5.2) — hold as sendonly or inactive (RFC 3264 §8.4), a codec or
// address change — goes to the circuit's media gateway as a modification of its connection (MGCP
// MDCX, RFC 3435 §2.3.7; H.248 Modify, H.248.1 §7.2.2) with the new remote description and mode,
// and only once the gateway took it is the offer answered (from the gateway's description). A
// gateway that refuses leaves the session as it was: 488 (RFC 3261 §14.2).
//
// Toward the PSTN nothing is sent. RFC 3398 §9.2 says a gateway SHOULD send a CPG with a generic
// notification 'remote hold' / 'remote retrieval' (the HOLD supplementary service, Q.733.2); this
// gateway does not offer that service, so the circuit's call carries on unchanged while the RTP
// side is held (Q.1912.5's basic-call mapping has no ISUP message for a session modification).
#include "callcontrol/call.h"

namespace mgc::cc {

void CallManager::sip_offer(SipLeg &leg, const std::string &remote_sdp, MediaMode mode) {
  Call *c = call_of(leg);
  if (!c || c->finished) {
    leg.refuse_offer(481);
    return;
  }
  if (remote_sdp.empty()) {
    // §14.2: a re-INVITE without an offer is answered with ours (the SIP side's last SDP); the
    // answer comes in the ACK (sip_answer).
    leg.answer_offer({});
    return;
  }
  counters_.inc(CcCounter::session_offers);
  if (!c->media.established()) {
    // The connection is being made or taken down: the peer may try again (RFC 3311 §5.2: 500
    // with Retry-After).
    counters_.inc(CcCounter::session_offers_refused);
    MGC_LOGC(c->ctx(), Cc, Notice, "SIP offer refused (500): media connection %s",
             MediaLeg::state_name(c->media.state()));
    leg.refuse_offer(500);
    return;
  }
  if (mode != MediaMode::SendRecv)
    counters_.inc(CcCounter::session_holds);
  MGC_LOGC(c->ctx(), Cc, Info, "SIP offer: media connection to %s%s", name_of(kMediaModeNames, mode),
           mode == MediaMode::SendRecv ? "" : " (hold)");
  modify_for_offer(*c, mode, remote_sdp);
}

// The answer waits for the gateway; the media leg is the call's child, so the gateway's answer
// reaches the call only while it lives (MediaLeg), and the call's SIP leg is asked again then.
void CallManager::modify_for_offer(Call &call, MediaMode mode, const std::string &remote_sdp) {
  Call *c = &call;
  c->media.modify(mode, remote_sdp, [this, c, mode, remote_sdp](const Status &s,
                                                                std::string_view local_sdp) {
    SipLeg *l = c->sip.leg();
    if (!l)
      return;
    if (!s.ok() && mode == MediaMode::Inactive) {
      // Not every gateway has the inactive mode of RFC 3435 §3.2.2.6 (osmo-mgw answers 517):
      // recvonly sends nothing either, and the peer, inactive, sends nothing to receive.
      MGC_LOGC(c->ctx(), Cc, Info, "the media gateway refused inactive (%d): recvonly instead",
               s.code());
      modify_for_offer(*c, MediaMode::RecvOnly, remote_sdp);
      return;
    }
    if (!s.ok()) {
      counters_.inc(CcCounter::session_offers_refused);
      MGC_LOGC(c->ctx(), Cc, Notice, "SIP offer refused (488): the media gateway said %.*s (%d)",
               int(s.detail().size()), s.detail().data(), s.code());
      l->refuse_offer(488);
      return;
    }
    l->answer_offer(std::string(local_sdp));
  });
}

void CallManager::sip_answer(SipLeg &leg, const std::string &remote_sdp, MediaMode mode) {
  Call *c = call_of(leg);
  if (!c || c->finished || remote_sdp.empty() || !c->media.established())
    return;
  counters_.inc(CcCounter::session_answers);
  MGC_LOGC(c->ctx(), Cc, Info, "SIP answer: media connection to %s", name_of(kMediaModeNames, mode));
  modify_for_answer(*c, mode, remote_sdp);
}

void CallManager::modify_for_answer(Call &call, MediaMode mode, const std::string &remote_sdp) {
  Call *c = &call;
  c->media.modify(mode, remote_sdp, [this, c, mode, remote_sdp](const Status &s,
                                                                std::string_view) {
    if (!s.ok() && mode == MediaMode::Inactive) // as in modify_for_offer
      return modify_for_answer(*c, MediaMode::RecvOnly, remote_sdp);
    if (!s.ok())
      MGC_LOGC(c->ctx(), Cc, Notice,
               "the media gateway refused the SIP answer (%.*s): media left as it was",
               int(s.detail().size()), s.detail().data());
  });
}

} // namespace mgc::cc
