// The two sides of RFC 3261 §22 together: a UAS's 401 (sipt/uas_auth.h, stateless nonces) is
// answered by a UAC (sipt/uac_auth.h) and verified; wrong passwords, users, URIs, realms,
// expired and foreign nonces are told apart as RFC 7616 §3.3 wants (stale=true only for good
// credentials on an expired nonce).
#include "sipt/uac_auth.h"
#include "sipt/uas_auth.h"

#include <gtest/gtest.h>

#include <string>

using namespace mgc::sipt;

namespace {

constexpr std::string_view kInvite =
    "INVITE sip:12345@10.0.0.1:5060 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK1\r\n"
    "From: <sip:555@10.0.0.2>;tag=a\r\nTo: <sip:12345@10.0.0.1>\r\nCall-ID: c1@10.0.0.2\r\n"
    "CSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

struct Exchange {
  UasAuthenticator uas{"s3cret", 30};
  Message invite;
  std::string retry_bytes;
  Message retry;
  Exchange() { EXPECT_TRUE(parse(kInvite, ParseOptions{}, invite).ok()); }
  // The UAC answers the UAS's challenge issued at `t` with `cred`; returns the re-sent INVITE.
  const Message &answered(const Credentials &cred, uint64_t t, std::string_view uri = {},
                          digest::Algorithm *used = nullptr) {
    const Message r401 = uas.challenge(invite, "mgc", t, false, "t1");
    std::string bytes = r401.serialize();
    Message resp;
    EXPECT_TRUE(parse(bytes, ParseOptions{}, resp).ok());
    ChallengeAnswer a;
    EXPECT_TRUE(answer_challenge(resp, cred, "INVITE",
                                 uri.empty() ? invite.request_uri_text() : uri, "cn0", 1, a)
                    .ok());
    if (used)
      *used = a.algorithm;
    Message copy;
    std::string base(kInvite);
    EXPECT_TRUE(parse(base, ParseOptions{}, copy).ok());
    copy.set(HeaderId::CSeq, "2 INVITE");
    copy.add(a.header, std::string_view(a.value));
    retry_bytes = copy.serialize();
    EXPECT_TRUE(parse(retry_bytes, ParseOptions{}, retry).ok());
    return retry;
  }
};

const Credentials kAlice{"alice", "pw", ""};

} // namespace

TEST(SipAuth, ChallengeOffersSha256ThenMd5AndIsAnsweredWithSha256) {
  Exchange x;
  const Message r = x.uas.challenge(x.invite, "mgc", 100, false, "t1");
  EXPECT_EQ(r.status_code(), 401);
  EXPECT_EQ(r.count(HeaderId::WwwAuthenticate), 2u);
  EXPECT_EQ(x.uas.challenge(x.invite, "mgc", 100, false, "t1", true).count(
                HeaderId::WwwAuthenticate),
            1u); // MD5 alone, for a peer configured so
  digest::Algorithm used;
  const Message &m = x.answered(kAlice, 100, {}, &used);
  EXPECT_EQ(used, digest::Algorithm::Sha256); // RFC 7616 §3.7: the strongest
  EXPECT_EQ(x.uas.verify(m, kAlice, "mgc", 100), UasAuthenticator::Verdict::Authenticated);
  EXPECT_EQ(x.uas.verify(m, kAlice, "mgc", 130), UasAuthenticator::Verdict::Authenticated);
}

TEST(SipAuth, RefusalsAndStaleNoncesToldApart) {
  Exchange x;
  const Message &m = x.answered(kAlice, 100);
  using V = UasAuthenticator::Verdict;
  EXPECT_EQ(x.uas.verify(x.invite, kAlice, "mgc", 100), V::Missing);
  EXPECT_EQ(x.uas.verify(m, Credentials{"alice", "other", ""}, "mgc", 100), V::Refused);
  EXPECT_EQ(x.uas.verify(m, Credentials{"bob", "pw", ""}, "mgc", 100), V::Refused);
  EXPECT_EQ(x.uas.verify(m, kAlice, "mgc", 131), V::Stale);       // good, but expired
  EXPECT_EQ(x.uas.verify(m, kAlice, "elsewhere", 100), V::Missing); // not our realm
  EXPECT_EQ(UasAuthenticator("other-secret", 30).verify(m, kAlice, "mgc", 100), V::Refused);
  // credentials computed for another host are not taken for this one; the host and port alone
  // (SIPp 3.6's uri) are
  Exchange y;
  EXPECT_EQ(y.uas.verify(y.answered(kAlice, 100, "sip:999@10.0.0.2"), kAlice, "mgc", 100),
            V::Refused);
  Exchange w;
  EXPECT_EQ(w.uas.verify(w.answered(kAlice, 100, "sip:10.0.0.1:5060"), kAlice, "mgc", 100),
            V::Authenticated);
  // a wrong password gives a wrong response: refused, never stale
  Exchange z;
  EXPECT_EQ(z.uas.verify(z.answered(Credentials{"alice", "guess", ""}, 100), kAlice, "mgc", 131),
            V::Refused);
}

TEST(SipAuth, MalformedCredentials) {
  Exchange x;
  std::string bytes(kInvite);
  Message m;
  ASSERT_TRUE(parse(bytes, ParseOptions{}, m).ok());
  m.add(HeaderId::Authorization, "Digest username=alice");
  const std::string b2 = m.serialize();
  Message m2;
  ASSERT_TRUE(parse(b2, ParseOptions{}, m2).ok());
  EXPECT_EQ(x.uas.verify(m2, kAlice, "mgc", 100), UasAuthenticator::Verdict::Malformed);
}

TEST(SipAuth, StaleChallengeSaysSo) {
  Exchange x;
  const Message r = x.uas.challenge(x.invite, "mgc", 100, true, "t1");
  const std::string bytes = r.serialize();
  Message resp;
  ASSERT_TRUE(parse(bytes, ParseOptions{}, resp).ok());
  ChallengeAnswer a;
  ASSERT_TRUE(answer_challenge(resp, kAlice, "INVITE", "sip:x", "c", 1, a).ok());
  EXPECT_TRUE(a.stale);
  // credentials for one realm answer no other (§22.1)
  EXPECT_EQ(answer_challenge(resp, Credentials{"alice", "pw", "elsewhere"}, "INVITE", "sip:x", "c",
                             1, a),
            kRealmNotOurs);
}
