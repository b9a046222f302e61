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

std::string Dialog::make_request(std::string_view method, std::string_view via,
                                 std::string_view extra, std::string_view content_type,
                                 std::string_view body, uint32_t cseq) {
  if (cseq == 0)
    cseq = ++local_cseq;
  std::string s = std::string(method) + " " + remote_target + " SIP/2.0\r\n";
  s += "Via: " + std::string(via) + "\r\n";
  s += "Max-Forwards: 70\r\n";
  for (const auto &r : route_set)
    s += "Route: " + r + "\r\n";
  s += "From: " + local_party + "\r\n";
  s += "To: " + remote_party + "\r\n";
  s += "Call-ID: " + call_id + "\r\n";
  s += "CSeq: " + std::to_string(cseq) + " " + std::string(method) + "\r\n";
  if (!local_contact.empty() && method != "ACK" && method != "BYE" && method != "PRACK" &&
      method != "INFO")
    s += "Contact: <" + local_contact + ">\r\n";
  s += extra;
  if (!content_type.empty())
    s += "Content-Type: " + std::string(content_type) + "\r\n";
  s += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  s += body;
  return s;
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

std::string reason_q850(int cause, std::string_view text) {
  std::string s = "Q.850;cause=" + std::to_string(cause);
  if (!text.empty())
    s += ";text=\"" + std::string(text) + "\"";
  return s;
}

int q850_cause(const Message &m) {
  int cause = -1;
  m.for_each_value(HeaderId::Reason, [&](std::string_view v) {
    Scanner s{v};
    s.ws();
    std::string_view proto = s.token();
    if (cause >= 0 || !iequals(proto, "Q.850"))
      return;
    std::string_view c;
    uint64_t n;
    if (find_generic_param(s.rest(), "cause", &c) && parse_uint(c, 127, n))
      cause = int(n);
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

std::string rack_for(const Message &r) {
  const HeaderField *rs = r.first(HeaderId::RSeq);
  return std::string(rs ? trim_lws(rs->value) : "0") + " " + std::to_string(r.cseq().number) +
         " " + std::string(r.cseq().method);
}

} // namespace mgc::sipt
