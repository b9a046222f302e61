// RFC 3261 §25.1 basic rules as character classes and small scanners over string_views.
// Header values are kept as received, so a folded value still holds its CRLF + WSP: every
// scanner here treats CR and LF inside a value as linear white space (§7.3.1: folding is LWS).
#pragma once

#include <array>
#include <cstdint>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <string>
#include <string_view>

namespace mgc::sipt {

namespace cc {
enum : uint8_t {
  kAlpha = 1,
  kDigit = 2,
  kToken = 4,    // token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
  kWord = 8,     // word: token chars plus ( ) < > : \ " / [ ] ? { }  (§25.1, Call-ID)
  kWsp = 16,     // SP / HTAB
  kLws = 32,     // SP / HTAB / CR / LF (folded LWS inside a kept value)
  kHex = 64,
  kUriChar = 128, // characters that may appear un-escaped in a SIP URI (unreserved/reserved/%)
};

constexpr std::array<uint8_t, 256> make_table() {
  std::array<uint8_t, 256> t{};
  for (int c = 'a'; c <= 'z'; ++c)
    t[c] |= kAlpha | kToken | kWord | kUriChar;
  for (int c = 'A'; c <= 'Z'; ++c)
    t[c] |= kAlpha | kToken | kWord | kUriChar;
  for (int c = '0'; c <= '9'; ++c)
    t[c] |= kDigit | kToken | kWord | kHex | kUriChar;
  for (int c = 'a'; c <= 'f'; ++c)
    t[c] |= kHex;
  for (int c = 'A'; c <= 'F'; ++c)
    t[c] |= kHex;
  for (char c : std::string_view("-.!%*_+`'~"))
    t[static_cast<uint8_t>(c)] |= kToken | kWord | kUriChar;
  for (char c : std::string_view("()<>:\\\"/[]?{}"))
    t[static_cast<uint8_t>(c)] |= kWord;
  // reserved = ; / ? : @ & = + $ ,  plus the mark chars ( ) and [ ] for IPv6 references.
  for (char c : std::string_view(";/?:@&=+$,()[]"))
    t[static_cast<uint8_t>(c)] |= kUriChar;
  t[' '] |= kWsp | kLws;
  t['\t'] |= kWsp | kLws;
  t['\r'] |= kLws;
  t['\n'] |= kLws;
  return t;
}
inline constexpr std::array<uint8_t, 256> kTable = make_table();
} // namespace cc

inline bool is(char c, uint8_t cls) { return (cc::kTable[static_cast<uint8_t>(c)] & cls) != 0; }
inline bool is_token_char(char c) { return is(c, cc::kToken); }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c | 0x20) : c; }

// Index of `c` in `s` from `from`, or npos. A plain loop: the strings searched here are short
// header pieces, where a libc memchr call costs more than it saves.
inline std::size_t find_ch(std::string_view s, char c, std::size_t from = 0) {
  for (std::size_t i = from; i < s.size(); ++i)
    if (s[i] == c)
      return i;
  return std::string_view::npos;
}

// First LF in [p, end), or end. Sixteen octets per step where SSE2 exists (every x86-64): a
// header section is mostly the search for line ends.
inline const char *find_lf(const char *p, const char *end) {
#if defined(__SSE2__)
  const __m128i lf = _mm_set1_epi8('\n');
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
    unsigned mask = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, lf)));
    if (mask)
      return p + __builtin_ctz(mask);
    p += 16;
  }
#endif
  while (p < end && *p != '\n')
    ++p;
  return p;
}

// First `c` in [p, end), or end; sixteen octets per step with SSE2.
inline const char *find_byte(const char *p, const char *end, char c) {
#if defined(__SSE2__)
  const __m128i k = _mm_set1_epi8(c);
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
    unsigned mask = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, k)));
    if (mask)
      return p + __builtin_ctz(mask);
    p += 16;
  }
#endif
  while (p < end && *p != c)
    ++p;
  return p;
}

// Index of the first of `a` or `b` in `s`, or npos.
inline std::size_t find_either(std::string_view s, char a, char b) {
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] == a || s[i] == b)
      return i;
  return std::string_view::npos;
}

inline bool is_token(std::string_view s) {
  if (s.empty())
    return false;
  for (char c : s)
    if (!is_token_char(c))
      return false;
  return true;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i]))
      return false;
  return true;
}

inline std::string_view trim_lws(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is(s[b], cc::kLws))
    ++b;
  while (e > b && is(s[e - 1], cc::kLws))
    --e;
  return s.substr(b, e - b);
}

inline std::string_view ltrim_lws(std::string_view s) {
  std::size_t b = 0;
  while (b < s.size() && is(s[b], cc::kLws))
    ++b;
  return s.substr(b);
}

// Decimal digits only, no sign; false on empty, non-digit or above `max`.
inline bool parse_uint(std::string_view s, uint64_t max, uint64_t &out) {
  if (s.empty() || s.size() > 20)
    return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c))
      return false;
    uint64_t d = uint64_t(c - '0');
    if (v > (max - d) / 10)
      return false;
    v = v * 10 + d;
  }
  out = v;
  return true;
}

// Cursor over a header value: the grammar's SWS/LWS are skipped with ws().
struct Scanner {
  std::string_view s;
  std::size_t i = 0;

  bool done() const { return i >= s.size(); }
  char peek() const { return i < s.size() ? s[i] : '\0'; }
  bool ws() { // true if any white space was skipped
    std::size_t b = i;
    while (i < s.size() && is(s[i], cc::kLws))
      ++i;
    return i != b;
  }
  bool eat(char c) {
    if (i < s.size() && s[i] == c) {
      ++i;
      return true;
    }
    return false;
  }
  std::string_view token() {
    std::size_t b = i;
    while (i < s.size() && is_token_char(s[i]))
      ++i;
    return s.substr(b, i - b);
  }
  std::string_view rest() const { return i < s.size() ? s.substr(i) : std::string_view(); }
  // quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE (§25.1). Returns the whole
  // quoted string including quotes; false if unterminated or if a quoted-pair escapes CR/LF.
  bool quoted(std::string_view &out) {
    std::size_t b = i;
    if (!eat('"'))
      return false;
    while (i < s.size()) {
      char c = s[i];
      if (c == '"') {
        ++i;
        out = s.substr(b, i - b);
        return true;
      }
      if (c == '\\') {
        if (i + 1 >= s.size() || s[i + 1] == '\r' || s[i + 1] == '\n')
          return false;
        i += 2;
        continue;
      }
      ++i;
    }
    return false;
  }
};

// Removes the quotes and quoted-pair backslashes of a quoted-string.
std::string unquote(std::string_view quoted);
// The quoted-string for plain text: '"' and '\\' become quoted-pairs; CR and LF, which no
// quoted-string may hold (§25.1 qdtext), become spaces.
std::string quote(std::string_view text);
// Decodes %HH escapes (RFC 3261 §19.1.2); a '%' not followed by two hex digits is kept as is
// (RFC 4475 §3.1.1.5 shows such a '%' is not an escape).
std::string unescape(std::string_view s);

} // namespace mgc::sipt
