#include "callcontrol/sip_half.h"

#include "callcontrol/isup_body.h"
#include "callcontrol/sip_call/incoming_sip_call.h"
#include "callcontrol/sip_call/outgoing_sip_call.h"

namespace mgc::cc {

SipHalf::SipHalf(SipLegIndex &index, uint32_t call_ref, User &user)
    : index_(index), user_(user), ref_(call_ref) {}

SipHalf::~SipHalf() { set_leg(nullptr); }

void SipHalf::start_incoming(SipLeg &leg) {
  set_leg(&leg);
  done_ = false;
  in_ = std::make_unique<sip_call::IncomingSipCall>(static_cast<sip_call::Port &>(*this));
}

void SipHalf::start_outgoing(SipLeg &leg) {
  set_leg(&leg);
  done_ = false;
  out_ = std::make_unique<sip_call::OutgoingSipCall>(static_cast<sip_call::Port &>(*this));
}

void SipHalf::no_leg() {
  if (!in_ && !out_)
    done_ = true;
}

void SipHalf::set_leg(SipLeg *l) {
  if (leg_) {
    const auto [first, last] = index_.equal_range(call_id_);
    for (auto it = first; it != last; ++it)
      if (it->second == ref_) {
        index_.erase(it);
        break;
      }
  }
  leg_ = l;
  if (l) {
    // The key is a view of this copy: it changes only here, while unregistered.
    call_id_ = l->call_id();
    index_.emplace(std::string_view(call_id_), ref_);
  }
}

void SipHalf::process(const sip_call::Event &e, SipBody b) {
  if (b.sdp.empty() && !b.has_isup)
    body_out_.reset();
  else
    body_out_ = std::make_unique<SipBody>(std::move(b));
  ++depth_;
  if (out_)
    out_->process(e);
  else if (in_)
    in_->process(e);
  --depth_;
}

void SipHalf::from_peer(const sip_call::Event &e, const SipBody &b) {
  body_in_ = &b;
  process(e);
  body_in_ = nullptr;
}

const char *SipHalf::state() const {
  return out_ ? out_->state() : in_ ? in_->state() : "none";
}

bool SipHalf::info(const isup::Message &msg) {
  if (!leg_ || done_ || peer_.profile == SipProfile::Plain)
    return false;
  leg_->info(body("", &msg));
  return true;
}

SipBody SipHalf::body(const std::string &sdp, const isup::Message *isup_msg) const {
  SipBody b;
  b.sdp = sdp;
  if (isup_msg && peer_.profile != SipProfile::Plain) {
    b.isup = isup_body_of(*isup_msg, peer_.variant);
    b.has_isup = !b.isup.empty();
  }
  return b;
}

std::optional<isup::Message> SipHalf::relay(isup::MessageType t) {
  if (!from_sip_ || from_sip_->type != t)
    return std::nullopt;
  isup::Message msg = std::move(*from_sip_);
  from_sip_.reset();
  return msg;
}

void SipHalf::take_isup(const SipBody &b) {
  if (!b.has_isup || !trusts_isup())
    return;
  isup::Message msg;
  if (decode_isup_body(b.isup, peer_.variant, msg))
    from_sip_ = std::make_unique<isup::Message>(std::move(msg));
}

const SipBody &SipHalf::body_out() const {
  static const SipBody kNone;
  return body_out_ ? *body_out_ : kNone;
}

void SipHalf::send_provisional(int status) {
  if (leg_)
    leg_->provisional(status, body_out());
}
void SipHalf::send_answer() {
  if (leg_)
    leg_->answer(body_out());
}
void SipHalf::send_reject(int status, uint8_t cause) {
  if (leg_)
    leg_->reject(status, cause, body_out());
}
void SipHalf::send_cancel(uint8_t cause) {
  if (leg_)
    leg_->cancel(cause);
}
void SipHalf::send_bye(uint8_t cause) {
  if (leg_)
    leg_->bye(cause, body_out());
}

// A trusted SIP-T/SIP-I peer's ISUP in a response or BYE is what the PSTN gets as it came
// (RFC 3372 §5: ACM/CPG in 18x, ANM/CON in 200, REL in BYE).
void SipHalf::on_provisional(int status, bool early_media) {
  if (body_in_)
    take_isup(*body_in_);
  user_.on_provisional(*this, status, early_media);
}
void SipHalf::on_answered() {
  if (body_in_)
    take_isup(*body_in_);
  user_.on_answered(*this);
}
void SipHalf::on_failed(int status, uint8_t cause, bool local) {
  user_.on_failed(*this, status, cause, local);
}
void SipHalf::on_bye(std::optional<uint8_t> cause) {
  if (body_in_)
    take_isup(*body_in_);
  user_.on_bye(*this, cause);
}

void SipHalf::on_sip_over(bool dialog_over) {
  done_ = true;
  // The leg is forgotten once its dialog is over: the adapter frees it, and a new leg may later
  // live at the same address. While a CANCEL is on its way the leg stays known, so that a
  // crossing 2xx still reaches the machine (and gets its BYE) as long as the call lives.
  if (dialog_over)
    set_leg(nullptr);
  user_.on_over(*this);
}

} // namespace mgc::cc
