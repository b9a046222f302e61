// Release causes between ISUP (Q.850 cause values in the cause indicators, Q.763 §3.12) and SIP
// (status codes and the Reason header of RFC 3326), per RFC 3398 §7.2.4.1 and §8.2.6.1.
#pragma once

#include "isup/cause.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace mgc::cc {

// Q.850 §2.2.4 locations: the one table in isup/cause.h.
using CauseLocation = isup::CauseLocation;

struct SipFinal {
  int status = 0;      // 0: no response (cause 16 ends the dialog with BYE/CANCEL; 44 is not translatable)
  std::string_view reason_phrase;
};

// RFC 3398 §7.2.4.1: the SIP final response for an ISUP release cause. A 'user' location turns
// 403 into 603 (the table's (+) note); cause 22 with a diagnostic (the new number) gives 301.
SipFinal sip_final_for_cause(uint8_t cause, CauseLocation location, bool has_diagnostic = false);

struct IsupCause {
  uint8_t cause = isup::cause_value(isup::Cause::NormalUnspecified);
  CauseLocation location = CauseLocation::BeyondInterworkingPoint;
};

// RFC 3398 §8.2.6.1: the ISUP cause for a SIP final response. Location: 'user' for 6xx,
// 'network beyond interworking point' otherwise. std::nullopt for 487 (no mapping: the call was
// cancelled from this side). 488/606 map to 31 unless `bearer_warning` (a Warning about an
// unavailable bearer capability), then 65.
std::optional<IsupCause> isup_cause_for_status(int status, bool bearer_warning = false);

} // namespace mgc::cc
