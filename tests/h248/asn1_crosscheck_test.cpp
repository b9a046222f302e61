// Cross-check of the hand-written BER codec against asn1c's (generated at build time from the
// Annex A module): our encoding of every vector decodes with asn1c and asn1c's DER re-encoding
// is byte-identical (so ours is DER, and asn1c sees the same message); a message written by
// hand in XER and encoded by asn1c decodes with our decoder to the expected model.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/hex.h"
#include "h248/asn1_reference.h"
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

void crosscheck(const char *dir, size_t min_checked) {
  std::vector<fs::path> v;
  for (const auto &e : fs::directory_iterator(fs::path(MGC_TEST_DATA) / "h248/vectors" / dir))
    if (e.path().extension() == ".txt")
      v.push_back(e.path());
  std::sort(v.begin(), v.end());
  size_t checked = 0;
  for (const auto &p : v) {
    SCOPED_TRACE(p.string());
    Message m;
    ASSERT_TRUE(decode_text(slurp(p), m).ok());
    std::vector<uint8_t> ours;
    if (!encode_binary(m, ours).ok())
      continue; // names outside the Annex E catalogue (see ber_codec_test)
    std::vector<uint8_t> theirs;
    Status st = asn1ref::ber_to_der(ours, theirs);
    ASSERT_TRUE(st.ok()) << st.detail() << " " << hex_encode(ours);
    EXPECT_EQ(hex_encode(ours), hex_encode(theirs));
    ++checked;
  }
  EXPECT_GE(checked, min_checked);
}

TEST(H248Asn1, Rfc3525ExamplesMatchAsn1c) { crosscheck("rfc3525", 27); }
TEST(H248Asn1, FaxCaptureMatchesAsn1c) { crosscheck("fax", 100); }

TEST(H248Asn1, Asn1cEncodedMessageDecodes) {
  // A Notify written by hand in XER (a SEQUENCE OF CHOICE lists the alternatives directly).
  const std::string xer =
      "<MegacoMessage><mess><version>2</version>"
      "<mId><ip4Address><address>0A 00 00 01</address><portNumber>2945</portNumber>"
      "</ip4Address></mId>"
      "<messageBody><transactions><transactionRequest>"
      "<transactionId>4711</transactionId><actions><ActionRequest><contextId>42</contextId>"
      "<commandRequests><CommandRequest><command><notifyReq>"
      "<terminationID><TerminationID><wildcard></wildcard><id>74 31</id></TerminationID>"
      "</terminationID>"
      "<observedEventsDescriptor><requestId>7</requestId><observedEventLst><ObservedEvent>"
      "<eventName>00 06 00 04</eventName>"
      "<eventParList><EventParameter><eventParameterName>00 01</eventParameterName>"
      "<value><OCTET_STRING>31 32 33</OCTET_STRING></value></EventParameter></eventParList>"
      "<timeNotation><date>20240101</date><time>10000000</time></timeNotation>"
      "</ObservedEvent></observedEventLst></observedEventsDescriptor>"
      "</notifyReq></command></CommandRequest></commandRequests></ActionRequest></actions>"
      "</transactionRequest></transactions></messageBody></mess></MegacoMessage>";
  std::vector<uint8_t> der;
  Status st = asn1ref::xer_to_der(xer, der);
  ASSERT_TRUE(st.ok()) << st.detail();
  Message m;
  st = decode_binary(der, m);
  ASSERT_TRUE(st.ok()) << st.detail() << " " << hex_encode(der);
  std::string text;
  ASSERT_TRUE(encode_text(m, text).ok());
  EXPECT_EQ(text, "!/2 [10.0.0.1]:2945\nT=4711{C=42{N=t1{OE=7{20240101T10000000:dd/ce{ds=123}}}}}");
  std::vector<uint8_t> ours;
  ASSERT_TRUE(encode_binary(m, ours).ok());
  EXPECT_EQ(hex_encode(ours), hex_encode(der));
}

TEST(H248Asn1, IndefiniteLengthsAreAccepted) {
  Message m;
  ASSERT_TRUE(decode_text(slurp(fs::path(MGC_TEST_DATA) / "h248/vectors/rfc3525/a1_13.txt"), m)
                  .ok());
  std::vector<uint8_t> der;
  ASSERT_TRUE(encode_binary(m, der).ok());
  // Re-wrap the outer SEQUENCE with an indefinite length (X.690 8.1.3.6), as BER allows;
  // asn1c decodes it too.
  size_t hdr = (der[1] & 0x80) ? 2 + (der[1] & 0x7F) : 2;
  std::vector<uint8_t> ber{0x30, 0x80};
  ber.insert(ber.end(), der.begin() + long(hdr), der.end());
  ber.push_back(0);
  ber.push_back(0);
  DecodeCounters c;
  Message out;
  Status st = decode_binary(ber, out, &c);
  ASSERT_TRUE(st.ok()) << st.detail();
  EXPECT_EQ(out, m);
  EXPECT_EQ(c.get(H248DecodeCounter::ber_indefinite_normalised), 1u);
  std::vector<uint8_t> again;
  ASSERT_TRUE(asn1ref::ber_to_der(ber, again).ok());
  EXPECT_EQ(again, der);
}

} // namespace
} // namespace mgc::h248
