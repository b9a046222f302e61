#include "gateway/pstnsim/vty.h"

#include "core/hex.h"
#include "gateway/vty_commands.h"
#include "isup/catalogue.h"
#include "isup/codec.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace mgc::pstnsim {
namespace {

Config *g_cfg = nullptr;
Sim *g_sim = nullptr;
sigtran::Node *g_node = nullptr; // the M3UA node, for `send ...` (SSNM toward the gateway)
std::function<std::string()> g_show_m3ua;
std::size_t g_rule = 0; // index of the rule being edited

enum PstnSimNode {
  // `show running-config` writes nodes in this order.
  SS7_NODE = _LAST_OSMOVTY_NODE + 1,
  M3UA_NODE,
  CIRCUITS_NODE,
  RULE_NODE,
  ORIGINATE_NODE,
  TIMERS_NODE,
};

#define NL VTY_NEWLINE
// DEFUN does not compile as C++ (designated initializer order, PLATFORM.md); this does.
#define CMD(fn, str, help) DEFUN_ATTR_USRATTR(fn, fn##_cmd, 0, 0, str, help)

using sigtran::m3ua::kNetworkIndicatorNames;
using vtycmd::set_keyword;

uint32_t u32(const char *s) { return static_cast<uint32_t>(std::strtoul(s, nullptr, 10)); }
// A point code as an integer or in the ITU-T 3-8-3 notation of Q.708 (zone.area.signalling point).
bool point_code(const char *s, uint32_t &out) {
  unsigned a = 0, b = 0, c = 0;
  char tail = 0;
  if (std::sscanf(s, "%u.%u.%u%c", &a, &b, &c, &tail) == 3) {
    if (a > 7 || b > 255 || c > 7)
      return false;
    out = a << 11 | b << 3 | c;
    return true;
  }
  char *end = nullptr;
  const unsigned long v = std::strtoul(s, &end, 10);
  if (!*s || *end || v == 0 || v > 16777215)
    return false;
  out = static_cast<uint32_t>(v);
  return true;
}
bool digits_only(const char *s) {
  for (; *s; ++s)
    if (*s < '0' || *s > '9')
      return false;
  return true;
}

// ---------------------------------------------------------------- ss7
struct cmd_node ss7_node = {SS7_NODE, "%s(config-ss7)# ", 1, nullptr, nullptr, {}};
CMD(cfg_ss7, "ss7", "This exchange's SS7 signalling point\n") {
  vty->node = SS7_NODE;
  return CMD_SUCCESS;
}
CMD(cfg_ss7_pc, "point-code PC",
    "This exchange's point code\nPoint code: an integer or ITU 3-8-3 (e.g. 0.2.2)\n") {
  if (!point_code(argv[0], g_cfg->sim.own_pc)) {
    vty_out(vty, "%% invalid point code '%s'%s", argv[0], NL);
    return CMD_WARNING;
  }
  return CMD_SUCCESS;
}
CMD(cfg_ss7_variant, "variant (itu|ansi)", "ISUP variant\nITU-T Q.763\nANSI T1.113\n") {
  return set_keyword(vty, isup::kVariantNames, argv[0], g_cfg->sim.variant);
}
CMD(cfg_ss7_ni, "network-indicator (international|spare|national|reserved)",
    "Network indicator of the SIO (Q.704 14.2.1)\nInternational\nSpare\nNational\nReserved\n") {
  return set_keyword(vty, kNetworkIndicatorNames, argv[0], g_cfg->network_indicator);
}
int write_ss7(struct vty *vty) {
  vty_out(vty, "ss7%s", NL);
  vty_out(vty, " point-code %u%s", g_cfg->sim.own_pc, NL);
  vty_out(vty, " variant %s%s", name_of(isup::kVariantNames, g_cfg->sim.variant), NL);
  vty_out(vty, " network-indicator %s%s", name_of(kNetworkIndicatorNames, g_cfg->network_indicator),
          NL);
  return CMD_SUCCESS;
}

// ---------------------------------------------------------------- m3ua
struct cmd_node m3ua_node = {M3UA_NODE, "%s(config-m3ua)# ", 1, nullptr, nullptr, {}};
CMD(cfg_m3ua, "m3ua", "M3UA toward the gateway (RFC 4666)\n") {
  vty->node = M3UA_NODE;
  return CMD_SUCCESS;
}
CMD(cfg_m3ua_transport, "transport (usrsctp-udp|usrsctp-raw|kernel-sctp|tcp)",
    "Transport\nSCTP in user space over UDP (RFC 6951)\nSCTP in user space over raw IP (root)\n"
    "Kernel SCTP\nTCP\n") {
  return set_keyword(vty, sigtran::kTransportConfigNames, argv[0], g_cfg->m3ua.transport);
}
CMD(cfg_m3ua_role, "role (sgp|asp|ipsp-se-server|ipsp-se-client|ipsp-de)",
    "M3UA role of this side (RFC 4666 1.3)\nSignalling gateway process (toward mgcd)\n"
    "Application server process\nIPSP single exchange, server\nIPSP single exchange, client\n"
    "IPSP double exchange\n") {
  return set_keyword(vty, sigtran::kRoleNames, argv[0], g_cfg->m3ua.role);
}
CMD(cfg_m3ua_mode, "mode (server|client)",
    "Who opens the association\nListen for the peer\nConnect to the peer\n") {
  return set_keyword(vty, kM3uaModeNames, argv[0], g_cfg->m3ua.server);
}
CMD(cfg_m3ua_laddr, "local-address A.B.C.D", "Local address (repeat for multihoming)\nIPv4\n") {
  g_cfg->m3ua.local_addresses.push_back(argv[0]);
  return CMD_SUCCESS;
}
CMD(cfg_m3ua_raddr, "remote-address A.B.C.D", "Remote address (repeat for multihoming)\nIPv4\n") {
  g_cfg->m3ua.remote_addresses.push_back(argv[0]);
  return CMD_SUCCESS;
}
CMD(cfg_m3ua_lport, "local-port <0-65535>", "Local SCTP/TCP port (0: any)\nPort\n") {
  g_cfg->m3ua.local_port = static_cast<uint16_t>(u32(argv[0]));
  return CMD_SUCCESS;
}
CMD(cfg_m3ua_rport, "remote-port <1-65535>", "Remote SCTP/TCP port\nPort\n") {
  g_cfg->m3ua.remote_port = static_cast<uint16_t>(u32(argv[0]));
  return CMD_SUCCESS;
}
CMD(cfg_m3ua_udp, "udp-port <0-65535>",
    "Local UDP encapsulation port for usrsctp-udp (RFC 6951)\nPort\n") {
  g_cfg->m3ua.udp_port = static_cast<uint16_t>(u32(argv[0]));
  return CMD_SUCCESS;
}
CMD(cfg_m3ua_udp_remote, "udp-remote-port <1-65535>",
    "The peer's UDP encapsulation port (RFC 6951)\nPort\n") {
  g_cfg->m3ua.udp_remote_port = static_cast<uint16_t>(u32(argv[0]));
  return CMD_SUCCESS;
}
CMD(cfg_m3ua_rc, "routing-context <0-4294967295>",
    "Routing context (RFC 4666 3.8.2), 0 for none\nValue\n") {
  g_cfg->m3ua.routing_context = u32(argv[0]);
  return CMD_SUCCESS;
}
CMD(cfg_m3ua_tm, "traffic-mode (override|loadshare|broadcast)",
    "AS traffic mode (RFC 4666 3.8.4)\nOverride\nLoadshare\nBroadcast\n") {
  return set_keyword(vty, sigtran::m3ua::kTrafficModeNames, argv[0], g_cfg->m3ua.traffic_mode);
}
int write_m3ua(struct vty *vty) {
  const auto &m = g_cfg->m3ua;
  vty_out(vty, "m3ua%s", NL);
  vty_out(vty, " transport %s%s", name_of(sigtran::kTransportConfigNames, m.transport), NL);
  vty_out(vty, " role %s%s", name_of(sigtran::kRoleNames, m.role), NL);
  vty_out(vty, " mode %s%s", name_of(kM3uaModeNames, m.server), NL);
  for (const auto &a : m.local_addresses)
    vty_out(vty, " local-address %s%s", a.c_str(), NL);
  vty_out(vty, " local-port %u%s", m.local_port, NL);
  for (const auto &a : m.remote_addresses)
    vty_out(vty, " remote-address %s%s", a.c_str(), NL);
  vty_out(vty, " remote-port %u%s", m.remote_port, NL);
  vty_out(vty, " udp-port %u%s", m.udp_port, NL);
  vty_out(vty, " udp-remote-port %u%s", m.udp_remote_port, NL);
  vty_out(vty, " routing-context %u%s", m.routing_context, NL);
  vty_out(vty, " traffic-mode %s%s", name_of(sigtran::m3ua::kTrafficModeNames, m.traffic_mode), NL);
  return CMD_SUCCESS;
}

// ---------------------------------------------------------------- circuits
struct cmd_node circuits_node = {CIRCUITS_NODE, "%s(config-circuits)# ", 1, nullptr, nullptr, {}};
CMD(cfg_circuits, "circuits", "Circuits toward the gateway\n") {
  vty->node = CIRCUITS_NODE;
  return CMD_SUCCESS;
}
CMD(cfg_circ_dpc, "dpc PC",
    "The gateway's point code\nPoint code: an integer or ITU 3-8-3 (e.g. 0.2.1)\n") {
  if (!point_code(argv[0], g_cfg->sim.dpc)) {
    vty_out(vty, "%% invalid point code '%s'%s", argv[0], NL);
    return CMD_WARNING;
  }
  return CMD_SUCCESS;
}
CMD(cfg_circ_range, "cic-range <0-16383> <0-16383>", "Circuits\nFirst CIC\nLast CIC\n") {
  const auto a = static_cast<uint16_t>(u32(argv[0])), b = static_cast<uint16_t>(u32(argv[1]));
  if (a > b) {
    vty_out(vty, "%% first CIC %u is above last CIC %u%s", a, b, NL);
    return CMD_WARNING;
  }
  for (auto [x, y] : g_cfg->sim.cic_ranges)
    if (a <= y && b >= x) {
      vty_out(vty, "%% CICs %u-%u overlap %u-%u%s", a, b, x, y, NL);
      return CMD_WARNING;
    }
  g_cfg->sim.cic_ranges.emplace_back(a, b);
  return CMD_SUCCESS;
}
CMD(cfg_circ_hunting, "hunting (sequential|round-robin|least-recently-used)",
    "Circuit selection for originated calls\nLowest free CIC first\nRound robin\n"
    "Least recently used\n") {
  return set_keyword(vty, cc::kHuntingNames, argv[0], g_cfg->sim.hunting);
}
CMD(cfg_circ_reset, "reset-at-start",
    "GRS over every circuit when the gateway becomes reachable (Q.764 2.9.3.2)\n") {
  g_cfg->reset_at_start = true;
  return CMD_SUCCESS;
}
int write_circuits(struct vty *vty) {
  vty_out(vty, "circuits%s", NL);
  vty_out(vty, " dpc %u%s", g_cfg->sim.dpc, NL);
  for (auto [a, b] : g_cfg->sim.cic_ranges)
    vty_out(vty, " cic-range %u %u%s", a, b, NL);
  vty_out(vty, " hunting %s%s", name_of(cc::kHuntingNames, g_cfg->sim.hunting), NL);
  if (g_cfg->reset_at_start)
    vty_out(vty, " reset-at-start%s", NL);
  return CMD_SUCCESS;
}

// ---------------------------------------------------------------- rule
struct cmd_node rule_node = {RULE_NODE, "%s(config-rule)# ", 1, nullptr, nullptr, {}};
Rule &rule() { return g_cfg->sim.rules[g_rule]; }
CMD(cfg_rule, "rule (PREFIX|default)",
    "What to do with incoming calls to a called-number prefix (longest prefix wins)\n"
    "Called number prefix (digits)\nEvery number no other rule matches\n") {
  std::string prefix = std::strcmp(argv[0], "default") == 0 ? "" : argv[0];
  if (!digits_only(prefix.c_str())) {
    vty_out(vty, "%% a rule prefix is digits only: '%s'%s", argv[0], NL);
    return CMD_WARNING;
  }
  auto &rules = g_cfg->sim.rules;
  g_rule = rules.size();
  for (std::size_t i = 0; i < rules.size(); ++i)
    if (rules[i].prefix == prefix)
      g_rule = i;
  if (g_rule == rules.size()) {
    rules.push_back(Rule{});
    rules.back().prefix = prefix;
  }
  vty->node = RULE_NODE;
  return CMD_SUCCESS;
}
CMD(cfg_rule_action, "action (answer|busy|no-answer|silent)",
    "What the called party does\nAnswers (ACM, ANM)\nIs busy (REL cause 17)\n"
    "Rings for ever (ACM, no ANM)\nSends nothing (the caller's T7 expires)\n") {
  return set_keyword(vty, kRuleActionNames, argv[0], rule().action);
}
CMD(cfg_rule_release, "action release <1-127>",
    "What the called party does\nThe call is refused with REL\nQ.850 cause value\n") {
  rule().action = RuleAction::Release;
  rule().cause = static_cast<uint8_t>(u32(argv[0]));
  rule().acl = 0;
  return CMD_SUCCESS;
}
CMD(cfg_rule_release_acl, "action release <1-127> acl <1-2>",
    "What the called party does\nThe call is refused with REL\nQ.850 cause value\n"
    "The REL carries an automatic congestion level (Q.764 2.11)\nCongestion level 1 or 2\n") {
  rule().action = RuleAction::Release;
  rule().cause = static_cast<uint8_t>(u32(argv[0]));
  rule().acl = static_cast<uint8_t>(u32(argv[1]));
  return CMD_SUCCESS;
}
CMD(cfg_rule_answer_after, "answer-after <0-3600000>",
    "Delay between ACM and ANM\nMilliseconds\n") {
  rule().answer_after_ms = u32(argv[0]);
  return CMD_SUCCESS;
}
CMD(cfg_rule_in_band, "in-band", "The ACM says in-band information (tones) is available\n") {
  rule().in_band = true;
  return CMD_SUCCESS;
}
CMD(cfg_rule_cpg, "cpg (none|alerting|progress)",
    "Send a CPG after the ACM (Q.763 3.21)\nNo CPG\nEvent 1, alerting\n"
    "Event 2, progress with in-band information\n") {
  return set_keyword(vty, kCpgKindNames, argv[0], rule().cpg);
}
CMD(cfg_rule_hangup, "hangup-after <0-86400000>",
    "Once answered, release (cause 16) after this long; 0: never\nMilliseconds\n") {
  rule().hangup_after_ms = u32(argv[0]);
  return CMD_SUCCESS;
}
CMD(cfg_rule_digits, "expect-digits <0-32>",
    "Overlap: wait for SAMs until the number has this many digits (T35 guards the wait)\n"
    "Digits; 0 for en bloc\n") {
  rule().expect_digits = u32(argv[0]);
  return CMD_SUCCESS;
}
CMD(cfg_rule_suspend, "suspend-after <0-86400000>",
    "Once answered, SUS (network initiated, Q.764 2.5) after this long; 0: never\nMilliseconds\n") {
  rule().suspend_after_ms = u32(argv[0]);
  return CMD_SUCCESS;
}
CMD(cfg_rule_resume, "resume-after <0-86400000>",
    "RES this long after the SUS; 0: never (the caller's T6 releases with cause 102)\n"
    "Milliseconds\n") {
  rule().resume_after_ms = u32(argv[0]);
  return CMD_SUCCESS;
}
CMD(cfg_rule_cics, "cics <0-16383> <0-16383>",
    "Only calls arriving on these circuits (e.g. one trunk group of mgcd congested)\n"
    "First CIC\nLast CIC\n") {
  const uint32_t a = u32(argv[0]), b = u32(argv[1]);
  if (a > b) {
    vty_out(vty, "%% first CIC %u is above last CIC %u%s", a, b, NL);
    return CMD_WARNING;
  }
  rule().first_cic = static_cast<uint16_t>(a);
  rule().last_cic = static_cast<uint16_t>(b);
  return CMD_SUCCESS;
}
// Octets of one ISUP message in the RFC 3204 body form (no CIC), written as hex: accepted if
// they are a message of `type` that the codec can send again as they are (issue 16: captured
// messages sent octet for octet).
bool message_octets(struct vty *vty, const char *hex, std::optional<isup::MessageType> type,
                    std::vector<uint8_t> &out) {
  auto bytes = hex_decode(hex);
  isup::Message m;
  const isup::DecodeOptions o{.variant = g_cfg->sim.variant, .with_cic = false};
  std::vector<uint8_t> again;
  if (!bytes || bytes->empty()) {
    vty_out(vty, "%% not hex octets: %s%s", hex, NL);
    return false;
  }
  isup::decode(*bytes, o, m);
  if ((type && m.type != *type) || !isup::encode(m, o, again).ok() || again != *bytes) {
    const std::string what(type ? isup::message_acronym(uint8_t(*type)) : "ISUP");
    vty_out(vty, "%% not an %s message the codec sends again as it is%s", what.c_str(), NL);
    return false;
  }
  out = std::move(*bytes);
  return true;
}

constexpr auto kBackwardNames =
    name_table<isup::MessageType>({{isup::MessageType::Acm, "acm"},
                                   {isup::MessageType::Cpg, "cpg"},
                                   {isup::MessageType::Anm, "anm"},
                                   {isup::MessageType::Con, "con"},
                                   {isup::MessageType::Rel, "rel"}});
CMD(cfg_rule_message, "message (acm|cpg|anm|con|rel) HEX",
    "Send this message as these octets when the rule sends one of its type\n"
    "Address complete\nCall progress\nAnswer\nConnect\nRelease\n"
    "The message without its CIC (RFC 3204 form), hex\n") {
  isup::MessageType t{};
  if (set_keyword(vty, kBackwardNames, argv[0], t) != CMD_SUCCESS)
    return CMD_WARNING;
  std::vector<uint8_t> octets;
  if (!message_octets(vty, argv[1], t, octets))
    return CMD_WARNING;
  rule().messages[t] = std::move(octets);
  return CMD_SUCCESS;
}
CMD(cfg_rule_no_message, "no message (acm|cpg|anm|con|rel)",
    NO_STR "Send the message built here\nAddress complete\nCall progress\nAnswer\nConnect\n"
    "Release\n") {
  isup::MessageType t{};
  if (set_keyword(vty, kBackwardNames, argv[0], t) != CMD_SUCCESS)
    return CMD_WARNING;
  rule().messages.erase(t);
  return CMD_SUCCESS;
}

int write_rules(struct vty *vty) {
  for (const auto &r : g_cfg->sim.rules) {
    vty_out(vty, "rule %s%s", r.prefix.empty() ? "default" : r.prefix.c_str(), NL);
    if (r.action == RuleAction::Release && r.acl)
      vty_out(vty, " action release %u acl %u%s", r.cause, r.acl, NL);
    else if (r.action == RuleAction::Release)
      vty_out(vty, " action release %u%s", r.cause, NL);
    else
      vty_out(vty, " action %s%s", name_of(kRuleActionNames, r.action), NL);
    vty_out(vty, " answer-after %u%s", r.answer_after_ms, NL);
    if (r.in_band)
      vty_out(vty, " in-band%s", NL);
    vty_out(vty, " cpg %s%s", name_of(kCpgKindNames, r.cpg), NL);
    vty_out(vty, " hangup-after %u%s", r.hangup_after_ms, NL);
    vty_out(vty, " expect-digits %u%s", r.expect_digits, NL);
    if (r.suspend_after_ms)
      vty_out(vty, " suspend-after %u%s", r.suspend_after_ms, NL);
    if (r.resume_after_ms)
      vty_out(vty, " resume-after %u%s", r.resume_after_ms, NL);
    if (r.last_cic)
      vty_out(vty, " cics %u %u%s", r.first_cic, r.last_cic, NL);
    for (const auto &[t, octets] : r.messages)
      vty_out(vty, " message %s %s%s", name_of(kBackwardNames, t), hex_encode(octets).c_str(),
              NL);
  }
  return CMD_SUCCESS;
}

// ---------------------------------------------------------------- originate
struct cmd_node originate_node = {ORIGINATE_NODE, "%s(config-originate)# ", 1, nullptr, nullptr, {}};
OriginateConfig &orig() { return *g_cfg->originate; }
CMD(cfg_orig, "originate", "Calls this exchange places toward the gateway\n") {
  if (!g_cfg->originate)
    g_cfg->originate.emplace();
  vty->node = ORIGINATE_NODE;
  return CMD_SUCCESS;
}
CMD(cfg_orig_called, "called NUMBER", "Called party number\nDigits\n") {
  if (!digits_only(argv[0]) || std::strlen(argv[0]) > 30) {
    vty_out(vty, "%% the called number is 1-30 digits%s", NL);
    return CMD_WARNING;
  }
  orig().called = argv[0];
  return CMD_SUCCESS;
}
CMD(cfg_orig_calling, "calling NUMBER", "Calling party number\nDigits\n") {
  if (!digits_only(argv[0]) || std::strlen(argv[0]) > 30) {
    vty_out(vty, "%% the calling number is 1-30 digits%s", NL);
    return CMD_WARNING;
  }
  orig().calling = argv[0];
  return CMD_SUCCESS;
}
CMD(cfg_orig_called_nai, "called-nai (subscriber|unknown|national|international)",
    "Nature of address of the called number (Q.763 3.9 c)\nSubscriber number\nUnknown\n"
    "National (significant) number\nInternational number\n") {
  return set_keyword(vty, kNatureOfAddressNames, argv[0], orig().called_nai);
}
CMD(cfg_orig_calling_nai, "calling-nai (subscriber|unknown|national|international)",
    "Nature of address of the calling number (Q.763 3.10 b)\nSubscriber number\nUnknown\n"
    "National (significant) number\nInternational number\n") {
  return set_keyword(vty, kNatureOfAddressNames, argv[0], orig().calling_nai);
}
CMD(cfg_orig_rate, "rate RATE", "Calls placed per second\nCalls/s (decimal)\n") {
  const double r = std::strtod(argv[0], nullptr);
  if (!(r > 0 && r <= 100000)) {
    vty_out(vty, "%% rate must be above 0 and at most 100000 calls/s%s", NL);
    return CMD_WARNING;
  }
  orig().rate = r;
  return CMD_SUCCESS;
}
CMD(cfg_orig_total, "total <0-100000000>", "Calls to place; 0: until the duration ends\nCalls\n") {
  orig().total = u32(argv[0]);
  return CMD_SUCCESS;
}
CMD(cfg_orig_duration, "duration <0-86400000>",
    "Stop placing calls after this long; 0: until the total is reached\nMilliseconds\n") {
  orig().duration_ms = u32(argv[0]);
  return CMD_SUCCESS;
}
CMD(cfg_orig_hold, "hold <0-86400000>",
    "Hang up this long after the answer; 0: wait for the far end to release\nMilliseconds\n") {
  orig().hold_ms = u32(argv[0]);
  return CMD_SUCCESS;
}
CMD(cfg_orig_sam, "sam-digits <0-30>",
    "Overlap: send the last N digits of the called number in a SAM after the IAM\nDigits\n") {
  orig().sam_digits = u32(argv[0]);
  return CMD_SUCCESS;
}
CMD(cfg_orig_hop, "hop-counter <0-31>",
    "The IAMs carry a hop counter (Q.763 3.80, Q.764 2.1.12); 0: none (default)\nValue\n") {
  orig().hop_counter = static_cast<uint8_t>(u32(argv[0]));
  return CMD_SUCCESS;
}
CMD(cfg_orig_cot, "continuity-check",
    "The IAMs ask for a continuity check on the circuit (Q.764 2.1.8); COT (success) follows\n") {
  orig().continuity_check = true;
  return CMD_SUCCESS;
}
CMD(cfg_orig_no_cot, "no continuity-check", "Negate\nNo continuity check (default)\n") {
  orig().continuity_check = false;
  return CMD_SUCCESS;
}
CMD(cfg_orig_expect, "expect-cause <1-127>",
    "A release cause that counts as success (repeat; the first replaces the default 16)\n"
    "Q.850 cause value\n") {
  auto &o = orig();
  static OriginateConfig *cleared = nullptr;
  if (cleared != &o) { // the first expect-cause of a config replaces the default
    o.expect_causes.clear();
    cleared = &o;
  }
  o.expect_causes.push_back(static_cast<uint8_t>(u32(argv[0])));
  return CMD_SUCCESS;
}
CMD(cfg_orig_iam, "iam HEX",
    "Send this IAM as these octets on the seized circuit (called, calling and the rest unused)\n"
    "The IAM without its CIC (RFC 3204 form), hex\n") {
  return message_octets(vty, argv[0], isup::MessageType::Iam, orig().iam) ? CMD_SUCCESS
                                                                          : CMD_WARNING;
}
CMD(cfg_orig_no_iam, "no iam", NO_STR "Build the IAM from the settings\n") {
  orig().iam.clear();
  return CMD_SUCCESS;
}
CMD(cfg_orig_delay, "start-delay <0-3600000>",
    "Wait this long after the gateway becomes reachable before the first call\nMilliseconds\n") {
  g_cfg->originate_delay_ms = u32(argv[0]);
  return CMD_SUCCESS;
}
int write_originate(struct vty *vty) {
  if (!g_cfg->originate)
    return CMD_SUCCESS;
  const auto &o = *g_cfg->originate;
  vty_out(vty, "originate%s", NL);
  vty_out(vty, " called %s%s", o.called.c_str(), NL);
  vty_out(vty, " called-nai %s%s", name_of(kNatureOfAddressNames, o.called_nai, "national"), NL);
  if (!o.calling.empty()) {
    vty_out(vty, " calling %s%s", o.calling.c_str(), NL);
    vty_out(vty, " calling-nai %s%s", name_of(kNatureOfAddressNames, o.calling_nai, "national"),
            NL);
  }
  vty_out(vty, " rate %g%s", o.rate, NL);
  vty_out(vty, " total %u%s", o.total, NL);
  vty_out(vty, " duration %u%s", o.duration_ms, NL);
  vty_out(vty, " hold %u%s", o.hold_ms, NL);
  vty_out(vty, " sam-digits %u%s", o.sam_digits, NL);
  if (o.continuity_check)
    vty_out(vty, " continuity-check%s", NL);
  if (o.hop_counter)
    vty_out(vty, " hop-counter %u%s", unsigned(o.hop_counter), NL);
  if (!o.iam.empty())
    vty_out(vty, " iam %s%s", hex_encode(o.iam).c_str(), NL);
  for (uint8_t c : o.expect_causes)
    vty_out(vty, " expect-cause %u%s", c, NL);
  vty_out(vty, " start-delay %u%s", g_cfg->originate_delay_ms, NL);
  return CMD_SUCCESS;
}

// ---------------------------------------------------------------- timers
struct cmd_node timers_node = {TIMERS_NODE, "%s(config-timers)# ", 1, nullptr, nullptr, {}};
CMD(cfg_timers, "timers", "ISUP timers (Q.764 Annex A)\n") {
  vty->node = TIMERS_NODE;
  return CMD_SUCCESS;
}
CMD(cfg_timers_lab, "lab-timers", "Allow values outside the Q.764 ranges (labs and tests)\n") {
  g_cfg->lab_timers = true;
  return CMD_SUCCESS;
}
// One command per ISUP timer, built from the table at start-up (`isup t7 <1-3600000>`, Q.764
// Annex A), and a hidden `isup NAME VALUE` that catches a name the table lacks.
vtycmd::CommandStore g_timer_cmds;

int set_isup_timer(struct cmd_element *self, struct vty *vty, int, const char *argv[]) {
  const auto i = g_timer_cmds.index_of(self);
  if (!i || *i >= cc::kIsupTimerCount)
    return CMD_WARNING;
  const auto &info = cc::isup_timer_table()[*i];
  if (!g_cfg->sim.timers.set(info.timer, u32(argv[0]), g_cfg->lab_timers)) {
    std::string n(info.name);
    n[0] = 't';
    vty_out(vty, "%% %s outside its Q.764 range; put 'lab-timers' first to allow it%s", n.c_str(),
            NL);
    return CMD_WARNING;
  }
  return CMD_SUCCESS;
}
int unknown_timer(struct cmd_element *, struct vty *vty, int, const char *argv[]) {
  vty_out(vty, "%% unknown timer %s%s", argv[0], NL);
  return CMD_WARNING;
}
void install_timer_commands() {
  const std::string help = "ISUP timer (Q.764 Annex A)\n";
  for (const auto &t : cc::isup_timer_table()) {
    std::string n(t.name);
    n[0] = 't';
    install_element(
        TIMERS_NODE,
        g_timer_cmds.add("isup " + n + " <1-3600000>",
                         help + std::string(t.name) + ": " + std::string(t.description) + " (" +
                             std::to_string(t.min_ms) + ".." + std::to_string(t.max_ms) +
                             " ms, default " + std::to_string(t.default_ms) + ")\nMilliseconds\n",
                         set_isup_timer, static_cast<std::size_t>(t.timer)));
  }
  install_element(TIMERS_NODE,
                  g_timer_cmds.add("isup NAME <1-3600000>", help + "Timer name\nMilliseconds\n",
                                   unknown_timer, 0, CMD_ATTR_HIDDEN));
}
int write_timers(struct vty *vty) {
  vty_out(vty, "timers%s", NL);
  if (g_cfg->lab_timers)
    vty_out(vty, " lab-timers%s", NL);
  for (const auto &t : cc::isup_timer_table())
    if (!g_cfg->sim.timers.is_default(t.timer)) {
      std::string n(t.name);
      n[0] = 't';
      vty_out(vty, " isup %s %u%s", n.c_str(), g_cfg->sim.timers.ms(t.timer), NL);
    }
  return CMD_SUCCESS;
}

CMD(cfg_log_isup, "log-isup-messages", "Log one line per ISUP message sent or received\n") {
  g_cfg->sim.log_messages = true;
  if (g_sim)
    g_sim->config().log_messages = true;
  return CMD_SUCCESS;
}
CMD(cfg_no_log_isup, "no log-isup-messages", NO_STR "Log one line per ISUP message\n") {
  g_cfg->sim.log_messages = false;
  if (g_sim)
    g_sim->config().log_messages = false;
  return CMD_SUCCESS;
}
// Written at the end of the timers node: a config-level flag.
int write_log(struct vty *vty) {
  if (g_cfg->sim.log_messages)
    vty_out(vty, "log-isup-messages%s", NL);
  return CMD_SUCCESS;
}
struct cmd_node log_node = {TIMERS_NODE + 1, "%s(config-log)# ", 1, nullptr, nullptr, {}};

// ---------------------------------------------------------------- live commands
int run(struct vty *vty, const std::string &line) {
  if (!g_sim) {
    vty_out(vty, "%% not running yet%s", NL);
    return CMD_WARNING;
  }
  std::string err;
  if (!execute(*g_sim, *g_cfg, line, err, g_node)) {
    vty_out(vty, "%% %s%s", err.c_str(), NL);
    return CMD_WARNING;
  }
  vty_out(vty, "%s: ok%s", line.c_str(), NL);
  return CMD_SUCCESS;
}
void out_text(struct vty *vty, const std::string &text) {
  std::size_t a = 0;
  while (a < text.size()) {
    std::size_t b = text.find('\n', a);
    if (b == std::string::npos)
      b = text.size();
    vty_out(vty, "%s%s", text.substr(a, b - a).c_str(), NL);
    a = b + 1;
  }
}

CMD(show_summary, "show summary", SHOW_STR "What this exchange saw: calls, causes, messages\n") {
  if (!g_sim)
    return CMD_WARNING;
  out_text(vty, g_sim->summary_text());
  return CMD_SUCCESS;
}
CMD(show_circuits, "show circuits", SHOW_STR "State of every circuit\n") {
  if (!g_sim)
    return CMD_WARNING;
  for (const auto &c : g_sim->circuits().circuits()) {
    std::string blk;
    if (c.blocking.local_maintenance) blk += " local-maintenance";
    if (c.blocking.local_hardware) blk += " local-hardware";
    if (c.blocking.remote_maintenance) blk += " remote-maintenance";
    if (c.blocking.remote_hardware) blk += " remote-hardware";
    if (c.remote_unequipped) blk += " remote-unequipped";
    vty_out(vty, "cic %5u  %-14s%s%s", c.cic, cc::circuit_call_name(c.call), blk.c_str(), NL);
  }
  return CMD_SUCCESS;
}
CMD(show_calls, "show calls", SHOW_STR "Calls in progress\n") {
  if (!g_sim)
    return CMD_WARNING;
  for (const auto &c : g_sim->calls())
    vty_out(vty, "call %u cic %u %s %s called %s calling %s rule %s%s", c.ref, c.cic,
            c.outgoing ? "out" : "in", c.state.c_str(), c.called.c_str(), c.calling.c_str(),
            c.rule.c_str(), NL);
  return CMD_SUCCESS;
}
CMD(show_m3ua, "show m3ua", SHOW_STR "M3UA links, ASes, routes and counters\n") {
  if (g_show_m3ua)
    out_text(vty, g_show_m3ua());
  return CMD_SUCCESS;
}
CMD(exec_grs, "grs <0-16383> <1-31>",
    "Circuit group reset (Q.764 2.9.3.2)\nFirst CIC\nRange (circuits after the first)\n") {
  return run(vty, std::string("grs ") + argv[0] + " " + argv[1]);
}
CMD(exec_cgb, "cgb <0-16383> <1-31> (maintenance|hardware)",
    "Circuit group blocking (Q.764 2.8.2)\nFirst CIC\nRange\nMaintenance oriented\n"
    "Hardware failure oriented\n") {
  return run(vty, std::string("cgb ") + argv[0] + " " + argv[1] + " " + argv[2]);
}
CMD(exec_cgu, "cgu <0-16383> <1-31> (maintenance|hardware)",
    "Circuit group unblocking (Q.764 2.8.2)\nFirst CIC\nRange\nMaintenance oriented\n"
    "Hardware failure oriented\n") {
  return run(vty, std::string("cgu ") + argv[0] + " " + argv[1] + " " + argv[2]);
}
CMD(exec_blo, "blo <0-16383>", "Block a circuit (Q.764 2.8.2.1)\nCIC\n") {
  return run(vty, std::string("blo ") + argv[0]);
}
CMD(exec_ubl, "ubl <0-16383>", "Unblock a circuit (Q.764 2.8.2.2)\nCIC\n") {
  return run(vty, std::string("ubl ") + argv[0]);
}
CMD(exec_rsc, "rsc <0-16383>", "Reset a circuit (Q.764 2.9.3.1)\nCIC\n") {
  return run(vty, std::string("rsc ") + argv[0]);
}
CMD(exec_reset_all, "reset-all", "GRS over every circuit\n") { return run(vty, "reset-all"); }
CMD(exec_originate, "originate (start|stop)",
    "Originating calls of the config's originate section\nStart\nStop\n") {
  return run(vty, std::string("originate ") + argv[0]);
}
CMD(exec_call, "call", "Place one call with the originate section's numbers\n") {
  return run(vty, "call");
}
CMD(exec_release_all, "release-all", "Release every call (cause 16) and stop originating\n") {
  return run(vty, "release-all");
}
#define SEND_STR "Send an M3UA message to the gateway (RFC 4666)\n"
CMD(exec_send_scon, "send scon <0-16777215> <0-3>",
    SEND_STR "SCON, signalling congestion (3.4.4)\nAffected point code\n"
             "Congestion level (0: ceased)\n") {
  return run(vty, std::string("send scon ") + argv[0] + " " + argv[1]);
}
CMD(exec_send_dupu, "send dupu <0-16777215> (unknown|unequipped|inaccessible)",
    SEND_STR "DUPU, the ISDN user part unavailable (3.4.5)\nAffected point code\n"
             "Cause unknown\nUnequipped remote user\nInaccessible remote user\n") {
  return run(vty, std::string("send dupu ") + argv[0] + " " + argv[1]);
}
CMD(exec_send_duna, "send (duna|dava) <0-16777215>",
    SEND_STR "DUNA, destination unavailable (3.4.1)\nDAVA, destination available (3.4.2)\n"
             "Affected point code\n") {
  return run(vty, std::string("send ") + argv[0] + " " + argv[1]);
}
CMD(exec_send_aspup_ack, "send aspup-ack",
    SEND_STR "ASP Up Ack that no ASP Up asked for (4.3.4.1)\n") {
  return run(vty, "send aspup-ack");
}
#undef SEND_STR

#undef CMD

} // namespace

void vty_install_config(Config &cfg) {
  g_cfg = &cfg;
  install_node(&ss7_node, write_ss7);
  install_element(CONFIG_NODE, &cfg_ss7_cmd);
  for (auto *c : {&cfg_ss7_pc_cmd, &cfg_ss7_variant_cmd, &cfg_ss7_ni_cmd})
    install_element(SS7_NODE, c);

  install_node(&m3ua_node, write_m3ua);
  install_element(CONFIG_NODE, &cfg_m3ua_cmd);
  for (auto *c : {&cfg_m3ua_transport_cmd, &cfg_m3ua_role_cmd, &cfg_m3ua_mode_cmd,
                  &cfg_m3ua_laddr_cmd, &cfg_m3ua_raddr_cmd, &cfg_m3ua_lport_cmd,
                  &cfg_m3ua_rport_cmd, &cfg_m3ua_udp_cmd, &cfg_m3ua_udp_remote_cmd,
                  &cfg_m3ua_rc_cmd, &cfg_m3ua_tm_cmd})
    install_element(M3UA_NODE, c);

  install_node(&circuits_node, write_circuits);
  install_element(CONFIG_NODE, &cfg_circuits_cmd);
  for (auto *c : {&cfg_circ_dpc_cmd, &cfg_circ_range_cmd, &cfg_circ_hunting_cmd,
                  &cfg_circ_reset_cmd})
    install_element(CIRCUITS_NODE, c);

  install_node(&rule_node, write_rules);
  install_element(CONFIG_NODE, &cfg_rule_cmd);
  for (auto *c : {&cfg_rule_action_cmd, &cfg_rule_release_cmd, &cfg_rule_release_acl_cmd, &cfg_rule_answer_after_cmd,
                  &cfg_rule_in_band_cmd, &cfg_rule_cpg_cmd, &cfg_rule_hangup_cmd,
                  &cfg_rule_digits_cmd, &cfg_rule_suspend_cmd, &cfg_rule_resume_cmd,
                  &cfg_rule_cics_cmd, &cfg_rule_message_cmd, &cfg_rule_no_message_cmd})
    install_element(RULE_NODE, c);

  install_node(&originate_node, write_originate);
  install_element(CONFIG_NODE, &cfg_orig_cmd);
  for (auto *c : {&cfg_orig_called_cmd, &cfg_orig_calling_cmd, &cfg_orig_called_nai_cmd,
                  &cfg_orig_calling_nai_cmd, &cfg_orig_rate_cmd, &cfg_orig_total_cmd,
                  &cfg_orig_duration_cmd, &cfg_orig_hold_cmd, &cfg_orig_sam_cmd, &cfg_orig_cot_cmd,
                  &cfg_orig_no_cot_cmd, &cfg_orig_hop_cmd,
                  &cfg_orig_expect_cmd, &cfg_orig_delay_cmd, &cfg_orig_iam_cmd,
                  &cfg_orig_no_iam_cmd})
    install_element(ORIGINATE_NODE, c);

  install_node(&timers_node, write_timers);
  install_element(CONFIG_NODE, &cfg_timers_cmd);
  install_element(TIMERS_NODE, &cfg_timers_lab_cmd);
  install_timer_commands();

  install_node(&log_node, write_log);
  install_element(CONFIG_NODE, &cfg_log_isup_cmd);
  install_element(CONFIG_NODE, &cfg_no_log_isup_cmd);
}

void vty_install_live(std::function<std::string()> show_m3ua) {
  g_show_m3ua = std::move(show_m3ua);
  for (auto *c : {&show_summary_cmd, &show_circuits_cmd, &show_calls_cmd, &show_m3ua_cmd,
                  &exec_grs_cmd, &exec_cgb_cmd, &exec_cgu_cmd, &exec_blo_cmd, &exec_ubl_cmd,
                  &exec_rsc_cmd, &exec_reset_all_cmd, &exec_originate_cmd, &exec_call_cmd,
                  &exec_release_all_cmd, &exec_send_scon_cmd, &exec_send_dupu_cmd,
                  &exec_send_duna_cmd, &exec_send_aspup_ack_cmd})
    install_element_ve(c);
}

void vty_set_sim(Sim *sim) { g_sim = sim; }
void vty_set_node(sigtran::Node *node) { g_node = node; }

} // namespace mgc::pstnsim
