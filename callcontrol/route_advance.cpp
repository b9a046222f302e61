// Route advance (issue 15 item 5): a call's attempts over its route's targets, as call control
// runs them. The decisions are RouteAttempts' (route_attempts.h); this file hunts a target
// (hunt_circuit, the one place a trunk group is judged usable for a new outgoing call), starts
// the next attempt once a failed one has let go of its circuit (RLC sent, Q.764 §2.3.2) and
// media, and runs the route's setup timer. One CDR per call: the attempts are counted in it.
#include "callcontrol/call.h"
#include "callcontrol/isup_call/message_event.h"

namespace mgc::cc {

namespace {
inline constexpr uint8_t kCauseTimerExpiry = cause_value(Cause::RecoveryOnTimerExpiry);
}

RouteAttempts CallManager::plan_route(const Route &route, bool from_sip) {
  // A call from SIP goes to the PSTN only (a SIP-to-SIP call is the proxy's job, DESIGN.md).
  std::vector<RouteTarget> targets;
  targets.reserve(route.targets.size());
  for (const auto &t : route.targets)
    if (!(from_sip && t.kind == RouteTarget::Kind::SipPeer))
      targets.push_back(t);
  std::size_t first = 0;
  if (route.selection == TargetSelection::Weighted && targets.size() > 1)
    first = choices_[route.prefix + (from_sip ? "/sip" : "/pstn")].pick(targets);
  return RouteAttempts(attempt_order(targets, first), route.advance);
}

Circuit *CallManager::hunt_circuit(Call &c, const RouteTarget &t, TrunkGroup *&group) {
  group = nullptr;
  if (t.kind != RouteTarget::Kind::TrunkGroup)
    return nullptr;
  TrunkGroup *g = group_named(t.name);
  if (!g || !may_seize(*g, c)) // its destination: accessible, not congested (destination_state.h)
    return nullptr;
  Circuit *k = g->circuits.seize_outgoing(c.ref);
  if (!k)
    return nullptr;
  // Admission (direction, dry-up, limits): a target over them is skipped like a busy one, its
  // circuit free again at once (nothing was sent on it).
  Admission &a = admission_of(*g);
  if (const Refusal r = a.admit(false, uint64_t(sched_.now_ms())); r != Refusal::None) {
    g->circuits.idle(k->cic);
    counters_.inc(CcCounter::targets_skipped);
    MGC_LOGC(c.ctx(), Cc, Info, "trunk group %s skipped: %s", g->circuits.name().c_str(),
             name_of(kRefusalNames, r));
    return nullptr;
  }
  c.out_slot = AdmissionSlot(&a);
  group = g;
  return k;
}

void CallManager::route_from_pstn_next(Call &c) {
  bool trunk_group_target = false;
  while (auto t = c.su().attempts.next()) {
    if (t->kind == RouteTarget::Kind::TrunkGroup) {
      trunk_group_target = true;
      c.su().withheld = false;
      if (transit_to(c, *t))
        return;
      c.su().attempts.failed(c.su().withheld ? kCauseSwitchingEquipmentCongestion : kCauseNoCircuit);
      continue;
    }
    auto p = peers_.find(t->name);
    if (p == peers_.end())
      continue; // a peer no longer configured is no target
    if (peer_states_.down(t->name)) {
      // RFC 3261 §11: its OPTIONS keepalive went unanswered; no INVITE until it answers again.
      peer_states_.skipped(t->name);
      counters_.inc(CcCounter::targets_skipped);
      MGC_LOGC(c.ctx(), Cc, Info, "SIP peer %s down (keepalive): skipped", t->name.c_str());
      c.su().attempts.failed(kCauseDestinationOutOfOrder);
      continue;
    }
    if (!peer_states_.available(t->name)) {
      // RFC 3261 §21.5.4: the peer asked for no new requests until its Retry-After ends; the
      // cause of that 503 if no other target takes the call (41, RFC 3398 §8.2.6.1).
      peer_states_.skipped(t->name);
      MGC_LOGC(c.ctx(), Cc, Info, "SIP peer %s unavailable (Retry-After): skipped", t->name.c_str());
      c.su().attempts.failed(kCauseTemporaryFailure);
      continue;
    }
    Admission &a = peer_admission_.at(t->name);
    if (const Refusal r = a.admit(false, uint64_t(sched_.now_ms())); r != Refusal::None) {
      counters_.inc(CcCounter::targets_skipped);
      MGC_LOGC(c.ctx(), Cc, Info, "SIP peer %s skipped: %s", t->name.c_str(),
               name_of(kRefusalNames, r));
      c.su().attempts.failed(kCauseNoCircuit);
      continue;
    }
    c.out_slot = AdmissionSlot(&a);
    c.sip.set_peer(p->second);
    ++c.cdr.attempts;
    c.cdr.direction = "pstn-to-sip";
    c.cdr.trunk_group_out = {};
    c.cdr.cic_out.reset();
    if (c.media.established()) // a later attempt: the offer made for the first one again
      invite_peer(c);
    else
      connect_media_then(c, "", [this, &c] { invite_peer(c); });
    return;
  }
  // Q.764 §2.2: the IAM is refused with REL. Every target failed or was skipped: the cause with
  // the most to say (Q.850 precedence, route_attempts.h); a route whose trunk groups are all busy
  // gets cause 34 (no circuit/channel available), a number without a usable target cause 3.
  const bool failed = c.su().attempts.any_failed();
  const uint8_t cause = failed ? c.su().attempts.cause(kCauseNoCircuit)
                        : trunk_group_target ? kCauseNoCircuit
                                             : kCauseNoRoute;
  counters_.inc(c.cdr.attempts > 0 ? CcCounter::route_attempts_exhausted
                : failed || trunk_group_target ? CcCounter::no_circuit
                                               : CcCounter::no_route);
  MGC_LOGC(c.ctx(), Cc, Notice, "%s for %s after %u attempts: REL cause %u",
           failed || trunk_group_target ? "no target free" : "no route", c.cdr.called.c_str(),
           unsigned(c.cdr.attempts), cause);
  stop_setup_timer(c);
  c.release_cause = cause;
  c.sip.no_leg();
  c.process(EvReleaseReq{cause, kLocationPublicLocal});
}

void CallManager::invite_peer(Call &c) {
  iw::SipCallInfo info = iw::invite_from_iam(c.su().iam_msg, cfg_.interworking);
  info.called = c.su().routed_number;
  if (!c.sip.peer().trusted)
    info.asserted.reset();
  // SIP-T / SIP-I peers get the IAM as it arrived (Q.1912.5, RFC 3204), minus the CIC.
  SipLeg *leg = sip_.invite(c.sip.peer(), info, c.body(c.su().local_sdp, &c.su().iam_msg));
  if (!leg) {
    MGC_LOGC(c.ctx(), Cc, Notice, "SIP peer %s unusable", c.sip.peer().name.c_str());
    counters_.inc(CcCounter::sip_peer_unavailable);
    // No request could go out: a transport failure (RFC 3261 §8.1.3.1), the next target if the
    // route advances on it, else REL cause 27.
    if (advance_on_sip_failure(c, 0, kCauseDestinationOutOfOrder, true))
      return;
    c.release_cause = kCauseDestinationOutOfOrder;
    c.sip.no_leg();
    c.process(EvReleaseReq{kCauseDestinationOutOfOrder, kLocationPublicLocal});
    return;
  }
  c.sip.start_outgoing(*leg); // INVITE sent: Calling
  MGC_LOGC(c.ctx(), Cc, Info, "INVITE sent to %s: %s -> %s", c.sip.peer().name.c_str(),
           c.cdr.calling.c_str(), info.called.c_str());
}

// The far end released the attempt before any backward message (SIP -> PSTN): with an advance
// cause and a target left, the half's RLC is the attempt's end (next_attempt_after_rel).
bool CallManager::advance_on_rel(Call &c, uint8_t cause) {
  if (!c.setup_ || c.su().given_up || !c.su().attempts.may_advance_isup(cause))
    return false;
  c.su().attempts.failed(cause);
  c.su().advancing = true;
  c.cdr.released_by = ReleasedBy::Unknown; // the attempt's REL does not end the call
  counters_.inc(CcCounter::route_advances);
  MGC_LOGC(c.ctx(), Cc, Notice, "REL cause %u before ACM: attempt %u failed, next target", cause,
           unsigned(c.cdr.attempts));
  return true;
}

bool CallManager::advance_transit(Call &c, uint8_t cause) {
  if (!c.setup_ || c.su().given_up || !c.transit || !c.su().attempts.may_advance_isup(cause))
    return false;
  c.su().attempts.failed(cause);
  c.su().advancing = true;
  c.cdr.released_by = ReleasedBy::Unknown;
  counters_.inc(CcCounter::route_advances);
  MGC_LOGC(c.ctx(), Cc, Notice,
           "REL cause %u before ACM on trunk group %s cic %u: attempt %u failed, next target",
           cause, c.transit->tg->circuits.name().c_str(), unsigned(c.transit->cic),
           unsigned(c.cdr.attempts));
  return true;
}

uint8_t CallManager::final_cause(Call &c, uint8_t cause) {
  if (!c.setup_ || !c.su().attempts.any_failed())
    return cause;
  counters_.inc(CcCounter::route_attempts_exhausted);
  const uint8_t best = prevailing_cause(c.su().attempts.cause(0), cause);
  MGC_LOGC(c.ctx(), Cc, Notice, "every attempt of the route failed (%u): cause %u to the caller",
           unsigned(c.cdr.attempts), best);
  return best;
}

// A SIP attempt of a call from the PSTN failed before any 18x reached the caller: a 408, a 5xx
// or no response at all (Timer B, transport failure) gives way to the next target if the route
// says so. The UAC's machine ends by itself (ACK sent by the transaction, RFC 3261 §17.1.1.3).
bool CallManager::advance_on_sip_failure(Call &c, int status, uint8_t cause, bool local) {
  if (!c.setup_ || c.su().given_up || c.transit || c.dir != Call::Direction::PstnToSip ||
      !c.su().attempts.may_advance_sip(status, local))
    return false;
  c.su().attempts.failed(cause);
  counters_.inc(CcCounter::route_advances);
  MGC_LOGC(c.ctx(), Cc, Notice, "SIP peer %s: %s (cause %u): attempt %u failed, next target",
           c.sip.peer().name.c_str(),
           local ? "no response" : std::to_string(status).c_str(), cause,
           unsigned(c.cdr.attempts));
  c.out_slot.reset();
  defer(c.ref, [](Call &call) { call.m.route_from_pstn_next(call); });
  return true;
}

// The failed attempt's half sent RLC and freed its circuit: the attempt's media connection goes
// and, once the machine that reported this has finished its transition, the next target.
void CallManager::next_attempt_after_rel(Call &c) {
  c.su().advancing = false;
  c.out_slot.reset();
  if (c.transit) {
    c.transit->release_media();
    defer(c.ref, [](Call &call) {
      call.transit.reset();
      call.cdr.trunk_group_out = {};
      call.cdr.cic_out.reset();
      call.m.route_from_pstn_next(call);
    });
    return;
  }
  c.media.release();
  defer(c.ref, [](Call &call) {
    call.isup.reset();
    call.tg = nullptr;
    call.m.start_outgoing(call);
  });
}

// The route's overall setup time (issue 15 item 5), from the call's arrival until a backward
// message reaches the caller; 0 in the route: none.
void CallManager::start_setup_timer(Call &c, const Route &r) {
  if (!r.advance.setup_timeout_ms)
    return;
  const uint32_t ref = c.ref;
  c.su().setup_timer = sched_.start(r.advance.setup_timeout_ms, [this, ref] {
    auto it = calls_.find(ref);
    if (it == calls_.end() || !it->second->setup_)
      return;
    it->second->setup_->setup_timer = 0;
    setup_timer_expired(*it->second);
    reap();
  });
}

void CallManager::stop_setup_timer(Call &c) {
  if (c.setup_ && c.setup_->setup_timer) {
    sched_.stop(c.setup_->setup_timer);
    c.setup_->setup_timer = 0;
  }
}

// The setup time is over: the attempt in progress is released with cause 102 (recovery on timer
// expiry: REL on its circuit, CANCEL toward its peer) and the caller gets the prevailing cause of
// all attempts, 102 counting as the last one's.
void CallManager::setup_timer_expired(Call &c) {
  Call::Setup &su = c.su();
  su.given_up = true;
  const uint8_t cause = prevailing_cause(su.attempts.cause(0), kCauseTimerExpiry);
  counters_.inc(CcCounter::setup_timeouts);
  MGC_LOGC(c.ctx(), Cc, Notice, "setup timer expired after %u attempts: cause %u to the caller",
           unsigned(c.cdr.attempts), cause);
  c.cdr.released_by = ReleasedBy::Gateway;
  c.release_cause = cause;
  c.release_location = kLocationPublicLocal;
  if (c.dir == Call::Direction::SipToPstn) {
    const SipFinal f = sip_final_for_cause(cause, CauseLocation::PublicNetworkLocalUser);
    c.sip.process(sip_call::EvHangupReq{cause, f.status ? f.status : 504});
    // The IAM is out on the attempt's circuit: REL 102. Still connecting the media, nothing was
    // sent: the gateway's answer frees the circuit (connect_media_then sees given_up).
    if (c.outgoing() && c.isup->state() == isup_call::State::WaitForAcm)
      c.process(EvReleaseReq{kCauseTimerExpiry, kLocationPublicLocal});
    return;
  }
  c.process(EvReleaseReq{cause, kLocationPublicLocal}); // REL toward the preceding exchange
  if (c.transit)
    c.transit->release(kCauseTimerExpiry, kLocationPublicLocal, nullptr);
  else
    c.sip.process(sip_call::EvHangupReq{kCauseTimerExpiry, 504}); // CANCEL if the INVITE is out
}

} // namespace mgc::cc
