// The UAS and UAC halves a B2BUA is built from (DESIGN.md "Interfaces between layers"): each
// Call is one leg with its dialog; call control drives it through Call's methods and hears
// about it through CallEvents. Covers INVITE (§13, §14 re-INVITE), CANCEL (§9), ACK and 2xx
// retransmission (§13.3.1.4), BYE (§15) with Reason (RFC 3326), reliable provisional responses
// and PRACK (RFC 3262), UPDATE (RFC 3311), INFO (RFC 6086), OPTIONS (§11).
#pragma once

#include "core/address.h"
#include "sipt/dialog.h"
#include "sipt/session_timer.h"
#include "sipt/transaction.h"
#include "sipt/uac_auth.h"
#include "sipt/uas_check.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mgc::sipt {

struct UaConfig {
  // Our address in Via and Contact when local_for gives none (an IPv6 host is bracketed, RFC
  // 3261 §19.1.1 / RFC 5118 §4).
  std::string contact_host = "127.0.0.1";
  uint16_t contact_port = 5060;
  // The listener a message to a peer leaves from (sipt::Transport::local_for): its address and
  // port go into the Via sent-by and the Contact of what is sent there (RFC 3261 §18.1.1,
  // §8.1.1.8), so that a peer reached over another listener answers there. Unset: contact_*.
  std::function<std::optional<core::Address>(const Peer &)> local_for;
  TransportKind transport = TransportKind::Udp;
  UasPolicy policy;
  std::string user_agent = "mgc";
  // RFC 6086 §5.2.2: Info Packages we take. An INFO naming another package gets 469; an INFO
  // without Info-Package is the legacy kind SIP-T peers send (RFC 6086 §2) and is accepted.
  std::vector<std::string> recv_info;
  TimerValues timers;
  // RFC 4028 session timers for peers the application gives no setting of their own
  // (CallEvents::session_timer_config).
  SessionTimerConfig session_timer;
};

class Call;

// RFC 3261 §8.1.3.4: what a UAC does with a 3xx to its INVITE. Off: the 3xx ends the attempt
// (call control maps it, RFC 3398 §8.2.6.1). On: the Contacts join the call's target set, each
// URI once (a URI already tried or listed is a loop and is skipped), and are tried one after the
// other in decreasing q (§16.6 step 1's order; no q is 1.0); a failure of one tries the next.
// At most `max_redirects` 3xx are followed per call.
struct RedirectPolicy {
  bool follow = false;
  uint8_t max_redirects = 3;
  bool operator==(const RedirectPolicy &) const = default;
};

// What a new INVITE may do on its own before its final answer reaches call control.
struct InviteOptions {
  std::shared_ptr<const Credentials> credentials; // answer 401/407 (§22.2, §22.3)
  RedirectPolicy redirect;                         // follow 3xx (§8.1.3.4)
};

// What call control implements. Every callback may call back into the Call.
class CallEvents {
public:
  virtual ~CallEvents() = default;
  virtual void on_incoming(Call &, const Message &invite) = 0; // UAS half: a new INVITE
  virtual void on_cancelled(Call &) {}                         // UAS: CANCEL before our final
  virtual void on_confirmed(Call &) {}                         // UAS: ACK for our 2xx
  virtual void on_provisional(Call &, const Message &) {}     // UAC: 1xx (early media inside)
  virtual void on_answered(Call &, const Message &) {}        // UAC: 2xx (ACK already sent)
  virtual void on_failed(Call &, int, const Message *) {}      // UAC: 3xx-6xx, 408 on timeout
  virtual void on_bye(Call &, const Message &) {}              // the peer hung up
  // The body of our 200 to that BYE (SIP-T: the RLC), empty for none.
  virtual void bye_answer(Call &, std::string &content_type, std::string &body) {
    (void)content_type;
    (void)body;
  }
  virtual void on_info(Call &, const Message &) {}             // RFC 6086 (mid-call ISUP)
  // RFC 3311: fill `answer_sdp` to answer with a body; the 200 is sent after the callback.
  virtual void on_update(Call &, const Message &, std::string &answer_sdp) { (void)answer_sdp; }
  // RFC 3311 §5.2: an UPDATE carrying an offer. True: the answer comes later, through
  // Call::answer_offer() or refuse_offer() (the media gateway has to accept it first); false:
  // on_update() answers at once.
  virtual bool on_update_offer(Call &, const Message &) { return false; }
  // A re-INVITE (§14.2), with an offer or without (then our 2xx carries the offer and the ACK
  // the answer: on_reinvite_ack). Answered with answer_reinvite()/answer_offer() or
  // refuse_offer(); one left unanswered is answered 487 when the call ends (§15.1.2).
  virtual void on_reinvite(Call &, const Message &) {}
  // The ACK for the 2xx to a re-INVITE that came without an offer: it carries the answer to
  // ours (RFC 3261 §13.2.1, §14.2; RFC 3264 §8).
  virtual void on_reinvite_ack(Call &, const Message &) {}
  // A 2xx to a re-INVITE of ours (a session refresh, RFC 4028 §10): its body is the peer's
  // answer to the offer that re-INVITE carried (RFC 3264 §8). Told of every 2xx, retransmissions
  // included (RFC 6026 §8.4: the ACK is sent again for each).
  virtual void on_reinvite_answered(Call &, const Message &) {}
  virtual void on_terminated(Call &) {}                        // the Call is freed afterwards
  // Whether a request within the call's dialog (BYE, INFO, UPDATE, re-INVITE) or a CANCEL of its
  // INVITE may come from `from`: the dialog's peer only, else 403 (a forged BYE must not end a
  // call). Default: any source.
  virtual bool accept_in_dialog(Call &, const Message &, const Peer &) { return true; }
  // UAC, §8.1.3.4: a redirect target about to be tried, sent to `next_hop` (from the URI: its
  // host, port and transport parameter; for a 305 the proxy to use). False skips it (a target
  // outside the peers a gateway may call). Default: any.
  virtual bool on_redirect(Call &, int status, std::string_view target, Peer &next_hop) {
    (void)status;
    (void)target;
    (void)next_hop;
    return true;
  }
  // RFC 4028: the session timer setting for calls with `peer` (null: UaConfig's), asked when a
  // call starts either way; it holds for the call.
  virtual const SessionTimerConfig *session_timer_config(const Peer &peer) {
    (void)peer;
    return nullptr;
  }
  // RFC 4028 §10: the body of a refresh sent as re-INVITE — the SDP we last sent, unchanged
  // (RFC 3264 §8: same o= version). Empty: the refresh goes as UPDATE without a body.
  virtual void refresh_offer(Call &, std::string &content_type, std::string &body) {
    (void)content_type;
    (void)body;
  }
  // RFC 4028 §10: the session expired without a refresh (or its refresh met 408/481 or no
  // answer); the user agent has sent BYE and the call ends when it is answered.
  virtual void on_session_expired(Call &) {}
};

class UserAgent;

class Call {
public:
  enum class State : uint8_t { Initial, Early, Answered, Confirmed, Terminated };
  bool is_uas() const { return uas_; }
  State state() const { return state_; }
  Dialog &dialog() { return dialog_; }
  uint64_t id() const { return id_; }
  // RFC 4028: the session timer in force (inactive when none was negotiated).
  SessionTimerState session_timer() const {
    return timer_ ? timer_->state : SessionTimerState{};
  }
  // The Call-ID of the call's dialog (§12): a UAC knows it from the INVITE it built, before any
  // response; a UAS from the INVITE it received.
  std::string_view call_id() const { return dialog_.call_id(); }

  // --- UAS half
  bool provisional(int code, std::string_view reason, std::string_view content_type = {},
                   std::string_view body = {}, bool reliable = false);
  bool answer(std::string_view content_type, std::string_view body);
  // `extra`: header fields of the response (a 401's WWW-Authenticate, RFC 3261 §22.1).
  bool reject(int code, std::string_view reason, int q850 = -1, const HeaderList &extra = {});
  bool answer_reinvite(std::string_view content_type, std::string_view body);
  // The pending re-INVITE or UPDATE with an offer (RFC 3264 §8): answered 200 with `body`, or
  // refused (488 Not Acceptable Here, §14.2; 500 with Retry-After when busy, RFC 3311 §5.2).
  bool answer_offer(std::string_view content_type, std::string_view body);
  bool refuse_offer(int code, std::string_view reason, int retry_after = -1);
  // A re-INVITE or UPDATE offer of the peer's waits for its answer.
  bool offer_pending() const { return reinvite_tx_ || update_tx_; }
  // --- UAC half
  bool cancel(int q850 = -1);
  // Challenges answered for this INVITE (RFC 3261 §22.2, §22.3): the realm of the last, or
  // empty if none was (what the CDR and logs carry).
  int challenges_answered() const { return int(answered_realms_.size()); }
  // 3xx followed for this INVITE (§8.1.3.4) and the Request-URI of the last target tried.
  int redirects_followed() const { return redirect_ ? redirect_->followed : 0; }
  std::string redirected_to() const { return redirect_ ? redirect_->current : std::string(); }
  const std::string &answered_realm() const {
    static const std::string kNone;
    return answered_realms_.empty() ? kNone : answered_realms_.back().second;
  }
  // --- both, once the dialog exists. `extra`: header fields the request carries besides what
  // the dialog gives it (a body's Content-Disposition, ...).
  bool bye(int q850 = 16, std::string_view text = "Normal call clearing",
           std::string_view content_type = {}, std::string_view body = {},
           const HeaderList &extra = {});
  bool info(std::string_view content_type, std::string_view body, const HeaderList &extra = {});
  bool update(std::string_view content_type, std::string_view body);
  bool reinvite(std::string_view content_type, std::string_view body);

private:
  friend class UserAgent;
  // What the INVITE transaction's time needs and a held call does not (RFC 3261 §13.3.1.4,
  // RFC 3262 §3): allocated while there is some of it, freed once there is none (shed_setup()).
  // A call that is up holds only its ids, its state and its dialog.
  struct Setup {
    // The INVITE as sent (UAC) or received (UAS), until established (the dialog holds what
    // in-dialog requests need).
    std::string invite_bytes;
    std::unique_ptr<Message> invite;
    // UAC: the ACK for the 2xx, re-sent on retransmitted 2xx until the INVITE client
    // transaction ends (RFC 6026 §7.2: Timer M; stray 2xx are dropped after it).
    std::string ack_bytes;
    std::string final_2xx; // UAS: 2xx retransmitted until ACK (§13.3.1.4)
    uint32_t final_2xx_cseq = 0; // of a re-INVITE's 2xx: the ACK that ends it has this CSeq
    uint32_t retransmit_interval = 0;
    core::Scheduler::Id retransmit_timer = 0, giveup_timer = 0;
    uint32_t rseq = 0;         // UAS: last RSeq sent
    std::string reliable_1xx;  // UAS: reliable provisional awaiting PRACK
    core::Scheduler::Id rel_timer = 0, rel_giveup = 0;
    uint32_t rel_interval = 0;
    bool idle() const {
      return !invite && invite_bytes.empty() && ack_bytes.empty() && final_2xx.empty() &&
             reliable_1xx.empty() && !retransmit_timer && !giveup_timer && !rel_timer &&
             !rel_giveup;
    }
  };
  Setup &setup(); // created on first use
  void shed_setup(); // frees it once idle
  void forget_invite(); // the INVITE has its final answer and no CANCEL can follow
  const Message *invite() const { return setup_ ? setup_->invite.get() : nullptr; }
  bool has(std::string Setup::*s) const { return setup_ && !((*setup_).*s).empty(); }

  // RFC 4028, only for a call whose peer has session timers on (a held call without them pays
  // one pointer): the setting the call started with, the timer negotiated, its two timers, what
  // a 2xx we send is to say (UAS, §9) and our pending refresh (UAC, §10).
  struct SessionTimerRun {
    SessionTimerConfig cfg;
    SessionTimerState state;
    UasSessionTimer answer; // for the 2xx to the peer's request (initial or refresh)
    uint32_t asked_s = 0;   // the interval we asked for in our last request
    uint32_t min_se_s = 0;  // the Min-SE we send (ours, raised by any 422, §7.4)
    unsigned retries_422 = 0;
    bool peer_allows_update = false;
    core::Scheduler::Id refresh_timer = 0, expire_timer = 0;
    uint64_t refresh_tx = 0;
  };
  std::unique_ptr<SessionTimerRun> timer_;

  UserAgent *ua_ = nullptr;
  uint64_t id_ = 0;
  uint64_t invite_tx_ = 0;   // the INVITE transaction (server or client)
  uint64_t reinvite_tx_ = 0; // a pending incoming re-INVITE
  uint64_t offer_tx_ = 0;    // our re-INVITE / UPDATE awaiting its final response
  uint64_t update_tx_ = 0;   // a pending incoming UPDATE with an offer (RFC 3311 §5.2)
  std::unique_ptr<Setup> setup_;
  Dialog dialog_;
  State state_ = State::Initial;
  bool uas_ = true;
  bool have_dialog_ = false;
  bool indexed_ = false; // in the UserAgent's Call-ID index
  bool provisional_seen_ = false;
  bool cancelled_ = false;
  bool offer_in_2xx_ = false; // our offer went in a re-INVITE's 2xx; its ACK brings the answer
  // UAC: the peer's credentials (null: a challenge ends the attempt), and the challenges
  // answered for this INVITE as (header answered in, realm): one answer per realm and kind, so
  // that credentials refused are not sent again (§22.2).
  std::shared_ptr<const Credentials> credentials_;
  // UAC: the redirect target set (§8.1.3.4), created by the first 3xx followed.
  struct Redirect {
    struct Target {
      double q;
      std::string uri;
      int status; // the 3xx that gave it (305: `uri` is the proxy to send the request through)
    };
    std::vector<Target> pending;  // by decreasing q
    std::vector<std::string> seen; // every URI ever in the target set, and the first Request-URI
    std::string current;           // the Request-URI (or 305 proxy) being tried
    uint8_t followed = 0;
  };
  RedirectPolicy redirect_policy_;
  std::unique_ptr<Redirect> redirect_;
  std::vector<std::pair<HeaderId, std::string>> answered_realms_;
  bool stale_retried_ = false; // one more answer for a stale nonce (RFC 7616 §3.3)
};

#define MGC_SIPT_UA_COUNTERS(X)                                                                    \
  X(calls_in) X(calls_out) X(rejected_by_checks) X(answered_481) X(answered_500_cseq)            \
  X(acks_2xx) X(retransmitted_2xx) X(no_ack_bye) X(prack_sent) X(prack_received) X(no_prack)     \
  X(options_answered) X(glare_491) X(forbidden_in_dialog) X(cancel_after_final)              \
  X(reinvites) X(update_offers) X(offers_refused) X(offers_pending_500) X(pending_487)          \
  X(challenges_answered) X(challenges_refused_again) X(challenges_unanswerable)                  \
  X(redirects_followed) X(redirect_targets_tried) X(redirect_loops_skipped)                      \
  X(redirect_targets_refused) X(redirect_hop_limit)                      \
  X(session_timers) X(session_refreshes_sent) X(session_refreshes_received)                     \
  X(session_refreshes_failed) X(session_422_sent) X(session_422_received) X(session_expired)
} // namespace mgc::sipt
MGC_DECLARE_COUNTERS(SipUaCounter, MGC_SIPT_UA_COUNTERS)
namespace mgc::sipt {

class UserAgent : public TransactionUser {
public:
  UserAgent(core::Scheduler &timers, TransactionLayer::SendFn send, CallEvents &events,
            UaConfig cfg = {});
  ~UserAgent() override;

  // Feed every message the transport delivers.
  void receive(const Message &m, const Peer &from);

  // UAC half. An INVITE as §8.1.1 builds it: Request-URI, From (the `from` URI with a new
  // tag), To, a new Call-ID, CSeq 1, Via, Max-Forwards, Contact, Allow, Supported: 100rel.
  // The caller adds header fields (typed or raw) and a body, then sends it with invite().
  Message make_invite(std::string_view request_uri, std::string_view from, std::string_view to,
                      const Peer *toward = nullptr) const;
  // Sends an INVITE that starts a new call (make_invite()'s, edited, or any INVITE outside a
  // dialog) and returns the call, whose Call-ID is the request's; null if it cannot be sent.
  // With `credentials`, a 401 or 407 is answered once per realm (RFC 3261 §22.2, §22.3): the
  // INVITE goes again with CSeq one higher, the same Call-ID and tags, and the credentials;
  // CANCEL is then built from that INVITE (§9.1) and the 2xx's ACK carries them (§13.2.2.4).
  Call *invite(const Message &request, const Peer &peer, InviteOptions options = {});
  // make_invite() + `extra` + body + invite().
  Call *invite(std::string_view request_uri, std::string_view from, std::string_view to,
               const Peer &peer, std::string_view content_type = {}, std::string_view body = {},
               const HeaderList &extra = {});

  // OPTIONS probe of a peer (§11): `done(true, code)` on any final response (the peer is
  // up, whatever it answered), `done(false, 408)` on Timer F or a transport error.
  using ProbeFn = std::function<void(bool alive, int code)>;
  bool probe(std::string_view target_uri, const Peer &peer, ProbeFn done);
  // Any request outside a dialog but INVITE (REGISTER, §10): `done(code, response)` once, on its
  // final response, or (408, null) on Timer F or a transport error. False if it was not sent.
  using ResponseFn = std::function<void(int code, const Message *response)>;
  bool request(const Message &req, const Peer &peer, ResponseFn done);

  std::size_t calls() const { return calls_.size(); }
  Call *call(uint64_t id) { return call_by_id(id); }
  TransactionLayer &transactions() { return layer_; }
  // RFC 3261 Appendix A timers changed live: every timer started from now on (a new
  // transaction's, the next retransmission of a 2xx or reliable provisional, a give-up) runs
  // with them; none running is restarted.
  void set_timer_values(const TimerValues &tv) {
    cfg_.timers = tv;
    layer_.set_timer_values(tv);
  }
  const CounterSet<SipUaCounter> &counters() const { return counters_; }
  // Our Contact URI and a fresh Via value for a message to `toward` (null: the configured
  // contact), with the address of the listener that carries it.
  std::string contact_uri(const Peer *toward = nullptr) const;
  std::string via(const Peer *toward = nullptr) const;
  // Our host (bracketed when IPv6) and port toward a peer.
  std::pair<std::string, uint16_t> local_toward(const Peer *toward) const;
  Message new_request(Method method, std::string_view request_uri, std::string_view from,
                      std::string_view to, // outside any dialog (RFC 3261 §8.1.1)
                      const Peer *toward = nullptr) const;

  // TransactionUser
  void on_request(Transaction *tx, const Message &req, const Peer &from) override;
  void on_response(Transaction &tx, const Message &resp) override;
  void on_timeout(Transaction &tx, TxEvent why) override;
  void on_terminated(Transaction &tx) override;
  std::size_t tracked_client_transactions() const {
    return client_txs_.size() + probes_.size() + requests_.size();
  }

private:
  friend class Call;
  Call *find_call(const Message &m);
  Call *call_by_id(uint64_t id);
  void index(Call &c); // once it has a dialog: found by its Call-ID from then on
  void terminate(Call &c);
  void reap();
  void respond(Transaction &tx, const Message &req, int code, std::string_view reason,
               const HeaderList &extra = {}, std::string_view to_tag = {});
  // Sends a request the dialog built (Dialog::make_request) with `extra` and the body added.
  Transaction *send_in_dialog(Call &c, Message &req, const HeaderList &extra = {},
                              std::string_view content_type = {}, std::string_view body = {});
  void start_2xx_retransmit(Call &c);
  void stop_2xx_retransmit(Call &c);
  void schedule_2xx(uint64_t call_id);
  void schedule_1xx(uint64_t call_id);
  void on_uac_invite_response(Call &c, const Message &resp);
  // A 401/407 to the call's INVITE answered by sending it again with credentials.
  bool answer_invite_challenge(Call &c, const Message &resp);
  // A 3xx's Contacts added to the target set (§8.1.3.4); then, after a 3xx or a failure of a
  // redirect target, the next target tried. False: nothing (more) to try.
  void add_redirect_targets(Call &c, const Message &resp);
  bool try_next_redirect_target(Call &c, int status);
  // The call's INVITE sent again as a new transaction (CSeq one higher, new branch; §8.1.3.4,
  // §22.2) to `peer`; the call follows the new transaction.
  bool resend_invite(Call &c, Message &m, const Peer &peer);
  // RFC 4028 (ua_session_timer.cpp).
  const SessionTimerConfig &session_cfg(const Peer &peer);
  // §9: a request from the peer (initial or refresh) checked against `cfg`, the decision in
  // `out`; false: answered 422.
  bool session_check_request(Transaction &tx, const Message &req, const SessionTimerConfig &cfg,
                             UasSessionTimer &out, bool in_dialog);
  // §9: the 2xx we send to the peer's request says what was decided; the timers start.
  void session_answer(Call &c, Message &resp);
  void session_started(Call &c);
  // §7.1: an INVITE of ours asks for a session timer (a copy with the header fields added).
  std::unique_ptr<Message> session_invite(const Message &req, const SessionTimerConfig &cfg,
                                          std::string &storage);
  // §7.2 / §7.4: a final response to our INVITE or refresh; true: it was a 422 and the request
  // went again with the larger interval.
  bool session_retry_invite(Call &c, const Message &resp);
  void session_uac_answered(Call &c, const Message &resp);
  void session_refresh_answered(Call &c, const Message &resp);
  void session_refresh(uint64_t call_id);
  void session_expire(uint64_t call_id, const char *why);
  void session_stop(Call &c);

  core::Scheduler &timers_;
  TransactionLayer::SendFn send_;
  CallEvents &events_;
  UaConfig cfg_;
  TransactionLayer layer_;
  std::unordered_map<uint64_t, std::unique_ptr<Call>> calls_;
  // In-dialog requests and responses find their call by Call-ID (part of every dialog id, RFC
  // 3261 §12), a CANCEL by the INVITE server transaction it names (§9.2): one lookup each, not a
  // scan over every call. Terminated calls wait in terminated_ until reap() frees them.
  // The Call-ID index holds the Call-ID's hash, not a copy of it: the dialog has the Call-ID,
  // and find_call() compares it (Dialog::matches).
  std::unordered_multimap<std::size_t, Call *> by_call_id_;
  // INVITE server tx id -> call id, while the transaction exists (a CANCEL names it).
  std::unordered_map<uint64_t, uint64_t> uas_by_invite_tx_;
  std::vector<uint64_t> terminated_;
  std::map<uint64_t, std::pair<uint64_t, Method>> client_txs_; // tx id -> (call id, method)
  std::map<uint64_t, ProbeFn> probes_;                          // tx id -> OPTIONS probe
  std::map<uint64_t, ResponseFn> requests_;                     // tx id -> request()'s caller
  uint64_t next_call_ = 0;
  CounterSet<SipUaCounter> counters_;
};

} // namespace mgc::sipt
