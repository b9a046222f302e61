// The typed header values of the catalogue (sipt/fields.h): each value type's parser, and
// print() of what it parsed or of a value built from scratch, compared byte for byte. Diversion
// (RFC 5806 §4), History-Info (RFC 7044 §4.1 with the RFC 4458 cause), Reason (RFC 3326 §2, its
// examples), Privacy (RFC 3323 §4.2, RFC 3325 §9.3), RAck (RFC 3262 §7.2).
#include "sipt/dialog.h"
#include "sipt/fields.h"
#include "sipt/message.h"

#include <gtest/gtest.h>

#include <string>

using namespace mgc::sipt;

namespace {
template <typename T, typename P> std::string round_trip(std::string_view in, P parse_fn) {
  T v;
  EXPECT_TRUE(parse_fn(in, v)) << in;
  return to_text(v);
}
} // namespace

TEST(Catalogue, ValueTypes) {
  EXPECT_EQ(header_info(HeaderId::From).type, ValueType::NameAddr);
  EXPECT_EQ(header_info(HeaderId::To).type, ValueType::NameAddr);
  EXPECT_EQ(header_info(HeaderId::Contact).type, ValueType::NameAddr);
  EXPECT_EQ(header_info(HeaderId::PAssertedIdentity).type, ValueType::NameAddr);
  EXPECT_EQ(header_info(HeaderId::Via).type, ValueType::Via);
  EXPECT_EQ(header_info(HeaderId::CSeq).type, ValueType::CSeq);
  EXPECT_EQ(header_info(HeaderId::Supported).type, ValueType::Token);
  EXPECT_EQ(header_info(HeaderId::Reason).type, ValueType::Reason);
  EXPECT_EQ(header_info(HeaderId::Privacy).type, ValueType::Privacy);
  EXPECT_EQ(header_info(HeaderId::RAck).type, ValueType::RAck);
  EXPECT_EQ(lookup_header("diversion"), HeaderId::Diversion);
  EXPECT_EQ(header_info(HeaderId::Diversion).type, ValueType::Diversion);
  EXPECT_EQ(header_info(HeaderId::Diversion).rfc, "RFC 5806 4");
  EXPECT_EQ(lookup_header("HISTORY-INFO"), HeaderId::HistoryInfo);
  EXPECT_EQ(header_info(HeaderId::HistoryInfo).type, ValueType::HistoryInfo);
  EXPECT_EQ(value_type_name(ValueType::HistoryInfo), "HistoryInfo");
  // One well-formed and one malformed value per structured type, through the catalogue.
  struct Case {
    HeaderId id;
    std::string_view good, bad;
  };
  const Case cases[] = {
      {HeaderId::ContentLength, "12", "1a"},
      {HeaderId::CallId, "a84b4c76e66710@pc33", "a b"},
      {HeaderId::CSeq, "1 INVITE", "INVITE 1"},
      {HeaderId::Via, "SIP/2.0/UDP h;branch=z9hG4bK1", "SIP/2.0/UDP"},
      {HeaderId::From, "\"A\" <sip:a@h>;tag=1", "<sip:a@h"},
      {HeaderId::Diversion, "<sip:+1@h>;counter=1", "<sip:+1@h>;counter=x"},
      {HeaderId::HistoryInfo, "<sip:a@h>;index=1.1", "<sip:a@h>;index=1..1"},
      {HeaderId::AlertInfo, "<http://example.com/ring.wav>", "A <http://example.com/r>"},
      {HeaderId::ContentType, "application/sdp", "application"},
      {HeaderId::Supported, "100rel", ";x"},
      {HeaderId::Reason, "Q.850;cause=16", "Q.850;cause=x"},
      {HeaderId::Privacy, "id;user", "id;"},
      {HeaderId::RAck, "1 1 INVITE", "1 INVITE"},
  };
  for (const auto &c : cases) {
    EXPECT_TRUE(valid_value(header_info(c.id).type, c.good)) << c.good;
    EXPECT_FALSE(valid_value(header_info(c.id).type, c.bad)) << c.bad;
  }
  EXPECT_TRUE(valid_value(header_info(HeaderId::Subject).type, "anything, at all"));
}

// RFC 5806 §4: name-addr, then reason, counter, limit, privacy, screen, extensions.
TEST(Fields, DiversionRoundTrip) {
  const std::string_view in =
      "<sip:+12125551212@server.example.com>;reason=user-busy;counter=1;privacy=full;screen=no";
  DiversionValue d;
  ASSERT_TRUE(parse_diversion(in, d));
  EXPECT_EQ(d.addr.uri.user, "+12125551212");
  EXPECT_EQ(d.reason, "user-busy");
  EXPECT_EQ(d.counter, 1);
  EXPECT_EQ(d.limit, -1);
  EXPECT_EQ(d.privacy, "full");
  EXPECT_EQ(d.screen, "no");
  EXPECT_EQ(to_text(d), in);
  // a quoted reason, a display name, a tel URI, a limit and an extension kept
  const std::string_view q =
      "\"Bob\" <tel:+4930222;phone-context=x>;reason=\"no-answer\";counter=2;limit=5;x-ext=1";
  ASSERT_TRUE(parse_diversion(q, d));
  EXPECT_EQ(d.reason_unquoted(), "no-answer");
  EXPECT_EQ(d.limit, 5);
  EXPECT_EQ(to_text(d), q);
  // typed parameters print first, in the order of the grammar; LWS goes
  EXPECT_EQ(round_trip<DiversionValue>("<sip:a@h> ; counter=2 ;reason=deflection",
                                       [](auto v, auto &o) { return parse_diversion(v, o); }),
            "<sip:a@h>;reason=deflection;counter=2");
  // an addr-spec: its parameters are the header's (RFC 3261 §20.10)
  ASSERT_TRUE(parse_diversion("sip:0301234@h;reason=deflection", d));
  EXPECT_EQ(d.reason, "deflection");
  EXPECT_EQ(to_text(d), "sip:0301234@h;reason=deflection");
  EXPECT_FALSE(parse_diversion("<sip:a@h>;counter=123", d)); // 1*2DIGIT
  EXPECT_FALSE(parse_diversion("<sip:a@h>;reason", d));
  EXPECT_FALSE(parse_diversion("*", d));
  // built from scratch
  DiversionValue b;
  b.addr = NameAddr::of("sip:+4930222@gw.example");
  b.reason = "unconditional";
  b.counter = 1;
  EXPECT_EQ(to_text(b), "<sip:+4930222@gw.example>;reason=unconditional;counter=1");
}

// RFC 7044 §4.1: hi-targeted-to-uri with index, rc/mp/np; RFC 4458 §3 cause in the URI.
TEST(Fields, HistoryInfoRoundTrip) {
  HistoryInfoValue h;
  ASSERT_TRUE(parse_history_info("<sip:bob@example.com>;index=1", h));
  EXPECT_EQ(h.index, "1");
  EXPECT_EQ(h.cause, -1);
  EXPECT_EQ(to_text(h), "<sip:bob@example.com>;index=1");
  const std::string_view retargeted =
      "<sip:office@example.com;cause=302>;index=1.1;rc=1;x-foo=bar";
  ASSERT_TRUE(parse_history_info(retargeted, h));
  EXPECT_EQ(h.index, "1.1");
  EXPECT_EQ(h.rc, "1");
  EXPECT_EQ(h.cause, 302);
  EXPECT_EQ(to_text(h), retargeted);
  const std::string_view with_reason =
      "\"Office\" <sip:+4930333@gw;cause=486?Reason=SIP%3Bcause%3D486>;index=1.1.1;mp=1.1";
  ASSERT_TRUE(parse_history_info(with_reason, h));
  EXPECT_EQ(h.cause, 486);
  EXPECT_EQ(h.mp, "1.1");
  EXPECT_EQ(to_text(h), with_reason);
  EXPECT_FALSE(parse_history_info("<sip:a@h>;index=1..1", h));
  EXPECT_FALSE(parse_history_info("<sip:a@h>;index=a", h));
  EXPECT_FALSE(parse_history_info("<sip:a@h>;np", h));
  // built: the cause goes into the URI, before its headers
  HistoryInfoValue b;
  b.addr = NameAddr::of("sip:+4930111@gw");
  b.index = "1.1";
  b.cause = 486;
  EXPECT_EQ(to_text(b), "<sip:+4930111@gw;cause=486>;index=1.1");
  b.addr = NameAddr::of("sip:+4930111@gw?Reason=SIP%3Bcause%3D486");
  EXPECT_EQ(to_text(b), "<sip:+4930111@gw;cause=486?Reason=SIP%3Bcause%3D486>;index=1.1");
  // several entries on one row (§7.3.1)
  std::vector<HistoryInfoValue> list(2);
  list[0].addr = NameAddr::of("sip:a@h");
  list[0].index = "1";
  list[1].addr = NameAddr::of("sip:b@h");
  list[1].index = "1.1";
  list[1].cause = 302;
  Message m = make_request(Method::INVITE, {"sip:b@h", NameAddr::of("sip:a@h", ";tag=1"),
                                             NameAddr::of("sip:b@h"), "c1", 1,
                                             "SIP/2.0/UDP h;branch=z9hG4bK1"});
  m.add_list(HeaderId::HistoryInfo, std::span<const HistoryInfoValue>(list));
  EXPECT_NE(m.serialize().find(
                "History-Info: <sip:a@h>;index=1, <sip:b@h;cause=302>;index=1.1\r\n"),
            std::string::npos);
}

// RFC 3326 §2, its examples: LWS before the SEMIs is allowed and printed without.
TEST(Fields, ReasonRoundTrip) {
  ReasonValue r;
  ASSERT_TRUE(parse_reason("SIP ;cause=200 ;text=\"Call completed elsewhere\"", r));
  EXPECT_EQ(r.protocol, "SIP");
  EXPECT_EQ(r.cause, 200);
  EXPECT_EQ(r.text_unquoted(), "Call completed elsewhere");
  EXPECT_EQ(to_text(r), "SIP;cause=200;text=\"Call completed elsewhere\"");
  ASSERT_TRUE(parse_reason("Q.850 ;cause=16 ;text=\"Terminated\"", r));
  EXPECT_EQ(r.protocol, "Q.850");
  EXPECT_EQ(r.cause, 16);
  EXPECT_EQ(to_text(r), "Q.850;cause=16;text=\"Terminated\"");
  ASSERT_TRUE(parse_reason("preemption;cause=1;text=\"UA Preemption\";x=y", r));
  EXPECT_EQ(to_text(r), "preemption;cause=1;text=\"UA Preemption\";x=y"); // extension kept
  EXPECT_FALSE(parse_reason("Q.850;cause=x", r));
  EXPECT_FALSE(parse_reason(";cause=16", r));
  // built: text quoted once (quoted-pairs for '"')
  const std::string text = quote("Normal \"call\" clearing");
  EXPECT_EQ(to_text(q850_reason(16, text)), "Q.850;cause=16;text=\"Normal \\\"call\\\" clearing\"");
  EXPECT_EQ(to_text(q850_reason(31)), "Q.850;cause=31");
  // the parsed value views its input: the printed text must outlive it
  const std::string printed = to_text(q850_reason(16, text));
  ASSERT_TRUE(parse_reason(printed, r));
  EXPECT_EQ(r.text_unquoted(), "Normal \"call\" clearing");
}

TEST(Fields, PrivacyAndRAck) {
  PrivacyValue p;
  ASSERT_TRUE(parse_privacy("id", p));
  EXPECT_TRUE(p.has(PrivacyValue::kId));
  ASSERT_TRUE(parse_privacy("user ; id;critical", p));
  EXPECT_EQ(to_text(p), "user;critical;id");
  ASSERT_TRUE(parse_privacy("x-unknown", p)); // a token the grammar allows
  EXPECT_EQ(p.flags, 0);
  EXPECT_FALSE(parse_privacy("", p));
  EXPECT_FALSE(parse_privacy("id;", p));
  EXPECT_FALSE(parse_privacy("id, user", p)); // not this value's separator
  RAckValue r;
  ASSERT_TRUE(parse_rack("776656 1 INVITE", r));
  EXPECT_EQ(r.rseq, 776656u);
  EXPECT_EQ(r.cseq.number, 1u);
  EXPECT_EQ(to_text(r), "776656 1 INVITE");
}

TEST(Fields, TelephoneNumbers) {
  Uri u;
  ASSERT_TRUE(parse_uri("sip:+49-30-1111;npdi@h;user=phone", u));
  EXPECT_EQ(telephone_number(u), "+49301111");
  EXPECT_EQ(u.user_without_params(), "+49-30-1111");
  ASSERT_TRUE(parse_uri("tel:+1-201-555-0123;phone-context=x", u));
  EXPECT_EQ(telephone_number(u), "+12015550123");
  ASSERT_TRUE(parse_uri("sip:alice@example.com", u));
  EXPECT_EQ(telephone_number(u), "");
  ASSERT_TRUE(parse_uri("sip:example.com", u));
  EXPECT_EQ(telephone_number(u), "");
}
