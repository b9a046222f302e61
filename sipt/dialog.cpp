// RFC 3261 §12 dialogs; RFC 3262 §7 RSeq/RAck; RFC 3326 Reason.
#include "sipt/dialog.h"

#include "sipt/syntax.h"

#include <random>

namespace mgc::sipt {
namespace {

std::string uri_of(std::string_view name_addr_value) {
  NameAddr na;
  if (parse_name_addr(name_addr_value, na, true) && !na.star)
    return std::string(na.uri.text);
  return {};
}

std::string first_contact_uri(const Message &m) {
  std::string out;
  m.for_each_value(HeaderId::Contact, [&](std::string_view v) {
    if (out.empty())
      out = uri_of(v);
  });
  return out;
}

std::vector<std::string> record_route(const Message &m) {
  std::vector<std::string> rr;
  m.for_each_value(HeaderId::RecordRoute, [&](std::string_view v) { rr.emplace_back(v); });
  return rr;
}

std::mt19937_64 &rng() {
  static std::mt19937_64 g{std::random_device{}()};
  return g;
}

std::string hex64() {
  static constexpr char k[] = "0123456789abcdef";
  uint64_t v = rng()();
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4)
    s[std::size_t(i)] = k[v & 15];
  return s;
}

} // namespace

std::string new_branch() { return std::string(kMagicCookie) + "-" + hex64(); }
std::string new_tag() { return hex64().substr(0, 12); }

Dialog Dialog::as_uas(const Message &req, std::string_view local_tag,
                      std::string_view local_contact, const Peer &peer) {
  Dialog d;
  d.call_id = req.call_id();
  d.local_tag = local_tag;
  d.remote_tag = req.from().tag();
  // Our From is the request's To plus our tag; our To is the request's From (§12.1.1).
  d.local_party = std::string(req.first(HeaderId::To)->value);
  if (req.to().tag().empty())
    d.local_party += ";tag=" + std::string(local_tag);
  d.remote_party = std::string(req.first(HeaderId::From)->value);
  d.remote_target = first_contact_uri(req);
  d.route_set = record_route(req); // UAS: Record-Route in order
  d.remote_cseq = req.cseq().number;
  d.have_remote_cseq = true;
  d.local_contact = local_contact;
  d.peer = peer;
  return d;
}

Dialog Dialog::as_uac(const Message &req, const Message &resp, std::string_view local_contact,
                      const Peer &peer) {
  Dialog d;
  d.call_id = req.call_id();
  d.local_tag = req.from().tag();
  d.remote_tag = resp.to().tag();
  d.local_party = std::string(req.first(HeaderId::From)->value);
  d.remote_party = std::string(resp.first(HeaderId::To)->value);
  d.remote_target = first_contact_uri(resp);
  if (d.remote_target.empty())
    d.remote_target = req.request_uri_text();
  auto rr = record_route(resp); // UAC: Record-Route reversed (§12.1.2)
  d.route_set.assign(rr.rbegin(), rr.rend());
  d.local_cseq = req.cseq().number;
  d.local_contact = local_contact;
  d.peer = peer;
  d.state = resp.status_code() / 100 == 2 ? State::Confirmed : State::Early;
  return d;
}

Message Dialog::make_request(Method method, std::string_view via, uint32_t cseq) {
  if (cseq == 0)
    cseq = ++local_cseq;
  Message r;
  r.set_request_line(method_name(method), remote_target);
  r.add(HeaderId::Via, via);
  r.add(HeaderId::MaxForwards, "70");
  for (const auto &route : route_set)
    r.add(HeaderId::Route, std::string_view(route));
  r.add(HeaderId::From, std::string_view(local_party));
  r.add(HeaderId::To, std::string_view(remote_party));
  r.add(HeaderId::CallId, std::string_view(call_id));
  r.add(HeaderId::CSeq, CSeq{cseq, method_name(method)});
  // Contact where the request may refresh the remote target or needs one (§8.1.1.8, §12.2.1.1).
  if (!local_contact.empty() && method != Method::ACK && method != Method::BYE &&
      method != Method::PRACK && method != Method::INFO)
    r.add(HeaderId::Contact, NameAddr::of(local_contact));
  r.add(HeaderId::ContentLength, "0");
  return r;
}

bool Dialog::accept_request(const Message &req) {
  if (req.method() != Method::ACK && req.method() != Method::CANCEL) {
    if (have_remote_cseq && req.cseq().number <= remote_cseq)
      return false; // out of order (§12.2.2: 500)
    remote_cseq = req.cseq().number;
    have_remote_cseq = true;
  }
  if (req.method() == Method::INVITE || req.method() == Method::UPDATE) {
    std::string t = first_contact_uri(req);
    if (!t.empty())
      remote_target = t; // target refresh
  }
  return true;
}

bool Dialog::matches(const Message &m, bool) const {
  if (m.call_id() != call_id)
    return false;
  // Requests from the peer carry its tag in From; responses to us carry it in To.
  std::string_view from = m.from().tag(), to = m.to().tag();
  if (m.is_request())
    return from == remote_tag && to == local_tag;
  return from == local_tag && (remote_tag.empty() || to == remote_tag);
}

int q850_cause(const Message &m) {
  int cause = -1;
  m.for_each_value(HeaderId::Reason, [&](std::string_view v) {
    ReasonValue r;
    if (cause < 0 && parse_reason(v, r) && iequals(r.protocol, kReasonQ850) && r.cause >= 0 &&
        r.cause <= 127) // Q.850 causes are 7 bits
      cause = r.cause;
  });
  return cause;
}

bool is_reliable_provisional(const Message &r) {
  if (r.status_code() <= 100 || r.status_code() >= 200 || !r.first(HeaderId::RSeq))
    return false;
  bool req = false;
  r.for_each_value(HeaderId::Require, [&](std::string_view t) { req = req || iequals(t, "100rel"); });
  return req;
}

RAckValue rack_for(const Message &r) {
  RAckValue v;
  uint64_t n = 0;
  if (const HeaderField *rs = r.first(HeaderId::RSeq))
    (void)parse_uint(trim_lws(rs->value), 0xffffffffu, n);
  v.rseq = uint32_t(n);
  v.cseq = r.cseq();
  return v;
}

} // namespace mgc::sipt
