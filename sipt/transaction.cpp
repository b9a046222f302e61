// RFC 3261 §17.1.1 (Figure 5), §17.1.2 (Figure 6), §17.2.1 (Figure 7), §17.2.2 (Figure 8), as
// amended by RFC 6026 §7 (Accepted state, Timers L and M, 2xx/ACK handling).
#include "sipt/transaction.h"

#include "core/log.h"
#include "sipt/syntax.h"

#include <algorithm>
#include <array>

namespace mgc::sipt {

namespace {
std::string first_value(const Message &m, HeaderId id) {
  std::string out;
  m.for_each_value(id, [&](std::string_view v) {
    if (out.empty())
      out = v;
  });
  return out;
}

TxEvent response_event(int code, bool receiving) {
  int cls = code / 100;
  if (receiving)
    return cls == 1 ? TxEvent::Recv1xx : cls == 2 ? TxEvent::Recv2xx : TxEvent::Recv3456xx;
  return cls == 1 ? TxEvent::Send1xx : cls == 2 ? TxEvent::Send2xx : TxEvent::Send3456xx;
}
} // namespace

std::string_view transport_name(TransportKind t) {
  switch (t) {
  case TransportKind::Udp:
    return "UDP";
  case TransportKind::Tcp:
    return "TCP";
  case TransportKind::Tls:
    return "TLS";
  }
  return "";
}

std::string_view tx_state_name(TxState s) { return name_of(kTxStateNames, s); }
std::string_view tx_event_name(TxEvent e) { return name_of(kTxEventNames, e); }

std::string client_key(const Message &m) {
  const Via &v = m.top_via();
  if (v.branch.empty())
    return {};
  std::string_view method = m.cseq().method;
  return std::string(v.branch) + "|" + std::string(method);
}

std::string server_key(const Message &m) {
  const Via &v = m.top_via();
  std::string_view method = m.method_text();
  if (m.method() == Method::ACK) // ACK matches the INVITE it acknowledges (§17.2.3)
    method = "INVITE";
  if (v.branch.substr(0, kMagicCookie.size()) != kMagicCookie) {
    // RFC 2543 peer (§17.2.3, last paragraphs): match on Request-URI, From tag, Call-ID, CSeq
    // number and top Via instead of the branch. The To tag is left out so that the ACK, which
    // carries the tag of our response, finds its INVITE.
    std::string k = "2543|" + std::string(m.request_uri_text()) + '|' +
                    std::string(m.from().tag()) + '|' + std::string(m.call_id()) + '|' +
                    std::to_string(m.cseq().number) + '|';
    for (char c : v.host)
      k += lower(c);
    k += ':' + std::to_string(v.has_port ? v.port : 0) + '|';
    k += method;
    return k;
  }
  std::string k(v.branch);
  k += '|';
  for (char c : v.host)
    k += lower(c);
  k += ':' + std::to_string(v.has_port ? v.port : 0) + '|';
  k += method;
  return k;
}

namespace {
// §9.1 CANCEL and §17.1.1.3 ACK for a non-2xx: the INVITE's Request-URI, top Via, From, Call-ID,
// CSeq number and Route rows, with the method's name in CSeq; To as given.
Message invite_sibling(Method method, const Message &inv, std::string_view to) {
  Message r;
  r.set_request_line(method_name(method), inv.request_uri_text());
  r.add(HeaderId::Via, std::string_view(first_value(inv, HeaderId::Via)));
  r.add(HeaderId::MaxForwards, "70");
  r.add(HeaderId::From, inv.first(HeaderId::From)->value);
  r.add(HeaderId::To, to);
  r.add(HeaderId::CallId, inv.call_id());
  r.add(HeaderId::CSeq, CSeq{inv.cseq().number, method_name(method)});
  for (const auto &h : inv.fields())
    if (h.id == HeaderId::Route && h.state != HeaderField::State::Removed)
      r.add(HeaderId::Route, h.value);
  r.add(HeaderId::ContentLength, "0");
  return r;
}
} // namespace

Message make_cancel(const Message &inv) {
  return invite_sibling(Method::CANCEL, inv, inv.first(HeaderId::To)->value);
}

// ---------------------------------------------------------------------------------------------
using S = TxState;
using E = TxEvent;
using L = TransactionLayer;

// §17.1.1.2 Figure 5 + RFC 6026 §7.2 (2xx: Accepted, Timer M).
const L::TxFsm::Row L::kClientInvite[] = {
    {S::Calling, E::TimerA, S::Calling, &L::a_retransmit_request},
    {S::Calling, E::TimerB, S::Terminated, &L::a_timeout},
    {S::Calling, E::Recv1xx, S::Proceeding, &L::a_provisional},
    {S::Calling, E::Recv2xx, S::Accepted, &L::a_client_accepted},
    {S::Calling, E::Recv3456xx, S::Completed, &L::a_client_final_invite},
    {S::Calling, E::TransportError, S::Terminated, &L::a_timeout},
    {S::Proceeding, E::Recv1xx, S::Proceeding, &L::a_pass_response},
    {S::Proceeding, E::Recv2xx, S::Accepted, &L::a_client_accepted},
    {S::Proceeding, E::Recv3456xx, S::Completed, &L::a_client_final_invite},
    {S::Proceeding, E::TransportError, S::Terminated, &L::a_timeout},
    {S::Accepted, E::Recv1xx, S::Accepted, &L::a_none},
    {S::Accepted, E::Recv2xx, S::Accepted, &L::a_pass_response},
    {S::Accepted, E::Recv3456xx, S::Accepted, &L::a_none},
    {S::Accepted, E::TimerM, S::Terminated, &L::a_terminate},
    {S::Completed, E::Recv1xx, S::Completed, &L::a_none},
    {S::Completed, E::Recv2xx, S::Completed, &L::a_none},
    {S::Completed, E::Recv3456xx, S::Completed, &L::a_resend_ack},
    {S::Completed, E::TimerD, S::Terminated, &L::a_terminate},
    {S::Completed, E::TransportError, S::Terminated, &L::a_terminate},
};

// §17.1.2.2 Figure 6.
const L::TxFsm::Row L::kClientNonInvite[] = {
    {S::Trying, E::TimerE, S::Trying, &L::a_retransmit_request},
    {S::Trying, E::TimerF, S::Terminated, &L::a_timeout},
    {S::Trying, E::Recv1xx, S::Proceeding, &L::a_pass_response},
    {S::Trying, E::Recv2xx, S::Completed, &L::a_client_final_noninvite},
    {S::Trying, E::Recv3456xx, S::Completed, &L::a_client_final_noninvite},
    {S::Trying, E::TransportError, S::Terminated, &L::a_timeout},
    {S::Proceeding, E::TimerE, S::Proceeding, &L::a_retransmit_request},
    {S::Proceeding, E::TimerF, S::Terminated, &L::a_timeout},
    {S::Proceeding, E::Recv1xx, S::Proceeding, &L::a_pass_response},
    {S::Proceeding, E::Recv2xx, S::Completed, &L::a_client_final_noninvite},
    {S::Proceeding, E::Recv3456xx, S::Completed, &L::a_client_final_noninvite},
    {S::Proceeding, E::TransportError, S::Terminated, &L::a_timeout},
    {S::Completed, E::Recv1xx, S::Completed, &L::a_none},
    {S::Completed, E::Recv2xx, S::Completed, &L::a_none},
    {S::Completed, E::Recv3456xx, S::Completed, &L::a_none},
    {S::Completed, E::TimerK, S::Terminated, &L::a_terminate},
};

// §17.2.1 Figure 7 + RFC 6026 §7.1 (2xx: Accepted, Timer L; ACK for 2xx goes to the TU).
const L::TxFsm::Row L::kServerInvite[] = {
    {S::Proceeding, E::Request, S::Proceeding, &L::a_retransmit_response},
    {S::Proceeding, E::Send1xx, S::Proceeding, &L::a_send_response},
    {S::Proceeding, E::Send2xx, S::Accepted, &L::a_server_accepted},
    {S::Proceeding, E::Send3456xx, S::Completed, &L::a_server_final_invite},
    {S::Proceeding, E::TransportError, S::Terminated, &L::a_timeout},
    {S::Accepted, E::Request, S::Accepted, &L::a_absorb},
    {S::Accepted, E::Send2xx, S::Accepted, &L::a_send_accepted},
    {S::Accepted, E::TimerL, S::Terminated, &L::a_terminate},
    {S::Completed, E::Request, S::Completed, &L::a_retransmit_response},
    {S::Completed, E::TimerG, S::Completed, &L::a_timer_g},
    {S::Completed, E::TimerH, S::Terminated, &L::a_timeout},
    {S::Completed, E::Ack, S::Confirmed, &L::a_server_confirmed},
    {S::Completed, E::TransportError, S::Terminated, &L::a_timeout},
    {S::Confirmed, E::Request, S::Confirmed, &L::a_absorb},
    {S::Confirmed, E::Ack, S::Confirmed, &L::a_absorb},
    {S::Confirmed, E::TimerI, S::Terminated, &L::a_terminate},
};

// §17.2.2 Figure 8.
const L::TxFsm::Row L::kServerNonInvite[] = {
    {S::Trying, E::Request, S::Trying, &L::a_absorb},
    {S::Trying, E::Send1xx, S::Proceeding, &L::a_send_response},
    {S::Trying, E::Send2xx, S::Completed, &L::a_server_final_noninvite},
    {S::Trying, E::Send3456xx, S::Completed, &L::a_server_final_noninvite},
    {S::Proceeding, E::Request, S::Proceeding, &L::a_retransmit_response},
    {S::Proceeding, E::Send1xx, S::Proceeding, &L::a_send_response},
    {S::Proceeding, E::Send2xx, S::Completed, &L::a_server_final_noninvite},
    {S::Proceeding, E::Send3456xx, S::Completed, &L::a_server_final_noninvite},
    {S::Proceeding, E::TransportError, S::Terminated, &L::a_timeout},
    {S::Completed, E::Request, S::Completed, &L::a_retransmit_response},
    {S::Completed, E::TimerJ, S::Terminated, &L::a_terminate},
    {S::Completed, E::TransportError, S::Terminated, &L::a_terminate},
};

const L::TxFsm L::kMachines[4] = {
    {kTxStateNames, kTxEventNames, kClientInvite},    // TxKind::ClientInvite
    {kTxStateNames, kTxEventNames, kClientNonInvite}, // TxKind::ClientNonInvite
    {kTxStateNames, kTxEventNames, kServerInvite},    // TxKind::ServerInvite
    {kTxStateNames, kTxEventNames, kServerNonInvite}, // TxKind::ServerNonInvite
};
static_assert(size_t(TxKind::ServerNonInvite) == 3);

// ---------------------------------------------------------------------------------------------
TransactionLayer::TransactionLayer(core::Scheduler &timers, SendFn send, TransactionUser &tu,
                                   TimerValues values)
    : timers_(timers), send_(std::move(send)), tu_(tu), tv_(values) {}

TransactionLayer::~TransactionLayer() {
  for (auto &[k, tx] : txs_)
    stop_timers(*tx);
}

// "client z9hG4bK1|INVITE Call-ID abc@h": what names a transaction (its key: branch and method,
// RFC 3261 §17.1.3 / §17.2.3) and its call in the log. A server transaction that sent its final
// response no longer holds the request (release_request): then the key alone.
std::string TransactionLayer::describe(const Transaction &tx) {
  const bool client = tx.kind_ == TxKind::ClientInvite || tx.kind_ == TxKind::ClientNonInvite;
  std::string s = std::string(client ? "client " : "server ") + tx.key_;
  if (tx.request_msg_)
    s += " Call-ID " + std::string(tx.request_msg_->call_id());
  return s;
}

Transaction *TransactionLayer::find(uint64_t id) {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

void TransactionLayer::fire(Transaction &tx, TxEvent ev, const Message *m) {
  const TxFsm &fsm = kMachines[size_t(tx.kind_)];
  const bool ran = fsm.fire(
      tx.state_, nullptr, ev,
      [&](TxState from, TxState to, TxEvent e) {
        MGC_LOG(Sip, Debug, "transaction %s: %s -> %s on %s", describe(tx).c_str(),
                fsm.state_name(from), fsm.state_name(to), fsm.event_name(e));
      },
      *this, tx, m);
  if (!ran) {
    // No row: counted and logged with state and event, never silently dropped (STYLE.md
    // practice 8). Info: a retransmission crossing a state change lands here in normal
    // operation.
    counters_.inc(SipTxCounter::unexpected_events);
    MGC_LOG(Sip, Info, "transaction %s: no transition for %s in %s", describe(tx).c_str(),
            fsm.event_name(ev), fsm.state_name(tx.state_));
    return;
  }
  if (tx.state_ == TxState::Terminated)
    terminate(tx);
}

// Each timer has its slot in the transaction: the retransmission timers (A, E, G), the ones that
// bound the wait for an answer (B, F, H), and the one that keeps a finished transaction around
// (D, I, J, K, L, M).
core::Scheduler::Id &TransactionLayer::slot(Transaction &tx, TxEvent ev) {
  switch (ev) {
  case TxEvent::TimerA:
  case TxEvent::TimerE:
  case TxEvent::TimerG:
    return tx.retransmit_;
  case TxEvent::TimerB:
  case TxEvent::TimerF:
  case TxEvent::TimerH:
    return tx.timeout_;
  default:
    return tx.linger_;
  }
}

void TransactionLayer::start_timer(Transaction &tx, uint32_t ms, TxEvent ev) {
  core::Scheduler::Id &s = slot(tx, ev);
  if (s)
    timers_.stop(s);
  // The transaction's id and the event in one word: with `this`, the closure fits in
  // std::function's own storage, so starting a timer allocates nothing (a busy gateway has a
  // Timer L running for every call set up in the last 32 s). The destructor stops every timer.
  const uint64_t tag = tx.id_ << 8 | static_cast<uint8_t>(ev);
  s = timers_.start(ms, [this, tag] {
    Transaction *t = find(tag >> 8);
    if (!t)
      return;
    const auto e = static_cast<TxEvent>(tag & 0xff);
    slot(*t, e) = 0;
    fire(*t, e, nullptr);
  });
}

void TransactionLayer::stop_timers(Transaction &tx) {
  for (core::Scheduler::Id *t : {&tx.retransmit_, &tx.timeout_, &tx.linger_})
    if (*t) {
      timers_.stop(*t);
      *t = 0;
    }
}

void TransactionLayer::terminate(Transaction &tx) {
  stop_timers(tx);
  counters_.inc(SipTxCounter::terminated);
  tu_.on_terminated(tx);
  by_id_.erase(tx.id_);
  txs_.erase(txs_.find(tx.key_)); // tx is gone after this line
}

bool TransactionLayer::send(Transaction &tx, std::string_view bytes) {
  if (send_(bytes, tx.peer_))
    return true;
  counters_.inc(SipTxCounter::transport_errors);
  MGC_LOG(Sip, Notice, "transaction %s: transport error sending to %s:%u", describe(tx).c_str(),
          tx.peer_.host.c_str(), unsigned(tx.peer_.port));
  return false;
}

std::string TransactionLayer::make_ack(const Transaction &tx, const Message &resp) const {
  // §17.1.1.3: To of the response (with its tag), the rest from the request.
  return invite_sibling(Method::ACK, *tx.request_msg_, resp.first(HeaderId::To)->value)
      .serialize();
}

// --- actions ---------------------------------------------------------------------------------
void TransactionLayer::a_none(Transaction &, const Message *) {}

void TransactionLayer::a_absorb(Transaction &, const Message *) {
  counters_.inc(SipTxCounter::absorbed_requests);
}

void TransactionLayer::a_retransmit_request(Transaction &tx, const Message *) {
  counters_.inc(SipTxCounter::retransmissions);
  send(tx, tx.request_bytes_);
  if (tx.kind_ == TxKind::ClientInvite) {
    tx.interval_ *= 2; // Timer A doubles (§17.1.1.2)
    start_timer(tx, tx.interval_, TxEvent::TimerA);
  } else {
    // Timer E: doubling up to T2 in Trying, T2 in Proceeding (§17.1.2.2)
    tx.interval_ = tx.state_ == TxState::Proceeding ? tv_.t2 : std::min(tx.interval_ * 2, tv_.t2);
    start_timer(tx, tx.interval_, TxEvent::TimerE);
  }
}

void TransactionLayer::a_retransmit_response(Transaction &tx, const Message *) {
  if (tx.last_response_.empty()) {
    counters_.inc(SipTxCounter::absorbed_requests);
    return;
  }
  counters_.inc(SipTxCounter::retransmissions);
  send(tx, tx.last_response_);
}

void TransactionLayer::a_timer_g(Transaction &tx, const Message *m) {
  a_retransmit_response(tx, m);
  tx.interval_ = std::min(tx.interval_ * 2, tv_.t2); // §17.2.1
  start_timer(tx, tx.interval_, TxEvent::TimerG);
}

void TransactionLayer::a_pass_response(Transaction &tx, const Message *m) {
  if (m) {
    tx.last_status_ = m->status_code();
    tu_.on_response(tx, *m);
  }
}

void TransactionLayer::a_provisional(Transaction &tx, const Message *m) {
  // Proceeding: no more retransmissions; Timer B only guards Calling (§17.1.1.2).
  stop_timers(tx);
  a_pass_response(tx, m);
}

void TransactionLayer::a_client_accepted(Transaction &tx, const Message *m) {
  stop_timers(tx);
  start_timer(tx, 64 * tv_.t1, TxEvent::TimerM); // RFC 6026 §7.2
  a_pass_response(tx, m);
}

void TransactionLayer::a_client_final_invite(Transaction &tx, const Message *m) {
  stop_timers(tx);
  tx.last_response_ = make_ack(tx, *m);
  send(tx, tx.last_response_);
  // Timer D: at least 32 s on unreliable transports, 0 on reliable (§17.1.1.2).
  start_timer(tx, tx.peer_.reliable() ? 0 : std::max<uint32_t>(32000, 64 * tv_.t1),
              TxEvent::TimerD);
  a_pass_response(tx, m);
}

void TransactionLayer::a_resend_ack(Transaction &tx, const Message *) {
  counters_.inc(SipTxCounter::retransmissions);
  send(tx, tx.last_response_);
}

void TransactionLayer::a_client_final_noninvite(Transaction &tx, const Message *m) {
  stop_timers(tx);
  start_timer(tx, tx.peer_.reliable() ? 0 : tv_.t4, TxEvent::TimerK);
  a_pass_response(tx, m);
}

void TransactionLayer::a_timeout(Transaction &tx, const Message *) {
  counters_.inc(SipTxCounter::timeouts);
  const TxEvent timer = tx.kind_ == TxKind::ClientInvite      ? TxEvent::TimerB
                        : tx.kind_ == TxKind::ClientNonInvite ? TxEvent::TimerF
                                                              : TxEvent::TimerH;
  // §17.1.1.2 / §17.1.2.2: no response (B, F); §17.2.1: no ACK for our final response (H).
  MGC_LOG(Sip, Notice, "transaction %s with %s:%u: %s expired, %s", describe(tx).c_str(),
          tx.peer_.host.c_str(), unsigned(tx.peer_.port), std::string(tx_event_name(timer)).c_str(),
          timer == TxEvent::TimerH ? "no ACK" : "no response");
  tu_.on_timeout(tx, timer);
}

void TransactionLayer::a_terminate(Transaction &, const Message *) {}

void TransactionLayer::a_send_response(Transaction &tx, const Message *m) {
  tx.last_response_ = m->serialize();
  tx.last_status_ = m->status_code();
  send(tx, tx.last_response_);
}

const Message &Transaction::request() const {
  static const Message kReleased;
  return request_msg_ ? *request_msg_ : kReleased;
}

void TransactionLayer::release_request(Transaction &tx) {
  tx.request_msg_.reset();
  std::string().swap(tx.request_bytes_);
}

// RFC 6026 §7.1: in Accepted the transaction only absorbs repeated INVITEs; the TU retransmits
// its 2xx itself until the ACK (RFC 3261 §13.3.1.4), each copy passing through here afresh. So
// nothing is kept for Timer L's 32 s but the transaction's key and status: a held call does not
// carry its 2xx (SDP, ISUP body) in the transaction layer.
void TransactionLayer::a_send_accepted(Transaction &tx, const Message *m) {
  tx.last_status_ = m->status_code();
  send(tx, m->serialize());
}

void TransactionLayer::a_server_accepted(Transaction &tx, const Message *m) {
  a_send_accepted(tx, m);
  std::string().swap(tx.last_response_); // a provisional kept from Proceeding
  release_request(tx);
  start_timer(tx, 64 * tv_.t1, TxEvent::TimerL); // RFC 6026 §7.1
}

void TransactionLayer::a_server_final_invite(Transaction &tx, const Message *m) {
  a_send_response(tx, m);
  release_request(tx);
  if (!tx.peer_.reliable()) {
    tx.interval_ = tv_.t1;
    start_timer(tx, tx.interval_, TxEvent::TimerG);
  }
  start_timer(tx, 64 * tv_.t1, TxEvent::TimerH);
}

void TransactionLayer::a_server_confirmed(Transaction &tx, const Message *) {
  stop_timers(tx);
  start_timer(tx, tx.peer_.reliable() ? 0 : tv_.t4, TxEvent::TimerI);
}

void TransactionLayer::a_server_final_noninvite(Transaction &tx, const Message *m) {
  a_send_response(tx, m);
  release_request(tx);
  start_timer(tx, tx.peer_.reliable() ? 0 : 64 * tv_.t1, TxEvent::TimerJ);
}

void TransactionLayer::a_start_client(Transaction &, const Message *) {}

// --- entry points ----------------------------------------------------------------------------
Transaction *TransactionLayer::send_request(const Message &req, const Peer &to) {
  auto tx = std::make_unique<Transaction>();
  tx->request_bytes_ = req.serialize();
  tx->request_msg_ = std::make_unique<Message>();
  if (!parse(tx->request_bytes_, ParseOptions{}, *tx->request_msg_).ok())
    return nullptr;
  tx->key_ = client_key(*tx->request_msg_);
  if (tx->key_.empty() || txs_.count(tx->key_))
    return nullptr;
  bool invite = tx->request_msg_->method() == Method::INVITE;
  tx->kind_ = invite ? TxKind::ClientInvite : TxKind::ClientNonInvite;
  tx->state_ = invite ? TxState::Calling : TxState::Trying;
  tx->peer_ = to;
  tx->id_ = ++next_id_;
  Transaction *t = tx.get();
  if (!send(*t, t->request_bytes_))
    return nullptr;
  txs_.emplace(t->key_, std::move(tx));
  by_id_[t->id_] = t;
  counters_.inc(SipTxCounter::client_created);
  // Timers A/E retransmit on unreliable transports only; B/F bound the wait (64*T1).
  if (!to.reliable()) {
    t->interval_ = tv_.t1;
    start_timer(*t, tv_.t1, invite ? TxEvent::TimerA : TxEvent::TimerE);
  }
  start_timer(*t, 64 * tv_.t1, invite ? TxEvent::TimerB : TxEvent::TimerF);
  return t;
}

bool TransactionLayer::respond(Transaction &tx, const Message &resp) {
  if (tx.kind_ != TxKind::ServerInvite && tx.kind_ != TxKind::ServerNonInvite)
    return false;
  TxState before = tx.state_;
  uint64_t before_unexpected = counters_.get(SipTxCounter::unexpected_events);
  fire(tx, response_event(resp.status_code(), false), &resp);
  (void)before;
  return counters_.get(SipTxCounter::unexpected_events) == before_unexpected;
}

bool TransactionLayer::send_stateless(const Message &m, const Peer &to) {
  return send_(m.serialize(), to);
}

Transaction *TransactionLayer::find_invite_for_cancel(const Message &cancel) {
  std::string k = server_key(cancel);
  std::size_t bar = k.rfind('|');
  if (bar == std::string::npos)
    return nullptr;
  k = k.substr(0, bar + 1) + "INVITE";
  auto it = txs_.find("S|" + k);
  return it == txs_.end() ? nullptr : it->second.get();
}

bool TransactionLayer::receive(const Message &m, const Peer &from) {
  if (m.is_response()) {
    auto it = txs_.find(client_key(m));
    if (it == txs_.end()) {
      counters_.inc(SipTxCounter::stray_responses);
      return false;
    }
    fire(*it->second, response_event(m.status_code(), true), &m);
    return true;
  }
  std::string key = "S|" + server_key(m);
  auto it = txs_.find(key);
  if (m.method() == Method::ACK) {
    if (it != txs_.end() && it->second->kind_ == TxKind::ServerInvite &&
        it->second->state_ != TxState::Accepted) {
      fire(*it->second, TxEvent::Ack, &m);
    } else {
      counters_.inc(SipTxCounter::acks_to_tu); // ACK for a 2xx: the TU's (RFC 6026 §7.1)
      tu_.on_request(nullptr, m, from);
    }
    return true;
  }
  if (it != txs_.end()) {
    fire(*it->second, TxEvent::Request, &m);
    return true;
  }
  auto tx = std::make_unique<Transaction>();
  bool invite = m.method() == Method::INVITE;
  tx->kind_ = invite ? TxKind::ServerInvite : TxKind::ServerNonInvite;
  tx->state_ = invite ? TxState::Proceeding : TxState::Trying;
  tx->request_bytes_ = m.modified() ? m.serialize() : std::string(m.bytes());
  tx->request_msg_ = std::make_unique<Message>();
  if (!parse(tx->request_bytes_, ParseOptions{}, *tx->request_msg_).ok())
    return false;
  tx->peer_ = from;
  tx->key_ = std::move(key);
  tx->id_ = ++next_id_;
  Transaction *t = tx.get();
  txs_.emplace(t->key_, std::move(tx));
  by_id_[t->id_] = t;
  counters_.inc(SipTxCounter::server_created);
  if (invite) {
    // §17.2.1: a 100 Trying at once, so the client stops retransmitting.
    Message trying = make_response(*t->request_msg_, 100, "Trying");
    t->last_response_ = trying.serialize();
    send(*t, t->last_response_);
  }
  tu_.on_request(t, *t->request_msg_, from);
  return true;
}

} // namespace mgc::sipt
