// Messages built as objects (make_request, Dialog::make_request, make_cancel, make_response)
// and serialised once: each kind compared byte for byte with its expected text, parsed back,
// and re-sent untouched by the parser. A response to a request written with compact header
// names (RFC 3261 §7.3.3) copies them under their full names.
#include "sipt/dialog.h"
#include "sipt/message.h"
#include "sipt/transaction.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace mgc::sipt;

namespace {
std::string lines(std::initializer_list<std::string_view> ls, std::string_view body = {}) {
  std::string s;
  for (auto l : ls)
    s.append(l).append("\r\n");
  s.append("\r\n").append(body);
  return s;
}

// The serialised message is `expect`, parses, and re-serialises unchanged.
void expect_wire(const Message &m, const std::string &expect) {
  const std::string out = m.serialize();
  EXPECT_EQ(out, expect);
  Message back;
  ASSERT_TRUE(parse(out, ParseOptions{}, back).ok()) << out;
  EXPECT_EQ(back.serialize(), out);
}

constexpr std::string_view kVia = "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;rport";

Dialog dialog() {
  Dialog::Parts p;
  p.call_id = "a84b4c76e66710@pc33.example.com";
  p.local_tag = "1928301774";
  p.remote_tag = "a6c85cf";
  p.local_party = "<sip:alice@example.com>;tag=1928301774";
  p.remote_party = "<sip:+4930123@gw.example.net>;tag=a6c85cf";
  p.remote_target = "sip:gw@192.0.2.2:5060";
  p.local_contact = "sip:alice@192.0.2.1:5060";
  p.route_set = {"<sip:p1.example.com;lr>"};
  Dialog d(p);
  d.local_cseq = 1;
  return d;
}
} // namespace

// §8.1.1: a request outside a dialog, typed values added, a body.
TEST(Build, InviteOutsideADialog) {
  RequestParts p;
  p.request_uri = "sip:+4930123@gw.example.net";
  p.from = NameAddr::of("sip:alice@example.com", ";tag=1928301774");
  p.to = NameAddr::of("sip:+4930123@gw.example.net");
  p.call_id = "a84b4c76e66710@pc33.example.com";
  p.cseq = 314159;
  p.via = kVia;
  Message m = make_request(Method::INVITE, p);
  // the typed view is there before any serialisation
  EXPECT_EQ(m.method(), Method::INVITE);
  EXPECT_EQ(m.call_id(), "a84b4c76e66710@pc33.example.com");
  EXPECT_EQ(m.cseq().number, 314159u);
  EXPECT_EQ(m.from().tag(), "1928301774");
  EXPECT_EQ(m.top_via().branch, "z9hG4bK776asdhds");
  EXPECT_EQ(m.max_forwards(), 70);
  m.add(HeaderId::Contact, NameAddr::of("sip:alice@192.0.2.1:5060"));
  m.add(HeaderId::PAssertedIdentity, NameAddr::of("sip:+4940555@example.com;cpc=payphone"));
  PrivacyValue privacy;
  privacy.flags = PrivacyValue::kId;
  m.add(HeaderId::Privacy, privacy);
  m.add("X-Unknown", "kept as given");
  m.set_body("application/sdp", "v=0\r\n");
  expect_wire(m, lines({"INVITE sip:+4930123@gw.example.net SIP/2.0",
                        "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds;rport",
                        "Max-Forwards: 70", "From: <sip:alice@example.com>;tag=1928301774",
                        "To: <sip:+4930123@gw.example.net>",
                        "Call-ID: a84b4c76e66710@pc33.example.com", "CSeq: 314159 INVITE",
                        "Contact: <sip:alice@192.0.2.1:5060>",
                        "P-Asserted-Identity: <sip:+4940555@example.com;cpc=payphone>",
                        "Privacy: id", "X-Unknown: kept as given",
                        "Content-Type: application/sdp", "Content-Length: 5"},
                       "v=0\r\n"));
  // an edit of a core header refreshes its typed view
  m.set(HeaderId::CallId, "other@pc33");
  EXPECT_EQ(m.call_id(), "other@pc33");
  m.set(HeaderId::MaxForwards, "10");
  EXPECT_EQ(m.max_forwards(), 10);
  EXPECT_EQ(m.remove(HeaderId::Privacy), 1u);
  EXPECT_EQ(m.serialize().find("Privacy"), std::string::npos);
}

TEST(Build, OptionsAndCancel) {
  RequestParts p;
  p.request_uri = "sip:gw.example.net";
  p.from = NameAddr::of("sip:192.0.2.1:5060", ";tag=77");
  p.to = NameAddr::of("sip:gw.example.net");
  p.call_id = "o1@192.0.2.1";
  p.via = kVia;
  Message o = make_request(Method::OPTIONS, p);
  o.add(HeaderId::Accept, "application/sdp");
  expect_wire(o, lines({"OPTIONS sip:gw.example.net SIP/2.0",
                        std::string("Via: ") + std::string(kVia),
                        "Max-Forwards: 70", "From: <sip:192.0.2.1:5060>;tag=77",
                        "To: <sip:gw.example.net>", "Call-ID: o1@192.0.2.1", "CSeq: 1 OPTIONS",
                        "Accept: application/sdp", "Content-Length: 0"}));
  // §9.1 CANCEL of a received INVITE, with a Route and an RFC 3326 Reason.
  const std::string inv_text =
      lines({"INVITE sip:b@h SIP/2.0", "v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKc1",
             "Route: <sip:p1.example.com;lr>", "f: <sip:a@h>;tag=1", "t: <sip:b@h>",
             "i: c1@h", "CSeq: 7 INVITE", "l: 0"});
  Message inv;
  ASSERT_TRUE(parse(inv_text, ParseOptions{}, inv).ok());
  Message c = make_cancel(inv);
  c.add(HeaderId::Reason, q850_reason(16));
  expect_wire(c, lines({"CANCEL sip:b@h SIP/2.0", "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKc1",
                        "Max-Forwards: 70", "From: <sip:a@h>;tag=1", "To: <sip:b@h>",
                        "Call-ID: c1@h", "CSeq: 7 CANCEL", "Route: <sip:p1.example.com;lr>",
                        "Reason: Q.850;cause=16", "Content-Length: 0"}));
}

// §12.2.1.1: every in-dialog request kind the user agent sends.
TEST(Build, InDialogRequests) {
  struct Kind {
    Method method;
    uint32_t cseq;
    bool contact;
    std::string_view extra; // the row added, "" for none
  };
  const Kind kinds[] = {
      {Method::BYE, 2, false, "Reason: Q.850;cause=16;text=\"Normal call clearing\""},
      {Method::INFO, 2, false, "Content-Disposition: signal;handling=optional"},
      {Method::PRACK, 2, false, "RAck: 1 1 INVITE"},
      {Method::UPDATE, 2, true, ""},
      {Method::INVITE, 2, true, ""},
      {Method::ACK, 1, false, ""},
  };
  for (const Kind &k : kinds) {
    Dialog d = dialog();
    Message m = d.make_request(k.method, kVia, k.method == Method::ACK ? 1 : 0);
    switch (k.method) {
    case Method::BYE: {
      const std::string text = quote("Normal call clearing");
      m.add(HeaderId::Reason, q850_reason(16, text));
      break;
    }
    case Method::INFO:
      m.add(HeaderId::ContentDisposition, TokenValue{"signal", ";handling=optional"});
      break;
    case Method::PRACK: {
      RAckValue r;
      r.rseq = 1;
      r.cseq = CSeq{1, "INVITE"};
      m.add(HeaderId::RAck, r);
      break;
    }
    default:
      break;
    }
    const std::string name(method_name(k.method));
    std::string expect = name + " sip:gw@192.0.2.2:5060 SIP/2.0\r\nVia: " + std::string(kVia) +
                         "\r\nMax-Forwards: 70\r\nRoute: <sip:p1.example.com;lr>\r\n"
                         "From: <sip:alice@example.com>;tag=1928301774\r\n"
                         "To: <sip:+4930123@gw.example.net>;tag=a6c85cf\r\n"
                         "Call-ID: a84b4c76e66710@pc33.example.com\r\nCSeq: " +
                         std::to_string(k.cseq) + " " + name + "\r\n";
    if (k.contact)
      expect += "Contact: <sip:alice@192.0.2.1:5060>\r\n";
    if (!k.extra.empty())
      expect += std::string(k.extra) + "\r\n";
    expect += "Content-Length: 0\r\n\r\n";
    SCOPED_TRACE(name);
    expect_wire(m, expect);
    EXPECT_EQ(d.local_cseq, k.method == Method::ACK ? 1u : 2u); // ACK reuses the INVITE's
  }
}

// §8.2.6.2 responses: 100 without a To tag, 180 with one, 200 with Contact and a body, 487.
TEST(Build, Responses) {
  const std::string req_text = lines(
      {"INVITE sip:+4930123@gw.example.net SIP/2.0",
       "Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKp1, SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa1",
       "Max-Forwards: 69", "From: \"Alice\" <sip:alice@example.com>;tag=1928301774",
       "To: <sip:+4930123@gw.example.net>", "Call-ID: r1@pc33", "CSeq: 1 INVITE",
       "Contact: <sip:alice@192.0.2.1>", "X-Custom: not copied", "Content-Length: 0"});
  Message req;
  ASSERT_TRUE(parse(req_text, ParseOptions{}, req).ok());
  const std::string head =
      "Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKp1, SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa1\r\n"
      "From: \"Alice\" <sip:alice@example.com>;tag=1928301774\r\n";
  const std::string tail = "Call-ID: r1@pc33\r\nCSeq: 1 INVITE\r\n";
  Message trying = make_response(req, 100, "Trying", "t9");
  expect_wire(trying, "SIP/2.0 100 Trying\r\n" + head + "To: <sip:+4930123@gw.example.net>\r\n" +
                          tail + "Content-Length: 0\r\n\r\n");
  Message ringing = make_response(req, 180, "Ringing", "t9");
  EXPECT_EQ(ringing.to().tag(), "t9");
  expect_wire(ringing, "SIP/2.0 180 Ringing\r\n" + head +
                           "To: <sip:+4930123@gw.example.net>;tag=t9\r\n" + tail +
                           "Content-Length: 0\r\n\r\n");
  Message ok = make_response(req, 200, "OK", "t9");
  ok.add(HeaderId::Contact, NameAddr::of("sip:gw@192.0.2.2:5060"));
  ok.set_body("application/sdp", "v=0\r\n");
  expect_wire(ok, "SIP/2.0 200 OK\r\n" + head + "To: <sip:+4930123@gw.example.net>;tag=t9\r\n" +
                      tail +
                      "Contact: <sip:gw@192.0.2.2:5060>\r\nContent-Type: application/sdp\r\n"
                      "Content-Length: 5\r\n\r\nv=0\r\n");
  Message terminated = make_response(req, 487, "Request Terminated", "t9");
  terminated.add(HeaderId::Reason, q850_reason(31));
  expect_wire(terminated, "SIP/2.0 487 Request Terminated\r\n" + head +
                              "To: <sip:+4930123@gw.example.net>;tag=t9\r\n" + tail +
                              "Reason: Q.850;cause=31\r\nContent-Length: 0\r\n\r\n");
}

// §7.3.3: compact forms are the same headers; the response writes them in full.
TEST(Build, ResponseToCompactRequest) {
  const std::string req_text =
      lines({"INVITE sip:bob@biloxi.example.com SIP/2.0",
             "v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8",
             "f: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
             "t: Bob <sip:bob@biloxi.example.com>", "i: a84b4c76e66710", "CSeq: 314159 INVITE",
             "m: <sip:alice@pc33.atlanta.example.com>", "l: 0"});
  Message req;
  ASSERT_TRUE(parse(req_text, ParseOptions{}, req).ok());
  EXPECT_EQ(req.call_id(), "a84b4c76e66710");
  Message r = make_response(req, 180, "Ringing", "as7d6");
  EXPECT_EQ(r.call_id(), "a84b4c76e66710");
  EXPECT_EQ(r.to().tag(), "as7d6");
  EXPECT_EQ(r.top_via().branch, "z9hG4bKnashds8");
  expect_wire(r, lines({"SIP/2.0 180 Ringing",
                        "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8",
                        "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
                        "To: Bob <sip:bob@biloxi.example.com>;tag=as7d6",
                        "Call-ID: a84b4c76e66710", "CSeq: 314159 INVITE", "Content-Length: 0"}));
}

// §12.1.1 / §12.1.2: a dialog made from an INVITE (UAS) and from a response (UAC) keeps the
// Record-Route values as its route set (in order for the UAS, reversed for the UAC; a list in
// one header field counts as its values), and a target refresh (§12.2) changes the remote
// target alone.
TEST(Build, DialogFromMessagesRouteSetAndTargetRefresh) {
  const std::string inv_text = lines(
      {"INVITE sip:+4930123@gw.example.net SIP/2.0",
       "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1",
       "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds",
       "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>",
       "Record-Route: <sip:p3.example.com;lr>", "From: <sip:alice@example.com>;tag=1928301774",
       "To: <sip:+4930123@gw.example.net>", "Call-ID: a84b4c76e66710@pc33.example.com",
       "CSeq: 314159 INVITE", "Contact: <sip:alice@192.0.2.1:5060>", "Max-Forwards: 69",
       "Content-Length: 0"});
  Message inv;
  ASSERT_TRUE(parse(inv_text, ParseOptions{}, inv).ok());
  Peer peer;
  peer.host = "192.0.2.9";
  Dialog d = Dialog::as_uas(inv, "a6c85cf", "sip:gw@192.0.2.2:5060", peer);
  EXPECT_EQ(d.call_id(), "a84b4c76e66710@pc33.example.com");
  EXPECT_EQ(d.local_tag(), "a6c85cf");
  EXPECT_EQ(d.remote_tag(), "1928301774");
  EXPECT_EQ(d.local_party(), "<sip:+4930123@gw.example.net>;tag=a6c85cf");
  EXPECT_EQ(d.remote_party(), "<sip:alice@example.com>;tag=1928301774");
  EXPECT_EQ(d.remote_target(), "sip:alice@192.0.2.1:5060");
  EXPECT_EQ(d.local_contact(), "sip:gw@192.0.2.2:5060");
  EXPECT_EQ(d.route_set(),
            (std::vector<std::string_view>{"<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>",
                                           "<sip:p3.example.com;lr>"}));
  EXPECT_EQ(d.remote_cseq, 314159u);
  EXPECT_EQ(d.peer.host, "192.0.2.9");

  // A re-INVITE with a new Contact: the target moves, nothing else does.
  const std::string reinv_text =
      lines({"INVITE sip:gw@192.0.2.2:5060 SIP/2.0",
             "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKre1",
             "From: <sip:alice@example.com>;tag=1928301774",
             "To: <sip:+4930123@gw.example.net>;tag=a6c85cf",
             "Call-ID: a84b4c76e66710@pc33.example.com", "CSeq: 314160 INVITE",
             "Contact: <sip:alice@moved.example.com:5062;transport=udp>", "Content-Length: 0"});
  Message reinv;
  ASSERT_TRUE(parse(reinv_text, ParseOptions{}, reinv).ok());
  EXPECT_TRUE(d.matches(reinv, false));
  ASSERT_TRUE(d.accept_request(reinv));
  EXPECT_EQ(d.remote_target(), "sip:alice@moved.example.com:5062;transport=udp");
  EXPECT_EQ(d.local_contact(), "sip:gw@192.0.2.2:5060");
  EXPECT_EQ(d.route_set().size(), 3u);
  EXPECT_FALSE(d.accept_request(reinv)); // §12.2.2: the same CSeq again is out of order
  expect_wire(d.make_request(Method::BYE, kVia),
              lines({"BYE sip:alice@moved.example.com:5062;transport=udp SIP/2.0",
                     std::string("Via: ") + std::string(kVia), "Max-Forwards: 70",
                     "Route: <sip:p1.example.com;lr>", "Route: <sip:p2.example.com;lr>",
                     "Route: <sip:p3.example.com;lr>",
                     "From: <sip:+4930123@gw.example.net>;tag=a6c85cf",
                     "To: <sip:alice@example.com>;tag=1928301774",
                     "Call-ID: a84b4c76e66710@pc33.example.com", "CSeq: 1 BYE",
                     "Content-Length: 0"}));

  // UAC: the response's Record-Route reversed; without a Contact the Request-URI is the target.
  const std::string ok_text = lines(
      {"SIP/2.0 200 OK", "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776asdhds",
       "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>",
       "From: <sip:alice@example.com>;tag=1928301774",
       "To: <sip:+4930123@gw.example.net>;tag=a6c85cf",
       "Call-ID: a84b4c76e66710@pc33.example.com", "CSeq: 314159 INVITE", "Content-Length: 0"});
  Message ok;
  ASSERT_TRUE(parse(ok_text, ParseOptions{}, ok).ok());
  Dialog u = Dialog::as_uac(inv, ok, "sip:alice@192.0.2.1:5060", peer);
  EXPECT_EQ(u.state, Dialog::State::Confirmed);
  EXPECT_EQ(u.local_tag(), "1928301774");
  EXPECT_EQ(u.remote_tag(), "a6c85cf");
  EXPECT_EQ(u.local_party(), "<sip:alice@example.com>;tag=1928301774");
  EXPECT_EQ(u.remote_party(), "<sip:+4930123@gw.example.net>;tag=a6c85cf");
  EXPECT_EQ(u.remote_target(), "sip:+4930123@gw.example.net");
  EXPECT_EQ(u.route_set(), (std::vector<std::string_view>{"<sip:p2.example.com;lr>",
                                                          "<sip:p1.example.com;lr>"}));
  EXPECT_EQ(u.local_cseq, 314159u);
  EXPECT_TRUE(u.matches(ok, true));
}

// HeaderList: what the user agent is handed, applied in order; catalogue names get their id.
TEST(Build, HeaderList) {
  HeaderList extra;
  extra.add(HeaderId::PAssertedIdentity, NameAddr::of("sip:+4940555@h"))
      .add("diversion", "<sip:+4930222@h>;reason=user-busy;counter=1")
      .add("X-Carrier", "7");
  RequestParts p;
  p.request_uri = "sip:b@h";
  p.from = NameAddr::of("sip:a@h", ";tag=1");
  p.to = NameAddr::of("sip:b@h");
  p.call_id = "h1";
  p.via = kVia;
  Message m = make_request(Method::INVITE, p);
  extra.apply_to(m);
  EXPECT_EQ(m.count(HeaderId::Diversion), 1u);
  ASSERT_NE(m.find("x-carrier"), nullptr);
  const std::string out = m.serialize();
  EXPECT_NE(out.find("P-Asserted-Identity: <sip:+4940555@h>\r\n"
                     "Diversion: <sip:+4930222@h>;reason=user-busy;counter=1\r\n"
                     "X-Carrier: 7\r\nContent-Length: 0\r\n\r\n"),
            std::string::npos)
      << out;
}
