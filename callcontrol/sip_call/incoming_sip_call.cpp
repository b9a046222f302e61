// Incoming SIP half-call (this gateway is the UAS of the caller's INVITE): RFC 3261 §13.3 (UAS
// processing of an INVITE), §9.2 (CANCEL), §15 (BYE) and §17.2.1 (INVITE server transaction),
// with what RFC 3398 §7 asks of a gateway toward the PSTN. One row per transition. The INVITE has
// been received when the machine starts (the transaction layer sent 100 Trying, §17.2.1); the
// ACK of the 200 is absorbed by the user agent (it is not reported), so the answered state is
// the confirmed one. Compiled as C++17 (Boost.MSM, PLATFORM.md).
#include "callcontrol/sip_call/incoming_sip_call.h"

#include "callcontrol/sip_call/actions.h"

namespace mgc::cc::sip_call {
namespace {

namespace msmf = boost::msm::front;
using msmf::none;
using msmf::Row;
using namespace act;

struct IncomingDef : SipHalfDef<IncomingDef> {
  static constexpr const char *machine_name = "sip-incoming";

  // INVITE received, no provisional beyond 100 sent yet (§17.2.1 "Proceeding").
  struct Proceeding : msmf::state<> { static constexpr const char *name = "proceeding"; };
  // 18x sent: an early dialog (§13.3.1.1).
  struct Early : msmf::state<> { static constexpr const char *name = "early"; };
  // 200 sent (§13.3.1.4): a confirmed dialog once the user agent has the ACK.
  struct Answered : msmf::state<> { static constexpr const char *name = "answered"; };

  using initial_state = Proceeding;

  // clang-format off
  struct transition_table : boost::mpl::vector<
    //  Start       Event          Next        Action            Guard
    // §13.3.1.1 progress: 180/183 as the PSTN side progresses (RFC 3398 §7.2.5/§7.2.6 ACM,
    // §7.2.9 CPG); further provisionals within the early dialog
    Row<Proceeding, EvProgressReq, Early,      SendProvisional,  none>,
    Row<Early,      EvProgressReq, none,       SendProvisional,  none>,
    // §13.3.1.4 the INVITE is accepted: 200 (RFC 3398 §7.2.7 ANM or CON)
    Row<Proceeding, EvAnswerReq,   Answered,   SendAnswer,       none>,
    Row<Early,      EvAnswerReq,   Answered,   SendAnswer,       none>,
    // §13.3.1.3 the INVITE is rejected: a final error with Reason: Q.850 (RFC 3326), e.g. RFC 3398
    // §7.2.4 REL (status from §7.2.4.1), §7.2.2 T7 (504), §7.2.8 T9 (480), no route, no circuit.
    // A reject after the 200 has no row: a final response was already sent (§13.3.1).
    Row<Proceeding, EvRejectReq,   Terminated, SendReject,       none>,
    Row<Early,      EvRejectReq,   Terminated, SendReject,       none>,
    // §15: the callee MUST NOT send BYE on an early dialog: before the final response the UAS
    // ends the call with a final error; after the 200 with BYE (§15.1.1, RFC 3398 §10.2)
    Row<Proceeding, EvHangupReq,   Terminated, SendReject,       none>,
    Row<Early,      EvHangupReq,   Terminated, SendReject,       none>,
    Row<Answered,   EvHangupReq,   Terminated, SendBye,          none>,
    // §9.2 CANCEL of a pending INVITE: the user agent answers 200 and 487; RFC 3398 §7.2.3: REL
    // cause 16 toward the PSTN
    Row<Proceeding, EvCancel,      Terminated, NotifyCancelled,  none>,
    Row<Early,      EvCancel,      Terminated, NotifyCancelled,  none>,
    // §9.2: once the final response is sent a CANCEL has no effect on the INVITE
    Row<Answered,   EvCancel,      none,       none,             none>,
    // §15.1.2 BYE: the session ends (RFC 3398 §10.1: REL, the Reason's cause or 16); RFC 3398
    // §7.2.3: a BYE before the final response is handled as CANCEL is (487 and REL)
    Row<Proceeding, EvBye,         Terminated, NotifyBye,        none>,
    Row<Early,      EvBye,         Terminated, NotifyBye,        none>,
    Row<Answered,   EvBye,         Terminated, NotifyBye,        none>,
    // both sides releasing at once (RFC 3398 §10): the SIP side has already ended
    Row<Terminated, EvHangupReq,   none,       none,             none>,
    Row<Terminated, EvRejectReq,   none,       none,             none>
  > {};
  // clang-format on
};

} // namespace

struct IncomingSipCall::Impl : Host<IncomingDef> {
  using Host::Host;
};

IncomingSipCall::IncomingSipCall(Port &port) : impl_(std::make_unique<Impl>(port)) {}
IncomingSipCall::~IncomingSipCall() = default;
void IncomingSipCall::process(const Event &e) { impl_->process(e); }
const char *IncomingSipCall::state() const { return impl_->state(); }
bool IncomingSipCall::over() const { return impl_->over(); }
bool IncomingSipCall::terminated() const { return impl_->terminated(); }

} // namespace mgc::cc::sip_call
