// The typed MGCP message (RFC 3435 §3.1): a command (verb, transaction id, endpoint, version)
// or a response (code, transaction id, commentary), parameter lines (§3.2.2) and zero or more
// session descriptions (§3.4; an AuditConnection response carries local then remote).
// Parameter lines keep their bytes as received so a message re-encodes unchanged (STYLE.md
// "keep what you don't touch"); lines set through the API are encoded canonically.
#pragma once

#include "mgcp/catalogue.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mgc::mgcp {

// §3.2.1.2 / §3.5.2: transaction identifiers are 1..999,999,999.
inline constexpr uint32_t kMaxTransactionId = 999'999'999;

struct ParamLine {
  Param param = Param::Extension;
  std::string name;  // the name as it appeared (extensions: "X-Flower", "pkg/name")
  std::string value; // trimmed of surrounding white space
  std::string raw;   // the whole line as received, without EOL; empty once built or changed
};

struct Message {
  enum class Kind : uint8_t { Command, Response };
  Kind kind = Kind::Command;
  uint32_t transaction_id = 0;

  // Command line (§3.2.1).
  Verb verb = Verb::Auep;
  std::string verb_text; // the code as received (experimental verbs keep theirs here)
  std::string endpoint;
  std::string version = "MGCP 1.0"; // protocol and version, plus an optional profile (§3.2.1.4)

  // Response line (§3.3).
  int code = 0;
  std::string package; // 8xx codes: "/package" follows the transaction id
  std::string comment;

  std::vector<ParamLine> params;
  std::vector<std::string> sdp; // session descriptions, each with CRLF line ends

  bool is_command() const { return kind == Kind::Command; }
  bool is_response() const { return kind == Kind::Response; }

  const ParamLine *find(Param p) const;
  std::optional<std::string_view> get(Param p) const;
  // Replaces the first line of that parameter (or appends one), encoded canonically.
  void set(Param p, std::string value);
  void add_extension(std::string name, std::string value);
  void erase(Param p);

  static Message command(Verb v, uint32_t txid, std::string endpoint);
  static Message response(int code, uint32_t txid, std::string comment = {});
};

// §3.2.2.19 "confirmed transaction-id ranges", e.g. "6234-6255, 6257".
using TxRange = std::pair<uint32_t, uint32_t>;
bool parse_response_ack(std::string_view value, std::vector<TxRange> &out);
std::string format_response_ack(const std::vector<TxRange> &ranges);

} // namespace mgc::mgcp
