// H.248.1 Annex A binary codec (hand-written BER): text vectors -> model -> BER -> model gives
// the same message; malformed BER is rejected with a counted reason.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/hex.h"
#include "h248/codec.h"

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

// Returns how many vectors were encodable in binary (names in the Annex E catalogue).
size_t binary_round_trip(const char *dir) {
  size_t encodable = 0;
  for (const auto &p : vectors(dir)) {
    SCOPED_TRACE(p.string());
    Message m;
    EXPECT_TRUE(decode_text(slurp(p), m).ok());
    std::vector<uint8_t> bin;
    Status st = encode_binary(m, bin);
    if (!st.ok()) {
      EXPECT_TRUE(st.detail() == "h248.unknown_name" || st.detail() == "h248.unsupported")
          << st.detail();
      continue;
    }
    ++encodable;
    Message m2;
    Status st2 = decode_binary(bin, m2);
    EXPECT_TRUE(st2.ok()) << st2.detail() << " " << hex_encode(bin);
    // Annex A carries names as numbers, so their spelling comes back in catalogue case (B.3:
    // text names are case-insensitive); everything else must be identical.
    std::string a, b;
    encode_text(m, a, TextOptions{true});
    encode_text(m2, b, TextOptions{true});
    if (!(m == m2)) {
      std::string la = a, lb = b;
      for (auto *s : {&la, &lb})
        for (auto &c : *s)
          c = char(std::tolower(static_cast<unsigned char>(c)));
      EXPECT_EQ(la, lb);
    }
  }
  std::printf("%s: %zu of %zu encodable in binary\n", dir, encodable, vectors(dir).size());
  return encodable;
}

TEST(H248Binary, Rfc3525ExamplesRoundTrip) { EXPECT_GE(binary_round_trip("rfc3525"), 20u); }

TEST(H248Binary, FaxCaptureRoundTrip) { EXPECT_GE(binary_round_trip("fax"), 10u); }

TEST(H248Binary, MalformedInputIsCounted) {
  struct Case {
    const char *hex;
    const char *detail;
  };
  const Case cases[] = {
      {"", "h248.empty"},
      {"30", "h248.ber_truncated"},
      {"3006a103800101", "h248.ber_truncated"},
      {"3005a103800101", "h248.bad_mid"},
      {"3f00", "h248.ber_bad_tag"},
      {"3085ffffffffff", "h248.ber_bad_length"},
      {"3080", "h248.ber_unsupported"}, // and asn1c finds no end-of-contents either
      {"3000", "h248.bad_header"},
      {"3005a103800109", "h248.bad_version"},
      {"30053003800101", "h248.ber_bad_tag"},
  };
  DecodeCounters counters;
  for (const auto &c : cases) {
    SCOPED_TRACE(c.hex);
    auto bytes = hex_decode(c.hex);
    ASSERT_TRUE(bytes);
    Message m;
    Status st = decode_binary(*bytes, m, &counters);
    EXPECT_EQ(st.detail(), c.detail);
    EXPECT_NE(st.code(), 0);
  }
  EXPECT_EQ(counters.get(H248DecodeCounter::ber_truncated), 2u);
}

// Found by fuzz_h248_binary (issue 7's last CI run; corpus/binary/issue7_stream_without_id.ber):
// a Reply whose Add carries a Media descriptor in the multiStream form, each StreamDescriptor
// holding PropertyParms where its streamID and streamParms belong. Both are mandatory (Annex A
// StreamDescriptor); it was decoded as streams without ids ("Media { , }" in text), which are
// the oneStream form and were written back as something else. Now refused, while a well-formed
// multiStream of two streams still round-trips.
TEST(H248Binary, StreamDescriptorNeedsItsStreamIdAndParms) {
  auto bytes = hex_decode("30820145a1820141800101a10da00b80047c7c7cde810300d903a282012ba1820127a282012380022713a282011ba182011730820113800207d0a382010ba00da00b3009a00081054134343434a081f9a00b3009a00081054134343435a181e9a181e6a181e3a181e0300da00b8004a181d7a181d4a081d13081ce300b80040000b001a103040130303880040000b002a130002e2d2032383930383434353236203238393038343238303720494e20495034203132342e3132342e3132342e323232300b80040000b003a10304012d300e80040000b00da106040420302030302080040000b0089e180416494e20495034203132342e3132342e3132342e323232301e80040000b00fa1160414617564696f2032323232205254502f4156502034301280040000b00ca10a04087074696d653a3330301280040000b00ca10a0408726563766f6e6c79");
  ASSERT_TRUE(bytes);
  Message m;
  DecodeCounters counters;
  EXPECT_EQ(decode_binary(*bytes, m, &counters).detail(), "h248.bad_descriptor");
  EXPECT_EQ(counters.get(H248DecodeCounter::bad_descriptor), 1u);

  Message two;
  ASSERT_TRUE(decode_text("MEGACO/1 [10.0.0.1]:2944\nReply = 1 { Context = 2 { Add = A1 { Media { "
                          "Stream = 1 { LocalControl { Mode = SendOnly } }, Stream = 2 { LocalControl { "
                          "Mode = ReceiveOnly } } } } } }",
                          two)
                  .ok());
  std::vector<uint8_t> bin;
  ASSERT_TRUE(encode_binary(two, bin).ok());
  Message back;
  ASSERT_TRUE(decode_binary(bin, back).ok());
  EXPECT_EQ(back, two);
}

TEST(H248Binary, EveryTruncationOfAValidMessageFailsCleanly) {
  Message m;
  ASSERT_TRUE(decode_text(slurp(fs::path(MGC_TEST_DATA) / "h248/vectors/rfc3525/a1_13.txt"), m)
                  .ok());
  std::vector<uint8_t> bin;
  ASSERT_TRUE(encode_binary(m, bin).ok());
  for (size_t n = 0; n < bin.size(); ++n) {
    Message out;
    EXPECT_FALSE(decode_binary(std::span(bin.data(), n), out).ok()) << n;
  }
  bin.push_back(0);
  Message out;
  EXPECT_EQ(decode_binary(bin, out).detail(), "h248.trailing_data");
}

} // namespace
} // namespace mgc::h248
