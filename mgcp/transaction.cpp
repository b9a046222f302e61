// RFC 3435 §3.5 transactions; see transaction.h.
#include "mgcp/transaction.h"

#include "core/fsm.h"
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
  // §3.5.3 / §3.5.6: retransmitting on the RTO until a provisional response, then repeating
  // at LONGTRAN-TIMER until the final one (which ends the transaction).
  enum class State : uint8_t { Sent, Provisional };
  State state = State::Sent;
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
  // §3.5.1, §3.5.2, §3.5.6: executing until the call agent answers; then answered (the
  // response kept for repetitions of the command), or awaiting the "000" of a final response
  // sent after a provisional one; confirmed once a "K:" names it (the copy goes, the id stays
  // for T-HIST).
  enum class State : uint8_t { Executing, Answered, AwaitingAck, Confirmed };
  State state = State::Executing;
  int64_t received_at = 0;
  std::string response; // the bytes sent, resent to repetitions of the command
  bool provisional_sent = false;
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

// ---- The two machines --------------------------------------------------------------------

struct TransactionLayer::IncomingMachine {
  using InState = Incoming::State;
  enum class Event : uint8_t { Repeat, Provisional, Final, Confirm, ResponseAck, AckTimer };
  struct Ctx {
    const IncomingKey &key;
    Incoming &in;
    Message *response; // Provisional and Final: what the call agent answers
  };
  using L = TransactionLayer;
  using Fsm = core::Fsm<InState, Event, void (*)(L &, Ctx &), bool (*)(L &, Ctx &)>;
  static constexpr auto kStateNames = name_table<InState>({{InState::Executing, "executing"},
                                                           {InState::Answered, "answered"},
                                                           {InState::AwaitingAck, "awaiting-000"},
                                                           {InState::Confirmed, "confirmed"}});
  static constexpr auto kEventNames =
      name_table<Event>({{Event::Repeat, "command repeated"},
                         {Event::Provisional, "provisional response"},
                         {Event::Final, "final response"},
                         {Event::Confirm, "K: confirmation"},
                         {Event::ResponseAck, "000 response ack"},
                         {Event::AckTimer, "response repetition timer"}});
  static const Fsm::Row kRows[];
  static const Fsm kFsm;

  // §3.5.1 / §3.5.6: still executing, so acknowledge receipt with a provisional response.
  static void pending(L &l, Ctx &c) {
    l.counters_.inc(TxCounter::duplicates_in_progress);
    l.transport_.send(c.key.first,
                      encode(Message::response(rc::kPending, c.key.second,
                                               std::string(return_code_meaning(rc::kPending)))));
    c.in.provisional_sent = true;
    l.counters_.inc(TxCounter::provisional_sent);
  }
  static void send_provisional(L &l, Ctx &c) {
    c.in.provisional_sent = true;
    l.counters_.inc(TxCounter::provisional_sent);
    l.transport_.send(c.key.first, encode(*c.response));
  }
  static bool after_provisional(L &, Ctx &c) { return c.in.provisional_sent; }
  // §3.5.6: a final response after a provisional one carries an empty ResponseAck and is
  // repeated until the "000" Response Acknowledgement arrives.
  static void send_final_awaiting_ack(L &l, Ctx &c) {
    if (!c.response->find(Param::ResponseAck))
      c.response->set(Param::ResponseAck, "");
    c.in.ack_retransmissions = 0;
    c.in.t_delay = l.rto_for(c.key.first);
    start_ack_timer(l, c);
    send_final(l, c);
  }
  static void send_final(L &l, Ctx &c) {
    c.in.response = encode(*c.response);
    --l.executing_;
    l.transport_.send(c.key.first, c.in.response);
    l.counters_.inc(TxCounter::responses_sent);
    l.incoming_expiry_.emplace_back(l.sched_.now_ms(), c.key);
    l.ensure_sweep();
  }
  static void resend(L &l, Ctx &c) {
    l.counters_.inc(TxCounter::duplicate_commands);
    l.transport_.send(c.key.first, c.in.response);
  }
  // §3.5.2: response confirmed and younger than T-HIST: silently discard.
  static void discard(L &l, Ctx &) { l.counters_.inc(TxCounter::duplicates_discarded_after_ack); }
  // §3.5.2: the copy of the response may go; the transaction id stays for T-HIST.
  static void forget_response(L &, Ctx &c) {
    c.in.response.clear();
    c.in.response.shrink_to_fit();
  }
  static void acked(L &l, Ctx &c) {
    l.sched_.stop(c.in.ack_timer);
    c.in.ack_timer = 0;
    l.counters_.inc(TxCounter::response_acks_received);
  }
  // §3.5.6: no "000" MUST NOT make the peer "disconnected": stop quietly at the ceiling.
  static bool below_ceiling(L &l, Ctx &c) {
    return c.in.ack_retransmissions < l.config_.max_retransmissions;
  }
  static void repeat_final(L &l, Ctx &c) {
    ++c.in.ack_retransmissions;
    l.counters_.inc(TxCounter::final_response_retransmissions);
    l.transport_.send(c.key.first, c.in.response);
    c.in.t_delay = std::min(c.in.t_delay * 2, l.config_.get(TxTimer::RtoMax));
    start_ack_timer(l, c);
  }
  static void start_ack_timer(L &l, Ctx &c) {
    c.in.ack_timer = l.sched_.start(c.in.t_delay, [&l, key = c.key] {
      auto it = l.incoming_.find(key);
      if (it == l.incoming_.end())
        return;
      it->second.ack_timer = 0;
      fire(l, key, it->second, Event::AckTimer);
    });
  }
  static void nothing(L &, Ctx &) {}

  static bool fire(L &l, const IncomingKey &key, Incoming &in, Event ev,
                   Message *response = nullptr) {
    Ctx c{key, in, response};
    return kFsm.fire(
        in.state, nullptr, ev,
        [&](InState from, InState to, Event e) {
          MGC_LOG(Mgcp, Debug, "%s: incoming transaction %u %s -> %s on %s",
                  key.first.to_string().c_str(), key.second, kFsm.state_name(from),
                  kFsm.state_name(to), kFsm.event_name(e));
        },
        l, c);
  }
};

// §3.5.1, §3.5.2, §3.5.6 for a command received.
const TransactionLayer::IncomingMachine::Fsm::Row TransactionLayer::IncomingMachine::kRows[] = {
    {InState::Executing, Event::Repeat, Fsm::kStay, pending},
    {InState::Executing, Event::Provisional, Fsm::kStay, send_provisional},
    {InState::Executing, Event::Final, InState::AwaitingAck, send_final_awaiting_ack,
     after_provisional},
    {InState::Executing, Event::Final, InState::Answered, send_final},
    // Answering twice is ignored (IncomingCommand::respond).
    {{InState::Answered, InState::AwaitingAck, InState::Confirmed},
     Event::Provisional,
     Fsm::kStay,
     nothing},
    {{InState::Answered, InState::AwaitingAck, InState::Confirmed}, Event::Final, Fsm::kStay,
     nothing},
    {{InState::Answered, InState::AwaitingAck}, Event::Repeat, Fsm::kStay, resend},
    {InState::Confirmed, Event::Repeat, Fsm::kStay, discard},
    {InState::Answered, Event::Confirm, InState::Confirmed, forget_response},
    // A K: naming a command still executing, or a response whose "000" is awaited: kept.
    {Fsm::kAny, Event::Confirm, Fsm::kStay, nothing},
    {InState::AwaitingAck, Event::ResponseAck, InState::Answered, acked},
    {Fsm::kAny, Event::ResponseAck, Fsm::kStay, nothing}, // a "000" nothing awaited
    {InState::AwaitingAck, Event::AckTimer, Fsm::kStay, repeat_final, below_ceiling},
    {InState::AwaitingAck, Event::AckTimer, InState::Answered, nothing},
};
const TransactionLayer::IncomingMachine::Fsm TransactionLayer::IncomingMachine::kFsm{
    kStateNames, kEventNames, kRows};

struct TransactionLayer::OutgoingMachine {
  using OutState = Outgoing::State;
  enum class Event : uint8_t { Timer, ProvisionalRx };
  struct Ctx {
    uint32_t txid;
    Outgoing &o;
  };
  using L = TransactionLayer;
  using Fsm = core::Fsm<OutState, Event, void (*)(L &, Ctx &), bool (*)(L &, Ctx &)>;
  static constexpr auto kStateNames =
      name_table<OutState>({{OutState::Sent, "sent"}, {OutState::Provisional, "provisional"}});
  static constexpr auto kEventNames = name_table<Event>(
      {{Event::Timer, "retransmission timer"}, {Event::ProvisionalRx, "provisional response"}});
  static const Fsm::Row kRows[];
  static const Fsm kFsm;

  static int64_t elapsed(L &l, Ctx &c) { return l.sched_.now_ms() - c.o.first_sent; }
  static bool may_retransmit(L &l, Ctx &c) {
    return c.o.retransmissions < l.config_.max_retransmissions &&
           elapsed(l, c) < l.config_.get(TxTimer::TMax);
  }
  // §3.5.3: double T-DELAY, draw uniformly in [T-DELAY/2, T-DELAY], add N*ADEV, cap at RTO-MAX.
  static void retransmit(L &l, Ctx &c) {
    Outgoing &o = c.o;
    o.t_delay *= 2;
    std::uniform_int_distribution<int64_t> draw(o.t_delay / 2, o.t_delay);
    const PeerState &p = l.peer(o.to);
    auto dev = static_cast<int64_t>(std::lround(l.config_.rto_deviation_factor * p.adev));
    o.rto = std::min(draw(l.rng_) + dev, l.config_.get(TxTimer::RtoMax));
    ++o.retransmissions;
    l.counters_.inc(TxCounter::retransmissions);
    if (::mgc::log::enabled(::mgc::log::Category::Mgcp, ::mgc::log::Level::Debug)) {
      const std::string_view line = command_line(o.bytes);
      MGC_LOG(Mgcp, Debug, "%s: retransmission %u of %.*s (RTO %lld ms)",
              o.to.to_string().c_str(), o.retransmissions, int(line.size()), line.data(),
              static_cast<long long>(o.rto));
    }
    l.transport_.send(o.to, o.bytes);
    start_timer(l, c, o.rto);
  }
  // §3.5.6: after a provisional response, repeat at LONGTRAN-TIMER while within T-MAX, and
  // give up when no final response came within 2*T-HIST.
  static bool within_final_wait(L &l, Ctx &c) {
    return elapsed(l, c) < l.config_.get(TxTimer::FinalWait);
  }
  static void repeat_after_provisional(L &l, Ctx &c) {
    const int64_t e = elapsed(l, c);
    if (e < l.config_.get(TxTimer::TMax)) {
      l.transport_.send(c.o.to, c.o.bytes);
      ++c.o.retransmissions;
      l.counters_.inc(TxCounter::retransmissions);
    }
    start_timer(l, c,
                std::min(l.config_.get(TxTimer::LongTran), l.config_.get(TxTimer::FinalWait) - e));
  }
  static void give_up(L &l, Ctx &c) { l.give_up(c.txid); } // c.o is gone after this
  static void start_longtran(L &l, Ctx &c) {
    l.sched_.stop(c.o.timer);
    start_timer(l, c, l.config_.get(TxTimer::LongTran));
  }
  static void nothing(L &, Ctx &) {}
  static void start_timer(L &l, Ctx &c, int64_t ms) {
    c.o.timer = l.sched_.start(ms, [&l, txid = c.txid] { l.on_retransmit_timer(txid); });
  }

  static bool fire(L &l, uint32_t txid, Outgoing &o, Event ev) {
    Ctx c{txid, o};
    return kFsm.fire(
        o.state, nullptr, ev,
        [&](OutState from, OutState to, Event e) {
          MGC_LOG(Mgcp, Debug, "%s: transaction %u %s -> %s on %s", o.to.to_string().c_str(),
                  txid, kFsm.state_name(from), kFsm.state_name(to), kFsm.event_name(e));
        },
        l, c);
  }
};

// §3.5.3 and §3.5.6 for a command sent; its final response ends it (on_response).
const TransactionLayer::OutgoingMachine::Fsm::Row TransactionLayer::OutgoingMachine::kRows[] = {
    {OutState::Sent, Event::Timer, Fsm::kStay, retransmit, may_retransmit},
    {OutState::Sent, Event::Timer, Fsm::kStay, give_up},
    {OutState::Sent, Event::ProvisionalRx, OutState::Provisional, start_longtran},
    {OutState::Provisional, Event::Timer, Fsm::kStay, repeat_after_provisional, within_final_wait},
    {OutState::Provisional, Event::Timer, Fsm::kStay, give_up},
    {OutState::Provisional, Event::ProvisionalRx, Fsm::kStay, nothing},
};
const TransactionLayer::OutgoingMachine::Fsm TransactionLayer::OutgoingMachine::kFsm{
    kStateNames, kEventNames, kRows};

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
  it->second.timer = 0;
  OutgoingMachine::fire(*this, txid, it->second, OutgoingMachine::Event::Timer);
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
    if (it != incoming_.end())
      IncomingMachine::fire(*this, it->first, it->second, IncomingMachine::Event::ResponseAck);
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
    OutgoingMachine::fire(*this, m.transaction_id, o, OutgoingMachine::Event::ProvisionalRx);
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
  const bool provisional = o.state == Outgoing::State::Provisional;
  if (o.retransmissions == 0 && !provisional) {
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
  } else if (o.retransmissions > 0 && !provisional) {
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
      IncomingMachine::fire(*this, it->first, it->second, IncomingMachine::Event::Confirm);
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
    IncomingMachine::fire(*this, it->first, it->second, IncomingMachine::Event::Repeat);
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
  auto it = incoming_.find(IncomingKey{to, txid});
  if (it == incoming_.end())
    return;
  r.kind = Message::Kind::Response;
  r.transaction_id = txid;
  IncomingMachine::fire(*this, it->first, it->second,
                        is_provisional(r.code) ? IncomingMachine::Event::Provisional
                                               : IncomingMachine::Event::Final,
                        &r);
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
