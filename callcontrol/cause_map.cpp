#include "callcontrol/cause_map.h"

#include <array>

namespace mgc::cc {
namespace {

struct CauseRow {
  uint8_t cause;
  int status;
};

// RFC 3398 §7.2.4.1 (RECOMMENDED mappings).
constexpr CauseRow kCauseToStatus[] = {
    {1, 404},  {2, 404},  {3, 404},  {17, 486}, {18, 408}, {19, 480}, {20, 480}, {21, 403},
    {22, 410}, {23, 410}, {26, 404}, {27, 502}, {28, 484}, {29, 501}, {31, 480}, {34, 503},
    {38, 503}, {41, 503}, {42, 503}, {47, 503}, {55, 403}, {57, 403}, {58, 503}, {65, 488},
    {70, 488}, {79, 501}, {87, 403}, {88, 503}, {102, 504}, {111, 500}, {127, 500},
};

struct StatusRow {
  int status;
  uint8_t cause;
};

// RFC 3398 §8.2.6.1 (RECOMMENDED mappings; 487, 488 and 606 handled in code).
constexpr StatusRow kStatusToCause[] = {
    {400, 41}, {401, 21},  {402, 21}, {403, 21},  {404, 1},   {405, 63},  {406, 79},
    {407, 21}, {408, 102}, {410, 22}, {413, 127}, {414, 127}, {415, 79},  {416, 127},
    {420, 127}, {421, 127}, {423, 127}, {480, 18}, {481, 41},  {482, 25},  {483, 25},
    {484, 28}, {485, 1},   {486, 17}, {500, 41},  {501, 79},  {502, 38},  {503, 41},
    {504, 102}, {505, 127}, {513, 127}, {600, 17}, {603, 21},  {604, 1},
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

// Q.850 Table 1.
constexpr std::array<std::string_view, 128> kNames = [] {
  std::array<std::string_view, 128> n{};
  n[1] = "Unallocated (unassigned) number";
  n[2] = "No route to specified transit network";
  n[3] = "No route to destination";
  n[4] = "Send special information tone";
  n[5] = "Misdialled trunk prefix";
  n[6] = "Channel unacceptable";
  n[7] = "Call awarded and being delivered in an established channel";
  n[8] = "Preemption";
  n[9] = "Preemption - circuit reserved for reuse";
  n[14] = "QoR: ported number";
  n[16] = "Normal call clearing";
  n[17] = "User busy";
  n[18] = "No user responding";
  n[19] = "No answer from user (user alerted)";
  n[20] = "Subscriber absent";
  n[21] = "Call rejected";
  n[22] = "Number changed";
  n[23] = "Redirection to new destination";
  n[25] = "Exchange routing error";
  n[26] = "Non-selected user clearing";
  n[27] = "Destination out of order";
  n[28] = "Invalid number format (address incomplete)";
  n[29] = "Facility rejected";
  n[30] = "Response to STATUS ENQUIRY";
  n[31] = "Normal, unspecified";
  n[34] = "No circuit/channel available";
  n[38] = "Network out of order";
  n[39] = "Permanent frame mode connection out of service";
  n[40] = "Permanent frame mode connection operational";
  n[41] = "Temporary failure";
  n[42] = "Switching equipment congestion";
  n[43] = "Access information discarded";
  n[44] = "Requested circuit/channel not available";
  n[46] = "Precedence call blocked";
  n[47] = "Resource unavailable, unspecified";
  n[49] = "Quality of service not available";
  n[50] = "Requested facility not subscribed";
  n[53] = "Outgoing calls barred within CUG";
  n[55] = "Incoming calls barred within CUG";
  n[57] = "Bearer capability not authorized";
  n[58] = "Bearer capability not presently available";
  n[62] = "Inconsistency in designated outgoing access information and subscriber class";
  n[63] = "Service or option not available, unspecified";
  n[65] = "Bearer capability not implemented";
  n[66] = "Channel type not implemented";
  n[69] = "Requested facility not implemented";
  n[70] = "Only restricted digital information bearer capability is available";
  n[79] = "Service or option not implemented, unspecified";
  n[81] = "Invalid call reference value";
  n[82] = "Identified channel does not exist";
  n[83] = "A suspended call exists, but this call identity does not";
  n[84] = "Call identity in use";
  n[85] = "No call suspended";
  n[86] = "Call having the requested call identity has been cleared";
  n[87] = "User not member of CUG";
  n[88] = "Incompatible destination";
  n[90] = "Non-existent CUG";
  n[91] = "Invalid transit network selection";
  n[95] = "Invalid message, unspecified";
  n[96] = "Mandatory information element is missing";
  n[97] = "Message type non-existent or not implemented";
  n[98] = "Message not compatible with call state or message type non-existent or not implemented";
  n[99] = "Information element/parameter non-existent or not implemented";
  n[100] = "Invalid information element contents";
  n[101] = "Message not compatible with call state";
  n[102] = "Recovery on timer expiry";
  n[103] = "Parameter non-existent or not implemented, passed on";
  n[110] = "Message with unrecognized parameter, discarded";
  n[111] = "Protocol error, unspecified";
  n[127] = "Interworking, unspecified";
  return n;
}();

} // namespace

SipFinal sip_final_for_cause(uint8_t cause, CauseLocation location, bool has_diagnostic) {
  if (cause == 16 || cause == 44)
    return {};
  if (cause == 22 && has_diagnostic)
    return {301, phrase(301)};
  int status = 500; // "If a cause value other than those listed below is received"
  for (const auto &r : kCauseToStatus)
    if (r.cause == cause)
      status = r.status;
  if (status == 403 && cause == 21 && location == CauseLocation::User)
    status = 603;
  return {status, phrase(status)};
}

std::optional<IsupCause> isup_cause_for_status(int status, bool bearer_warning) {
  if (status == 487)
    return std::nullopt;
  const CauseLocation loc =
      status >= 600 ? CauseLocation::User : CauseLocation::BeyondInterworkingPoint;
  if (status == 488 || status == 606)
    return IsupCause{static_cast<uint8_t>(bearer_warning ? 65 : 31), loc};
  for (const auto &r : kStatusToCause)
    if (r.status == status)
      return IsupCause{r.cause, loc};
  return IsupCause{31, loc}; // statuses not listed: "Normal, unspecified"
}

std::string_view q850_cause_name(uint8_t cause) { return cause < kNames.size() ? kNames[cause] : ""; }

} // namespace mgc::cc
