#include "gateway/mgcd/ss7.h"

#include "core/log.h"
#include "isup/catalogue.h"

namespace mgc::gw {

namespace {
constexpr uint8_t kSiIsup = 5; // Q.704 §14.2.2 service indicator

std::string acronym(isup::MessageType t) {
  const std::string_view a = isup::message_acronym(uint8_t(t));
  return a.empty() ? "type " + std::to_string(unsigned(t)) : std::string(a);
}
} // namespace

Ss7::Ss7(uint32_t own_pc, uint8_t network_indicator, isup::Variant variant)
    : own_pc_(own_pc), ni_(network_indicator), variant_(variant) {}

void Ss7::send(uint32_t dpc, const isup::Message &msg) {
  if (!transfer_)
    return;
  isup::EncodeOptions o;
  o.variant = variant_;
  if (Status st = isup::encode(msg, o, buf_); !st.ok()) {
    ++send_failures_;
    MGC_LOG(Isup, Notice, "dpc %u cic %u: %s not sent: cannot encode (%.*s)", dpc, msg.cic,
            acronym(msg.type).c_str(), int(st.detail().size()), st.detail().data());
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
  if (Status st = transfer_(t); st.ok()) {
    ++sent_;
    MGC_LOG(Isup, Debug, "dpc %u cic %u: %s sent (%zu octets)", dpc, msg.cic,
            acronym(msg.type).c_str(), buf_.size());
  } else {
    ++send_failures_;
    // Q.701: MTP-TRANSFER refused (no route, destination inaccessible).
    MGC_LOG(Isup, Notice, "dpc %u cic %u: %s not sent: %.*s", dpc, msg.cic,
            acronym(msg.type).c_str(), int(st.detail().size()), st.detail().data());
  }
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
  isup::DecodeResult r = isup::decode(octets, o, msg, &decode_counters_);
  // Q.764 §2.9.5.3: an intermediate exchange passes on the parameters and messages it does not
  // recognise (as their compatibility information says), where an end node drops them and sends
  // CFN. mgcd is one on a transit call and toward SIP-T/SIP-I peers; only a message an end node
  // would not use as it came needs that judgement (and a second decode).
  if ((r.action != isup::Action::Process || !r.discard_parameters.empty()) &&
      r.reason != isup::DecodeReason::truncated_header && calls_ && calls_->passes_on(opc, msg)) {
    o.node = isup::Node::Transit;
    r = isup::decode(octets, o, msg);
  }
  if (r.action == isup::Action::Process)
    MGC_LOG(Isup, Debug, "opc %u cic %u: %s received (%zu octets)", opc, msg.cic,
            acronym(msg.type).c_str(), octets.size());
  else
    // Q.764 §2.9.5: what was done with a message that could not be used as it came.
    MGC_LOG(Isup, Notice, "opc %u cic %u: %s received: %.*s, cause %u: %s", opc, msg.cic,
            acronym(msg.type).c_str(), int(isup::reason_detail(r.reason).size()),
            isup::reason_detail(r.reason).data(), unsigned(r.cause),
            r.action == isup::Action::DiscardMessage ? "discarded"
            : r.action == isup::Action::PassOn       ? "passed on as it came"
            : r.action == isup::Action::DiscardAndNotify ? "discarded, CFN sent"
            : r.action == isup::Action::ReleaseCall      ? "the call is released"
                                                    : "parameters dropped, processed, CFN sent");
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
    return;
  case isup::Action::PassOn: // decoded as a transit node: the call passes it on as it came
    if (calls_)
      calls_->isup_received(opc, msg);
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
  // Q.764 §2.13: no messages toward an inaccessible destination; circuits are reset once it
  // is back.
  MGC_LOG(Isup, Notice, "MTP-PAUSE: dpc %u inaccessible, its circuits wait for MTP-RESUME", dpc);
  if (calls_)
    calls_->destination_unavailable(dpc);
}

void Ss7::mtp_resume_ind(uint32_t dpc) {
  MGC_LOG(Isup, Notice, "MTP-RESUME: dpc %u accessible", dpc);
  if (calls_)
    calls_->destination_available(dpc);
}

void Ss7::mtp_status_ind(const sigtran::MtpStatus &s) {
  // Signalling congestion (Q.764 §2.10) and user part unavailable (§2.13), for ISUP only: a
  // DUPU about another user part (SCCP ...) is not ISUP's business.
  const bool congestion = s.cause == sigtran::MtpStatusCause::Congestion;
  if (congestion)
    MGC_LOG(Isup, Notice, "MTP-STATUS: dpc %u congestion level %u", s.dpc,
            unsigned(s.congestion_level));
  else
    MGC_LOG(Isup, Notice, "MTP-STATUS: dpc %u user part %u unavailable, cause %u", s.dpc,
            unsigned(s.user), unsigned(s.unavailable));
  if (!calls_)
    return;
  if (congestion) {
    calls_->destinations().mtp_congestion(s.dpc, s.congestion_level);
  } else if (s.user == kSiIsup) {
    using U = sigtran::m3ua::UnavailCause;
    calls_->destinations().user_part_unavailable(
        s.dpc, s.unavailable == U::UnequippedRemoteUser    ? cc::UserPartState::Unequipped
               : s.unavailable == U::InaccessibleRemoteUser ? cc::UserPartState::Inaccessible
                                                            : cc::UserPartState::Unknown);
  }
}

} // namespace mgc::gw
