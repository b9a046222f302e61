// mgcd's configuration, as read from the VTY config file and changed live over telnet
// (DESIGN.md "The three programs"). Plain data: vty.cpp fills and prints it; validate() checks
// that it is complete and consistent before the gateway starts (it never starts half-configured).
// Every keyword choice is an enum here, spelled by one name table (core/names.h) that the reader,
// the writer and the show commands share; the layers' own enums are used where they exist (their
// tables are constexpr in their headers).
#pragma once

#include "callcontrol/cdr_postgres.h"

#include "callcontrol/circuit_group.h"
#include "callcontrol/destination_state.h"
#include "callcontrol/isup_timers.h"
#include "callcontrol/routing.h"
#include "callcontrol/sides.h"
#include "core/address.h"
#include "core/names.h"
#include "core/overload.h"
#include "gateway/mgcd/layer_timers.h"
#include "isup/variant.h"
#include "mgcp/endpoint_name.h"
#include "sigtran/transport.h"
#include "sipt/session_timer.h"
#include "sipt/transaction.h"
#include "sipt/uac_auth.h"
#include "sipt/user_agent.h"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mgc::gw {

enum class PointCodeFormat : uint8_t { Integer, Itu383, Ansi888 };
inline constexpr auto kPointCodeFormatNames =
    name_table<PointCodeFormat>({{PointCodeFormat::Integer, "integer"},
                                 {PointCodeFormat::Itu383, "3-8-3"},
                                 {PointCodeFormat::Ansi888, "8-8-8"}});
static_assert(names_unique(kPointCodeFormatNames));

// The role toward the M3UA peer as mgcd's config names it (RFC 4666 §1.3.1). `ipsp` is accepted
// and written back but runs as an ASP (sigtran has no IPSP role by that name; see m3ua_link_role).
enum class M3uaRole : uint8_t { Asp, Sgp, Ipsp };
inline constexpr auto kM3uaRoleNames = name_table<M3uaRole>(
    {{M3uaRole::Asp, "asp"}, {M3uaRole::Sgp, "sgp"}, {M3uaRole::Ipsp, "ipsp"}});
static_assert(names_unique(kM3uaRoleNames));

enum class MediaGatewayProtocol : uint8_t { Mgcp, H248 };
inline constexpr auto kMediaGatewayProtocolNames = name_table<MediaGatewayProtocol>(
    {{MediaGatewayProtocol::Mgcp, "mgcp"}, {MediaGatewayProtocol::H248, "h248"}});
static_assert(names_unique(kMediaGatewayProtocolNames));

// H.248.1 Annex B (text) or Annex A (binary, ASN.1 BER).
enum class H248Encoding : uint8_t { Text, Binary };
inline constexpr auto kH248EncodingNames =
    name_table<H248Encoding>({{H248Encoding::Text, "text"}, {H248Encoding::Binary, "binary"}});
static_assert(names_unique(kH248EncodingNames));

// H.248.1 Annex D: UDP (D.1) or TCP with TPKT framing (D.2).
enum class H248Transport : uint8_t { Udp, Tcp };
inline constexpr auto kH248TransportNames =
    name_table<H248Transport>({{H248Transport::Udp, "udp"}, {H248Transport::Tcp, "tcp"}});
static_assert(names_unique(kH248TransportNames));

struct Ss7Config {
  std::optional<uint32_t> point_code;
  PointCodeFormat point_code_format = PointCodeFormat::Itu383;
  isup::Variant variant = isup::Variant::Itu;
  uint8_t network_indicator = 2; // Q.704 §14.2.1: 0 international, 2 national
  bool operator==(const Ss7Config &) const = default;
};

struct M3uaRoute {
  uint32_t dpc = 0;
  uint8_t priority = 1;
  bool operator==(const M3uaRoute &) const = default;
};

struct M3uaConfig {
  sigtran::TransportProto transport = sigtran::TransportProto::SctpUdp; // kTransportConfigNames
  M3uaRole role = M3uaRole::Asp;
  std::vector<std::string> local_addresses;
  std::vector<std::string> remote_addresses;
  uint16_t local_port = 2905;
  uint16_t remote_port = 2905;
  std::optional<uint32_t> routing_context;
  sigtran::m3ua::TrafficMode traffic_mode = sigtran::m3ua::TrafficMode::Override;
  // RFC 6951 UDP encapsulation ports of usrsctp-udp: ours and the peer's (two processes on one
  // host need different ones).
  uint16_t udp_local_port = 9899;
  uint16_t udp_remote_port = 9899;
  std::vector<M3uaRoute> routes;
  bool operator==(const M3uaConfig &) const = default;
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
  mgcp::Framing endpoint_framing = mgcp::Framing::E1;
  cc::Hunting hunting = cc::Hunting::Sequential;
  // Dual-seizure control (Q.764 §2.9.1.4): by point code unless agreed otherwise bilaterally.
  cc::GlareControl glare = cc::GlareControl::PointCode;
  // Overlap signalling with this exchange (Q.764 §2.1.2, RFC 3578): the fewest digits a called
  // number needs to be routed; 0: en bloc.
  unsigned overlap_min_digits = 0;
  // Call admission and dry-up (issue 15; callcontrol/admission.h): limits, and `shutdown` with
  // the time after which calls still up are released (0: they finish as they will).
  cc::AdmissionLimits admission{};
  bool shutdown = false;
  uint32_t dry_up_timeout_s = 0;
  // `busy-out-on-peer-down PEER` (issue 14 item 5, callcontrol/sip_peer_busy_out.h): the SIP
  // peer this trunk group feeds; while its keepalive finds it down, the circuits are blocked
  // (CGB, maintenance). Empty: none.
  std::string busy_out_peer;
  bool operator==(const TrunkGroupConfig &) const = default;
};

struct SipListen {
  sipt::TransportKind transport = sipt::TransportKind::Udp; // kTransportParamNames
  std::string address;
  uint16_t port = 5060;
  bool operator==(const SipListen &) const = default;
};

struct SipPeerConfig {
  std::string name;
  std::string address;
  uint16_t port = 5060;
  sipt::TransportKind transport = sipt::TransportKind::Udp;
  cc::SipProfile profile = cc::SipProfile::Plain;
  bool trusted = false;
  std::vector<std::string> acl; // source addresses accepted for this peer
  cc::AdmissionLimits admission{}; // issue 15: limits and dry-up, as for a trunk group
  bool shutdown = false;
  // `auth username U password P [realm R]` (RFC 3261 §22): answers the peer's 401/407 and
  // challenges the peer's new INVITEs (docs/sipt.md "Authentication"). Live.
  sipt::Credentials auth;
  // `auth challenge md5`: our 401s offer MD5 alone (default: SHA-256, then MD5).
  bool challenge_md5_only = false;
  // `redirect follow max-redirects N`: 3xx from the peer followed (RFC 3261 §8.1.3.4). Live.
  sipt::RedirectPolicy redirect;
  // `register expires N`: REGISTER with the peer (RFC 3261 §10.2), 0 for none. Live.
  uint32_t register_expires = 0;
  // RFC 4028 `session-timer ...` of this peer; none: the sip node's.
  std::optional<sipt::SessionTimerConfig> session_timer;
  // RFC 3261 §11 `keepalive interval MS failures N`: an OPTIONS every interval; N unanswered in
  // a row take the peer down (routing skips it), any final response brings it up. 0: none.
  uint32_t keepalive_interval_ms = 0;
  unsigned keepalive_failures = 3;
  bool operator==(const SipPeerConfig &) const = default;
};

struct SipConfig {
  std::vector<SipListen> listen;
  std::string tls_certificate, tls_key, tls_ca;
  bool tls_verify_client = false;
  std::deque<SipPeerConfig> peers;
  // `udp-buffers receive N send N`: the UDP socket's buffers, bytes (0: the system's default).
  // A burst of INVITEs beyond the receive buffer is lost in the kernel.
  static constexpr int kUdpBufferDefault = 4 << 20;
  int udp_receive_buffer = kUdpBufferDefault;
  int udp_send_buffer = kUdpBufferDefault;
  // `tcp-connections total N per-source N`, `tcp-timeouts idle MS message MS`: the stream
  // transports' limits (sipt::TransportConfig), live.
  struct TcpLimits {
    uint32_t total = 256, per_source = 8;
    uint32_t idle_ms = 600000, message_ms = 10000;
    bool operator==(const TcpLimits &) const = default;
  } tcp;
  // RFC 4028 session timers for peers without a setting of their own (live: new calls).
  sipt::SessionTimerConfig session_timer;
  bool operator==(const SipConfig &) const = default;
};

struct MediaGatewayConfig {
  std::string name;
  MediaGatewayProtocol protocol = MediaGatewayProtocol::Mgcp;
  std::string address = "127.0.0.1"; // IPv4 or IPv6 (the default: a gateway on this host)
  uint16_t port = 2427;
  H248Encoding encoding = H248Encoding::Text;
  std::string domain;            // MGCP endpoint domain ("mgw" for osmo-mgw); empty: the name
  // H.248 only: Annex D transport; protocol version spoken until the MG says otherwise
  // (clause 11.3); the MG's own mId (clause 7.2.8), checked on what arrives when set.
  H248Transport transport = H248Transport::Udp;
  uint8_t version = 1;
  std::string mid;
  // The local address this gateway is spoken to from; empty: the call-agent node's for its
  // protocol. Gateways on one local address share its socket.
  std::string local_address;
  uint16_t local_port = 0;
  // `keepalive interval MS failures N`: an audit (MGCP AUEP, H.248 AuditValue on ROOT) every
  // MS without a message from the gateway; N unanswered in a row take it out of service, and
  // its answer brings it back (issue 13). Interval 0: none.
  uint32_t keepalive_interval_ms = 10'000;
  unsigned keepalive_failures = 3;
  bool operator==(const MediaGatewayConfig &) const = default;
};

// mgcd's own addresses toward its media gateways (the `call-agent` node): the MGCP call agent's
// socket (RFC 3435 §3.5: port 2727), where gateways send RSIP and NTFY, and the H.248 MGC's
// (Annex D: port 2944), shared by every gateway of that protocol that names no local-address of
// its own. Port 0: any free port (tests that run several mgcd on one host).
struct CallAgentConfig {
  std::string mgcp_address = "127.0.0.1";
  uint16_t mgcp_port = 2727;
  std::string h248_address = "127.0.0.1";
  uint16_t h248_port = 2944;
  // Our H.248 mId (clause 7.2.8): "[192.0.2.1]:2944", "<mgc.example.net>:2944". Empty: the
  // address and port the H.248 socket is bound to.
  std::string h248_mid;
  bool operator==(const CallAgentConfig &) const = default;
};

// The VTY's telnet listener (the `telnet` node). Unset address: libosmocore's `line vty` /
// `bind` (default 127.0.0.1), port from --vty-port or 4260. `allow`: the sources a connection
// is accepted from; empty: every source that can reach the address.
struct TelnetConfig {
  std::string address; // IPv4 or IPv6; empty: unset
  uint16_t port = 0;   // 0: unset
  std::vector<core::Prefix> allow;
  bool operator==(const TelnetConfig &) const = default;
};

// The `overload` node (DESIGN.md "Overload"): what measures the machine congestion level and at
// which thresholds, and what each level does to new calls. Live: applied at the next sample.
struct OverloadSettings {
  core::OverloadConfig levels;
  core::ShedPolicy shed;
  bool operator==(const OverloadSettings &) const = default;
};

// The `gateway` node (issue 15 item 6): the whole gateway shut down: every trunk group and SIP
// peer dries up as their own `shutdown` does (no new calls, calls up finish or are released at
// the dry-up timeout, circuits blocked with CGB), and once no call is left the SIP listeners
// close. Live; `no shutdown` reopens them and unblocks what the shutdown blocked.
struct GatewayShutdown {
  bool on = false;
  uint32_t dry_up_timeout_s = 0; // 0: calls up finish however long they last
  bool operator==(const GatewayShutdown &) const = default;
};

// The `cdr` node (DESIGN.md "Call detail records"): the CSV file and its rotation, the
// PostgreSQL sink (conninfo empty: none), interim records (0: none).
// The `metrics` node (issue 18): where the Prometheus endpoint listens. Off unless bound; live.
struct MetricsConfig {
  std::string address; // IPv4 or IPv6; empty: off
  uint16_t port = 0;
  bool operator==(const MetricsConfig &) const = default;
};

struct CdrConfig {
  std::string file;
  cc::CdrRotation rotation;
  uint32_t interim_s = 0;
  cc::CdrPostgresConfig postgresql;
  bool operator==(const CdrConfig &) const = default;
};

struct Config {
  Ss7Config ss7;
  M3uaConfig m3ua;
  std::deque<TrunkGroupConfig> trunk_groups; // deques: the VTY keeps pointers to entries
  SipConfig sip;
  std::deque<cc::Route> routes;
  std::deque<MediaGatewayConfig> media_gateways;
  CallAgentConfig call_agent;
  TelnetConfig telnet;
  cc::IsupTimerValues timers;
  bool lab_timers = false; // allow timer values outside the Q.764 ranges
  // Shares of new calls withheld toward a congested exchange (Q.764 §2.11, §2.10; live).
  cc::TrafficReduction congestion_reduction;
  LayerTimerValues layer_timers; // SIP, MGCP, H.248, M3UA
  CdrConfig cdr;
  OverloadSettings overload;
  GatewayShutdown shutdown;
  MetricsConfig metrics;

  TrunkGroupConfig *trunk_group(const std::string &name);
  SipPeerConfig *sip_peer(const std::string &name);
  MediaGatewayConfig *media_gateway(const std::string &name);
  cc::Route *route(const std::string &prefix);
};

// Problems that stop the gateway from starting, one sentence each (empty: good to go).
std::vector<std::string> validate(const Config &c);

// The sigtran role that runs for a configured role: `ipsp` has always run as an ASP.
sigtran::Role m3ua_link_role(M3uaRole r);

// Point codes as operators write them: "1.2.3" in the configured format, or an integer.
std::optional<uint32_t> parse_point_code(const std::string &text, PointCodeFormat f);
std::string format_point_code(uint32_t pc, PointCodeFormat f);

} // namespace mgc::gw
