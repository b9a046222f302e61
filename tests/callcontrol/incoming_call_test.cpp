// The incoming ISUP half-call against Q.764, as traces (see recording_port.h).
#include "callcontrol/isup_call/incoming_call.h"
#include "recording_port.h"

#include <gtest/gtest.h>

using namespace mgc::cc::isup_call;
using cc_test::RecordingPort;

namespace {

struct Incoming : testing::Test {
  RecordingPort port;
  IncomingCall call{port};
  std::string run(const Event &e) {
    call.process(e);
    return port.take();
  }
};

// Q.764 §2.3.1 e): our REL crosses the far end's. RLC to theirs; the circuit is free when the RLC
// to ours has come too.
TEST_F(Incoming, ReleaseCollision) {
  run(EvIam{});
  run(EvAnswerReq{});
  EXPECT_EQ(run(EvReleaseReq{16, 0}), ">REL(16) +T1 +T5");
  EXPECT_EQ(run(EvRel{16, 0}), ">RLC");
  EXPECT_FALSE(call.released());
  EXPECT_EQ(run(EvRlc{}), "-T1 -T5 idle");
  EXPECT_TRUE(call.released());
  EXPECT_EQ(port.unexpected, 0);
}

TEST_F(Incoming, AnsweredCallReleasedByTheFarEnd) {
  EXPECT_EQ(run(EvIam{}), "setup");
  EXPECT_EQ(run(EvAlertingReq{}), ">ACM");
  EXPECT_EQ(run(EvProgressReq{}), ">CPG(inband)");
  EXPECT_EQ(run(EvAnswerReq{}), ">ANM");
  EXPECT_EQ(run(EvRel{16, 0}), ">RLC released(16) idle");
  EXPECT_TRUE(call.released());
  EXPECT_EQ(port.unexpected, 0);
}

TEST_F(Incoming, EarlyMediaFirstThenAnswerWithoutAlerting) {
  run(EvIam{});
  EXPECT_EQ(run(EvProgressReq{}), ">ACM(inband)");
  EXPECT_EQ(run(EvAnswerReq{}), ">ANM");
}

TEST_F(Incoming, AnswerBeforeAnyProgressIsConnect) {
  run(EvIam{});
  EXPECT_EQ(run(EvAnswerReq{}), ">CON");
}

TEST_F(Incoming, RejectedByTheOtherHalf) {
  run(EvIam{});
  EXPECT_EQ(run(EvReleaseReq{17, 10}), ">REL(17) +T1 +T5");
  EXPECT_EQ(run(EvRlc{}), "-T1 -T5 idle");
  EXPECT_TRUE(call.released());
}

TEST_F(Incoming, ContinuityCheck) {
  // Q.764 §2.1.8: a check on this circuit attaches the loop; T8 guards the wait for COT
  EXPECT_EQ(run(EvIam{1}), "loop +T8");
  EXPECT_STREQ(call.state(), "wait-for-continuity");
  EXPECT_EQ(run(EvSam{}), ""); // digits may come before the COT
  EXPECT_EQ(run(EvCot{true}), "-T8 unloop setup");
  EXPECT_STREQ(call.state(), "proceeding");
}

TEST_F(Incoming, ContinuityCheckedOnAPreviousCircuitNeedsNoLoop) {
  EXPECT_EQ(run(EvIam{2}), "+T8");
  EXPECT_EQ(run(EvCot{true}), "-T8 unloop setup");
}

TEST_F(Incoming, ContinuityFailureWaitsForTheRecheck) {
  run(EvIam{1});
  // §2.1.8: COT failure: the loop goes, T27 awaits the re-check request
  EXPECT_EQ(run(EvCot{false}), "-T8 unloop +T27");
  EXPECT_STREQ(call.state(), "wait-for-continuity-recheck");
  EXPECT_EQ(run(EvCcr{}), "-T27 loop");
  EXPECT_STREQ(call.state(), "continuity-recheck");
  EXPECT_EQ(run(EvCcr{}), "");
  // the re-check passed: the outgoing exchange releases the circuit
  EXPECT_EQ(run(EvRel{16, 0}), "unloop >RLC idle");
  EXPECT_TRUE(call.released());
  EXPECT_EQ(port.unexpected, 0);
}

TEST_F(Incoming, NoRecheckWithinT27ResetsTheCircuit) {
  run(EvIam{1});
  run(EvCot{false});
  EXPECT_EQ(run(EvT27{}), "-T27 >RSC reset +T16 +T17");
  EXPECT_EQ(run(EvRlc{}), "-T16 -T17 idle");
}

TEST_F(Incoming, NoCotWithinT8ReleasesWithCause41) {
  run(EvIam{1});
  EXPECT_EQ(run(EvT8{}), "-T8 unloop >REL(41) released(41) +T1 +T5");
  EXPECT_EQ(run(EvRlc{}), "-T1 -T5 idle");
}

TEST_F(Incoming, OverlapBelowTheMinimumRunsT35) {
  // RFC 3578 §2.1 / Q.764 §2.1.2: SAMs until the minimum; each one restarts T35
  port.addr = Address::Incomplete;
  EXPECT_EQ(run(EvIam{}), "+T35");
  EXPECT_STREQ(call.state(), "wait-for-address");
  EXPECT_EQ(run(EvSam{}), "-T35 +T35");
  port.addr = Address::Sufficient;
  EXPECT_EQ(run(EvSam{}), "-T35 +T10"); // RFC 3578 §2.2: enough to route, maybe not all
  EXPECT_EQ(run(EvSam{}), "-T10 +T10");
  port.addr = Address::Complete;
  EXPECT_EQ(run(EvSam{true}), "-T10 setup");
  EXPECT_EQ(run(EvSam{}), "digits"); // after routing: the owner disregards it
}

TEST_F(Incoming, T35ExpiryReleasesWithCause28) {
  port.addr = Address::Incomplete;
  run(EvIam{});
  EXPECT_EQ(run(EvT35{}), "-T35 >REL(28) released(28) +T1 +T5");
  EXPECT_EQ(run(EvRlc{}), "-T1 -T5 idle");
}

TEST_F(Incoming, T10ExpiryRoutesWhatArrived) {
  port.addr = Address::Sufficient;
  EXPECT_EQ(run(EvIam{}), "+T10");
  EXPECT_EQ(run(EvT10{}), "-T10 setup");
}

TEST_F(Incoming, OverlapAfterAContinuityCheck) {
  port.addr = Address::Incomplete;
  run(EvIam{1});
  EXPECT_EQ(run(EvCot{true}), "-T8 unloop +T35");
  EXPECT_EQ(run(EvRel{16, 0}), "-T35 >RLC released(16) idle");
}

TEST_F(Incoming, SuspendAndResumeBothWays) {
  run(EvIam{});
  run(EvAnswerReq{});
  EXPECT_EQ(run(EvSus{true}), "suspend +T6");
  EXPECT_EQ(run(EvRes{true}), "-T6 resume");
  // asked by the call (a SIP-T peer's SUS/RES): sent, no T6 here
  EXPECT_EQ(run(EvSuspendReq{}), ">SUS");
  EXPECT_STREQ(call.state(), "suspended");
  EXPECT_EQ(run(EvResumeReq{}), "-T6 >RES"); // T6 was not running: stopping it is harmless
  EXPECT_STREQ(call.state(), "answered");
  EXPECT_EQ(run(EvCpg{}), "progress"); // mid-call CPG
  EXPECT_EQ(port.unexpected, 0);
}

TEST_F(Incoming, NoResumeWithinT6ReleasesWithCause102) {
  run(EvIam{});
  run(EvAnswerReq{});
  run(EvSus{true});
  EXPECT_EQ(run(EvT6{}), "-T6 >REL(102) released(102) +T1 +T5");
}

TEST_F(Incoming, ResetByTheFarEnd) {
  run(EvIam{});
  run(EvAlertingReq{});
  EXPECT_EQ(run(EvRsc{}), ">RLC released(41) idle");
}

TEST_F(Incoming, UnexpectedEvents) {
  EXPECT_EQ(run(EvAcm{}), "unexpected(idle,ACM)");
  run(EvIam{});
  EXPECT_EQ(run(EvAnm{}), "unexpected(proceeding,ANM)");
  EXPECT_EQ(run(EvCot{}), "unexpected(proceeding,COT)");
  EXPECT_EQ(port.unexpected, 3);
}

} // namespace
