// Time as the M3UA state machines see it: a Clock that makes one-shot Timers. Injected, so the
// unit tests run the RFC 4666 timers (T(ack) §4.3.4.1, T(r) §4.3.2, BEAT §4.3.4.6) on simulated
// time (SimClock) and the processes on the libosmocore loop (OsmoClock, sigtran/osmo_clock.h).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>

namespace mgc::sigtran {

class Timer {
public:
  virtual ~Timer() = default;
  virtual void start(uint32_t ms) = 0; // (re)arms
  virtual void stop() = 0;
  virtual bool pending() const = 0;
};

class Clock {
public:
  virtual ~Clock() = default;
  virtual std::unique_ptr<Timer> make_timer(std::function<void()> on_expiry) = 0;
  virtual uint64_t now_ms() const = 0;
};

// Simulated time: advance() fires due timers in deadline order.
class SimClock : public Clock {
public:
  std::unique_ptr<Timer> make_timer(std::function<void()> cb) override {
    return std::make_unique<SimTimer>(*this, std::move(cb));
  }
  uint64_t now_ms() const override { return now_; }
  void advance(uint64_t ms) {
    uint64_t until = now_ + ms;
    while (!due_.empty() && due_.begin()->first.first <= until) {
      auto it = due_.begin();
      now_ = it->first.first;
      SimTimer *t = it->second;
      due_.erase(it);
      t->armed_ = false;
      t->cb_();
    }
    now_ = until;
  }

private:
  struct SimTimer : Timer {
    SimTimer(SimClock &c, std::function<void()> cb) : c_(c), cb_(std::move(cb)) {}
    ~SimTimer() override { stop(); }
    void start(uint32_t ms) override {
      stop();
      key_ = {c_.now_ + ms, c_.seq_++};
      c_.due_[key_] = this;
      armed_ = true;
    }
    void stop() override {
      if (armed_)
        c_.due_.erase(key_);
      armed_ = false;
    }
    bool pending() const override { return armed_; }
    SimClock &c_;
    std::function<void()> cb_;
    std::pair<uint64_t, uint64_t> key_{};
    bool armed_ = false;
  };
  uint64_t now_ = 0, seq_ = 0;
  std::map<std::pair<uint64_t, uint64_t>, SimTimer *> due_;
};

} // namespace mgc::sigtran
