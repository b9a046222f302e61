// RFC 3261 §8.2.1-§8.2.3 request inspection order; RFC 3204 §6 handling parameter.
#include "sipt/uas_check.h"

#include "sipt/multipart.h"
#include "sipt/syntax.h"

#include <algorithm>

namespace mgc::sipt {
namespace {

bool type_known(const MediaType &t, const UasPolicy &p) {
  for (auto s : p.body_types) {
    std::size_t slash = s.find('/');
    if (t.is(s.substr(0, slash), s.substr(slash + 1)))
      return true;
  }
  return false;
}

} // namespace

Status check_body(const Message &m, const UasPolicy &p) {
  if (m.body().empty())
    return Status::Ok();
  const HeaderField *ct = m.first(HeaderId::ContentType);
  if (!ct) // §20.15: a non-empty body must have a Content-Type
    return request_error(SipError::unsupported_media_type);
  // §20.12: only the identity encoding is implemented.
  if (const HeaderField *ce = m.first(HeaderId::ContentEncoding)) {
    bool ok = true;
    m.for_each_value(HeaderId::ContentEncoding,
                     [&](std::string_view v) { ok = ok && iequals(v, "identity"); });
    (void)ce;
    if (!ok)
      return request_error(SipError::unsupported_media_type);
  }
  MediaType t;
  if (!parse_media_type(ct->value, t))
    return request_error(SipError::bad_content_type);
  bool optional_body = false;
  if (const HeaderField *cd = m.first(HeaderId::ContentDisposition)) {
    MediaType d;
    std::string_view h;
    if (parse_disposition(cd->value, d) && d.param("handling", h) && iequals(h, "optional"))
      optional_body = true;
  }
  if (t.is("multipart", "mixed")) {
    std::string_view boundary;
    if (!t.param("boundary", boundary))
      return request_error(SipError::bad_body);
    Multipart mp;
    if (!parse_multipart(m.body(), boundary, mp).ok())
      return request_error(SipError::bad_body);
    for (std::size_t i = 0; i < mp.count; ++i) {
      const BodyPart &bp = mp.parts[i];
      MediaType pt = bp.type;
      if (bp.content_type.empty()) { // RFC 2046 §5.1: default text/plain
        pt.type = "text";
        pt.subtype = "plain";
      }
      if (!type_known(pt, p) && bp.handling_required())
        return request_error(SipError::unsupported_media_type);
    }
    return Status::Ok();
  }
  if (!type_known(t, p) && !optional_body)
    return request_error(SipError::unsupported_media_type);
  return Status::Ok();
}

UasVerdict check_request(const Message &m, const UasPolicy &p, SipCounters *c) {
  UasVerdict v;
  auto fail = [&](SipError e) {
    if (c)
      c->inc(e);
    v.status = request_error(e);
    return v;
  };
  if (!m.is_request())
    return v;
  // §8.2.1 method inspection.
  if (std::find(p.allowed.begin(), p.allowed.end(), m.method()) == p.allowed.end() ||
      m.method() == Method::Other) {
    for (Method a : p.allowed) {
      if (!v.allow.empty())
        v.allow += ", ";
      v.allow += method_name(a);
    }
    if (m.method() == Method::Other)
      return fail(SipError::not_implemented);
    return fail(SipError::method_not_allowed);
  }
  // §8.2.2.1: a Request-URI scheme we do not understand.
  if (m.request_uri().scheme == UriScheme::Other)
    return fail(SipError::unsupported_uri_scheme);
  if (p.forwarding && m.max_forwards() == 0 && m.method() != Method::OPTIONS)
    return fail(SipError::too_many_hops);
  if (!p.own_sent_by.empty() && m.method() != Method::ACK && m.method() != Method::CANCEL) {
    bool loop = false;
    m.for_each_value(HeaderId::Via, [&](std::string_view v) {
      Via via;
      if (!parse_via(v, via))
        return;
      std::string sent_by = std::string(via.host) + ":" + std::to_string(via.has_port ? via.port : 5060);
      for (const auto &own : p.own_sent_by)
        loop = loop || iequals(own, sent_by);
    });
    if (loop)
      return fail(SipError::loop_detected);
  }
  // §8.2.2.3 Require: ACK and CANCEL are exempt (the tags were checked on the INVITE).
  if (m.method() != Method::ACK && m.method() != Method::CANCEL) {
    m.for_each_value(HeaderId::Require, [&](std::string_view tag) {
      bool known = false;
      for (auto s : p.supported)
        known = known || iequals(s, tag);
      if (!known) {
        if (!v.unsupported.empty())
          v.unsupported += ", ";
        v.unsupported += tag;
      }
    });
    if (!v.unsupported.empty())
      return fail(SipError::bad_extension);
  }
  // §8.2.3 content processing.
  Status b = check_body(m, p);
  if (!b.ok()) {
    for (auto s : p.body_types) {
      if (!v.accept.empty())
        v.accept += ", ";
      v.accept += s;
    }
    v.accept += ", multipart/mixed";
    SipError e;
    if (error_of(b, e) && c)
      c->inc(e);
    v.status = b;
    return v;
  }
  // An INVITE is answered with SDP: an Accept that excludes it cannot be satisfied (RFC 4475
  // §3.3.15; §21.4.7 406).
  if (m.method() == Method::INVITE && m.first(HeaderId::Accept)) {
    bool sdp = false;
    m.for_each_value(HeaderId::Accept, [&](std::string_view a) {
      MediaType t;
      if (parse_media_type(a, t))
        sdp = sdp || t.is("application", "sdp") || t.is("application", "*") || t.is("*", "*") ||
              t.is("multipart", "mixed");
    });
    if (!sdp)
      return fail(SipError::not_acceptable);
  }
  return v;
}

} // namespace mgc::sipt
