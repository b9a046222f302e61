#include "callcontrol/isup_timers.h"

#include <cctype>

namespace mgc::cc {

const std::array<IsupTimerInfo, kIsupTimerCount> &isup_timer_table() {
  static constexpr std::array<IsupTimerInfo, kIsupTimerCount> kTable = {{
#define MGC_ISUP_TIMER_ROW_(n, d, lo, hi, what) {IsupTimer::n, #n, d, lo, hi, what},
      MGC_ISUP_TIMERS(MGC_ISUP_TIMER_ROW_)
#undef MGC_ISUP_TIMER_ROW_
  }};
  return kTable;
}

std::optional<IsupTimer> isup_timer_from_name(std::string_view name) {
  for (const auto &t : isup_timer_table()) {
    if (t.name.size() != name.size())
      continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size(); ++i)
      same &= std::toupper(static_cast<unsigned char>(name[i])) == t.name[i];
    if (same)
      return t.timer;
  }
  return std::nullopt;
}

IsupTimerValues::IsupTimerValues() {
  for (const auto &t : isup_timer_table())
    ms_[static_cast<std::size_t>(t.timer)] = t.default_ms;
}

bool IsupTimerValues::set(IsupTimer t, uint32_t ms, bool allow_outside_range) {
  const auto &info = isup_timer_table()[static_cast<std::size_t>(t)];
  if (ms == 0 || (!allow_outside_range && (ms < info.min_ms || ms > info.max_ms)))
    return false;
  ms_[static_cast<std::size_t>(t)] = ms;
  return true;
}

bool IsupTimerValues::is_default(IsupTimer t) const {
  return ms(t) == isup_timer_table()[static_cast<std::size_t>(t)].default_ms;
}

} // namespace mgc::cc
