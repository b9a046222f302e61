#include "gateway/mgcd/osmo_scheduler.h"

#include "core/osmo.h"

#include <chrono>

namespace mgc::gw {

OsmoScheduler::~OsmoScheduler() {
  for (auto &[id, e] : timers_)
    osmo_timer_del(&e->timer);
}

int64_t OsmoScheduler::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

OsmoScheduler::Id OsmoScheduler::start(int64_t delay_ms, std::function<void()> fn) {
  auto e = std::make_unique<Entry>();
  e->owner = this;
  e->id = ++last_;
  e->fn = std::move(fn);
  osmo_timer_setup(&e->timer, &OsmoScheduler::fire, e.get());
  if (delay_ms < 0)
    delay_ms = 0;
  osmo_timer_schedule(&e->timer, delay_ms / 1000, (delay_ms % 1000) * 1000);
  const Id id = e->id;
  timers_[id] = std::move(e);
  return id;
}

void OsmoScheduler::stop(Id id) {
  auto it = timers_.find(id);
  if (it == timers_.end())
    return;
  osmo_timer_del(&it->second->timer);
  timers_.erase(it);
}

void OsmoScheduler::fire(void *data) {
  auto *e = static_cast<Entry *>(data);
  OsmoScheduler *self = e->owner;
  auto node = self->timers_.extract(e->id); // keep it alive while it runs
  node.mapped()->fn();
}

} // namespace mgc::gw
