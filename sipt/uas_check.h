// What a UAS checks before handing a well-formed request to its application (RFC 3261 §8.2):
// method (§8.2.1: 405/501), Request-URI scheme (§8.2.2.1: 416), Require (§8.2.2.3: 420),
// content type, encoding and disposition (§8.2.3, RFC 3204 §6: 415), Accept (§8.2.3 / RFC 4475
// §3.3.15: 406), and, when acting as a proxy-like element, Max-Forwards (§16.3: 483) and loops
// (§16.3 item 4: 482).
#pragma once

#include "core/status.h"
#include "sipt/errors.h"
#include "sipt/message.h"

#include <string>
#include <string_view>
#include <vector>

namespace mgc::sipt {

struct UasPolicy {
  // Methods the element handles; others known to the stack get 405, unknown ones 501.
  std::vector<Method> allowed{Method::INVITE, Method::ACK,    Method::BYE,  Method::CANCEL,
                              Method::OPTIONS, Method::PRACK, Method::UPDATE, Method::INFO};
  // Option tags we implement (§19.2): 100rel (RFC 3262), timer (RFC 4028).
  std::vector<std::string_view> supported{"100rel", "timer"};
  // Body types understood (SIP-T adds application/ISUP).
  std::vector<std::string_view> body_types{"application/sdp", "application/isup"};
  bool forwarding = false; // a proxy-like element answers Max-Forwards: 0 with 483
  // Our own sent-by values ("host:port"): a request already carrying one of them in its Via
  // list has come back to us (RFC 3261 §16.3 item 4): 482.
  std::vector<std::string> own_sent_by;
};

struct UasVerdict {
  Status status;                // ok, or what to answer
  std::string unsupported;      // for 420: the Unsupported header value
  std::string allow;            // for 405: the Allow header value
  std::string accept;           // for 415: the Accept header value
};

UasVerdict check_request(const Message &m, const UasPolicy &policy,
                         SipCounters *counters = nullptr);

// Whether the body of `m` (single or multipart) is acceptable to `policy`: every part is of a
// known type or has handling=optional (RFC 3204 §6, RFC 3261 §20.11, RFC 5621 §9).
Status check_body(const Message &m, const UasPolicy &policy);

} // namespace mgc::sipt
