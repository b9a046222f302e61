// core::OsmoScheduler on the real libosmocore select loop: timers fire from osmo_select_main in
// deadline order, stop() cancels, callbacks may start and stop timers, and now_ms() follows
// osmo_clock_override.
#include "core/osmo.h"
#include "core/osmo_scheduler.h"
#include "core/timer.h"

#include <chrono>
#include <gtest/gtest.h>
#include <vector>

using mgc::core::OsmoScheduler;
using mgc::core::Scheduler;

namespace {
// Runs the loop until done() or 2 s of wall time (select may return at once with no fds).
template <typename F> void run_until(F done) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (!done() && std::chrono::steady_clock::now() < until)
    osmo_select_main(0);
}
} // namespace

TEST(OsmoScheduler, FiresOnTheSelectLoopInDeadlineOrder) {
  osmo_select_init();
  OsmoScheduler s;
  std::vector<int> fired;
  int64_t t0 = s.now_ms();
  s.start(30, [&] { fired.push_back(30); });
  s.start(5, [&] { fired.push_back(5); });
  Scheduler::Id cancelled = s.start(10, [&] { fired.push_back(10); });
  EXPECT_NE(cancelled, 0u);
  s.stop(cancelled);
  s.stop(cancelled + 1000); // unknown: ignored
  EXPECT_EQ(s.pending(), 2u);
  run_until([&] { return fired.size() == 2; });
  EXPECT_EQ(fired, (std::vector<int>{5, 30}));
  EXPECT_GE(s.now_ms() - t0, 30);
  EXPECT_EQ(s.pending(), 0u);
}

TEST(OsmoScheduler, CallbackStartsAndStopsTimers) {
  osmo_select_init();
  OsmoScheduler s;
  std::vector<int> fired;
  Scheduler::Id self = 0, victim = 0;
  self = s.start(1, [&] {
    fired.push_back(1);
    s.stop(self);
    s.stop(victim);
    s.start(1, [&] { fired.push_back(2); });
  });
  victim = s.start(20, [&] { fired.push_back(99); });
  run_until([&] { return fired.size() == 2; });
  // Give the cancelled one its chance to (wrongly) fire.
  s.start(40, [&] { fired.push_back(3); });
  run_until([&] { return fired.size() == 3; });
  EXPECT_EQ(fired, (std::vector<int>{1, 2, 3}));
}

TEST(OsmoScheduler, TimerOnTheLoop) {
  osmo_select_init();
  OsmoScheduler s;
  int n = 0;
  mgc::core::Timer t(s, [&] { ++n; });
  t.start(2);
  t.start(3); // restart
  EXPECT_TRUE(t.pending());
  run_until([&] { return n > 0; });
  EXPECT_EQ(n, 1);
  EXPECT_FALSE(t.pending());
}

TEST(OsmoScheduler, NowFollowsOsmoClockOverride) {
  OsmoScheduler s;
  osmo_clock_override_enable(CLOCK_MONOTONIC, true);
  *osmo_clock_override_gettimespec(CLOCK_MONOTONIC) = timespec{100, 0};
  EXPECT_EQ(s.now_ms(), 100'000);
  osmo_clock_override_add(CLOCK_MONOTONIC, 2, 500'000'000);
  EXPECT_EQ(s.now_ms(), 102'500);
  osmo_clock_override_enable(CLOCK_MONOTONIC, false);
}
