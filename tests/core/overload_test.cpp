// Machine congestion levels from measured load, with hysteresis (core/overload.h).
#include "core/overload.h"

#include <gtest/gtest.h>

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
