// The SIP half-call machines against RFC 3261 / RFC 3398: each test plays a call as the SIP peer
// and the other half would, checked as a trace of what the machine sent on the leg and told the
// call; every row of both tables is taken at least once, and events a state has no row for are
// reported with machine, state and event names and counted.
#include "callcontrol/sip_call/incoming_sip_call.h"
#include "callcontrol/sip_call/outgoing_sip_call.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace mgc::cc::sip_call;

namespace {

class RecordingSipPort : public Port {
public:
  std::vector<std::string> trace;
  int unexpected = 0;

  std::string take() {
    std::string s;
    for (auto &t : trace)
      s += (s.empty() ? "" : " ") + t;
    trace.clear();
    return s;
  }

  void send_provisional(int status) override { trace.push_back(">" + std::to_string(status)); }
  void send_answer() override { trace.push_back(">200"); }
  void send_reject(int status, uint8_t cause) override {
    trace.push_back(">" + std::to_string(status) + "/" + std::to_string(cause));
  }
  void send_cancel(uint8_t cause) override { trace.push_back(">CANCEL/" + std::to_string(cause)); }
  void send_bye(uint8_t cause) override { trace.push_back(">BYE/" + std::to_string(cause)); }
  void on_provisional(int status, bool early_media) override {
    trace.push_back("provisional(" + std::to_string(status) + (early_media ? ",sdp)" : ")"));
  }
  void on_answered() override { trace.push_back("answered"); }
  void on_failed(int status, uint8_t cause, bool local) override {
    trace.push_back("failed(" + std::to_string(status) + "," + std::to_string(cause) +
                    (local ? ",local)" : ")"));
  }
  void on_cancelled() override { trace.push_back("cancelled"); }
  void on_bye(std::optional<uint8_t> cause) override {
    trace.push_back("bye(" + (cause ? std::to_string(*cause) : std::string("-")) + ")");
  }
  void on_sip_over(bool dialog_over) override { trace.push_back(dialog_over ? "over" : "winding"); }
  void on_unexpected(const char *machine, const char *state, const char *event) override {
    ++unexpected;
    trace.push_back(std::string("unexpected(") + machine + "," + state + "," + event + ")");
  }
};

// ---- incoming (UAS) ---------------------------------------------------------------------------
struct IncomingSip : testing::Test {
  RecordingSipPort port;
  IncomingSipCall call{port};
  std::string run(const Event &e) {
    call.process(e);
    return port.take();
  }
};

TEST_F(IncomingSip, RingingAnsweredThenTheCallerHangsUp) {
  EXPECT_STREQ(call.state(), "proceeding");
  EXPECT_EQ(run(EvProgressReq{180}), ">180");
  EXPECT_STREQ(call.state(), "early");
  EXPECT_EQ(run(EvProgressReq{183}), ">183");
  EXPECT_EQ(run(EvAnswerReq{}), ">200");
  EXPECT_STREQ(call.state(), "answered");
  EXPECT_FALSE(call.over());
  EXPECT_EQ(run(EvCancel{}), ""); // §9.2: too late, no effect
  EXPECT_STREQ(call.state(), "answered");
  EXPECT_EQ(run(EvBye{}), "bye(-) over");
  EXPECT_TRUE(call.over());
  EXPECT_TRUE(call.terminated());
  EXPECT_EQ(port.unexpected, 0);
}

TEST_F(IncomingSip, AnsweredWithoutAlertingThenThePstnHangsUp) {
  EXPECT_EQ(run(EvAnswerReq{}), ">200"); // RFC 3398 §7.2.7 CON
  EXPECT_EQ(run(EvHangupReq{16, 480}), ">BYE/16 over");
  EXPECT_STREQ(call.state(), "terminated");
  EXPECT_EQ(run(EvHangupReq{16, 480}), ""); // a second release of the call: already done
  EXPECT_EQ(port.unexpected, 0);
}

TEST_F(IncomingSip, HangupBeforeTheFinalResponseIsAFinalError) {
  EXPECT_EQ(run(EvHangupReq{19, 480}), ">480/19 over"); // §15: no BYE on an early dialog
  EXPECT_TRUE(call.terminated());
}

TEST_F(IncomingSip, HangupInTheEarlyDialogIsAFinalErrorToo) {
  run(EvProgressReq{180});
  EXPECT_EQ(run(EvHangupReq{41, 503}), ">503/41 over");
}

TEST_F(IncomingSip, RejectedBeforeAndAfterAProvisional) {
  EXPECT_EQ(run(EvRejectReq{404, 3}), ">404/3 over");
  EXPECT_EQ(run(EvRejectReq{404, 3}), ""); // the release crossed: nothing more to send
  IncomingSipCall other{port};
  other.process(EvProgressReq{180});
  other.process(EvRejectReq{486, 17});
  EXPECT_EQ(port.take(), ">180 >486/17 over");
  EXPECT_EQ(port.unexpected, 0);
}

TEST_F(IncomingSip, CancelBeforeAnyProvisional) {
  EXPECT_EQ(run(EvCancel{}), "cancelled over");
  EXPECT_TRUE(call.over());
}

TEST_F(IncomingSip, CancelInTheEarlyDialog) {
  run(EvProgressReq{183});
  EXPECT_EQ(run(EvCancel{}), "cancelled over");
}

TEST_F(IncomingSip, ByeBeforeTheFinalResponseIsTakenAsCancel) {
  EXPECT_EQ(run(EvBye{31}), "bye(31) over"); // RFC 3398 §7.2.3
  IncomingSipCall early{port};
  early.process(EvProgressReq{180});
  early.process(EvBye{});
  EXPECT_EQ(port.take(), ">180 bye(-) over");
}

TEST_F(IncomingSip, ARejectAfterThe200IsImpossible) {
  run(EvAnswerReq{});
  EXPECT_EQ(run(EvRejectReq{486, 17}), "unexpected(sip-incoming,answered,reject.req)");
  EXPECT_EQ(run(EvProgressReq{180}), "unexpected(sip-incoming,answered,progress.req)");
  EXPECT_EQ(run(EvAnswerReq{}), "unexpected(sip-incoming,answered,answer.req)");
  EXPECT_STREQ(call.state(), "answered");
  EXPECT_EQ(port.unexpected, 3);
}

TEST_F(IncomingSip, ResponsesAreNotForAUasAndLateEventsAreCounted) {
  EXPECT_EQ(run(EvProvisional{180}), "unexpected(sip-incoming,proceeding,1xx)");
  EXPECT_EQ(run(EvAnswered{}), "unexpected(sip-incoming,proceeding,2xx)");
  EXPECT_EQ(run(EvFailed{486, 17}), "unexpected(sip-incoming,proceeding,final-error)");
  run(EvCancel{});
  EXPECT_EQ(run(EvBye{}), "unexpected(sip-incoming,terminated,BYE)");
  EXPECT_EQ(run(EvAnswerReq{}), "unexpected(sip-incoming,terminated,answer.req)");
  EXPECT_EQ(port.unexpected, 5);
}

// ---- outgoing (UAC) ---------------------------------------------------------------------------
struct OutgoingSip : testing::Test {
  RecordingSipPort port;
  OutgoingSipCall call{port};
  std::string run(const Event &e) {
    call.process(e);
    return port.take();
  }
};

TEST_F(OutgoingSip, RingingAnsweredThenTheCalleeHangsUp) {
  EXPECT_STREQ(call.state(), "calling");
  EXPECT_EQ(run(EvProvisional{180, false}), "provisional(180)");
  EXPECT_STREQ(call.state(), "early");
  EXPECT_EQ(run(EvProvisional{183, true}), "provisional(183,sdp)");
  EXPECT_EQ(run(EvAnswered{}), "answered");
  EXPECT_STREQ(call.state(), "answered");
  EXPECT_EQ(run(EvBye{16}), "bye(16) over");
  EXPECT_TRUE(call.terminated());
  EXPECT_EQ(port.unexpected, 0);
}

TEST_F(OutgoingSip, OtherProvisionalsOnlyShowProgress) {
  EXPECT_EQ(run(EvProvisional{181}), "provisional(181)");
  EXPECT_STREQ(call.state(), "proceeding");
  EXPECT_EQ(run(EvProvisional{182}), "provisional(182)");
  EXPECT_STREQ(call.state(), "proceeding");
  EXPECT_EQ(run(EvProvisional{183, true}), "provisional(183,sdp)");
  EXPECT_STREQ(call.state(), "early");
}

TEST_F(OutgoingSip, AnsweredAtOnceThenThePstnHangsUp) {
  EXPECT_EQ(run(EvAnswered{}), "answered");
  EXPECT_EQ(run(EvHangupReq{16}), ">BYE/16 over"); // §15.1.1
  EXPECT_EQ(run(EvHangupReq{16}), "");
  EXPECT_EQ(port.unexpected, 0);
}

TEST_F(OutgoingSip, AnsweredAfterProceeding) {
  run(EvProvisional{182});
  EXPECT_EQ(run(EvAnswered{}), "answered");
}

TEST_F(OutgoingSip, FinalErrorsInEachStateBeforeTheAnswer) {
  EXPECT_EQ(run(EvFailed{486, 17}), "failed(486,17) over");
  OutgoingSipCall proceeding{port};
  proceeding.process(EvProvisional{181});
  proceeding.process(EvFailed{480, 18});
  EXPECT_EQ(port.take(), "provisional(181) failed(480,18) over");
  OutgoingSipCall early{port};
  early.process(EvProvisional{180});
  early.process(EvFailed{408, 102, true}); // Timer B
  EXPECT_EQ(port.take(), "provisional(180) failed(408,102,local) over");
  EXPECT_EQ(port.unexpected, 0);
}

TEST_F(OutgoingSip, HangupInTheEarlyDialogCancels) {
  run(EvProvisional{180});
  EXPECT_EQ(run(EvHangupReq{16}), ">CANCEL/16 winding");
  EXPECT_TRUE(call.over());
  EXPECT_FALSE(call.terminated());
  EXPECT_EQ(run(EvHangupReq{31}), ""); // already cancelling
  EXPECT_EQ(run(EvProvisional{183}), ""); // sent before the peer saw the CANCEL
  EXPECT_EQ(run(EvFailed{487, 16}), "over"); // §9.1: 487 ends it; the call is not told again
  EXPECT_TRUE(call.terminated());
}

TEST_F(OutgoingSip, HangupWhileProceedingCancels) {
  run(EvProvisional{181});
  EXPECT_EQ(run(EvHangupReq{18}), ">CANCEL/18 winding");
}

TEST_F(OutgoingSip, A2xxCrossingTheCancelIsEndedWithBye) {
  run(EvProvisional{180});
  run(EvHangupReq{16});
  EXPECT_EQ(run(EvAnswered{}), ">BYE/16 over"); // §15
  EXPECT_EQ(port.unexpected, 0);
}

TEST_F(OutgoingSip, NoCancelBeforeAProvisional) {
  EXPECT_EQ(run(EvHangupReq{19}), "winding"); // §9.1: the CANCEL waits
  EXPECT_STREQ(call.state(), "cancel-pending");
  EXPECT_EQ(run(EvHangupReq{16}), "");
  EXPECT_EQ(run(EvProvisional{180}), ">CANCEL/19 winding");
  EXPECT_STREQ(call.state(), "cancelling");
}

TEST_F(OutgoingSip, HeldHangupMeetsA2xxOrAFinalError) {
  run(EvHangupReq{31});
  EXPECT_EQ(run(EvAnswered{}), ">BYE/31 over");
  OutgoingSipCall failed{port};
  failed.process(EvHangupReq{16});
  failed.process(EvFailed{503, 41});
  EXPECT_EQ(port.take(), "winding over"); // the call already let go: not told
  EXPECT_EQ(port.unexpected, 0);
}

TEST_F(OutgoingSip, UnexpectedEventsAreReportedNotActedOn) {
  EXPECT_EQ(run(EvBye{}), "unexpected(sip-outgoing,calling,BYE)");
  run(EvProvisional{180});
  // §15: a UAS must not send BYE on an early dialog
  EXPECT_EQ(run(EvBye{}), "unexpected(sip-outgoing,early,BYE)");
  EXPECT_EQ(run(EvCancel{}), "unexpected(sip-outgoing,early,CANCEL)");
  EXPECT_EQ(run(EvAnswerReq{}), "unexpected(sip-outgoing,early,answer.req)");
  run(EvAnswered{});
  EXPECT_EQ(run(EvProvisional{180}), "unexpected(sip-outgoing,answered,1xx)");
  EXPECT_EQ(run(EvFailed{500, 16}), "unexpected(sip-outgoing,answered,final-error)");
  EXPECT_EQ(run(EvRejectReq{486, 17}), "unexpected(sip-outgoing,answered,reject.req)");
  EXPECT_STREQ(call.state(), "answered");
  run(EvBye{});
  EXPECT_EQ(run(EvAnswered{}), "unexpected(sip-outgoing,terminated,2xx)");
  EXPECT_EQ(port.unexpected, 8);
}

} // namespace
