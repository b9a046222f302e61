// OsmoClock: one osmo_timer_list per Timer; expiry runs on the select loop like any event.
#include "sigtran/osmo_clock.h"

#include "core/osmo.h"

#include <ctime>

namespace mgc::sigtran {
namespace {
class OsmoTimer : public Timer {
public:
  explicit OsmoTimer(std::function<void()> cb) : cb_(std::move(cb)) {
    osmo_timer_setup(&t_, &OsmoTimer::fire, this);
  }
  ~OsmoTimer() override { osmo_timer_del(&t_); }
  void start(uint32_t ms) override { osmo_timer_schedule(&t_, ms / 1000, (ms % 1000) * 1000); }
  void stop() override { osmo_timer_del(&t_); }
  bool pending() const override { return osmo_timer_pending(&t_); }

private:
  static void fire(void *p) { static_cast<OsmoTimer *>(p)->cb_(); }
  osmo_timer_list t_{};
  std::function<void()> cb_;
};
} // namespace

std::unique_ptr<Timer> OsmoClock::make_timer(std::function<void()> cb) {
  return std::make_unique<OsmoTimer>(std::move(cb));
}

uint64_t OsmoClock::now_ms() const {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000 + uint64_t(ts.tv_nsec) / 1000000;
}

} // namespace mgc::sigtran
