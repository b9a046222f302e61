// H.248.1 codecs behind one API: text (Annex B, RFC 3525 ABNF) and binary (Annex A BER).
// Pure functions: bytes in, typed message (h248/message.h) plus a Status out; they never throw
// on network input and count each failure reason in a named counter.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/counters.h"
#include "core/status.h"
#include "h248/message.h"

// Decode failure reasons, shared by both encodings. Each maps to a Status detail "h248.<name>"
// and to the H.248.8 error code the answer carries (h248/codec.cpp).
#define MGC_H248_DECODE_COUNTERS(X)                                                                \
  X(ok)                                                                                            \
  X(empty)                                                                                         \
  X(bad_header)                                                                                    \
  X(bad_version)                                                                                   \
  X(bad_mid)                                                                                       \
  X(bad_transaction)                                                                               \
  X(bad_transaction_id)                                                                            \
  X(bad_context_id)                                                                                \
  X(bad_action)                                                                                    \
  X(bad_command)                                                                                   \
  X(unknown_command)                                                                               \
  X(bad_termination_id)                                                                            \
  X(unknown_descriptor)                                                                            \
  X(bad_descriptor)                                                                                \
  X(bad_property)                                                                                  \
  X(bad_value)                                                                                     \
  X(bad_sdp)                                                                                       \
  X(bad_error_descriptor)                                                                          \
  X(bad_service_change)                                                                            \
  X(bad_events)                                                                                    \
  X(bad_signals)                                                                                   \
  X(bad_digit_map)                                                                                 \
  X(bad_topology)                                                                                  \
  X(trailing_data)                                                                                 \
  X(ber_bad_tag)                                                                                   \
  X(ber_bad_length)                                                                                \
  X(ber_truncated)                                                                                 \
  X(ber_too_deep)                                                                                  \
  X(ber_unknown_name)                                                                              \
  X(ber_unsupported)                                                                               \
  X(ber_indefinite_normalised)

MGC_DECLARE_COUNTERS(H248DecodeCounter, MGC_H248_DECODE_COUNTERS)

#define MGC_H248_ENCODE_COUNTERS(X)                                                                \
  X(ok)                                                                                            \
  X(unencodable_value)                                                                             \
  X(unknown_name)                                                                                  \
  X(unsupported)

MGC_DECLARE_COUNTERS(H248EncodeCounter, MGC_H248_ENCODE_COUNTERS)

namespace mgc::h248 {

using DecodeCounters = CounterSet<H248DecodeCounter>;
using EncodeCounters = CounterSet<H248EncodeCounter>;

// The Status of a decode failure: detail "h248.<reason>", code the H.248.8 error code.
Status decode_status(H248DecodeCounter reason);
Status encode_status(H248EncodeCounter reason);

struct TextOptions {
  bool pretty = false; // long tokens, one item per line, tab indents; else compact (B.3)
};

// Annex B. On failure `out` keeps what was parsed so far (header, complete transactions and the
// transaction under way) so the caller can answer with an error (see error_reply()).
Status decode_text(std::string_view in, Message &out, DecodeCounters *counters = nullptr);
// Appends the text form of `m` to `out`.
Status encode_text(const Message &m, std::string &out, const TextOptions &opt = {},
                   EncodeCounters *counters = nullptr);

// A message identifier (clause 7.2.8 / Annex B.2 mId) as configured and shown: "[192.0.2.1]:2944",
// "[2001:db8::1]:2944", "<mgc.example.net>:2944", a device name, "MTP{...}". parse_mid accepts
// exactly what the text decoder accepts in a message header.
bool parse_mid(std::string_view text, Mid &out);
std::string mid_text(const Mid &m);

// Annex A BER, hand-written. Indefinite lengths (X.690 8.1.3.6) are first rewritten as
// definite ones (counted as ber_indefinite_normalised).
Status decode_binary(std::span<const uint8_t> in, Message &out, DecodeCounters *counters = nullptr);
Status encode_binary(const Message &m, std::vector<uint8_t> &out,
                     EncodeCounters *counters = nullptr);

// The answer to a message that failed to decode with `st` (clause 8.2.2 / 7.1.19): a
// TransactionReply carrying the error when the failing transaction request's id is known, else
// a message-level ErrorDescriptor. `partial` is what the decoder left in `out`; `own_mid` is ours.
Message error_reply(const Message &partial, Status st, const Mid &own_mid);

} // namespace mgc::h248
