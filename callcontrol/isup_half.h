// One ISUP half-call (Q.764 §2.1-2.3, §2.9): a circuit of a trunk group, its incoming or outgoing
// machine (isup_call/), the machine's supervision timers and the Q.763 messages it sends on the
// circuit. The PSTN leg of a call from or to SIP, both legs of a transit call and pstn-sim's calls
// are all this class; what differs is its user, which supplies what only it knows (the IAM and
// SAM to send, a message to pass on as it came, how complete the called number is, the check
// loop) and is told what happens. The half does what every owner did the same way: the circuit
// goes back to idle when the machine frees it (if the call still holds it), and a circuit lost to
// a dual seizure or blocked before any backward message is reset (Q.764 §2.9.1.4, §2.9.3.1).
#pragma once

#include "callcontrol/circuit_group.h"
#include "callcontrol/circuit_supervision.h"
#include "callcontrol/isup_call/events.h"
#include "callcontrol/isup_call/port.h"
#include "callcontrol/isup_call/state.h"
#include "callcontrol/isup_call/timers.h"
#include "callcontrol/sides.h"

#include <memory>
#include <optional>

namespace mgc::cc {

namespace isup_call {
class IncomingCall;
class OutgoingCall;
} // namespace isup_call

// Where a half's circuit lives: its group (call state, ownership), the supervision of the group
// (resets) and the MTP service toward the group's DPC. Owned by whoever owns the trunk group.
struct CircuitAccess {
  CircuitGroup *group = nullptr;
  CircuitSupervision *supervision = nullptr;
  IsupSender *sender = nullptr;
};

class IsupHalf final : isup_call::Port {
public:
  enum class Side : uint8_t { Incoming, Outgoing };

  class User {
  public:
    virtual ~User() = default;
    // The messages only the user can fill in (the CIC is set by the half); nullopt: none goes.
    virtual std::optional<isup::Message> iam(IsupHalf &h) = 0;
    virtual std::optional<isup::Message> sam(IsupHalf &h) = 0;
    // A message of type `t` to send as it came instead of the half's own (a trusted SIP-T peer's
    // encapsulated message, RFC 3372; the other circuit's message at a transit exchange, Q.764
    // §2.1-2.3); nullopt: the half builds its own.
    virtual std::optional<isup::Message> relay(IsupHalf &, isup::MessageType) { return {}; }
    // The called number as received so far (IAM plus SAMs), judged by the user.
    virtual isup_call::Address address(const IsupHalf &) const {
      return isup_call::Address::Complete;
    }
    // Continuity check loop on the circuit's TDM side (Q.764 §2.1.8).
    virtual void attach_check_loop(IsupHalf &) {}
    virtual void detach_check_loop(IsupHalf &) {}
    // A timer of the half expired: its event is to be processed (h.process) and whatever the user
    // does after an event done.
    virtual void on_timer(IsupHalf &h, const isup_call::Event &e) = 0;

    // What the half reports (isup_call::Port's notifications).
    virtual void on_setup(IsupHalf &) {}
    virtual void on_more_digits(IsupHalf &) {}
    virtual void on_alerting(IsupHalf &, bool /*in_band*/) {}
    virtual void on_progress(IsupHalf &, bool /*in_band*/) {}
    virtual void on_answer(IsupHalf &) {}
    virtual void on_suspend(IsupHalf &, bool /*network*/) {}
    virtual void on_resume(IsupHalf &, bool /*network*/) {}
    virtual void on_released(IsupHalf &, uint8_t cause, uint8_t location) = 0;
    // Dual seizure lost (or the circuit blocked or unequipped before any backward message): the
    // circuit is the far end's or reset already; the call is to be repeated elsewhere.
    virtual void on_reattempt(IsupHalf &) = 0;
    // RLC exchanged: the circuit is idle again (the half did that if the call still held it).
    virtual void on_circuit_idle(IsupHalf &) = 0;
    // T5 expired: RSC sent, maintenance to be alerted (Q.764 §2.9.6).
    virtual void on_circuit_reset(IsupHalf &) = 0;
    virtual void on_unexpected(IsupHalf &, const char *state, const char *event) = 0;
  };

  // `call_ref` is the reference the circuit is held under (CircuitGroup's call_ref).
  IsupHalf(Side side, const CircuitAccess &access, uint16_t cic, uint32_t call_ref,
           Scheduler &sched, const IsupTimerValues &timers, User &user);
  ~IsupHalf() override;
  IsupHalf(const IsupHalf &) = delete;
  IsupHalf &operator=(const IsupHalf &) = delete;

  // Feeds one event to the machine (an event its state has no row for goes to on_unexpected).
  void process(const isup_call::Event &e);
  // Sends `msg` on this circuit as it is but for the CIC (mid-call messages passed on).
  void send(isup::Message msg);
  // Stops the machine's timers (supervision took the circuit: nothing is left to supervise).
  void stop_timers() { timers_.stop_all(); }

  Side side() const { return side_; }
  bool incoming() const { return side_ == Side::Incoming; }
  isup_call::State state() const;
  const char *state_name() const;
  bool released() const;
  uint16_t cic() const { return cic_; }
  uint32_t call_ref() const { return ref_; }
  CircuitGroup &group() const { return *access_->group; }
  CircuitSupervision &supervision() const { return *access_->supervision; }
  // The circuit is still held by this half's call (not reset, not taken by the far end's).
  bool owns_circuit() const;
  // Frees the circuit if the call still holds it (nothing was sent on it, or the call is over).
  void free_circuit();

private:
  // isup_call::Port
  void send_iam() override;
  void send_sam() override;
  void send_cot(bool ok) override;
  void send_acm(bool in_band) override;
  void send_cpg(bool in_band) override;
  void send_anm() override;
  void send_con() override;
  void send_rel(uint8_t cause, uint8_t location) override;
  void send_rlc() override;
  void send_rsc() override;
  void send_sus(bool network) override;
  void send_res(bool network) override;
  void attach_check_loop() override { user_.attach_check_loop(*this); }
  void detach_check_loop() override { user_.detach_check_loop(*this); }
  isup_call::Address address() const override { return user_.address(*this); }
  void start_timer(IsupTimer t) override;
  void stop_timer(IsupTimer t) override { timers_.stop(t); }
  void on_setup() override { user_.on_setup(*this); }
  void on_more_digits() override { user_.on_more_digits(*this); }
  void on_alerting(bool in_band) override { user_.on_alerting(*this, in_band); }
  void on_progress(bool in_band) override { user_.on_progress(*this, in_band); }
  void on_answer() override { user_.on_answer(*this); }
  void on_suspend(bool network) override { user_.on_suspend(*this, network); }
  void on_resume(bool network) override { user_.on_resume(*this, network); }
  void on_released(uint8_t cause, uint8_t location) override {
    user_.on_released(*this, cause, location);
  }
  void on_reattempt() override;
  void on_circuit_idle() override;
  void on_circuit_reset() override { user_.on_circuit_reset(*this); }
  void on_unexpected(const char *state, const char *event) override {
    user_.on_unexpected(*this, state, event);
  }
  void send_built(isup::MessageType t, isup::Message own);

  const CircuitAccess *access_;
  User &user_;
  std::unique_ptr<isup_call::IncomingCall> in_;
  std::unique_ptr<isup_call::OutgoingCall> out_;
  isup_call::HalfCallTimers timers_;
  uint32_t ref_;
  uint16_t cic_;
  Side side_;
};

} // namespace mgc::cc
