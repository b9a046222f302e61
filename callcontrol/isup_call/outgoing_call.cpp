// Outgoing ISUP half-call, Q.764 §2.1-2.3 (outgoing exchange) and §2.9 (abnormal conditions):
// one row per transition of the procedures. States run their supervision timers: T7 while
// waiting for ACM, T9 while waiting for answer, T6 while suspended by the network, T1/T5 while
// waiting for RLC, T16/T17 while resetting. Compiled as C++17 (Boost.MSM, PLATFORM.md).
#include "callcontrol/isup_call/outgoing_call.h"

#include "callcontrol/isup_call/actions.h"

namespace mgc::cc::isup_call {
namespace {

namespace msmf = boost::msm::front;
using msmf::none;
using msmf::Row;
using namespace act;

struct OutgoingDef : HalfCallDef<OutgoingDef> {

  struct WaitForAcm : Timed<IsupTimer::T7> { static constexpr State id = State::WaitForAcm;
    static constexpr const char *name = "wait-for-acm"; };
  struct WaitForAnswer : Timed<IsupTimer::T9> {
    static constexpr State id = State::WaitForAnswer;
    static constexpr const char *name = "wait-for-answer";
  };

  using initial_state = Idle;

  // clang-format off
  struct transition_table : boost::mpl::vector<
    //  Start          Event              Next           Action                          Guard
    // §2.1.1 IAM sent; §2.1.3 overlap: SAM restarts T7
    Row<Idle,          EvSetupReq,        WaitForAcm,    SendIam,                        none>,
    Row<WaitForAcm,    EvMoreDigitsReq,   none,          SendSam,                        none>,
    // §2.1.8 continuity check on this circuit: COT once the test is done (success only here)
    Row<WaitForAcm,    EvContinuityReq,   none,          SendCotResult,                  ContinuityOk>,
    // §2.1.4 ACM / §2.1.6 CON / §2.1.7 ANM received
    Row<WaitForAcm,    EvAcm,             WaitForAnswer, NotifyAlerting,                 none>,
    Row<WaitForAcm,    EvCon,             Answered,      NotifyAnswer,                   none>,
    Row<WaitForAcm,    EvAnm,             Answered,      NotifyAnswer,                   none>,
    Row<WaitForAnswer, EvCpg,             none,          NotifyProgress,                 none>,
    Row<WaitForAnswer, EvAnm,             Answered,      NotifyAnswer,                   none>,
    Row<Answered,      EvCpg,             none,          NotifyProgress,                 none>,
    // T7 and T9 expiry: this exchange releases (§2.1.4.7 ... Annex A)
    Row<WaitForAcm,    EvT7,              WaitForRlc,    ReleaseOnTimer<kCauseTimerExpiry>, none>,
    Row<WaitForAnswer, EvT9,              WaitForRlc,    ReleaseOnTimer<kCauseNoAnswer>, none>,
    // §2.5 suspend and resume, from the far end (T6 if network initiated) or from the call
    Row<Answered,      EvSus,             Suspended,     NotifySuspend,                  none>,
    Row<Suspended,     EvRes,             Answered,      NotifyResume,                   none>,
    Row<Suspended,     EvT6,              WaitForRlc,    ReleaseOnTimer<kCauseTimerExpiry>, none>,
    Row<Answered,      EvSuspendReq,      Suspended,     SendSus,                        none>,
    Row<Suspended,     EvResumeReq,       Answered,      SendRes,                        none>,
    // §2.3.2 REL received: RLC
    Row<WaitForAcm,    EvRel,             Released,      ReleasedByFarEnd,               none>,
    Row<WaitForAnswer, EvRel,             Released,      ReleasedByFarEnd,               none>,
    Row<Answered,      EvRel,             Released,      ReleasedByFarEnd,               none>,
    Row<Suspended,     EvRel,             Released,      ReleasedByFarEnd,               none>,
    // §2.3.1 release from this side
    Row<WaitForAcm,    EvReleaseReq,      WaitForRlc,    ReleaseAsked,                   none>,
    Row<WaitForAnswer, EvReleaseReq,      WaitForRlc,    ReleaseAsked,                   none>,
    Row<Answered,      EvReleaseReq,      WaitForRlc,    ReleaseAsked,                   none>,
    Row<Suspended,     EvReleaseReq,      WaitForRlc,    ReleaseAsked,                   none>,
    Row<WaitForRlc,    EvRlc,             Released,      CircuitIdle,                    none>,
    // §2.3.1 e) collision of releases: answer the far end's REL with RLC and go on waiting for
    // the RLC to ours (T1/T5 keep running); the circuit is free once an RLC went each way
    Row<WaitForRlc,    EvRel,             none,          act::SendRlc,                   none>,
    Row<WaitForRlc,    EvReleaseReq,      none,          none,                           none>,
    // §2.9.6 T1: repeat REL; T5: reset the circuit, alert maintenance
    Row<WaitForRlc,    EvT1,              none,          ResendRel,                      none>,
    Row<WaitForRlc,    EvT5,              Resetting,     msmf::ActionSequence_<boost::mpl::vector<act::SendRsc, CircuitReset>>, none>,
    Row<Resetting,     EvT16,             none,          act::SendRsc,                   none>,
    Row<Resetting,     EvT17,             none,          act::SendRsc,                   none>,
    Row<Resetting,     EvRlc,             Released,      CircuitIdle,                    none>,
    // §2.9.1.4 dual seizure lost: the far end's call takes the circuit, ours is re-attempted
    Row<WaitForAcm,    EvDualSeizureLost, Released,      NotifyReattempt,                none>,
    // §2.9.3.1 RSC received during the call
    Row<WaitForAcm,    EvRsc,             Released,      ResetByFarEnd,                  none>,
    Row<WaitForAnswer, EvRsc,             Released,      ResetByFarEnd,                  none>,
    Row<Answered,      EvRsc,             Released,      ResetByFarEnd,                  none>,
    Row<Suspended,     EvRsc,             Released,      ResetByFarEnd,                  none>,
    Row<WaitForRlc,    EvRsc,             Released,      msmf::ActionSequence_<boost::mpl::vector<act::SendRlc, CircuitIdle>>, none>,
    Row<Resetting,     EvRsc,             Released,      msmf::ActionSequence_<boost::mpl::vector<act::SendRlc, CircuitIdle>>, none>
  > {};
  // clang-format on
};

} // namespace

struct OutgoingCall::Impl : Host<OutgoingDef> {
  using Host::Host;
};

OutgoingCall::OutgoingCall(Port &port) : impl_(std::make_unique<Impl>(port)) {}
OutgoingCall::~OutgoingCall() = default;
void OutgoingCall::process(const Event &e) { impl_->process(e); }
const char *OutgoingCall::state() const { return impl_->state(); }
State OutgoingCall::current() const { return impl_->state_as<State>(); }
bool OutgoingCall::released() const { return impl_->released(); }

} // namespace mgc::cc::isup_call
