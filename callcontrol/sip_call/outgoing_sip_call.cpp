// Outgoing SIP half-call (this gateway is the UAC of the INVITE toward a SIP peer): RFC 3261
// §13.2 (UAC processing of an INVITE), §9.1 (CANCEL), §15 (BYE) and §17.1.1 (INVITE client
// transaction), with what RFC 3398 §8 asks of a gateway for a call from the PSTN. One row per
// transition. The INVITE has been sent when the machine starts; 100 Trying stays in the
// transaction layer, the ACK of a 2xx or of a final error is the user agent's (§13.2.2.4,
// §17.1.1.3), and Timer B comes as a local final error (§8.1.3.1: 408). Compiled as C++17
// (Boost.MSM, PLATFORM.md).
#include "callcontrol/sip_call/outgoing_sip_call.h"

#include "callcontrol/sip_call/actions.h"

namespace mgc::cc::sip_call {
namespace {

namespace msmf = boost::msm::front;
using msmf::none;
using msmf::Row;
using msmf::euml::Not_;
using namespace act;

struct OutgoingDef : SipHalfDef<OutgoingDef> {
  static constexpr const char *machine_name = "sip-outgoing";

  // INVITE sent, no provisional response yet (§17.1.1.2 "Calling").
  struct Calling : msmf::state<> { static constexpr const char *name = "calling"; };
  // A 1xx other than 180/183 (§17.1.1.2 "Proceeding").
  struct Proceeding : msmf::state<> { static constexpr const char *name = "proceeding"; };
  // 180/183 received: an early dialog the PSTN has been told of (RFC 3398 §8.2.3).
  struct Early : msmf::state<> { static constexpr const char *name = "early"; };
  // 2xx received (§13.2.2.4): the user agent ACKed it, the dialog is confirmed.
  struct Answered : msmf::state<> { static constexpr const char *name = "answered"; };
  // Hung up before any provisional: §9.1 forbids the CANCEL until one arrives.
  struct CancelPending : Winding { static constexpr const char *name = "cancel-pending"; };
  // CANCEL sent (§9.1): the INVITE's final response (487) is still to come.
  struct Cancelling : Winding { static constexpr const char *name = "cancelling"; };

  using initial_state = Calling;

  // clang-format off
  struct transition_table : boost::mpl::vector<
    //  Start          Event          Next           Action             Guard
    // §13.2.2.1 provisional responses; RFC 3398 §8.2.3: 180/183 reach the PSTN (ACM, CPG)
    Row<Calling,       EvProvisional, Early,         NotifyProvisional, Is18x>,
    Row<Calling,       EvProvisional, Proceeding,    NotifyProvisional, Not_<Is18x>>,
    Row<Proceeding,    EvProvisional, Early,         NotifyProvisional, Is18x>,
    Row<Proceeding,    EvProvisional, none,          NotifyProvisional, Not_<Is18x>>,
    Row<Early,         EvProvisional, none,          NotifyProvisional, none>,
    // §13.2.2.4 2xx: answered (RFC 3398 §8.2.4: ANM, or CON before any ACM)
    Row<Calling,       EvAnswered,    Answered,      NotifyAnswered,    none>,
    Row<Proceeding,    EvAnswered,    Answered,      NotifyAnswered,    none>,
    Row<Early,         EvAnswered,    Answered,      NotifyAnswered,    none>,
    // §13.2.2.2/§13.2.2.3 3xx-6xx (redirection is not followed) and a local 408 (§8.1.3.1):
    // RFC 3398 §8.2.5/§8.2.6: REL with the Reason's cause or the §8.2.6.1 mapping
    Row<Calling,       EvFailed,      Terminated,    NotifyFailed,      none>,
    Row<Proceeding,    EvFailed,      Terminated,    NotifyFailed,      none>,
    Row<Early,         EvFailed,      Terminated,    NotifyFailed,      none>,
    // §15.1.2 BYE from the callee once answered: RFC 3398 §10.1 REL. A UAS MUST NOT send BYE on
    // an early dialog (§15): no row before the 2xx.
    Row<Answered,      EvBye,         Terminated,    NotifyBye,         none>,
    // RFC 3398 §8.2.7 REL from the PSTN, or any other end of the call: before the final response
    // CANCEL (§9.1, which must wait for a provisional response), after the 2xx BYE (§15.1.1)
    Row<Calling,       EvHangupReq,   CancelPending, KeepHangupCause,   none>,
    Row<Proceeding,    EvHangupReq,   Cancelling,    SendCancel,        none>,
    Row<Early,         EvHangupReq,   Cancelling,    SendCancel,        none>,
    Row<Answered,      EvHangupReq,   Terminated,    SendBye,           none>,
    // §9.1: the first provisional response lets the held CANCEL go
    Row<CancelPending, EvProvisional, Cancelling,    SendHeldCancel,    none>,
    // §15: a 2xx that crossed the hang-up (or the CANCEL) set up a session nobody wants: BYE
    Row<CancelPending, EvAnswered,    Terminated,    SendHeldBye,       none>,
    Row<Cancelling,    EvAnswered,    Terminated,    SendHeldBye,       none>,
    // §9.1: the INVITE's final response (487 Request Terminated, or any other) ends the attempt
    Row<CancelPending, EvFailed,      Terminated,    none,              none>,
    Row<Cancelling,    EvFailed,      Terminated,    none,              none>,
    // provisional responses sent before the peer saw the CANCEL
    Row<Cancelling,    EvProvisional, none,          none,              none>,
    // both sides releasing at once: the hang-up is already under way or done
    Row<CancelPending, EvHangupReq,   none,          none,              none>,
    Row<Cancelling,    EvHangupReq,   none,          none,              none>,
    Row<Terminated,    EvHangupReq,   none,          none,              none>
  > {};
  // clang-format on
};

} // namespace

struct OutgoingSipCall::Impl : Host<OutgoingDef> {
  using Host::Host;
};

OutgoingSipCall::OutgoingSipCall(Port &port) : impl_(std::make_unique<Impl>(port)) {}
OutgoingSipCall::~OutgoingSipCall() = default;
void OutgoingSipCall::process(const Event &e) { impl_->process(e); }
const char *OutgoingSipCall::state() const { return impl_->state(); }
bool OutgoingSipCall::over() const { return impl_->over(); }
bool OutgoingSipCall::terminated() const { return impl_->terminated(); }

} // namespace mgc::cc::sip_call
