// mgcd's registrations with the SIP trunk peers that want them (RFC 3261 §10.2; the peer's
// `register expires N`): one sipt::Registration per peer, its address-of-record the peer's
// credentials' user name at the peer's address, kept in step with the live configuration.
#include "core/log.h"
#include "gateway/mgcd/sip.h"

#include <ctime>

namespace mgc::gw {

namespace {
sipt::RegistrationConfig registration_config(const SipPeerEntry &p) {
  sipt::RegistrationConfig rc;
  const std::string hostport = p.address.host + ":" + std::to_string(p.address.port);
  rc.registrar_uri = "sip:" + hostport; // §10.2: the registrar's domain
  rc.aor = "sip:" + (p.credentials ? p.credentials->username : std::string("mgc")) + "@" +
           p.address.host;
  rc.peer = p.address;
  rc.expires_s = p.register_expires;
  rc.credentials = p.credentials;
  return rc;
}

// The same binding asked for: the credentials compared by value (each apply makes them anew).
bool same(const sipt::RegistrationConfig &a, const sipt::RegistrationConfig &b) {
  const auto cred = [](const sipt::RegistrationConfig &c) {
    return c.credentials ? *c.credentials : sipt::Credentials{};
  };
  return a.registrar_uri == b.registrar_uri && a.aor == b.aor && a.peer == b.peer &&
         a.expires_s == b.expires_s && cred(a) == cred(b);
}
} // namespace

void Sip::start_registrations() {
  registering_ = true;
  sync_registrations();
}

void Sip::stop_registrations() {
  registering_ = false;
  for (auto &[name, r] : registrations_) {
    r->stop();
    retiring_.push_back(std::move(r));
  }
  registrations_.clear();
}

void Sip::sync_registrations() {
  // unREGISTERs answered (or never needed) are done with
  std::erase_if(retiring_, [](const auto &r) {
    return r->state() == sipt::Registration::State::Removed;
  });
  if (!registering_)
    return;
  for (auto it = registrations_.begin(); it != registrations_.end();) {
    const SipPeerEntry *p = nullptr;
    for (const auto &e : peers_)
      if (!e.removed && e.peer.name == it->first)
        p = &e;
    // a peer gone, no longer registering, or registering otherwise: the old binding goes
    if (!p || !p->register_expires || !same(registration_config(*p), it->second->config())) {
      MGC_LOG(Sip, Info, "registration with peer %s: %s", it->first.c_str(),
              p && p->register_expires ? "changed, registering again" : "removed");
      it->second->stop();
      retiring_.push_back(std::move(it->second));
      it = registrations_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto &p : peers_) {
    if (p.removed || !p.register_expires || registrations_.count(p.peer.name))
      continue;
    const std::string name = p.peer.name;
    auto r = std::make_unique<sipt::Registration>(
        *ua_, timers_, registration_config(p), [name](const sipt::Registration &reg) {
          MGC_LOG(Sip, Info, "registration with peer %s: %s%s%s", name.c_str(),
                  name_of(sipt::kRegistrationStateNames, reg.state()),
                  reg.reason().empty() ? "" : ", ", reg.reason().c_str());
        });
    sipt::Registration &reg = *r;
    registrations_.emplace(name, std::move(r));
    reg.start();
  }
}

std::string Sip::peer_edge_text(const SipPeerEntry &p) const {
  std::string o;
  if (p.credentials) {
    o += "  auth username " + p.credentials->username;
    if (!p.credentials->realm.empty())
      o += " realm " + p.credentials->realm;
    o += " (password set); its INVITEs challenged (RFC 3261 §22)\n";
  }
  if (p.redirect.follow)
    o += "  3xx followed, at most " + std::to_string(p.redirect.max_redirects) + " per call\n";
  if (auto it = registrations_.find(p.peer.name); it != registrations_.end()) {
    const sipt::Registration &r = *it->second;
    o += "  registration " + r.config().aor + ": ";
    o += name_of(sipt::kRegistrationStateNames, r.state());
    const int64_t in_s = r.next_at_ms() ? (r.next_at_ms() - timers_.now_ms() + 999) / 1000 : -1;
    if (r.state() == sipt::Registration::State::Registered)
      o += " for " + std::to_string(r.granted_s()) + " s, refresh in " + std::to_string(in_s) +
           " s";
    else if (r.state() == sipt::Registration::State::Failed)
      o += " (" + r.reason() + "), again in " + std::to_string(in_s) + " s";
    o += "; registered " + std::to_string(r.registered_count()) + " times, failed " +
         std::to_string(r.failed_count()) + "\n";
  }
  return o;
}

} // namespace mgc::gw
