// The MGCP call agent (RFC 3435 §2.3, §4): what call control drives through its MediaGateway
// adapter. Asynchronous: connect a circuit's endpoint to an RTP peer and get the gateway's SDP
// (CRCX), change mode or remote SDP (MDCX), loop the endpoint back for a continuity check
// (CRCX in loopback/conttest mode), release (DLCX); audits (AUEP/AUCX); and notifications of
// gateway restarts (RSIP, §2.3.12), endpoint and connection loss (RSIP forced/graceful, DLCX
// from the gateway, §2.3.8) and unreachable gateways (retransmission give-up, §3.5.3).
// No call logic lives here: callbacks report outcomes, call control decides.
//
// Callbacks may run before the call that registered them returns (e.g. an unknown gateway is
// refused at once); they run on the loop that feeds receive() and drives the Scheduler.
#pragma once

#include "core/counters.h"
#include "core/status.h"
#include "mgcp/catalogue.h"
#include "mgcp/endpoint_name.h"
#include "mgcp/message.h"
#include "mgcp/transaction.h"
#include "mgcp/transport.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#define MGC_MGCP_CA_COUNTERS(X)                                                                    \
  X(connects)                                                                                      \
  X(connect_failures)                                                                              \
  X(modifies)                                                                                      \
  X(releases)                                                                                      \
  X(audits)                                                                                        \
  X(connections_lost)                                                                              \
  X(rsip_received)                                                                                 \
  X(ntfy_received)                                                                                 \
  X(gateway_dlcx_received)                                                                         \
  X(unknown_gateway)                                                                               \
  X(unknown_connection)                                                                            \
  X(unsupported_verbs_answered)                                                                    \
  X(gateway_disconnects)                                                                           \
  X(gateway_recoveries)                                                                            \
  X(refused_out_of_service)                                                                        \
  X(keepalives)                                                                                    \
  X(keepalive_failures)                                                                            \
  X(endpoints_out_of_service)                                                                      \
  X(endpoints_draining)                                                                            \
  X(endpoints_back_in_service)
MGC_DECLARE_COUNTERS(MgcpCaCounter, MGC_MGCP_CA_COUNTERS)

namespace mgc::mgcp {

using CaCounter = ::MgcpCaCounter;

enum class GatewayState : uint8_t {
  Unknown,      // configured, not yet audited
  Auditing,     // AUEP in progress (start-up, after a restart, after reconnection)
  InService,    // answered its audit
  Disconnected, // a command went unanswered past the retransmission ceiling; probed
  OutOfService, // RSIP forced, or graceful whose delay ran out, or restart with a delay
  Draining,     // RSIP graceful for the whole gateway: calls finish, no new connections
};
std::string_view gateway_state_name(GatewayState s);

struct GatewayConfig {
  std::string domain; // the endpoint names' domain part: "mgw", "tgw1.example.net"
  Address address;    // where its commands go (default port 2427, §3.5)
  // Endpoints audited (AUEP) at start-up and after a restart, e.g. "rtpbridge/*@mgw" or
  // "ds/e1-1/*@tgw1". Empty: "*@<domain>".
  std::vector<std::string> audit_endpoints;
  std::string local_connection_options = "p:20, a:PCMA"; // L: when a request gives none
  int64_t probe_interval_ms = 10'000;                    // AUEP probe period while Disconnected
  // NotifiedEntity (N:, §3.2.1.3 / §4.1) sent in CRCX and RQNT so the gateway's NTFY, DLCX and
  // RSIP come to us, e.g. "ca@mgc.example.net:2727". Empty: none (osmo-mgw refuses N: with 539).
  std::string notified_entity;
  // Keepalive of a gateway in service that has said nothing for a while (RFC 3435 defines
  // none; an audit, §2.3.10, is the customary one): every keepalive_interval_ms without a
  // message from it, an AUEP of its first audited endpoints. keepalive_failures intervals in a
  // row with the keepalive unanswered make it Disconnected (then probed, as after a command
  // given up, §3.5.3); any answer counts. 0: no keepalive.
  int64_t keepalive_interval_ms = 0;
  unsigned keepalive_failures = 3;
};

using ConnectionHandle = uint64_t;

struct ConnectRequest {
  std::string endpoint; // specific ("ds/e1-1/5@tgw") or any-of ("rtpbridge/*@mgw")
  std::string call_id;  // hexadecimal (§3.2.2.2); generated when empty
  ConnectionMode mode = ConnectionMode::SendRecv;
  std::string remote_sdp;               // empty: none sent
  std::string local_connection_options; // empty: the gateway's default
};

struct ConnectResult {
  // ok; "mgcp.rejected" (code: the gateway's return code); "mgcp.transaction_timeout" (406);
  // "mgcp.unknown_gateway" (500); "mgcp.gateway_out_of_service" (501); "mgcp.bad_response";
  // "mgcp.released_during_setup" (release_endpoint() ran while the CRCX was in flight; the new
  // connection has been deleted again).
  Status status;
  int code = 0;
  ConnectionHandle handle = 0;
  std::string endpoint; // the specific endpoint (SpecificEndpointId for an any-of request)
  std::string connection_id;
  std::string local_sdp;
};

struct ModifyRequest {
  std::optional<ConnectionMode> mode;
  std::string remote_sdp; // empty: unchanged
};

struct ModifyResult {
  Status status;
  int code = 0;
  std::string local_sdp; // present when the gateway's session parameters changed (§3.3.2)
};

struct ReleaseResult {
  Status status;
  int code = 0;
  std::string connection_parameters; // P: (§3.2.2.7), when the gateway sent them
};

struct AuditResult {
  Status status;
  int code = 0;
  std::optional<Message> response;
};

// A connection the call agent made (§2.3.5). It lasts as long as its call, so its names (endpoint
// §3.2.1.3, ConnectionId and CallId, each at most 32 hex digits §3.2.2.2, §3.2.2.5) live in one
// buffer, and the gateway is the call agent's own domain string: valid while the call agent is.
class ConnectionInfo {
public:
  ConnectionInfo(const std::string &gateway, std::string_view endpoint,
                 std::string_view connection_id, std::string_view call_id, ConnectionMode mode,
                 bool pending);
  const std::string &gateway() const { return *gateway_; }
  std::string_view endpoint() const { return std::string_view(text_).substr(0, end_[0]); }
  std::string_view connection_id() const {
    return std::string_view(text_).substr(end_[0], end_[1] - end_[0]);
  }
  std::string_view call_id() const { return std::string_view(text_).substr(end_[1]); }
  // The CRCX's answer: the specific endpoint (SpecificEndpointId for an any-of request) and the
  // connection id.
  void set_created(std::string_view endpoint, std::string_view connection_id);

  ConnectionMode mode = ConnectionMode::Inactive;
  bool pending = false; // CRCX sent, not answered yet (no connection id)

private:
  const std::string *gateway_;
  std::string text_; // endpoint, connection id, call id
  uint32_t end_[2] = {};
};

// A snapshot for management output ("show mgcp gateways").
struct GatewayInfo {
  std::string domain;
  Address address;
  GatewayState state = GatewayState::Unknown;
  std::vector<std::string> blocked; // endpoint patterns refused by RSIP forced/graceful/restart
  int64_t rto_ms = 0;               // current retransmission timer estimate (§3.5.3)
  std::size_t connections = 0;
  unsigned keepalive_failures = 0; // keepalive intervals unanswered in a row, now
};

class CallAgentListener {
public:
  virtual ~CallAgentListener() = default;
  virtual void on_gateway_state(std::string_view /*gateway*/, GatewayState) {}
  // RSIP from the gateway (§2.3.12), already answered; endpoints may be wildcarded.
  virtual void on_gateway_restart(std::string_view /*gateway*/, std::string_view /*endpoints*/,
                                  RestartMethod, uint32_t /*restart_delay_s*/) {}
  // A connection created through connect()/loopback() no longer exists on the gateway.
  // reason: the §2.5 reason code when the gateway gave one, else 0.
  virtual void on_connection_lost(ConnectionHandle, int /*reason*/) {}
  // Endpoints out of service: RSIP forced / graceful expiry (reason §2.5), or an audit that
  // found a configured endpoint unknown (reason: that return code, e.g. 500).
  virtual void on_endpoint_lost(std::string_view /*endpoints*/, int /*reason*/) {}
  virtual void on_notify(std::string_view /*endpoint*/, std::string_view /*request_id*/,
                         std::string_view /*observed_events*/) {}
};

struct CallAgentConfig {
  TransactionConfig transactions;
};

class CallAgent : private TransactionLayer::Listener {
public:
  CallAgent(Scheduler &sched, Transport &transport, CallAgentListener &listener,
            CallAgentConfig config = {});
  ~CallAgent() override;
  CallAgent(const CallAgent &) = delete;
  CallAgent &operator=(const CallAgent &) = delete;

  Status add_gateway(GatewayConfig gw);
  Status add_trunk(TrunkMapping m);
  // The endpoint of a circuit by its trunk group's rule (§2.1.1 / RFC 3660 naming).
  std::optional<std::string> endpoint_for(std::string_view trunk_group, uint32_t cic) const;

  // Audits every gateway (AUEP, §2.3.10); each goes Auditing -> InService (or Disconnected).
  void start();
  // Feed every datagram received on the call agent's socket.
  void receive(const Address &from, std::string_view datagram);

  // Returns the connection's handle at once (0 when refused locally), so the caller can
  // release it even before the gateway answered: the DLCX then follows the CRCX's answer and
  // `done` is not called (the osmo-mgw client's endpoint FSM habit: nothing leaks when a call
  // ends during set-up).
  ConnectionHandle connect(ConnectRequest req, std::function<void(const ConnectResult &)> done);
  void modify(ConnectionHandle h, ModifyRequest req,
              std::function<void(const ModifyResult &)> done);
  // Continuity check (Q.764 §2.1.8): mode Loopback (the circuit is looped back at the gateway)
  // or ContTest (the gateway answers the test tone); NetwLoop/NetwTest test the packet side.
  ConnectionHandle loopback(std::string endpoint, ConnectionMode mode, std::string call_id,
                            std::function<void(const ConnectResult &)> done);
  void release(ConnectionHandle h, std::function<void(const ReleaseResult &)> done);
  // DLCX of every connection on an endpoint (§2.3.9), e.g. to clean up after an audit.
  void release_endpoint(std::string endpoint, std::function<void(const ReleaseResult &)> done);
  void audit_endpoint(std::string endpoint, std::string requested_info,
                      std::function<void(const AuditResult &)> done);
  void audit_connection(ConnectionHandle h, std::string requested_info,
                        std::function<void(const AuditResult &)> done);
  // RQNT and EPCF, for completeness of the command set (§2.3.3, §2.3.2).
  void notification_request(std::string endpoint, std::string request_id,
                            std::string requested_events, std::string signal_requests,
                            std::function<void(const AuditResult &)> done);
  void endpoint_configuration(std::string endpoint, std::string bearer_information,
                              std::function<void(const AuditResult &)> done);

  GatewayState gateway_state(std::string_view domain) const;
  // Live configuration: the keepalive from now on (0: none).
  void set_keepalive(std::string_view domain, int64_t interval_ms, unsigned failures);
  // Told every gateway state change after the listener's own call: the process that owns the
  // call agent watches reachability (alarms) without taking the listener from its user.
  using StateObserver = std::function<void(std::string_view gateway, GatewayState)>;
  void set_state_observer(StateObserver f) { state_observer_ = std::move(f); }
  // Told when part of a gateway's endpoints (an RSIP whose wildcard is not the whole gateway,
  // RFC 3435 §2.1.2, §2.3.12) goes out of service (forced, restart with a delay, graceful whose
  // delay ran out), drains (graceful) or comes back (its restart delay over, a restart or
  // cancel-graceful covering it): with the circuits those endpoints serve, by trunk group.
  using Circuits = std::map<std::string, std::vector<uint32_t>>; // CICs by trunk group
  using PartObserver = std::function<void(std::string_view gateway, std::string_view pattern,
                                          GatewayState, const Circuits &circuits)>;
  void set_part_observer(PartObserver f) { part_observer_ = std::move(f); }
  std::vector<GatewayInfo> gateways() const;
  const std::map<ConnectionHandle, ConnectionInfo> &connections() const { return connections_; }
  const ConnectionInfo *connection(ConnectionHandle h) const;
  std::size_t connection_count() const { return connections_.size(); }
  const CounterSet<CaCounter> &counters() const { return counters_; }
  const TransactionLayer &transactions() const { return tx_; }
  // Live configuration: the transaction timers from now on (TransactionLayer::set_timers).
  void set_transaction_timers(const TransactionConfig &c) { tx_.set_timers(c); }

private:
  struct Gateway;
  using Handler = std::function<void(const Status &, const Message *)>;

  Gateway *gateway_by_domain(std::string_view domain);
  const Gateway *gateway_by_domain(std::string_view domain) const;
  Gateway *gateway_for_endpoint(std::string_view endpoint);
  Gateway *gateway_by_address(const Address &a);
  void send(Gateway &gw, Message cmd, Handler done);
  void set_state(Gateway &gw, GatewayState s);
  void run_audit(Gateway &gw);
  void probe(Gateway &gw);
  void disconnected(Gateway &gw);
  void keepalive(Gateway &gw);
  void drop_connections(const Gateway &gw, std::string_view pattern, int reason);
  void block(Gateway &gw, const std::string &pattern);
  void part_state(Gateway &gw, const std::string &pattern, GatewayState s);
  // still_out: the block of `pattern` itself is lifted but not told (blocked again at once).
  void unblock(Gateway &gw, std::string_view pattern, bool still_out = false);
  bool blocked(const Gateway &gw, std::string_view endpoint) const;
  std::string next_call_id();

  // TransactionLayer::Listener
  void on_command(const IncomingCommand &cmd) override;
  void on_peer_unreachable(const Address &peer) override;
  void on_rsip(const IncomingCommand &cmd, Gateway &gw);
  void on_gateway_dlcx(const IncomingCommand &cmd, Gateway &gw);

  Scheduler &sched_;
  CallAgentListener &listener_;
  TransactionLayer tx_;
  std::vector<std::unique_ptr<Gateway>> gateways_;
  EndpointMap endpoints_;
  std::map<ConnectionHandle, ConnectionInfo> connections_;
  // release() calls on connections whose CRCX is still in flight.
  std::map<ConnectionHandle, std::function<void(const ReleaseResult &)>> release_on_connect_;
  ConnectionHandle next_handle_ = 1;
  uint64_t call_seq_ = 0;
  CounterSet<CaCounter> counters_;
  StateObserver state_observer_;
  PartObserver part_observer_;
  std::shared_ptr<bool> alive_;
};

} // namespace mgc::mgcp
