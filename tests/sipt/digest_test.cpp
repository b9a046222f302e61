// Digest authentication (sipt/digest.h) against the RFCs' own examples: RFC 7616 §3.9.1 (MD5
// and SHA-256, qop=auth), RFC 2617 §3.5 (MD5, qop=auth), the -sess forms by their definition
// (RFC 7616 §3.4.2), and the stateless nonce of a UAS.
#include "sipt/digest.h"

#include <gtest/gtest.h>

#include <string>

using namespace mgc::sipt::digest;

namespace {

// RFC 7616 §3.9.1: the WWW-Authenticate header fields of the example, and the client's answer.
constexpr std::string_view kRfc7616Sha256 =
    "Digest\r\n    realm=\"http-auth@example.org\",\r\n    qop=\"auth, auth-int\",\r\n"
    "    algorithm=SHA-256,\r\n    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
    "    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
constexpr std::string_view kRfc7616Md5 =
    "Digest\r\n    realm=\"http-auth@example.org\",\r\n    qop=\"auth, auth-int\",\r\n"
    "    algorithm=MD5,\r\n    nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\",\r\n"
    "    opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
constexpr std::string_view kCnonce7616 = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

// RFC 2617 §3.5's example (no algorithm: MD5).
constexpr std::string_view kRfc2617 =
    "Digest\r\n                 realm=\"testrealm@host.com\",\r\n"
    "                 qop=\"auth,auth-int\",\r\n"
    "                 nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n"
    "                 opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

} // namespace

TEST(Digest, Rfc7616Sha256Example) {
  Challenge ch;
  ASSERT_TRUE(parse_challenge(kRfc7616Sha256, ch).ok());
  EXPECT_EQ(ch.realm, "http-auth@example.org");
  EXPECT_EQ(ch.algorithm, Algorithm::Sha256);
  EXPECT_TRUE(ch.qop_auth);
  EXPECT_EQ(ch.opaque, "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
  const std::string a = authorization(ch, "Mufasa", "Circle of Life", "GET", "/dir/index.html",
                                      kCnonce7616, 1);
  EXPECT_EQ(a, "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
               "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
               "uri=\"/dir/index.html\", "
               "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", "
               "algorithm=SHA-256, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", "
               "qop=auth, nc=00000001, opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
  Credentials cr;
  ASSERT_TRUE(parse_credentials(a, cr).ok());
  EXPECT_EQ(cr.username, "Mufasa");
  EXPECT_EQ(cr.nc, "00000001");
  EXPECT_EQ(cr.cnonce, kCnonce7616);
  EXPECT_EQ(cr.algorithm, Algorithm::Sha256);
  EXPECT_TRUE(cr.qop_auth);
}

TEST(Digest, Rfc7616Md5Example) {
  Challenge ch;
  ASSERT_TRUE(parse_challenge(kRfc7616Md5, ch).ok());
  EXPECT_EQ(ch.algorithm, Algorithm::Md5);
  ResponseInput in;
  in.algorithm = ch.algorithm;
  in.username = "Mufasa";
  in.realm = ch.realm;
  in.password = "Circle of Life";
  in.nonce = ch.nonce;
  in.cnonce = kCnonce7616;
  in.nc = "00000001";
  in.method = "GET";
  in.uri = "/dir/index.html";
  in.qop_auth = true;
  EXPECT_EQ(response(in), "8ca523f5e9506fed4657c9700eebdbec");
}

TEST(Digest, Rfc2617Example) {
  Challenge ch;
  ASSERT_TRUE(parse_challenge(kRfc2617, ch).ok());
  EXPECT_EQ(ch.algorithm, Algorithm::Md5); // absent algorithm
  EXPECT_EQ(ch.nonce, "dcd98b7102dd2f0e8b11d0f600bfb0c093");
  const std::string a =
      authorization(ch, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", "0a4f113b", 1);
  Credentials cr;
  ASSERT_TRUE(parse_credentials(a, cr).ok());
  EXPECT_EQ(cr.response, "6629fae49393a05397450978507c4ef1");
  EXPECT_EQ(cr.opaque, "5ccc069c403ebaf9f0171e9517f40e41");
  // RFC 2617 §3.5's own Authorization header, as the example prints it, parses to the same.
  Credentials theirs;
  ASSERT_TRUE(parse_credentials(
                  "Digest username=\"Mufasa\",\r\n realm=\"testrealm@host.com\",\r\n"
                  " nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\",\r\n uri=\"/dir/index.html\",\r\n"
                  " qop=auth,\r\n nc=00000001,\r\n cnonce=\"0a4f113b\",\r\n"
                  " response=\"6629fae49393a05397450978507c4ef1\",\r\n"
                  " opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"",
                  theirs)
                  .ok());
  EXPECT_EQ(theirs.response, cr.response);
  EXPECT_EQ(theirs.uri, "/dir/index.html");
}

// RFC 2069 form (RFC 2617 §3.2.2.1, no qop): response = H(H(A1):nonce:H(A2)); SIP peers that
// predate qop challenge this way (RFC 3261 §22.4 keeps it).
TEST(Digest, WithoutQop) {
  Challenge ch;
  ASSERT_TRUE(parse_challenge("Digest realm=\"atlanta.com\", nonce=\"84a4cc6f3082121f32b42a2187831a9e\"", ch).ok());
  EXPECT_FALSE(ch.qop_present);
  const std::string a = authorization(ch, "bob", "zanzibar", "INVITE", "sip:bob@biloxi.com", "x", 1);
  EXPECT_EQ(a.find("qop"), std::string::npos);
  EXPECT_EQ(a.find("cnonce"), std::string::npos);
  const std::string ha1 = hash_hex(Algorithm::Md5, "bob:atlanta.com:zanzibar");
  const std::string ha2 = hash_hex(Algorithm::Md5, "INVITE:sip:bob@biloxi.com");
  const std::string expect = hash_hex(Algorithm::Md5, ha1 + ":84a4cc6f3082121f32b42a2187831a9e:" + ha2);
  Credentials cr;
  ASSERT_TRUE(parse_credentials(a, cr).ok());
  EXPECT_EQ(cr.response, expect);
}

// -sess (RFC 7616 §3.4.2): A1 = H(user:realm:pass):nonce:cnonce.
TEST(Digest, SessForms) {
  for (auto [alg, name] : {std::pair{Algorithm::Md5Sess, "MD5-sess"},
                           std::pair{Algorithm::Sha256Sess, "SHA-256-sess"}}) {
    Challenge ch;
    ASSERT_TRUE(parse_challenge(std::string("Digest realm=\"r\", nonce=\"n\", qop=\"auth\", "
                                            "algorithm=") + name, ch).ok());
    EXPECT_EQ(ch.algorithm, alg);
    const std::string a = authorization(ch, "u", "p", "REGISTER", "sip:r", "c", 2);
    Credentials cr;
    ASSERT_TRUE(parse_credentials(a, cr).ok());
    const Algorithm plain = alg == Algorithm::Md5Sess ? Algorithm::Md5 : Algorithm::Sha256;
    const std::string ha1 = hash_hex(plain, hash_hex(plain, "u:r:p") + ":n:c");
    const std::string ha2 = hash_hex(plain, "REGISTER:sip:r");
    EXPECT_EQ(cr.response, hash_hex(plain, ha1 + ":n:00000002:c:auth:" + ha2)) << name;
    EXPECT_EQ(cr.nc, "00000002");
  }
}

TEST(Digest, ChallengesRefused) {
  Challenge ch;
  EXPECT_EQ(parse_challenge("Basic realm=\"x\"", ch), kNotDigest); // RFC 3261 §22.1
  EXPECT_EQ(parse_challenge("Digest nonce=\"n\"", ch), kBadChallenge); // no realm
  EXPECT_EQ(parse_challenge("Digest realm=\"r\"", ch), kBadChallenge); // no nonce
  EXPECT_EQ(parse_challenge("Digest realm=r, nonce=\"n\"", ch), kBadChallenge); // unquoted realm
  EXPECT_EQ(parse_challenge("Digest realm=\"r\", realm=\"s\", nonce=\"n\"", ch), kBadChallenge);
  EXPECT_EQ(parse_challenge("Digest realm=\"r\", nonce=\"n", ch), kBadChallenge);
  EXPECT_EQ(parse_challenge("Digest realm=\"r\",, nonce=\"n\"", ch), kBadChallenge);
  EXPECT_EQ(parse_challenge("Digest", ch), kBadChallenge);
  EXPECT_EQ(parse_challenge("Digest realm=\"r\", nonce=\"n\", algorithm=SHA-512-256", ch),
            kUnknownAlgorithm);
  EXPECT_EQ(parse_challenge("Digest realm=\"r\", nonce=\"n\", qop=\"auth-int\"", ch), kNoQopAuth);
  // found by fuzz_sipt_digest: -sess without qop would need a cnonce the answer cannot carry
  EXPECT_EQ(parse_challenge("Digest realm=\"r\", nonce=\"n\", algorithm=MD5-sess", ch), kNoQopAuth);
  // unknown directives are ignored; names and the algorithm are case-insensitive; stale
  ASSERT_TRUE(parse_challenge("digest REALM=\"r\", Nonce=\"n\", foo=bar, algorithm=sha-256, "
                              "stale=TRUE", ch).ok());
  EXPECT_TRUE(ch.stale);
  EXPECT_EQ(ch.algorithm, Algorithm::Sha256);
}

TEST(Digest, CredentialsRefused) {
  Credentials cr;
  const std::string base = "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", "
                           "response=\"0123\"";
  ASSERT_TRUE(parse_credentials(base, cr).ok());
  EXPECT_FALSE(cr.qop_auth);
  EXPECT_EQ(parse_credentials("Basic dXNlcjpwYXNz", cr), kBadCredentials);
  EXPECT_EQ(parse_credentials(base + ", qop=auth", cr), kBadCredentials); // no cnonce/nc
  EXPECT_EQ(parse_credentials(base + ", qop=auth, cnonce=\"c\", nc=0001", cr), kBadCredentials);
  EXPECT_EQ(parse_credentials(base + ", qop=auth, cnonce=\"c\", nc=0000000g", cr),
            kBadCredentials);
  EXPECT_EQ(parse_credentials(base + ", qop=auth-int, cnonce=\"c\", nc=00000001", cr),
            kBadCredentials);
  EXPECT_EQ(parse_credentials(base + ", algorithm=MD5-sess", cr), kBadCredentials);
  EXPECT_EQ(parse_credentials(base + ", algorithm=RC4", cr), kBadCredentials);
  EXPECT_EQ(parse_credentials(base + ", username=\"v\"", cr), kBadCredentials);
  EXPECT_EQ(parse_credentials("Digest realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"1\"", cr),
            kBadCredentials);
  EXPECT_TRUE(parse_credentials(base + ", qop=auth, cnonce=\"c\", nc=0000000A", cr).ok());
}

TEST(Digest, StatelessNonce) {
  const NonceIssuer issuer("secret-one");
  const std::string n = issuer.issue("mgc", 1000);
  EXPECT_EQ(n.size(), 80u);
  EXPECT_EQ(issuer.check(n, "mgc", 1000, 30), NonceIssuer::Check::Fresh);
  EXPECT_EQ(issuer.check(n, "mgc", 1030, 30), NonceIssuer::Check::Fresh);
  EXPECT_EQ(issuer.check(n, "mgc", 1031, 30), NonceIssuer::Check::Stale);
  EXPECT_EQ(issuer.check(n, "other", 1000, 30), NonceIssuer::Check::Invalid);
  EXPECT_EQ(NonceIssuer("secret-two").check(n, "mgc", 1000, 30), NonceIssuer::Check::Invalid);
  std::string forged = n;
  forged[15] = forged[15] == '0' ? '1' : '0'; // a later time under the same MAC
  EXPECT_EQ(issuer.check(forged, "mgc", 1000, 30), NonceIssuer::Check::Invalid);
  EXPECT_EQ(issuer.check(n.substr(1), "mgc", 1000, 30), NonceIssuer::Check::Invalid);
  EXPECT_EQ(issuer.check("", "mgc", 1000, 30), NonceIssuer::Check::Invalid);
}
