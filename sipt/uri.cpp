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
    std::size_t end = find_ch(p, ';');
    std::string_view one = p.substr(0, end);
    p = end == std::string_view::npos ? std::string_view() : p.substr(end);
    std::size_t eq = find_ch(one, '=');
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
    std::size_t amp = find_ch(h, '&');
    std::string_view one = h.substr(0, amp);
    std::size_t eq = find_ch(one, '=');
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

// One forward pass: userinfo (if an '@' ends a run of user/password characters), host, port,
// uri-parameters, headers (§25.1 SIP-URI).
bool parse_sip(std::string_view rest, Uri &u) {
  const char *s = rest.data();
  const std::size_t n = rest.size();
  auto esc = [&](std::size_t i) { return i + 2 < n && is_hex(s[i + 1]) && is_hex(s[i + 2]); };
  std::size_t i = 0, colon = std::string_view::npos;
  bool at = false;
  for (; i < n; ++i) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c == '@') {
      at = true;
      break;
    }
    if (c == '%') {
      if (!esc(i))
        break;
      i += 2;
      continue;
    }
    if (colon == std::string_view::npos) {
      if (c == ':') {
        colon = i;
        continue;
      }
      if (!(kUri[c] & kUser))
        break;
    } else if (!(kUri[c] & kPass)) {
      break;
    }
  }
  std::size_t p = 0;
  if (at) {
    u.has_user = true;
    u.user = rest.substr(0, colon == std::string_view::npos ? i : colon);
    if (u.user.empty())
      return false;
    if (colon != std::string_view::npos) {
      u.has_password = true;
      u.password = rest.substr(colon + 1, i - colon - 1);
    }
    p = i + 1;
  }
  // host
  std::size_t hb = p;
  if (p < n && s[p] == '[') {
    while (p < n && s[p] != ']')
      ++p;
    if (p == n)
      return false;
    ++p;
  } else {
    while (p < n && (kUri[static_cast<uint8_t>(s[p])] & kHost))
      ++p;
  }
  u.host = rest.substr(hb, p - hb);
  if (!is_host(u.host))
    return false;
  if (p < n && s[p] == ':') {
    std::size_t pb = ++p;
    while (p < n && is_digit(s[p]))
      ++p;
    if (!parse_port(rest.substr(pb, p - pb), u.port))
      return false;
    u.has_port = true;
  }
  // uri-parameters: ";" pname ["=" pvalue], both non-empty runs of paramchar.
  std::size_t params_b = p;
  while (p < n && s[p] == ';') {
    ++p;
    for (int part = 0; part < 2; ++part) {
      std::size_t b = p;
      while (p < n) {
        auto c = static_cast<uint8_t>(s[p]);
        if (kUri[c] & kParam) {
          ++p;
        } else if (c == '%' && esc(p)) {
          p += 3;
        } else {
          break;
        }
      }
      if (p == b)
        return false;
      if (part == 0 && !(p < n && s[p] == '='))
        break;
      if (part == 0)
        ++p;
    }
  }
  u.params = rest.substr(params_b, p - params_b);
  if (p < n && s[p] == '?') {
    u.headers = rest.substr(p + 1);
    return valid_headers(u.headers);
  }
  return p == n;
}

bool parse_tel(std::string_view rest, Uri &u) {
  std::size_t semi = find_ch(rest, ';');
  u.user = rest.substr(0, semi);
  u.has_user = true;
  if (u.user.empty() || !all_of(u.user, kTel, false))
    return false;
  u.params = semi == std::string_view::npos ? std::string_view() : rest.substr(semi);
  return valid_params(u.params);
}

} // namespace

bool is_ipv4_address(std::string_view s) {
  // 4 dotted decimal octets, each 1-3 digits and at most 255.
  int parts = 0, digits = 0, value = 0;
  for (char c : s) {
    if (is_digit(c)) {
      value = value * 10 + (c - '0');
      if (++digits > 3 || value > 255)
        return false;
    } else if (c == '.' && digits) {
      ++parts;
      digits = value = 0;
    } else {
      return false;
    }
  }
  return digits && parts == 3;
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
    if (find_ch(tail, ':') != std::string_view::npos || !is_ipv4_address(tail))
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

std::string telephone_number(const Uri &u) {
  if (u.scheme == UriScheme::Other || !u.has_user)
    return {};
  std::string n;
  for (char c : u.user_without_params()) {
    if (is_digit(c) || (c == '+' && n.empty()))
      n.push_back(c);
    else if (c != '-' && c != '.' && c != '(' && c != ')')
      return {};
  }
  return n == "+" ? std::string() : n;
}

bool Uri::param(std::string_view name, std::string_view *value) const {
  std::string_view p = params;
  while (!p.empty()) {
    p.remove_prefix(1); // ';'
    std::size_t end = find_ch(p, ';');
    std::string_view one = p.substr(0, end);
    p = end == std::string_view::npos ? std::string_view() : p.substr(end);
    std::size_t eq = find_ch(one, '=');
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
  // Fast path for the scheme nearly every URI here has.
  if (text.size() > 4 && (text[0] | 0x20) == 's' && (text[1] | 0x20) == 'i' &&
      (text[2] | 0x20) == 'p' && text[3] == ':') {
    u.scheme_name = text.substr(0, 3);
    u.scheme = UriScheme::Sip;
    return parse_sip(text.substr(4), u);
  }
  std::size_t colon = find_ch(text, ':');
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
