// SDP (RFC 4566) as used by MGCP (RFC 3435 §3.4); see sdp.h.
#include "mgcp/sdp.h"

#include <charconv>

namespace mgc::mgcp {

namespace {

const Status kBadSdp("mgcp.bad_sdp", 509);

std::string_view next_token(std::string_view &s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  std::size_t e = s.find(' ');
  std::string_view t = s.substr(0, e);
  s = e == std::string_view::npos ? std::string_view{} : s.substr(e + 1);
  return t;
}

template <typename T> bool number(std::string_view s, T &out) {
  if (s.empty())
    return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// "c=IN IP4 1.2.3.4" -> address (RFC 4566 §5.7).
bool connection(std::string_view v, std::string &addr) {
  std::string_view nettype = next_token(v), addrtype = next_token(v), a = next_token(v);
  if (nettype.empty() || addrtype.empty() || a.empty())
    return false;
  addr = std::string(a.substr(0, a.find('/')));
  return true;
}

} // namespace

const SdpMedia *Sdp::audio() const {
  for (const auto &m : media)
    if (m.media == "audio")
      return &m;
  return nullptr;
}

std::string Sdp::audio_address() const {
  const SdpMedia *a = audio();
  if (a && !a->connection_address.empty())
    return a->connection_address;
  return connection_address;
}

Status parse_sdp(std::string_view text, Sdp &out) {
  out = Sdp{};
  bool first = true;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.empty())
      continue;
    // RFC 4566 §5: <type>=<value>, type one lower-case letter, no space around '='.
    if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z')
      return kBadSdp;
    char type = line[0];
    std::string_view v = line.substr(2);
    if (first) {
      if (type != 'v' || v != "0")
        return kBadSdp;
      first = false;
      continue;
    }
    switch (type) {
    case 'o': { // o=<user> <sess-id> <sess-version> <nettype> <addrtype> <addr>
      for (int i = 0; i < 3; ++i)
        next_token(v);
      if (!connection(v, out.origin_address))
        return kBadSdp;
      break;
    }
    case 'c': {
      std::string addr;
      if (!connection(v, addr))
        return kBadSdp;
      if (out.media.empty())
        out.connection_address = addr;
      else
        out.media.back().connection_address = addr;
      break;
    }
    case 'm': { // m=<media> <port>[/<n>] <proto> <fmt> ...
      SdpMedia m;
      m.media = std::string(next_token(v));
      std::string_view port = next_token(v);
      port = port.substr(0, port.find('/'));
      m.proto = std::string(next_token(v));
      if (m.media.empty() || !number(port, m.port) || m.proto.empty())
        return kBadSdp;
      for (std::string_view f = next_token(v); !f.empty(); f = next_token(v)) {
        int pt = 0;
        if (number(f, pt))
          m.payload_types.push_back(pt);
      }
      out.media.push_back(std::move(m));
      break;
    }
    case 'a': {
      if (v.starts_with("rtpmap:")) {
        v.remove_prefix(7);
        SdpRtpMap r;
        if (!number(next_token(v), r.payload_type))
          return kBadSdp;
        r.encoding = std::string(next_token(v));
        out.rtpmaps.push_back(std::move(r));
      } else if (v.starts_with("ptime:")) {
        number(v.substr(6), out.ptime);
      }
      break;
    }
    default:
      break;
    }
  }
  return first ? kBadSdp : Status::Ok();
}

Status check_sdp(std::string_view text) {
  bool first = true;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.empty())
      continue;
    if (line.size() < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z')
      return kBadSdp;
    std::string_view v = line.substr(2);
    if (first) {
      if (line[0] != 'v' || v != "0")
        return kBadSdp;
      first = false;
      continue;
    }
    if (line[0] == 'o') {
      for (int i = 0; i < 3; ++i)
        next_token(v);
    }
    if (line[0] == 'o' || line[0] == 'c') {
      if (next_token(v).empty() || next_token(v).empty() || next_token(v).empty())
        return kBadSdp;
    } else if (line[0] == 'm') {
      std::string_view media = next_token(v), port = next_token(v), proto = next_token(v);
      uint16_t p = 0;
      if (media.empty() || !number(port.substr(0, port.find('/')), p) || proto.empty())
        return kBadSdp;
    } else if (line[0] == 'a' && v.starts_with("rtpmap:")) {
      v.remove_prefix(7);
      int pt = 0;
      if (!number(next_token(v), pt))
        return kBadSdp;
    }
  }
  return first ? kBadSdp : Status::Ok();
}

std::string build_sdp(const SdpAudioOffer &o) {
  // Appended piece by piece: `"literal" + std::to_string(n)` inlines a std::string insert in
  // which GCC 12 at -O3 reports a false -Wrestrict (tests/build checks a Release build).
  std::string s;
  s.reserve(200);
  s.append("v=0\r\no=- ").append(std::to_string(o.session_id)).append(" 1 IN IP4 ");
  s.append(o.address).append("\r\ns=-\r\nc=IN IP4 ").append(o.address);
  s.append("\r\nt=0 0\r\nm=audio ").append(std::to_string(o.port)).append(" RTP/AVP");
  for (const auto &p : o.payloads)
    s.append(" ").append(std::to_string(p.payload_type));
  s.append("\r\n");
  for (const auto &p : o.payloads)
    if (!p.encoding.empty())
      s.append("a=rtpmap:").append(std::to_string(p.payload_type)).append(" ").append(p.encoding).append("\r\n");
  if (o.ptime > 0)
    s.append("a=ptime:").append(std::to_string(o.ptime)).append("\r\n");
  return s;
}

} // namespace mgc::mgcp
