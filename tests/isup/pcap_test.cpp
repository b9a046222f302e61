// Real traffic: every ISUP message of two Wireshark sample captures decodes, re-encodes to the
// same octets, and its type, CIC, digits and cause agree with what tshark reports
// (vectors/*.tsv, written by tools/pcap-expectations and re-checked by the integration test).
#include "test_util.h"

#include <gtest/gtest.h>

using namespace mgc::isup;
using namespace isup_test;

namespace {

std::string number(const Message &m, uint8_t code) {
  if (const Parameter *p = m.find_code(code))
    return std::visit(
        [](const auto &x) -> std::string {
          if constexpr (std::is_base_of_v<Number, std::decay_t<decltype(x)>>)
            return std::string(x.address_signals.str());
          return "<untyped>";
        },
        p->value);
  return "";
}

void check_capture(const std::string &tsv, std::size_t expected_rows) {
  auto rows = read_tsv(data(tsv));
  ASSERT_EQ(rows.size(), expected_rows);
  Message m;
  std::vector<uint8_t> out;
  std::size_t canonical = 0;
  for (const auto &r : rows) {
    SCOPED_TRACE("frame " + r[0]);
    const auto in = bytes(r[1]);
    DecodeResult res = decode(in, DecodeOptions{}, m);
    // Real traffic carries national parameters: they must come with instructions that let the
    // message be used (isup.cap's IAM has parameter 0xf4 with "discard parameter").
    ASSERT_TRUE(res.status.ok() || (res.reason == DecodeReason::unrecognized_parameter &&
                                    res.action == Action::Process))
        << res.status.detail();
    EXPECT_EQ(static_cast<int>(m.type), std::stoi(r[2]));
    EXPECT_EQ(m.cic, std::stoi(r[3]));
    EXPECT_EQ(number(m, 0x04), r[4]);
    EXPECT_EQ(number(m, 0x0a), r[5]);
    if (!r[6].empty()) {
      ASSERT_TRUE(m.find<CauseIndicators>());
      EXPECT_EQ(m.find<CauseIndicators>()->cause_value, std::stoi(r[6]));
    }
    ASSERT_TRUE(encode(m, DecodeOptions{}, out).ok());
    EXPECT_EQ(mgc::hex_encode(out), r[1]);
    canonical += res.canonical;
  }
  EXPECT_EQ(canonical, rows.size());
}

TEST(Pcap, IsupLoadGeneratorE1) { check_capture("vectors/isup_load_generator.tsv", 5265); }
TEST(Pcap, IsupCapM3ua) { check_capture("vectors/isup_cap.tsv", 6); }

} // namespace
