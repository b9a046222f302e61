// RFC 3372 §5 (SIP-T encapsulation), RFC 3204 §3-§6 (application/ISUP, handling), RFC 2046
// §5.1 (multipart/mixed), RFC 5621 §9 (which part a UA processes).
#include "sipt/sipt_body.h"

#include "sipt/syntax.h"

namespace mgc::sipt {
namespace {
constexpr std::string_view kBoundary = "mgc-sipt-boundary";

Status take_part(const MediaType &t, std::string_view disposition, std::string_view cte,
                 std::string_view body, bool required, Bodies &out) {
  if (t.is("application", "sdp")) {
    if (!out.sdp)
      out.sdp = body;
    return Status::Ok();
  }
  if (t.is("application", "isup")) {
    if (out.isup) // one ISUP message per SIP message (RFC 3372 §5)
      return Status("sip.isup_duplicate", 400);
    IsupBody b;
    Status s = decode_isup_body(t, disposition, cte, body, b);
    if (!s.ok())
      return s;
    out.isup = std::move(b);
    return Status::Ok();
  }
  if (required)
    return request_error(SipError::unsupported_media_type);
  ++out.ignored_optional;
  return Status::Ok();
}
} // namespace

std::string_view profile_name(Profile p) {
  switch (p) {
  case Profile::Sip:
    return "sip";
  case Profile::SipT:
    return "sip-t";
  case Profile::SipI:
    return "sip-i";
  }
  return "";
}

bool profile_from_name(std::string_view n, Profile &p) {
  for (Profile x : {Profile::Sip, Profile::SipT, Profile::SipI})
    if (iequals(n, profile_name(x))) {
      p = x;
      return true;
    }
  return false;
}

Status extract_bodies(const Message &m, Bodies &out) {
  out = Bodies{};
  if (m.body().empty())
    return Status::Ok();
  const HeaderField *ct = m.first(HeaderId::ContentType);
  MediaType t;
  if (!ct || !parse_media_type(ct->value, t))
    return request_error(SipError::unsupported_media_type);
  if (t.is("multipart", "mixed")) {
    std::string_view boundary;
    if (!t.param("boundary", boundary))
      return request_error(SipError::bad_body);
    Multipart mp;
    Status s = parse_multipart(m.body(), boundary, mp);
    if (!s.ok())
      return s;
    out.parts = mp.count;
    for (std::size_t i = 0; i < mp.count; ++i) {
      const BodyPart &p = mp.parts[i];
      MediaType pt = p.type;
      if (p.content_type.empty()) {
        pt.type = "text";
        pt.subtype = "plain";
      }
      s = take_part(pt, p.disposition, p.transfer_encoding, p.body, p.handling_required(), out);
      if (!s.ok())
        return s;
    }
    return Status::Ok();
  }
  out.parts = 1;
  std::string_view disp, cte;
  bool required = true;
  if (const HeaderField *cd = m.first(HeaderId::ContentDisposition)) {
    disp = cd->value;
    MediaType d;
    std::string_view h;
    if (parse_disposition(disp, d) && d.param("handling", h))
      required = !iequals(h, "optional");
  }
  if (const HeaderField *e = m.find("Content-Transfer-Encoding"))
    cte = e->value;
  return take_part(t, disp, cte, m.body(), required, out);
}

isup::DecodeResult decode_isup(const IsupBody &b, const PeerProfile &peer, isup::Message &out) {
  isup::DecodeOptions opt;
  opt.variant = peer.variant;
  opt.with_cic = false; // RFC 3204 §3.1: from the message type code on
  // RFC 3204 Table 1: ansi* bases are ANSI T1.113 whatever the peer's default.
  if (b.base.rfind("ansi", 0) == 0 || b.version.rfind("ansi", 0) == 0)
    opt.variant = isup::Variant::Ansi;
  return isup::decode(b.bytes, opt, out);
}

std::string build_bodies(const PeerProfile &peer, std::optional<std::string_view> sdp,
                         std::span<const uint8_t> isup, bool handling_required,
                         std::string &content_type) {
  bool with_isup = peer.carries_isup() && !isup.empty();
  std::string isup_type = "application/ISUP;version=" + peer.isup_version;
  if (!peer.isup_base.empty())
    isup_type += ";base=" + peer.isup_base;
  std::string disposition =
      std::string("signal;handling=") + (handling_required ? "required" : "optional");
  std::string_view isup_sv(reinterpret_cast<const char *>(isup.data()), isup.size());
  if (!with_isup) {
    if (!sdp) {
      content_type.clear();
      return {};
    }
    content_type = "application/sdp";
    return std::string(*sdp);
  }
  if (!sdp) {
    // A single ISUP body: the disposition goes in the message's Content-Disposition header,
    // which the caller adds; the Content-Type carries the parameters.
    content_type = isup_type;
    return std::string(isup_sv);
  }
  content_type = "multipart/mixed;boundary=" + std::string(kBoundary);
  std::string sdp_hdr = "Content-Type: application/sdp";
  std::string isup_hdr = "Content-Type: " + isup_type + "\r\nContent-Disposition: " + disposition;
  PartSpec parts[] = {{sdp_hdr, *sdp}, {isup_hdr, isup_sv}};
  return build_multipart(kBoundary, parts);
}

} // namespace mgc::sipt
