#include "gateway/mgcd/config.h"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace mgc::gw {

namespace {
template <typename T> T *by_name(std::deque<T> &v, const std::string &name) {
  for (auto &x : v)
    if (x.name == name)
      return &x;
  return nullptr;
}
} // namespace

TrunkGroupConfig *Config::trunk_group(const std::string &n) { return by_name(trunk_groups, n); }
SipPeerConfig *Config::sip_peer(const std::string &n) { return by_name(sip.peers, n); }
MediaGatewayConfig *Config::media_gateway(const std::string &n) { return by_name(media_gateways, n); }
cc::Route *Config::route(const std::string &prefix) {
  for (auto &r : routes)
    if (r.prefix == prefix)
      return &r;
  return nullptr;
}

sigtran::Role m3ua_link_role(M3uaRole r) {
  switch (r) {
  case M3uaRole::Sgp:
    return sigtran::Role::Sgp;
  case M3uaRole::Asp:
  case M3uaRole::Ipsp:
    return sigtran::Role::Asp;
  }
  return sigtran::Role::Asp;
}

std::optional<uint32_t> parse_point_code(const std::string &text, PointCodeFormat f) {
  if (text.empty())
    return std::nullopt;
  if (text.find('.') == std::string::npos) {
    char *end = nullptr;
    const unsigned long v = std::strtoul(text.c_str(), &end, 10);
    if (*end || v > 0xffffff)
      return std::nullopt;
    return static_cast<uint32_t>(v);
  }
  unsigned a, b, c;
  char tail;
  if (std::sscanf(text.c_str(), "%u.%u.%u%c", &a, &b, &c, &tail) != 3)
    return std::nullopt;
  if (f == PointCodeFormat::Ansi888) {
    if (a > 255 || b > 255 || c > 255)
      return std::nullopt;
    return a << 16 | b << 8 | c;
  }
  if (a > 7 || b > 255 || c > 7) // ITU 3-8-3 (Q.708)
    return std::nullopt;
  return a << 11 | b << 3 | c;
}

std::string format_point_code(uint32_t pc, PointCodeFormat f) {
  switch (f) {
  case PointCodeFormat::Ansi888:
    return std::to_string(pc >> 16 & 0xff) + "." + std::to_string(pc >> 8 & 0xff) + "." +
           std::to_string(pc & 0xff);
  case PointCodeFormat::Itu383:
    return std::to_string(pc >> 11 & 7) + "." + std::to_string(pc >> 3 & 0xff) + "." +
           std::to_string(pc & 7);
  default:
    return std::to_string(pc);
  }
}

std::vector<std::string> validate(const Config &c) {
  std::vector<std::string> e;
  if (!c.ss7.point_code)
    e.push_back("ss7: no point-code configured");
  const uint32_t max_pc = c.ss7.variant == isup::Variant::Ansi ? 0xffffff : 0x3fff;
  if (c.ss7.point_code && *c.ss7.point_code > max_pc)
    e.push_back("ss7: point-code does not fit the variant's point code length");
  const uint16_t max_cic = c.ss7.variant == isup::Variant::Ansi ? 0x3fff : 0x0fff;
  if (!c.trunk_groups.empty() && c.m3ua.remote_addresses.empty() && c.m3ua.role != M3uaRole::Sgp)
    e.push_back("m3ua: no remote-address to reach the signalling gateway or peer");
  std::set<std::pair<uint32_t, uint16_t>> cics;
  for (const auto &t : c.trunk_groups) {
    if (!t.dpc)
      e.push_back("trunk-group " + t.name + ": no dpc");
    if (t.cic_ranges.empty())
      e.push_back("trunk-group " + t.name + ": no cic-range");
    for (auto [a, b] : t.cic_ranges) {
      if (b > max_cic)
        e.push_back("trunk-group " + t.name + ": CIC " + std::to_string(b) +
                    " exceeds the variant's CIC length");
      for (uint32_t x = a; x <= b; ++x)
        if (t.dpc && !cics.insert({*t.dpc, static_cast<uint16_t>(x)}).second) {
          e.push_back("trunk-group " + t.name + ": CIC " + std::to_string(x) +
                      " toward this DPC is already in another range");
          break;
        }
    }
    if (t.media_gateway.empty())
      e.push_back("trunk-group " + t.name + ": no media-gateway");
    else if (!const_cast<Config &>(c).media_gateway(t.media_gateway))
      e.push_back("trunk-group " + t.name + ": media-gateway " + t.media_gateway +
                  " is not configured");
  }
  for (const auto &r : c.routes) {
    if (r.targets.empty())
      e.push_back("route " + r.prefix + ": no target");
    for (const auto &t : r.targets) {
      const bool ok = t.kind == cc::RouteTarget::Kind::TrunkGroup
                          ? const_cast<Config &>(c).trunk_group(t.name) != nullptr
                          : const_cast<Config &>(c).sip_peer(t.name) != nullptr;
      if (!ok)
        e.push_back("route " + r.prefix + ": " + name_of(cc::kRouteTargetKindNames, t.kind) + " " +
                    t.name + " is not configured");
    }
  }
  for (const auto &p : c.sip.peers)
    if (p.address.empty())
      e.push_back("sip peer " + p.name + ": no address");
  const bool tls = std::any_of(c.sip.listen.begin(), c.sip.listen.end(), [](const SipListen &l) {
    return l.transport == sipt::TransportKind::Tls;
  });
  if (tls && (c.sip.tls_certificate.empty() || c.sip.tls_key.empty()))
    e.push_back("sip: listen tls needs tls certificate and tls key");
  for (auto &t : check_layer_timers(c.layer_timers))
    e.push_back(std::move(t));
  return e;
}

} // namespace mgc::gw
