// The RFC 3261 timer values of the SIP layers, in one table (§17, Table 4 of Appendix A) so the
// VTY can show and set them. The timers themselves run on the injected core::Scheduler
// (core/scheduler.h): simulated time in tests, the process's OsmoScheduler in mgcd.
#pragma once

#include <cstdint>

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

} // namespace mgc::sipt
