// The SIP header catalogue, declared once (RFC 3261 §20 and the extensions SIP-T peers use).
// Everything else derives from this table: the HeaderId enum, name and compact-form lookup,
// whether a header may repeat, whether its values may be comma-joined on one line (§7.3.1), the
// value type (which typed parser in fields.h reads one value), and the clause cited in logs.
// Headers outside the table are kept and forwarded untouched (HeaderId::Other).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace mgc::sipt {

// Arity: Single = at most one value (§20, "single" rows); List = comma-separated values allowed
// and may repeat; Repeat = may repeat but values contain commas, so lines are never split
// (the WWW-Authenticate / Authorization family, §7.3.1 exception).
// Value types: the grammar of one (comma-separated) value; valid_value() in fields.h checks one
// and the typed parsers there read it.
#define MGC_SIPT_VALUE_TYPES(X)                                                                    \
  X(Text, "kept as received (no structure this stack reads)")                                      \
  X(Token, "token *(SEMI generic-param) (RFC 3261 25.1)")                                          \
  X(Number, "1*DIGIT")                                                                             \
  X(CallId, "word [\"@\" word] (RFC 3261 25.1)")                                                   \
  X(CSeq, "1*DIGIT LWS Method (RFC 3261 20.16)")                                                   \
  X(Via, "sent-protocol LWS sent-by *(SEMI via-params) (RFC 3261 20.42)")                          \
  X(NameAddr, "(name-addr / addr-spec) *(SEMI generic-param) (RFC 3261 20.10)")                    \
  X(Diversion, "name-addr *(SEMI diversion-params) (RFC 5806 4)")                                  \
  X(HistoryInfo, "name-addr *(SEMI hi-param) (RFC 7044 4.1)")                                      \
  X(UriRef, "LAQUOT absoluteURI RAQUOT *(SEMI generic-param) (RFC 3261 20.4)")                     \
  X(MediaType, "type SLASH subtype *(SEMI m-parameter) (RFC 3261 20.15)")                          \
  X(Reason, "protocol *(SEMI reason-params) (RFC 3326 2)")                                         \
  X(Privacy, "priv-value *(\";\" priv-value) (RFC 3323 4.2)")                                      \
  X(RAck, "response-num LWS CSeq-num LWS Method (RFC 3262 7.2)")

enum class ValueType : uint8_t {
#define MGC_SIPT_VT_ENUM_(t, grammar) t,
  MGC_SIPT_VALUE_TYPES(MGC_SIPT_VT_ENUM_)
#undef MGC_SIPT_VT_ENUM_
};

#define MGC_SIPT_HEADERS(X)                                                                        \
  X(Accept, "Accept", 0, List, MediaType, "RFC 3261 20.1")                                         \
  X(AcceptEncoding, "Accept-Encoding", 0, List, Token, "RFC 3261 20.2")                            \
  X(AcceptLanguage, "Accept-Language", 0, List, Token, "RFC 3261 20.3")                            \
  X(AlertInfo, "Alert-Info", 0, List, UriRef, "RFC 3261 20.4")                                     \
  X(Allow, "Allow", 0, List, Token, "RFC 3261 20.5")                                               \
  X(AllowEvents, "Allow-Events", 'u', List, Token, "RFC 6665 8.2.2")                               \
  X(AuthenticationInfo, "Authentication-Info", 0, Single, Text, "RFC 3261 20.6")                   \
  X(Authorization, "Authorization", 0, Repeat, Text, "RFC 3261 20.7")                              \
  X(CallId, "Call-ID", 'i', Single, CallId, "RFC 3261 20.8")                                       \
  X(CallInfo, "Call-Info", 0, List, UriRef, "RFC 3261 20.9")                                       \
  X(Contact, "Contact", 'm', List, NameAddr, "RFC 3261 20.10")                                     \
  X(ContentDisposition, "Content-Disposition", 0, Single, Token, "RFC 3261 20.11")                 \
  X(ContentEncoding, "Content-Encoding", 'e', List, Token, "RFC 3261 20.12")                       \
  X(ContentLanguage, "Content-Language", 0, List, Token, "RFC 3261 20.13")                         \
  X(ContentLength, "Content-Length", 'l', Single, Number, "RFC 3261 20.14")                        \
  X(ContentType, "Content-Type", 'c', Single, MediaType, "RFC 3261 20.15")                         \
  X(CSeq, "CSeq", 0, Single, CSeq, "RFC 3261 20.16")                                               \
  X(Date, "Date", 0, Single, Text, "RFC 3261 20.17")                                               \
  X(Diversion, "Diversion", 0, List, Diversion, "RFC 5806 4")                                      \
  X(ErrorInfo, "Error-Info", 0, List, UriRef, "RFC 3261 20.18")                                    \
  X(Event, "Event", 'o', Single, Token, "RFC 6665 8.2.1")                                          \
  X(Expires, "Expires", 0, Single, Number, "RFC 3261 20.19")                                       \
  X(From, "From", 'f', Single, NameAddr, "RFC 3261 20.20")                                         \
  X(HistoryInfo, "History-Info", 0, List, HistoryInfo, "RFC 7044 4.1")                             \
  X(Identity, "Identity", 'y', Single, Text, "RFC 8224 4")                                         \
  X(InReplyTo, "In-Reply-To", 0, List, CallId, "RFC 3261 20.21")                                   \
  X(InfoPackage, "Info-Package", 0, Single, Token, "RFC 6086 7.2")                                 \
  X(MaxForwards, "Max-Forwards", 0, Single, Number, "RFC 3261 20.22")                              \
  X(MimeVersion, "MIME-Version", 0, Single, Text, "RFC 3261 20.24")                                \
  X(MinExpires, "Min-Expires", 0, Single, Number, "RFC 3261 20.23")                                \
  X(MinSE, "Min-SE", 0, Single, Token, "RFC 4028 5")                                               \
  X(Organization, "Organization", 0, Single, Text, "RFC 3261 20.25")                               \
  X(PAssertedIdentity, "P-Asserted-Identity", 0, List, NameAddr, "RFC 3325 9.1")                   \
  X(PPreferredIdentity, "P-Preferred-Identity", 0, List, NameAddr, "RFC 3325 9.2")                 \
  X(Priority, "Priority", 0, Single, Token, "RFC 3261 20.26")                                      \
  X(Privacy, "Privacy", 0, List, Privacy, "RFC 3323 4.2")                                          \
  X(ProxyAuthenticate, "Proxy-Authenticate", 0, Repeat, Text, "RFC 3261 20.27")                    \
  X(ProxyAuthorization, "Proxy-Authorization", 0, Repeat, Text, "RFC 3261 20.28")                  \
  X(ProxyRequire, "Proxy-Require", 0, List, Token, "RFC 3261 20.29")                               \
  X(RAck, "RAck", 0, Single, RAck, "RFC 3262 7.2")                                                 \
  X(Reason, "Reason", 0, List, Reason, "RFC 3326 2")                                               \
  X(RecordRoute, "Record-Route", 0, List, NameAddr, "RFC 3261 20.30")                              \
  X(RecvInfo, "Recv-Info", 0, List, Token, "RFC 6086 7.3")                                         \
  X(ReferTo, "Refer-To", 'r', Single, NameAddr, "RFC 3515 2.1")                                    \
  X(ReferredBy, "Referred-By", 'b', Single, NameAddr, "RFC 3892 3")                                \
  X(ReplyTo, "Reply-To", 0, Single, NameAddr, "RFC 3261 20.31")                                    \
  X(Require, "Require", 0, List, Token, "RFC 3261 20.32")                                          \
  X(RetryAfter, "Retry-After", 0, Single, Text, "RFC 3261 20.33")                                  \
  X(Route, "Route", 0, List, NameAddr, "RFC 3261 20.34")                                           \
  X(RSeq, "RSeq", 0, Single, Number, "RFC 3262 7.1")                                               \
  X(Server, "Server", 0, Single, Text, "RFC 3261 20.35")                                           \
  X(SessionExpires, "Session-Expires", 'x', Single, Token, "RFC 4028 4")                           \
  X(Subject, "Subject", 's', Single, Text, "RFC 3261 20.36")                                       \
  X(Supported, "Supported", 'k', List, Token, "RFC 3261 20.37")                                    \
  X(Timestamp, "Timestamp", 0, Single, Text, "RFC 3261 20.38")                                     \
  X(To, "To", 't', Single, NameAddr, "RFC 3261 20.39")                                             \
  X(Unsupported, "Unsupported", 0, List, Token, "RFC 3261 20.40")                                  \
  X(UserAgent, "User-Agent", 0, Single, Text, "RFC 3261 20.41")                                    \
  X(Via, "Via", 'v', List, Via, "RFC 3261 20.42")                                                  \
  X(Warning, "Warning", 0, List, Text, "RFC 3261 20.43")                                           \
  X(WwwAuthenticate, "WWW-Authenticate", 0, Repeat, Text, "RFC 3261 20.44")

enum class HeaderId : uint8_t {
#define MGC_SIPT_HDR_ENUM_(id, name, compact, arity, type, rfc) id,
  MGC_SIPT_HEADERS(MGC_SIPT_HDR_ENUM_)
#undef MGC_SIPT_HDR_ENUM_
      Other, // not in the catalogue: kept and forwarded untouched
};

inline constexpr std::size_t kHeaderCount = static_cast<std::size_t>(HeaderId::Other);

enum class Arity : uint8_t { Single, List, Repeat };

struct HeaderInfo {
  std::string_view name;
  char compact; // 0 if none
  Arity arity;
  ValueType type;
  std::string_view rfc;
};

namespace detail {

inline constexpr std::array<HeaderInfo, kHeaderCount + 1> kInfo{{
#define MGC_SIPT_HDR_INFO_(id, name, compact, arity, type, rfc)                                    \
  {name, compact, Arity::arity, ValueType::type, rfc},
    MGC_SIPT_HEADERS(MGC_SIPT_HDR_INFO_)
#undef MGC_SIPT_HDR_INFO_
        {"", 0, Arity::Repeat, ValueType::Text, ""},
}};

constexpr char clower(char c) { return (c >= 'A' && c <= 'Z') ? char(c | 0x20) : c; }

// Names are matched case-insensitively (§7.3.1); the hash only looks at the length and three
// characters, and a probe confirms with a full comparison.
constexpr std::size_t kSlots = 256;
constexpr std::size_t hash_name(std::string_view n) {
  std::size_t h = n.size() * 131u + std::size_t(uint8_t(clower(n[0]))) * 31u +
                  std::size_t(uint8_t(clower(n[n.size() - 1])));
  if (n.size() > 1)
    h += std::size_t(uint8_t(clower(n[1]))) * 7u;
  return h & (kSlots - 1);
}

constexpr std::array<uint8_t, kSlots> make_full() {
  std::array<uint8_t, kSlots> t{};
  for (auto &s : t)
    s = 0xff;
  for (std::size_t i = 0; i < kHeaderCount; ++i) {
    std::size_t h = hash_name(kInfo[i].name);
    while (t[h] != 0xff)
      h = (h + 1) & (kSlots - 1);
    t[h] = uint8_t(i);
  }
  return t;
}
inline constexpr std::array<uint8_t, kSlots> kFull = make_full();

constexpr std::array<uint8_t, 128> make_compact() {
  std::array<uint8_t, 128> t{};
  for (auto &s : t)
    s = uint8_t(HeaderId::Other);
  for (std::size_t i = 0; i < kHeaderCount; ++i)
    if (kInfo[i].compact)
      t[std::size_t(clower(kInfo[i].compact))] = uint8_t(i);
  return t;
}
inline constexpr std::array<uint8_t, 128> kCompact = make_compact();

#define MGC_SIPT_VT_COUNT_(t, grammar) +1
inline constexpr std::size_t kValueTypeCount = 0 MGC_SIPT_VALUE_TYPES(MGC_SIPT_VT_COUNT_);
#undef MGC_SIPT_VT_COUNT_
inline constexpr std::array<std::string_view, kValueTypeCount> kValueTypeNames{{
#define MGC_SIPT_VT_NAME_(t, grammar) #t,
    MGC_SIPT_VALUE_TYPES(MGC_SIPT_VT_NAME_)
#undef MGC_SIPT_VT_NAME_
}};
} // namespace detail

// Indexed by HeaderId (Other has an empty entry).
inline const HeaderInfo &header_info(HeaderId id) {
  return detail::kInfo[static_cast<std::size_t>(id)];
}

inline std::string_view value_type_name(ValueType t) {
  return detail::kValueTypeNames[static_cast<std::size_t>(t)];
}

// Case-insensitive equality of two token strings (the parser has checked they are tokens):
// among token characters only letters differ by the 0x20 bit, so OR-ing it in compares them
// case-blind, eight octets at a time (only CR and '-' also collide, and CR is no token).
inline bool token_iequal(const char *a, const char *b, std::size_t n) {
  constexpr uint64_t kMask = 0x2020202020202020ull;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t x, y;
    __builtin_memcpy(&x, a + i, 8);
    __builtin_memcpy(&y, b + i, 8);
    if ((x | kMask) != (y | kMask))
      return false;
  }
  for (; i < n; ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20))
      return false;
  return true;
}

// Case-insensitive lookup of a received name, full or compact form (§7.3.3).
inline HeaderId lookup_header(std::string_view name) {
  using namespace detail;
  if (name.empty())
    return HeaderId::Other;
  if (name.size() == 1) {
    auto c = uint8_t(clower(name[0]));
    return c < 128 ? HeaderId(kCompact[c]) : HeaderId::Other;
  }
  std::size_t h = hash_name(name);
  while (kFull[h] != 0xff) {
    std::string_view n = kInfo[kFull[h]].name;
    if (n.size() == name.size() && token_iequal(n.data(), name.data(), n.size()))
      return HeaderId(kFull[h]);
    h = (h + 1) & (kSlots - 1);
  }
  return HeaderId::Other;
}

// Arity by HeaderId, for the parser's single-value check.
namespace detail {
constexpr std::array<bool, kHeaderCount + 1> make_single() {
  std::array<bool, kHeaderCount + 1> t{};
  for (std::size_t i = 0; i < kHeaderCount; ++i)
    t[i] = kInfo[i].arity == Arity::Single;
  return t;
}
inline constexpr std::array<bool, kHeaderCount + 1> kSingle = make_single();
} // namespace detail

} // namespace mgc::sipt
