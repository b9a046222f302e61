// RFC 3261 §22.2, §22.3: answering a challenge (see uac_auth.h).
#include "sipt/uac_auth.h"

#include "sipt/syntax.h"

namespace mgc::sipt {

Status answer_challenge(const Message &resp, const Credentials &cred, std::string_view method,
                        std::string_view uri, std::string_view cnonce, uint32_t nc,
                        ChallengeAnswer &out) {
  // §22.2: a 401 carries WWW-Authenticate, answered in Authorization; §22.3: a 407 carries
  // Proxy-Authenticate, answered in Proxy-Authorization.
  const bool proxy = resp.status_code() == 407;
  const HeaderId challenge_id = proxy ? HeaderId::ProxyAuthenticate : HeaderId::WwwAuthenticate;
  digest::Challenge best;
  bool found = false, any = false;
  Status why = kNoChallenge;
  resp.for_each_value(challenge_id, [&](std::string_view v) {
    any = true;
    digest::Challenge ch;
    const Status st = digest::parse_challenge(v, ch);
    if (!st.ok()) {
      why = st;
      return;
    }
    if (!cred.realm.empty() && ch.realm != cred.realm) {
      why = kRealmNotOurs;
      return;
    }
    if (!found || digest::strength(ch.algorithm) > digest::strength(best.algorithm)) {
      best = std::move(ch);
      found = true;
    }
  });
  if (!found)
    return any ? why : kNoChallenge;
  out.header = proxy ? HeaderId::ProxyAuthorization : HeaderId::Authorization;
  out.value = digest::authorization(best, cred.username, cred.password, method, uri, cnonce, nc);
  out.stale = best.stale;
  out.realm = best.realm;
  out.algorithm = best.algorithm;
  out.challenge = std::move(best);
  return Status::Ok();
}

} // namespace mgc::sipt
