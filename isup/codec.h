// ISUP message codec: MTP3 user part form (CIC first, as carried in M3UA DATA) and the SIP-T
// body form without CIC (RFC 3204 §3). Pure: octets in, typed message and status out.
//
// Decoding never reads outside the input and always tells the caller what Q.764 §2.9.5 asks it
// to do with what arrived (process, pass on, discard, notify with CFN, release), with the Q.850
// cause and diagnostic to send.
#pragma once

#include "core/counters.h"
#include "core/status.h"
#include "isup/catalogue.h"
#include "isup/cause.h"
#include "isup/message.h"
#include "isup/variant.h"

#include <cstdint>
#include <span>
#include <vector>

// Every reason a decode can report, each with a stable name ("isup.<name>") and a counter.
#define MGC_ISUP_DECODE_REASONS(X)                                                                 \
  X(ok)                                                                                            \
  X(truncated_header)           /* shorter than CIC + message type */                             \
  X(unrecognized_message)       /* type not in the catalogue: Q.764 §2.9.5.3.1 */                 \
  X(missing_mandatory_parameter) /* ends inside the fixed part, pointer 0 or past the end */      \
  X(bad_mandatory_parameter)    /* mandatory contents that break Q.763 */                         \
  X(bad_pointer)                /* a pointer that points outside the message */                   \
  X(bad_optional_part)          /* an optional parameter runs past the end of the message */     \
  X(unrecognized_parameter)     /* optional parameter not known: Q.764 §2.9.5.3.2 */              \
  X(bad_optional_parameter)     /* known optional parameter with bad contents: §2.9.5.3.3 */      \
  X(too_large)                  /* more octets than the codec keeps (64 KiB) */

MGC_DECLARE_COUNTERS(IsupDecodeReason, MGC_ISUP_DECODE_REASONS)

namespace mgc::isup {

using DecodeReason = IsupDecodeReason;

// What Q.764 §2.9.5 asks of the receiver, in increasing severity.
enum class Action : uint8_t {
  Process,          // use the message (parameters listed in discard_parameters removed first)
  PassOn,           // unrecognised message at a transit exchange: pass it on unchanged
  ProcessAndNotify, // use the message and send CFN with `cause` and `diagnostic`
  DiscardMessage,   // drop the message silently
  DiscardAndNotify, // drop the message and send CFN with `cause` and `diagnostic`
  ReleaseCall,      // release the call (REL) with `cause` and `diagnostic`
};
std::string_view action_name(Action a);

struct DecodeResult {
  Status status;                     // ok, or "isup.<reason>" with the Q.850 cause as code
  DecodeReason reason = DecodeReason::ok;
  Action action = Action::Process;
  uint8_t cause = 0;                 // Q.850 cause to send with CFN/REL, 0 if none
  InlineBytes<16> diagnostic;        // Q.850 diagnostic: message type (97), parameter codes (99/110)
  InlineBytes<16> discard_parameters; // parameter codes an end node removes before use
  // The octets are exactly what encode() produces for the decoded message (pointers as the
  // encoder sets them, no trailing octets), so decode -> encode gives them back.
  bool canonical = true;
};

// Decodes `in` into `msg` (cleared first). Counts the reason in `counters` when given.
DecodeResult decode(std::span<const uint8_t> in, const DecodeOptions &opt, Message &msg,
                    CounterSet<DecodeReason> *counters = nullptr);

// Encodes `msg`: fixed and variable mandatory parameters are taken, by code, in the order of the
// catalogue; every other parameter goes to the optional part in list order.
// Into a buffer the caller owns (an M3UA DATA being built, say): `length` is the message length,
// and "isup.encode.buffer_too_small" says how many octets it would need.
Status encode(const Message &msg, const EncodeOptions &opt, std::span<uint8_t> buf,
              std::size_t &length);
// Into `out`, replacing its contents.
Status encode(const Message &msg, const EncodeOptions &opt, std::vector<uint8_t> &out);

std::string_view reason_detail(DecodeReason r); // "isup.<name>"

} // namespace mgc::isup
