// RFC 4566 §5 line grammar ("<type>=<value>", fixed order of session then media sections);
// RFC 3264 §5-§7 offer/answer; RFC 3551 §6 static payload types; RFC 4733 §7 telephone-event.
#include "sipt/sdp.h"

#include "sipt/syntax.h"

#include <charconv>

namespace mgc::sipt {
namespace {

Status sdp_error(std::string_view d) { return Status(d, 400); }

struct StaticPt {
  uint8_t pt;
  std::string_view name;
  uint32_t rate;
};
constexpr StaticPt kStatic[] = {{0, "PCMU", 8000}, {3, "GSM", 8000},  {4, "G723", 8000},
                                {8, "PCMA", 8000}, {9, "G722", 8000}, {18, "G729", 8000}};

std::vector<std::string_view> split_ws(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ')
      ++i;
    std::size_t b = i;
    while (i < s.size() && s[i] != ' ')
      ++i;
    if (i > b)
      out.push_back(s.substr(b, i - b));
  }
  return out;
}

bool to_u32(std::string_view s, uint32_t &v) {
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool parse_conn(std::string_view v, SdpConnection &c) {
  auto f = split_ws(v);
  if (f.size() != 3)
    return false;
  c.nettype = f[0];
  c.addrtype = f[1];
  c.address = f[2];
  c.present = true;
  return true;
}

std::optional<Direction> direction_of(std::string_view a) {
  if (a == "sendrecv")
    return Direction::SendRecv;
  if (a == "sendonly")
    return Direction::SendOnly;
  if (a == "recvonly")
    return Direction::RecvOnly;
  if (a == "inactive")
    return Direction::Inactive;
  return std::nullopt;
}

// RFC 3264 §6.1: the answer's direction mirrors the offer's.
Direction mirror(Direction d) {
  switch (d) {
  case Direction::SendOnly:
    return Direction::RecvOnly;
  case Direction::RecvOnly:
    return Direction::SendOnly;
  default:
    return d;
  }
}

std::string_view codec_name(Codec c) {
  switch (c) {
  case Codec::PCMA:
    return "PCMA";
  case Codec::PCMU:
    return "PCMU";
  case Codec::TelephoneEvent:
    return "telephone-event";
  }
  return "";
}

uint8_t codec_static_pt(Codec c) { return c == Codec::PCMU ? 0 : 8; }

bool format_is(const SdpFormat &f, Codec c) {
  if (c == Codec::TelephoneEvent)
    return iequals(f.encoding, "telephone-event") && f.rate == 8000;
  return iequals(f.encoding, codec_name(c)) && f.rate == 8000 && f.channels == 1;
}

void add_format(SdpMedia &m, uint8_t pt, std::string_view name, uint32_t rate,
                std::string_view fmtp = {}) {
  m.fmts.push_back(std::to_string(pt));
  SdpFormat f;
  f.pt = pt;
  f.encoding = name;
  f.rate = rate;
  f.fmtp = fmtp;
  m.formats.push_back(f);
}

} // namespace

std::string_view direction_name(Direction d) {
  switch (d) {
  case Direction::SendRecv:
    return "sendrecv";
  case Direction::SendOnly:
    return "sendonly";
  case Direction::RecvOnly:
    return "recvonly";
  case Direction::Inactive:
    return "inactive";
  }
  return "";
}

const SdpFormat *SdpMedia::format(uint8_t pt) const {
  for (const auto &f : formats)
    if (f.pt == pt)
      return &f;
  return nullptr;
}

Status parse_sdp(std::string_view text, Sdp &s) {
  s = Sdp{};
  bool seen_v = false, seen_o = false, seen_s = false;
  SdpMedia *cur = nullptr;
  std::size_t p = 0;
  while (p < text.size()) {
    std::size_t e = text.find('\n', p);
    std::string_view line = text.substr(p, e == std::string_view::npos ? e : e - p);
    p = e == std::string_view::npos ? text.size() : e + 1;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.empty())
      continue; // tolerated: trailing blank lines
    // RFC 4566 §5: "<type>=<value>", no whitespace around '=' (RFC 4475 dblreq has "m =").
    if (line.size() < 2 || line[1] != '=' || !is(line[0], cc::kAlpha))
      return sdp_error("sdp.bad_line");
    char type = line[0];
    std::string_view v = line.substr(2);
    if (!seen_v && type != 'v')
      return sdp_error("sdp.version_not_first");
    switch (type) {
    case 'v':
      if (seen_v || v != "0")
        return sdp_error("sdp.bad_version");
      seen_v = true;
      break;
    case 'o': {
      auto f = split_ws(v);
      if (seen_o || f.size() != 6)
        return sdp_error("sdp.bad_origin");
      s.origin_user = f[0];
      s.sess_id = f[1];
      s.sess_version = f[2];
      s.origin.nettype = f[3];
      s.origin.addrtype = f[4];
      s.origin.address = f[5];
      s.origin.present = true;
      seen_o = true;
      break;
    }
    case 's':
      s.session_name = v;
      seen_s = true;
      break;
    case 'c':
      if (!parse_conn(v, cur ? cur->conn : s.conn))
        return sdp_error("sdp.bad_connection");
      break;
    case 't':
      if (!cur)
        s.timing = v;
      break;
    case 'm': {
      auto f = split_ws(v);
      if (f.size() < 4)
        return sdp_error("sdp.bad_media");
      SdpMedia m;
      m.media = f[0];
      std::string_view port = f[1];
      std::size_t slash = port.find('/');
      uint32_t n;
      if (!to_u32(port.substr(0, slash), n) || n > 65535)
        return sdp_error("sdp.bad_media_port");
      m.port = uint16_t(n);
      if (slash != std::string_view::npos) {
        if (!to_u32(port.substr(slash + 1), n) || n > 65535)
          return sdp_error("sdp.bad_media_port");
        m.nports = uint16_t(n);
      }
      m.proto = f[2];
      bool rtp = m.proto.rfind("RTP/", 0) == 0;
      for (std::size_t i = 3; i < f.size(); ++i) {
        m.fmts.emplace_back(f[i]);
        if (rtp) {
          if (!to_u32(f[i], n) || n > 127)
            return sdp_error("sdp.bad_payload_type");
          SdpFormat fmt;
          fmt.pt = uint8_t(n);
          for (const auto &st : kStatic)
            if (st.pt == n) {
              fmt.encoding = st.name;
              fmt.rate = st.rate;
            }
          m.formats.push_back(fmt);
        }
      }
      s.media.push_back(std::move(m));
      cur = &s.media.back();
      break;
    }
    case 'a': {
      std::size_t colon = v.find(':');
      std::string_view name = v.substr(0, colon);
      std::string_view val = colon == std::string_view::npos ? std::string_view() : v.substr(colon + 1);
      if (auto d = direction_of(name)) {
        if (cur)
          cur->direction = *d;
        else
          s.direction = *d;
        break;
      }
      if (cur && name == "rtpmap") {
        // a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]
        std::size_t sp = val.find(' ');
        uint32_t pt;
        if (sp == std::string_view::npos || !to_u32(val.substr(0, sp), pt) || pt > 127)
          return sdp_error("sdp.bad_rtpmap");
        std::string_view enc = val.substr(sp + 1);
        std::size_t s1 = enc.find('/');
        uint32_t rate = 0;
        if (s1 == std::string_view::npos) { // no clock rate (RFC 4475's "a=rtpmap:31 LPC")
          for (auto &f : cur->formats)
            if (f.pt == pt)
              f.encoding = enc;
          break;
        }
        std::string_view rest = enc.substr(s1 + 1);
        std::size_t s2 = rest.find('/');
        if (!to_u32(rest.substr(0, s2), rate))
          return sdp_error("sdp.bad_rtpmap");
        uint32_t ch = 1;
        if (s2 != std::string_view::npos && (!to_u32(rest.substr(s2 + 1), ch) || ch > 255))
          return sdp_error("sdp.bad_rtpmap");
        for (auto &f : cur->formats)
          if (f.pt == pt) {
            f.encoding = enc.substr(0, s1);
            f.rate = rate;
            f.channels = uint8_t(ch);
          }
        break;
      }
      if (cur && name == "fmtp") {
        std::size_t sp = val.find(' ');
        uint32_t pt;
        if (sp != std::string_view::npos && to_u32(val.substr(0, sp), pt))
          for (auto &f : cur->formats)
            if (f.pt == pt)
              f.fmtp = val.substr(sp + 1);
        break;
      }
      if (cur && name == "ptime") {
        uint32_t pt;
        if (to_u32(val, pt))
          cur->ptime = pt;
        break;
      }
      (cur ? cur->other : s.other).emplace_back(line);
      break;
    }
    default:
      (cur ? cur->other : s.other).emplace_back(line);
      break;
    }
  }
  if (!seen_v || !seen_o || !seen_s)
    return sdp_error("sdp.missing_mandatory_line");
  // RFC 4566 §5.7: every media needs a connection, at session or media level (port 0 aside).
  for (std::size_t i = 0; i < s.media.size(); ++i)
    if (s.media[i].port != 0 && !s.media_connection(i).present)
      return sdp_error("sdp.missing_connection");
  return Status::Ok();
}

std::string build_sdp(const Sdp &s) {
  std::string o;
  auto line = [&o](char t, std::string_view v) {
    o.push_back(t);
    o.push_back('=');
    o.append(v);
    o.append("\r\n");
  };
  line('v', std::to_string(s.version));
  line('o', s.origin_user + " " + s.sess_id + " " + s.sess_version + " " + s.origin.nettype + " " +
                s.origin.addrtype + " " + s.origin.address);
  line('s', s.session_name);
  if (s.conn.present)
    line('c', s.conn.nettype + " " + s.conn.addrtype + " " + s.conn.address);
  line('t', s.timing);
  for (const auto &l : s.other)
    o.append(l).append("\r\n");
  if (s.direction != Direction::SendRecv)
    line('a', direction_name(s.direction));
  for (const auto &m : s.media) {
    std::string ml = m.media + " " + std::to_string(m.port);
    if (m.nports)
      ml += "/" + std::to_string(m.nports);
    ml += " " + m.proto;
    for (const auto &f : m.fmts)
      ml += " " + f;
    line('m', ml);
    if (m.conn.present)
      line('c', m.conn.nettype + " " + m.conn.addrtype + " " + m.conn.address);
    for (const auto &f : m.formats) {
      if (f.encoding.empty())
        continue;
      std::string r = "rtpmap:" + std::to_string(f.pt) + " " + f.encoding + "/" +
                      std::to_string(f.rate);
      if (f.channels > 1)
        r += "/" + std::to_string(f.channels);
      line('a', r);
      if (!f.fmtp.empty())
        line('a', "fmtp:" + std::to_string(f.pt) + " " + f.fmtp);
    }
    if (m.ptime)
      line('a', "ptime:" + std::to_string(m.ptime));
    for (const auto &l : m.other)
      o.append(l).append("\r\n");
    if (m.direction)
      line('a', direction_name(*m.direction));
  }
  return o;
}

Sdp make_offer(const LocalMedia &l) {
  Sdp s;
  s.origin_user = l.origin_user;
  s.sess_id = l.sess_id;
  s.sess_version = l.sess_version;
  bool v6 = l.address.find(':') != std::string::npos;
  s.origin.addrtype = v6 ? "IP6" : "IP4";
  s.origin.address = l.address;
  s.conn = s.origin;
  s.conn.present = true;
  SdpMedia m;
  m.port = l.port;
  for (Codec c : l.codecs)
    add_format(m, codec_static_pt(c), codec_name(c), 8000);
  if (l.telephone_event)
    add_format(m, l.telephone_event_pt, "telephone-event", 8000, "0-15");
  m.ptime = l.ptime;
  m.direction = Direction::SendRecv;
  s.media.push_back(std::move(m));
  return s;
}

Status make_answer(const Sdp &offer, const LocalMedia &l, Sdp &ans, Negotiated &res) {
  res = Negotiated{};
  ans = Sdp{};
  ans.origin_user = l.origin_user;
  ans.sess_id = l.sess_id;
  ans.sess_version = l.sess_version;
  bool v6 = l.address.find(':') != std::string::npos;
  ans.origin.addrtype = v6 ? "IP6" : "IP4";
  ans.origin.address = l.address;
  ans.conn = ans.origin;
  ans.conn.present = true;
  ans.timing = offer.timing; // RFC 3264 §6: t= of the answer matches the offer
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const SdpMedia &om = offer.media[i];
    SdpMedia am;
    am.media = om.media;
    am.proto = om.proto;
    bool usable = !res.ok && om.port != 0 && om.media == "audio" &&
                  (om.proto == "RTP/AVP" || om.proto == "RTP/AVPF");
    const SdpFormat *chosen = nullptr;
    const SdpFormat *dtmf = nullptr;
    if (usable) {
      // §6.1: the answerer keeps the offer's order of preference among the codecs it supports.
      for (const auto &f : om.formats) {
        for (Codec c : l.codecs)
          if (!chosen && format_is(f, c))
            chosen = &f;
        if (l.telephone_event && !dtmf && format_is(f, Codec::TelephoneEvent))
          dtmf = &f;
      }
    }
    if (!chosen) {
      // §6: a rejected stream keeps its place with port 0 and the offer's formats.
      am.port = 0;
      am.fmts = om.fmts.empty() ? std::vector<std::string>{"0"} : om.fmts;
      ans.media.push_back(std::move(am));
      continue;
    }
    am.port = l.port;
    add_format(am, chosen->pt, chosen->encoding, chosen->rate);
    Codec codec = format_is(*chosen, Codec::PCMU) ? Codec::PCMU : Codec::PCMA;
    if (dtmf) // RFC 4733 §7.1.1 / RFC 3264 §6.1: the offerer's payload type number is reused
      add_format(am, dtmf->pt, "telephone-event", 8000, dtmf->fmtp.empty() ? "0-15" : dtmf->fmtp);
    am.ptime = om.ptime ? om.ptime : 0;
    Direction od = offer.media_direction(i);
    am.direction = mirror(od);
    res.ok = true;
    res.codec = codec;
    res.pt = chosen->pt;
    if (dtmf)
      res.telephone_event_pt = dtmf->pt;
    res.remote_address = offer.media_connection(i).address;
    res.remote_port = om.port;
    res.direction = *am.direction;
    res.audio_index = i;
    ans.media.push_back(std::move(am));
  }
  if (!res.ok)
    return Status("sdp.no_common_codec", 488);
  return Status::Ok();
}

Status apply_answer(const Sdp &offer, const Sdp &ans, Negotiated &res) {
  res = Negotiated{};
  // RFC 3264 §6: same number of m-lines, same order.
  if (ans.media.size() != offer.media.size())
    return Status("sdp.answer_media_count", 488);
  for (std::size_t i = 0; i < ans.media.size(); ++i) {
    const SdpMedia &am = ans.media[i];
    if (am.port == 0 || am.media != "audio" || res.ok)
      continue;
    for (const auto &f : am.formats) {
      const SdpFormat *of = offer.media[i].format(f.pt);
      if (!of) // §7: the answer may only use formats from the offer
        continue;
      bool pcma = format_is(f, Codec::PCMA) || (f.encoding.empty() && f.pt == 8);
      bool pcmu = format_is(f, Codec::PCMU) || (f.encoding.empty() && f.pt == 0);
      if (!res.ok && (pcma || pcmu)) {
        res.ok = true;
        res.codec = pcma ? Codec::PCMA : Codec::PCMU;
        res.pt = f.pt;
      } else if (format_is(f, Codec::TelephoneEvent)) {
        res.telephone_event_pt = f.pt;
      }
    }
    if (res.ok) {
      res.remote_address = ans.media_connection(i).address;
      res.remote_port = am.port;
      res.direction = mirror(ans.media_direction(i));
      res.audio_index = i;
    }
  }
  if (!res.ok)
    return Status("sdp.no_common_codec", 488);
  return Status::Ok();
}

} // namespace mgc::sipt
