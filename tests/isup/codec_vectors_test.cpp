// Every message type decodes, re-encodes to identical octets, and survives the JSON round trip
// (tests/isup/vectors/messages.tsv); the SIP-T bodies of the SIPp harness decode in the no-CIC
// form of RFC 3204.
#include "isup/json.h"
#include "test_util.h"

#include <gtest/gtest.h>

using namespace mgc::isup;
using namespace isup_test;

namespace {

struct Vector {
  std::string acronym, variant, cic, hex, expect;
};

std::vector<Vector> load() {
  std::vector<Vector> v;
  for (auto &r : read_tsv(data("vectors/messages.tsv")))
    v.push_back({r[0], r[1], r[2], r[3], r[4]});
  return v;
}

// Readable test parameter names in failure output.
void PrintTo(const Vector &v, std::ostream *os) { *os << v.acronym << "/" << v.variant; }

DecodeOptions options(const Vector &v) {
  DecodeOptions o;
  o.variant = v.variant == "ansi" ? Variant::Ansi : Variant::Itu;
  return o;
}

std::string digits(const Message &m, uint8_t code) {
  for (const auto &p : m.parameters)
    if (p.code == code)
      return std::visit(
          [](const auto &x) -> std::string {
            if constexpr (std::is_base_of_v<Number, std::decay_t<decltype(x)>>)
              return std::string(x.address_signals.str());
            return "<untyped>";
          },
          p.value);
  return "<absent>";
}

class MessageVectors : public testing::TestWithParam<Vector> {};

TEST_P(MessageVectors, DecodeEncodeIsIdentity) {
  const Vector &v = GetParam();
  const auto in = bytes(v.cic + v.hex);
  Message m;
  DecodeResult r = decode(in, options(v), m);
  ASSERT_TRUE(r.status.ok()) << r.status.detail();
  EXPECT_TRUE(r.canonical);
  EXPECT_EQ(message_acronym(static_cast<uint8_t>(m.type)), v.acronym);
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode(m, options(v), out).ok());
  EXPECT_EQ(mgc::hex_encode(out), mgc::hex_encode(in));
}

TEST_P(MessageVectors, NoCicFormIsTheSameMessageWithoutItsCic) {
  const Vector &v = GetParam();
  DecodeOptions o = options(v);
  o.with_cic = false;
  const auto in = bytes(v.hex);
  Message m;
  ASSERT_TRUE(decode(in, o, m).status.ok());
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode(m, o, out).ok());
  EXPECT_EQ(out, in);
}

TEST_P(MessageVectors, JsonRoundTrip) {
  const Vector &v = GetParam();
  const auto in = bytes(v.cic + v.hex);
  Message m;
  ASSERT_TRUE(decode(in, options(v), m).status.ok());
  const nlohmann::json j = to_json(m, options(v));
  EXPECT_EQ(j["message"], v.acronym);
  Message back;
  mgc::Status s = from_json(nlohmann::json::parse(j.dump()), options(v), back);
  ASSERT_TRUE(s.ok()) << s.detail();
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode(back, options(v), out).ok());
  EXPECT_EQ(mgc::hex_encode(out), mgc::hex_encode(in));
}

TEST_P(MessageVectors, ExpectedFields) {
  const Vector &v = GetParam();
  Message m;
  ASSERT_TRUE(decode(bytes(v.cic + v.hex), options(v), m).status.ok());
  const uint16_t cic_raw = static_cast<uint16_t>(std::stoul(v.cic.substr(2, 2) + v.cic.substr(0, 2), nullptr, 16));
  EXPECT_EQ(m.cic, cic_raw & (v.variant == "ansi" ? 0x3fff : 0x0fff));
  for (auto &[k, want] : expectations(v.expect)) {
    if (k == "called")
      EXPECT_EQ(digits(m, 0x04), want);
    else if (k == "calling")
      EXPECT_EQ(digits(m, 0x0a), want);
    else if (k == "subsequent")
      EXPECT_EQ(digits(m, 0x05), want);
    else if (k == "connected")
      EXPECT_EQ(digits(m, 0x21), want);
    else if (k == "generic")
      EXPECT_EQ(digits(m, 0xc0), want);
    else if (k == "redirecting")
      EXPECT_EQ(digits(m, 0x0b), want);
    else if (k == "original_called")
      EXPECT_EQ(digits(m, 0x28), want);
    else if (k == "location")
      EXPECT_EQ(digits(m, 0x3f), want);
    else if (k == "cpc") {
      ASSERT_TRUE(m.find<CallingPartysCategory>());
      EXPECT_EQ(m.find<CallingPartysCategory>()->value, std::stoi(want));
    } else if (k == "hop") {
      ASSERT_TRUE(m.find<HopCounter>());
      EXPECT_EQ(m.find<HopCounter>()->hop_counter, std::stoi(want));
    } else if (k == "cause") {
      ASSERT_TRUE(m.find<CauseIndicators>());
      EXPECT_EQ(m.find<CauseIndicators>()->cause_value, std::stoi(want));
    } else if (k == "range") {
      ASSERT_TRUE(m.find<RangeAndStatus>());
      EXPECT_EQ(m.find<RangeAndStatus>()->range, std::stoi(want));
    } else
      ADD_FAILURE() << "unknown expectation " << k;
  }
}

std::string name(const testing::TestParamInfo<Vector> &i) {
  return i.param.acronym + "_" + i.param.variant;
}

INSTANTIATE_TEST_SUITE_P(Isup, MessageVectors, testing::ValuesIn(load()), name);

TEST(MessageVectors, EveryCatalogueEntryHasAVector) {
  std::set<std::string> itu, ansi;
  for (auto &v : load())
    (v.variant == "ansi" ? ansi : itu).insert(v.acronym);
  for (const auto &f : message_catalogue(Variant::Itu))
    EXPECT_TRUE(itu.count(std::string(f.acronym))) << f.acronym;
  for (const char *a : {"IAM", "ACM", "ANM", "REL", "RLC", "GRS", "CGB", "BLO", "RSC", "CRM",
                        "CRA", "CVT", "CVR", "EXM"})
    EXPECT_TRUE(ansi.count(a)) << a;
}

// RFC 3204 bodies as the shared SIPp SIP-T harness sends them.
std::vector<uint8_t> file(const std::string &rel) {
  std::ifstream f(data(rel), std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

TEST(SipTBodies, DecodeWithoutCic) {
  DecodeOptions o;
  o.with_cic = false;
  Message m;
  auto iam = file("vectors/sipt/iam.bin");
  ASSERT_TRUE(decode(iam, o, m).status.ok());
  EXPECT_EQ(m.type, MessageType::Iam);
  EXPECT_EQ(digits(m, 0x04), "12345");
  EXPECT_EQ(digits(m, 0x0a), "5551234");
  EXPECT_EQ(m.find<CallingPartysCategory>()->value, 10);
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode(m, o, out).ok());
  EXPECT_EQ(out, iam);

  for (auto [f, t] : {std::pair{"acm", MessageType::Acm}, {"anm", MessageType::Anm},
                      {"rel", MessageType::Rel}, {"rlc", MessageType::Rlc}}) {
    auto b = file(std::string("vectors/sipt/") + f + ".bin");
    ASSERT_TRUE(decode(b, o, m).status.ok()) << f;
    EXPECT_EQ(m.type, t);
    ASSERT_TRUE(encode(m, o, out).ok());
    EXPECT_EQ(out, b) << f;
  }
  ASSERT_TRUE(decode(file("vectors/sipt/rel.bin"), o, m).status.ok());
  EXPECT_EQ(m.find<CauseIndicators>()->cause_value, 16);
}

} // namespace
