// The libosmocore wrapper compiles as C++ and its timer/select loop runs.
#include "core/osmo.h"

#include <chrono>
#include <gtest/gtest.h>

namespace {
int fired = 0;
void on_timer(void *) { ++fired; }
} // namespace

TEST(Osmo, TimerFiresThroughSelectLoop) {
  osmo_select_init();
  osmo_timer_list t{};
  osmo_timer_setup(&t, on_timer, nullptr);
  osmo_timer_schedule(&t, 0, 1000);
  // With no fds registered select() may return at once, so bound the loop by wall time.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (fired == 0 && std::chrono::steady_clock::now() < until)
    osmo_select_main(0);
  EXPECT_EQ(fired, 1);
}
