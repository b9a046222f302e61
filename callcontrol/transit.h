// The second ISUP half of a transit call: PSTN -> PSTN through this exchange, trunk group to
// trunk group (Q.764 §2.1-2.3 as a transit exchange). The call (CallManager::Call) keeps its
// incoming half on the circuit the IAM came on; this is the outgoing half on a circuit of the
// route's trunk group, with its own machine, timers and media connection. Messages pass from one
// circuit to the other with their parameters as they came (only the CIC, the hop counter and the
// called number change in the IAM); each side answers RLC for its own circuit (Q.764 §2.3).
// Allocated for transit calls only: a call from or to SIP pays one pointer for it (a held call's
// memory is a benchmark target). Internal to callcontrol (call.h, transit.cpp).
#pragma once

#include "callcontrol/call_manager.h"
#include "callcontrol/isup_call/outgoing_call.h"
#include "callcontrol/isup_call/port.h"
#include "callcontrol/isup_call/timers.h"

#include <memory>
#include <string>

namespace mgc::cc {

struct CallManager::Transit : isup_call::Port {
  Transit(Call &call, TrunkGroup &group, uint16_t circuit);

  Call &c;
  TrunkGroup *tg;
  uint16_t cic;
  bool iam_sent = false;
  // over: nothing more happens on the outgoing circuit (RLC exchanged, a reset handed to
  // supervision, the circuit taken away by supervision, or released before its IAM went out)
  bool over = false;
  bool media_connected = false, media_pending = false;
  MediaGateway::Handle media = 0;
  // The called number's address signals as they go out: the route's digit manipulation of the
  // number as received, then the digits of later SAMs (a re-attempted IAM carries them all).
  std::string called;
  std::unique_ptr<isup_call::OutgoingCall> out;
  isup_call::HalfCallTimers timers;
  // While a message is being passed on: the one received on this circuit (`from_pstn`), and the
  // one from the incoming circuit this half is to send as it came (`forward`).
  const isup::Message *from_pstn = nullptr;
  const isup::Message *forward = nullptr;
  // A message from this circuit the incoming half sends as it came (Call::relay reads it).
  const isup::Message *backward = nullptr;

  // The half's supervision and the call may end: the machine's state is final for the circuit.
  bool done() const { return over && !media_connected && !media_pending; }
  bool owns_circuit() const;
  void process(const isup_call::Event &e) {
    if (out)
      out->process(e);
  }
  // An event for the outgoing machine with the incoming circuit's message to pass on (SAM, SUS,
  // RES, REL), once the IAM is out.
  void forward_event(const isup::Message *msg, const isup_call::Event &e);
  // A message from the incoming circuit that no machine acts on here (CPG after answer, FAC,
  // USR, APM ...): sent on as it came.
  void pass_on(const isup::Message &msg);
  // An event for the incoming half (the Call's machine), with this circuit's message to pass back.
  void to_incoming(const isup::Message *msg, const isup_call::Event &e);
  // The incoming side is gone or the gateway ends the call: REL on the outgoing circuit with
  // the cause (the incoming REL as it came, if there is one); a circuit still without its IAM
  // is simply free again.
  void release(uint8_t cause, uint8_t location, const isup::Message *rel);
  // Supervision took the circuit (reset, hardware blocking): the half is gone without RLC.
  void circuit_gone(uint8_t cause);
  void release_media();
  // The media path could not be made (either endpoint): both sides end, cause 47.
  void media_failed();
  void send(isup::Message msg);

  // ---- isup_call::Port: messages on the outgoing circuit
  void send_iam() override;
  void send_sam() override;
  void send_cot(bool ok) override;
  // The outgoing machine sends no backward message, checks no continuity (the IAM asks for none
  // on this circuit, see send_iam) and routes nothing: it has no row that asks for these.
  void send_acm(bool in_band) override;
  void send_cpg(bool in_band) override;
  void send_anm() override;
  void send_con() override;
  void send_rel(uint8_t cause, uint8_t location) override;
  void send_rlc() override;
  void send_rsc() override;
  void send_sus(bool network) override;
  void send_res(bool network) override;
  void attach_check_loop() override {}
  void detach_check_loop() override {}
  isup_call::Address address() const override { return isup_call::Address::Complete; }
  void start_timer(IsupTimer t) override;
  void stop_timer(IsupTimer t) override { timers.stop(t); }

  // ---- isup_call::Port: what the outgoing half tells the call (never setup or more digits)
  void on_setup() override {}
  void on_more_digits() override {}
  void on_alerting(bool in_band) override;
  void on_progress(bool in_band) override;
  void on_answer() override;
  void on_suspend(bool network) override;
  void on_resume(bool network) override;
  void on_released(uint8_t cause, uint8_t location) override;
  void on_reattempt() override;
  void on_circuit_idle() override;
  void on_circuit_reset() override;
  void on_unexpected(const char *state, const char *event) override;
};

} // namespace mgc::cc
