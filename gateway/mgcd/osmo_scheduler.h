// Call control's Scheduler on the libosmocore select loop: each timer is an osmo_timer_list.
#pragma once

#include "callcontrol/sides.h"
#include "core/osmo.h"

#include <map>
#include <memory>

namespace mgc::gw {

class OsmoScheduler final : public cc::Scheduler {
public:
  ~OsmoScheduler() override;
  int64_t now_ms() const override;
  Id start(int64_t delay_ms, std::function<void()> fn) override;
  void stop(Id id) override;

private:
  struct Entry {
    OsmoScheduler *owner;
    Id id;
    std::function<void()> fn;
    osmo_timer_list timer{};
  };
  static void fire(void *data);
  std::map<Id, std::unique_ptr<Entry>> timers_;
  Id last_ = 0;
};

} // namespace mgc::gw
