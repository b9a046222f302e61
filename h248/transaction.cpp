// H.248.1 clause 8 / Annex D.1 transaction handling (see transaction.h).
#include "h248/transaction.h"

#include "core/fsm.h"
#include "core/log.h"
#include "h248/errors.h"

namespace mgc::h248 {

using C = H248TxCounter;

namespace {
bool is_root_service_change(const Transaction &t) {
  for (const auto &a : t.actions)
    for (const auto &c : a.commands)
      if (c.type == CommandType::ServiceChange && !c.terminations.empty() &&
          c.terminations[0].is_root())
        return true;
  return false;
}
} // namespace

struct TransactionLayer::Outgoing {
  Address peer;
  Message msg;
  Done done;
  int64_t first_sent = 0;
  int64_t interval = 0;
  uint32_t pendings = 0;
  // Annex D.1.5: repeated with a doubling interval until T-MAX; Annex D.1.4: after a
  // TransactionPending, no more repeats, the reply awaited for the pending (long) timer.
  enum class State : uint8_t { Sent, Pending };
  State state = State::Sent;
  Scheduler::Id timer = 0;
};

struct TransactionLayer::CachedReply {
  Transaction request; // to tell a repeat from a new request reusing the id (peer restarted)
  Message msg;
  Scheduler::Id expiry = 0;
};

TransactionLayer::TransactionLayer(Scheduler &sched, Transport &transport, Listener &listener,
                                   TransactionConfig config)
    : sched_(sched), transport_(transport), listener_(listener), config_(std::move(config)) {}

TransactionLayer::~TransactionLayer() {
  for (auto &[id, o] : outgoing_)
    sched_.stop(o->timer);
  for (auto &[k, r] : replies_)
    sched_.stop(r->expiry);
}

PeerCodec TransactionLayer::peer_codec(const Address &peer) const {
  auto it = codecs_.find(peer);
  return it == codecs_.end() ? PeerCodec{} : it->second;
}

bool TransactionLayer::send_message(const Address &to, const Message &m) {
  PeerCodec pc = peer_codec(to);
  Status st;
  Message copy_header; // encode with the peer's version
  const Message *out = &m;
  if (m.version != pc.version) {
    copy_header = m;
    copy_header.version = pc.version;
    out = &copy_header;
  }
  if (pc.binary) {
    std::vector<uint8_t> bin;
    st = encode_binary(*out, bin, &encode_counters_);
    if (st.ok())
      st = transport_.send(to, bin);
  } else {
    std::string text;
    st = encode_text(*out, text, config_.text, &encode_counters_);
    if (st.ok())
      st = transport_.send(to, std::span(reinterpret_cast<const uint8_t *>(text.data()), text.size()));
  }
  if (!st.ok())
    counters_.inc(C::send_failures);
  return st.ok();
}

uint32_t TransactionLayer::request(const Address &to, std::vector<Action> actions, Done done) {
  uint32_t id = next_id_++;
  if (next_id_ == 0)
    next_id_ = 1;
  auto o = std::make_unique<Outgoing>();
  o->peer = to;
  o->msg.version = peer_codec(to).version;
  o->msg.mid = config_.own_mid;
  Transaction &t = o->msg.transactions.emplace_back();
  t.kind = TransactionKind::Request;
  t.id = id;
  t.actions = std::move(actions);
  o->done = std::move(done);
  o->first_sent = sched_.now_ms();
  o->interval = config_.initial_retransmit_ms;
  Outgoing *raw = o.get();
  outgoing_.emplace(id, std::move(o));
  counters_.inc(C::requests_sent);
  if (!send_message(to, raw->msg)) {
    finish(id, Status("h248.send_failed", error::kInternalFailure), nullptr);
    return id;
  }
  arm_retransmit(id, raw->interval);
  return id;
}

namespace {
// "ctx 5: Add tdm/3, Add rtp/$": what a request is about, for its log lines (clause 6.1
// contexts, 7.2 commands on terminations).
std::string summary(const std::vector<Action> &actions) {
  static constexpr std::string_view kNames[] = {"Add",    "Modify",       "Subtract",
                                                "Move",   "AuditValue",   "AuditCapabilities",
                                                "Notify", "ServiceChange"};
  std::string s;
  for (const auto &a : actions) {
    if (!s.empty())
      s += "; ";
    s += a.context == kNullContext     ? "ctx -"
         : a.context == kChooseContext ? "ctx $"
                                       : "ctx " + std::to_string(a.context);
    const char *sep = ": ";
    for (const auto &c : a.commands) {
      s += sep;
      s += kNames[std::size_t(c.type) < std::size(kNames) ? std::size_t(c.type) : 0];
      for (const auto &t : c.terminations)
        s += " " + t.text;
      sep = ", ";
    }
  }
  return s;
}
} // namespace

void TransactionLayer::cancel(uint32_t id) {
  auto it = outgoing_.find(id);
  if (it == outgoing_.end())
    return;
  sched_.stop(it->second->timer);
  outgoing_.erase(it);
}

void TransactionLayer::arm_retransmit(uint32_t id, int64_t delay) {
  auto it = outgoing_.find(id);
  if (it == outgoing_.end())
    return;
  sched_.stop(it->second->timer);
  it->second->timer = sched_.start(delay, [this, id] { on_retransmit(id); });
}

struct TransactionLayer::OutgoingMachine {
  using State = Outgoing::State;
  enum class Event : uint8_t { Timer, PendingRx };
  struct Ctx {
    uint32_t id;
    Outgoing &o;
  };
  using L = TransactionLayer;
  using Fsm = core::Fsm<State, Event, void (*)(L &, Ctx &), bool (*)(L &, Ctx &)>;
  static constexpr auto kStateNames =
      name_table<State>({{State::Sent, "sent"}, {State::Pending, "pending"}});
  static constexpr auto kEventNames = name_table<Event>(
      {{Event::Timer, "repetition timer"}, {Event::PendingRx, "TransactionPending"}});
  static const Fsm::Row kRows[];
  static const Fsm kFsm;

  static int64_t elapsed(L &l, Ctx &c) { return l.sched_.now_ms() - c.o.first_sent; }
  // D.1.5: check T-MAX before every repetition.
  static bool within_t_max(L &l, Ctx &c) { return elapsed(l, c) < l.config_.t_max_ms; }
  static void repeat(L &l, Ctx &c) {
    Outgoing &o = c.o;
    l.counters_.inc(C::retransmissions);
    MGC_LOG(H248, Debug, "%s: transaction %u repeated (interval %lld ms)",
            o.peer.to_string().c_str(), c.id, static_cast<long long>(o.interval));
    l.send_message(o.peer, o.msg);
    o.interval = std::min(o.interval * 2, l.config_.max_retransmit_ms);
    const int64_t left = l.config_.t_max_ms - elapsed(l, c);
    l.arm_retransmit(c.id, std::min(o.interval, left));
  }
  static void give_up(L &l, Ctx &c) {
    const Outgoing &o = c.o;
    l.counters_.inc(C::request_timeouts);
    MGC_LOG(H248, Notice, "%s: transaction %u (%s): no reply within %lld ms%s, given up",
            o.peer.to_string().c_str(), c.id,
            o.msg.transactions.empty() ? "" : summary(o.msg.transactions[0].actions).c_str(),
            static_cast<long long>(elapsed(l, c)),
            o.state == State::Pending ? " after Pending (LONG-TIMER)" : " (T-MAX, Annex D.1.5)");
    l.finish(c.id, Status("h248.timeout", error::kServiceUnavailable), nullptr); // c.o is gone
  }
  static bool pendings_left(L &l, Ctx &c) { return c.o.pendings < l.config_.max_pendings; }
  // D.1.4: stop repeating; wait the long (pending) timer for the final reply.
  static void wait_reply(L &l, Ctx &c) {
    ++c.o.pendings;
    l.arm_retransmit(c.id, l.config_.pending_timer_ms);
  }
  // H.248.8 error 506: more TransactionPendings than the configured limit.
  static void too_many_pendings(L &l, Ctx &c) {
    l.counters_.inc(C::too_many_pendings);
    l.finish(c.id, Status("h248.too_many_pendings", error::kTooManyPendings), nullptr);
  }

  static bool fire(L &l, uint32_t id, Outgoing &o, Event ev) {
    Ctx c{id, o};
    return kFsm.fire(
        o.state, nullptr, ev,
        [&](State from, State to, Event e) {
          MGC_LOG(H248, Debug, "%s: transaction %u %s -> %s on %s", o.peer.to_string().c_str(),
                  id, kFsm.state_name(from), kFsm.state_name(to), kFsm.event_name(e));
        },
        l, c);
  }
};

const TransactionLayer::OutgoingMachine::Fsm::Row TransactionLayer::OutgoingMachine::kRows[] = {
    {State::Sent, Event::Timer, Fsm::kStay, repeat, within_t_max},
    {State::Sent, Event::Timer, Fsm::kStay, give_up},
    {State::Pending, Event::Timer, Fsm::kStay, give_up}, // the pending timer ran out
    {{State::Sent, State::Pending}, Event::PendingRx, State::Pending, wait_reply, pendings_left},
    {{State::Sent, State::Pending}, Event::PendingRx, Fsm::kStay, too_many_pendings},
};
const TransactionLayer::OutgoingMachine::Fsm TransactionLayer::OutgoingMachine::kFsm{
    kStateNames, kEventNames, kRows};

void TransactionLayer::on_retransmit(uint32_t id) {
  auto it = outgoing_.find(id);
  if (it == outgoing_.end())
    return;
  it->second->timer = 0;
  OutgoingMachine::fire(*this, id, *it->second, OutgoingMachine::Event::Timer);
}

void TransactionLayer::finish(uint32_t id, const Status &st, const Transaction *reply) {
  auto it = outgoing_.find(id);
  if (it == outgoing_.end())
    return;
  auto o = std::move(it->second);
  outgoing_.erase(it);
  sched_.stop(o->timer);
  if (o->done)
    o->done(st, reply);
}

void TransactionLayer::receive(const Address &from, std::span<const uint8_t> bytes) {
  Message msg;
  Status st;
  bool binary = !bytes.empty() && bytes[0] == 0x30; // BER SEQUENCE; text starts "MEGACO/" or "!/"
  if (binary)
    st = decode_binary(bytes, msg, &decode_counters_);
  else
    st = decode_text({reinterpret_cast<const char *>(bytes.data()), bytes.size()}, msg,
                     &decode_counters_);
  if (msg.version >= 1 && msg.version <= 3) {
    PeerCodec pc{binary, msg.version};
    auto it = codecs_.find(from);
    if (it == codecs_.end() || it->second.binary != pc.binary ||
        it->second.version != pc.version) {
      codecs_[from] = pc;
      listener_.on_peer_codec(from, pc);
    }
  }
  if (!st.ok()) {
    // Clause 8.2.2: answer in the protocol's own terms; complete transactions before the bad
    // one are still handled.
    counters_.inc(C::undecodable);
    Message partial = msg;
    if (!partial.transactions.empty())
      partial.transactions.pop_back();
    for (const auto &t : partial.transactions)
      if (t.kind == TransactionKind::Request)
        handle_request(from, msg, t);
    Message answer = error_reply(msg, st, config_.own_mid);
    // Never answer an undecodable reply/ack with an error about it (no error loops).
    if (msg.transactions.empty() || msg.transactions.back().kind == TransactionKind::Request) {
      counters_.inc(C::error_answers_sent);
      send_message(from, answer);
    }
    return;
  }
  for (const auto &t : msg.transactions) {
    switch (t.kind) {
    case TransactionKind::Request:
      handle_request(from, msg, t);
      break;
    case TransactionKind::Reply:
      handle_reply(from, t);
      break;
    case TransactionKind::Pending:
      handle_pending(t);
      break;
    case TransactionKind::ResponseAck:
      handle_ack(from, t);
      break;
    }
  }
}

void TransactionLayer::handle_request(const Address &from, const Message &msg,
                                      const Transaction &t) {
  auto key = std::make_pair(from, t.id);
  auto it = replies_.find(key);
  if (it != replies_.end()) {
    if (it->second->request == t && !is_root_service_change(t)) {
      // D.1.1 at-most-once: a repeat gets the same reply again, without re-execution.
      counters_.inc(C::duplicate_requests);
      send_message(from, it->second->msg);
      return;
    }
    // Same id, different request, or a ServiceChange on ROOT: the peer restarted and its
    // transaction ids with it (clause 11.4; OTP's megaco starts again at 1). Registration is
    // idempotent, so a real repeat of it being executed again does no harm.
    sched_.stop(it->second->expiry);
    replies_.erase(it);
  }
  counters_.inc(C::requests_received);
  auto cached = std::make_unique<CachedReply>();
  cached->request = t;
  cached->msg.version = msg.version;
  cached->msg.mid = config_.own_mid;
  Transaction &reply = cached->msg.transactions.emplace_back();
  reply.kind = TransactionKind::Reply;
  reply.id = t.id;
  listener_.on_request(from, msg, t, reply);
  if (reply.actions.empty() && !reply.error)
    reply.error = ErrorDescriptor{error::kProtocolError, std::string(error_text(error::kProtocolError))};
  send_message(from, cached->msg);
  CachedReply *raw = cached.get();
  auto ins = replies_.emplace(key, std::move(cached));
  (void)ins;
  raw->expiry = sched_.start(config_.long_timer_ms, [this, key] { replies_.erase(key); });
}

void TransactionLayer::handle_reply(const Address &from, const Transaction &t) {
  counters_.inc(C::replies_received);
  auto it = outgoing_.find(t.id);
  bool had_pending = it != outgoing_.end() && it->second->state == Outgoing::State::Pending;
  // D.1.4: a final reply after provisional ones, or one asking for it, is acknowledged at once.
  if (t.imm_ack_required || had_pending)
    send_ack(from, t.id);
  if (it == outgoing_.end()) {
    counters_.inc(C::unexpected_replies); // a repeat of a reply already handled, or a stranger
    return;
  }
  finish(t.id, Status::Ok(), &t);
}

void TransactionLayer::handle_pending(const Transaction &t) {
  counters_.inc(C::pendings_received);
  auto it = outgoing_.find(t.id);
  if (it == outgoing_.end())
    return; // D.1.4: a Pending after the reply is ignored
  OutgoingMachine::fire(*this, t.id, *it->second, OutgoingMachine::Event::PendingRx);
}

void TransactionLayer::handle_ack(const Address &from, const Transaction &t) {
  counters_.inc(C::acks_received);
  for (const auto &a : t.acks)
    for (auto it = replies_.lower_bound({from, a.first});
         it != replies_.end() && it->first.first == from && it->first.second <= a.last;) {
      sched_.stop(it->second->expiry);
      it = replies_.erase(it);
    }
}

void TransactionLayer::send_ack(const Address &to, uint32_t id) {
  Message m;
  m.version = peer_codec(to).version;
  m.mid = config_.own_mid;
  Transaction &t = m.transactions.emplace_back();
  t.kind = TransactionKind::ResponseAck;
  t.id = id;
  t.acks.push_back({id, id});
  counters_.inc(C::acks_sent);
  send_message(to, m);
}

} // namespace mgc::h248
