// Tags, branches and Call-IDs (sipt/random.h): at least 64 random bits each from the CSPRNG
// (RFC 3261 §19.3, §8.1.1.4; issue 14). The old generator gave 48-bit tags from an mt19937_64
// seeded with 32 bits.
#include "sipt/dialog.h"
#include "sipt/fields.h"
#include "sipt/random.h"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <unordered_set>

using namespace mgc::sipt;

namespace {

bool all_hex(std::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

} // namespace

TEST(Random, IdentifiersCarryAtLeast64RandomBits) {
  const std::string tag = new_tag();
  EXPECT_GE(tag.size() * 4, 64u) << tag;
  EXPECT_TRUE(all_hex(tag)) << tag;
  const std::string branch = new_branch();
  ASSERT_EQ(branch.rfind(std::string(kMagicCookie) + "-", 0), 0u) << branch;
  const std::string_view rnd = std::string_view(branch).substr(kMagicCookie.size() + 1);
  EXPECT_GE(rnd.size() * 4, 64u) << branch;
  EXPECT_TRUE(all_hex(rnd)) << branch;
  const std::string id = new_call_id("192.0.2.1");
  const auto at = id.find('@');
  ASSERT_NE(at, std::string::npos);
  EXPECT_GE(at * 4, 64u) << id;
  EXPECT_EQ(id.substr(at), "@192.0.2.1");
  EXPECT_EQ(random_hex(128).size(), 32u);
}

// No repeats in 200,000 tags, and every bit position is set about half of the time (a stuck or
// short generator shows as a bias far beyond 1 %).
TEST(Random, TagsAreUniqueAndUnbiased) {
  constexpr int kN = 200000;
  std::unordered_set<std::string> seen;
  std::array<int, 64> ones{};
  for (int i = 0; i < kN; ++i) {
    const std::string t = new_tag();
    ASSERT_TRUE(seen.insert(t).second) << "repeated tag " << t;
    const uint64_t v = std::stoull(t.substr(0, 16), nullptr, 16);
    for (int b = 0; b < 64; ++b)
      ones[std::size_t(b)] += int((v >> b) & 1);
  }
  for (int b = 0; b < 64; ++b) {
    EXPECT_GT(ones[std::size_t(b)], kN / 2 - kN / 100) << "bit " << b;
    EXPECT_LT(ones[std::size_t(b)], kN / 2 + kN / 100) << "bit " << b;
  }
}
