// An HTTP/1.1 request head as a server reads it (RFC 9112 §2-§5): the request line, the header
// fields up to the empty line, and what the server needs of them (the target, whether the
// connection stays open, whether a body follows). Pure: views into the caller's buffer, nothing
// written into it, every length checked; the server (core/http_server.h) answers a Status that is
// not ok with its code as the HTTP status, as RFC 9112 asks.
#pragma once

#include "core/status.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mgc::core {

struct HttpRequest {
  std::string_view method, target; // views into the buffer parsed
  uint8_t minor_version = 1;       // HTTP/1.0 or HTTP/1.1
  // RFC 9112 §9.3: HTTP/1.1 persists unless "Connection: close"; HTTP/1.0 only with
  // "Connection: keep-alive".
  bool keep_alive = true;
  uint64_t content_length = 0;
  std::size_t head_length = 0; // bytes of the head, its final empty line included
};

// Limits of what is read before the head is complete (RFC 9110 §15.5.15, RFC 6585 §5).
inline constexpr std::size_t kHttpMaxHead = 8192;
inline constexpr std::size_t kHttpMaxTarget = 2048;
inline constexpr int kHttpMaxFields = 64;

// Parses the head at the start of `in`. Status details:
//   "http.incomplete" (code 0): no empty line yet and under kHttpMaxHead: read more;
//   "http.head_too_large" 431, "http.target_too_long" 414, "http.bad_request_line" 400,
//   "http.bad_version" 505 (only HTTP/1.0 and 1.1 are spoken), "http.bad_field" 400 (a field
//   without a colon, whitespace before the colon (§5.1), a folded line (§5.2), a control
//   character), "http.missing_host" 400 (§3.2: an HTTP/1.1 request without Host),
//   "http.bad_content_length" 400 (§6.3), "http.transfer_coding" 501 (no body is taken but by
//   Content-Length), "http.too_many_fields" 431.
Status parse_http_request(std::string_view in, HttpRequest &out);

} // namespace mgc::core
