// isup/cause.h: the Q.850 cause and location tables (Table 1, §2.2.4).
#include "isup/cause.h"

#include <gtest/gtest.h>
#include <set>
#include <string>

using namespace mgc::isup;

TEST(Q850Cause, TextOfTheReasonHeader) {
  EXPECT_EQ(cause_text(16), "Normal call clearing");
  EXPECT_EQ(cause_text(34), "No circuit/channel available");
  EXPECT_EQ(cause_text(200), "");
}

TEST(Q850Cause, NamesAndIdsAreUnique) {
  std::set<std::string_view> names, ids;
  std::set<uint8_t> values;
  for (const auto &c : kCauses) {
    EXPECT_TRUE(names.insert(c.text).second) << c.text;
    EXPECT_TRUE(ids.insert(c.id).second) << c.id;
    EXPECT_TRUE(values.insert(c.value).second) << int(c.value);
    EXPECT_FALSE(c.text.empty());
    EXPECT_LE(c.value, 127) << "a cause value has 7 bits (Q.763 §3.12)";
  }
}

TEST(Q850Cause, RoundTrip) {
  for (const auto &c : kCauses) {
    ASSERT_EQ(cause_by_name(cause_name(c.value)), c.value) << c.text;
    EXPECT_EQ(cause_name(c.value), cause_text(c.value));
  }
  EXPECT_EQ(cause_name(Cause::NormalCallClearing), "Normal call clearing");
  EXPECT_EQ(cause_value(Cause::NormalCallClearing), 16);
}

TEST(Q850Cause, EveryTable1ValueIsThere) {
  // Q.850 Table 1 (with Amendment 1: 14 and 24), one value per row.
  const std::set<unsigned> table1 = {
      1,  2,  3,  4,  5,  6,  7,  8,  9,  14, 16,  17,  18,  19,  20,  21,  22, 23,
      24, 25, 26, 27, 28, 29, 30, 31, 34, 38, 39,  40,  41,  42,  43,  44,  46, 47,
      49, 50, 53, 55, 57, 58, 62, 63, 65, 66, 69,  70,  79,  81,  82,  83,  84, 85,
      86, 87, 88, 90, 91, 95, 96, 97, 98, 99, 100, 101, 102, 103, 110, 111, 127};
  std::set<unsigned> have;
  for (const auto &c : kCauses)
    have.insert(c.value);
  EXPECT_EQ(have, table1);
}

TEST(Q850Cause, UnknownValuesGetAStableFallback) {
  for (unsigned v : {0u, 10u, 15u, 32u, 45u, 104u, 126u, 128u, 255u}) {
    EXPECT_EQ(cause_name(static_cast<uint8_t>(v)), "unknown cause") << v;
    EXPECT_EQ(cause_text(static_cast<uint8_t>(v)), "") << v;
  }
  EXPECT_EQ(cause_by_name("unknown cause"), std::nullopt);
  EXPECT_EQ(cause_by_name("normal call clearing"), std::nullopt); // case-sensitive
}

TEST(Q850Location, Names) {
  EXPECT_EQ(location_name(location_value(CauseLocation::User)), "user");
  EXPECT_EQ(location_name(10), "network beyond interworking point");
  EXPECT_EQ(location_name(6), "unknown location"); // spare
  std::set<std::string_view> names;
  for (const auto &l : kCauseLocations)
    EXPECT_TRUE(names.insert(l.text).second) << l.text;
}
