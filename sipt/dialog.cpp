// RFC 3261 §12 dialogs; RFC 3262 §7 RSeq/RAck; RFC 3326 Reason.
#include "sipt/dialog.h"

#include "sipt/random.h"
#include "sipt/syntax.h"

#include <cstring>

namespace mgc::sipt {
namespace {

std::string_view uri_of(std::string_view name_addr_value) {
  NameAddr na;
  if (parse_name_addr(name_addr_value, na, true) && !na.star)
    return na.uri.text;
  return {};
}

// A view into the message's text.
std::string_view first_contact_uri(const Message &m) {
  std::string_view out;
  m.for_each_value(HeaderId::Contact, [&](std::string_view v) {
    if (out.empty())
      out = uri_of(v);
  });
  return out;
}

std::vector<std::string_view> record_route(const Message &m) {
  std::vector<std::string_view> rr;
  m.for_each_value(HeaderId::RecordRoute, [&](std::string_view v) { rr.push_back(v); });
  return rr;
}

} // namespace

std::string new_branch() { return std::string(kMagicCookie) + "-" + random_hex(kBranchBits); }
std::string new_tag() { return random_hex(kTagBits); }
std::string new_call_id(std::string_view host) {
  return random_hex(kCallIdBits) + "@" + std::string(host);
}

Dialog::Dialog(const Parts &p) {
  const std::string_view fixed[kParts] = {p.call_id,      p.local_tag,     p.remote_tag,
                                          p.local_party,  p.remote_party,  p.remote_target,
                                          p.local_contact};
  std::size_t n = 0;
  for (std::string_view v : fixed)
    n += v.size();
  for (std::string_view r : p.route_set)
    n += sizeof(uint32_t) + r.size();
  text_.reserve(n);
  for (std::size_t i = 0; i < kParts; ++i) {
    text_ += fixed[i];
    end_[i] = static_cast<uint32_t>(text_.size());
  }
  for (std::string_view r : p.route_set) {
    const auto len = static_cast<uint32_t>(r.size());
    text_.append(reinterpret_cast<const char *>(&len), sizeof len);
    text_ += r;
  }
}

std::vector<std::string_view> Dialog::route_set() const {
  std::vector<std::string_view> routes;
  const std::string_view all = std::string_view(text_).substr(end_[kParts - 1]);
  for (std::size_t i = 0; i + sizeof(uint32_t) <= all.size();) {
    uint32_t len;
    std::memcpy(&len, all.data() + i, sizeof len);
    i += sizeof len;
    routes.push_back(all.substr(i, len));
    i += len;
  }
  return routes;
}

void Dialog::set_remote_target(std::string_view uri) {
  const uint32_t begin = end_[kRemoteTarget - 1], old_end = end_[kRemoteTarget];
  text_.replace(begin, old_end - begin, uri);
  const auto delta = static_cast<int64_t>(uri.size()) - (old_end - begin);
  for (std::size_t i = kRemoteTarget; i < kParts; ++i)
    end_[i] = static_cast<uint32_t>(end_[i] + delta);
}

Dialog Dialog::as_uas(const Message &req, std::string_view local_tag,
                      std::string_view local_contact, const Peer &peer) {
  Parts p;
  p.call_id = req.call_id();
  p.local_tag = local_tag;
  p.remote_tag = req.from().tag();
  // Our From is the request's To plus our tag; our To is the request's From (§12.1.1).
  std::string with_tag;
  p.local_party = req.first(HeaderId::To)->value;
  if (req.to().tag().empty()) {
    with_tag = std::string(p.local_party) + ";tag=" + std::string(local_tag);
    p.local_party = with_tag;
  }
  p.remote_party = req.first(HeaderId::From)->value;
  p.remote_target = first_contact_uri(req);
  p.route_set = record_route(req); // UAS: Record-Route in order
  p.local_contact = local_contact;
  Dialog d(p);
  d.remote_cseq = req.cseq().number;
  d.have_remote_cseq = true;
  d.peer = peer;
  return d;
}

Dialog Dialog::as_uac(const Message &req, const Message &resp, std::string_view local_contact,
                      const Peer &peer) {
  Parts p;
  p.call_id = req.call_id();
  p.local_tag = req.from().tag();
  p.remote_tag = resp.to().tag();
  p.local_party = req.first(HeaderId::From)->value;
  p.remote_party = resp.first(HeaderId::To)->value;
  p.remote_target = first_contact_uri(resp);
  if (p.remote_target.empty())
    p.remote_target = req.request_uri_text();
  auto rr = record_route(resp); // UAC: Record-Route reversed (§12.1.2)
  p.route_set.assign(rr.rbegin(), rr.rend());
  p.local_contact = local_contact;
  Dialog d(p);
  d.local_cseq = req.cseq().number;
  d.peer = peer;
  d.state = resp.status_code() / 100 == 2 ? State::Confirmed : State::Early;
  return d;
}

Message Dialog::make_request(Method method, std::string_view via, uint32_t cseq) {
  if (cseq == 0)
    cseq = ++local_cseq;
  Message r;
  r.set_request_line(method_name(method), remote_target());
  r.add(HeaderId::Via, via);
  r.add(HeaderId::MaxForwards, "70");
  for (std::string_view route : route_set())
    r.add(HeaderId::Route, route);
  r.add(HeaderId::From, local_party());
  r.add(HeaderId::To, remote_party());
  r.add(HeaderId::CallId, call_id());
  r.add(HeaderId::CSeq, CSeq{cseq, method_name(method)});
  // Contact where the request may refresh the remote target or needs one (§8.1.1.8, §12.2.1.1).
  if (!local_contact().empty() && method != Method::ACK && method != Method::BYE &&
      method != Method::PRACK && method != Method::INFO)
    r.add(HeaderId::Contact, NameAddr::of(local_contact()));
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
    const std::string_view t = first_contact_uri(req);
    if (!t.empty())
      set_remote_target(t); // target refresh
  }
  return true;
}

bool Dialog::matches(const Message &m, bool) const {
  if (m.call_id() != call_id())
    return false;
  // Requests from the peer carry its tag in From; responses to us carry it in To.
  std::string_view from = m.from().tag(), to = m.to().tag();
  if (m.is_request())
    return from == remote_tag() && to == local_tag();
  return from == local_tag() && (remote_tag().empty() || to == remote_tag());
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
