// Machine congestion levels from measured load, with hysteresis (core/overload.h).
#include "core/overload.h"

#include <gtest/gtest.h>

#include <string>

using namespace mgc::core;

namespace {

// Thresholds for the tests: loop lag 20/50/150 ms (abatement 10/30/100), calls in setup
// 2000/4000/8000 (1500/3000/6000).
OverloadConfig test_config() {
  OverloadConfig c;
  c[LoadMeasure::LoopLag] = {{20, 50, 150}, {10, 30, 100}};
  c[LoadMeasure::CallsInSetup] = {{2000, 4000, 8000}, {1500, 3000, 6000}};
  return c;
}

LoadSample lag(uint64_t ms, uint64_t setups = 0) {
  LoadSample s;
  s[LoadMeasure::LoopLag] = ms;
  s[LoadMeasure::CallsInSetup] = setups;
  return s;
}

TEST(Overload, LevelsRiseAtOnsetAndFallBelowAbatement) {
  OverloadMonitor m(test_config());
  EXPECT_EQ(m.update(lag(5)), 0u);
  EXPECT_EQ(m.update(lag(19)), 0u);
  EXPECT_EQ(m.update(lag(20)), 1u);
  EXPECT_EQ(m.update(lag(15)), 1u); // above the abatement threshold: stays
  EXPECT_EQ(m.update(lag(60)), 2u);
  EXPECT_EQ(m.update(lag(35)), 2u);
  EXPECT_EQ(m.update(lag(29)), 1u);
  EXPECT_EQ(m.update(lag(9)), 0u);
  EXPECT_EQ(m.entered(1), 1u);
  EXPECT_EQ(m.entered(2), 1u);
}

TEST(Overload, ASurgeSkipsLevelsAndFallsOneAtATime) {
  OverloadMonitor m(test_config());
  EXPECT_EQ(m.update(lag(400)), 3u);
  EXPECT_EQ(m.entered(1), 1u); // passed through 1 and 2 on the way
  EXPECT_EQ(m.entered(3), 1u);
  EXPECT_EQ(m.update(lag(40)), 2u); // below 100 (level 3's abatement) but not below 30
  EXPECT_EQ(m.update(lag(0)), 0u);
}

TEST(Overload, TheHighestMeasureDecidesAndIsNamed) {
  OverloadMonitor m(test_config());
  EXPECT_EQ(m.update(lag(25, 4500)), 2u); // lag says 1, calls in setup say 2
  EXPECT_EQ(m.cause(), LoadMeasure::CallsInSetup);
  EXPECT_EQ(m.level_of(LoadMeasure::LoopLag), 1u);
  EXPECT_STREQ(name_of(kLoadMeasureNames, m.cause()), "calls-in-setup");
}

TEST(Overload, UnusedMeasuresNeverCount) {
  OverloadMonitor m; // the defaults: loop lag only
  LoadSample s;
  s[LoadMeasure::Cpu] = 100; // off by default
  s[LoadMeasure::CallsInSetup] = 100000;
  s[LoadMeasure::Memory] = 1u << 30;
  EXPECT_EQ(m.update(s), 0u);
  OverloadConfig c;
  c[LoadMeasure::Cpu] = {{80, 90, 97}, {70, 85, 93}};
  m.configure(c);
  EXPECT_EQ(m.update(s), 3u);
  EXPECT_EQ(m.cause(), LoadMeasure::Cpu);
  c[LoadMeasure::Cpu] = {};
  m.configure(c);
  EXPECT_EQ(m.update(s), 0u); // switched off: its level goes with it
}

TEST(Overload, ThresholdsAreChecked) {
  EXPECT_TRUE(OverloadConfig()[LoadMeasure::LoopLag].valid());
  EXPECT_FALSE(OverloadConfig()[LoadMeasure::CallsInSetup].used());
  EXPECT_TRUE(LevelThresholds{}.valid()); // unused
  EXPECT_FALSE((LevelThresholds{{20, 50, 40}, {10, 30, 20}}.valid()));  // onsets not rising
  EXPECT_FALSE((LevelThresholds{{20, 50, 150}, {20, 30, 100}}.valid())); // abatement at onset
}

} // namespace

// The share refused at a level is spread evenly over the arrivals: at 25 % every fourth call,
// at 75 % three in four, never a run of refusals longer than the share needs.
TEST(Overload, ShareGateRefusesEvenly) {
  ShareGate g;
  std::string seen;
  for (int i = 0; i < 8; ++i)
    seen += g.admit(25) ? 'a' : 'r';
  EXPECT_EQ(seen, "aaaraaar");
  ShareGate h;
  seen.clear();
  for (int i = 0; i < 8; ++i)
    seen += h.admit(75) ? 'a' : 'r';
  EXPECT_EQ(seen, "arrrarrr");
  ShareGate k;
  int refused = 0;
  for (int i = 0; i < 1000; ++i)
    refused += k.admit(10) ? 0 : 1;
  EXPECT_EQ(refused, 100);
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(k.admit(0));
    EXPECT_FALSE(k.admit(100));
  }
}

TEST(Overload, ShedPolicyMustNotFallAsTheLevelRises) {
  ShedPolicy p;
  EXPECT_TRUE(p.valid());
  p.refuse_percent = {50, 40, 100};
  EXPECT_FALSE(p.valid());
  p.refuse_percent = {50, 60, 101};
  EXPECT_FALSE(p.valid());
  p.refuse_percent = {0, 0, 100};
  EXPECT_TRUE(p.valid());
  p.retry_after_s = {10, 5, 20};
  EXPECT_FALSE(p.valid());
}

// CoDel's standing queue: a backlog read through within the interval is served; a delay above the
// target for a whole interval stands until one read is within the target.
TEST(Overload, StandingQueueNeedsAWholeIntervalAboveTheTarget) {
  StandingQueue q;
  EXPECT_FALSE(q.standing(500, 1000, 50)); // a stall's backlog: the first late read
  EXPECT_FALSE(q.standing(400, 1001, 50));
  EXPECT_FALSE(q.standing(3, 1002, 50));   // read through: short again
  EXPECT_FALSE(q.standing(80, 1100, 50));
  EXPECT_FALSE(q.standing(80, 1199, 50));
  EXPECT_TRUE(q.standing(80, 1200, 50));   // above for 100 ms
  EXPECT_TRUE(q.standing(60, 1300, 50));
  EXPECT_FALSE(q.standing(-1, 1301, 50));  // unknown (TCP): nothing learnt
  EXPECT_TRUE(q.standing(70, 1302, 50));
  EXPECT_FALSE(q.standing(50, 1303, 50));  // at the target: short
  EXPECT_FALSE(q.standing(70, 1304, 50));
  EXPECT_FALSE(q.standing(900, 2000, 0));  // no target: never
}
