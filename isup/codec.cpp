// Q.763 §1 message structure (routing label excluded): CIC (§1.2), message type (§1.3), mandatory
// fixed part (§1.5), mandatory variable part with one pointer per parameter (§1.6), pointer to
// the optional part and optional parameters as code/length/contents ended by octet 0 (§1.7-1.8).
// Q.764 §2.9.5 decides what the receiver does with what it cannot use.
#include "isup/codec.h"

#include "isup/parameter_codec.h"

#include <algorithm>
#include <array>

namespace mgc::isup {
namespace {

using detail::ParamDecode;
using detail::Writer;

constexpr std::array<std::string_view, CounterSet<DecodeReason>::size()> kDetails = {
#define MGC_ISUP_REASON_DETAIL_(n) std::string_view("isup." #n),
    MGC_ISUP_DECODE_REASONS(MGC_ISUP_REASON_DETAIL_)
#undef MGC_ISUP_REASON_DETAIL_
};

uint16_t cic_mask(Variant v) { return v == Variant::Ansi ? 0x3fff : 0x0fff; }
int cic_bits(Variant v) { return v == Variant::Ansi ? 14 : 12; }

int severity(Action a) { return static_cast<int>(a); }

struct Outcome {
  DecodeResult &r;
  void raise(DecodeReason reason, Action action, uint8_t cause) {
    // Keep the most severe action; the first reason seen at that severity names the result.
    if (r.reason == DecodeReason::ok || severity(action) > severity(r.action)) {
      r.reason = reason;
      r.action = action;
      r.cause = cause;
    }
  }
};

// Q.764 §2.9.5.1-2: messages that must not provoke CFN or a release in return.
bool never_notify(uint8_t type) {
  return type == uint8_t(MessageType::Cfn) || type == uint8_t(MessageType::Rel) ||
         type == uint8_t(MessageType::Rlc);
}

// Bad or missing mandatory information: an IAM cannot be acted upon, so the call is released;
// a REL still releases the call (the receiver answers RLC); circuit group supervision messages
// with unusable contents are discarded (Q.764 §2.8.2.3, §2.9.3.3); any other message is
// discarded with CFN.
Action mandatory_error_action(uint8_t type) {
  switch (static_cast<MessageType>(type)) {
  case MessageType::Iam:
    return Action::ReleaseCall;
  case MessageType::Rel:
  case MessageType::Rlc:
    return Action::Process;
  case MessageType::Grs:
  case MessageType::Gra:
  case MessageType::Cgb:
  case MessageType::Cgba:
  case MessageType::Cgu:
  case MessageType::Cgua:
  case MessageType::Cqm:
  case MessageType::Cqr:
  case MessageType::Cfn:
    return Action::DiscardMessage;
  default:
    return Action::DiscardAndNotify;
  }
}

// Q.764 §2.9.5.3.1: instructions for an unrecognised message.
void unrecognized_message(const Message &msg, uint8_t type, const DecodeOptions &opt,
                          Outcome &o) {
  o.r.diagnostic.push_back(type);
  const auto *mci = msg.find<MessageCompatibilityInformation>();
  if (!mci) {
    // No instructions: the default is to discard the message and send CFN.
    o.raise(DecodeReason::unrecognized_message, Action::DiscardAndNotify,
            cause_value(Cause::MessageTypeNonExistent));
    return;
  }
  if (opt.node == Node::Transit && !mci->transit_at_intermediate_exchange_indicator &&
      !mci->pass_on_not_possible_indicator) {
    o.raise(DecodeReason::unrecognized_message, Action::PassOn, 0);
    return;
  }
  Action a;
  if (mci->release_call_indicator)
    a = Action::ReleaseCall;
  else if (mci->discard_message_indicator)
    a = mci->send_notification_indicator ? Action::DiscardAndNotify : Action::DiscardMessage;
  else // neither release nor discard asked: the message is used as far as it is understood
    a = mci->send_notification_indicator ? Action::ProcessAndNotify : Action::Process;
  o.raise(DecodeReason::unrecognized_message, a,
          a == Action::Process || a == Action::DiscardMessage
              ? 0
              : cause_value(Cause::MessageTypeNonExistent));
}

// Q.764 §2.9.5.3.2 (unrecognised parameters) and §2.9.5.3.3 (unrecognised values, handled as
// if the parameter were unrecognised).
void unrecognized_parameter(const Message &msg, uint8_t type, uint8_t code, DecodeReason reason,
                            const DecodeOptions &opt, Outcome &o) {
  const ParameterInstructions *ins = nullptr;
  if (const auto *pci = msg.find<ParameterCompatibilityInformation>())
    for (std::size_t i = 0; i < pci->count; ++i)
      if (pci->entries[i].parameter == code)
        ins = &pci->entries[i];
  Action a;
  uint8_t cause = cause_value(Cause::ParameterNonExistent);
  bool discard_param = false;
  if (opt.node == Node::Transit && (!ins || !ins->transit_at_intermediate_exchange_indicator)) {
    a = Action::Process; // an intermediate exchange passes the parameter on unchanged
  } else if (!ins) {
    a = Action::ProcessAndNotify; // default: discard the parameter, send CFN
    discard_param = true;
  } else if (ins->release_call_indicator) {
    a = Action::ReleaseCall;
  } else if (ins->discard_message_indicator) {
    a = ins->send_notification_indicator ? Action::DiscardAndNotify : Action::DiscardMessage;
    cause = cause_value(Cause::MessageWithUnrecognizedParameterDiscarded);
  } else if (ins->discard_parameter_indicator) {
    a = ins->send_notification_indicator ? Action::ProcessAndNotify : Action::Process;
    discard_param = true;
  } else {
    a = ins->send_notification_indicator ? Action::ProcessAndNotify : Action::Process;
  }
  if (never_notify(type)) {
    if (a == Action::ReleaseCall || a == Action::ProcessAndNotify)
      a = Action::Process;
    else if (a == Action::DiscardAndNotify)
      a = Action::DiscardMessage;
  }
  if (discard_param)
    o.r.discard_parameters.push_back(code);
  if (a != Action::Process || discard_param)
    o.r.diagnostic.push_back(code);
  o.raise(reason, a, a == Action::Process || a == Action::DiscardMessage ? 0 : cause);
}

void mandatory_error(uint8_t type, DecodeReason reason, uint8_t code, Outcome &o) {
  const Action a = mandatory_error_action(type);
  const uint8_t cause = reason == DecodeReason::missing_mandatory_parameter
                            ? cause_value(Cause::MandatoryInformationElementMissing)
                            : cause_value(Cause::InvalidInformationElementContents);
  if (code)
    o.r.diagnostic.push_back(code);
  o.raise(reason, a, a == Action::Process || a == Action::DiscardMessage ? 0 : cause);
}

// Parses an optional part starting at `pos`; returns false on a structural error (reported).
// Appends a parameter slot in place (no temporary: a Parameter is ~180 octets).
Parameter &next_parameter(Message &msg, uint8_t code, Part part) {
  Parameter &p = msg.parameters.emplace_back();
  p.code = code;
  p.part = part;
  return p;
}

// Optional parameters that need Q.764 §2.9.5.3 treatment; judged once the whole optional part
// is read, because the parameter compatibility information may come after them.
struct Flagged {
  struct Item {
    uint8_t code;
    DecodeReason reason;
  };
  Item items[32]; // only [0, count) is read
  std::size_t count = 0;
  bool overflow = false;
  void add(uint8_t code, DecodeReason r) {
    if (count < std::size(items))
      items[count++] = Item{code, r};
    else
      overflow = true;
  }
};

bool parse_optional(std::span<const uint8_t> in, std::size_t pos, uint8_t type,
                    const DecodeOptions &opt, Message &msg, Outcome &o, bool &canonical,
                    Flagged *flagged) {
  bool any = false;
  while (true) {
    if (pos >= in.size()) {
      // No end-of-optional-parameters octet: tolerated (Q.764 robustness), not canonical.
      canonical = false;
      return true;
    }
    const uint8_t code = in[pos];
    if (code == 0) {
      if (!any || pos + 1 != in.size())
        canonical = false;
      return true;
    }
    if (pos + 1 >= in.size() || pos + 2 + in[pos + 1] > in.size()) {
      canonical = false;
      o.raise(DecodeReason::bad_optional_part, mandatory_error_action(type),
              cause_value(Cause::InvalidInformationElementContents));
      return false;
    }
    const uint8_t len = in[pos + 1];
    Parameter &p = next_parameter(msg, code, Part::Optional);
    bool pool_ok = true;
    ParamDecode d =
        detail::decode_parameter(code, in.subspan(pos + 2, len), opt.variant, msg, p.value, pool_ok);
    if (!pool_ok) {
      o.raise(DecodeReason::too_large, Action::DiscardMessage, 0);
      return false;
    }
    any = true;
    pos += 2 + len;
    if (flagged) {
      if (d == ParamDecode::Invalid)
        flagged->add(code, DecodeReason::bad_optional_parameter);
      else if (d == ParamDecode::Raw && !parameter_info(code))
        flagged->add(code, DecodeReason::unrecognized_parameter);
    }
  }
}

DecodeResult finish(DecodeResult r, CounterSet<DecodeReason> *counters) {
  if (r.reason != DecodeReason::ok)
    r.status = Status(kDetails[static_cast<std::size_t>(r.reason)], r.cause);
  if (counters)
    counters->inc(r.reason);
  return r;
}

} // namespace

std::string_view reason_detail(DecodeReason r) { return kDetails[static_cast<std::size_t>(r)]; }

std::string_view action_name(Action a) {
  static constexpr std::string_view names[] = {"process",        "pass_on",
                                               "process_and_notify", "discard_message",
                                               "discard_and_notify", "release_call"};
  return names[static_cast<std::size_t>(a)];
}

// Where the mandatory variable part ends when laid out as the encoder lays it out: the pointers,
// then each parameter (length octet and contents) in order. Called once every pointer of the
// variable part has been checked to land inside the message.
static std::size_t expected_layout_end(std::span<const uint8_t> in, std::size_t pointer_base,
                                       std::size_t pointers, std::size_t variable_count) {
  std::size_t end = pointer_base + pointers;
  for (std::size_t i = 0; i < variable_count; ++i) {
    const std::size_t at = pointer_base + i;
    end += 1 + in[at + in[at]];
  }
  return end;
}

DecodeResult decode(std::span<const uint8_t> in, const DecodeOptions &opt, Message &msg,
                    CounterSet<DecodeReason> *counters) {
  DecodeResult r;
  Outcome o{r};
  msg.clear();
  const std::size_t header = opt.with_cic ? 3 : 1;
  if (in.size() < header) {
    o.raise(DecodeReason::truncated_header, Action::DiscardMessage, 0);
    return finish(r, counters);
  }
  if (in.size() > 0xffff) {
    o.raise(DecodeReason::too_large, Action::DiscardMessage, 0);
    return finish(r, counters);
  }
  std::size_t pos = 0;
  if (opt.with_cic) {
    const uint16_t raw = static_cast<uint16_t>(in[0] | in[1] << 8);
    msg.cic = raw & cic_mask(opt.variant);
    msg.cic_spare = static_cast<uint8_t>(raw >> cic_bits(opt.variant));
    pos = 2;
  }
  const uint8_t type = in[pos++];
  msg.type = static_cast<MessageType>(type);
  const MessageFormat *f = message_format(type, opt.variant);

  if (!f || f->opaque) {
    if (f) { // PAM / CRG: carried whole
      msg.set_opaque_body(in.subspan(pos));
      return finish(r, counters);
    }
    // Q.764 §2.9.5.3.1: an unrecognised message is taken to have only an optional part, so its
    // message compatibility information can be found.
    bool canonical = true;
    bool parsed = false;
    if (pos < in.size() && in[pos] != 0 && pos + in[pos] <= in.size()) {
      DecodeResult scratch;
      Outcome so{scratch};
      // Only the encoder's own layout (pointer 1) is kept typed, so that re-encoding gives back
      // the same octets; anything else travels as an opaque body.
      parsed = parse_optional(in, pos + in[pos], type, opt, msg, so, canonical, nullptr) &&
               in[pos] == 1 && canonical;
    }
    if (!parsed) {
      msg.parameters.clear();
      msg.pool.clear();
      msg.set_opaque_body(in.subspan(pos));
    }
    unrecognized_message(msg, type, opt, o);
    r.canonical = true;
    return finish(r, counters);
  }

  // Mandatory fixed part (§1.5).
  for (std::size_t i = 0; i < f->fixed_count; ++i) {
    const FixedParameter fp = f->fixed[i];
    if (pos + fp.length > in.size()) {
      mandatory_error(type, DecodeReason::missing_mandatory_parameter, uint8_t(fp.code), o);
      return finish(r, counters);
    }
    Parameter &p = next_parameter(msg, uint8_t(fp.code), Part::MandatoryFixed);
    bool pool_ok = true;
    if (detail::decode_parameter(uint8_t(fp.code), in.subspan(pos, fp.length), opt.variant, msg,
                                 p.value, pool_ok) == ParamDecode::Invalid)
      mandatory_error(type, DecodeReason::bad_mandatory_parameter, uint8_t(fp.code), o);
    pos += fp.length;
  }

  // Pointers (§1.6, §1.7): one per mandatory variable parameter, then one to the optional part.
  const std::size_t pointers = f->variable_count + (f->optional_part ? 1 : 0);
  if (pos + pointers > in.size()) {
    mandatory_error(type,  DecodeReason::missing_mandatory_parameter,
                    f->variable_count ? uint8_t(f->variable[0]) : 0, o);
    return finish(r, counters);
  }
  const std::size_t pointer_base = pos;
  std::size_t expected = pointer_base + pointers; // where the encoder puts the next parameter
  std::size_t end_of_variable = expected;
  for (std::size_t i = 0; i < f->variable_count; ++i) {
    const std::size_t at = pointer_base + i;
    const uint8_t code = uint8_t(f->variable[i]);
    const std::size_t target = at + in[at];
    if (in[at] == 0 || target >= in.size() || target + 1 + in[target] > in.size()) {
      mandatory_error(type, DecodeReason::missing_mandatory_parameter, code, o);
      return finish(r, counters);
    }
    if (target < pointer_base + pointers) {
      o.raise(DecodeReason::bad_pointer, mandatory_error_action(type),
              cause_value(Cause::InvalidInformationElementContents));
      return finish(r, counters);
    }
    if (target != expected)
      r.canonical = false;
    const uint8_t len = in[target];
    Parameter &p = next_parameter(msg, code, Part::MandatoryVariable);
    bool pool_ok = true;
    if (detail::decode_parameter(code, in.subspan(target + 1, len), opt.variant, msg, p.value,
                                 pool_ok) == ParamDecode::Invalid)
      mandatory_error(type, DecodeReason::bad_mandatory_parameter, code, o);
    expected = target + 1 + len;
    end_of_variable = std::max(end_of_variable, expected);
  }

  if (f->optional_part) {
    const std::size_t at = pointer_base + f->variable_count;
    if (in[at] == 0) {
      if (end_of_variable != in.size())
        r.canonical = false;
    } else {
      const std::size_t target = at + in[at];
      if (target > in.size() || target < pointer_base + pointers) {
        o.raise(DecodeReason::bad_pointer, mandatory_error_action(type),
                cause_value(Cause::InvalidInformationElementContents));
        return finish(r, counters);
      }
      if (target != end_of_variable)
        r.canonical = false;
      // Q.763 §1.8: the optional part follows the variable part, its pointer one octet. Laid
      // out as the format says (the variable parameters in order after the pointers), the
      // optional part must still be within a pointer's reach, or no exchange could send this
      // message on: overlapping parts that only fit because they overlap are a bad pointer.
      if (expected_layout_end(in, pointer_base, pointers, f->variable_count) - at > 255) {
        o.raise(DecodeReason::bad_pointer, mandatory_error_action(type),
                cause_value(Cause::InvalidInformationElementContents));
        return finish(r, counters);
      }
      bool canonical = true;
      Flagged flagged;
      parse_optional(in, target, type, opt, msg, o, canonical, &flagged);
      r.canonical = r.canonical && canonical;
      for (std::size_t i = 0; i < flagged.count; ++i)
        unrecognized_parameter(msg, type, flagged.items[i].code, flagged.items[i].reason, opt, o);
      if (flagged.overflow) // more unrecognised parameters than any sane message carries
        o.raise(DecodeReason::unrecognized_parameter, mandatory_error_action(type),
                cause_value(Cause::InvalidInformationElementContents));
    }
  } else if (end_of_variable != in.size()) {
    r.canonical = false; // trailing octets after a message without optional part: ignored
  }
  return finish(r, counters);
}

Status encode(const Message &msg, const EncodeOptions &opt, std::span<uint8_t> buf,
              std::size_t &length) {
  Writer w(buf);
  if (opt.with_cic) {
    if (msg.cic > cic_mask(opt.variant) || msg.cic_spare >> (16 - cic_bits(opt.variant)))
      return Status("isup.encode.cic_out_of_range", 0);
    const uint16_t raw = static_cast<uint16_t>(msg.cic | msg.cic_spare << cic_bits(opt.variant));
    w.put(static_cast<uint8_t>(raw & 0xff));
    w.put(static_cast<uint8_t>(raw >> 8));
  }
  const uint8_t type = static_cast<uint8_t>(msg.type);
  w.put(type);
  const MessageFormat *f = message_format(type, opt.variant);

  if (msg.has_opaque_body) {
    if (std::size_t(msg.opaque_offset) + msg.opaque_length > msg.pool.size())
      return Status("isup.encode.bad_pool_reference", 0);
    w.put(msg.opaque_body());
    length = w.size();
    return w.overflowed() ? Status("isup.encode.buffer_too_small", 0) : Status::Ok();
  }
  if (f && f->opaque)
    return Status("isup.encode.missing_opaque_body", 0);

  // Unrecognised types are written as optional-part-only messages (Q.764 §2.9.5.3.1).
  static constexpr MessageFormat kOptionalOnly{MessageType::Iam, "", "", {}, 0, {}, 0, true, false, ""};
  if (!f)
    f = &kOptionalOnly;

  // Parameters already placed in the mandatory parts, by index (a message rarely has more than
  // 64 parameters; beyond that the short list of mandatory indices is searched).
  uint64_t used_mask = 0;
  std::array<std::size_t, 8> used{};
  std::size_t used_count = 0;
  auto is_used = [&](std::size_t i) {
    if (i < 64)
      return (used_mask >> i & 1) != 0;
    return std::find(used.begin(), used.begin() + used_count, i) != used.begin() + used_count;
  };
  // Decoded messages list the mandatory parameters first, in catalogue order: try the next
  // slot before searching.
  std::size_t hint = 0;
  auto take = [&](uint8_t code) -> const Parameter * {
    if (hint < msg.parameters.size() && hint < 64 && msg.parameters[hint].code == code &&
        !is_used(hint)) {
      used[used_count++] = hint;
      used_mask |= uint64_t{1} << hint;
      return &msg.parameters[hint++];
    }
    for (std::size_t i = 0; i < msg.parameters.size(); ++i) {
      if (msg.parameters[i].code != code || is_used(i))
        continue;
      used[used_count++] = i;
      if (i < 64)
        used_mask |= uint64_t{1} << i;
      return &msg.parameters[i];
    }
    return nullptr;
  };

  for (std::size_t i = 0; i < f->fixed_count; ++i) {
    const Parameter *p = take(uint8_t(f->fixed[i].code));
    if (!p)
      return Status("isup.encode.missing_mandatory_parameter", 0);
    const std::size_t before = w.size();
    if (!detail::encode_parameter(p->value, msg, w))
      return Status("isup.encode.field_out_of_range", 0);
    if (w.size() - before != f->fixed[i].length)
      return Status("isup.encode.bad_fixed_length", 0);
  }

  const std::size_t pointer_base = w.size();
  const std::size_t pointers = f->variable_count + (f->optional_part ? 1 : 0);
  for (std::size_t i = 0; i < pointers; ++i)
    w.put(0);
  for (std::size_t i = 0; i < f->variable_count; ++i) {
    const Parameter *p = take(uint8_t(f->variable[i]));
    if (!p)
      return Status("isup.encode.missing_mandatory_parameter", 0);
    const std::size_t ptr = w.size() - (pointer_base + i);
    if (ptr > 255)
      return Status("isup.encode.pointer_overflow", 0);
    w.patch(pointer_base + i, static_cast<uint8_t>(ptr));
    const std::size_t len_at = w.size();
    w.put(0);
    if (!detail::encode_parameter(p->value, msg, w))
      return Status("isup.encode.field_out_of_range", 0);
    const std::size_t len = w.size() - len_at - 1;
    if (len > 255)
      return Status("isup.encode.parameter_too_long", 0);
    w.patch(len_at, static_cast<uint8_t>(len));
  }

  bool any_optional = false;
  for (std::size_t i = 0; i < msg.parameters.size(); ++i) {
    if (used_count && is_used(i))
      continue;
    if (!f->optional_part)
      return Status("isup.encode.unexpected_parameter", 0);
    const Parameter &p = msg.parameters[i];
    if (p.code == 0)
      return Status("isup.encode.bad_parameter_code", 0);
    if (!any_optional) {
      const std::size_t at = pointer_base + f->variable_count;
      const std::size_t ptr = w.size() - at;
      if (ptr > 255)
        return Status("isup.encode.pointer_overflow", 0);
      w.patch(at, static_cast<uint8_t>(ptr));
      any_optional = true;
    }
    w.put(p.code);
    const std::size_t len_at = w.size();
    w.put(0);
    if (!detail::encode_parameter(p.value, msg, w))
      return Status("isup.encode.field_out_of_range", 0);
    const std::size_t len = w.size() - len_at - 1;
    if (len > 255)
      return Status("isup.encode.parameter_too_long", 0);
    w.patch(len_at, static_cast<uint8_t>(len));
  }
  if (any_optional)
    w.put(0); // end of optional parameters (Q.763 §3.20)
  length = w.size();
  return w.overflowed() ? Status("isup.encode.buffer_too_small", 0) : Status::Ok();
}

Status encode(const Message &msg, const EncodeOptions &opt, std::vector<uint8_t> &out) {
  // Most messages fit a stack buffer (MTP3 limits ISUP to 272 octets); larger SIP-T bodies are
  // encoded again into a buffer sized by the worst case (every parameter at 257 octets).
  std::array<uint8_t, 1024> stack;
  std::size_t length = 0;
  Status s = encode(msg, opt, stack, length);
  if (s.ok()) {
    out.assign(stack.data(), stack.data() + length);
    return s;
  }
  if (s.detail() != "isup.encode.buffer_too_small")
    return s;
  out.resize(length);
  s = encode(msg, opt, out, length);
  out.resize(s.ok() ? length : 0);
  return s;
}

} // namespace mgc::isup
