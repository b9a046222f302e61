// The token bucket of call admission (core/token_bucket.h) on simulated time: rate, burst,
// refill, live reconfiguration.
#include "core/token_bucket.h"

#include <gtest/gtest.h>

using mgc::core::TokenBucket;

namespace {

// Takes as many tokens as the bucket gives at `now`.
unsigned drain(TokenBucket &b, uint64_t now) {
  unsigned n = 0;
  while (b.take(now))
    ++n;
  return n;
}

TEST(TokenBucket, UnlimitedAlwaysAdmits) {
  TokenBucket b;
  EXPECT_TRUE(b.unlimited());
  for (int i = 0; i < 1000; ++i)
    EXPECT_TRUE(b.take(0));
  EXPECT_EQ(b.ms_until_token(0), 0u);
}

TEST(TokenBucket, StartsFullWithTheBurst) {
  TokenBucket b(10, 25, 1000);
  EXPECT_EQ(b.tokens(1000), 25u);
  EXPECT_EQ(drain(b, 1000), 25u);
  EXPECT_FALSE(b.take(1000));
}

TEST(TokenBucket, BurstDefaultsToOneSecondOfRate) {
  TokenBucket b(7, 0, 0);
  EXPECT_EQ(b.burst(), 7u);
  EXPECT_EQ(drain(b, 0), 7u);
}

TEST(TokenBucket, RefillsAtTheRate) {
  TokenBucket b(10, 10, 0); // one token per 100 ms
  EXPECT_EQ(drain(b, 0), 10u);
  EXPECT_FALSE(b.take(99));
  EXPECT_EQ(b.ms_until_token(99), 1u);
  EXPECT_TRUE(b.take(100));
  EXPECT_FALSE(b.take(150));
  EXPECT_EQ(b.ms_until_token(150), 50u);
  // over one simulated minute, exactly rate x seconds are admitted beyond the first burst
  unsigned admitted = 0;
  for (uint64_t t = 150; t <= 60'150; t += 7)
    admitted += b.take(t);
  EXPECT_EQ(admitted, 600u);
}

TEST(TokenBucket, NeverHoldsMoreThanTheBurst) {
  TokenBucket b(100, 5, 0);
  drain(b, 0);
  EXPECT_EQ(b.tokens(3'600'000), 5u); // an idle hour gives 5, not 360000
}

TEST(TokenBucket, FractionalRatesAccumulate) {
  TokenBucket b(3, 2, 0); // 3 per second: a token each 333.3 ms (below the burst: no cap)
  EXPECT_EQ(drain(b, 0), 2u);
  EXPECT_FALSE(b.take(333));
  EXPECT_TRUE(b.take(334));
  EXPECT_FALSE(b.take(666));
  EXPECT_TRUE(b.take(667));
  EXPECT_TRUE(b.take(1000));
}

TEST(TokenBucket, ReconfigureKeepsTheLevelCapped) {
  TokenBucket b(10, 20, 0);
  EXPECT_EQ(drain(b, 0), 20u);
  b.configure(10, 50, 0); // a bigger burst does not fill the bucket at once
  EXPECT_FALSE(b.take(0));
  EXPECT_EQ(b.tokens(1000), 10u);
  b.configure(10, 3, 1000); // a smaller one caps what is there
  EXPECT_EQ(b.tokens(1000), 3u);
  b.configure(0, 0, 1000); // limit lifted
  EXPECT_TRUE(b.unlimited());
  for (int i = 0; i < 100; ++i)
    EXPECT_TRUE(b.take(1000));
  b.configure(10, 2, 1000); // and set again: full at the new burst
  EXPECT_EQ(drain(b, 1000), 2u);
}

TEST(TokenBucket, TimeGoingBackwardsTakesNothing) {
  TokenBucket b(10, 1, 1000);
  EXPECT_TRUE(b.take(1000));
  EXPECT_FALSE(b.take(500));
  EXPECT_FALSE(b.take(1099));
  EXPECT_TRUE(b.take(1100));
}

} // namespace
