#include "core/hex.h"

#include <gtest/gtest.h>

TEST(Hex, RoundTrip) {
  auto b = mgc::hex_decode("0x01 02:0a-FF");
  ASSERT_TRUE(b);
  EXPECT_EQ(mgc::hex_encode(*b), "01020aff");
}

TEST(Hex, RejectsOddAndBadDigits) {
  EXPECT_FALSE(mgc::hex_decode("123"));
  EXPECT_FALSE(mgc::hex_decode("zz"));
  EXPECT_TRUE(mgc::hex_decode("")->empty());
}
