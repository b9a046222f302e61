// RFC 3435 §3.5 transactions; see transaction.h.
#include "mgcp/transaction.h"

#include "core/log.h"

#include <algorithm>
#include <cmath>

namespace mgc::mgcp {

namespace {
const Status kTimeout("mgcp.transaction_timeout", rc::kTimeout);
constexpr int64_t kSweepPeriodMs = 1000; // granularity of T-HIST expiry

uint32_t initial_transaction_id(uint32_t configured) {
  if (configured)
    return std::clamp<uint32_t>(configured, 1, kMaxTransactionId);
  std::random_device rd;
  return std::uniform_int_distribution<uint32_t>(1, kMaxTransactionId)(rd);
}
} // namespace

struct TransactionLayer::Outgoing {
  Address to;
  std::string bytes;
  ResponseHandler done;
  int64_t first_sent = 0;
  int64_t t_delay = 0; // T-DELAY of §3.5.3, doubled on each retransmission
  int64_t rto = 0;     // the timer last armed
  unsigned retransmissions = 0;
  bool provisional = false;
  Scheduler::Id timer = 0;
};

namespace {
// A command's first line ("CRCX 1204 rtpbridge/1@mgw MGCP 1.0"): verb, transaction id and
// endpoint name it in the log, without keeping more than the bytes already kept.
std::string_view command_line(std::string_view bytes) {
  std::string_view l = bytes.substr(0, bytes.find('\n'));
  if (!l.empty() && l.back() == '\r')
    l.remove_suffix(1);
  return l;
}
} // namespace

struct TransactionLayer::Incoming {
  enum class State : uint8_t { Executing, Answered, Confirmed };
  State state = State::Executing;
  int64_t received_at = 0;
  std::string response; // the bytes sent, resent to repetitions of the command
  bool provisional_sent = false;
  bool awaiting_ack = false; // final response sent with "K:", waiting for "000" (§3.5.6)
  Scheduler::Id ack_timer = 0;
  unsigned ack_retransmissions = 0;
  int64_t t_delay = 0;
};

struct TransactionLayer::PeerState {
  // §3.5.3 estimators: average acknowledgement delay and average deviation, in ms.
  bool rtt_valid = false;
  double aad = 0;
  double adev = 0;
  // "the first new transmission following a successful retransmission SHOULD use the RTO for
  // that last retransmission" (§3.5.3); 0 when not in that situation.
  int64_t carry_rto = 0;
  // Final responses received and not yet confirmed with "K:" (§3.5.2): txid, time received.
  std::vector<std::pair<uint32_t, int64_t>> to_confirm;
};

// ---- IncomingCommand -------------------------------------------------------------------------

void IncomingCommand::respond(Message response) const {
  if (layer_)
    layer_->respond(from_, command_.transaction_id, std::move(response));
}

void IncomingCommand::respond(int code, std::string comment) const {
  if (comment.empty())
    comment = std::string(return_code_meaning(code));
  respond(Message::response(code, command_.transaction_id, std::move(comment)));
}

// ---- TransactionLayer ------------------------------------------------------------------------

TransactionLayer::TransactionLayer(Scheduler &sched, Transport &transport, Listener &listener,
                                   TransactionConfig config)
    : sched_(sched), transport_(transport), listener_(listener), config_(config),
      rng_(config.random_seed), next_txid_(initial_transaction_id(config.first_transaction_id)),
      alive_(std::make_shared<bool>(true)) {}

TransactionLayer::~TransactionLayer() {
  *alive_ = false;
  for (auto &[id, o] : outgoing_)
    sched_.stop(o.timer);
  for (auto &[k, in] : incoming_)
    sched_.stop(in.ack_timer);
  sched_.stop(sweep_timer_);
}

TransactionLayer::PeerState &TransactionLayer::peer(const Address &a) { return peers_[a]; }

uint32_t TransactionLayer::next_transaction_id() {
  // §3.5.2: 1..999,999,999, unique among the transactions in flight.
  for (;;) {
    uint32_t id = next_txid_;
    next_txid_ = next_txid_ >= kMaxTransactionId ? 1 : next_txid_ + 1;
    if (!outgoing_.count(id))
      return id;
  }
}

int64_t TransactionLayer::base_rto(const PeerState &p) const {
  if (p.carry_rto > 0)
    return p.carry_rto;
  if (!p.rtt_valid)
    return config_.get(TxTimer::RtoInitial);
  auto rto = static_cast<int64_t>(std::lround(p.aad + config_.rto_deviation_factor * p.adev));
  return std::clamp(rto, config_.get(TxTimer::RtoMin), config_.get(TxTimer::RtoMax));
}

int64_t TransactionLayer::rto_for(const Address &a) const {
  auto it = peers_.find(a);
  return it == peers_.end() ? config_.get(TxTimer::RtoInitial) : base_rto(it->second);
}

uint32_t TransactionLayer::send(const Address &to, Message command, ResponseHandler on_done) {
  uint32_t txid = next_transaction_id();
  command.transaction_id = txid;
  PeerState &p = peer(to);
  if (config_.confirm_responses && !p.to_confirm.empty()) {
    // §3.5.2: confirm each response once, never one older than T-HIST, in few ranges.
    int64_t now = sched_.now_ms();
    std::vector<uint32_t> ids;
    std::size_t take = 0;
    for (; take < p.to_confirm.size() && ids.size() < config_.max_confirmations_per_command; ++take)
      if (now - p.to_confirm[take].second < config_.get(TxTimer::THist))
        ids.push_back(p.to_confirm[take].first);
    p.to_confirm.erase(p.to_confirm.begin(), p.to_confirm.begin() + take);
    std::sort(ids.begin(), ids.end());
    std::vector<TxRange> ranges;
    for (uint32_t id : ids) {
      if (!ranges.empty() && ranges.back().second + 1 == id)
        ranges.back().second = id;
      else
        ranges.emplace_back(id, id);
    }
    if (!ranges.empty()) {
      command.set(Param::ResponseAck, format_response_ack(ranges));
      counters_.inc(TxCounter::confirmations_sent, ids.size());
    }
  }
  Outgoing o;
  o.to = to;
  o.bytes = encode(command);
  o.done = std::move(on_done);
  o.first_sent = sched_.now_ms();
  o.t_delay = base_rto(p);
  o.rto = o.t_delay;
  o.timer = sched_.start(o.rto, [this, txid] { on_retransmit_timer(txid); });
  transport_.send(to, o.bytes);
  counters_.inc(TxCounter::commands_sent);
  if (::mgc::log::enabled(::mgc::log::Category::Mgcp, ::mgc::log::Level::Debug)) {
    const std::string_view l = command_line(o.bytes);
    MGC_LOG(Mgcp, Debug, "%s: sent %.*s", to.to_string().c_str(), int(l.size()), l.data());
  }
  outgoing_.emplace(txid, std::move(o));
  return txid;
}

void TransactionLayer::cancel(uint32_t txid) {
  auto it = outgoing_.find(txid);
  if (it == outgoing_.end())
    return;
  sched_.stop(it->second.timer);
  outgoing_.erase(it);
}

void TransactionLayer::on_retransmit_timer(uint32_t txid) {
  auto it = outgoing_.find(txid);
  if (it == outgoing_.end())
    return;
  Outgoing &o = it->second;
  o.timer = 0;
  int64_t now = sched_.now_ms();
  int64_t elapsed = now - o.first_sent;
  if (o.provisional) {
    // §3.5.6: after a provisional response, repeat at LONGTRAN-TIMER while within T-MAX, and
    // give up when no final response came within 2*T-HIST.
    if (elapsed >= config_.get(TxTimer::FinalWait))
      return give_up(txid);
    if (elapsed < config_.get(TxTimer::TMax)) {
      transport_.send(o.to, o.bytes);
      ++o.retransmissions;
      counters_.inc(TxCounter::retransmissions);
    }
    int64_t next =
        std::min(config_.get(TxTimer::LongTran), config_.get(TxTimer::FinalWait) - elapsed);
    o.timer = sched_.start(next, [this, txid] { on_retransmit_timer(txid); });
    return;
  }
  if (o.retransmissions >= config_.max_retransmissions || elapsed >= config_.get(TxTimer::TMax))
    return give_up(txid);
  // §3.5.3: double T-DELAY, draw uniformly in [T-DELAY/2, T-DELAY], add N*ADEV, cap at RTO-MAX.
  o.t_delay *= 2;
  std::uniform_int_distribution<int64_t> draw(o.t_delay / 2, o.t_delay);
  const PeerState &p = peer(o.to);
  auto dev = static_cast<int64_t>(std::lround(config_.rto_deviation_factor * p.adev));
  o.rto = std::min(draw(rng_) + dev, config_.get(TxTimer::RtoMax));
  ++o.retransmissions;
  counters_.inc(TxCounter::retransmissions);
  if (::mgc::log::enabled(::mgc::log::Category::Mgcp, ::mgc::log::Level::Debug)) {
    const std::string_view l = command_line(o.bytes);
    MGC_LOG(Mgcp, Debug, "%s: retransmission %u of %.*s (RTO %lld ms)", o.to.to_string().c_str(),
            o.retransmissions, int(l.size()), l.data(), static_cast<long long>(o.rto));
  }
  transport_.send(o.to, o.bytes);
  o.timer = sched_.start(o.rto, [this, txid] { on_retransmit_timer(txid); });
}

void TransactionLayer::give_up(uint32_t txid) {
  auto it = outgoing_.find(txid);
  if (it == outgoing_.end())
    return;
  Outgoing o = std::move(it->second);
  outgoing_.erase(it);
  counters_.inc(TxCounter::gave_up);
  {
    const std::string_view l = command_line(o.bytes);
    MGC_LOG(Mgcp, Notice,
            "%s: no final response to %.*s after %u retransmissions (%lld ms): given up",
            o.to.to_string().c_str(), int(l.size()), l.data(), o.retransmissions,
            static_cast<long long>(sched_.now_ms() - o.first_sent));
  }
  // §3.5.3: the RTO carried over must not stay inflated by a dead peer.
  peer(o.to).carry_rto = 0;
  std::weak_ptr<bool> alive = alive_;
  if (o.done)
    o.done(kTimeout, nullptr);
  if (!alive.expired() && *alive.lock())
    listener_.on_peer_unreachable(o.to);
}

void TransactionLayer::receive(const Address &from, std::string_view datagram) {
  std::weak_ptr<bool> alive = alive_;
  // §3.5.5: each piggy-backed message on its own, in order.
  for (auto &part : decode_datagram(datagram, &decode_counters_)) {
    if (alive.expired() || !*alive.lock())
      return;
    if (part.message.is_response()) {
      if (part.status.ok())
        on_response(from, part.message);
      else
        counters_.inc(TxCounter::malformed_dropped);
    } else {
      on_command(from, part.message, part.status);
    }
  }
}

void TransactionLayer::send_response_ack(const Address &to, uint32_t txid) {
  transport_.send(to, encode(Message::response(rc::kAck, txid)));
  counters_.inc(TxCounter::response_acks_sent);
}

void TransactionLayer::on_response(const Address &from, const Message &m) {
  int code = effective_return_code(m.code);
  if (code == rc::kAck) {
    // "000" acknowledges one of our final responses sent with an empty "K:" (§3.5.6).
    auto it = incoming_.find({from, m.transaction_id});
    if (it != incoming_.end() && it->second.awaiting_ack) {
      it->second.awaiting_ack = false;
      sched_.stop(it->second.ack_timer);
      it->second.ack_timer = 0;
      counters_.inc(TxCounter::response_acks_received);
    }
    return;
  }
  bool wants_ack = m.find(Param::ResponseAck) != nullptr;
  auto it = outgoing_.find(m.transaction_id);
  if (it == outgoing_.end()) {
    if (completed_.count(m.transaction_id)) {
      counters_.inc(TxCounter::duplicate_responses);
      // Our "000" was lost: the gateway repeats its final response, so repeat the ack.
      if (wants_ack)
        send_response_ack(from, m.transaction_id);
    } else {
      counters_.inc(TxCounter::unknown_responses);
    }
    return;
  }
  Outgoing &o = it->second;
  if (is_provisional(code)) {
    counters_.inc(TxCounter::provisional_received);
    if (!o.provisional) {
      o.provisional = true;
      sched_.stop(o.timer);
      uint32_t txid = m.transaction_id;
      o.timer =
          sched_.start(config_.get(TxTimer::LongTran), [this, txid] { on_retransmit_timer(txid); });
    }
    return;
  }
  counters_.inc(TxCounter::final_received);
  // §2.4 / §3.5.2: 4xx transient, 5xx permanent errors: one line with the command they answer.
  if (code >= 400) {
    const std::string_view l = command_line(o.bytes);
    MGC_LOG(Mgcp, Notice, "%s: %d %s in answer to %.*s", from.to_string().c_str(), m.code,
            m.comment.c_str(), int(l.size()), l.data());
  } else {
    MGC_LOG(Mgcp, Debug, "%s: %d %s for transaction %u", from.to_string().c_str(), m.code,
            m.comment.c_str(), m.transaction_id);
  }
  sched_.stop(o.timer);
  int64_t now = sched_.now_ms();
  PeerState &p = peer(o.to);
  if (o.retransmissions == 0 && !o.provisional) {
    // §3.5.3: estimators only from transactions without retransmission (Karn).
    double delay = static_cast<double>(now - o.first_sent);
    if (!p.rtt_valid) {
      p.aad = delay;
      p.adev = delay / 2;
      p.rtt_valid = true;
    } else {
      double err = delay - p.aad;
      p.aad += err / 8;
      p.adev += (std::fabs(err) - p.adev) / 4;
    }
    p.carry_rto = 0;
  } else if (o.retransmissions > 0 && !o.provisional) {
    p.carry_rto = o.rto;
  }
  if (wants_ack)
    send_response_ack(from, m.transaction_id);
  if (config_.confirm_responses && !wants_ack)
    p.to_confirm.emplace_back(m.transaction_id, now);
  completed_[m.transaction_id] = now;
  completed_expiry_.emplace_back(now, m.transaction_id);
  ensure_sweep();
  ResponseHandler done = std::move(o.done);
  outgoing_.erase(it);
  if (done)
    done(Status::Ok(), &m);
}

void TransactionLayer::apply_confirmations(const Address &from, std::string_view value) {
  std::vector<TxRange> ranges;
  if (value.empty() || !parse_response_ack(value, ranges))
    return;
  for (const auto &[lo, hi] : ranges) {
    auto it = incoming_.lower_bound({from, lo});
    for (; it != incoming_.end() && it->first.first == from && it->first.second <= hi; ++it) {
      // §3.5.2: the copy of the response may go; the transaction id stays for T-HIST.
      if (it->second.state == Incoming::State::Answered && !it->second.awaiting_ack) {
        it->second.state = Incoming::State::Confirmed;
        it->second.response.clear();
        it->second.response.shrink_to_fit();
      }
    }
  }
}

void TransactionLayer::on_command(const Address &from, const Message &m, const Status &st) {
  if (!st.ok()) {
    // §2.4 / DESIGN.md "Bad input": answer in MGCP's own terms when the command can be named.
    if (auto answer = error_response(m, st)) {
      transport_.send(from, encode(*answer));
      counters_.inc(TxCounter::malformed_commands_answered);
    } else {
      counters_.inc(TxCounter::malformed_dropped);
    }
    return;
  }
  if (auto k = m.get(Param::ResponseAck))
    apply_confirmations(from, *k);
  IncomingKey key{from, m.transaction_id};
  auto it = incoming_.find(key);
  if (it != incoming_.end()) {
    Incoming &in = it->second;
    switch (in.state) {
    case Incoming::State::Executing:
      // §3.5.1 / §3.5.6: still executing, so acknowledge receipt with a provisional response.
      counters_.inc(TxCounter::duplicates_in_progress);
      transport_.send(from,
                      encode(Message::response(rc::kPending, m.transaction_id,
                                               std::string(return_code_meaning(rc::kPending)))));
      in.provisional_sent = true;
      counters_.inc(TxCounter::provisional_sent);
      break;
    case Incoming::State::Answered:
      counters_.inc(TxCounter::duplicate_commands);
      transport_.send(from, in.response);
      break;
    case Incoming::State::Confirmed:
      // §3.5.2: response confirmed and younger than T-HIST: silently discard.
      counters_.inc(TxCounter::duplicates_discarded_after_ack);
      break;
    }
    return;
  }
  Incoming fresh;
  fresh.received_at = sched_.now_ms();
  incoming_.emplace(key, std::move(fresh));
  ++executing_;
  ensure_sweep();
  counters_.inc(TxCounter::commands_received);
  IncomingCommand cmd;
  cmd.layer_ = this;
  cmd.from_ = from;
  cmd.command_ = m;
  listener_.on_command(cmd);
}

void TransactionLayer::respond(const Address &to, uint32_t txid, Message r) {
  IncomingKey key{to, txid};
  auto it = incoming_.find(key);
  if (it == incoming_.end() || it->second.state != Incoming::State::Executing)
    return;
  Incoming &in = it->second;
  r.kind = Message::Kind::Response;
  r.transaction_id = txid;
  bool final = !is_provisional(r.code);
  if (!final) {
    in.provisional_sent = true;
    counters_.inc(TxCounter::provisional_sent);
    transport_.send(to, encode(r));
    return;
  }
  // §3.5.6: a final response after a provisional one carries an empty ResponseAck and is
  // repeated until the "000" Response Acknowledgement arrives.
  if (in.provisional_sent) {
    if (!r.find(Param::ResponseAck))
      r.set(Param::ResponseAck, "");
    in.awaiting_ack = true;
    in.t_delay = rto_for(to);
    in.ack_timer = sched_.start(in.t_delay, [this, key] { on_final_response_timer(key); });
  }
  in.response = encode(r);
  in.state = Incoming::State::Answered;
  --executing_;
  transport_.send(to, in.response);
  counters_.inc(TxCounter::responses_sent);
  incoming_expiry_.emplace_back(sched_.now_ms(), key);
  ensure_sweep();
}

void TransactionLayer::on_final_response_timer(IncomingKey key) {
  auto it = incoming_.find(key);
  if (it == incoming_.end())
    return;
  Incoming &in = it->second;
  in.ack_timer = 0;
  if (!in.awaiting_ack)
    return;
  // §3.5.6: no "000" MUST NOT make the peer "disconnected": stop quietly at the ceiling.
  if (in.ack_retransmissions >= config_.max_retransmissions) {
    in.awaiting_ack = false;
    return;
  }
  ++in.ack_retransmissions;
  counters_.inc(TxCounter::final_response_retransmissions);
  transport_.send(key.first, in.response);
  in.t_delay = std::min(in.t_delay * 2, config_.get(TxTimer::RtoMax));
  in.ack_timer = sched_.start(in.t_delay, [this, key] { on_final_response_timer(key); });
}

void TransactionLayer::ensure_sweep() {
  if (!sweep_timer_)
    sweep_timer_ = sched_.start(kSweepPeriodMs, [this] {
      sweep_timer_ = 0;
      sweep();
    });
}

void TransactionLayer::sweep() {
  int64_t horizon = sched_.now_ms() - config_.get(TxTimer::THist);
  while (!completed_expiry_.empty() && completed_expiry_.front().first <= horizon) {
    auto [at, txid] = completed_expiry_.front();
    completed_expiry_.pop_front();
    auto it = completed_.find(txid);
    if (it != completed_.end() && it->second == at)
      completed_.erase(it);
  }
  while (!incoming_expiry_.empty() && incoming_expiry_.front().first <= horizon) {
    auto key = incoming_expiry_.front().second;
    incoming_expiry_.pop_front();
    auto it = incoming_.find(key);
    if (it != incoming_.end() && it->second.state != Incoming::State::Executing) {
      sched_.stop(it->second.ack_timer);
      incoming_.erase(it);
    }
  }
  for (auto &[addr, p] : peers_)
    std::erase_if(p.to_confirm, [&](const auto &e) { return e.second <= horizon; });
  if (executing_ > 0) {
    // §3.5.6: "entities MUST NOT let a transaction run forever"; one unanswered past T-MAX is
    // answered 406 (transaction time-out).
    int64_t stale = sched_.now_ms() - config_.get(TxTimer::TMax);
    std::vector<IncomingKey> late;
    for (const auto &[key, in] : incoming_)
      if (in.state == Incoming::State::Executing && in.received_at <= stale)
        late.push_back(key);
    for (const auto &key : late) {
      counters_.inc(TxCounter::commands_timed_out);
      respond(key.first, key.second,
              Message::response(rc::kTimeout, key.second,
                                std::string(return_code_meaning(rc::kTimeout))));
    }
  }
  if (!completed_expiry_.empty() || !incoming_expiry_.empty() || executing_ > 0)
    ensure_sweep();
}

} // namespace mgc::mgcp
