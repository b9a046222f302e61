#include "callcontrol/cause_map.h"

namespace mgc::cc {
namespace {

using C = isup::Cause;

struct CauseRow {
  C cause;
  int status;
};

// RFC 3398 §7.2.4.1 (RECOMMENDED mappings).
constexpr CauseRow kCauseToStatus[] = {
    {C::UnallocatedNumber, 404},
    {C::NoRouteToTransitNetwork, 404},
    {C::NoRouteToDestination, 404},
    {C::UserBusy, 486},
    {C::NoUserResponding, 408},
    {C::NoAnswerFromUser, 480},
    {C::SubscriberAbsent, 480},
    {C::CallRejected, 403},
    {C::NumberChanged, 410},
    {C::RedirectionToNewDestination, 410},
    {C::NonSelectedUserClearing, 404},
    {C::DestinationOutOfOrder, 502},
    {C::InvalidNumberFormat, 484},
    {C::FacilityRejected, 501},
    {C::NormalUnspecified, 480},
    {C::NoCircuitAvailable, 503},
    {C::NetworkOutOfOrder, 503},
    {C::TemporaryFailure, 503},
    {C::SwitchingEquipmentCongestion, 503},
    {C::ResourceUnavailable, 503},
    {C::IncomingCallsBarredWithinCug, 403},
    {C::BearerCapabilityNotAuthorized, 403},
    {C::BearerCapabilityNotAvailable, 503},
    {C::BearerCapabilityNotImplemented, 488},
    {C::OnlyRestrictedDigitalBearer, 488},
    {C::ServiceNotImplemented, 501},
    {C::UserNotMemberOfCug, 403},
    {C::IncompatibleDestination, 503},
    {C::RecoveryOnTimerExpiry, 504},
    {C::ProtocolError, 500},
    {C::Interworking, 500},
};

struct StatusRow {
  int status;
  C cause;
};

// RFC 3398 §8.2.6.1 (RECOMMENDED mappings; 487, 488 and 606 handled in code).
constexpr StatusRow kStatusToCause[] = {
    {400, C::TemporaryFailure},      {401, C::CallRejected},
    {402, C::CallRejected},          {403, C::CallRejected},
    {404, C::UnallocatedNumber},     {405, C::ServiceNotAvailable},
    {406, C::ServiceNotImplemented}, {407, C::CallRejected},
    {408, C::RecoveryOnTimerExpiry}, {410, C::NumberChanged},
    {413, C::Interworking},          {414, C::Interworking},
    {415, C::ServiceNotImplemented}, {416, C::Interworking},
    {420, C::Interworking},          {421, C::Interworking},
    {423, C::Interworking},          {480, C::NoUserResponding},
    {481, C::TemporaryFailure},      {482, C::ExchangeRoutingError},
    {483, C::ExchangeRoutingError},  {484, C::InvalidNumberFormat},
    {485, C::UnallocatedNumber},     {486, C::UserBusy},
    {500, C::TemporaryFailure},      {501, C::ServiceNotImplemented},
    {502, C::NetworkOutOfOrder},     {503, C::TemporaryFailure},
    {504, C::RecoveryOnTimerExpiry}, {505, C::Interworking},
    {513, C::Interworking},          {600, C::UserBusy},
    {603, C::CallRejected},          {604, C::UnallocatedNumber},
};

std::string_view phrase(int status) {
  switch (status) {
  case 301: return "Moved Permanently";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 408: return "Request Timeout";
  case 410: return "Gone";
  case 480: return "Temporarily Unavailable";
  case 484: return "Address Incomplete";
  case 486: return "Busy Here";
  case 488: return "Not Acceptable Here";
  case 500: return "Server Internal Error";
  case 501: return "Not Implemented";
  case 502: return "Bad Gateway";
  case 503: return "Service Unavailable";
  case 504: return "Server Time-out";
  case 603: return "Decline";
  default: return "";
  }
}

} // namespace

SipFinal sip_final_for_cause(uint8_t cause, CauseLocation location, bool has_diagnostic) {
  if (cause == cause_value(C::NormalCallClearing) ||
      cause == cause_value(C::RequestedCircuitNotAvailable))
    return {};
  if (cause == cause_value(C::NumberChanged) && has_diagnostic)
    return {301, phrase(301)};
  int status = 500; // "If a cause value other than those listed below is received"
  for (const auto &r : kCauseToStatus)
    if (cause_value(r.cause) == cause)
      status = r.status;
  if (status == 403 && cause == cause_value(C::CallRejected) && location == CauseLocation::User)
    status = 603;
  return {status, phrase(status)};
}

std::optional<IsupCause> isup_cause_for_status(int status, bool bearer_warning) {
  if (status == 487)
    return std::nullopt;
  const CauseLocation loc =
      status >= 600 ? CauseLocation::User : CauseLocation::BeyondInterworkingPoint;
  if (status == 488 || status == 606)
    return IsupCause{
        cause_value(bearer_warning ? C::BearerCapabilityNotImplemented : C::NormalUnspecified),
        loc};
  for (const auto &r : kStatusToCause)
    if (r.status == status)
      return IsupCause{cause_value(r.cause), loc};
  return IsupCause{cause_value(C::NormalUnspecified), loc}; // statuses not listed
}

} // namespace mgc::cc
