// core/names.h: one name table per enum, looked up both ways.
#include "core/names.h"

#include <gtest/gtest.h>

namespace {
enum class Colour : uint8_t { Red, Green, Blue };
constexpr auto kColourNames = mgc::name_table<Colour>(
    {{Colour::Red, "red"}, {Colour::Green, "green"}, {Colour::Blue, "light-blue"}});
static_assert(mgc::names_unique(kColourNames));
static_assert(mgc::value_of(kColourNames, "green") == Colour::Green); // usable at compile time
} // namespace

TEST(Names, BothWays) {
  for (const auto &r : kColourNames) {
    EXPECT_EQ(mgc::value_of(kColourNames, mgc::name_of(kColourNames, r.value)), r.value);
    EXPECT_STREQ(mgc::name_of(kColourNames, r.value), r.name);
  }
  EXPECT_STREQ(mgc::name_of(kColourNames, Colour::Blue), "light-blue");
}

TEST(Names, LookupByNameIsExact) {
  EXPECT_EQ(mgc::value_of(kColourNames, "Red"), std::nullopt); // case-sensitive, as the VTY
  EXPECT_EQ(mgc::value_of(kColourNames, "re"), std::nullopt);  // no prefix match
  EXPECT_EQ(mgc::value_of(kColourNames, "red "), std::nullopt);
  EXPECT_EQ(mgc::value_of(kColourNames, ""), std::nullopt);
}

TEST(Names, UnknownValueGetsTheFallback) {
  const auto odd = static_cast<Colour>(7);
  EXPECT_STREQ(mgc::name_of(kColourNames, odd), "unknown");
  EXPECT_STREQ(mgc::name_of(kColourNames, odd, "?"), "?");
}

TEST(Names, DuplicatesAreFound) {
  constexpr auto same_name = mgc::name_table<int>({{1, "a"}, {2, "a"}});
  constexpr auto same_value = mgc::name_table<int>({{1, "a"}, {1, "b"}});
  EXPECT_FALSE(mgc::names_unique(same_name));
  EXPECT_FALSE(mgc::names_unique(same_value));
}
