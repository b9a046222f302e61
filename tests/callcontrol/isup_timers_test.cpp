#include "callcontrol/isup_timers.h"

#include <gtest/gtest.h>

using namespace mgc::cc;

TEST(IsupTimers, TableHasEveryTimerTheGatewayRuns) {
  for (const char *n : {"T1", "T5", "T6", "T7", "T8", "T9", "T10", "T12", "T13", "T14", "T15", "T16",
                        "T17", "T18", "T19", "T20", "T21", "T22", "T23", "T27", "T35"})
    EXPECT_TRUE(isup_timer_from_name(n)) << n;
  EXPECT_EQ(isup_timer_from_name("t9"), IsupTimer::T9);
  EXPECT_FALSE(isup_timer_from_name("T99"));
  for (const auto &t : isup_timer_table()) {
    EXPECT_LE(t.min_ms, t.default_ms) << t.name;
    EXPECT_GE(t.max_ms, t.default_ms) << t.name;
    EXPECT_FALSE(t.description.empty());
  }
}

TEST(IsupTimers, SetWithinQ764RangeOnly) {
  IsupTimerValues v;
  EXPECT_EQ(v.ms(IsupTimer::T7), 25000u);
  EXPECT_TRUE(v.set(IsupTimer::T7, 30000));
  EXPECT_EQ(v.ms(IsupTimer::T7), 30000u);
  EXPECT_FALSE(v.set(IsupTimer::T7, 1000));
  EXPECT_EQ(v.ms(IsupTimer::T7), 30000u);
  EXPECT_TRUE(v.set(IsupTimer::T7, 1000, true)); // lab override
  EXPECT_FALSE(v.set(IsupTimer::T7, 0, true));
  EXPECT_FALSE(v.is_default(IsupTimer::T7));
  EXPECT_TRUE(v.is_default(IsupTimer::T9));
}
