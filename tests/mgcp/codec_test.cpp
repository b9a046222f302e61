// RFC 3435 §3 codec: vectors (Appendix F, Wireshark sample), every verb, piggy-backing (§3.5.5),
// and each malformed-input outcome with its §2.4 return code.
#include "mgcp/codec.h"
#include "mgcp/sdp.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace mgc::mgcp;

namespace {

std::string vectors() { return std::string(MGC_TEST_DATA) + "/mgcp/vectors"; }

std::string slurp(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

} // namespace

TEST(MgcpCodec, AppendixFExamplesParseAndReencode) {
  std::ifstream f(vectors() + "/rfc3435_appendixF.jsonl");
  ASSERT_TRUE(f);
  std::string line;
  int n = 0;
  while (std::getline(f, line)) {
    auto j = nlohmann::json::parse(line);
    std::string text = j["text"];
    SCOPED_TRACE(j["property"].get<std::string>() + " " + j["variant"].get<std::string>());
    Message m;
    DecodeCounters c;
    auto st = decode(text, m, &c);
    ASSERT_TRUE(st.ok()) << st.detail();
    EXPECT_EQ(m.is_command(), j["kind"] == "command");
    EXPECT_EQ(encode(m), text);
    Message again;
    ASSERT_TRUE(decode(encode(m), again).ok());
    EXPECT_EQ(encode(again), text);
    EXPECT_EQ(c.get(DecodeCounter::ok), 1u);
    ++n;
  }
  EXPECT_EQ(n, 15);
}

TEST(MgcpCodec, AppendixFFieldsAreTyped) {
  Message m;
  ASSERT_TRUE(decode("CRCX 1205 aaln/1@rgw-2567.whatever.net MGCP 1.0\r\nC: A3C47F21456789F0\r\n"
                     "L: p:10, a:PCMU\r\nM: sendrecv\r\nX: 0123456789AD\r\nR: L/hd\r\nS: L/rg\r\n"
                     "\r\nv=0\r\no=- 25678 753849 IN IP4 128.96.41.1\r\ns=-\r\nc=IN IP4 "
                     "128.96.41.1\r\nt=0 0\r\nm=audio 3456 RTP/AVP 0\r\n",
                     m)
                  .ok());
  EXPECT_EQ(m.verb, Verb::Crcx);
  EXPECT_EQ(m.transaction_id, 1205u);
  EXPECT_EQ(m.endpoint, "aaln/1@rgw-2567.whatever.net");
  EXPECT_EQ(m.get(Param::CallId), "A3C47F21456789F0");
  EXPECT_EQ(m.get(Param::LocalConnectionOptions), "p:10, a:PCMU");
  EXPECT_EQ(m.get(Param::ConnectionMode), "sendrecv");
  ASSERT_EQ(m.sdp.size(), 1u);
  Sdp sdp;
  ASSERT_TRUE(parse_sdp(m.sdp[0], sdp).ok());
  EXPECT_EQ(sdp.audio_address(), "128.96.41.1");
  ASSERT_NE(sdp.audio(), nullptr);
  EXPECT_EQ(sdp.audio()->port, 3456);
  EXPECT_EQ(sdp.audio()->payload_types, std::vector<int>{0});
}

TEST(MgcpCodec, WiresharkSampleCaptureFrames) {
  int n = 0;
  for (const auto &e : std::filesystem::directory_iterator(vectors() + "/wireshark")) {
    std::string text = slurp(e.path());
    SCOPED_TRACE(e.path().filename().string());
    auto parts = decode_datagram(text);
    ASSERT_EQ(parts.size(), 1u);
    EXPECT_TRUE(parts[0].status.ok()) << parts[0].status.detail();
    ++n;
  }
  EXPECT_EQ(n, 8);
  Message rsip;
  ASSERT_TRUE(decode(slurp(vectors() + "/wireshark/MGCP_pcap_frame7.txt"), rsip).ok());
  EXPECT_EQ(rsip.verb, Verb::Rsip);
  EXPECT_EQ(rsip.get(Param::RestartMethod), "restart");
  // LF-only input re-encodes with CRLF (Appendix A accepts both; we send CRLF).
  EXPECT_EQ(encode(rsip), "RSIP 31656860 *@gateway44.myplace.com MGCP 1.0\r\nRM: restart\r\n");
  Message r510;
  ASSERT_TRUE(decode(slurp(vectors() + "/wireshark/MGCP_pcap_frame4.txt"), r510).ok());
  EXPECT_EQ(r510.code, 510);
  EXPECT_EQ(r510.comment, "Protocol Error: Forbidden parameter line present.");
}

TEST(MgcpCodec, EveryVerbRoundTrips) {
  struct Case {
    Verb verb;
    std::vector<std::pair<Param, std::string>> params;
    bool sdp;
  };
  std::vector<Case> cases = {
      {Verb::Epcf, {{Param::BearerInformation, "e:mu"}}, false},
      {Verb::Crcx,
       {{Param::CallId, "1"},
        {Param::ConnectionMode, "recvonly"},
        {Param::LocalConnectionOptions, "p:20, a:PCMA"}},
       true},
      {Verb::Mdcx,
       {{Param::CallId, "1"},
        {Param::ConnectionId, "FDE234C8"},
        {Param::ConnectionMode, "sendrecv"}},
       true},
      {Verb::Dlcx, {{Param::CallId, "1"}, {Param::ConnectionId, "FDE234C8"}}, false},
      {Verb::Rqnt,
       {{Param::RequestIdentifier, "0123456789AC"}, {Param::RequestedEvents, "l/hd(N)"}},
       false},
      {Verb::Ntfy,
       {{Param::RequestIdentifier, "0123456789AC"}, {Param::ObservedEvents, "l/hd"}},
       false},
      {Verb::Auep, {{Param::RequestedInfo, "R,D,S,X,N,I,T,O,ES"}}, false},
      {Verb::Aucx,
       {{Param::ConnectionId, "FDE234C8"}, {Param::RequestedInfo, "C,N,L,M,LC,P"}},
       false},
      {Verb::Rsip, {{Param::RestartMethod, "graceful"}, {Param::RestartDelay, "300"}}, false},
  };
  uint32_t tx = 1;
  for (const auto &c : cases) {
    SCOPED_TRACE(std::string(verb_code(c.verb)));
    Message m = Message::command(c.verb, tx++, "ds/e1-1/1@tgw.example.net");
    for (const auto &[p, v] : c.params)
      m.set(p, v);
    if (c.sdp)
      m.sdp.push_back(build_sdp({"192.0.2.1", 4000, {{8, "PCMA/8000"}}, 20, 7}));
    std::string wire = encode(m);
    Message d;
    auto st = decode(wire, d);
    ASSERT_TRUE(st.ok()) << st.detail() << "\n" << wire;
    EXPECT_EQ(d.verb, c.verb);
    EXPECT_EQ(d.transaction_id, m.transaction_id);
    for (const auto &[p, v] : c.params)
      EXPECT_EQ(d.get(p), v);
    EXPECT_EQ(d.sdp.size(), c.sdp ? 1u : 0u);
    EXPECT_EQ(encode(d), wire);
  }
  // Verbs are case-insensitive (§3.2.1.1).
  Message m;
  EXPECT_TRUE(decode("auep 5 rtpbridge/1@mgw MGCP 1.0\r\n", m).ok());
  EXPECT_EQ(m.verb, Verb::Auep);
  // Experimental verbs (§3.2.1.1) decode and keep their code.
  ASSERT_TRUE(decode("XPER 6 rtpbridge/1@mgw MGCP 1.0\r\nX-Flower: Daisy\r\n", m).ok());
  EXPECT_EQ(m.verb, Verb::Experimental);
  EXPECT_EQ(encode(m), "XPER 6 rtpbridge/1@mgw MGCP 1.0\r\nX-Flower: Daisy\r\n");
}

TEST(MgcpCodec, ResponsesWithSeveralDescriptorsAndPackages) {
  // §3.3: an AuditConnection response with local then remote session descriptions.
  std::string text =
      "200 1203 OK\r\nC: A3C47F21456789F0\r\nL: p:10, a:PCMU;G726-32\r\nM: sendrecv\r\n"
      "P: PS=1245, OS=62345, PR=780, OR=45123, PL=10, JI=27,LA=48\r\n\r\n"
      "v=0\r\no=- 25678 753849 IN IP4 128.96.41.1\r\ns=-\r\nc=IN IP4 128.96.41.1\r\n"
      "t=0 0\r\nm=audio 1296 RTP/AVP 0\r\n\r\n"
      "v=0\r\no=- 33343 346463 IN IP4 128.96.63.25\r\ns=-\r\nc=IN IP4 128.96.63.25\r\n"
      "t=0 0\r\nm=audio 1296 RTP/AVP 0 96\r\na=rtpmap:96 G726-32/8000\r\n";
  Message m;
  ASSERT_TRUE(decode(text, m).ok());
  ASSERT_EQ(m.sdp.size(), 2u);
  EXPECT_EQ(encode(m), text);
  Sdp remote;
  ASSERT_TRUE(parse_sdp(m.sdp[1], remote).ok());
  ASSERT_EQ(remote.rtpmaps.size(), 1u);
  EXPECT_EQ(remote.rtpmaps[0].encoding, "G726-32/8000");
  // 8xx: "/package" after the transaction id (§3.3).
  ASSERT_TRUE(decode("801 77 /it sorry\r\n", m).ok());
  EXPECT_EQ(m.code, 801);
  EXPECT_EQ(m.package, "it");
  EXPECT_EQ(m.comment, "sorry");
  EXPECT_EQ(encode(m), "801 77 /it sorry\r\n");
  // Response acknowledgement (§3.5.6): "000 txid".
  ASSERT_TRUE(decode("000 1206\r\n", m).ok());
  EXPECT_EQ(m.code, 0);
  EXPECT_EQ(encode(m), "000 1206\r\n");
  // Unknown response parameters are ignored, not refused (§3.3), and counted.
  DecodeCounters c;
  ASSERT_TRUE(decode("200 9 OK\r\nFOO: bar\r\n", m, &c).ok());
  EXPECT_EQ(c.get(DecodeCounter::ignored_response_parameter), 1u);
}

TEST(MgcpCodec, PiggybackedMessagesAreIndependent) {
  // §3.5.5 example, plus a faulty third message that must not affect the others.
  std::string dgram = "200 2005 OK\r\n.\r\nDLCX 1244 card23/21@tgw-7.example.net MGCP 1.0\r\n"
                      "C: A3C47F21456789F0\r\nI: FDE234C8\r\n.\r\nCRCX 1245 x@y MGCP 1.0\r\n";
  DecodeCounters c;
  auto parts = decode_datagram(dgram, &c);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_TRUE(parts[0].status.ok());
  EXPECT_EQ(parts[0].message.code, 200);
  EXPECT_TRUE(parts[1].status.ok());
  EXPECT_EQ(parts[1].message.verb, Verb::Dlcx);
  EXPECT_EQ(parts[2].status.detail(), "mgcp.missing_parameter");
  EXPECT_EQ(parts[2].message.transaction_id, 1245u);
  EXPECT_EQ(c.get(DecodeCounter::piggybacked), 2u);
  EXPECT_EQ(c.get(DecodeCounter::ok), 2u);
  EXPECT_EQ(c.get(DecodeCounter::missing_parameter), 1u);
  std::vector<Message> msgs{parts[0].message, parts[1].message};
  EXPECT_EQ(encode_datagram(msgs), dgram.substr(0, dgram.find(".\r\nCRCX")));
}

struct BadCase {
  const char *text;
  const char *detail;
  int code;
};

class MgcpMalformed : public ::testing::TestWithParam<BadCase> {};

TEST_P(MgcpMalformed, AnsweredWithTheRightCodeAndCounted) {
  const auto &c = GetParam();
  Message m;
  DecodeCounters counters;
  auto st = decode(c.text, m, &counters);
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.detail(), std::string("mgcp.") + c.detail);
  EXPECT_EQ(st.code(), c.code);
  uint64_t total = 0;
  counters.for_each([&](std::string_view name, uint64_t v) {
    if (name == c.detail) {
      EXPECT_EQ(v, 1u);
    }
    total += v;
  });
  EXPECT_EQ(total, 1u);
  auto answer = error_response(m, st);
  if (c.code != 0 && m.transaction_id != 0) {
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->code, c.code);
    EXPECT_EQ(answer->transaction_id, m.transaction_id);
  } else {
    EXPECT_FALSE(answer);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rfc3435, MgcpMalformed,
    ::testing::Values(
        BadCase{"", "empty_message", 0}, BadCase{"\r\n\r\n", "empty_message", 0},
        BadCase{"AUEP 1 a@b MGCP 1.0\r\nX: \x01\r\n", "bad_character", 510},
        BadCase{"AUEP 1 a@b\r\n", "bad_start_line", 510},
        BadCase{"AUEP x1 a@b MGCP 1.0\r\n", "bad_transaction_id", 510},
        BadCase{"AUEP 1234567890 a@b MGCP 1.0\r\n", "bad_transaction_id", 510},
        BadCase{"AUEP 0 a@b MGCP 1.0\r\n", "bad_transaction_id", 510},
        BadCase{"FOOB 7 a@b MGCP 1.0\r\n", "unknown_verb", 504},
        BadCase{"AUEP 7 nodomain MGCP 1.0\r\n", "bad_endpoint", 500},
        BadCase{"AUEP 7 a@b SIP 2.0\r\n", "bad_version", 510},
        BadCase{"AUEP 7 a@b MGCP 2.0\r\n", "unsupported_version", 528},
        BadCase{"2x0 7 OK\r\n", "unknown_verb", 504},
        BadCase{"200 abc OK\r\n", "bad_response_line", 0},
        BadCase{"AUEP 8 a@b MGCP 1.0\r\nno colon here\r\n", "bad_parameter_line", 510},
        BadCase{"AUEP 8 a@b MGCP 1.0\r\nQQ: 1\r\n", "unknown_parameter", 539},
        BadCase{"AUEP 8 a@b MGCP 1.0\r\nX+Flower: Daisy\r\n", "unknown_critical_extension", 511},
        BadCase{"AUEP 8 a@b MGCP 1.0\r\nC: 12\r\n", "forbidden_parameter", 539},
        BadCase{"DLCX 8 a@b MGCP 1.0\r\nC: 12\r\nC: 13\r\n", "duplicate_parameter", 510},
        BadCase{"MDCX 8 a@b MGCP 1.0\r\nC: 12\r\n", "missing_parameter", 510},
        BadCase{"CRCX 8 a@b MGCP 1.0\r\nC: 1\r\nM: sendrecv\r\nS: l/rg\r\n", "missing_parameter",
                510},
        BadCase{"CRCX 8 a@b MGCP 1.0\r\nC: xyz\r\nM: sendrecv\r\n", "bad_call_id", 516},
        BadCase{"DLCX 8 a@b MGCP 1.0\r\nI: -1\r\n", "bad_connection_id", 515},
        BadCase{"CRCX 8 a@b MGCP 1.0\r\nC: 1\r\nM: shout\r\n", "bad_connection_mode", 517},
        BadCase{"CRCX 8 a@b MGCP 1.0\r\nC: 1\r\nM: recvonly\r\nL: p:10,,a:PCMU\r\n",
                "bad_lco_syntax", 541},
        BadCase{"CRCX 8 a@b MGCP 1.0\r\nC: 1\r\nM: recvonly\r\nL: zz:1\r\n", "unknown_lco", 541},
        BadCase{"CRCX 8 a@b MGCP 1.0\r\nC: 1\r\nM: recvonly\r\nL: x+foo:1\r\n",
                "unknown_lco_extension", 525},
        BadCase{"CRCX 8 a@b MGCP 1.0\r\nC: 1\r\nM: recvonly\r\nL: e:maybe\r\n", "bad_lco_value",
                532},
        BadCase{"CRCX 8 a@b MGCP 1.0\r\nC: 1\r\nM: recvonly\r\nL: p:10, p:20\r\n",
                "inconsistent_lco", 524},
        BadCase{"CRCX 8 a@b MGCP 1.0\r\nC: 1\r\nM: recvonly\r\n\r\nhello\r\n", "bad_sdp", 509},
        BadCase{"RSIP 8 a@b MGCP 1.0\r\nRM: reboot\r\n", "bad_restart_method", 536},
        BadCase{"RSIP 8 a@b MGCP 1.0\r\nRM: graceful\r\nRD: soon\r\n", "bad_restart_delay", 510},
        BadCase{"RQNT 8 a@b MGCP 1.0\r\nX: 1\r\nK: 5-3\r\n", "bad_response_ack", 510},
        BadCase{"RQNT 8 a@b MGCP 1.0\r\nX: 1\r\n\r\nv=0\r\n", "forbidden_parameter", 539}));

TEST(MgcpCodec, ErrorResponseEncodesCodeAndMeaning) {
  Message m;
  auto st = decode("FOOB 42 a@b MGCP 1.0\r\n", m);
  auto r = error_response(m, st);
  ASSERT_TRUE(r);
  EXPECT_EQ(encode(*r), "504 42 Unknown or unsupported command\r\n");
}

TEST(MgcpCatalogue, TablesAreConsistent) {
  // Every return code of §2.4 has a meaning; unknown ones map per §2.4's last paragraph.
  EXPECT_EQ(return_codes().size(), 57u);
  EXPECT_EQ(return_code_meaning(510), "Protocol error");
  EXPECT_EQ(return_code_meaning(299), "Success");
  EXPECT_EQ(effective_return_code(299), 200);
  EXPECT_EQ(effective_return_code(399), 521);
  EXPECT_EQ(effective_return_code(450), 400);
  EXPECT_EQ(effective_return_code(699), 510);
  EXPECT_EQ(effective_return_code(17), 0);
  EXPECT_EQ(effective_return_code(150), 100);
  EXPECT_EQ(reason_code_meaning(905), "Facility failure");
  for (const auto &v : verbs())
    EXPECT_EQ(verb_from_code(v.code), v.verb);
  for (const auto &p : params())
    EXPECT_EQ(param_from_code(p.code), p.param);
  for (const auto &m : modes())
    EXPECT_EQ(mode_from_code(m.code), m.mode);
  for (const auto &r : restart_methods())
    EXPECT_EQ(restart_method_from_code(r.code), r.method);
  // Spot checks of the §3.2.2 presence table.
  EXPECT_EQ(param_info(Param::CallId).in_command[size_t(Verb::Crcx)], Presence::M);
  EXPECT_EQ(param_info(Param::RestartMethod).in_command[size_t(Verb::Rsip)], Presence::M);
  EXPECT_EQ(param_info(Param::ObservedEvents).in_command[size_t(Verb::Ntfy)], Presence::M);
  EXPECT_EQ(param_info(Param::RequestedInfo).in_command[size_t(Verb::Aucx)], Presence::M);
}

TEST(MgcpCodec, ResponseAckRanges) {
  std::vector<TxRange> r;
  ASSERT_TRUE(parse_response_ack("6234-6255, 6257, 19030-19044", r));
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(r[1], TxRange(6257, 6257));
  EXPECT_EQ(format_response_ack(r), "6234-6255, 6257, 19030-19044");
  EXPECT_FALSE(parse_response_ack("0", r));
  EXPECT_FALSE(parse_response_ack("1-", r));
  EXPECT_FALSE(parse_response_ack("1000000000", r));
}

TEST(MgcpSdp, BuildsAndParsesAnAudioOffer) {
  std::string s = build_sdp({"127.0.0.1", 16002, {{8, "PCMA/8000"}, {0, "PCMU/8000"}}, 20, 99});
  Sdp sdp;
  ASSERT_TRUE(parse_sdp(s, sdp).ok());
  EXPECT_EQ(sdp.audio_address(), "127.0.0.1");
  EXPECT_EQ(sdp.audio()->port, 16002);
  EXPECT_EQ(sdp.audio()->payload_types, (std::vector<int>{8, 0}));
  EXPECT_EQ(sdp.ptime, 20);
  EXPECT_FALSE(parse_sdp("v=1\r\n", sdp).ok());
  EXPECT_FALSE(parse_sdp("v=0\r\nm=audio x RTP/AVP 0\r\n", sdp).ok());
  EXPECT_TRUE(parse_sdp("v=0\r\n", sdp).ok()); // an absent descriptor in an AUCX answer (§3.3)
}

TEST(MgcpCodec, LfOnlyInputIsAcceptedAndSentWithCrlf) {
  // Appendix A: EOL is CRLF or LF. Session descriptions are normalised to CRLF.
  Message m;
  ASSERT_TRUE(decode("200 7 OK\nI: 1\n\nv=0\nc=IN IP4 1.2.3.4\nm=audio 9 RTP/AVP 0\n", m).ok());
  ASSERT_EQ(m.sdp.size(), 1u);
  EXPECT_EQ(m.sdp[0], "v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 9 RTP/AVP 0\r\n");
  EXPECT_EQ(encode(m), "200 7 OK\r\nI: 1\r\n\r\nv=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 9 RTP/AVP 0\r\n");
  // White space runs in the command line are accepted (§3.2.1) and re-sent as single spaces;
  // an MGCP profile after the version is kept.
  ASSERT_TRUE(decode("AUEP \t 9   a@b  MGCP 1.0 NCS 1.0\r\n", m).ok());
  EXPECT_EQ(encode(m), "AUEP 9 a@b MGCP 1.0 NCS 1.0\r\n");
  // A parameter line in a non-canonical form is re-sent exactly as received.
  ASSERT_TRUE(decode("DLCX 9 a@b MGCP 1.0\r\nc:1\r\n", m).ok());
  EXPECT_EQ(m.get(Param::CallId), "1");
  EXPECT_EQ(encode(m), "DLCX 9 a@b MGCP 1.0\r\nc:1\r\n");
  m.set(Param::CallId, "2"); // once changed, encoded canonically
  EXPECT_EQ(encode(m), "DLCX 9 a@b MGCP 1.0\r\nC: 2\r\n");
}
