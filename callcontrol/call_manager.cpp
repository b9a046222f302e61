#include "callcontrol/call_manager.h"

#include "callcontrol/call.h"
#include "callcontrol/isup_call/message_event.h"
#include "isup/catalogue.h"
#include "isup/codec.h"

namespace mgc::cc {



void CallManager::SupervisionAdapter::release_call(uint32_t ref, uint16_t cic, uint8_t cause) {
  auto it = m_.calls_.find(ref);
  if (it == m_.calls_.end())
    return;
  Call &c = *it->second;
  // The circuit was reset or blocked for hardware: the ISUP half is gone without RLC. On a
  // transit call's outgoing circuit that is the transit half; the incoming one is released.
  if (c.transit && c.transit->tg == &tg_ && c.transit->cic == cic && !(c.tg == &tg_ && c.cic == cic)) {
    c.transit->circuit_gone(cause);
    return;
  }
  // Its timers have nothing left to supervise (a T6 or T1 must not send on a circuit that
  // supervision has taken).
  if (c.isup)
    c.isup->stop_timers();
  c.isup_released(cause, kLocationPublicLocal);
  c.isup_gone();
  c.release_media();
  c.try_finish();
}

void CallManager::SupervisionAdapter::reattempt_call(uint32_t ref, uint16_t cic) {
  auto it = m_.calls_.find(ref);
  if (it == m_.calls_.end())
    return;
  if (Transit *t = it->second->transit.get(); t && t->tg == &tg_ && t->cic == cic)
    t->process(EvDualSeizureLost{});
  else if (it->second->outgoing())
    it->second->process(EvDualSeizureLost{});
}

void CallManager::Call::attach_check_loop(IsupHalf &) {
  m.counters_.inc(CcCounter::continuity_checks);
  if (!loop)
    loop = std::make_unique<MediaLeg>();
  if (loop->busy())
    return;
  in_loopback_request = true;
  loop->loopback(*tg->media, tg->circuits.name(), cic, [this](const Status &s, std::string_view) {
    if (s.ok())
      return;
    // Without the loop the far end's test cannot pass: the call is released now (cause 41).
    m.counters_.inc(CcCounter::media_failures);
    release_cause = kCauseTemporaryFailure;
    m.defer(ref, [](Call &c) {
      c.process(EvReleaseReq{kCauseTemporaryFailure, kLocationPublicLocal});
    });
    if (!in_loopback_request)
      m.reap(); // asynchronous answer: nothing else will run the deferred release
  });
  in_loopback_request = false;
}

void CallManager::Call::on_reattempt(IsupHalf &) {
  // Q.764 §2.9.1.4: the call is repeated on another circuit; the lost circuit now belongs to
  // the far end's call, the media connection made for it goes. The machine that reports this
  // is still running its transition, so it is replaced once the event is done.
  m.counters_.inc(CcCounter::reattempts);
  MGC_LOGC(ctx(), Cc, Info, "circuit lost to dual seizure or blocking: repeated on another");
  release_media();
  m.defer(ref, [](Call &c) {
    c.isup.reset();
    // another circuit of the same trunk group first, then the route's next targets
    c.su().attempts.repeat({RouteTarget::Kind::TrunkGroup, c.tg->circuits.name()});
    c.tg = nullptr;
    c.out_slot.reset();
    c.m.start_outgoing(c);
  });
}

// ---------------------------------------------------------------------------------------------
CallManager::CallManager(CallManagerConfig cfg, Scheduler &sched, IsupSender &isup, SipSide &sip,
                         CdrSink *cdr)
    : cfg_(std::move(cfg)), sched_(sched), isup_(isup), sip_(sip), cdr_(cdr) {
  // Q.764 §2.13: the UPT goes on a circuit of the destination.
  destinations_.set_cic_for([this](uint32_t dpc) -> std::optional<uint16_t> {
    for (auto &g : groups_)
      if (g->circuits.dpc() == dpc && !g->circuits.circuits().empty())
        return g->circuits.circuits().front().cic;
    return std::nullopt;
  });
}

CallManager::~CallManager() = default;

CircuitGroup &CallManager::add_trunk_group(const std::string &name, uint32_t dpc, Hunting hunting,
                                           MediaGateway &media) {
  auto tg = std::make_unique<TrunkGroup>(name, cfg_.own_point_code, dpc, hunting, media);
  tg->port = std::make_unique<SupervisionAdapter>(*this, *tg);
  tg->supervision = std::make_unique<CircuitSupervision>(tg->circuits, *tg->port, cfg_.timers);
  tg->port->attach(*tg->supervision);
  tg->access = CircuitAccess{&tg->circuits, tg->supervision.get(), &isup_};
  media.set_listener(this);
  destinations_.add(dpc);
  groups_.push_back(std::move(tg));
  return groups_.back()->circuits;
}

CallManager::TrunkGroup *CallManager::group_named(std::string_view name) {
  for (auto &g : groups_)
    if (g->circuits.name() == name)
      return g.get();
  return nullptr;
}

bool CallManager::set_overlap(const std::string &trunk_group, unsigned min_digits) {
  TrunkGroup *g = group_named(trunk_group);
  if (g)
    g->overlap_min_digits = min_digits;
  return g != nullptr;
}

void CallManager::add_sip_peer(const SipPeer &peer) { peers_[peer.name] = peer; }

void CallManager::set_routes(const std::vector<Route> &routes) {
  RoutingTable next;
  for (const auto &r : routes)
    next.add(r);
  routing_ = std::move(next);
  choices_.clear();
  for (const auto &r : routes)
    route_admission_.at(r.prefix).set_limits(r.admission, uint64_t(sched_.now_ms()));
  note_sip_admission();
  MGC_LOG(Cc, Notice, "routing table replaced: %zu routes", routes.size());
}

void CallManager::set_sip_peers(const std::vector<SipPeer> &peers) {
  std::map<std::string, SipPeer> next;
  for (const auto &p : peers)
    next[p.name] = p;
  peers_ = std::move(next);
}

bool CallManager::add_circuits(const std::string &name, uint16_t first, uint16_t last) {
  TrunkGroup *tg = group_named(name);
  if (!tg || first > last)
    return false;
  std::size_t restored = 0, added = 0;
  for (uint32_t k = first; k <= last; ++k) {
    const auto cic = static_cast<uint16_t>(k);
    if (Circuit *c = tg->circuits.find(cic)) {
      if (c->removed) {
        c->removed = false;
        tg->supervision->unblock(cic);
        ++restored;
      }
      continue;
    }
    // the longest run of new circuits from here, reset together (GRS covers at most 32)
    uint32_t end = k;
    while (end < last && end - k < 31 && !tg->circuits.find(static_cast<uint16_t>(end + 1)))
      ++end;
    tg->circuits.add_range(cic, static_cast<uint16_t>(end));
    // GRS needs a range of 1 or more (Q.763 §3.43): a lone circuit is reset with RSC
    if (tg->destination_available && end == k)
      tg->supervision->reset(cic);
    else if (tg->destination_available)
      tg->supervision->group_reset(cic, static_cast<uint8_t>(end - k));
    added += end - k + 1;
    k = end;
  }
  MGC_LOG(Cc, Notice, "trunk group %s: circuits %u-%u in service (%zu new, %zu restored)",
          name.c_str(), first, last, added, restored);
  reap();
  return true;
}

std::size_t CallManager::remove_circuits(const std::string &name, uint16_t first,
                                         uint16_t last) {
  std::size_t n = 0;
  if (TrunkGroup *g = group_named(name)) {
    for (uint32_t k = first; k <= last; ++k) {
      Circuit *c = g->circuits.find(static_cast<uint16_t>(k));
      if (!c || c->removed)
        continue;
      c->removed = true;
      if (!c->blocking.local_maintenance)
        g->supervision->block(c->cic);
      ++n;
    }
    MGC_LOG(Cc, Notice, "trunk group %s: circuits %u-%u taken out: %zu draining", name.c_str(),
            first, last, n);
  }
  reap();
  return n;
}

CircuitGroup *CallManager::trunk_group(const std::string &name) {
  TrunkGroup *g = group_named(name);
  return g ? &g->circuits : nullptr;
}

std::vector<CircuitGroup *> CallManager::trunk_groups() {
  std::vector<CircuitGroup *> v;
  for (auto &g : groups_)
    v.push_back(&g->circuits);
  return v;
}

CircuitSupervision *CallManager::supervision(const std::string &name) {
  TrunkGroup *g = group_named(name);
  return g ? g->supervision.get() : nullptr;
}

CallManager::TrunkGroup *CallManager::group_for(uint32_t dpc, uint16_t cic) {
  for (auto &g : groups_)
    if (g->circuits.dpc() == dpc && g->circuits.find(cic))
      return g.get();
  return nullptr;
}

CallManager::Call *CallManager::call_on(TrunkGroup &tg, uint16_t cic) {
  const Circuit *c = tg.circuits.find(cic);
  if (!c || !c->call_ref)
    return nullptr;
  auto it = calls_.find(c->call_ref);
  return it == calls_.end() ? nullptr : it->second.get();
}

CallManager::Call *CallManager::call_of(const SipLeg &leg) {
  const auto [first, last] = sip_calls_.equal_range(leg.call_id());
  for (auto it = first; it != last; ++it)
    if (auto c = calls_.find(it->second); c != calls_.end() && c->second->sip.leg() == &leg)
      return c->second.get();
  return nullptr;
}

void CallManager::defer(uint32_t ref, std::function<void(Call &)> work) {
  deferred_.push_back([this, ref, work = std::move(work)] {
    if (auto it = calls_.find(ref); it != calls_.end())
      work(*it->second);
  });
}

namespace {
std::string alarm_key(const CircuitGroup &g, uint16_t cic) {
  return "isup." + g.name() + ".cic" + std::to_string(cic);
}
} // namespace

void CallManager::alert(TrunkGroup &tg, uint16_t cic, std::string_view what) {
  MGC_LOGC((log::CallContext{0, tg.circuits.name(), cic, {}}), Cc, Notice, "maintenance alert: %.*s",
           int(what.size()), what.data());
  if (alarms_)
    alarms_->raise(log::Category::Isup, alarm_key(tg.circuits, cic),
                   "trunk group " + tg.circuits.name() + " cic " + std::to_string(cic) + ": " +
                       std::string(what));
}

void CallManager::alert_cleared(TrunkGroup &tg, uint16_t cic) {
  if (alarms_)
    alarms_->clear(alarm_key(tg.circuits, cic));
}

// An answered call's record so far, its time the record's (RFC 2866 §5.1 Interim-Update).
bool CallManager::write_interim(uint32_t ref, uint64_t seq) {
  auto it = calls_.find(ref);
  if (it == calls_.end() || it->second->cdr.seq != seq || it->second->finished || !cdr_)
    return false;
  Call &c = *it->second;
  CallRecord r = c.cdr;
  r.release = CallRecord::Clock::now();
  r.cause = 0; // no release yet
  r.sip_call_id = c.sip.call_id();
  cdr_->write(r, CdrType::Interim);
  counters_.inc(CcCounter::interim_records);
  MGC_LOGC(c.ctx(), Cdr, Debug, "interim record written");
  return true;
}

void CallManager::reap() {
  while (!deferred_.empty() || !finished_.empty()) {
    auto work = std::move(deferred_);
    deferred_.clear();
    for (auto &w : work)
      w();
    auto done = std::move(finished_);
    finished_.clear();
    for (uint32_t r : done)
      calls_.erase(r);
    if (!done.empty() && !dry_ups_.empty())
      check_dry_up(); // a trunk group shut down may have lost its last call
  }
}

void CallManager::set_congestion_level(unsigned level) {
  level = std::min(level, 3u);
  if (level != congestion_level_) {
    const unsigned refused = level ? shed_policy_.refuse_percent[level - 1] : 0;
    MGC_LOG(Cc, Notice, "machine congestion level %u (was %u): %u %% of new calls refused", level,
            congestion_level_, refused);
  }
  congestion_level_ = level;
}

// New calls are refused evenly over the arrivals, the level's share of them (PGW 2200's machine
// congestion levels shed the same way).
bool CallManager::admit() {
  if (at_setup_limit()) {
    counters_.inc(CcCounter::shed_in_setup);
    return false;
  }
  if (congestion_level_ == 0)
    return true;
  return shed_gate_.admit(shed_policy_.refuse_percent[congestion_level_ - 1]);
}

bool CallManager::admit_sip_call(bool late) {
  if (late) {
    counters_.inc(CcCounter::shed_sip_late);
    return false;
  }
  if (admit())
    return true;
  counters_.inc(CcCounter::shed_sip);
  return false;
}

bool CallManager::passes_on(uint32_t opc, const isup::Message &msg) {
  TrunkGroup *tg = group_for(opc, msg.cic);
  if (!tg)
    return false;
  if (msg.type != MessageType::Iam) {
    const Call *c = call_on(*tg, msg.cic);
    return c && (c->transit || (c->sip.started() && c->sip.peer().profile != SipProfile::Plain));
  }
  // The target route_from_pstn would try first: a trunk group (transit) or a known SIP peer.
  // An IAM of an overlap trunk group whose number routes nowhere yet is judged as an end node's.
  const auto *cdpn = msg.find<isup::CalledPartyNumber>();
  const auto match = cdpn ? routing_.lookup(address_digits(*cdpn)) : std::nullopt;
  if (!match)
    return false;
  for (const auto &t : match->route->targets) {
    if (t.kind == RouteTarget::Kind::TrunkGroup)
      return true;
    if (auto p = peers_.find(t.name); p != peers_.end())
      return p->second.profile != SipProfile::Plain;
  }
  return false;
}

// ---- SIP -> PSTN ------------------------------------------------------------------------------
void CallManager::sip_invite(SipLeg &leg, const SipPeer &from, const iw::SipCallInfo &info,
                             const SipBody &body) {
  if (more_digits_from_sip(leg, info)) {
    reap();
    return;
  }
  counters_.inc(CcCounter::calls_from_sip);
  auto owned = std::make_unique<Call>(*this, next_ref_++, Call::Direction::SipToPstn);
  Call &c = *owned;
  calls_[c.ref] = std::move(owned);
  c.sip.set_peer(from);
  c.sip.start_incoming(leg);
  c.su().remote_sdp = body.sdp;
  c.su().sip_called = info.called;
  c.su().sip_from_tag = info.from_tag;
  c.cdr.called = info.called;
  c.cdr.calling = info.asserted.value_or(info.from.value_or(""));
  iw::SipCallInfo routed = info;
  // RFC 3372 §5: ISUP from a peer that is not trusted never reaches the PSTN.
  if (body.has_isup && (from.profile == SipProfile::Plain || !from.trusted)) {
    counters_.inc(CcCounter::untrusted_isup_ignored);
    routed.asserted.reset();
  } else if (body.has_isup) {
    isup::Message enc;
    if (decode_isup_body(body.isup, from.variant, enc) && enc.type == MessageType::Iam)
      c.su().encapsulated = std::make_unique<isup::Message>(std::move(enc));
  }
  if (!from.trusted)
    routed.asserted.reset();
  MGC_LOGC(c.ctx(), Cc, Info, "INVITE from %s: %s -> %s", from.name.c_str(),
           c.cdr.calling.c_str(), info.called.c_str());
  const auto match = routing_.lookup(info.called);
  if (!match) {
    MGC_LOGC(c.ctx(), Cc, Notice, "no route for %s: 404, cause 3", info.called.c_str());
    counters_.inc(CcCounter::no_route);
    c.release_cause = kCauseNoRoute;
    c.sip.process(sip_call::EvRejectReq{404, kCauseNoRoute});
    c.isup_done = true;
    c.try_finish();
    reap();
    return;
  }
  // Admission (admission.h): the peer's and the route's. The SIP side refused what check_invite
  // would (503 with Retry-After) before any transaction; what is left is refused here.
  const uint64_t now = uint64_t(sched_.now_ms());
  Admission &from_peer = peer_admission_.at(from.name);
  Admission &over = route_admission_.at(match->route->prefix);
  Refusal refused = from_peer.admit(true, now);
  if (refused == Refusal::None) {
    c.in_slot = AdmissionSlot(&from_peer);
    refused = over.admit(true, now);
    if (refused == Refusal::None)
      c.route_slot = AdmissionSlot(&over);
  }
  if (refused != Refusal::None) {
    counters_.inc(CcCounter::refused_admission_sip);
    MGC_LOGC(c.ctx(), Cc, Notice, "INVITE from %s refused: %s (%s): 503, cause 34",
             from.name.c_str(), c.in_slot.held() ? "route" : "peer", name_of(kRefusalNames, refused));
    c.release_cause = kCauseNoCircuit;
    c.sip.process(sip_call::EvRejectReq{503, kCauseNoCircuit});
    c.isup_done = true;
    c.try_finish();
    reap();
    return;
  }
  c.su().attempts = plan_route(*match->route, true);
  start_setup_timer(c, *match->route);
  routed.called = match->number;
  c.su().routed_number = match->number;
  Status s = iw::iam_from_invite(routed, c.su().encapsulated.get(),
                                 cfg_.interworking, c.su().iam_msg);
  if (!s.ok()) {
    // RFC 3398 §7.2.1: 483 Too Many Hops is the hop counter's exchange routing error (Q.764
    // §2.1.12); an unusable number, an invalid number format
    const uint8_t cause = s.code() == 483 ? kCauseExchangeRoutingError : kCauseAddressIncomplete;
    c.release_cause = cause;
    c.sip.process(sip_call::EvRejectReq{s.code(), cause});
    c.isup_done = true;
    c.try_finish();
    reap();
    return;
  }
  start_outgoing(c);
  reap();
}

// RFC 3578 §3.5: an INVITE with the Call-ID and From tag of a call from SIP still waiting for
// ACM, whose Request-URI extends that call's number, carries more digits of the same call. The
// earlier INVITE is answered 484; toward an overlap exchange the new digits go in a SAM, toward
// an en-bloc one the first IAM is released and the new INVITE makes a new call.
bool CallManager::more_digits_from_sip(SipLeg &leg, const iw::SipCallInfo &info) {
  if (info.from_tag.empty())
    return false;
  const std::string id = leg.call_id();
  Call *prev = nullptr;
  const auto [first, last] = sip_calls_.equal_range(id);
  for (auto it = first; it != last; ++it) {
    auto cp = calls_.find(it->second);
    if (cp == calls_.end())
      continue;
    Call &c = *cp->second;
    const std::string &had = c.su().sip_called;
    if (c.dir == Call::Direction::SipToPstn && !c.answered && c.sip.leg() && !c.sip.done() &&
        c.sip.leg() != &leg && c.su().sip_from_tag == info.from_tag &&
        info.called.size() > had.size() && info.called.compare(0, had.size(), had) == 0 &&
        (!prev || c.ref < prev->ref)) // the oldest, as a scan in call order found it
      prev = &c;
  }
  if (!prev)
    return false;
  counters_.inc(CcCounter::overlap_reinvites);
  prev->sip.process(sip_call::EvRejectReq{484, kCauseAddressIncomplete}); // the earlier INVITE's UAS ends
  prev->cdr.released_by = ReleasedBy::Sip;
  const auto match = routing_.lookup(info.called);
  const std::string &sent = prev->su().routed_number;
  const bool overlap_exchange = prev->outgoing() && prev->tg && prev->tg->overlap_min_digits &&
                                prev->isup->state() == isup_call::State::WaitForAcm;
  if (overlap_exchange && match && match->number.size() > sent.size() &&
      match->number.compare(0, sent.size(), sent) == 0) {
    prev->cdr.released_by = ReleasedBy::Unknown; // the call goes on with the new INVITE
    prev->sip.start_incoming(leg);
    prev->su().sam_digits = match->number.substr(sent.size());
    prev->su().routed_number = match->number;
    prev->su().sip_called = info.called;
    prev->su().sip_from_tag = info.from_tag;
    prev->cdr.called = info.called;
    append_address(prev->su().iam_msg, prev->su().sam_digits, false);
    prev->process(EvMoreDigitsReq{false});
    return true;
  }
  // En bloc: REL for the previous IAM (or the attempt simply ends), and a new call.
  prev->release_cause = kCauseAddressIncomplete;
  if (prev->outgoing()) {
    prev->process(EvReleaseReq{kCauseAddressIncomplete, kLocationPublicLocal});
  } else {
    prev->isup_done = true;
    prev->try_finish();
  }
  return false;
}

void CallManager::start_outgoing(Call &c) {
  // The route's trunk groups in the order of the call's attempts (route_attempts.h): a group
  // that is busy, not admitted, shut down or withheld for its destination's congestion is
  // skipped like a busy one (a withheld one counts as cause 42, Q.764 §2.11).
  while (auto t = c.su().attempts.next()) {
    TrunkGroup *g = nullptr;
    c.su().withheld = false;
    Circuit *circuit = hunt_circuit(c, *t, g);
    if (!circuit) {
      c.su().attempts.failed(c.su().withheld ? kCauseSwitchingEquipmentCongestion : kCauseNoCircuit);
      continue;
    }
    ++c.cdr.attempts;
    c.start_isup(IsupHalf::Side::Outgoing, *g, circuit->cic);
    c.cdr.trunk_group = g->circuits.name();
    c.cdr.cic = c.cic;
    MGC_LOGC(c.ctx(), Cc, Info, "routed to %s: circuit seized, IAM once the media is up",
             c.su().routed_number.c_str());
    if (c.media.established()) // a later attempt: the caller's media goes to the new circuit
      c.media.release();
    connect_media_then(c, c.su().remote_sdp, [&c] { c.process(EvSetupReq{}); });
    return;
  }
  // Every target failed or was skipped: the cause with the most to say (Q.850 precedence).
  const uint8_t cause = c.su().attempts.cause(kCauseNoCircuit);
  const bool advanced = c.su().attempts.any_failed() && c.cdr.attempts > 0;
  counters_.inc(advanced ? CcCounter::route_attempts_exhausted : CcCounter::no_circuit);
  const SipFinal f = sip_final_for_cause(cause, CauseLocation::PublicNetworkLocalUser);
  const int status = f.status ? f.status : 503;
  MGC_LOGC(c.ctx(), Cc, Notice, "%s: %d, cause %u",
           advanced ? "every attempt of the route failed" : "no circuit free on the route's trunk groups",
           status, cause);
  stop_setup_timer(c);
  c.release_cause = cause;
  c.sip.process(sip_call::EvRejectReq{status, cause});
  c.isup_done = true;
  c.try_finish();
}

bool CallManager::may_seize(TrunkGroup &g, Call &c) {
  if (!g.destination_available)
    return false;
  const auto v = destinations_.admit_call(g.circuits.dpc());
  if (v == DestinationStates::Verdict::Admit)
    return true;
  if (v == DestinationStates::Verdict::Congested)
    c.su().withheld = true;
  MGC_LOGC(c.ctx(), Cc, Info, "trunk group %s: dpc %u %s: new call withheld",
           g.circuits.name().c_str(), g.circuits.dpc(),
           name_of(kDestinationVerdictNames, v, "?"));
  return false;
}

void CallManager::connect_media_then(Call &c, const std::string &remote_sdp,
                                     std::function<void()> next) {
  // the continuity loop goes first (COT, Q.764 §2.1.8)
  if (c.loop && c.loop->state() == MediaLeg::State::Releasing) {
    c.loop->when_idle([this, &c, remote_sdp, next = std::move(next)]() mutable {
      connect_media_then(c, remote_sdp, std::move(next));
      reap();
    });
    return;
  }
  // Without the far end's SDP the connection can only receive (RFC 3435 §2.3.5: send modes need
  // a remote connection descriptor); the answer's SDP turns it to sendrecv.
  c.media.connect(
      *c.tg->media, c.tg->circuits.name(), c.cic, remote_sdp,
      remote_sdp.empty() ? MediaMode::RecvOnly : MediaMode::SendRecv,
      [this, &c, next = std::move(next)](const Status &s, std::string_view local_sdp) {
        // The call may have ended while the gateway was connecting: the caller cancelled (SIP ->
        // PSTN, nothing sent on the circuit yet) or the PSTN released (PSTN -> SIP, no INVITE
        // sent yet). Then nothing goes out: the circuit is freed, a connection made is released.
        if ((c.dir == Call::Direction::SipToPstn ? c.sip.done() : c.isup_done) ||
            c.su().given_up) {
          if (c.dir == Call::Direction::SipToPstn && !c.isup_done) {
            c.tg->circuits.idle(c.cic);
            c.isup_done = true;
          }
          if (!c.sip.leg())
            c.sip.no_leg();
          c.release_media();
          c.try_finish();
          reap();
          return;
        }
        if (!s.ok()) {
          counters_.inc(CcCounter::media_failures);
          MGC_LOGC(c.ctx(), Cc, Notice, "media gateway refused the connection (%.*s): cause 47",
                   int(s.detail().size()), s.detail().data());
          c.release_cause = kCauseResourceUnavailable;
          if (c.dir == Call::Direction::SipToPstn) {
            c.tg->circuits.idle(c.cic); // nothing was sent on it
            c.isup_done = true;
            c.sip.process(sip_call::EvRejectReq{503, kCauseResourceUnavailable});
          } else if (c.incoming()) {
            // PSTN -> SIP or PSTN: the IAM is refused with REL (Q.764 §2.2); RLC then frees the
            // circuit (not before: it stays the call's until then); a transit call's outgoing
            // circuit, still without its IAM, is free at once.
            if (c.transit)
              c.transit->release(kCauseResourceUnavailable, kLocationPublicLocal, nullptr);
            c.process(EvReleaseReq{kCauseResourceUnavailable, kLocationPublicLocal});
            c.sip.no_leg();
          }
          c.try_finish();
          reap();
          return;
        }
        c.su().local_sdp = std::string(local_sdp);
        next();
        reap();
      });
}

// RFC 3398 §8.2.3-§8.2.6: responses to the INVITE sent toward SIP go through the outgoing SIP
// half-call machine, which tells the call (Call::on_provisional ...) what they mean in its state.
void CallManager::sip_provisional(SipLeg &leg, int status, const SipBody &body) {
  if (Call *c = call_of(leg))
    c->sip.from_peer(sip_call::EvProvisional{status, !body.sdp.empty()}, body);
  reap();
}

void CallManager::sip_answered(SipLeg &leg, const SipBody &body) {
  if (Call *c = call_of(leg))
    c->sip.from_peer(sip_call::EvAnswered{}, body);
  reap();
}

void CallManager::sip_failed(SipLeg &leg, int status, std::optional<uint8_t> q850, bool local,
                             std::optional<uint32_t> retry_after_s) {
  Call *c = call_of(leg);
  if (!c)
    return;
  if (status == 503 && retry_after_s && !local)
    peer_states_.retry_after(c->sip.peer().name, *retry_after_s);
  uint8_t cause = kCauseNormal;
  if (q850)
    cause = *q850; // RFC 3326 Reason: the cause the far end gave
  else if (auto ic = isup_cause_for_status(status))
    cause = ic->cause;
  c->sip.process(sip_call::EvFailed{status, cause, local});
  reap();
}

void CallManager::Call::on_provisional(SipHalf &h, int status, bool early_media) {
  if (early_media && media.established() && h.body_in()) {
    su().remote_sdp = h.body_in()->sdp;
    media.modify(MediaMode::SendRecv, h.body_in()->sdp, nullptr);
  }
  if (status == 180 || (status == 183 && early_media))
    progressed(); // the caller hears of it: no other target any more
  if (status == 180)
    process(EvAlertingReq{early_media});
  else if (status == 183 && early_media)
    process(EvProgressReq{true});
}

void CallManager::Call::on_answered(SipHalf &h) {
  if (const SipBody *b = h.body_in(); b && !b->sdp.empty() && media.established())
    media.modify(MediaMode::SendRecv, b->sdp, nullptr);
  MGC_LOGC(ctx(), Cc, Info, "answered by SIP");
  mark_answered();
  cdr.answer = CallRecord::Clock::now();
  m.counters_.inc(CcCounter::answered);
  process(EvAnswerReq{});
  forget_iam();
}

void CallManager::Call::on_failed(SipHalf &, int status, uint8_t cause, bool local) {
  // A failure before any 18x may give way to the route's next target (route_advance.cpp).
  if (dir == Direction::PstnToSip && m.advance_on_sip_failure(*this, status, cause, local))
    return;
  if (dir == Direction::PstnToSip)
    cause = m.final_cause(*this, cause);
  cdr.released_by = local ? ReleasedBy::Gateway : ReleasedBy::Sip;
  release_cause = cause;
  release_location = isup::location_value(CauseLocation::BeyondInterworkingPoint);
  process(EvReleaseReq{cause, release_location});
}

void CallManager::sip_cancelled(SipLeg &leg) {
  if (Call *c = call_of(leg))
    c->sip.process(sip_call::EvCancel{});
  reap();
}

// RFC 3398 §7.2.3: CANCEL before the final response -> REL cause 16.
void CallManager::Call::on_cancelled(SipHalf &) {
  cdr.released_by = ReleasedBy::Sip;
  release_cause = kCauseNormal;
  if (outgoing()) {
    process(EvReleaseReq{kCauseNormal, 0});
  } else {
    isup_done = true; // not yet on a circuit
    try_finish();
  }
}

void CallManager::sip_info(SipLeg &leg, const SipBody &body) {
  Call *c = call_of(leg);
  if (!c || !body.has_isup)
    return;
  // RFC 3372 §5: ISUP from a peer that is not trusted never reaches the PSTN.
  if (!c->sip.trusts_isup()) {
    counters_.inc(CcCounter::untrusted_isup_ignored);
    return;
  }
  isup::Message msg;
  if (!decode_isup_body(body.isup, c->sip.peer().variant, msg)) {
    counters_.inc(CcCounter::unexpected_isup);
    MGC_LOGC(c->ctx(), Cc, Notice, "ISUP body of an INFO unusable: ignored");
    return;
  }
  counters_.inc(CcCounter::isup_from_info);
  const auto *sr = msg.find<isup::SuspendResumeIndicators>();
  const bool network = !sr || sr->suspend_resume_indicator;
  switch (msg.type) {
  case MessageType::Sus: // RFC 3398 §9.1 the other way: through the half-call (Q.764 §2.5)
    c->sip.keep(std::move(msg));
    c->process(EvSuspendReq{network});
    break;
  case MessageType::Res:
    c->sip.keep(std::move(msg));
    c->process(EvResumeReq{network});
    break;
  default:
    // Mid-call messages without a state of their own (FAC, USR, INF, APM ..., CPG once answered)
    // go to the circuit as they came; messages of the call's own procedures do not.
    if (c->tg && !c->isup_done && c->isup &&
        (msgs::classify(msg.type) == msgs::Classified::Ignored ||
         (msg.type == MessageType::Cpg && c->answered)))
      c->send(std::move(msg));
    else {
      counters_.inc(CcCounter::unexpected_isup);
      MGC_LOGC(c->ctx(), Cc, Notice, "%.*s in an INFO has no place in the call now: not relayed",
               int(isup::message_acronym(uint8_t(msg.type)).size()),
               isup::message_acronym(uint8_t(msg.type)).data());
    }
    break;
  }
  reap();
}

void CallManager::sip_bye(SipLeg &leg, std::optional<uint8_t> q850, const SipBody &body) {
  if (Call *c = call_of(leg))
    c->sip.from_peer(sip_call::EvBye{q850}, body);
  reap();
}

void CallManager::sip_lost(SipLeg &leg, uint8_t cause) {
  Call *c = call_of(leg);
  // A leg the half itself is ending (its reject or BYE made the user agent let go) is no news.
  if (c && !c->sip.done() && !c->sip.busy()) {
    MGC_LOGC(c->ctx(), Cc, Notice,
             "SIP leg ended by the user agent (no ACK for the 2xx, or transport failure): "
             "released with cause %u",
             cause);
    c->cdr.released_by = ReleasedBy::Gateway;
    c->sip.from_peer(sip_call::EvBye{cause}, {});
  }
  reap();
}

// RFC 3398 §10.1 (§7.2.3 before the final response): REL with the Reason's cause, else 16.
void CallManager::Call::on_bye(SipHalf &h, std::optional<uint8_t> q850) {
  // The REL in a trusted peer's BYE goes to the PSTN as it came (cause, location, diagnostics):
  // a tandem passes the release on unchanged (RFC 3372 §5, Q.764 §2.3.1).
  if (const isup::Message *rel = h.relayed(); !q850 && rel && rel->type == MessageType::Rel)
    if (const auto *ci = rel->find<isup::CauseIndicators>())
      q850 = ci->cause_value;
  if (cdr.released_by == ReleasedBy::Unknown) // the user agent's own end says gateway
    cdr.released_by = ReleasedBy::Sip;
  release_cause = q850.value_or(kCauseNormal);
  process(EvReleaseReq{release_cause, 0});
}

// ---- PSTN -> SIP ------------------------------------------------------------------------------
void CallManager::route_from_pstn(Call &c) {
  c.routed = true;
  c.note_numbers();
  // PSTN calls are routed on the called party's digits as received; the route's targets are
  // tried in the order of the call's attempts (route_from_pstn_next, route_advance.cpp): a SIP
  // peer that is configured and admitted, or a trunk group with a free circuit (transit,
  // transit.cpp).
  const auto match = routing_.lookup(c.cdr.called);
  if (!match) {
    // Q.764 §2.2: the IAM is refused with REL, cause 3 for a number without a route.
    MGC_LOGC(c.ctx(), Cc, Notice, "no route for %s: REL cause %u", c.cdr.called.c_str(),
             kCauseNoRoute);
    counters_.inc(CcCounter::no_route);
    c.release_cause = kCauseNoRoute;
    c.sip.no_leg();
    c.process(EvReleaseReq{kCauseNoRoute, kLocationPublicLocal});
    return;
  }
  Admission &over = route_admission_.at(match->route->prefix);
  if (const Refusal r = over.admit(true, uint64_t(sched_.now_ms())); r != Refusal::None) {
    // Admission of the route (admission.h): REL cause 34, as for a route without a free
    // circuit (Q.850: no appropriate circuit is presently available for the call).
    counters_.inc(CcCounter::refused_admission_isup);
    MGC_LOGC(c.ctx(), Cc, Notice, "route %s refuses the call (%s): REL cause %u",
             match->route->prefix.c_str(), name_of(kRefusalNames, r), kCauseNoCircuit);
    c.release_cause = kCauseNoCircuit;
    c.sip.no_leg();
    c.process(EvReleaseReq{kCauseNoCircuit, kLocationPublicLocal});
    return;
  }
  c.route_slot = AdmissionSlot(&over);
  c.su().routed_number = match->number;
  c.su().attempts = plan_route(*match->route, false);
  start_setup_timer(c, *match->route);
  route_from_pstn_next(c);
}

void CallManager::isup_received(uint32_t opc, const isup::Message &msg) {
  // Any message shows the user part is there (Q.764 §2.13); an ACL in a REL or RLC is taken
  // (§2.11); UPT and UPA concern the user part alone.
  if (destinations_.received(opc, msg))
    return;
  TrunkGroup *tg = group_for(opc, msg.cic);
  if (!tg) {
    // Q.764 §2.12: a CIC this exchange does not have: UCIC (never in answer to UCIC).
    counters_.inc(CcCounter::unknown_circuit);
    if (msg.type != MessageType::Ucic) {
      isup::Message u;
      u.type = MessageType::Ucic;
      u.cic = msg.cic;
      isup_.send(opc, u);
    }
    return;
  }
  Call *c = call_on(*tg, msg.cic);
  const auto cls = msgs::classify(msg.type);
  if (cls == msgs::Classified::Supervision || (msg.type == MessageType::Rsc && !c)) {
    tg->supervision->receive(msg);
    reap();
    return;
  }
  if (cls == msgs::Classified::Ignored) {
    // INF/INR/FAC/APM/USR...: not acted on; a SIP-T/SIP-I peer gets them in INFO (RFC 3372 §5.4)
    if (c && c->transit) {
      transit_received(*c, *tg, msg); // a transit exchange passes them on as they came
    } else if (c) {
      c->from_pstn = &msg;
      c->info_to_sip();
      c->from_pstn = nullptr;
    }
    return;
  }

  if (msg.type == MessageType::Iam) {
    uint32_t displaced = 0;
    const uint32_t ref = next_ref_;
    const auto r = tg->circuits.seize_incoming(msg.cic, ref, &displaced);
    using S = CircuitGroup::IncomingSeizure;
    if (r == S::DualSeizureWeWin) {
      counters_.inc(CcCounter::dual_seizures);
      return; // Q.764 §2.9.1.4 a): their IAM is disregarded
    }
    if (r == S::LocallyBlocked) {
      // Remind the far end (Q.764 §2.8.2.3) of a maintenance block; a hardware block's CGB is
      // repeated by its own procedure (T18/T19) until acknowledged, and a BLO would add a
      // maintenance block that nobody lifts when the hardware is back.
      if (tg->circuits.find(msg.cic)->blocking.local_maintenance)
        tg->supervision->block(msg.cic);
      return;
    }
    if (r == S::Busy || r == S::UnknownCircuit) {
      counters_.inc(CcCounter::unexpected_isup);
      MGC_LOGC((log::CallContext{0, tg->circuits.name(), msg.cic, {}}), Cc, Notice,
               "IAM on a circuit already busy: ignored");
      return;
    }
    if (r == S::Accepted && !admit()) {
      // Overload: the IAM is refused at the cheapest point, before any call exists: REL with
      // cause 42 and the automatic congestion level (Q.764 §2.11: the preceding exchange
      // reduces its traffic toward us by the level), the circuit free again at once.
      tg->circuits.idle(msg.cic);
      counters_.inc(CcCounter::shed_isup);
      isup::Message rel = msgs::rel(msg.cic, kCauseSwitchingEquipmentCongestion, kLocationPublicLocal);
      isup::AutomaticCongestionLevel acl;
      acl.value = congestion_level_ >= 2 ? 2 : 1; // Q.763 §3.4: level 1 or 2 exceeded
      rel.add(acl, isup::Part::Optional);
      isup_.send(opc, rel);
      return;
    }
    AdmissionSlot admitted;
    if (r == S::Accepted) {
      // Admission of the trunk group (admission.h): direction, dry-up, limits. Refused like a
      // route without a free circuit: REL cause 34 (Q.850: no appropriate circuit/channel is
      // presently available), which lets the preceding exchange try another route; cause 42
      // is kept for this exchange's own congestion (above). The circuit is free again at once.
      Admission &a = admission_of(*tg);
      if (const Refusal x = a.admit(true, uint64_t(sched_.now_ms())); x != Refusal::None) {
        tg->circuits.idle(msg.cic);
        counters_.inc(CcCounter::refused_admission_isup);
        MGC_LOGC((log::CallContext{0, tg->circuits.name(), msg.cic, {}}), Cc, Info,
                 "IAM refused (%s): REL cause %u", name_of(kRefusalNames, x), kCauseNoCircuit);
        isup_.send(opc, msgs::rel(msg.cic, kCauseNoCircuit, kLocationPublicLocal));
        return;
      }
      admitted = AdmissionSlot(&a);
    }
    if (r == S::DualSeizureWeYield) {
      counters_.inc(CcCounter::dual_seizures);
      auto it = calls_.find(displaced);
      if (it != calls_.end() && it->second->transit && it->second->transit->tg == tg &&
          it->second->transit->cic == msg.cic)
        it->second->transit->process(EvDualSeizureLost{});
      else if (it != calls_.end())
        it->second->process(EvDualSeizureLost{});
    }
    ++next_ref_;
    counters_.inc(CcCounter::calls_from_pstn);
    auto owned = std::make_unique<Call>(*this, ref, Call::Direction::PstnToSip);
    Call &call = *owned;
    calls_[ref] = std::move(owned);
    call.in_slot = std::move(admitted);
    call.su().iam_msg = msg;
    call.cdr.trunk_group = tg->circuits.name();
    call.cdr.cic = msg.cic;
    call.note_numbers();
    call.start_isup(IsupHalf::Side::Incoming, *tg, msg.cic);
    MGC_LOGC(call.ctx(), Cc, Info, "IAM received: %s -> %s", call.cdr.calling.c_str(),
             call.cdr.called.c_str());
    const auto *nci = msg.find<isup::NatureOfConnectionIndicators>();
    call.from_pstn = &call.su().iam_msg;
    call.process(EvIam{static_cast<uint8_t>(nci ? nci->continuity_check_indicator : 0)});
    call.from_pstn = nullptr;
    reap();
    return;
  }

  if (!c) {
    // Q.764 §2.9.5.1 (unexpected message on an idle circuit): REL is answered with RLC, RLC
    // completes a pending reset, anything else makes the circuit reset.
    counters_.inc(CcCounter::isup_for_idle_circuit);
    if (msg.type == MessageType::Rel)
      isup_.send(opc, msgs::rlc(msg.cic));
    else if (msg.type == MessageType::Rlc)
      tg->supervision->reset_complete(msg.cic);
    else
      tg->supervision->reset(msg.cic);
    reap();
    return;
  }

  if (c->transit && !(c->tg == tg && c->cic == msg.cic)) {
    transit_received(*c, *tg, msg); // the transit call's outgoing circuit
    reap();
    return;
  }
  c->from_pstn = &msg;
  if (auto e = received_event(msg)) {
    if (msg.type == MessageType::Rel)
      c->cdr.released_by = ReleasedBy::Pstn;
    if (const auto *cot = std::get_if<EvCot>(&*e); cot && !cot->success)
      counters_.inc(CcCounter::continuity_failures);
    c->process(*e);
  } else if (msg.type == MessageType::Sam) {
    sam_received(*c, msg);
  } else {
    counters_.inc(CcCounter::unexpected_isup);
    MGC_LOGC(c->ctx(), Cc, Notice, "%.*s has no place in the call: ignored",
             int(isup::message_acronym(uint8_t(msg.type)).size()),
             isup::message_acronym(uint8_t(msg.type)).data());
  }
  if (auto it = calls_.find(c->ref); it != calls_.end())
    it->second->from_pstn = nullptr;
  reap();
}

// Q.764 §2.1.2: the digits complete the IAM's called number; a SAM whose digits cannot be part
// of a number releases a call still collecting them (cause 28, invalid number format).
void CallManager::sam_received(Call &c, const isup::Message &msg) {
  bool st = false, bad = false;
  const auto *sn = msg.find<isup::SubsequentNumber>();
  const std::string more = sn ? address_digits(*sn, &st, &bad) : std::string();
  if (!sn || bad || (more.empty() && !st)) {
    counters_.inc(CcCounter::unexpected_isup);
    if (!c.routed && c.incoming()) {
      c.release_cause = kCauseAddressIncomplete;
      c.cdr.released_by = ReleasedBy::Gateway;
      c.process(EvReleaseReq{kCauseAddressIncomplete, kLocationPublicLocal});
    }
    return;
  }
  counters_.inc(CcCounter::overlap_sams_in);
  if (!c.routed) {
    append_address(c.su().iam_msg, more, st);
    c.note_numbers();
  }
  c.process(EvSam{st});
}

void CallManager::release_circuit(uint32_t opc, uint16_t cic, uint8_t cause) {
  TrunkGroup *tg = group_for(opc, cic);
  if (!tg) {
    // Q.764 §2.12: a CIC this exchange does not have gets UCIC, not a release of a call that
    // cannot exist on it (the message was unusable: its type is not known to be UCIC).
    counters_.inc(CcCounter::unknown_circuit);
    isup::Message u;
    u.type = MessageType::Ucic;
    u.cic = cic;
    isup_.send(opc, u);
    return;
  }
  if (Call *c = call_on(*tg, cic)) {
    release_call(c->ref, cause);
    return;
  }
  isup_.send(opc, msgs::rel(cic, cause, kLocationPublicLocal));
}

void CallManager::destination_unavailable(uint32_t dpc) {
  destinations_.paused(dpc);
  for (auto &g : groups_)
    if (g->circuits.dpc() == dpc)
      g->destination_available = false;
}

// MTP-RESUME. Only a destination that was inaccessible has anything to reset: an indication
// that changes nothing (a DAVA for an accessible point code) resets nothing. Circuits never
// reset since start-up get GRS (Q.764 §2.9.3.2); after an outage of a destination in service
// only the circuits without a call do, so that calls up (answered ones above all) survive.
void CallManager::destination_available(uint32_t dpc) {
  destinations_.resumed(dpc);
  for (auto &g : groups_)
    if (g->circuits.dpc() == dpc && !g->destination_available) {
      g->destination_available = true;
      MGC_LOG(Isup, Info, "trunk group %s: dpc %u accessible: %s", g->circuits.name().c_str(),
              dpc, g->reset_done ? "circuits without a call reset" : "every circuit reset");
      if (g->reset_done)
        g->supervision->reset_idle();
      else
        g->supervision->reset_all();
      g->reset_done = true;
    }
  reap();
}

void CallManager::reset_all_circuits() {
  for (auto &g : groups_) {
    g->supervision->reset_all();
    g->reset_done = true;
  }
  reap();
}

void CallManager::on_media_lost(MediaGateway::Handle h) {
  for (auto &[ref, c] : calls_) {
    MediaLeg *lost = c->media.handle() == h                                ? &c->media
                     : c->transit && c->transit->media.handle() == h ? &c->transit->media
                                                                           : nullptr;
    if (!h || !lost)
      continue;
    lost->lost(); // already gone on the gateway
    c->cdr.released_by = ReleasedBy::Gateway;
    c->release_cause = kCauseTemporaryFailure;
    c->sip.process(sip_call::EvHangupReq{kCauseTemporaryFailure, 503}); // BYE, 503 or CANCEL
    c->process(EvReleaseReq{kCauseTemporaryFailure, kLocationPublicLocal});
    if (c->transit)
      c->transit->release(kCauseTemporaryFailure, kLocationPublicLocal, nullptr);
    break;
  }
  reap();
}

void CallManager::on_gateway_restart(std::string_view) {
  // The connections are reported one by one through on_media_lost by the adapters.
}

std::vector<CallManager::CallSummary> CallManager::calls() const {
  std::vector<CallSummary> v;
  for (const auto &[ref, c] : calls_) {
    v.push_back({ref, c->cdr.direction, c->tg ? c->tg->circuits.name() : "", c->isup_state(),
                 c->cdr.calling, c->cdr.called, c->sip.call_id(), c->cic, c->answered,
                 c->sip.state(), {}, {}, 0});
    if (const Transit *t = c->transit.get()) {
      v.back().out_trunk_group = t->tg->circuits.name();
      v.back().out_cic = t->cic;
      v.back().out_isup_state = t->out ? t->out->state_name() : "none";
    }
  }
  return v;
}

bool CallManager::maintain(const std::string &trunk_group,
                           const std::function<bool(CircuitSupervision &)> &procedure) {
  CircuitSupervision *s = supervision(trunk_group);
  const bool ok = s && procedure(*s);
  reap();
  return ok;
}

bool CallManager::release_call(uint32_t ref, uint8_t cause) {
  auto it = calls_.find(ref);
  if (it == calls_.end())
    return false;
  Call &c = *it->second;
  c.cdr.released_by = ReleasedBy::Gateway;
  c.release_cause = cause;
  c.sip.process(sip_call::EvHangupReq{cause, 480}); // BYE, 480 or CANCEL as the SIP side stands
  c.process(EvReleaseReq{cause, kLocationPublicLocal});
  if (c.transit) // both circuits of a transit call
    c.transit->release(cause, kLocationPublicLocal, nullptr);
  reap();
  return true;
}

} // namespace mgc::cc
