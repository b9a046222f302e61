// mgc-tool decode sip [--stream] [--profile sip|sip-t|sip-i] [--variant itu|ansi] FILE|-
// Prints one SIP message as JSON: start line, header fields (as received, with the typed
// reading of the ones the stack interprets), bodies (SDP parsed, ISUP parts decoded with the
// project's ISUP codec). A message the gateway would refuse exits 1 and prints the response it
// would send (or "drop" for a response), with the reason on stderr.
#include "core/hex.h"
#include "gateway/tool/registry.h"
#include "isup/codec.h"
#include "isup/json.h"
#include "sipt/message.h"
#include "sipt/sdp.h"
#include "sipt/sipt_body.h"
#include "sipt/syntax.h"
#include "sipt/uas_check.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

namespace mgc::tool {
namespace {
using namespace mgc::sipt;
using nlohmann::json;

std::string s(std::string_view v) { return std::string(v); }

json uri_json(const Uri &u) {
  json j{{"text", s(u.text)}, {"scheme", s(u.scheme_name)}};
  if (u.has_user)
    j["user"] = unescape(u.user);
  if (u.has_password)
    j["password"] = unescape(u.password);
  if (!u.host.empty())
    j["host"] = s(u.host);
  if (u.has_port)
    j["port"] = u.port;
  if (!u.params.empty())
    j["params"] = s(u.params);
  if (!u.headers.empty())
    j["headers"] = s(u.headers);
  return j;
}

json name_addr_json(const NameAddr &n) {
  if (n.star)
    return "*";
  json j{{"uri", uri_json(n.uri)}};
  if (n.has_display)
    j["display"] = n.display_text();
  if (!n.params.empty())
    j["params"] = s(trim_lws(n.params));
  if (!n.tag().empty())
    j["tag"] = s(n.tag());
  return j;
}

json via_json(const Via &v) {
  json j{{"transport", s(v.transport)}, {"host", s(v.host)}};
  if (v.has_port)
    j["port"] = v.port;
  if (v.has_branch)
    j["branch"] = s(v.branch);
  if (!v.received.empty())
    j["received"] = s(v.received);
  if (v.rport)
    j["rport"] = v.rport_has_value ? json(v.rport_value) : json(true);
  return j;
}

json sdp_json(std::string_view text) {
  Sdp sdp;
  Status st = parse_sdp(text, sdp);
  if (!st.ok())
    return {{"error", s(st.detail())}};
  json j{{"origin", sdp.origin_user + " " + sdp.sess_id + " " + sdp.sess_version + " " +
                        sdp.origin.address},
         {"session", sdp.session_name}};
  if (sdp.conn.present)
    j["connection"] = sdp.conn.address;
  json ms = json::array();
  for (std::size_t i = 0; i < sdp.media.size(); ++i) {
    const auto &m = sdp.media[i];
    json mj{{"media", m.media}, {"port", m.port}, {"proto", m.proto},
            {"direction", s(direction_name(sdp.media_direction(i)))}};
    json fs = json::array();
    for (const auto &f : m.formats) {
      json fj{{"pt", f.pt}, {"encoding", f.encoding}, {"rate", f.rate}};
      if (!f.fmtp.empty())
        fj["fmtp"] = f.fmtp;
      fs.push_back(fj);
    }
    mj["formats"] = fs;
    if (m.conn.present)
      mj["connection"] = m.conn.address;
    if (m.ptime)
      mj["ptime"] = m.ptime;
    ms.push_back(mj);
  }
  j["media"] = ms;
  return j;
}

json isup_json(const IsupBody &b, const PeerProfile &peer) {
  json j{{"version", s(b.version)}, {"handling", b.required ? "required" : "optional"},
         {"octets", hex_encode(b.bytes)}};
  if (!b.base.empty())
    j["base"] = s(b.base);
  if (b.base64)
    j["transfer_encoding"] = "base64";
  isup::Message im;
  isup::DecodeResult r = decode_isup(b, peer, im);
  isup::DecodeOptions opt;
  opt.variant = peer.variant;
  opt.with_cic = false;
  if (r.reason != isup::DecodeReason::truncated_header)
    j["decoded"] = isup::to_json(im, opt);
  if (!r.status.ok())
    j["decode_status"] = {{"reason", s(r.status.detail())},
                          {"action", s(isup::action_name(r.action))},
                          {"cause", r.cause}};
  return j;
}

int refuse(const Status &st, const Message &m, bool have_message, json j = json::object()) {
  SipError e;
  std::string reason = error_of(st, e) ? s(error_info(e).reason) : s(st.detail());
  if (st.code() == 0 || (have_message && m.is_response())) {
    j["refused"] = {{"action", "drop"}, {"detail", s(st.detail())}};
    std::fprintf(stderr, "malformed: %.*s (response: dropped)\n", int(st.detail().size()),
                 st.detail().data());
  } else {
    j["refused"] = {{"action", "respond"},
                    {"status", st.code()},
                    {"reason", reason},
                    {"detail", s(st.detail())},
                    {"response", "SIP/2.0 " + std::to_string(st.code()) + " " + reason}};
    std::fprintf(stderr, "refused: %.*s (SIP %d %s)\n", int(st.detail().size()),
                 st.detail().data(), st.code(), reason.c_str());
  }
  std::puts(j.dump(2, ' ', false, json::error_handler_t::replace).c_str());
  return kMalformed;
}

int decode_sip(std::span<const std::string_view> args) {
  ParseOptions opt;
  PeerProfile peer;
  peer.profile = Profile::SipT;
  std::string_view file;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view a = args[i];
    if (a == "--stream") {
      opt.framing = Framing::Stream;
    } else if (a == "--profile" && i + 1 < args.size()) {
      if (!profile_from_name(args[++i], peer.profile))
        return kUsage;
    } else if (a == "--variant" && i + 1 < args.size()) {
      std::string_view v = args[++i];
      if (v == "itu")
        peer.variant = isup::Variant::Itu;
      else if (v == "ansi")
        peer.variant = isup::Variant::Ansi;
      else
        return kUsage;
    } else if (a.starts_with("--") || !file.empty()) {
      return kUsage;
    } else {
      file = a;
    }
  }
  if (file.empty())
    return kUsage;
  std::string buf;
  if (!read_file(file, buf)) {
    std::fprintf(stderr, "cannot read %.*s\n", int(file.size()), file.data());
    return kUsage;
  }
  Message m;
  Status st = parse(buf, opt, m);
  if (!st.ok())
    return refuse(st, m, true);

  json j;
  if (m.is_request()) {
    j["type"] = "request";
    j["method"] = s(m.method_text());
    j["request_uri"] = uri_json(m.request_uri());
  } else {
    j["type"] = "response";
    j["status"] = m.status_code();
    j["reason"] = s(m.reason());
  }
  j["version"] = s(m.version());
  json hs = json::array();
  for (const auto &h : m.fields()) {
    json hj{{"name", s(h.name)}, {"value", s(h.value)}};
    if (h.id != HeaderId::Other && header_info(h.id).name != h.name)
      hj["canonical"] = s(header_info(h.id).name);
    hs.push_back(hj);
  }
  j["headers"] = hs;
  json vias = json::array();
  m.for_each_value(HeaderId::Via, [&](std::string_view v) {
    Via via;
    if (parse_via(v, via))
      vias.push_back(via_json(via));
  });
  j["via"] = vias;
  j["from"] = name_addr_json(m.from());
  j["to"] = name_addr_json(m.to());
  j["call_id"] = s(m.call_id());
  j["cseq"] = {{"number", m.cseq().number}, {"method", s(m.cseq().method)}};
  if (m.max_forwards() >= 0)
    j["max_forwards"] = m.max_forwards();
  json contacts = json::array();
  m.for_each_value(HeaderId::Contact, [&](std::string_view v) {
    NameAddr na;
    if (parse_name_addr(v, na, true))
      contacts.push_back(name_addr_json(na));
  });
  if (!contacts.empty())
    j["contact"] = contacts;

  Bodies bodies;
  Status bs = extract_bodies(m, bodies);
  json bj = json::array();
  if (bs.ok()) {
    if (bodies.sdp)
      bj.push_back({{"type", "application/sdp"}, {"sdp", sdp_json(*bodies.sdp)}});
    if (bodies.isup)
      bj.push_back({{"type", "application/ISUP"}, {"isup", isup_json(*bodies.isup, peer)}});
    if (!bodies.sdp && !bodies.isup && !m.body().empty())
      bj.push_back({{"type", "other"}, {"octets", m.body().size()}});
    if (bodies.ignored_optional)
      j["ignored_optional_parts"] = bodies.ignored_optional;
  }
  j["body_length"] = m.body().size();
  j["bodies"] = bj;
  if (m.is_request()) {
    UasPolicy policy;
    if (!peer.carries_isup())
      policy.body_types = {"application/sdp"};
    UasVerdict v = check_request(m, policy);
    if (!v.status.ok())
      return refuse(v.status, m, true, std::move(j));
  }
  if (!bs.ok())
    return refuse(bs, m, true, std::move(j));
  std::puts(j.dump(2, ' ', false, json::error_handler_t::replace).c_str());
  return kOk;
}

const Registrar kDecode({"decode", "sip", "[--stream] [--profile sip|sip-t|sip-i] [--variant itu|ansi] FILE|-",
                         decode_sip});

} // namespace
} // namespace mgc::tool
