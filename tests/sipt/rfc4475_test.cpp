// RFC 4475 torture tests, one TEST per message (the reSIProcate habit): valid messages parse
// with the values the RFC describes, invalid ones are refused with the response the RFC asks
// for (or dropped, for responses), and the application-level ones get the UAS answer.
#include "sipt/message.h"
#include "sipt/multipart.h"
#include "sipt/syntax.h"
#include "sipt/uas_check.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace mgc::sipt;

namespace {

std::string load(const std::string &name) {
  std::ifstream f(std::string(MGC_TEST_DATA) + "/sipt/vectors/rfc4475/" + name + ".dat",
                  std::ios::binary);
  EXPECT_TRUE(f.good()) << name;
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

struct Parsed {
  std::string buf;
  Message m;
  mgc::Status st;
  SipCounters counters;
};

std::unique_ptr<Parsed> parse_file(const std::string &name, Framing f = Framing::Datagram) {
  auto p = std::make_unique<Parsed>();
  p->buf = load(name);
  ParseOptions o;
  o.framing = f;
  p->st = parse(p->buf, o, p->m, &p->counters);
  return p;
}

std::vector<Via> vias(const Message &m) {
  std::vector<Via> out;
  m.for_each_value(HeaderId::Via, [&](std::string_view v) {
    Via x;
    EXPECT_TRUE(parse_via(v, x)) << v;
    out.push_back(x);
  });
  return out;
}

std::vector<NameAddr> contacts(const Message &m) {
  std::vector<NameAddr> out;
  m.for_each_value(HeaderId::Contact, [&](std::string_view v) {
    NameAddr x;
    EXPECT_TRUE(parse_name_addr(v, x, true)) << v;
    out.push_back(x);
  });
  return out;
}

// A valid message must also re-serialise to exactly its received bytes.
void expect_valid(const Parsed &p) {
  ASSERT_TRUE(p.st.ok()) << p.st.detail();
  EXPECT_EQ(p.m.serialize(), p.m.bytes());
}

void expect_refused(const Parsed &p, int code, std::string_view detail) {
  EXPECT_FALSE(p.st.ok());
  EXPECT_EQ(p.st.code(), code) << p.st.detail();
  EXPECT_EQ(p.st.detail(), detail);
  SipError e;
  ASSERT_TRUE(error_of(p.st, e));
  EXPECT_EQ(p.counters.get(e), 1u);
}

UasVerdict uas(const Parsed &p) { return check_request(p.m, UasPolicy{}); }

} // namespace

// ---- 3.1.1 valid messages -------------------------------------------------------------------

TEST(Rfc4475, wsinv) {
  auto p = parse_file("wsinv");
  expect_valid(*p);
  const Message &m = p->m;
  EXPECT_EQ(m.method(), Method::INVITE);
  EXPECT_EQ(m.request_uri().user, "vivekg");
  EXPECT_EQ(m.request_uri().host, "chair-dnrc.example.com");
  EXPECT_TRUE(m.request_uri().param("unknownparam"));
  EXPECT_EQ(m.to().uri.user, "vivekg");
  EXPECT_EQ(m.to().tag(), "1918181833n");
  EXPECT_EQ(m.from().display_text(), "J Rosenberg \\\"");
  EXPECT_EQ(m.from().tag(), "98asjd8");
  EXPECT_EQ(m.max_forwards(), 68);
  EXPECT_EQ(m.call_id(), "wsinv.ndaksdj@192.0.2.1");
  EXPECT_EQ(m.cseq().number, 9u);
  EXPECT_EQ(m.cseq().method, "INVITE");
  EXPECT_EQ(m.content_length(), 150u);
  EXPECT_EQ(m.body().size(), 150u);
  auto v = vias(m);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].transport, "UDP");
  EXPECT_EQ(v[0].host, "192.0.2.2");
  EXPECT_EQ(v[0].branch, "390skdjuw");
  EXPECT_EQ(v[1].transport, "TCP");
  EXPECT_EQ(v[1].host, "spindle.example.com");
  EXPECT_EQ(v[1].branch, "z9hG4bK9ikj8");
  EXPECT_EQ(v[2].host, "192.168.255.111");
  EXPECT_EQ(v[2].branch, "z9hG4bK30239");
  ASSERT_NE(m.first(HeaderId::Subject), nullptr);
  EXPECT_EQ(m.first(HeaderId::Subject)->value, "");
  const HeaderField *nf = m.find("NewFangledHeader");
  ASSERT_NE(nf, nullptr);
  EXPECT_EQ(nf->id, HeaderId::Other);
  EXPECT_EQ(trim_lws(nf->value.substr(nf->value.rfind('\n') + 1)), "continued newfangled value");
  EXPECT_EQ(m.find("UnknownHeaderWithUnusualValue")->value, ";;,,;;,;");
  auto c = contacts(m);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].display_text(), "Quoted string \"\"");
  std::string_view q;
  EXPECT_TRUE(find_generic_param(c[0].params, "newparam", &q));
  EXPECT_EQ(q, "newvalue");
  EXPECT_TRUE(find_generic_param(c[0].params, "secondparam"));
  EXPECT_TRUE(find_generic_param(c[0].params, "q", &q));
  EXPECT_EQ(q, "0.33");
  NameAddr route;
  ASSERT_TRUE(parse_name_addr(m.first(HeaderId::Route)->value, route));
  EXPECT_TRUE(route.uri.param("lr"));
  EXPECT_TRUE(route.uri.param("unknown-no-value"));
}

TEST(Rfc4475, intmeth) {
  auto p = parse_file("intmeth");
  expect_valid(*p);
  const Message &m = p->m;
  EXPECT_EQ(m.method(), Method::Other);
  EXPECT_EQ(m.method_text(), "!interesting-Method0123456789_*+`.%indeed'~");
  EXPECT_EQ(m.request_uri().user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(m.request_uri().password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(m.request_uri().host, "example.com");
  EXPECT_EQ(m.to().display_text(), std::string("BEL:\x07 NUL:\0 DEL:\x7f", 17));
  EXPECT_EQ(m.to().uri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(m.from().display, "token1~` token2'+_ token3*%!.-");
  EXPECT_EQ(m.from().tag(), "_token~1'+`*%!-.");
  EXPECT_TRUE(find_generic_param(m.from().params, "fromParam''~+*_!.-%"));
  EXPECT_EQ(m.call_id(), "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  EXPECT_EQ(m.max_forwards(), 255);
  EXPECT_EQ(vias(m)[0].branch, "z9hG4bK-.!%66*_+`'~");
  EXPECT_NE(m.find("extensionHeader-!.%*+_`'~"), nullptr);
  // Well-formed, but a method this UAS does not implement (§8.2.1).
  EXPECT_EQ(uas(*p).status.code(), 501);
}

TEST(Rfc4475, esc01) {
  auto p = parse_file("esc01");
  expect_valid(*p);
  const Message &m = p->m;
  EXPECT_EQ(unescape(m.request_uri().user), "sips:user@example.com");
  EXPECT_EQ(m.request_uri().host, "example.net");
  EXPECT_EQ(unescape(m.to().uri.user), "user");
  EXPECT_EQ(unescape(m.from().uri.user), "I have spaces");
  EXPECT_EQ(m.call_id(), "esc01.239409asdfakjkn23onasd0-3234");
  auto c = contacts(m);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(unescape(c[0].uri.user), "caller");
  EXPECT_EQ(unescape(c[0].uri.params), ";lr;name=value%41");
  EXPECT_TRUE(uas(*p).status.ok());
}

TEST(Rfc4475, escnull) {
  auto p = parse_file("escnull");
  expect_valid(*p);
  EXPECT_EQ(unescape(p->m.to().uri.user), std::string("null-\0-null", 11));
  auto c = contacts(p->m);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(unescape(c[0].uri.user), std::string(1, '\0'));
  EXPECT_EQ(unescape(c[1].uri.user), std::string(2, '\0'));
}

TEST(Rfc4475, esc02) {
  auto p = parse_file("esc02");
  expect_valid(*p);
  const Message &m = p->m;
  EXPECT_EQ(m.method_text(), "RE%47IST%45R"); // not REGISTER: % is a token character
  EXPECT_EQ(m.method(), Method::Other);
  EXPECT_EQ(m.to().display, "\"%Z%45\"");
  EXPECT_EQ(contacts(m).size(), 2u); // "C%6Fntact" is another header
  ASSERT_NE(m.find("C%6Fntact"), nullptr);
  EXPECT_EQ(m.find("C%6Fntact")->id, HeaderId::Other);
  EXPECT_EQ(vias(m)[0].branch, "z9hG4bK209%fzsnel234");
}

TEST(Rfc4475, lwsdisp) {
  auto p = parse_file("lwsdisp");
  expect_valid(*p);
  EXPECT_EQ(p->m.from().display, "caller");
  EXPECT_EQ(p->m.from().uri.user, "caller");
  EXPECT_EQ(p->m.from().tag(), "323");
  EXPECT_TRUE(uas(*p).status.ok());
}

TEST(Rfc4475, longreq) {
  auto p = parse_file("longreq");
  expect_valid(*p);
  const Message &m = p->m;
  EXPECT_EQ(vias(m).size(), 34u);
  EXPECT_EQ(m.to().uri.port, 6000);
  EXPECT_TRUE(m.to().uri.param("unknownparam1"));
  EXPECT_EQ(m.to().display_text().substr(0, 25), "I have a user name of ext");
  EXPECT_EQ(m.from().tag().size(), 155u);
  EXPECT_EQ(m.call_id().size(), 141u);
  EXPECT_EQ(m.body().size(), 150u);
  EXPECT_EQ(m.count(HeaderId::Via), 34u);
}

TEST(Rfc4475, dblreq) {
  auto p = parse_file("dblreq");
  expect_valid(*p);
  EXPECT_EQ(p->m.method(), Method::REGISTER);
  EXPECT_TRUE(p->m.body().empty());
  // The trailing INVITE in the same datagram is discarded (§18.3).
  EXPECT_EQ(p->m.bytes().size(), 300u);
  EXPECT_EQ(p->m.bytes().find("INVITE"), std::string_view::npos);
}

TEST(Rfc4475, semiuri) {
  auto p = parse_file("semiuri");
  expect_valid(*p);
  EXPECT_EQ(p->m.request_uri().user, "user;par=u%40example.net");
  EXPECT_EQ(unescape(p->m.request_uri().user), "user;par=u@example.net");
  EXPECT_EQ(p->m.request_uri().host, "example.com");
  EXPECT_TRUE(p->m.request_uri().params.empty());
  std::size_t accepts = 0;
  p->m.for_each_value(HeaderId::Accept, [&](std::string_view) { ++accepts; });
  EXPECT_EQ(accepts, 6u);
}

TEST(Rfc4475, transports) {
  auto p = parse_file("transports");
  expect_valid(*p);
  auto v = vias(p->m);
  ASSERT_EQ(v.size(), 5u);
  EXPECT_EQ(v[0].transport, "UDP");
  EXPECT_EQ(v[1].transport, "SCTP");
  EXPECT_EQ(v[2].transport, "TLS");
  EXPECT_EQ(v[3].transport, "UNKNOWN");
  EXPECT_EQ(v[4].transport, "TCP");
  EXPECT_EQ(p->m.call_id(), "transports.kijh4akdnaqjkwendsasfdj");
}

TEST(Rfc4475, mpart01) {
  auto p = parse_file("mpart01");
  expect_valid(*p);
  MediaType t;
  ASSERT_TRUE(parse_media_type(p->m.first(HeaderId::ContentType)->value, t));
  EXPECT_TRUE(t.is("multipart", "mixed"));
  std::string_view boundary;
  ASSERT_TRUE(t.param("boundary", boundary));
  EXPECT_EQ(boundary, "7a9cbec02ceef655");
  EXPECT_EQ(p->m.body().size(), 553u);
  Multipart mp;
  ASSERT_TRUE(parse_multipart(p->m.body(), boundary, mp).ok());
  ASSERT_EQ(mp.count, 2u);
  EXPECT_TRUE(mp.parts[0].type.is("text", "plain"));
  EXPECT_EQ(mp.parts[0].body, "Hello");
  EXPECT_TRUE(mp.parts[1].type.is("application", "octet-stream"));
  EXPECT_EQ(mp.parts[1].transfer_encoding, "binary");
  EXPECT_EQ(uint8_t(mp.parts[1].body[0]), 0x30); // DER SEQUENCE of the S/MIME blob
}

TEST(Rfc4475, unreason) {
  auto p = parse_file("unreason");
  expect_valid(*p);
  EXPECT_TRUE(p->m.is_response());
  EXPECT_EQ(p->m.status_code(), 200);
  EXPECT_EQ(p->m.reason().substr(0, 15), "= 2**3 * 5**2 \xd0");
  EXPECT_EQ(p->m.body().size(), 154u);
}

TEST(Rfc4475, noreason) {
  auto p = parse_file("noreason");
  expect_valid(*p);
  EXPECT_EQ(p->m.status_code(), 100);
  EXPECT_EQ(p->m.reason(), "");
}

// ---- 3.1.2 invalid messages -----------------------------------------------------------------

TEST(Rfc4475, badinv01) { expect_refused(*parse_file("badinv01"), 400, "sip.bad_via"); }

TEST(Rfc4475, clerr) {
  // Datagram: Content-Length larger than the message is a 400 (§18.3).
  expect_refused(*parse_file("clerr"), 400, "sip.body_truncated");
  // Stream: the framer waits for more bytes.
  std::string b = load("clerr");
  std::size_t skip, len;
  EXPECT_TRUE(frame(b, 65535, skip, len).ok());
  EXPECT_EQ(len, 0u);
}

TEST(Rfc4475, ncl) { expect_refused(*parse_file("ncl"), 400, "sip.bad_content_length"); }

TEST(Rfc4475, scalar02) { expect_refused(*parse_file("scalar02"), 400, "sip.bad_cseq"); }

TEST(Rfc4475, scalarlg) {
  auto p = parse_file("scalarlg");
  expect_refused(*p, 0, "sip.bad_cseq"); // a response: dropped, nothing sent
  EXPECT_TRUE(p->m.is_response());
}

TEST(Rfc4475, quotbal) { expect_refused(*parse_file("quotbal"), 400, "sip.bad_to"); }

TEST(Rfc4475, ltgtruri) { expect_refused(*parse_file("ltgtruri"), 400, "sip.bad_request_uri"); }

TEST(Rfc4475, lwsruri) { expect_refused(*parse_file("lwsruri"), 400, "sip.bad_request_uri"); }

TEST(Rfc4475, lwsstart) { expect_refused(*parse_file("lwsstart"), 400, "sip.bad_request_uri"); }

TEST(Rfc4475, trws) { expect_refused(*parse_file("trws"), 400, "sip.bad_start_line"); }

TEST(Rfc4475, escruri) {
  expect_refused(*parse_file("escruri"), 400, "sip.request_uri_headers");
}

TEST(Rfc4475, baddate) { expect_refused(*parse_file("baddate"), 400, "sip.bad_date"); }

TEST(Rfc4475, regbadct) { expect_refused(*parse_file("regbadct"), 400, "sip.bad_contact"); }

TEST(Rfc4475, badaspec) { expect_refused(*parse_file("badaspec"), 400, "sip.bad_to"); }

// Both To and From carry an unquoted display name with a comma; To is checked first.
TEST(Rfc4475, baddn) { expect_refused(*parse_file("baddn"), 400, "sip.bad_to"); }

TEST(Rfc4475, badvers) {
  expect_refused(*parse_file("badvers"), 505, "sip.version_not_supported");
}

TEST(Rfc4475, mismatch01) {
  expect_refused(*parse_file("mismatch01"), 400, "sip.cseq_method_mismatch");
}

TEST(Rfc4475, mismatch02) {
  // RFC 4475 §3.1.2.18 prefers 501 but accepts 400; the mismatch is found first.
  expect_refused(*parse_file("mismatch02"), 400, "sip.cseq_method_mismatch");
}

TEST(Rfc4475, bigcode) {
  auto p = parse_file("bigcode");
  expect_refused(*p, 0, "sip.bad_status_code");
  EXPECT_TRUE(p->m.is_response());
}

// ---- 3.2 transaction layer ------------------------------------------------------------------

TEST(Rfc4475, badbranch) {
  auto p = parse_file("badbranch");
  expect_valid(*p);
  EXPECT_EQ(p->m.top_via().branch, "z9hG4bK"); // only the cookie: no transaction id
}

// ---- 3.3 application layer ------------------------------------------------------------------

TEST(Rfc4475, insuf) { expect_refused(*parse_file("insuf"), 400, "sip.missing_header"); }

TEST(Rfc4475, unkscm) {
  auto p = parse_file("unkscm");
  expect_valid(*p);
  EXPECT_EQ(p->m.request_uri().scheme_name, "nobodyKnowsThisScheme");
  EXPECT_EQ(uas(*p).status.code(), 416);
}

TEST(Rfc4475, novelsc) {
  auto p = parse_file("novelsc");
  expect_valid(*p);
  EXPECT_EQ(p->m.request_uri().scheme_name, "soap.beep");
  EXPECT_EQ(uas(*p).status.code(), 416); // a gateway only routes sip/sips/tel
}

TEST(Rfc4475, unksm2) {
  auto p = parse_file("unksm2");
  expect_valid(*p);
  EXPECT_EQ(p->m.to().uri.scheme_name, "isbn");
  EXPECT_EQ(p->m.from().uri.scheme_name, "http");
  auto c = contacts(p->m);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].uri.scheme_name, "name");
  EXPECT_EQ(uas(*p).status.code(), 405); // a gateway is no registrar
}

TEST(Rfc4475, bext01) {
  auto p = parse_file("bext01");
  expect_valid(*p);
  auto v = uas(*p);
  EXPECT_EQ(v.status.code(), 420);
  EXPECT_EQ(v.unsupported, "nothingSupportsThis, nothingSupportsThisEither");
}

TEST(Rfc4475, invut) {
  auto p = parse_file("invut");
  expect_valid(*p);
  auto v = uas(*p);
  EXPECT_EQ(v.status.code(), 415);
  EXPECT_NE(v.accept.find("application/sdp"), std::string::npos);
}

TEST(Rfc4475, regaut01) {
  auto p = parse_file("regaut01");
  expect_valid(*p);
  EXPECT_EQ(p->m.first(HeaderId::Authorization)->value, "NoOneKnowsThisScheme opaque-data=here");
  EXPECT_EQ(p->m.content_length(), 0u);
}

TEST(Rfc4475, multi01) { expect_refused(*parse_file("multi01"), 400, "sip.duplicate_header"); }

TEST(Rfc4475, mcl01) { expect_refused(*parse_file("mcl01"), 400, "sip.duplicate_header"); }

TEST(Rfc4475, bcast) {
  auto p = parse_file("bcast");
  expect_valid(*p);
  auto v = vias(p->m);
  ASSERT_GE(v.size(), 2u);
  EXPECT_EQ(v[1].host, "255.255.255.255");
}

TEST(Rfc4475, zeromf) {
  auto p = parse_file("zeromf");
  expect_valid(*p);
  EXPECT_EQ(p->m.max_forwards(), 0);
  EXPECT_TRUE(uas(*p).status.ok()); // an endpoint processes it (§3.3.11)
}

TEST(Rfc4475, cparam01) {
  auto p = parse_file("cparam01");
  expect_valid(*p);
  auto c = contacts(p->m);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_FALSE(c[0].angle);
  EXPECT_TRUE(c[0].uri.params.empty()); // addr-spec: the parameter is the header's
  EXPECT_TRUE(find_generic_param(c[0].params, "unknownparam"));
}

TEST(Rfc4475, cparam02) {
  auto p = parse_file("cparam02");
  expect_valid(*p);
  auto c = contacts(p->m);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_TRUE(c[0].angle);
  EXPECT_TRUE(c[0].uri.param("unknownparam")); // inside <>: the URI's
  EXPECT_TRUE(c[0].params.empty());
}

TEST(Rfc4475, regescrt) {
  auto p = parse_file("regescrt");
  expect_valid(*p);
  auto c = contacts(p->m);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].uri.headers, "Route=%3Csip:sip.example.com%3E");
}

TEST(Rfc4475, sdp01) {
  auto p = parse_file("sdp01");
  expect_valid(*p);
  EXPECT_EQ(uas(*p).status.code(), 406);
}

TEST(Rfc4475, inv2543) {
  auto p = parse_file("inv2543");
  expect_valid(*p);
  EXPECT_EQ(p->m.max_forwards(), -1);
  EXPECT_FALSE(p->m.has_content_length());
  EXPECT_FALSE(p->m.top_via().has_branch);
  EXPECT_EQ(p->m.body().size(), 105u); // the rest of the datagram
  EXPECT_TRUE(uas(*p).status.ok());
  // On a stream the missing Content-Length is fatal (§18.3).
  EXPECT_EQ(parse_file("inv2543", Framing::Stream)->st.detail(), "sip.missing_content_length");
}

// Every file in the set has a test above.
TEST(Rfc4475, AllVectorsCovered) {
  std::ifstream f(std::string(MGC_TEST_DATA) + "/sipt/vectors/rfc4475/MANIFEST.tsv");
  std::string line;
  int n = 0;
  std::getline(f, line);
  while (std::getline(f, line))
    if (!line.empty())
      ++n;
  EXPECT_EQ(n, 49);
}
