// The SIP header catalogue, declared once (RFC 3261 §20 and the extensions SIP-T peers use).
// Everything else derives from this table: the HeaderId enum, name and compact-form lookup,
// whether a header may repeat, whether its values may be comma-joined on one line (§7.3.1), and
// the clause cited in logs.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace mgc::sipt {

// Arity: Single = at most one value (§20, "single" rows); List = comma-separated values allowed
// and may repeat; Repeat = may repeat but values contain commas, so lines are never split
// (the WWW-Authenticate / Authorization family, §7.3.1 exception).
#define MGC_SIPT_HEADERS(X)                                                                        \
  X(Accept, "Accept", 0, List, "RFC 3261 20.1")                                                    \
  X(AcceptEncoding, "Accept-Encoding", 0, List, "RFC 3261 20.2")                                   \
  X(AcceptLanguage, "Accept-Language", 0, List, "RFC 3261 20.3")                                   \
  X(AlertInfo, "Alert-Info", 0, List, "RFC 3261 20.4")                                             \
  X(Allow, "Allow", 0, List, "RFC 3261 20.5")                                                      \
  X(AllowEvents, "Allow-Events", 'u', List, "RFC 6665 8.2.2")                                      \
  X(AuthenticationInfo, "Authentication-Info", 0, Single, "RFC 3261 20.6")                         \
  X(Authorization, "Authorization", 0, Repeat, "RFC 3261 20.7")                                    \
  X(CallId, "Call-ID", 'i', Single, "RFC 3261 20.8")                                               \
  X(CallInfo, "Call-Info", 0, List, "RFC 3261 20.9")                                               \
  X(Contact, "Contact", 'm', List, "RFC 3261 20.10")                                               \
  X(ContentDisposition, "Content-Disposition", 0, Single, "RFC 3261 20.11")                        \
  X(ContentEncoding, "Content-Encoding", 'e', List, "RFC 3261 20.12")                              \
  X(ContentLanguage, "Content-Language", 0, List, "RFC 3261 20.13")                                \
  X(ContentLength, "Content-Length", 'l', Single, "RFC 3261 20.14")                                \
  X(ContentType, "Content-Type", 'c', Single, "RFC 3261 20.15")                                    \
  X(CSeq, "CSeq", 0, Single, "RFC 3261 20.16")                                                     \
  X(Date, "Date", 0, Single, "RFC 3261 20.17")                                                     \
  X(ErrorInfo, "Error-Info", 0, List, "RFC 3261 20.18")                                            \
  X(Event, "Event", 'o', Single, "RFC 6665 8.2.1")                                                 \
  X(Expires, "Expires", 0, Single, "RFC 3261 20.19")                                               \
  X(From, "From", 'f', Single, "RFC 3261 20.20")                                                   \
  X(Identity, "Identity", 'y', Single, "RFC 8224 4")                                               \
  X(InReplyTo, "In-Reply-To", 0, List, "RFC 3261 20.21")                                           \
  X(InfoPackage, "Info-Package", 0, Single, "RFC 6086 7.2")                                        \
  X(MaxForwards, "Max-Forwards", 0, Single, "RFC 3261 20.22")                                      \
  X(MimeVersion, "MIME-Version", 0, Single, "RFC 3261 20.24")                                      \
  X(MinExpires, "Min-Expires", 0, Single, "RFC 3261 20.23")                                        \
  X(MinSE, "Min-SE", 0, Single, "RFC 4028 5")                                                      \
  X(Organization, "Organization", 0, Single, "RFC 3261 20.25")                                     \
  X(PAssertedIdentity, "P-Asserted-Identity", 0, List, "RFC 3325 9.1")                             \
  X(PPreferredIdentity, "P-Preferred-Identity", 0, List, "RFC 3325 9.2")                           \
  X(Priority, "Priority", 0, Single, "RFC 3261 20.26")                                             \
  X(Privacy, "Privacy", 0, List, "RFC 3323 4.2")                                                   \
  X(ProxyAuthenticate, "Proxy-Authenticate", 0, Repeat, "RFC 3261 20.27")                          \
  X(ProxyAuthorization, "Proxy-Authorization", 0, Repeat, "RFC 3261 20.28")                        \
  X(ProxyRequire, "Proxy-Require", 0, List, "RFC 3261 20.29")                                      \
  X(RAck, "RAck", 0, Single, "RFC 3262 7.2")                                                       \
  X(Reason, "Reason", 0, List, "RFC 3326 2")                                                       \
  X(RecordRoute, "Record-Route", 0, List, "RFC 3261 20.30")                                        \
  X(RecvInfo, "Recv-Info", 0, List, "RFC 6086 7.3")                                                \
  X(ReferTo, "Refer-To", 'r', Single, "RFC 3515 2.1")                                              \
  X(ReferredBy, "Referred-By", 'b', Single, "RFC 3892 3")                                          \
  X(ReplyTo, "Reply-To", 0, Single, "RFC 3261 20.31")                                              \
  X(Require, "Require", 0, List, "RFC 3261 20.32")                                                 \
  X(RetryAfter, "Retry-After", 0, Single, "RFC 3261 20.33")                                        \
  X(Route, "Route", 0, List, "RFC 3261 20.34")                                                     \
  X(RSeq, "RSeq", 0, Single, "RFC 3262 7.1")                                                       \
  X(Server, "Server", 0, Single, "RFC 3261 20.35")                                                 \
  X(SessionExpires, "Session-Expires", 'x', Single, "RFC 4028 4")                                  \
  X(Subject, "Subject", 's', Single, "RFC 3261 20.36")                                             \
  X(Supported, "Supported", 'k', List, "RFC 3261 20.37")                                           \
  X(Timestamp, "Timestamp", 0, Single, "RFC 3261 20.38")                                           \
  X(To, "To", 't', Single, "RFC 3261 20.39")                                                       \
  X(Unsupported, "Unsupported", 0, List, "RFC 3261 20.40")                                         \
  X(UserAgent, "User-Agent", 0, Single, "RFC 3261 20.41")                                          \
  X(Via, "Via", 'v', List, "RFC 3261 20.42")                                                       \
  X(Warning, "Warning", 0, List, "RFC 3261 20.43")                                                 \
  X(WwwAuthenticate, "WWW-Authenticate", 0, Repeat, "RFC 3261 20.44")

enum class HeaderId : uint8_t {
#define MGC_SIPT_HDR_ENUM_(id, name, compact, arity, rfc) id,
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
  std::string_view rfc;
};

namespace detail {

inline constexpr std::array<HeaderInfo, kHeaderCount + 1> kInfo{{
#define MGC_SIPT_HDR_INFO_(id, name, compact, arity, rfc) {name, compact, Arity::arity, rfc},
    MGC_SIPT_HEADERS(MGC_SIPT_HDR_INFO_)
#undef MGC_SIPT_HDR_INFO_
        {"", 0, Arity::Repeat, ""},
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

} // namespace detail

// Indexed by HeaderId (Other has an empty entry).
inline const HeaderInfo &header_info(HeaderId id) {
  return detail::kInfo[static_cast<std::size_t>(id)];
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
