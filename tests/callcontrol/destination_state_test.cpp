// Reactions to others' congestion and unavailability on simulated time: the ACL of a REL
// (Q.764 §2.11) with T29/T30, MTP-STATUS congestion stepping (§2.10), user part availability
// control with T4 and UPT (§2.13), MTP-PAUSE/RESUME, and the share of new calls withheld.
#include "callcontrol/destination_state.h"
#include "core/sim_scheduler.h"
#include "isup/parameters.h"

#include <gtest/gtest.h>

using namespace mgc;
using namespace mgc::cc;
using isup::MessageType;
using V = DestinationStates::Verdict;

namespace {

constexpr uint32_t kPc = 100, kOther = 300;

struct Wire : IsupSender {
  std::vector<std::pair<uint32_t, isup::Message>> sent;
  void send(uint32_t dpc, const isup::Message &m) override { sent.emplace_back(dpc, m); }
};

isup::Message rel_with_acl(uint8_t level, MessageType t = MessageType::Rel) {
  isup::Message m;
  m.type = t;
  m.cic = 7;
  if (t == MessageType::Rel) {
    isup::CauseIndicators c;
    c.location = 2;
    c.cause_value = 42;
    m.add(c, isup::Part::MandatoryVariable);
  }
  isup::AutomaticCongestionLevel acl;
  acl.value = level;
  m.add(acl, isup::Part::Optional);
  return m;
}

isup::Message simple(MessageType t) {
  isup::Message m;
  m.type = t;
  m.cic = 3;
  return m;
}

struct Destinations : testing::Test {
  core::SimScheduler sched;
  IsupTimerValues timers;
  Wire wire;
  DestinationStates d{sched, timers, wire};
  void SetUp() override {
    d.add(kPc);
    d.set_cic_for([](uint32_t) { return std::optional<uint16_t>(1); });
  }
  // Offers `n` new calls toward kPc; returns how many were withheld.
  int withheld_of(int n) {
    int w = 0;
    for (int i = 0; i < n; ++i)
      w += d.admit_call(kPc) != V::Admit;
    return w;
  }
};

TEST_F(Destinations, NothingKnownAdmitsEverything) {
  EXPECT_EQ(withheld_of(100), 0);
  EXPECT_EQ(d.admit_call(kOther), V::Admit); // a point code no trunk group leads to
  auto v = d.find(kPc);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->available);
  EXPECT_EQ(v->offered, 100u);
  EXPECT_EQ(v->withheld, 0u);
}

TEST_F(Destinations, AclLevelsWithholdTheirShareEvenly) {
  EXPECT_FALSE(d.received(kPc, rel_with_acl(1)));
  EXPECT_EQ(d.counters().get(DestinationCounter::acl_received), 1u);
  // level 1: one in four (25 %), spread: the 4th, 8th ... offers
  EXPECT_EQ(d.admit_call(kPc), V::Admit);
  EXPECT_EQ(d.admit_call(kPc), V::Admit);
  EXPECT_EQ(d.admit_call(kPc), V::Admit);
  EXPECT_EQ(d.admit_call(kPc), V::Congested);
  EXPECT_EQ(withheld_of(96), 24);
  // level 2 after T29: three in four
  sched.advance(timers.ms(IsupTimer::T29));
  d.received(kPc, rel_with_acl(2));
  EXPECT_EQ(d.find(kPc)->acl_level, 2u);
  EXPECT_EQ(withheld_of(100), 75);
  // configured shares apply at once
  d.set_reduction({10, 50});
  EXPECT_EQ(withheld_of(100), 50);
  EXPECT_EQ(d.counters().get(DestinationCounter::withheld_congestion), 25u + 75u + 50u);
}

TEST_F(Destinations, AclWithinT29IsIgnoredAndT30EndsTheReduction) {
  d.received(kPc, rel_with_acl(1));
  sched.advance(timers.ms(IsupTimer::T29) - 1);
  d.received(kPc, rel_with_acl(2)); // same burst: ignored
  EXPECT_EQ(d.counters().get(DestinationCounter::acl_ignored_t29), 1u);
  EXPECT_EQ(d.find(kPc)->acl_level, 1u);
  EXPECT_TRUE(d.find(kPc)->t29);
  sched.advance(1);
  EXPECT_FALSE(d.find(kPc)->t29);
  EXPECT_TRUE(d.find(kPc)->t30);
  // T30 counts from the last ACL taken: no further ACL, back to normal at its expiry
  sched.advance(timers.ms(IsupTimer::T30) - timers.ms(IsupTimer::T29) - 1);
  EXPECT_EQ(d.find(kPc)->acl_level, 1u);
  sched.advance(1);
  EXPECT_EQ(d.find(kPc)->acl_level, 0u);
  EXPECT_FALSE(d.find(kPc)->t30);
  EXPECT_EQ(withheld_of(100), 0);
}

TEST_F(Destinations, AclAfterT29RestartsT30) {
  d.received(kPc, rel_with_acl(1));
  sched.advance(5000);
  d.received(kPc, rel_with_acl(1)); // a new ACL after T29: T30 again from here
  sched.advance(timers.ms(IsupTimer::T30) - 1);
  EXPECT_EQ(d.find(kPc)->acl_level, 1u);
  sched.advance(1);
  EXPECT_EQ(d.find(kPc)->acl_level, 0u);
}

TEST_F(Destinations, AclInRlcCountsAndTimersAreLive) {
  timers.set(IsupTimer::T30, 6000);
  d.received(kPc, rel_with_acl(2, MessageType::Rlc));
  EXPECT_EQ(d.find(kPc)->acl_level, 2u);
  sched.advance(6000);
  EXPECT_EQ(d.find(kPc)->acl_level, 0u);
  // a REL without ACL changes nothing
  d.received(kPc, simple(MessageType::Rel));
  EXPECT_EQ(d.find(kPc)->acl_level, 0u);
}

TEST_F(Destinations, MtpCongestionStepsUpAndDownPerQ764_2_10) {
  d.mtp_congestion(kPc, 1);
  EXPECT_EQ(d.find(kPc)->mtp_level, 1u);
  d.mtp_congestion(kPc, 1); // within T29
  EXPECT_EQ(d.find(kPc)->mtp_level, 1u);
  EXPECT_EQ(d.counters().get(DestinationCounter::mtp_congestion_ignored_t29), 1u);
  sched.advance(timers.ms(IsupTimer::T29));
  d.mtp_congestion(kPc, 1); // after T29, within T30: one step more
  EXPECT_EQ(d.find(kPc)->mtp_level, 2u);
  sched.advance(timers.ms(IsupTimer::T29));
  d.mtp_congestion(kPc, 1); // the last step reached by stepping is 2
  EXPECT_EQ(d.find(kPc)->mtp_level, 2u);
  EXPECT_EQ(withheld_of(100), 75);
  // T30 without an indication: one step back, T30 again, then full traffic
  sched.advance(timers.ms(IsupTimer::T30));
  EXPECT_EQ(d.find(kPc)->mtp_level, 1u);
  EXPECT_TRUE(d.find(kPc)->t30);
  sched.advance(timers.ms(IsupTimer::T30));
  EXPECT_EQ(d.find(kPc)->mtp_level, 0u);
  EXPECT_FALSE(d.find(kPc)->t30);
  EXPECT_EQ(withheld_of(100), 0);
}

TEST_F(Destinations, MtpCongestionLevelsAreTheLeastStepAndZeroRestores) {
  d.mtp_congestion(kPc, 3); // national option with levels: level 3 stops every new call
  EXPECT_EQ(d.find(kPc)->mtp_level, 3u);
  EXPECT_EQ(withheld_of(10), 10);
  d.mtp_congestion(kPc, 0);
  EXPECT_EQ(d.find(kPc)->mtp_level, 0u);
  EXPECT_FALSE(d.find(kPc)->t30);
  EXPECT_EQ(withheld_of(10), 0);
  d.mtp_congestion(kPc, 2);
  EXPECT_EQ(d.find(kPc)->mtp_level, 2u);
  // ACL and MTP congestion: the higher level rules
  d.received(kPc, rel_with_acl(1));
  EXPECT_EQ(withheld_of(100), 75);
}

TEST_F(Destinations, UserPartUnavailableTestsWithUptAtT4UntilAMessageComes) {
  d.user_part_unavailable(kPc, UserPartState::Inaccessible);
  EXPECT_EQ(d.admit_call(kPc), V::UserPartUnavailable);
  EXPECT_TRUE(d.find(kPc)->t4);
  EXPECT_TRUE(wire.sent.empty());
  sched.advance(timers.ms(IsupTimer::T4));
  ASSERT_EQ(wire.sent.size(), 1u);
  EXPECT_EQ(wire.sent[0].first, kPc);
  EXPECT_EQ(wire.sent[0].second.type, MessageType::Upt);
  sched.advance(timers.ms(IsupTimer::T4)); // unanswered: UPT again
  EXPECT_EQ(wire.sent.size(), 2u);
  EXPECT_EQ(d.counters().get(DestinationCounter::upt_sent), 2u);
  EXPECT_TRUE(d.received(kPc, simple(MessageType::Upa)));
  EXPECT_EQ(d.find(kPc)->user_part, UserPartState::Available);
  EXPECT_FALSE(d.find(kPc)->t4);
  EXPECT_EQ(d.admit_call(kPc), V::Admit);
  sched.advance(timers.ms(IsupTimer::T4));
  EXPECT_EQ(wire.sent.size(), 2u);
}

TEST_F(Destinations, AnyIsupMessageRestoresTheUserPart) {
  d.user_part_unavailable(kPc, UserPartState::Unequipped); // no test: management's business
  EXPECT_FALSE(d.find(kPc)->t4);
  EXPECT_EQ(d.admit_call(kPc), V::UserPartUnavailable);
  EXPECT_FALSE(d.received(kPc, simple(MessageType::Grs)));
  EXPECT_EQ(d.find(kPc)->user_part, UserPartState::Available);
  EXPECT_EQ(d.counters().get(DestinationCounter::user_part_available), 1u);
}

TEST_F(Destinations, UptIsAnsweredWithUpa) {
  EXPECT_TRUE(d.received(kPc, simple(MessageType::Upt)));
  ASSERT_EQ(wire.sent.size(), 1u);
  EXPECT_EQ(wire.sent[0].second.type, MessageType::Upa);
  EXPECT_EQ(wire.sent[0].second.cic, 3);
}

TEST_F(Destinations, PauseWithholdsEveryCallUntilResume) {
  d.paused(kPc);
  EXPECT_EQ(d.admit_call(kPc), V::Unavailable);
  EXPECT_FALSE(d.find(kPc)->available);
  d.resumed(kPc);
  d.resumed(kPc); // a second RESUME changes nothing
  EXPECT_EQ(d.admit_call(kPc), V::Admit);
  EXPECT_EQ(d.counters().get(DestinationCounter::resumed), 1u);
}

} // namespace
