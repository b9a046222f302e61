// The states of the ISUP half-call machines (Q.764 §2.1-2.3, §2.9), as values: owners ask what a
// half is doing by comparing these, never names (the names are for logs and `show`). One table
// gives both (the value_string habit). C++17: the Boost.MSM units include it.
#pragma once

#include <cstdint>

namespace mgc::cc::isup_call {

// X(enumerator, name as logs and `show calls` print it)
#define MGC_ISUP_HALF_STATES(X)                                                                    \
  X(Idle, "idle")                                                                                  \
  X(WaitForContinuity, "wait-for-continuity")         /* §2.1.8, T8 */                             \
  X(WaitForRecheck, "wait-for-continuity-recheck")    /* §2.1.8, T27 */                            \
  X(Rechecking, "continuity-recheck")                                                              \
  X(WaitForAddress, "wait-for-address")               /* §2.1.2, T35 */                            \
  X(WaitForEndOfAddress, "wait-for-end-of-address")   /* RFC 3578 §2.2, T10 */                     \
  X(Proceeding, "proceeding")                                                                      \
  X(Alerted, "alerted")                                                                            \
  X(WaitForAcm, "wait-for-acm")                       /* §2.1.4, T7 */                             \
  X(WaitForAnswer, "wait-for-answer")                 /* T9 */                                     \
  X(Answered, "answered")                                                                          \
  X(Suspended, "suspended")                           /* §2.5, T6 */                               \
  X(WaitForRlc, "wait-for-rlc")                       /* §2.3, T1/T5 */                            \
  X(Resetting, "resetting")                           /* §2.9.3.1, T16/T17 */                      \
  X(Released, "released")

enum class State : uint8_t {
#define MGC_ISUP_HALF_STATE_ENUM_(e, n) e,
  MGC_ISUP_HALF_STATES(MGC_ISUP_HALF_STATE_ENUM_)
#undef MGC_ISUP_HALF_STATE_ENUM_
};

inline const char *state_name(State s) {
  switch (s) {
#define MGC_ISUP_HALF_STATE_NAME_(e, n)                                                            \
  case State::e:                                                                                   \
    return n;
    MGC_ISUP_HALF_STATES(MGC_ISUP_HALF_STATE_NAME_)
#undef MGC_ISUP_HALF_STATE_NAME_
  }
  return "?";
}

} // namespace mgc::cc::isup_call
