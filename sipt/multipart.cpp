// RFC 2046 §5.1.1 multipart syntax; RFC 3204 §3.1 and §6 application/ISUP; RFC 2045 §6.8.
#include "sipt/multipart.h"

#include "sipt/syntax.h"

#include <span>

namespace mgc::sipt {
namespace {

Status mp_error(std::string_view detail) { return Status(detail, 400); }

// Position of the next "--boundary" that starts a line at or after `from`, or npos.
std::size_t find_delimiter(std::string_view body, std::string_view boundary, std::size_t from) {
  while (true) {
    std::size_t p = body.find(boundary, from);
    if (p == std::string_view::npos)
      return p;
    std::size_t after = p + boundary.size();
    char next = after < body.size() ? body[after] : '\n';
    bool ends = next == '-' || next == '\r' || next == '\n' || next == ' ' || next == '\t';
    if (ends && p >= 2 && body[p - 1] == '-' && body[p - 2] == '-' && (p == 2 || body[p - 3] == '\n'))
      return p - 2;
    from = p + 1;
  }
}

} // namespace

bool BodyPart::handling_required() const {
  std::string_view h;
  if (disposition.empty() || !disp.param("handling", h))
    return true;
  return !iequals(h, "optional");
}

Status parse_multipart(std::string_view body, std::string_view boundary, Multipart &out) {
  out = Multipart{};
  if (boundary.empty() || boundary.size() > 70) // RFC 2046 §5.1.1: 1 to 70 characters
    return mp_error("sip.multipart_bad_boundary");
  std::size_t d = find_delimiter(body, boundary, 0);
  if (d == std::string_view::npos)
    return mp_error("sip.multipart_no_delimiter");
  out.preamble = body.substr(0, d);
  while (true) {
    std::size_t after = d + 2 + boundary.size();
    if (body.substr(after, 2) == "--") { // close-delimiter
      out.epilogue = body.substr(std::min(body.size(), after + 2));
      return Status::Ok();
    }
    // transport-padding then CRLF ends the delimiter line.
    std::size_t eol = body.find('\n', after);
    if (eol == std::string_view::npos)
      return mp_error("sip.multipart_unterminated");
    std::size_t part_start = eol + 1;
    std::size_t next = find_delimiter(body, boundary, part_start);
    if (next == std::string_view::npos)
      return mp_error("sip.multipart_unterminated");
    // The CRLF before the next delimiter belongs to the delimiter (§5.1.1).
    std::size_t part_end = next;
    if (part_end > part_start && body[part_end - 1] == '\n')
      --part_end;
    if (part_end > part_start && body[part_end - 1] == '\r')
      --part_end;
    if (part_end < part_start)
      part_end = part_start;
    std::string_view part = body.substr(part_start, part_end - part_start);
    if (out.count == Multipart::kMaxParts)
      return mp_error("sip.multipart_too_many_parts");
    BodyPart &bp = out.parts[out.count++];
    // Part headers end at the first empty line; a part may have none (then it starts with CRLF).
    std::size_t hdr_end;
    std::size_t body_off;
    if (part.substr(0, 2) == "\r\n") {
      hdr_end = 0;
      body_off = 2;
    } else {
      hdr_end = part.find("\r\n\r\n");
      if (hdr_end == std::string_view::npos) {
        // headers only, empty body
        if (part.size() >= 2 && part.substr(part.size() - 2) == "\r\n")
          hdr_end = part.size() - 2;
        else
          hdr_end = part.size();
        body_off = part.size();
      } else {
        body_off = hdr_end + 4;
      }
    }
    bp.headers = part.substr(0, hdr_end);
    bp.body = part.substr(std::min(body_off, part.size()));
    // Header lines with folding.
    std::string_view h = bp.headers;
    std::size_t p = 0;
    while (p < h.size()) {
      std::size_t e = h.find('\n', p);
      while (e != std::string_view::npos && e + 1 < h.size() && (h[e + 1] == ' ' || h[e + 1] == '\t'))
        e = h.find('\n', e + 1);
      std::string_view line = h.substr(p, e == std::string_view::npos ? e : e - p);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos)
        return mp_error("sip.multipart_bad_part_header");
      std::string_view name = trim_lws(line.substr(0, colon));
      std::string_view value = trim_lws(line.substr(colon + 1));
      if (iequals(name, "Content-Type") || iequals(name, "c")) {
        bp.content_type = value;
        if (!parse_media_type(value, bp.type))
          return mp_error("sip.multipart_bad_content_type");
      } else if (iequals(name, "Content-Disposition")) {
        bp.disposition = value;
        if (!parse_disposition(value, bp.disp))
          return mp_error("sip.multipart_bad_disposition");
      } else if (iequals(name, "Content-Transfer-Encoding")) {
        bp.transfer_encoding = value;
      } else if (iequals(name, "Content-ID")) {
        bp.content_id = value;
      }
      if (e == std::string_view::npos)
        break;
      p = e + 1;
    }
    d = next;
  }
}

std::string build_multipart(std::string_view boundary, std::span<const PartSpec> parts) {
  std::string out;
  for (const auto &p : parts) {
    out.append("--").append(boundary).append("\r\n");
    out.append(p.headers).append("\r\n\r\n");
    out.append(p.body).append("\r\n");
  }
  out.append("--").append(boundary).append("--\r\n");
  return out;
}

Status decode_isup_body(const MediaType &type, std::string_view disposition,
                        std::string_view transfer_encoding, std::string_view body,
                        IsupBody &out) {
  out = IsupBody{};
  out.raw = body;
  if (!type.is("application", "isup"))
    return Status("sip.isup_not_isup", 415);
  // 'version' is a required parameter (RFC 3204 §3.1), but many SIP-I peers omit it; it is
  // reported empty rather than refused so call control can apply the peer's profile.
  type.param("version", out.version);
  type.param("base", out.base);
  if (!disposition.empty()) {
    MediaType d;
    if (!parse_disposition(disposition, d))
      return Status("sip.isup_bad_disposition", 400);
    std::string_view h;
    if (d.param("handling", h))
      out.required = !iequals(h, "optional");
  }
  if (iequals(transfer_encoding, "base64")) {
    out.base64 = true;
    if (!base64_decode(body, out.bytes))
      return Status("sip.isup_bad_base64", 400);
  } else {
    out.bytes.assign(body.begin(), body.end());
  }
  if (out.bytes.empty())
    return Status("sip.isup_empty", 400);
  return Status::Ok();
}

bool base64_decode(std::string_view in, std::vector<uint8_t> &out) {
  out.clear();
  uint32_t acc = 0;
  int bits = 0, pad = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else if (c == '=') {
      ++pad;
      continue;
    } else if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
      continue;
    else
      return false;
    if (pad)
      return false; // data after padding
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(uint8_t(acc >> bits));
    }
  }
  return pad <= 2;
}

std::string base64_encode(std::span<const uint8_t> in) {
  static constexpr char k[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = uint32_t(in[i]) << 16 | uint32_t(in[i + 1]) << 8 | in[i + 2];
    out.push_back(k[v >> 18]);
    out.push_back(k[(v >> 12) & 63]);
    out.push_back(k[(v >> 6) & 63]);
    out.push_back(k[v & 63]);
  }
  if (i < in.size()) {
    uint32_t v = uint32_t(in[i]) << 16 | (i + 1 < in.size() ? uint32_t(in[i + 1]) << 8 : 0);
    out.push_back(k[v >> 18]);
    out.push_back(k[(v >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? k[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

} // namespace mgc::sipt
