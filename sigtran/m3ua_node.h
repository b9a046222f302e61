// One M3UA instance (RFC 4666 §4): its Application Servers, its links (one association each,
// to an SGP, an ASP or an IPSP peer), the ASP state machines of §4.3.1 and the AS state machine
// of §4.3.2 (with T(r)), the route table DPC -> AS, SSNM handling (§4.5) and the MTP3 service
// to its user. Written against an abstract Association and an injected core::Scheduler: no sockets here.
//
// Roles per link (§1.3, §4.3): Asp (we send ASPUP/ASPAC to an SGP), Sgp (a peer ASP sends them
// to us), IPSP single exchange (client = the side that sends ASPUP/ASPAC, server = the other)
// and IPSP double exchange (both sides send, each keeps both views).
#pragma once

#include "core/counters.h"
#include "core/status.h"
#include "core/timer.h"
#include "sigtran/m3ua_msg.h"
#include "sigtran/mtp_service.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#define MGC_M3UA_NODE_COUNTERS(X)                                                                  \
  X(rx_msgs)                                                                                       \
  X(tx_msgs)                                                                                       \
  X(rx_malformed)                                                                                  \
  X(err_tx)                                                                                        \
  X(err_rx)                                                                                        \
  X(unexpected_message)                                                                            \
  X(data_rx)                                                                                       \
  X(data_tx)                                                                                       \
  X(data_discarded_inactive)                                                                       \
  X(data_no_route)                                                                                 \
  X(data_buffered)                                                                                 \
  X(data_buffer_discarded)                                                                         \
  X(ack_timeouts)                                                                                  \
  X(unexpected_upack)                                                                              \
  X(beat_tx)                                                                                       \
  X(beat_ack_rx)                                                                                   \
  X(beat_timeouts)                                                                                 \
  X(ntfy_tx)                                                                                       \
  X(ntfy_rx)                                                                                       \
  X(daud_tx)                                                                                       \
  X(pause_ind)                                                                                     \
  X(resume_ind)                                                                                    \
  X(status_ind)                                                                                    \
  X(tr_expired)
MGC_DECLARE_COUNTERS(M3uaNodeCounter, MGC_M3UA_NODE_COUNTERS)

// ERR messages sent, one counter per §3.8.1 error code.
#define MGC_M3UA_ERR_COUNTERS(X)                                                                   \
  X(invalid_version)                                                                               \
  X(unsupported_message_class)                                                                     \
  X(unsupported_message_type)                                                                      \
  X(unsupported_traffic_mode_type)                                                                 \
  X(unexpected_message)                                                                            \
  X(protocol_error)                                                                                \
  X(invalid_stream_identifier)                                                                     \
  X(refused_management_blocking)                                                                   \
  X(asp_identifier_required)                                                                       \
  X(invalid_asp_identifier)                                                                        \
  X(invalid_parameter_value)                                                                       \
  X(parameter_field_error)                                                                         \
  X(unexpected_parameter)                                                                          \
  X(destination_status_unknown)                                                                    \
  X(invalid_network_appearance)                                                                    \
  X(missing_parameter)                                                                             \
  X(invalid_routing_context)                                                                       \
  X(no_configured_as_for_asp)
MGC_DECLARE_COUNTERS(M3uaErrTxCounter, MGC_M3UA_ERR_COUNTERS)

namespace mgc::sigtran {

// Timers, one table (number, default, what it does); values are per node config.
#define MGC_M3UA_TIMERS(X)                                                                         \
  X(ack, 2000, "T(ack): resend ASPUP/ASPAC/ASPIA/ASPDN unanswered (RFC 4666 §4.3.4.1)")            \
  X(recovery, 2000, "T(r): AS-PENDING recovery before AS-INACTIVE/DOWN (§4.3.2)")                  \
  X(beat, 0, "BEAT interval on a silent association, 0 = off (§4.3.4.6)")                          \
  X(audit, 10000, "DAUD interval for unavailable/congested destinations (§4.5.3)")

struct Timers {
#define MGC_X(n, d, s) uint32_t n = d;
  MGC_M3UA_TIMERS(MGC_X)
#undef MGC_X
};

// Calls f(name, value&, default_ms, description) for every timer, in table order, so the VTY
// can show and set them without naming each one.
template <typename F> void for_each_timer(Timers &t, F &&f) {
#define MGC_X(n, d, s) f(std::string_view(#n), t.n, uint32_t(d), std::string_view(s));
  MGC_M3UA_TIMERS(MGC_X)
#undef MGC_X
}

enum class Role : uint8_t { Asp, Sgp, IpspSeClient, IpspSeServer, IpspDe };
inline constexpr auto kRoleNames = name_table<Role>({{Role::Asp, "asp"},
                                                     {Role::Sgp, "sgp"},
                                                     {Role::IpspSeClient, "ipsp-se-client"},
                                                     {Role::IpspSeServer, "ipsp-se-server"},
                                                     {Role::IpspDe, "ipsp-de"}});
static_assert(names_unique(kRoleNames));
std::string_view role_name(Role r);
bool role_by_name(std::string_view s, Role &out);

// §4.3.1 ASP states as one side keeps them. The local view (we send ASPUP/ASPAC) has request-
// pending states while T(ack) runs; the remote view (peer sends them) has only the RFC's three.
enum class AspState : uint8_t {
  Down,
  UpSent,
  Inactive,
  ActiveSent,
  Active,
  InactiveSent,
  DownSent
};
inline constexpr auto kAspStateNames =
    name_table<AspState>({{AspState::Down, "ASP-DOWN"},
                          {AspState::UpSent, "ASP-DOWN(ASPUP sent)"},
                          {AspState::Inactive, "ASP-INACTIVE"},
                          {AspState::ActiveSent, "ASP-INACTIVE(ASPAC sent)"},
                          {AspState::Active, "ASP-ACTIVE"},
                          {AspState::InactiveSent, "ASP-ACTIVE(ASPIA sent)"},
                          {AspState::DownSent, "ASP-DOWN(ASPDN sent)"}});
static_assert(names_unique(kAspStateNames));
std::string_view asp_state_name(AspState s);
// §4.3.2 AS states.
enum class AsState : uint8_t { Down, Inactive, Active, Pending };
inline constexpr auto kAsStateNames =
    name_table<AsState>({{AsState::Down, "AS-DOWN"},
                         {AsState::Inactive, "AS-INACTIVE"},
                         {AsState::Active, "AS-ACTIVE"},
                         {AsState::Pending, "AS-PENDING"}});
static_assert(names_unique(kAsStateNames));
std::string_view as_state_name(AsState s);

struct AsConfig {
  std::string name;
  uint32_t routing_context = 0;
  bool send_rc = true; // include the Routing Context in ASPAC/DATA
  m3ua::TrafficMode mode = m3ua::TrafficMode::Override;
  uint32_t min_active = 1; // loadshare/broadcast: fewer active ASPs -> NTFY "Insufficient ..."
};

struct LinkConfig {
  std::string name;
  Role role = Role::Asp;
  std::vector<int> ases;          // indices into NodeConfig::ases
  std::optional<uint32_t> asp_id; // sent in ASPUP (ASP side)
  bool auto_active = true;        // ASPUP then ASPAC when the association comes up
  bool blocked = false;           // SGP side: refuse ASPUP/ASPAC (management blocking)
  bool require_asp_id = false;    // SGP side: ASPUP without ASP Identifier is refused
  bool register_rk = false;       // ASP side: REG REQ a Routing Key before ASPAC (§4.4)
};

struct Route {
  uint32_t dpc = 0;
  uint32_t mask = 0xffffff; // bits of the DPC that must match
  int as = 0;               // index into NodeConfig::ases
  int priority = 0;         // lower wins; equal priorities share by SLS
};

struct NodeConfig {
  uint32_t local_pc = 0;
  std::optional<uint32_t> network_appearance;
  std::vector<AsConfig> ases;
  std::vector<LinkConfig> links;
  std::vector<Route> routes;
  Timers timers;
  std::size_t pending_buffer = 1024; // DATA held while an AS is PENDING (§4.3.2)
};

// The transport's side of one association (TCP connection or SCTP association).
class Association {
public:
  virtual ~Association() = default;
  virtual void send(uint16_t stream, std::span<const uint8_t> msg) = 0;
  virtual uint16_t out_streams() const = 0; // 1 for TCP: everything on "stream 0"
  virtual void abort() = 0;                 // drop the association (e.g. BEAT unanswered)
};

// Layer management indications (M-ASP_UP confirm, M-NOTIFY, M-ERROR ...), for logs and tests.
struct MgmtEvent {
  int link = -1;
  std::string text;
};

class Node {
public:
  Node(NodeConfig cfg, core::Scheduler &sched, MtpUser &user);
  ~Node();
  Node(const Node &) = delete;
  Node &operator=(const Node &) = delete;

  // The scheduler the node's timers run on; the transports time their reconnects on it too.
  core::Scheduler &scheduler() const { return sched_; }

  // From the transports.
  void link_up(int link, Association &a);
  void link_down(int link);
  void link_rx(int link, uint16_t stream, std::span<const uint8_t> bytes);

  // From the MTP user: MTP-TRANSFER request. Fails when no route is available.
  mgc::Status mtp_transfer_req(const MtpTransfer &t);

  // Layer management primitives (§4.2) for the local ASP view of a link.
  void m_asp_up_req(int link);
  void m_asp_active_req(int link);
  void m_asp_inactive_req(int link);
  void m_asp_down_req(int link);
  // SGP/IPSP side (§4.5.1): tell every active peer ASP about an SS7 destination: DUNA, DAVA,
  // DRST, SCON (`value` = congestion level) or DUPU (`value` = User/Cause). pstn-sim uses this
  // to play an SG whose destinations come and go.
  void ssnm_req(m3ua::MsgType type, uint32_t pc, uint32_t value = 0);
  // SGP side: an ASP Up Ack no ASP Up asked for, to every peer ASP that is up (§4.3.4.1 says how
  // an ASP takes one); pstn-sim uses this to play an SGP that sends one.
  void unsolicited_asp_up_ack();
  // Routing key management (§4.4), ASP side.
  void m_rk_reg_req(int link);
  void m_rk_dereg_req(int link);

  AspState local_state(int link) const;
  AspState remote_state(int link) const;
  AsState as_state(int as) const;      // as kept by this node's AS FSM (SGP/IPSP side)
  AsState peer_as_state(int as) const; // as last notified by the peer (ASP side, NTFY)
  bool dpc_available(uint32_t dpc) const;
  const NodeConfig &config() const { return cfg_; }
  // Live configuration: the timers from now on. Every timer started afterwards uses them (the
  // next T(ack) repetition, T(r), BEAT, DAUD); one running keeps its expiry, except that BEAT
  // turned off stops at once (no association is aborted for a BEAT sent before) and BEAT turned
  // on starts on every association that is up (§4.3.4.6).
  void set_timers(const Timers &t);
  // A text snapshot for `show` commands: links (role, ASP states), ASes (state, active ASPs),
  // routes (availability) and the non-zero counters.
  std::string show() const;
  // The link's configured name ("link0"), for log lines; "m3ua" for no link.
  const char *link_name(int link) const;

  const mgc::CounterSet<M3uaNodeCounter> &counters() const { return counters_; }
  const mgc::CounterSet<M3uaErrTxCounter> &err_tx() const { return err_tx_; }
  const m3ua::DecodeCounters &decode_counters() const { return decode_counters_; }
  void set_mgmt(std::function<void(const MgmtEvent &)> f) { mgmt_ = std::move(f); }

  struct Link;
  struct As;

private:
  friend struct NodeFsm;
  void send(int link, uint16_t stream, const m3ua::Message &m);
  void send_err(int link, m3ua::ErrorCode code, std::span<const uint8_t> offending,
                std::span<const uint32_t> rcs = {});
  void dispatch(int link, uint16_t stream, const m3ua::Message &m, std::span<const uint8_t> raw);
  // `detail` goes to the log line only (the RFC 4666 code of an ERR or NTFY), not to the
  // MgmtEvent, whose text traces compare.
  void mgmt(int link, std::string text, std::string_view detail = {});
  // Receive handlers, one per message (the table NodeFsm::rx_row maps types to them).
  using Raw = std::span<const uint8_t>;
  void rx_data(int link, const m3ua::Message &m, Raw raw);
  void rx_ssnm(int link, const m3ua::Message &m, Raw raw);
  void rx_ntfy(int link, const m3ua::Message &m);
  void rx_ntfy_msg(int link, const m3ua::Message &m, Raw raw);
  void rx_err(int link, const m3ua::Message &m, Raw raw);
  void rx_beat(int link, const m3ua::Message &m, Raw raw);
  void rx_beat_ack(int link, const m3ua::Message &m, Raw raw);
  void rx_up_ack(int link, const m3ua::Message &m, Raw raw);
  void rx_dn_ack(int link, const m3ua::Message &m, Raw raw);
  void rx_ac_ack(int link, const m3ua::Message &m, Raw raw);
  void rx_ia_ack(int link, const m3ua::Message &m, Raw raw);
  void rx_aspup(int link, const m3ua::Message &m, Raw raw);
  void rx_aspdn(int link, const m3ua::Message &m, Raw raw);
  void rx_aspac(int link, const m3ua::Message &m, Raw raw);
  void rx_aspia(int link, const m3ua::Message &m, Raw raw);
  void rx_reg_req(int link, const m3ua::Message &m, Raw raw);
  void rx_reg_rsp(int link, const m3ua::Message &m, Raw raw);
  void rx_dereg_req(int link, const m3ua::Message &m, Raw raw);
  void rx_dereg_rsp(int link, const m3ua::Message &m, Raw raw);
  using LocalEvent = uint8_t;
  using RemoteEvent = uint8_t;
  template <typename E> void local_event(int link, const m3ua::Message &m, Raw raw, E ev) {
    local_event(link, m, raw, LocalEvent(ev));
  }
  template <typename E> void remote_event(int link, const m3ua::Message &m, Raw raw, E ev) {
    remote_event(link, m, raw, RemoteEvent(ev));
  }
  void local_event(int link, const m3ua::Message &m, Raw raw, LocalEvent ev);
  void remote_event(int link, const m3ua::Message &m, Raw raw, RemoteEvent ev);
  // Runs the remote ASP view's table; false when no row matches.
  bool run_remote(int link, const m3ua::Message &m, RemoteEvent ev);
  bool check_rc_na(int link, const m3ua::Message &m, std::span<const uint8_t> raw,
                   std::vector<int> &ases);
  void as_event(int as, int link, int ev);
  void send_ntfy_as(int as, m3ua::AsStateInfo info);
  void send_ntfy_to(int as, int link);
  void send_ntfy_one(int as, int link, m3ua::AsStateInfo info);
  void deliver_to_as(int as, const MtpTransfer &t, std::vector<uint8_t> &&bytes);
  bool link_can_send(int link, int as) const;
  void recompute_availability();
  void beat_tick(int link);
  void audit_tick(int link);
  uint16_t data_stream(int link, uint8_t sls) const;

  NodeConfig cfg_;
  core::Scheduler &sched_;
  MtpUser &user_;
  std::vector<std::unique_ptr<Link>> links_;
  std::vector<std::unique_ptr<As>> ases_;
  std::vector<std::pair<uint32_t, bool>> dpc_avail_; // per distinct route DPC
  mgc::CounterSet<M3uaNodeCounter> counters_;
  mgc::CounterSet<M3uaErrTxCounter> err_tx_;
  m3ua::DecodeCounters decode_counters_;
  std::function<void(const MgmtEvent &)> mgmt_;
};

} // namespace mgc::sigtran
