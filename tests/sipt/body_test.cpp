// Multipart (RFC 2046), application/ISUP (RFC 3204) and the SIP-T body helpers, with the ISUP
// part decoded by the project's ISUP codec.
#include "sipt/message.h"
#include "sipt/multipart.h"
#include "sipt/sipt_body.h"
#include "sipt/uas_check.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

using namespace mgc::sipt;

namespace {
std::string load(const std::string &rel) {
  std::ifstream f(std::string(MGC_TEST_DATA) + "/sipt/vectors/" + rel, std::ios::binary);
  EXPECT_TRUE(f.good()) << rel;
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

std::string with_body(std::string_view content_type, std::string_view body,
                      std::string_view extra = {}) {
  std::string s = "INVITE sip:12345@192.0.2.1 SIP/2.0\r\n"
                  "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1\r\n"
                  "From: <sip:a@192.0.2.10>;tag=1\r\nTo: <sip:12345@192.0.2.1>\r\n"
                  "Call-ID: body-test\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n";
  s += "Content-Type: " + std::string(content_type) + "\r\n";
  s += extra;
  s += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  s += body;
  return s;
}
} // namespace

TEST(SipT, InviteWithSdpAndIam) {
  std::string buf = load("messages/invite_sdp_isup.sip");
  Message m;
  ASSERT_TRUE(parse(buf, ParseOptions{}, m).ok());
  EXPECT_TRUE(check_request(m, UasPolicy{}).status.ok());
  Bodies b;
  ASSERT_TRUE(extract_bodies(m, b).ok());
  EXPECT_EQ(b.parts, 2u);
  ASSERT_TRUE(b.sdp);
  EXPECT_EQ(b.sdp->substr(0, 5), "v=0\r\n");
  ASSERT_TRUE(b.isup);
  EXPECT_EQ(b.isup->version, "itu-t92+");
  EXPECT_TRUE(b.isup->required);
  std::string iam = load("sipt/iam.bin");
  EXPECT_EQ(std::string(b.isup->bytes.begin(), b.isup->bytes.end()), iam);
  PeerProfile peer;
  peer.profile = Profile::SipT;
  mgc::isup::Message im;
  auto r = decode_isup(*b.isup, peer, im);
  EXPECT_TRUE(r.status.ok()) << r.status.detail();
  EXPECT_EQ(im.type, mgc::isup::MessageType::Iam);
  // Untouched, the message (binary ISUP included) is re-sent byte for byte.
  EXPECT_EQ(m.serialize(), buf);
}

TEST(SipT, BuildBodiesRoundTrip) {
  std::string iam = load("sipt/iam.bin");
  std::span<const uint8_t> isup(reinterpret_cast<const uint8_t *>(iam.data()), iam.size());
  PeerProfile peer;
  peer.profile = Profile::SipI;
  peer.isup_base = "itu-t92+";
  std::string ct;
  std::string sdp = "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";
  std::string body = build_bodies(peer, sdp, isup, true, ct);
  EXPECT_EQ(ct, "multipart/mixed;boundary=mgc-sipt-boundary");
  std::string buf = with_body(ct, body);
  Message m;
  ASSERT_TRUE(parse(buf, ParseOptions{}, m).ok());
  Bodies b;
  ASSERT_TRUE(extract_bodies(m, b).ok());
  ASSERT_TRUE(b.sdp && b.isup);
  EXPECT_EQ(*b.sdp, sdp);
  EXPECT_EQ(b.isup->base, "itu-t92+");
  EXPECT_EQ(b.isup->bytes.size(), iam.size());
  // Plain SIP peers get the SDP alone.
  peer.profile = Profile::Sip;
  EXPECT_EQ(build_bodies(peer, sdp, isup, true, ct), sdp);
  EXPECT_EQ(ct, "application/sdp");
  // ISUP alone (BYE with REL): a single application/ISUP body.
  peer.profile = Profile::SipT;
  EXPECT_EQ(build_bodies(peer, std::nullopt, isup, false, ct), iam);
  EXPECT_EQ(ct, "application/ISUP;version=itu-t92+;base=itu-t92+");
}

TEST(SipT, Base64IsupAccepted) {
  std::string rel = load("sipt/rel.bin");
  std::string b64 =
      base64_encode(std::span(reinterpret_cast<const uint8_t *>(rel.data()), rel.size()));
  std::string body = "--b\r\nContent-Type: application/ISUP; version=itu-t92+\r\n"
                     "Content-Transfer-Encoding: base64\r\n\r\n" +
                     b64 + "\r\n--b--\r\n";
  std::string buf = with_body("multipart/mixed; boundary=\"b\"", body);
  Message m;
  ASSERT_TRUE(parse(buf, ParseOptions{}, m).ok());
  Bodies b;
  ASSERT_TRUE(extract_bodies(m, b).ok());
  ASSERT_TRUE(b.isup);
  EXPECT_TRUE(b.isup->base64);
  EXPECT_EQ(std::string(b.isup->bytes.begin(), b.isup->bytes.end()), rel);
}

TEST(SipT, UnsupportedRequiredPartIs415OptionalIgnored) {
  std::string req = "--b\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n"
                    "--b\r\nContent-Type: application/x-unknown\r\n"
                    "Content-Disposition: signal;handling=required\r\n\r\nxx\r\n--b--\r\n";
  std::string buf = with_body("multipart/mixed;boundary=b", req);
  Message m;
  ASSERT_TRUE(parse(buf, ParseOptions{}, m).ok());
  EXPECT_EQ(check_request(m, UasPolicy{}).status.code(), 415);
  Bodies b;
  EXPECT_EQ(extract_bodies(m, b).code(), 415);

  std::string opt = req;
  opt.replace(opt.find("handling=required"), 17, "handling=optional");
  std::string buf2 = with_body("multipart/mixed;boundary=b", opt);
  Message m2;
  ASSERT_TRUE(parse(buf2, ParseOptions{}, m2).ok());
  EXPECT_TRUE(check_request(m2, UasPolicy{}).status.ok());
  ASSERT_TRUE(extract_bodies(m2, b).ok());
  EXPECT_EQ(b.ignored_optional, 1u);
  // No disposition at all means required (RFC 3204 §6).
  std::string none = req;
  none.erase(none.find("Content-Disposition"), 47);
  std::string buf3 = with_body("multipart/mixed;boundary=b", none);
  Message m3;
  ASSERT_TRUE(parse(buf3, ParseOptions{}, m3).ok());
  EXPECT_EQ(check_request(m3, UasPolicy{}).status.code(), 415);
  // A plain SIP element that does not take ISUP refuses a required ISUP body.
  UasPolicy plain;
  plain.body_types = {"application/sdp"};
  std::string iam = load("sipt/iam.bin");
  std::string buf4 = with_body("application/ISUP;version=itu-t92+", iam,
                               "Content-Disposition: signal;handling=required\r\n");
  Message m4;
  ASSERT_TRUE(parse(buf4, ParseOptions{}, m4).ok());
  EXPECT_EQ(check_request(m4, plain).status.code(), 415);
  EXPECT_TRUE(check_request(m4, UasPolicy{}).status.ok());
}

TEST(Multipart, MalformedRefused) {
  Multipart mp;
  EXPECT_FALSE(parse_multipart("no delimiter here", "b", mp).ok());
  EXPECT_FALSE(parse_multipart("--b\r\nContent-Type: text/plain\r\n\r\nunterminated", "b", mp).ok());
  EXPECT_FALSE(parse_multipart("--b\r\nbad header line\r\n\r\nx\r\n--b--", "b", mp).ok());
  // A boundary that is only a prefix of a longer string is not a delimiter.
  ASSERT_TRUE(parse_multipart("--b\r\n\r\n--bb\r\n--b--\r\n", "b", mp).ok());
  ASSERT_EQ(mp.count, 1u);
  EXPECT_EQ(mp.parts[0].body, "--bb");
  EXPECT_TRUE(mp.parts[0].content_type.empty());
}

TEST(Base64, RoundTripAndRefusal) {
  std::vector<uint8_t> in{0, 1, 2, 0xff, 0xfe}, out;
  std::string e = base64_encode(in);
  EXPECT_EQ(e, "AAEC//4=");
  ASSERT_TRUE(base64_decode(e, out));
  EXPECT_EQ(out, in);
  EXPECT_FALSE(base64_decode("AA*B", out));
  EXPECT_FALSE(base64_decode("AA==AA", out));
}

TEST(Profiles, Names) {
  Profile p;
  ASSERT_TRUE(profile_from_name("SIP-I", p));
  EXPECT_EQ(p, Profile::SipI);
  PeerProfile peer;
  peer.profile = p;
  EXPECT_TRUE(peer.requires_100rel());
  EXPECT_TRUE(peer.carries_isup());
  EXPECT_FALSE(profile_from_name("h323", p));
}

#include "sipt/peers.h"

TEST(Peers, AdmitByAddressAndIsupTrust) {
  PeerTable t;
  PeerEntry sbc{"sbc", "192.0.2.10", 0, {}};
  sbc.profile.profile = Profile::SipT;
  sbc.profile.trusted = true;
  PeerEntry plain{"pbx", "192.0.2.20", 5060, {}};
  t.add(sbc);
  t.add(plain);
  std::string buf = load("messages/invite_sdp_isup.sip");
  Message m;
  ASSERT_TRUE(parse(buf, ParseOptions{}, m).ok());
  const PeerEntry *e = nullptr;
  EXPECT_TRUE(t.admit(m, Peer{TransportKind::Udp, "192.0.2.10", 5071}, &e).ok());
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->name, "sbc");
  // A plain SIP peer may not bring ISUP; an unknown source is refused.
  EXPECT_EQ(t.admit(m, Peer{TransportKind::Udp, "192.0.2.20", 5060}).detail(),
            "sip.peer_isup_not_trusted");
  EXPECT_EQ(t.admit(m, Peer{TransportKind::Udp, "192.0.2.20", 5999}).code(), 403);
  EXPECT_EQ(t.admit(m, Peer{TransportKind::Udp, "203.0.113.1", 5060}).detail(), "sip.peer_unknown");
}
