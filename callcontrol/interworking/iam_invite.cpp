#include "callcontrol/interworking/iam_invite.h"

#include <algorithm>

namespace mgc::cc::iw {

namespace {

using namespace mgc::isup;

constexpr uint8_t kCpcOrdinary = 0x0a;
constexpr uint8_t kNpiE164 = 1;
constexpr uint8_t kScreeningUserNotVerified = 0;
constexpr uint8_t kScreeningNetworkProvided = 3;
constexpr uint8_t kPresentationAllowed = 0;
constexpr uint8_t kPresentationRestricted = 1;
constexpr uint8_t kAddressNotAvailable = 2;

// Overwrites the address of `n` only when it means something else, so that an unchanged number
// keeps every other bit as received (SIP-T transparency). Digits without a '+' or a national
// prefix say nothing about their nature (kNaiUnknown): the same digits keep the received nature
// of address (a national number stays national through a tandem, RFC 3372 §5).
template <typename T> void set_number(T &n, const IsupNumber &v) {
  std::string have;
  for (char c : n.address_signals.str())
    if (c != 'F')
      have.push_back(c);
  if (have == v.digits && (n.nature_of_address_indicator == v.nai || v.nai == kNaiUnknown))
    return;
  n.nature_of_address_indicator = v.nai;
  n.address_signals.assign(v.digits);
  n.filler = 0;
}

template <typename T> T &find_or_add(Message &m, Part part = Part::Optional) {
  if (T *p = m.find<T>())
    return *p;
  T fresh;
  fresh.numbering_plan_indicator = kNpiE164;
  return m.add(fresh, part);
}

} // namespace

std::string cpc_name(uint8_t c) {
  if (c >= 0x01 && c <= 0x09)
    return "operator";
  switch (c) {
  case 0x0b: return "priority";
  case 0x0c: return "data";
  case 0x0d: return "test";
  case 0x0f: return "payphone";
  default: return "ordinary";
  }
}

uint8_t cpc_value(const std::string &name) {
  if (name == "operator") return 0x09; // national operator
  if (name == "priority") return 0x0b;
  if (name == "data") return 0x0c;
  if (name == "test") return 0x0d;
  if (name == "payphone") return 0x0f;
  return kCpcOrdinary;
}

Status iam_from_invite(const SipCallInfo &sip, const Message *encapsulated,
                       const InterworkingProfile &profile, Message &iam) {
  const auto called = isup_number_from_sip(sip.called, profile.plan);
  if (!called)
    return Status("cc.iw.no_called_number", 484);

  if (encapsulated && encapsulated->type == MessageType::Iam) {
    iam = *encapsulated; // every parameter as the originating network sent it
    // Q.764 §2.1.8: the continuity indicator speaks of the circuits before the SIP network; this
    // gateway makes no check on its outgoing circuit and sends no COT, so the next exchange must
    // not wait for one.
    if (auto *nci = iam.find<NatureOfConnectionIndicators>())
      nci->continuity_check_indicator = 0;
  } else {
    iam.clear();
    iam.type = MessageType::Iam;
    iam.add(NatureOfConnectionIndicators{.echo_control_device_indicator = profile.echo_control_device},
            Part::MandatoryFixed);
    ForwardCallIndicators fci;
    fci.interworking_indicator = profile.report_interworking;
    fci.isdn_user_part_indicator = !profile.report_interworking;
    fci.isdn_user_part_preference_indicator = 0; // preferred all the way
    iam.add(fci, Part::MandatoryFixed);
    iam.add(CallingPartysCategory{.value = cpc_value(sip.cpc)}, Part::MandatoryFixed);
    if (profile.variant == Variant::Ansi) {
      // T1.113 IAM: user service information (mandatory variable) instead of the transmission
      // medium requirement; speech, CCITT coding, circuit mode, 64 kbit/s (Q.931 §4.5.5 layout).
      UserServiceInformation usi;
      usi.coding_standard = 0;
      usi.information_transfer_capability = 0; // speech
      usi.transfer_mode = 0;                   // circuit mode
      usi.information_transfer_rate = 0x10;    // 64 kbit/s
      iam.add(usi, Part::MandatoryVariable);
    } else {
      iam.add(TransmissionMediumRequirement{.value = profile.transmission_medium_requirement},
              Part::MandatoryFixed);
    }
    CalledPartyNumber cdpn;
    cdpn.numbering_plan_indicator = kNpiE164;
    iam.add(cdpn, Part::MandatoryVariable);
  }

  // Called party number from the Request-URI: it wins over the encapsulated one (RFC 3398).
  set_number(find_or_add<CalledPartyNumber>(iam, Part::MandatoryVariable), *called);
  if (auto *fci = iam.find<ForwardCallIndicators>())
    fci->national_international_call_indicator = called->nai == kNaiInternational;

  // Calling party number: the asserted identity from a trusted peer, else a From number.
  const std::optional<std::string> &calling = sip.asserted ? sip.asserted : sip.from;
  if (calling) {
    if (auto num = isup_number_from_sip(*calling, profile.plan)) {
      auto &cgpn = find_or_add<CallingPartyNumber>(iam);
      set_number(cgpn, *num);
      cgpn.address_presentation_restricted_indicator =
          sip.privacy_id ? kPresentationRestricted : kPresentationAllowed;
      if (!encapsulated)
        cgpn.screening_indicator =
            sip.asserted ? kScreeningNetworkProvided : kScreeningUserNotVerified;
    }
  } else if (!encapsulated) {
    // No usable identity: omit the calling party number (RFC 3398 §7.2.1.1).
    iam.remove(static_cast<uint8_t>(ParameterCode::CallingPartyNumber));
  }

  // To differing from the Request-URI: the original called number (RFC 3398 §7.2.1.1), and
  // Diversion entries: redirecting number and redirection information (Q.1912.5 §6.x).
  if (!sip.diversions.empty()) {
    const Diversion &first = sip.diversions.front();
    const Diversion &last = sip.diversions.back();
    if (auto n = isup_number_from_sip(first.number, profile.plan)) {
      auto &ocn = find_or_add<OriginalCalledNumber>(iam);
      set_number(ocn, *n);
    }
    if (auto n = isup_number_from_sip(last.number, profile.plan)) {
      auto &rgn = find_or_add<RedirectingNumber>(iam);
      set_number(rgn, *n);
    }
    RedirectionInformation ri;
    if (auto *have = iam.find<RedirectionInformation>())
      ri = *have;
    unsigned count = 0;
    for (const auto &d : sip.diversions)
      count += std::max<unsigned>(d.counter, 1);
    ri.redirecting_indicator = 3; // call diverted
    ri.original_redirection_reason = first.reason & 0xf;
    ri.redirection_counter = static_cast<uint8_t>(std::min(count, 5u));
    ri.redirecting_reason = last.reason & 0xf;
    if (auto *have = iam.find<RedirectionInformation>())
      *have = ri;
    else
      iam.add(ri);
  } else if (sip.to) {
    if (auto n = isup_number_from_sip(*sip.to, profile.plan); n && n->digits != called->digits) {
      auto &ocn = find_or_add<OriginalCalledNumber>(iam);
      set_number(ocn, *n);
    }
  }

  // Hop counter (Q.764 §2.15): a tandem decrements it; at zero the call is not offered further.
  int hops = sip.max_forwards / std::max(profile.max_forwards_per_hop, 1);
  if (auto *hc = iam.find<HopCounter>())
    hops = std::min<int>(hops, hc->hop_counter);
  hops = std::min(hops, 31) - 1;
  if (hops < 0)
    return Status("cc.iw.hop_counter_exhausted", 483);
  if (auto *hc = iam.find<HopCounter>())
    hc->hop_counter = static_cast<uint8_t>(hops);
  else
    iam.add(HopCounter{.hop_counter = static_cast<uint8_t>(hops)});
  return Status::Ok();
}

SipCallInfo invite_from_iam(const Message &iam, const InterworkingProfile &profile) {
  SipCallInfo sip;
  if (const auto *cdpn = iam.find<CalledPartyNumber>())
    sip.called = sip_number_from_isup(*cdpn, profile.plan);
  if (const auto *ocn = iam.find<OriginalCalledNumber>())
    sip.to = sip_number_from_isup(*ocn, profile.plan);
  if (const auto *cpc = iam.find<CallingPartysCategory>())
    if (cpc->value != kCpcOrdinary)
      sip.cpc = cpc_name(cpc->value);
  if (const auto *cgpn = iam.find<CallingPartyNumber>()) {
    const auto apri = cgpn->address_presentation_restricted_indicator;
    if (apri != kAddressNotAvailable && cgpn->address_signals.size() > 0) {
      const std::string number = sip_number_from_isup(*cgpn, profile.plan);
      sip.asserted = number; // asserted towards trusted peers; the adapter drops it otherwise
      if (apri == kPresentationRestricted)
        sip.privacy_id = true;
      else
        sip.from = number;
    }
  }
  // Redirection (Q.1912.5): the original called number and the redirecting number as Diversion
  // entries, oldest first.
  const auto *ri = iam.find<RedirectionInformation>();
  const auto *ocn = iam.find<OriginalCalledNumber>();
  const auto *rgn = iam.find<RedirectingNumber>();
  if (ri && (ocn || rgn)) {
    const unsigned total = std::max<unsigned>(ri->redirection_counter, 1);
    if (ocn && rgn && total > 1) {
      sip.diversions.push_back({sip_number_from_isup(*ocn, profile.plan),
                                ri->original_redirection_reason,
                                static_cast<uint8_t>(total - 1)});
      sip.diversions.push_back({sip_number_from_isup(*rgn, profile.plan), ri->redirecting_reason, 1});
    } else {
      const Number &n = rgn ? static_cast<const Number &>(*rgn) : *ocn;
      sip.diversions.push_back({sip_number_from_isup(n, profile.plan),
                                rgn ? ri->redirecting_reason : ri->original_redirection_reason,
                                static_cast<uint8_t>(total)});
    }
  }
  if (const auto *hc = iam.find<HopCounter>())
    sip.max_forwards = hc->hop_counter * std::max(profile.max_forwards_per_hop, 1);
  return sip;
}

} // namespace mgc::cc::iw
