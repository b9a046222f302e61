// HTTP Digest authentication as SIP uses it (RFC 3261 §22.4, §25.1 challenge/credentials; RFC
// 7616 for SHA-256 and the -sess forms, qop=auth, nc and cnonce; RFC 2617 §3.2.2 for MD5 and
// the RFC 2069 form without qop). Pure: values in, a Status out; hashes by OpenSSL's libcrypto.
//  - parse_challenge(): one WWW-Authenticate / Proxy-Authenticate value (§20.44, §20.27)
//  - parse_credentials(): one Authorization / Proxy-Authorization value (§20.7, §20.28)
//  - response(): the request-digest of RFC 7616 §3.4.1 (RFC 2617 §3.2.2.1)
//  - authorization(): the credentials a UAC sends in answer to a challenge (§22.2, §22.3)
//  - NonceIssuer: nonces a UAS can verify without keeping state (an HMAC over their time)
#pragma once

#include "core/names.h"
#include "core/status.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mgc::sipt::digest {

// RFC 7616 §3.3 algorithm; §6.1 registry. A challenge naming another (SHA-512-256, AKAv1-MD5,
// ...) is not answered by us.
enum class Algorithm : uint8_t { Md5, Md5Sess, Sha256, Sha256Sess };
inline constexpr std::array kAlgorithmNames{
    NameRow<Algorithm>{Algorithm::Md5, "MD5"},
    NameRow<Algorithm>{Algorithm::Md5Sess, "MD5-sess"},
    NameRow<Algorithm>{Algorithm::Sha256, "SHA-256"},
    NameRow<Algorithm>{Algorithm::Sha256Sess, "SHA-256-sess"},
};
bool is_sess(Algorithm a);
// Preference when a response carries several challenges (RFC 7616 §3.7: the client uses the
// most secure one it supports): SHA-256 before MD5, plain before -sess.
int strength(Algorithm a);

// Stable details (core/status.h). Challenges live in responses: a bad one is not answered
// (code 0). Bad credentials in a request are answered 400 (RFC 3261 §21.4.1).
inline constexpr Status kBadChallenge{"sip.digest.bad_challenge", 0};
inline constexpr Status kNotDigest{"sip.digest.not_digest", 0};
inline constexpr Status kUnknownAlgorithm{"sip.digest.unknown_algorithm", 0};
inline constexpr Status kNoQopAuth{"sip.digest.no_qop_auth", 0};
inline constexpr Status kBadCredentials{"sip.digest.bad_credentials", 400};

// One challenge (RFC 3261 §25.1 digest-cln, RFC 7616 §3.3). Values unquoted.
struct Challenge {
  std::string realm, nonce, opaque, domain;
  Algorithm algorithm = Algorithm::Md5; // absent: MD5 (RFC 7616 §3.3)
  bool qop_present = false;             // a qop option list was given
  bool qop_auth = false;                // "auth" is one of its options
  bool stale = false;                   // the nonce expired; the credentials were good (§3.3)
  bool has_opaque = false;
};
// ok; kNotDigest for another scheme (Basic, which SIP forbids, §22.1); kUnknownAlgorithm;
// kNoQopAuth when qop is offered without "auth" (auth-int needs the body hashed, not done) or
// a -sess algorithm comes without qop (its A1 needs a cnonce);
// kBadChallenge for bad syntax or a missing realm or nonce.
Status parse_challenge(std::string_view value, Challenge &out);

// One set of credentials (RFC 3261 §25.1 digest-response, RFC 7616 §3.4). Values unquoted.
struct Credentials {
  std::string username, realm, nonce, uri, response, cnonce, opaque;
  Algorithm algorithm = Algorithm::Md5;
  bool qop_auth = false; // qop=auth given (then cnonce and nc are too)
  std::string nc;        // 8 hex digits, as sent: it is hashed as text
  bool has_opaque = false;
};
Status parse_credentials(std::string_view value, Credentials &out);

// H(data) in lower-case hex (RFC 7616 §3.4.1: MD5 or SHA-256 by the algorithm's family).
std::string hash_hex(Algorithm a, std::string_view data);

struct ResponseInput {
  Algorithm algorithm = Algorithm::Md5;
  std::string_view username, realm, password, nonce, cnonce, nc, method, uri;
  bool qop_auth = false; // false: RFC 2069 form, response = H(H(A1):nonce:H(A2))
};
// The request-digest (RFC 7616 §3.4.1; RFC 2617 §3.2.2.1-3).
std::string response(const ResponseInput &in);

// What a UAC answers a challenge with (RFC 3261 §22.2 Authorization, §22.3
// Proxy-Authorization): the whole value, "Digest username=..., response=...". `cnonce` is the
// caller's (random, sipt/random.h); `nc` counts the requests made with this nonce, from 1.
std::string authorization(const Challenge &ch, std::string_view username,
                          std::string_view password, std::string_view method,
                          std::string_view uri, std::string_view cnonce, uint32_t nc);

// Nonces a UAS verifies without keeping them (RFC 7616 §5.4 suggests time-stamp + H(time-stamp
// ":" ETag ":" secret)): "<16 hex digits of issue time><HMAC-SHA-256(secret, time:realm) hex>".
// Nothing else is remembered, so a request's credentials may be replayed while its nonce is
// fresh (the lifetime bounds that); a nonce older than the lifetime is "stale" (RFC 7616 §3.3:
// challenge again with stale=true, the client retries without asking its user).
class NonceIssuer {
public:
  enum class Check : uint8_t { Fresh, Stale, Invalid };
  explicit NonceIssuer(std::string secret) : secret_(std::move(secret)) {}
  std::string issue(std::string_view realm, uint64_t now_s) const;
  Check check(std::string_view nonce, std::string_view realm, uint64_t now_s,
              uint64_t lifetime_s) const;

private:
  std::string mac(std::string_view time_hex, std::string_view realm) const;
  std::string secret_;
};

} // namespace mgc::sipt::digest
