// SIP-T (RFC 3372) and SIP-I (ITU-T Q.1912.5) bodies: the SDP and the encapsulated ISUP
// (RFC 3204) of a message, found in a single body or a multipart/mixed one, and built back the
// way the peer's profile expects.
#pragma once

#include "core/status.h"
#include "isup/codec.h"
#include "sipt/message.h"
#include "sipt/multipart.h"

#include <optional>
#include <string>
#include <string_view>

namespace mgc::sipt {

// How a peer speaks (configured per peer; call control reads it).
enum class Profile : uint8_t {
  Sip,  // plain SIP: no ISUP bodies; ISUP is mapped per RFC 3398
  SipT, // RFC 3372: ISUP encapsulated (RFC 3204), handling=optional in mid-call messages
  SipI, // Q.1912.5: ISUP encapsulated, 100rel required, handling=required
};
std::string_view profile_name(Profile p);
bool profile_from_name(std::string_view n, Profile &p);

struct PeerProfile {
  Profile profile = Profile::Sip;
  isup::Variant variant = isup::Variant::Itu;
  std::string isup_version = "itu-t92+"; // Content-Type version= sent (RFC 3204 §3.1)
  std::string isup_base;                  // base= sent, empty for none
  bool trusted = false;                   // only trusted peers may bring ISUP (DESIGN.md)

  bool carries_isup() const { return profile != Profile::Sip; }
  bool requires_100rel() const { return profile == Profile::SipI; }
};

struct Bodies {
  std::optional<std::string_view> sdp; // the application/sdp body or part
  std::optional<IsupBody> isup;        // the application/ISUP body or part
  std::size_t parts = 0;               // 0: no body; 1: single body; n: multipart parts
  std::size_t ignored_optional = 0;    // parts of unknown type with handling=optional
};

// Finds SDP and ISUP in `m`. Errors keep the RFC's answer: 415 for a required part of an
// unknown type (RFC 3204 §6), 400 for a malformed multipart or ISUP part.
Status extract_bodies(const Message &m, Bodies &out);

// Decodes the ISUP part with the project's codec (the no-CIC form of RFC 3204 §3.1).
isup::DecodeResult decode_isup(const IsupBody &b, const PeerProfile &peer, isup::Message &out);

// Builds the body a message to `peer` carries: SDP alone, ISUP alone, or both in a
// multipart/mixed (RFC 3204 §4 example), with `content_type` set to what goes in the header.
// `handling_required` chooses Content-Disposition handling=required or optional.
std::string build_bodies(const PeerProfile &peer, std::optional<std::string_view> sdp,
                         std::span<const uint8_t> isup, bool handling_required,
                         std::string &content_type);

} // namespace mgc::sipt
