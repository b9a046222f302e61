// RFC 3261 §17 transactions with RFC 6026's Accepted state: the four state machines as
// transition tables (§17.1.1 client INVITE, §17.1.2 client non-INVITE, §17.2.1 server INVITE,
// §17.2.2 server non-INVITE), Timers A-K plus L and M, matching (§17.1.3, §17.2.3), ACK for
// non-2xx (§17.1.1.3) and CANCEL (§9.1) construction. No sockets: bytes go out through a
// callback and time comes from a core::Scheduler, so the tests run on simulated time.
#pragma once

#include "core/counters.h"
#include "core/fsm.h"
#include "core/names.h"
#include "core/scheduler.h"
#include "sipt/message.h"
#include "sipt/timers.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mgc::sipt {

enum class TransportKind : uint8_t { Udp, Tcp, Tls };
std::string_view transport_name(TransportKind t); // "UDP", as in Via (RFC 3261 §20.42)
// As in the transport URI parameter (RFC 3261 §19.1.1), and in mgcd's config.
inline constexpr auto kTransportParamNames = name_table<TransportKind>(
    {{TransportKind::Udp, "udp"}, {TransportKind::Tcp, "tcp"}, {TransportKind::Tls, "tls"}});
static_assert(names_unique(kTransportParamNames));

struct Peer {
  TransportKind transport = TransportKind::Udp;
  std::string host;
  uint16_t port = 5060;
  bool reliable() const { return transport != TransportKind::Udp; }
  friend bool operator==(const Peer &, const Peer &) = default;
};

#define MGC_SIPT_TX_STATES(X)                                                                      \
  X(Calling) X(Trying) X(Proceeding) X(Completed) X(Confirmed) X(Accepted) X(Terminated)
enum class TxState : uint8_t {
#define MGC_SIPT_TX_STATE_ENUM_(s) s,
  MGC_SIPT_TX_STATES(MGC_SIPT_TX_STATE_ENUM_)
#undef MGC_SIPT_TX_STATE_ENUM_
};
inline constexpr auto kTxStateNames = name_table<TxState>({
#define MGC_SIPT_TX_STATE_ROW_(s) {TxState::s, #s},
    MGC_SIPT_TX_STATES(MGC_SIPT_TX_STATE_ROW_)
#undef MGC_SIPT_TX_STATE_ROW_
});
std::string_view tx_state_name(TxState s);

// Events of the four machines (timer names as in RFC 3261 / RFC 6026).
#define MGC_SIPT_TX_EVENTS(X)                                                                      \
  X(Request)      /* (re)transmission of the request arrives (server) */                          \
  X(Ack)          /* ACK for a non-2xx final response (server INVITE) */                           \
  X(Send1xx) X(Send2xx) X(Send3456xx) /* TU answers (server) */                                   \
  X(Recv1xx) X(Recv2xx) X(Recv3456xx) /* responses arrive (client) */                             \
  X(TimerA) X(TimerB) X(TimerD) X(TimerE) X(TimerF) X(TimerG) X(TimerH) X(TimerI) X(TimerJ)        \
  X(TimerK) X(TimerL) X(TimerM) X(TransportError)
enum class TxEvent : uint8_t {
#define MGC_SIPT_TX_EVENT_ENUM_(e) e,
  MGC_SIPT_TX_EVENTS(MGC_SIPT_TX_EVENT_ENUM_)
#undef MGC_SIPT_TX_EVENT_ENUM_
};
inline constexpr auto kTxEventNames = name_table<TxEvent>({
#define MGC_SIPT_TX_EVENT_ROW_(e) {TxEvent::e, #e},
    MGC_SIPT_TX_EVENTS(MGC_SIPT_TX_EVENT_ROW_)
#undef MGC_SIPT_TX_EVENT_ROW_
});
std::string_view tx_event_name(TxEvent e);

#define MGC_SIPT_TX_COUNTERS(X)                                                                    \
  X(client_created) X(server_created) X(retransmissions) X(absorbed_requests)                     \
  X(timeouts) X(transport_errors) X(unexpected_events) X(stray_responses) X(acks_to_tu)            \
  X(terminated)
} // namespace mgc::sipt
MGC_DECLARE_COUNTERS(SipTxCounter, MGC_SIPT_TX_COUNTERS)
namespace mgc::sipt {
using ::SipTxCounter;

enum class TxKind : uint8_t { ClientInvite, ClientNonInvite, ServerInvite, ServerNonInvite };

class TransactionLayer;

// One transaction. The request is kept as bytes (with a Message parsed over them) because
// retransmissions, ACK and CANCEL are built from it after the received buffer is gone. A server
// transaction lets go of its request once its final response is sent: from then on it only
// retransmits that response and absorbs repeats (§17.2.1, §17.2.2, RFC 6026 §7.1), for up to
// 64*T1 (Timers H, J, L), and a busy gateway would otherwise hold every request of the last 32 s.
class Transaction {
public:
  TxKind kind() const { return kind_; }
  TxState state() const { return state_; }
  // The request; an empty Message once a server transaction has answered it finally.
  const Message &request() const;
  const Peer &peer() const { return peer_; }
  const std::string &key() const { return key_; }
  int last_status() const { return last_status_; }
  uint64_t id() const { return id_; }

private:
  friend class TransactionLayer;
  TxKind kind_;
  TxState state_;
  Peer peer_;
  std::string key_;
  uint64_t id_ = 0;
  std::string request_bytes_;
  std::unique_ptr<Message> request_msg_;
  std::string last_response_; // server: last response sent; client: ACK sent for a non-2xx
  int last_status_ = 0;
  uint32_t interval_ = 0;     // current retransmission interval (A, E, G)
  core::Scheduler::Id retransmit_ = 0, timeout_ = 0, linger_ = 0;
};

// What the transaction user (UA core, dialogs, B2BUA halves) is told.
class TransactionUser {
public:
  virtual ~TransactionUser() = default;
  // A new request (server transaction created). ACK for a 2xx and requests no transaction
  // matches go straight here too, with `tx` null (§17.2.3 / RFC 6026 §7.1: ACK for 2xx).
  virtual void on_request(Transaction *tx, const Message &req, const Peer &from) = 0;
  // A response for a client transaction (retransmitted 2xx too, in Accepted: RFC 6026 §7.2).
  virtual void on_response(Transaction &tx, const Message &resp) = 0;
  // Timer B / F (no response), Timer H (no ACK), or a transport error.
  virtual void on_timeout(Transaction &tx, TxEvent why) = 0;
  virtual void on_terminated(Transaction &) {}
};

std::string server_key(const Message &m);

class TransactionLayer {
public:
  using SendFn = std::function<bool(std::string_view bytes, const Peer &to)>;

  TransactionLayer(core::Scheduler &timers, SendFn send, TransactionUser &tu,
                   TimerValues values = {});
  ~TransactionLayer();

  // Incoming message from the transport (already parsed and checked). Returns false if it
  // was a stray response (dropped, §17.1.3).
  bool receive(const Message &m, const Peer &from);

  // Starts a client transaction for `req` (its top Via must carry a unique branch with the
  // magic cookie). Returns null if it could not be sent.
  Transaction *send_request(const Message &req, const Peer &to);
  // Sends a response through its server transaction.
  bool respond(Transaction &tx, const Message &resp);
  // Sends a message outside any transaction (ACK for 2xx, 2xx retransmissions by the UAS core).
  bool send_stateless(const Message &m, const Peer &to);

  // The INVITE server transaction a CANCEL refers to (§9.2), or null.
  Transaction *find_invite_for_cancel(const Message &cancel);
  Transaction *find(uint64_t id);
  // Whether a server transaction exists for this request (a retransmission, not a new one).
  bool has_server_transaction(const Message &req) const { return txs_.count(server_key(req)) != 0; }

  const CounterSet<SipTxCounter> &counters() const { return counters_; }
  std::size_t size() const { return txs_.size(); }
  const TimerValues &timer_values() const { return tv_; }
  void set_timer_values(const TimerValues &tv) { tv_ = tv; }

private:
  // The four machines of §17 on the core row engine (core/fsm.h), indexed by TxKind. Their
  // timers are not state timeouts: §17 runs two at once (A beside B, E beside F, G beside H),
  // so each has its slot in the transaction and its expiry is an event of the table.
  using TxFsm =
      core::Fsm<TxState, TxEvent, void (TransactionLayer::*)(Transaction &, const Message *)>;
  static const TxFsm::Row kClientInvite[], kClientNonInvite[], kServerInvite[],
      kServerNonInvite[];
  static const TxFsm kMachines[4];
  void fire(Transaction &tx, TxEvent ev, const Message *m);
  static core::Scheduler::Id &slot(Transaction &tx, TxEvent ev);
  void start_timer(Transaction &tx, uint32_t ms, TxEvent ev);
  void stop_timers(Transaction &tx);
  void release_request(Transaction &tx);
  void terminate(Transaction &tx);
  bool send(Transaction &tx, std::string_view bytes);
  static std::string describe(const Transaction &tx); // for log lines
  std::string make_ack(const Transaction &tx, const Message &resp) const;

  // Actions (named after what the RFC text says the machine does).
  void a_start_client(Transaction &, const Message *);
  void a_retransmit_request(Transaction &, const Message *);
  void a_retransmit_response(Transaction &, const Message *);
  void a_pass_response(Transaction &, const Message *);
  void a_provisional(Transaction &, const Message *);
  void a_client_final_invite(Transaction &, const Message *);
  void a_client_accepted(Transaction &, const Message *);
  void a_resend_ack(Transaction &, const Message *);
  void a_client_final_noninvite(Transaction &, const Message *);
  void a_timeout(Transaction &, const Message *);
  void a_terminate(Transaction &, const Message *);
  void a_send_response(Transaction &, const Message *);
  void a_server_accepted(Transaction &, const Message *);
  void a_send_accepted(Transaction &, const Message *);
  void a_server_final_invite(Transaction &, const Message *);
  void a_server_confirmed(Transaction &, const Message *);
  void a_server_final_noninvite(Transaction &, const Message *);
  void a_absorb(Transaction &, const Message *);
  void a_timer_g(Transaction &, const Message *);
  void a_none(Transaction &, const Message *);

  core::Scheduler &timers_;
  SendFn send_;
  TransactionUser &tu_;
  TimerValues tv_;
  // By key (a view of the transaction's own key_: the key is stored once) and by id.
  std::unordered_map<std::string_view, std::unique_ptr<Transaction>> txs_;
  std::unordered_map<uint64_t, Transaction *> by_id_;
  uint64_t next_id_ = 0;
  CounterSet<SipTxCounter> counters_;
};

// Transaction keys (§17.1.3 client: branch + CSeq method; §17.2.3 server: branch + sent-by +
// method, ACK matching INVITE; without the magic cookie, the RFC 2543 fields). The client key
// is empty if the top Via has no branch.
std::string client_key(const Message &m);
std::string server_key(const Message &m);

// CANCEL for an INVITE (§9.1): same Request-URI, Call-ID, From, To, CSeq number, top Via, Route.
Message make_cancel(const Message &invite);

} // namespace mgc::sipt
