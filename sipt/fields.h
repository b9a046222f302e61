// Parsers for the structured header values (RFC 3261 §25.1), one per value type of the header
// catalogue (headers.h): name-addr / addr-spec with header parameters, Via, CSeq, generic
// parameters, media types, Diversion (RFC 5806), History-Info (RFC 7044), Reason (RFC 3326),
// Privacy (RFC 3323), RAck (RFC 3262), and the comma list splitter of §7.3.1. Parse results are
// views into the value as received; print() writes a value's wire form (what follows the
// HCOLON), so a typed value is built once and serialised once. Members that the grammar allows
// as quoted-string hold the wire form, quotes included (quote() makes one from plain text).
#pragma once

#include "sipt/headers.h"
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
  // A name-addr <uri> with header parameters (";tag=..."): the value a UA builds. The URI is
  // parsed so the typed fields are usable; `uri` must outlive the value.
  static NameAddr of(std::string_view uri, std::string_view params = {});
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
void print(std::string &out, const NameAddr &v);

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
// sent-protocol SP sent-by, then `params` as they are (branch, rport ... when building).
void print(std::string &out, const Via &v);

// RFC 3261 §17.1.1.3: the branch begins with the magic cookie.
inline constexpr std::string_view kMagicCookie = "z9hG4bK";

struct CSeq {
  uint32_t number = 0; // < 2**31 (§8.1.1.5)
  std::string_view method;
};
bool parse_cseq(std::string_view value, CSeq &out);
void print(std::string &out, const CSeq &v);

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
// type "/" subtype params; a disposition (empty subtype) prints its type and params.
void print(std::string &out, const MediaType &v);

// token *(SEMI generic-param): Content-Disposition, Event, Info-Package, Supported, Require,
// Allow and the other token-valued headers of the catalogue.
struct TokenValue {
  std::string_view token;
  std::string_view params; // ";..." raw
};
bool parse_token_value(std::string_view value, TokenValue &out);
void print(std::string &out, const TokenValue &v);

// RFC 3326 §2: reason-value = protocol *(SEMI reason-params); protocol-cause = "cause" EQUAL
// cause; reason-text = "text" EQUAL quoted-string.
struct ReasonValue {
  std::string_view protocol; // "SIP", "Q.850" or a token
  int cause = -1;            // -1: absent
  std::string_view text;     // quoted-string as on the wire (quotes included), empty if absent
  std::string_view params;   // every parameter as received (print() keeps the extensions)
  std::string text_unquoted() const;
};
bool parse_reason(std::string_view value, ReasonValue &out);
void print(std::string &out, const ReasonValue &v);
inline constexpr std::string_view kReasonQ850 = "Q.850";

// RFC 5806 §4: Diversion = name-addr *(SEMI diversion-params): reason, counter (1*2DIGIT),
// limit (1*2DIGIT), privacy (full / name / uri / off / token), screen (yes / no / token), and
// extensions. The header parameters in `addr.params` are the received ones; print() writes the
// typed ones first, then every other received parameter, so extensions travel on.
struct DiversionValue {
  NameAddr addr;
  std::string_view reason;  // token or quoted-string as on the wire; empty if absent
  int counter = -1;         // -1: absent
  int limit = -1;
  std::string_view privacy; // as on the wire
  std::string_view screen;
  std::string reason_unquoted() const;
};
bool parse_diversion(std::string_view value, DiversionValue &out);
void print(std::string &out, const DiversionValue &v);

// RFC 7044 §4.1: hi-entry = hi-targeted-to-uri *(SEMI hi-param); hi-index = "index" EQUAL
// 1*DIGIT *(DOT 1*DIGIT); rc / mp / np name the index the entry was retargeted from. The RFC
// 4458 §3 "cause" is a parameter of the URI (the response that made the request retarget to
// it): read from the URI; print() adds it to a URI that lacks it.
struct HistoryInfoValue {
  NameAddr addr;
  std::string_view index;   // empty if absent (§4.1 makes it mandatory; §6.3 tolerates peers)
  std::string_view rc, mp, np;
  int cause = -1;           // RFC 4458 cause URI parameter, -1 if absent
};
bool parse_history_info(std::string_view value, HistoryInfoValue &out);
void print(std::string &out, const HistoryInfoValue &v);

// RFC 3323 §4.2 (with RFC 3325 §9.3 "id" and RFC 7044 §10.1 "history"): priv-value
// *(";" priv-value). Unknown priv-values are tokens the grammar allows and are skipped.
struct PrivacyValue {
  enum : uint8_t { kHeader = 1, kSession = 2, kUser = 4, kNone = 8, kCritical = 16, kId = 32,
                   kHistory = 64 };
  uint8_t flags = 0;
  bool has(uint8_t f) const { return (flags & f) != 0; }
};
bool parse_privacy(std::string_view value, PrivacyValue &out);
void print(std::string &out, const PrivacyValue &v);

// RFC 3262 §7.2: RAck = response-num LWS CSeq-num LWS Method.
struct RAckValue {
  uint32_t rseq = 0;
  CSeq cseq;
};
bool parse_rack(std::string_view value, RAckValue &out);
void print(std::string &out, const RAckValue &v);

// A typed value's wire form as a string.
template <typename T> std::string to_text(const T &v) {
  std::string s;
  print(s, v);
  return s;
}
template <typename T>
concept Printable = requires(std::string &o, const T &v) { print(o, v); };

// Call-ID = word [ "@" word ] (§25.1).
bool valid_call_id(std::string_view v);

// One value of a header of this catalogue type is well formed (Text: always).
bool valid_value(ValueType type, std::string_view value);

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
