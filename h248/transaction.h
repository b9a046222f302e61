// H.248.1 clause 8 transactions over the Annex D transports: requests with retransmission and
// exponential back-off bounded by T-MAX (D.1.5), TransactionPending switching to the long timer
// (D.1.4), replies kept LONG-TIMER for duplicate requests (D.1.1, at-most-once), immediate
// acknowledgement of replies that ask for it (D.1.2.2 three-way handshake). One peer = one
// address; each is answered in the encoding and version it used.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string_view>

#include "core/counters.h"
#include "core/scheduler.h"
#include "h248/codec.h"
#include "h248/message.h"
#include "h248/transport.h"

// Timer table (number, name, default, unit, description) exposed as TransactionConfig.
#define MGC_H248_TIMERS(X)                                                                         \
  X(initial_retransmit_ms, 200, "ms", "first request repetition (Annex D.1.5: 200 ms)")            \
  X(max_retransmit_ms, 4000, "ms", "ceiling of the doubling repetition interval")                  \
  X(t_max_ms, 30000, "ms", "T-MAX: give a request up this long after first sending it (D.1.5)")    \
  X(long_timer_ms, 30000, "ms", "LONG-TIMER: how long replies are kept for repeats (D.1.1)")       \
  X(pending_timer_ms, 30000, "ms", "wait for the reply after a TransactionPending (D.1.4)")

#define MGC_H248_TX_COUNTERS(X)                                                                    \
  X(requests_sent)                                                                                 \
  X(retransmissions)                                                                               \
  X(replies_received)                                                                              \
  X(pendings_received)                                                                             \
  X(request_timeouts)                                                                              \
  X(too_many_pendings)                                                                             \
  X(acks_sent)                                                                                     \
  X(requests_received)                                                                             \
  X(duplicate_requests)                                                                            \
  X(acks_received)                                                                                 \
  X(unexpected_replies)                                                                            \
  X(undecodable)                                                                                   \
  X(error_answers_sent)                                                                            \
  X(send_failures)
MGC_DECLARE_COUNTERS(H248TxCounter, MGC_H248_TX_COUNTERS)

namespace mgc::h248 {

// The process's one timer interface (core/scheduler.h), under the name call control's media
// adapter (callcontrol/media/) knows it by.
using Scheduler = core::Scheduler;

struct TransactionConfig {
#define MGC_H248_TIMER_FIELD_(name, def, unit, text) int64_t name = def;
  MGC_H248_TIMERS(MGC_H248_TIMER_FIELD_)
#undef MGC_H248_TIMER_FIELD_
  uint32_t max_pendings = 10; // more TransactionPendings than this: give up (H.248.8 506)
  Mid own_mid;
  TextOptions text; // compact or pretty
};

// How a peer speaks: learnt from what it sends, or configured before it says anything.
struct PeerCodec {
  bool binary = false;
  uint8_t version = 1;
};

class TransactionLayer {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    // A transaction request from `from`; fill `reply` (kind Reply, id set) with action replies
    // or an error. Called once per transaction: repeats are answered from the reply cache.
    virtual void on_request(const Address &from, const Message &msg, const Transaction &req,
                            Transaction &reply) = 0;
    // The peer's first message, or one after it changed encoding/version.
    virtual void on_peer_codec(const Address &, PeerCodec) {}
  };
  // status: ok (reply given), "h248.timeout" (no answer within T-MAX / the pending timer),
  // "h248.too_many_pendings" (506), "h248.send_failed".
  using Done = std::function<void(const Status &, const Transaction *reply)>;

  TransactionLayer(Scheduler &sched, Transport &transport, Listener &listener,
                   TransactionConfig config);
  ~TransactionLayer();
  TransactionLayer(const TransactionLayer &) = delete;
  TransactionLayer &operator=(const TransactionLayer &) = delete;

  // Sends a TransactionRequest carrying `actions`; returns its id.
  uint32_t request(const Address &to, std::vector<Action> actions, Done done);
  // Abandons a request: no more repetitions, `done` is not called.
  void cancel(uint32_t transaction_id);
  void receive(const Address &from, std::span<const uint8_t> bytes);

  void set_peer_codec(const Address &peer, PeerCodec c) { codecs_[peer] = c; }
  PeerCodec peer_codec(const Address &peer) const;
  const CounterSet<H248TxCounter> &counters() const { return counters_; }
  const DecodeCounters &decode_counters() const { return decode_counters_; }
  size_t outstanding() const { return outgoing_.size(); }
  size_t cached_replies() const { return replies_.size(); }
  const TransactionConfig &config() const { return config_; }
  // Live configuration: the timers (Annex D.1) and the pending ceiling of `c` from now on; our
  // mId and text options stay. Every timer started afterwards uses them (the next repetition, a
  // new request, a reply kept for repeats); a timer already running keeps its expiry.
  void set_timers(const TransactionConfig &c) {
#define MGC_H248_TIMER_COPY_(name, def, unit, text) config_.name = c.name;
    MGC_H248_TIMERS(MGC_H248_TIMER_COPY_)
#undef MGC_H248_TIMER_COPY_
    config_.max_pendings = c.max_pendings;
  }

private:
  struct Outgoing;
  struct CachedReply;
  // A request sent, as a core row-engine machine (core/fsm.h); table and actions in
  // transaction.cpp.
  struct OutgoingMachine;

  bool send_message(const Address &to, const Message &m);
  void arm_retransmit(uint32_t id, int64_t delay);
  void on_retransmit(uint32_t id);
  void finish(uint32_t id, const Status &st, const Transaction *reply);
  void handle_request(const Address &from, const Message &msg, const Transaction &t);
  void handle_reply(const Address &from, const Transaction &t);
  void handle_pending(const Transaction &t);
  void handle_ack(const Address &from, const Transaction &t);
  void send_ack(const Address &to, uint32_t id);

  Scheduler &sched_;
  Transport &transport_;
  Listener &listener_;
  TransactionConfig config_;
  uint32_t next_id_ = 1;
  std::map<uint32_t, std::unique_ptr<Outgoing>> outgoing_;
  std::map<std::pair<Address, uint32_t>, std::unique_ptr<CachedReply>> replies_;
  std::map<Address, PeerCodec> codecs_;
  CounterSet<H248TxCounter> counters_;
  DecodeCounters decode_counters_;
  EncodeCounters encode_counters_;
};

} // namespace mgc::h248
