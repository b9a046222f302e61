// Parser details beyond RFC 4475: RFC 5118 IPv6 torture messages, the header catalogue,
// stream framing, and the serialiser's "re-encode only what changed" promise.
#include "sipt/message.h"
#include "sipt/syntax.h"

#include <gtest/gtest.h>

#include <string>

using namespace mgc::sipt;

namespace {
// Joins lines with CRLF and ends the header section.
std::string msg(std::initializer_list<std::string_view> lines, std::string_view body = {}) {
  std::string s;
  for (auto l : lines)
    s.append(l).append("\r\n");
  s.append("\r\n").append(body);
  return s;
}

const char *kVia = "Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111";

std::string register_to(std::string_view ruri) {
  return msg({std::string("REGISTER ") + std::string(ruri) + " SIP/2.0", "To: sip:user@example.com",
              "From: sip:user@example.com;tag=81x2", kVia,
              "Call-ID: SSG9559905523997077@hlau_4100", "Max-Forwards: 70",
              "Contact: \"Caller\" <sip:caller@[2001:db8::1]>", "CSeq: 98176 REGISTER",
              "Content-Length: 0"});
}

mgc::Status parse_str(const std::string &s, Message &m, Framing f = Framing::Datagram) {
  ParseOptions o;
  o.framing = f;
  return parse(s, o, m);
}
} // namespace

// RFC 5118 §4.1
TEST(Rfc5118, Ipv6Good) {
  std::string s = register_to("sip:[2001:db8::10]");
  Message m;
  ASSERT_TRUE(parse_str(s, m).ok());
  EXPECT_EQ(m.request_uri().host, "[2001:db8::10]");
  EXPECT_TRUE(m.request_uri().ipv6());
  EXPECT_EQ(m.top_via().host, "[2001:db8::9:1]");
}

// RFC 5118 §4.2: no brackets -> 400
TEST(Rfc5118, Ipv6Bad) {
  std::string s = register_to("sip:2001:db8::10");
  Message m;
  auto st = parse_str(s, m);
  EXPECT_EQ(st.code(), 400);
  EXPECT_EQ(st.detail(), "sip.bad_request_uri");
}

// RFC 5118 §4.3 / §4.4
TEST(Rfc5118, PortAmbiguousAndUnambiguous) {
  Message m1, m2;
  std::string a = register_to("sip:[2001:db8::10:5070]");
  std::string b = register_to("sip:[2001:db8::10]:5070");
  ASSERT_TRUE(parse_str(a, m1).ok());
  EXPECT_FALSE(m1.request_uri().has_port);
  ASSERT_TRUE(parse_str(b, m2).ok());
  EXPECT_EQ(m2.request_uri().port, 5070);
  EXPECT_EQ(m2.request_uri().host, "[2001:db8::10]");
}

// RFC 5118 §4.5: received with and without brackets
TEST(Rfc5118, ViaReceived) {
  for (std::string_view rcv : {"[2001:db8::9:255]", "2001:db8::9:255"}) {
    std::string s = msg({"BYE sip:[2001:db8::10] SIP/2.0", "To: sip:user@example.com;tag=bd76ya",
                         "From: sip:user@example.com;tag=81x2",
                         "Via: SIP/2.0/UDP [2001:db8::9:1];received=" + std::string(rcv) +
                             ";branch=z9hG4bKas3-111",
                         "Call-ID: SSG9559905523997077@hlau_4100", "Max-Forwards: 70",
                         "CSeq: 321 BYE", "Content-Length: 0"});
    Message m;
    ASSERT_TRUE(parse_str(s, m).ok()) << rcv;
    EXPECT_EQ(m.top_via().received, rcv);
    EXPECT_EQ(m.top_via().branch, "z9hG4bKas3-111");
  }
}

// RFC 5118 §4.7, §4.9, §4.10
TEST(Rfc5118, MixedAndMappedAndThreeColons) {
  std::string s = msg({"BYE sip:user@host.example.net SIP/2.0",
                       "Via: SIP/2.0/UDP [2001:db8::9:1]:6050;branch=z9hG4bKas3-111",
                       "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKjhja8781hjuaij65144",
                       "Via: SIP/2.0/TCP [2001:db8::9:255];branch=z9hG4bK451jj;received=192.0.2.200",
                       "Call-ID: 997077@lau_4100", "Max-Forwards: 70", "CSeq: 89187 BYE",
                       "To: sip:user@example.net;tag=9817--94",
                       "From: sip:user@example.com;tag=81x2", "Content-Length: 0"});
  Message m;
  ASSERT_TRUE(parse_str(s, m).ok());
  EXPECT_EQ(m.top_via().port, 6050);
  EXPECT_TRUE(is_host("[::ffff:192.0.2.10]"));
  EXPECT_TRUE(is_host("[2001:db8:::192.0.2.1]")); // tolerated (§4.10)
  EXPECT_TRUE(is_host("[2001:db8::192.0.2.1]"));
  EXPECT_FALSE(is_host("[2001:db8::1::2]"));
  EXPECT_FALSE(is_host("[12345::1]"));
  EXPECT_FALSE(is_host("[1:2:3:4:5:6:7:8:9]"));
  EXPECT_TRUE(is_host("[1:2:3:4:5:6:7:8]"));
  EXPECT_TRUE(is_host("[::]"));
}

TEST(Headers, CatalogueLookup) {
  EXPECT_EQ(lookup_header("via"), HeaderId::Via);
  EXPECT_EQ(lookup_header("V"), HeaderId::Via);
  EXPECT_EQ(lookup_header("CALL-id"), HeaderId::CallId);
  EXPECT_EQ(lookup_header("i"), HeaderId::CallId);
  EXPECT_EQ(lookup_header("l"), HeaderId::ContentLength);
  EXPECT_EQ(lookup_header("k"), HeaderId::Supported);
  EXPECT_EQ(lookup_header("X-Foo"), HeaderId::Other);
  EXPECT_EQ(lookup_header("q"), HeaderId::Other);
  // Every catalogue entry finds itself by both forms.
  for (std::size_t i = 0; i < kHeaderCount; ++i) {
    const auto &info = header_info(HeaderId(i));
    EXPECT_EQ(lookup_header(info.name), HeaderId(i)) << info.name;
    if (info.compact) {
      EXPECT_EQ(lookup_header(std::string_view(&info.compact, 1)), HeaderId(i)) << info.name;
    }
  }
}

namespace {
const std::string kInvite = msg(
    {"INVITE sip:+4930123@gw.example.net;user=phone SIP/2.0",
     "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;rport",
     "Max-Forwards: 70", "To: <sip:+4930123@gw.example.net;user=phone>",
     "From: \"Alice\" <sip:alice@example.com>;tag=1928301774",
     "Call-ID: a84b4c76e66710@pc33.example.com", "CSeq: 314159 INVITE",
     "Contact: <sip:alice@192.0.2.1:5060>", "X-Custom:   kept   as is  ",
     "Content-Type: application/sdp", "Content-Length: 4"},
    "v=0\n");
}

TEST(Serialize, UntouchedIsByteExact) {
  Message m;
  ASSERT_TRUE(parse_str(kInvite, m).ok());
  EXPECT_EQ(m.serialize(), kInvite);
  EXPECT_TRUE(m.top_via().rport);
  EXPECT_FALSE(m.top_via().rport_has_value);
}

TEST(Serialize, OnlyChangedFieldsReencoded) {
  Message m;
  ASSERT_TRUE(parse_str(kInvite, m).ok());
  m.set(HeaderId::MaxForwards, "69");
  m.add(HeaderId::Via, "SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKnew", true);
  m.remove(HeaderId::Contact);
  std::string out = m.serialize();
  std::string expect = kInvite;
  expect.replace(expect.find("Max-Forwards: 70"), 16, "Max-Forwards: 69");
  expect.insert(expect.find("\r\n") + 2, "Via: SIP/2.0/UDP 198.51.100.1;branch=z9hG4bKnew\r\n");
  expect.erase(expect.find("Contact: <sip:alice@192.0.2.1:5060>\r\n"), 37);
  EXPECT_EQ(out, expect);
  EXPECT_NE(out.find("X-Custom:   kept   as is  \r\n"), std::string::npos);
  // The edited message parses again.
  Message again;
  ASSERT_TRUE(parse_str(out, again).ok());
  EXPECT_EQ(again.max_forwards(), 69);
  EXPECT_EQ(again.top_via().host, "198.51.100.1");
  EXPECT_EQ(again.count(HeaderId::Contact), 0u);
}

TEST(Serialize, SetBodyUpdatesLength) {
  Message m;
  ASSERT_TRUE(parse_str(kInvite, m).ok());
  m.set_body("application/sdp", "v=0\r\ns=-\r\n");
  std::string out = m.serialize();
  Message again;
  ASSERT_TRUE(parse_str(out, again).ok());
  EXPECT_EQ(again.body(), "v=0\r\ns=-\r\n");
  EXPECT_EQ(again.content_length(), 10u);
}

TEST(Serialize, ResponseTo) {
  Message req;
  ASSERT_TRUE(parse_str(kInvite, req).ok());
  Message r = make_response(req, 180, "Ringing", "as7d6");
  std::string out = r.serialize();
  Message back;
  ASSERT_TRUE(parse_str(out, back).ok()) << out;
  EXPECT_EQ(back.status_code(), 180);
  EXPECT_EQ(back.to().tag(), "as7d6");
  EXPECT_EQ(back.from().tag(), "1928301774");
  EXPECT_EQ(back.cseq().number, 314159u);
  EXPECT_EQ(back.top_via().branch, "z9hG4bK776asdhds");
  EXPECT_EQ(back.call_id(), req.call_id());
}

TEST(Frame, StreamFraming) {
  std::string two = "\r\n\r\n" + kInvite + kInvite;
  std::size_t skip, len;
  ASSERT_TRUE(frame(two, 65535, skip, len).ok());
  EXPECT_EQ(skip, 4u);
  EXPECT_EQ(len, kInvite.size());
  // A partial message waits.
  ASSERT_TRUE(frame(std::string_view(kInvite).substr(0, kInvite.size() - 1), 65535, skip, len).ok());
  EXPECT_EQ(len, 0u);
  ASSERT_TRUE(frame(std::string_view(kInvite).substr(0, 40), 65535, skip, len).ok());
  EXPECT_EQ(len, 0u);
  // Over the limit.
  EXPECT_EQ(frame(kInvite, 100, skip, len).code(), 513);
  // No Content-Length on a stream.
  std::string nocl = msg({"OPTIONS sip:a@b SIP/2.0", "Via: SIP/2.0/TCP h;branch=z9hG4bK1"});
  EXPECT_EQ(frame(nocl, 65535, skip, len).detail(), "sip.missing_content_length");
}

TEST(Parse, CountersAndLimits) {
  SipCounters c;
  Message m;
  ParseOptions o;
  EXPECT_EQ(parse("", o, m, &c).detail(), "sip.empty_message");
  EXPECT_EQ(parse("INVITE sip:a@b SIP/2.0\r\nTo: x", o, m, &c).detail(),
            "sip.headers_unterminated");
  EXPECT_EQ(parse("INVITE sip:a@b SIP/2.0\r\nNoColon\r\n\r\n", o, m, &c).detail(),
            "sip.bad_header_line");
  EXPECT_EQ(c.get(SipError::empty_message), 1u);
  EXPECT_EQ(c.get(SipError::headers_unterminated), 1u);
  EXPECT_EQ(c.get(SipError::bad_header_line), 1u);
  o.max_headers = 5;
  EXPECT_EQ(parse(kInvite, o, m, &c).detail(), "sip.too_many_headers");
  o = ParseOptions{};
  o.max_size = 100;
  EXPECT_EQ(parse(kInvite, o, m, &c).code(), 513);
}

#include "sipt/uas_check.h"

TEST(UasCheck, MaxForwardsAndLoops) {
  std::string s = "INVITE sip:1@gw.example.net SIP/2.0\r\n"
                  "Via: SIP/2.0/UDP 192.0.2.7:5060;branch=z9hG4bK-b\r\n"
                  "Via: SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bK-a\r\n"
                  "Max-Forwards: 0\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:1@gw.example.net>\r\n"
                  "Call-ID: loop\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
  Message m;
  ASSERT_TRUE(parse(s, ParseOptions{}, m).ok());
  UasPolicy uas;
  EXPECT_TRUE(check_request(m, uas).status.ok()); // an endpoint ignores Max-Forwards 0
  UasPolicy fwd;
  fwd.forwarding = true;
  EXPECT_EQ(check_request(m, fwd).status.code(), 483);
  std::string s2 = s;
  s2.replace(s2.find("Max-Forwards: 0"), 15, "Max-Forwards: 9");
  Message m2;
  ASSERT_TRUE(parse(s2, ParseOptions{}, m2).ok());
  fwd.own_sent_by = {"198.51.100.1:5060"}; // our Via is already in the list
  EXPECT_EQ(check_request(m2, fwd).status.code(), 482);
  fwd.own_sent_by = {"198.51.100.2:5060"};
  EXPECT_TRUE(check_request(m2, fwd).status.ok());
}
