// The H.248 call agent (MGC side of H.248.1): what call control's MediaGateway adapter drives,
// the same shape as mgcp/'s. A call is one context (clause 6.1) holding the circuit's TDM
// termination, named from trunk group + CIC by a configured rule, and an ephemeral RTP
// termination chosen by the MG ("$"). Asynchronous: connect, modify, loop back (continuity,
// Q.764 2.1.8), release, audit, ServiceChange to the MG; MG registration and restarts
// (ServiceChange, clause 7.2.8 / 11), lost terminations and Notify are reported to a listener.
// Malformed or unexpected requests are answered with H.248.8 error codes and counted.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/counters.h"
#include "h248/message.h"
#include "h248/transaction.h"

#define MGC_H248_CA_COUNTERS(X)                                                                    \
  X(registrations)                                                                                 \
  X(restarts)                                                                                      \
  X(service_changes_received)                                                                      \
  X(service_changes_sent)                                                                          \
  X(connects)                                                                                      \
  X(connect_failures)                                                                              \
  X(modifies)                                                                                      \
  X(loopbacks)                                                                                     \
  X(releases)                                                                                      \
  X(audits)                                                                                        \
  X(notifies_received)                                                                             \
  X(calls_lost)                                                                                    \
  X(unknown_gateway)                                                                               \
  X(mid_mismatch)                                                                                  \
  X(unknown_context)                                                                               \
  X(unknown_termination)                                                                           \
  X(unknown_action)                                                                                \
  X(gateway_unreachable)                                                                           \
  X(keepalives)                                                                                    \
  X(keepalive_failures)                                                                            \
  X(gateway_recoveries)
MGC_DECLARE_COUNTERS(H248CaCounter, MGC_H248_CA_COUNTERS)

namespace mgc::h248 {

enum class GatewayState : uint8_t {
  Unknown,      // configured, has not registered
  InService,    // registered with ServiceChange (Restart/Failover/Disconnected/Handoff)
  OutOfService, // ServiceChange Forced on ROOT, Graceful whose delay ran out, or unreachable
  Draining,     // ServiceChange Graceful on ROOT (clause 7.2.8): calls finish, no new ones
};
std::string_view gateway_state_name(GatewayState s);

struct GatewayConfig {
  std::string name;        // for call control and logs: "mg1"
  // Where its commands go and where it speaks from. Port 0: any port of that IP (an MG on
  // TCP, or one whose source port is not fixed); commands then go where it registered from.
  Address address;
  PeerCodec codec;         // until it says otherwise
  // Its message identifier (clause 7.2.8 / 8.2.2 mId), when configured: a message from its
  // address with another mId is refused (Unauthorized, counted as mid_mismatch), since another
  // entity speaks from there. Unset: any mId from its address.
  std::optional<Mid> mid;
  std::string rtp_pattern = "$"; // ephemeral termination asked for in an Add ("$", "rtp/$")
  // When set, the MG's registration is refused with this MgcIdToTry (clause 7.2.8.1.6): the
  // MG is to register with that MGC instead (load sharing, planned handover).
  std::optional<Mid> redirect_to;
  std::string local_sdp_offer = "v=0\r\nc=IN IP4 $\r\nm=audio $ RTP/AVP 8\r\n";
  // Keepalive of a registered MG that has said nothing for a while: every keepalive_interval_ms
  // without a message from it, an AuditValue on ROOT (clause 7.2.5). keepalive_failures
  // intervals in a row with it unanswered make the MG out of service as a request past T-MAX
  // does (Annex D.1.5); an answer to a later one brings it back (it kept its state, as with
  // ServiceChange Disconnected, clause 11.5). 0: no keepalive.
  int64_t keepalive_interval_ms = 0;
  unsigned keepalive_failures = 3;
};

// The configured rule that names a circuit's TDM termination: placeholders {cic}, {span}
// (cic / channels), {ts} (cic % channels), e.g. "ds/{span}/{ts}" or "tdm/{cic}".
struct TrunkRule {
  std::string trunk_group;
  std::string gateway;
  std::string pattern = "tdm/{cic}";
  uint32_t channels = 32;
};

using CallHandle = uint64_t;

struct ConnectRequest {
  std::string trunk_group;
  uint32_t cic = 0;
  StreamMode mode = StreamMode::SendRecv;
  std::string remote_sdp; // empty: none yet (early offer from the MG)
};

struct ConnectResult {
  // ok; "h248.rejected" (code: the MG's error); "h248.timeout"; "h248.unknown_trunk";
  // "h248.gateway_out_of_service"; "h248.bad_reply".
  Status status;
  CallHandle handle = 0;
  ContextId context = 0;
  std::string tdm_termination, rtp_termination;
  std::string local_sdp;
};

struct ModifyRequest {
  std::optional<StreamMode> mode;
  std::string remote_sdp; // empty: unchanged
};

struct Result {
  Status status;
  std::string local_sdp; // modify: when the MG returned one
  std::optional<Transaction> reply;
};

struct CallInfo {
  std::string gateway;
  ContextId context = 0;
  std::string tdm_termination, rtp_termination;
};

class CallAgentListener {
public:
  virtual ~CallAgentListener() = default;
  virtual void on_gateway_state(std::string_view /*gateway*/, GatewayState) {}
  // ServiceChange from the MG on ROOT, already answered.
  virtual void on_gateway_restart(std::string_view /*gateway*/, ServiceChangeMethod,
                                  std::string_view /*reason*/) {}
  // A call's context or termination is gone (MG ServiceChange Forced on it, gateway restart).
  virtual void on_call_lost(CallHandle, uint16_t /*code*/) {}
  virtual void on_notify(CallHandle, std::string_view /*termination*/,
                         const ObservedEventsDescriptor &) {}
};

class CallAgent : private TransactionLayer::Listener {
public:
  CallAgent(Scheduler &sched, Transport &transport, CallAgentListener &listener,
            TransactionConfig config);
  ~CallAgent() override;

  Status add_gateway(GatewayConfig gw);
  Status add_trunk(TrunkRule rule);
  std::optional<std::string> termination_for(std::string_view trunk_group, uint32_t cic) const;

  // Feed what the transport received (the constructor already wires it).
  void receive(const Address &from, std::span<const uint8_t> bytes) { tx_.receive(from, bytes); }

  void connect(ConnectRequest req, std::function<void(const ConnectResult &)> done);
  void modify(CallHandle h, ModifyRequest req, std::function<void(const Result &)> done);
  // Continuity check: the TDM termination alone in a new context, looped back (Mode=Loopback).
  void loopback(std::string trunk_group, uint32_t cic,
                std::function<void(const ConnectResult &)> done);
  void release(CallHandle h, std::function<void(const Result &)> done);
  // Signals (e.g. continuity tone ct/ct, DTMF dg/d1, call progress cg/rt) and optionally the
  // events to watch for (ct/cmp, dd/ce ...) on one of a call's terminations (default: its TDM
  // termination), by Modify (clauses 7.1.9, 7.1.11; Annex E packages).
  void signals(CallHandle h, std::string termination, SignalsDescriptor sg,
               std::optional<EventsDescriptor> events, std::function<void(const Result &)> done);
  void audit(std::string gateway, std::string termination, uint16_t items,
             std::function<void(const Result &)> done);
  // ServiceChange from the MGC (clause 7.2.8): e.g. Restart/Forced on ROOT or on a termination,
  // Handoff with a MgcIdToTry.
  void service_change(std::string gateway, std::string termination, ServiceChangeDescriptor sc,
                      std::function<void(const Result &)> done);

  GatewayState gateway_state(std::string_view name) const;
  // Live configuration: the keepalive from now on (0: none).
  void set_keepalive(std::string_view name, int64_t interval_ms, unsigned failures);
  // Keepalive intervals the MG has left unanswered in a row, now.
  unsigned keepalive_failures(std::string_view name) const;
  // Told every gateway state change after the listener's own call: the process that owns the
  // call agent watches reachability (alarms) without taking the listener from its user.
  using StateObserver = std::function<void(std::string_view gateway, GatewayState)>;
  void set_state_observer(StateObserver f) { state_observer_ = std::move(f); }
  const CallInfo *call(CallHandle h) const;
  size_t call_count() const { return calls_.size(); }
  const CounterSet<H248CaCounter> &counters() const { return counters_; }
  const TransactionLayer &transactions() const { return tx_; }
  // Live configuration: the transaction timers from now on (TransactionLayer::set_timers).
  void set_transaction_timers(const TransactionConfig &c) { tx_.set_timers(c); }

private:
  struct Gateway {
    GatewayConfig config;
    GatewayState state = GatewayState::Unknown;
    Address peer; // where it last spoke from (its configured address until then)
    Scheduler::Id graceful_timer = 0; // ServiceChangeDelay of a Graceful running
    // keepalive: the last time it said anything, the one unanswered, intervals missed in a row,
    // and whether it is out of service for its silence (an answer then brings it back)
    Scheduler::Id keepalive_timer = 0;
    int64_t last_heard_ms = 0;
    bool keepalive_in_flight = false;
    unsigned keepalive_misses = 0;
    bool unreachable = false;
  };

  Gateway *gateway_by_name(std::string_view name);
  Gateway *gateway_by_address(const Address &a);
  void set_state(Gateway &gw, GatewayState s);
  void unreachable(Gateway &gw);
  void keepalive(Gateway &gw);
  void drop_calls(const Gateway &gw, uint16_t code);
  CallHandle call_by_context(const Gateway &gw, ContextId c) const;
  void send(Gateway &gw, std::vector<Action> actions, TransactionLayer::Done done);

  // TransactionLayer::Listener
  void on_request(const Address &from, const Message &msg, const Transaction &req,
                  Transaction &reply) override;
  void on_service_change(Gateway &gw, const Command &c, Command &r);

  Scheduler &sched_;
  Transport &transport_;
  CallAgentListener &listener_;
  TransactionLayer tx_;
  std::vector<std::unique_ptr<Gateway>> gateways_;
  std::vector<TrunkRule> trunks_;
  std::map<CallHandle, CallInfo> calls_;
  CallHandle next_handle_ = 1;
  CounterSet<H248CaCounter> counters_;
  StateObserver state_observer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// SDP text <-> the Local/Remote model (one session description per "v=" line).
LocalRemote sdp_from_text(std::string_view sdp);
std::string sdp_to_text(const LocalRemote &lr);

} // namespace mgc::h248
