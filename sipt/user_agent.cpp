// RFC 3261 §8.2 / §12-§15 UA core, RFC 3262 (100rel, PRACK), RFC 3311 (UPDATE), RFC 6086
// (INFO), RFC 3326 (Reason), RFC 6026 (2xx and ACK handled by the UA core).
#include "sipt/user_agent.h"

#include "core/log.h"
#include "sipt/fields.h"
#include "sipt/random.h"
#include "sipt/syntax.h"

#include <algorithm>
#include <cstdlib>

namespace mgc::sipt {

namespace {
// clear() keeps the capacity: a string that is done with for the rest of a long call lets go of
// its memory instead.
void release(std::string &s) { std::string().swap(s); }

std::string allow_value(const UasPolicy &p) {
  std::string s;
  for (Method m : p.allowed) {
    if (!s.empty())
      s += ", ";
    s += method_name(m);
  }
  return s;
}
} // namespace

UserAgent::UserAgent(core::Scheduler &timers, TransactionLayer::SendFn send, CallEvents &events,
                     UaConfig cfg)
    : timers_(timers), send_(send), events_(events), cfg_(std::move(cfg)),
      layer_(timers, send, *this, cfg_.timers) {}

UserAgent::~UserAgent() {
  for (auto &[id, c] : calls_) {
    if (const Call::Setup *s = c->setup_.get())
      for (auto t : {s->retransmit_timer, s->giveup_timer, s->rel_timer, s->rel_giveup})
        if (t)
          timers_.stop(t);
    session_stop(*c);
  }
}

namespace {
// host in a URI or Via: an IPv6 address as an IPv6reference in brackets (RFC 3261 §19.1.1,
// §25.1; RFC 5118 §4.1).
std::string host_reference(const std::string &host) {
  if (host.find(':') == std::string::npos || (!host.empty() && host.front() == '['))
    return host;
  return "[" + host + "]";
}
} // namespace

std::pair<std::string, uint16_t> UserAgent::local_toward(const Peer *toward) const {
  if (toward && cfg_.local_for)
    if (auto a = cfg_.local_for(*toward))
      return {host_reference(a->host()), a->port};
  return {host_reference(cfg_.contact_host), cfg_.contact_port};
}

std::string UserAgent::contact_uri(const Peer *toward) const {
  const auto [host, port] = local_toward(toward);
  std::string s = "sip:" + host + ":" + std::to_string(port);
  // §19.1.1: a Contact reached over TCP or TLS says so; UDP is the default.
  const TransportKind t = toward ? toward->transport : cfg_.transport;
  if (t == TransportKind::Tcp)
    s += ";transport=tcp";
  else if (t == TransportKind::Tls)
    s += ";transport=tls";
  return s;
}

std::string UserAgent::via(const Peer *toward) const {
  // §8.1.1.7 a fresh branch; RFC 3581 §3 rport asks for the response at the source port.
  const std::string params = ";branch=" + new_branch() + ";rport";
  const auto [host, port] = local_toward(toward);
  Via v;
  v.protocol = "SIP";
  v.version = "2.0";
  // §18.1.1: the Via names the transport the request goes out on, the peer's, not a default.
  v.transport = transport_name(toward ? toward->transport : cfg_.transport);
  v.host = host;
  v.port = port;
  v.has_port = true;
  v.params = params;
  return to_text(v);
}

Call *UserAgent::call_by_id(uint64_t id) {
  auto it = calls_.find(id);
  return it == calls_.end() ? nullptr : it->second.get();
}

Call *UserAgent::find_call(const Message &m) {
  // Several calls may share a Call-ID (a call that loops back through us): the tags decide, and
  // the oldest matching call wins, as a scan in call order would find it.
  Call *found = nullptr;
  const auto [first, last] = by_call_id_.equal_range(std::hash<std::string_view>{}(m.call_id()));
  for (auto it = first; it != last; ++it) {
    Call *c = it->second;
    if (c->state_ == Call::State::Terminated || !c->have_dialog_ ||
        !c->dialog_.matches(m, !c->uas_))
      continue;
    if (!found || c->id_ < found->id_)
      found = c;
  }
  return found;
}

void UserAgent::index(Call &c) {
  if (c.indexed_)
    return;
  c.indexed_ = true;
  by_call_id_.emplace(std::hash<std::string_view>{}(c.dialog_.call_id()), &c);
}

void UserAgent::terminate(Call &c) {
  if (c.state_ == Call::State::Terminated)
    return;
  c.state_ = Call::State::Terminated;
  c.dialog_.state = Dialog::State::Terminated;
  terminated_.push_back(c.id_);
  // §15.1.2: requests of the dialog still unanswered get 487, so that their server
  // transactions end (a re-INVITE left in Proceeding outlived its call, issue 14).
  for (uint64_t *pending : {&c.reinvite_tx_, &c.update_tx_}) {
    if (Transaction *tx = *pending ? layer_.find(*pending) : nullptr;
        tx && tx->state() != TxState::Completed && tx->state() != TxState::Accepted &&
        tx->state() != TxState::Confirmed && tx->state() != TxState::Terminated) {
      counters_.inc(SipUaCounter::pending_487);
      Message r = make_response(tx->request(), 487, "Request Terminated");
      layer_.respond(*tx, r);
    }
    *pending = 0;
  }
  c.offer_in_2xx_ = false;
  session_stop(c);
  if (Call::Setup *s = c.setup_.get())
    for (auto *t : {&s->retransmit_timer, &s->giveup_timer, &s->rel_timer, &s->rel_giveup})
      if (*t) {
        timers_.stop(*t);
        *t = 0;
      }
  events_.on_terminated(c);
}

void UserAgent::reap() {
  while (!terminated_.empty()) {
    const std::vector<uint64_t> done = std::move(terminated_);
    terminated_.clear();
    for (uint64_t id : done) {
      auto it = calls_.find(id);
      if (it == calls_.end())
        continue;
      Call &c = *it->second;
      if (c.indexed_) {
        const auto [first, last] =
            by_call_id_.equal_range(std::hash<std::string_view>{}(c.dialog_.call_id()));
        for (auto x = first; x != last; ++x)
          if (x->second == &c) {
            by_call_id_.erase(x);
            break;
          }
      }
      if (c.uas_)
        uas_by_invite_tx_.erase(c.invite_tx_);
      calls_.erase(it);
    }
  }
}

void UserAgent::receive(const Message &m, const Peer &from) {
  layer_.receive(m, from);
  reap();
}

void UserAgent::respond(Transaction &tx, const Message &req, int code, std::string_view reason,
                        const HeaderList &extra, std::string_view to_tag) {
  // The user agent's own refusals (RFC 3261 §8.2 checks, 481, 491, 500 ...) are one line each
  // (notice); its routine answers (200 to BYE, OPTIONS ...) per-message detail (debug).
  if (code >= 400)
    MGC_LOG(Sip, Notice, "%d %.*s sent for %.*s from %s:%u (Call-ID %.*s)", code,
            int(reason.size()), reason.data(), int(req.method_text().size()),
            req.method_text().data(), tx.peer().host.c_str(), unsigned(tx.peer().port),
            int(req.call_id().size()), req.call_id().data());
  else
    MGC_LOG(Sip, Debug, "%d %.*s sent for %.*s from %s:%u (Call-ID %.*s)", code, int(reason.size()),
            reason.data(), int(req.method_text().size()), req.method_text().data(),
            tx.peer().host.c_str(), unsigned(tx.peer().port), int(req.call_id().size()),
            req.call_id().data());
  Message r = make_response(req, code, reason, to_tag);
  extra.apply_to(r);
  layer_.respond(tx, r);
}

// --- requests --------------------------------------------------------------------------------
void UserAgent::on_request(Transaction *tx, const Message &req, const Peer &from) {
  // ACK for a 2xx (no transaction): ends 2xx retransmission (§13.3.1.4).
  if (req.method() == Method::ACK) {
    if (Call *c = find_call(req)) {
      counters_.inc(SipUaCounter::acks_2xx);
      if (c->has(&Call::Setup::final_2xx)) {
        // A re-INVITE's 2xx is ended by the ACK with its CSeq (§13.2.2.4), not a late copy of
        // an earlier one.
        if (c->setup_->final_2xx_cseq && req.cseq().number != c->setup_->final_2xx_cseq)
          return;
        stop_2xx_retransmit(*c);
        release(c->setup_->final_2xx);
        c->setup_->final_2xx_cseq = 0;
        if (c->state_ == Call::State::Answered) {
          c->forget_invite(); // its final answer is acknowledged: no response left to build
          c->state_ = Call::State::Confirmed;
          c->dialog_.state = Dialog::State::Confirmed;
          events_.on_confirmed(*c);
        } else if (c->offer_in_2xx_) {
          c->offer_in_2xx_ = false; // the answer to our offer is in this ACK (§14.2)
          events_.on_reinvite_ack(*c, req);
        }
        c->shed_setup();
      }
    }
    return;
  }
  if (!tx)
    return; // every request but an ACK has a server transaction (RFC 2543 ones too)
  // RFC 6086 §5.2.2 / §11.6: an INFO for a package we did not list is a 469, whatever its body.
  if (req.method() == Method::INFO) {
    if (const HeaderField *ip = req.first(HeaderId::InfoPackage)) {
      TokenValue pkg;
      bool known = false;
      if (parse_token_value(ip->value, pkg))
        for (const auto &r : cfg_.recv_info)
          known = known || iequals(r, pkg.token);
      if (!known) {
        std::string ri;
        for (const auto &r : cfg_.recv_info)
          ri += (ri.empty() ? "" : ", ") + r;
        respond(*tx, req, 469, "Bad Info Package", HeaderList().add(HeaderId::RecvInfo, ri));
        return;
      }
    }
  }
  // §8.2: method, URI scheme, Require, bodies, Accept.
  UasVerdict v = check_request(req, cfg_.policy);
  if (!v.status.ok()) {
    counters_.inc(SipUaCounter::rejected_by_checks);
    SipError e;
    std::string_view reason = error_of(v.status, e) ? error_info(e).reason : "Bad Request";
    HeaderList extra; // §8.2.2.3 Unsupported, §8.2.1 Allow, §8.2.3 Accept
    if (!v.unsupported.empty())
      extra.add(HeaderId::Unsupported, v.unsupported);
    if (!v.allow.empty())
      extra.add(HeaderId::Allow, v.allow);
    if (!v.accept.empty())
      extra.add(HeaderId::Accept, v.accept);
    respond(*tx, req, v.status.code(), reason, extra, new_tag());
    return;
  }
  bool in_dialog = !req.to().tag().empty();
  if (req.method() == Method::CANCEL) {
    Transaction *inv = layer_.find_invite_for_cancel(req);
    Call *c = nullptr;
    if (inv)
      if (auto it = uas_by_invite_tx_.find(inv->id()); it != uas_by_invite_tx_.end())
        c = call_by_id(it->second);
    if (!inv) {
      counters_.inc(SipUaCounter::answered_481);
      respond(*tx, req, 481, "Call/Transaction Does Not Exist");
      return;
    }
    // §9.2: "as long as the CANCEL matched an existing transaction, the UAS answers the CANCEL
    // request itself with a 200 (OK)"; after the final response it has no other effect. The
    // INVITE's transaction outlives its call (Timer I after a 4xx, Timer L after a 2xx, RFC 6026
    // §7.1): a call already gone is such a CANCEL too.
    if (!c) {
      counters_.inc(SipUaCounter::cancel_after_final);
      respond(*tx, req, 200, "OK");
      return;
    }
    if (!events_.accept_in_dialog(*c, req, from)) {
      counters_.inc(SipUaCounter::forbidden_in_dialog);
      respond(*tx, req, 403, "Forbidden");
      return;
    }
    respond(*tx, req, 200, "OK");
    if (c->state_ != Call::State::Initial && c->state_ != Call::State::Early)
      counters_.inc(SipUaCounter::cancel_after_final);
    if (c->state_ == Call::State::Initial || c->state_ == Call::State::Early) {
      // §9.2: the INVITE is answered 487.
      c->cancelled_ = true;
      Message r = make_response(*c->invite(), 487, "Request Terminated",
                                       c->dialog_.local_tag());
      layer_.respond(*inv, r);
      events_.on_cancelled(*c);
      terminate(*c);
    }
    return;
  }
  if (req.method() == Method::OPTIONS && !in_dialog) {
    counters_.inc(SipUaCounter::options_answered);
    respond(*tx, req, 200, "OK",
            HeaderList()
                .add(HeaderId::Allow, allow_value(cfg_.policy))
                .add(HeaderId::Accept, "application/sdp, application/isup, multipart/mixed")
                .add(HeaderId::Supported, cfg_.session_timer.enabled ? "100rel, timer" : "100rel"),
            new_tag());
    return;
  }
  if (req.method() == Method::INVITE && !in_dialog) {
    const SessionTimerConfig &stc = session_cfg(from);
    UasSessionTimer st;
    if (stc.enabled && !session_check_request(*tx, req, stc, st, false))
      return; // 422 (RFC 4028 §9)
    auto c = std::make_unique<Call>();
    if (stc.enabled) {
      counters_.inc(SipUaCounter::session_timers);
      c->timer_ = std::make_unique<Call::SessionTimerRun>();
      c->timer_->cfg = stc;
      c->timer_->answer = st;
      c->timer_->min_se_s = std::max(stc.min_se_s, SessionTimerConfig::kMinSeFloor);
      req.for_each_value(HeaderId::Allow, [&](std::string_view v) {
        c->timer_->peer_allows_update =
            c->timer_->peer_allows_update || iequals(trim_lws(v), "UPDATE");
      });
    }
    c->ua_ = this;
    c->id_ = ++next_call_;
    c->uas_ = true;
    c->invite_tx_ = tx->id();
    Call::Setup &s = c->setup();
    s.invite_bytes = req.modified() ? req.serialize() : std::string(req.bytes());
    s.invite = std::make_unique<Message>();
    (void)parse(s.invite_bytes, ParseOptions{}, *s.invite);
    c->dialog_ = Dialog::as_uas(*s.invite, new_tag(), contact_uri(&from), from);
    c->have_dialog_ = true;
    Call *raw = c.get();
    calls_.emplace(raw->id_, std::move(c));
    index(*raw);
    uas_by_invite_tx_.emplace(raw->invite_tx_, raw->id_);
    counters_.inc(SipUaCounter::calls_in);
    events_.on_incoming(*raw, *raw->invite());
    return;
  }
  if (!in_dialog) {
    respond(*tx, req, 481, "Call/Transaction Does Not Exist", {}, new_tag());
    counters_.inc(SipUaCounter::answered_481);
    return;
  }
  Call *c = find_call(req);
  if (!c) {
    counters_.inc(SipUaCounter::answered_481);
    respond(*tx, req, 481, "Call/Transaction Does Not Exist");
    return;
  }
  if (!events_.accept_in_dialog(*c, req, from)) {
    counters_.inc(SipUaCounter::forbidden_in_dialog);
    respond(*tx, req, 403, "Forbidden");
    return;
  }
  // §14.2 / RFC 3311 §5.2: an offer while ours is outstanding (our re-INVITE or UPDATE, or the
  // offer in our 2xx awaiting its ACK) is glare: 491. A re-INVITE while one is unanswered, or an
  // offer while the peer's last one is (the media gateway still taking it): 500 with
  // Retry-After. An UPDATE without an offer (a session refresh) goes through.
  if (req.method() == Method::INVITE || req.method() == Method::UPDATE) {
    const bool offer = req.method() == Method::INVITE || !req.body().empty();
    if (offer && ((c->offer_tx_ && layer_.find(c->offer_tx_)) || c->offer_in_2xx_)) {
      counters_.inc(SipUaCounter::glare_491);
      respond(*tx, req, 491, "Request Pending");
      return;
    }
    const bool reinvite_pending = c->reinvite_tx_ && layer_.find(c->reinvite_tx_);
    const bool update_pending = c->update_tx_ && layer_.find(c->update_tx_);
    if ((req.method() == Method::INVITE && reinvite_pending) ||
        (offer && (reinvite_pending || update_pending))) {
      counters_.inc(SipUaCounter::offers_pending_500);
      respond(*tx, req, 500, "Server Internal Error", HeaderList().add(HeaderId::RetryAfter, "1"));
      return;
    }
  }
  if (!c->dialog_.accept_request(req)) {
    counters_.inc(SipUaCounter::answered_500_cseq);
    respond(*tx, req, 500, "CSeq Out Of Order");
    return;
  }
  // RFC 4028 §9: a re-INVITE or UPDATE is a session refresh; below our minimum it gets 422.
  if ((req.method() == Method::INVITE || req.method() == Method::UPDATE) && c->timer_ &&
      !session_check_request(*tx, req, c->timer_->cfg, c->timer_->answer, true))
    return;
  switch (req.method()) {
  case Method::BYE: {
    events_.on_bye(*c, req);
    std::string ct, body;
    events_.bye_answer(*c, ct, body);
    Message r = make_response(req, 200, "OK");
    if (!body.empty())
      r.set_body(ct, body);
    layer_.respond(*tx, r);
    terminate(*c);
    break;
  }
  case Method::INFO:
    // The request belongs to the transaction, which the final response releases: the event
    // first, then the 200.
    events_.on_info(*c, req);
    respond(*tx, req, 200, "OK");
    break;
  case Method::UPDATE: {
    if (!req.body().empty()) {
      counters_.inc(SipUaCounter::update_offers);
      c->update_tx_ = tx->id();
      if (events_.on_update_offer(*c, req))
        break; // answered once the offer is taken (Call::answer_offer / refuse_offer)
      c->update_tx_ = 0;
    }
    std::string answer;
    events_.on_update(*c, req, answer);
    Message r = make_response(req, 200, "OK");
    r.add(HeaderId::Contact, NameAddr::of(contact_uri(&c->dialog_.peer)));
    if (!answer.empty())
      r.set_body("application/sdp", answer);
    session_answer(*c, r);
    layer_.respond(*tx, r);
    break;
  }
  case Method::PRACK: {
    // RFC 3262 §3: the PRACK's RAck names the reliable provisional it acknowledges.
    const HeaderField *ra = req.first(HeaderId::RAck);
    RAckValue rack;
    if (!ra || !c->has(&Call::Setup::reliable_1xx) || !c->invite() ||
        !parse_rack(ra->value, rack) || rack.rseq != c->setup_->rseq ||
        rack.cseq.number != c->invite()->cseq().number || rack.cseq.method != "INVITE") {
      counters_.inc(SipUaCounter::answered_481);
      respond(*tx, req, 481, "Call/Transaction Does Not Exist");
      break;
    }
    counters_.inc(SipUaCounter::prack_received);
    release(c->setup_->reliable_1xx);
    for (auto *t : {&c->setup_->rel_timer, &c->setup_->rel_giveup})
      if (*t) {
        timers_.stop(*t);
        *t = 0;
      }
    respond(*tx, req, 200, "OK");
    break;
  }
  case Method::INVITE:
    counters_.inc(SipUaCounter::reinvites);
    c->reinvite_tx_ = tx->id();
    events_.on_reinvite(*c, req);
    break;
  default:
    respond(*tx, req, 405, "Method Not Allowed",
            HeaderList().add(HeaderId::Allow, allow_value(cfg_.policy)));
    break;
  }
}

// --- 2xx retransmission (§13.3.1.4) ------------------------------------------------------------
void UserAgent::start_2xx_retransmit(Call &c) {
  c.setup().retransmit_interval = cfg_.timers.t1;
  uint64_t id = c.id_;
  schedule_2xx(id);
  // No ACK within 64*T1: confirm and end the session with BYE (§13.3.1.4).
  c.setup_->giveup_timer = timers_.start(64 * cfg_.timers.t1, [this, id] {
    Call *cc = call_by_id(id);
    if (!cc || !cc->has(&Call::Setup::final_2xx))
      return;
    cc->setup_->giveup_timer = 0;
    counters_.inc(SipUaCounter::no_ack_bye);
    stop_2xx_retransmit(*cc);
    release(cc->setup_->final_2xx);
    cc->bye(102, "Recovery on timer expiry");
    cc->shed_setup();
    reap();
  });
}

// One timer at a time, re-armed from its own expiry (T1, 2*T1, ... capped at T2).
void UserAgent::schedule_2xx(uint64_t id) {
  Call *c = call_by_id(id);
  if (!c || !c->has(&Call::Setup::final_2xx))
    return;
  c->setup_->retransmit_timer = timers_.start(c->setup_->retransmit_interval, [this, id] {
    Call *cc = call_by_id(id);
    if (!cc || !cc->has(&Call::Setup::final_2xx))
      return;
    Call::Setup &s = *cc->setup_;
    s.retransmit_timer = 0;
    counters_.inc(SipUaCounter::retransmitted_2xx);
    send_(s.final_2xx, cc->dialog_.peer);
    s.retransmit_interval = std::min(s.retransmit_interval * 2, cfg_.timers.t2);
    schedule_2xx(id);
  });
}

// RFC 3262 §3: the reliable provisional is retransmitted like a 2xx until PRACKed.
void UserAgent::schedule_1xx(uint64_t id) {
  Call *c = call_by_id(id);
  if (!c || !c->has(&Call::Setup::reliable_1xx))
    return;
  c->setup_->rel_timer = timers_.start(c->setup_->rel_interval, [this, id] {
    Call *cc = call_by_id(id);
    if (!cc || !cc->has(&Call::Setup::reliable_1xx))
      return;
    Call::Setup &s = *cc->setup_;
    s.rel_timer = 0;
    send_(s.reliable_1xx, cc->dialog_.peer);
    s.rel_interval = std::min(s.rel_interval * 2, cfg_.timers.t2);
    schedule_1xx(id);
  });
}

void UserAgent::stop_2xx_retransmit(Call &c) {
  if (!c.setup_)
    return;
  for (auto *t : {&c.setup_->retransmit_timer, &c.setup_->giveup_timer})
    if (*t) {
      timers_.stop(*t);
      *t = 0;
    }
}

// --- UAC half --------------------------------------------------------------------------------
// §8.1.1: a request outside any dialog: a new From tag (§8.1.1.3), Call-ID (§8.1.1.4) and
// branch, CSeq 1.
Message UserAgent::new_request(Method method, std::string_view request_uri, std::string_view from,
                               std::string_view to, const Peer *toward) const {
  const std::string tag = ";tag=" + new_tag();
  const std::string call_id = new_call_id(cfg_.contact_host);
  const std::string top_via = via(toward);
  RequestParts p;
  p.request_uri = request_uri;
  p.from = NameAddr::of(from, tag);
  p.to = NameAddr::of(to);
  p.call_id = call_id;
  p.cseq = 1;
  p.via = top_via;
  return make_request(method, p);
}

Message UserAgent::make_invite(std::string_view request_uri, std::string_view from,
                               std::string_view to, const Peer *toward) const {
  Message m = new_request(Method::INVITE, request_uri, from, to, toward);
  m.add(HeaderId::Contact, NameAddr::of(contact_uri(toward))); // §8.1.1.8
  m.add(HeaderId::Allow, allow_value(cfg_.policy));
  m.add(HeaderId::Supported, "100rel"); // RFC 3262 §4
  return m;
}

Call *UserAgent::invite(std::string_view request_uri, std::string_view from, std::string_view to,
                        const Peer &peer, std::string_view content_type, std::string_view body,
                        const HeaderList &extra) {
  Message m = make_invite(request_uri, from, to, &peer);
  extra.apply_to(m);
  if (!content_type.empty() || !body.empty())
    m.set_body(content_type, body);
  return invite(m, peer);
}

Call *UserAgent::invite(const Message &req, const Peer &peer, InviteOptions options) {
  if (!req.is_request() || req.method() != Method::INVITE || req.call_id().empty() ||
      !req.to().tag().empty())
    return nullptr;
  // RFC 4028 §7.1: the INVITE asks for a session timer when the peer's setting says so.
  const SessionTimerConfig &stc = session_cfg(peer);
  std::string st_bytes;
  std::unique_ptr<Message> st_req;
  if (stc.enabled && !req.first(HeaderId::SessionExpires))
    st_req = session_invite(req, stc, st_bytes);
  Transaction *tx = layer_.send_request(st_req ? *st_req : req, peer); // serialised here, once
  if (!tx)
    return nullptr;
  auto c = std::make_unique<Call>();
  if (stc.enabled) {
    counters_.inc(SipUaCounter::session_timers);
    c->timer_ = std::make_unique<Call::SessionTimerRun>();
    c->timer_->cfg = stc;
    c->timer_->asked_s = stc.session_expires_s;
    c->timer_->min_se_s = std::max(stc.min_se_s, SessionTimerConfig::kMinSeFloor);
  }
  c->ua_ = this;
  c->id_ = ++next_call_;
  c->uas_ = false;
  // The INVITE as the transaction sent it: CANCEL (§9.1) and the dialog (§12.1.2) are built
  // from it later.
  Call::Setup &s = c->setup();
  s.invite_bytes = std::string(tx->request().bytes());
  s.invite = std::make_unique<Message>();
  (void)parse(s.invite_bytes, ParseOptions{}, *s.invite);
  Dialog::Parts id;
  id.call_id = s.invite->call_id();
  c->dialog_ = Dialog(id);
  c->invite_tx_ = tx->id();
  c->dialog_.peer = peer;
  if (options.credentials && !options.credentials->empty())
    c->credentials_ = std::move(options.credentials);
  c->redirect_policy_ = options.redirect;
  client_txs_[tx->id()] = {c->id_, Method::INVITE};
  Call *raw = c.get();
  calls_.emplace(raw->id_, std::move(c));
  counters_.inc(SipUaCounter::calls_out);
  return raw;
}

Transaction *UserAgent::send_in_dialog(Call &c, Message &req, const HeaderList &extra,
                                       std::string_view content_type, std::string_view body) {
  extra.apply_to(req);
  if (!content_type.empty() || !body.empty())
    req.set_body(content_type, body);
  Transaction *tx = layer_.send_request(req, c.dialog_.peer);
  if (tx)
    client_txs_[tx->id()] = {c.id_, req.method()};
  return tx;
}

void UserAgent::on_uac_invite_response(Call &c, const Message &r) {
  int code = r.status_code();
  if (code < 200) {
    // §9.1: any provisional response lets a CANCEL go, 100 Trying too (before, a callee that
    // answered only 100 kept an INVITE nobody could cancel); §12.1: only 101-199 with a To tag
    // create an early dialog.
    c.provisional_seen_ = true;
    if (code > 100 && !r.to().tag().empty()) {
      if (!c.have_dialog_) {
        c.dialog_ = Dialog::as_uac(*c.invite(), r, contact_uri(&c.dialog_.peer), c.dialog_.peer);
        c.have_dialog_ = true;
        index(c);
      }
      c.state_ = Call::State::Early;
      if (is_reliable_provisional(r)) { // RFC 3262 §4: PRACK it
        counters_.inc(SipUaCounter::prack_sent);
        Message prack = c.dialog_.make_request(Method::PRACK, via(&c.dialog_.peer));
        prack.add(HeaderId::RAck, rack_for(r));
        send_in_dialog(c, prack);
      }
    }
    events_.on_provisional(c, r);
    return;
  }
  if (code < 300) {
    bool first = c.state_ != Call::State::Confirmed;
    if (first) {
      // The early dialog's CSeq space (PRACKs) carries over into the confirmed one.
      uint32_t cseq = c.have_dialog_ ? c.dialog_.local_cseq : 0;
      c.dialog_ = Dialog::as_uac(*c.invite(), r, contact_uri(&c.dialog_.peer), c.dialog_.peer);
      c.dialog_.local_cseq = std::max(cseq, c.dialog_.local_cseq);
      c.dialog_.state = Dialog::State::Confirmed;
      c.have_dialog_ = true;
      index(c);
      c.state_ = Call::State::Confirmed;
      // §13.2.2.4: the ACK for a 2xx is a new transaction-less request with the INVITE's CSeq
      // and "the same credentials as the INVITE".
      Message ack =
          c.dialog_.make_request(Method::ACK, via(&c.dialog_.peer), c.invite()->cseq().number);
      for (HeaderId h : {HeaderId::Authorization, HeaderId::ProxyAuthorization})
        c.invite()->for_each_value(h, [&](std::string_view v) { ack.add(h, v); });
      c.setup_->ack_bytes = ack.serialize();
      c.forget_invite(); // confirmed: no CANCEL (§9.1), a repeated 2xx gets ack_bytes
    }
    if (c.has(&Call::Setup::ack_bytes))
      send_(c.setup_->ack_bytes, c.dialog_.peer);
    if (first && c.timer_)
      session_uac_answered(c, r); // RFC 4028 §7.2
    if (first)
      events_.on_answered(c, r);
    return;
  }
  if (c.state_ == Call::State::Terminated)
    return;
  if ((code == 401 || code == 407) && answer_invite_challenge(c, r))
    return;
  if (c.redirect_policy_.follow && !c.cancelled_) {
    if (code < 400)
      add_redirect_targets(c, r);
    // §8.1.3.4: a 3xx, or the failure of a target it gave, moves on to the next target.
    if ((code < 400 || c.redirect_) && try_next_redirect_target(c, code))
      return;
  }
  if (code == 422 && c.timer_ && session_retry_invite(c, r))
    return; // RFC 4028 §7.4: the INVITE went again with the larger interval
  events_.on_failed(c, code, &r);
  terminate(c);
}

namespace {
// §19.1.4 compares URIs field by field; for the target set it is enough that one address-of-
// record with one host and port is one target: scheme, user, host (case-insensitive) and port
// (5060/5061 when absent).
std::string target_key(const Uri &u) {
  std::string k;
  for (char ch : u.scheme_name)
    k += lower(ch);
  k += ':';
  k += u.user;
  k += '@';
  for (char ch : u.host)
    k += lower(ch);
  k += ':' + std::to_string(u.has_port ? u.port : u.scheme == UriScheme::Sips ? 5061 : 5060);
  return k;
}
} // namespace

void UserAgent::add_redirect_targets(Call &c, const Message &r) {
  const int code = r.status_code();
  // 300 Multiple Choices, 301/302 Moved, 305 Use Proxy (§21.3); 380 Alternative Service names
  // no location (§21.3.5) and ends the attempt like any other.
  if (code != 300 && code != 301 && code != 302 && code != 305)
    return;
  const Message &inv = *c.invite();
  if (!c.redirect_) {
    c.redirect_ = std::make_unique<Call::Redirect>();
    c.redirect_->seen.push_back(target_key(inv.request_uri()));
  }
  Call::Redirect &rd = *c.redirect_;
  if (rd.followed >= c.redirect_policy_.max_redirects) {
    counters_.inc(SipUaCounter::redirect_hop_limit);
    MGC_LOG(Sip, Notice, "%d to INVITE (Call-ID %.*s) not followed: %u redirects already", code,
            int(inv.call_id().size()), inv.call_id().data(), unsigned(rd.followed));
    return;
  }
  ++rd.followed;
  counters_.inc(SipUaCounter::redirects_followed);
  r.for_each_value(HeaderId::Contact, [&](std::string_view v) {
    NameAddr na;
    if (!parse_name_addr(v, na) || na.star || !na.uri.is_sip())
      return; // a tel: or other URI is for number analysis, not for this leg (RFC 3398 §8.2.5)
    const std::string key = target_key(na.uri);
    if (std::find(rd.seen.begin(), rd.seen.end(), key) != rd.seen.end()) {
      counters_.inc(SipUaCounter::redirect_loops_skipped); // §8.1.3.4: each URI once
      return;
    }
    rd.seen.push_back(key);
    double q = 1.0;
    std::string_view qv;
    if (find_generic_param(na.params, "q", &qv)) {
      std::string s(qv);
      char *end = nullptr;
      q = std::strtod(s.c_str(), &end);
      if (end == s.c_str() || q < 0 || q > 1)
        q = 0; // §20.10: q is 0 to 1; a bad one is tried last
    }
    // §8.1.3.4: the entire URI without method-param and headers (headers are not applied here)
    std::string_view uri = na.uri.text.substr(0, na.uri.text.find('?'));
    Call::Redirect::Target t{q, std::string(uri), code};
    // decreasing q, first come first within equal q (§16.6 ordering, §8.1.3.4 serial search)
    auto at = std::find_if(rd.pending.begin(), rd.pending.end(),
                           [q](const Call::Redirect::Target &x) { return x.q < q; });
    rd.pending.insert(at, std::move(t));
  });
}

bool UserAgent::try_next_redirect_target(Call &c, int status) {
  if (!c.redirect_ || !c.invite())
    return false;
  Call::Redirect &rd = *c.redirect_;
  while (!rd.pending.empty()) {
    Call::Redirect::Target t = std::move(rd.pending.front());
    rd.pending.erase(rd.pending.begin());
    Uri u;
    if (!parse_uri(t.uri, u))
      continue;
    Peer hop;
    hop.host = std::string(u.host);
    hop.port = u.has_port ? u.port : 5060;
    hop.transport = c.dialog_.peer.transport;
    std::string_view tp;
    if (u.param("transport", &tp))
      hop.transport = iequals(tp, "tcp") ? TransportKind::Tcp : TransportKind::Udp;
    const Message &inv = *c.invite();
    if (!events_.on_redirect(c, t.status, t.uri, hop)) {
      counters_.inc(SipUaCounter::redirect_targets_refused);
      MGC_LOG(Sip, Notice, "redirect target %s of INVITE (Call-ID %.*s) refused", t.uri.c_str(),
              int(inv.call_id().size()), inv.call_id().data());
      continue;
    }
    Message m;
    if (!parse(c.setup_->invite_bytes, ParseOptions{}, m).ok())
      return false;
    // §8.1.3.4: the target's URI is the Request-URI (a 305's Contact is the proxy: the
    // Request-URI stays, §21.3.6); To, From, Call-ID and body as they were; credentials given
    // to the last target are not for this one.
    if (t.status != 305)
      m.set_request_line("INVITE", t.uri);
    m.remove(HeaderId::Authorization);
    m.remove(HeaderId::ProxyAuthorization);
    c.answered_realms_.clear();
    c.stale_retried_ = false;
    rd.current = t.uri;
    if (!resend_invite(c, m, hop))
      continue;
    counters_.inc(SipUaCounter::redirect_targets_tried);
    MGC_LOG(Sip, Info, "INVITE (Call-ID %.*s) redirected by %d to %s (q %.3g), sent to %s:%u",
            int(c.call_id().size()), c.call_id().data(), status, t.uri.c_str(), t.q,
            hop.host.c_str(), unsigned(hop.port));
    return true;
  }
  return false;
}

bool UserAgent::resend_invite(Call &c, Message &m, const Peer &peer) {
  // §8.1.3.4 / §22.2: a new transaction (new branch, §8.1.1.7), CSeq one higher (§8.1.3.5);
  // the same Call-ID, From tag and To.
  m.set(HeaderId::CSeq, std::to_string(c.invite()->cseq().number + 1) + " INVITE");
  m.set(HeaderId::Via, via());
  Transaction *tx = layer_.send_request(m, peer);
  if (!tx)
    return false;
  client_txs_[tx->id()] = {c.id_, Method::INVITE};
  c.invite_tx_ = tx->id();
  Call::Setup &s = *c.setup_;
  s.invite_bytes = std::string(tx->request().bytes());
  s.invite = std::make_unique<Message>();
  (void)parse(s.invite_bytes, ParseOptions{}, *s.invite);
  c.provisional_seen_ = false; // §9.1: a CANCEL waits for this transaction's provisional
  Dialog::Parts id;
  id.call_id = s.invite->call_id();
  c.dialog_ = Dialog(id); // an early dialog of the last INVITE ended with its final response
  c.dialog_.peer = peer;
  c.have_dialog_ = false;
  return true;
}

bool UserAgent::answer_invite_challenge(Call &c, const Message &r) {
  if (!c.credentials_ || !c.invite() || c.cancelled_)
    return false;
  const Message &inv = *c.invite();
  ChallengeAnswer a;
  // RFC 7616 §3.4: a fresh cnonce per answer; nc 1, as each answer is to a new nonce.
  const Status st = answer_challenge(r, *c.credentials_, "INVITE", inv.request_uri_text(),
                                     random_hex(96), 1, a);
  if (!st.ok()) {
    counters_.inc(SipUaCounter::challenges_unanswerable);
    MGC_LOG(Sip, Notice, "%d to INVITE (Call-ID %.*s) not answered: %.*s", r.status_code(),
            int(inv.call_id().size()), inv.call_id().data(), int(st.detail().size()),
            st.detail().data());
    return false;
  }
  // §22.2: credentials refused come back as a second challenge for the same realm; sending them
  // again would not help. A stale nonce (RFC 7616 §3.3) is the exception, once. Four answers at
  // most, whatever the realms: a chain of proxies is short.
  bool again = false;
  for (const auto &[h, realm] : c.answered_realms_)
    again = again || (h == a.header && realm == a.realm);
  if ((again && (!a.stale || c.stale_retried_)) || c.answered_realms_.size() >= 4) {
    counters_.inc(SipUaCounter::challenges_refused_again);
    MGC_LOG(Sip, Notice, "%d to INVITE (Call-ID %.*s) again for realm \"%s\": credentials "
            "refused", r.status_code(), int(inv.call_id().size()), inv.call_id().data(),
            a.realm.c_str());
    return false;
  }
  if (again)
    c.stale_retried_ = true;
  // §22.2: the request again with the credentials, "the same Call-ID" and CSeq one higher
  // (§8.1.3.5); a new branch, as a new transaction (§8.1.1.7). Credentials answered earlier for
  // other realms stay (a proxy's and the UAS's, §22.3); the old ones for this kind go.
  Message m;
  if (!parse(c.setup_->invite_bytes, ParseOptions{}, m).ok())
    return false;
  if (!again)
    c.answered_realms_.emplace_back(a.header, a.realm);
  // Rows of this kind for other realms are kept: only the one answered now is replaced.
  std::vector<std::string> keep;
  m.for_each_value(a.header, [&](std::string_view v) {
    digest::Credentials old;
    if (digest::parse_credentials(v, old).ok() && old.realm != a.realm)
      keep.emplace_back(v);
  });
  m.remove(a.header);
  for (const auto &v : keep)
    m.add(a.header, v);
  m.add(a.header, a.value);
  const std::string call_id(inv.call_id()); // `inv` goes with the INVITE resent
  const Peer peer = c.dialog_.peer;
  if (!resend_invite(c, m, peer))
    return false;
  counters_.inc(SipUaCounter::challenges_answered);
  MGC_LOG(Sip, Info, "%d to INVITE (Call-ID %s) answered for realm \"%s\" (%s), CSeq %u",
          r.status_code(), call_id.c_str(), a.realm.c_str(),
          name_of(digest::kAlgorithmNames, a.algorithm), unsigned(c.invite()->cseq().number));
  return true;
}

bool UserAgent::probe(std::string_view target_uri, const Peer &peer, ProbeFn done) {
  Message m =
      new_request(Method::OPTIONS, target_uri, contact_uri(&peer), target_uri, &peer); // §11.1
  m.add(HeaderId::Accept, "application/sdp");
  Transaction *tx = layer_.send_request(m, peer);
  if (!tx)
    return false;
  probes_[tx->id()] = std::move(done);
  return true;
}

bool UserAgent::request(const Message &req, const Peer &peer, ResponseFn done) {
  if (!req.is_request() || req.method() == Method::INVITE || req.method() == Method::ACK)
    return false;
  Transaction *tx = layer_.send_request(req, peer);
  if (!tx)
    return false;
  requests_[tx->id()] = std::move(done);
  return true;
}

void UserAgent::on_response(Transaction &tx, const Message &r) {
  if (auto q = requests_.find(tx.id()); q != requests_.end()) {
    if (r.status_code() >= 200) {
      ResponseFn fn = std::move(q->second);
      requests_.erase(q);
      fn(r.status_code(), &r);
    }
    return;
  }
  if (auto p = probes_.find(tx.id()); p != probes_.end()) {
    if (r.status_code() >= 200) {
      ProbeFn fn = std::move(p->second);
      probes_.erase(p);
      fn(true, r.status_code());
    }
    return;
  }
  auto it = client_txs_.find(tx.id());
  if (it == client_txs_.end())
    return;
  Call *c = call_by_id(it->second.first);
  Method m = it->second.second;
  if (r.status_code() >= 200 && m != Method::INVITE)
    client_txs_.erase(it);
  if (!c)
    return;
  if (r.status_code() >= 200 && c->offer_tx_ == tx.id())
    c->offer_tx_ = 0;
  const bool refresh = c->timer_ && c->timer_->refresh_tx == tx.id() && r.status_code() >= 200;
  if (m == Method::INVITE) {
    if (tx.id() == c->invite_tx_)
      on_uac_invite_response(*c, r);
    else if (r.status_code() >= 200 && r.status_code() < 300) {
      // our re-INVITE answered: ACK it
      const std::string ack =
          c->dialog_.make_request(Method::ACK, via(&c->dialog_.peer), tx.request().cseq().number)
              .serialize();
      send_(ack, c->dialog_.peer);
      events_.on_reinvite_answered(*c, r);
    }
  } else if (m == Method::BYE && r.status_code() >= 200) {
    terminate(*c);
  }
  if (refresh && c->state_ != Call::State::Terminated)
    session_refresh_answered(*c, r); // RFC 4028 §7.2, §7.4, §10
  reap();
}

void UserAgent::on_timeout(Transaction &tx, TxEvent) {
  if (auto q = requests_.find(tx.id()); q != requests_.end()) {
    ResponseFn fn = std::move(q->second);
    requests_.erase(q);
    fn(408, nullptr); // §8.1.3.1: a timeout or transport error is a 408
    return;
  }
  if (auto p = probes_.find(tx.id()); p != probes_.end()) {
    ProbeFn fn = std::move(p->second);
    probes_.erase(p);
    fn(false, 408);
    return;
  }
  auto it = client_txs_.find(tx.id());
  if (it == client_txs_.end())
    return;
  auto [call_id, m] = it->second;
  client_txs_.erase(it);
  Call *c = call_by_id(call_id);
  if (!c)
    return;
  if (c->timer_ && c->timer_->refresh_tx == tx.id()) {
    c->timer_->refresh_tx = 0;
    counters_.inc(SipUaCounter::session_refreshes_failed);
    session_expire(call_id, "no answer to our refresh"); // RFC 4028 §10
    reap();
    return;
  }
  // Timer B on the INVITE, or no answer to BYE: the leg is over (§8.1.3.1: 408).
  if (m == Method::INVITE && tx.id() == c->invite_tx_ && c->state_ != Call::State::Confirmed) {
    // §8.1.3.4: a redirect target that does not answer is a failure like any other
    if (c->redirect_ && !c->cancelled_ && try_next_redirect_target(*c, 408)) {
      reap();
      return;
    }
    events_.on_failed(*c, 408, nullptr);
    terminate(*c);
  } else if (m == Method::BYE) {
    terminate(*c);
  }
  reap();
}

// The transaction is gone: forget what pointed at it (long-running processes must not grow).
// The end of a call's INVITE transaction ends what its set-up kept: no CANCEL can name an INVITE
// server transaction that is gone (§9.2), and no 2xx reaches the UAC core once the INVITE client
// transaction has ended (RFC 6026 §7.2: later ones are stray responses, §17.1.3), so its ACK is
// not needed again.
void UserAgent::on_terminated(Transaction &tx) {
  if (auto it = client_txs_.find(tx.id()); it != client_txs_.end()) {
    if (it->second.second == Method::INVITE)
      if (Call *c = call_by_id(it->second.first); c && c->invite_tx_ == tx.id() && c->setup_) {
        release(c->setup_->ack_bytes);
        c->shed_setup();
      }
    client_txs_.erase(it);
  }
  probes_.erase(tx.id());
  requests_.erase(tx.id());
  uas_by_invite_tx_.erase(tx.id());
}

// --- Call ------------------------------------------------------------------------------------
bool Call::provisional(int code, std::string_view reason, std::string_view ct,
                       std::string_view body, bool reliable) {
  if (!uas_ || (state_ != State::Initial && state_ != State::Early) || code <= 100 || code >= 200)
    return false;
  Transaction *tx = ua_->layer_.find(invite_tx_);
  if (!tx)
    return false;
  Message r = make_response(*invite(), code, reason, dialog_.local_tag());
  r.add(HeaderId::Contact, NameAddr::of(ua_->contact_uri(&dialog_.peer)));
  if (reliable) {
    // RFC 3262 §3: only one unacknowledged reliable provisional at a time.
    if (has(&Setup::reliable_1xx))
      return false;
    r.add(HeaderId::Require, "100rel");
    r.add(HeaderId::RSeq, std::to_string(++setup().rseq));
  }
  if (!body.empty())
    r.set_body(ct, body);
  if (!ua_->layer_.respond(*tx, r))
    return false;
  state_ = State::Early;
  if (reliable) {
    Setup &s = setup();
    s.reliable_1xx = r.serialize();
    s.rel_interval = ua_->cfg_.timers.t1;
    UserAgent *ua = ua_;
    uint64_t id = id_;
    ua->schedule_1xx(id);
    s.rel_giveup = ua_->timers_.start(64 * ua_->cfg_.timers.t1, [ua, id] {
      Call *c = ua->call_by_id(id);
      if (!c || !c->has(&Setup::reliable_1xx))
        return;
      Setup &st = *c->setup_;
      st.rel_giveup = 0;
      if (st.rel_timer) {
        ua->timers_.stop(st.rel_timer);
        st.rel_timer = 0;
      }
      ua->counters_.inc(SipUaCounter::no_prack);
      release(st.reliable_1xx);
      c->reject(504, "No PRACK"); // RFC 3262 §3: reject with a 5xx
      c->shed_setup();
      ua->reap();
    });
  }
  return true;
}

bool Call::answer(std::string_view ct, std::string_view body) {
  if (!uas_ || (state_ != State::Initial && state_ != State::Early))
    return false;
  Transaction *tx = ua_->layer_.find(invite_tx_);
  if (!tx)
    return false;
  Message r = make_response(*invite(), 200, "OK", dialog_.local_tag());
  r.add(HeaderId::Contact, NameAddr::of(ua_->contact_uri(&dialog_.peer)));
  if (!body.empty())
    r.set_body(ct, body);
  ua_->session_answer(*this, r); // RFC 4028 §9
  if (!ua_->layer_.respond(*tx, r))
    return false;
  setup().final_2xx = r.serialize();
  state_ = State::Answered;
  ua_->start_2xx_retransmit(*this);
  return true;
}

Call::Setup &Call::setup() {
  if (!setup_)
    setup_ = std::make_unique<Setup>();
  return *setup_;
}

void Call::shed_setup() {
  if (setup_ && setup_->idle())
    setup_.reset();
}

void Call::forget_invite() {
  if (!setup_)
    return;
  setup_->invite.reset();
  release(setup_->invite_bytes);
}

bool Call::answer_reinvite(std::string_view ct, std::string_view body) {
  Transaction *tx = reinvite_tx_ ? ua_->layer_.find(reinvite_tx_) : nullptr;
  reinvite_tx_ = 0;
  if (!tx || state_ == State::Terminated)
    return false;
  Message r = make_response(tx->request(), 200, "OK");
  r.add(HeaderId::Contact, NameAddr::of(ua_->contact_uri(&dialog_.peer)));
  if (!body.empty())
    r.set_body(ct, body);
  ua_->session_answer(*this, r); // RFC 4028 §9: a re-INVITE is a refresh
  // §14.2: a re-INVITE without an offer gets one in the 2xx; the ACK answers it.
  const bool offer = tx->request().body().empty() && !body.empty();
  const uint32_t cseq = tx->request().cseq().number;
  if (!ua_->layer_.respond(*tx, r))
    return false;
  Setup &s = setup();
  if (!s.final_2xx.empty()) // an earlier 2xx still unacknowledged: this one takes over
    ua_->stop_2xx_retransmit(*this);
  s.final_2xx = r.serialize();
  s.final_2xx_cseq = cseq;
  offer_in_2xx_ = offer;
  ua_->start_2xx_retransmit(*this);
  return true;
}

bool Call::answer_offer(std::string_view ct, std::string_view body) {
  if (reinvite_tx_)
    return answer_reinvite(ct, body);
  Transaction *tx = update_tx_ ? ua_->layer_.find(update_tx_) : nullptr;
  update_tx_ = 0;
  if (!tx || state_ == State::Terminated)
    return false;
  Message r = make_response(tx->request(), 200, "OK");
  r.add(HeaderId::Contact,
        NameAddr::of(ua_->contact_uri(&dialog_.peer))); // RFC 3311 §5.2: a target refresh
  if (!body.empty())
    r.set_body(ct, body);
  ua_->session_answer(*this, r); // RFC 4028 §9: an UPDATE is a refresh
  return ua_->layer_.respond(*tx, r);
}

bool Call::refuse_offer(int code, std::string_view reason, int retry_after) {
  uint64_t &id = reinvite_tx_ ? reinvite_tx_ : update_tx_;
  Transaction *tx = id ? ua_->layer_.find(id) : nullptr;
  id = 0;
  if (!tx || code < 300)
    return false;
  ua_->counters_.inc(SipUaCounter::offers_refused);
  HeaderList extra;
  if (retry_after >= 0)
    extra.add(HeaderId::RetryAfter, std::to_string(retry_after)); // §20.33
  // §14.2: a refused re-INVITE leaves the session as it was (the dialog goes on).
  ua_->respond(*tx, tx->request(), code, reason, extra);
  return true;
}

bool Call::reject(int code, std::string_view reason, int q850, const HeaderList &extra) {
  if (!uas_ || (state_ != State::Initial && state_ != State::Early) || code < 300)
    return false;
  Transaction *tx = ua_->layer_.find(invite_tx_);
  if (!tx)
    return false;
  Message r = make_response(*invite(), code, reason, dialog_.local_tag());
  if (q850 >= 0)
    r.add(HeaderId::Reason, q850_reason(q850)); // RFC 3326 §2
  extra.apply_to(r);
  ua_->layer_.respond(*tx, r);
  ua_->terminate(*this);
  return true;
}

bool Call::cancel(int q850) {
  if (uas_ || state_ == State::Confirmed || state_ == State::Terminated)
    return false;
  // §9.1: not before a provisional response has arrived.
  if (!provisional_seen_)
    return false;
  Message m = make_cancel(*invite());
  if (q850 >= 0)
    m.add(HeaderId::Reason, q850_reason(q850)); // RFC 3326 §2: a CANCEL may carry it
  Transaction *tx = ua_->layer_.send_request(m, dialog_.peer);
  if (tx)
    ua_->client_txs_[tx->id()] = {id_, Method::CANCEL};
  cancelled_ = true;
  return tx != nullptr;
}

bool Call::bye(int q850, std::string_view text, std::string_view ct, std::string_view body,
               const HeaderList &extra) {
  if (!have_dialog_ || state_ == State::Terminated || state_ == State::Initial)
    return false;
  Message m = dialog_.make_request(Method::BYE, ua_->via(&dialog_.peer));
  if (q850 >= 0) {
    const std::string quoted = text.empty() ? std::string() : quote(text);
    m.add(HeaderId::Reason, q850_reason(q850, quoted)); // RFC 3326 §2
  }
  Transaction *tx = ua_->send_in_dialog(*this, m, extra, ct, body);
  if (!tx)
    ua_->terminate(*this);
  return tx != nullptr;
}

bool Call::info(std::string_view ct, std::string_view body, const HeaderList &extra) {
  if (!have_dialog_ || state_ == State::Terminated)
    return false;
  Message m = dialog_.make_request(Method::INFO, ua_->via(&dialog_.peer));
  return ua_->send_in_dialog(*this, m, extra, ct, body) != nullptr;
}

bool Call::update(std::string_view ct, std::string_view body) {
  if (!have_dialog_ || state_ == State::Terminated || offer_tx_)
    return false;
  Message m = dialog_.make_request(Method::UPDATE,
                                   ua_->via(&dialog_.peer)); // with our Contact (RFC 3311 §5.1)
  Transaction *tx = ua_->send_in_dialog(*this, m, {}, ct, body);
  if (tx)
    offer_tx_ = tx->id();
  return tx != nullptr;
}

bool Call::reinvite(std::string_view ct, std::string_view body) {
  if (!have_dialog_ || state_ != State::Confirmed || offer_tx_)
    return false;
  Message m = dialog_.make_request(Method::INVITE, ua_->via(&dialog_.peer));
  Transaction *tx = ua_->send_in_dialog(*this, m, {}, ct, body);
  if (tx)
    offer_tx_ = tx->id();
  return tx != nullptr;
}

} // namespace mgc::sipt
