// The outgoing ISUP half-call against Q.764: each test is a call as the far exchange would play
// it, checked as a trace of what the machine sent, started, stopped and told the call.
#include "callcontrol/isup_call/outgoing_call.h"
#include "recording_port.h"

#include <gtest/gtest.h>

using namespace mgc::cc::isup_call;
using cc_test::RecordingPort;

namespace {

struct Outgoing : testing::Test {
  RecordingPort port;
  OutgoingCall call{port};
  std::string run(const Event &e) {
    call.process(e);
    return port.take();
  }
};

TEST_F(Outgoing, AnsweredCallReleasedFromThisSide) {
  EXPECT_EQ(run(EvSetupReq{}), ">IAM +T7");
  EXPECT_STREQ(call.state(), "wait-for-acm");
  EXPECT_EQ(run(EvAcm{}), "-T7 alerting +T9");
  EXPECT_EQ(run(EvCpg{}), "progress");
  EXPECT_EQ(run(EvAnm{}), "-T9 answer");
  EXPECT_EQ(run(EvReleaseReq{16, 0}), ">REL(16) +T1 +T5");
  EXPECT_EQ(run(EvRlc{}), "-T1 -T5 idle");
  EXPECT_TRUE(call.released());
  EXPECT_TRUE(port.running.empty());
  EXPECT_EQ(port.unexpected, 0);
}

TEST_F(Outgoing, ReleasedByTheFarEndWithBusy) {
  run(EvSetupReq{});
  EXPECT_EQ(run(EvRel{17, 0}), "-T7 >RLC released(17) idle");
  EXPECT_TRUE(call.released());
}

TEST_F(Outgoing, ConnectWithoutAcm) {
  run(EvSetupReq{});
  EXPECT_EQ(run(EvCon{}), "-T7 answer");
  EXPECT_STREQ(call.state(), "answered");
}

TEST_F(Outgoing, OverlapSendingRestartsT7) {
  run(EvSetupReq{});
  EXPECT_EQ(run(EvMoreDigitsReq{}), ">SAM -T7 +T7");
}

TEST_F(Outgoing, NoAcmWithinT7) {
  run(EvSetupReq{});
  EXPECT_EQ(run(EvT7{}), "-T7 >REL(102) released(102) +T1 +T5");
  EXPECT_EQ(run(EvRlc{}), "-T1 -T5 idle");
}

TEST_F(Outgoing, NoAnswerWithinT9ReleasesWithCause19) {
  run(EvSetupReq{});
  run(EvAcm{});
  EXPECT_EQ(run(EvT9{}), "-T9 >REL(19) released(19) +T1 +T5");
}

TEST_F(Outgoing, RelIsRepeatedOnT1AndTheCircuitResetOnT5) {
  run(EvSetupReq{});
  run(EvReleaseReq{31, 2});
  EXPECT_EQ(run(EvT1{}), ">REL(31) +T1");
  EXPECT_EQ(run(EvT5{}), "-T1 -T5 >RSC reset +T16 +T17");
  EXPECT_EQ(run(EvT16{}), ">RSC");
  EXPECT_EQ(run(EvRlc{}), "-T16 -T17 idle");
  EXPECT_TRUE(call.released());
}

// Q.764 §2.3.1 e): both ends sent REL. Each answers the other's with RLC; the circuit is free
// once an RLC has gone each way, so T1/T5 guard the RLC to our REL until it comes.
TEST_F(Outgoing, ReleaseCollision) {
  run(EvSetupReq{});
  run(EvAcm{});
  run(EvReleaseReq{16, 0});
  EXPECT_EQ(run(EvRel{16, 0}), ">RLC");
  EXPECT_FALSE(call.released());
  EXPECT_EQ(run(EvRlc{}), "-T1 -T5 idle");
  EXPECT_TRUE(call.released());
}

TEST_F(Outgoing, DualSeizureLost) {
  run(EvSetupReq{});
  EXPECT_EQ(run(EvDualSeizureLost{}), "-T7 reattempt");
  EXPECT_TRUE(call.released());
}

TEST_F(Outgoing, SuspendAndResumeByTheNetwork) {
  run(EvSetupReq{});
  run(EvAnm{});
  EXPECT_EQ(run(EvSus{true}), "suspend +T6");
  EXPECT_EQ(run(EvRes{true}), "-T6 resume");
  run(EvSus{true});
  EXPECT_EQ(run(EvT6{}), "-T6 >REL(102) released(102) +T1 +T5");
}

TEST_F(Outgoing, SuspendAndResumeAskedByTheCall) {
  run(EvSetupReq{});
  run(EvAnm{});
  EXPECT_EQ(run(EvSuspendReq{true}), ">SUS");
  EXPECT_EQ(run(EvSuspendReq{true}), "unexpected(suspended,suspend.req)");
  EXPECT_EQ(run(EvResumeReq{true}), "-T6 >RES"); // leaving suspended stops T6 (not running)
  EXPECT_STREQ(call.state(), "answered");
}

TEST_F(Outgoing, ContinuityResultBeforeAcm) {
  run(EvSetupReq{});
  EXPECT_EQ(run(EvContinuityReq{true}), ">COT(ok)");
  EXPECT_STREQ(call.state(), "wait-for-acm");
}

TEST_F(Outgoing, ResetByTheFarEndDuringTheCall) {
  run(EvSetupReq{});
  run(EvAcm{});
  EXPECT_EQ(run(EvRsc{}), "-T9 >RLC released(41) idle");
}

TEST_F(Outgoing, UnexpectedMessagesAreReportedNotActedOn) {
  EXPECT_EQ(run(EvAnm{}), "unexpected(idle,ANM)");
  run(EvSetupReq{});
  EXPECT_EQ(run(EvCpg{}), "unexpected(wait-for-acm,CPG)");
  EXPECT_STREQ(call.state(), "wait-for-acm");
  run(EvRel{16, 0});
  EXPECT_EQ(run(EvRlc{}), "unexpected(released,RLC)");
  EXPECT_EQ(port.unexpected, 3);
}

} // namespace
