// Time for the SIP layers, injected (STYLE.md: no clocks in protocol code). The RFC 3261 timer
// values live in one table (§17, Table 4 of Appendix A) so the VTY can show and set them;
// SimTimers runs them on simulated time for tests, and the gateway plugs osmo_timer in.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string_view>

namespace mgc::sipt {

// name, default (ms), meaning — RFC 3261 Appendix A.
#define MGC_SIPT_TIMER_VALUES(X)                                                                   \
  X(t1, 500, "RTT estimate; base of Timers A, B, E, F, G, H, J, L, M")                             \
  X(t2, 4000, "maximum retransmit interval for non-INVITE requests and INVITE responses")         \
  X(t4, 5000, "maximum time a message remains in the network (Timers I, K)")

struct TimerValues {
#define MGC_SIPT_TIMER_FIELD_(n, def, doc) uint32_t n = def;
  MGC_SIPT_TIMER_VALUES(MGC_SIPT_TIMER_FIELD_)
#undef MGC_SIPT_TIMER_FIELD_
};

class TimerService {
public:
  using Id = uint64_t;
  virtual ~TimerService() = default;
  virtual Id start(uint32_t ms, std::function<void()> cb) = 0;
  virtual void stop(Id id) = 0;
  virtual uint64_t now_ms() const = 0;
};

// Simulated time: advance() fires due timers in order (ties in start order).
class SimTimers : public TimerService {
public:
  Id start(uint32_t ms, std::function<void()> cb) override {
    Id id = ++next_;
    due_.emplace(std::make_pair(now_ + ms, id), std::move(cb));
    return id;
  }
  void stop(Id id) override {
    for (auto it = due_.begin(); it != due_.end(); ++it)
      if (it->first.second == id) {
        due_.erase(it);
        return;
      }
  }
  uint64_t now_ms() const override { return now_; }
  void advance(uint64_t ms) {
    uint64_t end = now_ + ms;
    while (!due_.empty() && due_.begin()->first.first <= end) {
      auto it = due_.begin();
      now_ = it->first.first;
      auto cb = std::move(it->second);
      due_.erase(it);
      cb();
    }
    now_ = end;
  }
  std::size_t pending() const { return due_.size(); }

private:
  uint64_t now_ = 0;
  Id next_ = 0;
  std::map<std::pair<uint64_t, Id>, std::function<void()>> due_;
};

} // namespace mgc::sipt
