// SIP peer health by OPTIONS keepalive (RFC 3261 §11): sip_peer_health.h.
#include "gateway/mgcd/sip_peer_health.h"

#include "core/log.h"

namespace mgc::gw {

SipPeerHealth::SipPeerHealth(core::Scheduler &sched, sipt::UserAgent &ua, core::Alarms &alarms,
                             Verdict v)
    : sched_(sched), ua_(ua), alarms_(alarms), verdict_(std::move(v)) {}

SipPeerHealth::~SipPeerHealth() {
  for (auto &[name, s] : peers_)
    if (s.timer)
      sched_.stop(s.timer);
}

const char *SipPeerHealth::state_name(State s) {
  switch (s) {
  case State::Up: return "up";
  case State::Down: return "down";
  case State::Unknown: break;
  }
  return "unknown";
}

void SipPeerHealth::configure(const std::deque<SipPeerConfig> &peers) {
  std::map<std::string, Status> next;
  for (const auto &p : peers) {
    if (!p.keepalive_interval_ms || p.address.empty())
      continue;
    Status s;
    if (auto it = peers_.find(p.name); it != peers_.end()) {
      s = it->second; // its state and misses go on
      it->second.timer = 0; // moved: not stopped below
    }
    const bool changed = s.interval_ms != p.keepalive_interval_ms;
    s.interval_ms = p.keepalive_interval_ms;
    s.failures = p.keepalive_failures;
    s.address = {p.transport, p.address, p.port};
    if (changed && s.timer) {
      sched_.stop(s.timer);
      s.timer = 0;
    }
    next.emplace(p.name, s);
  }
  for (auto &[name, s] : peers_) {
    if (s.timer)
      sched_.stop(s.timer);
    if (!next.count(name)) {
      // No keepalive any more: nothing says it is down.
      if (s.state == State::Down) {
        alarms_.clear("sip-peer." + name + ".down");
        verdict_(name, true);
      }
    }
  }
  peers_ = std::move(next);
  for (auto &[name, s] : peers_)
    if (!s.timer && !s.outstanding)
      probe(name); // a new peer (or a new interval): probed at once
}

std::string SipPeerHealth::describe(const std::string &peer) const {
  const Status *s = status(peer);
  if (!s)
    return "no keepalive";
  std::string o = "keepalive every " + std::to_string(s->interval_ms) + " ms: " +
                  state_name(s->state) + ", " + std::to_string(s->misses) + " of " +
                  std::to_string(s->failures) + " unanswered";
  if (s->last_code)
    o += ", last answer " + std::to_string(s->last_code);
  return o;
}

const SipPeerHealth::Status *SipPeerHealth::status(const std::string &peer) const {
  auto it = peers_.find(peer);
  return it == peers_.end() ? nullptr : &it->second;
}

void SipPeerHealth::schedule(const std::string &peer) {
  auto it = peers_.find(peer);
  if (it == peers_.end() || it->second.timer)
    return;
  it->second.timer = sched_.start(it->second.interval_ms, [this, peer] {
    auto p = peers_.find(peer);
    if (p == peers_.end())
      return;
    p->second.timer = 0;
    probe(peer);
  });
}

void SipPeerHealth::probe(const std::string &peer) {
  auto it = peers_.find(peer);
  if (it == peers_.end())
    return;
  Status &s = it->second;
  schedule(peer); // the next one an interval after this one, answered or not
  if (s.outstanding)
    return; // one probe at a time: the last one is still in Timer F
  const std::string uri = "sip:" + s.address.host + ":" + std::to_string(s.address.port);
  std::weak_ptr<char> token = alive_;
  counters_.inc(SipHealthCounter::options_sent);
  s.outstanding = true;
  const bool sent = ua_.probe(uri, s.address, [this, token, peer](bool alive, int code) {
    if (!token.expired())
      result(peer, alive, code);
  });
  if (!sent)
    result(peer, false, 503); // the transport refused it: a failure like no answer
}

void SipPeerHealth::result(const std::string &peer, bool alive, int code) {
  auto it = peers_.find(peer);
  if (it == peers_.end())
    return;
  Status &s = it->second;
  s.outstanding = false;
  const std::string key = "sip-peer." + peer + ".down";
  if (alive) {
    counters_.inc(SipHealthCounter::options_answered);
    s.last_code = code;
    s.misses = 0;
    if (s.state != State::Up) {
      if (s.state == State::Down) {
        counters_.inc(SipHealthCounter::peers_up);
        MGC_LOG(Sip, Notice, "SIP peer %s up: OPTIONS answered %d (RFC 3261 §11)", peer.c_str(),
                code);
        alarms_.clear(key);
        verdict_(peer, true);
      }
      s.state = State::Up;
      s.since = std::time(nullptr);
    }
    return;
  }
  counters_.inc(SipHealthCounter::options_unanswered);
  ++s.misses;
  if (s.misses >= s.failures && s.state != State::Down) {
    counters_.inc(SipHealthCounter::peers_down);
    MGC_LOG(Sip, Notice, "SIP peer %s down: %u OPTIONS unanswered in a row; routing skips it",
            peer.c_str(), s.misses);
    alarms_.raise(log::Category::Sip, key,
                  "SIP peer " + peer + " answers no OPTIONS (" + std::to_string(s.misses) +
                      " in a row)");
    s.state = State::Down;
    s.since = std::time(nullptr);
    verdict_(peer, false);
  }
}

} // namespace mgc::gw
