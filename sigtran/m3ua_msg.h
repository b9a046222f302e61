// M3UA message codec, RFC 4666 §3 (common header §3.1, TLV parameters §3.2, messages §3.3-§3.8).
// Pure: bytes in, typed message and Status out; the Status code is the RFC 4666 §3.8.1 error
// code the receiver answers with in an ERR message. Catalogues (message types, parameter tags,
// error codes) are declared once in m3ua_catalogue.h.
#pragma once

#include "core/counters.h"
#include "core/status.h"
#include "sigtran/m3ua_catalogue.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#define MGC_M3UA_DECODE_COUNTERS(X)                                                                \
  X(ok)                                                                                            \
  X(truncated_header)                                                                              \
  X(invalid_version)                                                                               \
  X(bad_message_length)                                                                            \
  X(unsupported_message_class)                                                                     \
  X(unsupported_message_type)                                                                      \
  X(parameter_truncated)                                                                           \
  X(parameter_length)                                                                              \
  X(unexpected_parameter)                                                                          \
  X(duplicate_parameter)                                                                           \
  X(missing_parameter)                                                                             \
  X(invalid_parameter_value)                                                                       \
  X(unsupported_traffic_mode)                                                                      \
  X(invalid_stream_identifier)                                                                     \
  X(unknown_parameter_skipped)
// Declared at global scope: the macro specialises mgc::CounterNames.
MGC_DECLARE_COUNTERS(M3uaDecodeCounter, MGC_M3UA_DECODE_COUNTERS)

namespace mgc::sigtran::m3ua {

using DecodeCounter = ::M3uaDecodeCounter;
using DecodeCounters = mgc::CounterSet<DecodeCounter>;

struct Param {
  uint16_t tag = 0;
  std::vector<uint8_t> value;
  friend bool operator==(const Param &, const Param &) = default;
};

// A decoded (or to-be-encoded) M3UA message: the common header and its parameters in wire order.
struct Message {
  uint8_t version = kVersion;
  uint8_t msg_class = 0;
  uint8_t msg_type = 0;
  std::vector<Param> params;

  Message() = default;
  explicit Message(MsgType t)
      : msg_class(uint8_t(uint16_t(t) >> 8)), msg_type(uint8_t(uint16_t(t) & 0xff)) {}
  MsgType type() const { return MsgType((uint16_t(msg_class) << 8) | msg_type); }

  const Param *find(Tag t) const;
  bool has(Tag t) const { return find(t) != nullptr; }
  // The value of a 32-bit parameter (Routing Context's first entry, NA, Error Code ...).
  std::optional<uint32_t> u32(Tag t) const;
  // All 32-bit entries of a list parameter (Routing Context, Affected Point Code).
  std::vector<uint32_t> u32_list(Tag t) const;

  Message &add(Tag t, std::span<const uint8_t> v);
  Message &add_u32(Tag t, uint32_t v);
  Message &add_u32_list(Tag t, std::span<const uint32_t> v);
  Message &add_string(Tag t, std::string_view s);
  friend bool operator==(const Message &, const Message &) = default;
};

// Protocol Data parameter value (§3.3.1): the MTP3 routing label fields and the user part's bytes.
struct ProtocolData {
  uint32_t opc = 0;
  uint32_t dpc = 0;
  uint8_t si = 0;
  uint8_t ni = 0;
  uint8_t mp = 0;
  uint8_t sls = 0;
  std::vector<uint8_t> user_data;
  friend bool operator==(const ProtocolData &, const ProtocolData &) = default;
};

// Decodes one complete message. On failure, Status::code() is the §3.8.1 error code to answer
// with (0 when nothing may be answered). Unknown parameter tags are skipped (§3.2: tags outside
// the table are reserved for future extensions) and counted.
mgc::Status decode(std::span<const uint8_t> bytes, Message &out,
                   DecodeCounters *counters = nullptr);

// Syntax only: the header and TLV framing, no catalogue checks. Used to fetch Routing Contexts
// out of a message that failed the full decode, for the ERR answer.
mgc::Status decode_tlv(std::span<const uint8_t> bytes, Message &out);

// §1.4.7: DATA never on stream 0; ASPSM (but BEAT/BEAT ACK), MGMT (but NTFY) and RKM on stream 0.
mgc::Status check_stream(const Message &m, uint16_t stream);

// Sub-parameters of a nested parameter (Routing Key, Registration/Deregistration Result, §3.6).
mgc::Status decode_nested(std::span<const uint8_t> value, Message &out);
std::vector<uint8_t> encode_nested(const Message &sub);

void encode(const Message &m, std::vector<uint8_t> &out);
std::vector<uint8_t> encode(const Message &m);

// Length of the message starting at `bytes` from its header, for stream transports (TCP); 0 if
// fewer than 8 bytes are available.
uint32_t peek_length(std::span<const uint8_t> bytes);

mgc::Status decode_protocol_data(std::span<const uint8_t> value, ProtocolData &out);
std::vector<uint8_t> encode_protocol_data(const ProtocolData &pd);

// The ERR message of §3.8.1 answering `offending` (the raw bytes received) with `code`. The
// Diagnostic Information carries the first 40 octets of the offending message (mandatory for
// unsupported class/type; included always since it helps the peer). Routing contexts are
// echoed for invalid-routing-context and unexpected-message errors.
Message make_error(ErrorCode code, std::span<const uint8_t> offending,
                   std::span<const uint32_t> routing_contexts = {},
                   std::optional<uint32_t> network_appearance = std::nullopt);

// NTFY status (§3.8.2).
struct NotifyStatus {
  StatusType type;
  uint16_t info;
};
Message make_notify(StatusType type, uint16_t info, std::optional<uint32_t> asp_id,
                    std::span<const uint32_t> routing_contexts);

// Point code with the APC mask octet (§3.4.1).
struct AffectedPc {
  uint8_t mask = 0;
  uint32_t pc = 0;
};
std::vector<AffectedPc> affected_pcs(const Message &m);

} // namespace mgc::sigtran::m3ua
