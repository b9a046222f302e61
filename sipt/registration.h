// A UAC's registration with a registrar (RFC 3261 §10.2): one binding of our Contact to an
// address-of-record, REGISTER sent through the user agent's transactions, answered challenges
// (§22.2, uac_auth.h), refreshed before the granted expiry (§10.2.4), retried after a failure with
// a growing back-off, and removed with Expires: 0 (§10.2.2) when stopped. The trunk peers that
// want to know where a gateway is (mgcd: `register expires N` in a peer) each get one.
#pragma once

#include "core/names.h"
#include "core/scheduler.h"
#include "sipt/uac_auth.h"
#include "sipt/user_agent.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace mgc::sipt {

struct RegistrationConfig {
  std::string registrar_uri; // Request-URI: the registrar's domain, "sip:host:port" (§10.2)
  std::string aor;           // To and From: "sip:user@host" (§10.2)
  Peer peer;                 // where REGISTER goes
  uint32_t expires_s = 3600; // asked for (§10.2.1.1); the registrar may grant less
  std::shared_ptr<const Credentials> credentials;
  // Back-off after a failure: the first retry after `retry_min_s`, doubling up to `retry_max_s`
  // (RFC 5626 §4.5's habit; RFC 3261 leaves it open).
  uint32_t retry_min_s = 30, retry_max_s = 1800;
  bool operator==(const RegistrationConfig &) const = default;
};

class Registration {
public:
  enum class State : uint8_t { Idle, Registering, Registered, Failed, Unregistering, Removed };
  // Each change of state (logged and shown by the owner).
  using ChangeFn = std::function<void(const Registration &)>;
  Registration(UserAgent &ua, core::Scheduler &timers, RegistrationConfig cfg, ChangeFn changed);
  ~Registration(); // stops its timers; an unfinished REGISTER's answer is ignored

  void start();
  // §10.2.2: the binding removed (Expires: 0), once, if there is one or one is being made.
  void stop();

  State state() const { return state_; }
  const RegistrationConfig &config() const { return cfg_; }
  // Failed: why ("403 Forbidden", "408 no response", "401 credentials refused" ...).
  const std::string &reason() const { return reason_; }
  uint32_t granted_s() const { return granted_s_; }
  // When the refresh or retry is due (ms on the scheduler's clock), 0 if none.
  int64_t next_at_ms() const { return next_at_ms_; }
  uint64_t registered_count() const { return registered_; }
  uint64_t failed_count() const { return failed_; }
  uint64_t challenges_answered() const { return challenges_; }

private:
  void send(uint32_t expires);
  void on_response(int code, const Message *r, uint32_t expires);
  void fail(std::string why);
  bool take_challenge(const Message &r); // a 401/407's challenge kept for send() to answer
  void schedule(uint32_t after_ms, bool retry);
  void set_state(State s);

  UserAgent &ua_;
  core::Scheduler &timers_;
  RegistrationConfig cfg_;
  ChangeFn changed_;
  State state_ = State::Idle;
  std::string reason_;
  std::string call_id_, from_tag_; // §10.2: one Call-ID for every REGISTER of the binding
  uint32_t cseq_ = 0;              // §10.2: incremented by one per REGISTER
  uint32_t expires_s_;   // asked for: the configured time, or a registrar's Min-Expires (423)
  uint32_t granted_s_ = 0;
  uint32_t retry_s_ = 0;
  core::Scheduler::Id timer_ = 0;
  int64_t next_at_ms_ = 0;
  // The challenge being answered: its header and realm (once per realm and request, §22.2) and
  // the nonce count for reusing its nonce on refreshes (RFC 7616 §3.4: nc counts per nonce).
  HeaderId authorization_id_ = HeaderId::Authorization;
  digest::Challenge challenge_;
  uint32_t nc_ = 0;
  bool have_challenge_ = false;
  bool answered_this_request_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  uint64_t registered_ = 0, failed_ = 0, challenges_ = 0;
};

inline constexpr std::array kRegistrationStateNames{
    NameRow<Registration::State>{Registration::State::Idle, "idle"},
    NameRow<Registration::State>{Registration::State::Registering, "registering"},
    NameRow<Registration::State>{Registration::State::Registered, "registered"},
    NameRow<Registration::State>{Registration::State::Failed, "failed"},
    NameRow<Registration::State>{Registration::State::Unregistering, "unregistering"},
    NameRow<Registration::State>{Registration::State::Removed, "removed"},
};

} // namespace mgc::sipt
