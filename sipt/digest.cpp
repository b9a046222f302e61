// Digest authentication (see digest.h): RFC 3261 §22.4, §25.1; RFC 7616 §3.3-3.5; RFC 2617
// §3.2.2.
#include "sipt/digest.h"

#include "sipt/syntax.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <optional>

namespace mgc::sipt::digest {
namespace {

static_assert(names_unique(kAlgorithmNames));

// auth-param = auth-param-name EQUAL (token / quoted-string), RFC 3261 §25.1 (and RFC 7616 §3.3
// for the directives it adds). Calls `f(name, value, quoted)` per parameter, value unquoted.
template <typename F> bool for_each_param(std::string_view list, F &&f) {
  Scanner sc{list};
  sc.ws();
  if (sc.done())
    return false;
  for (;;) {
    sc.ws();
    const std::string_view name = sc.token();
    if (name.empty())
      return false;
    sc.ws();
    if (!sc.eat('='))
      return false;
    sc.ws();
    std::string value;
    bool quoted = false;
    if (sc.peek() == '"') {
      std::string_view q;
      if (!sc.quoted(q))
        return false;
      value = unquote(q);
      quoted = true;
      // §25.1 qdtext holds no control characters (folding was LWS, kept as such by the
      // parser): a value with one cannot be quoted back as it came (fuzz_sipt_digest)
      // A CR or LF stands only in a fold, CRLF followed by a space or tab (§25.1 LWS); a bare
      // one is refused like any other control character.
      for (std::size_t i = 0; i < value.size(); ++i) {
        const auto c = static_cast<unsigned char>(value[i]);
        const bool fold = c == '\r' && i + 2 < value.size() && value[i + 1] == '\n' &&
                          (value[i + 2] == ' ' || value[i + 2] == '\t');
        const bool fold_lf = c == '\n' && i > 0 && value[i - 1] == '\r' && i + 1 < value.size() &&
                             (value[i + 1] == ' ' || value[i + 1] == '\t');
        if (((c < 0x20 && c != '\t') || c == 0x7f) && !fold && !fold_lf)
          return false;
      }
    } else {
      const std::string_view t = sc.token();
      if (t.empty())
        return false;
      value = std::string(t);
    }
    if (!f(name, std::move(value), quoted))
      return false;
    sc.ws();
    if (sc.done())
      return true;
    if (!sc.eat(','))
      return false;
  }
}

// The scheme token and the rest (RFC 3261 §25.1: challenge = "Digest" LWS digest-cln ...).
bool split_scheme(std::string_view value, std::string_view &scheme, std::string_view &rest) {
  value = trim_lws(value);
  std::size_t i = 0;
  while (i < value.size() && is_token_char(value[i]))
    ++i;
  if (i == 0 || i == value.size() || !is(value[i], cc::kLws))
    return false;
  scheme = value.substr(0, i);
  rest = value.substr(i);
  return true;
}

std::optional<Algorithm> algorithm_of(std::string_view token) {
  for (const auto &r : kAlgorithmNames) // case-insensitive (RFC 7616 §3.3: a token)
    if (iequals(token, r.name))
      return r.value;
  return std::nullopt;
}

// A parameter given twice is a malformed value: which of the two would the peer mean?
struct Seen {
  uint32_t bits = 0;
  bool first(int i) {
    const uint32_t b = 1u << i;
    const bool was = bits & b;
    bits |= b;
    return !was;
  }
};

// Does the comma-separated qop option list (RFC 7616 §3.3 qop-options) hold "auth"?
bool has_auth_option(std::string_view list) {
  for (;;) {
    const std::size_t c = find_ch(list, ',');
    if (iequals(trim_lws(list.substr(0, c)), "auth"))
      return true;
    if (c == std::string_view::npos)
      return false;
    list.remove_prefix(c + 1);
  }
}

const EVP_MD *md_of(Algorithm a) {
  return a == Algorithm::Sha256 || a == Algorithm::Sha256Sess ? EVP_sha256() : EVP_md5();
}

std::string hex(const unsigned char *p, std::size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  s.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    s += kHex[p[i] >> 4];
    s += kHex[p[i] & 15];
  }
  return s;
}

void append_quoted(std::string &out, std::string_view name, std::string_view value) {
  out += name;
  out += '=';
  out += quote(value);
}

} // namespace

bool is_sess(Algorithm a) { return a == Algorithm::Md5Sess || a == Algorithm::Sha256Sess; }

int strength(Algorithm a) {
  switch (a) {
  case Algorithm::Sha256: return 4;
  case Algorithm::Sha256Sess: return 3;
  case Algorithm::Md5: return 2;
  case Algorithm::Md5Sess: return 1;
  }
  return 0;
}

Status parse_challenge(std::string_view value, Challenge &out) {
  out = Challenge{};
  std::string_view scheme, rest;
  if (!split_scheme(value, scheme, rest))
    return kBadChallenge;
  if (!iequals(scheme, "Digest"))
    return kNotDigest;
  enum { kRealm, kNonce, kOpaque, kDomain, kAlgorithm, kQop, kStale };
  Seen seen;
  std::string algorithm, qop;
  const bool syntax_ok =
      for_each_param(rest, [&](std::string_view name, std::string value, bool quoted) {
        auto set = [&](int i, std::string &field) {
          if (!seen.first(i))
            return false;
          field = std::move(value);
          return true;
        };
        if (iequals(name, "realm"))
          return quoted && set(kRealm, out.realm); // realm-value = quoted-string
        if (iequals(name, "nonce"))
          return quoted && set(kNonce, out.nonce);
        if (iequals(name, "opaque")) {
          out.has_opaque = true;
          return quoted && set(kOpaque, out.opaque);
        }
        if (iequals(name, "domain"))
          return set(kDomain, out.domain);
        if (iequals(name, "algorithm"))
          return set(kAlgorithm, algorithm);
        if (iequals(name, "qop")) {
          out.qop_present = true;
          return set(kQop, qop);
        }
        if (iequals(name, "stale")) {
          out.stale = iequals(value, "true"); // RFC 7616 §3.3: anything else is false
          return seen.first(kStale);
        }
        return true; // RFC 7616 §3.3: unrecognised directives are ignored
      });
  if (!syntax_ok || !(seen.bits & (1u << kRealm)) || !(seen.bits & (1u << kNonce)))
    return kBadChallenge;
  if (!algorithm.empty()) {
    const auto a = algorithm_of(algorithm);
    if (!a)
      return kUnknownAlgorithm;
    out.algorithm = *a;
  }
  if (out.qop_present) {
    out.qop_auth = has_auth_option(qop);
    if (!out.qop_auth)
      return kNoQopAuth;
  }
  // RFC 7616 §3.4.2: a -sess A1 hashes the cnonce, which only a qop answer carries.
  if (is_sess(out.algorithm) && !out.qop_auth)
    return kNoQopAuth;
  return Status::Ok();
}

Status parse_credentials(std::string_view value, Credentials &out) {
  out = Credentials{};
  std::string_view scheme, rest;
  if (!split_scheme(value, scheme, rest) || !iequals(scheme, "Digest"))
    return kBadCredentials;
  enum { kUsername, kRealm, kNonce, kUri, kResponse, kAlgorithm, kCnonce, kOpaque, kQop, kNc };
  Seen seen;
  std::string algorithm, qop;
  const bool syntax_ok =
      for_each_param(rest, [&](std::string_view name, std::string value, bool quoted) {
        auto set = [&](int i, std::string &field) {
          if (!seen.first(i))
            return false;
          field = std::move(value);
          return true;
        };
        // RFC 3261 §25.1: these are quoted-strings (uri is a quoted Request-URI)
        if (iequals(name, "username"))
          return quoted && set(kUsername, out.username);
        if (iequals(name, "realm"))
          return quoted && set(kRealm, out.realm);
        if (iequals(name, "nonce"))
          return quoted && set(kNonce, out.nonce);
        if (iequals(name, "uri"))
          return quoted && set(kUri, out.uri);
        if (iequals(name, "response"))
          return quoted && set(kResponse, out.response);
        if (iequals(name, "cnonce"))
          return quoted && set(kCnonce, out.cnonce);
        if (iequals(name, "opaque")) {
          out.has_opaque = true;
          return quoted && set(kOpaque, out.opaque);
        }
        if (iequals(name, "algorithm"))
          return set(kAlgorithm, algorithm);
        if (iequals(name, "qop"))
          return set(kQop, qop);
        if (iequals(name, "nc")) // nonce-count = "nc" EQUAL 8LHEX
          return !quoted && set(kNc, out.nc);
        return true;
      });
  for (int required : {kUsername, kRealm, kNonce, kUri, kResponse})
    if (!syntax_ok || !(seen.bits & (1u << required)))
      return kBadCredentials;
  if (!algorithm.empty()) {
    const auto a = algorithm_of(algorithm);
    if (!a)
      return kBadCredentials;
    out.algorithm = *a;
  }
  if (!qop.empty()) {
    // qop=auth needs cnonce and nc (RFC 7616 §3.4); auth-int is not taken (digest.h).
    if (!iequals(qop, "auth") || out.cnonce.empty() || out.nc.size() != 8)
      return kBadCredentials;
    for (char c : out.nc)
      if (!is(c, cc::kHex))
        return kBadCredentials;
    out.qop_auth = true;
  } else if (is_sess(out.algorithm)) {
    return kBadCredentials; // -sess hashes the cnonce, which only comes with qop
  }
  return Status::Ok();
}

std::string hash_hex(Algorithm a, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), md, &n, md_of(a), nullptr) != 1)
    return {};
  return hex(md, n);
}

std::string response(const ResponseInput &in) {
  const Algorithm a = in.algorithm;
  auto cat = [](std::initializer_list<std::string_view> parts) {
    std::string s;
    bool first = true;
    for (std::string_view p : parts) {
      if (!first)
        s += ':';
      s += p;
      first = false;
    }
    return s;
  };
  // RFC 7616 §3.4.2: A1 = username:realm:passwd; for -sess H(that):nonce:cnonce.
  std::string ha1 = hash_hex(a, cat({in.username, in.realm, in.password}));
  if (is_sess(a))
    ha1 = hash_hex(a, cat({ha1, in.nonce, in.cnonce}));
  // §3.4.3: A2 = Method:request-uri for qop=auth (and for no qop).
  const std::string ha2 = hash_hex(a, cat({in.method, in.uri}));
  // §3.4.1: KD(H(A1), nonce:nc:cnonce:qop:H(A2)); RFC 2617 §3.2.2.1 without qop.
  if (in.qop_auth)
    return hash_hex(a, cat({ha1, in.nonce, in.nc, in.cnonce, "auth", ha2}));
  return hash_hex(a, cat({ha1, in.nonce, ha2}));
}

std::string authorization(const Challenge &ch, std::string_view username,
                          std::string_view password, std::string_view method,
                          std::string_view uri, std::string_view cnonce, uint32_t nc) {
  char nc_text[9];
  std::snprintf(nc_text, sizeof nc_text, "%08x", unsigned(nc));
  ResponseInput in;
  in.algorithm = ch.algorithm;
  in.username = username;
  in.realm = ch.realm;
  in.password = password;
  in.nonce = ch.nonce;
  in.cnonce = cnonce;
  in.nc = nc_text;
  in.method = method;
  in.uri = uri;
  in.qop_auth = ch.qop_auth;
  // RFC 3261 §22.4 / RFC 7616 §3.4: the directives echo the challenge; algorithm, qop and nc are
  // tokens, the rest quoted-strings.
  std::string v = "Digest ";
  append_quoted(v, "username", username);
  v += ", ";
  append_quoted(v, "realm", ch.realm);
  v += ", ";
  append_quoted(v, "nonce", ch.nonce);
  v += ", ";
  append_quoted(v, "uri", uri);
  v += ", ";
  append_quoted(v, "response", response(in));
  v += ", algorithm=";
  v += name_of(kAlgorithmNames, ch.algorithm);
  if (ch.qop_auth) {
    v += ", ";
    append_quoted(v, "cnonce", cnonce);
    v += ", qop=auth, nc=";
    v += nc_text;
  }
  if (ch.has_opaque) { // §22.4: returned unchanged
    v += ", ";
    append_quoted(v, "opaque", ch.opaque);
  }
  return v;
}

std::string NonceIssuer::mac(std::string_view time_hex, std::string_view realm) const {
  std::string data(time_hex);
  data += ':';
  data += realm;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!HMAC(EVP_sha256(), secret_.data(), int(secret_.size()),
            reinterpret_cast<const unsigned char *>(data.data()), data.size(), md, &n))
    return {};
  return hex(md, n);
}

std::string NonceIssuer::issue(std::string_view realm, uint64_t now_s) const {
  char t[17];
  std::snprintf(t, sizeof t, "%016llx", static_cast<unsigned long long>(now_s));
  return std::string(t) + mac(t, realm);
}

NonceIssuer::Check NonceIssuer::check(std::string_view nonce, std::string_view realm,
                                      uint64_t now_s, uint64_t lifetime_s) const {
  if (nonce.size() != 16 + 64)
    return Check::Invalid;
  const std::string_view t = nonce.substr(0, 16);
  uint64_t issued = 0;
  for (char c : t) {
    if (!is(c, cc::kHex) || (c >= 'A' && c <= 'F'))
      return Check::Invalid;
    issued = issued * 16 + uint64_t(c <= '9' ? c - '0' : c - 'a' + 10);
  }
  const std::string expect = mac(t, realm);
  if (expect.size() != 64 || CRYPTO_memcmp(expect.data(), nonce.data() + 16, 64) != 0)
    return Check::Invalid; // not ours (or for another realm)
  if (issued > now_s + 1 || now_s - issued > lifetime_s) // +1: a clock read a moment earlier
    return Check::Stale;
  return Check::Fresh;
}

} // namespace mgc::sipt::digest
