// PSTN -> PSTN through this exchange (Q.764 §2.1-2.3 for a transit exchange): routing to a trunk
// group, the outgoing ISUP half (transit.h), the media path joined across both circuits'
// endpoints, and what passes from one circuit to the other.
#include "callcontrol/transit.h"

#include "callcontrol/call.h"
#include "callcontrol/isup_call/message_event.h"
#include "isup/codec.h"

namespace mgc::cc {

namespace {
// A received message is passed on only if it can be sent again: the decoder accepts some that
// the encoder cannot lay out again (Q.763 §1.8 pointers, a parameter only partly understood).
// What cannot is not passed on; the half builds its own message instead (as for SIP-T bodies).
const isup::Message *sendable(const isup::Message *m) {
  std::vector<uint8_t> out;
  return m && isup::encode(*m, isup::EncodeOptions{}, out).ok() ? m : nullptr;
}

// The IAM a transit call sends, from the one it received (Q.764 §2.1.1, see send_iam).
isup::Message outgoing_iam(const isup::Message &received, const std::string &called,
                           uint16_t cic) {
  isup::Message iam = received;
  iam.cic = cic;
  if (auto *hc = iam.find<isup::HopCounter>(); hc && hc->hop_counter > 0)
    --hc->hop_counter;
  if (auto *cdpn = iam.find<isup::CalledPartyNumber>()) {
    cdpn->address_signals.assign(called);
    cdpn->filler = 0;
  }
  if (auto *nci = iam.find<isup::NatureOfConnectionIndicators>())
    nci->continuity_check_indicator = 0;
  return iam;
}
} // namespace

void CallManager::Transit::seize(TrunkGroup &g, uint16_t k) {
  tg = &g;
  cic = k;
  out = std::make_unique<IsupHalf>(IsupHalf::Side::Outgoing, g.access, k, c.ref, c.m.sched_,
                                   c.m.cfg_.timers, *this);
}

void CallManager::Transit::media_failed() {
  // Q.764 §2.2: the IAM is refused toward the caller; nothing went out on this circuit.
  c.m.counters_.inc(CcCounter::media_failures);
  c.release_cause = kCauseResourceUnavailable;
  c.cdr.released_by = ReleasedBy::Gateway;
  release(kCauseResourceUnavailable, kLocationPublicLocal, nullptr);
  c.process(EvReleaseReq{kCauseResourceUnavailable, kLocationPublicLocal});
}

void CallManager::Transit::send(isup::Message msg) {
  msg.cic = cic;
  c.m.isup_.send(tg->circuits.dpc(), msg);
}

// ---- routing ---------------------------------------------------------------------------------
bool CallManager::transit_to(Call &c, const RouteTarget &target) {
  const TrunkGroup *named = group_named(target.name);
  if (!named || !named->destination_available)
    return false;
  // Q.764 §2.1.12: a transit exchange decrements the hop counter; once it would reach 0 the
  // call is not routed on but released with cause 25 (exchange routing error), so that a
  // routing loop between exchanges ends.
  if (const auto *hc = c.su().iam_msg.find<isup::HopCounter>(); hc && hc->hop_counter <= 1) {
    counters_.inc(CcCounter::hop_counter_exhausted);
    c.release_cause = kCauseExchangeRoutingError;
    c.sip.no_leg();
    c.process(EvReleaseReq{kCauseExchangeRoutingError, kLocationPublicLocal});
    return true;
  }
  // The digit manipulation of the route applies to the number as received; an ST signal the
  // IAM had stays at its end.
  bool st = false;
  if (const auto *cdpn = c.su().iam_msg.find<isup::CalledPartyNumber>())
    address_digits(*cdpn, &st);
  const std::string called = c.su().routed_number + (st ? "F" : "");
  const isup::Message probe = outgoing_iam(c.su().iam_msg, called, 0);
  if (!sendable(&probe)) {
    // The IAM cannot go on as it came (see sendable): the call is refused (Q.764 §2.9.5.3 lets
    // a transit exchange pass on what it does not understand, not what it cannot send).
    counters_.inc(CcCounter::unexpected_isup);
    c.release_cause = kCauseProtocolError;
    c.sip.no_leg();
    c.process(EvReleaseReq{kCauseProtocolError, kLocationPublicLocal});
    return true;
  }
  TrunkGroup *g = nullptr;
  Circuit *k = hunt_circuit(c, target, g);
  if (!k)
    return false;
  counters_.inc(CcCounter::transit_calls);
  ++c.cdr.attempts;
  c.sip.no_leg(); // a transit call has no SIP half
  c.transit = std::make_unique<Transit>(c, *g);
  Transit &t = *c.transit;
  t.called = called;
  t.seize(*g, k->cic);
  c.cdr.direction = "pstn-to-pstn";
  MGC_LOGC(c.ctx(), Cc, Info, "transit to trunk group %s cic %u: %s", g->circuits.name().c_str(),
           unsigned(k->cic), called.c_str());
  c.cdr.trunk_group_out = g->circuits.name();
  c.cdr.cic_out = k->cic;
  // The incoming circuit's endpoint first (no remote yet), then the outgoing one toward it; on
  // a later attempt of the route the incoming endpoint is connected already.
  if (c.media.established())
    join_transit_media(c);
  else
    connect_media_then(c, "", [this, &c] { join_transit_media(c); });
  return true;
}

// The outgoing circuit's endpoint is connected with the incoming one's SDP as its remote, then
// the incoming one is modified with the outgoing one's SDP: the path through the gateways is
// two-way before the IAM goes out (Q.764 §2.1.1: the through-connection is made at a transit
// exchange when the IAM is sent), as for a call from SIP.
void CallManager::join_transit_media(Call &c) {
  if (!c.transit)
    return;
  Transit &t = *c.transit;
  if (t.over || c.isup_done)
    return;
  const uint16_t cic = t.cic;
  t.media.connect(*t.tg->media, t.tg->circuits.name(), cic, c.su().local_sdp, MediaMode::SendRecv,
                  [this, &c, cic](const Status &s, std::string_view sdp) {
    Transit &t = *c.transit;
    if (t.over || c.isup_done) { // released while the gateway was connecting
      t.release_media();
      c.try_finish();
      reap();
      return;
    }
    if (!s.ok()) {
      t.media_failed();
      reap();
      return;
    }
    c.media.modify(MediaMode::SendRecv, sdp, [this, &c, cic](const Status &s2, std::string_view) {
      Transit &t2 = *c.transit;
      if (t2.cic != cic || t2.over || c.isup_done) // not this circuit's path any more
        return;
      if (!s2.ok())
        t2.media_failed();
      else
        t2.process(EvSetupReq{}); // the IAM
      reap();
    });
  });
}

// Q.764 §2.9.1.4: dual seizure lost (or the circuit blocked or unequipped before any backward
// message): the call is repeated on another circuit of the same trunk group, then of the
// route's next groups; without one the caller gets cause 34.
void CallManager::transit_reattempt(Call &c) {
  if (!c.transit)
    return;
  Transit &t = *c.transit;
  if (t.over || c.isup_done) { // the caller went meanwhile
    t.over = true;
    c.try_finish();
    return;
  }
  t.out.reset();
  // The same trunk group first, then the route's next groups (their admission as for any
  // attempt: the circuit lost is let go of first).
  std::vector<RouteTarget> candidates{{RouteTarget::Kind::TrunkGroup, t.tg->circuits.name()}};
  for (const auto &target : c.su().attempts.remaining())
    if (target.kind == RouteTarget::Kind::TrunkGroup)
      candidates.push_back(target);
  c.out_slot.reset();
  for (const RouteTarget &target : candidates) {
    TrunkGroup *g = nullptr;
    if (Circuit *k = hunt_circuit(c, target, g)) {
      t.seize(*g, k->cic);
      c.cdr.trunk_group_out = g->circuits.name();
      c.cdr.cic_out = k->cic;
      join_transit_media(c);
      return;
    }
  }
  counters_.inc(CcCounter::no_circuit);
  t.over = true;
  c.release_cause = kCauseNoCircuit;
  c.cdr.released_by = ReleasedBy::Gateway;
  c.process(EvReleaseReq{kCauseNoCircuit, kLocationPublicLocal});
  c.try_finish();
}

// A message on the transit call's outgoing circuit (or one no machine acts on, from either).
void CallManager::transit_received(Call &c, TrunkGroup &tg, const isup::Message &msg) {
  Transit &t = *c.transit;
  const bool outgoing = !(c.tg == &tg && c.cic == msg.cic);
  if (msgs::classify(msg.type) == msgs::Classified::Ignored) {
    // Messages a transit exchange does not act on (FAC, USR, APM, INF/INR ...) go on to the other
    // circuit as they came, while both halves are in the call.
    if (outgoing) {
      if (!c.isup_done && !t.over && t.iam_sent && sendable(&msg))
        c.send(msg);
    } else {
      t.pass_on(msg);
    }
    return;
  }
  t.from_pstn = &msg;
  if (auto e = received_event(msg)) {
    if (msg.type == MessageType::Rel)
      c.cdr.released_by = ReleasedBy::Pstn;
    t.process(*e);
  } else {
    counters_.inc(CcCounter::unexpected_isup); // an IAM or SAM has no place on this circuit
  }
  t.from_pstn = nullptr;
}

// Q.764 §2.1.3: a SAM on the incoming circuit goes on as a SAM once the IAM is out; before that
// its digits join the IAM still to be sent. A re-attempted IAM carries them all.
void CallManager::transit_sam(Call &c) {
  Transit &t = *c.transit;
  const isup::Message *sam = c.from_pstn;
  const auto *sn = sam ? sam->find<isup::SubsequentNumber>() : nullptr;
  if (!sn || t.over)
    return;
  bool st = false;
  const std::string more = address_digits(*sn, &st);
  if (!t.called.empty() && t.called.back() == 'F')
    return; // the number was complete: Q.764 §2.1.2 has no digits after ST
  t.called += more;
  if (st)
    t.called.push_back('F');
  counters_.inc(CcCounter::sams_out);
  t.forward_event(sam, EvMoreDigitsReq{st});
}

// ---- between the halves ----------------------------------------------------------------------
void CallManager::Transit::forward_event(const isup::Message *msg, const Event &e) {
  if (over || !iam_sent || !out)
    return;
  forward = sendable(msg);
  out->process(e);
  forward = nullptr;
}

void CallManager::Transit::pass_on(const isup::Message &msg) {
  if (!over && iam_sent && sendable(&msg))
    send(msg);
}

void CallManager::Transit::to_incoming(const isup::Message *msg, const Event &e) {
  if (c.isup_done) // the incoming circuit is gone already (released, reset)
    return;
  backward = sendable(msg);
  c.process(e);
  backward = nullptr;
}

void CallManager::Transit::release(uint8_t cause, uint8_t location, const isup::Message *rel) {
  if (over)
    return;
  if (!iam_sent) {
    // Nothing went out on the circuit (the media path was still being made, or the IAM was lost
    // to a dual seizure): it is free again without REL, if it is still this call's.
    if (out) {
      out->stop_timers();
      out->free_circuit();
    }
    over = true;
    release_media();
    c.try_finish();
    return;
  }
  forward_event(rel && rel->type == MessageType::Rel ? rel : nullptr, EvReleaseReq{cause, location});
}

void CallManager::Transit::circuit_gone(uint8_t cause) {
  if (over)
    return;
  if (out)
    out->stop_timers(); // nothing left to supervise on a circuit supervision has taken
  over = true;
  release_media();
  c.release_cause = cause;
  c.release_location = kLocationPublicLocal;
  if (c.cdr.released_by == ReleasedBy::Unknown)
    c.cdr.released_by = ReleasedBy::Gateway;
  to_incoming(nullptr, EvReleaseReq{cause, kLocationPublicLocal});
  c.try_finish();
}

void CallManager::Transit::release_media() { media.release(); }

// ---- IsupHalf::User: what the outgoing circuit's messages carry
// Q.764 §2.1.1: the IAM as it came, but for what a transit exchange changes: the CIC, the hop
// counter (§2.1.12, one less), the called number (the route's digit manipulation), and the
// continuity check indicator: the incoming half routes only once a check on the incoming or an
// earlier circuit has passed (COT, §2.1.8), and none is made on this circuit, so the IAM asks for
// none (Q.763 §3.35 "no continuity check required").
std::optional<isup::Message> CallManager::Transit::iam(IsupHalf &) {
  iam_sent = true;
  return outgoing_iam(c.su().iam_msg, called, cic);
}
// Only ever asked with the incoming SAM to pass on (transit_sam).
std::optional<isup::Message> CallManager::Transit::sam(IsupHalf &) {
  if (forward && forward->type == MessageType::Sam)
    return *forward;
  return std::nullopt;
}
// The incoming REL as it came (cause, location, diagnostics: Q.764 §2.3.1 at a transit
// exchange), SUS and RES likewise (§2.5); the gateway's own otherwise, and for T1's repetitions.
std::optional<isup::Message> CallManager::Transit::relay(IsupHalf &, MessageType t) {
  if (forward && forward->type == t &&
      (t == MessageType::Rel || t == MessageType::Sus || t == MessageType::Res))
    return *forward;
  return std::nullopt;
}
void CallManager::Transit::on_timer(IsupHalf &h, const Event &e) {
  CallManager &mgr = c.m;
  h.process(e);
  mgr.reap();
}

// ---- Port: what the outgoing half reports goes to the incoming half, the messages as they came
void CallManager::Transit::on_alerting(IsupHalf &, bool in_band) {
  c.progressed();
  to_incoming(from_pstn, EvAlertingReq{in_band}); // the ACM, sent back on (Q.764 §2.1.4)
}
void CallManager::Transit::on_progress(IsupHalf &, bool in_band) {
  c.progressed();
  if (c.answered) { // a CPG after answer has no row in the incoming half: sent on as it came
    if (sendable(from_pstn) && !c.isup_done)
      c.send(*from_pstn);
    return;
  }
  to_incoming(from_pstn, EvProgressReq{in_band});
}
void CallManager::Transit::on_answer(IsupHalf &) {
  MGC_LOGC(c.ctx(), Cc, Info, "answered on the outgoing circuit");
  c.mark_answered();
  c.cdr.answer = CallRecord::Clock::now();
  c.m.counters_.inc(CcCounter::answered);
  to_incoming(from_pstn, EvAnswerReq{}); // ANM, or CON (Q.764 §2.1.6, §2.1.7)
  c.forget_iam();
}
void CallManager::Transit::on_suspend(IsupHalf &, bool network) {
  c.m.counters_.inc(CcCounter::suspends);
  to_incoming(from_pstn, EvSuspendReq{network}); // Q.764 §2.5: SUS/RES sent back on
}
void CallManager::Transit::on_resume(IsupHalf &, bool network) {
  c.m.counters_.inc(CcCounter::resumes);
  to_incoming(from_pstn, EvResumeReq{network});
}
// The outgoing side is gone or going: its REL (passed back with cause and location, Q.764
// §2.3.1), T7 (cause 102) or T9 (cause 19) expiry, or a reset by the far end (cause 41).
void CallManager::Transit::on_released(IsupHalf &, uint8_t cause, uint8_t location) {
  // A REL before any backward message may give way to the route's next target
  // (route_advance.cpp): the preceding exchange hears nothing of it.
  if (from_pstn && from_pstn->type == MessageType::Rel && c.m.advance_transit(c, cause))
    return;
  // After failed attempts the caller gets the cause of highest precedence; the REL goes back as
  // it came only if that is its own.
  const uint8_t best = c.m.final_cause(c, cause);
  c.release_cause = best;
  c.release_location = location;
  if (c.cdr.released_by == ReleasedBy::Unknown)
    c.cdr.released_by = from_pstn ? ReleasedBy::Pstn : ReleasedBy::Gateway;
  to_incoming(from_pstn && from_pstn->type == MessageType::Rel && best == cause ? from_pstn
                                                                                 : nullptr,
              EvReleaseReq{best, location});
}
void CallManager::Transit::on_reattempt(IsupHalf &) {
  // The IAM on the lost circuit is void; the circuit belongs to the far end's call now, or was
  // reset by the half (Q.764 §2.9.3.1). The machine reporting this is in its transition:
  // replaced afterwards.
  c.m.counters_.inc(CcCounter::reattempts);
  iam_sent = false;
  release_media();
  c.m.defer(c.ref, [](Call &call) { call.m.transit_reattempt(call); });
}
void CallManager::Transit::on_circuit_idle(IsupHalf &) {
  if (c.setup_ && c.setup_->advancing) { // RLC sent for a failed attempt: the next target
    c.m.next_attempt_after_rel(c);
    return;
  }
  over = true;
  release_media();
  c.try_finish();
}
void CallManager::Transit::on_circuit_reset(IsupHalf &) {
  c.m.alert(*tg, cic, "T5 expired: REL not answered, circuit reset (Q.764 §2.9.6)");
  // T5 (Q.764 §2.9.6): circuit supervision carries the reset on; the half is over.
  release_media();
  over = true;
  tg->supervision->adopt_reset(cic);
  c.try_finish();
}
void CallManager::Transit::on_unexpected(IsupHalf &, const char *state, const char *event) {
  c.m.counters_.inc(CcCounter::unexpected_events);
  MGC_LOGC(c.ctx(), Cc, Notice, "unexpected %s in outgoing ISUP state %s: ignored", event, state);
}

} // namespace mgc::cc
