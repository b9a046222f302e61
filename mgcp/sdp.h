// The session descriptions MGCP carries (RFC 3435 §3.4, SDP per RFC 4566): checked for shape
// by the codec, read for the audio stream's address, port and payload types by the call agent,
// and built for the remote side of a connection.
#pragma once

#include "core/status.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mgc::mgcp {

struct SdpRtpMap {
  int payload_type = 0;
  std::string encoding; // "PCMA/8000"
};

struct SdpMedia {
  std::string media; // "audio"
  uint16_t port = 0;
  std::string proto; // "RTP/AVP"
  std::vector<int> payload_types;
  std::string connection_address; // media-level c= (empty: session level applies)
};

struct Sdp {
  std::string origin_address;
  std::string connection_address; // session-level c= address
  std::vector<SdpMedia> media;
  std::vector<SdpRtpMap> rtpmaps;
  int ptime = 0; // a=ptime, 0 when absent
  // The address of the first audio stream: media-level c= if present, else session-level.
  std::string audio_address() const;
  const SdpMedia *audio() const;
};

// Shape check and extraction (RFC 4566 §5: "v=0" first, every line "<letter>=<text>", m= with
// a numeric port). A description that is just "v=0" (an absent descriptor in an AuditConnection
// response, RFC 3435 §3.3) is accepted and yields no media.
Status parse_sdp(std::string_view text, Sdp &out);

// The same shape check as parse_sdp, without building anything (the codec's per-message check).
Status check_sdp(std::string_view text);

// A minimal audio offer for one RTP stream: v, o, s, c, t, m, a=rtpmap per payload, a=ptime.
struct SdpAudioOffer {
  std::string address; // IPv4 dotted quad
  uint16_t port = 0;
  std::vector<SdpRtpMap> payloads; // payload type + encoding name; order is preference
  int ptime = 20;
  uint64_t session_id = 1;
};
std::string build_sdp(const SdpAudioOffer &offer);

} // namespace mgc::mgcp
