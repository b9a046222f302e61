// H.248.1 Annex A binary decoding (BER, AUTOMATIC TAGS), hand-written over the input span: every
// length is checked against its enclosing value before use; unknown components of extensible
// types (extension additions of later versions) are skipped. Nesting follows the module, whose
// only recursion (embedded events) is bounded by the model.
#include "h248/ber.h"
#include "h248/codec.h"
#include "h248/packages.h"
#include "h248/text_tokens.h"

namespace mgc::h248 {
namespace {

using R = H248DecodeCounter;
using namespace ber;

struct Tlv {
  uint8_t tag = 0;
  const uint8_t *p = nullptr;
  size_t n = 0;
  std::string_view str() const { return {reinterpret_cast<const char *>(p), n}; }
};

class Reader {
public:
  Reader(const uint8_t *p, size_t n) : p_(p), end_(p + n) {}
  explicit Reader(const Tlv &t) : Reader(t.p, t.n) {}
  bool done() const { return p_ >= end_; }
  // Reads one TLV; on failure returns false with the reason in `err`.
  [[gnu::always_inline]] bool next(Tlv &t, R &err) {
    // Fast path: low tag number, short-form length, all within bounds (nearly every TLV).
    if (end_ - p_ >= 2 && (p_[0] & 0x1F) != 0x1F && p_[1] < 0x80 &&
        size_t(end_ - p_ - 2) >= p_[1]) [[likely]] {
      t.tag = p_[0];
      t.n = p_[1];
      t.p = p_ + 2;
      p_ += 2 + t.n;
      return true;
    }
    return slow_next(t, err);
  }
  bool slow_next(Tlv &t, R &err) {
    if (end_ - p_ < 2)
      return (err = R::ber_truncated), false;
    t.tag = *p_++;
    if ((t.tag & 0x1F) == 0x1F) // high tag numbers do not occur in the module
      return (err = R::ber_bad_tag), false;
    size_t len = *p_++;
    if (len & 0x80) {
      size_t k = len & 0x7F;
      if (k == 0) // indefinite length: not produced by any known H.248 stack
        return (err = R::ber_unsupported), false;
      if (k > 4 || size_t(end_ - p_) < k)
        return (err = R::ber_bad_length), false;
      len = 0;
      for (size_t i = 0; i < k; ++i)
        len = len << 8 | *p_++;
    }
    if (size_t(end_ - p_) < len)
      return (err = R::ber_truncated), false;
    t.p = p_;
    t.n = len;
    p_ += len;
    return true;
  }

private:
  const uint8_t *p_;
  const uint8_t *end_;
};

class Decoder {
public:
  R error() const { return err_; }
  bool message(const Tlv &t, Message &m);

private:
  R err_ = R::ok;

  bool fail(R r) {
    if (err_ == R::ok)
      err_ = r;
    return false;
  }
  // Iterates the components of a constructed value, calling f(tlv) for each. In a SEQUENCE a
  // context tag names one component, so a repeated one is malformed; SEQUENCE OF CHOICE
  // values, whose alternatives' tags may repeat, use list().
  template <typename F> bool each(const Tlv &t, F &&f) { return walk(t, f, true); }
  template <typename F> bool list(const Tlv &t, F &&f) { return walk(t, f, false); }
  template <typename F> bool walk(const Tlv &t, F &f, bool unique) {
    if (!(t.tag & kCons))
      return fail(R::ber_bad_tag);
    Reader r(t);
    uint32_t seen = 0;
    while (!r.done()) {
      Tlv c;
      R e = R::ok;
      if (!r.next(c, e))
        return fail(e);
      if (unique && (c.tag & 0xC0) == 0x80) {
        uint32_t bit = 1u << (c.tag & 0x1F);
        if (seen & bit)
          return fail(R::ber_bad_tag);
        seen |= bit;
      }
      if (!f(c))
        return fail(R::ber_bad_tag);
    }
    return true;
  }
  bool uint(const Tlv &t, uint64_t max, uint64_t &v) {
    if (t.n == 0 || t.n > 9 || (t.p[0] & 0x80) || (t.tag & kCons))
      return fail(R::bad_value);
    v = 0;
    for (size_t i = 0; i < t.n; ++i)
      v = v << 8 | t.p[i];
    if (v > max)
      return fail(R::bad_value);
    return true;
  }
  template <typename T> bool uint_as(const Tlv &t, uint64_t max, T &out) {
    uint64_t v;
    if (!uint(t, max, v))
      return false;
    out = T(v);
    return true;
  }
  bool boolean(const Tlv &t, bool &b) {
    if (t.n != 1)
      return fail(R::bad_value);
    b = t.p[0] != 0;
    return true;
  }
  bool name32(const Tlv &t, uint32_t &id) {
    if (t.n != 4)
      return fail(R::ber_bad_length);
    id = uint32_t(t.p[0]) << 24 | uint32_t(t.p[1]) << 16 | uint32_t(t.p[2]) << 8 | t.p[3];
    return true;
  }
  bool name16(const Tlv &t, uint16_t &id) {
    if (t.n != 2)
      return fail(R::ber_bad_length);
    id = uint16_t(t.p[0] << 8 | t.p[1]);
    return true;
  }
  // CHOICE wrapped in an explicit tag: exactly one component.
  bool single(const Tlv &t, Tlv &inner) {
    if (!(t.tag & kCons))
      return fail(R::ber_bad_tag);
    Reader r(t);
    R e = R::ok;
    if (!r.next(inner, e))
      return fail(e);
    return r.done() || fail(R::ber_bad_length);
  }

  // Number of components of a constructed value (0 on malformed input, left to the real
  // walk to report): lets vectors be sized once.
  static size_t count(const Tlv &t) {
    size_t n = 0;
    Reader r(t);
    Tlv c;
    R e = R::ok;
    while (!r.done() && r.next(c, e))
      ++n;
    return n;
  }

  bool mid(const Tlv &alt, Mid &m, bool sca);
  bool termination_id(const Tlv &t, TerminationId &id);
  bool termination_list(const Tlv &t, std::vector<TerminationId> &v);
  bool error_descriptor(const Tlv &t, ErrorDescriptor &e);
  bool transaction(const Tlv &t, Transaction &tr);
  bool action(const Tlv &t, Action &a, bool reply);
  bool context_request(const Tlv &t, ContextRequest &c);
  bool command_request(const Tlv &t, Command &c);
  bool command_reply(const Tlv &t, Command &c);
  bool amm_descriptor(const Tlv &t, std::vector<Descriptor> &out);
  bool audit_return(const Tlv &t, std::vector<Descriptor> &out);
  bool audit_descriptor(const Tlv &t, uint16_t &items);
  bool media(const Tlv &t, MediaDescriptor &m);
  bool stream_parms(const Tlv &t, StreamParms &s);
  bool property_list(const Tlv &t, ItemKind kind, std::vector<PropertyParm> &v);
  bool value_and_extra(const Tlv &c, PropertyParm &p); // handles [1] and [2]
  bool local_remote(const Tlv &t, LocalRemote &lr);
  bool events(const Tlv &t, EventsDescriptor &e);
  bool requested_event(const Tlv &t, RequestedEvent &e, bool second);
  bool event_params(const Tlv &t, ItemKind kind, uint32_t owner, std::vector<PropertyParm> &v);
  bool signals(const Tlv &t, SignalsDescriptor &s);
  bool signal(const Tlv &t, SignalRequest &s);
  bool digit_map_value(const Tlv &t, DigitMapValue &v);
  bool digit_map(const Tlv &t, DigitMapDescriptor &d);
  bool time_notation(const Tlv &t, std::string &ts);
  bool event_spec(const Tlv &t, ObservedEvent &e);
  bool observed_events(const Tlv &t, ObservedEventsDescriptor &d);
  bool statistics(const Tlv &t, StatisticsDescriptor &s);
  bool packages(const Tlv &t, PackagesDescriptor &p);
  bool mux(const Tlv &t, MuxDescriptor &m);
  bool service_change(const Tlv &t, ServiceChangeDescriptor &s, bool reply);
  bool value_strings(const Tlv &t, std::vector<std::string> &v) {
    v.reserve(v.size() + count(t));
    return each(t, [&](const Tlv &c) {
      if (c.tag != kUniversalOctetString)
        return false;
      v.emplace_back(c.str());
      return true;
    });
  }
};

bool Decoder::message(const Tlv &t, Message &m) {
  if (t.tag != kUniversalSequence)
    return fail(R::ber_bad_tag);
  bool have_mess = false;
  return each(t, [&](const Tlv &c) {
    if (c.tag == cons(0))
      return true; // authHeader (clause 10): not verified here
    if (c.tag != cons(1))
      return false;
    have_mess = true;
    bool have_version = false, have_mid = false, have_body = false;
    bool ok = each(c, [&](const Tlv &f) {
      switch (f.tag) {
      case kCtx0:
        have_version = true;
        return uint_as(f, 99, m.version);
      case cons(1): {
        Tlv alt;
        have_mid = true;
        return single(f, alt) && mid(alt, m.mid, false);
      }
      case cons(2): {
        Tlv body;
        have_body = true;
        if (!single(f, body))
          return false;
        if (body.tag == cons(0)) {
          ErrorDescriptor e;
          if (!error_descriptor(body, e))
            return false;
          m.error = std::move(e);
          return true;
        }
        if (body.tag != cons(1))
          return false;
        return list(body, [&](const Tlv &tr) {
          return transaction(tr, m.transactions.emplace_back());
        });
      }
      default:
        return true; // extension additions
      }
    });
    if (!ok)
      return false;
    if (!have_version || m.version < 1 || m.version > 3)
      return fail(R::bad_version);
    if (!have_mid)
      return fail(R::bad_mid);
    return have_body || fail(R::bad_transaction);
  }) && (have_mess || fail(R::bad_header));
}

bool Decoder::mid(const Tlv &alt, Mid &m, bool sca) {
  unsigned n = alt.tag & 0x1F;
  if (sca) {
    if (n == 0 && !(alt.tag & kCons)) {
      m.kind = Mid::Kind::PortOnly;
      return uint_as(alt, 0xFFFF, m.port.emplace());
    }
    --n;
  }
  auto addr_port = [&](const Tlv &t, auto &&addr) {
    bool have_addr = false;
    return each(t, [&](const Tlv &f) {
      if (f.tag == kCtx0) {
        have_addr = true;
        return addr(f);
      }
      if (f.tag == kCtx1)
        return uint_as(f, 0xFFFF, m.port.emplace());
      return true;
    }) && (have_addr || fail(R::bad_mid));
  };
  switch (n) {
  case 0:
    m.kind = Mid::Kind::Ip4;
    return addr_port(alt, [&](const Tlv &f) {
      if (f.n != 4)
        return fail(R::bad_mid);
      char buf[16];
      size_t n = 0;
      for (int i = 0; i < 4; ++i) {
        if (i)
          buf[n++] = '.';
        unsigned v = f.p[i];
        if (v >= 100)
          buf[n++] = char('0' + v / 100);
        if (v >= 10)
          buf[n++] = char('0' + v / 10 % 10);
        buf[n++] = char('0' + v % 10);
      }
      m.address.assign(buf, n);
      return true;
    });
  case 2:
    m.kind = Mid::Kind::Domain;
    return addr_port(alt, [&](const Tlv &f) {
      m.address.assign(f.str());
      return !m.address.empty() || fail(R::bad_mid);
    });
  case 3:
    if (alt.tag & kCons || alt.n == 0 || alt.n > 64)
      return fail(R::bad_mid);
    m.kind = Mid::Kind::Device;
    m.address.assign(alt.str());
    return true;
  default: // ip6Address and mtpAddress: not carried by our text model's MId forms here
    return fail(R::ber_unsupported);
  }
}

// Binary ids travel as their text octets: any B.2 SafeChar but the wildcard characters.
bool safe_id_char(uint8_t c) { return c != '*' && c != '$' && text::safe_char(char(c)); }

bool Decoder::termination_id(const Tlv &t, TerminationId &id) {
  // The inverse of the encoder's rule (h248/ber_encoder.cpp termination_id).
  std::vector<uint8_t> wild;
  Tlv idv;
  bool have_id = false;
  if (!each(t, [&](const Tlv &f) {
        if (f.tag == cons(0))
          return each(f, [&](const Tlv &w) {
            if (w.tag != kUniversalOctetString || w.n != 1)
              return false;
            wild.push_back(w.p[0]);
            return true;
          });
        if (f.tag == kCtx1) {
          idv = f;
          have_id = true;
        }
        return true;
      }))
    return false;
  if (!have_id || idv.n == 0 || idv.n > 8)
    return fail(R::bad_termination_id);
  if (!wild.empty()) {
    if (wild.size() == 1 && (wild[0] == 0x7F || wild[0] == 0xFF)) {
      id.text = wild[0] == 0xFF ? "$" : "*";
      return true;
    }
    return fail(R::ber_unsupported);
  }
  bool root = idv.n == 8, printable = true;
  for (size_t i = 0; i < idv.n; ++i) {
    root = root && idv.p[i] == 0xFF;
    printable = printable && safe_id_char(idv.p[i]);
  }
  if (root) {
    id.text = "ROOT";
    return true;
  }
  if (!printable)
    return fail(R::bad_termination_id);
  id.text.assign(idv.str());
  return true;
}

bool Decoder::termination_list(const Tlv &t, std::vector<TerminationId> &v) {
  v.reserve(v.size() + count(t));
  return each(t, [&](const Tlv &c) {
    return c.tag == kUniversalSequence && termination_id(c, v.emplace_back());
  });
}

bool Decoder::error_descriptor(const Tlv &t, ErrorDescriptor &e) {
  bool have_code = false;
  return each(t, [&](const Tlv &f) {
    if (f.tag == kCtx0) {
      have_code = true;
      return uint_as(f, 0xFFFF, e.code);
    }
    if (f.tag == kCtx1)
      e.text.assign(f.str());
    return true;
  }) && (have_code || fail(R::bad_error_descriptor));
}

bool Decoder::transaction(const Tlv &t, Transaction &tr) {
  bool have_id = false;
  auto id = [&](const Tlv &f) {
    have_id = true;
    return uint_as(f, 0xFFFFFFFF, tr.id);
  };
  bool ok;
  switch (t.tag) {
  case cons(0):
    tr.kind = TransactionKind::Request;
    ok = each(t, [&](const Tlv &f) {
      if (f.tag == kCtx0)
        return id(f);
      if (f.tag == cons(1))
        return each(f, [&](const Tlv &a) { return action(a, tr.actions.emplace_back(), false); });
      return true;
    });
    break;
  case cons(1):
    tr.kind = TransactionKind::Pending;
    ok = each(t, [&](const Tlv &f) { return f.tag != kCtx0 || id(f); });
    break;
  case cons(2):
    tr.kind = TransactionKind::Reply;
    ok = each(t, [&](const Tlv &f) {
      if (f.tag == kCtx0)
        return id(f);
      if (f.tag == kCtx1) {
        tr.imm_ack_required = true;
        return true;
      }
      if (f.tag == cons(2)) {
        Tlv r;
        if (!single(f, r))
          return false;
        if (r.tag == cons(0)) {
          ErrorDescriptor e;
          if (!error_descriptor(r, e))
            return false;
          tr.error = std::move(e);
          return true;
        }
        return r.tag == cons(1) &&
               each(r, [&](const Tlv &a) { return action(a, tr.actions.emplace_back(), true); });
      }
      return true;
    });
    break;
  case cons(3):
    tr.kind = TransactionKind::ResponseAck;
    have_id = true;
    ok = each(t, [&](const Tlv &a) {
      AckRange r;
      bool last = false;
      if (a.tag != kUniversalSequence || !each(a, [&](const Tlv &f) {
            if (f.tag == kCtx0)
              return uint_as(f, 0xFFFFFFFF, r.first);
            if (f.tag == kCtx1) {
              last = true;
              return uint_as(f, 0xFFFFFFFF, r.last);
            }
            return true;
          }))
        return false;
      if (!last)
        r.last = r.first;
      if (tr.acks.empty())
        tr.id = r.first;
      tr.acks.push_back(r);
      return true;
    });
    break;
  default:
    return fail(R::bad_transaction);
  }
  if (!ok)
    return fail(R::bad_transaction);
  return have_id || fail(R::bad_transaction_id);
}

bool Decoder::context_request(const Tlv &t, ContextRequest &c) {
  return each(t, [&](const Tlv &f) {
    switch (f.tag) {
    case kCtx0:
      return uint_as(f, 15, c.priority.emplace());
    case kCtx1:
      return boolean(f, c.emergency.emplace());
    case cons(2):
      return each(f, [&](const Tlv &tr) {
        Topology &tp = c.topology.emplace_back();
        return tr.tag == kUniversalSequence && each(tr, [&](const Tlv &x) {
                 if (x.tag == cons(0))
                   return termination_id(x, tp.from);
                 if (x.tag == cons(1))
                   return termination_id(x, tp.to);
                 if (x.tag == ctx(2))
                   return uint_as(x, 2, tp.direction);
                 return true;
               });
      });
    default:
      return true;
    }
  });
}

bool Decoder::action(const Tlv &t, Action &a, bool reply) {
  if (t.tag != kUniversalSequence)
    return fail(R::bad_action);
  bool have_ctx = false;
  return each(t, [&](const Tlv &f) {
    switch (f.tag) {
    case kCtx0:
      have_ctx = true;
      return uint_as(f, 0xFFFFFFFF, a.context);
    case cons(1):
      if (reply) {
        ErrorDescriptor e;
        if (!error_descriptor(f, e))
          return false;
        a.error = std::move(e);
        return true;
      }
      return context_request(f, a.properties);
    case cons(2):
      return reply ? context_request(f, a.properties) : true; // contextAttrAuditReq skipped
    case cons(3):
      a.commands.reserve(count(f));
      return list(f, [&](const Tlv &c) {
        Command &cmd = a.commands.emplace_back();
        return reply ? command_reply(c, cmd) : command_request(c, cmd);
      });
    default:
      return true;
    }
  }) && (have_ctx || fail(R::bad_context_id));
}

constexpr CommandType kAltCommand[] = {
    CommandType::Add,        CommandType::Move,   CommandType::Modify,
    CommandType::Subtract,   CommandType::AuditCapabilities, CommandType::AuditValue,
    CommandType::Notify,     CommandType::ServiceChange,
};

bool Decoder::command_request(const Tlv &t, Command &c) {
  if (t.tag != kUniversalSequence)
    return fail(R::bad_command);
  bool have_cmd = false;
  return each(t, [&](const Tlv &f) {
    if (f.tag == kCtx1) {
      c.optional = true;
      return true;
    }
    if (f.tag == ctx(2)) {
      c.wildcard_reply = true;
      return true;
    }
    if (f.tag != cons(0))
      return true;
    Tlv body;
    if (!single(f, body))
      return false;
    unsigned alt = body.tag & 0x1F;
    if (!(body.tag & kCons) || (body.tag & 0xC0) != 0x80 || alt >= std::size(kAltCommand))
      return fail(R::unknown_command);
    have_cmd = true;
    c.type = kAltCommand[alt];
    return each(body, [&](const Tlv &x) {
      switch (c.type) {
      case CommandType::Add:
      case CommandType::Move:
      case CommandType::Modify:
        if (x.tag == cons(0))
          return termination_list(x, c.terminations);
        if (x.tag == cons(1))
          return list(x, [&](const Tlv &d) { return amm_descriptor(d, c.descriptors); });
        return true;
      case CommandType::Subtract:
        if (x.tag == cons(0))
          return termination_list(x, c.terminations);
        if (x.tag == cons(1)) {
          AuditDescriptor a;
          if (!audit_descriptor(x, a.items))
            return false;
          c.descriptors.emplace_back(a);
        }
        return true;
      case CommandType::AuditValue:
      case CommandType::AuditCapabilities:
        if (x.tag == cons(0))
          return termination_id(x, c.terminations.emplace_back());
        if (x.tag == cons(1)) {
          AuditDescriptor a;
          if (!audit_descriptor(x, a.items))
            return false;
          c.descriptors.emplace_back(a);
        }
        return true;
      case CommandType::Notify:
        if (x.tag == cons(0))
          return termination_list(x, c.terminations);
        if (x.tag == cons(1)) {
          ObservedEventsDescriptor o;
          if (!observed_events(x, o))
            return false;
          c.descriptors.emplace_back(std::move(o));
        } else if (x.tag == cons(2)) {
          ErrorDescriptor e;
          if (!error_descriptor(x, e))
            return false;
          c.descriptors.emplace_back(std::move(e));
        }
        return true;
      case CommandType::ServiceChange:
        if (x.tag == cons(0))
          return termination_list(x, c.terminations);
        if (x.tag == cons(1)) {
          ServiceChangeDescriptor s;
          if (!service_change(x, s, false))
            return false;
          c.descriptors.emplace_back(std::move(s));
        }
        return true;
      }
      return true;
    });
  }) && (have_cmd || fail(R::bad_command)) &&
         (has_mandatory_descriptors(c) || fail(R::bad_command));
}

bool Decoder::command_reply(const Tlv &t, Command &c) {
  unsigned alt = t.tag & 0x1F;
  if (!(t.tag & kCons) || (t.tag & 0xC0) != 0x80 || alt >= std::size(kAltCommand))
    return fail(R::unknown_command);
  c.type = kAltCommand[alt];
  switch (c.type) {
  case CommandType::Add:
  case CommandType::Move:
  case CommandType::Modify:
  case CommandType::Subtract:
    return each(t, [&](const Tlv &x) {
      if (x.tag == cons(0))
        return termination_list(x, c.terminations);
      if (x.tag == cons(1))
        return list(x, [&](const Tlv &d) { return audit_return(d, c.descriptors); });
      return true;
    });
  case CommandType::AuditValue:
  case CommandType::AuditCapabilities: {
    Tlv r;
    if (!single(t, r))
      return false;
    if (r.tag == cons(0)) {
      c.context_audit_reply = true;
      return termination_list(r, c.terminations);
    }
    if (r.tag == cons(1)) {
      c.context_audit_reply = true;
      ErrorDescriptor e;
      if (!error_descriptor(r, e))
        return false;
      c.descriptors.emplace_back(std::move(e));
      return true;
    }
    if (r.tag != cons(2))
      return fail(R::ber_unsupported);
    return each(r, [&](const Tlv &x) {
      if (x.tag == cons(0))
        return termination_id(x, c.terminations.emplace_back());
      if (x.tag == cons(1))
        return list(x, [&](const Tlv &d) { return audit_return(d, c.descriptors); });
      return true;
    });
  }
  case CommandType::Notify:
    return each(t, [&](const Tlv &x) {
      if (x.tag == cons(0))
        return termination_list(x, c.terminations);
      if (x.tag == cons(1)) {
        ErrorDescriptor e;
        if (!error_descriptor(x, e))
          return false;
        c.descriptors.emplace_back(std::move(e));
      }
      return true;
    });
  case CommandType::ServiceChange: {
    bool have_result = false;
    return each(t, [&](const Tlv &x) {
      if (x.tag == cons(0))
        return termination_list(x, c.terminations);
      if (x.tag != cons(1))
        return true;
      have_result = true;
      Tlv r;
      if (!single(x, r))
        return false;
      if (r.tag == cons(0)) {
        ErrorDescriptor e;
        if (!error_descriptor(r, e))
          return false;
        c.descriptors.emplace_back(std::move(e));
        return true;
      }
      ServiceChangeDescriptor s;
      if (r.tag != cons(1) || !service_change(r, s, true))
        return false;
      // An empty ServiceChangeResParm is the binary form of a bare "SC=id" text reply.
      if (!(s == ServiceChangeDescriptor{}))
        c.descriptors.emplace_back(std::move(s));
      return true;
    }) && (have_result || fail(R::bad_command));
  }
  }
  return false;
}

bool Decoder::amm_descriptor(const Tlv &t, std::vector<Descriptor> &out) {
  switch (t.tag) {
  case cons(0): {
    MediaDescriptor m;
    if (!media(t, m))
      return false;
    out.emplace_back(std::move(m));
    return true;
  }
  case cons(2): {
    MuxDescriptor m;
    if (!mux(t, m))
      return false;
    out.emplace_back(std::move(m));
    return true;
  }
  case cons(3): {
    EventsDescriptor e;
    if (!events(t, e))
      return false;
    out.emplace_back(std::move(e));
    return true;
  }
  case cons(4): {
    EventBufferDescriptor e;
    if (!each(t, [&](const Tlv &s) { return event_spec(s, e.events.emplace_back()); }))
      return false;
    out.emplace_back(std::move(e));
    return true;
  }
  case cons(5): {
    SignalsDescriptor s;
    if (!signals(t, s))
      return false;
    out.emplace_back(std::move(s));
    return true;
  }
  case cons(6): {
    DigitMapDescriptor d;
    if (!digit_map(t, d))
      return false;
    out.emplace_back(std::move(d));
    return true;
  }
  case cons(7): {
    AuditDescriptor a;
    if (!audit_descriptor(t, a.items))
      return false;
    out.emplace_back(a);
    return true;
  }
  case cons(8): {
    StatisticsDescriptor s;
    if (!statistics(t, s))
      return false;
    out.emplace_back(std::move(s));
    return true;
  }
  default:
    return fail(R::ber_unsupported); // modem descriptor
  }
}

bool Decoder::audit_return(const Tlv &t, std::vector<Descriptor> &out) {
  switch (t.tag) {
  case cons(0): {
    ErrorDescriptor e;
    if (!error_descriptor(t, e))
      return false;
    out.emplace_back(std::move(e));
    return true;
  }
  case cons(1): {
    MediaDescriptor m;
    if (!media(t, m))
      return false;
    out.emplace_back(std::move(m));
    return true;
  }
  case cons(3): {
    MuxDescriptor m;
    if (!mux(t, m))
      return false;
    out.emplace_back(std::move(m));
    return true;
  }
  case cons(4): {
    EventsDescriptor e;
    if (!events(t, e))
      return false;
    out.emplace_back(std::move(e));
    return true;
  }
  case cons(5): {
    EventBufferDescriptor e;
    if (!each(t, [&](const Tlv &s) { return event_spec(s, e.events.emplace_back()); }))
      return false;
    out.emplace_back(std::move(e));
    return true;
  }
  case cons(6): {
    SignalsDescriptor s;
    if (!signals(t, s))
      return false;
    out.emplace_back(std::move(s));
    return true;
  }
  case cons(7): {
    DigitMapDescriptor d;
    if (!digit_map(t, d))
      return false;
    out.emplace_back(std::move(d));
    return true;
  }
  case cons(8): {
    ObservedEventsDescriptor o;
    if (!observed_events(t, o))
      return false;
    out.emplace_back(std::move(o));
    return true;
  }
  case cons(9): {
    StatisticsDescriptor s;
    if (!statistics(t, s))
      return false;
    out.emplace_back(std::move(s));
    return true;
  }
  case cons(10): {
    PackagesDescriptor p;
    if (!packages(t, p))
      return false;
    out.emplace_back(std::move(p));
    return true;
  }
  case cons(11): {
    // emptyDescriptors: each named bit is a bare audit item in the text form.
    uint16_t items = 0;
    if (!audit_descriptor(t, items))
      return false;
    for (unsigned b = 0; b < 16; ++b)
      if (items & (1u << b))
        out.emplace_back(AuditReturnItem{uint16_t(1u << b)});
    return true;
  }
  default:
    return fail(R::ber_unsupported);
  }
}

bool Decoder::audit_descriptor(const Tlv &t, uint16_t &items) {
  return each(t, [&](const Tlv &f) {
    if (f.tag == cons(1))
      return fail(R::ber_unsupported); // auditPropertyToken (v2 individual audit)
    if (f.tag != kCtx0)
      return true;
    if (f.n < 1 || f.p[0] > 7 || f.n > 3)
      return fail(R::bad_value);
    for (size_t i = 1; i < f.n; ++i)
      for (unsigned b = 0; b < 8; ++b)
        if (f.p[i] & (0x80 >> b)) {
          unsigned bit = unsigned((i - 1) * 8 + b);
          if (bit < 10)
            items |= uint16_t(1u << bit);
        }
    return true;
  });
}

bool Decoder::media(const Tlv &t, MediaDescriptor &m) {
  return each(t, [&](const Tlv &f) {
    if (f.tag == cons(0)) {
      TerminationState &ts = m.termination_state.emplace();
      return each(f, [&](const Tlv &x) {
        if (x.tag == cons(0))
          return property_list(x, ItemKind::Property, ts.props);
        if (x.tag == kCtx1)
          return uint_as(x, 1, ts.event_buffer_control.emplace());
        if (x.tag == ctx(2))
          return uint_as(x, 2, ts.service_state.emplace());
        return true;
      });
    }
    if (f.tag != cons(1))
      return true;
    Tlv s;
    if (!single(f, s))
      return false;
    if (s.tag == cons(0))
      return stream_parms(s, m.streams.emplace_back().parms);
    if (s.tag != cons(1))
      return false;
    // StreamDescriptor ::= SEQUENCE { streamID StreamID, streamParms StreamParms }: both
    // mandatory (Annex A). One without its streamID was once kept as a stream with no id, which
    // is the single-stream form (oneStream) and cannot be written back as the multiStream it
    // came in (found by fuzz_h248_binary: a StreamDescriptor holding bare PropertyParms).
    return each(s, [&](const Tlv &sd) {
      Stream &st = m.streams.emplace_back();
      bool have_parms = false;
      return sd.tag == kUniversalSequence &&
             each(sd, [&](const Tlv &x) {
               if (x.tag == kCtx0)
                 return uint_as(x, 0xFFFF, st.id.emplace());
               if (x.tag == cons(1)) {
                 have_parms = true;
                 return stream_parms(x, st.parms);
               }
               return true;
             }) &&
             ((st.id && have_parms) || fail(R::bad_descriptor));
    });
  });
}

bool Decoder::stream_parms(const Tlv &t, StreamParms &s) {
  return each(t, [&](const Tlv &f) {
    switch (f.tag) {
    case cons(0): {
      LocalControl &lc = s.local_control.emplace();
      return each(f, [&](const Tlv &x) {
        switch (x.tag) {
        case kCtx0:
          return uint_as(x, 4, lc.mode.emplace());
        case kCtx1:
          return boolean(x, lc.reserve_value.emplace());
        case ctx(2):
          return boolean(x, lc.reserve_group.emplace());
        case cons(3):
          return property_list(x, ItemKind::Property, lc.props);
        default:
          return true;
        }
      });
    }
    case cons(1):
      return local_remote(f, s.local.emplace());
    case cons(2):
      return local_remote(f, s.remote.emplace());
    default:
      return true; // v3 statisticsDescriptor per stream: not modelled
    }
  });
}

bool Decoder::value_and_extra(const Tlv &x, PropertyParm &p) {
  using Rel = PropertyParm::Rel;
  if (x.tag == cons(1))
    return value_strings(x, p.values);
  if (x.tag != cons(2))
    return true;
  Tlv e;
  if (!single(x, e))
    return false;
  if (e.tag == kCtx0) {
    uint8_t r;
    if (!uint_as(e, 2, r))
      return false;
    p.rel = r == 0 ? Rel::Greater : r == 1 ? Rel::Less : Rel::NotEqual;
    return true;
  }
  bool b;
  if (!boolean(e, b))
    return false;
  if (e.tag == kCtx1)
    p.rel = b ? Rel::Range : Rel::Equal;
  else if (e.tag == ctx(2))
    p.rel = b ? Rel::Sublist : Rel::Alternatives;
  else
    return false;
  return true;
}

bool Decoder::property_list(const Tlv &t, ItemKind kind, std::vector<PropertyParm> &v) {
  v.reserve(v.size() + count(t));
  return each(t, [&](const Tlv &pp) {
    PropertyParm &p = v.emplace_back();
    bool have_name = false;
    return pp.tag == kUniversalSequence && each(pp, [&](const Tlv &x) {
             if (x.tag == kCtx0) {
               uint32_t id;
               if (!name32(x, id))
                 return false;
               p.name = pkgd_name_text(kind, id);
               have_name = true;
               return true;
             }
             return value_and_extra(x, p);
           }) && (have_name || fail(R::bad_property));
  });
}

bool Decoder::local_remote(const Tlv &t, LocalRemote &lr) {
  // The hot path of a typical Add: SDP lines map straight from their Annex C.11 ids.
  static constexpr std::string_view kSdpLetters = "vosiuepcbzkatrm";
  return each(t, [&](const Tlv &f) {
    if (f.tag != cons(0))
      return true;
    return list(f, [&](const Tlv &g) {
      if (g.tag != kUniversalSequence)
        return false;
      SdpGroup &group = lr.groups.emplace_back();
      size_t n = 0;
      for (Reader r(g); !r.done(); ++n) {
        Tlv skip;
        R e = R::ok;
        if (!r.next(skip, e))
          return fail(e);
      }
      group.reserve(n);
      return list(g, [&](const Tlv &pp) {
        SdpLine &line = group.emplace_back();
        bool have_name = false, have_value = false;
        return pp.tag == kUniversalSequence && each(pp, [&](const Tlv &x) {
                 if (x.tag == kCtx0) {
                   uint32_t id;
                   if (!name32(x, id))
                     return false;
                   uint32_t i = id - 0xB001;
                   if (id < 0xB001 || i >= kSdpLetters.size())
                     return fail(R::bad_sdp);
                   line.type = kSdpLetters[i];
                   have_name = true;
                 } else if (x.tag == cons(1)) {
                   Reader r(x);
                   Tlv v;
                   R e = R::ok;
                   if (!r.next(v, e) || v.tag != kUniversalOctetString || !r.done())
                     return fail(R::bad_sdp);
                   line.value.assign(v.str());
                   have_value = true;
                 }
                 return true;
               }) && ((have_name && have_value) || fail(R::bad_sdp));
      });
    });
  });
}

bool Decoder::events(const Tlv &t, EventsDescriptor &e) {
  return each(t, [&](const Tlv &f) {
    if (f.tag == kCtx0)
      return uint_as(f, 0xFFFFFFFF, e.request_id.emplace());
    if (f.tag == cons(1))
      return each(f, [&](const Tlv &r) {
        return requested_event(r, e.events.emplace_back(), false);
      });
    return true;
  });
}

bool Decoder::event_params(const Tlv &t, ItemKind kind, uint32_t owner,
                           std::vector<PropertyParm> &v) {
  v.reserve(v.size() + count(t));
  return each(t, [&](const Tlv &pp) {
    PropertyParm &p = v.emplace_back();
    bool have_name = false;
    return pp.tag == kUniversalSequence && each(pp, [&](const Tlv &x) {
             if (x.tag == kCtx0) {
               uint16_t id;
               if (!name16(x, id))
                 return false;
               p.name = param_name_text(kind, owner, id);
               have_name = true;
               return true;
             }
             return value_and_extra(x, p);
           }) && (have_name || fail(R::bad_property));
  });
}

bool Decoder::requested_event(const Tlv &t, RequestedEvent &e, bool second) {
  if (t.tag != kUniversalSequence)
    return fail(R::bad_events);
  uint32_t id = 0;
  const Tlv *params = nullptr;
  Tlv params_tlv;
  bool ok = each(t, [&](const Tlv &f) {
    switch (f.tag) {
    case kCtx0:
      if (!name32(f, id))
        return false;
      e.name = pkgd_name_text(ItemKind::Event, id);
      return true;
    case kCtx1:
      return uint_as(f, 0xFFFF, e.stream.emplace());
    case cons(2):
      return each(f, [&](const Tlv &a) {
        switch (a.tag) {
        case kCtx0: {
          bool b;
          if (!boolean(a, b))
            return false;
          e.keep_active = b;
          return true;
        }
        case cons(1): {
          Tlv dm;
          if (!single(a, dm))
            return false;
          DigitMapDescriptor &d = e.digit_map.emplace();
          if (dm.tag == kCtx0) {
            uint16_t n;
            if (!name16(dm, n))
              return false;
            d.name = package_text(n);
            return true;
          }
          return dm.tag == cons(1) && digit_map_value(dm, d.value.emplace());
        }
        case cons(2): {
          if (second)
            return signals(a, (e.embed.empty() ? e.embed.emplace_back() : e.embed.front())
                                  .signals.emplace());
          EmbeddedEvents &em = e.embed.empty() ? e.embed.emplace_back() : e.embed.front();
          return each(a, [&](const Tlv &x) {
            if (x.tag == kCtx0)
              return uint_as(x, 0xFFFFFFFF, em.request_id.emplace());
            if (x.tag == cons(1))
              return each(x, [&](const Tlv &r) {
                return requested_event(r, em.events.emplace_back(), true);
              });
            return true;
          });
        }
        case cons(3): {
          if (second)
            return true;
          EmbeddedEvents &em = e.embed.empty() ? e.embed.emplace_back() : e.embed.front();
          return signals(a, em.signals.emplace());
        }
        default:
          return true;
        }
      });
    case cons(3):
      params_tlv = f;
      params = &params_tlv;
      return true;
    default:
      return true;
    }
  });
  if (!ok)
    return false;
  if (e.name.empty())
    return fail(R::bad_events);
  // Parameter names are scoped by the event, which may come after them in a BER SEQUENCE only
  // in theory (DER order puts pkgdName first); decode them once the name is known.
  return !params || event_params(*params, ItemKind::Event, id, e.params);
}

bool Decoder::signals(const Tlv &t, SignalsDescriptor &s) {
  return list(t, [&](const Tlv &r) {
    SignalParm &sp = s.signals.emplace_back();
    if (r.tag == cons(0))
      return signal(r, sp.signals.emplace_back());
    if (r.tag != cons(1))
      return false;
    return each(r, [&](const Tlv &x) {
      if (x.tag == kCtx0)
        return uint_as(x, 0xFFFF, sp.list_id.emplace());
      if (x.tag == cons(1))
        return list(x, [&](const Tlv &sig) {
          return sig.tag == kUniversalSequence && signal(sig, sp.signals.emplace_back());
        });
      return true;
    }) && (sp.list_id || fail(R::bad_signals));
  });
}

bool Decoder::signal(const Tlv &t, SignalRequest &s) {
  static constexpr SignalType kTypes[] = {SignalType::Brief, SignalType::OnOff,
                                          SignalType::TimeOut};
  uint32_t id = 0;
  Tlv params;
  bool have_params = false;
  bool ok = each(t, [&](const Tlv &f) {
    switch (f.tag) {
    case kCtx0:
      if (!name32(f, id))
        return false;
      s.name = pkgd_name_text(ItemKind::Signal, id);
      return true;
    case kCtx1:
      return uint_as(f, 0xFFFF, s.stream.emplace());
    case ctx(2): {
      uint8_t v;
      if (!uint_as(f, 2, v))
        return false;
      s.type = kTypes[v];
      return true;
    }
    case ctx(3):
      return uint_as(f, 0xFFFF, s.duration.emplace());
    case ctx(4):
      if (f.n < 1 || f.n > 2 || f.p[0] > 7)
        return fail(R::bad_value);
      if (f.n == 2)
        for (unsigned b = 0; b < 4; ++b)
          if (f.p[1] & (0x80 >> b))
            s.notify_completion |= uint8_t(1u << b);
      return true;
    case ctx(5): {
      bool b;
      if (!boolean(f, b))
        return false;
      s.keep_active = b;
      return true;
    }
    case cons(6):
      params = f;
      have_params = true;
      return true;
    default:
      return true;
    }
  });
  if (!ok)
    return false;
  if (s.name.empty())
    return fail(R::bad_signals);
  return !have_params || event_params(params, ItemKind::Signal, id, s.params);
}

bool Decoder::digit_map_value(const Tlv &t, DigitMapValue &v) {
  bool have_body = false;
  return each(t, [&](const Tlv &f) {
    switch (f.tag) {
    case kCtx0:
      return uint_as(f, 99, v.start_timer.emplace());
    case kCtx1:
      return uint_as(f, 99, v.short_timer.emplace());
    case ctx(2):
      return uint_as(f, 99, v.long_timer.emplace());
    case ctx(3):
      v.body.assign(f.str());
      have_body = true;
      return true;
    case ctx(4):
      return uint_as(f, 99, v.duration_timer.emplace());
    default:
      return true;
    }
  }) && (have_body || fail(R::bad_digit_map));
}

bool Decoder::digit_map(const Tlv &t, DigitMapDescriptor &d) {
  return each(t, [&](const Tlv &f) {
    if (f.tag == kCtx0) {
      uint16_t n;
      if (!name16(f, n))
        return false;
      d.name = package_text(n);
      return true;
    }
    if (f.tag == cons(1))
      return digit_map_value(f, d.value.emplace());
    return true;
  });
}

bool Decoder::time_notation(const Tlv &t, std::string &ts) {
  std::string_view date, time;
  if (!each(t, [&](const Tlv &f) {
        if (f.tag == kCtx0)
          date = f.str();
        else if (f.tag == kCtx1)
          time = f.str();
        return true;
      }))
    return false;
  if (date.size() != 8 || time.size() != 8)
    return fail(R::bad_value);
  ts.reserve(17);
  ts.assign(date);
  ts.push_back('T');
  ts.append(time);
  return true;
}

bool Decoder::event_spec(const Tlv &t, ObservedEvent &e) {
  if (t.tag != kUniversalSequence)
    return fail(R::bad_events);
  uint32_t id = 0;
  Tlv params;
  bool have_params = false;
  bool ok = each(t, [&](const Tlv &f) {
    switch (f.tag) {
    case kCtx0:
      if (!name32(f, id))
        return false;
      e.name = pkgd_name_text(ItemKind::Event, id);
      return true;
    case kCtx1:
      return uint_as(f, 0xFFFF, e.stream.emplace());
    case cons(2):
      params = f;
      have_params = true;
      return true;
    case cons(3):
      return time_notation(f, e.timestamp);
    default:
      return true;
    }
  });
  if (!ok)
    return false;
  if (e.name.empty())
    return fail(R::bad_events);
  return !have_params || event_params(params, ItemKind::Event, id, e.params);
}

bool Decoder::observed_events(const Tlv &t, ObservedEventsDescriptor &d) {
  return each(t, [&](const Tlv &f) {
    if (f.tag == kCtx0)
      return uint_as(f, 0xFFFFFFFF, d.request_id);
    if (f.tag == cons(1))
      return each(f, [&](const Tlv &e) { return event_spec(e, d.events.emplace_back()); });
    return true;
  });
}

bool Decoder::statistics(const Tlv &t, StatisticsDescriptor &s) {
  return each(t, [&](const Tlv &sp) {
    PropertyParm &p = s.stats.emplace_back();
    return sp.tag == kUniversalSequence && each(sp, [&](const Tlv &x) {
             if (x.tag == kCtx0) {
               uint32_t id;
               if (!name32(x, id))
                 return false;
               p.name = pkgd_name_text(ItemKind::Statistic, id);
               return true;
             }
             if (x.tag == cons(1))
               return value_strings(x, p.values);
             return true;
           });
  });
}

bool Decoder::packages(const Tlv &t, PackagesDescriptor &p) {
  return each(t, [&](const Tlv &it) {
    PackagesDescriptor::Item &item = p.items.emplace_back();
    return it.tag == kUniversalSequence && each(it, [&](const Tlv &x) {
             if (x.tag == kCtx0) {
               uint16_t n;
               if (!name16(x, n))
                 return false;
               item.name = package_text(n);
               return true;
             }
             if (x.tag == kCtx1)
               return uint_as(x, 99, item.version);
             return true;
           });
  });
}

bool Decoder::mux(const Tlv &t, MuxDescriptor &m) {
  return each(t, [&](const Tlv &f) {
    if (f.tag == kCtx0)
      return uint_as(f, 4, m.type);
    if (f.tag == cons(1))
      return termination_list(f, m.terminations);
    return true;
  });
}

bool Decoder::service_change(const Tlv &t, ServiceChangeDescriptor &s, bool reply) {
  // ServiceChangeParm (request) and ServiceChangeResParm (reply) number their fields
  // differently; see the encoder for both layouts.
  return each(t, [&](const Tlv &f) {
    auto mid_field = [&](std::optional<Mid> &m, bool sca) {
      Tlv alt;
      return single(f, alt) && mid(alt, m.emplace(), sca);
    };
    auto profile = [&] {
      return each(f, [&](const Tlv &x) {
        if (x.tag == kCtx0)
          s.profile.assign(x.str());
        return true;
      });
    };
    if (reply) {
      switch (f.tag) {
      case cons(0): return mid_field(s.mgc_id, false);
      case cons(1): return mid_field(s.address, true);
      case ctx(2): return uint_as(f, 99, s.version.emplace());
      case cons(3): return profile();
      case cons(4): return time_notation(f, s.timestamp);
      default: return true;
      }
    }
    switch (f.tag) {
    case kCtx0:
      return uint_as(f, 5, s.method.emplace());
    case cons(1): return mid_field(s.address, true);
    case ctx(2): return uint_as(f, 99, s.version.emplace());
    case cons(3): return profile();
    case cons(4): {
      std::vector<std::string> v;
      if (!value_strings(f, v))
        return false;
      if (!v.empty())
        s.reason = std::move(v[0]);
      return true;
    }
    case ctx(5): return uint_as(f, 0xFFFFFFFF, s.delay.emplace());
    case cons(6): return mid_field(s.mgc_id, false);
    case cons(7): return time_notation(f, s.timestamp);
    default: return true;
    }
  });
}

} // namespace

namespace {
R decode_fast(std::span<const uint8_t> in, Message &out) {
  R r = R::ok;
  if (in.empty()) {
    r = R::empty;
  } else {
    Reader rd(in.data(), in.size());
    Tlv top;
    Decoder d;
    if (!rd.next(top, r)) {
      // r set by next()
    } else if (!d.message(top, out)) {
      r = d.error() == R::ok ? R::ber_bad_tag : d.error();
    } else if (!rd.done()) {
      r = R::trailing_data;
    }
  }
  return r;
}

// X.690 8.1.3.6 indefinite lengths, rewritten as definite ones so the fast path can take them.
// Purely structural (no knowledge of the module); depth-bounded. (asn1c's BER decoder was the
// first candidate for this job, but fuzz_h248_binary found inputs on which it never returns.)
bool definite(const uint8_t *&p, const uint8_t *end, std::vector<uint8_t> &out, int depth) {
  if (depth > 64 || end - p < 2)
    return false;
  uint8_t tag = *p++;
  if ((tag & 0x1F) == 0x1F)
    return false;
  size_t len = *p++;
  std::vector<uint8_t> content;
  if (len == 0x80) {
    if (!(tag & kCons))
      return false;
    for (;;) {
      if (end - p < 2)
        return false;
      if (p[0] == 0 && p[1] == 0) {
        p += 2;
        break;
      }
      if (!definite(p, end, content, depth + 1))
        return false;
    }
  } else {
    if (len & 0x80) {
      size_t k = len & 0x7F;
      if (k > 4 || size_t(end - p) < k)
        return false;
      len = 0;
      for (size_t i = 0; i < k; ++i)
        len = len << 8 | *p++;
    }
    if (size_t(end - p) < len)
      return false;
    const uint8_t *stop = p + len;
    if (tag & kCons) {
      while (p < stop)
        if (!definite(p, stop, content, depth + 1))
          return false;
    } else {
      content.assign(p, stop);
      p = stop;
    }
  }
  out.push_back(tag);
  size_t n = content.size();
  if (n < 0x80) {
    out.push_back(uint8_t(n));
  } else {
    uint8_t b[4];
    int k = 0;
    for (size_t x = n; x; x >>= 8)
      b[k++] = uint8_t(x);
    out.push_back(uint8_t(0x80 | k));
    while (k)
      out.push_back(b[--k]);
  }
  out.insert(out.end(), content.begin(), content.end());
  return true;
}

} // namespace

Status decode_binary(std::span<const uint8_t> in, Message &out, DecodeCounters *counters) {
  R r = decode_fast(in, out);
  if (r == R::ber_unsupported) {
    std::vector<uint8_t> norm;
    const uint8_t *p = in.data();
    if (definite(p, in.data() + in.size(), norm, 0) && p == in.data() + in.size()) {
      Message again;
      R r2 = decode_fast(norm, again);
      if (r2 == R::ok) {
        out = std::move(again);
        if (counters)
          counters->inc(R::ber_indefinite_normalised);
      }
      if (r2 != R::ber_unsupported)
        r = r2;
    }
  }
  if (counters)
    counters->inc(r);
  return r == R::ok ? Status::Ok() : decode_status(r);
}

} // namespace mgc::h248
