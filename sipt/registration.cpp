// RFC 3261 §10.2 registration, §22.2 challenges (see registration.h).
#include "sipt/registration.h"

#include "core/log.h"
#include "sipt/fields.h"
#include "sipt/random.h"

#include <algorithm>

namespace mgc::sipt {

Registration::Registration(UserAgent &ua, core::Scheduler &timers, RegistrationConfig cfg,
                           ChangeFn changed)
    : ua_(ua), timers_(timers), cfg_(std::move(cfg)), changed_(std::move(changed)),
      call_id_(random_hex(kCallIdBits)), from_tag_(random_hex(kTagBits)),
      expires_s_(cfg_.expires_s) {}

Registration::~Registration() {
  *alive_ = false;
  if (timer_)
    timers_.stop(timer_);
}

void Registration::set_state(State s) {
  state_ = s;
  if (changed_)
    changed_(*this);
}

void Registration::start() {
  if (state_ == State::Registering || state_ == State::Registered)
    return;
  retry_s_ = 0;
  answered_this_request_ = false;
  set_state(State::Registering);
  send(expires_s_);
}

void Registration::stop() {
  if (timer_) {
    timers_.stop(timer_);
    timer_ = 0;
  }
  next_at_ms_ = 0;
  if (state_ != State::Registered && state_ != State::Registering) {
    set_state(State::Removed);
    return;
  }
  answered_this_request_ = false;
  set_state(State::Unregistering);
  send(0); // §10.2.2: Expires 0 removes the binding of our Contact
}

void Registration::send(uint32_t expires) {
  // §10.2: the same Call-ID, To and From (with its tag) for every REGISTER of the binding, the
  // CSeq one higher each time; a new branch (a new transaction).
  const std::string tag = ";tag=" + from_tag_;
  const std::string via = ua_.via();
  RequestParts p;
  p.request_uri = cfg_.registrar_uri;
  p.from = NameAddr::of(cfg_.aor, tag);
  p.to = NameAddr::of(cfg_.aor);
  p.call_id = call_id_;
  p.cseq = ++cseq_;
  p.via = via;
  Message m = make_request(Method::REGISTER, p);
  const std::string contact = ua_.contact_uri();
  m.add(HeaderId::Contact, NameAddr::of(contact));
  m.add(HeaderId::Expires, std::to_string(expires));
  // RFC 7616 §3.4: the nonce of the last challenge serves again with the next nonce count, so a
  // refresh need not be challenged; a registrar that refuses it says stale or challenges anew.
  if (have_challenge_ && cfg_.credentials && !cfg_.credentials->empty()) {
    ++nc_;
    m.add(authorization_id_,
          digest::authorization(challenge_, cfg_.credentials->username,
                                cfg_.credentials->password, "REGISTER", cfg_.registrar_uri,
                                random_hex(96), nc_));
  }
  std::weak_ptr<bool> alive = alive_;
  const bool sent = ua_.request(m, cfg_.peer, [this, alive, expires](int code, const Message *r) {
    if (auto a = alive.lock(); a && *a)
      on_response(code, r, expires);
  });
  if (!sent) {
    if (expires == 0)
      set_state(State::Removed);
    else
      fail("transport error");
  }
}

void Registration::on_response(int code, const Message *r, uint32_t expires) {
  const std::string why =
      std::to_string(code) + " " + (r ? std::string(r->reason()) : std::string("no response"));
  if (expires == 0) { // §10.2.2: whatever the answer, the binding is ours no more
    if ((code == 401 || code == 407) && r && !answered_this_request_ && take_challenge(*r)) {
      send(0);
      return;
    }
    MGC_LOG(Sip, Info, "unREGISTER %s at %s: %s", cfg_.aor.c_str(), cfg_.registrar_uri.c_str(),
            why.c_str());
    set_state(State::Removed);
    return;
  }
  if (code >= 200 && code < 300) {
    // §10.2.4: the granted time is our Contact's expires parameter, else Expires, else asked.
    uint32_t granted = expires;
    bool from_contact = false;
    if (r) {
      const std::string ours = ua_.contact_uri();
      r->for_each_value(HeaderId::Contact, [&](std::string_view v) {
        NameAddr na;
        std::string_view e;
        uint64_t n = 0;
        if (!from_contact && parse_name_addr(v, na) && na.uri.text == ours &&
            find_generic_param(na.params, "expires", &e) && parse_uint(e, UINT32_MAX, n)) {
          granted = uint32_t(n);
          from_contact = true;
        }
      });
      uint64_t n = 0;
      if (const HeaderField *h = r->first(HeaderId::Expires);
          !from_contact && h && parse_uint(trim_lws(h->value), UINT32_MAX, n))
        granted = uint32_t(n);
    }
    if (granted == 0) { // a binding granted for no time is none (and would be refreshed at once)
      fail(why + " granting 0 s");
      return;
    }
    granted_s_ = granted;
    retry_s_ = 0;
    answered_this_request_ = false;
    reason_.clear();
    ++registered_;
    // §10.2.4: refreshed before it expires: at the latest 30 s before, at the earliest halfway.
    const uint32_t early = std::min<uint32_t>(granted / 2, 30);
    schedule((granted - early) * 1000u, false);
    MGC_LOG(Sip, Info, "registered %s at %s for %u s", cfg_.aor.c_str(),
            cfg_.registrar_uri.c_str(), unsigned(granted));
    set_state(State::Registered);
    return;
  }
  if ((code == 401 || code == 407) && r) {
    if (!cfg_.credentials || cfg_.credentials->empty()) {
      fail(why + ", no credentials configured");
      return;
    }
    // §22.2: credentials refused come back as another challenge; once per request, unless the
    // nonce was only stale (RFC 7616 §3.3).
    const bool again = answered_this_request_;
    ChallengeAnswer a;
    const Status st = answer_challenge(*r, *cfg_.credentials, "REGISTER", cfg_.registrar_uri,
                                       "-", 1, a);
    if (!st.ok()) {
      fail(why + ", challenge not answered (" + std::string(st.detail()) + ")");
      return;
    }
    if (again && !a.stale) {
      fail(why + ", credentials refused");
      return;
    }
    take_challenge(*r);
    send(expires);
    return;
  }
  if (code == 423 && r) { // §10.2.8: Interval Too Brief: ask again for at least Min-Expires
    uint64_t n = 0;
    if (const HeaderField *h = r->first(HeaderId::MinExpires);
        h && parse_uint(trim_lws(h->value), UINT32_MAX, n) && n > expires) {
      expires_s_ = uint32_t(n); // from now on; the configuration stays as it was
      send(expires_s_);
      return;
    }
  }
  fail(why);
}

bool Registration::take_challenge(const Message &r) {
  if (!cfg_.credentials || cfg_.credentials->empty())
    return false;
  ChallengeAnswer a;
  if (!answer_challenge(r, *cfg_.credentials, "REGISTER", cfg_.registrar_uri, "-", 1, a).ok())
    return false;
  answered_this_request_ = true;
  ++challenges_;
  challenge_ = std::move(a.challenge);
  authorization_id_ = a.header;
  have_challenge_ = true;
  nc_ = 0; // send() answers with nc 1 (RFC 7616 §3.4: a new nonce counts from 1)
  return true;
}

void Registration::fail(std::string why) {
  ++failed_;
  reason_ = std::move(why);
  have_challenge_ = false; // a new attempt starts without a nonce
  nc_ = 0;
  answered_this_request_ = false;
  retry_s_ = retry_s_ == 0 ? cfg_.retry_min_s : std::min(retry_s_ * 2, cfg_.retry_max_s);
  MGC_LOG(Sip, Notice, "REGISTER %s at %s failed: %s; again in %u s", cfg_.aor.c_str(),
          cfg_.registrar_uri.c_str(), reason_.c_str(), unsigned(retry_s_));
  schedule(retry_s_ * 1000u, true);
  set_state(State::Failed);
}

void Registration::schedule(uint32_t after_ms, bool retry) {
  if (timer_)
    timers_.stop(timer_);
  next_at_ms_ = timers_.now_ms() + after_ms;
  std::weak_ptr<bool> alive = alive_;
  timer_ = timers_.start(after_ms, [this, alive, retry] {
    if (auto a = alive.lock(); !a || !*a)
      return;
    timer_ = 0;
    next_at_ms_ = 0;
    answered_this_request_ = false;
    if (retry)
      set_state(State::Registering);
    send(expires_s_);
  });
}

} // namespace mgc::sipt
