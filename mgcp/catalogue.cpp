// RFC 3435 catalogues; see catalogue.h. The presence strings below are the columns of the
// tables in §3.2.2 (commands) and §3.3 (responses), in the order
// EPCF CRCX MDCX DLCX RQNT NTFY AUEP AUCX RSIP.
#include "mgcp/catalogue.h"

namespace mgc::mgcp {

namespace {

constexpr std::array<Presence, kVerbCount> P(const char (&s)[kVerbCount + 1]) {
  std::array<Presence, kVerbCount> out{};
  for (std::size_t i = 0; i < kVerbCount; ++i)
    out[i] = s[i] == 'M' ? Presence::M : s[i] == 'O' ? Presence::O : Presence::F;
  return out;
}

constexpr VerbInfo kVerbTable[] = {
    {Verb::Epcf, "EPCF", "EndpointConfiguration", "RFC 3435 §2.3.2"},
    {Verb::Crcx, "CRCX", "CreateConnection", "RFC 3435 §2.3.5"},
    {Verb::Mdcx, "MDCX", "ModifyConnection", "RFC 3435 §2.3.6"},
    {Verb::Dlcx, "DLCX", "DeleteConnection", "RFC 3435 §2.3.7-2.3.9"},
    {Verb::Rqnt, "RQNT", "NotificationRequest", "RFC 3435 §2.3.3"},
    {Verb::Ntfy, "NTFY", "Notify", "RFC 3435 §2.3.4"},
    {Verb::Auep, "AUEP", "AuditEndpoint", "RFC 3435 §2.3.10"},
    {Verb::Aucx, "AUCX", "AuditConnection", "RFC 3435 §2.3.11"},
    {Verb::Rsip, "RSIP", "RestartInProgress", "RFC 3435 §2.3.12"},
};
static_assert(std::size(kVerbTable) == kVerbCount);

// clang-format off
//  param                               code  name                          clause       commands        responses       SDP
constexpr ParamInfo kParamTable[] = {
    {Param::BearerInformation,          "B",  "BearerInformation",          "§3.2.2.1",  P("OOOOOFFFF"), P("FFFFFFOFF"), false},
    {Param::CallId,                     "C",  "CallId",                     "§3.2.2.2",  P("FMMOFFFFF"), P("FFFFFFFOF"), false},
    {Param::Capabilities,               "A",  "Capabilities",               "§3.2.2.3",  P("FFFFFFFFF"), P("FFFFFFOFF"), false},
    {Param::ConnectionId,               "I",  "ConnectionId",               "§3.2.2.5",  P("FFMOFFFMF"), P("FOFFFFOFF"), false},
    {Param::ConnectionMode,             "M",  "ConnectionMode",             "§3.2.2.6",  P("FMOFFFFFF"), P("FFFFFFFOF"), false},
    {Param::ConnectionParameters,       "P",  "ConnectionParameters",       "§3.2.2.7",  P("FFFOFFFFF"), P("FFFOFFFOF"), false},
    {Param::DetectEvents,               "T",  "DetectEvents",               "§3.2.2.8",  P("FOOOOFFFF"), P("FFFFFFOFF"), false},
    {Param::DigitMap,                   "D",  "DigitMap",                   "§2.1.5",    P("FOOOOFFFF"), P("FFFFFFOFF"), false},
    {Param::EventStates,                "ES", "EventStates",                "§3.2.2.9",  P("FFFFFFFFF"), P("FFFFFFOFF"), false},
    {Param::LocalConnectionOptions,     "L",  "LocalConnectionOptions",     "§3.2.2.10", P("FOOFFFFFF"), P("FFFFFFFOF"), false},
    {Param::MaxMgcpDatagram,            "MD", "MaxMGCPDatagram",            "§3.2.2.11", P("FFFFFFFFF"), P("FFFFFFOFF"), false},
    {Param::NotifiedEntity,             "N",  "NotifiedEntity",             "§3.2.1.3",  P("FOOOOOFFF"), P("FFFFFFOOO"), false},
    {Param::ObservedEvents,             "O",  "ObservedEvents",             "§3.2.2.12", P("FFFFFMFFF"), P("FFFFFFOFF"), false},
    {Param::PackageList,                "PL", "PackageList",                "§3.2.2.13", P("FFFFFFFFF"), P("OOOOOOOOO"), false},
    {Param::QuarantineHandling,         "Q",  "QuarantineHandling",         "§3.2.2.14", P("FOOOOFFFF"), P("FFFFFFOFF"), false},
    {Param::ReasonCode,                 "E",  "ReasonCode",                 "§3.2.2.15", P("FFFOFFFFO"), P("FFFFFFOFF"), false},
    {Param::RequestedEvents,            "R",  "RequestedEvents",            "§3.2.2.16", P("FOOOOFFFF"), P("FFFFFFOFF"), false},
    {Param::RequestedInfo,              "F",  "RequestedInfo",              "§3.2.2.17", P("FFFFFFOMF"), P("FFFFFFFFF"), false},
    {Param::RequestIdentifier,          "X",  "RequestIdentifier",          "§3.2.2.18", P("FOOOMMFFF"), P("FFFFFFOFF"), false},
    {Param::ResponseAck,                "K",  "ResponseAck",                "§3.2.2.19", P("OOOOOOOOO"), P("OOOOOOOOO"), false},
    {Param::RestartDelay,               "RD", "RestartDelay",               "§3.2.2",    P("FFFFFFFFO"), P("FFFFFFOFF"), false},
    {Param::RestartMethod,              "RM", "RestartMethod",              "§3.2.2.20", P("FFFFFFFFM"), P("FFFFFFOFF"), false},
    {Param::SecondConnectionId,         "I2", "SecondConnectionId",         "§3.2.2",    P("FFFFFFFFF"), P("FOFFFFFFF"), false},
    {Param::SecondEndpointId,           "Z2", "SecondEndpointId",           "§3.2.2",    P("FOFFFFFFF"), P("FOFFFFFFF"), false},
    {Param::SignalRequests,             "S",  "SignalRequests",             "§3.2.2.21", P("FOOOOFFFF"), P("FFFFFFOFF"), false},
    {Param::SpecificEndpointId,         "Z",  "SpecificEndpointId",         "§3.2.1.3",  P("FFFFFFFFF"), P("FOFFFFOFF"), false},
    {Param::RemoteConnectionDescriptor, "RC", "RemoteConnectionDescriptor", "§3.4",      P("FOOFFFFFF"), P("FFFFFFFOF"), true},
    {Param::LocalConnectionDescriptor,  "LC", "LocalConnectionDescriptor",  "§3.4",      P("FFFFFFFFF"), P("FOOFFFFOF"), true},
};
// clang-format on
static_assert(std::size(kParamTable) == kParamCount);

constexpr bool params_in_enum_order() {
  for (std::size_t i = 0; i < kParamCount; ++i)
    if (static_cast<std::size_t>(kParamTable[i].param) != i)
      return false;
  return true;
}
static_assert(params_in_enum_order(), "kParamTable must follow enum Param order");

// §2.4.
constexpr ReturnCodeInfo kReturnCodeTable[] = {
    {0, "Response acknowledgement"},
    {100, "Transaction being executed"},
    {101, "Transaction queued for execution"},
    {200, "OK"},
    {250, "Connection deleted"},
    {400, "Unspecified transient error"},
    {401, "Phone already off hook"},
    {402, "Phone already on hook"},
    {403, "Insufficient resources at this time"},
    {404, "Insufficient bandwidth at this time"},
    {405, "Endpoint restarting"},
    {406, "Transaction time-out"},
    {407, "Transaction aborted"},
    {409, "Internal overload"},
    {410, "No endpoint available"},
    {500, "Endpoint unknown"},
    {501, "Endpoint not ready"},
    {502, "Insufficient resources (permanent)"},
    {503, "All-of wildcard too complicated"},
    {504, "Unknown or unsupported command"},
    {505, "Unsupported RemoteConnectionDescriptor"},
    {506, "Unable to satisfy both LocalConnectionOptions and RemoteConnectionDescriptor"},
    {507, "Unsupported functionality"},
    {508, "Unknown or unsupported quarantine handling"},
    {509, "Error in RemoteConnectionDescriptor"},
    {510, "Protocol error"},
    {511, "Unrecognized extension"},
    {512, "Gateway not equipped to detect requested event"},
    {513, "Gateway not equipped to generate requested signal"},
    {514, "Cannot send the specified announcement"},
    {515, "Incorrect connection-id"},
    {516, "Unknown or incorrect call-id"},
    {517, "Unsupported or invalid mode"},
    {518, "Unsupported or unknown package"},
    {519, "Endpoint does not have a digit map"},
    {520, "Endpoint restarting"},
    {521, "Endpoint redirected to another Call Agent"},
    {522, "No such event or signal"},
    {523, "Unknown action or illegal combination of actions"},
    {524, "Internal inconsistency in LocalConnectionOptions"},
    {525, "Unknown extension in LocalConnectionOptions"},
    {526, "Insufficient bandwidth"},
    {527, "Missing RemoteConnectionDescriptor"},
    {528, "Incompatible protocol version"},
    {529, "Internal hardware failure"},
    {530, "CAS signaling protocol error"},
    {531, "Failure of a grouping of trunks"},
    {532, "Unsupported value(s) in LocalConnectionOptions"},
    {533, "Response too large"},
    {534, "Codec negotiation failure"},
    {535, "Packetization period not supported"},
    {536, "Unknown or unsupported RestartMethod"},
    {537, "Unknown or unsupported digit map extension"},
    {538, "Event/signal parameter error"},
    {539, "Invalid or unsupported command parameter"},
    {540, "Per endpoint connection limit exceeded"},
    {541, "Invalid or unsupported LocalConnectionOptions"},
};

// §2.5.
constexpr ReturnCodeInfo kReasonCodeTable[] = {
    {0, "Endpoint state is normal"},
    {900, "Endpoint malfunctioning"},
    {901, "Endpoint taken out-of-service"},
    {902, "Loss of lower layer connectivity"},
    {903, "QoS resource reservation was lost"},
    {904, "Manual intervention"},
    {905, "Facility failure"},
};

constexpr ModeInfo kModeTable[] = {
    {ConnectionMode::SendOnly, "sendonly"}, {ConnectionMode::RecvOnly, "recvonly"},
    {ConnectionMode::SendRecv, "sendrecv"}, {ConnectionMode::Conference, "confrnce"},
    {ConnectionMode::Inactive, "inactive"}, {ConnectionMode::Loopback, "loopback"},
    {ConnectionMode::ContTest, "conttest"}, {ConnectionMode::NetwLoop, "netwloop"},
    {ConnectionMode::NetwTest, "netwtest"},
};

constexpr RestartMethodInfo kRestartMethodTable[] = {
    {RestartMethod::Graceful, "graceful"},
    {RestartMethod::Forced, "forced"},
    {RestartMethod::Restart, "restart"},
    {RestartMethod::Disconnected, "disconnected"},
    {RestartMethod::CancelGraceful, "cancel-graceful"},
};

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

} // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

std::span<const VerbInfo> verbs() { return kVerbTable; }
std::span<const ParamInfo> params() { return kParamTable; }
std::span<const ReturnCodeInfo> return_codes() { return kReturnCodeTable; }
std::span<const ReturnCodeInfo> reason_codes() { return kReasonCodeTable; }
std::span<const ModeInfo> modes() { return kModeTable; }
std::span<const RestartMethodInfo> restart_methods() { return kRestartMethodTable; }

std::optional<Verb> verb_from_code(std::string_view code) {
  for (const auto &v : kVerbTable)
    if (iequals(v.code, code))
      return v.verb;
  return std::nullopt;
}

std::string_view verb_code(Verb v) {
  return v == Verb::Experimental ? "X???" : kVerbTable[static_cast<std::size_t>(v)].code;
}
std::string_view verb_name(Verb v) {
  return v == Verb::Experimental ? "Experimental" : kVerbTable[static_cast<std::size_t>(v)].name;
}

std::optional<Param> param_from_code(std::string_view code) {
  for (const auto &p : kParamTable)
    if (iequals(p.code, code))
      return p.param;
  return std::nullopt;
}
const ParamInfo &param_info(Param p) { return kParamTable[static_cast<std::size_t>(p)]; }
std::string_view param_code(Param p) {
  return p == Param::Extension ? std::string_view{} : param_info(p).code;
}

ReturnClass return_class(int code) {
  if (code < 0 || code > 999)
    return ReturnClass::Unknown;
  switch (code / 100) {
  case 0:
    return ReturnClass::Ack;
  case 1:
    return ReturnClass::Provisional;
  case 2:
    return ReturnClass::Success;
  case 4:
    return ReturnClass::TransientError;
  case 5:
    return ReturnClass::PermanentError;
  case 8:
    return ReturnClass::PackageSpecific;
  default:
    return ReturnClass::Unknown;
  }
}

std::string_view return_code_meaning(int code) {
  for (const auto &r : kReturnCodeTable)
    if (r.code == code)
      return r.meaning;
  switch (return_class(code)) {
  case ReturnClass::Ack:
    return "Acknowledgement";
  case ReturnClass::Provisional:
    return "Provisional response";
  case ReturnClass::Success:
    return "Success";
  case ReturnClass::TransientError:
    return "Transient error";
  case ReturnClass::PermanentError:
    return "Permanent error";
  case ReturnClass::PackageSpecific:
    return "Package specific response";
  default:
    return "Unknown return code";
  }
}

int effective_return_code(int code) {
  for (const auto &r : kReturnCodeTable)
    if (r.code == code)
      return code;
  if (code < 0 || code > 999)
    return rc::kProtocolError;
  switch (code / 100) {
  case 0:
    return rc::kAck;
  case 1:
    return rc::kPending;
  case 2:
    return rc::kOk;
  case 3:
    return rc::kRedirected;
  case 4:
    return rc::kTransientError;
  case 8:
    return code; // package-specific codes keep their value; the package defines them
  default:
    return rc::kProtocolError;
  }
}

std::string_view reason_code_meaning(int code) {
  for (const auto &r : kReasonCodeTable)
    if (r.code == code)
      return r.meaning;
  return "Unknown reason code";
}

std::optional<ConnectionMode> mode_from_code(std::string_view code) {
  for (const auto &m : kModeTable)
    if (iequals(m.code, code))
      return m.mode;
  return std::nullopt;
}
std::string_view mode_code(ConnectionMode m) {
  return kModeTable[static_cast<std::size_t>(m)].code;
}

std::optional<RestartMethod> restart_method_from_code(std::string_view code) {
  for (const auto &m : kRestartMethodTable)
    if (iequals(m.code, code))
      return m.method;
  return std::nullopt;
}
std::string_view restart_method_code(RestartMethod m) {
  return kRestartMethodTable[static_cast<std::size_t>(m)].code;
}

} // namespace mgc::mgcp
