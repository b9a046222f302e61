// Incoming ISUP half-call, Q.764 §2.1-2.3 (incoming exchange) and §2.9: one row per transition.
// T8 runs while a continuity check is awaited, T27 while a re-check is awaited after a failed
// one, T35 while the called number is below the minimum to route and T10 while more digits may
// follow (overlap converted to en bloc, RFC 3578 §2), T6 while suspended by the network, T1/T5
// while waiting for RLC, T16/T17 while resetting. Two row vectors joined (PLATFORM.md: at most
// 50 rows per MPL vector). Compiled as C++17 (Boost.MSM, PLATFORM.md).
#include "callcontrol/isup_call/incoming_call.h"

#include "callcontrol/isup_call/actions.h"

#include <boost/mpl/joint_view.hpp>

namespace mgc::cc::isup_call {
namespace {

namespace msmf = boost::msm::front;
using msmf::none;
using msmf::Row;
using msmf::euml::And_;
using msmf::euml::Not_;
using namespace act;

template <class... A> using Seq = msmf::ActionSequence_<boost::mpl::vector<A...>>;
using Complete = AddressIs<Address::Complete>;
using Sufficient = AddressIs<Address::Sufficient>;
using Incomplete = AddressIs<Address::Incomplete>;
using NoCheck = Not_<ContinuityRequired>;

struct IncomingDef : HalfCallDef<IncomingDef> {

  struct WaitForContinuity : Timed<IsupTimer::T8> {
    static constexpr State id = State::WaitForContinuity;
    static constexpr const char *name = "wait-for-continuity";
  };
  struct WaitForRecheck : Timed<IsupTimer::T27> {
    static constexpr State id = State::WaitForRecheck;
    static constexpr const char *name = "wait-for-continuity-recheck";
  };
  struct Rechecking : msmf::state<> { static constexpr State id = State::Rechecking;
    static constexpr const char *name = "continuity-recheck"; };
  struct WaitForAddress : Timed<IsupTimer::T35> {
    static constexpr State id = State::WaitForAddress;
    static constexpr const char *name = "wait-for-address";
  };
  struct WaitForEndOfAddress : Timed<IsupTimer::T10> {
    static constexpr State id = State::WaitForEndOfAddress;
    static constexpr const char *name = "wait-for-end-of-address";
  };
  struct Proceeding : msmf::state<> { static constexpr State id = State::Proceeding;
    static constexpr const char *name = "proceeding"; };
  struct Alerted : msmf::state<> { static constexpr State id = State::Alerted;
    static constexpr const char *name = "alerted"; };

  using initial_state = Idle;

  // clang-format off
  using Setup = boost::mpl::vector<
    //  Start                Event            Next                 Action               Guard
    // §2.1.1 IAM received; §2.1.8 continuity check on this (loop attached) or a previous circuit
    Row<Idle,                EvIam,           WaitForContinuity,   AttachCheckLoop,     ContinuityRequired>,
    Row<Idle,                EvIam,           Proceeding,          NotifySetup,         And_<NoCheck, Complete>>,
    // §2.1.2 overlap: below the minimum T35 runs; RFC 3578 §2.2: enough to route, T10 runs
    Row<Idle,                EvIam,           WaitForAddress,      none,                And_<NoCheck, Incomplete>>,
    Row<Idle,                EvIam,           WaitForEndOfAddress, none,                And_<NoCheck, Sufficient>>,
    // §2.1.8 COT: success goes on as the address allows; failure awaits the re-check (T27)
    Row<WaitForContinuity,   EvSam,           none,                none,                none>,
    Row<WaitForContinuity,   EvCot,           Proceeding,          Seq<DetachCheckLoop, NotifySetup>, And_<ContinuityOk, Complete>>,
    Row<WaitForContinuity,   EvCot,           WaitForAddress,      DetachCheckLoop,     And_<ContinuityOk, Incomplete>>,
    Row<WaitForContinuity,   EvCot,           WaitForEndOfAddress, DetachCheckLoop,     And_<ContinuityOk, Sufficient>>,
    Row<WaitForContinuity,   EvCot,           WaitForRecheck,      DetachCheckLoop,     Not_<ContinuityOk>>,
    // T8 expiry: the call is released (Annex A, cause 41 temporary failure)
    Row<WaitForContinuity,   EvT8,            WaitForRlc,          Seq<DetachCheckLoop, ReleaseOnTimer<kCauseTemporaryFailure>>, none>,
    // §2.1.8 re-check: CCR attaches the loop (kept for repeated CCRs); T27 without CCR resets the
    // circuit; REL after the re-check ends it
    Row<WaitForRecheck,      EvCcr,           Rechecking,          AttachCheckLoop,     none>,
    Row<WaitForRecheck,      EvT27,           Resetting,           Seq<act::SendRsc, CircuitReset>, none>,
    Row<WaitForRecheck,      EvRel,           Released,            Seq<act::SendRlc, CircuitIdle>, none>,
    Row<Rechecking,          EvCcr,           none,                none,                none>,
    Row<Rechecking,          EvRel,           Released,            Seq<DetachCheckLoop, act::SendRlc, CircuitIdle>, none>,
    // §2.1.2 / RFC 3578 §2.1: SAMs until the minimum; T35 expiry releases with cause 28
    Row<WaitForAddress,      EvSam,           WaitForAddress,      none,                Incomplete>,
    Row<WaitForAddress,      EvSam,           WaitForEndOfAddress, none,                Sufficient>,
    Row<WaitForAddress,      EvSam,           Proceeding,          NotifySetup,         Complete>,
    Row<WaitForAddress,      EvT35,           WaitForRlc,          ReleaseOnTimer<kCauseAddressIncomplete>, none>,
    // RFC 3578 §2.2: each SAM restarts T10; ST or a complete number, or T10 expiry, routes
    Row<WaitForEndOfAddress, EvSam,           WaitForEndOfAddress, none,                Not_<Complete>>,
    Row<WaitForEndOfAddress, EvSam,           Proceeding,          NotifySetup,         Complete>,
    Row<WaitForEndOfAddress, EvT10,           Proceeding,          NotifySetup,         none>,
    // §2.1.3 more digits once routed (en bloc toward SIP: the owner disregards them)
    Row<Proceeding,          EvSam,           none,                NotifyMoreDigits,    none>,
    // §2.1.4 ACM, §2.1.5 CPG, §2.1.6 CON, §2.1.7 ANM sent as the other half progresses
    Row<Proceeding,          EvAlertingReq,   Alerted,             SendAcmAlerting,     none>,
    Row<Proceeding,          EvProgressReq,   Alerted,             SendAcmInBand,       none>,
    Row<Alerted,             EvAlertingReq,   none,                SendCpgAlerting,     none>,
    Row<Alerted,             EvProgressReq,   none,                SendCpgProgress,     none>,
    Row<Proceeding,          EvAnswerReq,     Answered,            act::SendCon,        none>,
    Row<Alerted,             EvAnswerReq,     Answered,            act::SendAnm,        none>,
    // §2.1.5: a CPG from the preceding exchange once answered (mid-call information)
    Row<Answered,            EvCpg,           none,                NotifyProgress,      none>,
    // §2.5 suspend and resume, from the far end (T6 if network initiated) or from the call
    Row<Answered,            EvSus,           Suspended,           NotifySuspend,       none>,
    Row<Suspended,           EvRes,           Answered,            NotifyResume,        none>,
    Row<Suspended,           EvT6,            WaitForRlc,          ReleaseOnTimer<kCauseTimerExpiry>, none>,
    Row<Answered,            EvSuspendReq,    Suspended,           SendSus,             none>,
    Row<Suspended,           EvResumeReq,     Answered,            SendRes,             none>
  >;

  using Release = boost::mpl::vector<
    // §2.3.2 REL received: RLC
    Row<WaitForContinuity,   EvRel,           Released,            ReleasedByFarEnd,    none>,
    Row<WaitForAddress,      EvRel,           Released,            ReleasedByFarEnd,    none>,
    Row<WaitForEndOfAddress, EvRel,           Released,            ReleasedByFarEnd,    none>,
    Row<Proceeding,          EvRel,           Released,            ReleasedByFarEnd,    none>,
    Row<Alerted,             EvRel,           Released,            ReleasedByFarEnd,    none>,
    Row<Answered,            EvRel,           Released,            ReleasedByFarEnd,    none>,
    Row<Suspended,           EvRel,           Released,            ReleasedByFarEnd,    none>,
    // §2.3.1 release from this side (the other half failed, hung up or was rejected)
    Row<WaitForContinuity,   EvReleaseReq,    WaitForRlc,          Seq<DetachCheckLoop, ReleaseAsked>, none>,
    Row<WaitForAddress,      EvReleaseReq,    WaitForRlc,          ReleaseAsked,        none>,
    Row<WaitForEndOfAddress, EvReleaseReq,    WaitForRlc,          ReleaseAsked,        none>,
    Row<Proceeding,          EvReleaseReq,    WaitForRlc,          ReleaseAsked,        none>,
    Row<Alerted,             EvReleaseReq,    WaitForRlc,          ReleaseAsked,        none>,
    Row<Answered,            EvReleaseReq,    WaitForRlc,          ReleaseAsked,        none>,
    Row<Suspended,           EvReleaseReq,    WaitForRlc,          ReleaseAsked,        none>,
    Row<WaitForRlc,          EvRlc,           Released,            CircuitIdle,         none>,
    // §2.3.1 e) collision of releases: RLC to theirs, still waiting for the RLC to ours
    Row<WaitForRlc,          EvRel,           none,                act::SendRlc,        none>,
    Row<WaitForRlc,          EvReleaseReq,    none,                none,                none>,
    // §2.9.6 T1 / T5
    Row<WaitForRlc,          EvT1,            none,                ResendRel,           none>,
    Row<WaitForRlc,          EvT5,            Resetting,           Seq<act::SendRsc, CircuitReset>, none>,
    Row<Resetting,           EvT16,           none,                act::SendRsc,        none>,
    Row<Resetting,           EvT17,           none,                act::SendRsc,        none>,
    Row<Resetting,           EvRlc,           Released,            CircuitIdle,         none>,
    // §2.9.3.1 RSC received during the call
    Row<WaitForContinuity,   EvRsc,           Released,            Seq<DetachCheckLoop, ResetByFarEnd>, none>,
    Row<WaitForRecheck,      EvRsc,           Released,            Seq<act::SendRlc, CircuitIdle>, none>,
    Row<Rechecking,          EvRsc,           Released,            Seq<DetachCheckLoop, act::SendRlc, CircuitIdle>, none>,
    Row<WaitForAddress,      EvRsc,           Released,            ResetByFarEnd,       none>,
    Row<WaitForEndOfAddress, EvRsc,           Released,            ResetByFarEnd,       none>,
    Row<Proceeding,          EvRsc,           Released,            ResetByFarEnd,       none>,
    Row<Alerted,             EvRsc,           Released,            ResetByFarEnd,       none>,
    Row<Answered,            EvRsc,           Released,            ResetByFarEnd,       none>,
    Row<Suspended,           EvRsc,           Released,            ResetByFarEnd,       none>,
    Row<WaitForRlc,          EvRsc,           Released,            Seq<act::SendRlc, CircuitIdle>, none>,
    Row<Resetting,           EvRsc,           Released,            Seq<act::SendRlc, CircuitIdle>, none>
  >;
  // clang-format on
  struct transition_table : boost::mpl::joint_view<Setup, Release> {};
};

} // namespace

struct IncomingCall::Impl : Host<IncomingDef> {
  using Host::Host;
};

IncomingCall::IncomingCall(Port &port) : impl_(std::make_unique<Impl>(port)) {}
IncomingCall::~IncomingCall() = default;
void IncomingCall::process(const Event &e) { impl_->process(e); }
const char *IncomingCall::state() const { return impl_->state(); }
State IncomingCall::current() const { return impl_->state_as<State>(); }
bool IncomingCall::released() const { return impl_->released(); }

} // namespace mgc::cc::isup_call
