// The Clock of sigtran/timer.h on the libosmocore select loop (osmo_timer_list), for processes.
#pragma once

#include "sigtran/timer.h"

namespace mgc::sigtran {

class OsmoClock : public Clock {
public:
  std::unique_ptr<Timer> make_timer(std::function<void()> on_expiry) override;
  uint64_t now_ms() const override;
};

} // namespace mgc::sigtran
