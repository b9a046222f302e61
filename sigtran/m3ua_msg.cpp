// M3UA message codec, RFC 4666 §3. Every length is checked before it is read; nothing here
// allocates beyond what the message declares, throws, or keeps state between calls.
#include "sigtran/m3ua_msg.h"

#include <algorithm>

namespace mgc::sigtran::m3ua {
namespace {

uint16_t rd16(const uint8_t *p) { return uint16_t((p[0] << 8) | p[1]); }
uint32_t rd32(const uint8_t *p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}
void wr16(std::vector<uint8_t> &o, uint16_t v) {
  o.push_back(uint8_t(v >> 8));
  o.push_back(uint8_t(v));
}
void wr32(std::vector<uint8_t> &o, uint32_t v) {
  o.push_back(uint8_t(v >> 24));
  o.push_back(uint8_t(v >> 16));
  o.push_back(uint8_t(v >> 8));
  o.push_back(uint8_t(v));
}

// One failure: its counter, its stable name and the §3.8.1 code the receiver answers with.
struct Failure {
  DecodeCounter counter;
  std::string_view detail;
  ErrorCode code;
};
#define MGC_FAIL(name, code)                                                                       \
  Failure { DecodeCounter::name, "m3ua." #name, ErrorCode::code }
constexpr Failure kTruncatedHeader = MGC_FAIL(truncated_header, ProtocolError);
constexpr Failure kInvalidVersion = MGC_FAIL(invalid_version, InvalidVersion);
constexpr Failure kBadLength = MGC_FAIL(bad_message_length, ProtocolError);
constexpr Failure kBadClass = MGC_FAIL(unsupported_message_class, UnsupportedMessageClass);
constexpr Failure kBadType = MGC_FAIL(unsupported_message_type, UnsupportedMessageType);
constexpr Failure kParamTruncated = MGC_FAIL(parameter_truncated, ParameterFieldError);
constexpr Failure kParamLength = MGC_FAIL(parameter_length, ParameterFieldError);
constexpr Failure kUnexpectedParam = MGC_FAIL(unexpected_parameter, UnexpectedParameter);
constexpr Failure kDuplicateParam = MGC_FAIL(duplicate_parameter, UnexpectedParameter);
constexpr Failure kMissingParam = MGC_FAIL(missing_parameter, MissingParameter);
constexpr Failure kInvalidValue = MGC_FAIL(invalid_parameter_value, InvalidParameterValue);
constexpr Failure kBadTrafficMode = MGC_FAIL(unsupported_traffic_mode, UnsupportedTrafficMode);
constexpr Failure kBadStream = MGC_FAIL(invalid_stream_identifier, InvalidStreamIdentifier);
#undef MGC_FAIL

mgc::Status fail(const Failure &f, DecodeCounters *c) {
  if (c)
    c->inc(f.counter);
  return mgc::Status(f.detail, int(f.code));
}

// Walks the TLVs of [p, p+len) calling f(tag, value). §3.2: the length excludes padding; the
// receiver ignores padding octets. The last parameter's padding may be absent (seen from
// implementations that count the message length without it), which is harmless.
template <typename F> const Failure *walk_tlv(const uint8_t *p, std::size_t len, F &&f) {
  std::size_t off = 0;
  while (off < len) {
    if (len - off < 4)
      return &kParamTruncated;
    uint16_t tag = rd16(p + off), plen = rd16(p + off + 2);
    if (plen < 4 || plen > len - off)
      return &kParamLength;
    if (const Failure *e = f(tag, std::span<const uint8_t>(p + off + 4, plen - 4)))
      return e;
    std::size_t padded = (std::size_t(plen) + 3) & ~std::size_t(3);
    off += std::min(padded, len - off);
  }
  return nullptr;
}

const Failure *check_length(const ParamInfo &pi, std::span<const uint8_t> v) {
  switch (pi.rule) {
  case LenRule::Exact:
    return v.size() == pi.len ? nullptr : &kParamLength;
  case LenRule::ListOf4:
    return (v.size() >= 4 && v.size() % 4 == 0) ? nullptr : &kParamLength;
  case LenRule::AtLeast:
    return v.size() >= pi.len ? nullptr : &kParamLength;
  case LenRule::Nested:
    return nullptr;
  }
  return nullptr;
}

template <std::size_t N> bool contains(const std::array<Tag, N> &a, uint16_t tag) {
  return std::any_of(a.begin(), a.end(),
                     [&](Tag t) { return t != Tag::None && uint16_t(t) == tag; });
}

// Sub-parameters of Routing Key / Registration Result / Deregistration Result (§3.6).
const Failure *check_nested(const NestedInfo &ni, std::span<const uint8_t> v) {
  uint32_t seen = 0; // bit i: mandatory[i] present
  const Failure *e = walk_tlv(
      v.data(), v.size(), [&](uint16_t tag, std::span<const uint8_t> sv) -> const Failure * {
        const ParamInfo *pi = param_info(tag);
        if (!pi)
          return nullptr; // unknown: skipped as at the top level
        bool mand = false;
        for (std::size_t i = 0; i < ni.mandatory.size(); ++i)
          if (ni.mandatory[i] != Tag::None && uint16_t(ni.mandatory[i]) == tag) {
            seen |= 1u << i;
            mand = true;
          }
        if (!mand && !contains(ni.optional, tag))
          return &kUnexpectedParam;
        return check_length(*pi, sv);
      });
  if (e)
    return e;
  for (std::size_t i = 0; i < ni.mandatory.size(); ++i)
    if (ni.mandatory[i] != Tag::None && !(seen & (1u << i)))
      return &kMissingParam;
  return nullptr;
}

// Value checks the RFC names an error code for.
const Failure *check_value(MsgType mt, uint16_t tag, std::span<const uint8_t> v) {
  switch (Tag(tag)) {
  case Tag::TrafficModeType: {
    uint32_t m = rd32(v.data());
    return (m >= 1 && m <= 3) ? nullptr : &kBadTrafficMode; // §3.7.1
  }
  case Tag::Status: { // §3.8.2
    uint16_t type = rd16(v.data()), info = rd16(v.data() + 2);
    if (type == uint16_t(StatusType::AsStateChange))
      return (info >= 2 && info <= 4) ? nullptr : &kInvalidValue;
    if (type == uint16_t(StatusType::Other))
      return (info >= 1 && info <= 3) ? nullptr : &kInvalidValue;
    return &kInvalidValue;
  }
  case Tag::AffectedPointCode: // §3.4.5: DUPU concerns one point code, mask 0
    if (mt == MsgType::Dupu && (v.size() != 4 || v[0] != 0))
      return &kInvalidValue;
    return nullptr;
  case Tag::UserCause: // §3.4.5
    return rd16(v.data()) <= uint16_t(UnavailCause::InaccessibleRemoteUser) ? nullptr
                                                                            : &kInvalidValue;
  case Tag::InfoString: // §3.8.2: at most 255 octets
    return v.size() <= 255 ? nullptr : &kParamLength;
  default:
    return nullptr;
  }
}

} // namespace

const Param *Message::find(Tag t) const {
  for (const auto &p : params)
    if (p.tag == uint16_t(t))
      return &p;
  return nullptr;
}

std::optional<uint32_t> Message::u32(Tag t) const {
  const Param *p = find(t);
  if (!p || p->value.size() < 4)
    return std::nullopt;
  return rd32(p->value.data());
}

std::vector<uint32_t> Message::u32_list(Tag t) const {
  std::vector<uint32_t> out;
  if (const Param *p = find(t))
    for (std::size_t i = 0; i + 4 <= p->value.size(); i += 4)
      out.push_back(rd32(p->value.data() + i));
  return out;
}

Message &Message::add(Tag t, std::span<const uint8_t> v) {
  params.push_back(Param{uint16_t(t), std::vector<uint8_t>(v.begin(), v.end())});
  return *this;
}
Message &Message::add_u32(Tag t, uint32_t v) {
  std::vector<uint8_t> b;
  wr32(b, v);
  params.push_back(Param{uint16_t(t), std::move(b)});
  return *this;
}
Message &Message::add_u32_list(Tag t, std::span<const uint32_t> v) {
  std::vector<uint8_t> b;
  for (uint32_t x : v)
    wr32(b, x);
  params.push_back(Param{uint16_t(t), std::move(b)});
  return *this;
}
Message &Message::add_string(Tag t, std::string_view s) {
  params.push_back(Param{uint16_t(t), std::vector<uint8_t>(s.begin(), s.end())});
  return *this;
}

uint32_t peek_length(std::span<const uint8_t> b) {
  if (b.size() < kHeaderLen)
    return 0;
  return rd32(b.data() + 4);
}

mgc::Status decode_tlv(std::span<const uint8_t> b, Message &out) {
  out = Message{};
  if (b.size() < kHeaderLen)
    return fail(kTruncatedHeader, nullptr);
  out.version = b[0];
  out.msg_class = b[2];
  out.msg_type = b[3];
  uint32_t len = rd32(b.data() + 4);
  if (len < kHeaderLen || len != b.size())
    return fail(kBadLength, nullptr);
  const Failure *e = walk_tlv(b.data() + kHeaderLen, len - kHeaderLen,
                              [&](uint16_t tag, std::span<const uint8_t> v) -> const Failure * {
                                out.params.push_back(Param{tag, {v.begin(), v.end()}});
                                return nullptr;
                              });
  return e ? fail(*e, nullptr) : mgc::Status::Ok();
}

mgc::Status decode(std::span<const uint8_t> b, Message &out, DecodeCounters *c) {
  out = Message{};
  if (b.size() < kHeaderLen)
    return fail(kTruncatedHeader, c);
  // §4.8: a receiver answers any version other than its own with ERR(Invalid Version).
  if (b[0] != kVersion)
    return fail(kInvalidVersion, c);
  uint32_t len = rd32(b.data() + 4);
  if (len < kHeaderLen || len != b.size())
    return fail(kBadLength, c);
  out.version = b[0];
  out.msg_class = b[2];
  out.msg_type = b[3];
  if (!class_known(out.msg_class))
    return fail(kBadClass, c);
  const MsgInfo *mi = msg_info(out.type());
  if (!mi)
    return fail(kBadType, c);

  uint32_t seen_mand = 0;
  std::vector<uint16_t> seen_opt;
  const Failure *e =
      walk_tlv(b.data() + kHeaderLen, len - kHeaderLen,
               [&](uint16_t tag, std::span<const uint8_t> v) -> const Failure * {
                 const ParamInfo *pi = param_info(tag);
                 if (!pi) {
                   // §3.2: tags not in the table are reserved for extensions; skipped.
                   if (c)
                     c->inc(DecodeCounter::unknown_parameter_skipped);
                   return nullptr;
                 }
                 bool mand = false;
                 for (std::size_t i = 0; i < kMaxMand; ++i)
                   if (mi->mandatory[i] != Tag::None && uint16_t(mi->mandatory[i]) == tag) {
                     if ((seen_mand & (1u << i)) && !mi->repeated)
                       return &kDuplicateParam; // §3.2: one parameter of a type unless stated
                     seen_mand |= 1u << i;
                     mand = true;
                   }
                 if (!mand) {
                   if (!contains(mi->optional, tag))
                     return &kUnexpectedParam;
                   if (std::find(seen_opt.begin(), seen_opt.end(), tag) != seen_opt.end())
                     return &kDuplicateParam;
                   seen_opt.push_back(tag);
                 }
                 if (const Failure *le = check_length(*pi, v))
                   return le;
                 if (pi->rule == LenRule::Nested)
                   if (const Failure *ne = check_nested(*nested_info(Tag(tag)), v))
                     return ne;
                 if (const Failure *ve = check_value(mi->type, tag, v))
                   return ve;
                 out.params.push_back(Param{tag, {v.begin(), v.end()}});
                 return nullptr;
               });
  if (e) {
    out.params.clear();
    return fail(*e, c);
  }
  for (std::size_t i = 0; i < kMaxMand; ++i)
    if (mi->mandatory[i] != Tag::None && !(seen_mand & (1u << i)))
      return fail(kMissingParam, c);
  if (c)
    c->inc(DecodeCounter::ok);
  return mgc::Status::Ok();
}

mgc::Status check_stream(const Message &m, uint16_t stream) {
  const MsgInfo *mi = msg_info(m.type());
  if (!mi)
    return mgc::Status::Ok();
  bool ok = mi->stream == StreamRule::Any || (mi->stream == StreamRule::Zero && stream == 0) ||
            (mi->stream == StreamRule::NonZero && stream != 0);
  return ok ? mgc::Status::Ok() : fail(kBadStream, nullptr);
}

void encode(const Message &m, std::vector<uint8_t> &o) {
  std::size_t start = o.size();
  o.push_back(m.version);
  o.push_back(0); // §3.1.3 reserved
  o.push_back(m.msg_class);
  o.push_back(m.msg_type);
  wr32(o, 0); // length, patched below
  for (const auto &p : m.params) {
    wr16(o, p.tag);
    wr16(o, uint16_t(p.value.size() + 4));
    o.insert(o.end(), p.value.begin(), p.value.end());
    while ((o.size() - start) % 4)
      o.push_back(0); // §3.2 zero padding, not counted in the parameter length
  }
  uint32_t len = uint32_t(o.size() - start);
  o[start + 4] = uint8_t(len >> 24);
  o[start + 5] = uint8_t(len >> 16);
  o[start + 6] = uint8_t(len >> 8);
  o[start + 7] = uint8_t(len);
}

std::vector<uint8_t> encode(const Message &m) {
  std::vector<uint8_t> o;
  encode(m, o);
  return o;
}

mgc::Status decode_nested(std::span<const uint8_t> v, Message &out) {
  out = Message{};
  const Failure *e = walk_tlv(v.data(), v.size(),
                              [&](uint16_t tag, std::span<const uint8_t> sv) -> const Failure * {
                                out.params.push_back(Param{tag, {sv.begin(), sv.end()}});
                                return nullptr;
                              });
  return e ? fail(*e, nullptr) : mgc::Status::Ok();
}

std::vector<uint8_t> encode_nested(const Message &sub) {
  auto b = encode(sub);
  return std::vector<uint8_t>(b.begin() + kHeaderLen, b.end());
}

mgc::Status decode_protocol_data(std::span<const uint8_t> v, ProtocolData &pd) {
  if (v.size() < 12)
    return fail(kParamLength, nullptr);
  pd.opc = rd32(v.data());
  pd.dpc = rd32(v.data() + 4);
  pd.si = v[8];
  pd.ni = v[9];
  pd.mp = v[10];
  pd.sls = v[11];
  pd.user_data.assign(v.begin() + 12, v.end());
  return mgc::Status::Ok();
}

std::vector<uint8_t> encode_protocol_data(const ProtocolData &pd) {
  std::vector<uint8_t> o;
  o.reserve(12 + pd.user_data.size());
  wr32(o, pd.opc);
  wr32(o, pd.dpc);
  o.push_back(pd.si);
  o.push_back(pd.ni);
  o.push_back(pd.mp);
  o.push_back(pd.sls);
  o.insert(o.end(), pd.user_data.begin(), pd.user_data.end());
  return o;
}

Message make_error(ErrorCode code, std::span<const uint8_t> offending,
                   std::span<const uint32_t> rcs, std::optional<uint32_t> na) {
  Message m(MsgType::Err);
  m.add_u32(Tag::ErrorCode, uint32_t(code));
  if (!rcs.empty())
    m.add_u32_list(Tag::RoutingContext, rcs);
  if (na)
    m.add_u32(Tag::NetworkAppearance, *na);
  m.add(Tag::DiagnosticInfo, offending.first(std::min<std::size_t>(offending.size(), 40)));
  return m;
}

Message make_notify(StatusType type, uint16_t info, std::optional<uint32_t> asp_id,
                    std::span<const uint32_t> rcs) {
  Message m(MsgType::Ntfy);
  m.add_u32(Tag::Status, (uint32_t(type) << 16) | info);
  if (asp_id)
    m.add_u32(Tag::AspIdentifier, *asp_id);
  if (!rcs.empty())
    m.add_u32_list(Tag::RoutingContext, rcs);
  return m;
}

std::vector<AffectedPc> affected_pcs(const Message &m) {
  std::vector<AffectedPc> out;
  for (uint32_t x : m.u32_list(Tag::AffectedPointCode))
    out.push_back(AffectedPc{uint8_t(x >> 24), x & 0xffffff});
  return out;
}

std::string_view msg_name(MsgType t) {
  const MsgInfo *mi = msg_info(t);
  return mi ? mi->name : std::string_view{};
}

std::string_view error_name(ErrorCode e) {
  switch (e) {
#define MGC_X(n, v, s)                                                                             \
  case ErrorCode::n:                                                                               \
    return s;
    MGC_M3UA_ERRORS(MGC_X)
#undef MGC_X
  }
  return "unknown_error";
}

std::string_view tag_name(uint16_t tag) {
  const ParamInfo *pi = param_info(tag);
  return pi ? pi->name : std::string_view{};
}

std::string_view traffic_mode_name(TrafficMode m) { return name_of(kTrafficModeNames, m); }

bool msg_by_name(std::string_view name, MsgType &out) {
  for (const auto &m : kMessages)
    if (m.name == name) {
      out = m.type;
      return true;
    }
  return false;
}

bool tag_by_name(std::string_view name, uint16_t &out) {
  for (const auto &p : kParams)
    if (p.name == name) {
      out = uint16_t(p.tag);
      return true;
    }
  return false;
}

} // namespace mgc::sigtran::m3ua
