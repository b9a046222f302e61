// RFC 3261 §22.1-22.4, RFC 7616 §3.3-3.5: challenging requests (see uas_auth.h).
#include "sipt/uas_auth.h"

#include "sipt/syntax.h"
#include "sipt/uri.h"

#include <openssl/crypto.h>

namespace mgc::sipt {

namespace {
bool same_host_port(std::string_view uri_text, const Uri &request_uri) {
  Uri u;
  if (!parse_uri(uri_text, u) || !u.is_sip() || !request_uri.is_sip())
    return false;
  const auto port = [](const Uri &x) { return x.has_port ? x.port : uint16_t(5060); };
  return iequals(u.host, request_uri.host) && port(u) == port(request_uri);
}
} // namespace

UasAuthenticator::Verdict UasAuthenticator::verify(const Message &req, const Credentials &cred,
                                                   std::string_view realm,
                                                   uint64_t now_s) const {
  Verdict v = Verdict::Missing;
  req.for_each_value(HeaderId::Authorization, [&](std::string_view value) {
    if (v == Verdict::Authenticated)
      return;
    digest::Credentials cr;
    if (!digest::parse_credentials(value, cr).ok()) {
      if (v == Verdict::Missing)
        v = Verdict::Malformed;
      return;
    }
    if (cr.realm != realm) // §22.4: credentials for another realm are not ours to check
      return;
    // RFC 3261 §22.4: the uri is the Request-URI, which the response covers; credentials for
    // another host would let them be replayed onto it. The user part is not compared: SIPp 3.6
    // sends "sip:HOST:PORT" for "sip:USER@HOST:PORT".
    if (cr.username != cred.username || !same_host_port(cr.uri, req.request_uri())) {
      v = Verdict::Refused;
      return;
    }
    const auto fresh = nonces_.check(cr.nonce, realm, now_s, lifetime_s_);
    if (fresh == digest::NonceIssuer::Check::Invalid) {
      v = Verdict::Refused;
      return;
    }
    digest::ResponseInput in;
    in.algorithm = cr.algorithm;
    in.username = cr.username;
    in.realm = cr.realm;
    in.password = cred.password;
    in.nonce = cr.nonce;
    in.cnonce = cr.cnonce;
    in.nc = cr.nc;
    in.method = req.method_text();
    in.uri = cr.uri;
    in.qop_auth = cr.qop_auth;
    const std::string expect = digest::response(in);
    if (expect.size() != cr.response.size() ||
        CRYPTO_memcmp(expect.data(), cr.response.data(), expect.size()) != 0) {
      v = Verdict::Refused;
      return;
    }
    // RFC 7616 §3.3: a good response on an expired nonce is "stale", not refused.
    v = fresh == digest::NonceIssuer::Check::Stale ? Verdict::Stale : Verdict::Authenticated;
  });
  return v;
}

Message UasAuthenticator::challenge(const Message &req, std::string_view realm, uint64_t now_s,
                                    bool stale, std::string_view to_tag, bool md5_only) const {
  Message r = make_response(req, 401, "Unauthorized", to_tag);
  const std::string nonce = nonces_.issue(realm, now_s);
  for (digest::Algorithm a : {digest::Algorithm::Sha256, digest::Algorithm::Md5}) {
    if (md5_only && a != digest::Algorithm::Md5)
      continue;
    std::string v = "Digest realm=" + quote(realm) + ", nonce=\"" + nonce +
                    "\", qop=\"auth\", algorithm=" + name_of(digest::kAlgorithmNames, a);
    if (stale)
      v += ", stale=true";
    r.add(HeaderId::WwwAuthenticate, std::string_view(v));
  }
  return r;
}

} // namespace mgc::sipt
