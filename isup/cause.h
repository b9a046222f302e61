// Q.850 cause values (Table 1, with Amendment 1's 14 and 24) and locations (§2.2.4), the ones
// ISUP's Cause Indicators carry (Q.763 §3.12, Q.764 §2.9.5). Declared once: the enum, the names
// for logs and show commands, and the Reason header text of SIP (RFC 3326) all come from these
// tables, so no other layer writes a cause as a bare number.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

// X(value, C++ name, Q.850 Table 1 text)
#define MGC_Q850_CAUSES(X)                                                                         \
  /* normal class */                                                                               \
  X(1, UnallocatedNumber, "Unallocated (unassigned) number")                                       \
  X(2, NoRouteToTransitNetwork, "No route to specified transit network")                           \
  X(3, NoRouteToDestination, "No route to destination")                                            \
  X(4, SendSpecialInformationTone, "Send special information tone")                                \
  X(5, MisdialledTrunkPrefix, "Misdialled trunk prefix")                                           \
  X(6, ChannelUnacceptable, "Channel unacceptable")                                                \
  X(7, CallAwardedInEstablishedChannel,                                                            \
    "Call awarded and being delivered in an established channel")                                  \
  X(8, Preemption, "Preemption")                                                                   \
  X(9, PreemptionCircuitReserved, "Preemption - circuit reserved for reuse")                       \
  X(14, QorPortedNumber, "QoR: ported number")                                                     \
  X(16, NormalCallClearing, "Normal call clearing")                                                \
  X(17, UserBusy, "User busy")                                                                     \
  X(18, NoUserResponding, "No user responding")                                                    \
  X(19, NoAnswerFromUser, "No answer from user (user alerted)")                                    \
  X(20, SubscriberAbsent, "Subscriber absent")                                                     \
  X(21, CallRejected, "Call rejected")                                                             \
  X(22, NumberChanged, "Number changed")                                                           \
  X(23, RedirectionToNewDestination, "Redirection to new destination")                             \
  X(24, CallRejectedFeatureAtDestination, "Call rejected due to feature at the destination")       \
  X(25, ExchangeRoutingError, "Exchange routing error")                                            \
  X(26, NonSelectedUserClearing, "Non-selected user clearing")                                     \
  X(27, DestinationOutOfOrder, "Destination out of order")                                         \
  X(28, InvalidNumberFormat, "Invalid number format (address incomplete)")                         \
  X(29, FacilityRejected, "Facility rejected")                                                     \
  X(30, ResponseToStatusEnquiry, "Response to STATUS ENQUIRY")                                     \
  X(31, NormalUnspecified, "Normal, unspecified")                                                  \
  /* resource unavailable class */                                                                 \
  X(34, NoCircuitAvailable, "No circuit/channel available")                                        \
  X(38, NetworkOutOfOrder, "Network out of order")                                                 \
  X(39, PermanentFrameModeOutOfService, "Permanent frame mode connection out of service")          \
  X(40, PermanentFrameModeOperational, "Permanent frame mode connection operational")              \
  X(41, TemporaryFailure, "Temporary failure")                                                     \
  X(42, SwitchingEquipmentCongestion, "Switching equipment congestion")                            \
  X(43, AccessInformationDiscarded, "Access information discarded")                                \
  X(44, RequestedCircuitNotAvailable, "Requested circuit/channel not available")                   \
  X(46, PrecedenceCallBlocked, "Precedence call blocked")                                          \
  X(47, ResourceUnavailable, "Resource unavailable, unspecified")                                  \
  /* service or option not available class */                                                      \
  X(49, QosNotAvailable, "Quality of service not available")                                       \
  X(50, FacilityNotSubscribed, "Requested facility not subscribed")                                \
  X(53, OutgoingCallsBarredWithinCug, "Outgoing calls barred within CUG")                          \
  X(55, IncomingCallsBarredWithinCug, "Incoming calls barred within CUG")                          \
  X(57, BearerCapabilityNotAuthorized, "Bearer capability not authorized")                         \
  X(58, BearerCapabilityNotAvailable, "Bearer capability not presently available")                 \
  X(62, InconsistentOutgoingAccess,                                                                \
    "Inconsistency in designated outgoing access information and subscriber class")                \
  X(63, ServiceNotAvailable, "Service or option not available, unspecified")                       \
  /* service or option not implemented class */                                                    \
  X(65, BearerCapabilityNotImplemented, "Bearer capability not implemented")                       \
  X(66, ChannelTypeNotImplemented, "Channel type not implemented")                                 \
  X(69, FacilityNotImplemented, "Requested facility not implemented")                              \
  X(70, OnlyRestrictedDigitalBearer,                                                               \
    "Only restricted digital information bearer capability is available")                          \
  X(79, ServiceNotImplemented, "Service or option not implemented, unspecified")                   \
  /* invalid message class */                                                                      \
  X(81, InvalidCallReference, "Invalid call reference value")                                      \
  X(82, ChannelDoesNotExist, "Identified channel does not exist")                                  \
  X(83, SuspendedCallIdentityUnknown, "A suspended call exists, but this call identity does not")  \
  X(84, CallIdentityInUse, "Call identity in use")                                                 \
  X(85, NoCallSuspended, "No call suspended")                                                      \
  X(86, CallIdentityCleared, "Call having the requested call identity has been cleared")           \
  X(87, UserNotMemberOfCug, "User not member of CUG")                                              \
  X(88, IncompatibleDestination, "Incompatible destination")                                       \
  X(90, NonExistentCug, "Non-existent CUG")                                                        \
  X(91, InvalidTransitNetworkSelection, "Invalid transit network selection")                       \
  X(95, InvalidMessage, "Invalid message, unspecified")                                            \
  /* protocol error class */                                                                       \
  X(96, MandatoryInformationElementMissing, "Mandatory information element is missing")            \
  X(97, MessageTypeNonExistent, "Message type non-existent or not implemented")                    \
  X(98, MessageIncompatibleOrNonExistent,                                                          \
    "Message not compatible with call state or message type non-existent or not implemented")      \
  X(99, ParameterNonExistent, "Information element/parameter non-existent or not implemented")     \
  X(100, InvalidInformationElementContents, "Invalid information element contents")                \
  X(101, MessageIncompatibleWithCallState, "Message not compatible with call state")               \
  X(102, RecoveryOnTimerExpiry, "Recovery on timer expiry")                                        \
  X(103, ParameterNonExistentPassedOn, "Parameter non-existent or not implemented, passed on")     \
  X(110, MessageWithUnrecognizedParameterDiscarded,                                                \
    "Message with unrecognized parameter, discarded")                                              \
  X(111, ProtocolError, "Protocol error, unspecified")                                             \
  /* interworking class */                                                                         \
  X(127, Interworking, "Interworking, unspecified")

// X(value, C++ name, Q.850 §2.2.4 text)
#define MGC_Q850_LOCATIONS(X)                                                                      \
  X(0, User, "user")                                                                               \
  X(1, PrivateNetworkLocalUser, "private network serving the local user")                          \
  X(2, PublicNetworkLocalUser, "public network serving the local user")                            \
  X(3, TransitNetwork, "transit network")                                                          \
  X(4, PublicNetworkRemoteUser, "public network serving the remote user")                          \
  X(5, PrivateNetworkRemoteUser, "private network serving the remote user")                        \
  X(7, International, "international network")                                                     \
  X(10, BeyondInterworkingPoint, "network beyond interworking point")

namespace mgc::isup {

enum class Cause : uint8_t {
#define MGC_X(v, n, text) n = v,
  MGC_Q850_CAUSES(MGC_X)
#undef MGC_X
};

enum class CauseLocation : uint8_t {
#define MGC_X(v, n, text) n = v,
  MGC_Q850_LOCATIONS(MGC_X)
#undef MGC_X
};

// The 7-bit value that goes on the wire (Q.763 §3.12 octet 4) and through the call-control APIs.
constexpr uint8_t cause_value(Cause c) { return static_cast<uint8_t>(c); }
constexpr uint8_t location_value(CauseLocation l) { return static_cast<uint8_t>(l); }

struct CauseInfo {
  uint8_t value;
  std::string_view id;   // "NormalCallClearing"
  std::string_view text; // "Normal call clearing"
};

inline constexpr std::array kCauses = {
#define MGC_X(v, n, text) CauseInfo{v, #n, text},
    MGC_Q850_CAUSES(MGC_X)
#undef MGC_X
};

inline constexpr std::array kCauseLocations = {
#define MGC_X(v, n, text) CauseInfo{v, #n, text},
    MGC_Q850_LOCATIONS(MGC_X)
#undef MGC_X
};

namespace detail {
template <std::size_t N>
constexpr const CauseInfo *find(const std::array<CauseInfo, N> &t, unsigned v) {
  for (const auto &c : t)
    if (c.value == v)
      return &c;
  return nullptr;
}
template <std::size_t N> constexpr bool ascending_and_unique(const std::array<CauseInfo, N> &t) {
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t j = i + 1; j < N; ++j)
      if (t[i].value >= t[j].value || t[i].id == t[j].id || t[i].text == t[j].text)
        return false;
  return true;
}
} // namespace detail
static_assert(detail::ascending_and_unique(kCauses), "one row per cause, in Table 1 order");
static_assert(detail::ascending_and_unique(kCauseLocations), "one row per location");

// What logs and show commands print: the Q.850 text, or "unknown cause" for a value Table 1
// leaves unassigned (a far end may still send one).
constexpr std::string_view cause_name(uint8_t cause) {
  const CauseInfo *c = detail::find(kCauses, cause);
  return c ? c->text : "unknown cause";
}
constexpr std::string_view cause_name(Cause c) { return cause_name(cause_value(c)); }

// The Q.850 text, empty for an unassigned value: for the Reason header's text parameter
// (RFC 3326 §2), where no text is better than a made-up one.
constexpr std::string_view cause_text(uint8_t cause) {
  const CauseInfo *c = detail::find(kCauses, cause);
  return c ? c->text : std::string_view();
}

// The value whose Q.850 text is `text` (exact, case-sensitive).
constexpr std::optional<uint8_t> cause_by_name(std::string_view text) {
  for (const auto &c : kCauses)
    if (c.text == text)
      return c.value;
  return std::nullopt;
}

constexpr std::string_view location_name(uint8_t location) {
  const CauseInfo *l = detail::find(kCauseLocations, location);
  return l ? l->text : "unknown location";
}

} // namespace mgc::isup
