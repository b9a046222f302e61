#include "gateway/mgcd/sip.h"

#include "callcontrol/cause_map.h"
#include "callcontrol/interworking/diversion.h"
#include "sipt/fields.h"
#include "sipt/syntax.h"

#include <charconv>

namespace mgc::gw {

namespace {

// The user part of the first sip:/sips:/tel: URI in a header value ("<sip:+4930@h>;x" ->
// "+4930").
std::string uri_user(std::string_view v) {
  for (std::string_view scheme : {"sip:", "sips:", "tel:"}) {
    const auto at = v.find(scheme);
    if (at == std::string_view::npos)
      continue;
    std::string_view rest = v.substr(at + scheme.size());
    const auto end = rest.find_first_of(scheme == "tel:" ? ";>," : "@;>,");
    return std::string(rest.substr(0, end));
  }
  return {};
}

// A "name=value" parameter from a ";a=b;c=d" string.
std::string param(std::string_view params, std::string_view name) {
  std::size_t i = 0;
  while ((i = params.find(';', i)) != std::string_view::npos) {
    ++i;
    std::string_view p = params.substr(i, params.find(';', i) - i);
    if (p.size() > name.size() && p.substr(0, name.size()) == name && p[name.size()] == '=')
      return std::string(p.substr(name.size() + 1));
  }
  return {};
}

// RFC 3326: Reason: Q.850;cause=N
std::optional<uint8_t> q850_reason(const sipt::Message &m) {
  std::optional<uint8_t> cause;
  m.for_each_value(sipt::HeaderId::Reason, [&](std::string_view v) {
    if (v.substr(0, 5) != "Q.850")
      return true;
    const std::string c = param(v, "cause");
    unsigned n = 0;
    if (!c.empty() && std::from_chars(c.data(), c.data() + c.size(), n).ec == std::errc() && n < 128)
      cause = static_cast<uint8_t>(n);
    return true;
  });
  return cause;
}

} // namespace

// One SIP half of a call, on a sipt::Call that lives until on_terminated.
class Sip::Leg final : public cc::SipLeg {
public:
  Leg(sipt::Call &c, const SipPeerEntry &p) : call(&c), peer(p), id(c.dialog().call_id) {}
  sipt::Call *call;
  const SipPeerEntry &peer; // Sip::peers_ (a deque: entries stay where they are)
  std::string id;

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
    std::string ct;
    const std::string body = bytes(b, ct);
    call->provisional(status, status == 180 ? "Ringing" : "Session Progress", ct, body,
                      peer.profile.requires_100rel());
  }
  void answer(const cc::SipBody &b) override {
    if (!call)
      return;
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
    call->bye(cause, cc::q850_cause_name(cause), ct, body);
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
  std::string call_id() const override { return id; }
};

Sip::Sip(core::Scheduler &timers, sipt::TransactionLayer::SendFn send, sipt::UaConfig cfg,
         std::string gateway_host)
    : ua_(std::make_unique<sipt::UserAgent>(timers, std::move(send), *this, std::move(cfg))),
      gateway_host_(std::move(gateway_host)) {}

Sip::~Sip() = default;

void Sip::add_peer(SipPeerEntry p) { peers_.push_back(std::move(p)); }

std::size_t Sip::calls_with(const std::string &peer) const {
  std::size_t n = 0;
  for (const auto &[id, leg] : legs_)
    n += leg->call && leg->peer.peer.name == peer;
  return n;
}

void Sip::receive(const sipt::Message &m, const sipt::Peer &from) {
  current_source_ = from;
  ua_->receive(m, from);
}

const SipPeerEntry *Sip::peer_from(const sipt::Peer &source) const {
  // A peer whose address is exactly the source (host and port) wins; then the first peer on that
  // host or with the host in its ACL. Several peers may share a host (a lab on 127.0.0.1, an SBC
  // with one address per service): the port tells them apart.
  for (const auto &p : peers_)
    if (p.address.host == source.host && p.address.port == source.port)
      return &p;
  for (const auto &p : peers_) {
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
  i.called = std::string(invite.request_uri().user);
  if (auto semi = i.called.find(';'); semi != std::string::npos)
    i.called.resize(semi); // user-part parameters (RFC 3261 §19.1.6, e.g. ";phone-context")
  const std::string from = std::string(invite.from().uri.user);
  if (!from.empty() && from != "anonymous")
    i.from = from;
  const std::string to = std::string(invite.to().uri.user);
  if (!to.empty() && to != i.called)
    i.to = to;
  if (const sipt::HeaderField *pai = invite.first(sipt::HeaderId::PAssertedIdentity)) {
    const std::string u = uri_user(pai->value);
    if (!u.empty())
      i.asserted = u;
    i.cpc = param(pai->value, "cpc");
  }
  if (i.cpc.empty())
    i.cpc = param(invite.from().uri.params, "cpc");
  invite.for_each_value(sipt::HeaderId::Privacy, [&](std::string_view v) {
    i.privacy_id = i.privacy_id || v.find("id") != std::string_view::npos;
    return true;
  });
  i.max_forwards = invite.max_forwards() < 0 ? 70 : invite.max_forwards();
  i.from_tag = std::string(invite.from().tag());
  // Redirection (RFC 3398 §7.2.1.1): Diversion, most recent first (RFC 5806 §4); without it,
  // History-Info in index order (RFC 7044), mapped as RFC 7544 §5 does.
  std::vector<cc::iw::HistoryEntry> history;
  for (const auto &f : invite.fields()) {
    if (f.state == sipt::HeaderField::State::Removed)
      continue;
    const bool diversion = sipt::iequals(f.name, "Diversion");
    if (!diversion && !sipt::iequals(f.name, "History-Info"))
      continue;
    sipt::split_list(f.value, [&](std::string_view entry) {
      if (diversion) {
        if (auto d = cc::iw::parse_diversion(entry))
          i.diversions.insert(i.diversions.begin(), *d);
      } else if (auto h = cc::iw::parse_history_info(entry)) {
        history.push_back(*h);
      }
      return true;
    });
  }
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
    c.reject(403, "Forbidden", 21); // only configured peers may call (DESIGN.md)
    return;
  }
  ++peer->stats->invites_in;
  Status st;
  cc::SipBody body = body_of(invite, peer->profile, st);
  if (!st.ok()) {
    ++peer->stats->failures;
    peer->stats->response(st.code() ? st.code() : 400, true);
    c.reject(st.code() ? st.code() : 400, st.detail(), -1);
    return;
  }
  auto leg = std::make_unique<Leg>(c, *peer);
  Leg &l = *leg;
  legs_[c.id()] = std::move(leg);
  calls_->sip_invite(l, peer->peer, call_info(invite), body);
}

void Sip::on_cancelled(sipt::Call &c) {
  if (Leg *l = leg_of(c); l && calls_)
    calls_->sip_cancelled(*l);
}

void Sip::on_provisional(sipt::Call &c, const sipt::Message &m) {
  Leg *l = leg_of(c);
  if (!l || !calls_ || m.status_code() == 100)
    return;
  l->peer.stats->response(m.status_code(), false);
  Status st;
  cc::SipBody body = body_of(m, l->peer.profile, st);
  calls_->sip_provisional(*l, m.status_code(), body);
}

void Sip::on_answered(sipt::Call &c, const sipt::Message &m) {
  Leg *l = leg_of(c);
  if (!l || !calls_)
    return;
  l->peer.stats->response(m.status_code(), false);
  Status st;
  calls_->sip_answered(*l, body_of(m, l->peer.profile, st));
}

void Sip::on_failed(sipt::Call &c, int status, const sipt::Message *m) {
  Leg *l = leg_of(c);
  if (!l || !calls_)
    return;
  ++l->peer.stats->failures;
  l->peer.stats->response(status, false);
  // no message: the transaction layer timed out or the transport failed (a local 408/503)
  calls_->sip_failed(*l, status, m ? q850_reason(*m) : std::nullopt, m == nullptr);
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

// RFC 3398 §7.2.3 / RFC 3372: the 200 to a BYE from a SIP-T/SIP-I peer carries the RLC that
// ends the encapsulated ISUP exchange.
void Sip::bye_answer(sipt::Call &c, std::string &content_type, std::string &body) {
  Leg *l = leg_of(c);
  if (!l || !l->peer.profile.carries_isup())
    return;
  static const uint8_t kRlc[] = {0x10, 0x00}; // RLC, no optional parameters (Q.763 Table 38)
  body = sipt::build_bodies(l->peer.profile, std::nullopt, kRlc, false, content_type);
}

void Sip::on_terminated(sipt::Call &c) {
  auto it = legs_.find(c.id());
  if (it == legs_.end())
    return;
  it->second->call = nullptr;
  // Call control no longer uses a leg whose SIP side is done; keep the object until the
  // process ends only if call control still references it.
  legs_.erase(it);
}

cc::SipLeg *Sip::invite(const cc::SipPeer &peer, const cc::iw::SipCallInfo &info,
                        const cc::SipBody &body) {
  const SipPeerEntry *p = nullptr;
  for (const auto &x : peers_)
    if (x.peer.name == peer.name)
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
  std::string extra;
  // RFC 3325: the asserted identity only toward peers that are trusted with it.
  if (p->peer.trusted && info.asserted) {
    extra += "P-Asserted-Identity: <sip:" + *info.asserted + "@" + gateway_host_;
    if (!info.cpc.empty())
      extra += ";cpc=" + info.cpc;
    extra += ">\r\n";
  }
  if (info.privacy_id)
    extra += "Privacy: id\r\n";
  // Redirection: SIP-I peers get History-Info as Q.1912.5 maps it (RFC 7544 §6), others
  // Diversion, the most recent first (RFC 5806 §4).
  if (p->profile.profile == sipt::Profile::SipI && !info.diversions.empty())
    extra += "History-Info: " +
             cc::iw::history_info_value(info.diversions, info.called, gateway_host_) + "\r\n";
  else
    for (auto d = info.diversions.rbegin(); d != info.diversions.rend(); ++d)
      extra += "Diversion: " + cc::iw::diversion_value(*d, gateway_host_) + "\r\n";
  std::string ct;
  const bool isup = body.has_isup && p->profile.carries_isup();
  std::optional<std::string_view> sdp;
  if (!body.sdp.empty())
    sdp = body.sdp;
  const std::string bytes = sipt::build_bodies(
      p->profile, sdp, isup ? std::span<const uint8_t>(body.isup) : std::span<const uint8_t>(),
      p->profile.profile == sipt::Profile::SipI, ct);
  ++p->stats->invites_out;
  sipt::Call *c = ua_->invite(ruri, from, to, p->address, ct, bytes, extra);
  if (!c) {
    ++p->stats->failures;
    return nullptr;
  }
  auto leg = std::make_unique<Leg>(*c, *p);
  if (leg->id.empty()) { // a UAC dialog has no Call-ID until the first response: take our own
    const std::string &inv = c->invite_bytes();
    if (auto at = inv.find("\r\nCall-ID: "); at != std::string::npos) {
      at += 11;
      leg->id = inv.substr(at, inv.find("\r\n", at) - at);
    }
  }
  Leg *l = leg.get();
  legs_[c->id()] = std::move(leg);
  return l;
}

} // namespace mgc::gw
