// SIP and SIPS URIs (RFC 3261 §19.1, §25.1), tel URIs (RFC 3966 as used by RFC 3398) and any
// other absoluteURI kept opaque. Views into the received text; escapes are left in place and
// decoded on demand with unescape(), so a URI forwarded untouched keeps its exact spelling.
#pragma once

#include <cstdint>
#include <string>
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
  // The user part without the parameters a telephone-subscriber user may carry (§19.1.6:
  // "+4930123;phone-context=x" -> "+4930123").
  std::string_view user_without_params() const { return user.substr(0, user.find(';')); }
};

// The telephone number a sip/sips URI's user part or a tel URI names (RFC 3966 §5.1.1 as RFC
// 3261 §19.1.6 carries it): digits with an optional leading '+', visual separators ("-" "."
// "(" ")") removed, parameters dropped. Empty if the URI names no telephone number.
std::string telephone_number(const Uri &u);

// False if `text` is not a URI of the grammar above (LWS is never allowed inside a URI).
bool parse_uri(std::string_view text, Uri &out);

// IPv6address of RFC 3261 §25.1 / RFC 5118 §4 (without the brackets).
bool is_ipv6_address(std::string_view s);
bool is_ipv4_address(std::string_view s);
// hostname / IPv4address / IPv6reference.
bool is_host(std::string_view s);

} // namespace mgc::sipt
