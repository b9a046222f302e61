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
#include "callcontrol/isup_half.h"
#include "callcontrol/media_leg.h"

#include <memory>
#include <string>

namespace mgc::cc {

struct CallManager::Transit : IsupHalf::User {
  Transit(Call &call, TrunkGroup &group) : c(call), tg(&group) {}

  Call &c;
  TrunkGroup *tg;
  uint16_t cic = 0;
  bool iam_sent = false;
  // over: nothing more happens on the outgoing circuit (RLC exchanged, a reset handed to
  // supervision, the circuit taken away by supervision, or released before its IAM went out)
  bool over = false;
  MediaLeg media; // the outgoing circuit's endpoint, joined to the incoming one's
  // The called number's address signals as they go out: the route's digit manipulation of the
  // number as received, then the digits of later SAMs (a re-attempted IAM carries them all).
  std::string called;
  std::unique_ptr<IsupHalf> out; // the outgoing half on the seized circuit
  // While a message is being passed on: the one received on this circuit (`from_pstn`), and the
  // one from the incoming circuit this half is to send as it came (`forward`).
  const isup::Message *from_pstn = nullptr;
  const isup::Message *forward = nullptr;
  // A message from this circuit the incoming half sends as it came (Call::relay reads it).
  const isup::Message *backward = nullptr;

  // The outgoing half on circuit `k` of `g`, seized under the call's reference.
  void seize(TrunkGroup &g, uint16_t k);
  // The half's supervision and the call may end: the machine's state is final for the circuit.
  bool done() const { return over && !media.busy(); }
  bool owns_circuit() const { return out && out->owns_circuit(); }
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

  // ---- IsupHalf::User: what the outgoing circuit's messages carry. The incoming REL, SUS and
  // RES go on as they came (Q.764 §2.3.1, §2.5 at a transit exchange), else the half's own.
  std::optional<isup::Message> iam(IsupHalf &) override;
  std::optional<isup::Message> sam(IsupHalf &) override;
  std::optional<isup::Message> relay(IsupHalf &, isup::MessageType t) override;
  void on_timer(IsupHalf &h, const isup_call::Event &e) override;

  // ---- IsupHalf::User: what the outgoing half tells the call (never setup or more digits)
  void on_alerting(IsupHalf &, bool in_band) override;
  void on_progress(IsupHalf &, bool in_band) override;
  void on_answer(IsupHalf &) override;
  void on_suspend(IsupHalf &, bool network) override;
  void on_resume(IsupHalf &, bool network) override;
  void on_released(IsupHalf &, uint8_t cause, uint8_t location) override;
  void on_reattempt(IsupHalf &) override;
  void on_circuit_idle(IsupHalf &) override;
  void on_circuit_reset(IsupHalf &) override;
  void on_unexpected(IsupHalf &, const char *state, const char *event) override;
};

} // namespace mgc::cc
