// The SIP side of a call setup as call control sees it: the fields of an INVITE that carry the
// call context (RFC 3398 §7.2.1.1, §8.2.1.1; RFC 3323/3325 privacy and asserted identity; RFC
// 5806 Diversion), independent of how the SIP stack represents them. The SIP adapter fills it
// from a received INVITE and builds an INVITE from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mgc::cc::iw {

struct Diversion {
  std::string number;  // the diverting user, as a SIP telephone number
  uint8_t reason = 0;  // Q.763 §3.45 redirecting reason (0 unknown, 1 busy, 2 no reply, 3 unconditional, ...)
  uint8_t counter = 1; // RFC 5806 "counter"
};

struct SipCallInfo {
  std::string called;                  // Request-URI telephone number ("+4930..." or local digits)
  std::optional<std::string> to;       // To number when it differs from the Request-URI (original called)
  std::optional<std::string> from;     // From user when it is a telephone number
  std::optional<std::string> asserted; // P-Asserted-Identity number (trusted peers only, RFC 3325)
  bool privacy_id = false;             // Privacy: id (RFC 3323/3325)
  std::string cpc;                     // calling party's category ("payphone", "operator", ...)
  int max_forwards = 70;
  std::vector<Diversion> diversions;   // oldest first
  // From tag of the INVITE: with the Call-ID it tells a later INVITE carrying more digits of the
  // same call (RFC 3578 §3.5) from a new call.
  std::string from_tag;
};

} // namespace mgc::cc::iw
