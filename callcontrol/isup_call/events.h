// Events of the ISUP half-call state machines (Q.764 §2.1-2.3): messages from the far exchange,
// requests from the call (the SIP side, through call control), timer expiries. Each has a name
// for logs and the unexpected-event counters. C++17: the Boost.MSM units include it.
#pragma once

#include <cstdint>
#include <variant>

namespace mgc::cc::isup_call {

// From the far exchange (decoded ISUP).
// continuity: Q.763 §3.35 nature of connection indicators bits DC (0 not required, 1 required on
// this circuit, 2 performed on a previous circuit).
struct EvIam { static constexpr const char *name = "IAM"; uint8_t continuity = 0; };
struct EvSam { static constexpr const char *name = "SAM"; bool end_of_address = false; };
struct EvCot { static constexpr const char *name = "COT"; bool success = true; };
struct EvAcm { static constexpr const char *name = "ACM"; bool in_band = false; bool subscriber_free = true; };
struct EvCpg { static constexpr const char *name = "CPG"; uint8_t event = 0; bool in_band = false; };
struct EvAnm { static constexpr const char *name = "ANM"; };
struct EvCon { static constexpr const char *name = "CON"; };
struct EvRel { static constexpr const char *name = "REL"; uint8_t cause = 16; uint8_t location = 0; };
struct EvRlc { static constexpr const char *name = "RLC"; };
struct EvSus { static constexpr const char *name = "SUS"; bool network_initiated = false; };
struct EvRes { static constexpr const char *name = "RES"; bool network_initiated = false; };
struct EvRsc { static constexpr const char *name = "RSC"; }; // reset of this circuit by the far end
struct EvCcr { static constexpr const char *name = "CCR"; }; // continuity re-check (Q.764 §2.1.8)

// From the call (the other half, through call control).
struct EvSetupReq { static constexpr const char *name = "setup.req"; };
struct EvMoreDigitsReq { static constexpr const char *name = "more-digits.req"; bool end_of_address = false; };
struct EvAlertingReq { static constexpr const char *name = "alerting.req"; bool in_band = false; };
struct EvProgressReq { static constexpr const char *name = "progress.req"; bool in_band = true; };
struct EvAnswerReq { static constexpr const char *name = "answer.req"; };
struct EvReleaseReq { static constexpr const char *name = "release.req"; uint8_t cause = 16; uint8_t location = 0; };
// Suspend / resume asked by the other half (a SIP-T peer's encapsulated SUS/RES, Q.764 §2.5).
struct EvSuspendReq { static constexpr const char *name = "suspend.req"; bool network_initiated = true; };
struct EvResumeReq { static constexpr const char *name = "resume.req"; bool network_initiated = true; };
struct EvContinuityReq { static constexpr const char *name = "continuity.req"; bool success = true; };
// Dual seizure lost on this circuit (Q.764 §2.9.1.4): the outgoing call must be re-attempted.
struct EvDualSeizureLost { static constexpr const char *name = "dual-seizure-lost"; };

// Timer expiries (Q.764 Annex A).
struct EvT1 { static constexpr const char *name = "T1"; };
struct EvT5 { static constexpr const char *name = "T5"; };
struct EvT6 { static constexpr const char *name = "T6"; };
struct EvT7 { static constexpr const char *name = "T7"; };
struct EvT8 { static constexpr const char *name = "T8"; };
struct EvT9 { static constexpr const char *name = "T9"; };
struct EvT10 { static constexpr const char *name = "T10"; };
struct EvT16 { static constexpr const char *name = "T16"; };
struct EvT17 { static constexpr const char *name = "T17"; };
struct EvT27 { static constexpr const char *name = "T27"; };
struct EvT35 { static constexpr const char *name = "T35"; };

using Event = std::variant<EvIam, EvSam, EvCot, EvAcm, EvCpg, EvAnm, EvCon, EvRel, EvRlc, EvSus,
                           EvRes, EvRsc, EvCcr, EvSetupReq, EvMoreDigitsReq, EvAlertingReq,
                           EvProgressReq, EvAnswerReq, EvReleaseReq, EvSuspendReq, EvResumeReq,
                           EvContinuityReq, EvDualSeizureLost, EvT1, EvT5, EvT6, EvT7, EvT8, EvT9,
                           EvT10, EvT16, EvT17, EvT27, EvT35>;

inline const char *event_name(const Event &e) {
  return std::visit([](const auto &ev) { return std::decay_t<decltype(ev)>::name; }, e);
}

} // namespace mgc::cc::isup_call
