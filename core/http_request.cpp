// HTTP/1.1 request head parsing, RFC 9112 §2-§6 (http_request.h).
#include "core/http_request.h"

#include <algorithm>

namespace mgc::core {

namespace {
constexpr Status kIncomplete("http.incomplete", 0);
constexpr Status kTooLarge("http.head_too_large", 431);
constexpr Status kTargetTooLong("http.target_too_long", 414);
constexpr Status kBadRequestLine("http.bad_request_line", 400);
constexpr Status kBadVersion("http.bad_version", 505);
constexpr Status kBadField("http.bad_field", 400);
constexpr Status kMissingHost("http.missing_host", 400);
constexpr Status kBadContentLength("http.bad_content_length", 400);
constexpr Status kTransferCoding("http.transfer_coding", 501);
constexpr Status kTooManyFields("http.too_many_fields", 431);

// RFC 9110 §5.6.2 tchar
bool tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
    return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}
bool token(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), tchar); }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}
std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}
// Whether the comma-separated list (RFC 9110 §5.6.1) holds `option`, any case.
bool list_has(std::string_view list, std::string_view option) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    if (iequals(trim(list.substr(0, comma)), option))
      return true;
    if (comma == std::string_view::npos)
      break;
    list.remove_prefix(comma + 1);
  }
  return false;
}
} // namespace

Status parse_http_request(std::string_view in, HttpRequest &out) {
  out = HttpRequest{};
  const std::size_t end = in.substr(0, kHttpMaxHead).find("\r\n\r\n");
  if (end == std::string_view::npos)
    return in.size() >= kHttpMaxHead ? kTooLarge : kIncomplete;
  out.head_length = end + 4;
  std::string_view head = in.substr(0, end + 2); // every line with its CRLF

  // request-line = method SP request-target SP HTTP-version (§3)
  const std::size_t eol = head.find("\r\n");
  const std::string_view line = head.substr(0, eol);
  head.remove_prefix(eol + 2);
  const std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos)
    return kBadRequestLine;
  const std::size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return kBadRequestLine;
  out.method = line.substr(0, sp1);
  out.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!token(out.method) || out.target.empty())
    return kBadRequestLine;
  if (out.target.size() > kHttpMaxTarget)
    return kTargetTooLong;
  // origin-form or asterisk-form for a server (§3.2.1, §3.2.4); visible characters only
  for (char c : out.target)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return kBadRequestLine;
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
      version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9')
    return kBadRequestLine;
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1'))
    return kBadVersion;
  out.minor_version = static_cast<uint8_t>(version[7] - '0');
  out.keep_alive = out.minor_version == 1;

  bool host = false, length_seen = false;
  int fields = 0;
  while (!head.empty()) {
    const std::size_t e = head.find("\r\n");
    const std::string_view f = head.substr(0, e);
    head.remove_prefix(e + 2);
    if (++fields > kHttpMaxFields)
      return kTooManyFields;
    if (f.empty() || f.front() == ' ' || f.front() == '\t') // obs-fold (§5.2)
      return kBadField;
    const std::size_t colon = f.find(':');
    if (colon == std::string_view::npos)
      return kBadField;
    const std::string_view name = f.substr(0, colon); // no whitespace before ':' (§5.1)
    if (!token(name))
      return kBadField;
    const std::string_view value = trim(f.substr(colon + 1));
    for (char c : value) // field-value: VCHAR, obs-text, SP, HTAB (RFC 9110 §5.5)
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f)
        return kBadField;
    if (iequals(name, "host")) {
      if (host) // §3.2: more than one Host
        return kMissingHost;
      host = true;
    } else if (iequals(name, "connection")) {
      if (list_has(value, "close"))
        out.keep_alive = false;
      else if (list_has(value, "keep-alive"))
        out.keep_alive = true;
    } else if (iequals(name, "content-length")) {
      // §6.3: an invalid or a second, different Content-Length is unrecoverable
      uint64_t n = 0;
      if (value.empty() || value.size() > 15)
        return kBadContentLength;
      for (char c : value) {
        if (c < '0' || c > '9')
          return kBadContentLength;
        n = n * 10 + static_cast<uint64_t>(c - '0');
      }
      if (length_seen && n != out.content_length)
        return kBadContentLength;
      length_seen = true;
      out.content_length = n;
    } else if (iequals(name, "transfer-encoding")) {
      return kTransferCoding;
    }
  }
  if (out.minor_version == 1 && !host)
    return kMissingHost;
  return Status::Ok();
}

} // namespace mgc::core
