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
  EXPECT_EQ(run(EvIam{true}), "+T8");
  EXPECT_STREQ(call.state(), "wait-for-continuity");
  EXPECT_EQ(run(EvCot{true}), "-T8 setup");
}

TEST_F(Incoming, ContinuityFailureAndTimeout) {
  run(EvIam{true});
  EXPECT_EQ(run(EvCot{false}), "-T8 idle");
  EXPECT_TRUE(call.released());
  RecordingPort p2;
  IncomingCall c2{p2};
  c2.process(EvIam{true});
  p2.take();
  c2.process(EvT8{});
  EXPECT_EQ(p2.take(), "-T8 >RSC reset +T16 +T17");
}

TEST_F(Incoming, OverlapDigits) {
  run(EvIam{});
  EXPECT_EQ(run(EvSam{}), "digits");
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
