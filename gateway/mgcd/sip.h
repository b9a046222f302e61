// The SIP side of mgcd: sipt's user agent (UAS and UAC halves) turned into call control's
// SipSide / SipLeg, with per-peer profiles (plain SIP, SIP-T, SIP-I) and trust (RFC 3372 §5:
// ISUP bodies and asserted identities count only from trusted peers), peers recognised by
// their source address (the config's ACLs).
#pragma once

#include "callcontrol/call_manager.h"
#include "sipt/registration.h"
#include "sipt/sipt_body.h"
#include "sipt/uas_auth.h"
#include "sipt/user_agent.h"

#include <ctime>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

// New INVITEs from peers with credentials (RFC 3261 §22.1): challenged (401), challenged again
// for an expired nonce (stale=true, RFC 7616 §3.3), refused credentials (401 once more),
// malformed ones (400), and those that authenticated.
#define MGC_SIP_AUTH_COUNTERS(X)                                                                   \
  X(challenged) X(challenged_stale) X(credentials_refused) X(credentials_malformed)              \
  X(authenticated)
MGC_DECLARE_COUNTERS(SipAuthCounter, MGC_SIP_AUTH_COUNTERS)

namespace mgc::gw {

// RFC 7616 §5.4: how long a nonce of ours is good; a peer answers at once, and a stale nonce
// costs it one more round trip, not the call.
inline constexpr uint64_t kNonceLifetimeS = 300;

// What `show peers` tells about a SIP peer: INVITEs each way, failed ones (a 3xx-6xx or timeout
// on ours, a rejection of theirs), and the last response to an INVITE either way.
struct SipPeerStats {
  uint64_t invites_in = 0, invites_out = 0, failures = 0;
  int last_status = 0;     // 0: none yet
  bool last_sent = false;  // we sent it (to their INVITE) rather than received it
  std::time_t last_at = 0; // wall clock
  void response(int status, bool sent) {
    last_status = status;
    last_sent = sent;
    last_at = std::time(nullptr);
  }
};

struct SipPeerEntry {
  cc::SipPeer peer;
  sipt::PeerProfile profile;
  sipt::Peer address;            // where INVITEs to this peer go
  std::vector<std::string> acl;  // source hosts accepted as this peer (address.host always is)
  // Counted into by the legs (each refers to its entry).
  std::shared_ptr<SipPeerStats> stats = std::make_shared<SipPeerStats>();
  // Taken out of the configuration: kept for the legs still referring to it, matched by nothing.
  bool removed = false;
  // RFC 3261 §22: what we answer the peer's challenges with (null: none configured). A call
  // holds its own reference: a password changed live serves the calls routed afterwards.
  std::shared_ptr<const sipt::Credentials> credentials;
  bool challenge_md5_only = false; // our 401s to it offer MD5 alone
  sipt::RedirectPolicy redirect; // RFC 3261 §8.1.3.4: follow 3xx from it, and how far
  uint32_t register_expires = 0; // RFC 3261 §10.2: REGISTER with it for so long (0: never)
  // RFC 4028 for calls with this peer (its own setting or the sip node's).
  sipt::SessionTimerConfig session_timer;
};

class Sip final : public cc::SipSide, public sipt::CallEvents {
public:
  Sip(core::Scheduler &timers, sipt::TransactionLayer::SendFn send, sipt::UaConfig cfg,
      std::string gateway_host);
  ~Sip() override;

  void add_peer(SipPeerEntry p);
  // Live configuration: the peers become `next`. An entry of the same name is updated where it
  // is (its legs keep referring to it, its counters go on); a peer no longer configured is
  // marked removed (no INVITE from or to it is accepted any more; calls up finish).
  void set_peers(std::vector<SipPeerEntry> next);
  void attach(cc::CallManager &calls) { calls_ = &calls; }
  // RFC 3261 §10.2 toward the peers with `register expires N` (sip_registrations.cpp): started
  // once the transport is up, kept in step with set_peers() (a peer removed or no longer
  // registering is unREGISTERed), all removed (Expires: 0) at shutdown.
  void start_registrations();
  void stop_registrations();
  // What `show peers` adds for a peer: its credentials (never the password), how its INVITEs
  // were challenged, its registration's state.
  std::string peer_edge_text(const SipPeerEntry &p) const;
  // RFC 4028 for sources that are no configured peer (the sip node's setting).
  void set_session_timer(const sipt::SessionTimerConfig &t) { session_timer_ = t; }
  void detach() { calls_ = nullptr; } // call control is going away (shutdown)
  // Every message the SIP transports deliver.
  // `queued_ms`: how long it waited unread (-1: unknown), for overload control.
  void receive(const sipt::Message &m, const sipt::Peer &from, double queued_ms = -1);

  // cc::SipSide
  cc::SipLeg *invite(const cc::SipPeer &peer, const cc::iw::SipCallInfo &info,
                     const cc::SipBody &body) override;

  sipt::UserAgent &ua() { return *ua_; }
  uint64_t refused_unknown_peer() const { return refused_unknown_peer_; }
  uint64_t shed() const { return shed_; }
  uint64_t refused_admission() const { return refused_admission_; }
  uint64_t forbidden_in_dialog() const { return forbidden_in_dialog_; }
  const CounterSet<SipAuthCounter> &auth_counters() const { return auth_counters_; }
  const std::deque<SipPeerEntry> &peers() const { return peers_; }
  std::size_t calls_with(const std::string &peer) const; // legs in progress

  // The call context of an INVITE (RFC 3398 §7.2.1.1): Request-URI number, From (and its tag),
  // P-Asserted-Identity, Privacy, Max-Forwards, cpc, Diversion or else History-Info (RFC 5806,
  // RFC 7044/7544). Exposed for tests.
  static cc::iw::SipCallInfo call_info(const sipt::Message &invite);

private:
  class Leg;
  // sipt::CallEvents
  void on_incoming(sipt::Call &c, const sipt::Message &invite) override;
  void on_cancelled(sipt::Call &c) override;
  void on_provisional(sipt::Call &c, const sipt::Message &m) override;
  void on_answered(sipt::Call &c, const sipt::Message &m) override;
  void on_failed(sipt::Call &c, int status, const sipt::Message *m) override;
  void on_bye(sipt::Call &c, const sipt::Message &m) override;
  void on_info(sipt::Call &c, const sipt::Message &m) override;
  void bye_answer(sipt::Call &c, std::string &content_type, std::string &body) override;
  void on_terminated(sipt::Call &c) override;
  bool accept_in_dialog(sipt::Call &c, const sipt::Message &req, const sipt::Peer &from) override;
  bool on_redirect(sipt::Call &c, int status, std::string_view target,
                   sipt::Peer &next_hop) override;
  void on_reinvite(sipt::Call &c, const sipt::Message &m) override;
  bool on_update_offer(sipt::Call &c, const sipt::Message &m) override;
  void on_reinvite_ack(sipt::Call &c, const sipt::Message &ack) override;
  void on_reinvite_answered(sipt::Call &c, const sipt::Message &resp) override;
  void offer(sipt::Call &c, const sipt::Message &req); // a re-INVITE's or UPDATE's
  const sipt::SessionTimerConfig *session_timer_config(const sipt::Peer &peer) override;
  void refresh_offer(sipt::Call &c, std::string &content_type, std::string &body) override;
  void on_session_expired(sipt::Call &c) override;

  const SipPeerEntry *peer_from(const sipt::Peer &source) const;
  void sync_registrations();
  bool is_new_invite(const sipt::Message &m) const;
  void shed(const sipt::Message &invite, const sipt::Peer &from, double queued_ms);
  bool admitted(const sipt::Message &invite, const sipt::Peer &from);
  bool authenticated(const sipt::Message &invite, const sipt::Peer &from);
  Leg *leg_of(sipt::Call &c);
  static cc::SipBody body_of(const sipt::Message &m, const sipt::PeerProfile &p, Status &st);

  std::unique_ptr<sipt::UserAgent> ua_;
  std::string gateway_host_;
  cc::CallManager *calls_ = nullptr;
  std::deque<SipPeerEntry> peers_; // a leg refers to its entry: a deque does not move them
  std::map<uint64_t, std::unique_ptr<Leg>> legs_; // by sipt::Call id
  sipt::Peer current_source_;
  std::string current_identity_; // the user name the INVITE being taken authenticated as
  core::Scheduler &timers_;
  sipt::UasAuthenticator auth_;
  CounterSet<SipAuthCounter> auth_counters_;
  bool registering_ = false; // start_registrations() was called, stop_registrations() not yet
  std::map<std::string, std::unique_ptr<sipt::Registration>> registrations_; // by peer name
  std::vector<std::unique_ptr<sipt::Registration>> retiring_; // unREGISTERing
  sipt::SessionTimerConfig session_timer_;
  uint64_t refused_unknown_peer_ = 0;
  uint64_t shed_ = 0; // new INVITEs refused for overload (503)
  uint64_t refused_admission_ = 0; // new INVITEs refused by call admission (503, 403)
  uint64_t forbidden_in_dialog_ = 0; // in-dialog requests from another source than the peer
};

} // namespace mgc::gw
