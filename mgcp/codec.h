// MGCP text codec (RFC 3435 §3): one message, or a datagram of piggy-backed messages separated
// by "." lines (§3.5.5). Pure: text in, typed message plus Status out; never throws, never reads
// outside the input. A command that fails to decode carries the §2.4 return code to answer with
// in Status::code(); every outcome is counted by name.
#pragma once

#include "core/counters.h"
#include "core/status.h"
#include "mgcp/message.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

// Every decode outcome: name and the §2.4 return code a command failing that way is answered
// with (0: never answered, e.g. a bad response, or not an error).
#define MGC_MGCP_DECODE_RESULTS(X)                                                                 \
  X(ok, 0)                                                                                         \
  X(empty_message, 0)                                                                              \
  X(bad_character, 510)                                                                            \
  X(bad_start_line, 510)                                                                           \
  X(bad_transaction_id, 510)                                                                       \
  X(unknown_verb, 504)                                                                             \
  X(bad_endpoint, 500)                                                                             \
  X(bad_version, 510)                                                                              \
  X(unsupported_version, 528)                                                                      \
  X(bad_response_line, 0)                                                                          \
  X(bad_parameter_line, 510)                                                                       \
  X(unknown_parameter, 539)                                                                        \
  X(unknown_critical_extension, 511)                                                               \
  X(forbidden_parameter, 539)                                                                      \
  X(duplicate_parameter, 510)                                                                      \
  X(missing_parameter, 510)                                                                        \
  X(bad_call_id, 516)                                                                              \
  X(bad_connection_id, 515)                                                                        \
  X(bad_connection_mode, 517)                                                                      \
  X(bad_lco_syntax, 541)                                                                           \
  X(unknown_lco, 541)                                                                              \
  X(unknown_lco_extension, 525)                                                                    \
  X(bad_lco_value, 532)                                                                            \
  X(inconsistent_lco, 524)                                                                         \
  X(bad_sdp, 509)                                                                                  \
  X(bad_restart_method, 536)                                                                       \
  X(bad_restart_delay, 510)                                                                        \
  X(bad_response_ack, 510)                                                                         \
  X(ignored_response_parameter, 0)                                                                 \
  X(bad_response_sdp, 0)                                                                           \
  X(piggybacked, 0)

namespace mgc::mgcp {
#define MGC_MGCP_ENUM2_(n, c) n,
enum class DecodeCounter : uint16_t { MGC_MGCP_DECODE_RESULTS(MGC_MGCP_ENUM2_) };
#undef MGC_MGCP_ENUM2_
} // namespace mgc::mgcp

#define MGC_MGCP_NAME2_(n, c) std::string_view(#n),
template <> struct mgc::CounterNames<mgc::mgcp::DecodeCounter> {
  static constexpr std::array names{MGC_MGCP_DECODE_RESULTS(MGC_MGCP_NAME2_)};
};
#undef MGC_MGCP_NAME2_

namespace mgc::mgcp {

using DecodeCounters = CounterSet<DecodeCounter>;

// The Status for an outcome: Status::Ok() for `ok`, else ("mgcp.<name>", return code).
Status decode_status(DecodeCounter c);

// Decodes one message. On failure `out` holds what was read before the fault (kind and, when
// it was readable, the transaction id) so the command can still be answered.
Status decode(std::string_view text, Message &out, DecodeCounters *counters = nullptr);

// §3.5.5: each piggy-backed message is decoded on its own; a fault in one does not affect the
// others.
struct DecodedPart {
  Message message;
  Status status;
};
std::vector<DecodedPart> decode_datagram(std::string_view datagram,
                                         DecodeCounters *counters = nullptr);

// Encodes with CRLF line ends; lines decoded from the wire are re-sent as they came.
void encode_append(const Message &m, std::string &out);
std::string encode(const Message &m);
// §3.5.5: messages joined by "." lines.
std::string encode_datagram(std::span<const Message> messages);

// The answer to a command that failed to decode (§2.4): a response with the status's return
// code; nullopt when there is nothing to answer (a response, or no readable transaction id).
std::optional<Message> error_response(const Message &partial, Status status);

// §3.2.2.10 LocalConnectionOptions check, exposed for the call agent's own options.
Status check_local_connection_options(std::string_view value);

} // namespace mgc::mgcp
