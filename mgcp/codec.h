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

// Every decode outcome: name and the §2.4 return code (catalogue.h rc::) a command failing
// that way is answered with (0: never answered, e.g. a bad response, or not an error).
#define MGC_MGCP_DECODE_RESULTS(X)                                                                 \
  X(ok, 0)                                                                                         \
  X(empty_message, 0)                                                                              \
  X(bad_character, rc::kProtocolError)                                                             \
  X(bad_start_line, rc::kProtocolError)                                                            \
  X(bad_transaction_id, rc::kProtocolError)                                                        \
  X(unknown_verb, rc::kUnknownCommand)                                                             \
  X(bad_endpoint, rc::kUnknownEndpoint)                                                            \
  X(bad_version, rc::kProtocolError)                                                               \
  X(unsupported_version, rc::kIncompatibleVersion)                                                 \
  X(bad_response_line, 0)                                                                          \
  X(bad_parameter_line, rc::kProtocolError)                                                        \
  X(unknown_parameter, rc::kInvalidParameter)                                                      \
  X(unknown_critical_extension, rc::kUnknownExtension)                                             \
  X(forbidden_parameter, rc::kInvalidParameter)                                                    \
  X(duplicate_parameter, rc::kProtocolError)                                                       \
  X(missing_parameter, rc::kProtocolError)                                                         \
  X(bad_call_id, rc::kUnknownCallId)                                                               \
  X(bad_connection_id, rc::kIncorrectConnectionId)                                                 \
  X(bad_connection_mode, rc::kUnsupportedMode)                                                     \
  X(bad_lco_syntax, rc::kInvalidLco)                                                               \
  X(unknown_lco, rc::kInvalidLco)                                                                  \
  X(unknown_lco_extension, rc::kUnknownLcoExtension)                                               \
  X(bad_lco_value, rc::kUnsupportedLcoValue)                                                       \
  X(inconsistent_lco, rc::kInconsistentLco)                                                        \
  X(bad_sdp, rc::kBadRemoteDescriptor)                                                             \
  X(bad_restart_method, rc::kUnknownRestartMethod)                                                 \
  X(bad_restart_delay, rc::kProtocolError)                                                         \
  X(bad_response_ack, rc::kProtocolError)                                                          \
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
