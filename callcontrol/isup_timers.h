// ISUP timers, Q.764 Annex A (Table A.1): number, default, range and what each one guards.
// One table: call control starts and stops them by name, the VTY shows and sets them from it
// (STYLE.md practice 9: a timer is an event).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mgc::cc {

// X(name, default ms, minimum ms, maximum ms, what it guards)
#define MGC_ISUP_TIMERS(X)                                                                         \
  X(T1, 15000, 15000, 60000, "REL sent: waiting for RLC; REL is repeated")                         \
  X(T4, 600000, 300000, 900000, "user part unavailable (MTP-STATUS): UPT is sent (Q.764 §2.13)")  \
  X(T5, 300000, 300000, 900000, "initial REL sent: waiting for RLC; RSC is sent, maintenance alerted") \
  X(T6, 30000, 10000, 32000, "SUS (network) received: waiting for RES")                            \
  X(T7, 25000, 20000, 30000, "latest address message sent: waiting for ACM/ANM/CON")               \
  X(T8, 12000, 10000, 15000, "IAM with continuity check sent/received: waiting for COT")          \
  X(T9, 90000, 90000, 180000, "ACM received: waiting for ANM")                                     \
  X(T10, 5000, 4000, 6000, "overlap, minimum digits in: waiting for more (RFC 3578 §2.2 en bloc)")  \
  X(T12, 15000, 15000, 60000, "BLO sent: waiting for BLA; BLO is repeated")                        \
  X(T13, 300000, 300000, 900000, "initial BLO sent: waiting for BLA; maintenance alerted")         \
  X(T14, 15000, 15000, 60000, "UBL sent: waiting for UBA; UBL is repeated")                        \
  X(T15, 300000, 300000, 900000, "initial UBL sent: waiting for UBA; maintenance alerted")         \
  X(T16, 15000, 15000, 60000, "RSC sent: waiting for RLC; RSC is repeated")                        \
  X(T17, 300000, 300000, 900000, "initial RSC sent: waiting for RLC; maintenance alerted")         \
  X(T18, 15000, 15000, 60000, "CGB sent: waiting for CGBA; CGB is repeated")                       \
  X(T19, 300000, 300000, 900000, "initial CGB sent: waiting for CGBA; maintenance alerted")        \
  X(T20, 15000, 15000, 60000, "CGU sent: waiting for CGUA; CGU is repeated")                       \
  X(T21, 300000, 300000, 900000, "initial CGU sent: waiting for CGUA; maintenance alerted")        \
  X(T22, 15000, 15000, 60000, "GRS sent: waiting for GRA; GRS is repeated")                        \
  X(T23, 300000, 300000, 900000, "initial GRS sent: waiting for GRA; maintenance alerted")         \
  X(T27, 240000, 180000, 600000, "COT (failure) received: waiting for CCR; RSC is sent")           \
  X(T29, 500, 300, 600, "congestion indication taken: further ones ignored (Q.764 §2.10, §2.11)")  \
  X(T30, 8000, 5000, 10000, "congestion indication taken: traffic restored a step at expiry")      \
  X(T35, 15000, 15000, 20000, "latest digit received (overlap, no ST): waiting for more digits")

#define MGC_ISUP_TIMER_COUNT_(n, d, lo, hi, what) +1
inline constexpr std::size_t kIsupTimerCount = 0 MGC_ISUP_TIMERS(MGC_ISUP_TIMER_COUNT_);
#undef MGC_ISUP_TIMER_COUNT_

enum class IsupTimer : uint8_t {
#define MGC_ISUP_TIMER_ENUM_(n, d, lo, hi, what) n,
  MGC_ISUP_TIMERS(MGC_ISUP_TIMER_ENUM_)
#undef MGC_ISUP_TIMER_ENUM_
};

struct IsupTimerInfo {
  IsupTimer timer;
  std::string_view name; // "T1"
  uint32_t default_ms;
  uint32_t min_ms;
  uint32_t max_ms;
  std::string_view description;
};

const std::array<IsupTimerInfo, kIsupTimerCount> &isup_timer_table();
std::optional<IsupTimer> isup_timer_from_name(std::string_view name); // "T7" or "t7"

// The values in force (per trunk group or per process), starting from the Q.764 defaults.
class IsupTimerValues {
public:
  IsupTimerValues();
  uint32_t ms(IsupTimer t) const { return ms_[static_cast<std::size_t>(t)]; }
  // False (value unchanged) outside the Q.764 range unless `allow_outside_range` (labs shorten
  // timers to run tests quickly; operators get the standard range).
  bool set(IsupTimer t, uint32_t ms, bool allow_outside_range = false);
  bool is_default(IsupTimer t) const;
  bool operator==(const IsupTimerValues &o) const { return ms_ == o.ms_; } // C++17 units see it

private:
  std::array<uint32_t, kIsupTimerCount> ms_{};
};

} // namespace mgc::cc
