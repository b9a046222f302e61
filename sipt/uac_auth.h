// The UAC's side of SIP authentication (RFC 3261 §22.2 User-to-User, §22.3 Proxy-to-User):
// a 401's WWW-Authenticate or a 407's Proxy-Authenticate answered with credentials in an
// Authorization or Proxy-Authorization header field of the request sent again (digest.h does
// the arithmetic; the user agent re-sends, CSeq one higher, same Call-ID, §22.2).
#pragma once

#include "core/status.h"
#include "sipt/digest.h"
#include "sipt/message.h"

#include <cstdint>
#include <string>

namespace mgc::sipt {

// A peer's credentials (mgcd: `auth username U password P [realm R]` in its `peer` node).
// An empty realm answers the realm any challenge names (§22.1: the realm identifies the
// protection space; an operator who knows it restricts the password to it).
struct Credentials {
  std::string username, password, realm;
  bool empty() const { return username.empty(); }
  bool operator==(const Credentials &) const = default;
};

// Details of a challenge left unanswered (digest.h's otherwise).
inline constexpr Status kNoChallenge{"sip.auth.no_challenge", 0};
inline constexpr Status kRealmNotOurs{"sip.auth.realm_not_ours", 0};

struct ChallengeAnswer {
  HeaderId header = HeaderId::Authorization; // or ProxyAuthorization (a 407's)
  std::string value;                         // "Digest username=..., response=..."
  bool stale = false;                        // the challenge said stale=true (RFC 7616 §3.3)
  std::string realm;
  digest::Algorithm algorithm = digest::Algorithm::Md5;
  digest::Challenge challenge; // the one answered (its nonce may serve again, nc + 1)
};

// The credentials for a 401 or 407 (`resp`) to a request of `method` to `uri` (its
// Request-URI). Of the challenges whose realm `cred` may answer, the strongest (RFC 7616 §3.7);
// `cnonce` fresh (sipt/random.h), `nc` the count of requests made with this nonce.
Status answer_challenge(const Message &resp, const Credentials &cred, std::string_view method,
                        std::string_view uri, std::string_view cnonce, uint32_t nc,
                        ChallengeAnswer &out);

} // namespace mgc::sipt
