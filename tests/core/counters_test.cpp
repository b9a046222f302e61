#include "core/counters.h"

#include <gtest/gtest.h>

#define TEST_COUNTERS(X) X(alpha) X(beta) X(gamma)
MGC_DECLARE_COUNTERS(TestCounter, TEST_COUNTERS)

TEST(Counters, NamesAndValues) {
  mgc::CounterSet<TestCounter> c;
  c.inc(TestCounter::beta);
  c.inc(TestCounter::beta, 2);
  EXPECT_EQ(c.get(TestCounter::beta), 3u);
  EXPECT_EQ(c.get(TestCounter::alpha), 0u);
  EXPECT_EQ(c.name(TestCounter::gamma), "gamma");
  std::size_t n = 0;
  c.for_each([&](std::string_view, uint64_t) { ++n; });
  EXPECT_EQ(n, 3u);
}
