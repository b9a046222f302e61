// core::Scheduler on the libosmocore select loop: each timer is an osmo_timer_list, fired by
// osmo_select_main like any other event (DESIGN.md "Event loop and threading"). Time is
// CLOCK_MONOTONIC read through osmo_clock_gettime, so osmo_clock_override moves now_ms() together
// with libosmocore's own timers. One instance per process, shared by every layer.
#pragma once

#include "core/scheduler.h"

#include <cstddef>
#include <memory>
#include <unordered_map>
#include <vector>

namespace mgc::core {

class OsmoScheduler final : public Scheduler {
public:
  OsmoScheduler();
  ~OsmoScheduler() override; // cancels what is still pending
  OsmoScheduler(const OsmoScheduler &) = delete;
  OsmoScheduler &operator=(const OsmoScheduler &) = delete;

  int64_t now_ms() const override;
  Id start(int64_t delay_ms, std::function<void()> fn) override;
  void stop(Id id) override;
  std::size_t pending() const { return live_.size(); }

private:
  struct Entry;
  static void fire(void *data);
  Entry *take();
  void give_back(Entry *e);
  Id last_ = 0;
  std::unordered_map<Id, Entry *> live_;
  // Entries are reused (a call starts and stops timers all the time): the osmo_timer_list of
  // each stays at one address for the scheduler's lifetime.
  std::vector<std::unique_ptr<Entry>> pool_;
  std::vector<Entry *> free_;
};

} // namespace mgc::core
