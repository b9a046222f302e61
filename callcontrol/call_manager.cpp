#include "callcontrol/call_manager.h"

#include "callcontrol/isup_call/incoming_call.h"
#include "callcontrol/isup_call/message_event.h"
#include "callcontrol/isup_call/outgoing_call.h"
#include "callcontrol/isup_call/timers.h"
#include "callcontrol/isup_messages.h"
#include "callcontrol/sip_call/incoming_sip_call.h"
#include "callcontrol/sip_call/outgoing_sip_call.h"
#include "isup/codec.h"

namespace mgc::cc {

using namespace isup_call;
using isup::MessageType;

namespace {
constexpr uint8_t kLocationPublicLocal = 2; // Q.850: public network serving the local user
constexpr uint8_t kCauseNoRoute = 3;
constexpr uint8_t kCauseNormal = 16;
constexpr uint8_t kCauseAddressIncomplete = 28; // RFC 3398 §8.2.6.1: 484 Address Incomplete
constexpr uint8_t kCauseDestinationOutOfOrder = 27;
constexpr uint8_t kCauseNoCircuit = 34;
constexpr uint8_t kCauseTemporaryFailure = 41;
constexpr uint8_t kCauseResourceUnavailable = 47;

// An ISUP body relayed through a tandem is decoded as a transit exchange does (Q.764 §2.9.5.3):
// parameters it does not know travel on; it is usable unless Q.764 says to drop or release.
bool decode_body(const std::vector<uint8_t> &bytes, isup::Message &out) {
  isup::DecodeOptions o;
  o.with_cic = false;
  o.node = isup::Node::Transit;
  const isup::DecodeResult r = isup::decode(bytes, o, out);
  if (!r.status.ok() && r.action != isup::Action::Process)
    return false;
  // Relayed means sent on: what cannot be encoded again (a mandatory parameter missing, say)
  // is not relayed, and call control builds its own message instead.
  std::vector<uint8_t> again;
  return isup::encode(out, isup::EncodeOptions{}, again).ok();
}

// The called number's digits (Q.763 §3.9 address signals): `st` tells an end-of-pulsing signal,
// `bad` a spare code (1010, 1101, 1110); codes 11 and 12 are kept out of the digits.
std::string address_digits(const isup::Number &n, bool *st = nullptr, bool *bad = nullptr) {
  std::string d;
  for (char c : n.address_signals.str()) {
    if (c >= '0' && c <= '9')
      d.push_back(c);
    else if (c == 'F' && st)
      *st = true;
    else if ((c == 'A' || c == 'D' || c == 'E') && bad)
      *bad = true;
  }
  return d;
}

// Digits of a SAM appended to the IAM's called number (en bloc from here on, RFC 3578 §2).
void append_address(isup::Message &iam, std::string_view more, bool st) {
  auto *cdpn = iam.find<isup::CalledPartyNumber>();
  if (!cdpn)
    return;
  std::string signals(cdpn->address_signals.str());
  if (!signals.empty() && signals.back() == 'F')
    signals.pop_back();
  signals += more;
  if (st)
    signals.push_back('F');
  cdpn->address_signals.assign(signals);
  cdpn->filler = 0;
}

// RFC 3204 body form of a message (no CIC).
std::vector<uint8_t> body_of(const isup::Message &m) {
  std::vector<uint8_t> out;
  if (!isup::encode(m, isup::EncodeOptions{.with_cic = false}, out).ok())
    out.clear();
  return out;
}
} // namespace

// ---------------------------------------------------------------------------------------------
struct CallManager::TrunkGroup {
  CircuitGroup circuits;
  MediaGateway *media;
  std::unique_ptr<SupervisionAdapter> port;
  std::unique_ptr<CircuitSupervision> supervision;
  bool destination_available = true;
  unsigned overlap_min_digits = 0; // 0: en bloc (see set_overlap)
  TrunkGroup(std::string name, uint32_t own, uint32_t dpc, Hunting h, MediaGateway &m)
      : circuits(std::move(name), own, dpc, h), media(&m) {}
};

class CallManager::SupervisionAdapter : public SupervisionPort {
public:
  SupervisionAdapter(CallManager &m, TrunkGroup &tg) : m_(m), tg_(tg) {}
  void send(const isup::Message &msg) override { m_.isup_.send(tg_.circuits.dpc(), msg); }
  void start_timer(uint16_t cic, IsupTimer t, uint32_t ms) override {
    stop_timer(cic, t);
    timers_[{cic, t}] = m_.sched_.start(ms, [this, cic, t] {
      timers_.erase({cic, t});
      tg_.supervision->on_timer(cic, t);
    });
  }
  void stop_timer(uint16_t cic, IsupTimer t) override {
    auto it = timers_.find({cic, t});
    if (it != timers_.end()) {
      m_.sched_.stop(it->second);
      timers_.erase(it);
    }
  }
  void release_call(uint32_t ref, uint16_t, uint8_t cause) override;
  void reattempt_call(uint32_t ref, uint16_t) override;
  void maintenance_alert(uint16_t, const char *) override {}
  ~SupervisionAdapter() override {
    for (auto &[k, id] : timers_)
      m_.sched_.stop(id);
  }

private:
  CallManager &m_;
  TrunkGroup &tg_;
  std::map<std::pair<uint16_t, IsupTimer>, Scheduler::Id> timers_;
};

// ---------------------------------------------------------------------------------------------
// A call joins its ISUP half-call machine (isup_call::Port) and its SIP half-call machine
// (sip_call::Port): the incoming SIP call (UAS) of a call from SIP, the outgoing one (UAC) of a
// call to SIP. Each machine decides its own side's messages; the call passes what one half
// reports to the other and builds the messages' contents (ISUP parameters, SDP, SIP-T bodies).
struct CallManager::Call : isup_call::Port, sip_call::Port {
  enum class Direction : uint8_t { SipToPstn, PstnToSip };
  CallManager &m;
  uint32_t ref;
  Direction dir;
  TrunkGroup *tg = nullptr;
  uint16_t cic = 0;
  std::unique_ptr<OutgoingCall> out;
  std::unique_ptr<IncomingCall> in;
  SipLeg *leg = nullptr;    // set through set_leg() only
  std::unique_ptr<sip_call::IncomingSipCall> sip_in;  // SIP -> PSTN: this gateway is the UAS
  std::unique_ptr<sip_call::OutgoingSipCall> sip_out; // PSTN -> SIP: this gateway is the UAC
  SipBody sip_body_out;                 // the body of the next message the SIP machine sends
  const SipBody *sip_body_in = nullptr; // the body of the SIP message being processed
  std::string leg_call_id;  // its Call-ID, the key in CallManager::sip_calls_
  SipPeer peer;
  std::vector<RouteTarget> fallbacks; // trunk groups still to try (SIP -> PSTN)
  std::string routed_number;
  MediaGateway::Handle media = 0;
  bool media_connected = false;
  std::string local_sdp, remote_sdp;
  isup::Message iam;                      // sent (SIP -> PSTN) or received (PSTN -> SIP)
  // Held by pointer: most calls have neither, and each is the size of a message (a held call's
  // memory is a benchmark target of its own).
  std::unique_ptr<isup::Message> encapsulated; // trusted IAM from the SIP-T INVITE
  std::unique_ptr<isup::Message> from_sip;  // trusted ISUP from the last SIP message (to relay)
  const isup::Message *from_pstn = nullptr; // the ISUP message being processed
  // answered: the call (either half); sip_done: the SIP machine is over, or the call never got a
  // SIP leg (see no_sip())
  bool answered = false, sip_done = false, isup_done = false, finished = false;
  bool routed = false;                      // PSTN -> SIP: the INVITE is decided
  // SIP -> PSTN: what tells a later INVITE with more digits of this call (RFC 3578 §3.5); the
  // rest of the INVITE's call context is in the IAM once it is built
  std::string sip_called, sip_from_tag;
  std::string sam_digits;                   // SIP -> PSTN: the digits of the SAM to send
  MediaGateway::Handle loop = 0;            // the continuity check loop (Q.764 §2.1.8)
  bool loop_attached = false, loop_pending = false, in_loopback_request = false;
  // The loop is being taken down: a gateway may refuse a second connection on the endpoint
  // until it is gone (osmo-mgw does), so the call's media connection waits for it.
  bool loop_releasing = false;
  std::function<void()> after_loop;
  uint8_t release_cause = kCauseNormal, release_location = 0;
  HalfCallTimers timers;
  CallRecord cdr;

  Call(CallManager &mgr, uint32_t r, Direction d)
      : m(mgr), ref(r), dir(d), timers(mgr.sched_, mgr.cfg_.timers) {
    cdr.seizure = CallRecord::Clock::now();
    cdr.direction = d == Direction::SipToPstn ? "sip-to-pstn" : "pstn-to-sip";
  }

  void process(const Event &e) {
    if (out)
      out->process(e);
    else if (in)
      in->process(e);
  }
  const char *isup_state() const { return out ? out->state() : in ? in->state() : "none"; }
  // An event for the SIP half-call machine, with the body of the message it may send.
  void sip(const sip_call::Event &e, SipBody b = {}) {
    sip_body_out = std::move(b);
    if (sip_out)
      sip_out->process(e);
    else if (sip_in)
      sip_in->process(e);
  }
  // An event from the SIP peer, whose body the call reads in the machine's notification.
  void sip_from_peer(const sip_call::Event &e, const SipBody &b) {
    sip_body_in = &b;
    sip(e);
    sip_body_in = nullptr;
  }
  const char *sip_state() const {
    return sip_out ? sip_out->state() : sip_in ? sip_in->state() : "none";
  }
  // SIP -> PSTN: the leg and its UAS machine (again for a later INVITE that takes over the call).
  void start_sip_in(SipLeg &l) {
    set_leg(&l);
    sip_done = false;
    sip_in = std::make_unique<sip_call::IncomingSipCall>(*this);
  }
  void send(isup::Message msg) {
    msg.cic = cic;
    m.isup_.send(tg->circuits.dpc(), msg);
  }
  // A trusted ISUP message the SIP peer sent, of the wanted type, to relay instead of ours.
  std::optional<isup::Message> relay(MessageType t) {
    if (from_sip && from_sip->type == t) {
      isup::Message msg = *from_sip;
      from_sip.reset();
      return msg;
    }
    return std::nullopt;
  }
  SipBody body(const std::string &sdp, const isup::Message *isup_msg) const {
    SipBody b;
    b.sdp = sdp;
    if (isup_msg && peer.profile != SipProfile::Plain) {
      b.isup = body_of(*isup_msg);
      b.has_isup = !b.isup.empty();
    }
    return b;
  }
  // A trusted SIP-T/SIP-I peer's ISUP, kept to relay instead of building our own (RFC 3372).
  void take_isup(const SipBody &b) {
    if (!b.has_isup || !peer.trusted || peer.profile == SipProfile::Plain)
      return;
    isup::Message msg;
    if (decode_body(b.isup, msg))
      from_sip = std::make_unique<isup::Message>(std::move(msg));
  }
  // PSTN -> SIP: the call ends before it has a SIP leg (no route, no peer, no media).
  void no_sip() {
    if (!sip_out)
      sip_done = true;
  }
  // The one way `leg` changes, so that CallManager::sip_calls_ always knows it.
  void set_leg(SipLeg *l) {
    if (leg) {
      const auto [first, last] = m.sip_calls_.equal_range(leg_call_id);
      for (auto it = first; it != last; ++it)
        if (it->second == ref) {
          m.sip_calls_.erase(it);
          break;
        }
    }
    leg = l;
    if (l) {
      leg_call_id = l->call_id();
      m.sip_calls_.emplace(leg_call_id, ref);
    }
  }
  void try_finish() {
    if (finished || !isup_done || !sip_done || media_connected)
      return;
    finished = true;
    set_leg(nullptr); // a CANCEL may still be on its way: its answer is the user agent's
    cdr.release = CallRecord::Clock::now();
    cdr.cause = release_cause;
    cdr.cause_location = release_location;
    if (m.cdr_)
      m.cdr_->write(cdr);
    m.counters_.inc(CcCounter::released);
    m.finished_.push_back(ref);
  }
  void release_media() {
    if (!media_connected)
      return;
    media_connected = false;
    tg->media->release(media, [](const Status &) {});
    try_finish();
  }

  // ---- Port: messages on the circuit
  void send_iam() override { send(iam); }
  void send_sam() override {
    m.counters_.inc(CcCounter::sams_out);
    send(msgs::sam(cic, sam_digits, false));
  }
  void send_cot(bool ok) override { send(msgs::cot(cic, ok)); }
  void send_acm(bool in_band) override {
    send(relay(MessageType::Acm).value_or(msgs::acm(cic, in_band)));
  }
  void send_cpg(bool in_band) override {
    send(relay(MessageType::Cpg).value_or(msgs::cpg(cic, in_band ? 2 : 1, in_band)));
  }
  void send_anm() override { send(relay(MessageType::Anm).value_or(msgs::anm(cic))); }
  void send_con() override { send(relay(MessageType::Con).value_or(msgs::con(cic))); }
  void send_rel(uint8_t cause, uint8_t location) override {
    send(relay(MessageType::Rel).value_or(msgs::rel(cic, cause, location)));
  }
  void send_rlc() override { send(msgs::rlc(cic)); }
  void send_rsc() override { send(msgs::rsc(cic)); }
  void send_sus(bool network) override {
    send(relay(MessageType::Sus).value_or(msgs::sus(cic, network)));
  }
  void send_res(bool network) override {
    send(relay(MessageType::Res).value_or(msgs::res(cic, network)));
  }
  void attach_check_loop() override;
  void detach_check_loop() override {
    if (loop_pending) { // still being set up: the loopback's answer takes it down
      loop_pending = false;
      loop_releasing = true;
      return;
    }
    if (!loop_attached)
      return;
    loop_attached = false;
    loop_releasing = true;
    tg->media->release(loop, loop_released(m, ref));
  }
  // Completion of the loop's release: what waited for it (the call's media connection) goes on.
  static MediaGateway::Done loop_released(CallManager &mgr, uint32_t r) {
    return [&mgr, r](const Status &) {
      auto it = mgr.calls_.find(r);
      if (it == mgr.calls_.end() || !it->second->loop_releasing)
        return;
      it->second->loop_releasing = false;
      if (auto next = std::move(it->second->after_loop)) {
        it->second->after_loop = nullptr;
        next();
        mgr.reap();
      }
    };
  }
  Address address() const override {
    bool st = false, bad = false;
    const auto *cdpn = iam.find<isup::CalledPartyNumber>();
    const std::string digits = cdpn ? address_digits(*cdpn, &st, &bad) : std::string();
    // An en-bloc trunk group, ST, or a number that cannot grow into a valid one: route now.
    if (st || bad || !tg || tg->overlap_min_digits == 0)
      return Address::Complete;
    if (const auto match = m.routing_.lookup(digits);
        match && match->route->digits && digits.size() >= match->route->digits)
      return Address::Complete; // number analysis (RFC 3578 §2.2)
    return digits.size() < tg->overlap_min_digits ? Address::Incomplete : Address::Sufficient;
  }
  void start_timer(IsupTimer t) override {
    timers.start(t, [this, t] {
      if (auto e = expiry_event(t))
        process(*e);
      m.reap();
    });
  }
  void stop_timer(IsupTimer t) override { timers.stop(t); }

  // ---- Port: what the ISUP half tells the call
  void on_setup() override { m.route_from_pstn(*this); }
  // PSTN -> SIP: the numbers as received so far, for the CDR and `show calls` (a call may end
  // before it is routed: T35, T8, continuity failure).
  void note_numbers() {
    if (const auto *cdpn = iam.find<isup::CalledPartyNumber>())
      cdr.called = address_digits(*cdpn);
    if (const auto *cgpn = iam.find<isup::CallingPartyNumber>())
      cdr.calling = std::string(cgpn->address_signals.str());
  }
  // RFC 3578 §2.2: once the INVITE is out, further SAMs are disregarded.
  void on_more_digits() override { m.counters_.inc(CcCounter::sams_disregarded); }
  // RFC 3398 §7.2.5/§7.2.6 ACM, §7.2.9 CPG: 180, or 183 with the media for in-band information.
  void on_alerting(bool in_band) override {
    sip(sip_call::EvProgressReq{in_band ? 183 : 180}, body(in_band ? local_sdp : "", from_pstn));
  }
  void on_progress(bool in_band) override {
    if (answered)
      info_to_sip(); // a CPG after answer has no SIP mapping (RFC 3398 §7.2.9): SIP-T INFO only
    else
      sip(sip_call::EvProgressReq{183}, body(in_band ? local_sdp : "", from_pstn));
  }
  // Mid-call ISUP toward a SIP-T/SIP-I peer in INFO (RFC 3372 §5.4); plain SIP peers are not told
  // (RFC 3398 §9.1: not to a peer that has not used encapsulated ISUP).
  void info_to_sip() {
    if (!leg || sip_done || !from_pstn || peer.profile == SipProfile::Plain)
      return;
    m.counters_.inc(CcCounter::isup_to_info);
    leg->info(body("", from_pstn));
  }
  void on_answer() override {
    answered = true;
    cdr.answer = CallRecord::Clock::now();
    m.counters_.inc(CcCounter::answered);
    sip(sip_call::EvAnswerReq{}, body(local_sdp, from_pstn));
    forget_iam();
  }
  // Answered: no dual-seizure re-attempt (Q.764 §2.9.1.4), SAM or address analysis will need
  // the IAM again, and it is the largest part of an established call's state. The rest of the
  // setup's context goes too: the SDPs (the media gateway holds the media now), the INVITE's call
  // info (RFC 3578 §3.5 digits come before the answer only), the route's fallbacks and the body
  // of the answer just sent (a hang-up sets its own).
  void forget_iam() {
    iam = isup::Message{};
    encapsulated.reset();
    std::string().swap(local_sdp);
    std::string().swap(remote_sdp);
    std::string().swap(sip_called);
    std::string().swap(sip_from_tag);
    std::vector<RouteTarget>().swap(fallbacks);
    sip_body_out = {};
  }
  // RFC 3398 §9.1: SUS and RES reach SIP-T peers in INFO; media is left as it is.
  void on_suspend(bool) override {
    m.counters_.inc(CcCounter::suspends);
    info_to_sip();
  }
  void on_resume(bool) override {
    m.counters_.inc(CcCounter::resumes);
    info_to_sip();
  }
  void on_released(uint8_t cause, uint8_t location) override {
    release_cause = cause;
    release_location = location;
    if (cdr.released_by.empty())
      cdr.released_by = from_pstn ? "pstn" : "gateway";
    // RFC 3398 §7.2.4 (REL before the final response: the status of §7.2.4.1), §8.2.7 (CANCEL
    // before it), §10.2 (BYE after it): the SIP machine picks the message for its state.
    const SipFinal f = sip_final_for_cause(cause, static_cast<CauseLocation>(location));
    sip(sip_call::EvHangupReq{cause, f.status ? f.status : 480}, body("", from_pstn));
  }
  void on_reattempt() override;
  // The ISUP half is over: the check loop goes, and a call that never reached SIP (continuity
  // failure, T35, T8 ...) has no SIP side to wait for.
  void isup_gone() {
    isup_done = true;
    detach_check_loop();
    if (!leg && !routed)
      sip_done = true;
  }
  void on_circuit_idle() override {
    isup_gone();
    if (tg->circuits.find(cic) && tg->circuits.find(cic)->call_ref == ref)
      tg->circuits.idle(cic);
    release_media();
    try_finish();
  }
  void on_circuit_reset() override {
    // T5 expired (Q.764 §2.9.6): the half sent RSC and alerted maintenance. The call is over:
    // circuit supervision carries the reset on (RSC repeated under T16/T17 until an RLC, for as
    // long as the far end stays silent) and the call ends now, its CDR written, instead of
    // living as long as the reset does.
    release_media();
    isup_gone();
    if (tg && tg->supervision)
      tg->supervision->adopt_reset(cic);
    try_finish();
  }
  void on_unexpected(const char *, const char *) override {
    m.counters_.inc(CcCounter::unexpected_events);
  }

  // ---- sip_call::Port: messages on the leg (bodies from sip_body_out)
  void send_provisional(int status) override {
    if (leg)
      leg->provisional(status, sip_body_out);
  }
  void send_answer() override {
    if (leg)
      leg->answer(sip_body_out);
  }
  void send_reject(int status, uint8_t cause) override {
    if (leg)
      leg->reject(status, cause, sip_body_out);
  }
  void send_cancel(uint8_t cause) override {
    if (leg)
      leg->cancel(cause);
  }
  void send_bye(uint8_t cause) override {
    if (leg)
      leg->bye(cause, sip_body_out);
  }

  // ---- sip_call::Port: what the SIP half tells the call
  void on_provisional(int status, bool early_media) override;
  void on_answered() override;
  void on_failed(int status, uint8_t cause, bool local) override;
  void on_cancelled() override;
  void on_bye(std::optional<uint8_t> cause) override;
  void on_sip_over(bool dialog_over) override {
    sip_done = true;
    // The leg is forgotten once its dialog is over: the adapter frees it, and a new leg may
    // later live at the same address. While a CANCEL is on its way the leg stays known, so that
    // a crossing 2xx still reaches the machine (and gets its BYE) as long as the call lives.
    if (dialog_over)
      set_leg(nullptr);
    try_finish();
  }
  void on_unexpected(const char *machine, const char *state, const char *event) override {
    m.counters_.inc(CcCounter::unexpected_sip_events);
    m.last_unexpected_sip_ = std::string(machine) + " " + state + " " + event;
  }
};

void CallManager::SupervisionAdapter::release_call(uint32_t ref, uint16_t, uint8_t cause) {
  auto it = m_.calls_.find(ref);
  if (it == m_.calls_.end())
    return;
  Call &c = *it->second;
  // The circuit was reset or blocked for hardware: the ISUP half is gone without RLC.
  c.on_released(cause, kLocationPublicLocal);
  c.isup_gone();
  c.release_media();
  c.try_finish();
}

void CallManager::SupervisionAdapter::reattempt_call(uint32_t ref, uint16_t) {
  auto it = m_.calls_.find(ref);
  if (it != m_.calls_.end() && it->second->out)
    it->second->process(EvDualSeizureLost{});
}

void CallManager::Call::attach_check_loop() {
  m.counters_.inc(CcCounter::continuity_checks);
  if (loop_attached || loop_pending)
    return;
  loop_pending = true;
  in_loopback_request = true;
  CallManager &mgr = m;
  MediaGateway *media_gw = tg->media;
  const uint32_t r = ref;
  media_gw->loopback(tg->circuits.name(), cic,
                     [&mgr, media_gw, r](const Status &s, MediaGateway::Handle h, std::string_view) {
    auto it = mgr.calls_.find(r);
    Call *c = it == mgr.calls_.end() ? nullptr : it->second.get();
    if (!c || !c->loop_pending) { // the check ended first: the loop is not needed
      if (s.ok())
        media_gw->release(h, loop_released(mgr, r));
      else
        loop_released(mgr, r)(s);
      return;
    }
    c->loop_pending = false;
    if (s.ok()) {
      c->loop = h;
      c->loop_attached = true;
      return;
    }
    // Without the loop the far end's test cannot pass: the call is released now (cause 41).
    mgr.counters_.inc(CcCounter::media_failures);
    c->release_cause = kCauseTemporaryFailure;
    mgr.deferred_.push_back([&mgr, r] {
      auto again = mgr.calls_.find(r);
      if (again != mgr.calls_.end())
        again->second->process(EvReleaseReq{kCauseTemporaryFailure, kLocationPublicLocal});
    });
    if (!c->in_loopback_request)
      mgr.reap(); // asynchronous answer: nothing else will run the deferred release
  });
  // the call may be gone if the answer came at once and ended it
  if (auto it = mgr.calls_.find(r); it != mgr.calls_.end())
    it->second->in_loopback_request = false;
}

void CallManager::Call::on_reattempt() {
  // Q.764 §2.9.1.4: the call is repeated on another circuit; the lost circuit now belongs to
  // the far end's call, the media connection made for it goes. The machine that reports this
  // is still running its transition, so it is replaced once the event is done.
  m.counters_.inc(CcCounter::reattempts);
  release_media();
  CallManager &mgr = m;
  const uint32_t r = ref;
  m.deferred_.push_back([&mgr, r] {
    auto it = mgr.calls_.find(r);
    if (it == mgr.calls_.end())
      return;
    Call &c = *it->second;
    c.out.reset();
    c.tg = nullptr;
    mgr.start_outgoing(c);
  });
}

// ---------------------------------------------------------------------------------------------
CallManager::CallManager(CallManagerConfig cfg, Scheduler &sched, IsupSender &isup, SipSide &sip,
                         CdrWriter *cdr)
    : cfg_(std::move(cfg)), sched_(sched), isup_(isup), sip_(sip), cdr_(cdr) {}

CallManager::~CallManager() = default;

CircuitGroup &CallManager::add_trunk_group(const std::string &name, uint32_t dpc, Hunting hunting,
                                           MediaGateway &media) {
  auto tg = std::make_unique<TrunkGroup>(name, cfg_.own_point_code, dpc, hunting, media);
  tg->port = std::make_unique<SupervisionAdapter>(*this, *tg);
  tg->supervision = std::make_unique<CircuitSupervision>(tg->circuits, *tg->port, cfg_.timers);
  media.set_listener(this);
  groups_.push_back(std::move(tg));
  return groups_.back()->circuits;
}

bool CallManager::set_overlap(const std::string &trunk_group, unsigned min_digits) {
  for (auto &g : groups_)
    if (g->circuits.name() == trunk_group) {
      g->overlap_min_digits = min_digits;
      return true;
    }
  return false;
}

void CallManager::add_sip_peer(const SipPeer &peer) { peers_[peer.name] = peer; }

CircuitGroup *CallManager::trunk_group(const std::string &name) {
  for (auto &g : groups_)
    if (g->circuits.name() == name)
      return &g->circuits;
  return nullptr;
}

CircuitSupervision *CallManager::supervision(const std::string &name) {
  for (auto &g : groups_)
    if (g->circuits.name() == name)
      return g->supervision.get();
  return nullptr;
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
    if (auto c = calls_.find(it->second); c != calls_.end() && c->second->leg == &leg)
      return c->second.get();
  return nullptr;
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
  }
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
  c.start_sip_in(leg);
  c.peer = from;
  c.remote_sdp = body.sdp;
  c.sip_called = info.called;
  c.sip_from_tag = info.from_tag;
  c.cdr.sip_call_id = leg.call_id();
  c.cdr.called = info.called;
  c.cdr.calling = info.asserted.value_or(info.from.value_or(""));
  iw::SipCallInfo routed = info;
  // RFC 3372 §5: ISUP from a peer that is not trusted never reaches the PSTN.
  if (body.has_isup && (from.profile == SipProfile::Plain || !from.trusted)) {
    counters_.inc(CcCounter::untrusted_isup_ignored);
    routed.asserted.reset();
  } else if (body.has_isup) {
    isup::Message enc;
    if (decode_body(body.isup, enc) && enc.type == MessageType::Iam)
      c.encapsulated = std::make_unique<isup::Message>(std::move(enc));
  }
  if (!from.trusted)
    routed.asserted.reset();
  const auto match = routing_.lookup(info.called);
  if (!match) {
    counters_.inc(CcCounter::no_route);
    c.release_cause = kCauseNoRoute;
    c.sip(sip_call::EvRejectReq{404, kCauseNoRoute});
    c.isup_done = true;
    c.try_finish();
    reap();
    return;
  }
  c.fallbacks = match->route->targets;
  routed.called = match->number;
  c.routed_number = match->number;
  Status s = iw::iam_from_invite(routed, c.encapsulated.get(),
                                 cfg_.interworking, c.iam);
  if (!s.ok()) {
    const uint8_t cause = s.code() == 483 ? 25 : 28;
    c.release_cause = cause;
    c.sip(sip_call::EvRejectReq{s.code(), cause});
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
    const std::string &had = c.sip_called;
    if (c.dir == Call::Direction::SipToPstn && !c.answered && c.leg && !c.sip_done &&
        c.leg != &leg && c.sip_from_tag == info.from_tag &&
        info.called.size() > had.size() && info.called.compare(0, had.size(), had) == 0 &&
        (!prev || c.ref < prev->ref)) // the oldest, as a scan in call order found it
      prev = &c;
  }
  if (!prev)
    return false;
  counters_.inc(CcCounter::overlap_reinvites);
  prev->sip(sip_call::EvRejectReq{484, kCauseAddressIncomplete}); // the earlier INVITE's UAS ends
  prev->cdr.released_by = "sip";
  const auto match = routing_.lookup(info.called);
  const std::string &sent = prev->routed_number;
  const bool overlap_exchange = prev->out && prev->tg && prev->tg->overlap_min_digits &&
                                std::string_view(prev->isup_state()) == "wait-for-acm";
  if (overlap_exchange && match && match->number.size() > sent.size() &&
      match->number.compare(0, sent.size(), sent) == 0) {
    prev->cdr.released_by.clear(); // the call goes on with the new INVITE
    prev->start_sip_in(leg);
    prev->sam_digits = match->number.substr(sent.size());
    prev->routed_number = match->number;
    prev->sip_called = info.called;
    prev->sip_from_tag = info.from_tag;
    prev->cdr.called = info.called;
    append_address(prev->iam, prev->sam_digits, false);
    prev->process(EvMoreDigitsReq{false});
    return true;
  }
  // En bloc: REL for the previous IAM (or the attempt simply ends), and a new call.
  prev->release_cause = kCauseAddressIncomplete;
  if (prev->out) {
    prev->process(EvReleaseReq{kCauseAddressIncomplete, kLocationPublicLocal});
  } else {
    prev->isup_done = true;
    prev->try_finish();
  }
  return false;
}

void CallManager::start_outgoing(Call &c) {
  // Hunt a circuit on the route's trunk groups in order (the fallbacks of the route).
  while (!c.fallbacks.empty()) {
    const RouteTarget t = c.fallbacks.front();
    c.fallbacks.erase(c.fallbacks.begin());
    if (t.kind != RouteTarget::Kind::TrunkGroup)
      continue; // SIP-to-SIP is not this gateway's job
    for (auto &g : groups_) {
      if (g->circuits.name() != t.name || !g->destination_available)
        continue;
      if (Circuit *circuit = g->circuits.seize_outgoing(c.ref)) {
        c.tg = g.get();
        c.cic = circuit->cic;
        c.cdr.trunk_group = g->circuits.name();
        c.cdr.cic = c.cic;
        c.out = std::make_unique<OutgoingCall>(c);
        const uint32_t ref = c.ref;
        connect_media_then(c, c.remote_sdp, [this, ref] {
          auto it = calls_.find(ref);
          if (it != calls_.end())
            it->second->process(EvSetupReq{});
        });
        return;
      }
    }
  }
  counters_.inc(CcCounter::no_circuit);
  c.release_cause = kCauseNoCircuit;
  c.sip(sip_call::EvRejectReq{503, kCauseNoCircuit});
  c.isup_done = true;
  c.try_finish();
}

void CallManager::connect_media_then(Call &c, const std::string &remote_sdp,
                                     std::function<void()> next) {
  const uint32_t ref = c.ref;
  if (c.loop_releasing) { // the continuity loop goes first (Q.764 §2.1.8: COT received)
    c.after_loop = [this, ref, remote_sdp, next = std::move(next)]() mutable {
      auto it = calls_.find(ref);
      if (it != calls_.end())
        connect_media_then(*it->second, remote_sdp, std::move(next));
    };
    return;
  }
  // Without the far end's SDP the connection can only receive (RFC 3435 §2.3.5: send modes need
  // a remote connection descriptor); the answer's SDP turns it to sendrecv.
  c.tg->media->connect(
      c.tg->circuits.name(), c.cic, remote_sdp,
      remote_sdp.empty() ? MediaMode::RecvOnly : MediaMode::SendRecv,
      [this, ref, next = std::move(next)](const Status &s, MediaGateway::Handle h,
                                          std::string_view local_sdp) {
        auto it = calls_.find(ref);
        if (it == calls_.end()) {
          return;
        }
        Call &c = *it->second;
        // The call may have ended while the gateway was connecting: the caller cancelled (SIP ->
        // PSTN, nothing sent on the circuit yet) or the PSTN released (PSTN -> SIP, no INVITE
        // sent yet). Then nothing goes out: the circuit is freed, a connection made is released.
        if (c.dir == Call::Direction::SipToPstn ? c.sip_done : c.isup_done) {
          if (c.dir == Call::Direction::SipToPstn && !c.isup_done) {
            c.tg->circuits.idle(c.cic);
            c.isup_done = true;
          }
          if (!c.leg)
            c.sip_done = true;
          if (s.ok()) {
            c.media = h;
            c.media_connected = true;
            c.release_media();
          }
          c.try_finish();
          reap();
          return;
        }
        if (!s.ok()) {
          counters_.inc(CcCounter::media_failures);
          c.release_cause = kCauseResourceUnavailable;
          c.tg->circuits.idle(c.cic);
          c.isup_done = true;
          if (c.dir == Call::Direction::SipToPstn) {
            c.sip(sip_call::EvRejectReq{503, kCauseResourceUnavailable});
          } else if (c.in) {
            // PSTN -> SIP: the IAM is refused with REL (Q.764 §2.2); RLC then frees the circuit.
            c.isup_done = false;
            c.process(EvReleaseReq{kCauseResourceUnavailable, kLocationPublicLocal});
            c.no_sip();
          }
          c.try_finish();
          reap();
          return;
        }
        c.media = h;
        c.media_connected = true;
        c.local_sdp = std::string(local_sdp);
        next();
        reap();
      });
}

// RFC 3398 §8.2.3-§8.2.6: responses to the INVITE sent toward SIP go through the outgoing SIP
// half-call machine, which tells the call (Call::on_provisional ...) what they mean in its state.
void CallManager::sip_provisional(SipLeg &leg, int status, const SipBody &body) {
  if (Call *c = call_of(leg))
    c->sip_from_peer(sip_call::EvProvisional{status, !body.sdp.empty()}, body);
  reap();
}

void CallManager::sip_answered(SipLeg &leg, const SipBody &body) {
  if (Call *c = call_of(leg))
    c->sip_from_peer(sip_call::EvAnswered{}, body);
  reap();
}

void CallManager::sip_failed(SipLeg &leg, int status, std::optional<uint8_t> q850, bool local) {
  Call *c = call_of(leg);
  if (!c)
    return;
  uint8_t cause = kCauseNormal;
  if (q850)
    cause = *q850; // RFC 3326 Reason: the cause the far end gave
  else if (auto ic = isup_cause_for_status(status))
    cause = ic->cause;
  c->sip(sip_call::EvFailed{status, cause, local});
  reap();
}

void CallManager::Call::on_provisional(int status, bool early_media) {
  if (sip_body_in)
    take_isup(*sip_body_in);
  if (early_media && media_connected && sip_body_in) {
    remote_sdp = sip_body_in->sdp;
    tg->media->modify(media, MediaMode::SendRecv, sip_body_in->sdp,
                      [](const Status &, std::string_view) {});
  }
  if (status == 180)
    process(EvAlertingReq{early_media});
  else if (status == 183 && early_media)
    process(EvProgressReq{true});
}

void CallManager::Call::on_answered() {
  if (sip_body_in) {
    take_isup(*sip_body_in);
    if (!sip_body_in->sdp.empty() && media_connected)
      tg->media->modify(media, MediaMode::SendRecv, sip_body_in->sdp,
                        [](const Status &, std::string_view) {});
  }
  answered = true;
  cdr.answer = CallRecord::Clock::now();
  m.counters_.inc(CcCounter::answered);
  process(EvAnswerReq{});
  forget_iam();
}

void CallManager::Call::on_failed(int, uint8_t cause, bool local) {
  cdr.released_by = local ? "gateway" : "sip";
  release_cause = cause;
  release_location = static_cast<uint8_t>(CauseLocation::BeyondInterworkingPoint);
  process(EvReleaseReq{cause, release_location});
}

void CallManager::sip_cancelled(SipLeg &leg) {
  if (Call *c = call_of(leg))
    c->sip(sip_call::EvCancel{});
  reap();
}

// RFC 3398 §7.2.3: CANCEL before the final response -> REL cause 16.
void CallManager::Call::on_cancelled() {
  cdr.released_by = "sip";
  release_cause = kCauseNormal;
  if (out) {
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
  if (!c->peer.trusted || c->peer.profile == SipProfile::Plain) {
    counters_.inc(CcCounter::untrusted_isup_ignored);
    return;
  }
  isup::Message msg;
  if (!decode_body(body.isup, msg)) {
    counters_.inc(CcCounter::unexpected_isup);
    return;
  }
  counters_.inc(CcCounter::isup_from_info);
  const auto *sr = msg.find<isup::SuspendResumeIndicators>();
  const bool network = !sr || sr->suspend_resume_indicator;
  switch (msg.type) {
  case MessageType::Sus: // RFC 3398 §9.1 the other way: through the half-call (Q.764 §2.5)
    c->from_sip = std::make_unique<isup::Message>(std::move(msg));
    c->process(EvSuspendReq{network});
    break;
  case MessageType::Res:
    c->from_sip = std::make_unique<isup::Message>(std::move(msg));
    c->process(EvResumeReq{network});
    break;
  default:
    // Mid-call messages without a state of their own (FAC, USR, INF, APM ..., CPG once answered)
    // go to the circuit as they came; messages of the call's own procedures do not.
    if (c->tg && !c->isup_done && (c->out || c->in) &&
        (msgs::classify(msg.type) == msgs::Classified::Ignored ||
         (msg.type == MessageType::Cpg && c->answered)))
      c->send(std::move(msg));
    else
      counters_.inc(CcCounter::unexpected_isup);
    break;
  }
  reap();
}

void CallManager::sip_bye(SipLeg &leg, std::optional<uint8_t> q850, const SipBody &body) {
  if (Call *c = call_of(leg))
    c->sip_from_peer(sip_call::EvBye{q850}, body);
  reap();
}

// RFC 3398 §10.1 (§7.2.3 before the final response): REL with the Reason's cause, else 16.
void CallManager::Call::on_bye(std::optional<uint8_t> q850) {
  // The REL in a trusted peer's BYE goes to the PSTN as it came (cause, location, diagnostics):
  // a tandem passes the release on unchanged (RFC 3372 §5, Q.764 §2.3.1).
  if (sip_body_in)
    take_isup(*sip_body_in);
  if (!q850 && from_sip && from_sip->type == MessageType::Rel)
    if (const auto *ci = from_sip->find<isup::CauseIndicators>())
      q850 = ci->cause_value;
  cdr.released_by = "sip";
  release_cause = q850.value_or(kCauseNormal);
  process(EvReleaseReq{release_cause, 0});
}

// ---- PSTN -> SIP ------------------------------------------------------------------------------
void CallManager::route_from_pstn(Call &c) {
  c.routed = true;
  c.note_numbers();
  // PSTN calls are routed on the called party's digits as received.
  const auto match = routing_.lookup(c.cdr.called);
  const SipPeer *peer = nullptr;
  if (match)
    for (const auto &t : match->route->targets)
      if (t.kind == RouteTarget::Kind::SipPeer && peers_.count(t.name)) {
        peer = &peers_[t.name];
        break;
      }
  if (!peer) {
    counters_.inc(CcCounter::no_route);
    c.release_cause = kCauseNoRoute;
    c.no_sip();
    c.process(EvReleaseReq{kCauseNoRoute, kLocationPublicLocal});
    return;
  }
  c.peer = *peer;
  iw::SipCallInfo info = iw::invite_from_iam(c.iam, cfg_.interworking);
  info.called = match->number;
  if (!peer->trusted)
    info.asserted.reset();
  const uint32_t ref = c.ref;
  connect_media_then(c, "", [this, ref, info] {
    auto it = calls_.find(ref);
    if (it == calls_.end())
      return;
    Call &call = *it->second;
    // SIP-T / SIP-I peers get the IAM as it arrived (Q.1912.5, RFC 3204), minus the CIC.
    SipLeg *leg = sip_.invite(call.peer, info, call.body(call.local_sdp, &call.iam));
    if (!leg) {
      counters_.inc(CcCounter::sip_peer_unavailable);
      call.release_cause = kCauseDestinationOutOfOrder;
      call.no_sip();
      call.process(EvReleaseReq{kCauseDestinationOutOfOrder, kLocationPublicLocal});
      return;
    }
    call.set_leg(leg);
    call.sip_out = std::make_unique<sip_call::OutgoingSipCall>(call); // INVITE sent: Calling
    call.cdr.sip_call_id = leg->call_id();
  });
}

void CallManager::isup_received(uint32_t opc, const isup::Message &msg) {
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
    if (c) {
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
      tg->supervision->block(msg.cic); // remind the far end (Q.764 §2.8.2.3)
      return;
    }
    if (r == S::Busy || r == S::UnknownCircuit) {
      counters_.inc(CcCounter::unexpected_isup);
      return;
    }
    if (r == S::DualSeizureWeYield) {
      counters_.inc(CcCounter::dual_seizures);
      auto it = calls_.find(displaced);
      if (it != calls_.end())
        it->second->process(EvDualSeizureLost{});
    }
    ++next_ref_;
    counters_.inc(CcCounter::calls_from_pstn);
    auto owned = std::make_unique<Call>(*this, ref, Call::Direction::PstnToSip);
    Call &call = *owned;
    calls_[ref] = std::move(owned);
    call.tg = tg;
    call.cic = msg.cic;
    call.iam = msg;
    call.cdr.trunk_group = tg->circuits.name();
    call.cdr.cic = msg.cic;
    call.note_numbers();
    call.in = std::make_unique<IncomingCall>(call);
    const auto *nci = msg.find<isup::NatureOfConnectionIndicators>();
    call.from_pstn = &call.iam;
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

  c->from_pstn = &msg;
  if (auto e = received_event(msg)) {
    if (msg.type == MessageType::Rel)
      c->cdr.released_by = "pstn";
    if (const auto *cot = std::get_if<EvCot>(&*e); cot && !cot->success)
      counters_.inc(CcCounter::continuity_failures);
    c->process(*e);
  } else if (msg.type == MessageType::Sam) {
    sam_received(*c, msg);
  } else {
    counters_.inc(CcCounter::unexpected_isup);
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
    if (!c.routed && c.in) {
      c.release_cause = kCauseAddressIncomplete;
      c.cdr.released_by = "gateway";
      c.process(EvReleaseReq{kCauseAddressIncomplete, kLocationPublicLocal});
    }
    return;
  }
  counters_.inc(CcCounter::overlap_sams_in);
  if (!c.routed) {
    append_address(c.iam, more, st);
    c.note_numbers();
  }
  c.process(EvSam{st});
}

void CallManager::release_circuit(uint32_t opc, uint16_t cic, uint8_t cause) {
  TrunkGroup *tg = group_for(opc, cic);
  if (Call *c = tg ? call_on(*tg, cic) : nullptr) {
    release_call(c->ref, cause);
    return;
  }
  isup_.send(opc, msgs::rel(cic, cause, kLocationPublicLocal));
}

void CallManager::destination_unavailable(uint32_t dpc) {
  for (auto &g : groups_)
    if (g->circuits.dpc() == dpc)
      g->destination_available = false;
}

void CallManager::destination_available(uint32_t dpc) {
  for (auto &g : groups_)
    if (g->circuits.dpc() == dpc && !g->destination_available) {
      g->destination_available = true;
      g->supervision->reset_all();
    }
  reap();
}

void CallManager::reset_all_circuits() {
  for (auto &g : groups_)
    g->supervision->reset_all();
  reap();
}

void CallManager::on_media_lost(MediaGateway::Handle h) {
  for (auto &[ref, c] : calls_)
    if (c->media_connected && c->media == h) {
      c->media_connected = false; // already gone on the gateway
      c->cdr.released_by = "gateway";
      c->release_cause = kCauseTemporaryFailure;
      c->sip(sip_call::EvHangupReq{kCauseTemporaryFailure, 503}); // BYE, 503 or CANCEL
      c->process(EvReleaseReq{kCauseTemporaryFailure, kLocationPublicLocal});
      break;
    }
  reap();
}

void CallManager::on_gateway_restart(std::string_view) {
  // The connections are reported one by one through on_media_lost by the adapters.
}

std::vector<CallManager::CallSummary> CallManager::calls() const {
  std::vector<CallSummary> v;
  for (const auto &[ref, c] : calls_)
    v.push_back({ref, c->cdr.direction, c->tg ? c->tg->circuits.name() : "", c->isup_state(),
                 c->cdr.calling, c->cdr.called, c->cdr.sip_call_id, c->cic, c->answered,
                 c->sip_state()});
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
  c.cdr.released_by = "gateway";
  c.release_cause = cause;
  c.sip(sip_call::EvHangupReq{cause, 480}); // BYE, 480 or CANCEL as the SIP side stands
  c.process(EvReleaseReq{cause, kLocationPublicLocal});
  reap();
  return true;
}

} // namespace mgc::cc
