// Circuit supervision (Q.764 §2.8, §2.9.3, §2.12) as the far exchange sees it: every message this
// side sends is encoded with the ISUP codec and compared as octets.
#include "callcontrol/circuit_supervision.h"
#include "core/hex.h"
#include "isup/codec.h"

#include <gtest/gtest.h>

using namespace mgc::cc;
using mgc::isup::Message;
using mgc::isup::MessageType;

namespace {

class Port : public SupervisionPort {
public:
  std::vector<std::string> out;
  void send(const Message &m) override {
    std::vector<uint8_t> b;
    mgc::Status s = mgc::isup::encode(m, mgc::isup::EncodeOptions{}, b);
    out.push_back(s.ok() ? mgc::hex_encode(b) : std::string(s.detail()));
  }
  void start_timer(uint16_t cic, IsupTimer t, uint32_t) override {
    out.push_back("+" + name(t) + "@" + std::to_string(cic));
  }
  void stop_timer(uint16_t cic, IsupTimer t) override {
    out.push_back("-" + name(t) + "@" + std::to_string(cic));
  }
  void release_call(uint32_t ref, uint16_t, uint8_t cause) override {
    out.push_back("release(" + std::to_string(ref) + "," + std::to_string(cause) + ")");
  }
  void reattempt_call(uint32_t ref, uint16_t) override {
    out.push_back("reattempt(" + std::to_string(ref) + ")");
  }
  void maintenance_alert(uint16_t cic, const char *) override {
    out.push_back("alert@" + std::to_string(cic));
  }
  std::string take() {
    std::string s;
    for (auto &x : out)
      s += (s.empty() ? "" : " ") + x;
    out.clear();
    return s;
  }
  static std::string name(IsupTimer t) {
    return std::string(isup_timer_table()[static_cast<std::size_t>(t)].name);
  }
};

Message decode(const std::string &hex) {
  Message m;
  auto r = mgc::isup::decode(*mgc::hex_decode(hex), mgc::isup::DecodeOptions{}, m);
  EXPECT_TRUE(r.status.ok()) << hex;
  return m;
}

struct Supervision : testing::Test {
  CircuitGroup group{"tg", 200, 100, Hunting::Sequential};
  Port port;
  IsupTimerValues timers;
  CircuitSupervision sup{group, port, timers};
  void SetUp() override {
    group.add_range(1, 31);
    group.add_range(33, 40);
  }
  std::string rx(const std::string &hex) {
    EXPECT_TRUE(sup.receive(decode(hex)));
    return port.take();
  }
};

TEST_F(Supervision, BlockingAndUnblockingFromTheFarEnd) {
  EXPECT_EQ(rx("050013"), "050015"); // BLO -> BLA
  EXPECT_TRUE(group.find(5)->blocking.remote_maintenance);
  EXPECT_EQ(group.seize_outgoing(1)->cic, 2); // 5 is skipped later; hunting still works
  EXPECT_EQ(rx("050014"), "050016"); // UBL -> UBA
  EXPECT_FALSE(group.find(5)->blocking.remote_maintenance);
}

TEST_F(Supervision, UnknownCircuitIsAnsweredWithUcic) {
  EXPECT_EQ(rx("200013"), "20002e"); // CIC 32 is not in the group
}

TEST_F(Supervision, BlockingAnOutgoingCallMakesItReattempt) {
  Circuit *c = group.seize_outgoing(77);
  const std::string cic = mgc::hex_encode(std::vector<uint8_t>{uint8_t(c->cic), 0});
  EXPECT_EQ(rx(cic + "13"), "reattempt(77) " + cic + "15");
}

TEST_F(Supervision, GroupBlockingMaintenanceAndHardware) {
  // CGB maintenance, CIC 1, range 7, all 8 circuits
  EXPECT_EQ(rx("01001800010207ff"), "0100" "1a" "00" "01" "0207ff");
  for (uint16_t cic = 1; cic <= 8; ++cic)
    EXPECT_TRUE(group.find(cic)->blocking.remote_maintenance);
  // hardware CGB over circuits 9-10 with a call on 10: the call cannot continue
  group.find(10)->call = CircuitCall::IncomingBusy;
  group.find(10)->call_ref = 5;
  EXPECT_EQ(rx("0900180101020103"), "release(5,41) 0900" "1a" "01" "01" "020103");
  EXPECT_TRUE(group.find(10)->blocking.remote_hardware);
  EXPECT_EQ(group.find(10)->call, CircuitCall::Idle);
  EXPECT_EQ(rx("0100190001020701"), "0100" "1b" "00" "01" "020701"); // CGU just circuit 1
  EXPECT_FALSE(group.find(1)->blocking.remote_maintenance);
  EXPECT_TRUE(group.find(2)->blocking.remote_maintenance);
}

TEST_F(Supervision, GroupResetFromTheFarEnd) {
  group.find(2)->call = CircuitCall::OutgoingBusy;
  group.find(2)->call_ref = 9;
  group.find(3)->blocking.local_maintenance = true;
  group.find(4)->blocking.remote_maintenance = true;
  // GRS CIC 1 range 3 -> calls released, GRA with circuit 3 (bit 2) locally blocked
  EXPECT_EQ(rx("0100170101" "03"), "release(9,41) 0100" "29" "01" "02" "0304");
  EXPECT_EQ(group.find(2)->call, CircuitCall::Idle);
  EXPECT_FALSE(group.find(4)->blocking.remote_maintenance);
}

TEST_F(Supervision, GroupResetWithAnUnusableRangeIsDiscarded) {
  EXPECT_EQ(rx("0100170101" "00"), "");
  EXPECT_EQ(rx("0100170101" "40"), "");
}

TEST_F(Supervision, LocalBlockingWithRepetitionAndAlert) {
  ASSERT_TRUE(sup.block(7));
  EXPECT_EQ(port.take(), "070013 +T12@7 +T13@7");
  EXPECT_TRUE(group.find(7)->blocking.local_maintenance);
  sup.on_timer(7, IsupTimer::T12);
  EXPECT_EQ(port.take(), "070013 +T12@7");
  sup.on_timer(7, IsupTimer::T13);
  EXPECT_EQ(port.take(), "070013 -T12@7 alert@7 +T13@7");
  EXPECT_EQ(rx("070015"), "-T12@7 -T13@7"); // BLA ends it
  EXPECT_FALSE(sup.pending(7));
}

TEST_F(Supervision, UnexpectedAcknowledgementsAreCorrected) {
  EXPECT_EQ(rx("070015"), "070014"); // BLA, not blocked here -> UBL (§2.9.4)
  group.find(8)->blocking.local_maintenance = true;
  EXPECT_EQ(rx("080016"), "080013"); // UBA, blocked here -> BLO
}

// Found against libss7 (docs/interop.md): an operator's unblock right after a block sends UBL
// before the far end's BLA is read; that BLA answers our own BLO, it is not unexpected, so no
// second UBL follows it (before, the circuit got UBL twice). Likewise a UBA overtaken by a BLO.
TEST_F(Supervision, AnAcknowledgementOvertakenByTheOppositeRequestIsNoSurprise) {
  ASSERT_TRUE(sup.block(9));
  EXPECT_EQ(port.take(), "090013 +T12@9 +T13@9");
  ASSERT_TRUE(sup.unblock(9));
  EXPECT_EQ(port.take(), "-T12@9 -T13@9 090014 +T14@9 +T15@9");
  EXPECT_EQ(rx("090015"), ""); // the BLA of our BLO
  EXPECT_EQ(rx("090016"), "-T14@9 -T15@9"); // the UBA ends the unblocking
  EXPECT_EQ(rx("090015"), "090014"); // a BLA now is unexpected: UBL (§2.9.4)
  ASSERT_TRUE(sup.unblock(9));
  port.take();
  ASSERT_TRUE(sup.block(9));
  EXPECT_EQ(port.take(), "-T14@9 -T15@9 090013 +T12@9 +T13@9");
  EXPECT_EQ(rx("090016"), ""); // the UBA of our UBL
  EXPECT_EQ(rx("090015"), "-T12@9 -T13@9");
}

TEST_F(Supervision, LocalGroupResetAndAcknowledgement) {
  ASSERT_TRUE(sup.group_reset(1, 3));
  EXPECT_EQ(port.take(), "0100170101" "03 +T22@1 +T23@1");
  EXPECT_EQ(group.find(2)->call, CircuitCall::Resetting);
  // GRA: circuit 2 (bit 1) blocked for maintenance at the far end
  EXPECT_EQ(rx("0100290102" "0302"), "-T22@1 -T23@1");
  EXPECT_EQ(group.find(2)->call, CircuitCall::Idle);
  EXPECT_TRUE(group.find(2)->blocking.remote_maintenance);
  EXPECT_FALSE(group.find(3)->blocking.remote_maintenance);
}

TEST_F(Supervision, ResetAllCoversEveryRunOfCircuits) {
  sup.reset_all();
  // 1-31 as one GRS of range 30, 33-40 as range 7
  EXPECT_EQ(port.take(), "0100170101" "1e +T22@1 +T23@1 2100170101" "07 +T22@33 +T23@33");
}

TEST_F(Supervision, ResetOfAnIdleLocallyBlockedCircuit) {
  group.find(6)->blocking.local_maintenance = true;
  EXPECT_EQ(rx("060012"), "06001000 060013"); // RSC -> RLC, then BLO again (§2.9.3.1)
}

TEST_F(Supervision, LocalResetCompletesOnRlc) {
  ASSERT_TRUE(sup.reset(9));
  EXPECT_EQ(port.take(), "090012 +T16@9 +T17@9");
  EXPECT_TRUE(sup.reset_complete(9));
  EXPECT_EQ(port.take(), "-T16@9 -T17@9");
  EXPECT_FALSE(sup.reset_complete(9));
}

TEST_F(Supervision, CircuitGroupQuery) {
  group.find(1)->call = CircuitCall::IncomingBusy;
  group.find(2)->blocking.local_maintenance = true;
  // CQM CIC 1 range 2 -> CQR: incoming busy; idle + locally blocked; idle
  EXPECT_EQ(rx("01002a0101" "02"), "01002b0203" "0102" "03" "040d0c");
}

TEST_F(Supervision, UnequippedAtTheFarEnd) {
  Circuit *c = group.seize_outgoing(3);
  const std::string cic = mgc::hex_encode(std::vector<uint8_t>{uint8_t(c->cic), 0});
  EXPECT_EQ(rx(cic + "2e"), "reattempt(3) alert@" + std::to_string(c->cic));
  EXPECT_TRUE(c->remote_unequipped);
}

} // namespace
