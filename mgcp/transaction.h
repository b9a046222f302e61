// MGCP transactions over UDP (RFC 3435 §3.5): transaction ids (§3.5.2), retransmission with
// exponential back-off and a ceiling (§3.5.3), at-most-once duplicate detection over T-HIST
// (§3.5.1), provisional responses and LONGTRAN-TIMER (§3.5.6), response acknowledgement
// ("K:", "000") and the three-way handshake (§3.5.2, §3.5.6). No endpoint or call knowledge:
// the call agent above decides what commands mean.
#pragma once

#include "core/counters.h"
#include "core/status.h"
#include "mgcp/codec.h"
#include "core/scheduler.h"
#include "mgcp/transport.h"

#include <array>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mgc::mgcp {

// The process's one timer interface (core/scheduler.h), under the name call control's media
// adapter (callcontrol/media/) knows it by.
using Scheduler = core::Scheduler;

// The transaction timers, one table (STYLE.md practice 9): name, default, unit, meaning.
enum class TxTimer : uint8_t { RtoInitial, RtoMin, RtoMax, LongTran, TMax, THist, FinalWait };
struct TxTimerInfo {
  TxTimer timer;
  std::string_view name;
  int64_t default_ms;
  std::string_view description;
};
inline constexpr TxTimerInfo kTxTimers[] = {
    {TxTimer::RtoInitial, "rto-initial", 200,
     "first retransmission timer, before any round trip was measured (§3.5.3)"},
    {TxTimer::RtoMin, "rto-min", 100, "lower bound of the retransmission timer (§3.5.3)"},
    {TxTimer::RtoMax, "rto-max", 4000, "RTO-MAX, upper bound of the retransmission timer (§3.5.3)"},
    {TxTimer::LongTran, "longtran", 5000,
     "LONGTRAN-TIMER, repetition after a provisional response (§3.5.6)"},
    {TxTimer::TMax, "t-max", 20000,
     "T-MAX, retransmissions cease this long after the first send (§3.5.6)"},
    {TxTimer::THist, "t-hist", 30000,
     "T-HIST, how long responses and transaction ids are remembered (§3.5.1)"},
    {TxTimer::FinalWait, "final-wait", 60000,
     "2*T-HIST, wait for a final response after a provisional one (§3.5.6)"},
};

constexpr std::array<int64_t, std::size(kTxTimers)> tx_timer_defaults() {
  std::array<int64_t, std::size(kTxTimers)> a{};
  for (const auto &t : kTxTimers)
    a[static_cast<std::size_t>(t.timer)] = t.default_ms;
  return a;
}

struct TransactionConfig {
  std::array<int64_t, std::size(kTxTimers)> ms = tx_timer_defaults();
  // The ceiling: after this many retransmissions without any response the peer is given up.
  unsigned max_retransmissions = 5;
  // N in RTO = AAD + N * ADEV (§3.5.3, as TCP).
  unsigned rto_deviation_factor = 4;
  // Confirm received final responses with "K:" in later commands to the same peer (§3.5.2;
  // OPTIONAL, and osmo-mgw refuses K: in CRCX with 539, so off by default).
  bool confirm_responses = false;
  unsigned max_confirmations_per_command = 16;
  // 0: start at a random id, so a restarted call agent does not reuse the ids of its previous
  // life within T-HIST (gateways detect duplicates by transaction id alone, §3.5.2). Tests fix it.
  uint32_t first_transaction_id = 0;
  uint32_t random_seed = 1;
  int64_t get(TxTimer t) const { return ms[static_cast<std::size_t>(t)]; }
  void set(TxTimer t, int64_t v) { ms[static_cast<std::size_t>(t)] = v; }
};

#define MGC_MGCP_TX_COUNTERS(X)                                                                    \
  X(commands_sent)                                                                                 \
  X(retransmissions)                                                                               \
  X(provisional_received)                                                                          \
  X(final_received)                                                                                \
  X(duplicate_responses)                                                                           \
  X(unknown_responses)                                                                             \
  X(response_acks_sent)                                                                            \
  X(response_acks_received)                                                                        \
  X(confirmations_sent)                                                                            \
  X(gave_up)                                                                                       \
  X(commands_received)                                                                             \
  X(duplicate_commands)                                                                            \
  X(duplicates_in_progress)                                                                        \
  X(duplicates_discarded_after_ack)                                                                \
  X(provisional_sent)                                                                              \
  X(responses_sent)                                                                                \
  X(final_response_retransmissions)                                                                \
  X(malformed_commands_answered)                                                                   \
  X(commands_timed_out)                                                                            \
  X(malformed_dropped)
} // namespace mgc::mgcp
MGC_DECLARE_COUNTERS(MgcpTxCounter, MGC_MGCP_TX_COUNTERS)
namespace mgc::mgcp {
using TxCounter = ::MgcpTxCounter;

// How an outgoing command ended: a final response (status ok; look at response->code), or
// no final response in time (status "mgcp.transaction_timeout", code 406).
using ResponseHandler = std::function<void(const Status &status, const Message *response)>;

// Handed to the receiver of a command; answering twice is ignored. Answers may come later (the
// transaction then counts as executing and repetitions get 100 provisional responses; after
// T-MAX the layer answers 406 itself). Valid only while its TransactionLayer exists.
class TransactionLayer;
class IncomingCommand {
public:
  const Message &command() const { return command_; }
  const Address &from() const { return from_; }
  void respond(Message response) const;
  void respond(int code, std::string comment = {}) const;

private:
  friend class TransactionLayer;
  TransactionLayer *layer_ = nullptr;
  Address from_;
  Message command_;
};

class TransactionLayer {
public:
  struct Listener {
    virtual ~Listener() = default;
    // A command (decoded without fault) arrived for the first time.
    virtual void on_command(const IncomingCommand &cmd) = 0;
    // No response to a command after the retransmission ceiling: the peer is unreachable.
    virtual void on_peer_unreachable(const Address &peer) = 0;
  };

  TransactionLayer(Scheduler &sched, Transport &transport, Listener &listener,
                   TransactionConfig config = {});
  ~TransactionLayer();
  TransactionLayer(const TransactionLayer &) = delete;
  TransactionLayer &operator=(const TransactionLayer &) = delete;

  // Sends a command, allocating its transaction id (written into the message). Returns it.
  uint32_t send(const Address &to, Message command, ResponseHandler on_done);
  // Stops retransmitting and forgets the command; its handler is not called.
  void cancel(uint32_t transaction_id);

  // Feeds a received datagram (possibly piggy-backed, §3.5.5).
  void receive(const Address &from, std::string_view datagram);

  const CounterSet<TxCounter> &counters() const { return counters_; }
  const DecodeCounters &decode_counters() const { return decode_counters_; }
  const TransactionConfig &config() const { return config_; }
  // Live configuration: the timers (§3.5) and the retransmission ceiling of `c` from now on.
  // Every timer started afterwards uses them (a command's next repetition, a new command, the
  // history kept of a response); a timer already running keeps its expiry.
  void set_timers(const TransactionConfig &c) {
    config_.ms = c.ms;
    config_.max_retransmissions = c.max_retransmissions;
  }
  std::size_t outstanding() const { return outgoing_.size(); }
  std::size_t remembered_incoming() const { return incoming_.size(); }
  // Current retransmission timer estimate for a peer (§3.5.3).
  int64_t rto_for(const Address &peer) const;

private:
  friend class IncomingCommand;
  struct Outgoing;
  struct Incoming;
  // The command we sent and the command we received, as core row-engine machines
  // (core/fsm.h): their tables and actions live in transaction.cpp.
  struct OutgoingMachine;
  struct IncomingMachine;
  struct PeerState;
  using IncomingKey = std::pair<Address, uint32_t>;

  uint32_t next_transaction_id();
  int64_t base_rto(const PeerState &p) const;
  void on_retransmit_timer(uint32_t txid);
  void give_up(uint32_t txid);
  void on_response(const Address &from, const Message &m);
  void on_command(const Address &from, const Message &m, const Status &st);
  void respond(const Address &to, uint32_t txid, Message response);
  void send_response_ack(const Address &to, uint32_t txid);
  void apply_confirmations(const Address &from, std::string_view ranges);
  void ensure_sweep();
  void sweep();
  PeerState &peer(const Address &a);

  Scheduler &sched_;
  Transport &transport_;
  Listener &listener_;
  TransactionConfig config_;
  std::minstd_rand rng_;
  uint32_t next_txid_;
  std::map<uint32_t, Outgoing> outgoing_;
  std::map<IncomingKey, Incoming> incoming_;
  std::map<Address, PeerState> peers_;
  // Final responses received, remembered for T-HIST to recognise duplicates (§3.5.1): the time
  // each was received, by transaction id (a busy call agent remembers every command of the
  // last 30 s, so no more than that).
  std::unordered_map<uint32_t, int64_t> completed_;
  // Expiry queues in time order (appended with the current time), drained by one sweep timer.
  std::deque<std::pair<int64_t, uint32_t>> completed_expiry_;
  std::deque<std::pair<int64_t, IncomingKey>> incoming_expiry_;
  Scheduler::Id sweep_timer_ = 0;
  std::size_t executing_ = 0; // incoming commands not answered yet
  CounterSet<TxCounter> counters_;
  DecodeCounters decode_counters_;
  std::shared_ptr<bool> alive_;
};

} // namespace mgc::mgcp
