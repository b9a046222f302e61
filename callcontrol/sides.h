// What call control needs from the SS7 side, the SIP side and the clock (DESIGN.md "Interfaces
// between layers"). Adapters in gateway/ wire them to sigtran's MTP3 service and sipt's user
// agent; tests use fakes. All calls happen on the one event loop.
#pragma once

#include "callcontrol/interworking/call_info.h"
#include "callcontrol/media_gateway.h"
#include "core/names.h"
#include "core/scheduler.h"
#include "isup/message.h"
#include "isup/variant.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mgc::cc {

// The clock is the process's one timer interface (core/scheduler.h).
using Scheduler = core::Scheduler;

// MTP-TRANSFER request for ISUP (the adapter encodes for the variant, sets SI=5, OPC, NI and the
// SLS from the CIC).
class IsupSender {
public:
  virtual ~IsupSender() = default;
  virtual void send(uint32_t dpc, const isup::Message &msg) = 0;
};

// A body to put in a SIP message: SDP and, toward SIP-T/SIP-I peers, the ISUP message
// (RFC 3204 form, no CIC). The adapter builds multipart/mixed when both are present.
struct SipBody {
  std::string sdp;
  bool has_isup = false;
  std::vector<uint8_t> isup;
};

enum class SipProfile : uint8_t { Plain, SipT, SipI };
inline constexpr auto kSipProfileNames = name_table<SipProfile>(
    {{SipProfile::Plain, "plain"}, {SipProfile::SipT, "sip-t"}, {SipProfile::SipI, "sip-i"}});
static_assert(names_unique(kSipProfileNames));

struct SipPeer {
  std::string name;
  SipProfile profile = SipProfile::Plain;
  bool trusted = false; // ISUP bodies and asserted identities are used only from trusted peers
  // The ISUP variant of the bodies exchanged with a SIP-T/SIP-I peer (RFC 3204 `version`): an
  // ANSI body read as ITU would be garbled (the IAM's mandatory parts differ, T1.113 §3).
  isup::Variant variant = isup::Variant::Itu;
};

// One SIP half of a call: the UAS of a call from SIP, or the UAC of a call to SIP.
class SipLeg {
public:
  virtual ~SipLeg() = default;
  virtual void provisional(int status, const SipBody &body) = 0; // UAS: 180 / 183
  virtual void answer(const SipBody &body) = 0;                   // UAS: 200 (+SDP)
  // UAS: final error with Reason: Q.850;cause=N (RFC 3326).
  virtual void reject(int status, uint8_t cause, const SipBody &body) = 0;
  virtual void cancel(uint8_t cause) = 0;                 // UAC before the final response
  virtual void bye(uint8_t cause, const SipBody &body) = 0; // either side once answered
  // Mid-call ISUP without a SIP equivalent (SUS, RES, CPG after answer, FAC, USR ...) toward a
  // SIP-T/SIP-I peer: INFO with the application/ISUP body (RFC 3372 §5.4?, RFC 6086 legacy INFO).
  virtual void info(const SipBody &body) = 0;
  // The peer's offer within the dialog (re-INVITE or UPDATE, RFC 3264 §8; CallManager::
  // sip_offer) is taken: answer it, from the media gateway's new description `local_sdp` (empty:
  // unchanged), or — for a re-INVITE without one — make our offer. Or refuse it: 488 (the
  // gateway could not take it, RFC 3261 §14.2), 500 with Retry-After (not now, RFC 3311 §5.2),
  // 481 (no such call); the session stays as it was.
  virtual void answer_offer(const std::string &local_sdp) = 0;
  virtual void refuse_offer(int status) = 0;
  virtual std::string call_id() const = 0;
};

class SipSide {
public:
  virtual ~SipSide() = default;
  // Sends an INVITE to `peer`; the answer comes back through CallManager's sip_* entry points
  // with the returned leg (nullptr: the peer is unknown or unusable now).
  virtual SipLeg *invite(const SipPeer &peer, const iw::SipCallInfo &info, const SipBody &body) = 0;
};

} // namespace mgc::cc
