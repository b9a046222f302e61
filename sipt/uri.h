// SIP and SIPS URIs (RFC 3261 §19.1, §25.1), tel URIs (RFC 3966 as used by RFC 3398) and any
// other absoluteURI kept opaque. Views into the received text; escapes are left in place and
// decoded on demand with unescape(), so a URI forwarded untouched keeps its exact spelling.
#pragma once

#include <cstdint>
#include <string_view>

namespace mgc::sipt {

enum class UriScheme : uint8_t { Sip, Sips, Tel, Other };

struct Uri {
  UriScheme scheme = UriScheme::Other;
  std::string_view text;    // the whole URI
  std::string_view scheme_name;
  std::string_view user;     // sip/sips userinfo user part (escaped); tel: the subscriber number
  std::string_view password; // sip/sips only
  bool has_user = false;
  bool has_password = false;
  std::string_view host;     // hostname, IPv4 or "[IPv6]" (RFC 5118 keeps the brackets)
  uint16_t port = 0;
  bool has_port = false;
  std::string_view params;   // ";name[=value]..." as received, empty if none
  std::string_view headers;  // after '?', as received
  std::string_view opaque;   // Other: everything after "scheme:"

  bool is_sip() const { return scheme == UriScheme::Sip || scheme == UriScheme::Sips; }
  bool ipv6() const { return !host.empty() && host.front() == '['; }
  // uri-parameter lookup, case-insensitive name; value empty for a flag parameter.
  bool param(std::string_view name, std::string_view *value = nullptr) const;
};

// False if `text` is not a URI of the grammar above (LWS is never allowed inside a URI).
bool parse_uri(std::string_view text, Uri &out);

// IPv6address of RFC 3261 §25.1 / RFC 5118 §4 (without the brackets).
bool is_ipv6_address(std::string_view s);
bool is_ipv4_address(std::string_view s);
// hostname / IPv4address / IPv6reference.
bool is_host(std::string_view s);

} // namespace mgc::sipt
