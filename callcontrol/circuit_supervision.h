// Circuit supervision, Q.764 §2.8 (blocking and unblocking: BLO/BLA, UBL/UBA, CGB/CGBA, CGU/CGUA,
// maintenance and hardware oriented), §2.9.3 (reset: RSC, GRS/GRA), §2.10.4? (circuit group
// query: CQM/CQR) and §2.12 (unequipped CIC: UCIC), for one circuit group. Messages in, messages
// out; the calls on the circuits are told through the port.
#pragma once

#include "callcontrol/circuit_group.h"
#include "callcontrol/isup_timers.h"
#include "callcontrol/sides.h"
#include "isup/message.h"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace mgc::cc {

class SupervisionPort {
public:
  virtual ~SupervisionPort() = default;
  virtual void send(const isup::Message &msg) = 0; // msg.cic is set
  // Timers of a supervision procedure, keyed by the CIC the procedure was started on.
  virtual void start_timer(uint16_t cic, IsupTimer t, uint32_t ms) = 0;
  virtual void stop_timer(uint16_t cic, IsupTimer t) = 0;
  // A call on this circuit must end: released (cause toward the other half) or, for an outgoing
  // call not yet answered that lost its circuit to blocking, re-attempted elsewhere.
  virtual void release_call(uint32_t call_ref, uint16_t cic, uint8_t cause) = 0;
  virtual void reattempt_call(uint32_t call_ref, uint16_t cic) = 0;
  virtual void maintenance_alert(uint16_t cic, const char *what) = 0;
  // A procedure on the circuit completed (acknowledged, or the reset answered): what it alerted
  // about is over.
  virtual void maintenance_cleared(uint16_t) {}
};

class CircuitSupervision;

// The part of a SupervisionPort every owner writes the same way: messages to the group's DPC
// through the MTP service, and the procedures' timers on the Scheduler, each expiry handed to the
// supervision (then to after_timer(), the owner's clean-up). The owner answers for the calls.
class ScheduledSupervisionPort : public SupervisionPort {
public:
  ScheduledSupervisionPort(Scheduler &sched, IsupSender &sender, uint32_t dpc)
      : sched_(sched), sender_(sender), dpc_(dpc) {}
  ~ScheduledSupervisionPort() override;
  // The supervision whose timers these are (set once it is built).
  void attach(CircuitSupervision &s) { supervision_ = &s; }
  void send(const isup::Message &msg) override { sender_.send(dpc_, msg); }
  void start_timer(uint16_t cic, IsupTimer t, uint32_t ms) override;
  void stop_timer(uint16_t cic, IsupTimer t) override;

protected:
  virtual void after_timer() {}

private:
  Scheduler &sched_;
  IsupSender &sender_;
  uint32_t dpc_;
  CircuitSupervision *supervision_ = nullptr;
  std::map<std::pair<uint16_t, IsupTimer>, Scheduler::Id> timers_;
};

class CircuitSupervision {
public:
  CircuitSupervision(CircuitGroup &group, SupervisionPort &port, const IsupTimerValues &timers);

  // A supervision message from the far end (BLO, UBL, BLA, UBA, CGB, CGU, CGBA, CGUA, GRS, GRA,
  // RSC when no call is on the circuit, CQM, CQR, UCIC). Returns false if it is not one of them.
  bool receive(const isup::Message &msg);

  // Operator and start-up procedures (the VTY's block/unblock/reset, GRS at start-up).
  bool block(uint16_t cic);   // BLO (maintenance)
  bool unblock(uint16_t cic); // UBL
  bool reset(uint16_t cic);   // RSC
  // A call's half sent RSC itself after T5 (Q.764 §2.9.6) and is handing the circuit over: the
  // reset goes on here (RSC repeated under T16/T17 until RLC) without the call, which ends now.
  bool adopt_reset(uint16_t cic);
  // CGB/CGU (maintenance or hardware) and GRS over first..first+range. `status` (range + 1
  // entries), when given, names the circuits of the range affected (Q.763 §3.43 status bits):
  // a lone circuit, or a run with gaps, is blocked by a range over it with the others' bits clear.
  bool group_block(uint16_t first, uint8_t range, bool hardware,
                   const std::vector<bool> *status = nullptr);
  bool group_unblock(uint16_t first, uint8_t range, bool hardware,
                     const std::vector<bool> *status = nullptr);
  bool group_reset(uint16_t first, uint8_t range);
  // GRS over every circuit of the group, in groups of at most 32 (Q.764 §2.9.3.2: range 1-31).
  void reset_all();
  // The same over the circuits without a call and without a procedure pending only: after a
  // signalling outage a message about an idle circuit may have been lost (a REL or RLC, a
  // blocking), while a call up on its circuit is left alone (Q.764 §2.9.3 resets what this
  // exchange cannot be sure of, and the call's own timers supervise the calls).
  void reset_idle();

  // Timer expiry for a procedure started on `cic`.
  void on_timer(uint16_t cic, IsupTimer t);

  // An RLC arrived for a circuit this object reset with RSC (the call layer routes RLC here when
  // no call owns the circuit). Returns false if no reset was pending.
  bool reset_complete(uint16_t cic);

  bool pending(uint16_t cic) const { return procs_.count(cic) != 0; }

private:
  template <typename Pred> void reset_runs(Pred &&include);
  enum class Proc : uint8_t { Blo, Ubl, Rsc, Cgb, Cgu, Grs };
  struct Pending {
    Proc proc;
    uint8_t range = 0;
    bool hardware = false;
    isup::Message request; // repeated on the short timer
    // A BLO (UBL) of ours was still unanswered when this UBL (BLO) went: its BLA (UBA) may still
    // come, and answers our own message rather than being unexpected (Q.764 §2.9.4).
    bool overtook = false;
  };

  void start(uint16_t cic, Pending p, IsupTimer short_t, IsupTimer long_t, bool send = true);
  void finish(uint16_t cic);
  void send_simple(isup::MessageType t, uint16_t cic);
  void send_group(isup::MessageType t, uint16_t cic, uint8_t range, const std::vector<bool> *status,
                  std::optional<bool> hardware);
  std::vector<Circuit *> circuits_in(uint16_t first, uint8_t range);
  void end_call_for_reset(Circuit &c);

  CircuitGroup &group_;
  SupervisionPort &port_;
  const IsupTimerValues &timers_;
  std::map<uint16_t, Pending> procs_;
};

} // namespace mgc::cc
