#include "gateway/mgcd/ss7.h"


namespace mgc::gw {

namespace {
constexpr uint8_t kSiIsup = 5; // Q.704 §14.2.2 service indicator
}

Ss7::Ss7(uint32_t own_pc, uint8_t network_indicator, isup::Variant variant)
    : own_pc_(own_pc), ni_(network_indicator), variant_(variant) {}

void Ss7::send(uint32_t dpc, const isup::Message &msg) {
  if (!transfer_)
    return;
  isup::EncodeOptions o;
  o.variant = variant_;
  if (!isup::encode(msg, o, buf_).ok()) {
    ++send_failures_;
    return;
  }
  sigtran::MtpTransfer t;
  t.opc = own_pc_;
  t.dpc = dpc;
  t.si = kSiIsup;
  t.ni = ni_;
  // Q.704 §2.2 / Q.763 §1.2: messages of one circuit keep one signalling link, so the SLS is
  // the least significant bits of the CIC (4 in ITU, 5 in ANSI).
  t.sls = static_cast<uint8_t>(msg.cic & (variant_ == isup::Variant::Ansi ? 0x1f : 0x0f));
  t.data = buf_;
  if (transfer_(t).ok())
    ++sent_;
  else
    ++send_failures_;
}

void Ss7::mtp_transfer_ind(const sigtran::MtpTransfer &t) {
  if (t.si != kSiIsup)
    return;
  handle(t.opc, t.data);
}

void Ss7::handle(uint32_t opc, std::span<const uint8_t> octets) {
  isup::Message msg;
  isup::DecodeOptions o;
  o.variant = variant_;
  const isup::DecodeResult r = isup::decode(octets, o, msg, &decode_counters_);
  auto answer_cfn = [&] {
    isup::Message cfn;
    cfn.type = isup::MessageType::Cfn;
    cfn.cic = msg.cic;
    isup::CauseIndicators c;
    c.location = 2; // public network serving the local user
    c.cause_value = r.cause;
    c.diagnostics.assign(r.diagnostic.span());
    cfn.add(c, isup::Part::MandatoryVariable);
    send(opc, cfn);
  };
  switch (r.action) {
  case isup::Action::DiscardMessage:
  case isup::Action::PassOn: // an end node does not pass on
    return;
  case isup::Action::DiscardAndNotify:
    answer_cfn();
    return;
  case isup::Action::ReleaseCall: {
    // Q.764 §2.9.5: the call is released with the cause; an IAM never becomes a call.
    if (r.reason == isup::DecodeReason::truncated_header)
      return;
    if (calls_)
      calls_->release_circuit(opc, msg.cic, r.cause);
    return;
  }
  case isup::Action::ProcessAndNotify:
    for (std::size_t i = 0; i < r.discard_parameters.size(); ++i)
      msg.remove(r.discard_parameters[i]);
    if (calls_)
      calls_->isup_received(opc, msg);
    answer_cfn();
    return;
  case isup::Action::Process:
    for (std::size_t i = 0; i < r.discard_parameters.size(); ++i)
      msg.remove(r.discard_parameters[i]);
    if (calls_)
      calls_->isup_received(opc, msg);
    return;
  }
}

void Ss7::mtp_pause_ind(uint32_t dpc) {
  if (calls_)
    calls_->destination_unavailable(dpc);
}

void Ss7::mtp_resume_ind(uint32_t dpc) {
  if (calls_)
    calls_->destination_available(dpc);
}

void Ss7::mtp_status_ind(const sigtran::MtpStatus &) {
  // Congestion (Q.764 §2.11 ACC) and user part unavailable (§2.14): not acted on yet.
}

} // namespace mgc::gw
