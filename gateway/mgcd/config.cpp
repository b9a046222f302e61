#include "gateway/mgcd/config.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <tuple>

#ifdef MGC_MGCD_FULL
#include "h248/codec.h"
#endif

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

namespace {
bool numeric(const std::string &host) {
  core::Address a;
  return core::Address::parse(host, 0, a);
}

// Every address a listener binds or a peer is reached at: numeric IPv4 or IPv6 (names are not
// resolved on the loop, DESIGN.md), what each layer can use, and no two media gateways that one
// shared socket could not tell apart.
void check_addresses(const Config &c, std::vector<std::string> &e) {
  const auto &ca = c.call_agent;
  if (!numeric(ca.mgcp_address))
    e.push_back("call-agent: mgcp local-address " + ca.mgcp_address + " is no IPv4 or IPv6 address");
  if (!numeric(ca.h248_address))
    e.push_back("call-agent: h248 local-address " + ca.h248_address + " is no IPv4 or IPv6 address");
#ifdef MGC_MGCD_FULL
  h248::Mid mid;
  if (!ca.h248_mid.empty() && !h248::parse_mid(ca.h248_mid, mid))
    e.push_back("call-agent: h248 mid " + ca.h248_mid +
                " is no H.248 mId (e.g. [192.0.2.1]:2944 or <mgc.example.net>:2944)");
#endif
  std::set<std::tuple<MediaGatewayProtocol, H248Transport, core::Address, core::Address>> peers;
  for (const auto &m : c.media_gateways) {
    const std::string who = "media-gateway " + m.name + ": ";
    const bool h248 = m.protocol == MediaGatewayProtocol::H248;
    core::Address peer, local;
    if (!core::Address::parse(m.address, m.port, peer))
      e.push_back(who + "address " + m.address + " is no IPv4 or IPv6 address");
    const std::string &lhost =
        m.local_address.empty() ? (h248 ? ca.h248_address : ca.mgcp_address) : m.local_address;
    const uint16_t lport =
        m.local_address.empty() ? (h248 ? ca.h248_port : ca.mgcp_port) : m.local_port;
    if (!core::Address::parse(lhost, lport, local) && !m.local_address.empty())
      e.push_back(who + "local-address " + m.local_address + " is no IPv4 or IPv6 address");
    else if (core::Address::parse(m.address, m.port, peer) && local.v6 != peer.v6)
      e.push_back(who + "address " + m.address + " and the local address " + lhost +
                  " are not of one IP version (set local-address)");
    if (!h248 && m.transport == H248Transport::Tcp)
      e.push_back(who + "transport tcp is for H.248 (MGCP runs over UDP, RFC 3435 3.5)");
    if (!h248 && !m.mid.empty())
      e.push_back(who + "mid is for H.248 (an MGCP gateway is named by its domain)");
#ifdef MGC_MGCD_FULL
    if (h248 && !m.mid.empty() && !h248::parse_mid(m.mid, mid))
      e.push_back(who + "mid " + m.mid + " is no H.248 mId (e.g. [192.0.2.2]:2944)");
#endif
    // One socket per local address dispatches by the peer's address: two gateways at the same
    // address on it could not be told apart.
    const auto key = std::make_tuple(m.protocol, h248 ? m.transport : H248Transport::Udp, local,
                                     peer);
    if (!peers.insert(key).second)
      e.push_back(who + "another media gateway of its protocol is at " + m.address + " " +
                  std::to_string(m.port) + " on the same local address");
  }
  if (!c.metrics.address.empty() && !numeric(c.metrics.address))
    e.push_back("metrics: bind " + c.metrics.address + " is no IPv4 or IPv6 address");
  if (!c.telnet.address.empty() && !numeric(c.telnet.address))
    e.push_back("telnet: bind " + c.telnet.address + " is no IPv4 or IPv6 address");
  // SIP listens on every listener given, IPv4 or IPv6 (RFC 3261 §18), each once.
  for (std::size_t i = 0; i < c.sip.listen.size(); ++i) {
    const SipListen &l = c.sip.listen[i];
    if (!numeric(l.address))
      e.push_back("sip: listen " + l.address + " is no IPv4 or IPv6 address");
    for (std::size_t j = 0; j < i; ++j)
      if (c.sip.listen[j] == l)
        e.push_back("sip: listen " + std::string(name_of(sipt::kTransportParamNames, l.transport)) +
                    " " + l.address + " " + std::to_string(l.port) + " is given twice");
  }
  // The SCTP transports (usrsctp) take IPv4 addresses; TCP takes both.
  const bool sctp = c.m3ua.transport != sigtran::TransportProto::Tcp;
  for (const auto *list : {&c.m3ua.local_addresses, &c.m3ua.remote_addresses})
    for (const auto &a : *list) {
      core::Address x;
      if (!core::Address::parse(a, 0, x))
        e.push_back("m3ua: " + a + " is no IPv4 or IPv6 address");
      else if (x.v6 && sctp)
        e.push_back("m3ua: " + a + ": the SCTP transports take IPv4 addresses only (use transport tcp "
                    "for IPv6)");
    }
}
} // namespace

std::vector<std::string> validate(const Config &c) {
  std::vector<std::string> e;
  if (!c.cdr.postgresql.conninfo.empty() && c.cdr.postgresql.spool.empty())
    e.push_back("cdr: postgresql needs a spool file (postgresql spool PATH)");
  if (!cc::valid_cdr_table(c.cdr.postgresql.table))
    e.push_back("cdr: postgresql table '" + c.cdr.postgresql.table +
                "' is not a lower-case identifier or schema.identifier");
  if (!c.ss7.point_code)
    e.push_back("ss7: no point-code configured");
  const uint32_t max_pc = c.ss7.variant == isup::Variant::Ansi ? 0xffffff : 0x3fff;
  if (c.ss7.point_code && *c.ss7.point_code > max_pc)
    e.push_back("ss7: point-code does not fit the variant's point code length");
  const uint16_t max_cic = c.ss7.variant == isup::Variant::Ansi ? 0x3fff : 0x0fff;
  if (!c.trunk_groups.empty() && c.m3ua.remote_addresses.empty() && c.m3ua.role != M3uaRole::Sgp)
    e.push_back("m3ua: no remote-address to reach the signalling gateway or peer");
  for (std::size_t i = 0; i < core::kLoadMeasures; ++i)
    if (!c.overload.levels.thresholds[i].valid())
      e.push_back(std::string("overload: measure ") +
                  name_of(core::kLoadMeasureNames, static_cast<core::LoadMeasure>(i)) +
                  ": onsets must rise with the level, each abatement below its onset");
  if (!c.overload.shed.valid())
    e.push_back("overload: the share refused and the Retry-After must not fall as the level rises");
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
    if (!t.busy_out_peer.empty() && !const_cast<Config &>(c).sip_peer(t.busy_out_peer))
      e.push_back("trunk-group " + t.name + ": busy-out-on-peer-down " + t.busy_out_peer +
                  " is no configured sip peer");
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
  check_addresses(c, e);
  for (auto &t : check_layer_timers(c.layer_timers))
    e.push_back(std::move(t));
  return e;
}

} // namespace mgc::gw
