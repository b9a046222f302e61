// H.248.1 Annex B text decoding (RFC 3525 B.2 ABNF). A hand-written recursive-descent parser
// over the input view: no copies of the input, no writes into it. Both token spellings and any
// case are accepted (B.3); LWSP includes ';' comments. Recursion is bounded by the grammar
// (events embed events at most one level deep, B.2 embedFirst).
#include <arpa/inet.h>
#include <cctype>
#include <charconv>

#include "h248/codec.h"
#include "h248/text_tokens.h"

namespace mgc::h248 {
namespace {

using text::is;
using text::Tok;
using R = H248DecodeCounter;

// B.2 SafeChar: the characters of an unquoted VALUE, NAME, pkgdName and TerminationID.
constexpr std::array<bool, 256> make_safe() {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c)
    t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c)
    t[c] = t[c - 32] = true;
  for (char c : std::string_view("+-&!_/'?@^`~*$\\()%|."))
    t[static_cast<unsigned char>(c)] = true;
  return t;
}
constexpr auto kSafe = make_safe();

bool parse_uint(std::string_view w, uint32_t &v, uint32_t max = 0xFFFFFFFF) {
  if (w.empty() || w.size() > 10)
    return false;
  uint64_t x = 0;
  for (char c : w) {
    if (c < '0' || c > '9')
      return false;
    x = x * 10 + uint64_t(c - '0');
  }
  if (x > max)
    return false;
  v = uint32_t(x);
  return true;
}

bool starts_with_ci(std::string_view w, std::string_view prefix) {
  return w.size() >= prefix.size() && text::iequals(w.substr(0, prefix.size()), prefix);
}

bool is_timestamp(std::string_view w) {
  // B.2 TimeStamp = Date "T" Time, 8 digits each.
  if (w.size() != 17 || (w[8] != 'T' && w[8] != 't'))
    return false;
  for (size_t i = 0; i < 17; ++i)
    if (i != 8 && (w[i] < '0' || w[i] > '9'))
      return false;
  return true;
}

class Parser {
public:
  explicit Parser(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  R error() const { return err_; }

  bool message(Message &m);
  friend bool ::mgc::h248::parse_mid(std::string_view text, Mid &out);

private:
  const char *p_;
  const char *end_;
  R err_ = R::ok;

  bool fail(R r) {
    if (err_ == R::ok)
      err_ = r;
    return false;
  }

  // B.2 LWSP = *(WSP / COMMENT / EOL).
  void lwsp() {
    while (p_ < end_) {
      char c = *p_;
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++p_;
      } else if (c == ';') {
        while (p_ < end_ && *p_ != '\r' && *p_ != '\n')
          ++p_;
      } else {
        break;
      }
    }
  }
  bool at(char c) {
    lwsp();
    return p_ < end_ && *p_ == c;
  }
  bool accept(char c) {
    if (!at(c))
      return false;
    ++p_;
    return true;
  }
  bool expect(char c, R r) { return accept(c) || fail(r); }
  bool at_end() {
    lwsp();
    return p_ >= end_;
  }
  std::string_view word() {
    lwsp();
    const char *b = p_;
    while (p_ < end_ && kSafe[static_cast<unsigned char>(*p_)])
      ++p_;
    return {b, size_t(p_ - b)};
  }
  // B.2 VALUE = quotedString / 1*(SafeChar). Quotes are dropped.
  bool value(std::string &out, R r) {
    lwsp();
    if (p_ < end_ && *p_ == '"') {
      const char *b = ++p_;
      while (p_ < end_ && *p_ != '"')
        ++p_;
      if (p_ >= end_)
        return fail(r);
      out.assign(b, size_t(p_ - b));
      ++p_;
      return true;
    }
    auto w = word();
    if (w.empty())
      return fail(r);
    out.assign(w);
    return true;
  }
  bool uint_after_equal(uint32_t &v, R r, uint32_t max = 0xFFFFFFFF) {
    return expect('=', r) && (parse_uint(word(), v, max) || fail(r));
  }
  bool on_off(bool &v, R r) {
    if (!expect('=', r))
      return false;
    auto w = word();
    if (text::iequals(w, "ON"))
      v = true;
    else if (text::iequals(w, "OFF"))
      v = false;
    else
      return fail(r);
    return true;
  }
  // Parses "{ item *(, item) }" calling f for each item; empty braces allowed when allow_empty.
  template <typename F> bool list(R r, bool allow_empty, F &&f) {
    if (!expect('{', r))
      return false;
    if (accept('}'))
      return allow_empty || fail(r);
    do {
      if (!f())
        return fail(r);
    } while (accept(','));
    return expect('}', r);
  }

  bool mid(Mid &m);
  bool termination_id(TerminationId &t);
  bool context_id(ContextId &c);
  bool transaction_request(Transaction &t);
  bool transaction_reply(Transaction &t);
  bool transaction_pending(Transaction &t);
  bool response_ack(Transaction &t);
  bool action(Action &a, bool reply);
  bool command_request(std::string_view w, Command &c);
  bool command_reply(std::string_view w, Command &c);
  bool descriptor(std::string_view w, bool reply, std::vector<Descriptor> &out);
  bool property(std::string_view name, PropertyParm &p, R r);
  bool parm_value(PropertyParm &p, R r);
  bool media(MediaDescriptor &m);
  bool stream_parm(std::string_view w, StreamParms &s);
  bool local_control(LocalControl &lc);
  bool sdp(LocalRemote &lr);
  bool termination_state(TerminationState &ts);
  bool events(EventsDescriptor &e, int depth);
  bool requested_event(RequestedEvent &e, int depth);
  bool signals(SignalsDescriptor &s);
  bool signal_request(std::string_view name, SignalRequest &s);
  bool digit_map(DigitMapDescriptor &d);
  bool digit_map_value(DigitMapValue &v);
  bool audit(AuditDescriptor &a);
  bool observed_event(ObservedEvent &e, bool with_time);
  bool error_descriptor(ErrorDescriptor &e);
  bool services(ServiceChangeDescriptor &s);
  bool topology(ContextRequest &c);
};

bool Parser::message(Message &m) {
  // B.2 message = MegacopToken SLASH Version SEP mId SEP messageBody.
  auto w = word();
  std::string_view ver;
  if (starts_with_ci(w, "MEGACO/"))
    ver = w.substr(7);
  else if (starts_with_ci(w, "!/"))
    ver = w.substr(2);
  else
    return fail(R::bad_header);
  uint32_t v = 0;
  if (ver.size() > 2 || !parse_uint(ver, v))
    return fail(R::bad_header);
  if (v < 1 || v > 3)
    return fail(R::bad_version);
  m.version = uint8_t(v);
  if (p_ >= end_ || !(*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n' || *p_ == ';'))
    return fail(R::bad_header);
  if (!mid(m.mid))
    return false;
  lwsp();
  if (p_ >= end_)
    return fail(R::bad_transaction);
  const char *save = p_;
  w = word();
  if (is(w, Tok::Error)) {
    ErrorDescriptor e;
    if (!error_descriptor(e))
      return false;
    m.error = std::move(e);
    return at_end() || fail(R::trailing_data);
  }
  p_ = save;
  while (!at_end()) {
    w = word();
    Transaction &t = m.transactions.emplace_back();
    bool ok;
    if (is(w, Tok::Trans))
      ok = transaction_request(t);
    else if (is(w, Tok::Reply))
      ok = transaction_reply(t);
    else if (is(w, Tok::Pending))
      ok = transaction_pending(t);
    else if (is(w, Tok::ResponseAck))
      ok = response_ack(t);
    else
      ok = fail(R::bad_transaction);
    if (!ok)
      return false;
  }
  return true;
}

namespace {
bool valid_mid_address(Mid::Kind kind, std::string_view a) {
  if (kind == Mid::Kind::Domain) {
    if (!std::isalnum(static_cast<unsigned char>(a.front())))
      return false;
    for (char c : a)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.')
        return false;
    return true;
  }
  const std::string text(a);
  unsigned char buf[16];
  return inet_pton(kind == Mid::Kind::Ip4 ? AF_INET : AF_INET6, text.c_str(), buf) == 1;
}
} // namespace

bool Parser::mid(Mid &m) {
  lwsp();
  if (p_ >= end_)
    return fail(R::bad_mid);
  char open = *p_;
  if (open == '[' || open == '<') {
    char close = open == '[' ? ']' : '>';
    const char *b = ++p_;
    while (p_ < end_ && *p_ != close && p_ - b <= 64)
      ++p_;
    if (p_ >= end_ || *p_ != close || p_ == b)
      return fail(R::bad_mid);
    std::string_view a(b, size_t(p_ - b));
    ++p_;
    if (open == '<')
      m.kind = Mid::Kind::Domain;
    else
      m.kind = a.find(':') == std::string_view::npos ? Mid::Kind::Ip4 : Mid::Kind::Ip6;
    // RFC 3525 Annex B.2: domainAddress = "[" (IPv4address / IPv6address) "]", domainName =
    // "<" (ALPHA / DIGIT) *63(ALPHA / DIGIT / "-" / ".") ">". Anything else in the brackets is
    // not an address (a message carrying it could not be written back as it was read).
    if (!valid_mid_address(m.kind, a))
      return fail(R::bad_mid);
    m.address.assign(a);
    if (p_ < end_ && *p_ == ':') {
      ++p_;
      const char *pb = p_;
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9')
        ++p_;
      uint32_t port;
      if (!parse_uint({pb, size_t(p_ - pb)}, port, 0xFFFF))
        return fail(R::bad_mid);
      m.port = uint16_t(port);
    }
    return true;
  }
  auto w = word();
  if (is(w, Tok::MTP) && at('{')) {
    ++p_;
    auto hex = word();
    if (hex.size() < 4 || hex.size() > 8 || !accept('}'))
      return fail(R::bad_mid);
    m.kind = Mid::Kind::Mtp;
    m.address.assign(hex);
    return true;
  }
  if (w.empty() || w.size() > 64)
    return fail(R::bad_mid);
  m.kind = Mid::Kind::Device;
  m.address.assign(w);
  return true;
}

bool Parser::termination_id(TerminationId &t) {
  auto w = word();
  if (w.empty() || w.size() > 64)
    return fail(R::bad_termination_id);
  t.text.assign(w);
  return true;
}

bool Parser::context_id(ContextId &c) {
  auto w = word();
  if (w == "-")
    c = kNullContext;
  else if (w == "$")
    c = kChooseContext;
  else if (w == "*")
    c = kAllContexts;
  else if (!parse_uint(w, c))
    return fail(R::bad_context_id);
  return true;
}

bool Parser::transaction_request(Transaction &t) {
  t.kind = TransactionKind::Request;
  if (!uint_after_equal(t.id, R::bad_transaction_id))
    return false;
  return list(R::bad_transaction, false, [&] {
    auto w = word();
    return is(w, Tok::Ctx) && action(t.actions.emplace_back(), false);
  });
}

bool Parser::transaction_reply(Transaction &t) {
  t.kind = TransactionKind::Reply;
  if (!uint_after_equal(t.id, R::bad_transaction_id))
    return false;
  if (!expect('{', R::bad_transaction))
    return false;
  bool first = true;
  do {
    auto w = word();
    if (first && is(w, Tok::ImmAckRequired)) {
      t.imm_ack_required = true;
      first = false;
      continue;
    }
    first = false;
    if (is(w, Tok::Error)) {
      ErrorDescriptor e;
      if (!error_descriptor(e))
        return false;
      t.error = std::move(e);
    } else if (!is(w, Tok::Ctx) || !action(t.actions.emplace_back(), true)) {
      return fail(R::bad_transaction);
    }
  } while (accept(','));
  return expect('}', R::bad_transaction);
}

bool Parser::transaction_pending(Transaction &t) {
  t.kind = TransactionKind::Pending;
  return uint_after_equal(t.id, R::bad_transaction_id) && expect('{', R::bad_transaction) &&
         expect('}', R::bad_transaction);
}

bool Parser::response_ack(Transaction &t) {
  t.kind = TransactionKind::ResponseAck;
  return list(R::bad_transaction, false, [&] {
    auto w = word();
    AckRange a;
    auto dash = w.find('-');
    if (dash == std::string_view::npos) {
      if (!parse_uint(w, a.first))
        return fail(R::bad_transaction_id);
      a.last = a.first;
    } else if (!parse_uint(w.substr(0, dash), a.first) ||
               !parse_uint(w.substr(dash + 1), a.last)) {
      return fail(R::bad_transaction_id);
    }
    t.acks.push_back(a);
    if (t.id == 0)
      t.id = a.first;
    return true;
  });
}

bool Parser::topology(ContextRequest &c) {
  return list(R::bad_topology, false, [&] {
    Topology t;
    if (!termination_id(t.from) || !expect(',', R::bad_topology) || !termination_id(t.to) ||
        !expect(',', R::bad_topology))
      return false;
    auto w = word();
    if (is(w, Tok::Bothway))
      t.direction = TopologyDirection::Bothway;
    else if (is(w, Tok::Isolate))
      t.direction = TopologyDirection::Isolate;
    else if (is(w, Tok::Oneway))
      t.direction = TopologyDirection::Oneway;
    else
      return fail(R::bad_topology);
    c.topology.push_back(std::move(t));
    return true;
  });
}

bool Parser::action(Action &a, bool reply) {
  if (!expect('=', R::bad_action) || !context_id(a.context))
    return false;
  if (!expect('{', R::bad_action))
    return false;
  if (accept('}'))
    return true; // v3 allows an empty action (H.248.1 v3 B.2 actionRequest)
  do {
    auto w = word();
    if (is(w, Tok::Topology)) {
      if (!topology(a.properties))
        return false;
    } else if (is(w, Tok::Priority)) {
      uint32_t v;
      if (!uint_after_equal(v, R::bad_action, 15))
        return false;
      a.properties.priority = uint8_t(v);
    } else if (is(w, Tok::Emergency)) {
      a.properties.emergency = true;
    } else if (is(w, Tok::ContextAudit)) {
      // Context audit requests are accepted and not modelled (no MGC sends them to us).
      if (!list(R::bad_action, true, [&] { return !word().empty(); }))
        return false;
    } else if (reply && is(w, Tok::Error)) {
      ErrorDescriptor e;
      if (!error_descriptor(e))
        return false;
      a.error = std::move(e);
    } else {
      Command &c = a.commands.emplace_back();
      if (!(reply ? command_reply(w, c) : command_request(w, c)))
        return false;
    }
  } while (accept(','));
  return expect('}', R::bad_action);
}

bool command_type(std::string_view w, CommandType &t) {
  int i = text::find(w, text::kCommandTok);
  if (i < 0)
    return false;
  t = CommandType(i);
  return true;
}

bool Parser::command_request(std::string_view w, Command &c) {
  // B.2 commandRequestList: ["O-"] ["W-"] commandRequest.
  if (starts_with_ci(w, "O-")) {
    c.optional = true;
    w.remove_prefix(2);
  }
  if (starts_with_ci(w, "W-")) {
    c.wildcard_reply = true;
    w.remove_prefix(2);
  }
  if (!command_type(w, c.type))
    return fail(w.empty() ? R::bad_command : R::unknown_command);
  if (!expect('=', R::bad_command) || !termination_id(c.terminations.emplace_back()))
    return false;
  if (!at('{')) {
    switch (c.type) {
    case CommandType::Add:
    case CommandType::Modify:
    case CommandType::Move:
    case CommandType::Subtract:
      return true;
    default:
      return fail(R::bad_command);
    }
  }
  return list(R::bad_command, true,
              [&] { return descriptor(word(), false, c.descriptors); }) &&
         (has_mandatory_descriptors(c) || fail(R::bad_command));
}

bool Parser::command_reply(std::string_view w, Command &c) {
  if (starts_with_ci(w, "W-")) {
    c.wildcard_reply = true;
    w.remove_prefix(2);
  }
  if (!command_type(w, c.type))
    return fail(w.empty() ? R::bad_command : R::unknown_command);
  if (!expect('=', R::bad_command))
    return false;
  if (c.type == CommandType::AuditValue || c.type == CommandType::AuditCapabilities) {
    // B.2 contextTerminationAudit = EQUAL CtxToken (terminationIDList / LBRKT errorDescriptor).
    const char *save = p_;
    auto w2 = word();
    if (is(w2, Tok::Ctx) && at('{')) {
      c.context_audit_reply = true;
      return list(R::bad_command, false, [&] {
        const char *s2 = p_;
        auto w3 = word();
        if (is(w3, Tok::Error) && at('=')) {
          ErrorDescriptor e;
          if (!error_descriptor(e))
            return false;
          c.descriptors.emplace_back(std::move(e));
          return true;
        }
        p_ = s2;
        return termination_id(c.terminations.emplace_back());
      });
    }
    p_ = save;
  }
  if (!termination_id(c.terminations.emplace_back()))
    return false;
  if (!at('{'))
    return true;
  return list(R::bad_command, true, [&] { return descriptor(word(), true, c.descriptors); });
}

uint16_t audit_bit(std::string_view w) {
  int i = text::find(w, text::kAuditItemTok);
  return i < 0 ? 0 : uint16_t(1u << i);
}

bool Parser::descriptor(std::string_view w, bool reply, std::vector<Descriptor> &out) {
  if (w.empty())
    return fail(R::unknown_descriptor);
  lwsp();
  bool bare = p_ >= end_ || (*p_ != '{' && *p_ != '=');
  if (bare && reply) {
    // B.2 auditReturnParameter may be a bare auditItem token.
    uint16_t bit = audit_bit(w);
    if (!bit)
      return fail(R::unknown_descriptor);
    out.emplace_back(AuditReturnItem{bit});
    return true;
  }
  if (is(w, Tok::Media)) {
    MediaDescriptor m;
    if (!media(m))
      return false;
    out.emplace_back(std::move(m));
  } else if (is(w, Tok::Events)) {
    EventsDescriptor e;
    if (!bare && !events(e, 0))
      return false;
    out.emplace_back(std::move(e));
  } else if (is(w, Tok::Signals)) {
    SignalsDescriptor s;
    if (!signals(s))
      return false;
    out.emplace_back(std::move(s));
  } else if (is(w, Tok::DigitMap)) {
    DigitMapDescriptor d;
    if (!digit_map(d))
      return false;
    out.emplace_back(std::move(d));
  } else if (is(w, Tok::Audit)) {
    AuditDescriptor a;
    if (!audit(a))
      return false;
    out.emplace_back(a);
  } else if (is(w, Tok::ObservedEvents)) {
    ObservedEventsDescriptor o;
    if (!uint_after_equal(o.request_id, R::bad_events))
      return false;
    if (!list(R::bad_events, false,
              [&] { return observed_event(o.events.emplace_back(), true); }))
      return false;
    out.emplace_back(std::move(o));
  } else if (is(w, Tok::Stats)) {
    StatisticsDescriptor s;
    if (!list(R::bad_descriptor, false, [&] {
          PropertyParm &p = s.stats.emplace_back();
          auto n = word();
          if (n.empty())
            return false;
          p.name.assign(n);
          return !at('=') || parm_value(p, R::bad_property);
        }))
      return false;
    out.emplace_back(std::move(s));
  } else if (is(w, Tok::Error)) {
    ErrorDescriptor e;
    if (!error_descriptor(e))
      return false;
    out.emplace_back(std::move(e));
  } else if (is(w, Tok::Services)) {
    ServiceChangeDescriptor s;
    if (!services(s))
      return false;
    out.emplace_back(std::move(s));
  } else if (is(w, Tok::EventBuffer)) {
    EventBufferDescriptor e;
    if (!bare && !list(R::bad_events, false,
                       [&] { return observed_event(e.events.emplace_back(), false); }))
      return false;
    out.emplace_back(std::move(e));
  } else if (is(w, Tok::Packages)) {
    PackagesDescriptor pd;
    if (!list(R::bad_descriptor, false, [&] {
          auto item = word();
          auto dash = item.rfind('-');
          uint32_t v;
          if (dash == std::string_view::npos || dash == 0 ||
              !parse_uint(item.substr(dash + 1), v, 0xFFFF))
            return false;
          pd.items.push_back({std::string(item.substr(0, dash)), uint16_t(v)});
          return true;
        }))
      return false;
    out.emplace_back(std::move(pd));
  } else if (is(w, Tok::Mux)) {
    MuxDescriptor mx;
    if (!expect('=', R::bad_descriptor))
      return false;
    auto t = word();
    if (is(t, Tok::H221))
      mx.type = MuxDescriptor::Type::H221;
    else if (is(t, Tok::H223))
      mx.type = MuxDescriptor::Type::H223;
    else if (is(t, Tok::H226))
      mx.type = MuxDescriptor::Type::H226;
    else if (is(t, Tok::V76))
      mx.type = MuxDescriptor::Type::V76;
    else
      return fail(R::bad_descriptor);
    if (!list(R::bad_descriptor, false,
              [&] { return termination_id(mx.terminations.emplace_back()); }))
      return false;
    out.emplace_back(std::move(mx));
  } else {
    return fail(R::unknown_descriptor);
  }
  return true;
}

bool Parser::parm_value(PropertyParm &p, R r) {
  // B.2 parmValue = (EQUAL alternativeValue / INEQUAL VALUE).
  lwsp();
  if (p_ >= end_)
    return fail(r);
  char c = *p_++;
  if (c == '#' || c == '>' || c == '<') {
    p.rel = c == '#' ? PropertyParm::Rel::NotEqual
            : c == '>' ? PropertyParm::Rel::Greater
                       : PropertyParm::Rel::Less;
    return value(p.values.emplace_back(), r);
  }
  if (c != '=')
    return fail(r);
  if (accept('[')) {
    if (!value(p.values.emplace_back(), r))
      return false;
    if (accept(':')) {
      p.rel = PropertyParm::Rel::Range;
      return value(p.values.emplace_back(), r) && expect(']', r);
    }
    p.rel = PropertyParm::Rel::Sublist;
    while (accept(','))
      if (!value(p.values.emplace_back(), r))
        return false;
    return expect(']', r);
  }
  if (at('{')) {
    p.rel = PropertyParm::Rel::Alternatives;
    return list(r, false, [&] { return value(p.values.emplace_back(), r); });
  }
  p.rel = PropertyParm::Rel::Equal;
  return value(p.values.emplace_back(), r);
}

bool Parser::property(std::string_view name, PropertyParm &p, R r) {
  if (name.empty())
    return fail(r);
  p.name.assign(name);
  return parm_value(p, r);
}

bool Parser::media(MediaDescriptor &m) {
  bool one_stream = false;
  return list(R::bad_descriptor, false, [&] {
    auto w = word();
    if (is(w, Tok::TerminationState)) {
      if (m.termination_state)
        return fail(R::bad_descriptor);
      return termination_state(m.termination_state.emplace());
    }
    if (is(w, Tok::Stream)) {
      uint32_t id;
      if (one_stream || !uint_after_equal(id, R::bad_descriptor, 0xFFFF))
        return fail(R::bad_descriptor);
      Stream &s = m.streams.emplace_back();
      s.id = uint16_t(id);
      return list(R::bad_descriptor, false, [&] { return stream_parm(word(), s.parms); });
    }
    // B.2 streamParm outside a Stream: the single-stream shorthand.
    if (!one_stream) {
      if (!m.streams.empty())
        return fail(R::bad_descriptor);
      one_stream = true;
      m.streams.emplace_back();
    }
    return stream_parm(w, m.streams.back().parms);
  });
}

bool Parser::stream_parm(std::string_view w, StreamParms &s) {
  if (is(w, Tok::LocalControl))
    return !s.local_control && local_control(s.local_control.emplace());
  if (is(w, Tok::Local))
    return !s.local && sdp(s.local.emplace());
  if (is(w, Tok::Remote))
    return !s.remote && sdp(s.remote.emplace());
  return fail(R::bad_descriptor);
}

bool Parser::local_control(LocalControl &lc) {
  return list(R::bad_descriptor, false, [&] {
    auto w = word();
    if (is(w, Tok::Mode)) {
      if (!expect('=', R::bad_descriptor))
        return false;
      int i = text::find(word(), text::kModeTok);
      if (i < 0)
        return fail(R::bad_value);
      lc.mode = StreamMode(i);
      return true;
    }
    if (is(w, Tok::ReservedValue))
      return on_off(lc.reserve_value.emplace(), R::bad_value);
    if (is(w, Tok::ReservedGroup))
      return on_off(lc.reserve_group.emplace(), R::bad_value);
    return property(w, lc.props.emplace_back(), R::bad_property);
  });
}

bool Parser::sdp(LocalRemote &lr) {
  // B.2 octetString up to the closing brace; "\}" escapes a brace inside SDP.
  if (!expect('{', R::bad_sdp))
    return false;
  SdpGroup *group = nullptr;
  std::string *cur = nullptr;
  while (true) {
    // Start of a line: skip blanks and empty lines.
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n'))
      ++p_;
    if (p_ >= end_)
      return fail(R::bad_sdp);
    if (*p_ == '}') {
      ++p_;
      return true;
    }
    char type = *p_;
    if (!((type >= 'a' && type <= 'z') || (type >= 'A' && type <= 'Z')) || p_ + 1 >= end_ ||
        p_[1] != '=')
      return fail(R::bad_sdp);
    p_ += 2;
    if (type == 'v' || !group)
      group = &lr.groups.emplace_back();
    SdpLine &line = group->emplace_back();
    line.type = type;
    cur = &line.value;
    const char *b = p_;
    bool escaped = false;
    while (p_ < end_ && *p_ != '\r' && *p_ != '\n') {
      if (*p_ == '}' )
        break;
      if (*p_ == '\\' && p_ + 1 < end_ && p_[1] == '}') {
        escaped = true;
        p_ += 2;
        continue;
      }
      ++p_;
    }
    std::string_view v(b, size_t(p_ - b));
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
      v.remove_suffix(1);
    if (!escaped) {
      cur->assign(v);
    } else {
      for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size() && v[i + 1] == '}')
          continue;
        cur->push_back(v[i]);
      }
    }
  }
}

bool Parser::termination_state(TerminationState &ts) {
  return list(R::bad_descriptor, false, [&] {
    auto w = word();
    if (is(w, Tok::ServiceStates)) {
      if (!expect('=', R::bad_value))
        return false;
      auto v = word();
      if (is(v, Tok::Test))
        ts.service_state = ServiceState::Test;
      else if (is(v, Tok::OutOfSvc))
        ts.service_state = ServiceState::OutOfService;
      else if (is(v, Tok::InSvc))
        ts.service_state = ServiceState::InService;
      else
        return fail(R::bad_value);
      return true;
    }
    if (is(w, Tok::Buffer)) {
      if (!expect('=', R::bad_value))
        return false;
      auto v = word();
      if (text::iequals(v, "OFF"))
        ts.event_buffer_control = EventBufferControl::Off;
      else if (is(v, Tok::LockStep))
        ts.event_buffer_control = EventBufferControl::LockStep;
      else
        return fail(R::bad_value);
      return true;
    }
    return property(w, ts.props.emplace_back(), R::bad_property);
  });
}

bool Parser::events(EventsDescriptor &e, int depth) {
  uint32_t id;
  if (!uint_after_equal(id, R::bad_events))
    return false;
  e.request_id = id;
  return list(R::bad_events, false,
              [&] { return requested_event(e.events.emplace_back(), depth); });
}

bool Parser::requested_event(RequestedEvent &e, int depth) {
  auto n = word();
  if (n.empty())
    return fail(R::bad_events);
  e.name.assign(n);
  if (!at('{'))
    return true;
  return list(R::bad_events, true, [&] {
    auto w = word();
    if (is(w, Tok::KeepActive)) {
      e.keep_active = true;
      return true;
    }
    if (is(w, Tok::Stream)) {
      uint32_t s;
      if (!uint_after_equal(s, R::bad_events, 0xFFFF))
        return false;
      e.stream = uint16_t(s);
      return true;
    }
    if (is(w, Tok::DigitMap)) {
      if (!expect('=', R::bad_digit_map))
        return false;
      DigitMapDescriptor &d = e.digit_map.emplace();
      if (at('{'))
        return digit_map_value(d.value.emplace());
      auto name = word();
      if (name.empty())
        return fail(R::bad_digit_map);
      d.name.assign(name);
      return true;
    }
    if (is(w, Tok::Embed)) {
      // B.2 embedWithSig / embedNoSig: a second level never embeds events again.
      if (depth > 0 || !e.embed.empty())
        return fail(R::bad_events);
      EmbeddedEvents &em = e.embed.emplace_back();
      return list(R::bad_events, false, [&] {
        auto w2 = word();
        if (is(w2, Tok::Signals) && !em.signals)
          return signals(em.signals.emplace());
        if (is(w2, Tok::Events) && em.events.empty()) {
          if (!at('='))
            return true;
          EventsDescriptor sub;
          if (!events(sub, depth + 1))
            return false;
          em.request_id = sub.request_id;
          em.events = std::move(sub.events);
          return true;
        }
        return fail(R::bad_events);
      });
    }
    return property(w, e.params.emplace_back(), R::bad_events);
  });
}

bool Parser::signals(SignalsDescriptor &s) {
  return list(R::bad_signals, true, [&] {
    auto w = word();
    SignalParm &sp = s.signals.emplace_back();
    if (is(w, Tok::SignalList) && at('=')) {
      uint32_t id;
      if (!uint_after_equal(id, R::bad_signals, 0xFFFF))
        return false;
      sp.list_id = uint16_t(id);
      return list(R::bad_signals, false,
                  [&] { return signal_request(word(), sp.signals.emplace_back()); });
    }
    return signal_request(w, sp.signals.emplace_back());
  });
}

bool Parser::signal_request(std::string_view name, SignalRequest &s) {
  if (name.empty())
    return fail(R::bad_signals);
  s.name.assign(name);
  if (!at('{'))
    return true;
  return list(R::bad_signals, true, [&] {
    auto w = word();
    if (is(w, Tok::Stream)) {
      uint32_t v;
      if (!uint_after_equal(v, R::bad_signals, 0xFFFF))
        return false;
      s.stream = uint16_t(v);
      return true;
    }
    if (is(w, Tok::SignalType)) {
      if (!expect('=', R::bad_signals))
        return false;
      int i = text::find(word(), text::kSignalTypeTok);
      if (i < 0)
        return fail(R::bad_signals);
      s.type = SignalType(i);
      return true;
    }
    if (is(w, Tok::Duration)) {
      uint32_t v;
      if (!uint_after_equal(v, R::bad_signals, 0xFFFF))
        return false;
      s.duration = v;
      return true;
    }
    if (is(w, Tok::NotifyCompletion)) {
      if (!expect('=', R::bad_signals))
        return false;
      return list(R::bad_signals, false, [&] {
        int i = text::find(word(), text::kNotifyReasonTok);
        if (i < 0)
          return fail(R::bad_signals);
        s.notify_completion |= uint8_t(1u << i);
        return true;
      });
    }
    if (is(w, Tok::KeepActive)) {
      s.keep_active = true;
      return true;
    }
    return property(w, s.params.emplace_back(), R::bad_signals);
  });
}

bool Parser::digit_map_value(DigitMapValue &v) {
  // B.2 digitMapValue = ["T" COLON Timer COMMA] ["S" ...] ["L" ...] ["Z" ...] digitMap. The
  // body is kept without white space (LWSP is allowed between its elements).
  if (!expect('{', R::bad_digit_map))
    return false;
  const char *b = p_;
  while (p_ < end_ && *p_ != '}')
    ++p_;
  if (p_ >= end_)
    return fail(R::bad_digit_map);
  std::string_view body(b, size_t(p_ - b));
  ++p_;
  std::string compact;
  compact.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == ';') { // comment to end of line
      while (i < body.size() && body[i] != '\n' && body[i] != '\r')
        ++i;
      continue;
    }
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
      compact.push_back(c);
  }
  std::string_view rest = compact;
  while (rest.size() >= 3 && rest[1] == ':') {
    char t = text::lower(rest[0]);
    std::optional<uint8_t> *slot = t == 't'   ? &v.start_timer
                                   : t == 's' ? &v.short_timer
                                   : t == 'l' ? &v.long_timer
                                   : t == 'z' ? &v.duration_timer
                                              : nullptr;
    if (!slot)
      break;
    auto comma = rest.find(',');
    uint32_t n;
    if (comma == std::string_view::npos || !parse_uint(rest.substr(2, comma - 2), n, 99))
      return fail(R::bad_digit_map);
    *slot = uint8_t(n);
    rest.remove_prefix(comma + 1);
  }
  if (rest.empty())
    return fail(R::bad_digit_map);
  v.body.assign(rest);
  return true;
}

bool Parser::digit_map(DigitMapDescriptor &d) {
  if (at('{'))
    return digit_map_value(d.value.emplace());
  if (!expect('=', R::bad_digit_map))
    return false;
  if (at('{'))
    return digit_map_value(d.value.emplace());
  auto n = word();
  if (n.empty())
    return fail(R::bad_digit_map);
  d.name.assign(n);
  if (at('{'))
    return digit_map_value(d.value.emplace());
  return true;
}

bool Parser::audit(AuditDescriptor &a) {
  return list(R::bad_descriptor, true, [&] {
    uint16_t bit = audit_bit(word());
    if (!bit || at('{')) // H.248.1 v2 indAuditParameter is not supported
      return fail(R::bad_descriptor);
    a.items |= bit;
    return true;
  });
}

bool Parser::observed_event(ObservedEvent &e, bool with_time) {
  auto w = word();
  if (with_time && at(':')) {
    if (!is_timestamp(w))
      return fail(R::bad_events);
    ++p_;
    e.timestamp.assign(w);
    w = word();
  }
  if (w.empty())
    return fail(R::bad_events);
  e.name.assign(w);
  if (!at('{'))
    return true;
  return list(R::bad_events, true, [&] {
    auto n = word();
    if (is(n, Tok::Stream)) {
      uint32_t s;
      if (!uint_after_equal(s, R::bad_events, 0xFFFF))
        return false;
      e.stream = uint16_t(s);
      return true;
    }
    return property(n, e.params.emplace_back(), R::bad_events);
  });
}

bool Parser::error_descriptor(ErrorDescriptor &e) {
  uint32_t code;
  if (!expect('=', R::bad_error_descriptor))
    return false;
  auto w = word();
  if (w.size() > 4 || !parse_uint(w, code, 0xFFFF))
    return fail(R::bad_error_descriptor);
  e.code = uint16_t(code);
  if (!expect('{', R::bad_error_descriptor))
    return false;
  if (at('"') && !value(e.text, R::bad_error_descriptor))
    return false;
  return expect('}', R::bad_error_descriptor);
}

bool Parser::services(ServiceChangeDescriptor &s) {
  return list(R::bad_service_change, false, [&] {
    auto w = word();
    if (is(w, Tok::Method)) {
      if (!expect('=', R::bad_service_change))
        return false;
      int i = text::find(word(), text::kMethodTok);
      if (i < 0)
        return fail(R::bad_service_change);
      s.method = ServiceChangeMethod(i);
      return true;
    }
    if (is(w, Tok::Reason))
      return expect('=', R::bad_service_change) && value(s.reason, R::bad_service_change);
    if (is(w, Tok::Delay)) {
      uint32_t v;
      if (!uint_after_equal(v, R::bad_service_change))
        return false;
      s.delay = v;
      return true;
    }
    if (is(w, Tok::ServiceChangeAddress) || is(w, Tok::MgcId)) {
      bool addr = is(w, Tok::ServiceChangeAddress);
      if (!expect('=', R::bad_service_change))
        return false;
      Mid &m = (addr ? s.address : s.mgc_id).emplace();
      lwsp();
      if (addr && p_ < end_ && *p_ >= '0' && *p_ <= '9') {
        uint32_t port;
        if (!parse_uint(word(), port, 0xFFFF))
          return fail(R::bad_service_change);
        m.kind = Mid::Kind::PortOnly;
        m.port = uint16_t(port);
        return true;
      }
      return mid(m);
    }
    if (is(w, Tok::Profile)) {
      if (!expect('=', R::bad_service_change))
        return false;
      auto v = word();
      if (v.find('/') == std::string_view::npos)
        return fail(R::bad_service_change);
      s.profile.assign(v);
      return true;
    }
    if (is(w, Tok::Version)) {
      uint32_t v;
      if (!uint_after_equal(v, R::bad_service_change, 99))
        return false;
      s.version = v;
      return true;
    }
    if (is_timestamp(w)) {
      s.timestamp.assign(w);
      return true;
    }
    return fail(R::bad_service_change);
  });
}

} // namespace

Status decode_text(std::string_view in, Message &out, DecodeCounters *counters) {
  R r = R::ok;
  if (in.empty()) {
    r = R::empty;
  } else {
    Parser p(in);
    if (!p.message(out))
      r = p.error() == R::ok ? R::bad_header : p.error();
  }
  if (counters)
    counters->inc(r);
  return r == R::ok ? Status::Ok() : decode_status(r);
}

bool parse_mid(std::string_view text, Mid &out) {
  Parser p(text);
  Mid m;
  if (!p.mid(m) || !p.at_end())
    return false;
  out = std::move(m);
  return true;
}

} // namespace mgc::h248
