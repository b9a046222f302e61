// H.248.1 Annex B text codec: RFC 3525 Appendix A examples and the FAX capture's 130 messages
// decode; decode -> encode (compact and pretty) -> decode gives the same message.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "h248/codec.h"
#include "h248/errors.h"

namespace mgc::h248 {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path &p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

std::vector<fs::path> vectors(const char *dir) {
  std::vector<fs::path> v;
  for (const auto &e : fs::directory_iterator(fs::path(MGC_TEST_DATA) / "h248/vectors" / dir))
    if (e.path().extension() == ".txt")
      v.push_back(e.path());
  std::sort(v.begin(), v.end());
  return v;
}

void round_trip(const fs::path &p) {
  SCOPED_TRACE(p.string());
  std::string in = slurp(p);
  Message m;
  DecodeCounters dc;
  Status st = decode_text(in, m, &dc);
  ASSERT_TRUE(st.ok()) << st.detail();
  ASSERT_FALSE(m.transactions.empty() && !m.error);
  for (bool pretty : {false, true}) {
    std::string out;
    ASSERT_TRUE(encode_text(m, out, TextOptions{pretty}).ok());
    Message m2;
    Status st2 = decode_text(out, m2);
    ASSERT_TRUE(st2.ok()) << st2.detail() << "\n" << out;
    EXPECT_EQ(m, m2) << out;
  }
}

TEST(H248Text, Rfc3525Examples) {
  auto v = vectors("rfc3525");
  ASSERT_EQ(v.size(), 28u);
  for (const auto &p : v)
    round_trip(p);
}

TEST(H248Text, FaxCaptureMessages) {
  auto v = vectors("fax");
  ASSERT_EQ(v.size(), 130u);
  for (const auto &p : v)
    round_trip(p);
}

TEST(H248Text, AddWithSdpFields) {
  const char *in = "!/1 <iMSS>\n"
                   "T=555282723{C=${A=DS/4/24{E=1{ctyp/dtone},M{O{MO=SR,tdmc/ec=on},"
                   "TS{ctyp/calltyp=[FAX,TEXT,DATA]}}},A=RTP/${E=2{ipfax/faxconnchange},"
                   "M{O{MO=RC,RV=ON,RG=ON},L{v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 8 18\n"
                   "v=0\nc=IN IP4 $\nm=image $ udptl t38\n}}}}}";
  Message m;
  ASSERT_TRUE(decode_text(in, m).ok());
  EXPECT_EQ(m.version, 1);
  EXPECT_EQ(m.mid.kind, Mid::Kind::Domain);
  EXPECT_EQ(m.mid.address, "iMSS");
  ASSERT_EQ(m.transactions.size(), 1u);
  const auto &t = m.transactions[0];
  EXPECT_EQ(t.kind, TransactionKind::Request);
  EXPECT_EQ(t.id, 555282723u);
  ASSERT_EQ(t.actions.size(), 1u);
  EXPECT_EQ(t.actions[0].context, kChooseContext);
  ASSERT_EQ(t.actions[0].commands.size(), 2u);
  const auto &add = t.actions[0].commands[1];
  EXPECT_EQ(add.type, CommandType::Add);
  EXPECT_EQ(add.terminations[0].text, "RTP/$");
  ASSERT_EQ(add.descriptors.size(), 2u);
  const auto &media = std::get<MediaDescriptor>(add.descriptors[1]);
  ASSERT_EQ(media.streams.size(), 1u);
  EXPECT_FALSE(media.streams[0].id);
  const auto &lc = *media.streams[0].parms.local_control;
  EXPECT_EQ(lc.mode, StreamMode::RecvOnly);
  EXPECT_EQ(lc.reserve_value, true);
  const auto &local = *media.streams[0].parms.local;
  ASSERT_EQ(local.groups.size(), 2u);
  EXPECT_EQ(local.groups[0][2].type, 'm');
  EXPECT_EQ(local.groups[0][2].value, "audio $ RTP/AVP 8 18");
  const auto &ts = *std::get<MediaDescriptor>(t.actions[0].commands[0].descriptors[1])
                        .termination_state;
  EXPECT_EQ(ts.props[0].rel, PropertyParm::Rel::Sublist);
  EXPECT_EQ(ts.props[0].values, (std::vector<std::string>{"FAX", "TEXT", "DATA"}));
}

TEST(H248Text, ReplyWithErrorAndStatistics) {
  Message m;
  ASSERT_TRUE(decode_text(slurp(fs::path(MGC_TEST_DATA) / "h248/vectors/fax/m004.txt"), m).ok());
  const auto &c = m.transactions[0].actions[0].commands[0];
  EXPECT_EQ(m.transactions[0].kind, TransactionKind::Reply);
  EXPECT_EQ(c.type, CommandType::AuditValue);
  const auto &e = std::get<ErrorDescriptor>(c.descriptors[0]);
  EXPECT_EQ(e.code, error::kTerminationNotInContext);
  EXPECT_EQ(e.text, "TerminationId_id_is_not_in_specified_Context");

  Message s;
  ASSERT_TRUE(decode_text(slurp(fs::path(MGC_TEST_DATA) / "h248/vectors/fax/m122.txt"), s).ok());
  const auto &sub = s.transactions[0].actions[0].commands[0];
  EXPECT_EQ(sub.type, CommandType::Subtract);
  const auto &stats = std::get<StatisticsDescriptor>(sub.descriptors[0]);
  EXPECT_EQ(stats.stats[0].name, "NT/OR");
  EXPECT_EQ(stats.stats[0].values[0], "614404");
}

TEST(H248Text, ServiceChangeAndNotify) {
  Message m;
  ASSERT_TRUE(
      decode_text(slurp(fs::path(MGC_TEST_DATA) / "h248/vectors/rfc3525/a1_01.txt"), m).ok());
  const auto &sc = m.transactions[0].actions[0].commands[0];
  EXPECT_EQ(sc.type, CommandType::ServiceChange);
  EXPECT_EQ(sc.terminations[0].text, "ROOT");
  const auto &p = std::get<ServiceChangeDescriptor>(sc.descriptors[0]);
  EXPECT_EQ(p.method, ServiceChangeMethod::Restart);
  EXPECT_EQ(p.address->kind, Mid::Kind::PortOnly);
  EXPECT_EQ(p.address->port, 55555);
  EXPECT_EQ(p.profile, "ResGW/1");

  Message n;
  ASSERT_TRUE(decode_text(slurp(fs::path(MGC_TEST_DATA) / "h248/vectors/fax/m041.txt"), n).ok());
  const auto &oe =
      std::get<ObservedEventsDescriptor>(n.transactions[0].actions[0].commands[0].descriptors[0]);
  EXPECT_EQ(oe.request_id, 1u);
  EXPECT_EQ(oe.events[0].timestamp, "20081205T10120025");
  EXPECT_EQ(oe.events[0].name, "CTYP/DTONE");
  EXPECT_EQ(oe.events[0].params[0].name, "DTT");
  EXPECT_EQ(oe.events[0].params[0].values[0], "ANS");
}

struct BadCase {
  const char *text;
  const char *detail;
  int code;
};

TEST(H248Text, MalformedInputIsCountedWithItsErrorCode) {
  const BadCase cases[] = {
      {"", "h248.empty", 400},
      {"HELLO/1 [1.2.3.4] T=1{C=-{N=a{OE=1{x/y}}}}", "h248.bad_header", 400},
      {"!/9 [1.2.3.4] T=1{C=-{N=a{OE=1{x/y}}}}", "h248.bad_version", 406},
      {"!/1 [1.2.3.4 T=1{}", "h248.bad_mid", 400},
      // Annex B.2: an IPv4/IPv6 address in [], a domain name of letters, digits, - and . in <>
      {"!/1 [10.%3.1.42]:2944 T=1{C=-{N=a{OE=1{x/y}}}}", "h248.bad_mid", 400},
      {"!/1 [1.2.3.4.5] T=1{C=-{N=a{OE=1{x/y}}}}", "h248.bad_mid", 400},
      {"!/1 <mg_1.example> T=1{C=-{N=a{OE=1{x/y}}}}", "h248.bad_mid", 400},
      {"!/1 [1.2.3.4] X=1{}", "h248.bad_transaction", 403},
      {"!/1 [1.2.3.4] T=99999999999{C=-{N=a{OE=1{x/y}}}}", "h248.bad_transaction_id", 403},
      {"!/1 [1.2.3.4] T=1{C=zz{N=a{OE=1{x/y}}}}", "h248.bad_context_id", 422},
      {"!/1 [1.2.3.4] T=1{C=-{Frob=a}}", "h248.unknown_command", 443},
      {"!/1 [1.2.3.4] T=1{C=-{A=a{Zap{}}}}", "h248.unknown_descriptor", 444},
      {"!/1 [1.2.3.4] T=1{C=-{A=a{M{L{garbage}}}}}", "h248.bad_sdp", 442},
      {"!/1 [1.2.3.4] T=1{C=-{A=a{M{O{MO=Sideways}}}}}", "h248.bad_value", 442},
      {"!/1 [1.2.3.4] P=1{C=-{A=a{ER=12345{\"x\"}}}}", "h248.bad_error_descriptor", 442},
      {"!/1 [1.2.3.4] T=1{C=-{SC=ROOT{SV{MT=Sleep}}}}", "h248.bad_service_change", 442},
  };
  DecodeCounters counters;
  for (const auto &c : cases) {
    SCOPED_TRACE(c.text);
    Message m;
    Status st = decode_text(c.text, m, &counters);
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(st.detail(), c.detail);
    EXPECT_EQ(st.code(), c.code);
  }
  EXPECT_EQ(counters.get(H248DecodeCounter::bad_sdp), 1u);
  EXPECT_EQ(counters.get(H248DecodeCounter::ok), 0u);
}

TEST(H248Text, ErrorReplyAnswersTheFailedTransaction) {
  Message partial;
  Status st = decode_text("!/1 [1.2.3.4]:2944 T=77{C=-{Frob=a}}", partial);
  ASSERT_FALSE(st.ok());
  Mid own{Mid::Kind::Ip4, "10.0.0.1", 2944};
  Message reply = error_reply(partial, st, own);
  std::string out;
  ASSERT_TRUE(encode_text(reply, out).ok());
  EXPECT_EQ(out, "!/1 [10.0.0.1]:2944\nP=77{ER=443{\"Unsupported or Unknown Command\"}}");

  Message none;
  st = decode_text("!/1 [1.2.3.4 garbage", none);
  reply = error_reply(none, st, own);
  out.clear();
  ASSERT_TRUE(encode_text(reply, out).ok());
  EXPECT_EQ(out, "!/1 [10.0.0.1]:2944\nER=400{\"Syntax error in message\"}");
}

TEST(H248Text, CompactAndPrettyForms) {
  Message m;
  ASSERT_TRUE(decode_text("MEGACO/1 [1.2.3.4]:2944 Transaction = 5 { Context = $ { Add = ds/1/1 "
                          "{ Media { LocalControl { Mode = SendReceive } } } } }",
                          m)
                  .ok());
  std::string compact, pretty;
  ASSERT_TRUE(encode_text(m, compact).ok());
  ASSERT_TRUE(encode_text(m, pretty, TextOptions{true}).ok());
  EXPECT_EQ(compact, "!/1 [1.2.3.4]:2944\nT=5{C=${A=ds/1/1{M{O{MO=SR}}}}}");
  EXPECT_EQ(pretty, "MEGACO/1 [1.2.3.4]:2944\nTransaction = 5 {\n\tContext = $ {\n\t\tAdd = "
                    "ds/1/1 {\n\t\t\tMedia {\n\t\t\t\tLocalControl {\n\t\t\t\t\tMode = "
                    "SendReceive\n\t\t\t\t}\n\t\t\t}\n\t\t}\n\t}\n}\n");
}

} // namespace
} // namespace mgc::h248
