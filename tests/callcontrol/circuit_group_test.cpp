// Hunting, dual-seizure control (Q.764 §2.9.1) and blocking effects on seizure.
#include "callcontrol/circuit_group.h"

#include <gtest/gtest.h>

using namespace mgc::cc;

TEST(CircuitGroup, RangesDoNotOverlap) {
  CircuitGroup g("tg", 2, 1, Hunting::Sequential);
  EXPECT_TRUE(g.add_range(1, 15));
  EXPECT_TRUE(g.add_range(17, 31));
  EXPECT_FALSE(g.add_range(10, 20));
  EXPECT_FALSE(g.add_range(40, 35));
  EXPECT_EQ(g.circuits().size(), 30u);
  EXPECT_TRUE(g.find(17));
  EXPECT_FALSE(g.find(16));
}

TEST(CircuitGroup, HigherPointCodeControlsEvenCircuits) {
  CircuitGroup high("a", 200, 100, Hunting::Sequential);
  CircuitGroup low("b", 100, 200, Hunting::Sequential);
  EXPECT_TRUE(high.controls(2));
  EXPECT_FALSE(high.controls(3));
  EXPECT_FALSE(low.controls(2));
  EXPECT_TRUE(low.controls(3));
}

TEST(CircuitGroup, BilateralGlareAgreementOverridesThePointCodeRule) {
  CircuitGroup g("a", 200, 100, Hunting::Sequential); // by point code: the even CICs
  EXPECT_EQ(g.glare(), GlareControl::PointCode);
  g.set_glare(GlareControl::Odd);
  EXPECT_FALSE(g.controls(2));
  EXPECT_TRUE(g.controls(3));
  g.set_glare(GlareControl::Even);
  EXPECT_TRUE(g.controls(2));
  EXPECT_FALSE(g.controls(3));
  g.set_glare(GlareControl::None);
  EXPECT_FALSE(g.controls(2));
  EXPECT_FALSE(g.controls(3));
  g.set_glare(GlareControl::All);
  EXPECT_TRUE(g.controls(2));
  EXPECT_TRUE(g.controls(3));
  EXPECT_STREQ(glare_control_name(GlareControl::All), "all");
}

TEST(CircuitGroup, DualSeizureFollowsTheGlareAgreement) {
  CircuitGroup g("a", 200, 100, Hunting::Sequential); // would control CIC 2 by point code
  g.set_glare(GlareControl::None);
  g.add_range(2, 2);
  ASSERT_EQ(g.seize_outgoing(7)->cic, 2);
  uint32_t displaced = 0;
  EXPECT_EQ(g.seize_incoming(2, 8, &displaced), CircuitGroup::IncomingSeizure::DualSeizureWeYield);
  EXPECT_EQ(displaced, 7u);
  CircuitGroup w("b", 100, 200, Hunting::Sequential); // would yield CIC 2 by point code
  w.set_glare(GlareControl::All);
  w.add_range(2, 2);
  ASSERT_EQ(w.seize_outgoing(7)->cic, 2);
  EXPECT_EQ(w.seize_incoming(2, 8), CircuitGroup::IncomingSeizure::DualSeizureWeWin);
}

TEST(CircuitGroup, SequentialHuntsControlledCircuitsFirst) {
  CircuitGroup g("tg", 200, 100, Hunting::Sequential); // controls even CICs
  g.add_range(1, 6);
  EXPECT_EQ(g.seize_outgoing(1)->cic, 2);
  EXPECT_EQ(g.seize_outgoing(2)->cic, 4);
  EXPECT_EQ(g.seize_outgoing(3)->cic, 6);
  EXPECT_EQ(g.seize_outgoing(4)->cic, 1); // then the ones the far end controls
  EXPECT_EQ(g.seize_outgoing(5)->cic, 3);
  EXPECT_EQ(g.seize_outgoing(6)->cic, 5);
  EXPECT_EQ(g.seize_outgoing(7), nullptr); // all busy: cause 34
}

TEST(CircuitGroup, SequentialHuntingSeesCircuitsFreedOrUnblockedBelowItsLastSeizure) {
  // Hunting resumes past the busy circuits, but a circuit that became usable again below them
  // (idle after its call, unblocked, equipped again) is the first one taken, as before.
  CircuitGroup g("tg", 200, 100, Hunting::Sequential); // controls even CICs
  g.add_range(1, 100);
  for (uint32_t ref = 1; ref <= 100; ++ref)
    ASSERT_NE(g.seize_outgoing(ref), nullptr);
  EXPECT_EQ(g.seize_outgoing(101), nullptr);
  g.idle(37);
  g.idle(90);
  EXPECT_EQ(g.seize_outgoing(102)->cic, 90); // controlled first
  EXPECT_EQ(g.seize_outgoing(103)->cic, 37);
  EXPECT_EQ(g.seize_outgoing(104), nullptr);
  // Blocked while idle, then unblocked through find(): hunted again.
  g.idle(12);
  g.find(12)->blocking.local_maintenance = true;
  EXPECT_EQ(g.seize_outgoing(105), nullptr);
  g.find(12)->blocking.local_maintenance = false;
  EXPECT_EQ(g.seize_outgoing(106)->cic, 12);
  g.idle(3);
  g.find(3)->remote_unequipped = true;
  EXPECT_EQ(g.seize_outgoing(107), nullptr);
  g.find(3)->remote_unequipped = false;
  EXPECT_EQ(g.seize_outgoing(108)->cic, 3);
}

TEST(CircuitGroup, RoundRobinAndLeastRecentlyUsed) {
  CircuitGroup rr("rr", 200, 100, Hunting::RoundRobin);
  rr.add_range(1, 8);
  Circuit *a = rr.seize_outgoing(1);
  rr.idle(a->cic);
  Circuit *b = rr.seize_outgoing(2);
  EXPECT_NE(a->cic, b->cic); // moves on even though the first one is free again

  CircuitGroup lru("lru", 200, 100, Hunting::LeastRecentlyUsed);
  lru.add_range(1, 8);
  for (uint16_t cic : {2, 4, 6, 8}) { // release order 2, 4, 6, 8
    lru.find(cic)->call = CircuitCall::OutgoingBusy;
    lru.idle(cic);
  }
  lru.find(2)->call = CircuitCall::OutgoingBusy;
  lru.idle(2); // 2 is now the most recently used
  EXPECT_EQ(lru.seize_outgoing(9)->cic, 4);
}

// Least-recently-used hunting keeps its candidates in a lazy heap instead of scanning the group;
// under random seizures, releases, blocking and unequipping it must pick exactly what a scan
// picks: controlled circuits first (Q.764 §2.9.1.3), within them the one released longest ago,
// the lower CIC on a tie.
TEST(CircuitGroup, LeastRecentlyUsedPicksWhatAScanPicks) {
  for (GlareControl glare : {GlareControl::PointCode, GlareControl::All, GlareControl::None}) {
    CircuitGroup g("lru", 200, 100, Hunting::LeastRecentlyUsed);
    g.set_glare(glare);
    g.add_range(1, 40);
    uint32_t rng = 12345;
    auto next = [&rng](uint32_t n) {
      rng = rng * 1103515245u + 12345u;
      return (rng >> 16) % n;
    };
    auto scan = [&g]() -> uint16_t {
      const Circuit *best = nullptr;
      for (bool want : {true, false}) {
        for (const auto &c : g.circuits())
          if (c.call == CircuitCall::Idle && !c.blocking.any() && !c.remote_unequipped &&
              g.controls(c.cic) == want && (!best || c.released_at < best->released_at))
            best = &c;
        if (best)
          break;
      }
      return best ? best->cic : 0;
    };
    for (uint32_t step = 0; step < 20000; ++step) {
      const auto cic = static_cast<uint16_t>(1 + next(40));
      switch (next(6)) {
      case 0:
      case 1: {
        const uint16_t expected = scan();
        Circuit *got = g.seize_outgoing(step + 1);
        ASSERT_EQ(got ? got->cic : 0, expected) << "step " << step;
        break;
      }
      case 2:
        if (g.find(cic)->call != CircuitCall::Idle)
          g.idle(cic);
        break;
      case 3:
        g.find(cic)->blocking.local_maintenance = next(2) == 0;
        break;
      case 4:
        g.find(cic)->remote_unequipped = next(4) == 0;
        break;
      case 5:
        if (g.find(cic)->call == CircuitCall::Idle && !g.find(cic)->blocking.any()) {
          ASSERT_EQ(g.seize_incoming(cic, 100000 + step), CircuitGroup::IncomingSeizure::Accepted);
        }
        break;
      }
    }
  }
}

TEST(CircuitGroup, BlockedAndUnequippedCircuitsAreNotHunted) {
  CircuitGroup g("tg", 200, 100, Hunting::Sequential);
  g.add_range(2, 4);
  g.find(2)->blocking.remote_maintenance = true;
  g.find(4)->remote_unequipped = true;
  EXPECT_EQ(g.seize_outgoing(1)->cic, 3);
  EXPECT_EQ(g.seize_outgoing(2), nullptr);
}

TEST(CircuitGroup, DualSeizure) {
  CircuitGroup g("tg", 200, 100, Hunting::Sequential); // we control even CICs
  g.add_range(1, 4);
  g.find(2)->call = CircuitCall::OutgoingBusy;
  g.find(2)->call_ref = 77;
  g.find(3)->call = CircuitCall::OutgoingBusy;
  g.find(3)->call_ref = 78;
  uint32_t displaced = 0;
  EXPECT_EQ(g.seize_incoming(2, 99, &displaced), CircuitGroup::IncomingSeizure::DualSeizureWeWin);
  EXPECT_EQ(g.find(2)->call_ref, 77u);
  EXPECT_EQ(g.seize_incoming(3, 99, &displaced), CircuitGroup::IncomingSeizure::DualSeizureWeYield);
  EXPECT_EQ(displaced, 78u);
  EXPECT_EQ(g.find(3)->call, CircuitCall::IncomingBusy);
  EXPECT_EQ(g.find(3)->call_ref, 99u);
}

TEST(CircuitGroup, IncomingSeizureAndBlocking) {
  CircuitGroup g("tg", 200, 100, Hunting::Sequential);
  g.add_range(1, 4);
  EXPECT_EQ(g.seize_incoming(9, 1), CircuitGroup::IncomingSeizure::UnknownCircuit);
  g.find(1)->blocking.local_maintenance = true;
  EXPECT_EQ(g.seize_incoming(1, 1), CircuitGroup::IncomingSeizure::LocallyBlocked);
  g.find(2)->blocking.remote_maintenance = true;
  EXPECT_EQ(g.seize_incoming(2, 1), CircuitGroup::IncomingSeizure::Accepted);
  EXPECT_FALSE(g.find(2)->blocking.remote_maintenance); // the IAM unblocked it
  EXPECT_EQ(g.seize_incoming(2, 2), CircuitGroup::IncomingSeizure::Busy);
  auto k = g.counts();
  EXPECT_EQ(k.total, 4u);
  EXPECT_EQ(k.incoming, 1u);
  EXPECT_EQ(k.blocked, 1u);
  g.idle(2);
  EXPECT_EQ(g.counts().idle, 4u);
}
