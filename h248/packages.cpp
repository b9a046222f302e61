// H.248.1 Annex E (RFC 3525 Annex E) package, property, event, signal, statistic and parameter
// identifiers, and Annex C.11 SDP equivalents; one table each.
#include "h248/packages.h"

#include <array>
#include <cstdio>

#include "h248/text_tokens.h"

namespace mgc::h248 {
namespace {

struct Package {
  std::string_view name;
  uint16_t id;
};
// Annex E: g (E.1), root (E.2), tonegen (E.3), tonedet (E.4), dg (E.5), dd (E.6), cg (E.7),
// cd (E.8), al (E.9), ct (E.10), nt (E.11), rtp (E.12), tdmc (E.13).
constexpr Package kPackages[] = {
    {"g", 0x0001},  {"root", 0x0002}, {"tonegen", 0x0003}, {"tonedet", 0x0004},
    {"dg", 0x0005}, {"dd", 0x0006},   {"cg", 0x0007},      {"cd", 0x0008},
    {"al", 0x0009}, {"ct", 0x000a},   {"nt", 0x000b},      {"rtp", 0x000c},
    {"tdmc", 0x000d},
};

struct Item {
  ItemKind kind;
  uint16_t package;
  std::string_view name;
  uint16_t id;
};
using K = ItemKind;
constexpr Item kItems[] = {
    // E.1 generic
    {K::Event, 0x0001, "cause", 0x0001},
    {K::Event, 0x0001, "sc", 0x0002},
    // E.2 base root
    {K::Property, 0x0002, "maxNumberOfContexts", 0x0001},
    {K::Property, 0x0002, "maxTerminationsPerContext", 0x0002},
    {K::Property, 0x0002, "normalMGExecutionTime", 0x0003},
    {K::Property, 0x0002, "normalMGCExecutionTime", 0x0004},
    {K::Property, 0x0002, "MGProvisionalResponseTimerValue", 0x0005},
    {K::Property, 0x0002, "MGCProvisionalResponseTimerValue", 0x0006},
    // E.3 tone generator, E.4 tone detection
    {K::Signal, 0x0003, "pt", 0x0001},
    {K::Event, 0x0004, "std", 0x0001},
    {K::Event, 0x0004, "etd", 0x0002},
    {K::Event, 0x0004, "ltd", 0x0003},
    // E.5 DTMF generator
    {K::Signal, 0x0005, "d0", 0x0010}, {K::Signal, 0x0005, "d1", 0x0011},
    {K::Signal, 0x0005, "d2", 0x0012}, {K::Signal, 0x0005, "d3", 0x0013},
    {K::Signal, 0x0005, "d4", 0x0014}, {K::Signal, 0x0005, "d5", 0x0015},
    {K::Signal, 0x0005, "d6", 0x0016}, {K::Signal, 0x0005, "d7", 0x0017},
    {K::Signal, 0x0005, "d8", 0x0018}, {K::Signal, 0x0005, "d9", 0x0019},
    {K::Signal, 0x0005, "da", 0x001a}, {K::Signal, 0x0005, "db", 0x001b},
    {K::Signal, 0x0005, "dc", 0x001c}, {K::Signal, 0x0005, "dd", 0x001d},
    {K::Signal, 0x0005, "ds", 0x0020}, {K::Signal, 0x0005, "do", 0x0021},
    // E.6 DTMF detection
    {K::Event, 0x0006, "ce", 0x0004},
    // E.7 call progress tones generator
    {K::Signal, 0x0007, "dt", 0x0030}, {K::Signal, 0x0007, "rt", 0x0031},
    {K::Signal, 0x0007, "bt", 0x0032}, {K::Signal, 0x0007, "ct", 0x0033},
    {K::Signal, 0x0007, "sit", 0x0034}, {K::Signal, 0x0007, "wt", 0x0035},
    {K::Signal, 0x0007, "prt", 0x0036}, {K::Signal, 0x0007, "cw", 0x0037},
    {K::Signal, 0x0007, "cr", 0x0038},
    // E.9 analog line supervision
    {K::Event, 0x0009, "on", 0x0004},
    {K::Event, 0x0009, "of", 0x0005},
    {K::Event, 0x0009, "fl", 0x0006},
    {K::Signal, 0x0009, "ri", 0x0002},
    // E.10 basic continuity
    {K::Event, 0x000a, "cmp", 0x0005},
    {K::Signal, 0x000a, "ct", 0x0003},
    {K::Signal, 0x000a, "rsp", 0x0004},
    // E.11 network
    {K::Property, 0x000b, "jit", 0x0007},
    {K::Event, 0x000b, "netfail", 0x0005},
    {K::Event, 0x000b, "qualert", 0x0006},
    {K::Statistic, 0x000b, "dur", 0x0001},
    {K::Statistic, 0x000b, "os", 0x0002},
    {K::Statistic, 0x000b, "or", 0x0003},
    // E.12 RTP
    {K::Event, 0x000c, "pltrans", 0x0001},
    {K::Statistic, 0x000c, "ps", 0x0004},
    {K::Statistic, 0x000c, "pr", 0x0005},
    {K::Statistic, 0x000c, "pl", 0x0006},
    {K::Statistic, 0x000c, "jit", 0x0007},
    {K::Statistic, 0x000c, "delay", 0x0008},
    // E.13 TDM circuit
    {K::Property, 0x000d, "ec", 0x0008},
    {K::Property, 0x000d, "gain", 0x000a},
};

// Annex C.11: SDP equivalents, native pseudo-package 0x0000, items 0xB001..
constexpr std::string_view kSdpLetters = "vosiuepcbzkatrm";

struct Param {
  ItemKind kind;
  uint32_t owner;
  std::string_view name;
  uint16_t id;
};
constexpr Param kParams[] = {
    {K::Event, 0x00010001, "Generalcause", 0x0001},
    {K::Event, 0x00010001, "Failurecause", 0x0002},
    {K::Event, 0x00010002, "SigID", 0x0001},
    {K::Event, 0x00010002, "Meth", 0x0002},
    {K::Event, 0x00010002, "SLID", 0x0003},
    {K::Signal, 0x00030001, "tl", 0x0001},
    {K::Signal, 0x00030001, "ind", 0x0002},
    {K::Event, 0x00040001, "tl", 0x0001},
    {K::Event, 0x00040001, "tid", 0x0003},
    {K::Event, 0x00040002, "tl", 0x0001},
    {K::Event, 0x00040002, "dur", 0x0002},
    {K::Event, 0x00040002, "tid", 0x0003},
    {K::Event, 0x00040003, "tl", 0x0001},
    {K::Event, 0x00040003, "dur", 0x0002},
    {K::Event, 0x00040003, "tid", 0x0003},
    {K::Event, 0x00060004, "ds", 0x0001},
    {K::Event, 0x00060004, "Meth", 0x0003},
    {K::Event, 0x00090004, "strict", 0x0001},
    {K::Event, 0x00090004, "init", 0x0002},
    {K::Event, 0x00090005, "strict", 0x0001},
    {K::Event, 0x00090005, "init", 0x0002},
    {K::Event, 0x00090006, "mindur", 0x0004},
    {K::Event, 0x00090006, "maxdur", 0x0005},
    {K::Signal, 0x00090002, "cad", 0x0006},
    {K::Signal, 0x00090002, "freq", 0x0007},
    {K::Event, 0x000a0005, "res", 0x0008},
    {K::Event, 0x000b0005, "cs", 0x0001},
    {K::Event, 0x000c0001, "rtppltype", 0x0001},
};

using text::iequals;

std::optional<uint16_t> hex16(std::string_view s) {
  if (s.size() != 6 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
    return std::nullopt;
  uint16_t v = 0;
  for (char c : s.substr(2)) {
    v = uint16_t(v << 4);
    if (c >= '0' && c <= '9')
      v |= uint16_t(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= uint16_t(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= uint16_t(c - 'A' + 10);
    else
      return std::nullopt;
  }
  return v;
}

std::string hex_text(uint16_t v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04x", v);
  return buf;
}

} // namespace

std::optional<uint16_t> package_id(std::string_view name) {
  for (const auto &p : kPackages)
    if (iequals(p.name, name))
      return p.id;
  return hex16(name);
}

std::string package_text(uint16_t id) {
  for (const auto &p : kPackages)
    if (p.id == id)
      return std::string(p.name);
  return hex_text(id);
}

std::optional<uint32_t> pkgd_name_id(ItemKind kind, std::string_view name) {
  auto slash = name.find('/');
  if (slash == std::string_view::npos) {
    if (name.size() == 1 && kind == ItemKind::Property) {
      auto i = kSdpLetters.find(text::lower(name[0]));
      if (i != std::string_view::npos)
        return uint32_t(0xB001 + i);
    }
    return std::nullopt;
  }
  auto pkg = package_id(name.substr(0, slash));
  if (!pkg)
    return std::nullopt;
  auto item = name.substr(slash + 1);
  if (item == "*")
    return uint32_t(*pkg) << 16 | 0xFFFF; // Annex A PkgdName: all items of the package
  for (const auto &i : kItems)
    if (i.kind == kind && i.package == *pkg && iequals(i.name, item))
      return uint32_t(*pkg) << 16 | i.id;
  auto h = hex16(item);
  if (!h)
    return std::nullopt;
  return uint32_t(*pkg) << 16 | *h;
}

std::string pkgd_name_text(ItemKind kind, uint32_t id) {
  uint16_t pkg = uint16_t(id >> 16), item = uint16_t(id);
  if (pkg == 0 && kind == ItemKind::Property && item >= 0xB001 &&
      item < 0xB001 + kSdpLetters.size())
    return std::string(1, kSdpLetters[item - 0xB001]);
  std::string out = package_text(pkg);
  out.push_back('/');
  if (item == 0xFFFF) {
    out.push_back('*');
    return out;
  }
  for (const auto &i : kItems)
    if (i.kind == kind && i.package == pkg && i.id == item) {
      out.append(i.name);
      return out;
    }
  out.append(hex_text(item));
  return out;
}

std::optional<uint16_t> param_name_id(ItemKind kind, uint32_t owner, std::string_view name) {
  for (const auto &p : kParams)
    if (p.kind == kind && p.owner == owner && iequals(p.name, name))
      return p.id;
  return hex16(name);
}

std::string param_name_text(ItemKind kind, uint32_t owner, uint16_t id) {
  for (const auto &p : kParams)
    if (p.kind == kind && p.owner == owner && p.id == id)
      return std::string(p.name);
  return hex_text(id);
}

} // namespace mgc::h248
