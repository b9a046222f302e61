// The MGCP catalogues of RFC 3435, each declared once as a table: verbs (§3.2.1.1), parameter
// lines with their presence per verb in commands (§3.2.2) and in responses (§3.3), return codes
// (§2.4), reason codes (§2.5), connection modes (§3.2.2.6) and restart methods (§3.2.2.20).
// Names, parsing checks and log text are all derived from these tables.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace mgc::mgcp {

// §3.2.1.1. Experimental verbs ("X" + three letters) decode as kExperimental.
enum class Verb : uint8_t { Epcf, Crcx, Mdcx, Dlcx, Rqnt, Ntfy, Auep, Aucx, Rsip, Experimental };
inline constexpr std::size_t kVerbCount = 9; // the standard ones, in table order

struct VerbInfo {
  Verb verb;
  std::string_view code; // "CRCX"
  std::string_view name; // "CreateConnection"
  std::string_view clause;
};
std::span<const VerbInfo> verbs();

// Case-insensitive (§3.2.1.1: "comparisons SHALL be case insensitive").
std::optional<Verb> verb_from_code(std::string_view code);
std::string_view verb_code(Verb v);
std::string_view verb_name(Verb v);

// §3.2.2 parameter lines. kRemoteConnectionDescriptor / kLocalConnectionDescriptor are session
// descriptions carried after the empty line, listed here because the presence tables list them.
enum class Param : uint8_t {
  BearerInformation,
  CallId,
  Capabilities,
  ConnectionId,
  ConnectionMode,
  ConnectionParameters,
  DetectEvents,
  DigitMap,
  EventStates,
  LocalConnectionOptions,
  MaxMgcpDatagram,
  NotifiedEntity,
  ObservedEvents,
  PackageList,
  QuarantineHandling,
  ReasonCode,
  RequestedEvents,
  RequestedInfo,
  RequestIdentifier,
  ResponseAck,
  RestartDelay,
  RestartMethod,
  SecondConnectionId,
  SecondEndpointId,
  SignalRequests,
  SpecificEndpointId,
  RemoteConnectionDescriptor,
  LocalConnectionDescriptor,
  // Vendor ("X-"/"X+", §3.2.2) and package ("pkg/name") extension parameters.
  Extension,
};
inline constexpr std::size_t kParamCount = 28; // all but Extension

// Presence of a parameter in a command or response: Mandatory, Optional, Forbidden.
enum class Presence : uint8_t { F, O, M };

struct ParamInfo {
  Param param;
  std::string_view code; // "C"
  std::string_view name; // "CallId"
  std::string_view clause;
  // Indexed by Verb (EPCF..RSIP). Conditional cases ("O*") are O here; the codec applies the
  // footnotes it can check (RequestIdentifier with an encapsulated RQNT).
  std::array<Presence, kVerbCount> in_command;
  std::array<Presence, kVerbCount> in_response;
  bool session_description; // RC / LC: carried as SDP after the empty line, not as a line
};
std::span<const ParamInfo> params();

// Case-insensitive lookup of a parameter line name; nullopt for unknown names.
std::optional<Param> param_from_code(std::string_view code);
const ParamInfo &param_info(Param p); // p != Extension
std::string_view param_code(Param p);

// §2.4 return codes (000-999). Codes not in the table take their class's meaning.
struct ReturnCodeInfo {
  int code;
  std::string_view meaning;
};
std::span<const ReturnCodeInfo> return_codes();
// The meaning of a code: the table's entry, else its class (provisional, success, transient
// error, permanent error, package specific) per §2.4.
std::string_view return_code_meaning(int code);

enum class ReturnClass : uint8_t {
  Ack,
  Provisional,
  Success,
  TransientError,
  PermanentError,
  PackageSpecific,
  Unknown
};
ReturnClass return_class(int code);
// §2.4 last paragraph: how an unknown code is treated (0xx->000, 1xx->100, 2xx->200,
// 3xx->521, 4xx->400, 5xx-9xx->510); known codes map to themselves.
int effective_return_code(int code);
inline bool is_provisional(int code) { return code >= 100 && code <= 199; }
inline bool is_final(int code) { return code >= 200 && code <= 999; }

// Named return codes used by the call agent (values from the table above).
namespace rc {
inline constexpr int kAck = 0;
inline constexpr int kPending = 100;
inline constexpr int kQueued = 101;
inline constexpr int kOk = 200;
inline constexpr int kDeleted = 250;
inline constexpr int kTransientError = 400;
inline constexpr int kTimeout = 406;
inline constexpr int kAborted = 407;
inline constexpr int kUnknownEndpoint = 500;
inline constexpr int kEndpointNotReady = 501;
inline constexpr int kUnknownCommand = 504;
inline constexpr int kBadRemoteDescriptor = 509;
inline constexpr int kProtocolError = 510;
inline constexpr int kUnknownExtension = 511;
inline constexpr int kIncorrectConnectionId = 515;
inline constexpr int kUnknownCallId = 516;
inline constexpr int kUnsupportedMode = 517;
inline constexpr int kInconsistentLco = 524;
inline constexpr int kUnknownLcoExtension = 525;
inline constexpr int kRedirected = 521;
inline constexpr int kIncompatibleVersion = 528;
inline constexpr int kUnsupportedLcoValue = 532;
inline constexpr int kUnknownRestartMethod = 536;
inline constexpr int kInvalidParameter = 539;
inline constexpr int kInvalidLco = 541;
} // namespace rc

// §2.5 reason codes (ReasonCode "E:" in DLCX from the gateway and in RSIP).
std::span<const ReturnCodeInfo> reason_codes();
std::string_view reason_code_meaning(int code);

// §3.2.2.6 connection modes.
enum class ConnectionMode : uint8_t {
  SendOnly,
  RecvOnly,
  SendRecv,
  Conference,
  Inactive,
  Loopback,
  ContTest,
  NetwLoop,
  NetwTest
};
struct ModeInfo {
  ConnectionMode mode;
  std::string_view code;
};
std::span<const ModeInfo> modes();
std::optional<ConnectionMode> mode_from_code(std::string_view code);
std::string_view mode_code(ConnectionMode m);

// §3.2.2.20 / §2.3.12 restart methods.
enum class RestartMethod : uint8_t { Graceful, Forced, Restart, Disconnected, CancelGraceful };
struct RestartMethodInfo {
  RestartMethod method;
  std::string_view code;
};
std::span<const RestartMethodInfo> restart_methods();
std::optional<RestartMethod> restart_method_from_code(std::string_view code);
std::string_view restart_method_code(RestartMethod m);

// Case-insensitive ASCII comparison used by every lookup above.
bool iequals(std::string_view a, std::string_view b);

} // namespace mgc::mgcp
