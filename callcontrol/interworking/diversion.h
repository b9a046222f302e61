// Redirection between SIP and ISUP (RFC 3398 §7.2.1.1 / Q.1912.5 redirection): the SIP header
// fields that carry it, Diversion (RFC 5806) and History-Info (RFC 7044, with the RFC 4458
// "cause" URI parameter; RFC 7544 maps one onto the other), read into and written from the
// `Diversion` entries of a call's SipCallInfo. Typed values in, typed values out: sipt parses
// and prints the header values (sipt/fields.h), this file maps their meaning.
#pragma once

#include "callcontrol/interworking/call_info.h"
#include "sipt/fields.h"
#include "sipt/message.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mgc::cc::iw {

// Q.763 §3.45 redirecting reason values.
enum RedirectingReason : uint8_t {
  kReasonUnknown = 0,
  kReasonUserBusy = 1,
  kReasonNoReply = 2,
  kReasonUnconditional = 3,
  kReasonDeflectionAlerting = 4,
  kReasonDeflectionImmediate = 5,
  kReasonNotReachable = 6,
};

// RFC 5806 §4 "reason" token <-> Q.763 redirecting reason.
uint8_t reason_from_diversion(std::string_view token);
std::string_view diversion_reason(uint8_t redirecting_reason);
// RFC 4458 §3 cause value <-> Q.763 redirecting reason.
uint8_t reason_from_cause(int cause);
int cause_from_reason(uint8_t redirecting_reason);

// One received Diversion value: the diverting user's telephone number, the RFC 5806 reason
// mapped to Q.763, the counter. std::nullopt if it names no telephone number.
std::optional<Diversion> diversion_of(const sipt::DiversionValue &v);
// The same from one entry's text (`<sip:+4930123@host>;reason=user-busy;counter=1`, name-addr or
// tel URI), parsed by sipt.
std::optional<Diversion> parse_diversion(std::string_view entry);
// RFC 5806 §4: the Diversion values for a call's diversions, the most recent first, each number
// as a sip URI at `host`, one row each.
void add_diversions(sipt::HeaderList &out, const std::vector<Diversion> &diversions,
                    std::string_view host);
// The text of one Diversion value (what add_diversions() adds for it).
std::string diversion_value(const Diversion &d, std::string_view host);

// One History-Info entry (RFC 7044 §4.1): the target's number, its index and the RFC 4458 cause
// that says why the request was retargeted to it (absent for the first target).
struct HistoryEntry {
  std::string number;
  std::string index;
  std::optional<int> cause;
};
std::optional<HistoryEntry> history_entry_of(const sipt::HistoryInfoValue &v);
std::optional<HistoryEntry> parse_history_info(std::string_view entry);
// RFC 7544 §5 History-Info -> Diversion: each entry retargeted with a cause makes the entry
// before it a diverting user; oldest first.
std::vector<Diversion> diversions_from_history(const std::vector<HistoryEntry> &entries);
// RFC 7544 §6 Diversion -> History-Info: the diverting users in order, then the target
// `called`, each retargeting marked with the RFC 4458 cause of its reason; indices 1, 1.1,
// 1.1.1 ... Numbers as sip URIs at `host`; one row, entries comma-separated; nothing without
// diversions.
void add_history_info(sipt::HeaderList &out, const std::vector<Diversion> &diversions,
                      std::string_view called, std::string_view host);
// The text of that History-Info value; empty without diversions.
std::string history_info_value(const std::vector<Diversion> &diversions, std::string_view called,
                               std::string_view host);

} // namespace mgc::cc::iw
