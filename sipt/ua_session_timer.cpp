// RFC 4028 session timers run by the user agent, both roles: the UAS answers a request whose
// Session-Expires is below its minimum with 422 (§9) and says in its 2xx what was decided; the
// UAC asks for a timer in its INVITE (§7.1) and retries a 422 with the larger interval (§7.4);
// the refresher refreshes at half the interval by UPDATE when the peer allows it, else by
// re-INVITE with the SDP unchanged (§10); either side gives the session up at the interval less
// min(32 s, interval/3) without a refresh, or when its refresh meets 408, 481 or no answer
// (§10), with a BYE (Reason Q.850 102) and CallEvents::on_session_expired. The negotiation is
// session_timer.h's.
#include "core/log.h"
#include "sipt/user_agent.h"

#include <algorithm>

namespace mgc::sipt {

namespace {
bool allows(const Message &m, Method method) {
  bool found = false;
  m.for_each_value(HeaderId::Allow, [&](std::string_view v) {
    found = found || iequals(trim_lws(v), method_name(method));
  });
  return found;
}

std::string cid(const Call &c) { return std::string(c.call_id()); }
} // namespace

const SessionTimerConfig &UserAgent::session_cfg(const Peer &peer) {
  const SessionTimerConfig *c = events_.session_timer_config(peer);
  return c ? *c : cfg_.session_timer;
}

bool UserAgent::session_check_request(Transaction &tx, const Message &req,
                                      const SessionTimerConfig &cfg, UasSessionTimer &out,
                                      bool in_dialog) {
  out = uas_session_timer(req, cfg);
  if (out.reject_422) {
    counters_.inc(SipUaCounter::session_422_sent);
    const HeaderField *se = req.first(HeaderId::SessionExpires);
    MGC_LOG(Sip, Notice, "%.*s with Session-Expires %.*s below our Min-SE %u: 422 (Call-ID %.*s)",
            int(req.method_text().size()), req.method_text().data(),
            se ? int(se->value.size()) : 0, se ? se->value.data() : "", out.min_se_s,
            int(req.call_id().size()), req.call_id().data());
    // §6: the 422 names the smallest interval we take.
    respond(tx, req, 422, "Session Interval Too Small",
            HeaderList().add(HeaderId::MinSE, std::to_string(out.min_se_s)),
            in_dialog ? std::string_view() : std::string_view(new_tag()));
    return false;
  }
  if (in_dialog) {
    counters_.inc(SipUaCounter::session_refreshes_received);
    MGC_LOG(Sip, Info, "session refresh (%.*s) received: Session-Expires %u, %s refreshes "
            "(Call-ID %.*s)", int(req.method_text().size()), req.method_text().data(),
            out.state.interval_s, out.state.we_refresh ? "we" : "the peer",
            int(req.call_id().size()), req.call_id().data());
  }
  return true;
}

void UserAgent::session_answer(Call &c, Message &resp) {
  if (!c.timer_ || !c.timer_->answer.state.active())
    return;
  Call::SessionTimerRun &t = *c.timer_;
  // §9: the 2xx names the interval and the refresher as seen by the request's UAC (the peer).
  SessionExpiresValue v;
  v.seconds = t.answer.state.interval_s;
  v.refresher = t.answer.state.we_refresh ? Refresher::Uas : Refresher::Uac;
  std::string se;
  print(se, v);
  resp.add(HeaderId::SessionExpires, se);
  if (t.answer.require_timer)
    resp.add(HeaderId::Require, "timer");
  // §10: the peer refreshes by UPDATE only if it knows we allow it (RFC 3261 §20.5).
  if (!resp.first(HeaderId::Allow)) {
    std::string allow;
    for (Method m : cfg_.policy.allowed)
      allow += (allow.empty() ? "" : ", ") + std::string(method_name(m));
    resp.add(HeaderId::Allow, allow);
  }
  t.state = t.answer.state;
  t.answer = {};
  session_started(c);
}

void UserAgent::session_started(Call &c) {
  session_stop(c);
  if (!c.timer_ || !c.timer_->state.active() || c.state_ == Call::State::Terminated)
    return;
  Call::SessionTimerRun &t = *c.timer_;
  const uint64_t id = c.id_;
  if (t.state.we_refresh)
    t.refresh_timer = timers_.start(refresh_after_ms(t.state.interval_s), [this, id] {
      if (Call *x = call_by_id(id); x && x->timer_)
        x->timer_->refresh_timer = 0;
      session_refresh(id);
      reap();
    });
  // §10: the side that does not refresh gives up at the interval less min(32 s, interval/3);
  // the refresher, whose refresh went unanswered, at the interval's end.
  const int64_t expire_ms = t.state.we_refresh ? int64_t(t.state.interval_s) * 1000
                                               : expire_after_ms(t.state.interval_s);
  t.expire_timer = timers_.start(expire_ms, [this, id] {
    if (Call *x = call_by_id(id); x && x->timer_)
      x->timer_->expire_timer = 0;
    session_expire(id, "no refresh within the session interval");
    reap();
  });
}

void UserAgent::session_stop(Call &c) {
  if (!c.timer_)
    return;
  for (auto *id : {&c.timer_->refresh_timer, &c.timer_->expire_timer})
    if (*id) {
      timers_.stop(*id);
      *id = 0;
    }
}

std::unique_ptr<Message> UserAgent::session_invite(const Message &req,
                                                   const SessionTimerConfig &cfg,
                                                   std::string &storage) {
  storage = req.modified() ? req.serialize() : std::string(req.bytes());
  auto m = std::make_unique<Message>();
  if (!parse(storage, ParseOptions{}, *m).ok())
    return nullptr;
  // §7.1: Supported: timer, the interval we want and the smallest we take.
  m->add(HeaderId::Supported, "timer");
  m->add(HeaderId::SessionExpires, uac_session_expires(cfg, nullptr, cfg.session_expires_s));
  m->add(HeaderId::MinSE, std::to_string(std::max(cfg.min_se_s, SessionTimerConfig::kMinSeFloor)));
  return m;
}

bool UserAgent::session_retry_invite(Call &c, const Message &resp) {
  Call::SessionTimerRun &t = *c.timer_;
  counters_.inc(SipUaCounter::session_422_received);
  const std::optional<uint32_t> next = retry_interval_after_422(resp, t.asked_s);
  // §7.4: retried with the 422's Min-SE as the interval; a peer raising it again and again is
  // given up after three tries.
  if (!next || t.retries_422 >= 3 || !c.setup_ || c.setup_->invite_bytes.empty()) {
    MGC_LOG(Sip, Notice, "422 to our INVITE without a larger Min-SE (or a fourth one): call "
            "failed (Call-ID %s)", cid(c).c_str());
    return false;
  }
  ++t.retries_422;
  t.asked_s = *next;
  t.min_se_s = std::max(t.min_se_s, *next);
  const std::string sent = c.setup_->invite_bytes;
  Message m;
  if (!parse(sent, ParseOptions{}, m).ok())
    return false;
  m.set(HeaderId::SessionExpires, uac_session_expires(t.cfg, nullptr, t.asked_s));
  m.set(HeaderId::MinSE, std::to_string(t.min_se_s));
  // RFC 3261 §8.1.3.5's habit for a request retried after a failure: same Call-ID, From and To,
  // a higher CSeq, a new branch.
  m.set(HeaderId::CSeq, std::to_string(m.cseq().number + 1) + " INVITE");
  m.set(HeaderId::Via, via());
  Transaction *tx = layer_.send_request(m, c.dialog_.peer);
  if (!tx)
    return false;
  client_txs_[tx->id()] = {c.id_, Method::INVITE};
  c.invite_tx_ = tx->id();
  Call::Setup &s = *c.setup_;
  s.invite_bytes = std::string(tx->request().bytes());
  s.invite = std::make_unique<Message>();
  (void)parse(s.invite_bytes, ParseOptions{}, *s.invite);
  MGC_LOG(Sip, Notice, "422 to our INVITE: sent again with Session-Expires %u, Min-SE %u "
          "(Call-ID %s)", t.asked_s, t.min_se_s, cid(c).c_str());
  return true;
}

void UserAgent::session_uac_answered(Call &c, const Message &resp) {
  Call::SessionTimerRun &t = *c.timer_;
  t.peer_allows_update = allows(resp, Method::UPDATE);
  t.state = uac_session_timer(resp, t.min_se_s);
  if (t.state.active())
    MGC_LOG(Sip, Info, "session timer %u s, %s refreshes (Call-ID %s)", t.state.interval_s,
            t.state.we_refresh ? "we" : "the peer", cid(c).c_str());
  session_started(c);
}

void UserAgent::session_refresh(uint64_t call_id) {
  Call *c = call_by_id(call_id);
  if (!c || !c->timer_ || c->state_ == Call::State::Terminated || !c->timer_->state.active())
    return;
  Call::SessionTimerRun &t = *c->timer_;
  if (t.refresh_tx && layer_.find(t.refresh_tx))
    return; // one refresh at a time
  if (!t.retries_422)
    t.asked_s = t.state.interval_s; // §7.3: the interval in force
  HeaderList extra;
  extra.add(HeaderId::SessionExpires, uac_session_expires(t.cfg, &t.state, t.asked_s))
      .add(HeaderId::MinSE, std::to_string(std::max(t.min_se_s, t.cfg.min_se_s)))
      .add(HeaderId::Supported, "timer");
  Transaction *tx = nullptr;
  const bool by_update = t.cfg.prefer_update && t.peer_allows_update;
  std::string ct, body;
  if (!by_update)
    events_.refresh_offer(*c, ct, body);
  const bool offer_busy = (c->offer_tx_ && layer_.find(c->offer_tx_)) || c->offer_in_2xx_ ||
                          c->reinvite_tx_ || c->update_tx_;
  if (by_update || body.empty()) {
    // RFC 3311 §5.1 / RFC 4028 §10: an UPDATE without a body refreshes without offer/answer.
    Message m = c->dialog_.make_request(Method::UPDATE, via());
    tx = send_in_dialog(*c, m, extra);
  } else if (!offer_busy && c->state_ == Call::State::Confirmed) {
    // §10: a re-INVITE refresh offers the session as it is (RFC 3264 §8: same o= version).
    Message m = c->dialog_.make_request(Method::INVITE, via());
    tx = send_in_dialog(*c, m, extra, ct, body);
    if (tx)
      c->offer_tx_ = tx->id();
  }
  if (!tx) {
    // An offer of either side is in progress (or the transport refused): try again in a second;
    // the expiry timer bounds the tries.
    t.refresh_timer = timers_.start(1000, [this, call_id] {
      if (Call *x = call_by_id(call_id); x && x->timer_)
        x->timer_->refresh_timer = 0;
      session_refresh(call_id);
      reap();
    });
    return;
  }
  t.refresh_tx = tx->id();
  counters_.inc(SipUaCounter::session_refreshes_sent);
  MGC_LOG(Sip, Info, "session refresh sent by %s, Session-Expires %u (Call-ID %s)",
          by_update || body.empty() ? "UPDATE" : "re-INVITE", t.asked_s, cid(*c).c_str());
}

void UserAgent::session_refresh_answered(Call &c, const Message &resp) {
  Call::SessionTimerRun &t = *c.timer_;
  t.refresh_tx = 0;
  const int code = resp.status_code();
  if (code >= 200 && code < 300) {
    t.retries_422 = 0;
    if (allows(resp, Method::UPDATE))
      t.peer_allows_update = true;
    // §7.2 for a refresh too; a peer without the extension answers none, and we, who chose to
    // refresh alone (§9), go on as before.
    SessionTimerState next = uac_session_timer(resp, t.min_se_s);
    if (!next.active() && t.state.we_refresh && !lists_option(resp, HeaderId::Supported, "timer"))
      next = t.state;
    t.state = next;
    session_started(c);
    return;
  }
  if (code == 422) {
    counters_.inc(SipUaCounter::session_422_received);
    if (auto next = retry_interval_after_422(resp, t.asked_s); next && t.retries_422 < 3) {
      ++t.retries_422; // §7.4: again at once with the larger interval
      t.asked_s = *next;
      t.min_se_s = std::max(t.min_se_s, *next);
      MGC_LOG(Sip, Notice, "422 to our session refresh: again with Session-Expires %u (Call-ID "
              "%s)", t.asked_s, cid(c).c_str());
      session_refresh(c.id_);
      return;
    }
  }
  counters_.inc(SipUaCounter::session_refreshes_failed);
  MGC_LOG(Sip, Notice, "session refresh answered %d (Call-ID %s)", code, cid(c).c_str());
  if (code == 408 || code == 481) // §10: the session is gone
    session_expire(c.id_, code == 408 ? "refresh answered 408" : "refresh answered 481");
}

void UserAgent::session_expire(uint64_t call_id, const char *why) {
  Call *c = call_by_id(call_id);
  if (!c || !c->timer_ || c->state_ == Call::State::Terminated)
    return;
  session_stop(*c);
  c->timer_->state = {};
  counters_.inc(SipUaCounter::session_expired);
  MGC_LOG(Sip, Notice, "session expired (RFC 4028 §10: %s): BYE sent (Call-ID %s)", why,
          cid(*c).c_str());
  // Q.850 102 (recovery on timer expiry): the cause the REL toward the PSTN carries too.
  c->bye(102, "Session timer expired");
  events_.on_session_expired(*c);
}

} // namespace mgc::sipt
