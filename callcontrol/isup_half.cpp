#include "callcontrol/isup_half.h"

#include "callcontrol/isup_call/incoming_call.h"
#include "callcontrol/isup_call/outgoing_call.h"
#include "callcontrol/isup_messages.h"

namespace mgc::cc {

using isup::MessageType;
using namespace isup_call;

namespace {
// Q.763 §3.21 event indicator of a CPG.
constexpr uint8_t kCpgAlerting = 1, kCpgProgress = 2;
} // namespace

IsupHalf::IsupHalf(Side side, const CircuitAccess &access, uint16_t cic, uint32_t call_ref,
                   Scheduler &sched, const IsupTimerValues &timers, User &user)
    : access_(&access), user_(user), timers_(sched, timers), ref_(call_ref), cic_(cic),
      side_(side) {
  if (side == Side::Incoming)
    in_ = std::make_unique<IncomingCall>(static_cast<Port &>(*this));
  else
    out_ = std::make_unique<OutgoingCall>(static_cast<Port &>(*this));
}

IsupHalf::~IsupHalf() = default;

void IsupHalf::process(const Event &e) {
  if (in_)
    in_->process(e);
  else
    out_->process(e);
}

State IsupHalf::state() const { return in_ ? in_->current() : out_->current(); }
const char *IsupHalf::state_name() const { return in_ ? in_->state() : out_->state(); }
bool IsupHalf::released() const { return in_ ? in_->released() : out_->released(); }

bool IsupHalf::owns_circuit() const {
  const Circuit *k = access_->group->find(cic_);
  return k && k->call_ref == ref_;
}

void IsupHalf::free_circuit() {
  if (owns_circuit())
    access_->group->idle(cic_);
}

void IsupHalf::send(isup::Message msg) {
  msg.cic = cic_;
  access_->sender->send(access_->group->dpc(), msg);
}

// The user's message of that type if it has one to pass on as it came, else ours.
void IsupHalf::send_built(MessageType t, isup::Message own) {
  if (auto m = user_.relay(*this, t))
    return send(std::move(*m));
  send(std::move(own));
}

void IsupHalf::send_iam() {
  if (auto m = user_.iam(*this))
    send(std::move(*m));
}
void IsupHalf::send_sam() {
  if (auto m = user_.sam(*this))
    send(std::move(*m));
}
void IsupHalf::send_cot(bool ok) { send(msgs::cot(cic_, ok)); }
void IsupHalf::send_acm(bool in_band) { send_built(MessageType::Acm, msgs::acm(cic_, in_band)); }
void IsupHalf::send_cpg(bool in_band) {
  send_built(MessageType::Cpg, msgs::cpg(cic_, in_band ? kCpgProgress : kCpgAlerting, in_band));
}
void IsupHalf::send_anm() { send_built(MessageType::Anm, msgs::anm(cic_)); }
void IsupHalf::send_con() { send_built(MessageType::Con, msgs::con(cic_)); }
void IsupHalf::send_rel(uint8_t cause, uint8_t location) {
  send_built(MessageType::Rel, msgs::rel(cic_, cause, location));
}
void IsupHalf::send_rlc() { send(msgs::rlc(cic_)); }
void IsupHalf::send_rsc() { send(msgs::rsc(cic_)); }
void IsupHalf::send_sus(bool network) { send_built(MessageType::Sus, msgs::sus(cic_, network)); }
void IsupHalf::send_res(bool network) { send_built(MessageType::Res, msgs::res(cic_, network)); }

void IsupHalf::start_timer(IsupTimer t) {
  timers_.start(t, [this, t] {
    if (auto e = expiry_event(t))
      user_.on_timer(*this, *e);
  });
}

void IsupHalf::on_reattempt() {
  // Q.764 §2.9.1.4: the IAM on this circuit is void. Blocked (BLO, §2.8.2.1) or unequipped (UCIC,
  // §2.12) at the far end rather than lost to its call, the circuit is still ours with our IAM
  // unanswered: it goes back to idle by a reset (§2.9.3.1), which needs no call on it (without
  // it the circuit stayed busy for good).
  if (owns_circuit()) {
    access_->group->idle(cic_);
    access_->supervision->reset(cic_);
  }
  user_.on_reattempt(*this);
}

void IsupHalf::on_circuit_idle() {
  free_circuit();
  user_.on_circuit_idle(*this);
}

} // namespace mgc::cc
