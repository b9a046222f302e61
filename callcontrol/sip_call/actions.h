// Actions, guards, states and the back end shared by the SIP half-call machines (Boost.MSM
// functors). Each machine's front end has a `Port *port`, its name for reports, and the cause of a
// hang-up it could not signal yet (a CANCEL waiting for the first provisional, RFC 3261 §9.1).
#pragma once

#include "callcontrol/msm_config.h" // shared MSM settings, state names, the variant host (C++17)
#include "callcontrol/sip_call/events.h"
#include "callcontrol/sip_call/port.h"

namespace mgc::cc::sip_call::act {

#define MGC_SIP_ACTION(Name, body)                                                                 \
  struct Name {                                                                                    \
    template <class Ev, class Fsm, class S, class T>                                               \
    void operator()(Ev const &ev, Fsm &fsm, S &, T &) const {                                      \
      (void)ev;                                                                                    \
      body;                                                                                        \
    }                                                                                              \
  };

// Toward the peer.
MGC_SIP_ACTION(SendProvisional, fsm.port->send_provisional(ev.status))
MGC_SIP_ACTION(SendAnswer, fsm.port->send_answer())
MGC_SIP_ACTION(SendReject, fsm.port->send_reject(ev.status, ev.cause))
MGC_SIP_ACTION(SendBye, fsm.port->send_bye(ev.cause))
MGC_SIP_ACTION(SendCancel, fsm.hangup_cause = ev.cause; fsm.port->send_cancel(ev.cause))
// A hang-up that must wait (RFC 3261 §9.1: no CANCEL before a provisional response).
MGC_SIP_ACTION(KeepHangupCause, fsm.hangup_cause = ev.cause)
MGC_SIP_ACTION(SendHeldCancel, fsm.port->send_cancel(fsm.hangup_cause))
MGC_SIP_ACTION(SendHeldBye, fsm.port->send_bye(fsm.hangup_cause))

// To the call.
MGC_SIP_ACTION(NotifyProvisional, fsm.port->on_provisional(ev.status, ev.early_media))
MGC_SIP_ACTION(NotifyAnswered, fsm.port->on_answered())
MGC_SIP_ACTION(NotifyFailed, fsm.port->on_failed(ev.status, ev.cause, ev.local))
MGC_SIP_ACTION(NotifyCancelled, fsm.port->on_cancelled())
MGC_SIP_ACTION(NotifyBye, fsm.port->on_bye(ev.cause))

#undef MGC_SIP_ACTION

// 180 Ringing and 183 Session Progress: the responses that make an early dialog worth telling the
// PSTN about (RFC 3398 §8.2.3); other 1xx (181, 182, 199) only show the INVITE is proceeding.
struct Is18x {
  template <class Ev, class Fsm, class S, class T>
  bool operator()(Ev const &ev, Fsm &, S &, T &) const {
    return ev.status == 180 || ev.status == 183;
  }
};

// Flags: the call need not wait for the SIP side any more (SipOver); the leg is done (DialogOver).
struct SipOver {};
struct DialogOver {};

// The SIP side is over for the call; the leg may still see a late response (a CANCEL in progress).
struct Winding : boost::msm::front::state<> {
  using flag_list = boost::mpl::vector1<SipOver>;
  template <class Ev, class Fsm> void on_entry(Ev const &, Fsm &fsm) {
    fsm.port->on_sip_over(false);
  }
};
// Not a terminate_state: a late event must still reach no_transition and be counted.
struct Terminated : boost::msm::front::state<> {
  static constexpr const char *name = "terminated";
  using flag_list = boost::mpl::vector2<SipOver, DialogOver>;
  template <class Ev, class Fsm> void on_entry(Ev const &, Fsm &fsm) {
    fsm.port->on_sip_over(true);
  }
};

// What both front ends share: the port, the held hang-up cause, and the report of events a state
// has no row for (STYLE.md practice 8), with the machine's name.
template <class Derived> struct SipHalfDef : boost::msm::front::state_machine_def<Derived> {
  using no_message_queue = int; // msm_util::VariantHost queues instead (msm_config.h)
  Port *port = nullptr;
  uint8_t hangup_cause = 16;
  static void report_unexpected(Port &port, const char *state, const char *event) {
    port.on_unexpected(Derived::machine_name, state, event);
  }
  template <class Fsm, class Ev> void no_transition(Ev const &, Fsm &fsm, int) {
    report_unexpected(*fsm.port, msm_util::state_name(fsm), Ev::name);
  }
};

// The back end of a SIP half-call machine behind the Event variant.
template <class Def> struct Host : msm_util::VariantHost<Def, Event> {
  using msm_util::VariantHost<Def, Event>::VariantHost;
  bool over() const { return this->m.template is_flag_active<SipOver>(); }
  bool terminated() const { return this->m.template is_flag_active<DialogOver>(); }
};

} // namespace mgc::cc::sip_call::act
