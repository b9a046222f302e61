// SDP (RFC 4566) parse/build and the RFC 3264 offer/answer rules for what a trunking gateway
// carries: one audio stream of PCMA/PCMU (static payload types 8 and 0, RFC 3551) plus
// telephone-event (RFC 4733). Lines the gateway does not interpret are kept and re-emitted.
#pragma once

#include "core/status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mgc::sipt {

enum class Direction : uint8_t { SendRecv, SendOnly, RecvOnly, Inactive };
std::string_view direction_name(Direction d);

struct SdpConnection {
  std::string nettype = "IN";
  std::string addrtype = "IP4";
  std::string address;
  bool present = false;
};

struct SdpFormat {
  uint8_t pt = 0;
  std::string encoding; // from a=rtpmap, or the RFC 3551 static name
  uint32_t rate = 0;
  uint8_t channels = 1;
  std::string fmtp;     // a=fmtp parameters, without the payload type
};

struct SdpMedia {
  std::string media = "audio";
  uint16_t port = 0;
  uint16_t nports = 0; // the "/<n>" of m=, 0 if absent
  std::string proto = "RTP/AVP";
  std::vector<std::string> fmts;    // as listed on m=
  std::vector<SdpFormat> formats;   // RTP formats, in m= order
  SdpConnection conn;
  std::optional<Direction> direction; // absent: inherit the session's (RFC 4566 §6)
  uint32_t ptime = 0;
  std::vector<std::string> other;   // other lines of this media ("a=...", "b=..."), kept
  const SdpFormat *format(uint8_t pt) const;
};

struct Sdp {
  int version = 0;
  std::string origin_user = "-";
  std::string sess_id = "0";
  std::string sess_version = "0";
  SdpConnection origin;
  std::string session_name = "-";
  SdpConnection conn;
  std::string timing = "0 0";
  Direction direction = Direction::SendRecv;
  std::vector<std::string> other; // other session-level lines, kept in order
  std::vector<SdpMedia> media;

  Direction media_direction(std::size_t i) const {
    return media[i].direction.value_or(direction);
  }
  const SdpConnection &media_connection(std::size_t i) const {
    return media[i].conn.present ? media[i].conn : conn;
  }
};

// Errors: "sdp.<reason>" with code 400 (malformed) or 488 (RFC 3261 §21.4.26: nothing usable).
Status parse_sdp(std::string_view text, Sdp &out);
std::string build_sdp(const Sdp &sdp);

// RFC 3551 static payload types and RFC 4733 telephone-event, by preference.
enum class Codec : uint8_t { PCMA, PCMU, TelephoneEvent };

struct LocalMedia {
  std::string address;            // our RTP address (the media gateway's)
  uint16_t port = 0;
  std::vector<Codec> codecs{Codec::PCMA, Codec::PCMU};
  bool telephone_event = true;
  uint8_t telephone_event_pt = 101; // used in offers; answers echo the offerer's number
  uint32_t ptime = 20;
  std::string origin_user = "mgc";
  std::string sess_id = "1";
  std::string sess_version = "1";
};

// What both sides agreed for the audio stream.
struct Negotiated {
  bool ok = false;
  Codec codec = Codec::PCMA;
  uint8_t pt = 8;
  std::optional<uint8_t> telephone_event_pt;
  std::string remote_address;
  uint16_t remote_port = 0;
  Direction direction = Direction::SendRecv; // ours
  std::size_t audio_index = 0;
};

Sdp make_offer(const LocalMedia &local);
// RFC 3264 §6: answer every m-line in order; accept the first audio stream with a common codec
// (the offerer's order wins, §6.1), reject the rest with port 0. 488 if no audio is usable.
Status make_answer(const Sdp &offer, const LocalMedia &local, Sdp &answer, Negotiated &result);
// RFC 3264 §7: read the answer to our offer.
Status apply_answer(const Sdp &offer, const Sdp &answer, Negotiated &result);

} // namespace mgc::sipt
