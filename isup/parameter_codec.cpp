// Q.763 §3: parameter contents. Each decoder accepts exactly the octet strings its encoder
// produces, so that decode -> encode is the identity on everything accepted as typed; octets
// that a typed decoder cannot represent exactly are kept as a RawParameter instead.
#include "isup/parameter_codec.h"

#include <array>

namespace mgc::isup::detail {
namespace {

using In = std::span<const uint8_t>;

bool bit(uint8_t o, int n) { return (o >> n) & 1; }
uint8_t bits(uint8_t o, int lo, int width) { return (o >> lo) & ((1u << width) - 1); }

// ---- address parameters (Q.763 §3.9 ff.) ----
// The layout is a compile-time property of the parameter code, so the branches fold away.
template <ParameterCode C> bool decode_number(In in, Number &n) {
  constexpr bool kQualifier = C == ParameterCode::GenericNumber;
  constexpr bool kSecondOctet = C != ParameterCode::SubsequentNumber;
  std::size_t i = 0;
  if constexpr (kQualifier) {
    if (in.size() < 1)
      return false;
    n.number_qualifier_indicator = in[i++];
  }
  if (in.size() < i + 1)
    return false;
  const uint8_t o1 = in[i++];
  n.odd_even_indicator = bit(o1, 7);
  n.nature_of_address_indicator = o1 & 0x7f;
  if constexpr (kSecondOctet) {
    if (in.size() < i + 1)
      return false;
    const uint8_t o2 = in[i++];
    n.octet2_bit8 = bit(o2, 7);
    n.numbering_plan_indicator = bits(o2, 4, 3);
    n.address_presentation_restricted_indicator = bits(o2, 2, 2);
    n.screening_indicator = bits(o2, 0, 2);
  }
  const std::size_t octets = in.size() - i;
  if (n.odd_even_indicator && octets == 0)
    return false; // odd number of signals but none present: not representable
  return n.address_signals.decode_bcd(in.subspan(i), n.odd_even_indicator, n.filler);
}

template <ParameterCode C> bool encode_number(const Number &n, Writer &w) {
  constexpr bool kQualifier = C == ParameterCode::GenericNumber;
  constexpr bool kSecondOctet = C != ParameterCode::SubsequentNumber;
  if constexpr (kQualifier)
    w.put(n.number_qualifier_indicator);
  const std::size_t count = n.address_signals.size();
  const bool odd = count % 2;
  if (n.nature_of_address_indicator > 0x7f || n.numbering_plan_indicator > 7 ||
      n.address_presentation_restricted_indicator > 3 || n.screening_indicator > 3 ||
      n.filler > 0xf)
    return false;
  w.put(static_cast<uint8_t>((odd ? 0x80 : 0) | n.nature_of_address_indicator));
  if constexpr (kSecondOctet)
    w.put(static_cast<uint8_t>((n.octet2_bit8 ? 0x80 : 0) | n.numbering_plan_indicator << 4 |
                               n.address_presentation_restricted_indicator << 2 |
                               n.screening_indicator));
  const std::size_t octets = (count + 1) / 2;
  if (uint8_t *d = w.room(octets))
    n.address_signals.encode_bcd(d, n.filler);
  w.advance(octets);
  return true;
}

// ---- one-octet and two-octet indicator parameters ----
bool decode(In in, NatureOfConnectionIndicators &p) {
  if (in.size() != 1)
    return false;
  p.satellite_indicator = bits(in[0], 0, 2);
  p.continuity_check_indicator = bits(in[0], 2, 2);
  p.echo_control_device_indicator = bit(in[0], 4);
  p.spare = bits(in[0], 5, 3);
  return true;
}
bool encode(const NatureOfConnectionIndicators &p, Writer &w) {
  if (p.satellite_indicator > 3 || p.continuity_check_indicator > 3 || p.spare > 7)
    return false;
  w.put(static_cast<uint8_t>(p.satellite_indicator | p.continuity_check_indicator << 2 |
                             p.echo_control_device_indicator << 4 | p.spare << 5));
  return true;
}

bool decode(In in, ForwardCallIndicators &p) {
  if (in.size() != 2)
    return false;
  const uint8_t a = in[0], b = in[1];
  p.national_international_call_indicator = bit(a, 0);
  p.end_to_end_method_indicator = bits(a, 1, 2);
  p.interworking_indicator = bit(a, 3);
  p.end_to_end_information_indicator = bit(a, 4);
  p.isdn_user_part_indicator = bit(a, 5);
  p.isdn_user_part_preference_indicator = bits(a, 6, 2);
  p.isdn_access_indicator = bit(b, 0);
  p.sccp_method_indicator = bits(b, 1, 2);
  p.spare = bit(b, 3);
  p.ported_number_translation_indicator = bit(b, 4);
  p.query_on_release_attempt_indicator = bit(b, 5);
  p.national_use = bits(b, 6, 2);
  return true;
}
bool encode(const ForwardCallIndicators &p, Writer &w) {
  if (p.end_to_end_method_indicator > 3 || p.isdn_user_part_preference_indicator > 3 ||
      p.sccp_method_indicator > 3 || p.national_use > 3)
    return false;
  w.put(static_cast<uint8_t>(p.national_international_call_indicator |
                             p.end_to_end_method_indicator << 1 | p.interworking_indicator << 3 |
                             p.end_to_end_information_indicator << 4 |
                             p.isdn_user_part_indicator << 5 |
                             p.isdn_user_part_preference_indicator << 6));
  w.put(static_cast<uint8_t>(p.isdn_access_indicator | p.sccp_method_indicator << 1 |
                             p.spare << 3 | p.ported_number_translation_indicator << 4 |
                             p.query_on_release_attempt_indicator << 5 | p.national_use << 6));
  return true;
}

bool decode(In in, OptionalForwardCallIndicators &p) {
  if (in.size() != 1)
    return false;
  p.closed_user_group_call_indicator = bits(in[0], 0, 2);
  p.simple_segmentation_indicator = bit(in[0], 2);
  p.spare = bits(in[0], 3, 4);
  p.connected_line_identity_request_indicator = bit(in[0], 7);
  return true;
}
bool encode(const OptionalForwardCallIndicators &p, Writer &w) {
  if (p.closed_user_group_call_indicator > 3 || p.spare > 15)
    return false;
  w.put(static_cast<uint8_t>(p.closed_user_group_call_indicator |
                             p.simple_segmentation_indicator << 2 | p.spare << 3 |
                             p.connected_line_identity_request_indicator << 7));
  return true;
}

template <ParameterCode C> bool decode(In in, OctetValue<C> &p) {
  if (in.size() != 1)
    return false;
  p.value = in[0];
  return true;
}
template <ParameterCode C> bool encode(const OctetValue<C> &p, Writer &w) {
  w.put(p.value);
  return true;
}

bool decode(In in, BackwardCallIndicators &p) {
  if (in.size() != 2)
    return false;
  const uint8_t a = in[0], b = in[1];
  p.charge_indicator = bits(a, 0, 2);
  p.called_partys_status_indicator = bits(a, 2, 2);
  p.called_partys_category_indicator = bits(a, 4, 2);
  p.end_to_end_method_indicator = bits(a, 6, 2);
  p.interworking_indicator = bit(b, 0);
  p.end_to_end_information_indicator = bit(b, 1);
  p.isdn_user_part_indicator = bit(b, 2);
  p.holding_indicator = bit(b, 3);
  p.isdn_access_indicator = bit(b, 4);
  p.echo_control_device_indicator = bit(b, 5);
  p.sccp_method_indicator = bits(b, 6, 2);
  return true;
}
bool encode(const BackwardCallIndicators &p, Writer &w) {
  if (p.charge_indicator > 3 || p.called_partys_status_indicator > 3 ||
      p.called_partys_category_indicator > 3 || p.end_to_end_method_indicator > 3 ||
      p.sccp_method_indicator > 3)
    return false;
  w.put(static_cast<uint8_t>(p.charge_indicator | p.called_partys_status_indicator << 2 |
                             p.called_partys_category_indicator << 4 |
                             p.end_to_end_method_indicator << 6));
  w.put(static_cast<uint8_t>(p.interworking_indicator | p.end_to_end_information_indicator << 1 |
                             p.isdn_user_part_indicator << 2 | p.holding_indicator << 3 |
                             p.isdn_access_indicator << 4 |
                             p.echo_control_device_indicator << 5 |
                             p.sccp_method_indicator << 6));
  return true;
}

bool decode(In in, OptionalBackwardCallIndicators &p) {
  if (in.size() != 1)
    return false;
  p.in_band_information_indicator = bit(in[0], 0);
  p.call_diversion_may_occur_indicator = bit(in[0], 1);
  p.simple_segmentation_indicator = bit(in[0], 2);
  p.mlpp_user_indicator = bit(in[0], 3);
  p.national_use = bits(in[0], 4, 4);
  return true;
}
bool encode(const OptionalBackwardCallIndicators &p, Writer &w) {
  if (p.national_use > 15)
    return false;
  w.put(static_cast<uint8_t>(p.in_band_information_indicator |
                             p.call_diversion_may_occur_indicator << 1 |
                             p.simple_segmentation_indicator << 2 | p.mlpp_user_indicator << 3 |
                             p.national_use << 4));
  return true;
}

// Q.763 §3.12 / Q.850 §2.2.
bool decode(In in, CauseIndicators &p) {
  if (in.size() < 2)
    return false;
  const uint8_t o1 = in[0];
  p.coding_standard = bits(o1, 5, 2);
  p.spare = bit(o1, 4);
  p.location = bits(o1, 0, 4);
  std::size_t i = 1;
  p.has_recommendation = !bit(o1, 7);
  if (p.has_recommendation) {
    if (in.size() < 3)
      return false;
    p.recommendation = in[i++];
  }
  p.cause_value = in[i] & 0x7f;
  p.cause_extension = bit(in[i], 7);
  ++i;
  return p.diagnostics.assign(in.subspan(i));
}
bool encode(const CauseIndicators &p, Writer &w) {
  if (p.coding_standard > 3 || p.location > 15 || p.cause_value > 0x7f)
    return false;
  w.put(static_cast<uint8_t>((p.has_recommendation ? 0 : 0x80) | p.coding_standard << 5 |
                             p.spare << 4 | p.location));
  if (p.has_recommendation)
    w.put(p.recommendation);
  w.put(static_cast<uint8_t>((p.cause_extension ? 0x80 : 0) | p.cause_value));
  w.put(p.diagnostics.span());
  return true;
}

bool decode(In in, EventInformation &p) {
  if (in.size() != 1)
    return false;
  p.event_indicator = in[0] & 0x7f;
  p.event_presentation_restricted_indicator = bit(in[0], 7);
  return true;
}
bool encode(const EventInformation &p, Writer &w) {
  if (p.event_indicator > 0x7f)
    return false;
  w.put(static_cast<uint8_t>(p.event_indicator | p.event_presentation_restricted_indicator << 7));
  return true;
}

bool decode(In in, RedirectionInformation &p) {
  if (in.size() != 1 && in.size() != 2)
    return false;
  p.redirecting_indicator = bits(in[0], 0, 3);
  p.spare_d = bit(in[0], 3);
  p.original_redirection_reason = bits(in[0], 4, 4);
  p.has_second_octet = in.size() == 2;
  if (p.has_second_octet) {
    p.redirection_counter = bits(in[1], 0, 3);
    p.spare_l = bit(in[1], 3);
    p.redirecting_reason = bits(in[1], 4, 4);
  }
  return true;
}
bool encode(const RedirectionInformation &p, Writer &w) {
  if (p.redirecting_indicator > 7 || p.original_redirection_reason > 15 ||
      p.redirection_counter > 7 || p.redirecting_reason > 15)
    return false;
  w.put(static_cast<uint8_t>(p.redirecting_indicator | p.spare_d << 3 |
                             p.original_redirection_reason << 4));
  if (p.has_second_octet)
    w.put(static_cast<uint8_t>(p.redirection_counter | p.spare_l << 3 |
                               p.redirecting_reason << 4));
  return true;
}

bool decode(In in, HopCounter &p) {
  if (in.size() != 1)
    return false;
  p.hop_counter = bits(in[0], 0, 5);
  p.spare = bits(in[0], 5, 3);
  return true;
}
bool encode(const HopCounter &p, Writer &w) {
  if (p.hop_counter > 31 || p.spare > 7)
    return false;
  w.put(static_cast<uint8_t>(p.hop_counter | p.spare << 5));
  return true;
}

bool decode(In in, InformationRequestIndicators &p) {
  if (in.size() != 2)
    return false;
  p.calling_party_address_request_indicator = bit(in[0], 0);
  p.holding_indicator = bit(in[0], 1);
  p.spare_c = bit(in[0], 2);
  p.calling_partys_category_request_indicator = bit(in[0], 3);
  p.charge_information_request_indicator = bit(in[0], 4);
  p.spare_gf = bits(in[0], 5, 2);
  p.malicious_call_identification_request_indicator = bit(in[0], 7);
  p.spare_octet2 = in[1];
  return true;
}
bool encode(const InformationRequestIndicators &p, Writer &w) {
  if (p.spare_gf > 3)
    return false;
  w.put(static_cast<uint8_t>(
      p.calling_party_address_request_indicator | p.holding_indicator << 1 | p.spare_c << 2 |
      p.calling_partys_category_request_indicator << 3 |
      p.charge_information_request_indicator << 4 | p.spare_gf << 5 |
      p.malicious_call_identification_request_indicator << 7));
  w.put(p.spare_octet2);
  return true;
}

bool decode(In in, InformationIndicators &p) {
  if (in.size() != 2)
    return false;
  p.calling_party_address_response_indicator = bits(in[0], 0, 2);
  p.hold_provided_indicator = bit(in[0], 2);
  p.spare_ed = bits(in[0], 3, 2);
  p.calling_partys_category_response_indicator = bit(in[0], 5);
  p.charge_information_response_indicator = bit(in[0], 6);
  p.solicited_information_indicator = bit(in[0], 7);
  p.spare_octet2 = in[1];
  return true;
}
bool encode(const InformationIndicators &p, Writer &w) {
  if (p.calling_party_address_response_indicator > 3 || p.spare_ed > 3)
    return false;
  w.put(static_cast<uint8_t>(p.calling_party_address_response_indicator |
                             p.hold_provided_indicator << 2 | p.spare_ed << 3 |
                             p.calling_partys_category_response_indicator << 5 |
                             p.charge_information_response_indicator << 6 |
                             p.solicited_information_indicator << 7));
  w.put(p.spare_octet2);
  return true;
}

bool decode(In in, ContinuityIndicators &p) {
  if (in.size() != 1)
    return false;
  p.continuity_indicator = bit(in[0], 0);
  p.spare = in[0] >> 1;
  return true;
}
bool encode(const ContinuityIndicators &p, Writer &w) {
  if (p.spare > 0x7f)
    return false;
  w.put(static_cast<uint8_t>(p.continuity_indicator | p.spare << 1));
  return true;
}

bool decode(In in, SuspendResumeIndicators &p) {
  if (in.size() != 1)
    return false;
  p.suspend_resume_indicator = bit(in[0], 0);
  p.spare = in[0] >> 1;
  return true;
}
bool encode(const SuspendResumeIndicators &p, Writer &w) {
  if (p.spare > 0x7f)
    return false;
  w.put(static_cast<uint8_t>(p.suspend_resume_indicator | p.spare << 1));
  return true;
}

bool decode(In in, CircuitGroupSupervisionMessageType &p) {
  if (in.size() != 1)
    return false;
  p.type_indicator = bits(in[0], 0, 2);
  p.spare = in[0] >> 2;
  return true;
}
bool encode(const CircuitGroupSupervisionMessageType &p, Writer &w) {
  if (p.type_indicator > 3 || p.spare > 0x3f)
    return false;
  w.put(static_cast<uint8_t>(p.type_indicator | p.spare << 2));
  return true;
}

// Q.763 §3.43: when present, the status subfield has one bit per circuit in the range, that is
// range + 1 bits, in as many octets as that takes.
bool decode(In in, RangeAndStatus &p) {
  if (in.empty())
    return false;
  p.range = in[0];
  if (in.size() > 1 && in.size() - 1 != (static_cast<std::size_t>(p.range) + 8) / 8)
    return false;
  return p.status.assign(in.subspan(1));
}
bool encode(const RangeAndStatus &p, Writer &w) {
  if (!p.status.empty() && p.status.size() != (static_cast<std::size_t>(p.range) + 8) / 8)
    return false;
  w.put(p.range);
  w.put(p.status.span());
  return true;
}

bool decode(In in, PropagationDelayCounter &p) {
  if (in.size() != 2)
    return false;
  p.propagation_delay_value = static_cast<uint16_t>(in[0] << 8 | in[1]);
  return true;
}
bool encode(const PropagationDelayCounter &p, Writer &w) {
  w.put(static_cast<uint8_t>(p.propagation_delay_value >> 8));
  w.put(static_cast<uint8_t>(p.propagation_delay_value & 0xff));
  return true;
}

bool decode(In in, UserServiceInformation &p) {
  if (in.size() < 2)
    return false;
  p.extension_3 = bit(in[0], 7);
  p.coding_standard = bits(in[0], 5, 2);
  p.information_transfer_capability = bits(in[0], 0, 5);
  p.extension_4 = bit(in[1], 7);
  p.transfer_mode = bits(in[1], 5, 2);
  p.information_transfer_rate = bits(in[1], 0, 5);
  return p.additional_octets.assign(in.subspan(2));
}
bool encode(const UserServiceInformation &p, Writer &w) {
  if (p.coding_standard > 3 || p.information_transfer_capability > 31 || p.transfer_mode > 3 ||
      p.information_transfer_rate > 31)
    return false;
  w.put(static_cast<uint8_t>(p.extension_3 << 7 | p.coding_standard << 5 |
                             p.information_transfer_capability));
  w.put(static_cast<uint8_t>(p.extension_4 << 7 | p.transfer_mode << 5 |
                             p.information_transfer_rate));
  w.put(p.additional_octets.span());
  return true;
}

// Q.763 §3.8 (ITU: 3-octet call identity, 14-bit point code in two octets, least significant
// first as in the routing label); T1.113.3: 3-octet point code (member, cluster, network).
bool decode(In in, CallReference &p) {
  if (in.size() != 5 && in.size() != 6)
    return false;
  p.call_identity = static_cast<uint32_t>(in[0] << 16 | in[1] << 8 | in[2]);
  p.ansi = in.size() == 6;
  if (p.ansi) {
    p.signalling_point_code = static_cast<uint32_t>(in[5] << 16 | in[4] << 8 | in[3]);
    p.spare = 0;
  } else {
    p.signalling_point_code = static_cast<uint32_t>((in[4] & 0x3f) << 8 | in[3]);
    p.spare = in[4] >> 6;
  }
  return true;
}
bool encode(const CallReference &p, Writer &w) {
  if (p.call_identity > 0xffffff)
    return false;
  w.put(static_cast<uint8_t>(p.call_identity >> 16));
  w.put(static_cast<uint8_t>(p.call_identity >> 8));
  w.put(static_cast<uint8_t>(p.call_identity));
  if (p.ansi) {
    if (p.signalling_point_code > 0xffffff)
      return false;
    w.put(static_cast<uint8_t>(p.signalling_point_code));
    w.put(static_cast<uint8_t>(p.signalling_point_code >> 8));
    w.put(static_cast<uint8_t>(p.signalling_point_code >> 16));
  } else {
    if (p.signalling_point_code > 0x3fff || p.spare > 3)
      return false;
    w.put(static_cast<uint8_t>(p.signalling_point_code));
    w.put(static_cast<uint8_t>(p.signalling_point_code >> 8 | p.spare << 6));
  }
  return true;
}

// Instruction octets chained by the extension bit (bit 8: 0 = another octet follows).
template <std::size_t N>
bool read_chain(In in, std::size_t &i, uint8_t &first, InlineBytes<N> &more) {
  if (i >= in.size())
    return false;
  first = in[i++];
  bool last = bit(first, 7);
  more.clear();
  while (!last) {
    if (i >= in.size() || !more.push_back(in[i]))
      return false;
    last = bit(in[i++], 7);
  }
  return true;
}
template <std::size_t N> bool chain_ok(const InlineBytes<N> &more) {
  // every additional octet but the last must say "continues", the last "last octet"
  for (std::size_t k = 0; k < more.size(); ++k)
    if (bit(more[k], 7) != (k + 1 == more.size()))
      return false;
  return true;
}

bool decode(In in, MessageCompatibilityInformation &p) {
  std::size_t i = 0;
  uint8_t o = 0;
  if (!read_chain(in, i, o, p.additional_octets) || i != in.size())
    return false;
  p.transit_at_intermediate_exchange_indicator = bit(o, 0);
  p.release_call_indicator = bit(o, 1);
  p.send_notification_indicator = bit(o, 2);
  p.discard_message_indicator = bit(o, 3);
  p.pass_on_not_possible_indicator = bit(o, 4);
  p.broadband_narrowband_interworking_indicator = bits(o, 5, 2);
  return true;
}
bool encode(const MessageCompatibilityInformation &p, Writer &w) {
  if (p.broadband_narrowband_interworking_indicator > 3 || !chain_ok(p.additional_octets))
    return false;
  w.put(static_cast<uint8_t>(
      p.transit_at_intermediate_exchange_indicator | p.release_call_indicator << 1 |
      p.send_notification_indicator << 2 | p.discard_message_indicator << 3 |
      p.pass_on_not_possible_indicator << 4 | p.broadband_narrowband_interworking_indicator << 5 |
      (p.additional_octets.empty() ? 0x80 : 0)));
  w.put(p.additional_octets.span());
  return true;
}

bool decode(In in, ParameterCompatibilityInformation &p) {
  std::size_t i = 0;
  p.count = 0;
  if (in.empty())
    return false;
  while (i < in.size()) {
    if (p.count >= p.entries.size())
      return false;
    ParameterInstructions &e = p.entries[p.count++];
    e = ParameterInstructions{};
    e.parameter = in[i++];
    uint8_t o = 0;
    if (!read_chain(in, i, o, e.additional_octets))
      return false;
    e.transit_at_intermediate_exchange_indicator = bit(o, 0);
    e.release_call_indicator = bit(o, 1);
    e.send_notification_indicator = bit(o, 2);
    e.discard_message_indicator = bit(o, 3);
    e.discard_parameter_indicator = bit(o, 4);
    e.pass_on_not_possible_indicator = bits(o, 5, 2);
  }
  return true;
}
bool encode(const ParameterCompatibilityInformation &p, Writer &w) {
  if (p.count == 0 || p.count > p.entries.size())
    return false;
  for (std::size_t k = 0; k < p.count; ++k) {
    const ParameterInstructions &e = p.entries[k];
    if (e.pass_on_not_possible_indicator > 3 || !chain_ok(e.additional_octets))
      return false;
    w.put(e.parameter);
    w.put(static_cast<uint8_t>(
        e.transit_at_intermediate_exchange_indicator | e.release_call_indicator << 1 |
        e.send_notification_indicator << 2 | e.discard_message_indicator << 3 |
        e.discard_parameter_indicator << 4 | e.pass_on_not_possible_indicator << 5 |
        (e.additional_octets.empty() ? 0x80 : 0)));
    w.put(e.additional_octets.span());
  }
  return true;
}

// ---- dispatch table, built once from the typed kinds ----
using DecodeFn = ParamDecode (*)(In, Message &, ParameterValue &, bool &);

template <typename T> ParamDecode decode_typed(In in, Message &, ParameterValue &out, bool &) {
  T &v = out.emplace<T>();
  bool ok;
  if constexpr (std::is_base_of_v<Number, T>)
    ok = decode_number<T::code>(in, v);
  else
    ok = decode(in, v);
  return ok ? ParamDecode::Typed : ParamDecode::Invalid;
}

template <typename T> ParamDecode decode_octets(In in, Message &msg, ParameterValue &out, bool &pool_ok) {
  T v;
  uint16_t off = 0;
  if (!msg.store(in, off)) {
    pool_ok = false;
    return ParamDecode::Invalid;
  }
  v.offset = off;
  v.length = static_cast<uint8_t>(in.size());
  out = v;
  return ParamDecode::Typed;
}

template <typename... T> constexpr void fill(std::array<DecodeFn, 256> &t) {
  ((t[static_cast<uint8_t>(T::code)] = &decode_typed<T>), ...);
}

constexpr std::array<DecodeFn, 256> make_table() {
  std::array<DecodeFn, 256> t{};
  fill<NatureOfConnectionIndicators, ForwardCallIndicators, OptionalForwardCallIndicators,
       CallingPartysCategory, TransmissionMediumRequirement, TransmissionMediumUsed,
       AutomaticCongestionLevel, FacilityIndicator, CalledPartyNumber, CallingPartyNumber,
       ConnectedNumber, RedirectingNumber, RedirectionNumber, OriginalCalledNumber,
       LocationNumber, GenericNumber, SubsequentNumber, BackwardCallIndicators,
       OptionalBackwardCallIndicators, CauseIndicators, EventInformation, RedirectionInformation,
       HopCounter, InformationRequestIndicators, InformationIndicators, ContinuityIndicators,
       SuspendResumeIndicators, CircuitGroupSupervisionMessageType, RangeAndStatus,
       PropagationDelayCounter, UserServiceInformation, CallReference,
       MessageCompatibilityInformation, ParameterCompatibilityInformation>(t);
  t[static_cast<uint8_t>(ParameterCode::AccessTransport)] = &decode_octets<AccessTransport>;
  t[static_cast<uint8_t>(ParameterCode::UserToUserInformation)] =
      &decode_octets<UserToUserInformation>;
  t[static_cast<uint8_t>(ParameterCode::CircuitStateIndicator)] =
      &decode_octets<CircuitStateIndicator>;
  return t;
}

constexpr std::array<DecodeFn, 256> kDecoders = make_table();

ParamDecode keep_raw(uint8_t code, In in, Message &msg, ParameterValue &out, bool &pool_ok) {
  RawParameter r;
  r.code = code;
  r.length = static_cast<uint8_t>(in.size());
  if (!msg.store(in, r.offset))
    pool_ok = false;
  out = r;
  return ParamDecode::Raw;
}

} // namespace

ParamDecode decode_parameter(uint8_t code, In in, Variant, Message &msg, ParameterValue &out,
                             bool &pool_ok) {
  if (in.size() > 255)
    return ParamDecode::Invalid;
  if (DecodeFn f = kDecoders[code]) {
    ParamDecode d = f(in, msg, out, pool_ok);
    if (d == ParamDecode::Typed)
      return d;
    keep_raw(code, in, msg, out, pool_ok);
    return ParamDecode::Invalid;
  }
  return keep_raw(code, in, msg, out, pool_ok);
}

bool encode_parameter(const ParameterValue &value, const Message &msg, Writer &w) {
  return std::visit(
      [&](const auto &v) -> bool {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_base_of_v<Number, T>) {
          return encode_number<T::code>(v, w);
        } else if constexpr (requires { v.offset; }) { // raw and octet-string parameters
          if (std::size_t(v.offset) + v.length > msg.pool.size())
            return false;
          w.put(msg.octets(v));
          return true;
        } else {
          return encode(v, w);
        }
      },
      value);
}

} // namespace mgc::isup::detail

namespace mgc::isup {

namespace {
constexpr NumberLayout kCalledLike{false, true, true, false, false,
                                  "internal_network_number_indicator", 2};
constexpr NumberLayout kCallingLike{false, true, true, true, true, "number_incomplete_indicator", 2};
constexpr NumberLayout kGeneric{true, true, true, true, true, "number_incomplete_indicator", 3};
constexpr NumberLayout kLocation{false, true, true, true, true,
                                 "internal_network_number_indicator", 2};
constexpr NumberLayout kConnected{false, true, true, true, true, "spare", 2};
constexpr NumberLayout kRedirecting{false, true, true, true, false, "spare", 2};
constexpr NumberLayout kSubsequent{false, false, false, false, false, "spare", 1};

constexpr std::array<const NumberLayout *, 256> make_layouts() {
  std::array<const NumberLayout *, 256> t{};
  for (auto &p : t)
    p = &kSubsequent;
  t[uint8_t(ParameterCode::CalledPartyNumber)] = &kCalledLike;
  t[uint8_t(ParameterCode::RedirectionNumber)] = &kCalledLike;
  t[uint8_t(ParameterCode::CallingPartyNumber)] = &kCallingLike;
  t[uint8_t(ParameterCode::GenericNumber)] = &kGeneric;
  t[uint8_t(ParameterCode::LocationNumber)] = &kLocation;
  t[uint8_t(ParameterCode::ConnectedNumber)] = &kConnected;
  t[uint8_t(ParameterCode::RedirectingNumber)] = &kRedirecting;
  t[uint8_t(ParameterCode::OriginalCalledNumber)] = &kRedirecting;
  return t;
}
constexpr std::array<const NumberLayout *, 256> kLayouts = make_layouts();
} // namespace

// Q.763 §3.9 (called), §3.46 (redirection), §3.10 (calling), §3.26 (generic), §3.30 (location),
// §3.16 (connected), §3.44 (redirecting), §3.39 (original called), §3.51 (subsequent).
NumberLayout number_layout(ParameterCode c) { return *kLayouts[static_cast<uint8_t>(c)]; }

} // namespace mgc::isup
