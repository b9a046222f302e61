// RFC 3261 §25.1 productions for the structured header fields; §20.10 for addr-spec vs
// name-addr; RFC 3581 §3 for rport; RFC 5118 §4 for IPv6 in Via.
#include "sipt/fields.h"

#include "sipt/syntax.h"

#include <array>

namespace mgc::sipt {
namespace {

// gen-value = token / host / quoted-string: token characters plus the IPv6 reference ones.
constexpr std::array<bool, 256> make_gen_value() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[std::size_t(c)] = (cc::kTable[std::size_t(c)] & cc::kToken) != 0;
  t['['] = t[']'] = t[':'] = true;
  return t;
}
constexpr std::array<bool, 256> kGenValue = make_gen_value();
inline bool gen_value_char(char c) { return kGenValue[static_cast<uint8_t>(c)]; }

// Reads "name [= value]" at the scanner; returns false if malformed.
bool scan_param(Scanner &s, std::string_view &name, std::string_view &value, bool &has_value) {
  name = s.token();
  if (name.empty())
    return false;
  s.ws();
  has_value = false;
  if (s.eat('=')) {
    s.ws();
    has_value = true;
    if (s.peek() == '"')
      return s.quoted(value);
    std::size_t b = s.i;
    while (s.i < s.s.size() && gen_value_char(s.s[s.i]))
      ++s.i;
    value = s.s.substr(b, s.i - b);
    if (value.empty())
      return false;
  }
  return true;
}

template <typename F> bool for_each_param(std::string_view params, F &&f) {
  Scanner s{params};
  s.ws();
  while (!s.done()) {
    if (!s.eat(';'))
      return false;
    s.ws();
    std::string_view name, value;
    bool has_value;
    if (!scan_param(s, name, value, has_value))
      return false;
    s.ws();
    if (!f(name, value, has_value))
      return true;
  }
  return true;
}

bool host_char(char c) {
  return is(c, cc::kAlpha) || is_digit(c) || c == '-' || c == '.' || c == '_';
}

} // namespace

bool valid_generic_params(std::string_view params) {
  return for_each_param(params, [](auto, auto, bool) { return true; });
}

bool find_generic_param(std::string_view params, std::string_view name, std::string_view *value) {
  bool found = false;
  for_each_param(params, [&](std::string_view n, std::string_view v, bool) {
    if (iequals(n, name)) {
      found = true;
      if (value)
        *value = v;
      return false;
    }
    return true;
  });
  return found;
}

std::string NameAddr::display_text() const {
  if (!display.empty() && display.front() == '"')
    return unquote(display);
  return std::string(display);
}

bool parse_name_addr(std::string_view value, NameAddr &out, bool allow_star) {
  // Field by field: the URI is reset by parse_uri(), so no second zeroing of it here.
  out.display = {};
  out.has_display = out.angle = out.star = false;
  out.params = {};
  Scanner s{value};
  s.ws();
  if (allow_star && s.peek() == '*') {
    Scanner t = s;
    ++t.i;
    t.ws();
    if (t.done()) {
      out.star = true;
      out.uri = Uri{};
      return true;
    }
  }
  std::size_t start = s.i;
  if (s.peek() == '"') {
    if (!s.quoted(out.display))
      return false;
    out.has_display = true;
    s.ws();
    if (s.peek() != '<')
      return false;
  } else {
    // display-name = *(token LWS) / quoted-string: a run of tokens directly before '<'.
    std::size_t last_end = s.i;
    while (true) {
      std::string_view t = s.token();
      if (t.empty())
        break;
      last_end = s.i;
      s.ws();
    }
    if (s.peek() == '<') {
      if (last_end > start) {
        out.display = value.substr(start, last_end - start);
        out.has_display = true;
      }
    } else {
      s.i = start; // addr-spec
    }
  }
  if (s.eat('<')) {
    out.angle = true;
    std::size_t close = find_ch(value, '>', s.i);
    if (close == std::string_view::npos)
      return false;
    // LAQUOT / RAQUOT allow no LWS inside the brackets (RFC 4475 §3.1.2.14).
    if (!parse_uri(value.substr(s.i, close - s.i), out.uri))
      return false;
    s.i = close + 1;
  } else {
    // addr-spec: §20.10 requires <> when the URI holds ',', ';' or '?', so the URI ends at the
    // first ';' (header parameters follow) or LWS (RFC 4475 §3.1.2.13).
    std::size_t b = s.i;
    while (s.i < value.size() && value[s.i] != ';' && !is(value[s.i], cc::kLws))
      ++s.i;
    std::string_view u = value.substr(b, s.i - b);
    if (find_either(u, '?', ',') != std::string_view::npos)
      return false;
    if (!parse_uri(u, out.uri))
      return false;
  }
  out.params = s.rest();
  return valid_generic_params(out.params);
}

bool parse_via(std::string_view value, Via &v) {
  v = Via{};
  Scanner s{value};
  s.ws();
  if (value.size() - s.i > 8 && value.compare(s.i, 8, "SIP/2.0/") == 0) {
    // The spelling nearly every peer sends, without LWS around the slashes.
    v.protocol = value.substr(s.i, 3);
    v.version = value.substr(s.i + 4, 3);
    s.i += 8;
  } else {
    v.protocol = s.token();
    s.ws();
    if (v.protocol.empty() || !s.eat('/'))
      return false;
    s.ws();
    v.version = s.token();
    s.ws();
    if (v.version.empty() || !s.eat('/'))
      return false;
    s.ws();
  }
  v.transport = s.token();
  if (v.transport.empty() || !s.ws())
    return false;
  std::size_t b = s.i;
  if (s.peek() == '[') {
    std::size_t close = find_ch(value, ']', s.i);
    if (close == std::string_view::npos)
      return false;
    s.i = close + 1;
  } else {
    while (s.i < value.size() && host_char(value[s.i]))
      ++s.i;
  }
  v.host = value.substr(b, s.i - b);
  if (!is_host(v.host))
    return false;
  s.ws();
  if (s.eat(':')) {
    s.ws();
    std::size_t pb = s.i;
    while (s.i < value.size() && is_digit(value[s.i]))
      ++s.i;
    uint64_t port;
    if (!parse_uint(value.substr(pb, s.i - pb), 65535, port))
      return false;
    v.port = uint16_t(port);
    v.has_port = true;
    s.ws();
  }
  v.params = s.rest();
  bool ok = true;
  // Dispatch on length and first letter before comparing: Via is parsed on every message.
  bool complete = for_each_param(v.params, [&](std::string_view n, std::string_view val, bool hv) {
    char f = lower(n[0]);
    if (n.size() == 6 && f == 'b' && iequals(n, "branch")) {
      if (!hv || v.has_branch || val.front() == '"')
        ok = false;
      v.branch = val;
      v.has_branch = true;
    } else if (n.size() == 5 && f == 'r' && iequals(n, "rport")) {
      v.rport = true;
      if (hv) {
        uint64_t p = 0;
        if (!parse_uint(val, 65535, p))
          ok = false;
        v.rport_has_value = true;
        v.rport_value = uint16_t(p);
      }
    } else if (n.size() == 8 && f == 'r' && iequals(n, "received")) {
      std::string_view r = val;
      if (!hv || !(is_ipv4_address(r) || is_ipv6_address(r) ||
                   (r.size() > 2 && r.front() == '[' && is_host(r))))
        ok = false;
      v.received = val;
    } else if (n.size() == 5 && f == 'm' && iequals(n, "maddr")) {
      if (!hv || !is_host(val))
        ok = false;
      v.maddr = val;
    }
    return ok;
  });
  return ok && complete;
}

bool parse_cseq(std::string_view value, CSeq &c) {
  Scanner s{value};
  s.ws();
  std::size_t b = s.i;
  while (s.i < value.size() && is_digit(value[s.i]))
    ++s.i;
  uint64_t n;
  if (!parse_uint(value.substr(b, s.i - b), 0x7fffffffu, n)) // §8.1.1.5: less than 2**31
    return false;
  c.number = uint32_t(n);
  if (!s.ws())
    return false;
  c.method = s.token();
  s.ws();
  return !c.method.empty() && s.done();
}

bool MediaType::is(std::string_view t, std::string_view st) const {
  return iequals(type, t) && iequals(subtype, st);
}

bool MediaType::param(std::string_view name, std::string_view &value) const {
  std::string_view v;
  if (!find_generic_param(params, name, &v))
    return false;
  if (v.size() >= 2 && v.front() == '"')
    v = v.substr(1, v.size() - 2);
  value = v;
  return true;
}

bool parse_media_type(std::string_view value, MediaType &m) {
  m = MediaType{};
  Scanner s{value};
  s.ws();
  m.type = s.token();
  s.ws();
  if (m.type.empty() || !s.eat('/'))
    return false;
  s.ws();
  m.subtype = s.token();
  if (m.subtype.empty())
    return false;
  m.params = s.rest();
  return valid_generic_params(m.params);
}

bool parse_disposition(std::string_view value, MediaType &m) {
  m = MediaType{};
  Scanner s{value};
  s.ws();
  m.type = s.token();
  if (m.type.empty())
    return false;
  m.params = s.rest();
  return valid_generic_params(m.params);
}

bool valid_call_id(std::string_view v) {
  std::size_t at = find_ch(v, '@');
  std::string_view a = v.substr(0, at);
  auto word = [](std::string_view w) {
    if (w.empty())
      return false;
    for (char c : w)
      if (!is(c, cc::kWord))
        return false;
    return true;
  };
  if (!word(a))
    return false;
  return at == std::string_view::npos || word(v.substr(at + 1));
}

} // namespace mgc::sipt
