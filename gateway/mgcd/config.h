// mgcd's configuration, as read from the VTY config file and changed live over telnet
// (DESIGN.md "The three programs"). Plain data: vty.cpp fills and prints it; validate() checks
// that it is complete and consistent before the gateway starts (it never starts half-configured).
#pragma once

#include "callcontrol/circuit_group.h"
#include "callcontrol/isup_timers.h"
#include "callcontrol/routing.h"
#include "gateway/mgcd/layer_timers.h"
#include "isup/variant.h"

#include <cstdint>
#include <optional>
#include <string>
#include <deque>
#include <utility>
#include <vector>

namespace mgc::gw {

enum class PointCodeFormat : uint8_t { Integer, Itu383, Ansi888 };

struct Ss7Config {
  std::optional<uint32_t> point_code;
  PointCodeFormat point_code_format = PointCodeFormat::Itu383;
  isup::Variant variant = isup::Variant::Itu;
  uint8_t network_indicator = 2; // Q.704 §14.2.1: 0 international, 2 national
};

struct M3uaRoute {
  uint32_t dpc = 0;
  uint8_t priority = 1;
};

struct M3uaConfig {
  std::string transport = "usrsctp-udp"; // usrsctp-udp, usrsctp-raw, kernel-sctp, tcp
  std::string role = "asp";              // asp, sgp, ipsp
  std::vector<std::string> local_addresses;
  std::vector<std::string> remote_addresses;
  uint16_t local_port = 2905;
  uint16_t remote_port = 2905;
  std::optional<uint32_t> routing_context;
  std::string traffic_mode = "override"; // override, loadshare, broadcast
  // RFC 6951 UDP encapsulation ports of usrsctp-udp: ours and the peer's (two processes on one
  // host need different ones).
  uint16_t udp_local_port = 9899;
  uint16_t udp_remote_port = 9899;
  std::vector<M3uaRoute> routes;
};

struct TrunkGroupConfig {
  std::string name;
  std::optional<uint32_t> dpc;
  std::vector<std::pair<uint16_t, uint16_t>> cic_ranges;
  std::string media_gateway;
  // Endpoint (MGCP) or TDM termination (H.248) name of a circuit: placeholders {span} {ts}
  // {n} {nx} {cic}, e.g. "ds/e1-{span}/{ts}" (RFC 3435 §2.1.1, RFC 3660) or "rtpbridge/{nx}" for
  // osmo-mgw; the framing says how CICs map to spans and timeslots.
  std::string endpoint_rule = "ds/e1-{span}/{ts}";
  std::string endpoint_framing = "e1"; // e1, t1, linear
  cc::Hunting hunting = cc::Hunting::Sequential;
  // Dual-seizure control (Q.764 §2.9.1.4): by point code unless agreed otherwise bilaterally.
  cc::GlareControl glare = cc::GlareControl::PointCode;
  // Overlap signalling with this exchange (Q.764 §2.1.2, RFC 3578): the fewest digits a called
  // number needs to be routed; 0: en bloc.
  unsigned overlap_min_digits = 0;
};

struct SipListen {
  std::string transport; // udp, tcp, tls
  std::string address;
  uint16_t port = 5060;
};

struct SipPeerConfig {
  std::string name;
  std::string address;
  uint16_t port = 5060;
  std::string transport = "udp";
  std::string profile = "plain"; // plain, sip-t, sip-i
  bool trusted = false;
  std::vector<std::string> acl; // source addresses accepted for this peer
};

struct SipConfig {
  std::vector<SipListen> listen;
  std::string tls_certificate, tls_key, tls_ca;
  bool tls_verify_client = false;
  std::deque<SipPeerConfig> peers;
};

struct MediaGatewayConfig {
  std::string name;
  std::string protocol = "mgcp"; // mgcp, h248
  std::string address = "127.0.0.1";
  uint16_t port = 2427;
  std::string encoding = "text"; // h248: text or binary
  std::string domain;            // MGCP endpoint domain ("mgw" for osmo-mgw); empty: the name
};

struct CdrConfig {
  std::string file;
};

struct Config {
  Ss7Config ss7;
  M3uaConfig m3ua;
  std::deque<TrunkGroupConfig> trunk_groups; // deques: the VTY keeps pointers to entries
  SipConfig sip;
  std::deque<cc::Route> routes;
  std::deque<MediaGatewayConfig> media_gateways;
  cc::IsupTimerValues timers;
  bool lab_timers = false; // allow timer values outside the Q.764 ranges
  LayerTimerValues layer_timers; // SIP, MGCP, H.248, M3UA
  CdrConfig cdr;

  TrunkGroupConfig *trunk_group(const std::string &name);
  SipPeerConfig *sip_peer(const std::string &name);
  MediaGatewayConfig *media_gateway(const std::string &name);
  cc::Route *route(const std::string &prefix);
};

// Problems that stop the gateway from starting, one sentence each (empty: good to go).
std::vector<std::string> validate(const Config &c);

// Point codes as operators write them: "1.2.3" in the configured format, or an integer.
std::optional<uint32_t> parse_point_code(const std::string &text, PointCodeFormat f);
std::string format_point_code(uint32_t pc, PointCodeFormat f);

} // namespace mgc::gw
