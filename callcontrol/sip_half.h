// One SIP half-call (RFC 3261 §13, §17; RFC 3398 for what it means to the PSTN): a leg toward a
// SIP peer, its UAS or UAC machine (sip_call/), the body of the message it sends next and what a
// trusted SIP-T/SIP-I peer's ISUP body carried (RFC 3372 §5). The half is the SIP counterpart of
// IsupHalf: it decides nothing about the PSTN, it tells its user (the bridge, CallManager::Call)
// what the peer did, and the user tells it what to send. It keeps its leg registered under the
// leg's Call-ID in the index call control finds calls by (one look-up per SIP event).
#pragma once

#include "callcontrol/sides.h"
#include "callcontrol/sip_call/events.h"
#include "callcontrol/sip_call/port.h"
#include "isup/message.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mgc::cc {

namespace sip_call {
class IncomingSipCall;
class OutgoingSipCall;
} // namespace sip_call

// The calls with a SIP leg, by the leg's Call-ID (keys are views of each half's own copy).
using SipLegIndex = std::unordered_multimap<std::string_view, uint32_t>;

class SipHalf final : sip_call::Port {
public:
  class User {
  public:
    virtual ~User() = default;
    // What the peer did, as the machine judged it in its state (sip_call::Port's notifications);
    // the body of the message is body_in() meanwhile, and a trusted peer's ISUP in it is kept
    // for relay() already.
    virtual void on_provisional(SipHalf &, int status, bool early_media) = 0;
    virtual void on_answered(SipHalf &) = 0;
    virtual void on_failed(SipHalf &, int status, uint8_t cause, bool local) = 0;
    virtual void on_cancelled(SipHalf &) = 0;
    virtual void on_bye(SipHalf &, std::optional<uint8_t> cause) = 0;
    // Nothing more to do or wait for on the SIP side (done() is true).
    virtual void on_over(SipHalf &) = 0;
    virtual void on_unexpected(SipHalf &, const char *machine, const char *state,
                               const char *event) = 0;
  };

  SipHalf(SipLegIndex &index, uint32_t call_ref, User &user);
  ~SipHalf() override;
  SipHalf(const SipHalf &) = delete;
  SipHalf &operator=(const SipHalf &) = delete;

  // The peer of the call: the INVITE's sender, or the peer the call is routed to (the bodies
  // sent depend on its profile, the ISUP it sends is used only if it is trusted).
  void set_peer(const SipPeer &p) { peer_ = p; }
  const SipPeer &peer() const { return peer_; }
  // UAS: an INVITE arrived on `leg` (again when a later INVITE with more digits takes the call
  // over, RFC 3578 §3.5: the earlier leg is forgotten).
  void start_incoming(SipLeg &leg);
  // UAC: the INVITE went out on `leg` (the machine starts in Calling).
  void start_outgoing(SipLeg &leg);
  // The call ends before it has any SIP leg (no route, no peer, no media, a transit call): the
  // half is done unless a machine runs.
  void no_leg();
  // Forgets the leg (the call is over; a CANCEL still on its way is the user agent's to answer).
  void forget_leg() { set_leg(nullptr); }

  // An event for the machine, with the body of the message it may send.
  void process(const sip_call::Event &e, SipBody body = {});
  // An event from the peer, with the body of its message (body_in() while it is processed).
  void from_peer(const sip_call::Event &e, const SipBody &body);
  // Mid-call ISUP toward a SIP-T/SIP-I peer in INFO (RFC 3372 §5.4, RFC 6086); false if it does
  // not go (no leg, the SIP side over, a plain SIP peer: RFC 3398 §9.1).
  bool info(const isup::Message &msg);
  // The body of a message toward the peer: SDP, and the ISUP message if the peer takes it.
  SipBody body(const std::string &sdp, const isup::Message *isup_msg) const;
  // The peer's ISUP is used (relayed, its mid-call messages passed on) only from a trusted
  // SIP-T/SIP-I peer (RFC 3372 §5, §13).
  bool trusts_isup() const { return peer_.trusted && peer_.profile != SipProfile::Plain; }
  // A trusted peer's ISUP message of type `t` to send to the PSTN as it came; nullopt: none.
  std::optional<isup::Message> relay(isup::MessageType t);
  // The kept message, if any (a BYE's REL gives the release its cause).
  const isup::Message *relayed() const { return from_sip_.get(); }
  // Keeps `msg` (from a trusted peer's INFO) for relay().
  void keep(isup::Message msg) { from_sip_ = std::make_unique<isup::Message>(std::move(msg)); }
  // Drops the body kept for the next message (the answer is sent: a held call keeps none).
  void forget_body() { body_out_.reset(); }

  SipLeg *leg() const { return leg_; }
  bool done() const { return done_; }
  bool started() const { return in_ || out_; }
  // The machine is handling an event (and may be sending on the leg right now): what the user
  // agent does to the leg meanwhile is the half's own doing.
  bool busy() const { return depth_ > 0; }
  const char *state() const;
  const SipBody *body_in() const { return body_in_; }
  // The leg's Call-ID (kept once the leg is forgotten, for the CDR); empty before any leg.
  const std::string &call_id() const { return call_id_; }

private:
  void set_leg(SipLeg *l);
  void take_isup(const SipBody &b);

  // sip_call::Port: messages on the leg (bodies from body_out_)
  void send_provisional(int status) override;
  void send_answer() override;
  void send_reject(int status, uint8_t cause) override;
  void send_cancel(uint8_t cause) override;
  void send_bye(uint8_t cause) override;
  // sip_call::Port: what the machine tells the call
  void on_provisional(int status, bool early_media) override;
  void on_answered() override;
  void on_failed(int status, uint8_t cause, bool local) override;
  void on_cancelled() override { user_.on_cancelled(*this); }
  void on_bye(std::optional<uint8_t> cause) override;
  void on_sip_over(bool dialog_over) override;
  void on_unexpected(const char *machine, const char *state, const char *event) override {
    user_.on_unexpected(*this, machine, state, event);
  }
  const SipBody &body_out() const;

  SipLegIndex &index_;
  User &user_;
  SipLeg *leg_ = nullptr;
  std::unique_ptr<sip_call::IncomingSipCall> in_; // UAS: the INVITE came from the peer
  std::unique_ptr<sip_call::OutgoingSipCall> out_; // UAC: the INVITE went to the peer
  // The body of the next message the machine sends: held only while there is one.
  std::unique_ptr<SipBody> body_out_;
  const SipBody *body_in_ = nullptr; // the body of the peer's message being processed
  // Trusted ISUP from the peer's last message, to relay (most calls have none).
  std::unique_ptr<isup::Message> from_sip_;
  SipPeer peer_;
  std::string call_id_;
  uint32_t ref_;
  uint8_t depth_ = 0; // process() calls in progress
  bool done_ = false;
};

} // namespace mgc::cc
