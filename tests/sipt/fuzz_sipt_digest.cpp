// libFuzzer target over the digest parsers (sipt/digest.h): any input as a WWW-Authenticate /
// Proxy-Authenticate value and as an Authorization / Proxy-Authorization value (STYLE.md
// practice 11). Whatever parses must answer and be read back: a challenge we answer gives
// credentials that parse, carry the challenge's realm and nonce, and verify; the stateless
// nonce check never accepts bytes it did not issue.
#include "sipt/digest.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace mgc::sipt::digest;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string_view in(reinterpret_cast<const char *>(data), size);
  Challenge ch;
  if (parse_challenge(in, ch).ok()) {
    const std::string a = authorization(ch, "user", "pass", "INVITE", "sip:x@y", "cn", 1);
    Credentials cr;
    if (!parse_credentials(a, cr).ok() || cr.realm != ch.realm || cr.nonce != ch.nonce ||
        cr.algorithm != ch.algorithm || cr.qop_auth != ch.qop_auth)
      std::abort();
    ResponseInput ri{cr.algorithm, cr.username, cr.realm, "pass", cr.nonce, cr.cnonce, cr.nc,
                     "INVITE",     cr.uri,      cr.qop_auth};
    if (response(ri) != cr.response)
      std::abort();
  }
  Credentials cr;
  (void)parse_credentials(in, cr);
  // Only a nonce issued in the last 30 s for realm "r" can be fresh.
  const NonceIssuer issuer("fuzz");
  if (issuer.check(in, "r", 100, 30) == NonceIssuer::Check::Fresh) {
    bool issued = false;
    for (uint64_t t = 70; t <= 101 && !issued; ++t)
      issued = in == issuer.issue("r", t);
    if (!issued)
      std::abort();
  }
  return 0;
}
