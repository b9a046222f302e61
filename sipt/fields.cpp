// RFC 3261 §25.1 productions for the structured header fields; §20.10 for addr-spec vs
// name-addr; RFC 3581 §3 for rport; RFC 5118 §4 for IPv6 in Via.
#include "sipt/fields.h"

#include "sipt/syntax.h"

#include <array>
#include <initializer_list>
#include <string>

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

// ---------------------------------------------------------------------------------------------
// Typed values beyond RFC 3261's own: printing, and the extension headers a gateway reads.
namespace mgc::sipt {
namespace {

// Appends ";name[=value]" for every parameter of `params` whose name is not in `skip`.
void append_params_except(std::string &out, std::string_view params,
                          std::initializer_list<std::string_view> skip) {
  for_each_param(params, [&](std::string_view n, std::string_view v, bool hv) {
    for (std::string_view s : skip)
      if (iequals(n, s))
        return true;
    out.append(";").append(n);
    if (hv)
      out.append("=").append(v);
    return true;
  });
}

// display-name and <uri> (or the bare addr-spec), without header parameters.
void print_addr(std::string &out, const NameAddr &v, int cause = -1) {
  if (v.star) {
    out.push_back('*');
    return;
  }
  if (v.has_display && !v.display.empty())
    out.append(v.display).push_back(' ');
  const bool angle = v.angle || v.has_display || cause >= 0;
  if (angle)
    out.push_back('<');
  std::string_view u = v.uri.text;
  if (cause >= 0 && !v.uri.param("cause")) {
    // RFC 4458 §3: a URI parameter, so before the URI's headers ('?').
    std::size_t q = v.uri.headers.empty()
                        ? u.size()
                        : std::size_t(v.uri.headers.data() - u.data()) - 1;
    out.append(u.substr(0, q)).append(";cause=").append(std::to_string(cause));
    out.append(u.substr(q));
  } else {
    out.append(u);
  }
  if (angle)
    out.push_back('>');
}

// 1*DIGIT *(DOT 1*DIGIT) (RFC 7044 §4.1 hi-index and index-val).
bool valid_index(std::string_view v) {
  bool digit = false;
  for (char c : v) {
    if (is_digit(c))
      digit = true;
    else if (c == '.' && digit)
      digit = false;
    else
      return false;
  }
  return digit;
}

// n = 1*max_digits DIGIT.
bool small_number(std::string_view v, std::size_t max_digits, int &n) {
  uint64_t x;
  if (v.empty() || v.size() > max_digits || !parse_uint(v, 0xffff, x))
    return false;
  n = int(x);
  return true;
}

} // namespace

NameAddr NameAddr::of(std::string_view uri, std::string_view params) {
  NameAddr na;
  if (!parse_uri(uri, na.uri)) {
    na.uri = Uri{};
    na.uri.text = uri;
  }
  na.angle = true;
  na.params = params;
  return na;
}

void print(std::string &out, const NameAddr &v) {
  print_addr(out, v);
  out.append(v.params);
}

void print(std::string &out, const Via &v) {
  out.append(v.protocol).append("/").append(v.version).append("/").append(v.transport);
  out.append(" ").append(v.host);
  if (v.has_port)
    out.append(":").append(std::to_string(v.port));
  out.append(v.params);
}

void print(std::string &out, const CSeq &v) {
  out.append(std::to_string(v.number)).append(" ").append(v.method);
}

void print(std::string &out, const MediaType &v) {
  out.append(v.type);
  if (!v.subtype.empty())
    out.append("/").append(v.subtype);
  out.append(v.params);
}

bool parse_token_value(std::string_view value, TokenValue &out) {
  out = TokenValue{};
  Scanner s{value};
  s.ws();
  out.token = s.token();
  if (out.token.empty())
    return false;
  s.ws();
  out.params = s.rest();
  return valid_generic_params(out.params);
}

void print(std::string &out, const TokenValue &v) { out.append(v.token).append(v.params); }

std::string ReasonValue::text_unquoted() const { return unquote(text); }

bool parse_reason(std::string_view value, ReasonValue &out) {
  out = ReasonValue{};
  Scanner s{value};
  s.ws();
  out.protocol = s.token();
  if (out.protocol.empty())
    return false;
  s.ws();
  out.params = s.rest();
  bool ok = true;
  bool complete = for_each_param(out.params, [&](std::string_view n, std::string_view v, bool hv) {
    if (iequals(n, "cause")) {
      uint64_t c; // cause = 1*DIGIT (§2)
      ok = hv && parse_uint(v, 0xffff, c);
      out.cause = ok ? int(c) : -1;
    } else if (iequals(n, "text")) {
      ok = hv;
      out.text = v;
    }
    return ok;
  });
  return ok && complete;
}

void print(std::string &out, const ReasonValue &v) {
  out.append(v.protocol);
  if (v.cause >= 0)
    out.append(";cause=").append(std::to_string(v.cause));
  if (!v.text.empty())
    out.append(";text=").append(v.text);
  append_params_except(out, v.params, {"cause", "text"});
}

std::string DiversionValue::reason_unquoted() const { return unquote(reason); }

bool parse_diversion(std::string_view value, DiversionValue &out) {
  out = DiversionValue{};
  // RFC 5806 writes name-addr; an addr-spec is read too (its parameters are the header's,
  // RFC 3261 §20.10), as peers send both.
  if (!parse_name_addr(value, out.addr) || out.addr.star)
    return false;
  bool ok = true;
  for_each_param(out.addr.params, [&](std::string_view n, std::string_view v, bool hv) {
    if (iequals(n, "reason")) {
      ok = hv;
      out.reason = v;
    } else if (iequals(n, "counter")) {
      ok = hv && small_number(v, 2, out.counter); // 1*2DIGIT
    } else if (iequals(n, "limit")) {
      ok = hv && small_number(v, 2, out.limit);
    } else if (iequals(n, "privacy")) {
      ok = hv;
      out.privacy = v;
    } else if (iequals(n, "screen")) {
      ok = hv;
      out.screen = v;
    }
    return ok;
  });
  return ok;
}

void print(std::string &out, const DiversionValue &v) {
  print_addr(out, v.addr);
  if (!v.reason.empty())
    out.append(";reason=").append(v.reason);
  if (v.counter >= 0)
    out.append(";counter=").append(std::to_string(v.counter));
  if (v.limit >= 0)
    out.append(";limit=").append(std::to_string(v.limit));
  if (!v.privacy.empty())
    out.append(";privacy=").append(v.privacy);
  if (!v.screen.empty())
    out.append(";screen=").append(v.screen);
  append_params_except(out, v.addr.params, {"reason", "counter", "limit", "privacy", "screen"});
}

bool parse_history_info(std::string_view value, HistoryInfoValue &out) {
  out = HistoryInfoValue{};
  if (!parse_name_addr(value, out.addr) || out.addr.star)
    return false;
  bool ok = true;
  for_each_param(out.addr.params, [&](std::string_view n, std::string_view v, bool hv) {
    std::string_view *slot = iequals(n, "index") ? &out.index
                             : iequals(n, "rc")  ? &out.rc
                             : iequals(n, "mp")  ? &out.mp
                             : iequals(n, "np")  ? &out.np
                                                 : nullptr;
    if (slot) {
      ok = hv && valid_index(v);
      *slot = v;
    }
    return ok;
  });
  std::string_view c;
  uint64_t cause;
  if (out.addr.uri.param("cause", &c) && parse_uint(c, 999, cause))
    out.cause = int(cause);
  return ok;
}

void print(std::string &out, const HistoryInfoValue &v) {
  print_addr(out, v.addr, v.cause);
  if (!v.index.empty())
    out.append(";index=").append(v.index);
  if (!v.rc.empty())
    out.append(";rc=").append(v.rc);
  if (!v.mp.empty())
    out.append(";mp=").append(v.mp);
  if (!v.np.empty())
    out.append(";np=").append(v.np);
  append_params_except(out, v.addr.params, {"index", "rc", "mp", "np"});
}

namespace {
struct PrivRow {
  std::string_view name;
  uint8_t flag;
};
constexpr PrivRow kPriv[] = {
    {"header", PrivacyValue::kHeader}, {"session", PrivacyValue::kSession},
    {"user", PrivacyValue::kUser},     {"none", PrivacyValue::kNone},
    {"critical", PrivacyValue::kCritical}, {"id", PrivacyValue::kId},
    {"history", PrivacyValue::kHistory},
};
} // namespace

bool parse_privacy(std::string_view value, PrivacyValue &out) {
  out = PrivacyValue{};
  Scanner s{value};
  s.ws();
  while (true) {
    std::string_view t = s.token();
    if (t.empty())
      return false;
    for (const auto &r : kPriv)
      if (iequals(t, r.name))
        out.flags |= r.flag;
    s.ws();
    if (s.done())
      return true;
    if (!s.eat(';'))
      return false;
    s.ws();
  }
}

void print(std::string &out, const PrivacyValue &v) {
  bool first = true;
  for (const auto &r : kPriv)
    if (v.has(r.flag)) {
      if (!first)
        out.push_back(';');
      out.append(r.name);
      first = false;
    }
}

bool parse_rack(std::string_view value, RAckValue &out) {
  out = RAckValue{};
  Scanner s{value};
  s.ws();
  std::size_t b = s.i;
  while (!s.done() && is_digit(s.peek()))
    ++s.i;
  uint64_t n;
  if (!parse_uint(value.substr(b, s.i - b), 0xffffffffu, n) || !s.ws())
    return false;
  out.rseq = uint32_t(n);
  return parse_cseq(s.rest(), out.cseq);
}

void print(std::string &out, const RAckValue &v) {
  out.append(std::to_string(v.rseq)).append(" ");
  print(out, v.cseq);
}

bool valid_value(ValueType type, std::string_view v) {
  switch (type) {
  case ValueType::Text:
    return true;
  case ValueType::Token: {
    TokenValue t;
    return parse_token_value(v, t);
  }
  case ValueType::Number: {
    v = trim_lws(v);
    if (v.empty())
      return false;
    for (char c : v)
      if (!is_digit(c))
        return false;
    return true;
  }
  case ValueType::CallId:
    return valid_call_id(trim_lws(v));
  case ValueType::CSeq: {
    CSeq c;
    return parse_cseq(v, c);
  }
  case ValueType::Via: {
    Via x;
    return parse_via(v, x);
  }
  case ValueType::NameAddr: {
    NameAddr na;
    return parse_name_addr(v, na, true);
  }
  case ValueType::Diversion: {
    DiversionValue d;
    return parse_diversion(v, d);
  }
  case ValueType::HistoryInfo: {
    HistoryInfoValue h;
    return parse_history_info(v, h);
  }
  case ValueType::UriRef: {
    NameAddr na;
    return parse_name_addr(v, na) && na.angle && !na.has_display;
  }
  case ValueType::MediaType: {
    MediaType m;
    return parse_media_type(v, m);
  }
  case ValueType::Reason: {
    ReasonValue r;
    return parse_reason(v, r);
  }
  case ValueType::Privacy: {
    PrivacyValue p;
    return parse_privacy(v, p);
  }
  case ValueType::RAck: {
    RAckValue r;
    return parse_rack(v, r);
  }
  }
  return false;
}

} // namespace mgc::sipt
