// H.248.1 Annex B text encoding: compact (short tokens, no optional white space) or pretty
// (long tokens, one item per line, tab indents), as B.3 allows either.
#include "h248/codec.h"
#include "h248/text_tokens.h"

namespace mgc::h248 {
namespace {

using text::Tok;
using E = H248EncodeCounter;

bool safe_char(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
    return true;
  switch (c) {
  case '+': case '-': case '&': case '!': case '_': case '/': case '\'': case '?': case '@':
  case '^': case '`': case '~': case '*': case '$': case '\\': case '(': case ')': case '%':
  case '|': case '.':
    return true;
  default:
    return false;
  }
}

class Writer {
public:
  Writer(std::string &out, bool pretty) : o_(out), pretty_(pretty) {}

  E error() const { return err_; }

  void message(const Message &m);
  friend std::string(::mgc::h248::mid_text)(const Mid &m);

private:
  std::string &o_;
  bool pretty_;
  int depth_ = 0;
  E err_ = E::ok;

  void tok(Tok t) {
    const auto &s = text::spelling(t);
    o_.append(pretty_ ? s.long_name : s.short_name);
  }
  void eq() { o_.append(pretty_ ? " = " : "="); }
  void indent() {
    o_.push_back('\n');
    o_.append(size_t(depth_), '\t');
  }
  void open() {
    o_.append(pretty_ ? " {" : "{");
    ++depth_;
    if (pretty_)
      indent();
  }
  void close() {
    --depth_;
    if (pretty_)
      indent();
    o_.push_back('}');
  }
  void comma() {
    o_.push_back(',');
    if (pretty_)
      indent();
  }
  void uint(uint64_t v) {
    char buf[24];
    char *e = buf + sizeof buf, *p = e;
    do {
      *--p = char('0' + v % 10);
      v /= 10;
    } while (v);
    o_.append(p, size_t(e - p));
  }
  void value(const std::string &v, bool force_quotes = false) {
    bool plain = !force_quotes && !v.empty();
    for (char c : v)
      if (!safe_char(c)) {
        plain = false;
        break;
      }
    if (plain) {
      o_.append(v);
      return;
    }
    if (v.find('"') != std::string::npos) // B.2 quotedString cannot carry a double quote
      err_ = E::unencodable_value;
    o_.push_back('"');
    o_.append(v);
    o_.push_back('"');
  }
  void mid(const Mid &m);
  void context_id(ContextId c);
  void transaction(const Transaction &t);
  void action(const Action &a, bool reply);
  void command(const Command &c, bool reply);
  void descriptor(const Descriptor &d);
  void property(const PropertyParm &p);
  void parm_value(const PropertyParm &p);
  void media(const MediaDescriptor &m);
  void stream_parms(const StreamParms &s);
  void sdp(const LocalRemote &lr);
  void events(const EventsDescriptor &e);
  void requested_event(const RequestedEvent &e);
  void signals(const SignalsDescriptor &s);
  void signal_request(const SignalRequest &s);
  void digit_map_value(const DigitMapValue &v);
  void observed_event(const ObservedEvent &e);
  void error(const ErrorDescriptor &e);
  void services(const ServiceChangeDescriptor &s);

  template <typename T, typename F> void items(const std::vector<T> &v, F &&f) {
    bool first = true;
    for (const auto &x : v) {
      if (!first)
        comma();
      first = false;
      f(x);
    }
  }
};

void Writer::message(const Message &m) {
  if (pretty_)
    o_.append("MEGACO/");
  else
    o_.append("!/");
  uint(m.version);
  o_.push_back(' ');
  mid(m.mid);
  o_.push_back('\n');
  if (m.error) {
    error(*m.error);
    return;
  }
  bool first = true;
  for (const auto &t : m.transactions) {
    if (!first && pretty_)
      o_.push_back('\n');
    first = false;
    transaction(t);
  }
  if (pretty_)
    o_.push_back('\n');
}

void Writer::mid(const Mid &m) {
  switch (m.kind) {
  case Mid::Kind::Ip4:
  case Mid::Kind::Ip6:
    o_.push_back('[');
    o_.append(m.address);
    o_.push_back(']');
    break;
  case Mid::Kind::Domain:
    o_.push_back('<');
    o_.append(m.address);
    o_.push_back('>');
    break;
  case Mid::Kind::Mtp:
    tok(Tok::MTP);
    o_.push_back('{');
    o_.append(m.address);
    o_.push_back('}');
    return;
  case Mid::Kind::Device:
    o_.append(m.address);
    return;
  case Mid::Kind::PortOnly:
    uint(m.port.value_or(0));
    return;
  }
  if (m.port) {
    o_.push_back(':');
    uint(*m.port);
  }
}

void Writer::context_id(ContextId c) {
  if (c == kNullContext)
    o_.push_back('-');
  else if (c == kChooseContext)
    o_.push_back('$');
  else if (c == kAllContexts)
    o_.push_back('*');
  else
    uint(c);
}

void Writer::transaction(const Transaction &t) {
  switch (t.kind) {
  case TransactionKind::Request:
    tok(Tok::Trans);
    eq();
    uint(t.id);
    open();
    items(t.actions, [&](const Action &a) { action(a, false); });
    close();
    break;
  case TransactionKind::Reply:
    tok(Tok::Reply);
    eq();
    uint(t.id);
    open();
    if (t.imm_ack_required) {
      tok(Tok::ImmAckRequired);
      if (t.error || !t.actions.empty())
        comma();
    }
    if (t.error)
      error(*t.error);
    else
      items(t.actions, [&](const Action &a) { action(a, true); });
    close();
    break;
  case TransactionKind::Pending:
    tok(Tok::Pending);
    eq();
    uint(t.id);
    o_.append(pretty_ ? " { }" : "{}");
    break;
  case TransactionKind::ResponseAck:
    tok(Tok::ResponseAck);
    open();
    items(t.acks, [&](const AckRange &a) {
      uint(a.first);
      if (a.last != a.first) {
        o_.push_back('-');
        uint(a.last);
      }
    });
    close();
    break;
  }
}

void Writer::action(const Action &a, bool reply) {
  tok(Tok::Ctx);
  eq();
  context_id(a.context);
  if (a.properties.empty() && a.commands.empty() && !a.error) {
    o_.append("{}");
    return;
  }
  open();
  bool first = true;
  auto sep = [&] {
    if (!first)
      comma();
    first = false;
  };
  if (!a.properties.topology.empty()) {
    sep();
    tok(Tok::Topology);
    open();
    items(a.properties.topology, [&](const Topology &t) {
      o_.append(t.from.text);
      comma();
      o_.append(t.to.text);
      comma();
      tok(t.direction == TopologyDirection::Bothway  ? Tok::Bothway
          : t.direction == TopologyDirection::Isolate ? Tok::Isolate
                                                      : Tok::Oneway);
    });
    close();
  }
  if (a.properties.priority) {
    sep();
    tok(Tok::Priority);
    eq();
    uint(*a.properties.priority);
  }
  if (a.properties.emergency.value_or(false)) {
    sep();
    tok(Tok::Emergency);
  }
  for (const auto &c : a.commands) {
    sep();
    command(c, reply);
  }
  if (reply && a.error) {
    sep();
    error(*a.error);
  }
  close();
}

void Writer::command(const Command &c, bool reply) {
  if (c.optional && !reply)
    o_.append("O-");
  if (c.wildcard_reply)
    o_.append("W-");
  tok(text::kCommandTok[size_t(c.type)]);
  eq();
  if (reply && c.context_audit_reply) {
    tok(Tok::Ctx);
    open();
    if (!c.descriptors.empty())
      items(c.descriptors, [&](const Descriptor &d) { descriptor(d); });
    else
      items(c.terminations, [&](const TerminationId &t) { o_.append(t.text); });
    close();
    return;
  }
  if (c.terminations.empty())
    o_.append("ROOT");
  else
    o_.append(c.terminations.front().text);
  if (c.descriptors.empty()) {
    // B.2: the request forms of AuditValue/Capabilities, Notify and ServiceChange need braces.
    if (!reply && (c.type == CommandType::AuditValue ||
                   c.type == CommandType::AuditCapabilities || c.type == CommandType::Notify ||
                   c.type == CommandType::ServiceChange))
      o_.append(pretty_ ? " { }" : "{}");
    return;
  }
  open();
  items(c.descriptors, [&](const Descriptor &d) { descriptor(d); });
  close();
}

void Writer::descriptor(const Descriptor &d) {
  std::visit(
      [&](const auto &x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, MediaDescriptor>) {
          media(x);
        } else if constexpr (std::is_same_v<T, EventsDescriptor>) {
          events(x);
        } else if constexpr (std::is_same_v<T, SignalsDescriptor>) {
          signals(x);
        } else if constexpr (std::is_same_v<T, DigitMapDescriptor>) {
          tok(Tok::DigitMap);
          eq();
          o_.append(x.name);
          if (x.value)
            digit_map_value(*x.value);
        } else if constexpr (std::is_same_v<T, AuditDescriptor>) {
          tok(Tok::Audit);
          if (!x.items) {
            o_.append(pretty_ ? " { }" : "{}");
            return;
          }
          open();
          bool first = true;
          for (size_t b = 0; b < std::size(text::kAuditItemTok); ++b)
            if (x.items & (1u << b)) {
              if (!first)
                comma();
              first = false;
              tok(text::kAuditItemTok[b]);
            }
          close();
        } else if constexpr (std::is_same_v<T, ObservedEventsDescriptor>) {
          tok(Tok::ObservedEvents);
          eq();
          uint(x.request_id);
          open();
          items(x.events, [&](const ObservedEvent &e) { observed_event(e); });
          close();
        } else if constexpr (std::is_same_v<T, StatisticsDescriptor>) {
          tok(Tok::Stats);
          open();
          items(x.stats, [&](const PropertyParm &p) {
            o_.append(p.name);
            if (!p.values.empty())
              parm_value(p);
          });
          close();
        } else if constexpr (std::is_same_v<T, ErrorDescriptor>) {
          error(x);
        } else if constexpr (std::is_same_v<T, ServiceChangeDescriptor>) {
          services(x);
        } else if constexpr (std::is_same_v<T, EventBufferDescriptor>) {
          tok(Tok::EventBuffer);
          if (x.events.empty())
            return;
          open();
          items(x.events, [&](const ObservedEvent &e) { observed_event(e); });
          close();
        } else if constexpr (std::is_same_v<T, PackagesDescriptor>) {
          tok(Tok::Packages);
          open();
          items(x.items, [&](const PackagesDescriptor::Item &i) {
            o_.append(i.name);
            o_.push_back('-');
            uint(i.version);
          });
          close();
        } else if constexpr (std::is_same_v<T, MuxDescriptor>) {
          tok(Tok::Mux);
          eq();
          static constexpr Tok kMux[] = {Tok::H221, Tok::H223, Tok::H226, Tok::V76, Tok::V76};
          if (x.type == MuxDescriptor::Type::Nx64k)
            err_ = E::unsupported;
          tok(kMux[size_t(x.type)]);
          open();
          items(x.terminations, [&](const TerminationId &t) { o_.append(t.text); });
          close();
        } else if constexpr (std::is_same_v<T, AuditReturnItem>) {
          for (size_t b = 0; b < std::size(text::kAuditItemTok); ++b)
            if (x.item == (1u << b)) {
              tok(text::kAuditItemTok[b]);
              return;
            }
          err_ = E::unsupported;
        }
      },
      d);
}

void Writer::parm_value(const PropertyParm &p) {
  using Rel = PropertyParm::Rel;
  switch (p.rel) {
  case Rel::NotEqual:
  case Rel::Greater:
  case Rel::Less:
    o_.push_back(p.rel == Rel::NotEqual ? '#' : p.rel == Rel::Greater ? '>' : '<');
    value(p.values.empty() ? std::string() : p.values.front());
    return;
  case Rel::Equal:
    eq();
    value(p.values.empty() ? std::string() : p.values.front());
    return;
  case Rel::Sublist:
  case Rel::Range: {
    eq();
    o_.push_back('[');
    bool first = true;
    for (const auto &v : p.values) {
      if (!first)
        o_.push_back(p.rel == Rel::Range ? ':' : ',');
      first = false;
      value(v);
    }
    o_.push_back(']');
    return;
  }
  case Rel::Alternatives: {
    eq();
    o_.push_back('{');
    bool first = true;
    for (const auto &v : p.values) {
      if (!first)
        o_.push_back(',');
      first = false;
      value(v);
    }
    o_.push_back('}');
    return;
  }
  }
}

void Writer::property(const PropertyParm &p) {
  o_.append(p.name);
  parm_value(p);
}

void Writer::media(const MediaDescriptor &m) {
  tok(Tok::Media);
  open();
  bool first = true;
  auto sep = [&] {
    if (!first)
      comma();
    first = false;
  };
  if (m.termination_state) {
    sep();
    const auto &ts = *m.termination_state;
    tok(Tok::TerminationState);
    open();
    bool f2 = true;
    auto sep2 = [&] {
      if (!f2)
        comma();
      f2 = false;
    };
    for (const auto &p : ts.props) {
      sep2();
      property(p);
    }
    if (ts.service_state) {
      sep2();
      tok(Tok::ServiceStates);
      eq();
      tok(*ts.service_state == ServiceState::Test           ? Tok::Test
          : *ts.service_state == ServiceState::OutOfService ? Tok::OutOfSvc
                                                            : Tok::InSvc);
    }
    if (ts.event_buffer_control) {
      sep2();
      tok(Tok::Buffer);
      eq();
      if (*ts.event_buffer_control == EventBufferControl::Off)
        o_.append("OFF");
      else
        tok(Tok::LockStep);
    }
    close();
  }
  for (const auto &s : m.streams) {
    sep();
    if (s.id) {
      tok(Tok::Stream);
      eq();
      uint(*s.id);
      open();
      stream_parms(s.parms);
      close();
    } else {
      stream_parms(s.parms);
    }
  }
  close();
}

void Writer::stream_parms(const StreamParms &s) {
  bool first = true;
  auto sep = [&] {
    if (!first)
      comma();
    first = false;
  };
  if (s.local_control) {
    sep();
    const auto &lc = *s.local_control;
    tok(Tok::LocalControl);
    open();
    bool f2 = true;
    auto sep2 = [&] {
      if (!f2)
        comma();
      f2 = false;
    };
    if (lc.mode) {
      sep2();
      tok(Tok::Mode);
      eq();
      tok(text::kModeTok[size_t(*lc.mode)]);
    }
    if (lc.reserve_value) {
      sep2();
      tok(Tok::ReservedValue);
      eq();
      o_.append(*lc.reserve_value ? "ON" : "OFF");
    }
    if (lc.reserve_group) {
      sep2();
      tok(Tok::ReservedGroup);
      eq();
      o_.append(*lc.reserve_group ? "ON" : "OFF");
    }
    for (const auto &p : lc.props) {
      sep2();
      property(p);
    }
    close();
  }
  if (s.local) {
    sep();
    tok(Tok::Local);
    sdp(*s.local);
  }
  if (s.remote) {
    sep();
    tok(Tok::Remote);
    sdp(*s.remote);
  }
}

void Writer::sdp(const LocalRemote &lr) {
  // B.2 octetString: SDP lines end with CRLF (RFC 4566); a brace inside is escaped.
  o_.append(pretty_ ? " {" : "{");
  if (!lr.groups.empty())
    o_.append("\r\n");
  for (const auto &g : lr.groups)
    for (const auto &l : g) {
      o_.push_back(l.type);
      o_.push_back('=');
      if (l.value.find('}') == std::string::npos) {
        o_.append(l.value);
      } else {
        for (char c : l.value) {
          if (c == '}')
            o_.push_back('\\');
          o_.push_back(c);
        }
      }
      o_.append("\r\n");
    }
  if (pretty_ && !lr.groups.empty())
    o_.append(size_t(depth_), '\t');
  o_.push_back('}');
}

void Writer::events(const EventsDescriptor &e) {
  tok(Tok::Events);
  if (!e.request_id)
    return;
  eq();
  uint(*e.request_id);
  open();
  items(e.events, [&](const RequestedEvent &r) { requested_event(r); });
  close();
}

void Writer::requested_event(const RequestedEvent &e) {
  o_.append(e.name);
  if (!e.stream && !e.keep_active && !e.digit_map && e.embed.empty() && e.params.empty())
    return;
  open();
  bool first = true;
  auto sep = [&] {
    if (!first)
      comma();
    first = false;
  };
  if (e.stream) {
    sep();
    tok(Tok::Stream);
    eq();
    uint(*e.stream);
  }
  if (e.keep_active) {
    sep();
    tok(Tok::KeepActive);
  }
  if (e.digit_map) {
    sep();
    tok(Tok::DigitMap);
    eq();
    if (e.digit_map->value)
      digit_map_value(*e.digit_map->value);
    else
      o_.append(e.digit_map->name);
  }
  for (const auto &em : e.embed) {
    sep();
    tok(Tok::Embed);
    open();
    if (em.signals) {
      signals(*em.signals);
      if (em.request_id)
        comma();
    }
    if (em.request_id) {
      tok(Tok::Events);
      eq();
      uint(*em.request_id);
      open();
      items(em.events, [&](const RequestedEvent &r) { requested_event(r); });
      close();
    }
    close();
  }
  for (const auto &p : e.params) {
    sep();
    property(p);
  }
  close();
}

void Writer::signals(const SignalsDescriptor &s) {
  tok(Tok::Signals);
  if (s.signals.empty()) {
    o_.append(pretty_ ? " { }" : "{}");
    return;
  }
  open();
  items(s.signals, [&](const SignalParm &sp) {
    if (sp.list_id) {
      tok(Tok::SignalList);
      eq();
      uint(*sp.list_id);
      open();
      items(sp.signals, [&](const SignalRequest &r) { signal_request(r); });
      close();
    } else if (!sp.signals.empty()) {
      signal_request(sp.signals.front());
    }
  });
  close();
}

void Writer::signal_request(const SignalRequest &s) {
  o_.append(s.name);
  if (!s.stream && !s.type && !s.duration && !s.notify_completion && !s.keep_active &&
      s.params.empty())
    return;
  open();
  bool first = true;
  auto sep = [&] {
    if (!first)
      comma();
    first = false;
  };
  if (s.stream) {
    sep();
    tok(Tok::Stream);
    eq();
    uint(*s.stream);
  }
  if (s.type) {
    sep();
    tok(Tok::SignalType);
    eq();
    tok(text::kSignalTypeTok[size_t(*s.type)]);
  }
  if (s.duration) {
    sep();
    tok(Tok::Duration);
    eq();
    uint(*s.duration);
  }
  if (s.notify_completion) {
    sep();
    tok(Tok::NotifyCompletion);
    eq();
    o_.push_back('{');
    bool f2 = true;
    for (size_t i = 0; i < std::size(text::kNotifyReasonTok); ++i)
      if (s.notify_completion & (1u << i)) {
        if (!f2)
          o_.push_back(',');
        f2 = false;
        tok(text::kNotifyReasonTok[i]);
      }
    o_.push_back('}');
  }
  if (s.keep_active) {
    sep();
    tok(Tok::KeepActive);
  }
  for (const auto &p : s.params) {
    sep();
    property(p);
  }
  close();
}

void Writer::digit_map_value(const DigitMapValue &v) {
  o_.push_back('{');
  auto timer = [&](char name, const std::optional<uint8_t> &t) {
    if (!t)
      return;
    o_.push_back(name);
    o_.push_back(':');
    uint(*t);
    o_.push_back(',');
  };
  timer('T', v.start_timer);
  timer('S', v.short_timer);
  timer('L', v.long_timer);
  timer('Z', v.duration_timer);
  o_.append(v.body);
  o_.push_back('}');
}

void Writer::observed_event(const ObservedEvent &e) {
  if (!e.timestamp.empty()) {
    o_.append(e.timestamp);
    o_.push_back(':');
  }
  o_.append(e.name);
  if (!e.stream && e.params.empty())
    return;
  open();
  bool first = true;
  if (e.stream) {
    first = false;
    tok(Tok::Stream);
    eq();
    uint(*e.stream);
  }
  for (const auto &p : e.params) {
    if (!first)
      comma();
    first = false;
    property(p);
  }
  close();
}

void Writer::error(const ErrorDescriptor &e) {
  tok(Tok::Error);
  eq();
  uint(e.code);
  o_.push_back('{');
  if (!e.text.empty())
    value(e.text, true);
  o_.push_back('}');
}

void Writer::services(const ServiceChangeDescriptor &s) {
  tok(Tok::Services);
  open();
  bool first = true;
  auto sep = [&] {
    if (!first)
      comma();
    first = false;
  };
  if (s.method) {
    sep();
    tok(Tok::Method);
    eq();
    tok(text::kMethodTok[size_t(*s.method)]);
  }
  if (!s.reason.empty()) {
    sep();
    tok(Tok::Reason);
    eq();
    value(s.reason, true); // B.2: serviceChangeReason MUST use the quotedString form
  }
  if (s.delay) {
    sep();
    tok(Tok::Delay);
    eq();
    uint(*s.delay);
  }
  if (s.address) {
    sep();
    tok(Tok::ServiceChangeAddress);
    eq();
    mid(*s.address);
  }
  if (!s.profile.empty()) {
    sep();
    tok(Tok::Profile);
    eq();
    o_.append(s.profile);
  }
  if (s.version) {
    sep();
    tok(Tok::Version);
    eq();
    uint(*s.version);
  }
  if (s.mgc_id) {
    sep();
    tok(Tok::MgcId);
    eq();
    mid(*s.mgc_id);
  }
  if (!s.timestamp.empty()) {
    sep();
    o_.append(s.timestamp);
  }
  close();
}

} // namespace

Status encode_text(const Message &m, std::string &out, const TextOptions &opt,
                   EncodeCounters *counters) {
  Writer w(out, opt.pretty);
  w.message(m);
  if (counters)
    counters->inc(w.error());
  return w.error() == E::ok ? Status::Ok() : encode_status(w.error());
}

std::string mid_text(const Mid &m) {
  std::string out;
  Writer w(out, true);
  w.mid(m);
  return out;
}

} // namespace mgc::h248
