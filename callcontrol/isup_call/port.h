// What an ISUP half-call state machine needs from outside: sending ISUP on its circuit, timers,
// and telling the call what happened. The implementation builds the Q.763 messages (with the
// parameters the call supplies) and owns the circuit; the machines only decide.
// C++17: the Boost.MSM units include it.
#pragma once

#include "callcontrol/isup_timers.h"

#include <cstdint>

namespace mgc::cc::isup_call {

// How much of the called number an incoming call has (Q.764 §2.1.2 overlap; RFC 3578 §2):
// below the minimum to route (T35 runs), enough to route but maybe not all (T10 runs), or
// complete (ST received, or number analysis says so).
enum class Address : uint8_t { Incomplete, Sufficient, Complete };

class Port {
public:
  virtual ~Port() = default;

  // Q.763 messages on this call's circuit.
  virtual void send_iam() = 0;
  virtual void send_sam() = 0;
  virtual void send_cot(bool success) = 0;
  virtual void send_acm(bool in_band) = 0;
  virtual void send_cpg(bool in_band) = 0;
  virtual void send_anm() = 0;
  virtual void send_con() = 0;
  virtual void send_rel(uint8_t cause, uint8_t location) = 0;
  virtual void send_rlc() = 0;
  virtual void send_rsc() = 0;
  virtual void send_sus(bool network) = 0;
  virtual void send_res(bool network) = 0;

  // Continuity check (Q.764 §2.1.8): the check loop on this circuit's TDM side, attached for the
  // far exchange's test tone and removed after it.
  virtual void attach_check_loop() = 0;
  virtual void detach_check_loop() = 0;
  // The called number as received so far (IAM plus SAMs), judged by the owner.
  virtual Address address() const = 0;

  virtual void start_timer(IsupTimer t) = 0;
  virtual void stop_timer(IsupTimer t) = 0;

  // To the call.
  virtual void on_setup() = 0;                      // incoming call ready to route (IAM, COT done)
  virtual void on_more_digits() = 0;                // SAM
  virtual void on_alerting(bool in_band) = 0;       // ACM
  virtual void on_progress(bool in_band) = 0;       // CPG
  virtual void on_answer() = 0;                     // ANM/CON
  virtual void on_suspend(bool network) = 0;
  virtual void on_resume(bool network) = 0;
  virtual void on_released(uint8_t cause, uint8_t location) = 0; // the ISUP side is gone
  virtual void on_reattempt() = 0;                  // dual seizure lost: try another circuit
  virtual void on_circuit_idle() = 0;               // RLC exchanged: the CIC may be reused
  virtual void on_circuit_reset() = 0;              // RSC sent after T5 (maintenance alerted)
  virtual void on_unexpected(const char *state, const char *event) = 0;
};

} // namespace mgc::cc::isup_call
