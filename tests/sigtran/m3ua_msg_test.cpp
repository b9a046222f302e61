// RFC 4666 §3 codec: every vector decodes and re-encodes byte for byte; every invalid vector is
// refused with the §3.8.1 error code listed in its manifest.
#include "core/hex.h"
#include "sigtran/m3ua_msg.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <sstream>

namespace fs = std::filesystem;
using namespace mgc::sigtran::m3ua;

namespace {
const fs::path kVectors = fs::path(MGC_TEST_DATA) / "sigtran" / "vectors";

std::vector<uint8_t> load_hex(const fs::path &p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  auto b = mgc::hex_decode(s.str());
  EXPECT_TRUE(b.has_value()) << p;
  return b.value_or(std::vector<uint8_t>{});
}

std::vector<std::string> list(const std::string &sub) {
  std::vector<std::string> out;
  for (const auto &e : fs::directory_iterator(kVectors / sub))
    if (e.path().extension() == ".hex")
      out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

class ValidVector : public ::testing::TestWithParam<std::string> {};

TEST_P(ValidVector, DecodesAndReencodesByteExact) {
  auto bytes = load_hex(kVectors / GetParam());
  Message m;
  DecodeCounters c;
  auto st = decode(bytes, m, &c);
  ASSERT_TRUE(st.ok()) << st.detail() << " code " << st.code();
  EXPECT_EQ(c.get(DecodeCounter::ok), 1u);
  EXPECT_FALSE(msg_name(m.type()).empty());
  EXPECT_EQ(mgc::hex_encode(encode(m)), mgc::hex_encode(bytes));
  EXPECT_TRUE(check_stream(m, m.type() == MsgType::Data ? 1 : 0).ok());
}

std::vector<std::string> valid_vectors() {
  std::vector<std::string> out;
  for (const char *sub : {"rfc4666", "isup_cap", "bicc_pcap"})
    for (auto &n : list(sub))
      out.push_back(std::string(sub) + "/" + n + ".hex");
  return out;
}

INSTANTIATE_TEST_SUITE_P(Vectors, ValidVector, ::testing::ValuesIn(valid_vectors()),
                         [](const auto &info) {
                           std::string n = info.param.substr(0, info.param.size() - 4);
                           for (auto &ch : n)
                             if (!isalnum(uint8_t(ch)))
                               ch = '_';
                           return n;
                         });

std::map<std::string, int> manifest() {
  std::map<std::string, int> out;
  std::ifstream f(kVectors / "invalid" / "MANIFEST.tsv");
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    auto tab = line.find('\t');
    out[line.substr(0, tab)] = std::stoi(line.substr(tab + 1), nullptr, 16);
  }
  return out;
}

class InvalidVector : public ::testing::TestWithParam<std::string> {};

TEST_P(InvalidVector, RefusedWithErrorCode) {
  auto m = manifest();
  ASSERT_TRUE(m.count(GetParam())) << "not in MANIFEST.tsv";
  auto bytes = load_hex(kVectors / "invalid" / (GetParam() + ".hex"));
  Message msg;
  DecodeCounters c;
  auto st = decode(bytes, msg, &c);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), m[GetParam()]) << st.detail();
  EXPECT_TRUE(st.detail().starts_with("m3ua."));
  EXPECT_EQ(c.get(DecodeCounter::ok), 0u);
  uint64_t failures = 0;
  c.for_each([&](std::string_view, uint64_t v) { failures += v; });
  EXPECT_EQ(failures, 1u) << "one failure counted once";
}

INSTANTIATE_TEST_SUITE_P(Vectors, InvalidVector, ::testing::ValuesIn(list("invalid")),
                         [](const auto &info) { return info.param; });

TEST(M3uaCodec, EveryInvalidVectorIsListed) {
  EXPECT_EQ(manifest().size(), list("invalid").size());
}

TEST(M3uaCodec, BuildsAspUpAsInRfcFigure) {
  Message m(MsgType::AspUp);
  m.add_u32(Tag::AspIdentifier, 1).add_string(Tag::InfoString, "mgc asp");
  EXPECT_EQ(encode(m), load_hex(kVectors / "rfc4666" / "aspup.hex"));
}

TEST(M3uaCodec, ProtocolDataFromBiccCapture) {
  auto bytes = load_hex(kVectors / "bicc_pcap" / "1_data_bicc_iam.hex");
  Message m;
  ASSERT_TRUE(decode(bytes, m).ok());
  EXPECT_EQ(m.u32(Tag::RoutingContext), 310u);
  ProtocolData pd;
  ASSERT_TRUE(decode_protocol_data(m.find(Tag::ProtocolData)->value, pd).ok());
  // Figures as tshark shows them for this frame.
  EXPECT_EQ(pd.opc, 329729u);
  EXPECT_EQ(pd.dpc, 75781u);
  EXPECT_EQ(pd.si, 13);
  EXPECT_EQ(pd.ni, 2);
  EXPECT_EQ(pd.sls, 2);
  EXPECT_EQ(encode_protocol_data(pd), m.find(Tag::ProtocolData)->value);
}

TEST(M3uaCodec, ProtocolDataFromIsupCapture) {
  auto bytes = load_hex(kVectors / "isup_cap" / "1_iam.hex");
  Message m;
  ASSERT_TRUE(decode(bytes, m).ok());
  ProtocolData pd;
  ASSERT_TRUE(decode_protocol_data(m.find(Tag::ProtocolData)->value, pd).ok());
  EXPECT_EQ(pd.opc, 11522u);
  EXPECT_EQ(pd.dpc, 12163u);
  EXPECT_EQ(pd.si, 5);
  EXPECT_EQ(pd.ni, 3);
  EXPECT_EQ(pd.sls, 5);
  EXPECT_EQ(pd.user_data, load_hex(kVectors / "isup_cap_isup" / "1_iam.hex"));
}

TEST(M3uaCodec, UnknownParameterIsSkippedAndCounted) {
  // ASPUP with a reserved tag 0x0300 before the ASP Identifier (§3.2).
  auto bytes = *mgc::hex_decode("0100030100000018 03000006abcd0000 0011000800000001");
  Message m;
  DecodeCounters c;
  ASSERT_TRUE(decode(bytes, m, &c).ok());
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.u32(Tag::AspIdentifier), 1u);
  EXPECT_EQ(c.get(DecodeCounter::unknown_parameter_skipped), 1u);
}

TEST(M3uaCodec, MissingPaddingOfLastParameterIsAccepted) {
  auto bytes = *mgc::hex_decode("010003030000000d 0009000501");
  Message m;
  ASSERT_TRUE(decode(bytes, m).ok());
  EXPECT_EQ(m.find(Tag::HeartbeatData)->value, std::vector<uint8_t>{1});
}

TEST(M3uaCodec, StreamRules) {
  // §1.4.7: DATA never on stream 0; ASPSM on stream 0 except BEAT.
  EXPECT_EQ(check_stream(Message(MsgType::Data), 0).code(), 0x09);
  EXPECT_TRUE(check_stream(Message(MsgType::Data), 3).ok());
  EXPECT_EQ(check_stream(Message(MsgType::AspUp), 1).code(), 0x09);
  EXPECT_TRUE(check_stream(Message(MsgType::Beat), 1).ok());
  EXPECT_TRUE(check_stream(Message(MsgType::Ntfy), 2).ok());
  EXPECT_EQ(check_stream(Message(MsgType::RegReq), 2).code(), 0x09);
}

TEST(M3uaCodec, ErrorMessageCarriesFirst40Octets) {
  std::vector<uint8_t> offending(64, 0xab);
  uint32_t rc = 9;
  Message e = make_error(ErrorCode::InvalidRoutingContext, offending, {&rc, 1});
  EXPECT_EQ(e.u32(Tag::ErrorCode), 0x19u);
  EXPECT_EQ(e.u32(Tag::RoutingContext), 9u);
  EXPECT_EQ(e.find(Tag::DiagnosticInfo)->value.size(), 40u);
  Message back;
  ASSERT_TRUE(decode(encode(e), back).ok());
  EXPECT_EQ(back, e);
}

TEST(M3uaCodec, NotifyAndAffectedPointCodes) {
  uint32_t rcs[] = {1, 2};
  Message n = make_notify(StatusType::AsStateChange, uint16_t(AsStateInfo::AsActive), 5, rcs);
  Message back;
  ASSERT_TRUE(decode(encode(n), back).ok());
  EXPECT_EQ(back.u32(Tag::Status), 0x00010003u);
  EXPECT_EQ(back.u32_list(Tag::RoutingContext), (std::vector<uint32_t>{1, 2}));
  Message duna;
  ASSERT_TRUE(decode(load_hex(kVectors / "rfc4666" / "duna.hex"), duna).ok());
  auto pcs = affected_pcs(duna);
  ASSERT_EQ(pcs.size(), 2u);
  EXPECT_EQ(pcs[0].pc, 2u);
  EXPECT_EQ(pcs[1].mask, 8);
  EXPECT_EQ(pcs[1].pc, 0x100u);
}

TEST(M3uaCodec, TruncationsNeverCrash) {
  auto bytes = load_hex(kVectors / "rfc4666" / "reg_req.hex");
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    Message m;
    EXPECT_FALSE(decode(std::span(bytes).first(n), m).ok()) << n;
  }
}

TEST(M3uaCodec, CatalogueNames) {
  EXPECT_EQ(msg_name(MsgType::AspAcAck), "ASPAC_ACK");
  EXPECT_EQ(error_name(ErrorCode::NoConfiguredAsForAsp), "no_configured_as_for_asp");
  EXPECT_EQ(tag_name(0x0210), "protocol_data");
  MsgType t;
  ASSERT_TRUE(msg_by_name("DUPU", t));
  EXPECT_EQ(t, MsgType::Dupu);
  uint16_t tag;
  ASSERT_TRUE(tag_by_name("routing_context", tag));
  EXPECT_EQ(tag, 6);
}
} // namespace
