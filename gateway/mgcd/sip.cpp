#include "gateway/mgcd/sip.h"

#include "callcontrol/cause_map.h"
#include "callcontrol/interworking/diversion.h"
#include "core/log.h"
#include "isup/cause.h"
#include "sipt/dialog.h"
#include "sipt/fields.h"
#include "sipt/random.h"
#include "sipt/session_update.h"

#include <algorithm>

namespace mgc::gw {

namespace {

// RFC 3326 §2: the Q.850 cause of a response or BYE.
std::optional<uint8_t> q850_reason(const sipt::Message &m) {
  const int cause = sipt::q850_cause(m);
  return cause < 0 ? std::nullopt : std::optional<uint8_t>(static_cast<uint8_t>(cause));
}

// RFC 3261 §20.33: Retry-After = delta-seconds [ comment ] *( SEMI retry-param ); only the
// seconds matter here. nullopt: none, or not a number.
std::optional<uint32_t> retry_after(const sipt::Message &m) {
  const sipt::HeaderField *f = m.first(sipt::HeaderId::RetryAfter);
  if (!f)
    return std::nullopt;
  uint64_t s = 0;
  std::size_t i = 0;
  for (; i < f->value.size() && f->value[i] >= '0' && f->value[i] <= '9' && i < 10; ++i)
    s = s * 10 + uint64_t(f->value[i] - '0');
  if (i == 0)
    return std::nullopt;
  return static_cast<uint32_t>(std::min<uint64_t>(s, UINT32_MAX));
}

} // namespace

static cc::MediaMode mode_of(sipt::Direction d) {
  switch (d) {
  case sipt::Direction::SendOnly:
    return cc::MediaMode::SendOnly;
  case sipt::Direction::RecvOnly:
    return cc::MediaMode::RecvOnly;
  case sipt::Direction::Inactive:
    return cc::MediaMode::Inactive;
  case sipt::Direction::SendRecv:
    break;
  }
  return cc::MediaMode::SendRecv;
}

// One SIP half of a call, on a sipt::Call that lives until on_terminated.
class Sip::Leg final : public cc::SipLeg {
public:
  Leg(sipt::Call &c, const SipPeerEntry &p) : call(&c), peer(p), id(c.call_id()) {}
  sipt::Call *call;
  const SipPeerEntry &peer; // Sip::peers_ (a deque: entries stay where they are)
  std::string id;
  // The user name its INVITE authenticated as (RFC 3261 §22.4), empty when the peer has no
  // credentials: a peer's trust (SIP-T bodies, asserted identities) then rests on it.
  std::string authenticated_as;
  // RFC 3264 §8: the SDP we last sent in the dialog (every later one keeps its o= line), and the
  // peer's offer while the media gateway takes it (re-INVITE or UPDATE).
  sipt::SessionUpdate session;
  std::unique_ptr<std::string> offer;

  std::string bytes(const cc::SipBody &b, std::string &ct) const {
    const bool isup = b.has_isup && peer.profile.carries_isup();
    if (b.sdp.empty() && !isup)
      return {};
    std::optional<std::string_view> sdp;
    if (!b.sdp.empty())
      sdp = b.sdp;
    return sipt::build_bodies(peer.profile, sdp, isup ? std::span<const uint8_t>(b.isup)
                                                      : std::span<const uint8_t>(),
                              peer.profile.profile == sipt::Profile::SipI, ct);
  }
  void provisional(int status, const cc::SipBody &b) override {
    if (!call)
      return;
    if (!b.sdp.empty())
      session.sent(b.sdp);
    std::string ct;
    const std::string body = bytes(b, ct);
    call->provisional(status, status == 180 ? "Ringing" : "Session Progress", ct, body,
                      peer.profile.requires_100rel());
  }
  void answer(const cc::SipBody &b) override {
    if (!call)
      return;
    if (!b.sdp.empty())
      session.sent(b.sdp);
    std::string ct;
    const std::string body = bytes(b, ct);
    peer.stats->response(200, true);
    call->answer(ct, body);
  }
  void reject(int status, uint8_t cause, const cc::SipBody &) override {
    if (!call)
      return;
    ++peer.stats->failures;
    peer.stats->response(status, true);
    const cc::SipFinal f = cc::sip_final_for_cause(cause, cc::CauseLocation::User);
    call->reject(status, f.status == status && !f.reason_phrase.empty() ? f.reason_phrase
                                                                      : std::string_view("Error"),
                 cause);
  }
  void cancel(uint8_t cause) override {
    if (call)
      call->cancel(cause);
  }
  void bye(uint8_t cause, const cc::SipBody &b) override {
    if (!call)
      return;
    std::string ct;
    const std::string body = bytes(b, ct);
    call->bye(cause, isup::cause_text(cause), ct, body);
  }
  // RFC 3372 §5.4 / RFC 6086 §2 legacy INFO (no Info-Package): the ISUP body alone.
  void info(const cc::SipBody &b) override {
    if (!call || !b.has_isup || !peer.profile.carries_isup())
      return;
    std::string ct;
    const std::string body = sipt::build_bodies(peer.profile, std::nullopt, b.isup,
                                                peer.profile.profile == sipt::Profile::SipI, ct);
    call->info(ct, body);
  }
  // RFC 3264 §8: the gateway took the peer's offer (answered from its description `local_sdp`,
  // or our last SDP when it gave none), or a re-INVITE without an offer gets ours.
  void answer_offer(const std::string &local_sdp) override {
    if (!call)
      return;
    if (!offer) {
      const std::string ours = session.offer();
      if (ours.empty())
        refuse_offer(500);
      else
        call->answer_offer("application/sdp", ours);
      return;
    }
    std::string answer;
    sipt::Direction d;
    const Status st = session.answer(*offer, local_sdp, answer, d);
    if (st.ok())
      session.received(*offer); // the media gateway took it
    offer.reset();
    if (!st.ok()) {
      MGC_LOG(Sip, Notice, "offer of peer %s (Call-ID %s) refused with %d: %.*s",
              peer.peer.name.c_str(), id.c_str(), st.code() ? st.code() : 488,
              int(st.detail().size()), st.detail().data());
      refuse_offer(st.code() ? st.code() : 488);
      return;
    }
    call->answer_offer("application/sdp", answer);
  }
  void refuse_offer(int status) override {
    offer.reset();
    if (!call)
      return;
    switch (status) {
    case 481:
      call->refuse_offer(481, "Call/Transaction Does Not Exist");
      break;
    case 500: // RFC 3311 §5.2 / RFC 3261 §14.2: try again a little later
      call->refuse_offer(500, "Server Internal Error", 1);
      break;
    case 400:
      call->refuse_offer(400, "Bad Request");
      break;
    default: // RFC 3261 §14.2: the offer is not acceptable; the session stays as it was
      call->refuse_offer(488, "Not Acceptable Here");
      break;
    }
  }
  std::string call_id() const override { return id; }
};

Sip::Sip(core::Scheduler &timers, sipt::TransactionLayer::SendFn send, sipt::UaConfig cfg,
         std::string gateway_host)
    : ua_(std::make_unique<sipt::UserAgent>(timers, std::move(send), *this, std::move(cfg))),
      gateway_host_(std::move(gateway_host)), timers_(timers),
      auth_(sipt::random_hex(256), kNonceLifetimeS) {} // the nonces' key: this process's own

Sip::~Sip() = default;

void Sip::add_peer(SipPeerEntry p) { peers_.push_back(std::move(p)); }

void Sip::set_peers(std::vector<SipPeerEntry> next) {
  for (auto &e : peers_)
    e.removed = true;
  for (auto &n : next) {
    auto it = std::find_if(peers_.begin(), peers_.end(),
                           [&n](const SipPeerEntry &e) { return e.peer.name == n.peer.name; });
    if (it == peers_.end()) {
      peers_.push_back(std::move(n));
      continue;
    }
    n.stats = it->stats;
    *it = std::move(n);
  }
  sync_registrations();
}

std::size_t Sip::calls_with(const std::string &peer) const {
  std::size_t n = 0;
  for (const auto &[id, leg] : legs_)
    n += leg->call && leg->peer.peer.name == peer;
  return n;
}

void Sip::receive(const sipt::Message &m, const sipt::Peer &from, double queued_ms) {
  current_source_ = from;
  // every message tells how long the queue stands, whether or not it is a new call
  const bool late = calls_ && calls_->waited_too_long(queued_ms);
  if (calls_ && (calls_->congestion_level() > 0 || late || calls_->at_setup_limit()) &&
      is_new_invite(m) && !calls_->admit_sip_call(late)) {
    shed(m, from, queued_ms);
    return;
  }
  if (calls_ && calls_->sip_admission_configured() && is_new_invite(m) && !admitted(m, from))
    return;
  current_identity_.clear();
  if (is_new_invite(m) && !authenticated(m, from))
    return;
  ua_->receive(m, from);
}

// An INVITE outside any dialog (no To tag) that no server transaction knows: a new call.
bool Sip::is_new_invite(const sipt::Message &m) const {
  if (!m.is_request() || m.method() != sipt::Method::INVITE)
    return false;
  const sipt::HeaderField *to = m.first(sipt::HeaderId::To);
  sipt::NameAddr na;
  if (!to || !sipt::parse_name_addr(to->value, na) || !na.tag().empty())
    return false;
  return !ua_->transactions().has_server_transaction(m);
}

// Overload (DESIGN.md "Overload"): a new INVITE is refused at the cheapest point, before any
// transaction, dialog or call exists: 503 with Retry-After (RFC 3261 §21.5.4, §20.33), sent
// statelessly (a retransmission gets the same answer), longer the higher the level (`overload`
// node, `retry-after`).
void Sip::shed(const sipt::Message &invite, const sipt::Peer &from, double queued_ms) {
  const std::string tag = "ovl" + std::to_string(++shed_); // §8.2.6.2: a final response's To tag
  sipt::Message r = sipt::make_response(invite, 503, "Service Unavailable", tag);
  r.add(sipt::HeaderId::RetryAfter, std::to_string(calls_->retry_after()));
  ua_->transactions().send_stateless(r, from);
  // Debug: under overload these come by the thousand a second (the gateway logs their count
  // once a second at notice instead).
  MGC_LOG(Sip, Debug, "new INVITE from %s refused with 503 (machine congestion level %u, %.0f ms "
          "unread)", from.host.c_str(), calls_->congestion_level(), queued_ms);
}

// Call admission of the peer and the route (issue 15; callcontrol/admission.h), like shedding
// before any transaction exists: 503 with Retry-After (RFC 3261 §21.5.4, §20.33) for a limit or
// a peer shut down, 403 for a peer that takes no calls from it (direction out).
bool Sip::admitted(const sipt::Message &invite, const sipt::Peer &from) {
  const SipPeerEntry *peer = peer_from(from);
  if (!peer)
    return true; // the ACL answers it (403)
  const auto v = calls_->check_invite(peer->peer.name, invite.request_uri().user_without_params());
  if (v.refusal == cc::Refusal::None)
    return true;
  ++refused_admission_;
  ++peer->stats->failures;
  const bool barred = v.forbidden;
  const std::string tag = "adm" + std::to_string(refused_admission_);
  sipt::Message r = barred ? sipt::make_response(invite, 403, "Forbidden", tag)
                           : sipt::make_response(invite, 503, "Service Unavailable", tag);
  if (!barred)
    r.add(sipt::HeaderId::RetryAfter, std::to_string(v.retry_after_s));
  peer->stats->response(barred ? 403 : 503, true);
  ua_->transactions().send_stateless(r, from);
  MGC_LOG(Sip, Info, "new INVITE from peer %s (Call-ID %.*s) refused with %d: %s %s",
          peer->peer.name.c_str(), int(invite.call_id().size()), invite.call_id().data(),
          barred ? 403 : 503, v.what.c_str(), name_of(cc::kRefusalNames, v.refusal));
  return false;
}

// RFC 3261 §22.1: a new INVITE from a peer with credentials goes on only with credentials that
// verify (sipt/uas_auth.h); otherwise it is answered 401 statelessly, before the user agent
// keeps anything (the nonce is verified later without state). Only new INVITEs are challenged:
// in-dialog requests are bound to the dialog's peer (accept_in_dialog), ACK and CANCEL cannot
// be (§22.1).
bool Sip::authenticated(const sipt::Message &invite, const sipt::Peer &from) {
  const SipPeerEntry *peer = peer_from(from);
  if (!peer || !peer->credentials)
    return true;
  const sipt::Credentials &cred = *peer->credentials;
  const std::string &realm = cred.realm.empty() ? gateway_host_ : cred.realm;
  const uint64_t now_s = uint64_t(timers_.now_ms() / 1000);
  using V = sipt::UasAuthenticator::Verdict;
  const V v = auth_.verify(invite, cred, realm, now_s);
  if (v == V::Authenticated) {
    auth_counters_.inc(SipAuthCounter::authenticated);
    current_identity_ = cred.username;
    MGC_LOG(Sip, Info, "INVITE from peer %s (Call-ID %.*s) authenticated as %s",
            peer->peer.name.c_str(), int(invite.call_id().size()), invite.call_id().data(),
            cred.username.c_str());
    return true;
  }
  const std::string tag = sipt::new_tag(); // §8.2.6.2: a final response's To tag
  if (v == V::Malformed) {
    auth_counters_.inc(SipAuthCounter::credentials_malformed);
    ua_->transactions().send_stateless(
        sipt::make_response(invite, 400, "Malformed Authorization", tag), from);
  } else {
    auth_counters_.inc(v == V::Stale     ? SipAuthCounter::challenged_stale
                       : v == V::Refused ? SipAuthCounter::credentials_refused
                                         : SipAuthCounter::challenged);
    ua_->transactions().send_stateless(
        auth_.challenge(invite, realm, now_s, v == V::Stale, tag, peer->challenge_md5_only), from);
  }
  // The first 401 of every call is routine (info); refused or malformed credentials are not.
  if (v == V::Missing || v == V::Stale)
    MGC_LOG(Sip, Info, "INVITE from peer %s (Call-ID %.*s) challenged (401, realm \"%s\"): %s",
            peer->peer.name.c_str(), int(invite.call_id().size()), invite.call_id().data(),
            realm.c_str(), name_of(sipt::kUasVerdictNames, v));
  else
    MGC_LOG(Sip, Notice, "INVITE from peer %s (Call-ID %.*s) refused with %d: %s",
            peer->peer.name.c_str(), int(invite.call_id().size()), invite.call_id().data(),
            v == V::Malformed ? 400 : 401, name_of(sipt::kUasVerdictNames, v));
  return false;
}

const SipPeerEntry *Sip::peer_from(const sipt::Peer &source) const {
  // A peer whose address is exactly the source (host and port) wins; then the first peer on that
  // host or with the host in its ACL. Several peers may share a host (a lab on 127.0.0.1, an SBC
  // with one address per service): the port tells them apart.
  for (const auto &p : peers_)
    if (!p.removed && p.address.host == source.host && p.address.port == source.port)
      return &p;
  for (const auto &p : peers_) {
    if (p.removed)
      continue;
    if (p.address.host == source.host)
      return &p;
    for (const auto &a : p.acl)
      if (a == source.host)
        return &p;
  }
  return nullptr;
}

Sip::Leg *Sip::leg_of(sipt::Call &c) {
  auto it = legs_.find(c.id());
  return it == legs_.end() ? nullptr : it->second.get();
}

cc::iw::SipCallInfo Sip::call_info(const sipt::Message &invite) {
  cc::iw::SipCallInfo i;
  // without user-part parameters (RFC 3261 §19.1.6, e.g. ";phone-context")
  i.called = std::string(invite.request_uri().user_without_params());
  const std::string from = std::string(invite.from().uri.user);
  if (!from.empty() && from != "anonymous")
    i.from = from;
  const std::string to = std::string(invite.to().uri.user);
  if (!to.empty() && to != i.called)
    i.to = to;
  // RFC 3325 §9.1: the first identity the header names; its cpc as a URI parameter.
  bool pai_seen = false;
  invite.for_each_value(sipt::HeaderId::PAssertedIdentity, [&](std::string_view v) {
    sipt::NameAddr na;
    if (pai_seen || !sipt::parse_name_addr(v, na))
      return;
    pai_seen = true;
    const std::string_view user = na.uri.user_without_params();
    if (!user.empty())
      i.asserted = std::string(user);
    std::string_view cpc;
    if (na.uri.param("cpc", &cpc) || sipt::find_generic_param(na.params, "cpc", &cpc))
      i.cpc = std::string(cpc);
  });
  std::string_view from_cpc;
  if (i.cpc.empty() && invite.from().uri.param("cpc", &from_cpc))
    i.cpc = std::string(from_cpc);
  invite.for_each_value(sipt::HeaderId::Privacy, [&](std::string_view v) {
    sipt::PrivacyValue p; // RFC 3323 §4.2, RFC 3325 §9.3 "id"
    i.privacy_id = i.privacy_id || (sipt::parse_privacy(v, p) && p.has(sipt::PrivacyValue::kId));
  });
  i.max_forwards = invite.max_forwards() < 0 ? 70 : invite.max_forwards();
  i.from_tag = std::string(invite.from().tag());
  // Redirection (RFC 3398 §7.2.1.1): Diversion, most recent first (RFC 5806 §4); without it,
  // History-Info in index order (RFC 7044), mapped as RFC 7544 §5 does.
  invite.for_each_value(sipt::HeaderId::Diversion, [&](std::string_view v) {
    sipt::DiversionValue d;
    if (sipt::parse_diversion(v, d))
      if (auto div = cc::iw::diversion_of(d))
        i.diversions.insert(i.diversions.begin(), *div);
  });
  std::vector<cc::iw::HistoryEntry> history;
  invite.for_each_value(sipt::HeaderId::HistoryInfo, [&](std::string_view v) {
    sipt::HistoryInfoValue h;
    if (sipt::parse_history_info(v, h))
      if (auto e = cc::iw::history_entry_of(h))
        history.push_back(*e);
  });
  if (i.diversions.empty())
    i.diversions = cc::iw::diversions_from_history(history);
  return i;
}

cc::SipBody Sip::body_of(const sipt::Message &m, const sipt::PeerProfile &, Status &st) {
  cc::SipBody b;
  sipt::Bodies bodies;
  st = sipt::extract_bodies(m, bodies);
  if (!st.ok())
    return b;
  if (bodies.sdp)
    b.sdp = std::string(*bodies.sdp);
  if (bodies.isup) {
    b.has_isup = true;
    b.isup = bodies.isup->bytes;
  }
  return b;
}

void Sip::on_incoming(sipt::Call &c, const sipt::Message &invite) {
  const SipPeerEntry *peer = peer_from(current_source_);
  if (!peer || !calls_) {
    ++refused_unknown_peer_;
    MGC_LOG(Sip, Notice, "INVITE from %s:%u (Call-ID %.*s) refused with 403: %s",
            current_source_.host.c_str(), unsigned(current_source_.port),
            int(invite.call_id().size()), invite.call_id().data(),
            peer ? "call control is not running" : "the source is no configured peer (acl)");
    c.reject(403, "Forbidden", 21); // only configured peers may call (DESIGN.md)
    return;
  }
  ++peer->stats->invites_in;
  Status st;
  cc::SipBody body = body_of(invite, peer->profile, st);
  if (!st.ok()) {
    ++peer->stats->failures;
    MGC_LOG(Sip, Notice,
            "INVITE from peer %s (Call-ID %.*s) refused with %d: bodies unusable (%.*s)",
            peer->peer.name.c_str(), int(invite.call_id().size()), invite.call_id().data(),
            st.code() ? st.code() : 400, int(st.detail().size()), st.detail().data());
    peer->stats->response(st.code() ? st.code() : 400, true);
    c.reject(st.code() ? st.code() : 400, st.detail(), -1);
    return;
  }
  auto leg = std::make_unique<Leg>(c, *peer);
  Leg &l = *leg;
  l.authenticated_as = current_identity_;
  l.session.received(body.sdp);
  legs_[c.id()] = std::move(leg);
  calls_->sip_invite(l, peer->peer, call_info(invite), body);
}

void Sip::on_cancelled(sipt::Call &c) {
  if (Leg *l = leg_of(c); l && calls_)
    calls_->sip_cancelled(*l);
}

void Sip::on_provisional(sipt::Call &c, const sipt::Message &m) {
  Leg *l = leg_of(c);
  if (!l || !calls_)
    return;
  // 100 Trying too: the call's SIP machine leaves "calling" for "proceeding", where a hang-up
  // sends CANCEL at once (RFC 3261 §9.1, §17.1.1.2); it means nothing to the ISUP side.
  if (m.status_code() != 100)
    l->peer.stats->response(m.status_code(), false);
  Status st;
  cc::SipBody body = body_of(m, l->peer.profile, st);
  if (!body.sdp.empty())
    l->session.received(body.sdp); // early media
  calls_->sip_provisional(*l, m.status_code(), body);
}

void Sip::on_answered(sipt::Call &c, const sipt::Message &m) {
  Leg *l = leg_of(c);
  if (!l || !calls_)
    return;
  l->peer.stats->response(m.status_code(), false);
  Status st;
  cc::SipBody body = body_of(m, l->peer.profile, st);
  if (!body.sdp.empty())
    l->session.received(body.sdp);
  calls_->sip_answered(*l, std::move(body));
}

void Sip::on_failed(sipt::Call &c, int status, const sipt::Message *m) {
  Leg *l = leg_of(c);
  if (!l || !calls_)
    return;
  ++l->peer.stats->failures;
  l->peer.stats->response(status, false);
  // no message: the transaction layer timed out or the transport failed (a local 408/503)
  calls_->sip_failed(*l, status, m ? q850_reason(*m) : std::nullopt, m == nullptr,
                     m ? retry_after(*m) : std::nullopt);
}

void Sip::on_info(sipt::Call &c, const sipt::Message &m) {
  Leg *l = leg_of(c);
  if (!l || !calls_)
    return;
  Status st;
  const cc::SipBody body = body_of(m, l->peer.profile, st);
  if (st.ok())
    calls_->sip_info(*l, body);
}

void Sip::on_bye(sipt::Call &c, const sipt::Message &m) {
  Leg *l = leg_of(c);
  if (!l || !calls_)
    return;
  Status st;
  const cc::SipBody body = body_of(m, l->peer.profile, st); // a bad body still ends the call
  calls_->sip_bye(*l, q850_reason(m), st.ok() ? body : cc::SipBody{});
}

// RFC 3264 §8 offers within the dialog (re-INVITE, RFC 3261 §14.2; UPDATE, RFC 3311 §5.2): the
// offer is checked here (400 if its SDP does not parse, 488 if nothing in it is usable), then
// call control has the media gateway take it and answers through Leg::answer_offer.
void Sip::offer(sipt::Call &c, const sipt::Message &req) {
  Leg *l = leg_of(c);
  if (!l || !calls_) {
    c.refuse_offer(481, "Call/Transaction Does Not Exist");
    return;
  }
  Status st;
  const cc::SipBody body = body_of(req, l->peer.profile, st);
  if (!st.ok()) {
    MGC_LOG(Sip, Notice, "%.*s of peer %s (Call-ID %s) refused with %d: %.*s",
            int(req.method_text().size()), req.method_text().data(), l->peer.peer.name.c_str(),
            l->id.c_str(), st.code() ? st.code() : 400, int(st.detail().size()),
            st.detail().data());
    c.refuse_offer(st.code() ? st.code() : 400, "Bad Request");
    return;
  }
  l->offer.reset();
  if (body.sdp.empty() && req.method() == sipt::Method::UPDATE) {
    c.answer_offer({}, {}); // RFC 3311 §5.2: no offer (another body), so no answer
    return;
  }
  if (body.sdp.empty()) { // a re-INVITE without an offer (§14.2): ours goes in the 2xx
    calls_->sip_offer(*l, {}, cc::MediaMode::SendRecv);
    return;
  }
  sipt::Direction ours;
  if (Status chk = l->session.check(body.sdp, ours); !chk.ok()) {
    MGC_LOG(Sip, Notice, "%.*s of peer %s (Call-ID %s): offer refused with %d (%.*s)",
            int(req.method_text().size()), req.method_text().data(), l->peer.peer.name.c_str(),
            l->id.c_str(), chk.code() ? chk.code() : 488, int(chk.detail().size()),
            chk.detail().data());
    l->refuse_offer(chk.code() == 400 ? 400 : 488);
    return;
  }
  l->offer = std::make_unique<std::string>(body.sdp);
  calls_->sip_offer(*l, body.sdp, mode_of(ours));
}

void Sip::on_reinvite(sipt::Call &c, const sipt::Message &m) { offer(c, m); }

bool Sip::on_update_offer(sipt::Call &c, const sipt::Message &m) {
  offer(c, m);
  return true; // answered (or refused) by the leg, now or once the gateway took the offer
}

// The ACK's answer to the offer in our 2xx (RFC 3261 §14.2, §13.2.1): its mode and description
// go to the media gateway.
void Sip::on_reinvite_ack(sipt::Call &c, const sipt::Message &ack) {
  Leg *l = leg_of(c);
  if (!l || !calls_)
    return;
  Status st;
  const cc::SipBody body = body_of(ack, l->peer.profile, st);
  sipt::Direction ours;
  Status ans = st.ok() && !body.sdp.empty() ? l->session.answered(body.sdp, ours)
                                            : Status("sdp.no_answer_in_ack", 488);
  if (!ans.ok()) {
    // §13.2.1 wants the answer in the ACK; without a usable one the media stay as they were.
    MGC_LOG(Sip, Notice, "ACK of peer %s (Call-ID %s) without a usable answer (%.*s): media "
            "unchanged", l->peer.peer.name.c_str(), l->id.c_str(), int(ans.detail().size()),
            ans.detail().data());
    return;
  }
  l->session.received(body.sdp);
  calls_->sip_answer(*l, body.sdp, mode_of(ours));
}

// RFC 4028 §10: the 2xx to our refresh re-INVITE answers the offer it carried (our last SDP,
// unchanged). A peer answering with another description (a new address, port or codec: an SBC
// that re-anchored the media meanwhile) has the media gateway take it (MDCX / Modify), as its
// own re-INVITE's offer does (session_modify.cpp); the same description changes nothing.
void Sip::on_reinvite_answered(sipt::Call &c, const sipt::Message &resp) {
  Leg *l = leg_of(c);
  if (!l || !calls_)
    return;
  Status st;
  const cc::SipBody body = body_of(resp, l->peer.profile, st);
  if (!st.ok() || body.sdp.empty() || !l->session.changes(body.sdp))
    return;
  sipt::Direction ours;
  if (Status ans = l->session.answered(body.sdp, ours); !ans.ok()) {
    // RFC 3264 §6: not an answer to our offer; the media stay as they were.
    MGC_LOG(Sip, Notice, "2xx to our re-INVITE from peer %s (Call-ID %s) without a usable "
            "answer (%.*s): media unchanged", l->peer.peer.name.c_str(), l->id.c_str(),
            int(ans.detail().size()), ans.detail().data());
    return;
  }
  MGC_LOG(Sip, Info, "peer %s (Call-ID %s) answered our re-INVITE with a new description: to "
          "the media gateway", l->peer.peer.name.c_str(), l->id.c_str());
  l->session.received(body.sdp);
  calls_->sip_answer(*l, body.sdp, mode_of(ours));
}

// RFC 3398 §7.2.3 / RFC 3372: the 200 to a BYE from a SIP-T/SIP-I peer carries the RLC that
// ends the encapsulated ISUP exchange.
void Sip::bye_answer(sipt::Call &c, std::string &content_type, std::string &body) {
  Leg *l = leg_of(c);
  if (!l || !l->peer.profile.carries_isup())
    return;
  static const uint8_t kRlc[] = {0x10, 0x00}; // RLC, no optional parameters (Q.763 Table 38)
  body = sipt::build_bodies(l->peer.profile, std::nullopt, kRlc, false, content_type);
}

// Issue 14: a BYE, INFO (with ISUP to inject), UPDATE or re-INVITE with the right Call-ID and
// tags, or a CANCEL copying the INVITE's Via, is taken only from the call's peer: its address or
// an address of its ACL. Anyone else gets 403, counted and logged.
bool Sip::accept_in_dialog(sipt::Call &c, const sipt::Message &req, const sipt::Peer &from) {
  Leg *l = leg_of(c);
  if (!l)
    return true; // not a call of call control's (nothing to protect)
  const SipPeerEntry &p = l->peer;
  if (from.host == p.address.host ||
      std::find(p.acl.begin(), p.acl.end(), from.host) != p.acl.end())
    return true;
  ++forbidden_in_dialog_;
  MGC_LOG(Sip, Notice, "%.*s for a call of peer %s from %s refused (403): not the dialog's peer",
          int(req.method_text().size()), req.method_text().data(), p.peer.name.c_str(),
          from.host.c_str());
  return false;
}

// RFC 3261 §8.1.3.4 redirect targets are called only where a configured peer is (its address,
// host and port): a 3xx must not turn the gateway into a dialler of any address it names (RFC
// 3261 §26.1 toll fraud). The call keeps its peer's profile and counters.
bool Sip::on_redirect(sipt::Call &c, int status, std::string_view target, sipt::Peer &next_hop) {
  Leg *l = leg_of(c);
  const SipPeerEntry *to = nullptr;
  for (const auto &p : peers_)
    if (!p.removed && p.address.host == next_hop.host && p.address.port == next_hop.port)
      to = &p;
  if (!l || !to) {
    MGC_LOG(Sip, Notice, "%d from peer %s (Call-ID %.*s): target %.*s skipped, %s is no peer",
            status, l ? l->peer.peer.name.c_str() : "?", int(c.call_id().size()),
            c.call_id().data(), int(target.size()), target.data(), next_hop.host.c_str());
    return false;
  }
  if (calls_)
    calls_->sip_redirected(*l, status, std::string(target));
  return true;
}

// RFC 4028: a call with a configured peer runs that peer's session timer setting; found by the
// address the INVITE came from or goes to.
const sipt::SessionTimerConfig *Sip::session_timer_config(const sipt::Peer &peer) {
  const SipPeerEntry *p = peer_from(peer);
  return p ? &p->session_timer : &session_timer_;
}

// RFC 4028 §10 / RFC 3264 §8: a refresh by re-INVITE offers the SDP we last sent, unchanged.
void Sip::refresh_offer(sipt::Call &c, std::string &content_type, std::string &body) {
  Leg *l = leg_of(c);
  if (!l || !l->session.known())
    return;
  content_type = "application/sdp";
  body = l->session.last();
}

// RFC 4028 §10: the session expired (the user agent sent BYE): call control releases the call.
void Sip::on_session_expired(sipt::Call &c) {
  if (Leg *l = leg_of(c); l && calls_)
    calls_->sip_session_expired(*l);
}

void Sip::on_terminated(sipt::Call &c) {
  auto it = legs_.find(c.id());
  if (it == legs_.end())
    return;
  it->second->call = nullptr;
  // The user agent may end a call on its own: no ACK for our 2xx within 64*T1 (RFC 3261
  // §13.3.1.4: it sent BYE with Reason Q.850 102), or the dialog's transport failed. Call control
  // releases such a call toward the PSTN; for a call it ended itself this changes nothing.
  if (calls_)
    calls_->sip_lost(*it->second, isup::cause_value(isup::Cause::RecoveryOnTimerExpiry));
  legs_.erase(it);
}

cc::SipLeg *Sip::invite(const cc::SipPeer &peer, const cc::iw::SipCallInfo &info,
                        const cc::SipBody &body) {
  const SipPeerEntry *p = nullptr;
  for (const auto &x : peers_)
    if (!x.removed && x.peer.name == peer.name)
      p = &x;
  if (!p)
    return nullptr;
  const std::string host = p->address.host + ":" + std::to_string(p->address.port);
  const std::string ruri = "sip:" + info.called + "@" + host;
  const std::string calling = info.from.value_or(info.asserted.value_or(""));
  // sipt puts these in angle brackets itself (addr-spec only). RFC 3323 §4.1.1.3: an anonymous
  // From for a withheld number.
  const std::string from = info.privacy_id || calling.empty()
                               ? std::string("sip:anonymous@anonymous.invalid")
                               : "sip:" + calling + "@" + gateway_host_;
  const std::string to = "sip:" + info.to.value_or(info.called) + "@" + host;
  sipt::HeaderList extra;
  // RFC 3325 §9.1: the asserted identity only toward peers that are trusted with it.
  if (p->peer.trusted && info.asserted) {
    std::string uri = "sip:" + *info.asserted + "@" + gateway_host_;
    if (!info.cpc.empty())
      uri += ";cpc=" + info.cpc;
    extra.add(sipt::HeaderId::PAssertedIdentity, sipt::NameAddr::of(uri));
  }
  if (info.privacy_id) { // RFC 3325 §9.3
    sipt::PrivacyValue privacy;
    privacy.flags = sipt::PrivacyValue::kId;
    extra.add(sipt::HeaderId::Privacy, privacy);
  }
  // Redirection: SIP-I peers get History-Info as Q.1912.5 maps it (RFC 7544 §6), others
  // Diversion, the most recent first (RFC 5806 §4).
  if (p->profile.profile == sipt::Profile::SipI)
    cc::iw::add_history_info(extra, info.diversions, info.called, gateway_host_);
  else
    cc::iw::add_diversions(extra, info.diversions, gateway_host_);
  std::string ct;
  const bool isup = body.has_isup && p->profile.carries_isup();
  std::optional<std::string_view> sdp;
  if (!body.sdp.empty())
    sdp = body.sdp;
  const std::string bytes = sipt::build_bodies(
      p->profile, sdp, isup ? std::span<const uint8_t>(body.isup) : std::span<const uint8_t>(),
      p->profile.profile == sipt::Profile::SipI, ct);
  ++p->stats->invites_out;
  sipt::Message m = ua_->make_invite(ruri, from, to);
  extra.apply_to(m);
  if (!ct.empty() || !bytes.empty())
    m.set_body(ct, bytes);
  // §22.2/§22.3 with its credentials, §8.1.3.4 as its redirect policy says
  sipt::Call *c = ua_->invite(m, p->address, {p->credentials, p->redirect});
  if (!c) {
    ++p->stats->failures;
    MGC_LOG(Sip, Notice, "INVITE to peer %s (%s) not sent: the user agent refused it",
            p->peer.name.c_str(), host.c_str());
    return nullptr;
  }
  auto leg = std::make_unique<Leg>(*c, *p); // its Call-ID is the INVITE's, from the start
  Leg *l = leg.get();
  if (!body.sdp.empty())
    l->session.sent(body.sdp); // our offer (RFC 3264 §8: later SDPs follow its o= line)
  legs_[c->id()] = std::move(leg);
  return l;
}

} // namespace mgc::gw
