// pstn-sim's configuration as read from its VTY-syntax file (docs/pstn-sim.md): the exchange
// (point codes, variant, circuits, rules, originating calls, timers) and its M3UA side.
#pragma once

#include "core/names.h"
#include "gateway/pstnsim/sim.h"
#include "sigtran/m3ua_node.h"
#include "sigtran/transport.h"

#include <optional>
#include <string>
#include <vector>

namespace mgc::pstnsim {

struct M3uaConfig {
  sigtran::TransportProto transport = sigtran::TransportProto::Tcp;
  sigtran::Role role = sigtran::Role::Sgp; // toward mgcd (an ASP): SGP
  bool server = true;                      // listens (SGP, IPSP server) or connects
  std::vector<std::string> local_addresses;
  uint16_t local_port = 2905;
  std::vector<std::string> remote_addresses;
  uint16_t remote_port = 2905;
  uint16_t udp_port = 9899;        // RFC 6951 local encapsulation port (usrsctp-udp)
  uint16_t udp_remote_port = 9899; // the peer's encapsulation port
  uint32_t routing_context = 0;    // 0: none sent
  sigtran::m3ua::TrafficMode traffic_mode = sigtran::m3ua::TrafficMode::Override;
};

struct Config {
  SimConfig sim;
  uint8_t network_indicator = 2; // national (Q.704 §14.2.1)
  M3uaConfig m3ua;
  std::optional<OriginateConfig> originate; // present: calls start when the gateway is reachable
  uint32_t originate_delay_ms = 500;        // after the route comes up
  bool reset_at_start = false;              // GRS over every circuit when the route comes up
  bool lab_timers = false;
};

// Problems that stop pstn-sim from starting (besides syntax, which the VTY reports).
std::vector<std::string> validate(const Config &cfg);

// The command language of the VTY's exec commands and of --at on the command line:
//   grs FIRST RANGE | cgb FIRST RANGE [hardware] | cgu FIRST RANGE [hardware] | blo CIC |
//   ubl CIC | rsc CIC | reset-all | originate start | originate stop | call | release-all
// and, with the M3UA node (this exchange as an SG, RFC 4666 §3.4 SSNM toward the gateway):
//   send scon PC LEVEL | send dupu PC (unknown|unequipped|inaccessible) | send duna PC |
//   send dava PC | send aspup-ack
// Returns false with `err` set if the command is malformed or refused.
bool execute(Sim &sim, const Config &cfg, const std::string &line, std::string &err,
             sigtran::Node *node = nullptr);

// The words of the config language for sim.h's enums (core/names.h: reader and writer share them).
inline constexpr auto kRuleActionNames =
    name_table<RuleAction>({{RuleAction::Answer, "answer"},
                            {RuleAction::Busy, "busy"},
                            {RuleAction::NoAnswer, "no-answer"},
                            {RuleAction::Release, "release"},
                            {RuleAction::Silent, "silent"}});
static_assert(names_unique(kRuleActionNames));
inline constexpr auto kCpgKindNames = name_table<CpgKind>(
    {{CpgKind::None, "none"}, {CpgKind::Alerting, "alerting"}, {CpgKind::Progress, "progress"}});
static_assert(names_unique(kCpgKindNames));
// Q.763 §3.9 c) nature of address indicator values an originated call may carry.
inline constexpr auto kNatureOfAddressNames =
    name_table<uint8_t>({{1, "subscriber"}, {2, "unknown"}, {3, "national"}, {4, "international"}});
static_assert(names_unique(kNatureOfAddressNames));
// Who opens the association: M3uaConfig::server.
inline constexpr auto kM3uaModeNames = name_table<bool>({{true, "server"}, {false, "client"}});
static_assert(names_unique(kM3uaModeNames));

} // namespace mgc::pstnsim
