// Actions and guards shared by the ISUP half-call machines (Boost.MSM functors). Each machine's
// front end has a `Port *port` and the cause of the REL it last sent (for T1 repetition).
#pragma once

#include "callcontrol/isup_call/events.h"
#include "callcontrol/msm_config.h"
#include "callcontrol/isup_call/port.h"
#include "callcontrol/isup_call/state.h"
#include "isup/cause.h"

#include <type_traits>

namespace mgc::cc::isup_call::act {

// Q.850 causes the machines originate themselves (values from isup/cause.h).
using isup::Cause;
using isup::cause_value;
// T9 expiry (Q.764 §2.1.4.7 ... T9)
inline constexpr uint8_t kCauseNoAnswer = cause_value(Cause::NoAnswerFromUser);
// T35 expiry (Q.764 §2.1.2.2, RFC 3578 §2.1)
inline constexpr uint8_t kCauseAddressIncomplete = cause_value(Cause::InvalidNumberFormat);
// circuit reset by the far end; T8 expiry
inline constexpr uint8_t kCauseTemporaryFailure = cause_value(Cause::TemporaryFailure);
// T6/T7 expiry
inline constexpr uint8_t kCauseTimerExpiry = cause_value(Cause::RecoveryOnTimerExpiry);
// Q.850 location of this exchange
inline constexpr uint8_t kLocationPublicLocal =
    isup::location_value(isup::CauseLocation::PublicNetworkLocalUser);

#define MGC_ACTION(Name, body)                                                                     \
  struct Name {                                                                                    \
    template <class Ev, class Fsm, class S, class T>                                               \
    void operator()(Ev const &ev, Fsm &fsm, S &, T &) const {                                      \
      (void)ev;                                                                                    \
      body;                                                                                        \
    }                                                                                              \
  };

MGC_ACTION(SendIam, fsm.port->send_iam())
MGC_ACTION(SendSam, fsm.port->send_sam(); fsm.port->stop_timer(IsupTimer::T7);
           fsm.port->start_timer(IsupTimer::T7))
MGC_ACTION(SendAcmInBand, fsm.port->send_acm(true))
MGC_ACTION(SendAcmAlerting, fsm.port->send_acm(ev.in_band))
MGC_ACTION(SendCpgAlerting, fsm.port->send_cpg(ev.in_band))
MGC_ACTION(SendCpgProgress, fsm.port->send_cpg(true))
MGC_ACTION(SendAnm, fsm.port->send_anm())
MGC_ACTION(SendCon, fsm.port->send_con())
MGC_ACTION(SendRlc, fsm.port->send_rlc())
MGC_ACTION(SendRsc, fsm.port->send_rsc())
MGC_ACTION(SendSus, fsm.port->send_sus(ev.network_initiated))
MGC_ACTION(SendRes, fsm.port->send_res(ev.network_initiated))
// Q.764 §2.1.8: the loop is attached for a check on this circuit (indicator 1), not for one
// performed on a previous circuit (indicator 2), and for every re-check request (CCR).
struct AttachCheckLoop {
  template <class Ev, class Fsm, class S, class T>
  void operator()(Ev const &ev, Fsm &fsm, S &, T &) const {
    if constexpr (std::is_same_v<Ev, EvIam>) {
      if (ev.continuity != 1)
        return;
    }
    fsm.port->attach_check_loop();
  }
};
MGC_ACTION(DetachCheckLoop, fsm.port->detach_check_loop())
MGC_ACTION(ResendRel, fsm.port->send_rel(fsm.rel_cause, fsm.rel_location);
           fsm.port->start_timer(IsupTimer::T1))
MGC_ACTION(SendCotResult, fsm.port->send_cot(ev.success))
MGC_ACTION(NotifySetup, fsm.port->on_setup())
MGC_ACTION(NotifyMoreDigits, fsm.port->on_more_digits())
MGC_ACTION(NotifyAlerting, fsm.port->on_alerting(ev.in_band))
MGC_ACTION(NotifyProgress, fsm.port->on_progress(ev.in_band))
MGC_ACTION(NotifyAnswer, fsm.port->on_answer())
MGC_ACTION(NotifySuspend, fsm.port->on_suspend(ev.network_initiated);
           if (ev.network_initiated) fsm.port->start_timer(IsupTimer::T6))
MGC_ACTION(NotifyResume, fsm.port->on_resume(ev.network_initiated)) // T6 stops on leaving Suspended
MGC_ACTION(NotifyReattempt, fsm.port->on_reattempt())
MGC_ACTION(CircuitIdle, fsm.port->on_circuit_idle())
MGC_ACTION(CircuitReset, fsm.port->on_circuit_reset())

// REL received: answer RLC (Q.764 §2.3.2), tell the call, the circuit is free.
MGC_ACTION(ReleasedByFarEnd, fsm.port->send_rlc(); fsm.port->on_released(ev.cause, ev.location);
           fsm.port->on_circuit_idle())
// RSC received during a call (Q.764 §2.9.3.1): the call is released, RLC answers the reset.
MGC_ACTION(ResetByFarEnd, fsm.port->send_rlc();
           fsm.port->on_released(kCauseTemporaryFailure, kLocationPublicLocal);
           fsm.port->on_circuit_idle())
// The call asks for release: REL with its cause (Q.764 §2.3.1).
MGC_ACTION(ReleaseAsked, fsm.rel_cause = ev.cause; fsm.rel_location = ev.location;
           fsm.port->send_rel(ev.cause, ev.location))

// This exchange gives up on a timer: REL with the cause, and the call is told.
template <uint8_t Cause> struct ReleaseOnTimer {
  template <class Ev, class Fsm, class S, class T>
  void operator()(Ev const &, Fsm &fsm, S &, T &) const {
    fsm.rel_cause = Cause;
    fsm.rel_location = kLocationPublicLocal;
    fsm.port->send_rel(Cause, kLocationPublicLocal);
    fsm.port->on_released(Cause, kLocationPublicLocal);
  }
};

#undef MGC_ACTION

// Set while the machine is in its final state.
struct ReleasedFlag {};

// An IAM asking for a continuity check on this circuit or saying one is being made on a previous
// circuit: either way a COT is to come (Q.764 §2.1.8).
struct ContinuityRequired {
  template <class Ev, class Fsm, class S, class T>
  bool operator()(Ev const &ev, Fsm &, S &, T &) const {
    return ev.continuity == 1 || ev.continuity == 2;
  }
};
template <Address A> struct AddressIs {
  template <class Ev, class Fsm, class S, class T>
  bool operator()(Ev const &, Fsm &fsm, S &, T &) const { return fsm.port->address() == A; }
};
struct ContinuityOk {
  template <class Ev, class Fsm, class S, class T>
  bool operator()(Ev const &ev, Fsm &, S &, T &) const { return ev.success; }
};

// A state that runs timers while it is current (STYLE.md practice 9); derived states add `name`.
template <IsupTimer... Timers> struct Timed : boost::msm::front::state<> {
  template <class Ev, class Fsm> void on_entry(Ev const &, Fsm &fsm) {
    (fsm.port->start_timer(Timers), ...);
  }
  template <class Ev, class Fsm> void on_exit(Ev const &, Fsm &fsm) {
    (fsm.port->stop_timer(Timers), ...);
  }
};

// States both half-calls have, with the timers Q.764 runs in them.
struct Idle : boost::msm::front::state<> {
  static constexpr State id = State::Idle;
  static constexpr const char *name = "idle";
};
struct Answered : boost::msm::front::state<> {
  static constexpr State id = State::Answered;
  static constexpr const char *name = "answered";
};
struct Suspended : boost::msm::front::state<> { // T6 is started by NotifySuspend (network only)
  static constexpr State id = State::Suspended;
  static constexpr const char *name = "suspended";
  template <class Ev, class Fsm> void on_exit(Ev const &, Fsm &fsm) {
    fsm.port->stop_timer(IsupTimer::T6);
  }
};
struct WaitForRlc : Timed<IsupTimer::T1, IsupTimer::T5> {
  static constexpr State id = State::WaitForRlc;
  static constexpr const char *name = "wait-for-rlc";
};
struct Resetting : Timed<IsupTimer::T16, IsupTimer::T17> {
  static constexpr State id = State::Resetting;
  static constexpr const char *name = "resetting";
};
// Not a terminate_state: a late message must still reach no_transition and be counted.
struct Released : boost::msm::front::state<> {
  static constexpr State id = State::Released;
  static constexpr const char *name = "released";
  using flag_list = boost::mpl::vector1<ReleasedFlag>;
};

// What both half-call front ends share: the port, the cause of the last REL sent (repeated on
// T1), and the report of events a state has no row for (STYLE.md practice 8).
template <class Derived> struct HalfCallDef : boost::msm::front::state_machine_def<Derived> {
  using no_message_queue = int; // msm_util::VariantHost queues instead (msm_config.h)
  Port *port = nullptr;
  uint8_t rel_cause = 16;
  uint8_t rel_location = kLocationPublicLocal;
  static void report_unexpected(Port &port, const char *state, const char *event) {
    port.on_unexpected(state, event);
  }
  template <class Fsm, class Ev> void no_transition(Ev const &, Fsm &fsm, int) {
    report_unexpected(*fsm.port, msm_util::state_name(fsm), Ev::name);
  }
};

// The back end of a half-call machine behind the Event variant.
template <class Def> struct Host : msm_util::VariantHost<Def, Event> {
  using msm_util::VariantHost<Def, Event>::VariantHost;
  bool released() const { return this->m.template is_flag_active<ReleasedFlag>(); }
};

} // namespace mgc::cc::isup_call::act
