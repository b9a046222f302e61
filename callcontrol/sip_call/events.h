// Events of the SIP half-call state machines (RFC 3261 §13, §15, §17; RFC 3398 §7-§10): requests
// and responses from the SIP peer as the user agent reports them, and requests from the other
// half of the call (the ISUP side, through call control). Each has a name for the unexpected-event
// reports. Bodies stay with the owner (call control builds and reads them); the machines only
// decide which SIP message goes out. C++17: the Boost.MSM units include it.
#pragma once

#include <cstdint>
#include <optional>
#include <variant>

namespace mgc::cc::sip_call {

// From the SIP peer. The user agent answers CANCEL (200 + 487 to the INVITE, RFC 3261 §9.2) and
// BYE (200, §15.1.2) itself, and acknowledges 2xx and final errors (§13.2.2.4, §17.1.1.3).
struct EvCancel { static constexpr const char *name = "CANCEL"; };
// Reason: Q.850 (RFC 3326) when the BYE carried one.
struct EvBye { static constexpr const char *name = "BYE"; std::optional<uint8_t> cause; };
// UAC: a provisional response other than 100 (the transaction layer absorbs 100 Trying).
struct EvProvisional { static constexpr const char *name = "1xx"; int status = 180; bool early_media = false; };
struct EvAnswered { static constexpr const char *name = "2xx"; };
// UAC: a final error (3xx-6xx) with the Q.850 cause the call uses for it (Reason, or RFC 3398
// §8.2.6.1); `local`: no response came (Timer B, transport error: RFC 3261 §8.1.3.1).
struct EvFailed { static constexpr const char *name = "final-error"; int status = 500; uint8_t cause = 16; bool local = false; };

// From the other half (call control).
// UAS: progress toward the caller, 180 or 183 (RFC 3398 §7.2.5, §7.2.6 ACM; §7.2.9 CPG).
struct EvProgressReq { static constexpr const char *name = "progress.req"; int status = 180; };
// UAS: the call is answered (RFC 3398 §7.2.7 ANM/CON).
struct EvAnswerReq { static constexpr const char *name = "answer.req"; };
// UAS: the call cannot be completed: a final error (RFC 3261 §13.3.1.3) with a Q.850 Reason.
struct EvRejectReq { static constexpr const char *name = "reject.req"; int status = 480; uint8_t cause = 16; };
// Either side: the other half is gone; the machine picks the SIP message for its state (CANCEL,
// BYE or, from a UAS that has not answered, the final error `status`).
struct EvHangupReq { static constexpr const char *name = "hangup.req"; uint8_t cause = 16; int status = 480; };

using Event = std::variant<EvCancel, EvBye, EvProvisional, EvAnswered, EvFailed, EvProgressReq,
                           EvAnswerReq, EvRejectReq, EvHangupReq>;

inline const char *event_name(const Event &e) {
  return std::visit([](const auto &ev) { return std::decay_t<decltype(ev)>::name; }, e);
}

} // namespace mgc::cc::sip_call
