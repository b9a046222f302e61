#include "isup/catalogue.h"

#include <span>

namespace mgc::isup {
namespace {

using P = ParameterCode;
using T = MessageType;

constexpr MessageFormat fmt(T t, std::string_view acr, std::string_view name,
                            std::initializer_list<FixedParameter> fixed,
                            std::initializer_list<ParameterCode> variable, bool optional,
                            std::string_view clause, bool opaque = false) {
  MessageFormat f{t, acr, name, {}, 0, {}, 0, optional, opaque, clause};
  for (auto p : fixed)
    f.fixed[f.fixed_count++] = p;
  for (auto p : variable)
    f.variable[f.variable_count++] = p;
  return f;
}

// Q.763 §4 message formats (12/1999 numbering of the tables).
constexpr MessageFormat kItu[] = {
    fmt(T::Iam, "IAM", "Initial address",
        {{P::NatureOfConnectionIndicators, 1}, {P::ForwardCallIndicators, 2},
         {P::CallingPartysCategory, 1}, {P::TransmissionMediumRequirement, 1}},
        {P::CalledPartyNumber}, true, "Q.763 Table 32"),
    fmt(T::Sam, "SAM", "Subsequent address", {}, {P::SubsequentNumber}, true, "Q.763 Table 35"),
    fmt(T::Inr, "INR", "Information request", {{P::InformationRequestIndicators, 2}}, {}, true,
        "Q.763 Table 34"),
    fmt(T::Inf, "INF", "Information", {{P::InformationIndicators, 2}}, {}, true, "Q.763 Table 33"),
    fmt(T::Cot, "COT", "Continuity", {{P::ContinuityIndicators, 1}}, {}, false, "Q.763 Table 27"),
    fmt(T::Acm, "ACM", "Address complete", {{P::BackwardCallIndicators, 2}}, {}, true,
        "Q.763 Table 21"),
    fmt(T::Con, "CON", "Connect", {{P::BackwardCallIndicators, 2}}, {}, true, "Q.763 Table 26"),
    fmt(T::Fot, "FOT", "Forward transfer", {}, {}, true, "Q.763 Table 30"),
    fmt(T::Anm, "ANM", "Answer", {}, {}, true, "Q.763 Table 22"),
    fmt(T::Rel, "REL", "Release", {}, {P::CauseIndicators}, true, "Q.763 Table 37"),
    fmt(T::Sus, "SUS", "Suspend", {{P::SuspendResumeIndicators, 1}}, {}, true, "Q.763 Table 42"),
    fmt(T::Res, "RES", "Resume", {{P::SuspendResumeIndicators, 1}}, {}, true, "Q.763 Table 42"),
    fmt(T::Rlc, "RLC", "Release complete", {}, {}, true, "Q.763 Table 38"),
    fmt(T::Ccr, "CCR", "Continuity check request", {}, {}, false, "Q.763 Table 39"),
    fmt(T::Rsc, "RSC", "Reset circuit", {}, {}, false, "Q.763 Table 39"),
    fmt(T::Blo, "BLO", "Blocking", {}, {}, false, "Q.763 Table 39"),
    fmt(T::Ubl, "UBL", "Unblocking", {}, {}, false, "Q.763 Table 39"),
    fmt(T::Bla, "BLA", "Blocking acknowledgement", {}, {}, false, "Q.763 Table 39"),
    fmt(T::Uba, "UBA", "Unblocking acknowledgement", {}, {}, false, "Q.763 Table 39"),
    fmt(T::Grs, "GRS", "Circuit group reset", {}, {P::RangeAndStatus}, false, "Q.763 Table 41"),
    fmt(T::Cgb, "CGB", "Circuit group blocking", {{P::CircuitGroupSupervisionMessageType, 1}},
        {P::RangeAndStatus}, false, "Q.763 Table 23"),
    fmt(T::Cgu, "CGU", "Circuit group unblocking", {{P::CircuitGroupSupervisionMessageType, 1}},
        {P::RangeAndStatus}, false, "Q.763 Table 23"),
    fmt(T::Cgba, "CGBA", "Circuit group blocking acknowledgement",
        {{P::CircuitGroupSupervisionMessageType, 1}}, {P::RangeAndStatus}, false,
        "Q.763 Table 23"),
    fmt(T::Cgua, "CGUA", "Circuit group unblocking acknowledgement",
        {{P::CircuitGroupSupervisionMessageType, 1}}, {P::RangeAndStatus}, false,
        "Q.763 Table 23"),
    fmt(T::Far, "FAR", "Facility request", {{P::FacilityIndicator, 1}}, {}, true,
        "Q.763 Table 29"),
    fmt(T::Faa, "FAA", "Facility accepted", {{P::FacilityIndicator, 1}}, {}, true,
        "Q.763 Table 28"),
    fmt(T::Frj, "FRJ", "Facility reject", {{P::FacilityIndicator, 1}}, {P::CauseIndicators},
        true, "Q.763 Table 31"),
    fmt(T::Lpa, "LPA", "Loop back acknowledgement", {}, {}, false, "Q.763 Table 39"),
    fmt(T::Pam, "PAM", "Pass-along", {}, {}, false, "Q.763 Table 36", true),
    fmt(T::Gra, "GRA", "Circuit group reset acknowledgement", {}, {P::RangeAndStatus}, false,
        "Q.763 Table 41"),
    fmt(T::Cqm, "CQM", "Circuit group query", {}, {P::RangeAndStatus}, false, "Q.763 Table 41"),
    fmt(T::Cqr, "CQR", "Circuit group query response", {},
        {P::RangeAndStatus, P::CircuitStateIndicator}, false, "Q.763 Table 24"),
    fmt(T::Cpg, "CPG", "Call progress", {{P::EventInformation, 1}}, {}, true, "Q.763 Table 25"),
    fmt(T::Usr, "USR", "User-to-user information", {}, {P::UserToUserInformation}, true,
        "Q.763 Table 44"),
    fmt(T::Ucic, "UCIC", "Unequipped circuit identification code", {}, {}, false,
        "Q.763 Table 39"),
    fmt(T::Cfn, "CFN", "Confusion", {}, {P::CauseIndicators}, true, "Q.763 Table 37"),
    fmt(T::Olm, "OLM", "Overload", {}, {}, false, "Q.763 Table 39"),
    fmt(T::Crg, "CRG", "Charge information", {}, {}, false, "Q.763 Table 4 (national format)",
        true),
    fmt(T::Nrm, "NRM", "Network resource management", {}, {}, true, "Q.763 Table 46"),
    fmt(T::Fac, "FAC", "Facility", {}, {}, true, "Q.763 Table 45"),
    fmt(T::Upt, "UPT", "User part test", {}, {}, true, "Q.763 Table 43"),
    fmt(T::Upa, "UPA", "User part available", {}, {}, true, "Q.763 Table 43"),
    fmt(T::Idr, "IDR", "Identification request", {}, {}, true, "Q.763 Table 47"),
    fmt(T::Irs, "IRS", "Identification response", {}, {}, true, "Q.763 Table 48"),
    fmt(T::Sgm, "SGM", "Segmentation", {}, {}, true, "Q.763 Table 49"),
    fmt(T::Lpp, "LPP", "Loop prevention", {}, {}, true, "Q.763 Table 50"),
    fmt(T::Apm, "APM", "Application transport", {}, {}, true, "Q.763 Table 51"),
    fmt(T::Pri, "PRI", "Pre-release information", {}, {}, true, "Q.763 Table 52"),
    fmt(T::Sdn, "SDN", "Subsequent directory number", {}, {}, true, "Q.763 Table 53"),
};

// ANSI T1.113.4: the basic call and circuit supervision messages, and the ANSI-only circuit
// reservation/validation messages. IAM differs from Q.763: no transmission medium
// requirement, and the user service information is a second mandatory variable parameter.
constexpr MessageFormat kAnsiOverrides[] = {
    fmt(T::Iam, "IAM", "Initial address",
        {{P::NatureOfConnectionIndicators, 1}, {P::ForwardCallIndicators, 2},
         {P::CallingPartysCategory, 1}},
        {P::UserServiceInformation, P::CalledPartyNumber}, true, "T1.113.4 Table 21"),
    fmt(T::Cra, "CRA", "Circuit reservation acknowledgement", {}, {}, false, "T1.113.4 Table 29"),
    fmt(T::Crm, "CRM", "Circuit reservation", {{P::NatureOfConnectionIndicators, 1}}, {}, false,
        "T1.113.4 Table 30"),
    fmt(T::Cvr, "CVR", "Circuit validation response",
        {{static_cast<P>(0xe6), 1}, {static_cast<P>(0xe5), 1}}, {}, true, "T1.113.4 Table 31"),
    fmt(T::Cvt, "CVT", "Circuit validation test", {}, {}, false, "T1.113.4 Table 29"),
    fmt(T::Exm, "EXM", "Exit", {}, {}, true, "T1.113.4 Table 32"),
};

struct Tables {
  std::array<const MessageFormat *, 256> itu{};
  std::array<const MessageFormat *, 256> ansi{};
  std::array<MessageFormat, std::size(kItu) + std::size(kAnsiOverrides)> ansi_list{};
  std::size_t ansi_count = 0;
  std::array<const ParameterInfo *, 256> params{};
};

constexpr ParameterInfo kParams[] = {
#define MGC_ISUP_PC_INFO_(e, c, json, clause) {ParameterCode::e, json, clause},
    MGC_ISUP_PARAMETER_CODES(MGC_ISUP_PC_INFO_)
#undef MGC_ISUP_PC_INFO_
};

const Tables &tables() {
  static const Tables t = [] {
    Tables x;
    for (const auto &f : kItu)
      x.itu[static_cast<uint8_t>(f.type)] = &f;
    x.ansi = x.itu;
    for (const auto &f : kAnsiOverrides)
      x.ansi[static_cast<uint8_t>(f.type)] = &f;
    for (const auto *f : x.ansi)
      if (f)
        x.ansi_list[x.ansi_count++] = *f;
    for (const auto &p : kParams)
      x.params[static_cast<uint8_t>(p.code)] = &p;
    return x;
  }();
  return t;
}

} // namespace

const MessageFormat *message_format(uint8_t type, Variant variant) {
  return variant == Variant::Ansi ? tables().ansi[type] : tables().itu[type];
}

std::span<const MessageFormat> message_catalogue(Variant variant) {
  if (variant == Variant::Itu)
    return kItu;
  return {tables().ansi_list.data(), tables().ansi_count};
}

std::string_view message_acronym(uint8_t type) {
  if (const auto *f = tables().ansi[type])
    return f->acronym;
  return {};
}

std::optional<uint8_t> message_type_from_acronym(std::string_view acronym) {
  for (std::size_t i = 0; i < 256; ++i)
    if (const auto *f = tables().ansi[i]; f && f->acronym == acronym)
      return static_cast<uint8_t>(i);
  return std::nullopt;
}

const ParameterInfo *parameter_info(uint8_t code) { return tables().params[code]; }

std::optional<uint8_t> parameter_code_from_name(std::string_view json_name) {
  for (const auto &p : kParams)
    if (p.json_name == json_name)
      return static_cast<uint8_t>(p.code);
  return std::nullopt;
}

} // namespace mgc::isup
