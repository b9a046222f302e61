// core::SimScheduler (simulated time shared by every layer's tests) and core::Timer on it.
#include "core/sim_scheduler.h"
#include "core/timer.h"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using mgc::core::Scheduler;
using mgc::core::SimScheduler;
using mgc::core::Timer;

TEST(SimScheduler, FiresInDeadlineThenStartOrder) {
  SimScheduler s;
  std::vector<std::string> fired;
  s.start(30, [&] { fired.push_back("c30@" + std::to_string(s.now_ms())); });
  s.start(10, [&] { fired.push_back("a10@" + std::to_string(s.now_ms())); });
  s.start(30, [&] { fired.push_back("d30@" + std::to_string(s.now_ms())); });
  s.start(10, [&] { fired.push_back("b10@" + std::to_string(s.now_ms())); });
  s.start(-5, [&] { fired.push_back("neg@" + std::to_string(s.now_ms())); });
  EXPECT_EQ(s.pending(), 5u);
  s.advance(9);
  EXPECT_EQ(fired, (std::vector<std::string>{"neg@0"}));
  s.advance(100);
  EXPECT_EQ(fired, (std::vector<std::string>{"neg@0", "a10@10", "b10@10", "c30@30", "d30@30"}));
  EXPECT_EQ(s.now_ms(), 109);
  EXPECT_EQ(s.pending(), 0u);
}

TEST(SimScheduler, IdsAreNonZeroAndUnknownIdsIgnored) {
  SimScheduler s;
  Scheduler::Id a = s.start(5, [] {});
  EXPECT_NE(a, 0u);
  s.stop(0);
  s.stop(a + 100);
  EXPECT_EQ(s.pending(), 1u);
  s.stop(a);
  s.stop(a); // twice: ignored
  EXPECT_EQ(s.pending(), 0u);
}

TEST(SimScheduler, CallbackStopsAndStartsTimersItsOwnIncluded) {
  SimScheduler s;
  std::vector<std::string> fired;
  Scheduler::Id victim = 0, self = 0;
  self = s.start(10, [&] {
    fired.push_back("first");
    s.stop(self);   // its own id: already spent, ignored
    s.stop(victim); // same deadline, started later: must not fire
    s.start(0, [&] { fired.push_back("zero-delay@" + std::to_string(s.now_ms())); });
    s.start(5, [&] { fired.push_back("later@" + std::to_string(s.now_ms())); });
  });
  victim = s.start(10, [&] { fired.push_back("victim"); });
  s.advance(10);
  // A zero-delay timer started inside advance() fires in the same advance.
  EXPECT_EQ(fired, (std::vector<std::string>{"first", "zero-delay@10"}));
  s.advance(5);
  EXPECT_EQ(fired, (std::vector<std::string>{"first", "zero-delay@10", "later@15"}));
}

TEST(SimScheduler, SelfRestartingZeroDelayTimerDoesNotSpinForever) {
  SimScheduler s;
  std::size_t n = 0;
  std::function<void()> again = [&] {
    ++n;
    s.start(0, again);
  };
  s.start(0, again);
  s.advance(1);
  EXPECT_EQ(n, SimScheduler::kMaxFiringsPerAdvance);
  EXPECT_EQ(s.now_ms(), 1);
  EXPECT_EQ(s.pending(), 1u);
}

TEST(Timer, StartRestartStopPending) {
  SimScheduler s;
  std::vector<int64_t> fired;
  Timer t(s, [&] { fired.push_back(s.now_ms()); });
  EXPECT_FALSE(t.pending());
  t.start(100);
  EXPECT_TRUE(t.pending());
  s.advance(60);
  t.start(100); // restart: the first deadline (100) is gone
  s.advance(60);
  EXPECT_TRUE(fired.empty());
  s.advance(40);
  EXPECT_EQ(fired, (std::vector<int64_t>{160}));
  EXPECT_FALSE(t.pending());
  t.start(10);
  t.stop();
  EXPECT_FALSE(t.pending());
  s.advance(100);
  EXPECT_EQ(fired.size(), 1u);
  EXPECT_EQ(s.pending(), 0u);
}

TEST(Timer, RearmsFromItsOwnExpiryAndCancelsOnDestruction) {
  SimScheduler s;
  int n = 0;
  Timer *tp = nullptr;
  Timer beat(s, [&] {
    if (++n < 3)
      tp->start(30); // periodic, as a BEAT timer is (RFC 4666 §4.3.4.6)
  });
  tp = &beat;
  beat.start(30);
  s.advance(200);
  EXPECT_EQ(n, 3);
  EXPECT_EQ(s.now_ms(), 200);
  {
    Timer gone(s, [&] { n = 100; });
    gone.start(10);
    EXPECT_EQ(s.pending(), 1u);
  }
  EXPECT_EQ(s.pending(), 0u);
  s.advance(50);
  EXPECT_EQ(n, 3);
}
