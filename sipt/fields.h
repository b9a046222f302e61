// Parsers for the structured header values a UA needs (RFC 3261 §25.1): name-addr / addr-spec
// with header parameters, Via, CSeq, generic parameters, media types, and the comma list
// splitter of §7.3.1. All results are views into the value as received.
#pragma once

#include "sipt/syntax.h"
#include "sipt/uri.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace mgc::sipt {

// Splits a header value at the commas that separate values (§7.3.1), ignoring commas inside
// quoted strings and <...>. Calls f(element) with LWS trimmed; returns false (after calling f
// for the well-formed prefix) if quotes or angle brackets are unbalanced or an element is empty.
template <typename F> bool split_list(std::string_view v, F &&f);

// generic-param list "*( SEMI generic-param )" with LWS allowed around ';' and '='.
// gen-value = token / host / quoted-string. Returns false on an empty or malformed parameter.
bool valid_generic_params(std::string_view params);
// Finds a parameter (case-insensitive name) in a list validated by valid_generic_params.
// `value` is raw (a quoted-string keeps its quotes).
bool find_generic_param(std::string_view params, std::string_view name,
                        std::string_view *value = nullptr);

// From, To, Contact, Route, Record-Route, Reply-To, P-Asserted-Identity values.
struct NameAddr {
  std::string_view display; // as received: token sequence or quoted-string with quotes
  bool has_display = false;
  bool angle = false;       // name-addr (<...>) rather than addr-spec
  Uri uri;
  std::string_view params;  // header parameters after the URI, ";..." (may contain LWS)
  bool star = false;        // Contact: *  (§20.10)

  std::string_view tag() const {
    std::string_view v;
    return find_generic_param(params, "tag", &v) ? v : std::string_view();
  }
  std::string display_text() const; // unquoted display name
};

// allow_star: Contact only.
bool parse_name_addr(std::string_view value, NameAddr &out, bool allow_star = false);

struct Via {
  std::string_view protocol;  // "SIP"
  std::string_view version;   // "2.0"
  std::string_view transport; // "UDP", "TCP", "TLS", "SCTP" or any token
  std::string_view host;
  uint16_t port = 0;
  bool has_port = false;
  std::string_view params;    // ";..." raw
  std::string_view branch;    // empty if absent
  bool has_branch = false;
  bool rport = false;
  bool rport_has_value = false;
  uint16_t rport_value = 0;
  std::string_view received;
  std::string_view maddr;
};
bool parse_via(std::string_view value, Via &out);

// RFC 3261 §17.1.1.3: the branch begins with the magic cookie.
inline constexpr std::string_view kMagicCookie = "z9hG4bK";

struct CSeq {
  uint32_t number = 0; // < 2**31 (§8.1.1.5)
  std::string_view method;
};
bool parse_cseq(std::string_view value, CSeq &out);

// Content-Type / Content-Disposition shape: type "/" subtype *(SEMI parameter). For a
// disposition, `subtype` is empty.
struct MediaType {
  std::string_view type;
  std::string_view subtype;
  std::string_view params;
  bool is(std::string_view t, std::string_view s) const;
  // Parameter value with quotes removed (boundary="..." is common in MIME).
  bool param(std::string_view name, std::string_view &value) const;
};
bool parse_media_type(std::string_view value, MediaType &out);
bool parse_disposition(std::string_view value, MediaType &out);

// Call-ID = word [ "@" word ] (§25.1).
bool valid_call_id(std::string_view v);

// ---------------------------------------------------------------------------------------------
template <typename F> bool split_list(std::string_view v, F &&f) {
  // Most values hold one element: without a comma there is nothing to split (an unbalanced
  // quote or bracket is then the element parser's to find).
  if (find_byte(v.data(), v.data() + v.size(), ',') == v.data() + v.size()) {
    std::size_t b = 0, e = v.size();
    while (b < e && (v[b] == ' ' || v[b] == '\t' || v[b] == '\r' || v[b] == '\n'))
      ++b;
    while (e > b && (v[e - 1] == ' ' || v[e - 1] == '\t' || v[e - 1] == '\r' || v[e - 1] == '\n'))
      --e;
    if (b == e)
      return false;
    f(v.substr(b, e - b));
    return true;
  }
  std::size_t start = 0;
  bool in_quote = false, in_angle = false;
  auto emit = [&](std::size_t end) -> bool {
    std::size_t b = start, e = end;
    while (b < e && (v[b] == ' ' || v[b] == '\t' || v[b] == '\r' || v[b] == '\n'))
      ++b;
    while (e > b && (v[e - 1] == ' ' || v[e - 1] == '\t' || v[e - 1] == '\r' || v[e - 1] == '\n'))
      --e;
    if (b == e)
      return false;
    f(v.substr(b, e - b));
    return true;
  };
  for (std::size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    if (in_quote) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_quote = false;
      continue;
    }
    if (c == '"')
      in_quote = true;
    else if (c == '<')
      in_angle = true;
    else if (c == '>')
      in_angle = false;
    else if (c == ',' && !in_angle) {
      if (!emit(i))
        return false;
      start = i + 1;
    }
  }
  if (in_quote || in_angle)
    return false;
  return emit(v.size());
}

} // namespace mgc::sipt
