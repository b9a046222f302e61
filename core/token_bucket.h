// A token bucket: a sustained rate with a burst on top (RFC 2697's committed rate and burst
// size, as Ribbon and Cisco PGW 2200 limit calls per second per trunk group). Tokens accrue at
// `rate` per second up to `burst`; each admitted event takes one. Time is passed in (ms of the
// process's one Scheduler), so tests run on simulated time. Integer arithmetic in thousandths
// of a token: no drift however long the bucket lives.
#pragma once

#include <algorithm>
#include <cstdint>

namespace mgc::core {

class TokenBucket {
public:
  TokenBucket() = default;
  // `rate` tokens per second (0: unlimited, every take() succeeds), at most `burst` held (0: one
  // second's worth, at least 1). The bucket starts full.
  TokenBucket(uint32_t rate, uint32_t burst, uint64_t now_ms) { configure(rate, burst, now_ms); }

  // Live change: the level is kept (capped at the new burst), so a change never lets a burst
  // through that the old limits would have refused.
  void configure(uint32_t rate, uint32_t burst, uint64_t now_ms) {
    const bool first = rate_ == 0;
    refill(now_ms);
    rate_ = rate;
    burst_ = rate == 0 ? 0 : std::max<uint32_t>(burst ? burst : rate, 1);
    capacity_ = uint64_t(burst_) * kScale;
    level_ = first ? capacity_ : std::min(level_, capacity_);
    last_ms_ = now_ms;
  }

  bool unlimited() const { return rate_ == 0; }
  uint32_t rate() const { return rate_; }
  uint32_t burst() const { return burst_; }

  // Takes a token if one is there.
  bool take(uint64_t now_ms) {
    if (unlimited())
      return true;
    refill(now_ms);
    if (level_ < kScale)
      return false;
    level_ -= kScale;
    return true;
  }

  // Whole tokens available now.
  uint32_t tokens(uint64_t now_ms) {
    if (unlimited())
      return UINT32_MAX;
    refill(now_ms);
    return static_cast<uint32_t>(level_ / kScale);
  }

  // How long until a token is there (0: one is).
  uint64_t ms_until_token(uint64_t now_ms) {
    if (unlimited())
      return 0;
    refill(now_ms);
    if (level_ >= kScale)
      return 0;
    // `rate` thousandths of a token accrue per ms
    return (kScale - level_ + rate_ - 1) / rate_;
  }

private:
  static constexpr uint64_t kScale = 1000; // thousandths of a token
  void refill(uint64_t now_ms) {
    if (now_ms <= last_ms_) {
      last_ms_ = std::max(last_ms_, now_ms);
      return;
    }
    const uint64_t elapsed = now_ms - last_ms_;
    last_ms_ = now_ms;
    // rate tokens/s = rate thousandths per ms; capped before multiplying overflows
    level_ = elapsed >= capacity_ ? capacity_ : std::min(capacity_, level_ + elapsed * rate_);
  }

  uint32_t rate_ = 0, burst_ = 0;
  uint64_t capacity_ = 0, level_ = 0, last_ms_ = 0;
};

} // namespace mgc::core
