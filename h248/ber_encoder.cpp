// H.248.1 Annex A binary encoding (BER of MEDIA-GATEWAY-CONTROL, AUTOMATIC TAGS), hand-written.
// The encoder writes backwards, from the last byte to the first: every constructed value's
// length is then known when its header is written, so each byte is produced once (a DER
// encoder that sizes sub-trees first re-encodes them once per nesting level, PLATFORM.md).
// Encoded lengths are minimal (the output is also valid DER, except SET ordering which the
// module does not use).
#include <cstring>

#include "h248/ber.h"
#include "h248/codec.h"
#include "h248/packages.h"
#include "h248/text_tokens.h"

namespace mgc::h248 {
namespace {

using E = H248EncodeCounter;
using namespace ber;

class Out {
public:
  // Writes backwards into a stack buffer first (no allocation, no zero fill for typical
  // messages), spilling to the heap only for large ones.
  Out() : buf_(stack_), cap_(sizeof stack_), pos_(sizeof stack_) {}
  size_t size() const { return cap_ - pos_; }
  [[gnu::always_inline]] void byte(uint8_t b) {
    if (pos_ == 0) [[unlikely]]
      grow(1);
    buf_[--pos_] = b;
  }
  [[gnu::always_inline]] void bytes(const void *p, size_t n) {
    if (pos_ < n) [[unlikely]]
      grow(n);
    pos_ -= n;
    std::memcpy(buf_ + pos_, p, n);
  }
  void length(size_t n) {
    if (n < 0x80) {
      byte(uint8_t(n));
      return;
    }
    uint8_t k = 0;
    while (n) {
      byte(uint8_t(n));
      n >>= 8;
      ++k;
    }
    byte(uint8_t(0x80 | k));
  }
  // Closes a constructed value opened at `mark` (the size() before its contents were written).
  void close(uint8_t tag, size_t mark) {
    length(size() - mark);
    byte(tag);
  }
  void prim(uint8_t tag, const void *p, size_t n) {
    bytes(p, n);
    length(n);
    byte(tag);
  }
  void str(uint8_t tag, std::string_view s) { prim(tag, s.data(), s.size()); }
  void uint(uint8_t tag, uint64_t v) {
    // Two's complement, minimal: a leading zero octet when the top bit would be set.
    if (v < 0x80) {
      byte(uint8_t(v));
      byte(1);
      byte(tag);
      return;
    }
    uint8_t buf[9];
    size_t n = 0;
    do {
      buf[8 - n++] = uint8_t(v);
      v >>= 8;
    } while (v);
    if (buf[9 - n] & 0x80)
      buf[8 - n++] = 0;
    prim(tag, buf + 9 - n, n);
  }
  void boolean(uint8_t tag, bool b) {
    byte(b ? 0xFF : 0x00);
    byte(1);
    byte(tag);
  }
  void null(uint8_t tag) {
    byte(0);
    byte(tag);
  }
  void u32name(uint8_t tag, uint32_t id) {
    uint8_t b[4] = {uint8_t(id >> 24), uint8_t(id >> 16), uint8_t(id >> 8), uint8_t(id)};
    prim(tag, b, 4);
  }
  void u16name(uint8_t tag, uint16_t id) {
    uint8_t b[2] = {uint8_t(id >> 8), uint8_t(id)};
    prim(tag, b, 2);
  }
  void finish(std::vector<uint8_t> &out) { out.assign(buf_ + pos_, buf_ + cap_); }

private:
  uint8_t stack_[2048];
  std::vector<uint8_t> heap_;
  uint8_t *buf_;
  size_t cap_;
  size_t pos_;

  [[gnu::noinline, gnu::cold]] void grow(size_t need) {
    size_t n = size();
    size_t cap = cap_ * 2 + need;
    std::vector<uint8_t> nv(cap);
    std::memcpy(nv.data() + cap - n, buf_ + pos_, n);
    heap_.swap(nv);
    buf_ = heap_.data();
    cap_ = cap;
    pos_ = cap - n;
  }
};

// Dotted-quad IPv4 text to 4 octets.
bool parse_ip4(std::string_view s, uint8_t a[4]) {
  size_t i = 0;
  for (int k = 0; k < 4; ++k) {
    if (k && (i >= s.size() || s[i++] != '.'))
      return false;
    unsigned v = 0, digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && digits < 3) {
      v = v * 10 + unsigned(s[i++] - '0');
      ++digits;
    }
    if (!digits || v > 255)
      return false;
    a[k] = uint8_t(v);
  }
  return i == s.size();
}

class Encoder {
public:
  explicit Encoder(Out &o) : o_(o) {}
  E error() const { return err_; }
  void message(const Message &m);

private:
  Out &o_;
  E err_ = E::ok;

  void fail(E e) {
    if (err_ == E::ok)
      err_ = e;
  }
  size_t mark() const { return o_.size(); }

  void mid_choice(const Mid &m, bool service_change_address);
  void termination_id(const TerminationId &t, uint8_t tag = kUniversalSequence);
  void termination_list(uint8_t tag, const std::vector<TerminationId> &v);
  void error_descriptor(uint8_t tag, const ErrorDescriptor &e);
  void transaction(const Transaction &t);
  void action_request(const Action &a);
  void action_reply(const Action &a);
  void context_request(uint8_t tag, const ContextRequest &c);
  void command_request(const Command &c);
  void command_reply(const Command &c);
  void amm_descriptor(const Descriptor &d);
  void audit_return(const Descriptor &d);
  void audit_descriptor(uint8_t tag, const AuditDescriptor &a);
  void media(uint8_t tag, const MediaDescriptor &m);
  void stream_parms(uint8_t tag, const StreamParms &s);
  void property_parm(ItemKind kind, const PropertyParm &p);
  void property_list(uint8_t tag, ItemKind kind, const std::vector<PropertyParm> &v);
  void value_and_extra(const PropertyParm &p);
  void local_remote(uint8_t tag, const LocalRemote &lr);
  void events(uint8_t tag, const EventsDescriptor &e);
  void requested_event(const RequestedEvent &e, bool second);
  void event_params(uint8_t tag, ItemKind kind, uint32_t owner,
                    const std::vector<PropertyParm> &v);
  void signals(uint8_t tag, const SignalsDescriptor &s);
  void signal(uint8_t tag, const SignalRequest &s);
  void digit_map_value(uint8_t tag, const DigitMapValue &v);
  void digit_map(uint8_t tag, const DigitMapDescriptor &d);
  void observed_events(uint8_t tag, const ObservedEventsDescriptor &d);
  void event_spec(const ObservedEvent &e, bool observed);
  void statistics(uint8_t tag, const StatisticsDescriptor &s);
  void packages(uint8_t tag, const PackagesDescriptor &p);
  void mux(uint8_t tag, const MuxDescriptor &m);
  void service_change_parm(uint8_t tag, const ServiceChangeDescriptor &s);
  void service_change_res(uint8_t tag, const ServiceChangeDescriptor &s);
  void time_notation(uint8_t tag, std::string_view ts);
  void value_strings(uint8_t tag, const std::vector<std::string> &v);

  uint32_t name_id(ItemKind k, const std::string &n) {
    auto id = pkgd_name_id(k, n);
    if (!id) {
      fail(E::unknown_name);
      return 0;
    }
    return *id;
  }
};

void Encoder::message(const Message &m) {
  // MegacoMessage ::= SEQUENCE { authHeader [0] OPTIONAL, mess [1] Message }
  size_t top = mark();
  size_t mess = mark();
  size_t body = mark();
  if (m.error) {
    error_descriptor(kCtx0 | kCons, *m.error);
  } else {
    size_t ts = mark();
    for (auto it = m.transactions.rbegin(); it != m.transactions.rend(); ++it)
      transaction(*it);
    o_.close(kCtx1 | kCons, ts);
  }
  o_.close(kCtx2 | kCons, body);
  size_t mid = mark();
  mid_choice(m.mid, false);
  o_.close(kCtx1 | kCons, mid);
  o_.uint(kCtx0, m.version);
  o_.close(kCtx1 | kCons, mess);
  o_.close(kUniversalSequence, top);
}

void Encoder::mid_choice(const Mid &m, bool sca) {
  // MId: ip4Address [0], ip6Address [1], domainName [2], deviceName [3], mtpAddress [4].
  // ServiceChangeAddress puts portNumber at [0] and shifts the others by one.
  uint8_t shift = sca ? 1 : 0;
  switch (m.kind) {
  case Mid::Kind::PortOnly:
    if (!sca)
      return fail(E::unsupported);
    o_.uint(kCtx0, m.port.value_or(0));
    return;
  case Mid::Kind::Ip4: {
    uint8_t a[4];
    if (!parse_ip4(m.address, a))
      return fail(E::unencodable_value);
    size_t s = mark();
    if (m.port)
      o_.uint(kCtx1, *m.port);
    o_.prim(kCtx0, a, 4);
    o_.close(uint8_t((kCtx0 + shift) | kCons), s);
    return;
  }
  case Mid::Kind::Domain: {
    size_t s = mark();
    if (m.port)
      o_.uint(kCtx1, *m.port);
    o_.str(kCtx0, m.address);
    o_.close(uint8_t((kCtx2 + shift) | kCons), s);
    return;
  }
  case Mid::Kind::Device:
    o_.str(uint8_t(kCtx3 + shift), m.address);
    return;
  case Mid::Kind::Mtp:
  case Mid::Kind::Ip6:
    return fail(E::unsupported);
  }
}

bool is_safe_id(std::string_view s) {
  for (char c : s)
    if (c == '*' || c == '$' || !text::safe_char(c))
      return false;
  return !s.empty() && s.size() <= 8;
}

void Encoder::termination_id(const TerminationId &t, uint8_t tag) {
  // TerminationID ::= SEQUENCE { wildcard [0] SEQUENCE OF WildcardField, id [1] OCTET STRING }.
  // ROOT is all ones (Annex A.1); "*" / "$" wildcard the whole 64-bit id (WildcardField: bit 8
  // CHOOSE, bit 7 this-and-lower levels, bits 6..1 position 63). Other ids are carried as their
  // text octets (at most 8): the binary termination-id rule of this implementation.
  static constexpr uint8_t kRoot[8] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  static constexpr uint8_t kZero[8] = {};
  size_t s = mark();
  if (t.is_root()) {
    o_.prim(kCtx1, kRoot, 8);
    o_.null(cons(0));
  } else if (t.text == "*" || t.text == "$") {
    o_.prim(kCtx1, kZero, 8);
    uint8_t w = t.text == "$" ? 0xFF : 0x7F;
    o_.prim(kUniversalOctetString, &w, 1);
    o_.byte(3);
    o_.byte(cons(0));
  } else if (is_safe_id(t.text)) {
    o_.str(kCtx1, t.text);
    o_.null(cons(0));
  } else {
    fail(E::unsupported);
  }
  o_.close(tag, s);
}

void Encoder::termination_list(uint8_t tag, const std::vector<TerminationId> &v) {
  size_t s = mark();
  for (auto it = v.rbegin(); it != v.rend(); ++it)
    termination_id(*it);
  o_.close(tag, s);
}

void Encoder::error_descriptor(uint8_t tag, const ErrorDescriptor &e) {
  size_t s = mark();
  if (!e.text.empty())
    o_.str(kCtx1, e.text);
  o_.uint(kCtx0, e.code);
  o_.close(tag, s);
}

void Encoder::transaction(const Transaction &t) {
  // Transaction CHOICE: request [0], pending [1], reply [2], responseAck [3].
  size_t s = mark();
  switch (t.kind) {
  case TransactionKind::Request: {
    size_t a = mark();
    for (auto it = t.actions.rbegin(); it != t.actions.rend(); ++it)
      action_request(*it);
    o_.close(cons(1), a);
    o_.uint(kCtx0, t.id);
    o_.close(cons(0), s);
    return;
  }
  case TransactionKind::Pending:
    o_.uint(kCtx0, t.id);
    o_.close(cons(1), s);
    return;
  case TransactionKind::Reply: {
    size_t r = mark();
    if (t.error) {
      error_descriptor(cons(0), *t.error);
    } else {
      size_t a = mark();
      for (auto it = t.actions.rbegin(); it != t.actions.rend(); ++it)
        action_reply(*it);
      o_.close(cons(1), a);
    }
    o_.close(cons(2), r);
    if (t.imm_ack_required)
      o_.null(kCtx1);
    o_.uint(kCtx0, t.id);
    o_.close(cons(2), s);
    return;
  }
  case TransactionKind::ResponseAck:
    for (auto it = t.acks.rbegin(); it != t.acks.rend(); ++it) {
      size_t a = mark();
      if (it->last != it->first)
        o_.uint(kCtx1, it->last);
      o_.uint(kCtx0, it->first);
      o_.close(kUniversalSequence, a);
    }
    o_.close(cons(3), s);
    return;
  }
}

void Encoder::context_request(uint8_t tag, const ContextRequest &c) {
  // ContextRequest: priority [0], emergency [1], topologyReq [2].
  size_t s = mark();
  if (!c.topology.empty()) {
    size_t t = mark();
    for (auto it = c.topology.rbegin(); it != c.topology.rend(); ++it) {
      size_t e = mark();
      o_.uint(ctx(2), uint8_t(it->direction));
      termination_id(it->to, cons(1));
      termination_id(it->from, cons(0));
      o_.close(kUniversalSequence, e);
    }
    o_.close(cons(2), t);
  }
  if (c.emergency)
    o_.boolean(kCtx1, *c.emergency);
  if (c.priority)
    o_.uint(kCtx0, *c.priority);
  o_.close(tag, s);
}

void Encoder::action_request(const Action &a) {
  // ActionRequest: contextId [0], contextRequest [1], contextAttrAuditReq [2],
  // commandRequests [3].
  size_t s = mark();
  size_t c = mark();
  for (auto it = a.commands.rbegin(); it != a.commands.rend(); ++it)
    command_request(*it);
  o_.close(cons(3), c);
  if (!a.properties.empty())
    context_request(cons(1), a.properties);
  o_.uint(kCtx0, a.context);
  o_.close(kUniversalSequence, s);
}

void Encoder::action_reply(const Action &a) {
  // ActionReply: contextId [0], errorDescriptor [1], contextReply [2], commandReply [3].
  size_t s = mark();
  size_t c = mark();
  for (auto it = a.commands.rbegin(); it != a.commands.rend(); ++it)
    command_reply(*it);
  o_.close(cons(3), c);
  if (!a.properties.empty())
    context_request(cons(2), a.properties);
  if (a.error)
    error_descriptor(cons(1), *a.error);
  o_.uint(kCtx0, a.context);
  o_.close(kUniversalSequence, s);
}

// Command CHOICE alternative numbers (Annex A Command / CommandReply).
constexpr uint8_t command_alt(CommandType t) {
  switch (t) {
  case CommandType::Add: return 0;
  case CommandType::Move: return 1;
  case CommandType::Modify: return 2;
  case CommandType::Subtract: return 3;
  case CommandType::AuditCapabilities: return 4;
  case CommandType::AuditValue: return 5;
  case CommandType::Notify: return 6;
  case CommandType::ServiceChange: return 7;
  }
  return 0;
}

void Encoder::command_request(const Command &c) {
  // CommandRequest: command [0] (explicit CHOICE), optional [1], wildcardReturn [2].
  size_t s = mark();
  if (c.wildcard_reply)
    o_.null(ctx(2));
  if (c.optional)
    o_.null(kCtx1);
  size_t cmd = mark();
  size_t body = mark();
  switch (c.type) {
  case CommandType::Add:
  case CommandType::Move:
  case CommandType::Modify: {
    // AmmRequest: terminationID [0], descriptors [1].
    size_t d = mark();
    for (auto it = c.descriptors.rbegin(); it != c.descriptors.rend(); ++it)
      amm_descriptor(*it);
    o_.close(cons(1), d);
    termination_list(cons(0), c.terminations);
    break;
  }
  case CommandType::Subtract: {
    // SubtractRequest: terminationID [0], auditDescriptor [1].
    for (auto it = c.descriptors.rbegin(); it != c.descriptors.rend(); ++it) {
      if (const auto *a = std::get_if<AuditDescriptor>(&*it))
        audit_descriptor(cons(1), *a);
      else
        fail(E::unsupported);
    }
    termination_list(cons(0), c.terminations);
    break;
  }
  case CommandType::AuditValue:
  case CommandType::AuditCapabilities: {
    // AuditRequest: terminationID [0] (one), auditDescriptor [1].
    const AuditDescriptor *a = nullptr;
    for (const auto &d : c.descriptors)
      if (const auto *x = std::get_if<AuditDescriptor>(&d))
        a = x;
      else
        fail(E::unsupported);
    audit_descriptor(cons(1), a ? *a : AuditDescriptor{});
    if (c.terminations.size() != 1)
      fail(E::unsupported);
    else
      termination_id(c.terminations[0], cons(0));
    break;
  }
  case CommandType::Notify: {
    // NotifyRequest: terminationID [0], observedEventsDescriptor [1], errorDescriptor [2].
    const ObservedEventsDescriptor *oe = nullptr;
    const ErrorDescriptor *er = nullptr;
    for (const auto &d : c.descriptors) {
      if (const auto *x = std::get_if<ObservedEventsDescriptor>(&d))
        oe = x;
      else if (const auto *y = std::get_if<ErrorDescriptor>(&d))
        er = y;
      else
        fail(E::unsupported);
    }
    if (er)
      error_descriptor(cons(2), *er);
    observed_events(cons(1), oe ? *oe : ObservedEventsDescriptor{});
    termination_list(cons(0), c.terminations);
    break;
  }
  case CommandType::ServiceChange: {
    // ServiceChangeRequest: terminationID [0], serviceChangeParms [1].
    const ServiceChangeDescriptor *sc = nullptr;
    for (const auto &d : c.descriptors)
      if (const auto *x = std::get_if<ServiceChangeDescriptor>(&d))
        sc = x;
      else
        fail(E::unsupported);
    service_change_parm(cons(1), sc ? *sc : ServiceChangeDescriptor{});
    termination_list(cons(0), c.terminations);
    break;
  }
  }
  o_.close(cons(command_alt(c.type)), body);
  o_.close(cons(0), cmd);
  o_.close(kUniversalSequence, s);
}

void Encoder::command_reply(const Command &c) {
  size_t alt = mark();
  switch (c.type) {
  case CommandType::Add:
  case CommandType::Move:
  case CommandType::Modify:
  case CommandType::Subtract: {
    // AmmsReply: terminationID [0], terminationAudit [1] OPTIONAL.
    if (!c.descriptors.empty()) {
      size_t d = mark();
      for (auto it = c.descriptors.rbegin(); it != c.descriptors.rend(); ++it)
        audit_return(*it);
      o_.close(cons(1), d);
    }
    termination_list(cons(0), c.terminations);
    o_.close(cons(command_alt(c.type)), alt);
    return;
  }
  case CommandType::AuditValue:
  case CommandType::AuditCapabilities: {
    // AuditReply CHOICE (explicit under [4]/[5]): contextAuditResult [0], error [1],
    // auditResult [2] { terminationID [0], terminationAuditResult [1] }.
    size_t r = mark();
    if (c.context_audit_reply) {
      if (c.descriptors.size() == 1 && std::holds_alternative<ErrorDescriptor>(c.descriptors[0]))
        error_descriptor(cons(1), std::get<ErrorDescriptor>(c.descriptors[0]));
      else
        termination_list(cons(0), c.terminations);
    } else {
      size_t d = mark();
      for (auto it = c.descriptors.rbegin(); it != c.descriptors.rend(); ++it)
        audit_return(*it);
      o_.close(cons(1), d);
      if (c.terminations.size() != 1)
        fail(E::unsupported);
      else
        termination_id(c.terminations[0], cons(0));
      o_.close(cons(2), r);
      o_.close(cons(command_alt(c.type)), alt);
      return;
    }
    o_.close(cons(command_alt(c.type)), alt);
    return;
  }
  case CommandType::Notify: {
    // NotifyReply: terminationID [0], errorDescriptor [1].
    for (const auto &d : c.descriptors)
      if (const auto *e = std::get_if<ErrorDescriptor>(&d))
        error_descriptor(cons(1), *e);
      else
        fail(E::unsupported);
    termination_list(cons(0), c.terminations);
    o_.close(cons(6), alt);
    return;
  }
  case CommandType::ServiceChange: {
    // ServiceChangeReply: terminationID [0], serviceChangeResult [1] (explicit CHOICE:
    // errorDescriptor [0], serviceChangeResParms [1]).
    size_t r = mark();
    const ErrorDescriptor *er = nullptr;
    const ServiceChangeDescriptor *sc = nullptr;
    for (const auto &d : c.descriptors) {
      if (const auto *e = std::get_if<ErrorDescriptor>(&d))
        er = e;
      else if (const auto *s = std::get_if<ServiceChangeDescriptor>(&d))
        sc = s;
      else
        fail(E::unsupported);
    }
    if (er)
      error_descriptor(cons(0), *er);
    else
      service_change_res(cons(1), sc ? *sc : ServiceChangeDescriptor{});
    o_.close(cons(1), r);
    termination_list(cons(0), c.terminations);
    o_.close(cons(7), alt);
    return;
  }
  }
}

void Encoder::amm_descriptor(const Descriptor &d) {
  // AmmDescriptor CHOICE: media [0], modem [1], mux [2], events [3], eventBuffer [4],
  // signals [5], digitMap [6], audit [7], statistics [8].
  std::visit(
      [&](const auto &x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, MediaDescriptor>)
          media(cons(0), x);
        else if constexpr (std::is_same_v<T, MuxDescriptor>)
          mux(cons(2), x);
        else if constexpr (std::is_same_v<T, EventsDescriptor>)
          events(cons(3), x);
        else if constexpr (std::is_same_v<T, EventBufferDescriptor>) {
          size_t s = mark();
          for (auto it = x.events.rbegin(); it != x.events.rend(); ++it)
            event_spec(*it, false);
          o_.close(cons(4), s);
        } else if constexpr (std::is_same_v<T, SignalsDescriptor>)
          signals(cons(5), x);
        else if constexpr (std::is_same_v<T, DigitMapDescriptor>)
          digit_map(cons(6), x);
        else if constexpr (std::is_same_v<T, AuditDescriptor>)
          audit_descriptor(cons(7), x);
        else if constexpr (std::is_same_v<T, StatisticsDescriptor>)
          statistics(cons(8), x);
        else
          fail(E::unsupported);
      },
      d);
}

void Encoder::audit_return(const Descriptor &d) {
  // AuditReturnParameter CHOICE: error [0], media [1], modem [2], mux [3], events [4],
  // eventBuffer [5], signals [6], digitMap [7], observedEvents [8], statistics [9],
  // packages [10], emptyDescriptors [11].
  std::visit(
      [&](const auto &x) {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, ErrorDescriptor>)
          error_descriptor(cons(0), x);
        else if constexpr (std::is_same_v<T, MediaDescriptor>)
          media(cons(1), x);
        else if constexpr (std::is_same_v<T, MuxDescriptor>)
          mux(cons(3), x);
        else if constexpr (std::is_same_v<T, EventsDescriptor>)
          events(cons(4), x);
        else if constexpr (std::is_same_v<T, EventBufferDescriptor>) {
          size_t s = mark();
          for (auto it = x.events.rbegin(); it != x.events.rend(); ++it)
            event_spec(*it, false);
          o_.close(cons(5), s);
        } else if constexpr (std::is_same_v<T, SignalsDescriptor>)
          signals(cons(6), x);
        else if constexpr (std::is_same_v<T, DigitMapDescriptor>)
          digit_map(cons(7), x);
        else if constexpr (std::is_same_v<T, ObservedEventsDescriptor>)
          observed_events(cons(8), x);
        else if constexpr (std::is_same_v<T, StatisticsDescriptor>)
          statistics(cons(9), x);
        else if constexpr (std::is_same_v<T, PackagesDescriptor>)
          packages(cons(10), x);
        else if constexpr (std::is_same_v<T, AuditReturnItem>)
          audit_descriptor(cons(11), AuditDescriptor{x.item});
        else
          fail(E::unsupported);
      },
      d);
}

void Encoder::audit_descriptor(uint8_t tag, const AuditDescriptor &a) {
  // auditToken [0] BIT STRING, bit n = AuditItem bit n (same order as our model); DER drops
  // trailing zero bits.
  size_t s = mark();
  if (a.items) {
    int top = 15;
    while (!(a.items & (1u << top)))
      --top;
    int nbits = top + 1;
    uint8_t bytes[2] = {};
    for (int i = 0; i < nbits; ++i)
      if (a.items & (1u << i))
        bytes[i / 8] |= uint8_t(0x80 >> (i % 8));
    size_t n = size_t((nbits + 7) / 8);
    o_.bytes(bytes, n);
    o_.byte(uint8_t(n * 8 - size_t(nbits)));
    o_.length(n + 1);
    o_.byte(kCtx0);
  }
  o_.close(tag, s);
}

void Encoder::media(uint8_t tag, const MediaDescriptor &m) {
  // MediaDescriptor: termStateDescr [0], streams [1] (explicit CHOICE: oneStream [0],
  // multiStream [1] SEQUENCE OF StreamDescriptor { streamID [0], streamParms [1] }).
  size_t s = mark();
  if (!m.streams.empty()) {
    size_t st = mark();
    if (m.streams.size() == 1 && !m.streams[0].id) {
      stream_parms(cons(0), m.streams[0].parms);
    } else {
      size_t ms = mark();
      for (auto it = m.streams.rbegin(); it != m.streams.rend(); ++it) {
        size_t sd = mark();
        stream_parms(cons(1), it->parms);
        o_.uint(kCtx0, it->id.value_or(1));
        o_.close(kUniversalSequence, sd);
      }
      o_.close(cons(1), ms);
    }
    o_.close(cons(1), st);
  }
  if (m.termination_state) {
    // TerminationStateDescriptor: propertyParms [0], eventBufferControl [1], serviceState [2].
    const auto &ts = *m.termination_state;
    size_t t = mark();
    if (ts.service_state)
      o_.uint(ctx(2), uint8_t(*ts.service_state));
    if (ts.event_buffer_control)
      o_.uint(kCtx1, uint8_t(*ts.event_buffer_control));
    property_list(cons(0), ItemKind::Property, ts.props);
    o_.close(cons(0), t);
  }
  o_.close(tag, s);
}

// StreamMode ENUMERATED order equals our StreamMode; ServiceState maps test/outOfSvc/inSvc.
void Encoder::stream_parms(uint8_t tag, const StreamParms &p) {
  // StreamParms: localControlDescriptor [0], localDescriptor [1], remoteDescriptor [2].
  size_t s = mark();
  if (p.remote)
    local_remote(cons(2), *p.remote);
  if (p.local)
    local_remote(cons(1), *p.local);
  if (p.local_control) {
    // LocalControlDescriptor: streamMode [0], reserveValue [1], reserveGroup [2],
    // propertyParms [3].
    const auto &lc = *p.local_control;
    size_t l = mark();
    property_list(cons(3), ItemKind::Property, lc.props);
    if (lc.reserve_group)
      o_.boolean(ctx(2), *lc.reserve_group);
    if (lc.reserve_value)
      o_.boolean(kCtx1, *lc.reserve_value);
    if (lc.mode)
      o_.uint(kCtx0, uint8_t(*lc.mode));
    o_.close(cons(0), l);
  }
  o_.close(tag, s);
}

void Encoder::value_strings(uint8_t tag, const std::vector<std::string> &v) {
  size_t s = mark();
  for (auto it = v.rbegin(); it != v.rend(); ++it)
    o_.str(kUniversalOctetString, *it);
  o_.close(tag, s);
}

void Encoder::value_and_extra(const PropertyParm &p) {
  // extraInfo [2] explicit CHOICE: relation [0] (greaterThan 0, smallerThan 1, unequalTo 2),
  // range [1] BOOLEAN, sublist [2] BOOLEAN (TRUE = AND list, FALSE = OR alternatives).
  using Rel = PropertyParm::Rel;
  if (p.rel != Rel::Equal) {
    size_t x = mark();
    switch (p.rel) {
    case Rel::Greater: o_.uint(kCtx0, 0); break;
    case Rel::Less: o_.uint(kCtx0, 1); break;
    case Rel::NotEqual: o_.uint(kCtx0, 2); break;
    case Rel::Range: o_.boolean(kCtx1, true); break;
    case Rel::Sublist: o_.boolean(ctx(2), true); break;
    case Rel::Alternatives: o_.boolean(ctx(2), false); break;
    case Rel::Equal: break;
    }
    o_.close(cons(2), x);
  }
  value_strings(cons(1), p.values);
}

void Encoder::property_parm(ItemKind kind, const PropertyParm &p) {
  // PropertyParm: name [0] PkgdName, value [1], extraInfo [2].
  size_t s = mark();
  value_and_extra(p);
  o_.u32name(kCtx0, name_id(kind, p.name));
  o_.close(kUniversalSequence, s);
}

void Encoder::property_list(uint8_t tag, ItemKind kind, const std::vector<PropertyParm> &v) {
  size_t s = mark();
  for (auto it = v.rbegin(); it != v.rend(); ++it)
    property_parm(kind, *it);
  o_.close(tag, s);
}

void Encoder::local_remote(uint8_t tag, const LocalRemote &lr) {
  // LocalRemoteDescriptor: propGrps [0] SEQUENCE OF PropertyGroup; each SDP line is a
  // PropertyParm named by its Annex C.11 equivalent with one value.
  size_t s = mark();
  size_t g = mark();
  for (auto gi = lr.groups.rbegin(); gi != lr.groups.rend(); ++gi) {
    size_t pg = mark();
    for (auto li = gi->rbegin(); li != gi->rend(); ++li) {
      size_t pp = mark();
      size_t v = mark();
      o_.str(kUniversalOctetString, li->value);
      o_.close(cons(1), v);
      char n[1] = {li->type};
      o_.u32name(kCtx0, name_id(ItemKind::Property, std::string(n, 1)));
      o_.close(kUniversalSequence, pp);
    }
    o_.close(kUniversalSequence, pg);
  }
  o_.close(cons(0), g);
  o_.close(tag, s);
}

void Encoder::events(uint8_t tag, const EventsDescriptor &e) {
  // EventsDescriptor: requestID [0], eventList [1].
  size_t s = mark();
  size_t l = mark();
  for (auto it = e.events.rbegin(); it != e.events.rend(); ++it)
    requested_event(*it, false);
  o_.close(cons(1), l);
  if (e.request_id)
    o_.uint(kCtx0, *e.request_id);
  o_.close(tag, s);
}

void Encoder::event_params(uint8_t tag, ItemKind kind, uint32_t owner,
                           const std::vector<PropertyParm> &v) {
  // EventParameter / SigParameter: name [0] Name, value [1], extraInfo [2].
  size_t s = mark();
  for (auto it = v.rbegin(); it != v.rend(); ++it) {
    size_t p = mark();
    value_and_extra(*it);
    auto id = param_name_id(kind, owner, it->name);
    if (!id)
      fail(E::unknown_name);
    o_.u16name(kCtx0, id.value_or(0));
    o_.close(kUniversalSequence, p);
  }
  o_.close(tag, s);
}

void Encoder::requested_event(const RequestedEvent &e, bool second) {
  // RequestedEvent: pkgdName [0], streamID [1], eventAction [2], evParList [3].
  // RequestedActions: keepActive [0], eventDM [1], secondEvent [2], signalsDescriptor [3];
  // SecondRequestedActions: keepActive [0], eventDM [1], signalsDescriptor [2].
  uint32_t id = name_id(ItemKind::Event, e.name);
  size_t s = mark();
  event_params(cons(3), ItemKind::Event, id, e.params);
  if (e.keep_active || e.digit_map || !e.embed.empty()) {
    size_t a = mark();
    if (!e.embed.empty()) {
      const auto &em = e.embed.front();
      if (second) {
        if (em.request_id)
          fail(E::unsupported);
        if (em.signals)
          signals(cons(2), *em.signals);
      } else {
        if (em.signals)
          signals(cons(3), *em.signals);
        if (em.request_id) {
          size_t se = mark();
          size_t l = mark();
          for (auto it = em.events.rbegin(); it != em.events.rend(); ++it)
            requested_event(*it, true);
          o_.close(cons(1), l);
          o_.uint(kCtx0, *em.request_id);
          o_.close(cons(2), se);
        }
      }
    }
    if (e.digit_map) {
      size_t dm = mark();
      if (e.digit_map->value) {
        digit_map_value(cons(1), *e.digit_map->value);
      } else {
        auto n = package_id(e.digit_map->name); // DigitMapName ::= Name (2 octets)
        if (!n)
          fail(E::unknown_name);
        o_.u16name(kCtx0, n.value_or(0));
      }
      o_.close(cons(1), dm);
    }
    if (e.keep_active)
      o_.boolean(kCtx0, true);
    o_.close(cons(2), a);
  }
  if (e.stream)
    o_.uint(kCtx1, *e.stream);
  o_.u32name(kCtx0, id);
  o_.close(kUniversalSequence, s);
}

void Encoder::signals(uint8_t tag, const SignalsDescriptor &s) {
  // SignalsDescriptor ::= SEQUENCE OF SignalRequest (CHOICE: signal [0], seqSigList [1]
  // { id [0], signalList [1] }).
  size_t m = mark();
  for (auto it = s.signals.rbegin(); it != s.signals.rend(); ++it) {
    if (it->list_id) {
      size_t l = mark();
      size_t sl = mark();
      for (auto si = it->signals.rbegin(); si != it->signals.rend(); ++si)
        signal(kUniversalSequence, *si);
      o_.close(cons(1), sl);
      o_.uint(kCtx0, *it->list_id);
      o_.close(cons(1), l);
    } else if (!it->signals.empty()) {
      signal(cons(0), it->signals.front());
    }
  }
  o_.close(tag, m);
}

void Encoder::signal(uint8_t tag, const SignalRequest &s) {
  // Signal: signalName [0], streamID [1], sigType [2] (brief 0, onOff 1, timeOut 2),
  // duration [3], notifyCompletion [4], keepActive [5], sigParList [6].
  static constexpr uint8_t kSigType[] = {1, 2, 0}; // OnOff, TimeOut, Brief
  uint32_t id = name_id(ItemKind::Signal, s.name);
  size_t m = mark();
  event_params(cons(6), ItemKind::Signal, id, s.params);
  if (s.keep_active)
    o_.boolean(ctx(5), true);
  if (s.notify_completion) {
    int top = 7;
    while (!(s.notify_completion & (1u << top)))
      --top;
    uint8_t bits = 0;
    for (int i = 0; i <= top; ++i)
      if (s.notify_completion & (1u << i))
        bits |= uint8_t(0x80 >> i);
    o_.byte(bits);
    o_.byte(uint8_t(7 - top));
    o_.byte(2);
    o_.byte(ctx(4));
  }
  if (s.duration)
    o_.uint(ctx(3), *s.duration);
  if (s.type)
    o_.uint(ctx(2), kSigType[size_t(*s.type)]);
  if (s.stream)
    o_.uint(kCtx1, *s.stream);
  o_.u32name(kCtx0, id);
  o_.close(tag, m);
}

void Encoder::digit_map_value(uint8_t tag, const DigitMapValue &v) {
  // DigitMapValue: startTimer [0], shortTimer [1], longTimer [2], digitMapBody [3],
  // durationTimer [4].
  size_t s = mark();
  if (v.duration_timer)
    o_.uint(ctx(4), *v.duration_timer);
  o_.str(ctx(3), v.body);
  if (v.long_timer)
    o_.uint(ctx(2), *v.long_timer);
  if (v.short_timer)
    o_.uint(kCtx1, *v.short_timer);
  if (v.start_timer)
    o_.uint(kCtx0, *v.start_timer);
  o_.close(tag, s);
}

void Encoder::digit_map(uint8_t tag, const DigitMapDescriptor &d) {
  // DigitMapDescriptor: digitMapName [0] Name, digitMapValue [1]. Text digit map names are
  // NAMEs, Annex A's are 2 octets: names must be written "0xNNNN" to travel in binary.
  size_t s = mark();
  if (d.value)
    digit_map_value(cons(1), *d.value);
  if (!d.name.empty()) {
    auto n = package_id(d.name);
    if (!n)
      fail(E::unknown_name);
    o_.u16name(kCtx0, n.value_or(0));
  }
  o_.close(tag, s);
}

void Encoder::time_notation(uint8_t tag, std::string_view ts) {
  // TimeNotation: date [0] "yyyymmdd", time [1] "hhmmssss"; text form "yyyymmddThhmmssss".
  if (ts.size() != 17) {
    fail(E::unencodable_value);
    return;
  }
  size_t s = mark();
  o_.str(kCtx1, ts.substr(9));
  o_.str(kCtx0, ts.substr(0, 8));
  o_.close(tag, s);
}

void Encoder::event_spec(const ObservedEvent &e, bool observed) {
  // ObservedEvent: eventName [0], streamID [1], eventParList [2], timeNotation [3].
  // EventSpec: eventName [0], streamID [1], eventParList [2].
  uint32_t id = name_id(ItemKind::Event, e.name);
  size_t s = mark();
  if (observed && !e.timestamp.empty())
    time_notation(cons(3), e.timestamp);
  event_params(cons(2), ItemKind::Event, id, e.params);
  if (e.stream)
    o_.uint(kCtx1, *e.stream);
  o_.u32name(kCtx0, id);
  o_.close(kUniversalSequence, s);
}

void Encoder::observed_events(uint8_t tag, const ObservedEventsDescriptor &d) {
  // ObservedEventsDescriptor: requestId [0], observedEventLst [1].
  size_t s = mark();
  size_t l = mark();
  for (auto it = d.events.rbegin(); it != d.events.rend(); ++it)
    event_spec(*it, true);
  o_.close(cons(1), l);
  o_.uint(kCtx0, d.request_id);
  o_.close(tag, s);
}

void Encoder::statistics(uint8_t tag, const StatisticsDescriptor &st) {
  // StatisticsParameter: statName [0] PkgdName, statValue [1] Value OPTIONAL.
  size_t s = mark();
  for (auto it = st.stats.rbegin(); it != st.stats.rend(); ++it) {
    size_t p = mark();
    if (!it->values.empty())
      value_strings(cons(1), it->values);
    o_.u32name(kCtx0, name_id(ItemKind::Statistic, it->name));
    o_.close(kUniversalSequence, p);
  }
  o_.close(tag, s);
}

void Encoder::packages(uint8_t tag, const PackagesDescriptor &p) {
  // PackagesItem: packageName [0] Name, packageVersion [1].
  size_t s = mark();
  for (auto it = p.items.rbegin(); it != p.items.rend(); ++it) {
    size_t i = mark();
    // packageVersion INTEGER(0..99) in the ASN.1 (the text form's UINT16 reaches further): a
    // version the binary form cannot carry is an error here, not a message its decoder refuses.
    if (it->version > 99)
      fail(E::unencodable_value);
    o_.uint(kCtx1, it->version);
    auto id = package_id(it->name);
    if (!id)
      fail(E::unknown_name);
    o_.u16name(kCtx0, id.value_or(0));
    o_.close(kUniversalSequence, i);
  }
  o_.close(tag, s);
}

void Encoder::mux(uint8_t tag, const MuxDescriptor &m) {
  // MuxDescriptor: muxType [0], termList [1].
  size_t s = mark();
  termination_list(cons(1), m.terminations);
  o_.uint(kCtx0, uint8_t(m.type));
  o_.close(tag, s);
}

void Encoder::service_change_parm(uint8_t tag, const ServiceChangeDescriptor &p) {
  // ServiceChangeParm: method [0], address [1], version [2], profile [3], reason [4] Value,
  // delay [5], mgcId [6], timeStamp [7].
  size_t s = mark();
  if (!p.timestamp.empty())
    time_notation(cons(7), p.timestamp);
  if (p.mgc_id) {
    size_t m = mark();
    mid_choice(*p.mgc_id, false);
    o_.close(cons(6), m);
  }
  if (p.delay)
    o_.uint(ctx(5), *p.delay);
  {
    size_t r = mark();
    o_.str(kUniversalOctetString, p.reason);
    o_.close(cons(4), r);
  }
  if (!p.profile.empty()) {
    size_t pr = mark();
    o_.str(kCtx0, p.profile);
    o_.close(cons(3), pr);
  }
  if (p.version)
    o_.uint(ctx(2), *p.version);
  if (p.address) {
    size_t a = mark();
    mid_choice(*p.address, true);
    o_.close(cons(1), a);
  }
  if (!p.method)
    fail(E::unsupported);
  o_.uint(kCtx0, uint8_t(p.method.value_or(ServiceChangeMethod::Restart)));
  o_.close(tag, s);
}

void Encoder::service_change_res(uint8_t tag, const ServiceChangeDescriptor &p) {
  // ServiceChangeResParm: mgcId [0], address [1], version [2], profile [3], timestamp [4].
  size_t s = mark();
  if (!p.timestamp.empty())
    time_notation(cons(4), p.timestamp);
  if (!p.profile.empty()) {
    size_t pr = mark();
    o_.str(kCtx0, p.profile);
    o_.close(cons(3), pr);
  }
  if (p.version)
    o_.uint(ctx(2), *p.version);
  if (p.address) {
    size_t a = mark();
    mid_choice(*p.address, true);
    o_.close(cons(1), a);
  }
  if (p.mgc_id) {
    size_t m = mark();
    mid_choice(*p.mgc_id, false);
    o_.close(cons(0), m);
  }
  o_.close(tag, s);
}

} // namespace

Status encode_binary(const Message &m, std::vector<uint8_t> &out, EncodeCounters *counters) {
  Out o;
  Encoder e(o);
  e.message(m);
  o.finish(out);
  if (counters)
    counters->inc(e.error());
  return e.error() == E::ok ? Status::Ok() : encode_status(e.error());
}

} // namespace mgc::h248
