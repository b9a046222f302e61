// Incoming ISUP half-call, Q.764 §2.1-2.3 (incoming exchange) and §2.9: one row per transition.
// T8 runs while a continuity check is awaited, T6 while suspended by the network, T1/T5 while
// waiting for RLC, T16/T17 while resetting. Compiled as C++17 (Boost.MSM, PLATFORM.md).
#include "callcontrol/isup_call/incoming_call.h"

#include "callcontrol/isup_call/actions.h"

namespace mgc::cc::isup_call {
namespace {

namespace msmf = boost::msm::front;
using msmf::none;
using msmf::Row;
using namespace act;

template <class... A> using Seq = msmf::ActionSequence_<boost::mpl::vector<A...>>;

struct IncomingDef : HalfCallDef<IncomingDef> {

  struct WaitForContinuity : Timed<IsupTimer::T8> {
    static constexpr const char *name = "wait-for-continuity";
  };
  struct Proceeding : msmf::state<> { static constexpr const char *name = "proceeding"; };
  struct Alerted : msmf::state<> { static constexpr const char *name = "alerted"; };

  using initial_state = Idle;

  // clang-format off
  struct transition_table : boost::mpl::vector<
    //  Start              Event            Next               Action               Guard
    // §2.1.1 IAM received; §2.1.8 continuity check on this or a previous circuit
    Row<Idle,              EvIam,           WaitForContinuity, none,                ContinuityRequired>,
    Row<Idle,              EvIam,           Proceeding,        NotifySetup,         msmf::euml::Not_<ContinuityRequired>>,
    Row<WaitForContinuity, EvCot,           Proceeding,        NotifySetup,         ContinuityOk>,
    Row<WaitForContinuity, EvCot,           Released,          CircuitIdle,         msmf::euml::Not_<ContinuityOk>>,
    Row<WaitForContinuity, EvT8,            Resetting,         Seq<act::SendRsc, CircuitReset>, none>,
    // §2.1.3 overlap: more digits
    Row<Proceeding,        EvSam,           none,              NotifyMoreDigits,    none>,
    // §2.1.4 ACM, §2.1.5 CPG, §2.1.6 CON, §2.1.7 ANM sent as the other half progresses
    Row<Proceeding,        EvAlertingReq,   Alerted,           SendAcmAlerting,     none>,
    Row<Proceeding,        EvProgressReq,   Alerted,           SendAcmInBand,       none>,
    Row<Alerted,           EvAlertingReq,   none,              SendCpgAlerting,     none>,
    Row<Alerted,           EvProgressReq,   none,              SendCpgProgress,     none>,
    Row<Proceeding,        EvAnswerReq,     Answered,          act::SendCon,        none>,
    Row<Alerted,           EvAnswerReq,     Answered,          act::SendAnm,        none>,
    // §2.5 suspend and resume
    Row<Answered,          EvSus,           Suspended,         NotifySuspend,       none>,
    Row<Suspended,         EvRes,           Answered,          NotifyResume,        none>,
    Row<Suspended,         EvT6,            WaitForRlc,        ReleaseOnTimer<kCauseTimerExpiry>, none>,
    // §2.3.2 REL received: RLC
    Row<WaitForContinuity, EvRel,           Released,          ReleasedByFarEnd,    none>,
    Row<Proceeding,        EvRel,           Released,          ReleasedByFarEnd,    none>,
    Row<Alerted,           EvRel,           Released,          ReleasedByFarEnd,    none>,
    Row<Answered,          EvRel,           Released,          ReleasedByFarEnd,    none>,
    Row<Suspended,         EvRel,           Released,          ReleasedByFarEnd,    none>,
    // §2.3.1 release from this side (the other half failed, hung up or was rejected)
    Row<Proceeding,        EvReleaseReq,    WaitForRlc,        ReleaseAsked,        none>,
    Row<Alerted,           EvReleaseReq,    WaitForRlc,        ReleaseAsked,        none>,
    Row<Answered,          EvReleaseReq,    WaitForRlc,        ReleaseAsked,        none>,
    Row<Suspended,         EvReleaseReq,    WaitForRlc,        ReleaseAsked,        none>,
    Row<WaitForRlc,        EvRlc,           Released,          CircuitIdle,         none>,
    Row<WaitForRlc,        EvRel,           Released,          act::SendRlc,        none>,
    Row<WaitForRlc,        EvReleaseReq,    none,              none,                none>,
    // §2.9.6 T1 / T5
    Row<WaitForRlc,        EvT1,            none,              ResendRel,           none>,
    Row<WaitForRlc,        EvT5,            Resetting,         Seq<act::SendRsc, CircuitReset>, none>,
    Row<Resetting,         EvT16,           none,              act::SendRsc,        none>,
    Row<Resetting,         EvT17,           none,              act::SendRsc,        none>,
    Row<Resetting,         EvRlc,           Released,          CircuitIdle,         none>,
    // §2.9.3.1 RSC received during the call
    Row<WaitForContinuity, EvRsc,           Released,          ResetByFarEnd,       none>,
    Row<Proceeding,        EvRsc,           Released,          ResetByFarEnd,       none>,
    Row<Alerted,           EvRsc,           Released,          ResetByFarEnd,       none>,
    Row<Answered,          EvRsc,           Released,          ResetByFarEnd,       none>,
    Row<Suspended,         EvRsc,           Released,          ResetByFarEnd,       none>,
    Row<WaitForRlc,        EvRsc,           Released,          Seq<act::SendRlc, CircuitIdle>, none>,
    Row<Resetting,         EvRsc,           Released,          Seq<act::SendRlc, CircuitIdle>, none>
  > {};
  // clang-format on
};

} // namespace

struct IncomingCall::Impl : Host<IncomingDef> {
  using Host::Host;
};

IncomingCall::IncomingCall(Port &port) : impl_(std::make_unique<Impl>(port)) {}
IncomingCall::~IncomingCall() = default;
void IncomingCall::process(const Event &e) { impl_->process(e); }
const char *IncomingCall::state() const { return impl_->state(); }
bool IncomingCall::released() const { return impl_->released(); }

} // namespace mgc::cc::isup_call
