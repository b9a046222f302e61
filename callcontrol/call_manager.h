// Call control of the tandem: joins an ISUP half (Q.764 machines on a circuit) and a SIP half
// (RFC 3261 UAS/UAC machines on a SipLeg, sip_call/) through the media gateway of the circuit's
// trunk group, per RFC 3398 and Q.1912.5 (DESIGN.md "A call, SIP to PSTN" and the reverse), or
// two ISUP halves on circuits of two trunk groups for a transit call (transit.h, Q.764). It
// owns the trunk groups (circuit state, supervision), the routing table and the calls; the
// adapters feed it decoded ISUP, SIP events and media notifications, all on the one event loop.
#pragma once

#include "callcontrol/admission.h"
#include "callcontrol/call_statistics.h"
#include "callcontrol/cause_map.h"
#include "callcontrol/cdr.h"
#include "callcontrol/cdr_interim.h"
#include "callcontrol/destination_state.h"
#include "callcontrol/circuit_group.h"
#include "callcontrol/circuit_supervision.h"
#include "callcontrol/interworking/iam_invite.h"
#include "callcontrol/isup_timers.h"
#include "callcontrol/media_gateway.h"
#include "callcontrol/route_attempts.h"
#include "callcontrol/routing.h"
#include "callcontrol/sip_peer_state.h"
#include "callcontrol/sides.h"
#include "core/counters.h"
#include "core/overload.h"

#include <functional>
#include <map>
#include <unordered_map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#define MGC_CC_COUNTERS(X)                                                                         \
  X(calls_from_sip) X(calls_from_pstn) X(answered) X(released) X(no_route) X(no_circuit)          \
  X(media_failures) X(dual_seizures) X(reattempts) X(unexpected_isup) X(unexpected_events)        \
  X(isup_for_idle_circuit) X(untrusted_isup_ignored) X(sip_peer_unavailable) X(unknown_circuit)   \
  X(overlap_sams_in) X(sams_disregarded) X(sams_out) X(overlap_reinvites) X(suspends)              \
  X(resumes) X(isup_to_info) X(isup_from_info) X(continuity_checks) X(continuity_failures)        \
  X(unexpected_sip_events) X(transit_calls) X(hop_counter_exhausted) X(shed_sip) X(shed_isup)    \
  X(shed_sip_late) X(shed_in_setup) X(session_offers) X(session_holds) X(session_offers_refused)  \
  X(session_answers) X(route_advances) X(route_attempts_exhausted) X(setup_timeouts)             \
  X(sip_redirects) X(targets_skipped) X(refused_admission_isup) X(refused_admission_sip) X(dry_up_blocks)         \
  X(dry_up_releases) X(session_expiries) X(interim_records)
MGC_DECLARE_COUNTERS(CcCounter, MGC_CC_COUNTERS)

namespace mgc::core {
class Alarms;
}

namespace mgc::cc {

struct CallManagerConfig {
  uint32_t own_point_code = 0;
  iw::InterworkingProfile interworking;
  IsupTimerValues timers;
};

class CallManager : public MediaGateway::Listener {
public:
  CallManager(CallManagerConfig cfg, Scheduler &sched, IsupSender &isup, SipSide &sip,
              CdrSink *cdr = nullptr);
  ~CallManager() override;

  // Configuration (from mgcd's config).
  CircuitGroup &add_trunk_group(const std::string &name, uint32_t dpc, Hunting hunting,
                                MediaGateway &media);
  // Overlap signalling on a trunk group (Q.764 §2.1.2, RFC 3578): incoming IAMs without ST are
  // completed by SAMs (T35 below `min_digits`, then T10 or the route's `digits`) and converted to
  // one en-bloc INVITE (RFC 3578 §2); a later INVITE of the same SIP call with more digits becomes
  // a SAM (§3.5). 0: the exchange signals en bloc (an IAM is complete; a later INVITE with more
  // digits releases the first IAM and sends a new one). False: no such trunk group.
  bool set_overlap(const std::string &trunk_group, unsigned min_digits);
  // Where Q.764 maintenance alerts and unexpected events are raised (DESIGN.md "Logging and
  // alarms"); none by default. The process owns the registry.
  void set_alarms(core::Alarms *alarms) { alarms_ = alarms; }
  void add_sip_peer(const SipPeer &peer);
  RoutingTable &routing() { return routing_; }

  // Live configuration (DESIGN.md "Live configuration"): changes applied while calls are up,
  // none of which ends a call.
  // The routing table is replaced; calls already routed keep the targets they were given.
  void set_routes(const std::vector<Route> &routes);
  // The SIP peers are replaced by name; a call keeps the peer it was set up with.
  void set_sip_peers(const std::vector<SipPeer> &peers);
  // Q.764 timer values: every timer started from now on (new calls, and the next timer of a
  // call up) runs with them.
  void set_timers(const IsupTimerValues &timers) { cfg_.timers = timers; }
  const IsupTimerValues &timers() const { return cfg_.timers; }
  // Circuits first..last brought into service on a trunk group: new ones are added and reset
  // (GRS, Q.764 §2.9.3.2; at once if the destination is available, else at MTP-RESUME); removed
  // ones come back and are unblocked (UBL). False: no such group.
  bool add_circuits(const std::string &trunk_group, uint16_t first, uint16_t last);
  // Circuits first..last taken out of a trunk group drain: each is maintenance-blocked at once
  // (BLO: Q.764 §2.8.2 leaves the call up on it alone, and no new call seizes it either way),
  // the calls up finish normally, and the circuits stay blocked until they are added again.
  // Returns how many circuits began to drain.
  std::size_t remove_circuits(const std::string &trunk_group, uint16_t first, uint16_t last);

  // SS7 side: a decoded ISUP message from `opc` (the adapter answers malformed ones itself).
  void isup_received(uint32_t opc, const isup::Message &msg);
  // Q.764 §2.9.5.3: whether this exchange is an intermediate one for the message (decoded as an
  // end node) on the circuit it names: the circuit's call passes ISUP on — to another circuit
  // (transit) or encapsulated to a SIP-T/SIP-I peer (RFC 3372 §5) — or, for an IAM, the route
  // of its called number leads there. The SS7 adapter then decodes the message as a transit
  // node, so that what it does not recognise travels on instead of being dropped.
  bool passes_on(uint32_t opc, const isup::Message &msg);
  // Q.764 §2.9.5 asked for the call on this circuit to be released with `cause` (the message
  // could not be used): the call's release procedure runs, or a lone REL goes out (an IAM that
  // never became a call).
  void release_circuit(uint32_t opc, uint16_t cic, uint8_t cause);
  // MTP-PAUSE / MTP-RESUME for a destination (Q.764 §2.13? via Q.704): calls toward it fail;
  // on resume the circuits are reset with GRS (Q.764 §2.9.3.2 after a signalling failure).
  void destination_unavailable(uint32_t dpc);
  void destination_available(uint32_t dpc);
  // Start-up: GRS on every trunk group (Q.764 §2.9.3.2).
  void reset_all_circuits();
  // Signalling destinations: congestion (ACL, MTP-STATUS), user part availability, MTP-PAUSE
  // (destination_state.h); the SS7 adapter reports MTP-STATUS here.
  DestinationStates &destinations() { return destinations_; }
  const DestinationStates &destinations() const { return destinations_; }
  // SIP peers out of routing for a while (503 with Retry-After, sip_peer_state.h).
  const SipPeerStates &sip_peer_states() const { return peer_states_; }
  // The SIP peers' keepalive verdicts (gateway/mgcd/sip_peer_health.h) go here.
  SipPeerStates &sip_peer_states() { return peer_states_; }

  // SIP side.
  void sip_invite(SipLeg &leg, const SipPeer &from, const iw::SipCallInfo &info,
                  const SipBody &body);
  void sip_provisional(SipLeg &leg, int status, const SipBody &body);
  void sip_answered(SipLeg &leg, const SipBody &body);
  // `local`: no response came (Timer B, transport error): the gateway gave up (RFC 3261 §8.1.3.1).
  // `retry_after_s`: a 503's Retry-After (RFC 3261 §21.5.4): the peer takes no new call so long.
  void sip_failed(SipLeg &leg, int status, std::optional<uint8_t> q850, bool local = false,
                  std::optional<uint32_t> retry_after_s = std::nullopt);
  void sip_cancelled(SipLeg &leg);
  // A BYE; a trusted SIP-T/SIP-I peer's body carries the REL to relay (RFC 3372 §5).
  void sip_bye(SipLeg &leg, std::optional<uint8_t> q850, const SipBody &body = {});
  // The user agent ended the leg's SIP call by itself (no ACK for the 2xx, RFC 3261 §13.3.1.4; a
  // transport failure): a call that still had the leg is released as for a BYE with `cause`.
  void sip_lost(SipLeg &leg, uint8_t cause);
  // The SIP side follows a 3xx to `target` (RFC 3261 §8.1.3.4; redirect.cpp): kept for the CDR.
  void sip_redirected(SipLeg &leg, int status, const std::string &target);
  // RFC 4028 §10: the leg's session expired without a refresh; its user agent sent BYE
  // (session_expiry.cpp).
  void sip_session_expired(SipLeg &leg);
  // INFO within the leg's dialog (RFC 6086): from a trusted SIP-T/SIP-I peer its ISUP body is the
  // mid-call message to pass on (SUS/RES through the half-call machine, others as they are).
  void sip_info(SipLeg &leg, const SipBody &body);
  // RFC 3264 §8 within the leg's dialog (session_modify.cpp): the peer's offer in a re-INVITE
  // or UPDATE, `mode` the connection it asks of us (hold: recvonly or inactive, RFC 3264 §8.4),
  // goes to the media gateway (MDCX / Modify) and is answered through SipLeg::answer_offer once
  // the gateway took it; `remote_sdp` empty: a re-INVITE without an offer, answered with ours.
  // sip_answer: the answer to that offer (in the ACK) goes to the gateway.
  void sip_offer(SipLeg &leg, const std::string &remote_sdp, MediaMode mode);
  void sip_answer(SipLeg &leg, const std::string &remote_sdp, MediaMode mode);

  // MediaGateway::Listener
  void on_media_lost(MediaGateway::Handle h) override;
  void on_gateway_restart(std::string_view gateway) override;

  // Management (VTY: show calls, block/unblock/reset, release call).
  struct CallSummary {
    uint32_t ref;
    std::string direction, trunk_group, isup_state, calling, called, sip_call_id;
    uint16_t cic;
    bool answered;
    std::string sip_state; // the SIP half-call machine's state ("none" before the INVITE)
    // A transit call's outgoing circuit and its machine's state (out_trunk_group empty: none).
    std::string out_trunk_group, out_isup_state;
    uint16_t out_cic = 0;
  };
  std::vector<CallSummary> calls() const;
  bool release_call(uint32_t ref, uint8_t cause = 16);
  // Runs a maintenance procedure on a trunk group's circuits (the VTY's block/unblock/reset),
  // then lets go of the calls it ended. False: no such trunk group, or the procedure refused.
  bool maintain(const std::string &trunk_group,
                const std::function<bool(CircuitSupervision &)> &procedure);
  CircuitGroup *trunk_group(const std::string &name);
  // Every trunk group in the order added (those taken out of the configuration too, while their
  // circuits drain or stay blocked).
  std::vector<CircuitGroup *> trunk_groups();
  CircuitSupervision *supervision(const std::string &name);
  const CounterSet<CcCounter> &counters() const { return counters_; }
  // ASR/NER/ACD counts per trunk group and SIP peer, setup and post-dial delay (issue 18).
  const CallStatistics &statistics() const { return statistics_; }
  // The last event a SIP half-call machine had no row for: "machine state event".
  const std::string &last_unexpected_sip() const { return last_unexpected_sip_; }
  std::size_t active_calls() const { return calls_.size(); }

  // Overload (DESIGN.md "Overload"): the machine congestion level (0-3, core/overload.h) decides
  // which new calls start: all at 0, then at each level the share the policy refuses (by
  // default three in four admitted at 1, one in four at 2, none at 3), spread evenly over the
  // arrivals. Calls in progress and answered calls are never shed, nor any message of theirs
  // (BYE, CANCEL, ACK, REL, RLC, maintenance).
  void set_congestion_level(unsigned level);
  unsigned congestion_level() const { return congestion_level_; }
  void set_shed_policy(const core::ShedPolicy &p) { shed_policy_ = p; }
  // Interim records every interval of an answered call (cdr_interim.h); 0: none. Live.
  void set_interim_interval_ms(int64_t ms) { interim_.set_interval_ms(ms); }
  const core::ShedPolicy &shed_policy() const { return shed_policy_; }
  // How long a SIP peer refused now is asked to wait before it tries again (s; level 1's at
  // level 0, when a request is refused for having waited too long).
  uint32_t retry_after() const {
    return shed_policy_.retry_after_s[congestion_level_ ? congestion_level_ - 1 : 0];
  }
  // Told of every message read with how long it waited unread (-1: unknown): whether the queue
  // stands above ShedPolicy::max_queued_ms (core::StandingQueue), so that a new call is too late
  // to start.
  bool waited_too_long(double queued_ms) {
    return shed_policy_.max_queued_ms &&
           queue_.standing(queued_ms, sched_.now_ms(), shed_policy_.max_queued_ms);
  }
  // Whether as many calls are in setup as the policy allows (ShedPolicy::max_in_setup).
  bool at_setup_limit() const {
    return shed_policy_.max_in_setup && calls_in_setup_ >= shed_policy_.max_in_setup;
  }
  // Whether a new call from SIP may start now; `late`: its INVITE was read while the queue stood
  // (waited_too_long, asked once per message by the SIP side). The SIP side refuses it with 503
  // and Retry-After before any transaction exists if not. Counts the refusal.
  bool admit_sip_call(bool late = false);
  std::size_t calls_in_setup() const { return calls_in_setup_; }

  // Call admission (issue 15 item 4, admission.h; dry_up.cpp): limits per trunk group, SIP peer
  // (by name) and route (by prefix; from the Route itself, set_routes), in force for calls
  // admitted from now on. A trunk group's or peer's are kept across reconfiguration.
  void set_trunk_group_admission(const std::string &name, const AdmissionLimits &l);
  void set_sip_peer_admission(const std::string &name, const AdmissionLimits &l);
  enum class EntityKind : uint8_t { TrunkGroup, SipPeer, Route };
  const Admission *admission(EntityKind kind, const std::string &name) const;
  const AdmissionTable &admissions(EntityKind kind) const;
  // Whether a new INVITE from `peer` for `called` would be admitted now (the SIP side refuses
  // it before any transaction exists if not: 503 with Retry-After, or 403 for a barred
  // direction). Nothing is taken: the call takes its admission when it starts (sip_invite).
  struct InviteCheck {
    Refusal refusal = Refusal::None;
    uint32_t retry_after_s = 0;
    // The peer may not call at all (its direction): 403 rather than 503.
    bool forbidden = false;
    std::string what; // "sip peer NAME" / "route PREFIX" / "every trunk group of route PREFIX"
  };
  InviteCheck check_invite(const std::string &peer, std::string_view called);
  // Whether any SIP peer, route or trunk group has limits or is shut down (else the SIP side
  // checks nothing).
  bool sip_admission_configured() const { return sip_admission_configured_; }

  // Dry-up (issue 15 item 6): a trunk group or SIP peer shut down takes no new call (routes skip
  // it, calls from it are refused as for its limits); the calls up finish. A trunk group's
  // circuits are then blocked with CGB (maintenance, Q.764 §2.8.2) once its last call ended, or
  // after `release_after_ms` (0: never) the calls still up are released (cause 31) first.
  // `no shutdown` unblocks them (CGU). False: no such trunk group.
  bool shutdown_trunk_group(const std::string &name, bool shut, uint32_t release_after_ms = 0);
  void shutdown_sip_peer(const std::string &name, bool shut);
  // "in service", "draining (N calls)", "shut down (circuits blocked)"
  std::string dry_up_state(const std::string &trunk_group) const;

private:
  struct Call;
  struct TrunkGroup;
  struct Transit;
  class SupervisionAdapter;
  friend struct Call;
  friend struct Transit;

  TrunkGroup *group_for(uint32_t dpc, uint16_t cic);
  // Circuit hunting's one question before seizing on `g` for a new call: its destination is
  // accessible and neither its user part nor congestion withholds the call (destination_state.h).
  bool may_seize(TrunkGroup &g, Call &c);
  TrunkGroup *group_named(std::string_view name);
  Call *call_on(TrunkGroup &tg, uint16_t cic);
  Call *call_of(const SipLeg &leg);
  bool more_digits_from_sip(SipLeg &leg, const iw::SipCallInfo &info);
  void start_outgoing(Call &c);
  // route_advance.cpp: the attempts of a call over its route (route_attempts.h).
  RouteAttempts plan_route(const Route &route, bool from_sip);
  // Hunting on one target of a route: the trunk group it names, if it is usable for a new
  // outgoing call (destination available, admitted: direction, dry-up, limits), and a circuit
  // seized on it for call `c` (its admission slot taken). Null: the target is skipped (busy).
  Circuit *hunt_circuit(Call &c, const RouteTarget &t, TrunkGroup *&group);
  // The next target of a call from the PSTN (transit or SIP); REL with the prevailing cause when
  // none is left.
  void route_from_pstn_next(Call &c);
  void invite_peer(Call &c);
  // A failed attempt gives way to the next target (true) or ends the call (false).
  bool advance_on_rel(Call &c, uint8_t cause);
  bool advance_on_sip_failure(Call &c, int status, uint8_t cause, bool local);
  bool advance_transit(Call &c, uint8_t cause);
  // The last attempt failed and the call ends: the cause the caller gets, of highest precedence
  // among every attempt's (route_attempts.h); counted when earlier attempts had failed.
  uint8_t final_cause(Call &c, uint8_t cause);
  // The failed attempt's circuit is idle again (RLC sent): its media goes, the next target.
  void next_attempt_after_rel(Call &c);
  void start_setup_timer(Call &c, const Route &r);
  void stop_setup_timer(Call &c);
  void setup_timer_expired(Call &c);
  // dry_up.cpp
  Admission &admission_of(TrunkGroup &g);
  void check_dry_up();
  void dry_up_timeout(const std::string &name);
  void sam_received(Call &c, const isup::Message &msg);
  void connect_media_then(Call &c, const std::string &remote_sdp, std::function<void()> next);
  void route_from_pstn(Call &c);
  // PSTN -> PSTN (transit.cpp). A circuit on the trunk group `target` names, for the call (its
  // routed number): the transit half is made and the media joined; false if the group is
  // skipped (none free, not admitted).
  bool transit_to(Call &c, const RouteTarget &target);
  void join_transit_media(Call &c);
  // RFC 3264 §8 (session_modify.cpp): the media gateway takes an offer or answer from SIP.
  void modify_for_offer(Call &c, MediaMode mode, const std::string &remote_sdp);
  void modify_for_answer(Call &c, MediaMode mode, const std::string &remote_sdp);
  void transit_reattempt(Call &c);
  // Work for call `ref` that must wait until the current event is handled (reap() runs it, if
  // the call is still there): the one place a call is looked up to learn whether it lives on.
  void defer(uint32_t ref, std::function<void(Call &)> work);
  void transit_received(Call &c, TrunkGroup &tg, const isup::Message &msg);
  void transit_sam(Call &c);
  void reap();
  // A Q.764 maintenance alert on a circuit (alarm "isup.GROUP.cicN", logged) and its end.
  void alert(TrunkGroup &tg, uint16_t cic, std::string_view what);
  void alert_cleared(TrunkGroup &tg, uint16_t cic);

  CallManagerConfig cfg_;
  Scheduler &sched_;
  IsupSender &isup_;
  SipSide &sip_;
  CdrSink *cdr_;
  uint64_t cdr_seq_ = 0; // the last call's CallRecord::seq
  CallStatistics statistics_;
  core::Alarms *alarms_ = nullptr;
  RoutingTable routing_;
  std::vector<std::unique_ptr<TrunkGroup>> groups_;
  std::map<std::string, SipPeer> peers_;
  // The calls with a SIP leg, by the leg's Call-ID: every SIP event names its leg and an INVITE
  // with more digits names its Call-ID, so each finds its call in one lookup instead of a scan
  // over every call (which made each SIP message cost O(calls up)). Keys are views of each SIP
  // half's Call-ID (its one copy in call control); declared before the calls, whose halves
  // unregister from it as they go.
  std::unordered_multimap<std::string_view, uint32_t> sip_calls_;
  // Admission by entity name (trunk groups, SIP peers, routes by prefix): declared before the
  // calls, whose slots release into them as they go.
  AdmissionTable tg_admission_, peer_admission_, route_admission_;
  std::map<uint32_t, std::unique_ptr<Call>> calls_;
  std::vector<uint32_t> finished_;
  // Work that must not run inside a state machine's transition (it would destroy or restart the
  // machine that is executing): run by reap() once the event has been handled.
  std::vector<std::function<void()>> deferred_;
  uint32_t next_ref_ = 1;
  bool admit(); // the congestion level's share of new calls
  std::size_t calls_in_setup_ = 0; // calls not answered yet
  unsigned congestion_level_ = 0;
  core::ShedPolicy shed_policy_;
  core::ShareGate shed_gate_; // spreads the refusals evenly over the arrivals
  core::StandingQueue queue_; // how long what is read waited, for the queued-over rule
  CounterSet<CcCounter> counters_;
  std::string last_unexpected_sip_;
  DestinationStates destinations_{sched_, cfg_.timers, isup_};
  SipPeerStates peer_states_{sched_};
  // The weighted first choice of each route (by prefix; reset when the routes are replaced).
  std::map<std::string, WeightedChoice> choices_;
  // Interim records of answered calls (cdr_interim.h); stopped before the calls go.
  CdrInterim interim_{sched_, [this](uint32_t ref, uint64_t seq) { return write_interim(ref, seq); }};
  bool write_interim(uint32_t ref, uint64_t seq);
  // Trunk groups shut down: when their calls are to be released (0: never), and whether their
  // circuits are blocked already.
  struct DryUp {
    Scheduler::Id timer = 0;
    bool blocked = false;
  };
  std::map<std::string, DryUp> dry_ups_;
  bool sip_admission_configured_ = false;
  void note_sip_admission();
};

} // namespace mgc::cc
