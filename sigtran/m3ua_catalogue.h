// M3UA catalogues, RFC 4666, declared once: message classes and types (§3.1.2), parameter tags
// with their length rules (§3.2 and each parameter's clause), which parameters each message
// carries (§3.3-§3.8), error codes (§3.8.1), NTFY status values (§3.8.2), traffic modes (§3.7.1).
// The codec, the state machines, the tool and the logs all take names and checks from here.
#pragma once

#include "core/names.h"

#include <array>
#include <cstdint>
#include <string_view>

namespace mgc::sigtran::m3ua {

inline constexpr uint8_t kVersion = 1;  // §3.1.1 Release 1.0
inline constexpr uint32_t kPpid = 3;    // SCTP payload protocol identifier (§1.4.7, IANA)
inline constexpr uint16_t kPort = 2905; // IANA registered port (§1.4.8)
inline constexpr std::size_t kHeaderLen = 8;

// §3.1.2 message classes. 5-8 belong to other adaptation layers (IUA QPTM, M2UA MAUP, SUA):
// an M3UA receiver answers them with "Unsupported Message Class".
#define MGC_M3UA_CLASSES(X)                                                                        \
  X(Mgmt, 0, "MGMT")                                                                               \
  X(Transfer, 1, "Transfer")                                                                       \
  X(Ssnm, 2, "SSNM")                                                                               \
  X(Aspsm, 3, "ASPSM")                                                                             \
  X(Asptm, 4, "ASPTM")                                                                             \
  X(Rkm, 9, "RKM")

enum class MsgClass : uint8_t {
#define MGC_X(n, v, s) n = v,
  MGC_M3UA_CLASSES(MGC_X)
#undef MGC_X
};

// §3.1.2 message types, as (class << 8) | type.
#define MGC_M3UA_MESSAGES(X)                                                                       \
  X(Err, 0, 0, "ERR", "3.8.1")                                                                     \
  X(Ntfy, 0, 1, "NTFY", "3.8.2")                                                                   \
  X(Data, 1, 1, "DATA", "3.3.1")                                                                   \
  X(Duna, 2, 1, "DUNA", "3.4.1")                                                                   \
  X(Dava, 2, 2, "DAVA", "3.4.2")                                                                   \
  X(Daud, 2, 3, "DAUD", "3.4.3")                                                                   \
  X(Scon, 2, 4, "SCON", "3.4.4")                                                                   \
  X(Dupu, 2, 5, "DUPU", "3.4.5")                                                                   \
  X(Drst, 2, 6, "DRST", "3.4.6")                                                                   \
  X(AspUp, 3, 1, "ASPUP", "3.5.1")                                                                 \
  X(AspDn, 3, 2, "ASPDN", "3.5.3")                                                                 \
  X(Beat, 3, 3, "BEAT", "3.5.5")                                                                   \
  X(AspUpAck, 3, 4, "ASPUP_ACK", "3.5.2")                                                          \
  X(AspDnAck, 3, 5, "ASPDN_ACK", "3.5.4")                                                          \
  X(BeatAck, 3, 6, "BEAT_ACK", "3.5.6")                                                            \
  X(AspAc, 4, 1, "ASPAC", "3.7.1")                                                                 \
  X(AspIa, 4, 2, "ASPIA", "3.7.3")                                                                 \
  X(AspAcAck, 4, 3, "ASPAC_ACK", "3.7.2")                                                          \
  X(AspIaAck, 4, 4, "ASPIA_ACK", "3.7.4")                                                          \
  X(RegReq, 9, 1, "REG_REQ", "3.6.1")                                                              \
  X(RegRsp, 9, 2, "REG_RSP", "3.6.2")                                                              \
  X(DeregReq, 9, 3, "DEREG_REQ", "3.6.3")                                                          \
  X(DeregRsp, 9, 4, "DEREG_RSP", "3.6.4")

enum class MsgType : uint16_t {
#define MGC_X(n, c, t, s, cl) n = (c << 8) | t,
  MGC_M3UA_MESSAGES(MGC_X)
#undef MGC_X
};

// §3.2 parameter tags (common 0x00xx, M3UA-specific 0x02xx).
#define MGC_M3UA_TAGS(X)                                                                           \
  X(None, 0x0000, "reserved")                                                                      \
  X(InfoString, 0x0004, "info_string")                                                             \
  X(RoutingContext, 0x0006, "routing_context")                                                     \
  X(DiagnosticInfo, 0x0007, "diagnostic_information")                                              \
  X(HeartbeatData, 0x0009, "heartbeat_data")                                                       \
  X(TrafficModeType, 0x000b, "traffic_mode_type")                                                  \
  X(ErrorCode, 0x000c, "error_code")                                                               \
  X(Status, 0x000d, "status")                                                                      \
  X(AspIdentifier, 0x0011, "asp_identifier")                                                       \
  X(AffectedPointCode, 0x0012, "affected_point_code")                                              \
  X(CorrelationId, 0x0013, "correlation_id")                                                       \
  X(NetworkAppearance, 0x0200, "network_appearance")                                               \
  X(UserCause, 0x0204, "user_cause")                                                               \
  X(CongestionIndications, 0x0205, "congestion_indications")                                       \
  X(ConcernedDestination, 0x0206, "concerned_destination")                                         \
  X(RoutingKey, 0x0207, "routing_key")                                                             \
  X(RegistrationResult, 0x0208, "registration_result")                                             \
  X(DeregistrationResult, 0x0209, "deregistration_result")                                         \
  X(LocalRkIdentifier, 0x020a, "local_routing_key_identifier")                                     \
  X(DestinationPointCode, 0x020b, "destination_point_code")                                        \
  X(ServiceIndicators, 0x020c, "service_indicators")                                               \
  X(OpcList, 0x020e, "originating_point_code_list")                                                \
  X(ProtocolData, 0x0210, "protocol_data")                                                         \
  X(RegistrationStatus, 0x0212, "registration_status")                                             \
  X(DeregistrationStatus, 0x0213, "deregistration_status")

enum class Tag : uint16_t {
#define MGC_X(n, v, s) n = v,
  MGC_M3UA_TAGS(MGC_X)
#undef MGC_X
};

// §3.8.1 error codes, each with a stable name (also the Status detail "m3ua.<name>").
#define MGC_M3UA_ERRORS(X)                                                                         \
  X(InvalidVersion, 0x01, "invalid_version")                                                       \
  X(UnsupportedMessageClass, 0x03, "unsupported_message_class")                                    \
  X(UnsupportedMessageType, 0x04, "unsupported_message_type")                                      \
  X(UnsupportedTrafficMode, 0x05, "unsupported_traffic_mode_type")                                 \
  X(UnexpectedMessage, 0x06, "unexpected_message")                                                 \
  X(ProtocolError, 0x07, "protocol_error")                                                         \
  X(InvalidStreamIdentifier, 0x09, "invalid_stream_identifier")                                    \
  X(RefusedManagementBlocking, 0x0d, "refused_management_blocking")                                \
  X(AspIdentifierRequired, 0x0e, "asp_identifier_required")                                        \
  X(InvalidAspIdentifier, 0x0f, "invalid_asp_identifier")                                          \
  X(InvalidParameterValue, 0x11, "invalid_parameter_value")                                        \
  X(ParameterFieldError, 0x12, "parameter_field_error")                                            \
  X(UnexpectedParameter, 0x13, "unexpected_parameter")                                             \
  X(DestinationStatusUnknown, 0x14, "destination_status_unknown")                                  \
  X(InvalidNetworkAppearance, 0x15, "invalid_network_appearance")                                  \
  X(MissingParameter, 0x16, "missing_parameter")                                                   \
  X(InvalidRoutingContext, 0x19, "invalid_routing_context")                                        \
  X(NoConfiguredAsForAsp, 0x1a, "no_configured_as_for_asp")

enum class ErrorCode : uint32_t {
#define MGC_X(n, v, s) n = v,
  MGC_M3UA_ERRORS(MGC_X)
#undef MGC_X
};

// §3.8.2 NTFY Status Type and Status Information.
enum class StatusType : uint16_t { AsStateChange = 1, Other = 2 };
enum class AsStateInfo : uint16_t { AsInactive = 2, AsActive = 3, AsPending = 4 };
enum class OtherInfo : uint16_t {
  InsufficientAspResources = 1,
  AlternateAspActive = 2,
  AspFailure = 3,
};

// §3.7.1 Traffic Mode Type.
#define MGC_M3UA_TRAFFIC_MODES(X)                                                                  \
  X(Override, 1, "override")                                                                       \
  X(Loadshare, 2, "loadshare")                                                                     \
  X(Broadcast, 3, "broadcast")
enum class TrafficMode : uint32_t {
#define MGC_X(n, v, s) n = v,
  MGC_M3UA_TRAFFIC_MODES(MGC_X)
#undef MGC_X
};
inline constexpr auto kTrafficModeNames = name_table<TrafficMode>({
#define MGC_X(n, v, s) {TrafficMode::n, s},
    MGC_M3UA_TRAFFIC_MODES(MGC_X)
#undef MGC_X
});
static_assert(names_unique(kTrafficModeNames));

// Q.704 §14.2.1 network indicator of the SIO, carried in DATA's Protocol Data (§3.3.1): its
// two bits' names as operators write them.
inline constexpr auto kNetworkIndicatorNames =
    name_table<uint8_t>({{0, "international"}, {1, "spare"}, {2, "national"}, {3, "reserved"}});
static_assert(names_unique(kNetworkIndicatorNames));

// §3.4.5 User/Cause: unavailability cause.
enum class UnavailCause : uint16_t {
  Unknown = 0,
  UnequippedRemoteUser = 1,
  InaccessibleRemoteUser = 2
};

// How a parameter's value length is checked (each parameter's clause in §3.3-§3.8).
enum class LenRule : uint8_t {
  Exact,   // exactly `len` octets
  ListOf4, // one or more 32-bit entries (Routing Context, APC, OPC list)
  AtLeast, // `len` octets or more
  Nested,  // TLV sub-parameters (Routing Key, Registration/Deregistration Result)
};

struct ParamInfo {
  Tag tag;
  std::string_view name;
  LenRule rule;
  uint16_t len;
};

inline constexpr std::array kParams = {
    ParamInfo{Tag::InfoString, "info_string", LenRule::AtLeast, 0}, // §3.8.2: up to 255 octets
    ParamInfo{Tag::RoutingContext, "routing_context", LenRule::ListOf4, 4},
    ParamInfo{Tag::DiagnosticInfo, "diagnostic_information", LenRule::AtLeast, 0},
    ParamInfo{Tag::HeartbeatData, "heartbeat_data", LenRule::AtLeast, 0},
    ParamInfo{Tag::TrafficModeType, "traffic_mode_type", LenRule::Exact, 4},
    ParamInfo{Tag::ErrorCode, "error_code", LenRule::Exact, 4},
    ParamInfo{Tag::Status, "status", LenRule::Exact, 4},
    ParamInfo{Tag::AspIdentifier, "asp_identifier", LenRule::Exact, 4},
    ParamInfo{Tag::AffectedPointCode, "affected_point_code", LenRule::ListOf4, 4},
    ParamInfo{Tag::CorrelationId, "correlation_id", LenRule::Exact, 4},
    ParamInfo{Tag::NetworkAppearance, "network_appearance", LenRule::Exact, 4},
    ParamInfo{Tag::UserCause, "user_cause", LenRule::Exact, 4},
    ParamInfo{Tag::CongestionIndications, "congestion_indications", LenRule::Exact, 4},
    ParamInfo{Tag::ConcernedDestination, "concerned_destination", LenRule::Exact, 4},
    ParamInfo{Tag::RoutingKey, "routing_key", LenRule::Nested, 0},
    ParamInfo{Tag::RegistrationResult, "registration_result", LenRule::Nested, 0},
    ParamInfo{Tag::DeregistrationResult, "deregistration_result", LenRule::Nested, 0},
    ParamInfo{Tag::LocalRkIdentifier, "local_routing_key_identifier", LenRule::Exact, 4},
    ParamInfo{Tag::DestinationPointCode, "destination_point_code", LenRule::Exact, 4},
    ParamInfo{Tag::ServiceIndicators, "service_indicators", LenRule::AtLeast, 1},
    ParamInfo{Tag::OpcList, "originating_point_code_list", LenRule::ListOf4, 4},
    // §3.3.1: OPC(4) DPC(4) SI NI MP SLS, then the user part's bytes.
    ParamInfo{Tag::ProtocolData, "protocol_data", LenRule::AtLeast, 12},
    ParamInfo{Tag::RegistrationStatus, "registration_status", LenRule::Exact, 4},
    ParamInfo{Tag::DeregistrationStatus, "deregistration_status", LenRule::Exact, 4},
};

// §1.4.7 stream rules for a message class/type.
enum class StreamRule : uint8_t { Zero, NonZero, Any };

inline constexpr std::size_t kMaxMand = 2, kMaxOpt = 6;
struct MsgInfo {
  MsgType type;
  std::string_view name;
  std::string_view clause;
  std::array<Tag, kMaxMand> mandatory; // Tag::None = unused slot
  std::array<Tag, kMaxOpt> optional;
  bool repeated; // the mandatory parameter may appear several times (RKM, §3.6)
  StreamRule stream;
};

// clang-format off
namespace tables {
using enum Tag;
// Which parameters each message carries, mandatory and optional, per its clause.
inline constexpr std::array kMessages = {
    MsgInfo{MsgType::Err, "ERR", "3.8.1", {ErrorCode},
            {RoutingContext, NetworkAppearance, AffectedPointCode, DiagnosticInfo}, false,
            StreamRule::Zero},
    MsgInfo{MsgType::Ntfy, "NTFY", "3.8.2", {Status}, {AspIdentifier, RoutingContext, InfoString},
            false, StreamRule::Any},
    MsgInfo{MsgType::Data, "DATA", "3.3.1", {ProtocolData},
            {NetworkAppearance, RoutingContext, CorrelationId}, false, StreamRule::NonZero},
    MsgInfo{MsgType::Duna, "DUNA", "3.4.1", {AffectedPointCode},
            {NetworkAppearance, RoutingContext, InfoString}, false, StreamRule::Any},
    MsgInfo{MsgType::Dava, "DAVA", "3.4.2", {AffectedPointCode},
            {NetworkAppearance, RoutingContext, InfoString}, false, StreamRule::Any},
    MsgInfo{MsgType::Daud, "DAUD", "3.4.3", {AffectedPointCode},
            {NetworkAppearance, RoutingContext, InfoString}, false, StreamRule::Any},
    MsgInfo{MsgType::Scon, "SCON", "3.4.4", {AffectedPointCode},
            {NetworkAppearance, RoutingContext, ConcernedDestination, CongestionIndications,
             InfoString},
            false, StreamRule::Any},
    MsgInfo{MsgType::Dupu, "DUPU", "3.4.5", {AffectedPointCode, UserCause},
            {NetworkAppearance, RoutingContext, InfoString}, false, StreamRule::Any},
    MsgInfo{MsgType::Drst, "DRST", "3.4.6", {AffectedPointCode},
            {NetworkAppearance, RoutingContext, InfoString}, false, StreamRule::Any},
    MsgInfo{MsgType::AspUp, "ASPUP", "3.5.1", {}, {AspIdentifier, InfoString}, false,
            StreamRule::Zero},
    MsgInfo{MsgType::AspDn, "ASPDN", "3.5.3", {}, {InfoString}, false, StreamRule::Zero},
    MsgInfo{MsgType::Beat, "BEAT", "3.5.5", {}, {HeartbeatData}, false, StreamRule::Any},
    MsgInfo{MsgType::AspUpAck, "ASPUP_ACK", "3.5.2", {}, {AspIdentifier, InfoString}, false,
            StreamRule::Zero},
    MsgInfo{MsgType::AspDnAck, "ASPDN_ACK", "3.5.4", {}, {InfoString}, false, StreamRule::Zero},
    MsgInfo{MsgType::BeatAck, "BEAT_ACK", "3.5.6", {}, {HeartbeatData}, false, StreamRule::Any},
    MsgInfo{MsgType::AspAc, "ASPAC", "3.7.1", {}, {TrafficModeType, RoutingContext, InfoString},
            false, StreamRule::Any},
    MsgInfo{MsgType::AspIa, "ASPIA", "3.7.3", {}, {RoutingContext, InfoString}, false,
            StreamRule::Any},
    MsgInfo{MsgType::AspAcAck, "ASPAC_ACK", "3.7.2", {},
            {TrafficModeType, RoutingContext, InfoString}, false, StreamRule::Any},
    MsgInfo{MsgType::AspIaAck, "ASPIA_ACK", "3.7.4", {}, {RoutingContext, InfoString}, false,
            StreamRule::Any},
    MsgInfo{MsgType::RegReq, "REG_REQ", "3.6.1", {RoutingKey}, {}, true, StreamRule::Zero},
    MsgInfo{MsgType::RegRsp, "REG_RSP", "3.6.2", {RegistrationResult}, {}, true,
            StreamRule::Zero},
    MsgInfo{MsgType::DeregReq, "DEREG_REQ", "3.6.3", {RoutingContext}, {}, false,
            StreamRule::Zero},
    MsgInfo{MsgType::DeregRsp, "DEREG_RSP", "3.6.4", {DeregistrationResult}, {}, true,
            StreamRule::Zero},
};

// Sub-parameters of the nested parameters (§3.6.1 Routing Key, §3.6.2 Registration Result,
// §3.6.4 Deregistration Result). In a Routing Key, DPC/SI/OPC list may repeat (several keys
// grouped), so only presence of the mandatory ones is checked.
struct NestedInfo {
  Tag tag;
  std::array<Tag, 3> mandatory;
  std::array<Tag, 5> optional;
};
inline constexpr std::array kNested = {
    NestedInfo{RoutingKey, {LocalRkIdentifier, DestinationPointCode},
               {RoutingContext, TrafficModeType, NetworkAppearance, ServiceIndicators, OpcList}},
    NestedInfo{RegistrationResult, {LocalRkIdentifier, RegistrationStatus, RoutingContext}, {}},
    NestedInfo{DeregistrationResult, {RoutingContext, DeregistrationStatus}, {}},
};
} // namespace tables
// clang-format on
using tables::kMessages;
using tables::kNested;
using tables::NestedInfo;

constexpr const MsgInfo *msg_info(MsgType t) {
  for (const auto &m : kMessages)
    if (m.type == t)
      return &m;
  return nullptr;
}
constexpr const ParamInfo *param_info(uint16_t tag) {
  for (const auto &p : kParams)
    if (uint16_t(p.tag) == tag)
      return &p;
  return nullptr;
}
constexpr const NestedInfo *nested_info(Tag t) {
  for (const auto &n : kNested)
    if (n.tag == t)
      return &n;
  return nullptr;
}
constexpr bool class_known(uint8_t c) {
#define MGC_X(n, v, s)                                                                             \
  if (c == v)                                                                                      \
    return true;
  MGC_M3UA_CLASSES(MGC_X)
#undef MGC_X
  return false;
}

std::string_view msg_name(MsgType t);     // "DATA", or "" if unknown
std::string_view error_name(ErrorCode e); // "invalid_version"
std::string_view tag_name(uint16_t tag);  // "routing_context", or "" if unknown
std::string_view traffic_mode_name(TrafficMode m);
// Reverse look-ups for the tool's JSON input.
bool msg_by_name(std::string_view name, MsgType &out);
bool tag_by_name(std::string_view name, uint16_t &out);

} // namespace mgc::sigtran::m3ua
