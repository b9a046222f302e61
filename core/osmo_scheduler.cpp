// OsmoScheduler: pooled osmo_timer_lists keyed by id (see osmo_scheduler.h).
#include "core/osmo_scheduler.h"

#include "core/osmo.h"

#include <ctime>

namespace mgc::core {

struct OsmoScheduler::Entry {
  osmo_timer_list timer{};
  OsmoScheduler *owner = nullptr;
  Id id = 0;
  std::function<void()> fn;
};

OsmoScheduler::OsmoScheduler() = default;

OsmoScheduler::~OsmoScheduler() {
  for (auto &[id, e] : live_)
    osmo_timer_del(&e->timer);
}

int64_t OsmoScheduler::now_ms() const {
  timespec ts{};
  osmo_clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

OsmoScheduler::Entry *OsmoScheduler::take() {
  if (!free_.empty()) {
    Entry *e = free_.back();
    free_.pop_back();
    return e;
  }
  pool_.push_back(std::make_unique<Entry>());
  Entry *e = pool_.back().get();
  e->owner = this;
  osmo_timer_setup(&e->timer, &OsmoScheduler::fire, e);
  return e;
}

void OsmoScheduler::give_back(Entry *e) {
  e->id = 0;
  e->fn = nullptr;
  free_.push_back(e);
}

OsmoScheduler::Id OsmoScheduler::start(int64_t delay_ms, std::function<void()> fn) {
  if (delay_ms < 0)
    delay_ms = 0;
  Entry *e = take();
  e->id = ++last_;
  e->fn = std::move(fn);
  osmo_timer_schedule(&e->timer, delay_ms / 1000, (delay_ms % 1000) * 1000);
  live_.emplace(e->id, e);
  return e->id;
}

void OsmoScheduler::stop(Id id) {
  auto it = live_.find(id);
  if (it == live_.end())
    return;
  Entry *e = it->second;
  live_.erase(it);
  osmo_timer_del(&e->timer);
  give_back(e);
}

void OsmoScheduler::fire(void *data) {
  auto *e = static_cast<Entry *>(data);
  OsmoScheduler *self = e->owner;
  self->live_.erase(e->id);
  // The entry goes back to the pool before fn runs, so fn may start timers (reusing it) and
  // stop its own id (now unknown, ignored).
  std::function<void()> fn = std::move(e->fn);
  self->give_back(e);
  fn();
}

} // namespace mgc::core
