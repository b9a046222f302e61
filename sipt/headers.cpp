// Lookup tables derived from the MGC_SIPT_HEADERS catalogue (RFC 3261 §7.3.3 compact forms).
#include "sipt/headers.h"

#include "sipt/syntax.h"

#include <array>

namespace mgc::sipt {
namespace {

constexpr std::array<HeaderInfo, kHeaderCount + 1> kInfo{{
#define MGC_SIPT_HDR_INFO_(id, name, compact, arity, rfc) {name, compact, Arity::arity, rfc},
    MGC_SIPT_HEADERS(MGC_SIPT_HDR_INFO_)
#undef MGC_SIPT_HDR_INFO_
        {"", 0, Arity::Repeat, ""},
}};

constexpr char clower(char c) { return (c >= 'A' && c <= 'Z') ? char(c | 0x20) : c; }

// Names are matched case-insensitively (§7.3.1); the hash only looks at the length and three
// characters, and a probe confirms with a full comparison.
constexpr std::size_t kSlots = 256;
constexpr std::size_t hash_name(std::string_view n) {
  std::size_t h = n.size() * 131u + std::size_t(uint8_t(clower(n[0]))) * 31u +
                  std::size_t(uint8_t(clower(n[n.size() - 1])));
  if (n.size() > 1)
    h += std::size_t(uint8_t(clower(n[1]))) * 7u;
  return h & (kSlots - 1);
}

constexpr std::array<uint8_t, kSlots> make_full() {
  std::array<uint8_t, kSlots> t{};
  for (auto &s : t)
    s = 0xff;
  for (std::size_t i = 0; i < kHeaderCount; ++i) {
    std::size_t h = hash_name(kInfo[i].name);
    while (t[h] != 0xff)
      h = (h + 1) & (kSlots - 1);
    t[h] = uint8_t(i);
  }
  return t;
}
constexpr std::array<uint8_t, kSlots> kFull = make_full();

constexpr std::array<uint8_t, 128> make_compact() {
  std::array<uint8_t, 128> t{};
  for (auto &s : t)
    s = uint8_t(HeaderId::Other);
  for (std::size_t i = 0; i < kHeaderCount; ++i)
    if (kInfo[i].compact)
      t[std::size_t(clower(kInfo[i].compact))] = uint8_t(i);
  return t;
}
constexpr std::array<uint8_t, 128> kCompact = make_compact();

} // namespace

const HeaderInfo &header_info(HeaderId id) { return kInfo[static_cast<std::size_t>(id)]; }

HeaderId lookup_header(std::string_view name) {
  if (name.empty())
    return HeaderId::Other;
  if (name.size() == 1) {
    auto c = uint8_t(lower(name[0]));
    return c < 128 ? HeaderId(kCompact[c]) : HeaderId::Other;
  }
  std::size_t h = hash_name(name);
  while (kFull[h] != 0xff) {
    const auto &info = kInfo[kFull[h]];
    if (iequals(info.name, name))
      return HeaderId(kFull[h]);
    h = (h + 1) & (kSlots - 1);
  }
  return HeaderId::Other;
}

} // namespace mgc::sipt
