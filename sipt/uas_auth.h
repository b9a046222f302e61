// The UAS's side of SIP authentication (RFC 3261 §22.1, §22.2, §22.4; RFC 7616 §3.3-3.5): a
// request from a peer that must authenticate is answered 401 with WWW-Authenticate until it
// carries credentials that verify. Nonces are verified without state (digest::NonceIssuer), so
// a challenge costs nothing kept; the 401 is sent statelessly, like the overload 503.
#pragma once

#include "sipt/digest.h"
#include "sipt/message.h"
#include "sipt/uac_auth.h"

#include <cstdint>
#include <string>

namespace mgc::sipt {

class UasAuthenticator {
public:
  enum class Verdict : uint8_t {
    Authenticated, // credentials verify: the request goes on, from `username`
    Missing,       // no Authorization for our realm: challenge
    Stale,         // good credentials on an expired nonce: challenge with stale=true
    Refused,       // bad credentials (wrong user, password or nonce): challenge once more
    Malformed,     // an Authorization that does not parse: 400 (RFC 3261 §21.4.1)
  };
  // `secret` keys the nonces (sipt/random.h); a nonce lives `lifetime_s` (RFC 7616 §5.4).
  UasAuthenticator(std::string secret, uint64_t lifetime_s)
      : nonces_(std::move(secret)), lifetime_s_(lifetime_s) {}
  void set_lifetime(uint64_t s) { lifetime_s_ = s; }

  // Checks `req`'s Authorization rows for `realm` against `cred` at time `now_s`.
  Verdict verify(const Message &req, const Credentials &cred, std::string_view realm,
                 uint64_t now_s) const;
  // The 401 for `req` (§22.1): a challenge per algorithm we take, SHA-256 first (RFC 7616 §3.7:
  // the preferred first), MD5 for peers without it, each with qop="auth" and a fresh nonce.
  // `md5_only`: MD5 alone, for clients that read the first challenge only and lack SHA-256
  // (SIPp 3.6 is one).
  Message challenge(const Message &req, std::string_view realm, uint64_t now_s, bool stale,
                    std::string_view to_tag, bool md5_only = false) const;

private:
  digest::NonceIssuer nonces_;
  uint64_t lifetime_s_;
};

inline constexpr std::array kUasVerdictNames{
    NameRow<UasAuthenticator::Verdict>{UasAuthenticator::Verdict::Authenticated, "authenticated"},
    NameRow<UasAuthenticator::Verdict>{UasAuthenticator::Verdict::Missing, "no credentials"},
    NameRow<UasAuthenticator::Verdict>{UasAuthenticator::Verdict::Stale, "stale nonce"},
    NameRow<UasAuthenticator::Verdict>{UasAuthenticator::Verdict::Refused, "credentials refused"},
    NameRow<UasAuthenticator::Verdict>{UasAuthenticator::Verdict::Malformed,
                                       "malformed credentials"},
};

} // namespace mgc::sipt
