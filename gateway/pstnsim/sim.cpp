#include "gateway/pstnsim/sim.h"

#include "callcontrol/isup_call/message_event.h"
#include "callcontrol/isup_half.h"
#include "callcontrol/isup_messages.h"
#include "isup/catalogue.h"
#include "isup/cause.h"
#include "isup/codec.h"

#include <algorithm>
#include <cstdio>

namespace mgc::pstnsim {

using namespace cc::isup_call;
using cc::IsupTimer;
using isup::MessageType;

namespace {
using isup::Cause;
using isup::cause_value;
constexpr uint8_t kLocationPublicLocal =
    isup::location_value(isup::CauseLocation::PublicNetworkLocalUser);
constexpr uint8_t kCauseNormal = cause_value(Cause::NormalCallClearing);
// Q.764 §2.1.2.2: T35 expiry, address incomplete
constexpr uint8_t kCauseInvalidNumberFormat = cause_value(Cause::InvalidNumberFormat);
constexpr uint8_t kCauseTemporaryFailure = cause_value(Cause::TemporaryFailure);
constexpr uint8_t kCauseUserBusy = cause_value(Cause::UserBusy);
constexpr uint8_t kCpcOrdinary = 10;              // Q.763 §3.11: ordinary calling subscriber
constexpr uint8_t kTmrSpeech31kHz = 3;            // Q.763 §3.54: 3.1 kHz audio
constexpr uint8_t kNaiInternational = 4;          // Q.763 §3.9 c)
constexpr uint8_t kScreeningNetworkProvided = 3;  // Q.763 §3.10 f)
constexpr uint8_t kContinuityRequired = 1; // Q.763 §3.35: continuity check required on this circuit
constexpr std::size_t kMaintenanceLogCap = 200;

std::string acronym(MessageType t) {
  const auto a = isup::message_acronym(static_cast<uint8_t>(t));
  if (a.empty()) {
    char b[8];
    std::snprintf(b, sizeof b, "0x%02x", static_cast<unsigned>(t));
    return b;
  }
  return std::string(a);
}

// Circuit supervision messages (Q.764 §2.8, §2.9.3, §2.12): each one is a maintenance event.
bool is_maintenance(MessageType t) {
  switch (t) {
  case MessageType::Blo: case MessageType::Bla: case MessageType::Ubl: case MessageType::Uba:
  case MessageType::Rsc: case MessageType::Grs: case MessageType::Gra: case MessageType::Cgb:
  case MessageType::Cgba: case MessageType::Cgu: case MessageType::Cgua: case MessageType::Cqm:
  case MessageType::Cqr: case MessageType::Ucic:
    return true;
  default:
    return false;
  }
}

template <typename N> N number(std::string_view digits, uint8_t nai) {
  N n;
  n.nature_of_address_indicator = nai;
  n.numbering_plan_indicator = 1; // ISDN/telephony, E.164 (Q.763 §3.9 d)
  n.address_signals.assign(digits);
  return n;
}
} // namespace

const char *rule_action_name(RuleAction a) {
  static const char *n[] = {"answer", "busy", "no-answer", "release", "silent"};
  return n[static_cast<int>(a)];
}

// ---------------------------------------------------------------------------------------------
// The MTP side as the halves and supervision see it: every message goes through Sim::send (the
// summary, the log and the trace), then to the gateway.
class Sim::Wire : public cc::IsupSender {
public:
  explicit Wire(Sim &s) : s_(s) {}
  void send(uint32_t, const isup::Message &msg) override { s_.send(msg); }

private:
  Sim &s_;
};

class Sim::Supervision : public cc::ScheduledSupervisionPort {
public:
  explicit Supervision(Sim &s) : ScheduledSupervisionPort(s.sched_, *s.wire_, s.cfg_.dpc), s_(s) {}
  void release_call(uint32_t ref, uint16_t cic, uint8_t cause) override;
  void reattempt_call(uint32_t ref, uint16_t) override;
  void maintenance_alert(uint16_t cic, const char *what) override {
    s_.maintenance("alert cic " + std::to_string(cic) + ": " + what);
  }

private:
  void after_timer() override { s_.reap(); }
  Sim &s_;
};

// ---------------------------------------------------------------------------------------------
// A call of the simulated exchange: call control's ISUP half on one of its circuits, driven by
// the rules (incoming) or the originate settings (outgoing) instead of a SIP side.
struct Sim::Call : cc::IsupHalf::User {
  Sim &s;
  uint32_t ref;
  uint16_t cic;
  bool outgoing;
  std::unique_ptr<cc::IsupHalf> half;
  std::string called, calling, sam_rest;
  bool end_of_pulsing = false;
  const Rule *rule = nullptr;
  bool rule_applied = false, answered = false, finished = false;
  uint8_t cause = kCauseNormal;
  std::vector<cc::Scheduler::Id> actions; // scheduled rule steps (answer, hang up ...)
  cc::Scheduler::Id t35 = 0; // overlap collection by the rules (Q.764 §2.1.2.2)
  isup::Message iam_msg;

  Call(Sim &sim, uint32_t r, uint16_t c, bool o)
      : s(sim), ref(r), cic(c), outgoing(o),
        half(std::make_unique<cc::IsupHalf>(o ? cc::IsupHalf::Side::Outgoing
                                              : cc::IsupHalf::Side::Incoming,
                                            sim.access_, c, r, sim.sched_, sim.cfg_.timers,
                                            *this)) {}
  ~Call() override { stop_all(); }

  void stop_t35() {
    if (t35)
      s.sched_.stop(t35);
    t35 = 0;
  }
  void stop_all() {
    stop_t35();
    half->stop_timers();
    for (auto id : actions)
      s.sched_.stop(id);
    actions.clear();
  }
  const char *state() const { return half->state_name(); }

  void process(const Event &e) {
    if (finished)
      return;
    half->process(e);
    if (!finished && half->released()) {
      // Some terminal rows (REL crossing our REL) end without telling the circuit: it is idle.
      const cc::Circuit *c = s.group_.find(cic);
      if (c && c->call_ref == ref && c->call != cc::CircuitCall::Resetting)
        s.group_.idle(cic);
      finish();
    }
  }
  // Runs `f` after `ms` unless the call ends first.
  void later(uint32_t ms, std::function<void(Call &)> f) {
    const uint32_t r = ref;
    Sim &sim = s;
    actions.push_back(s.sched_.start(ms, [&sim, r, f] {
      auto it = sim.calls_.find(r);
      if (it != sim.calls_.end() && !it->second->finished)
        f(*it->second);
      sim.reap();
    }));
  }
  void release(uint8_t c) {
    cause = c;
    process(EvReleaseReq{c, kLocationPublicLocal});
  }
  void finish() {
    if (finished)
      return;
    finished = true;
    stop_all();
    if (outgoing) {
      ++s.sum_.released_outgoing[cause];
      if (s.orig_started_)
        s.sum_.originate_span_ms = s.sched_.now_ms() - s.orig_start_ms_;
      const auto &ok = s.orig_.expect_causes;
      if (std::find(ok.begin(), ok.end(), cause) == ok.end())
        ++s.sum_.calls_failed;
    } else {
      ++s.sum_.released_incoming[cause];
    }
    s.finished_.push_back(ref);
  }

  // ---- IsupHalf::User: what the messages carry
  std::optional<isup::Message> iam(cc::IsupHalf &) override { return iam_msg; }
  // A rule's refusal with an automatic congestion level: the REL carries it (Q.764 §2.11).
  std::optional<isup::Message> relay(cc::IsupHalf &, isup::MessageType t) override {
    if (rule)
      if (auto it = rule->messages.find(t); it != rule->messages.end())
        if (auto m = s.octets_message(it->second, cic))
          return m;
    if (t != isup::MessageType::Rel || !rule || rule->action != RuleAction::Release || !rule->acl ||
        cause != rule->cause)
      return std::nullopt;
    isup::Message rel = cc::msgs::rel(cic, cause, kLocationPublicLocal);
    isup::AutomaticCongestionLevel acl;
    acl.value = rule->acl;
    rel.add(acl, isup::Part::Optional);
    return rel;
  }
  std::optional<isup::Message> sam(cc::IsupHalf &) override {
    return cc::msgs::sam(cic, sam_rest, true);
  }
  // No media here: the loop is counted, and the COT the far end sends decides the check.
  void attach_check_loop(cc::IsupHalf &) override { ++s.sum_.continuity_loops; }
  // The rules collect overlap digits themselves (apply_rule, T35 there): every IAM is taken.
  void on_timer(cc::IsupHalf &, const Event &e) override {
    process(e);
    s.reap();
  }

  // ---- IsupHalf::User: what the half-call tells its owner
  void on_setup(cc::IsupHalf &) override { s.apply_rule(*this); }
  void on_more_digits(cc::IsupHalf &) override { s.apply_rule(*this); }
  void on_answer(cc::IsupHalf &) override {
    answered = true;
    ++s.sum_.calls_answered;
    if (outgoing && s.orig_.hold_ms)
      later(s.orig_.hold_ms, [](Call &c) { c.release(kCauseNormal); });
  }
  void on_released(cc::IsupHalf &, uint8_t c, uint8_t) override { cause = c; }
  void on_reattempt(cc::IsupHalf &) override {
    // Q.764 §2.9.1.4: the call is repeated on another circuit; this one now carries theirs (or
    // was reset by the half, if it was blocked or unequipped at the far end).
    ++s.sum_.calls_reattempted;
    finished = true; // not a released call: no cause counted
    stop_all();
    s.finished_.push_back(ref);
    Sim &sim = s;
    sim.sched_.start(0, [&sim] {
      sim.originate_one();
      sim.reap();
    });
  }
  void on_circuit_idle(cc::IsupHalf &) override { finish(); }
  void on_circuit_reset(cc::IsupHalf &) override {
    s.group_.set_call_state(cic, cc::CircuitCall::Resetting);
  }
  void on_unexpected(cc::IsupHalf &, const char *st, const char *ev) override {
    s.unexpected(std::string(st) + ":" + ev);
  }
};

void Sim::Supervision::release_call(uint32_t ref, uint16_t, uint8_t cause) {
  auto it = s_.calls_.find(ref);
  if (it == s_.calls_.end())
    return;
  // Reset or hardware blocking took the circuit: the call is gone without REL/RLC.
  it->second->cause = cause;
  it->second->finish();
}

void Sim::Supervision::reattempt_call(uint32_t ref, uint16_t) {
  auto it = s_.calls_.find(ref);
  if (it != s_.calls_.end() && it->second->outgoing)
    it->second->process(EvDualSeizureLost{});
}

// ---------------------------------------------------------------------------------------------
Sim::Sim(SimConfig cfg, cc::Scheduler &sched, cc::IsupSender &out)
    : cfg_(std::move(cfg)), sched_(sched), out_(out),
      group_("pstn", cfg_.own_pc, cfg_.dpc, cfg_.hunting) {
  for (auto [a, b] : cfg_.cic_ranges)
    group_.add_range(a, b);
  wire_ = std::make_unique<Wire>(*this);
  sup_port_ = std::make_unique<Supervision>(*this);
  sup_ = std::make_unique<cc::CircuitSupervision>(group_, *sup_port_, cfg_.timers);
  sup_port_->attach(*sup_);
  access_ = cc::CircuitAccess{&group_, sup_.get(), wire_.get()};
}

Sim::~Sim() {
  if (orig_timer_)
    sched_.stop(orig_timer_);
  calls_.clear();
  sup_.reset();
  sup_port_.reset();
}

void Sim::log_msg(char dir, const isup::Message &m) {
  if (trace_)
    trace_(dir, m);
  if (!cfg_.log_messages || !log_)
    return;
  std::string l = dir == '>' ? "ISUP tx " : "ISUP rx ";
  l += "cic " + std::to_string(m.cic) + " " + acronym(m.type);
  if (const auto *n = m.find<isup::CalledPartyNumber>())
    l += " called " + std::string(n->address_signals.str()) + " nai " +
         std::to_string(n->nature_of_address_indicator);
  if (const auto *n = m.find<isup::CallingPartyNumber>())
    l += " calling " + std::string(n->address_signals.str());
  if (const auto *n = m.find<isup::SubsequentNumber>())
    l += " digits " + std::string(n->address_signals.str());
  if (const auto *c = m.find<isup::CauseIndicators>())
    l += " cause " + std::to_string(c->cause_value) + " location " + std::to_string(c->location);
  if (const auto *e = m.find<isup::EventInformation>())
    l += " event " + std::to_string(e->event_indicator);
  if (const auto *o = m.find<isup::OptionalBackwardCallIndicators>(); o && o->in_band_information_indicator)
    l += " in-band";
  if (const auto *r = m.find<isup::RangeAndStatus>())
    l += " range " + std::to_string(r->range);
  if (const auto *g = m.find<isup::CircuitGroupSupervisionMessageType>())
    l += g->type_indicator ? " hardware" : " maintenance";
  log_(l);
}

void Sim::maintenance(std::string what) {
  ++sum_.maintenance_events;
  if (sum_.maintenance.size() < kMaintenanceLogCap)
    sum_.maintenance.push_back(what);
  if (log_)
    log_("MAINT " + what);
}

void Sim::unexpected(std::string what) {
  ++sum_.unexpected[what];
  if (log_)
    log_("UNEXPECTED " + what);
}

void Sim::send(isup::Message msg) {
  ++sum_.sent[acronym(msg.type)];
  log_msg('>', msg);
  if (is_maintenance(msg.type)) {
    std::string e = "tx " + acronym(msg.type) + " cic " + std::to_string(msg.cic);
    if (const auto *r = msg.find<isup::RangeAndStatus>())
      e += " range " + std::to_string(r->range);
    if (const auto *g = msg.find<isup::CircuitGroupSupervisionMessageType>())
      e += g->type_indicator ? " hardware" : " maintenance";
    maintenance(std::move(e));
  }
  out_.send(cfg_.dpc, msg);
}

void Sim::send_cfn(uint16_t cic, uint8_t cause, std::span<const uint8_t> diagnostic) {
  isup::Message cfn;
  cfn.type = MessageType::Cfn;
  cfn.cic = cic;
  isup::CauseIndicators c;
  c.location = kLocationPublicLocal;
  c.cause_value = cause;
  c.diagnostics.assign(diagnostic);
  cfn.add(c, isup::Part::MandatoryVariable);
  send(std::move(cfn));
}

void Sim::receive_octets(uint32_t opc, std::span<const uint8_t> octets) {
  isup::DecodeOptions o;
  o.variant = cfg_.variant;
  const isup::DecodeResult r = isup::decode(octets, o, rx_);
  if (r.action != isup::Action::Process || !r.status.ok())
    receive_malformed(isup::reason_detail(r.reason));
  switch (r.action) {
  case isup::Action::DiscardMessage:
  case isup::Action::PassOn: // an end node does not pass on (Q.764 §2.9.5.3)
    return;
  case isup::Action::DiscardAndNotify:
    send_cfn(rx_.cic, r.cause, r.diagnostic.span());
    return;
  case isup::Action::ReleaseCall:
    // Q.764 §2.9.5: the call on the circuit is released with the codec's cause.
    if (r.reason == isup::DecodeReason::truncated_header)
      return;
    if (Call *c = call_on(rx_.cic)) {
      c->release(r.cause);
      reap();
    }
    return;
  case isup::Action::ProcessAndNotify:
  case isup::Action::Process:
    for (std::size_t i = 0; i < r.discard_parameters.size(); ++i)
      rx_.remove(r.discard_parameters[i]);
    receive(opc, rx_);
    if (r.action == isup::Action::ProcessAndNotify)
      send_cfn(rx_.cic, r.cause, r.diagnostic.span());
    return;
  }
}

void Sim::receive_malformed(std::string_view why) {
  ++sum_.malformed;
  unexpected("malformed:" + std::string(why));
}

Sim::Call *Sim::call_on(uint16_t cic) {
  const cc::Circuit *c = group_.find(cic);
  if (!c || !c->call_ref)
    return nullptr;
  auto it = calls_.find(c->call_ref);
  return it == calls_.end() || it->second->finished ? nullptr : it->second.get();
}

void Sim::reap() {
  for (uint32_t r : finished_)
    calls_.erase(r);
  finished_.clear();
}

void Sim::receive(uint32_t opc, const isup::Message &msg) {
  ++sum_.received[acronym(msg.type)];
  log_msg('<', msg);
  if (opc != cfg_.dpc)
    unexpected("opc-" + std::to_string(opc));
  if (is_maintenance(msg.type)) {
    std::string e = "rx " + acronym(msg.type) + " cic " + std::to_string(msg.cic);
    if (const auto *r = msg.find<isup::RangeAndStatus>())
      e += " range " + std::to_string(r->range);
    if (const auto *g = msg.find<isup::CircuitGroupSupervisionMessageType>())
      e += g->type_indicator ? " hardware" : " maintenance";
    maintenance(std::move(e));
  }
  if (msg.type == MessageType::Upt) {
    // Q.764 §2.13: this user part is available: a user part test is answered with UPA.
    isup::Message upa;
    upa.type = MessageType::Upa;
    upa.cic = msg.cic;
    send(upa);
    return;
  }
  if (!group_.find(msg.cic)) {
    // Q.764 §2.12: a CIC this exchange does not have is answered with UCIC (never UCIC itself).
    unexpected("unknown-cic");
    if (msg.type != MessageType::Ucic) {
      isup::Message u;
      u.type = MessageType::Ucic;
      u.cic = msg.cic;
      send(u);
    }
    return;
  }
  Call *c = call_on(msg.cic);
  const auto cls = cc::msgs::classify(msg.type);
  if (cls == cc::msgs::Classified::Supervision || (msg.type == MessageType::Rsc && !c)) {
    sup_->receive(msg);
    reap();
    return;
  }
  if (cls == cc::msgs::Classified::Ignored) {
    unexpected("ignored-" + acronym(msg.type));
    return;
  }
  if (msg.type == MessageType::Iam) {
    incoming_iam(msg);
    reap();
    return;
  }
  if (!c) {
    // Q.764 §2.9.5.1? an unexpected message on an idle circuit: REL gets RLC, RLC may end a
    // reset we started; anything else resets the circuit.
    if (msg.type == MessageType::Rel) {
      send(cc::msgs::rlc(msg.cic));
    } else if (msg.type == MessageType::Rlc) {
      if (!sup_->reset_complete(msg.cic))
        unexpected("idle-circuit-RLC");
    } else {
      unexpected("idle-circuit-" + acronym(msg.type));
      sup_->reset(msg.cic);
    }
    reap();
    return;
  }
  // CCR is not taken: pstn-sim's circuits are never the object of a re-check (the gateway makes
  // no continuity checks on its outgoing circuits), so one is unexpected here.
  if (auto e = msg.type == MessageType::Ccr ? std::nullopt : cc::isup_call::received_event(msg)) {
    c->process(*e);
  } else if (msg.type == MessageType::Sam) {
    bool st = false;
    if (const auto *sn = msg.find<isup::SubsequentNumber>())
      c->called += cc::msgs::address_digits(*sn, &st);
    c->end_of_pulsing = c->end_of_pulsing || st;
    c->process(EvSam{st});
  } else {
    unexpected("unhandled-" + acronym(msg.type));
  }
  reap();
}

void Sim::incoming_iam(const isup::Message &msg) {
  uint32_t displaced = 0;
  const uint32_t ref = next_ref_;
  using S = cc::CircuitGroup::IncomingSeizure;
  const auto r = group_.seize_incoming(msg.cic, ref, &displaced);
  if (r == S::DualSeizureWeWin) {
    ++sum_.dual_seizures; // Q.764 §2.9.1.4 a): their IAM is disregarded
    return;
  }
  if (r == S::LocallyBlocked) {
    unexpected("iam-on-locally-blocked");
    sup_->block(msg.cic); // remind the far end (Q.764 §2.8.2.3)
    return;
  }
  if (r == S::Busy || r == S::UnknownCircuit) {
    unexpected("iam-on-busy-circuit");
    return;
  }
  if (r == S::DualSeizureWeYield) {
    ++sum_.dual_seizures;
    auto it = calls_.find(displaced);
    if (it != calls_.end())
      it->second->process(EvDualSeizureLost{});
  }
  ++next_ref_;
  ++sum_.calls_offered;
  auto owned = std::make_unique<Call>(*this, ref, msg.cic, false);
  Call &call = *owned;
  calls_[ref] = std::move(owned);
  call.iam_msg = msg;
  if (const auto *n = msg.find<isup::CalledPartyNumber>())
    call.called = cc::msgs::address_digits(*n, &call.end_of_pulsing);
  if (const auto *n = msg.find<isup::CallingPartyNumber>())
    call.calling = cc::msgs::address_digits(*n);
  const auto *nci = msg.find<isup::NatureOfConnectionIndicators>();
  call.process(EvIam{static_cast<uint8_t>(nci ? nci->continuity_check_indicator : 0)});
}

const Rule &Sim::rule_for(std::string_view digits, uint16_t cic) const {
  static const Rule kAnswer{};
  const Rule *best = nullptr;
  for (const auto &r : cfg_.rules)
    if (digits.substr(0, r.prefix.size()) == r.prefix &&
        (r.last_cic == 0 || (cic >= r.first_cic && cic <= r.last_cic)) &&
        (!best || r.prefix.size() > best->prefix.size()))
      best = &r;
  return best ? *best : kAnswer;
}

void Sim::apply_rule(Call &c) {
  if (c.rule_applied)
    return;
  const Rule &rule = rule_for(c.called, c.cic);
  c.rule = &rule;
  if (rule.expect_digits && c.called.size() < rule.expect_digits && !c.end_of_pulsing) {
    // Overlap (Q.764 §2.1.2.2): wait for SAMs; T35 guards the wait, then cause 28.
    c.stop_t35();
    c.t35 = sched_.start(cfg_.timers.ms(IsupTimer::T35), [this, ref = c.ref] {
      auto it = calls_.find(ref);
      if (it == calls_.end() || it->second->finished)
        return;
      it->second->t35 = 0;
      it->second->release(kCauseInvalidNumberFormat);
      reap();
    });
    return;
  }
  c.stop_t35();
  c.rule_applied = true;
  switch (rule.action) {
  case RuleAction::Busy: c.release(kCauseUserBusy); return;
  case RuleAction::Release: c.release(rule.cause); return;
  case RuleAction::NoAnswer: c.process(EvAlertingReq{rule.in_band}); return;
  case RuleAction::Silent: return; // a REL from the caller still gets its RLC
  case RuleAction::Answer: break;
  }
  c.process(EvAlertingReq{rule.in_band});
  if (rule.cpg == CpgKind::Alerting)
    c.process(EvAlertingReq{false});
  else if (rule.cpg == CpgKind::Progress)
    c.process(EvProgressReq{true});
  auto do_answer = [this](Call &call) {
    call.process(EvAnswerReq{});
    if (call.finished)
      return;
    call.answered = true;
    ++sum_.calls_answered;
    if (call.rule && call.rule->hangup_after_ms)
      call.later(call.rule->hangup_after_ms, [](Call &x) { x.release(kCauseNormal); });
    if (call.rule && call.rule->suspend_after_ms)
      call.later(call.rule->suspend_after_ms, [](Call &x) {
        x.process(EvSuspendReq{true}); // network initiated: the caller's T6 runs
        if (!x.finished && x.rule->resume_after_ms)
          x.later(x.rule->resume_after_ms, [](Call &y) { y.process(EvResumeReq{true}); });
      });
  };
  if (rule.answer_after_ms)
    c.later(rule.answer_after_ms, do_answer);
  else
    do_answer(c);
}

// ---- originating ------------------------------------------------------------------------------
void Sim::originate_start(const OriginateConfig &o) {
  orig_ = o;
  orig_running_ = true;
  orig_placed_ = 0;
  orig_start_ms_ = sched_.now_ms();
  orig_started_ = true;
  if (orig_timer_)
    sched_.stop(orig_timer_);
  orig_timer_ = sched_.start(0, [this] { orig_tick(); });
}

void Sim::originate_stop() {
  orig_running_ = false;
  if (orig_timer_)
    sched_.stop(orig_timer_);
  orig_timer_ = 0;
}

void Sim::orig_tick() {
  orig_timer_ = 0;
  if (!orig_running_)
    return;
  const int64_t now = sched_.now_ms();
  const bool total_done = orig_.total && orig_placed_ >= orig_.total;
  const bool time_done = orig_.duration_ms && now - orig_start_ms_ >= int64_t(orig_.duration_ms);
  if (total_done || time_done || (!orig_.total && !orig_.duration_ms && orig_placed_ >= 1 &&
                                  orig_.rate <= 0)) {
    orig_running_ = false;
    return;
  }
  // Paced on the start time so that the rate holds whatever the loop's latency: every call due
  // by now goes out, and the loop sleeps at least 5 ms (the select loop rounds sub-millisecond
  // timeouts down to 0 and would spin).
  const double interval = orig_.rate > 0 ? 1000.0 / orig_.rate : 1000.0;
  if (!available_) // no burst of the missed calls once the gateway is back: the pace restarts
    orig_start_ms_ = now - static_cast<int64_t>(interval * orig_placed_);
  if (available_) {
    const auto due_calls = static_cast<uint32_t>(double(now - orig_start_ms_) / interval) + 1;
    while (orig_placed_ < due_calls && !(orig_.total && orig_placed_ >= orig_.total)) {
      ++orig_placed_;
      originate_one();
    }
  }
  const int64_t due = orig_start_ms_ + static_cast<int64_t>(interval * orig_placed_);
  orig_timer_ = sched_.start(available_ ? std::max<int64_t>(due - now, 5) : 100,
                             [this] { orig_tick(); });
  reap();
}

std::optional<isup::Message> Sim::octets_message(const std::vector<uint8_t> &octets,
                                                 uint16_t cic) const {
  // As configured: every parameter kept, the unknown ones as their octets (an end node's
  // reading only lists what it would discard; nothing is removed here).
  isup::Message m;
  const isup::DecodeOptions o{.variant = cfg_.variant, .with_cic = false};
  isup::decode(octets, o, m);
  std::vector<uint8_t> again;
  if (!isup::encode(m, o, again).ok())
    return std::nullopt; // the configuration checked it; a variant changed since cannot send it
  m.cic = cic;
  return m;
}

bool Sim::originate_one() {
  const uint32_t ref = next_ref_;
  cc::Circuit *ci = group_.seize_outgoing(ref);
  if (!ci) {
    ++sum_.calls_no_circuit;
    ++sum_.calls_failed;
    return false;
  }
  ++next_ref_;
  ++sum_.calls_originated;
  auto owned = std::make_unique<Call>(*this, ref, ci->cic, true);
  Call &c = *owned;
  calls_[ref] = std::move(owned);
  c.called = orig_.called;
  c.calling = orig_.calling;
  std::string first = orig_.called;
  if (orig_.sam_digits && orig_.sam_digits < first.size()) {
    c.sam_rest = first.substr(first.size() - orig_.sam_digits);
    first.resize(first.size() - orig_.sam_digits);
  }
  if (!orig_.iam.empty()) {
    if (auto m = octets_message(orig_.iam, ci->cic)) {
      c.iam_msg = std::move(*m);
      c.process(EvSetupReq{});
      return true;
    }
  }
  // Q.763 §1.4 / Table 32: the IAM's mandatory parameters; ANSI T1.113 carries the user
  // service information where ITU-T has the transmission medium requirement.
  isup::Message &iam = c.iam_msg;
  iam.type = MessageType::Iam;
  iam.cic = ci->cic;
  isup::NatureOfConnectionIndicators nci;
  nci.continuity_check_indicator = orig_.continuity_check ? kContinuityRequired : 0;
  iam.add(nci, isup::Part::MandatoryFixed);
  isup::ForwardCallIndicators fci;
  fci.isdn_user_part_indicator = true; // ISUP all the way
  fci.national_international_call_indicator = orig_.called_nai == kNaiInternational;
  iam.add(fci, isup::Part::MandatoryFixed);
  iam.add(isup::CallingPartysCategory{.value = kCpcOrdinary}, isup::Part::MandatoryFixed);
  if (cfg_.variant == isup::Variant::Ansi) {
    isup::UserServiceInformation usi; // speech, circuit mode, 64 kbit/s (Q.931 §4.5.5)
    usi.transfer_mode = 0;
    usi.information_transfer_rate = 0x10;
    iam.add(usi, isup::Part::MandatoryVariable);
  } else {
    iam.add(isup::TransmissionMediumRequirement{.value = kTmrSpeech31kHz}, isup::Part::MandatoryFixed);
  }
  iam.add(number<isup::CalledPartyNumber>(first, orig_.called_nai), isup::Part::MandatoryVariable);
  if (!orig_.calling.empty()) {
    auto cg = number<isup::CallingPartyNumber>(orig_.calling, orig_.calling_nai);
    cg.screening_indicator = kScreeningNetworkProvided;
    iam.add(cg);
  }
  if (orig_.hop_counter) {
    isup::HopCounter hc;
    hc.hop_counter = orig_.hop_counter;
    iam.add(hc);
  }
  c.process(EvSetupReq{});
  // The test tone came back through the far end's loop (simulated): COT success.
  if (orig_.continuity_check && !c.finished)
    c.process(EvContinuityReq{true});
  if (!c.sam_rest.empty() && !c.finished)
    c.process(EvMoreDigitsReq{true});
  return true;
}

// ---- maintenance ------------------------------------------------------------------------------
bool Sim::grs(uint16_t first, uint8_t range) {
  if (!group_.find(first))
    return false;
  return sup_->group_reset(first, range);
}
bool Sim::cgb(uint16_t first, uint8_t range, bool hw) {
  return group_.find(first) && sup_->group_block(first, range, hw);
}
bool Sim::cgu(uint16_t first, uint8_t range, bool hw) {
  return group_.find(first) && sup_->group_unblock(first, range, hw);
}
bool Sim::blo(uint16_t cic) { return group_.find(cic) && sup_->block(cic); }
bool Sim::ubl(uint16_t cic) { return group_.find(cic) && sup_->unblock(cic); }
bool Sim::rsc(uint16_t cic) {
  if (!group_.find(cic))
    return false;
  if (Call *c = call_on(cic)) {
    // Q.764 §2.9.3.1: resetting a circuit ends its call; RLC answers the RSC.
    c->cause = kCauseTemporaryFailure;
    c->finish();
    reap();
  }
  return sup_->reset(cic);
}
void Sim::reset_all() {
  sup_->reset_all();
  reap();
}

void Sim::destination(bool available) {
  if (available == available_)
    return;
  available_ = available;
  maintenance(available ? "MTP-RESUME: gateway reachable" : "MTP-PAUSE: gateway unreachable");
}

void Sim::release_all() {
  originate_stop();
  std::vector<uint32_t> refs;
  for (auto &[r, c] : calls_)
    refs.push_back(r);
  for (uint32_t r : refs) {
    auto it = calls_.find(r);
    if (it != calls_.end() && !it->second->finished)
      it->second->release(kCauseNormal);
  }
  reap();
}

bool Sim::supervision_pending() const {
  for (const auto &c : group_.circuits())
    if (sup_->pending(c.cic))
      return true;
  return false;
}

std::vector<Sim::CallInfo> Sim::calls() const {
  std::vector<CallInfo> v;
  for (const auto &[r, c] : calls_)
    v.push_back({r, c->cic, c->outgoing, c->state(), c->called, c->calling,
                 c->rule ? (c->rule->prefix.empty() ? "default" : c->rule->prefix) : ""});
  return v;
}

std::vector<uint16_t> Sim::busy_circuits() const {
  std::vector<uint16_t> v;
  for (const auto &c : group_.circuits())
    if (c.call != cc::CircuitCall::Idle)
      v.push_back(c.cic);
  return v;
}

std::vector<uint16_t> Sim::blocked_circuits() const {
  std::vector<uint16_t> v;
  for (const auto &c : group_.circuits())
    if (c.blocking.any())
      v.push_back(c.cic);
  return v;
}

std::string Sim::summary_text() const {
  std::string o;
  auto line = [&](const std::string &k, uint64_t v) {
    char b[128];
    std::snprintf(b, sizeof b, "%-36s %llu\n", k.c_str(), static_cast<unsigned long long>(v));
    o += b;
  };
  auto list = [](const std::vector<uint16_t> &v) {
    std::string s;
    for (uint16_t c : v)
      s += (s.empty() ? "" : " ") + std::to_string(c);
    return s.empty() ? std::string("none") : s;
  };
  o += "pstn-sim summary\n";
  line("calls.offered", sum_.calls_offered);
  line("calls.originated", sum_.calls_originated);
  line("calls.answered", sum_.calls_answered);
  line("calls.failed", sum_.calls_failed);
  line("calls.no-circuit", sum_.calls_no_circuit);
  line("calls.reattempted", sum_.calls_reattempted);
  line("calls.dual-seizures", sum_.dual_seizures);
  line("calls.active", calls_.size());
  line("calls.originate-span-ms", static_cast<uint64_t>(std::max<int64_t>(0, sum_.originate_span_ms)));
  for (const auto &[c, n] : sum_.released_incoming)
    line("released.incoming.cause." + std::to_string(c), n);
  for (const auto &[c, n] : sum_.released_outgoing)
    line("released.outgoing.cause." + std::to_string(c), n);
  for (const auto &[t, n] : sum_.sent)
    line("sent." + t, n);
  for (const auto &[t, n] : sum_.received)
    line("received." + t, n);
  uint64_t unexpected_total = 0;
  for (const auto &[w, n] : sum_.unexpected) {
    line("unexpected." + w, n);
    unexpected_total += n;
  }
  line("unexpected.total", unexpected_total);
  if (sum_.continuity_loops)
    line("continuity.loops", sum_.continuity_loops);
  line("malformed", sum_.malformed);
  line("maintenance.events", sum_.maintenance_events);
  for (const auto &m : sum_.maintenance)
    o += "maintenance.event " + m + "\n";
  const auto k = group_.counts();
  line("circuits.total", k.total);
  line("circuits.idle", k.idle);
  line("circuits.blocked", k.blocked);
  o += "circuits.not-idle " + list(busy_circuits()) + "\n";
  o += "circuits.blocked-list " + list(blocked_circuits()) + "\n";
  return o;
}

} // namespace mgc::pstnsim
