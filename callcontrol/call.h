// A call of CallManager and what it is made of (its trunk groups' supervision adapter, its
// circuits' half-call machines): internal to callcontrol, shared by call_manager.cpp (calls from
// and to SIP) and transit.cpp (PSTN -> PSTN through this exchange, the second ISUP half of a
// transit call). Nothing outside callcontrol/ includes it.
#pragma once

#include "callcontrol/call_manager.h"
#include "callcontrol/isup_half.h"
#include "callcontrol/media_leg.h"
#include "core/alarms.h"
#include "core/log.h"
#include "isup/cause.h"
#include "callcontrol/isup_messages.h"
#include "callcontrol/isup_body.h"
#include "callcontrol/sip_half.h"
#include "callcontrol/transit.h"

namespace mgc::cc {

namespace detail {
// The causes call control originates (values from the one Q.850 table, isup/cause.h).
using isup::Cause;
using isup::cause_value;
inline constexpr uint8_t kLocationPublicLocal =
    isup::location_value(isup::CauseLocation::PublicNetworkLocalUser);
inline constexpr uint8_t kCauseNoRoute = cause_value(Cause::NoRouteToDestination);
inline constexpr uint8_t kCauseNormal = cause_value(Cause::NormalCallClearing);
// RFC 3398 §8.2.6.1: 484 Address Incomplete
inline constexpr uint8_t kCauseAddressIncomplete = cause_value(Cause::InvalidNumberFormat);
inline constexpr uint8_t kCauseDestinationOutOfOrder = cause_value(Cause::DestinationOutOfOrder);
inline constexpr uint8_t kCauseNoCircuit = cause_value(Cause::NoCircuitAvailable);
inline constexpr uint8_t kCauseTemporaryFailure = cause_value(Cause::TemporaryFailure);
inline constexpr uint8_t kCauseResourceUnavailable = cause_value(Cause::ResourceUnavailable);
// Q.764 §2.1.12: hop counter exhausted
inline constexpr uint8_t kCauseExchangeRoutingError = cause_value(Cause::ExchangeRoutingError);
inline constexpr uint8_t kCauseProtocolError = cause_value(Cause::ProtocolError);
// Q.764 §2.11: a new call refused because this exchange is overloaded
inline constexpr uint8_t kCauseSwitchingEquipmentCongestion =
    cause_value(Cause::SwitchingEquipmentCongestion);

using msgs::address_digits;
using msgs::append_address;
} // namespace detail

using namespace detail;
using namespace isup_call;
using isup::MessageType;

// ---------------------------------------------------------------------------------------------
struct CallManager::TrunkGroup {
  CircuitGroup circuits;
  MediaGateway *media;
  std::unique_ptr<SupervisionAdapter> port;
  std::unique_ptr<CircuitSupervision> supervision;
  CircuitAccess access; // what an ISUP half on one of the circuits needs
  bool destination_available = true;
  bool reset_done = false; // its circuits were reset since start-up (destination_available())
  unsigned overlap_min_digits = 0; // 0: en bloc (see set_overlap)
  TrunkGroup(std::string name, uint32_t own, uint32_t dpc, Hunting h, MediaGateway &m)
      : circuits(std::move(name), own, dpc, h), media(&m) {}
};

// Circuit supervision of a trunk group: its messages and timers as every owner has them
// (ScheduledSupervisionPort), the calls on its circuits ended or repeated through CallManager.
class CallManager::SupervisionAdapter : public ScheduledSupervisionPort {
public:
  SupervisionAdapter(CallManager &m, TrunkGroup &tg)
      : ScheduledSupervisionPort(m.sched_, m.isup_, tg.circuits.dpc()), m_(m), tg_(tg) {}
  void release_call(uint32_t ref, uint16_t, uint8_t cause) override;
  void reattempt_call(uint32_t ref, uint16_t) override;
  // Q.764 §2.9.6, §2.12: maintenance is alerted (logged, counted, listed by `show alarms`)
  // until a procedure on the circuit completes.
  void maintenance_alert(uint16_t cic, const char *what) override {
    m_.alert(tg_, cic, what);
  }
  void maintenance_cleared(uint16_t cic) override { m_.alert_cleared(tg_, cic); }

private:
  void after_timer() override { m_.reap(); }
  CallManager &m_;
  TrunkGroup &tg_;
};

// ---------------------------------------------------------------------------------------------
// A call is two halves joined by a bridge, and this is the bridge: its ISUP half (IsupHalf, the
// circuit's Q.764 machine) and either its SIP half (SipHalf: the UAS of a call from SIP, the UAC
// of a call to SIP) — SIP⇄ISUP interworking, RFC 3398 and Q.1912.5 — or, for a transit call,
// a second ISUP half (Transit: ISUP⇄ISUP, Q.764 §2.1-2.3). Each half's machine decides its own
// side's messages; the bridge passes what one half reports to the other and builds the messages'
// contents (ISUP parameters, SDP, SIP-T bodies). The media connection is its child (MediaLeg).
struct CallManager::Call : IsupHalf::User, SipHalf::User {
  enum class Direction : uint8_t { SipToPstn, PstnToSip };
  CallManager &m;
  uint32_t ref;
  Direction dir;
  TrunkGroup *tg = nullptr;
  uint16_t cic = 0;
  // The PSTN half: incoming (PSTN -> SIP, and a transit call's first circuit) or outgoing
  // (SIP -> PSTN); none before a circuit is seized or once a lost one is given up.
  std::unique_ptr<IsupHalf> isup;
  // The SIP half: started by the INVITE (SIP -> PSTN) or when one is sent (PSTN -> SIP); never
  // for a transit call.
  SipHalf sip;
  // What only the setup of the call needs, gone once it is answered (a held call's memory is a
  // benchmark target): nothing after the answer re-attempts (Q.764 §2.9.1.4), sends a SAM,
  // analyses the address or offers SDP again.
  struct Setup {
    isup::Message iam_msg; // sent (SIP -> PSTN) or received (PSTN -> SIP)
    std::unique_ptr<isup::Message> encapsulated; // trusted IAM from the SIP-T INVITE
    std::string local_sdp, remote_sdp;
    RouteAttempts attempts; // the route's targets still to try, the causes of those that failed
    Scheduler::Id setup_timer = 0; // the route's setup timeout (route_advance.cpp)
    // A failed attempt is being let go before the next one (its circuit's RLC, its media).
    bool advancing = false;
    // The setup timer expired: no media answer or target may start anything any more.
    bool given_up = false;
    std::string routed_number;
    // SIP -> PSTN: what tells a later INVITE with more digits of this call (RFC 3578 §3.5)
    std::string sip_called, sip_from_tag;
    std::string sam_digits; // SIP -> PSTN: the digits of the SAM to send
    // A target was withheld for congestion at its destination (destination_state.h): when no
    // target takes the call, the cause is 42 rather than 34 (Q.764 §2.11, Q.850).
    bool withheld = false;
  };
  std::unique_ptr<Setup> setup_ = std::make_unique<Setup>();
  // The setup context; after the answer an empty one (what forget_iam() left before).
  Setup &su() {
    if (!setup_)
      setup_ = std::make_unique<Setup>();
    return *setup_;
  }
  const Setup &su() const {
    static const Setup kEmpty;
    return setup_ ? *setup_ : kEmpty;
  }
  // The circuit's endpoint toward the other half (RTP), a child of the call: it ends with it.
  MediaLeg media;
  std::unique_ptr<Transit> transit;         // PSTN -> PSTN: the outgoing ISUP half (transit.h)
  const isup::Message *from_pstn = nullptr; // the ISUP message being processed
  // answered: the call (either half)
  bool answered = false, isup_done = false, finished = false;
  bool routed = false;                      // PSTN -> SIP: the INVITE is decided
  // The continuity check loop (Q.764 §2.1.8). While it is being taken down the call's media
  // connection waits for it: a gateway may refuse a second connection on the endpoint until the
  // loop is gone (osmo-mgw does).
  std::unique_ptr<MediaLeg> loop; // made for the first check (most calls have none)
  bool in_loopback_request = false; // the gateway's answer may come before loopback() returns
  uint8_t release_cause = kCauseNormal, release_location = 0;
  CallRecord cdr;
  // Admission held (admission.h): the entity the call came from, the target it goes to, the
  // route it took; released as the call lets go of each, at the latest when it is destroyed.
  AdmissionSlot in_slot, out_slot, route_slot;

  Call(CallManager &mgr, uint32_t r, Direction d)
      : m(mgr), ref(r), dir(d), sip(mgr.sip_calls_, r, *this) {
    cdr.seizure = CallRecord::Clock::now();
    cdr.seq = ++m.cdr_seq_;
    cdr.direction = d == Direction::SipToPstn ? "sip-to-pstn" : "pstn-to-sip"; // or pstn-to-pstn
    ++m.calls_in_setup_;
  }
  ~Call() override {
    if (!answered)
      --m.calls_in_setup_;
    if (setup_ && setup_->setup_timer)
      m.sched_.stop(setup_->setup_timer);
  }
  Call(const Call &) = delete;
  Call &operator=(const Call &) = delete;
  // The call is answered: it no longer counts as in setup (an overload measure).
  void mark_answered() {
    if (!answered)
      --m.calls_in_setup_;
    if (!answered && m.cdr_)
      m.interim_.answered(ref, cdr.seq);
    answered = true;
    progressed();
  }
  // A backward message reached the caller (ACM, 18x, answer): the route advances no more and
  // its setup timer stops.
  void progressed() {
    if (cdr.progress == CallRecord::Clock::time_point{})
      cdr.progress = CallRecord::Clock::now(); // the end of the post-dial delay (E.721 §2)
    if (!setup_)
      return;
    setup_->attempts.progressed();
    m.stop_setup_timer(*this);
  }

  void process(const Event &e) {
    if (isup)
      isup->process(e);
  }
  // What names the call on its log lines: reference, trunk group and CIC, Call-ID.
  log::CallContext ctx() const {
    log::CallContext x;
    x.call_ref = ref;
    if (tg) {
      x.trunk_group = tg->circuits.name();
      x.cic = cic;
    }
    x.call_id = sip.call_id();
    return x;
  }
  bool outgoing() const { return isup && !isup->incoming(); }
  bool incoming() const { return isup && isup->incoming(); }
  const char *isup_state() const { return isup ? isup->state_name() : "none"; }
  // The PSTN half on circuit `k` of `g` (seized already under this call's reference).
  void start_isup(IsupHalf::Side side, TrunkGroup &g, uint16_t k) {
    tg = &g;
    cic = k;
    isup = std::make_unique<IsupHalf>(side, g.access, k, ref, m.sched_, m.cfg_.timers, *this);
  }
  void send(isup::Message msg) {
    msg.cic = cic;
    m.isup_.send(tg->circuits.dpc(), msg);
  }
  // A trusted ISUP message the SIP peer sent, of the wanted type, to relay instead of ours.
  std::optional<isup::Message> relay(IsupHalf &, MessageType t) override {
    // A transit exchange passes on an ANM that came before any ACM as the ANM it is (Q.764
    // §2.1.7); the incoming half, which has sent no ACM yet, takes it as its CON row.
    if (t == MessageType::Con && transit)
      if (auto anm = relay_message(MessageType::Anm))
        return anm;
    return relay_message(t);
  }
  std::optional<isup::Message> relay_message(MessageType t) {
    // a transit call passes on the message of its other circuit as it came (Q.764 §2.1-2.3)
    if (transit && transit->backward && transit->backward->type == t) {
      isup::Message msg = *transit->backward;
      transit->backward = nullptr;
      return msg;
    }
    return sip.relay(t);
  }
  // The body toward the SIP peer: SDP, and the ISUP message for a SIP-T/SIP-I peer.
  SipBody body(const std::string &sdp, const isup::Message *isup_msg) const {
    return sip.body(sdp, isup_msg);
  }
  void try_finish() {
    if (finished || !isup_done || !sip.done() || media.established() ||
        (transit && !transit->done()))
      return;
    finished = true;
    sip.forget_leg(); // a CANCEL may still be on its way: its answer is the user agent's
    cdr.release = CallRecord::Clock::now();
    MGC_LOGC(ctx(), Cc, Info, "released: cause %u (%.*s), location %u, by %s%s", release_cause,
             int(isup::cause_name(release_cause).size()), isup::cause_name(release_cause).data(),
             release_location, cdr.released_by == ReleasedBy::Unknown ? "gateway" : name_of(kReleasedByNames, cdr.released_by),
             cdr.answer ? ", after answer" : ", never answered");
    cdr.cause = release_cause;
    cdr.cause_location = release_location;
    cdr.sip_call_id = sip.call_id();
    if (m.cdr_)
      m.cdr_->write(cdr);
    m.statistics_.record(cdr, sip.peer().name);
    m.counters_.inc(CcCounter::released);
    m.finished_.push_back(ref);
  }
  void release_media() {
    if (!media.established())
      return;
    media.release();
    try_finish();
  }

  // ---- IsupHalf::User: what the circuit's messages carry
  std::optional<isup::Message> iam(IsupHalf &) override { return su().iam_msg; }
  std::optional<isup::Message> sam(IsupHalf &) override {
    m.counters_.inc(CcCounter::sams_out);
    return msgs::sam(cic, su().sam_digits, false);
  }
  void attach_check_loop(IsupHalf &) override;
  void detach_check_loop(IsupHalf &) override {
    if (loop)
      loop->release();
  }
  Address address(const IsupHalf &) const override {
    bool st = false, bad = false;
    const auto *cdpn = su().iam_msg.find<isup::CalledPartyNumber>();
    const std::string digits = cdpn ? address_digits(*cdpn, &st, &bad) : std::string();
    // An en-bloc trunk group, ST, or a number that cannot grow into a valid one: route now.
    if (st || bad || !tg || tg->overlap_min_digits == 0)
      return Address::Complete;
    if (const auto match = m.routing_.lookup(digits);
        match && match->route->digits && digits.size() >= match->route->digits)
      return Address::Complete; // number analysis (RFC 3578 §2.2)
    return digits.size() < tg->overlap_min_digits ? Address::Incomplete : Address::Sufficient;
  }
  void on_timer(IsupHalf &h, const Event &e) override {
    h.process(e);
    m.reap();
  }

  // ---- IsupHalf::User: what the ISUP half tells the call
  void on_setup(IsupHalf &) override { m.route_from_pstn(*this); }
  // PSTN -> SIP: the numbers as received so far, for the CDR and `show calls` (a call may end
  // before it is routed: T35, T8, continuity failure).
  void note_numbers() {
    if (const auto *cdpn = su().iam_msg.find<isup::CalledPartyNumber>())
      cdr.called = address_digits(*cdpn);
    if (const auto *cgpn = su().iam_msg.find<isup::CallingPartyNumber>())
      cdr.calling = std::string(cgpn->address_signals.str());
  }
  // RFC 3578 §2.2: once the INVITE is out, further SAMs are disregarded.
  // A transit call passes them on as SAMs (Q.764 §2.1.3).
  void on_more_digits(IsupHalf &) override {
    if (transit)
      m.transit_sam(*this);
    else
      m.counters_.inc(CcCounter::sams_disregarded);
  }
  // RFC 3398 §7.2.5/§7.2.6 ACM, §7.2.9 CPG: 180, or 183 with the media for in-band information.
  void on_alerting(IsupHalf &, bool in_band) override {
    progressed();
    sip.process(sip_call::EvProgressReq{in_band ? 183 : 180},
                body(in_band ? su().local_sdp : "", from_pstn));
  }
  void on_progress(IsupHalf &, bool in_band) override {
    if (transit && from_pstn) // a CPG from the preceding exchange once answered (Q.764 §2.1.5)
      transit->pass_on(*from_pstn);
    else if (answered)
      info_to_sip(); // a CPG after answer has no SIP mapping (RFC 3398 §7.2.9): SIP-T INFO only
    else
      sip.process(sip_call::EvProgressReq{183}, body(in_band ? su().local_sdp : "", from_pstn));
  }
  // Mid-call ISUP toward a SIP-T/SIP-I peer in INFO (RFC 3372 §5.4); plain SIP peers are not told
  // (RFC 3398 §9.1: not to a peer that has not used encapsulated ISUP).
  void info_to_sip() {
    if (from_pstn && sip.info(*from_pstn))
      m.counters_.inc(CcCounter::isup_to_info);
  }
  void on_answer(IsupHalf &) override { answer_from_pstn(); }
  void answer_from_pstn() {
    MGC_LOGC(ctx(), Cc, Info, "answered by the PSTN");
    mark_answered();
    cdr.answer = CallRecord::Clock::now();
    m.counters_.inc(CcCounter::answered);
    sip.process(sip_call::EvAnswerReq{}, body(su().local_sdp, from_pstn));
    forget_iam();
  }
  // Answered: no dual-seizure re-attempt (Q.764 §2.9.1.4), SAM or address analysis will need
  // the IAM again, and it is the largest part of an established call's state. The rest of the
  // setup's context goes too: the SDPs (the media gateway holds the media now), the INVITE's call
  // info (RFC 3578 §3.5 digits come before the answer only), the route's fallbacks and the body
  // of the answer just sent (a hang-up sets its own).
  void forget_iam() {
    setup_.reset();
    sip.forget_body();
    if (transit)
      std::string().swap(transit->called);
  }
  // RFC 3398 §9.1: SUS and RES reach SIP-T peers in INFO; media is left as it is.
  // A transit call passes SUS/RES on to the succeeding exchange (Q.764 §2.5.1, §2.5.2).
  void on_suspend(IsupHalf &, bool network) override {
    m.counters_.inc(CcCounter::suspends);
    if (transit)
      transit->forward_event(from_pstn, EvSuspendReq{network});
    else
      info_to_sip();
  }
  void on_resume(IsupHalf &, bool network) override {
    m.counters_.inc(CcCounter::resumes);
    if (transit)
      transit->forward_event(from_pstn, EvResumeReq{network});
    else
      info_to_sip();
  }
  void on_released(IsupHalf &, uint8_t cause, uint8_t location) override { isup_released(cause, location); }
  void isup_released(uint8_t cause, uint8_t location) {
    // A REL before any backward message on a call to the PSTN may give way to the route's next
    // target (route_advance.cpp); the caller hears nothing of it.
    if (dir == Direction::SipToPstn && outgoing() && from_pstn &&
        from_pstn->type == MessageType::Rel && m.advance_on_rel(*this, cause))
      return;
    if (dir == Direction::SipToPstn && outgoing())
      cause = m.final_cause(*this, cause);
    release_cause = cause;
    release_location = location;
    if (cdr.released_by == ReleasedBy::Unknown)
      cdr.released_by = from_pstn ? ReleasedBy::Pstn : ReleasedBy::Gateway;
    // RFC 3398 §7.2.4 (REL before the final response: the status of §7.2.4.1), §8.2.7 (CANCEL
    // before it), §10.2 (BYE after it): the SIP machine picks the message for its state.
    const SipFinal f = sip_final_for_cause(cause, static_cast<CauseLocation>(location));
    sip.process(sip_call::EvHangupReq{cause, f.status ? f.status : 480}, body("", from_pstn));
    // Q.764 §2.3.1 at a transit exchange: the REL goes on with its cause and location.
    if (transit)
      transit->release(cause, location, from_pstn);
  }
  void on_reattempt(IsupHalf &) override;
  // The ISUP half is over: the check loop goes, and a call that never reached SIP (continuity
  // failure, T35, T8 ...) has no SIP side to wait for.
  void isup_gone() {
    isup_done = true;
    if (isup)
      detach_check_loop(*isup);
    if (!sip.leg() && !routed)
      sip.no_leg();
  }
  void on_circuit_idle(IsupHalf &) override {
    if (setup_ && setup_->advancing) { // RLC sent for a failed attempt: the next one
      m.next_attempt_after_rel(*this);
      return;
    }
    isup_gone();
    release_media();
    try_finish();
  }
  void on_circuit_reset(IsupHalf &) override {
    m.alert(*tg, cic, "T5 expired: REL not answered, circuit reset (Q.764 §2.9.6)");
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
  void on_unexpected(IsupHalf &, const char *state, const char *event) override {
    m.counters_.inc(CcCounter::unexpected_events);
    MGC_LOGC(ctx(), Cc, Notice, "unexpected %s in ISUP state %s: ignored", event, state);
  }

  // ---- SipHalf::User: what the SIP half tells the call
  void on_provisional(SipHalf &, int status, bool early_media) override;
  void on_answered(SipHalf &) override;
  void on_failed(SipHalf &, int status, uint8_t cause, bool local) override;
  void on_cancelled(SipHalf &) override;
  void on_bye(SipHalf &, std::optional<uint8_t> cause) override;
  void on_over(SipHalf &) override { try_finish(); }
  void on_unexpected(SipHalf &, const char *machine, const char *state,
                     const char *event) override {
    m.counters_.inc(CcCounter::unexpected_sip_events);
    m.last_unexpected_sip_ = std::string(machine) + " " + state + " " + event;
    MGC_LOGC(ctx(), Cc, Notice, "unexpected %s in SIP %s state %s: ignored", event, machine,
             state);
  }
};

} // namespace mgc::cc
