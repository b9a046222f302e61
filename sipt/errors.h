// Why a SIP message is refused, declared once: the counter name, the status code a UAS answers
// with (RFC 3261 §8.2, §21) and the reason phrase it sends. A response that fails the same
// checks is dropped instead (§18.1.2: there is nobody to answer), so its Status carries code 0.
#pragma once

#include "core/counters.h"
#include "core/status.h"

#include <string_view>

namespace mgc::sipt {

#define MGC_SIPT_ERRORS(X)                                                                         \
  X(empty_message, 400, "Empty Message")                                                           \
  X(bad_start_line, 400, "Malformed Start Line")                                                   \
  X(bad_method, 400, "Malformed Method")                                                           \
  X(bad_request_uri, 400, "Malformed Request-URI")                                                 \
  X(request_uri_headers, 400, "Headers Not Allowed In Request-URI")                                \
  X(bad_version, 400, "Malformed SIP Version")                                                     \
  X(version_not_supported, 505, "Version Not Supported")                                           \
  X(bad_status_code, 400, "Malformed Status Code")                                                 \
  X(bad_header_line, 400, "Malformed Header Line")                                                 \
  X(headers_unterminated, 400, "Header Section Not Terminated")                                    \
  X(too_many_headers, 400, "Too Many Header Fields")                                               \
  X(message_too_large, 513, "Message Too Large")                                                   \
  X(bad_content_length, 400, "Malformed Content-Length")                                           \
  X(missing_content_length, 400, "Content-Length Required On Stream")                              \
  X(body_truncated, 400, "Content-Length Larger Than Message")                                     \
  X(missing_header, 400, "Missing Mandatory Header Field")                                         \
  X(duplicate_header, 400, "Multiple Values In Single-Value Header Field")                         \
  X(bad_via, 400, "Malformed Via")                                                                 \
  X(bad_from, 400, "Malformed From")                                                               \
  X(bad_to, 400, "Malformed To")                                                                   \
  X(bad_call_id, 400, "Malformed Call-ID")                                                         \
  X(bad_cseq, 400, "Malformed CSeq")                                                               \
  X(cseq_method_mismatch, 400, "CSeq Method Does Not Match Request")                               \
  X(bad_max_forwards, 400, "Malformed Max-Forwards")                                               \
  X(bad_contact, 400, "Malformed Contact")                                                         \
  X(bad_route, 400, "Malformed Route")                                                             \
  X(bad_date, 400, "Malformed Date")                                                               \
  X(bad_expires, 400, "Malformed Expires")                                                         \
  X(bad_content_type, 400, "Malformed Content-Type")                                               \
  X(bad_rseq_rack, 400, "Malformed RSeq or RAck")                                                  \
  X(bad_body, 400, "Malformed Message Body")                                                       \
  X(unsupported_uri_scheme, 416, "Unsupported URI Scheme")                                         \
  X(bad_extension, 420, "Bad Extension")                                                           \
  X(unsupported_media_type, 415, "Unsupported Media Type")                                         \
  X(not_acceptable, 406, "Not Acceptable")                                                         \
  X(method_not_allowed, 405, "Method Not Allowed")                                                 \
  X(not_implemented, 501, "Not Implemented")                                                       \
  X(too_many_hops, 483, "Too Many Hops")                                                           \
  X(loop_detected, 482, "Loop Detected")

#define MGC_SIPT_ERR_ENUM_(n, code, reason) n,
enum class SipError : uint16_t { MGC_SIPT_ERRORS(MGC_SIPT_ERR_ENUM_) };
#undef MGC_SIPT_ERR_ENUM_
} // namespace mgc::sipt

template <> struct mgc::CounterNames<mgc::sipt::SipError> {
#define MGC_SIPT_ERR_NAME_(n, code, reason) std::string_view(#n),
  static constexpr std::array names{MGC_SIPT_ERRORS(MGC_SIPT_ERR_NAME_)};
#undef MGC_SIPT_ERR_NAME_
};

namespace mgc::sipt {

struct SipErrorInfo {
  std::string_view detail; // "sip.<name>"
  int code;
  std::string_view reason;
};

const SipErrorInfo &error_info(SipError e);
// The Status a UAS answers with (code = the response to send).
Status request_error(SipError e);
// The same check failing on a response: counted, but the Status says "drop" (code 0).
Status response_error(SipError e);
// Reverse mapping for a Status produced by this layer; false if it is not one of ours.
bool error_of(const Status &s, SipError &out);

using SipCounters = CounterSet<SipError>;

} // namespace mgc::sipt
