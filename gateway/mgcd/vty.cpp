#include "gateway/mgcd/vty.h"

#include "callcontrol/cdr_libpq.h"

#include "gateway/vty_commands.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

namespace mgc::gw {
namespace {

Config *g_cfg = nullptr;

enum MgcdNode {
  // `show running-config` writes nodes in this order: what is referred to comes first.
  TELNET_NODE = _LAST_OSMOVTY_NODE + 1,
  SS7_NODE,
  M3UA_NODE,
  CALL_AGENT_NODE,
  MEDIA_GATEWAY_NODE,
  TRUNK_GROUP_NODE,
  SIP_NODE,
  SIP_PEER_NODE,
  ROUTE_NODE,
  TIMERS_NODE,
  OVERLOAD_NODE,
  CDR_NODE,
  GATEWAY_NODE,
  METRICS_NODE,
};

#define NL VTY_NEWLINE
// Live configuration: told after every config command that succeeded (not while a file is read).
std::function<void(struct vty *)> g_on_change;
// What `show running-config` writes once the gateway runs: the configuration in force.
const Config *g_running = nullptr;
const Config &shown() { return g_running ? *g_running : *g_cfg; }
bool g_paused = false;
std::function<void(struct vty *)> g_reload;
// Sections a running gateway takes only at a restart are written as configured (so that `write`
// keeps the change), each with a remark when that is not what is in force.
template <typename T> void pending_note(struct vty *vty, const char *what, T Config::*section) {
  if (g_running && !(g_cfg->*section == g_running->*section))
    vty_out(vty, "! %s: changed, in force once mgcd restarts%s", what, VTY_NEWLINE);
}
void changed(struct vty *vty) {
  if (g_on_change && !g_paused)
    g_on_change(vty);
}

// DEFUN does not compile as C++ (designated initializer order, PLATFORM.md); this does. Each
// command's body runs, then a successful one is applied to the running gateway.
#define CMD(fn, str, help)                                                                         \
  int fn##_body(struct cmd_element *, struct vty *, int, const char *[]);                          \
  DEFUN_ATTR_USRATTR(fn, fn##_cmd, 0, 0, str, help) {                                             \
    const int rc = fn##_body(self, vty, argc, argv);                                               \
    if (rc == CMD_SUCCESS)                                                                         \
      changed(vty);                                                                                \
    return rc;                                                                                     \
  }                                                                                                \
  int fn##_body([[maybe_unused]] struct cmd_element *self, [[maybe_unused]] struct vty *vty,       \
                [[maybe_unused]] int argc, [[maybe_unused]] const char *argv[])

template <typename T> T &current(struct vty *vty) { return *static_cast<T *>(vty->index); }
// Traffic management (admission, dry-up, route advance): written inside their nodes' writers.
void write_limits(struct vty *vty, const char *indent, const cc::AdmissionLimits &l);
void write_route_advance(struct vty *vty, const cc::Route &r);
using sigtran::m3ua::kNetworkIndicatorNames;
using vtycmd::set_keyword;

// Address arguments take IPv4 and IPv6 (the command strings say (A.B.C.D|X:X::X:X)).
#define ADDR "(A.B.C.D|X:X::X:X)"
#define ADDR_HELP "IPv4 address\nIPv6 address\n"

std::optional<uint16_t> port_arg(const char *s) {
  const long v = std::strtol(s, nullptr, 10);
  if (v < 1 || v > 65535)
    return std::nullopt;
  return static_cast<uint16_t>(v);
}

std::optional<uint32_t> pc_arg(struct vty *vty, const char *s) {
  auto pc = parse_point_code(s, g_cfg->ss7.point_code_format);
  if (!pc)
    vty_out(vty, "%% invalid point code '%s'%s", s, NL);
  return pc;
}

// ---------------------------------------------------------------- ss7
struct cmd_node ss7_node = {SS7_NODE, "%s(config-ss7)# ", 1, nullptr, nullptr, {}};

CMD(cfg_ss7, "ss7", "Local SS7 signalling point\n") {
  vty->node = SS7_NODE;
  vty->index = g_cfg;
  return CMD_SUCCESS;
}
CMD(cfg_ss7_pc_format, "point-code-format (integer|3-8-3|8-8-8)",
    "How point codes are written\nA plain integer\nITU 3-8-3 (Q.708)\nANSI 8-8-8\n") {
  return set_keyword(vty, kPointCodeFormatNames, argv[0], g_cfg->ss7.point_code_format);
}
CMD(cfg_ss7_pc, "point-code PC", "This exchange's point code\nPoint code\n") {
  auto pc = pc_arg(vty, argv[0]);
  if (!pc)
    return CMD_WARNING;
  g_cfg->ss7.point_code = *pc;
  return CMD_SUCCESS;
}
CMD(cfg_ss7_variant, "variant (itu|ansi)", "ISUP variant\nITU-T Q.763\nANSI T1.113\n") {
  return set_keyword(vty, isup::kVariantNames, argv[0], g_cfg->ss7.variant);
}
CMD(cfg_ss7_ni, "network-indicator (international|spare|national|reserved)",
    "Network indicator of the SIO (Q.704 14.2.1)\nInternational\nSpare\nNational\nReserved\n") {
  return set_keyword(vty, kNetworkIndicatorNames, argv[0], g_cfg->ss7.network_indicator);
}

CMD(cfg_ss7_reduction, "congestion-reduction level-1 <0-100> level-2 <0-100>",
    "Share of new calls withheld toward a congested exchange (automatic congestion level in a "
    "REL, Q.764 2.11; MTP congestion, 2.10)\nAt level 1\nPercent\nAt level 2\nPercent\n") {
  g_cfg->congestion_reduction = {unsigned(std::atoi(argv[0])), unsigned(std::atoi(argv[1]))};
  return CMD_SUCCESS;
}

int write_ss7(struct vty *vty) {
  const auto &s = g_cfg->ss7;
  pending_note(vty, "ss7", &Config::ss7);
  vty_out(vty, "ss7%s", NL);
  vty_out(vty, " point-code-format %s%s", name_of(kPointCodeFormatNames, s.point_code_format), NL);
  if (s.point_code)
    vty_out(vty, " point-code %s%s", format_point_code(*s.point_code, s.point_code_format).c_str(), NL);
  vty_out(vty, " variant %s%s", name_of(isup::kVariantNames, s.variant), NL);
  vty_out(vty, " network-indicator %s%s", name_of(kNetworkIndicatorNames, s.network_indicator), NL);
  if (!(g_cfg->congestion_reduction == cc::TrafficReduction{}))
    vty_out(vty, " congestion-reduction level-1 %u level-2 %u%s",
            g_cfg->congestion_reduction.level1_percent, g_cfg->congestion_reduction.level2_percent,
            NL);
  return CMD_SUCCESS;
}

// ---------------------------------------------------------------- m3ua
struct cmd_node m3ua_node = {M3UA_NODE, "%s(config-m3ua)# ", 1, nullptr, nullptr, {}};

CMD(cfg_m3ua, "m3ua", "M3UA association toward the SG / peer (RFC 4666)\n") {
  vty->node = M3UA_NODE;
  vty->index = g_cfg;
  return CMD_SUCCESS;
}
CMD(cfg_m3ua_transport, "transport (usrsctp-udp|usrsctp-raw|kernel-sctp|tcp)",
    "Transport\nSCTP in user space over UDP (RFC 6951)\nSCTP in user space over raw IP\n"
    "Kernel SCTP\nTCP\n") {
  return set_keyword(vty, sigtran::kTransportConfigNames, argv[0], g_cfg->m3ua.transport);
}
CMD(cfg_m3ua_role, "role (asp|sgp|ipsp)", "M3UA role\nASP\nSGP\nIPSP\n") {
  return set_keyword(vty, kM3uaRoleNames, argv[0], g_cfg->m3ua.role);
}
CMD(cfg_m3ua_local_addr, "local-address " ADDR, "Local address (repeat for multihoming)\n" ADDR_HELP) {
  g_cfg->m3ua.local_addresses.push_back(argv[0]);
  return CMD_SUCCESS;
}
CMD(cfg_m3ua_remote_addr, "remote-address " ADDR, "Remote address (repeat for multihoming)\n" ADDR_HELP) {
  g_cfg->m3ua.remote_addresses.push_back(argv[0]);
  return CMD_SUCCESS;
}
CMD(cfg_m3ua_local_port, "local-port <1-65535>", "Local port\nPort\n") {
  g_cfg->m3ua.local_port = *port_arg(argv[0]);
  return CMD_SUCCESS;
}
CMD(cfg_m3ua_remote_port, "remote-port <1-65535>", "Remote port\nPort\n") {
  g_cfg->m3ua.remote_port = *port_arg(argv[0]);
  return CMD_SUCCESS;
}
CMD(cfg_m3ua_udp_ports, "udp-encapsulation local <1-65535> remote <1-65535>",
    "SCTP over UDP ports (RFC 6951), usrsctp-udp only\nThis end\nPort\nThe peer\nPort\n") {
  g_cfg->m3ua.udp_local_port = *port_arg(argv[0]);
  g_cfg->m3ua.udp_remote_port = *port_arg(argv[1]);
  return CMD_SUCCESS;
}
CMD(cfg_m3ua_rc, "routing-context <0-4294967295>", "Routing context (RFC 4666 3.8.2)\nValue\n") {
  g_cfg->m3ua.routing_context = static_cast<uint32_t>(std::strtoul(argv[0], nullptr, 10));
  return CMD_SUCCESS;
}
CMD(cfg_m3ua_mode, "traffic-mode (override|loadshare|broadcast)",
    "AS traffic mode (RFC 4666 3.8.4)\nOverride\nLoadshare\nBroadcast\n") {
  return set_keyword(vty, sigtran::m3ua::kTrafficModeNames, argv[0], g_cfg->m3ua.traffic_mode);
}
CMD(cfg_m3ua_route, "route PC priority <1-9>",
    "Route a destination point code over this association\nDPC\nPriority\n1 is the highest\n") {
  auto pc = pc_arg(vty, argv[0]);
  if (!pc)
    return CMD_WARNING;
  g_cfg->m3ua.routes.push_back({*pc, static_cast<uint8_t>(std::atoi(argv[1]))});
  return CMD_SUCCESS;
}

int write_m3ua(struct vty *vty) {
  const auto &m = g_cfg->m3ua;
  pending_note(vty, "m3ua", &Config::m3ua);
  vty_out(vty, "m3ua%s", NL);
  vty_out(vty, " transport %s%s", name_of(sigtran::kTransportConfigNames, m.transport), NL);
  vty_out(vty, " role %s%s", name_of(kM3uaRoleNames, m.role), NL);
  for (const auto &a : m.local_addresses)
    vty_out(vty, " local-address %s%s", a.c_str(), NL);
  vty_out(vty, " local-port %u%s", m.local_port, NL);
  for (const auto &a : m.remote_addresses)
    vty_out(vty, " remote-address %s%s", a.c_str(), NL);
  vty_out(vty, " remote-port %u%s", m.remote_port, NL);
  if (m.transport == sigtran::TransportProto::SctpUdp)
    vty_out(vty, " udp-encapsulation local %u remote %u%s", m.udp_local_port, m.udp_remote_port, NL);
  if (m.routing_context)
    vty_out(vty, " routing-context %u%s", *m.routing_context, NL);
  vty_out(vty, " traffic-mode %s%s", name_of(sigtran::m3ua::kTrafficModeNames, m.traffic_mode), NL);
  for (const auto &r : m.routes)
    vty_out(vty, " route %s priority %u%s",
            format_point_code(r.dpc, g_cfg->ss7.point_code_format).c_str(), r.priority, NL);
  return CMD_SUCCESS;
}

// ---------------------------------------------------------------- trunk-group
struct cmd_node trunk_group_node = {TRUNK_GROUP_NODE, "%s(config-trunk-group)# ", 1, nullptr, nullptr, {}};

CMD(cfg_tg, "trunk-group NAME", "Circuits toward one PSTN exchange\nName\n") {
  TrunkGroupConfig *t = g_cfg->trunk_group(argv[0]);
  if (!t) {
    g_cfg->trunk_groups.push_back({});
    t = &g_cfg->trunk_groups.back();
    t->name = argv[0];
  }
  vty->node = TRUNK_GROUP_NODE;
  vty->index = t;
  return CMD_SUCCESS;
}
CMD(cfg_no_tg, "no trunk-group NAME", NO_STR "Circuits toward one PSTN exchange\nName\n") {
  auto &v = g_cfg->trunk_groups;
  for (auto it = v.begin(); it != v.end(); ++it)
    if (it->name == argv[0]) {
      v.erase(it);
      return CMD_SUCCESS;
    }
  vty_out(vty, "%% no trunk group %s%s", argv[0], NL);
  return CMD_WARNING;
}
CMD(cfg_tg_dpc, "dpc PC", "Point code of the far exchange\nPoint code\n") {
  auto pc = pc_arg(vty, argv[0]);
  if (!pc)
    return CMD_WARNING;
  current<TrunkGroupConfig>(vty).dpc = *pc;
  return CMD_SUCCESS;
}
CMD(cfg_tg_cics, "cic-range <0-16383> <0-16383>", "Circuits of the group\nFirst CIC\nLast CIC\n") {
  const int a = std::atoi(argv[0]), b = std::atoi(argv[1]);
  if (a > b) {
    vty_out(vty, "%% first CIC %d is above last CIC %d%s", a, b, NL);
    return CMD_WARNING;
  }
  auto &t = current<TrunkGroupConfig>(vty);
  for (auto [x, y] : t.cic_ranges)
    if (a <= y && b >= x) {
      vty_out(vty, "%% CICs %d-%d overlap the range %u-%u%s", a, b, x, y, NL);
      return CMD_WARNING;
    }
  t.cic_ranges.emplace_back(static_cast<uint16_t>(a), static_cast<uint16_t>(b));
  return CMD_SUCCESS;
}
// Taking circuits out: live, they drain (blocked once their calls end: DESIGN.md "Live
// configuration"). The range must be one configured as such.
CMD(cfg_tg_no_cics, "no cic-range <0-16383> <0-16383>",
    NO_STR "Circuits of the group\nFirst CIC\nLast CIC\n") {
  auto &t = current<TrunkGroupConfig>(vty);
  const std::pair<uint16_t, uint16_t> r(static_cast<uint16_t>(std::atoi(argv[0])),
                                        static_cast<uint16_t>(std::atoi(argv[1])));
  auto it = std::find(t.cic_ranges.begin(), t.cic_ranges.end(), r);
  if (it == t.cic_ranges.end()) {
    vty_out(vty, "%% no cic-range %s %s in this trunk group%s", argv[0], argv[1], NL);
    return CMD_WARNING;
  }
  t.cic_ranges.erase(it);
  return CMD_SUCCESS;
}
CMD(cfg_tg_mgw, "media-gateway NAME", "Media gateway terminating these circuits\nName\n") {
  current<TrunkGroupConfig>(vty).media_gateway = argv[0];
  return CMD_SUCCESS;
}
CMD(cfg_tg_rule, "endpoint-rule RULE",
    "Endpoint name of a circuit: {span} {ts} {n} {nx} {cic}\nRule\n") {
  const std::string rule = argv[0];
  for (std::size_t i = rule.find('{'); i != std::string::npos; i = rule.find('{', i + 1)) {
    const std::string ph = rule.substr(i, rule.find('}', i) - i + 1);
    if (ph != "{span}" && ph != "{ts}" && ph != "{n}" && ph != "{nx}" && ph != "{cic}") {
      vty_out(vty, "%% unknown placeholder %s in endpoint-rule%s", ph.c_str(), NL);
      return CMD_WARNING;
    }
  }
  current<TrunkGroupConfig>(vty).endpoint_rule = rule;
  return CMD_SUCCESS;
}
CMD(cfg_tg_framing, "endpoint-framing (e1|t1|linear)",
    "How CICs map to spans and timeslots\n32 timeslots per span, 0 and 16 unused\n"
    "24 per span\nNo spans: {n} counts circuits\n") {
  return set_keyword(vty, mgcp::kFramingNames, argv[0],
                     current<TrunkGroupConfig>(vty).endpoint_framing);
}
CMD(cfg_tg_hunting, "hunting (sequential|round-robin|least-recently-used)",
    "Circuit selection for outgoing calls\nLowest free CIC\nNext after the last one taken\n"
    "The one idle longest\n") {
  return set_keyword(vty, cc::kHuntingNames, argv[0], current<TrunkGroupConfig>(vty).hunting);
}

CMD(cfg_tg_glare, "glare (point-code|even|odd|all|none)",
    "Circuits this exchange controls in dual seizure (Q.764 2.9.1.4)\n"
    "By point code: the higher one controls the even CICs (default)\n"
    "The even CICs (bilateral agreement)\nThe odd CICs (bilateral agreement)\n"
    "Every CIC: this exchange wins every dual seizure\n"
    "No CIC: this exchange yields every dual seizure\n") {
  return set_keyword(vty, cc::kGlareControlNames, argv[0], current<TrunkGroupConfig>(vty).glare);
}

CMD(cfg_tg_overlap, "overlap min-digits <1-30>",
    "Overlap signalling with this exchange (Q.764 2.1.2, RFC 3578): SAMs complete IAMs, more digits "
    "from SIP go in SAMs\nThe fewest digits that can be routed (below them T35 runs)\nDigits\n") {
  current<TrunkGroupConfig>(vty).overlap_min_digits = static_cast<unsigned>(std::atoi(argv[0]));
  return CMD_SUCCESS;
}
CMD(cfg_tg_no_overlap, "no overlap", "Negate\nEn bloc signalling with this exchange (default)\n") {
  current<TrunkGroupConfig>(vty).overlap_min_digits = 0;
  return CMD_SUCCESS;
}

int write_trunk_groups(struct vty *vty) {
  for (const auto &t : shown().trunk_groups) {
    vty_out(vty, "trunk-group %s%s", t.name.c_str(), NL);
    if (t.dpc)
      vty_out(vty, " dpc %s%s", format_point_code(*t.dpc, shown().ss7.point_code_format).c_str(), NL);
    for (auto [a, b] : t.cic_ranges)
      vty_out(vty, " cic-range %u %u%s", a, b, NL);
    if (!t.media_gateway.empty())
      vty_out(vty, " media-gateway %s%s", t.media_gateway.c_str(), NL);
    vty_out(vty, " endpoint-rule %s%s", t.endpoint_rule.c_str(), NL);
    vty_out(vty, " endpoint-framing %s%s", name_of(mgcp::kFramingNames, t.endpoint_framing), NL);
    vty_out(vty, " hunting %s%s", name_of(cc::kHuntingNames, t.hunting), NL);
    if (t.glare != cc::GlareControl::PointCode)
      vty_out(vty, " glare %s%s", name_of(cc::kGlareControlNames, t.glare), NL);
    if (t.overlap_min_digits)
      vty_out(vty, " overlap min-digits %u%s", t.overlap_min_digits, NL);
    write_limits(vty, " ", t.admission);
    if (t.dry_up_timeout_s)
      vty_out(vty, " dry-up-timeout %u%s", t.dry_up_timeout_s, NL);
    if (!t.busy_out_peer.empty())
      vty_out(vty, " busy-out-on-peer-down %s%s", t.busy_out_peer.c_str(), NL);
    if (t.shutdown)
      vty_out(vty, " shutdown%s", NL);
  }
  return CMD_SUCCESS;
}

// ---------------------------------------------------------------- sip
struct cmd_node sip_node = {SIP_NODE, "%s(config-sip)# ", 1, nullptr, nullptr, {}};
struct cmd_node sip_peer_node = {SIP_PEER_NODE, "%s(config-sip-peer)# ", 1, nullptr, nullptr, {}};

CMD(cfg_sip, "sip", "SIP side\n") {
  vty->node = SIP_NODE;
  vty->index = g_cfg;
  return CMD_SUCCESS;
}
// Several listeners, per transport and address, IPv4 and IPv6 (RFC 3261 §18); added and
// removed live (Gateway::apply).
CMD(cfg_sip_listen, "listen (udp|tcp|tls) " ADDR " <0-65535>",
    "Listen for SIP\nUDP\nTCP\nTLS (sips)\n" ADDR_HELP "Port (0: any free port)\n") {
  SipListen l{sipt::TransportKind::Udp, argv[1], static_cast<uint16_t>(std::atoi(argv[2]))};
  if (int rc = set_keyword(vty, sipt::kTransportParamNames, argv[0], l.transport);
      rc != CMD_SUCCESS)
    return rc;
  if (std::find(g_cfg->sip.listen.begin(), g_cfg->sip.listen.end(), l) == g_cfg->sip.listen.end())
    g_cfg->sip.listen.push_back(std::move(l));
  return CMD_SUCCESS;
}
CMD(cfg_sip_no_listen, "no listen (udp|tcp|tls) " ADDR " <0-65535>",
    NO_STR "Listen for SIP\nUDP\nTCP\nTLS (sips)\n" ADDR_HELP "Port\n") {
  SipListen l{sipt::TransportKind::Udp, argv[1], static_cast<uint16_t>(std::atoi(argv[2]))};
  if (int rc = set_keyword(vty, sipt::kTransportParamNames, argv[0], l.transport);
      rc != CMD_SUCCESS)
    return rc;
  auto &v = g_cfg->sip.listen;
  auto it = std::find(v.begin(), v.end(), l);
  if (it == v.end()) {
    vty_out(vty, "%% no such listener%s", NL);
    return CMD_WARNING;
  }
  v.erase(it);
  return CMD_SUCCESS;
}
CMD(cfg_sip_tls_cert, "tls certificate FILE", "TLS\nCertificate chain (PEM)\nFile\n") {
  g_cfg->sip.tls_certificate = argv[0];
  return CMD_SUCCESS;
}
CMD(cfg_sip_tls_key, "tls key FILE", "TLS\nPrivate key (PEM)\nFile\n") {
  g_cfg->sip.tls_key = argv[0];
  return CMD_SUCCESS;
}
CMD(cfg_sip_tls_ca, "tls ca FILE", "TLS\nCA certificates for peers (PEM)\nFile\n") {
  g_cfg->sip.tls_ca = argv[0];
  return CMD_SUCCESS;
}
CMD(cfg_sip_tls_verify, "tls verify-client", "TLS\nRequire and verify client certificates\n") {
  g_cfg->sip.tls_verify_client = true;
  return CMD_SUCCESS;
}
CMD(cfg_sip_udp_buffers, "udp-buffers receive <0-268435456> send <0-268435456>",
    "UDP socket buffers (default 4194304 each; capped at net.core.rmem_max / wmem_max unless "
    "mgcd may force them)\nReceive buffer\nBytes (0: the system's default)\nSend buffer\n"
    "Bytes (0: the system's default)\n") {
  g_cfg->sip.udp_receive_buffer = std::atoi(argv[0]);
  g_cfg->sip.udp_send_buffer = std::atoi(argv[1]);
  return CMD_SUCCESS;
}
CMD(cfg_sip_tcp_connections, "tcp-connections total <1-65535> per-source <1-65535>",
    "TCP/TLS connections accepted (more are closed at once; the total stays below the "
    "descriptor limit)\nIn all (default 256)\nConnections\nFrom one source address (default 8)\n"
    "Connections\n") {
  g_cfg->sip.tcp.total = uint32_t(std::atoi(argv[0]));
  g_cfg->sip.tcp.per_source = uint32_t(std::atoi(argv[1]));
  return CMD_SUCCESS;
}
CMD(cfg_sip_tcp_timeouts, "tcp-timeouts idle <1000-86400000> message <100-3600000>",
    "TCP/TLS connection deadlines\nClosed after this long without a complete message (default "
    "600000)\nMilliseconds\nA message begun must be complete within (default 10000)\n"
    "Milliseconds\n") {
  g_cfg->sip.tcp.idle_ms = uint32_t(std::atoi(argv[0]));
  g_cfg->sip.tcp.message_ms = uint32_t(std::atoi(argv[1]));
  return CMD_SUCCESS;
}
CMD(cfg_sip_peer, "peer NAME", "A SIP peer (SBC, proxy, softswitch)\nName\n") {
  SipPeerConfig *p = g_cfg->sip_peer(argv[0]);
  if (!p) {
    g_cfg->sip.peers.push_back({});
    p = &g_cfg->sip.peers.back();
    p->name = argv[0];
  }
  vty->node = SIP_PEER_NODE;
  vty->index = p;
  return CMD_SUCCESS;
}
CMD(cfg_sip_no_peer, "no peer NAME", NO_STR "A SIP peer\nName\n") {
  auto &v = g_cfg->sip.peers;
  for (auto it = v.begin(); it != v.end(); ++it)
    if (it->name == argv[0]) {
      v.erase(it);
      return CMD_SUCCESS;
    }
  vty_out(vty, "%% no SIP peer %s%s", argv[0], NL);
  return CMD_WARNING;
}
CMD(cfg_peer_address, "address " ADDR " <1-65535>", "Where the peer is\n" ADDR_HELP "Port\n") {
  auto &p = current<SipPeerConfig>(vty);
  p.address = argv[0];
  p.port = *port_arg(argv[1]);
  return CMD_SUCCESS;
}
CMD(cfg_peer_transport, "transport (udp|tcp|tls)", "Transport toward the peer\nUDP\nTCP\nTLS\n") {
  return set_keyword(vty, sipt::kTransportParamNames, argv[0],
                     current<SipPeerConfig>(vty).transport);
}
CMD(cfg_peer_profile, "profile (plain|sip-t|sip-i)",
    "What the peer speaks\nPlain SIP (RFC 3398 mapping)\nSIP-T (RFC 3372)\nSIP-I (Q.1912.5)\n") {
  return set_keyword(vty, cc::kSipProfileNames, argv[0], current<SipPeerConfig>(vty).profile);
}
CMD(cfg_peer_trusted, "trusted", "Accept ISUP bodies and asserted identities from this peer\n") {
  current<SipPeerConfig>(vty).trusted = true;
  return CMD_SUCCESS;
}
CMD(cfg_peer_untrusted, "no trusted", NO_STR "Ignore ISUP bodies and asserted identities (RFC 3372 §5)\n") {
  current<SipPeerConfig>(vty).trusted = false;
  return CMD_SUCCESS;
}
CMD(cfg_peer_acl, "acl " ADDR, "Accept requests for this peer from an address\n" ADDR_HELP) {
  current<SipPeerConfig>(vty).acl.push_back(argv[0]);
  return CMD_SUCCESS;
}

// RFC 3261 §22: the peer's digest credentials (sipt/uac_auth.h). Live: calls routed from then on
// answer challenges with them, and the peer's next INVITE is challenged for them.
int set_peer_auth(struct vty *vty, const char *user, const char *password, const char *realm) {
  sipt::Credentials &a = current<SipPeerConfig>(vty).auth;
  a = {user, password, realm ? realm : ""};
  return CMD_SUCCESS;
}
CMD(cfg_peer_auth, "auth username WORD password WORD",
    "Digest credentials (RFC 3261 §22)\nUser name\nUser name\nPassword\nPassword\n") {
  return set_peer_auth(vty, argv[0], argv[1], nullptr);
}
CMD(cfg_peer_auth_realm, "auth username WORD password WORD realm WORD",
    "Digest credentials (RFC 3261 §22)\nUser name\nUser name\nPassword\nPassword\n"
    "Only for this realm (RFC 3261 §22.1), and the realm of our challenges\nRealm\n") {
  return set_peer_auth(vty, argv[0], argv[1], argv[2]);
}
CMD(cfg_peer_auth_challenge, "auth challenge (sha-256|md5)",
    "Digest credentials (RFC 3261 §22)\nWhat our 401s to this peer offer\n"
    "SHA-256, then MD5 (RFC 7616 §3.7, the default)\n"
    "MD5 alone (clients that read the first challenge only and lack SHA-256)\n") {
  current<SipPeerConfig>(vty).challenge_md5_only = std::string_view(argv[0]) == "md5";
  return CMD_SUCCESS;
}
CMD(cfg_peer_no_auth, "no auth", NO_STR "No digest credentials: challenges end the call attempt\n") {
  current<SipPeerConfig>(vty).auth = {};
  current<SipPeerConfig>(vty).challenge_md5_only = false;
  return CMD_SUCCESS;
}
CMD(cfg_peer_redirect, "redirect follow max-redirects <1-10>",
    "3xx responses (RFC 3261 §8.1.3.4)\nTry the Contacts of a 3xx from this peer\n"
    "At most this many 3xx per call\nRedirects\n") {
  current<SipPeerConfig>(vty).redirect = {true, uint8_t(std::atoi(argv[0]))};
  return CMD_SUCCESS;
}
CMD(cfg_peer_no_redirect, "no redirect follow",
    NO_STR "3xx responses\nA 3xx ends the attempt (RFC 3398 §8.2.6.1 cause)\n") {
  current<SipPeerConfig>(vty).redirect = {};
  return CMD_SUCCESS;
}
CMD(cfg_peer_register, "register expires <10-86400>",
    "REGISTER with this peer (RFC 3261 §10.2)\nThe binding's lifetime asked for\nSeconds\n") {
  current<SipPeerConfig>(vty).register_expires = uint32_t(std::atoi(argv[0]));
  return CMD_SUCCESS;
}
CMD(cfg_peer_no_register, "no register", NO_STR "No registration (an existing one is removed)\n") {
  current<SipPeerConfig>(vty).register_expires = 0;
  return CMD_SUCCESS;
}
// The password is written in clear only into a file (`write`, the operator's own config, kept
// with its permissions); `show running-config` on a terminal hides it.
void write_peer_auth(struct vty *vty, const sipt::Credentials &a) {
  if (a.empty())
    return;
  const std::string realm = a.realm.empty() ? std::string() : " realm " + a.realm;
  if (vty->type == VTY_FILE)
    vty_out(vty, "  auth username %s password %s%s%s", a.username.c_str(), a.password.c_str(),
            realm.c_str(), NL);
  else
    vty_out(vty, "  ! auth username %s password (hidden)%s%s", a.username.c_str(),
            realm.c_str(), NL);
}
// RFC 4028 session timers: in the sip node for every peer, in a peer node for that peer.
sipt::SessionTimerConfig &session_timer_of(struct vty *vty) {
  if (vty->node == SIP_PEER_NODE) {
    auto &p = current<SipPeerConfig>(vty);
    if (!p.session_timer)
      p.session_timer = g_cfg->sip.session_timer;
    return *p.session_timer;
  }
  return g_cfg->sip.session_timer;
}
CMD(cfg_session_timer, "session-timer interval <90-86400> min-se <90-86400> refresher (local|remote)",
    "RFC 4028 session timers on\nSession-Expires we ask for or grant\nSeconds\n"
    "Smallest interval we take (Min-SE; less gets 422)\nSeconds\n"
    "Who refreshes where we choose\nWe refresh\nThe peer refreshes\n") {
  sipt::SessionTimerConfig &t = session_timer_of(vty);
  const uint32_t interval = uint32_t(std::atoi(argv[0])), min_se = uint32_t(std::atoi(argv[1]));
  if (interval < min_se) {
    vty_out(vty, "%% the interval %u is below min-se %u (RFC 4028 §4)%s", interval, min_se, NL);
    return CMD_WARNING;
  }
  t.enabled = true;
  t.session_expires_s = interval;
  t.min_se_s = min_se;
  return set_keyword(vty, sipt::kRefresherChoiceNames, argv[2], t.refresher);
}
CMD(cfg_no_session_timer, "no session-timer", NO_STR "RFC 4028 session timers off\n") {
  session_timer_of(vty).enabled = false;
  return CMD_SUCCESS;
}
CMD(cfg_peer_session_timer_inherit, "session-timer inherit",
    "RFC 4028 session timers\nAs the sip node says\n") {
  current<SipPeerConfig>(vty).session_timer.reset();
  return CMD_SUCCESS;
}
void write_session_timer(struct vty *vty, const char *indent, const sipt::SessionTimerConfig &t) {
  if (!t.enabled)
    vty_out(vty, "%sno session-timer%s", indent, NL);
  else
    vty_out(vty, "%ssession-timer interval %u min-se %u refresher %s%s", indent,
            t.session_expires_s, t.min_se_s, name_of(sipt::kRefresherChoiceNames, t.refresher), NL);
}
// RFC 3261 §11: OPTIONS keepalive of a peer (sip_peer_health.h).
CMD(cfg_peer_keepalive, "keepalive interval <0-3600000> failures <1-100>",
    "OPTIONS keepalive (RFC 3261 §11)\nEvery so often\nMilliseconds (0: none)\n"
    "Unanswered in a row that take the peer down\nCount\n") {
  auto &p = current<SipPeerConfig>(vty);
  p.keepalive_interval_ms = uint32_t(std::strtoul(argv[0], nullptr, 10));
  p.keepalive_failures = unsigned(std::atoi(argv[1]));
  return CMD_SUCCESS;
}

int write_sip(struct vty *vty) {
  // listen and TLS as configured (in force at a restart), the peers as in force
  const auto &s = g_cfg->sip;
  if (g_running) {
    SipConfig in_force = g_running->sip, configured = s;
    in_force.peers.clear();
    configured.peers.clear();
    in_force.tcp = configured.tcp; // live
    in_force.listen = configured.listen; // live
    in_force.session_timer = configured.session_timer; // live
    if (!(in_force == configured))
      vty_out(vty, "! sip tls/udp-buffers: changed, in force once mgcd restarts%s", NL);
  }
  vty_out(vty, "sip%s", NL);
  for (const auto &l : shown().sip.listen) // in force: applied live
    vty_out(vty, " listen %s %s %u%s", name_of(sipt::kTransportParamNames, l.transport),
            l.address.c_str(), l.port, NL);
  if (!s.tls_certificate.empty())
    vty_out(vty, " tls certificate %s%s", s.tls_certificate.c_str(), NL);
  if (!s.tls_key.empty())
    vty_out(vty, " tls key %s%s", s.tls_key.c_str(), NL);
  if (!s.tls_ca.empty())
    vty_out(vty, " tls ca %s%s", s.tls_ca.c_str(), NL);
  if (s.tls_verify_client)
    vty_out(vty, " tls verify-client%s", NL);
  if (s.udp_receive_buffer != SipConfig::kUdpBufferDefault ||
      s.udp_send_buffer != SipConfig::kUdpBufferDefault)
    vty_out(vty, " udp-buffers receive %d send %d%s", s.udp_receive_buffer, s.udp_send_buffer, NL);
  const SipConfig::TcpLimits tcp_default;
  if (s.tcp.total != tcp_default.total || s.tcp.per_source != tcp_default.per_source)
    vty_out(vty, " tcp-connections total %u per-source %u%s", s.tcp.total, s.tcp.per_source, NL);
  if (s.tcp.idle_ms != tcp_default.idle_ms || s.tcp.message_ms != tcp_default.message_ms)
    vty_out(vty, " tcp-timeouts idle %u message %u%s", s.tcp.idle_ms, s.tcp.message_ms, NL);
  if (!(shown().sip.session_timer == sipt::SessionTimerConfig{}))
    write_session_timer(vty, " ", shown().sip.session_timer);
  for (const auto &p : shown().sip.peers) {
    vty_out(vty, " peer %s%s", p.name.c_str(), NL);
    if (!p.address.empty())
      vty_out(vty, "  address %s %u%s", p.address.c_str(), p.port, NL);
    vty_out(vty, "  transport %s%s", name_of(sipt::kTransportParamNames, p.transport), NL);
    vty_out(vty, "  profile %s%s", name_of(cc::kSipProfileNames, p.profile), NL);
    vty_out(vty, p.trusted ? "  trusted%s" : "  no trusted%s", NL);
    for (const auto &a : p.acl)
      vty_out(vty, "  acl %s%s", a.c_str(), NL);
    write_peer_auth(vty, p.auth);
    if (p.challenge_md5_only)
      vty_out(vty, "  auth challenge md5%s", NL);
    if (p.register_expires)
      vty_out(vty, "  register expires %u%s", unsigned(p.register_expires), NL);
    if (p.redirect.follow)
      vty_out(vty, "  redirect follow max-redirects %u%s", unsigned(p.redirect.max_redirects), NL);
    if (p.session_timer)
      write_session_timer(vty, "  ", *p.session_timer);
    if (p.keepalive_interval_ms != SipPeerConfig{}.keepalive_interval_ms ||
        p.keepalive_failures != SipPeerConfig{}.keepalive_failures)
      vty_out(vty, "  keepalive interval %u failures %u%s", p.keepalive_interval_ms,
              p.keepalive_failures, NL);
    write_limits(vty, "  ", p.admission);
    if (p.shutdown)
      vty_out(vty, "  shutdown%s", NL);
  }
  return CMD_SUCCESS;
}

// ---------------------------------------------------------------- route
struct cmd_node route_node = {ROUTE_NODE, "%s(config-route)# ", 1, nullptr, nullptr, {}};

int enter_route(struct vty *vty, const std::string &prefix) {
  cc::Route *r = g_cfg->route(prefix);
  if (!r) {
    g_cfg->routes.push_back({});
    r = &g_cfg->routes.back();
    r->prefix = prefix;
  }
  vty->node = ROUTE_NODE;
  vty->index = r;
  return CMD_SUCCESS;
}
CMD(cfg_route, "route PREFIX", "Called-number route\nDigits the number starts with (+ allowed)\n") {
  return enter_route(vty, argv[0]);
}
CMD(cfg_route_default, "route default", "Called-number route\nWhat no other route matches\n") {
  return enter_route(vty, "");
}
CMD(cfg_no_route, "no route PREFIX", NO_STR "Called-number route\nDigits the number starts with\n") {
  auto &v = g_cfg->routes;
  for (auto it = v.begin(); it != v.end(); ++it)
    if (it->prefix == argv[0]) {
      v.erase(it);
      return CMD_SUCCESS;
    }
  vty_out(vty, "%% no route %s%s", argv[0], NL);
  return CMD_WARNING;
}
CMD(cfg_route_strip, "strip <0-32>", "Leading digits removed\nCount\n") {
  current<cc::Route>(vty).strip = static_cast<unsigned>(std::atoi(argv[0]));
  return CMD_SUCCESS;
}
CMD(cfg_route_prepend, "prepend DIGITS", "Digits put in front after stripping\nDigits\n") {
  current<cc::Route>(vty).prepend = argv[0];
  return CMD_SUCCESS;
}
CMD(cfg_route_digits, "digits <1-30>",
    "Called numbers of this route are complete at this many digits (overlap number analysis, "
    "RFC 3578 2.2)\nDigits\n") {
  current<cc::Route>(vty).digits = static_cast<unsigned>(std::atoi(argv[0]));
  return CMD_SUCCESS;
}
CMD(cfg_route_no_digits, "no digits", "Negate\nNumber length unknown: ST or T10 ends the digits\n") {
  current<cc::Route>(vty).digits = 0;
  return CMD_SUCCESS;
}
CMD(cfg_route_target, "target (trunk-group|sip-peer) NAME",
    "Where calls go (repeat for fallbacks, in order)\nA trunk group\nA SIP peer\nName\n") {
  cc::RouteTarget t{cc::RouteTarget::Kind::TrunkGroup, argv[1]};
  if (int rc = set_keyword(vty, cc::kRouteTargetKindNames, argv[0], t.kind); rc != CMD_SUCCESS)
    return rc;
  current<cc::Route>(vty).targets.push_back(std::move(t));
  return CMD_SUCCESS;
}

int write_routes(struct vty *vty) {
  for (const auto &r : shown().routes) {
    if (r.prefix.empty())
      vty_out(vty, "route default%s", NL);
    else
      vty_out(vty, "route %s%s", r.prefix.c_str(), NL);
    if (r.strip)
      vty_out(vty, " strip %u%s", r.strip, NL);
    if (!r.prepend.empty())
      vty_out(vty, " prepend %s%s", r.prepend.c_str(), NL);
    if (r.digits)
      vty_out(vty, " digits %u%s", r.digits, NL);
    for (const auto &t : r.targets)
      if (t.weight != 1)
        vty_out(vty, " target %s %s weight %u%s", name_of(cc::kRouteTargetKindNames, t.kind),
                t.name.c_str(), t.weight, NL);
      else
        vty_out(vty, " target %s %s%s", name_of(cc::kRouteTargetKindNames, t.kind),
                t.name.c_str(), NL);
    write_route_advance(vty, r);
  }
  return CMD_SUCCESS;
}

// ---------------------------------------------------------------- traffic management
// Call admission, dry-up and route advance (issue 15; callcontrol/admission.h,
// route_attempts.h): the limit commands are the same in the trunk-group, sip peer and route
// nodes (a route has no direction nor shutdown), each applied live.
cc::AdmissionLimits &limits_of(struct vty *vty) {
  switch (vty->node) {
  case TRUNK_GROUP_NODE: return current<TrunkGroupConfig>(vty).admission;
  case SIP_PEER_NODE: return current<SipPeerConfig>(vty).admission;
  default: return current<cc::Route>(vty).admission;
  }
}
CMD(cfg_max_calls, "max-calls <1-1000000>",
    "Concurrent calls at most (call admission; over it: REL 34, 503 with Retry-After, or the "
    "route's next target)\nCalls\n") {
  limits_of(vty).max_calls = static_cast<unsigned>(std::atoi(argv[0]));
  return CMD_SUCCESS;
}
CMD(cfg_no_max_calls, "no max-calls", NO_STR "No limit of concurrent calls (default)\n") {
  limits_of(vty).max_calls = 0;
  return CMD_SUCCESS;
}
CMD(cfg_cps, "calls-per-second <1-100000>",
    "New calls per second at most (token bucket; burst: one second's worth)\nCalls per second\n") {
  auto &l = limits_of(vty);
  l.calls_per_second = static_cast<uint32_t>(std::atoi(argv[0]));
  l.burst = argc > 1 ? static_cast<uint32_t>(std::atoi(argv[1])) : 0;
  return CMD_SUCCESS;
}
CMD(cfg_cps_burst, "calls-per-second <1-100000> burst <1-1000000>",
    "New calls per second at most (token bucket)\nCalls per second\n"
    "Calls admitted at once above the rate\nCalls\n") {
  auto &l = limits_of(vty);
  l.calls_per_second = static_cast<uint32_t>(std::atoi(argv[0]));
  l.burst = static_cast<uint32_t>(std::atoi(argv[1]));
  return CMD_SUCCESS;
}
CMD(cfg_no_cps, "no calls-per-second", NO_STR "No limit of the call rate (default)\n") {
  auto &l = limits_of(vty);
  l.calls_per_second = 0;
  l.burst = 0;
  return CMD_SUCCESS;
}
CMD(cfg_direction, "direction (in|out|both)",
    "Which calls it takes\nOnly calls from it\nOnly calls to it\nBoth (default)\n") {
  return set_keyword(vty, cc::kCallDirectionNames, argv[0], limits_of(vty).direction);
}
CMD(cfg_shutdown, "shutdown",
    "Dry-up: no new calls either way, calls up finish (a trunk group's circuits are then "
    "blocked with CGB)\n") {
  if (vty->node == TRUNK_GROUP_NODE)
    current<TrunkGroupConfig>(vty).shutdown = true;
  else
    current<SipPeerConfig>(vty).shutdown = true;
  return CMD_SUCCESS;
}
CMD(cfg_no_shutdown, "no shutdown", NO_STR "In service (a trunk group's circuits unblocked, CGU)\n") {
  if (vty->node == TRUNK_GROUP_NODE)
    current<TrunkGroupConfig>(vty).shutdown = false;
  else
    current<SipPeerConfig>(vty).shutdown = false;
  return CMD_SUCCESS;
}
CMD(cfg_tg_dry_up_timeout, "dry-up-timeout <0-86400>",
    "Once shut down, release the calls still up after this long (cause 31), then block\n"
    "Seconds (0: let them finish, default)\n") {
  current<TrunkGroupConfig>(vty).dry_up_timeout_s = static_cast<uint32_t>(std::atoi(argv[0]));
  return CMD_SUCCESS;
}
// Issue 14 item 5 (callcontrol/sip_peer_busy_out.h): CGB (maintenance) while the peer is down.
CMD(cfg_tg_busy_out, "busy-out-on-peer-down NAME",
    "Block the circuits (CGB, maintenance) while this SIP peer's keepalive finds it down\n"
    "SIP peer\n") {
  current<TrunkGroupConfig>(vty).busy_out_peer = argv[0];
  return CMD_SUCCESS;
}
CMD(cfg_tg_no_busy_out, "no busy-out-on-peer-down",
    NO_STR "Block the circuits while a SIP peer is down (default: never)\n") {
  current<TrunkGroupConfig>(vty).busy_out_peer.clear();
  return CMD_SUCCESS;
}
CMD(cfg_route_select, "select (in-order|weighted)",
    "How a call picks its first target\nThe configured order (default)\n"
    "By the targets' weights (smooth weighted round robin), the others in order after it\n") {
  return set_keyword(vty, cc::kTargetSelectionNames, argv[0], current<cc::Route>(vty).selection);
}
CMD(cfg_route_target_weight, "target (trunk-group|sip-peer) NAME weight <1-1000>",
    "Where calls go (repeat for fallbacks, in order)\nA trunk group\nA SIP peer\nName\n"
    "Share of first choices when the route selects by weight\nWeight (default 1)\n") {
  cc::RouteTarget t{cc::RouteTarget::Kind::TrunkGroup, argv[1],
                    static_cast<unsigned>(std::atoi(argv[2]))};
  if (int rc = set_keyword(vty, cc::kRouteTargetKindNames, argv[0], t.kind); rc != CMD_SUCCESS)
    return rc;
  auto &v = current<cc::Route>(vty).targets;
  auto it = std::find_if(v.begin(), v.end(), [&t](const cc::RouteTarget &x) {
    return x.kind == t.kind && x.name == t.name;
  });
  if (it != v.end())
    it->weight = t.weight;
  else
    v.push_back(std::move(t));
  return CMD_SUCCESS;
}
CMD(cfg_route_advance, "advance-on (isup|sip) LIST",
    "Failures that give way to the route's next target (before any backward message)\n"
    "Q.850 causes of a REL, e.g. 34,38,41,42,44 (default)\n"
    "SIP final responses, e.g. 408,5xx,no-response (default; no-response: Timer B or transport "
    "failure)\nComma-separated list\n") {
  auto &r = current<cc::Route>(vty);
  const bool ok = std::strcmp(argv[0], "isup") == 0 ? cc::parse_isup_causes(argv[1], r.advance)
                                                    : cc::parse_sip_statuses(argv[1], r.advance);
  if (!ok) {
    vty_out(vty, "%% invalid list '%s' (%s)%s", argv[1],
            std::strcmp(argv[0], "isup") == 0 ? "causes 1-127" : "300-699, 3xx-6xx, no-response",
            NL);
    return CMD_WARNING;
  }
  return CMD_SUCCESS;
}
CMD(cfg_route_no_advance, "no advance-on (isup|sip)",
    NO_STR "Failures that give way to the next target\nNo REL cause does\nNo SIP failure does\n") {
  auto &r = current<cc::Route>(vty);
  if (std::strcmp(argv[0], "isup") == 0)
    r.advance.isup_causes.reset();
  else {
    r.advance.sip_statuses.reset();
    r.advance.sip_classes.reset();
    r.advance.sip_no_response = false;
  }
  return CMD_SUCCESS;
}
CMD(cfg_route_max_attempts, "max-attempts <1-32>",
    "Targets one call is offered to at most (route advance)\nAttempts\n") {
  current<cc::Route>(vty).advance.max_attempts = static_cast<unsigned>(std::atoi(argv[0]));
  return CMD_SUCCESS;
}
CMD(cfg_route_no_max_attempts, "no max-attempts", NO_STR "Every target once (default)\n") {
  current<cc::Route>(vty).advance.max_attempts = 0;
  return CMD_SUCCESS;
}
CMD(cfg_route_setup_timeout, "setup-timeout <100-600000>",
    "Time from the call's arrival to its first backward message (ACM, 18x) over all attempts\n"
    "Milliseconds\n") {
  current<cc::Route>(vty).advance.setup_timeout_ms = static_cast<uint32_t>(std::atoi(argv[0]));
  return CMD_SUCCESS;
}
CMD(cfg_route_no_setup_timeout, "no setup-timeout", NO_STR "No overall setup timer (default)\n") {
  current<cc::Route>(vty).advance.setup_timeout_ms = 0;
  return CMD_SUCCESS;
}

void write_limits(struct vty *vty, const char *indent, const cc::AdmissionLimits &l) {
  if (l.max_calls)
    vty_out(vty, "%smax-calls %u%s", indent, l.max_calls, NL);
  if (l.calls_per_second && l.burst)
    vty_out(vty, "%scalls-per-second %u burst %u%s", indent, l.calls_per_second, l.burst, NL);
  else if (l.calls_per_second)
    vty_out(vty, "%scalls-per-second %u%s", indent, l.calls_per_second, NL);
  if (l.direction != cc::CallDirection::Both)
    vty_out(vty, "%sdirection %s%s", indent, name_of(cc::kCallDirectionNames, l.direction), NL);
}

void write_route_advance(struct vty *vty, const cc::Route &r) {
  const cc::AdvancePolicy def;
  if (r.selection != cc::TargetSelection::InOrder)
    vty_out(vty, " select %s%s", name_of(cc::kTargetSelectionNames, r.selection), NL);
  if (r.advance.isup_causes != def.isup_causes) {
    const std::string l = cc::format_isup_causes(r.advance);
    if (l.empty())
      vty_out(vty, " no advance-on isup%s", NL);
    else
      vty_out(vty, " advance-on isup %s%s", l.c_str(), NL);
  }
  if (r.advance.sip_statuses != def.sip_statuses || r.advance.sip_classes != def.sip_classes ||
      r.advance.sip_no_response != def.sip_no_response) {
    const std::string l = cc::format_sip_statuses(r.advance);
    if (l.empty())
      vty_out(vty, " no advance-on sip%s", NL);
    else
      vty_out(vty, " advance-on sip %s%s", l.c_str(), NL);
  }
  if (r.advance.max_attempts)
    vty_out(vty, " max-attempts %u%s", r.advance.max_attempts, NL);
  if (r.advance.setup_timeout_ms)
    vty_out(vty, " setup-timeout %u%s", r.advance.setup_timeout_ms, NL);
  write_limits(vty, " ", r.admission);
}

void install_traffic_commands() {
  for (int node : {TRUNK_GROUP_NODE, SIP_PEER_NODE, ROUTE_NODE})
    for (auto *c : {&cfg_max_calls_cmd, &cfg_no_max_calls_cmd, &cfg_cps_cmd, &cfg_cps_burst_cmd,
                    &cfg_no_cps_cmd})
      install_element(node, c);
  for (int node : {TRUNK_GROUP_NODE, SIP_PEER_NODE})
    for (auto *c : {&cfg_direction_cmd, &cfg_shutdown_cmd, &cfg_no_shutdown_cmd})
      install_element(node, c);
  install_element(TRUNK_GROUP_NODE, &cfg_tg_dry_up_timeout_cmd);
  install_element(TRUNK_GROUP_NODE, &cfg_tg_busy_out_cmd);
  install_element(TRUNK_GROUP_NODE, &cfg_tg_no_busy_out_cmd);
  for (auto *c : {&cfg_route_select_cmd, &cfg_route_target_weight_cmd, &cfg_route_advance_cmd,
                  &cfg_route_no_advance_cmd, &cfg_route_max_attempts_cmd,
                  &cfg_route_no_max_attempts_cmd, &cfg_route_setup_timeout_cmd,
                  &cfg_route_no_setup_timeout_cmd})
    install_element(ROUTE_NODE, c);
}

// ---------------------------------------------------------------- media-gateway
struct cmd_node mgw_node = {MEDIA_GATEWAY_NODE, "%s(config-media-gateway)# ", 1, nullptr, nullptr, {}};

CMD(cfg_mgw, "media-gateway NAME", "A media gateway\nName\n") {
  MediaGatewayConfig *m = g_cfg->media_gateway(argv[0]);
  if (!m) {
    g_cfg->media_gateways.push_back({});
    m = &g_cfg->media_gateways.back();
    m->name = argv[0];
  }
  vty->node = MEDIA_GATEWAY_NODE;
  vty->index = m;
  return CMD_SUCCESS;
}
CMD(cfg_no_mgw, "no media-gateway NAME", NO_STR "A media gateway\nName\n") {
  auto &v = g_cfg->media_gateways;
  for (auto it = v.begin(); it != v.end(); ++it)
    if (it->name == argv[0]) {
      v.erase(it);
      return CMD_SUCCESS;
    }
  vty_out(vty, "%% no media gateway %s%s", argv[0], NL);
  return CMD_WARNING;
}
CMD(cfg_mgw_protocol, "protocol (mgcp|h248)", "Control protocol\nMGCP (RFC 3435)\nH.248/Megaco\n") {
  auto &m = current<MediaGatewayConfig>(vty);
  if (int rc = set_keyword(vty, kMediaGatewayProtocolNames, argv[0], m.protocol); rc != CMD_SUCCESS)
    return rc;
  if (m.protocol == MediaGatewayProtocol::H248 && m.port == 2427)
    m.port = 2944;
  return CMD_SUCCESS;
}
CMD(cfg_mgw_address, "address " ADDR " <1-65535>", "Where the gateway is\n" ADDR_HELP "Port\n") {
  auto &m = current<MediaGatewayConfig>(vty);
  m.address = argv[0];
  m.port = *port_arg(argv[1]);
  return CMD_SUCCESS;
}
CMD(cfg_mgw_domain, "domain NAME", "MGCP endpoint domain (RFC 3435 2.1.1)\nDomain\n") {
  current<MediaGatewayConfig>(vty).domain = argv[0];
  return CMD_SUCCESS;
}
CMD(cfg_mgw_encoding, "encoding (text|binary)", "H.248 encoding\nAnnex B text\nAnnex A binary\n") {
  return set_keyword(vty, kH248EncodingNames, argv[0], current<MediaGatewayConfig>(vty).encoding);
}
CMD(cfg_mgw_transport, "transport (udp|tcp)",
    "H.248 transport (Annex D)\nUDP (D.1)\nTCP with TPKT framing (D.2); the MG connects to us\n") {
  return set_keyword(vty, kH248TransportNames, argv[0], current<MediaGatewayConfig>(vty).transport);
}
CMD(cfg_mgw_version, "version <1-3>",
    "H.248 protocol version spoken until the MG says otherwise (clause 11.3)\nVersion\n") {
  current<MediaGatewayConfig>(vty).version = static_cast<uint8_t>(std::atoi(argv[0]));
  return CMD_SUCCESS;
}
CMD(cfg_mgw_mid, "mid MID",
    "The MG's H.248 message identifier (clause 7.2.8): messages from its address with another are "
    "refused\nmId, e.g. [192.0.2.2]:2944 or <mg1.example.net>:2944\n") {
  current<MediaGatewayConfig>(vty).mid = argv[0];
  return CMD_SUCCESS;
}
CMD(cfg_mgw_no_mid, "no mid", NO_STR "Accept any mId from the MG's address (default)\n") {
  current<MediaGatewayConfig>(vty).mid.clear();
  return CMD_SUCCESS;
}
CMD(cfg_mgw_local, "local-address " ADDR " <0-65535>",
    "Our address toward this gateway (default: the call-agent node's)\n" ADDR_HELP
    "Port (0: any free port)\n") {
  auto &m = current<MediaGatewayConfig>(vty);
  m.local_address = argv[0];
  m.local_port = static_cast<uint16_t>(std::atoi(argv[1]));
  return CMD_SUCCESS;
}
CMD(cfg_mgw_no_local, "no local-address", NO_STR "Use the call-agent node's address (default)\n") {
  auto &m = current<MediaGatewayConfig>(vty);
  m.local_address.clear();
  m.local_port = 0;
  return CMD_SUCCESS;
}

CMD(cfg_mgw_keepalive, "keepalive interval <0-3600000> failures <1-100>",
    "Audit the gateway when it is silent (MGCP AUEP, H.248 AuditValue on ROOT)\n"
    "Silence before an audit\nMilliseconds (0: no keepalive)\n"
    "Audits unanswered in a row before the gateway is out of service\nCount\n") {
  auto &m = current<MediaGatewayConfig>(vty);
  m.keepalive_interval_ms = static_cast<uint32_t>(std::strtoul(argv[0], nullptr, 10));
  m.keepalive_failures = static_cast<unsigned>(std::atoi(argv[1]));
  return CMD_SUCCESS;
}

int write_mgws(struct vty *vty) {
  pending_note(vty, "media-gateway", &Config::media_gateways);
  for (const auto &m : g_cfg->media_gateways) {
    vty_out(vty, "media-gateway %s%s", m.name.c_str(), NL);
    vty_out(vty, " protocol %s%s", name_of(kMediaGatewayProtocolNames, m.protocol), NL);
    vty_out(vty, " address %s %u%s", m.address.c_str(), m.port, NL);
    if (!m.domain.empty())
      vty_out(vty, " domain %s%s", m.domain.c_str(), NL);
    if (m.protocol == MediaGatewayProtocol::H248) {
      vty_out(vty, " transport %s%s", name_of(kH248TransportNames, m.transport), NL);
      vty_out(vty, " encoding %s%s", name_of(kH248EncodingNames, m.encoding), NL);
      vty_out(vty, " version %u%s", m.version, NL);
      if (!m.mid.empty())
        vty_out(vty, " mid %s%s", m.mid.c_str(), NL);
    }
    if (!m.local_address.empty())
      vty_out(vty, " local-address %s %u%s", m.local_address.c_str(), m.local_port, NL);
    if (m.keepalive_interval_ms != MediaGatewayConfig{}.keepalive_interval_ms ||
        m.keepalive_failures != MediaGatewayConfig{}.keepalive_failures)
      vty_out(vty, " keepalive interval %u failures %u%s", m.keepalive_interval_ms,
              m.keepalive_failures, NL);
  }
  return CMD_SUCCESS;
}

// ---------------------------------------------------------------- call-agent
struct cmd_node call_agent_node = {CALL_AGENT_NODE, "%s(config-call-agent)# ", 1, nullptr, nullptr, {}};

CMD(cfg_ca, "call-agent", "Our own addresses toward the media gateways (MGCP call agent, H.248 MGC)\n") {
  vty->node = CALL_AGENT_NODE;
  vty->index = g_cfg;
  return CMD_SUCCESS;
}
CMD(cfg_ca_mgcp, "mgcp local-address " ADDR " <0-65535>",
    "MGCP (RFC 3435)\nThe call agent's socket, where gateways send commands, RSIP and NTFY "
    "(default 127.0.0.1 2727, RFC 3435 3.5)\n" ADDR_HELP "Port (0: any free port)\n") {
  g_cfg->call_agent.mgcp_address = argv[0];
  g_cfg->call_agent.mgcp_port = static_cast<uint16_t>(std::atoi(argv[1]));
  return CMD_SUCCESS;
}
CMD(cfg_ca_h248, "h248 local-address " ADDR " <0-65535>",
    "H.248 (H.248.1)\nThe MGC's socket (UDP, and TCP when an MG uses it; default 127.0.0.1 2944, "
    "Annex D)\n" ADDR_HELP "Port (0: any free port)\n") {
  g_cfg->call_agent.h248_address = argv[0];
  g_cfg->call_agent.h248_port = static_cast<uint16_t>(std::atoi(argv[1]));
  return CMD_SUCCESS;
}
CMD(cfg_ca_h248_mid, "h248 mid MID",
    "H.248 (H.248.1)\nOur message identifier (clause 7.2.8; default: the socket's address)\n"
    "mId, e.g. [192.0.2.1]:2944 or <mgc.example.net>:2944\n") {
  g_cfg->call_agent.h248_mid = argv[0];
  return CMD_SUCCESS;
}
CMD(cfg_ca_no_h248_mid, "no h248 mid", NO_STR "H.248 (H.248.1)\nOur mId from the socket's address (default)\n") {
  g_cfg->call_agent.h248_mid.clear();
  return CMD_SUCCESS;
}

int write_call_agent(struct vty *vty) {
  const auto &c = g_cfg->call_agent;
  pending_note(vty, "call-agent", &Config::call_agent);
  vty_out(vty, "call-agent%s", NL);
  vty_out(vty, " mgcp local-address %s %u%s", c.mgcp_address.c_str(), c.mgcp_port, NL);
  vty_out(vty, " h248 local-address %s %u%s", c.h248_address.c_str(), c.h248_port, NL);
  if (!c.h248_mid.empty())
    vty_out(vty, " h248 mid %s%s", c.h248_mid.c_str(), NL);
  return CMD_SUCCESS;
}

// ---------------------------------------------------------------- telnet
struct cmd_node telnet_node = {TELNET_NODE, "%s(config-telnet)# ", 1, nullptr, nullptr, {}};

CMD(cfg_telnet, "telnet", "The VTY's telnet listener: address and who may connect\n") {
  vty->node = TELNET_NODE;
  vty->index = g_cfg;
  return CMD_SUCCESS;
}
CMD(cfg_telnet_bind, "bind " ADDR " <1-65535>",
    "Listen here (default: line vty's bind, 127.0.0.1 4260); takes effect at start\n" ADDR_HELP
    "Port (--vty-port overrides it)\n") {
  g_cfg->telnet.address = argv[0];
  g_cfg->telnet.port = static_cast<uint16_t>(std::atoi(argv[1]));
  return CMD_SUCCESS;
}
CMD(cfg_telnet_allow, "allow PREFIX",
    "Accept connections from these sources (repeat; none: from every source)\n"
    "Address or prefix: 192.0.2.0/24, 2001:db8::/32, 127.0.0.1\n") {
  auto p = core::Prefix::parse(argv[0]);
  if (!p) {
    vty_out(vty, "%% invalid prefix '%s' (address/length, no host bits below the length)%s",
            argv[0], NL);
    return CMD_WARNING;
  }
  auto &v = g_cfg->telnet.allow;
  if (std::find_if(v.begin(), v.end(), [&](const core::Prefix &x) {
        return x.net == p->net && x.bits == p->bits;
      }) == v.end())
    v.push_back(*p);
  return CMD_SUCCESS;
}
CMD(cfg_telnet_no_allow, "no allow PREFIX", NO_STR "Remove a source from the allowed ones\nPrefix\n") {
  auto p = core::Prefix::parse(argv[0]);
  auto &v = g_cfg->telnet.allow;
  if (p)
    v.erase(std::remove_if(v.begin(), v.end(),
                           [&](const core::Prefix &x) { return x.net == p->net && x.bits == p->bits; }),
            v.end());
  return CMD_SUCCESS;
}

int write_telnet(struct vty *vty) {
  const auto &t = g_cfg->telnet;
  pending_note(vty, "telnet", &Config::telnet);
  if (t.address.empty() && t.allow.empty())
    return CMD_SUCCESS;
  vty_out(vty, "telnet%s", NL);
  if (!t.address.empty())
    vty_out(vty, " bind %s %u%s", t.address.c_str(), t.port, NL);
  for (const auto &p : t.allow)
    vty_out(vty, " allow %s%s", p.to_string().c_str(), NL);
  return CMD_SUCCESS;
}

// ---------------------------------------------------------------- metrics
// The Prometheus endpoint (issue 18; gateway/mgcd/metrics.h): off unless bound; live.
struct cmd_node metrics_node = {METRICS_NODE, "%s(config-metrics)# ", 1, nullptr, nullptr, {}};

CMD(cfg_metrics, "metrics", "The Prometheus metrics endpoint (HTTP, /metrics)\n") {
  vty->node = METRICS_NODE;
  vty->index = g_cfg;
  return CMD_SUCCESS;
}
CMD(cfg_metrics_bind, "bind " ADDR " <1-65535>",
    "Serve /metrics here (applies at once)\n" ADDR_HELP "TCP port (9464: Prometheus's usual)\n") {
  g_cfg->metrics.address = argv[0];
  g_cfg->metrics.port = static_cast<uint16_t>(std::atoi(argv[1]));
  return CMD_SUCCESS;
}
CMD(cfg_metrics_no_bind, "no bind", NO_STR "Close the endpoint (the default: off)\n") {
  g_cfg->metrics = MetricsConfig{};
  return CMD_SUCCESS;
}
int write_metrics(struct vty *vty) {
  const auto &m = shown().metrics;
  if (g_running && !(g_cfg->metrics == m))
    vty_out(vty, "! metrics: the endpoint could not move to what is configured%s", NL);
  if (m.address.empty())
    return CMD_SUCCESS;
  vty_out(vty, "metrics%s", NL);
  vty_out(vty, " bind %s %u%s", m.address.c_str(), m.port, NL);
  return CMD_SUCCESS;
}

// ---------------------------------------------------------------- timers
struct cmd_node timers_node = {TIMERS_NODE, "%s(config-timers)# ", 1, nullptr, nullptr, {}};

CMD(cfg_timers, "timers", "Protocol timers\n") {
  vty->node = TIMERS_NODE;
  vty->index = g_cfg;
  return CMD_SUCCESS;
}
CMD(cfg_timers_lab, "lab-timers", "Allow values outside the Q.764 ranges (labs and tests)\n") {
  g_cfg->lab_timers = true;
  return CMD_SUCCESS;
}
// The timer commands are built from the tables at start-up (install_timer_commands): one per
// ISUP timer (`isup t7 <1-3600000>`, Q.764 Annex A) and one per timer of the other layers
// (`sip t1 <0-3600000>`, layer_timers.h), each with its description and range as help; a hidden
// `LAYER NAME VALUE` per layer catches a name no table has.
vtycmd::CommandStore g_timer_cmds;

std::string lower(std::string_view s) {
  std::string o(s);
  for (char &c : o)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

int set_isup_timer(struct cmd_element *self, struct vty *vty, int, const char *argv[]) {
  const auto i = g_timer_cmds.index_of(self);
  if (!i || *i >= cc::kIsupTimerCount)
    return CMD_WARNING;
  const auto &info = cc::isup_timer_table()[*i];
  const auto ms = static_cast<uint32_t>(std::strtoul(argv[0], nullptr, 10));
  if (!g_cfg->timers.set(info.timer, ms, g_cfg->lab_timers)) {
    vty_out(vty, "%% %s must be within %u..%u ms (Q.764 Annex A); 'lab-timers' lifts this%s",
            std::string(info.name).c_str(), info.min_ms, info.max_ms, NL);
    return CMD_WARNING;
  }
  changed(vty);
  return CMD_SUCCESS;
}

// The other layers' timers (layer_timers.h): range-checked per timer.
int set_layer_timer(struct cmd_element *self, struct vty *vty, int, const char *argv[]) {
  const auto i = g_timer_cmds.index_of(self);
  if (!i || *i >= kLayerTimerCount)
    return CMD_WARNING;
  const auto &info = layer_timer_table()[*i];
  char *end = nullptr;
  const unsigned long v = std::strtoul(argv[0], &end, 10);
  if (*end || v > UINT32_MAX || !g_cfg->layer_timers.set(info.timer, static_cast<uint32_t>(v))) {
    vty_out(vty, "%% %s %s must be within %u..%u%s%s%s", std::string(info.layer).c_str(),
            std::string(info.name).c_str(), info.min, info.max, info.unit.empty() ? "" : " ",
            std::string(info.unit).c_str(), NL);
    return CMD_WARNING;
  }
  changed(vty);
  return CMD_SUCCESS;
}

// `LAYER NAME VALUE` for a NAME that is no timer of the layer: the exact names of the generated
// commands match better, so only an unknown name reaches this.
int unknown_timer(struct cmd_element *self, struct vty *vty, int, const char *argv[]) {
  (void)self;
  vty_out(vty, "%% unknown timer %s%s", argv[0], NL);
  return CMD_WARNING;
}

// "(15000..60000 ms, default 15000)"
std::string range_help(uint32_t lo, uint32_t hi, uint32_t def, std::string_view unit) {
  const std::string u = unit.empty() ? "" : " " + std::string(unit);
  return " (" + std::to_string(lo) + ".." + std::to_string(hi) + u + ", default " +
         std::to_string(def) + ")";
}

void install_timer_commands() {
  const std::string isup_help = "ISUP timer (Q.764 Annex A)\n";
  for (const auto &t : cc::isup_timer_table())
    install_element(TIMERS_NODE,
                    g_timer_cmds.add(
                        "isup " + lower(t.name) + " <1-3600000>",
                        isup_help + std::string(t.name) + ": " + std::string(t.description) +
                            range_help(t.min_ms, t.max_ms, t.default_ms, "ms") + "\nMilliseconds\n",
                        set_isup_timer, static_cast<std::size_t>(t.timer)));
  install_element(TIMERS_NODE, g_timer_cmds.add("isup NAME <1-3600000>",
                                                isup_help + "Timer name\nMilliseconds\n",
                                                unknown_timer, 0, CMD_ATTR_HIDDEN));
  std::string_view layer;
  for (const auto &t : layer_timer_table()) {
    const std::string help = std::string(layer_timer_help(t.layer)) + "\n";
    if (t.layer != layer) {
      layer = t.layer;
      install_element(TIMERS_NODE, g_timer_cmds.add(std::string(t.layer) + " NAME <0-3600000>",
                                                    help + "Timer name\nValue\n", unknown_timer, 0,
                                                    CMD_ATTR_HIDDEN));
    }
    install_element(
        TIMERS_NODE,
        g_timer_cmds.add(std::string(t.layer) + " " + std::string(t.name) + " <0-3600000>",
                         help + std::string(t.description) +
                             range_help(t.min, t.max, t.default_value, t.unit) + "\n" +
                             (t.unit == "ms" ? "Milliseconds\n" : "Count\n"),
                         set_layer_timer, static_cast<std::size_t>(t.timer)));
  }
}

int write_timers(struct vty *vty) {
  vty_out(vty, "timers%s", NL);
  if (shown().lab_timers)
    vty_out(vty, " lab-timers%s", NL);
  for (const auto &t : cc::isup_timer_table())
    if (!shown().timers.is_default(t.timer)) {
      std::string n(t.name);
      n[0] = 't';
      vty_out(vty, " isup %s %u%s", n.c_str(), shown().timers.ms(t.timer), NL);
    }
  for (const auto &t : layer_timer_table())
    if (!shown().layer_timers.is_default(t.timer))
      vty_out(vty, " %s %s %u%s", std::string(t.layer).c_str(), std::string(t.name).c_str(),
              shown().layer_timers.get(t.timer), NL);
  return CMD_SUCCESS;
}

// ---------------------------------------------------------------- overload
struct cmd_node overload_node = {OVERLOAD_NODE, "%s(config-overload)# ", 1, nullptr, nullptr, {}};

#define MEASURES "(loop-lag|calls-in-setup|cpu|memory)"
#define MEASURES_HELP                                                                              \
  "How late the event loop runs its timers (ms; the least of the last five 100 ms samples)\n"     \
  "Calls not yet answered\nCPU used by mgcd (percent of one core)\n"                              \
  "Resident memory (KiB)\n"

CMD(cfg_overload, "overload",
    "Machine congestion levels and what they do to new calls (DESIGN.md Overload)\n") {
  vty->node = OVERLOAD_NODE;
  vty->index = g_cfg;
  return CMD_SUCCESS;
}
CMD(cfg_ovl_measure,
    "measure " MEASURES " onset <1-100000000> <1-100000000> <1-100000000> abatement "
    "<0-100000000> <0-100000000> <0-100000000>",
    "A measure of load that sets the level\n" MEASURES_HELP
    "Levels 1, 2 and 3 are entered when the value reaches these\nLevel 1\nLevel 2\nLevel 3\n"
    "and left (one level down) when it falls below these\nLevel 1\nLevel 2\nLevel 3\n") {
  const auto m = value_of(core::kLoadMeasureNames, argv[0]);
  core::LevelThresholds t;
  for (int i = 0; i < 3; ++i) {
    t.onset[i] = std::strtoull(argv[1 + i], nullptr, 10);
    t.abate[i] = std::strtoull(argv[4 + i], nullptr, 10);
  }
  if (!m || !t.valid()) {
    vty_out(vty, "%% onsets must rise with the level and each abatement be below its onset%s", NL);
    return CMD_WARNING;
  }
  g_cfg->overload.levels[*m] = t;
  return CMD_SUCCESS;
}
CMD(cfg_ovl_no_measure, "no measure " MEASURES,
    NO_STR "A measure of load that sets the level: not used\n" MEASURES_HELP) {
  if (auto m = value_of(core::kLoadMeasureNames, argv[0]))
    g_cfg->overload.levels[*m] = {};
  return CMD_SUCCESS;
}
CMD(cfg_ovl_refuse, "refuse level <1-3> <0-100>",
    "New calls refused at a level, spread evenly over the arrivals\nMachine congestion level\n"
    "Level\nPercent of new calls (defaults 25, 75, 100)\n") {
  g_cfg->overload.shed.refuse_percent[std::atoi(argv[0]) - 1] =
      static_cast<uint8_t>(std::atoi(argv[1]));
  return CMD_SUCCESS;
}
CMD(cfg_ovl_retry, "retry-after level <1-3> <0-86400>",
    "How long a SIP peer refused with 503 is asked to wait (RFC 3261 20.33)\n"
    "Machine congestion level\nLevel\nSeconds (defaults 2, 5, 10)\n") {
  g_cfg->overload.shed.retry_after_s[std::atoi(argv[0]) - 1] =
      static_cast<uint32_t>(std::atoi(argv[1]));
  return CMD_SUCCESS;
}
CMD(cfg_ovl_queued, "refuse queued-over <0-60000>",
    "New calls refused at a level, spread evenly over the arrivals\n"
    "A new INVITE that waited unread longer than this is refused at any level\n"
    "Milliseconds (0: no limit; default 50)\n") {
  g_cfg->overload.shed.max_queued_ms = static_cast<uint32_t>(std::atoi(argv[0]));
  return CMD_SUCCESS;
}
CMD(cfg_ovl_in_setup, "refuse in-setup-over <0-10000000>",
    "New calls refused at a level, spread evenly over the arrivals\n"
    "New calls are refused while this many calls are in setup (not answered)\n"
    "Calls (0: no limit, the default)\n") {
  g_cfg->overload.shed.max_in_setup = static_cast<uint32_t>(std::atoi(argv[0]));
  return CMD_SUCCESS;
}
#undef MEASURES
#undef MEASURES_HELP

// Only what differs from the defaults (`show overload` prints everything in force).
int write_overload(struct vty *vty) {
  const auto &o = shown().overload;
  const OverloadSettings d;
  if (o == d)
    return CMD_SUCCESS;
  vty_out(vty, "overload%s", NL);
  for (std::size_t i = 0; i < core::kLoadMeasures; ++i) {
    const char *name = name_of(core::kLoadMeasureNames, static_cast<core::LoadMeasure>(i));
    const auto &t = o.levels.thresholds[i];
    if (t == d.levels.thresholds[i])
      continue;
    if (!t.used()) {
      vty_out(vty, " no measure %s%s", name, NL);
      continue;
    }
    vty_out(vty, " measure %s onset %llu %llu %llu abatement %llu %llu %llu%s", name,
            (unsigned long long)t.onset[0], (unsigned long long)t.onset[1],
            (unsigned long long)t.onset[2], (unsigned long long)t.abate[0],
            (unsigned long long)t.abate[1], (unsigned long long)t.abate[2], NL);
  }
  for (int l = 0; l < 3; ++l)
    if (o.shed.refuse_percent[l] != d.shed.refuse_percent[l])
      vty_out(vty, " refuse level %d %u%s", l + 1, unsigned(o.shed.refuse_percent[l]), NL);
  if (o.shed.max_in_setup != d.shed.max_in_setup)
    vty_out(vty, " refuse in-setup-over %u%s", o.shed.max_in_setup, NL);
  if (o.shed.max_queued_ms != d.shed.max_queued_ms)
    vty_out(vty, " refuse queued-over %u%s", o.shed.max_queued_ms, NL);
  for (int l = 0; l < 3; ++l)
    if (o.shed.retry_after_s[l] != d.shed.retry_after_s[l])
      vty_out(vty, " retry-after level %d %u%s", l + 1, o.shed.retry_after_s[l], NL);
  return CMD_SUCCESS;
}

// ---------------------------------------------------------------- cdr
struct cmd_node cdr_node = {CDR_NODE, "%s(config-cdr)# ", 1, nullptr, nullptr, {}};

CMD(cfg_cdr, "cdr", "Call detail records\n") {
  vty->node = CDR_NODE;
  vty->index = g_cfg;
  return CMD_SUCCESS;
}
CMD(cfg_cdr_file, "file PATH", "CSV file the records are appended to\nPath\n") {
  g_cfg->cdr.file = argv[0];
  return CMD_SUCCESS;
}
CMD(cfg_cdr_rotate_size, "rotate-size <0-4194304>",
    "Rotate the CSV file once it holds this much\nKiB (0: no limit)\n") {
  g_cfg->cdr.rotation.max_bytes = std::strtoull(argv[0], nullptr, 10) * 1024;
  return CMD_SUCCESS;
}
CMD(cfg_cdr_rotate_interval, "rotate-interval <0-604800>",
    "Rotate the CSV file once it is this old\nSeconds (0: never)\n") {
  g_cfg->cdr.rotation.interval_s = static_cast<uint32_t>(std::strtoul(argv[0], nullptr, 10));
  return CMD_SUCCESS;
}
CMD(cfg_cdr_interim, "interim-interval <0-86400>",
    "Interim records of answered calls (RFC 2869 5.16)\nSeconds between them (0: none)\n") {
  g_cfg->cdr.interim_s = static_cast<uint32_t>(std::strtoul(argv[0], nullptr, 10));
  return CMD_SUCCESS;
}
CMD(cfg_cdr_pg_conninfo, "postgresql conninfo .CONNINFO",
    "PostgreSQL sink\nlibpq connection string (hostaddr= or a socket directory: no DNS on "
    "the loop)\nkeyword=value ...\n") {
  char *joined = argv_concat(argv, argc, 0);
  g_cfg->cdr.postgresql.conninfo = joined ? joined : "";
  talloc_free(joined);
  return CMD_SUCCESS;
}
CMD(cfg_cdr_pg_table, "postgresql table NAME", "PostgreSQL sink\nTable the records go to\nName\n") {
  if (!cc::valid_cdr_table(argv[0])) {
    vty_out(vty, "%% %s: a lower-case identifier or schema.identifier%s", argv[0], NL);
    return CMD_WARNING;
  }
  g_cfg->cdr.postgresql.table = argv[0];
  return CMD_SUCCESS;
}
CMD(cfg_cdr_pg_batch, "postgresql batch <1-1000>",
    "PostgreSQL sink\nRecords per INSERT\nRecords\n") {
  g_cfg->cdr.postgresql.batch = static_cast<uint32_t>(std::strtoul(argv[0], nullptr, 10));
  return CMD_SUCCESS;
}
CMD(cfg_cdr_pg_flush, "postgresql flush-interval <10-60000>",
    "PostgreSQL sink\nA partial batch goes after this long\nMilliseconds\n") {
  g_cfg->cdr.postgresql.flush_ms = static_cast<uint32_t>(std::strtoul(argv[0], nullptr, 10));
  return CMD_SUCCESS;
}
CMD(cfg_cdr_pg_spool, "postgresql spool PATH",
    "PostgreSQL sink\nLocal file the records wait in while the database is unreachable\nPath\n") {
  g_cfg->cdr.postgresql.spool = argv[0];
  return CMD_SUCCESS;
}
CMD(cfg_cdr_no_pg, "no postgresql", NO_STR "PostgreSQL sink\n") {
  g_cfg->cdr.postgresql = {};
  return CMD_SUCCESS;
}
int write_cdr(struct vty *vty) {
  const CdrConfig &c = g_cfg->cdr;
  const CdrConfig d;
  vty_out(vty, "cdr%s", NL);
  if (g_running && (c.file != g_running->cdr.file ||
                    c.postgresql.conninfo.empty() != g_running->cdr.postgresql.conninfo.empty() ||
                    c.postgresql.spool != g_running->cdr.postgresql.spool))
    vty_out(vty, "! cdr: changed, in force once mgcd restarts%s", NL);
  if (!c.file.empty())
    vty_out(vty, " file %s%s", c.file.c_str(), NL);
  if (c.rotation.max_bytes)
    vty_out(vty, " rotate-size %llu%s", static_cast<unsigned long long>(c.rotation.max_bytes / 1024), NL);
  if (c.rotation.interval_s)
    vty_out(vty, " rotate-interval %u%s", c.rotation.interval_s, NL);
  if (c.interim_s)
    vty_out(vty, " interim-interval %u%s", c.interim_s, NL);
  if (!c.postgresql.conninfo.empty()) {
    // `write` keeps the password; a terminal (show running-config) is shown it masked.
    const std::string ci = vty->type == VTY_FILE ? c.postgresql.conninfo
                                                 : cc::masked_conninfo(c.postgresql.conninfo);
    vty_out(vty, " postgresql conninfo %s%s", ci.c_str(), NL);
    if (c.postgresql.table != d.postgresql.table)
      vty_out(vty, " postgresql table %s%s", c.postgresql.table.c_str(), NL);
    if (c.postgresql.batch != d.postgresql.batch)
      vty_out(vty, " postgresql batch %u%s", c.postgresql.batch, NL);
    if (c.postgresql.flush_ms != d.postgresql.flush_ms)
      vty_out(vty, " postgresql flush-interval %u%s", c.postgresql.flush_ms, NL);
    if (!c.postgresql.spool.empty())
      vty_out(vty, " postgresql spool %s%s", c.postgresql.spool.c_str(), NL);
  }
  return CMD_SUCCESS;
}

struct cmd_node gateway_node = {GATEWAY_NODE, "%s(config-gateway)# ", 1, nullptr, nullptr, {}};

CMD(cfg_gateway, "gateway", "The gateway as a whole\n") {
  vty->node = GATEWAY_NODE;
  vty->index = g_cfg;
  return CMD_SUCCESS;
}
CMD(cfg_gw_shutdown, "shutdown [dry-up-timeout <0-86400>]",
    "Shut the whole gateway down: no new calls, calls up finish, then every trunk group's "
    "circuits are blocked (CGB) and the SIP listeners close\n"
    "Release the calls still up after this long (Q.850 cause 31)\nSeconds (0: never)\n") {
  g_cfg->shutdown.on = true;
  g_cfg->shutdown.dry_up_timeout_s = argc > 0 ? static_cast<uint32_t>(std::atoi(argv[0])) : 0;
  return CMD_SUCCESS;
}
CMD(cfg_gw_no_shutdown, "no shutdown",
    NO_STR "In service: the SIP listeners open again and what the shutdown blocked is "
           "unblocked (CGU)\n") {
  g_cfg->shutdown = {};
  return CMD_SUCCESS;
}
int write_gateway(struct vty *vty) {
  const auto &g = shown().shutdown;
  if (!g.on)
    return CMD_SUCCESS;
  vty_out(vty, "gateway%s", NL);
  if (g.dry_up_timeout_s)
    vty_out(vty, " shutdown dry-up-timeout %u%s", g.dry_up_timeout_s, NL);
  else
    vty_out(vty, " shutdown%s", NL);
  return CMD_SUCCESS;
}

// `reload`: an enable-node command, not a config change itself.
DEFUN_ATTR_USRATTR(reload, reload_cmd, 0, 0, "reload",
                   "Read the config file again and apply what changed (calls up are kept)\n") {
  (void)self;
  (void)argc;
  (void)argv;
  if (g_reload)
    g_reload(vty);
  return CMD_SUCCESS;
}

#undef CMD

} // namespace

void vty_go_live(const Config &running, std::function<void(struct vty *)> changed) {
  g_running = &running;
  g_on_change = std::move(changed);
}

void vty_pause_live(bool paused) { g_paused = paused; }

void vty_install_reload(std::function<void(struct vty *)> reload) {
  g_reload = std::move(reload);
  install_element(ENABLE_NODE, &reload_cmd);
}

void vty_install(Config &cfg) {
  g_cfg = &cfg;
  install_node(&telnet_node, write_telnet);
  install_element(CONFIG_NODE, &cfg_telnet_cmd);
  for (auto *c : {&cfg_telnet_bind_cmd, &cfg_telnet_allow_cmd, &cfg_telnet_no_allow_cmd})
    install_element(TELNET_NODE, c);

  install_node(&ss7_node, write_ss7);
  install_element(CONFIG_NODE, &cfg_ss7_cmd);
  for (auto *c : {&cfg_ss7_pc_format_cmd, &cfg_ss7_pc_cmd, &cfg_ss7_variant_cmd, &cfg_ss7_ni_cmd,
                  &cfg_ss7_reduction_cmd})
    install_element(SS7_NODE, c);

  install_node(&m3ua_node, write_m3ua);
  install_element(CONFIG_NODE, &cfg_m3ua_cmd);
  for (auto *c : {&cfg_m3ua_transport_cmd, &cfg_m3ua_role_cmd, &cfg_m3ua_local_addr_cmd,
                  &cfg_m3ua_remote_addr_cmd, &cfg_m3ua_local_port_cmd, &cfg_m3ua_remote_port_cmd,
                  &cfg_m3ua_rc_cmd, &cfg_m3ua_mode_cmd, &cfg_m3ua_route_cmd,
                  &cfg_m3ua_udp_ports_cmd})
    install_element(M3UA_NODE, c);

  install_node(&call_agent_node, write_call_agent);
  install_element(CONFIG_NODE, &cfg_ca_cmd);
  for (auto *c : {&cfg_ca_mgcp_cmd, &cfg_ca_h248_cmd, &cfg_ca_h248_mid_cmd, &cfg_ca_no_h248_mid_cmd})
    install_element(CALL_AGENT_NODE, c);

  install_node(&mgw_node, write_mgws);
  install_element(CONFIG_NODE, &cfg_mgw_cmd);
  install_element(CONFIG_NODE, &cfg_no_mgw_cmd);
  for (auto *c : {&cfg_mgw_protocol_cmd, &cfg_mgw_address_cmd, &cfg_mgw_domain_cmd,
                  &cfg_mgw_encoding_cmd, &cfg_mgw_transport_cmd, &cfg_mgw_version_cmd,
                  &cfg_mgw_mid_cmd, &cfg_mgw_no_mid_cmd, &cfg_mgw_local_cmd, &cfg_mgw_no_local_cmd,
                  &cfg_mgw_keepalive_cmd})
    install_element(MEDIA_GATEWAY_NODE, c);

  install_node(&trunk_group_node, write_trunk_groups);
  install_element(CONFIG_NODE, &cfg_tg_cmd);
  install_element(CONFIG_NODE, &cfg_no_tg_cmd);
  install_element(TRUNK_GROUP_NODE, &cfg_tg_no_cics_cmd);
  for (auto *c : {&cfg_tg_dpc_cmd, &cfg_tg_cics_cmd, &cfg_tg_mgw_cmd, &cfg_tg_rule_cmd,
                  &cfg_tg_framing_cmd, &cfg_tg_hunting_cmd, &cfg_tg_glare_cmd})
    install_element(TRUNK_GROUP_NODE, c);

  install_node(&sip_node, write_sip);
  install_node(&sip_peer_node, nullptr); // written inside write_sip
  install_element(CONFIG_NODE, &cfg_sip_cmd);
  install_element(SIP_NODE, &cfg_sip_no_peer_cmd);
  for (auto *c :
       {&cfg_sip_listen_cmd, &cfg_sip_no_listen_cmd, &cfg_sip_tls_cert_cmd, &cfg_sip_tls_key_cmd,
        &cfg_sip_tls_ca_cmd, &cfg_sip_tls_verify_cmd, &cfg_sip_udp_buffers_cmd,
        &cfg_sip_tcp_connections_cmd, &cfg_sip_tcp_timeouts_cmd, &cfg_sip_peer_cmd,
        &cfg_session_timer_cmd, &cfg_no_session_timer_cmd})
    install_element(SIP_NODE, c);
  for (auto *c : {&cfg_peer_address_cmd, &cfg_peer_transport_cmd, &cfg_peer_profile_cmd,
                  &cfg_peer_trusted_cmd, &cfg_peer_untrusted_cmd, &cfg_peer_acl_cmd,
                  &cfg_peer_auth_cmd, &cfg_peer_auth_realm_cmd, &cfg_peer_no_auth_cmd,
                  &cfg_peer_auth_challenge_cmd,
                  &cfg_peer_redirect_cmd, &cfg_peer_no_redirect_cmd, &cfg_peer_register_cmd,
                  &cfg_peer_no_register_cmd, &cfg_session_timer_cmd, &cfg_no_session_timer_cmd,
                  &cfg_peer_session_timer_inherit_cmd, &cfg_peer_keepalive_cmd})
    install_element(SIP_PEER_NODE, c);

  install_node(&route_node, write_routes);
  install_element(CONFIG_NODE, &cfg_route_cmd);
  install_element(CONFIG_NODE, &cfg_route_default_cmd);
  install_element(CONFIG_NODE, &cfg_no_route_cmd);
  for (auto *c : {&cfg_route_strip_cmd, &cfg_route_prepend_cmd, &cfg_route_target_cmd,
                  &cfg_route_digits_cmd, &cfg_route_no_digits_cmd})
    install_element(ROUTE_NODE, c);
  install_element(TRUNK_GROUP_NODE, &cfg_tg_overlap_cmd);
  install_element(TRUNK_GROUP_NODE, &cfg_tg_no_overlap_cmd);
  install_traffic_commands();

  install_node(&timers_node, write_timers);
  install_element(CONFIG_NODE, &cfg_timers_cmd);
  install_element(TIMERS_NODE, &cfg_timers_lab_cmd);
  install_timer_commands();

  install_node(&overload_node, write_overload);
  install_element(CONFIG_NODE, &cfg_overload_cmd);
  for (auto *c : {&cfg_ovl_measure_cmd, &cfg_ovl_no_measure_cmd, &cfg_ovl_refuse_cmd,
                  &cfg_ovl_queued_cmd, &cfg_ovl_in_setup_cmd, &cfg_ovl_retry_cmd})
    install_element(OVERLOAD_NODE, c);

  install_node(&metrics_node, write_metrics);
  install_element(CONFIG_NODE, &cfg_metrics_cmd);
  install_element(METRICS_NODE, &cfg_metrics_bind_cmd);
  install_element(METRICS_NODE, &cfg_metrics_no_bind_cmd);

  install_node(&cdr_node, write_cdr);
  install_element(CONFIG_NODE, &cfg_cdr_cmd);
  for (auto *c : {&cfg_cdr_file_cmd, &cfg_cdr_rotate_size_cmd, &cfg_cdr_rotate_interval_cmd,
                  &cfg_cdr_interim_cmd, &cfg_cdr_pg_conninfo_cmd, &cfg_cdr_pg_table_cmd,
                  &cfg_cdr_pg_batch_cmd, &cfg_cdr_pg_flush_cmd, &cfg_cdr_pg_spool_cmd,
                  &cfg_cdr_no_pg_cmd})
    install_element(CDR_NODE, c);

  install_node(&gateway_node, write_gateway);
  install_element(CONFIG_NODE, &cfg_gateway_cmd);
  install_element(GATEWAY_NODE, &cfg_gw_shutdown_cmd);
  install_element(GATEWAY_NODE, &cfg_gw_no_shutdown_cmd);
}

} // namespace mgc::gw
