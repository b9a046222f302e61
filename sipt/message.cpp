// RFC 3261 §7 message framing and §8.1.1 / §20 mandatory header checks; §18.3 stream framing.
#include "sipt/message.h"

#include "sipt/syntax.h"

#include <algorithm>
#include <cstring>
#include <optional>

namespace mgc::sipt {

namespace {
constexpr std::array<std::string_view, size_t(Method::Other)> kMethodNames{
#define MGC_SIPT_METHOD_NAME_(m, rfc) #m,
    MGC_SIPT_METHODS(MGC_SIPT_METHOD_NAME_)
#undef MGC_SIPT_METHOD_NAME_
};

Status fail(const Message &m, SipError e, SipCounters *c) {
  if (c)
    c->inc(e);
  return m.is_request() ? request_error(e) : response_error(e);
}

// End of the line starting at `p`: index of its LF, or npos.
inline std::size_t line_end(std::string_view buf, std::size_t p) {
  const void *lf = std::memchr(buf.data() + p, '\n', buf.size() - p);
  return lf ? std::size_t(static_cast<const char *>(lf) - buf.data()) : std::string_view::npos;
}

// "SIP/2.0" (case-insensitive, §7.1). Other well-formed versions are a 505 (§8.2.2? no: §21.5.6).
enum class Version { Ok, Unsupported, Bad };
Version check_version(std::string_view v) {
  if (iequals(v, "SIP/2.0"))
    return Version::Ok;
  if (v.size() < 7 || !iequals(v.substr(0, 4), "SIP/"))
    return Version::Bad;
  v.remove_prefix(4);
  std::size_t dot = find_ch(v, '.');
  uint64_t x;
  if (dot == std::string_view::npos || !parse_uint(v.substr(0, dot), 999, x) ||
      !parse_uint(v.substr(dot + 1), 999, x))
    return Version::Bad;
  return Version::Unsupported;
}

} // namespace

Method method_of(std::string_view t) {
  switch (t.size()) {
  case 3:
    if (t == "ACK")
      return Method::ACK;
    if (t == "BYE")
      return Method::BYE;
    break;
  case 4:
    if (t == "INFO")
      return Method::INFO;
    break;
  case 5:
    if (t == "PRACK")
      return Method::PRACK;
    if (t == "REFER")
      return Method::REFER;
    break;
  case 6:
    if (t == "INVITE")
      return Method::INVITE;
    if (t == "CANCEL")
      return Method::CANCEL;
    if (t == "UPDATE")
      return Method::UPDATE;
    if (t == "NOTIFY")
      return Method::NOTIFY;
    break;
  case 7:
    if (t == "OPTIONS")
      return Method::OPTIONS;
    if (t == "MESSAGE")
      return Method::MESSAGE;
    if (t == "PUBLISH")
      return Method::PUBLISH;
    break;
  case 8:
    if (t == "REGISTER")
      return Method::REGISTER;
    break;
  case 9:
    if (t == "SUBSCRIBE")
      return Method::SUBSCRIBE;
    break;
  }
  return Method::Other;
}

std::string_view method_name(Method m) {
  return m == Method::Other ? std::string_view() : kMethodNames[size_t(m)];
}

// ---------------------------------------------------------------------------------------------
FieldList &FieldList::operator=(const FieldList &o) {
  if (this == &o)
    return *this;
  heap_ = o.heap_;
  n_ = o.n_;
  if (heap_.empty())
    std::memcpy(inline_, o.inline_, n_ * sizeof(HeaderField));
  return *this;
}

HeaderField &FieldList::push_back_slow(const HeaderField &f) {
  if (heap_.empty()) {
    heap_.reserve(kInline * 2);
    heap_.assign(reinterpret_cast<HeaderField *>(inline_),
                 reinterpret_cast<HeaderField *>(inline_) + n_);
  }
  heap_.push_back(f);
  ++n_;
  return heap_.back();
}

void FieldList::insert(std::size_t pos, const HeaderField &f) {
  push_back(f);
  HeaderField *d = data();
  for (std::size_t i = n_ - 1; i > pos; --i)
    d[i] = d[i - 1];
  d[pos] = f;
}

// ---------------------------------------------------------------------------------------------
void Message::clear() {
  if (pristine_) {
    pristine_ = false;
    return;
  }
  request_ = true;
  method_ = Method::Other;
  method_text_ = uri_text_ = version_ = reason_ = start_line_ = {};
  code_ = 0;
  fields_.clear();
  first_.fill(kNone);
  body_ = bytes_ = {};
  call_id_ = {};
  max_forwards_ = -1;
  has_cl_ = false;
  content_length_ = 0;
  modified_ = start_modified_ = body_modified_ = dup_single_ = false;
  owned_.clear();
  // uri_, cseq_, from_, to_, via_ are overwritten by parse() before they are read.
}

void Message::reindex() {
  first_.fill(kNone);
  dup_single_ = false;
  for (std::size_t i = 0; i < fields_.size(); ++i)
    if (fields_[i].state != HeaderField::State::Removed)
      index(i);
}

const HeaderField *Message::find_slow(HeaderId id) const {
  for (const auto &h : fields_)
    if (h.id == id && h.state != HeaderField::State::Removed)
      return &h;
  return nullptr;
}

std::size_t Message::count(HeaderId id) const {
  if (first_[std::size_t(id)] == kNone)
    return 0;
  std::size_t n = 0;
  for (const auto &h : fields_)
    n += h.id == id && h.state != HeaderField::State::Removed;
  return n;
}

const HeaderField *Message::find(std::string_view name) const {
  HeaderId id = lookup_header(name);
  if (id != HeaderId::Other)
    return first(id);
  for (const auto &h : fields_)
    if (h.id == HeaderId::Other && h.state != HeaderField::State::Removed && iequals(h.name, name))
      return &h;
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
Status parse(std::string_view buf, const ParseOptions &opt, Message &m, SipCounters *c) {
  m.clear();
  std::size_t p = 0;
  // §7.5: CRLFs before the start line are ignored.
  while (p < buf.size() && (buf[p] == '\r' || buf[p] == '\n'))
    ++p;
  if (p == buf.size())
    return fail(m, SipError::empty_message, c);
  std::size_t eol = line_end(buf, p);
  if (eol == std::string_view::npos)
    return fail(m, SipError::headers_unterminated, c);
  std::size_t start = p;
  std::string_view line = buf.substr(p, eol - p);
  if (!line.empty() && line.back() == '\r')
    line.remove_suffix(1);
  m.start_line_ = line;

  if (line.size() > 4 && iequals(line.substr(0, 4), "SIP/")) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (§7.2)
    m.request_ = false;
    m.uri_ = Uri{};
    std::size_t sp = find_ch(line, ' ');
    if (sp == std::string_view::npos)
      return fail(m, SipError::bad_start_line, c);
    m.version_ = line.substr(0, sp);
    Version v = check_version(m.version_);
    if (v != Version::Ok)
      return fail(m, v == Version::Bad ? SipError::bad_version : SipError::version_not_supported,
                  c);
    std::string_view rest = line.substr(sp + 1);
    std::size_t sp2 = find_ch(rest, ' ');
    std::string_view code = rest.substr(0, sp2);
    uint64_t n;
    // Status-Code = 3DIGIT; the first digit is the class 1-6 (§7.2, §21).
    if (code.size() != 3 || !parse_uint(code, 699, n) || n < 100)
      return fail(m, SipError::bad_status_code, c);
    m.code_ = int(n);
    m.reason_ = sp2 == std::string_view::npos ? std::string_view() : rest.substr(sp2 + 1);
    for (char ch : m.reason_)
      if (ch == '\r' || ch == '\n')
        return fail(m, SipError::bad_start_line, c);
  } else {
    // Request-Line = Method SP Request-URI SP SIP-Version (§7.1): single SPs, no LWS in the URI.
    m.request_ = true;
    std::size_t sp1 = find_ch(line, ' ');
    std::size_t sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp1 == sp2)
      return fail(m, SipError::bad_start_line, c);
    m.method_text_ = line.substr(0, sp1);
    m.uri_text_ = line.substr(sp1 + 1, sp2 - sp1 - 1);
    m.version_ = line.substr(sp2 + 1);
    if (!is_token(m.method_text_))
      return fail(m, SipError::bad_method, c);
    m.method_ = method_of(m.method_text_);
    if (m.version_.empty()) // trailing SP (RFC 4475 §3.1.2.10: rejecting is acceptable)
      return fail(m, SipError::bad_start_line, c);
    Version v = check_version(m.version_);
    if (v == Version::Bad)
      return fail(m, SipError::bad_version, c);
    if (m.uri_text_.empty() || find_either(m.uri_text_, ' ', '\t') != std::string_view::npos)
      return fail(m, SipError::bad_request_uri, c);
    if (v == Version::Unsupported)
      return fail(m, SipError::version_not_supported, c);
    if (!parse_uri(m.uri_text_, m.uri_))
      return fail(m, SipError::bad_request_uri, c);
    // §19.1.1 table: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
    if (!m.uri_.headers.empty())
      return fail(m, SipError::request_uri_headers, c);
  }

  // Header fields (§7.3), folded continuation lines joined to their field (§7.3.1). One pass
  // per field: the name as a token, HCOLON, then the value up to a line end not followed by
  // white space.
  p = eol + 1;
  std::size_t body_start = std::string_view::npos;
  const char *d = buf.data();
  const std::size_t n = buf.size();
  while (p < n) {
    char ch = d[p];
    if (ch == '\r' || ch == '\n') {
      if (ch == '\r' && (p + 1 >= n || d[p + 1] != '\n'))
        return fail(m, SipError::bad_header_line, c);
      body_start = p + (ch == '\r' ? 2 : 1);
      break;
    }
    std::size_t q = p;
    while (q < n && is_token_char(d[q]))
      ++q;
    std::size_t name_end = q;
    while (q < n && (d[q] == ' ' || d[q] == '\t'))
      ++q;
    if (q >= n)
      return fail(m, SipError::headers_unterminated, c);
    if (d[q] != ':' || name_end == p) // also: a continuation line with no field before it
      return fail(m, SipError::bad_header_line, c);
    std::size_t vb = ++q;
    std::size_t fe;
    while (true) {
      q = std::size_t(find_lf(d + q, d + n) - d);
      if (q >= n)
        return fail(m, SipError::headers_unterminated, c);
      fe = q;
      if (q + 1 < n && (d[q + 1] == ' ' || d[q + 1] == '\t')) {
        ++q;
        continue;
      }
      break;
    }
    if (m.fields_.size() >= opt.max_headers)
      return fail(m, SipError::too_many_headers, c);
    std::string_view name = buf.substr(p, name_end - p);
    HeaderId id = lookup_header(name);
    std::size_t idx = m.fields_.size();
    HeaderField &h = m.fields_.append();
    h.name = name;
    h.value = trim_lws(buf.substr(vb, fe - vb));
    h.raw_len = uint32_t(fe + 1 - p);
    h.id = id;
    h.state = HeaderField::State::Received;
    m.index_as(idx, id);
    p = fe + 1;
  }
  if (body_start == std::string_view::npos)
    return fail(m, SipError::headers_unterminated, c);

  // Message body length (§18.3, §20.14).
  std::size_t available = buf.size() - body_start;
  if (const HeaderField *cl = m.first(HeaderId::ContentLength)) {
    if (m.dup_single_ && m.count(HeaderId::ContentLength) > 1)
      return fail(m, SipError::duplicate_header, c);
    uint64_t n;
    if (!parse_uint(cl->value, uint64_t(opt.max_size), n))
      return fail(m, parse_uint(cl->value, UINT64_MAX, n) ? SipError::message_too_large
                                                          : SipError::bad_content_length,
                  c);
    m.has_cl_ = true;
    m.content_length_ = std::size_t(n);
    if (n > available)
      return fail(m, SipError::body_truncated, c);
    m.body_ = buf.substr(body_start, std::size_t(n));
  } else {
    if (opt.framing == Framing::Stream)
      return fail(m, SipError::missing_content_length, c);
    m.body_ = buf.substr(body_start);
  }
  m.bytes_ = buf.substr(start, body_start + m.body_.size() - start);
  if (m.bytes_.size() > opt.max_size)
    return fail(m, SipError::message_too_large, c);
  Status s = analyse(m);
  if (!s.ok() && c) {
    SipError e;
    if (error_of(s, e))
      c->inc(e);
  }
  return s;
}

Status analyse(Message &m) {
  auto bad = [&m](SipError e) {
    return m.is_request() ? request_error(e) : response_error(e);
  };
  // §7.3.1: only list headers may appear on several rows (noted while indexing).
  if (m.dup_single_)
    return bad(SipError::duplicate_header);
  // §8.1.1: To, From, CSeq, Call-ID, Via (Max-Forwards too, but RFC 2543 peers omit it and
  // RFC 4475 §3.4.1 asks that such requests be accepted).
  const HeaderField *to = m.first(HeaderId::To), *from = m.first(HeaderId::From),
                    *cseq = m.first(HeaderId::CSeq), *cid = m.first(HeaderId::CallId),
                    *via = m.first(HeaderId::Via);
  if (!to || !from || !cseq || !cid || !via)
    return bad(SipError::missing_header);
  if (!parse_name_addr(to->value, m.to_))
    return bad(SipError::bad_to);
  if (!parse_name_addr(from->value, m.from_))
    return bad(SipError::bad_from);
  if (!parse_cseq(cseq->value, m.cseq_))
    return bad(SipError::bad_cseq);
  if (!valid_call_id(cid->value))
    return bad(SipError::bad_call_id);
  m.call_id_ = cid->value;
  bool first_via = true, via_ok = true;
  std::optional<Via> tmp; // only built when there is a second Via value (zeroing costs)
  bool split = m.for_each_value(HeaderId::Via, [&](std::string_view v) {
    if (!first_via && !tmp)
      tmp.emplace();
    if (!parse_via(v, first_via ? m.via_ : *tmp))
      via_ok = false;
    first_via = false;
  });
  if (!split || !via_ok)
    return bad(SipError::bad_via);
  if (m.is_request() && m.cseq_.method != m.method_text_)
    return bad(SipError::cseq_method_mismatch);
  if (const HeaderField *mf = m.first(HeaderId::MaxForwards)) {
    uint64_t n;
    if (!parse_uint(mf->value, 255, n)) // §20.22: 0-255
      return bad(SipError::bad_max_forwards);
    m.max_forwards_ = int(n);
  }
  bool ok = true;
  if (m.first(HeaderId::Contact)) {
    NameAddr na;
    if (!m.for_each_value(HeaderId::Contact, [&](std::string_view v) {
          ok = parse_name_addr(v, na, true) && ok;
        }) ||
        !ok)
      return bad(SipError::bad_contact);
  }
  for (HeaderId id : {HeaderId::Route, HeaderId::RecordRoute}) {
    if (!m.first(id))
      continue;
    NameAddr na;
    if (!m.for_each_value(id, [&](std::string_view v) {
          ok = parse_name_addr(v, na) && na.angle && ok;
        }) ||
        !ok)
      return bad(SipError::bad_route);
  }
  if (const HeaderField *d = m.first(HeaderId::Date)) {
    // rfc1123-date ends in "GMT" (§20.17); other zones are refused (RFC 4475 §3.1.2.12).
    std::string_view v = d->value;
    if (v.size() < 4 || v.substr(v.size() - 4) != " GMT")
      return bad(SipError::bad_date);
  }
  if (const HeaderField *e = m.first(HeaderId::Expires)) {
    // delta-seconds = 1*DIGIT; larger than 2**32-1 is taken as 2**32-1 (§20.19 / RFC 3261
    // §10.2.1.1), so only the digits are checked.
    for (char ch : e->value)
      if (!is_digit(ch))
        return bad(SipError::bad_expires);
    if (e->value.empty())
      return bad(SipError::bad_expires);
  }
  if (const HeaderField *ct = m.first(HeaderId::ContentType)) {
    MediaType mt;
    if (!parse_media_type(ct->value, mt))
      return bad(SipError::bad_content_type);
  }
  if (const HeaderField *rs = m.first(HeaderId::RSeq)) {
    uint64_t n; // RFC 3262 §7.1: 1 to 2**32-1
    if (!parse_uint(rs->value, 0xffffffffu, n) || n == 0)
      return bad(SipError::bad_rseq_rack);
  }
  if (const HeaderField *ra = m.first(HeaderId::RAck)) {
    RAckValue rack; // RFC 3262 §7.2
    if (!parse_rack(ra->value, rack))
      return bad(SipError::bad_rseq_rack);
  }
  return Status::Ok();
}

Status frame(std::string_view buf, std::size_t max_size, std::size_t &skip, std::size_t &len) {
  len = 0;
  skip = 0;
  while (skip < buf.size() && (buf[skip] == '\r' || buf[skip] == '\n'))
    ++skip;
  std::string_view b = buf.substr(skip);
  std::size_t hdr_end = b.find("\r\n\r\n");
  if (hdr_end == std::string_view::npos) {
    if (b.size() > max_size)
      return request_error(SipError::message_too_large);
    return Status::Ok();
  }
  std::size_t body = hdr_end + 4;
  // Find Content-Length (or "l") at a line start, outside folded continuations.
  std::size_t p = find_ch(b, '\n') + 1;
  bool found = false;
  uint64_t n = 0;
  while (p < hdr_end + 2) {
    std::size_t e = find_ch(b, '\n', p);
    std::string_view lne = b.substr(p, e - p);
    std::size_t colon = find_ch(lne, ':');
    if (colon != std::string_view::npos && lne[0] != ' ' && lne[0] != '\t') {
      std::string_view name = trim_lws(lne.substr(0, colon));
      if (is_token(name) && lookup_header(name) == HeaderId::ContentLength) {
        if (found)
          return request_error(SipError::duplicate_header);
        if (!parse_uint(trim_lws(lne.substr(colon + 1)), max_size, n))
          return request_error(SipError::bad_content_length);
        found = true;
      }
    }
    p = e + 1;
  }
  if (!found)
    return request_error(SipError::missing_content_length);
  if (body + n > max_size)
    return request_error(SipError::message_too_large);
  if (b.size() >= body + n)
    len = body + std::size_t(n);
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
std::string_view Message::keep(std::string_view s) {
  pristine_ = false;
  if (s.empty())
    return {};
  // One allocation serves many edits: a built request's dozen values share a chunk.
  constexpr std::size_t kChunk = 512;
  if (owned_.empty() || owned_.back().size - owned_.back().used < s.size()) {
    Chunk c;
    c.size = std::max(kChunk, s.size());
    c.data = std::make_unique<char[]>(c.size);
    owned_.push_back(std::move(c));
  }
  Chunk &c = owned_.back();
  char *p = c.data.get() + c.used;
  std::memcpy(p, s.data(), s.size());
  c.used += s.size();
  return std::string_view(p, s.size());
}

void Message::refresh(HeaderId id) {
  const HeaderField *f = first(id);
  switch (id) {
  case HeaderId::From:
    if (!f || !parse_name_addr(f->value, from_))
      from_ = NameAddr{};
    break;
  case HeaderId::To:
    if (!f || !parse_name_addr(f->value, to_))
      to_ = NameAddr{};
    break;
  case HeaderId::CSeq:
    if (!f || !parse_cseq(f->value, cseq_))
      cseq_ = CSeq{};
    break;
  case HeaderId::CallId:
    call_id_ = f ? f->value : std::string_view();
    break;
  case HeaderId::Via: {
    bool top = true;
    via_ = Via{};
    for_each_value(HeaderId::Via, [&](std::string_view v) {
      if (top)
        parse_via(v, via_);
      top = false;
    });
    break;
  }
  case HeaderId::MaxForwards: {
    uint64_t n;
    max_forwards_ = f && parse_uint(f->value, 255, n) ? int(n) : -1;
    break;
  }
  default:
    break;
  }
}

void Message::set_request_line(std::string_view method, std::string_view uri) {
  method_text_ = keep(method);
  method_ = method_of(method_text_);
  uri_text_ = keep(uri);
  parse_uri(uri_text_, uri_);
  request_ = true;
  version_ = "SIP/2.0";
  start_modified_ = modified_ = true;
}

void Message::set_status_line(int code, std::string_view reason) {
  request_ = false;
  code_ = code;
  reason_ = keep(reason);
  version_ = "SIP/2.0";
  start_modified_ = modified_ = true;
}

void Message::set(HeaderId id, std::string_view value) {
  for (auto &h : fields_)
    if (h.id == id && h.state != HeaderField::State::Removed) {
      h.value = keep(value);
      if (h.state == HeaderField::State::Received)
        h.state = HeaderField::State::Replaced;
      modified_ = true;
      refresh(id);
      return;
    }
  add(id, value);
}

void Message::add(HeaderId id, std::string_view value, bool front) {
  HeaderField h;
  h.id = id;
  h.name = header_info(id).name;
  h.value = keep(value);
  h.state = HeaderField::State::Added;
  insert_added(h, front);
  refresh(id);
}

void Message::add(std::string_view name, std::string_view value) {
  HeaderId id = lookup_header(name);
  if (id != HeaderId::Other)
    return add(id, value);
  HeaderField h;
  h.id = id;
  h.name = keep(name);
  h.value = keep(value);
  h.state = HeaderField::State::Added;
  insert_added(h, false);
}

void Message::insert_added(const HeaderField &h, bool front) {
  std::size_t n = fields_.size();
  if (front) {
    fields_.insert(0, h);
    reindex();
  } else if (h.id != HeaderId::ContentLength && n &&
             fields_[n - 1].id == HeaderId::ContentLength &&
             fields_[n - 1].state == HeaderField::State::Added) {
    // Built messages keep Content-Length last (readability only; order is free, §7.3.1).
    fields_.insert(n - 1, h);
    reindex();
  } else {
    fields_.push_back(h);
    index(fields_.size() - 1);
  }
  modified_ = true;
}

std::size_t Message::remove(HeaderId id) {
  pristine_ = false;
  std::size_t n = 0;
  for (auto &h : fields_)
    if (h.id == id && h.state != HeaderField::State::Removed) {
      h.state = HeaderField::State::Removed;
      ++n;
    }
  if (n) {
    modified_ = true;
    first_[std::size_t(id)] = kNone;
    refresh(id);
  }
  return n;
}

void Message::set_body(std::string_view content_type, std::string_view body) {
  body_ = keep(body);
  body_modified_ = modified_ = true;
  if (content_type.empty())
    remove(HeaderId::ContentType);
  else
    set(HeaderId::ContentType, content_type);
  set(HeaderId::ContentLength, std::to_string(body_.size()));
  has_cl_ = true;
  content_length_ = body_.size();
}

void Message::serialize_to(std::string &out) const {
  if (!modified_) { // untouched: the received bytes, exactly
    out.append(bytes_);
    return;
  }
  if (!start_modified_) {
    out.append(start_line_);
  } else if (request_) {
    out.append(method_text_).append(" ").append(uri_text_).append(" SIP/2.0");
  } else {
    out.append("SIP/2.0 ").append(std::to_string(code_)).append(" ").append(reason_);
  }
  out.append("\r\n");
  for (const auto &h : fields_) {
    switch (h.state) {
    case HeaderField::State::Received:
      out.append(h.raw());
      break;
    case HeaderField::State::Removed:
      break;
    case HeaderField::State::Replaced:
    case HeaderField::State::Added:
      out.append(h.id == HeaderId::Other ? h.name : header_info(h.id).name)
          .append(": ")
          .append(h.value)
          .append("\r\n");
      break;
    }
  }
  out.append("\r\n");
  out.append(body_);
}

Message make_response(const Message &req, int code, std::string_view reason,
                      std::string_view to_tag) {
  Message r;
  r.set_status_line(code, reason);
  for (const auto &h : req.fields_) {
    if (h.state == HeaderField::State::Removed)
      continue;
    switch (h.id) {
    case HeaderId::Via:
    case HeaderId::From:
    case HeaderId::CallId:
    case HeaderId::CSeq:
      r.add(h.id, h.value);
      break;
    case HeaderId::To:
      if (code > 100 && !to_tag.empty() && req.to().tag().empty()) {
        std::string v(h.value);
        v.append(";tag=").append(to_tag);
        r.add(h.id, std::string_view(v));
      } else {
        r.add(h.id, h.value);
      }
      break;
    default:
      break;
    }
  }
  r.body_ = {};
  r.add(HeaderId::ContentLength, "0");
  return r;
}

Message make_request(Method method, const RequestParts &p) {
  Message r;
  r.set_request_line(method_name(method), p.request_uri);
  r.add(HeaderId::Via, p.via);
  r.add(HeaderId::MaxForwards, "70");
  r.add(HeaderId::From, p.from);
  r.add(HeaderId::To, p.to);
  r.add(HeaderId::CallId, p.call_id);
  r.add(HeaderId::CSeq, CSeq{p.cseq, method_name(method)});
  r.add(HeaderId::ContentLength, "0");
  return r;
}

} // namespace mgc::sipt
