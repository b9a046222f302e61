#include "isup/json.h"

#include "core/hex.h"
#include "isup/catalogue.h"

#include <string>

namespace mgc::isup {
namespace {

using nlohmann::json;

// One field list per typed parameter, used in both directions.
template <typename F> void fields(NatureOfConnectionIndicators &p, F &&f) {
  f("satellite_indicator", p.satellite_indicator);
  f("continuity_check_indicator", p.continuity_check_indicator);
  f("echo_control_device_indicator", p.echo_control_device_indicator);
  f("spare", p.spare);
}
template <typename F> void fields(ForwardCallIndicators &p, F &&f) {
  f("national_international_call_indicator", p.national_international_call_indicator);
  f("end_to_end_method_indicator", p.end_to_end_method_indicator);
  f("interworking_indicator", p.interworking_indicator);
  f("end_to_end_information_indicator", p.end_to_end_information_indicator);
  f("isdn_user_part_indicator", p.isdn_user_part_indicator);
  f("isdn_user_part_preference_indicator", p.isdn_user_part_preference_indicator);
  f("isdn_access_indicator", p.isdn_access_indicator);
  f("sccp_method_indicator", p.sccp_method_indicator);
  f("spare", p.spare);
  f("ported_number_translation_indicator", p.ported_number_translation_indicator);
  f("query_on_release_attempt_indicator", p.query_on_release_attempt_indicator);
  f("national_use", p.national_use);
}
template <typename F> void fields(OptionalForwardCallIndicators &p, F &&f) {
  f("closed_user_group_call_indicator", p.closed_user_group_call_indicator);
  f("simple_segmentation_indicator", p.simple_segmentation_indicator);
  f("spare", p.spare);
  f("connected_line_identity_request_indicator", p.connected_line_identity_request_indicator);
}
template <ParameterCode C, typename F> void fields(OctetValue<C> &p, F &&f) { f("value", p.value); }
template <typename F> void fields(BackwardCallIndicators &p, F &&f) {
  f("charge_indicator", p.charge_indicator);
  f("called_partys_status_indicator", p.called_partys_status_indicator);
  f("called_partys_category_indicator", p.called_partys_category_indicator);
  f("end_to_end_method_indicator", p.end_to_end_method_indicator);
  f("interworking_indicator", p.interworking_indicator);
  f("end_to_end_information_indicator", p.end_to_end_information_indicator);
  f("isdn_user_part_indicator", p.isdn_user_part_indicator);
  f("holding_indicator", p.holding_indicator);
  f("isdn_access_indicator", p.isdn_access_indicator);
  f("echo_control_device_indicator", p.echo_control_device_indicator);
  f("sccp_method_indicator", p.sccp_method_indicator);
}
template <typename F> void fields(OptionalBackwardCallIndicators &p, F &&f) {
  f("in_band_information_indicator", p.in_band_information_indicator);
  f("call_diversion_may_occur_indicator", p.call_diversion_may_occur_indicator);
  f("simple_segmentation_indicator", p.simple_segmentation_indicator);
  f("mlpp_user_indicator", p.mlpp_user_indicator);
  f("national_use", p.national_use);
}
template <typename F> void fields(CauseIndicators &p, F &&f) {
  f("coding_standard", p.coding_standard);
  f("spare", p.spare);
  f("location", p.location);
  f("has_recommendation", p.has_recommendation);
  f("recommendation", p.recommendation);
  f("cause_value", p.cause_value);
  f("cause_extension", p.cause_extension);
  f("diagnostics", p.diagnostics);
}
template <typename F> void fields(EventInformation &p, F &&f) {
  f("event_indicator", p.event_indicator);
  f("event_presentation_restricted_indicator", p.event_presentation_restricted_indicator);
}
template <typename F> void fields(RedirectionInformation &p, F &&f) {
  f("redirecting_indicator", p.redirecting_indicator);
  f("spare_d", p.spare_d);
  f("original_redirection_reason", p.original_redirection_reason);
  f("has_second_octet", p.has_second_octet);
  f("redirection_counter", p.redirection_counter);
  f("spare_l", p.spare_l);
  f("redirecting_reason", p.redirecting_reason);
}
template <typename F> void fields(HopCounter &p, F &&f) {
  f("hop_counter", p.hop_counter);
  f("spare", p.spare);
}
template <typename F> void fields(InformationRequestIndicators &p, F &&f) {
  f("calling_party_address_request_indicator", p.calling_party_address_request_indicator);
  f("holding_indicator", p.holding_indicator);
  f("spare_c", p.spare_c);
  f("calling_partys_category_request_indicator", p.calling_partys_category_request_indicator);
  f("charge_information_request_indicator", p.charge_information_request_indicator);
  f("spare_gf", p.spare_gf);
  f("malicious_call_identification_request_indicator",
    p.malicious_call_identification_request_indicator);
  f("spare_octet2", p.spare_octet2);
}
template <typename F> void fields(InformationIndicators &p, F &&f) {
  f("calling_party_address_response_indicator", p.calling_party_address_response_indicator);
  f("hold_provided_indicator", p.hold_provided_indicator);
  f("spare_ed", p.spare_ed);
  f("calling_partys_category_response_indicator", p.calling_partys_category_response_indicator);
  f("charge_information_response_indicator", p.charge_information_response_indicator);
  f("solicited_information_indicator", p.solicited_information_indicator);
  f("spare_octet2", p.spare_octet2);
}
template <typename F> void fields(ContinuityIndicators &p, F &&f) {
  f("continuity_indicator", p.continuity_indicator);
  f("spare", p.spare);
}
template <typename F> void fields(SuspendResumeIndicators &p, F &&f) {
  f("suspend_resume_indicator", p.suspend_resume_indicator);
  f("spare", p.spare);
}
template <typename F> void fields(CircuitGroupSupervisionMessageType &p, F &&f) {
  f("type_indicator", p.type_indicator);
  f("spare", p.spare);
}
template <typename F> void fields(RangeAndStatus &p, F &&f) {
  f("range", p.range);
  f("status", p.status);
}
template <typename F> void fields(PropagationDelayCounter &p, F &&f) {
  f("propagation_delay_value", p.propagation_delay_value);
}
template <typename F> void fields(UserServiceInformation &p, F &&f) {
  f("extension_3", p.extension_3);
  f("coding_standard", p.coding_standard);
  f("information_transfer_capability", p.information_transfer_capability);
  f("extension_4", p.extension_4);
  f("transfer_mode", p.transfer_mode);
  f("information_transfer_rate", p.information_transfer_rate);
  f("additional_octets", p.additional_octets);
}
template <typename F> void fields(CallReference &p, F &&f) {
  f("call_identity", p.call_identity);
  f("signalling_point_code", p.signalling_point_code);
  f("spare", p.spare);
  f("ansi", p.ansi);
}
template <typename F> void fields(MessageCompatibilityInformation &p, F &&f) {
  f("transit_at_intermediate_exchange_indicator", p.transit_at_intermediate_exchange_indicator);
  f("release_call_indicator", p.release_call_indicator);
  f("send_notification_indicator", p.send_notification_indicator);
  f("discard_message_indicator", p.discard_message_indicator);
  f("pass_on_not_possible_indicator", p.pass_on_not_possible_indicator);
  f("broadband_narrowband_interworking_indicator",
    p.broadband_narrowband_interworking_indicator);
  f("additional_octets", p.additional_octets);
}
template <typename F> void fields(ParameterInstructions &p, F &&f) {
  f("parameter", p.parameter);
  f("transit_at_intermediate_exchange_indicator", p.transit_at_intermediate_exchange_indicator);
  f("release_call_indicator", p.release_call_indicator);
  f("send_notification_indicator", p.send_notification_indicator);
  f("discard_message_indicator", p.discard_message_indicator);
  f("discard_parameter_indicator", p.discard_parameter_indicator);
  f("pass_on_not_possible_indicator", p.pass_on_not_possible_indicator);
  f("additional_octets", p.additional_octets);
}

// Number fields: names follow the parameter (Q.763 §3.9 ff.); bits a parameter leaves spare
// are shown as spare so the JSON never claims a meaning the parameter does not have.
template <typename F> void number_fields(Number &n, ParameterCode c, F &&f) {
  const NumberLayout L = number_layout(c);
  if (L.qualifier)
    f("number_qualifier_indicator", n.number_qualifier_indicator);
  f("odd_even_indicator", n.odd_even_indicator);
  f(L.has_nai ? "nature_of_address_indicator" : "spare", n.nature_of_address_indicator);
  if (L.second_octet) {
    f(L.bit8_name == std::string_view("spare") ? "spare_bit8" : L.bit8_name, n.octet2_bit8);
    f("numbering_plan_indicator", n.numbering_plan_indicator);
    f(L.presentation ? "address_presentation_restricted_indicator" : "spare_bits43",
      n.address_presentation_restricted_indicator);
    f(L.screening ? "screening_indicator" : "spare_bits21", n.screening_indicator);
  }
  f("address_signals", n.address_signals);
  f("filler", n.filler);
}

struct ToJson {
  json &o;
  void operator()(const char *k, bool v) { o[k] = v; }
  void operator()(const char *k, uint8_t v) { o[k] = v; }
  void operator()(const char *k, uint16_t v) { o[k] = v; }
  void operator()(const char *k, uint32_t v) { o[k] = v; }
  void operator()(const char *k, const AddressSignals &v) { o[k] = std::string(v.str()); }
  template <std::size_t N> void operator()(const char *k, const InlineBytes<N> &v) {
    o[k] = hex_encode(v.span());
  }
};

struct FromJson {
  const json &o;
  bool ok = true;
  std::string bad;
  template <typename T> void integer(const char *k, T &v) {
    auto it = o.find(k);
    if (it == o.end())
      return; // absent fields keep their default (0 / false)
    if (!it->is_number_unsigned() || it->template get<uint64_t>() > std::numeric_limits<T>::max()) {
      ok = false;
      bad = k;
      return;
    }
    v = static_cast<T>(it->template get<uint64_t>());
  }
  void operator()(const char *k, bool &v) {
    auto it = o.find(k);
    if (it == o.end())
      return;
    if (it->is_boolean())
      v = it->get<bool>();
    else if (it->is_number_unsigned() && it->get<uint64_t>() <= 1)
      v = it->get<uint64_t>() == 1;
    else {
      ok = false;
      bad = k;
    }
  }
  void operator()(const char *k, uint8_t &v) { integer(k, v); }
  void operator()(const char *k, uint16_t &v) { integer(k, v); }
  void operator()(const char *k, uint32_t &v) { integer(k, v); }
  void operator()(const char *k, AddressSignals &v) {
    auto it = o.find(k);
    if (it == o.end())
      return;
    if (!it->is_string() || !v.assign(it->get<std::string>())) {
      ok = false;
      bad = k;
    }
  }
  template <std::size_t N> void operator()(const char *k, InlineBytes<N> &v) {
    auto it = o.find(k);
    if (it == o.end())
      return;
    std::optional<std::vector<uint8_t>> b;
    if (it->is_string())
      b = hex_decode(it->get<std::string>());
    if (!b || !v.assign(*b)) {
      ok = false;
      bad = k;
    }
  }
};

const char *part_name(Part p) {
  switch (p) {
  case Part::MandatoryFixed:
    return "mandatory_fixed";
  case Part::MandatoryVariable:
    return "mandatory_variable";
  case Part::Optional:
  default:
    return "optional";
  }
}

json parameter_json(const Parameter &p, const Message &msg) {
  json o;
  const ParameterInfo *info = parameter_info(p.code);
  o["name"] = info ? std::string(info->json_name) : "unknown";
  o["code"] = p.code;
  o["part"] = part_name(p.part);
  std::visit(
      [&](const auto &v) {
        using T = std::decay_t<decltype(v)>;
        auto &m = const_cast<T &>(v);
        ToJson tj{o};
        if constexpr (std::is_same_v<T, RawParameter>) {
          o["hex"] = hex_encode(msg.octets(v));
        } else if constexpr (std::is_base_of_v<Number, T>) {
          number_fields(m, T::code, tj);
        } else if constexpr (std::is_same_v<T, ParameterCompatibilityInformation>) {
          json list = json::array();
          for (std::size_t i = 0; i < v.count; ++i) {
            json e;
            ToJson te{e};
            fields(m.entries[i], te);
            if (const ParameterInfo *pi = parameter_info(v.entries[i].parameter))
              e["parameter_name"] = std::string(pi->json_name);
            list.push_back(e);
          }
          o["entries"] = list;
        } else if constexpr (requires { v.offset; }) {
          o["hex"] = hex_encode(msg.octets(v));
        } else {
          fields(m, tj);
        }
      },
      p.value);
  return o;
}

// Builds the typed value for `code` from its JSON fields.
template <typename T> bool typed_from(const json &o, ParameterValue &out, std::string &bad) {
  T v{};
  FromJson fj{o, true, {}};
  if constexpr (std::is_base_of_v<Number, T>)
    number_fields(v, T::code, fj);
  else
    fields(v, fj);
  bad = fj.bad;
  out = v;
  return fj.ok;
}

template <typename... T>
bool try_typed(uint8_t code, const json &o, ParameterValue &out, std::string &bad, bool &matched) {
  bool ok = true;
  ((!matched && code == static_cast<uint8_t>(T::code)
        ? (matched = true, ok = typed_from<T>(o, out, bad))
        : false),
   ...);
  return ok;
}

Status parameter_from_json(const json &o, Message &msg) {
  if (!o.is_object())
    return Status("isup.json.parameter_not_object", 0);
  uint8_t code = 0;
  if (auto it = o.find("code"); it != o.end() && it->is_number_unsigned() && it->get<uint64_t>() < 256)
    code = static_cast<uint8_t>(it->get<uint64_t>());
  else if (auto n = o.find("name"); n != o.end() && n->is_string()) {
    auto c = parameter_code_from_name(n->get<std::string>());
    if (!c)
      return Status("isup.json.unknown_parameter_name", 0);
    code = *c;
  } else {
    return Status("isup.json.parameter_without_code", 0);
  }
  Part part = Part::Optional;
  if (auto it = o.find("part"); it != o.end() && it->is_string()) {
    const auto s = it->get<std::string>();
    part = s == "mandatory_fixed"      ? Part::MandatoryFixed
           : s == "mandatory_variable" ? Part::MandatoryVariable
                                       : Part::Optional;
  }
  if (auto h = o.find("hex"); h != o.end()) {
    auto b = h->is_string() ? hex_decode(h->get<std::string>()) : std::nullopt;
    if (!b || b->size() > 255)
      return Status("isup.json.bad_hex", 0);
    switch (static_cast<ParameterCode>(code)) {
    case ParameterCode::AccessTransport:
      msg.add_octets<AccessTransport>(*b, part);
      break;
    case ParameterCode::UserToUserInformation:
      msg.add_octets<UserToUserInformation>(*b, part);
      break;
    case ParameterCode::CircuitStateIndicator:
      msg.add_octets<CircuitStateIndicator>(*b, part);
      break;
    default:
      msg.add_raw(code, *b, part);
    }
    return Status::Ok();
  }
  ParameterValue v;
  std::string bad;
  bool matched = false;
  bool ok = true;
  if (code == static_cast<uint8_t>(ParameterCode::ParameterCompatibilityInformation)) {
    ParameterCompatibilityInformation pci{};
    const auto it = o.find("entries");
    if (it == o.end() || !it->is_array() || it->size() > pci.entries.size())
      return Status("isup.json.bad_field", 0);
    for (const auto &e : *it) {
      FromJson fj{e, true, {}};
      fields(pci.entries[pci.count++], fj);
      if (!fj.ok)
        return Status("isup.json.bad_field", 0);
    }
    v = pci;
    matched = true;
  } else {
    ok = try_typed<NatureOfConnectionIndicators, ForwardCallIndicators,
                   OptionalForwardCallIndicators, CallingPartysCategory,
                   TransmissionMediumRequirement, TransmissionMediumUsed,
                   AutomaticCongestionLevel, FacilityIndicator, CalledPartyNumber,
                   CallingPartyNumber, ConnectedNumber, RedirectingNumber, RedirectionNumber,
                   OriginalCalledNumber, LocationNumber, GenericNumber, SubsequentNumber,
                   BackwardCallIndicators, OptionalBackwardCallIndicators, CauseIndicators,
                   EventInformation, RedirectionInformation, HopCounter,
                   InformationRequestIndicators, InformationIndicators, ContinuityIndicators,
                   SuspendResumeIndicators, CircuitGroupSupervisionMessageType, RangeAndStatus,
                   PropagationDelayCounter, UserServiceInformation, CallReference,
                   MessageCompatibilityInformation>(code, o, v, bad, matched);
  }
  if (!matched)
    return Status("isup.json.parameter_needs_hex", 0);
  if (!ok)
    return Status("isup.json.bad_field", 0);
  msg.parameters.push_back(Parameter{code, part, v});
  return Status::Ok();
}

} // namespace

json to_json(const Message &msg, const DecodeOptions &opt) {
  json j;
  const uint8_t type = static_cast<uint8_t>(msg.type);
  const MessageFormat *f = message_format(type, opt.variant);
  j["variant"] = name_of(kVariantNames, opt.variant);
  if (opt.with_cic) {
    j["cic"] = msg.cic;
    if (msg.cic_spare)
      j["cic_spare"] = msg.cic_spare;
  }
  j["message"] = f ? std::string(f->acronym) : "unrecognized";
  j["message_type"] = type;
  if (f)
    j["message_name"] = std::string(f->name);
  json params = json::array();
  for (const auto &p : msg.parameters)
    params.push_back(parameter_json(p, msg));
  j["parameters"] = params;
  if (msg.has_opaque_body)
    j["body"] = hex_encode(msg.opaque_body());
  return j;
}

Status from_json(const json &j, const DecodeOptions &opt, Message &msg) {
  msg.clear();
  if (!j.is_object())
    return Status("isup.json.not_object", 0);
  if (auto it = j.find("message_type"); it != j.end() && it->is_number_unsigned() &&
                                        it->get<uint64_t>() < 256) {
    msg.type = static_cast<MessageType>(it->get<uint64_t>());
  } else if (auto m = j.find("message"); m != j.end() && m->is_string()) {
    auto t = message_type_from_acronym(m->get<std::string>());
    if (!t)
      return Status("isup.json.unknown_message", 0);
    msg.type = static_cast<MessageType>(*t);
  } else {
    return Status("isup.json.no_message_type", 0);
  }
  if (opt.with_cic) {
    auto it = j.find("cic");
    if (it == j.end() || !it->is_number_unsigned() || it->get<uint64_t>() > 0xffff)
      return Status("isup.json.bad_cic", 0);
    msg.cic = static_cast<uint16_t>(it->get<uint64_t>());
    if (auto s = j.find("cic_spare"); s != j.end() && s->is_number_unsigned())
      msg.cic_spare = static_cast<uint8_t>(s->get<uint64_t>() & 0xf);
  }
  if (auto b = j.find("body"); b != j.end()) {
    auto bytes = b->is_string() ? hex_decode(b->get<std::string>()) : std::nullopt;
    if (!bytes)
      return Status("isup.json.bad_hex", 0);
    msg.set_opaque_body(*bytes);
  }
  if (auto ps = j.find("parameters"); ps != j.end()) {
    if (!ps->is_array())
      return Status("isup.json.parameters_not_array", 0);
    for (const auto &p : *ps)
      if (Status s = parameter_from_json(p, msg); !s.ok())
        return s;
  }
  return Status::Ok();
}

} // namespace mgc::isup
