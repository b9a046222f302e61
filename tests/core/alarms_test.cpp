// core/alarms.h: raise / clear / list / counters, on a fake clock.
#include "core/alarms.h"

#include <gtest/gtest.h>

namespace {

using mgc::core::Alarms;
using mgc::log::Category;
using namespace std::chrono;

struct FakeClock {
  system_clock::time_point t = system_clock::from_time_t(1714557600); // 2024-05-01 10:00:00 UTC
  Alarms::Clock fn() {
    return [this] { return t; };
  }
};

TEST(Alarms, RaiseListsAndCountsOnce) {
  FakeClock clk;
  Alarms a(4, clk.fn());
  EXPECT_TRUE(a.raise(Category::M3ua, "m3ua.link0.asp-down", "ASP link0 is ASP-DOWN"));
  clk.t += seconds(5);
  EXPECT_FALSE(a.raise(Category::M3ua, "m3ua.link0.asp-down", "ASP link0 is ASP-DOWN (again)"));
  ASSERT_EQ(a.active().size(), 1u);
  EXPECT_EQ(a.active()[0].text, "ASP link0 is ASP-DOWN (again)");
  EXPECT_EQ(a.active()[0].repeats, 1u);
  EXPECT_EQ(a.active()[0].raised_at, system_clock::from_time_t(1714557600)); // the first raise
  EXPECT_EQ(a.raised(Category::M3ua), 1u);
  EXPECT_EQ(a.raised(Category::Mgcp), 0u);
  EXPECT_TRUE(a.is_active("m3ua.link0.asp-down"));
}

TEST(Alarms, ClearMovesToHistoryNewestFirstBounded) {
  FakeClock clk;
  Alarms a(2, clk.fn());
  EXPECT_FALSE(a.clear("nothing"));
  for (int i = 0; i < 3; ++i) {
    const std::string key = "mg" + std::to_string(i);
    a.raise(Category::Mgcp, key, "media gateway " + key + " unreachable");
    clk.t += seconds(1);
    EXPECT_TRUE(a.clear(key));
    EXPECT_FALSE(a.clear(key));
  }
  EXPECT_TRUE(a.active().empty());
  ASSERT_EQ(a.cleared().size(), 2u); // the oldest fell out
  EXPECT_EQ(a.cleared()[0].key, "mg2");
  EXPECT_EQ(a.cleared()[1].key, "mg1");
  EXPECT_EQ(a.cleared()[0].cleared_at - a.cleared()[0].raised_at, seconds(1));
  EXPECT_EQ(a.raised(Category::Mgcp), 3u);
  // raised again after a clear: a new alarm, counted again
  EXPECT_TRUE(a.raise(Category::Mgcp, "mg0", "again"));
  EXPECT_EQ(a.raised(Category::Mgcp), 4u);
}

TEST(Alarms, ShowListsActiveClearedAndCounters) {
  FakeClock clk;
  Alarms a(8, clk.fn());
  a.raise(Category::Cdr, "cdr.write", "CDR file: write: No space left on device");
  a.raise(Category::M3ua, "m3ua.as0.inactive", "AS as0 is AS-INACTIVE");
  clk.t += seconds(60);
  a.clear("m3ua.as0.inactive");
  const std::string s = a.show();
  EXPECT_NE(s.find("active alarms: 1\n  2024-05-01 10:00:00 UTC  cdr  cdr.write  CDR file: write: "
                   "No space left on device\n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("  2024-05-01 10:00:00 UTC to 2024-05-01 10:01:00 UTC  m3ua  m3ua.as0.inactive  "
                   "AS as0 is AS-INACTIVE\n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find(" m3ua 1 "), std::string::npos) << s;
  EXPECT_NE(s.find(" cdr 1\n"), std::string::npos) << s;
}

} // namespace
