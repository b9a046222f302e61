// MIME multipart bodies (RFC 2046 §5.1) and the application/ISUP body of SIP-T (RFC 3204):
// parts are views into the message body; binary parts (ISUP, S/MIME) are never copied.
#pragma once

#include "core/status.h"
#include "sipt/fields.h"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mgc::sipt {

struct BodyPart {
  std::string_view headers;      // the part's header block as received
  std::string_view content_type; // raw value; empty if absent (then text/plain, RFC 2046 §5.1)
  MediaType type;
  std::string_view disposition;  // raw Content-Disposition value, empty if absent
  MediaType disp;
  std::string_view transfer_encoding; // Content-Transfer-Encoding, empty if absent
  std::string_view content_id;
  std::string_view body;         // octets between the part's blank line and the next delimiter

  // RFC 3204 §6 / RFC 3261 §20.11: missing handling means "required".
  bool handling_required() const;
};

struct Multipart {
  static constexpr std::size_t kMaxParts = 16;
  std::array<BodyPart, kMaxParts> parts;
  std::size_t count = 0;
  std::string_view preamble, epilogue;
};

// Splits `body` at `boundary` (RFC 2046 §5.1.1). Errors: "sip.multipart_*" with code 400.
Status parse_multipart(std::string_view body, std::string_view boundary, Multipart &out);

// Builds a multipart body from parts given as (header block without the final CRLF, body).
struct PartSpec {
  std::string_view headers; // e.g. "Content-Type: application/sdp"
  std::string_view body;
};
std::string build_multipart(std::string_view boundary, std::span<const PartSpec> parts);

// application/ISUP (RFC 3204 §3.1): the ISUP message from its message type code on.
struct IsupBody {
  std::string_view version; // required parameter
  std::string_view base;    // optional
  bool required = true;     // Content-Disposition handling
  std::vector<uint8_t> bytes; // decoded octets (a copy only when base64 was used)
  std::string_view raw;       // the body as received
  bool base64 = false;
};

// `type` must be application/ISUP; `disposition` may be empty. Accepts binary (the RFC's
// encoding) and base64 on input.
Status decode_isup_body(const MediaType &type, std::string_view disposition,
                        std::string_view transfer_encoding, std::string_view body, IsupBody &out);

// RFC 2045 §6.8 base64, ignoring line breaks and white space; false on any other character.
bool base64_decode(std::string_view in, std::vector<uint8_t> &out);
std::string base64_encode(std::span<const uint8_t> in);

} // namespace mgc::sipt
