// RFC 3261 §19.1.1 / §25.1 URI grammar; RFC 5118 §4 for IPv6 references; RFC 3966 for tel.
#include "sipt/uri.h"

#include "sipt/syntax.h"

#include <array>
#include <string>

namespace mgc::sipt {
namespace {

enum : uint8_t { kUser = 1, kPass = 2, kParam = 4, kHdr = 8, kHost = 16, kTel = 32 };

constexpr std::array<uint8_t, 256> make_uri_table() {
  std::array<uint8_t, 256> t{};
  auto set = [&t](std::string_view chars, uint8_t cls) {
    for (char c : chars)
      t[static_cast<uint8_t>(c)] |= cls;
  };
  constexpr std::string_view alnum =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  constexpr std::string_view mark = "-_.!~*'()";
  set(alnum, kUser | kPass | kParam | kHdr | kHost | kTel);
  set(mark, kUser | kPass | kParam | kHdr);
  set("&=+$,;?/", kUser);       // user-unreserved
  set("&=+$,", kPass);
  set("[]/:&+$", kParam);       // param-unreserved
  set("[]/?:+$", kHdr);         // hnv-unreserved
  set("-.", kHost);
  set("_", kHost);              // not in the grammar, but common in private DNS names
  set("-.()+*#", kTel);         // RFC 3966 visual separators, '+', and DTMF digits
  return t;
}
constexpr std::array<uint8_t, 256> kUri = make_uri_table();

bool is_hex(char c) { return is(c, cc::kHex); }

// All characters of `s` are in `cls` or are a complete %HH escape.
bool all_of(std::string_view s, uint8_t cls, bool escapes = true) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (kUri[static_cast<uint8_t>(c)] & cls)
      continue;
    if (escapes && c == '%' && i + 2 < s.size() + 0 && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

// uri-parameters = *( ";" uri-parameter ), uri-parameter = pname [ "=" pvalue ].
bool valid_params(std::string_view p) {
  while (!p.empty()) {
    if (p.front() != ';')
      return false;
    p.remove_prefix(1);
    std::size_t end = p.find(';');
    std::string_view one = p.substr(0, end);
    p = end == std::string_view::npos ? std::string_view() : p.substr(end);
    std::size_t eq = one.find('=');
    std::string_view name = one.substr(0, eq);
    if (name.empty() || !all_of(name, kParam))
      return false;
    if (eq != std::string_view::npos) {
      std::string_view value = one.substr(eq + 1);
      if (value.empty() || !all_of(value, kParam))
        return false;
    }
  }
  return true;
}

// headers = "?" header *( "&" header ), header = hname "=" hvalue.
bool valid_headers(std::string_view h) {
  if (h.empty())
    return false;
  while (true) {
    std::size_t amp = h.find('&');
    std::string_view one = h.substr(0, amp);
    std::size_t eq = one.find('=');
    if (eq == std::string_view::npos || eq == 0)
      return false;
    if (!all_of(one.substr(0, eq), kHdr) || !all_of(one.substr(eq + 1), kHdr))
      return false;
    if (amp == std::string_view::npos)
      return true;
    h.remove_prefix(amp + 1);
  }
}

bool parse_port(std::string_view s, uint16_t &port) {
  uint64_t v;
  if (!parse_uint(s, 65535, v))
    return false;
  port = uint16_t(v);
  return true;
}

bool scheme_char(char c, bool first) {
  if (is(c, cc::kAlpha))
    return true;
  return !first && (is_digit(c) || c == '+' || c == '-' || c == '.');
}

bool parse_sip(std::string_view rest, Uri &u) {
  // The first '@' ends userinfo: neither params nor headers may hold a bare '@'.
  std::size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    std::size_t colon = userinfo.find(':');
    u.user = userinfo.substr(0, colon);
    u.has_user = true;
    if (u.user.empty() || !all_of(u.user, kUser))
      return false;
    if (colon != std::string_view::npos) {
      u.password = userinfo.substr(colon + 1);
      u.has_password = true;
      if (!all_of(u.password, kPass))
        return false;
    }
    rest.remove_prefix(at + 1);
  }
  std::size_t q = rest.find('?');
  if (q != std::string_view::npos) {
    u.headers = rest.substr(q + 1);
    rest = rest.substr(0, q);
    if (!valid_headers(u.headers))
      return false;
  }
  std::size_t hostend;
  if (!rest.empty() && rest.front() == '[') {
    hostend = rest.find(']');
    if (hostend == std::string_view::npos)
      return false;
    ++hostend;
  } else {
    hostend = rest.find_first_of(":;");
    if (hostend == std::string_view::npos)
      hostend = rest.size();
  }
  u.host = rest.substr(0, hostend);
  if (!is_host(u.host))
    return false;
  rest.remove_prefix(hostend);
  if (!rest.empty() && rest.front() == ':') {
    std::size_t pe = rest.find(';');
    if (!parse_port(rest.substr(1, pe == std::string_view::npos ? pe : pe - 1), u.port))
      return false;
    u.has_port = true;
    rest = pe == std::string_view::npos ? std::string_view() : rest.substr(pe);
  }
  u.params = rest;
  return valid_params(u.params);
}

bool parse_tel(std::string_view rest, Uri &u) {
  std::size_t semi = rest.find(';');
  u.user = rest.substr(0, semi);
  u.has_user = true;
  if (u.user.empty() || !all_of(u.user, kTel, false))
    return false;
  u.params = semi == std::string_view::npos ? std::string_view() : rest.substr(semi);
  return valid_params(u.params);
}

} // namespace

bool is_ipv4_address(std::string_view s) {
  int parts = 0;
  while (true) {
    std::size_t dot = s.find('.');
    std::string_view p = s.substr(0, dot);
    uint64_t v;
    if (p.size() > 3 || !parse_uint(p, 255, v))
      return false;
    ++parts;
    if (dot == std::string_view::npos)
      break;
    s.remove_prefix(dot + 1);
  }
  return parts == 4;
}

// IPv6address = hexpart [ ":" IPv4address ]; hexpart = hexseq / hexseq "::" [hexseq] /
// "::" [hexseq]; hex4 = 1*4HEXDIG. A full address has 8 groups (an IPv4 tail counts as two).
bool is_ipv6_address(std::string_view s) {
  if (s.size() < 2)
    return false;
  // RFC 5118 §4.10: RFC 3261's ABNF allows "2001:db8:::192.0.2.1" (an extra colon before an
  // IPv4 tail); tolerate it by checking the address without that colon.
  if (std::size_t t = s.find(":::"); t != std::string_view::npos) {
    std::string_view tail = s.substr(t + 3);
    if (tail.find(':') != std::string_view::npos || !is_ipv4_address(tail))
      return false;
    std::string fixed(s.substr(0, t + 2));
    fixed.append(tail);
    return is_ipv6_address(fixed);
  }
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (s.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
    if (i == s.size())
      return true;
  } else if (s[0] == ':') {
    return false;
  }
  while (i < s.size()) {
    std::size_t j = i;
    while (j < s.size() && is_hex(s[j]) && j - i < 5)
      ++j;
    if (j < s.size() && s[j] == '.') { // IPv4 tail
      if (!is_ipv4_address(s.substr(i)))
        return false;
      groups += 2;
      i = s.size();
      break;
    }
    if (j == i || j - i > 4)
      return false;
    ++groups;
    i = j;
    if (i == s.size())
      break;
    if (s[i] != ':')
      return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (compressed)
        return false;
      compressed = true;
      ++i;
      if (i == s.size())
        break;
    } else if (i == s.size()) {
      return false; // trailing single ':'
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

bool is_host(std::string_view s) {
  if (s.empty())
    return false;
  if (s.front() == '[')
    return s.size() > 2 && s.back() == ']' && is_ipv6_address(s.substr(1, s.size() - 2));
  // hostname: labels of alphanum and '-', joined by '.', optional trailing '.'.
  bool label_start = true;
  for (char c : s) {
    if (c == '.') {
      if (label_start)
        return false;
      label_start = true;
      continue;
    }
    if (!(kUri[static_cast<uint8_t>(c)] & kHost))
      return false;
    label_start = false;
  }
  return true;
}

bool Uri::param(std::string_view name, std::string_view *value) const {
  std::string_view p = params;
  while (!p.empty()) {
    p.remove_prefix(1); // ';'
    std::size_t end = p.find(';');
    std::string_view one = p.substr(0, end);
    p = end == std::string_view::npos ? std::string_view() : p.substr(end);
    std::size_t eq = one.find('=');
    if (iequals(one.substr(0, eq), name)) {
      if (value)
        *value = eq == std::string_view::npos ? std::string_view() : one.substr(eq + 1);
      return true;
    }
  }
  return false;
}

bool parse_uri(std::string_view text, Uri &u) {
  u = Uri{};
  u.text = text;
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0)
    return false;
  for (std::size_t i = 0; i < colon; ++i)
    if (!scheme_char(text[i], i == 0))
      return false;
  u.scheme_name = text.substr(0, colon);
  std::string_view rest = text.substr(colon + 1);
  if (rest.empty())
    return false;
  if (iequals(u.scheme_name, "sip")) {
    u.scheme = UriScheme::Sip;
    return parse_sip(rest, u);
  }
  if (iequals(u.scheme_name, "sips")) {
    u.scheme = UriScheme::Sips;
    return parse_sip(rest, u);
  }
  if (iequals(u.scheme_name, "tel")) {
    u.scheme = UriScheme::Tel;
    return parse_tel(rest, u);
  }
  // absoluteURI (RFC 2396 via §25.1): kept opaque; only characters that cannot occur in any URI
  // are refused, so a URI in a header of an unknown scheme still parses (RFC 4475 §3.3.4).
  u.scheme = UriScheme::Other;
  u.opaque = rest;
  for (char c : rest)
    if (!is(c, cc::kUriChar) && c != '#')
      return false;
  return true;
}

} // namespace mgc::sipt
