// RFC 3435 §3 text codec; see codec.h. Grammar facts used here: lines end in CRLF or LF
// (Appendix A "EOL"), fields are separated by one or more SP/HT (§3.2.1), parameter lines are
// "name: value" (§3.2.2), the header ends at an empty line after which session descriptions
// follow, several separated by empty lines (§3.3), and piggy-backed messages are separated by
// a line holding a single "." (§3.5.5).
#include "mgcp/codec.h"

#include "mgcp/sdp.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace mgc::mgcp {

namespace {

#define MGC_MGCP_STATUS2_(n, c) Status("mgcp." #n, c),
constexpr Status kStatuses[] = {MGC_MGCP_DECODE_RESULTS(MGC_MGCP_STATUS2_)};
#undef MGC_MGCP_STATUS2_

bool is_ws(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ws(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && is_ws(s.back()))
    s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool all_hex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  });
}

template <typename T> bool to_number(std::string_view s, T &out) {
  if (!all_digits(s))
    return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Header text: printable ASCII plus HT (Appendix A); no NUL or other controls.
bool clean_line(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
  });
}

// Splits text into lines at LF, dropping one CR before it.
class Lines {
public:
  explicit Lines(std::string_view t) : text_(t) {}
  bool next(std::string_view &line) {
    if (pos_ >= text_.size())
      return false;
    std::size_t nl = text_.find('\n', pos_);
    std::size_t end = nl == std::string_view::npos ? text_.size() : nl;
    line = text_.substr(pos_, end - pos_);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
    return true;
  }
  std::string_view rest() const { return text_.substr(std::min(pos_, text_.size())); }

private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// Splits on SP/HT runs into at most N tokens; the last token holds the remainder if more.
template <std::size_t N>
std::size_t tokens(std::string_view s, std::array<std::string_view, N> &out, bool rest_in_last) {
  std::size_t n = 0;
  s = trim(s);
  while (!s.empty() && n < N) {
    if (rest_in_last && n == N - 1) {
      out[n++] = s;
      break;
    }
    std::size_t e = 0;
    while (e < s.size() && !is_ws(s[e]))
      ++e;
    out[n++] = s.substr(0, e);
    s = trim(s.substr(e));
  }
  return s.empty() || rest_in_last ? n : N + 1; // N+1: too many tokens
}

class Decoder {
public:
  Decoder(Message &m, DecodeCounters *c) : m_(m), counters_(c) {}

  Status run(std::string_view text) {
    Status st = decode(text);
    if (counters_)
      counters_->inc(counter_of(st));
    return st;
  }

private:
  Status fail(DecodeCounter c) { return decode_status(c); }

  static DecodeCounter counter_of(const Status &st) {
    if (st.ok())
      return DecodeCounter::ok;
    for (std::size_t i = 0; i < std::size(kStatuses); ++i)
      if (kStatuses[i].detail() == st.detail())
        return static_cast<DecodeCounter>(i);
    return DecodeCounter::bad_start_line;
  }

  Status decode(std::string_view text) {
    m_ = Message{};
    Lines lines(text);
    std::string_view first;
    // Leading empty lines are tolerated (some gateways pad datagrams).
    do {
      if (!lines.next(first))
        return fail(DecodeCounter::empty_message);
    } while (trim(first).empty());
    if (!clean_line(first))
      return fail(DecodeCounter::bad_character);

    std::array<std::string_view, 3> head{};
    tokens(first, head, true);
    bool response = head[0].size() == 3 && all_digits(head[0]);
    Status st = response ? response_line(first) : command_line(first);
    if (!st.ok())
      return st;

    std::string_view line;
    bool in_header = true;
    while (in_header && lines.next(line)) {
      if (trim(line).empty()) {
        in_header = false;
        break;
      }
      if (!clean_line(line))
        return fail(DecodeCounter::bad_character);
      st = parameter_line(line);
      if (!st.ok())
        return st;
    }
    if (!in_header) {
      st = descriptions(lines.rest());
      if (!st.ok())
        return st;
    }
    return m_.is_command() ? command_checks() : Status::Ok();
  }

  Status response_line(std::string_view line) {
    m_.kind = Message::Kind::Response;
    std::array<std::string_view, 3> t{};
    std::size_t n = tokens(line, t, true);
    if (n < 2)
      return fail(DecodeCounter::bad_response_line);
    to_number(t[0], m_.code);
    if (!to_number(t[1], m_.transaction_id) || t[1].size() > 9)
      return fail(DecodeCounter::bad_response_line);
    if (n == 3) {
      std::string_view rest = t[2];
      // §3.3: package-specific (8xx) codes carry "/package" before the commentary.
      if (m_.code >= 800 && m_.code <= 899 && rest.size() > 1 && rest[0] == '/' &&
          !is_ws(rest[1])) {
        std::size_t e = 0;
        while (e < rest.size() && !is_ws(rest[e]))
          ++e;
        m_.package = std::string(rest.substr(1, e - 1));
        rest = trim(rest.substr(e));
      }
      m_.comment = std::string(rest);
    }
    return Status::Ok();
  }

  Status command_line(std::string_view line) {
    m_.kind = Message::Kind::Command;
    std::array<std::string_view, 5> t{};
    std::size_t n = tokens(line, t, true);
    // The transaction id first: with it, any later fault can still be answered.
    if (n >= 2) {
      if (!to_number(t[1], m_.transaction_id) || t[1].size() > 9 || m_.transaction_id == 0) {
        m_.transaction_id = 0;
        return fail(DecodeCounter::bad_transaction_id);
      }
    }
    m_.verb_text = std::string(t[0]);
    auto verb = verb_from_code(t[0]);
    bool experimental = t[0].size() == 4 && (t[0][0] == 'X' || t[0][0] == 'x');
    if (!verb && !experimental)
      return fail(DecodeCounter::unknown_verb);
    m_.verb = verb ? *verb : Verb::Experimental;
    if (n < 4)
      return fail(DecodeCounter::bad_start_line);
    m_.endpoint = std::string(t[2]);
    // §3.2.1.3: local-name "@" domain-name.
    std::size_t at = t[2].find('@');
    if (at == 0 || at == std::string_view::npos || at + 1 == t[2].size())
      return fail(DecodeCounter::bad_endpoint);
    // §3.2.1.4: "MGCP" SP version [SP profile]. 0.1 is RFC 2705's predecessor, still seen.
    if (!iequals(t[3], "MGCP"))
      return fail(DecodeCounter::bad_version);
    if (n < 5)
      return fail(DecodeCounter::bad_version);
    std::array<std::string_view, 2> v{};
    tokens(t[4], v, true);
    std::size_t dot = v[0].find('.');
    if (dot == std::string_view::npos || !all_digits(v[0].substr(0, dot)) ||
        !all_digits(v[0].substr(dot + 1)))
      return fail(DecodeCounter::bad_version);
    m_.version = "MGCP " + std::string(v[0]);
    if (!v[1].empty())
      m_.version += " " + std::string(v[1]);
    if (v[0] != "1.0" && v[0] != "0.1")
      return fail(DecodeCounter::unsupported_version);
    return Status::Ok();
  }

  Status parameter_line(std::string_view line) {
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos)
      return fail(DecodeCounter::bad_parameter_line);
    std::string_view name = trim(line.substr(0, colon));
    std::string_view value = trim(line.substr(colon + 1));
    if (name.empty() || std::any_of(name.begin(), name.end(), is_ws))
      return fail(DecodeCounter::bad_parameter_line);
    auto known = param_from_code(name);
    ParamLine p;
    p.name = std::string(name);
    p.value = std::string(value);
    // Keep the bytes only when the canonical form ("code: value") would differ from them.
    if (line.size() != name.size() + 2 + value.size() || line.substr(0, name.size()) != name ||
        line.substr(name.size(), 2) != ": " || (known && param_code(*known) != name))
      p.raw = std::string(line);
    bool vendor = name.size() >= 2 && (name[0] == 'X' || name[0] == 'x') &&
                  (name[1] == '-' || name[1] == '+');
    bool package = name.find('/') != std::string_view::npos;
    if (known && !param_info(*known).session_description) {
      p.param = *known;
    } else if (vendor || package) {
      p.param = Param::Extension;
      // §3.2.2: an "X+" critical extension not understood MUST be refused (511); this codec
      // understands none.
      if (m_.is_command() && vendor && name[1] == '+') {
        m_.params.push_back(std::move(p));
        return fail(DecodeCounter::unknown_critical_extension);
      }
    } else if (m_.is_command()) {
      return fail(DecodeCounter::unknown_parameter);
    } else {
      // §3.3: a response's unknown parameter is ignored (kept for transparency).
      p.param = Param::Extension;
      if (counters_)
        counters_->inc(DecodeCounter::ignored_response_parameter);
    }
    m_.params.push_back(std::move(p));
    return m_.is_command() ? check_value(m_.params.back()) : Status::Ok();
  }

  // Values the command table constrains (§3.2.2.x).
  Status check_value(const ParamLine &p) {
    switch (p.param) {
    case Param::CallId: // §3.2.2.2: hexadecimal string, at most 32 characters
      if (!all_hex(p.value) || p.value.size() > 32)
        return fail(DecodeCounter::bad_call_id);
      break;
    case Param::ConnectionId: // §3.2.2.5: hexadecimal string, at most 32 characters
      if (!all_hex(p.value) || p.value.size() > 32)
        return fail(DecodeCounter::bad_connection_id);
      break;
    case Param::ConnectionMode:
      // Packages may add modes ("pkg/mode", §3.2.2.6).
      if (!mode_from_code(p.value) && p.value.find('/') == std::string::npos)
        return fail(DecodeCounter::bad_connection_mode);
      break;
    case Param::LocalConnectionOptions:
      return check_local_connection_options(p.value);
    case Param::RestartMethod:
      if (!restart_method_from_code(p.value) && p.value.find('/') == std::string::npos)
        return fail(DecodeCounter::bad_restart_method);
      break;
    case Param::RestartDelay: {
      uint32_t d = 0;
      if (!to_number(p.value, d))
        return fail(DecodeCounter::bad_restart_delay);
      break;
    }
    case Param::ResponseAck: {
      std::vector<TxRange> r;
      if (!p.value.empty() && !parse_response_ack(p.value, r))
        return fail(DecodeCounter::bad_response_ack);
      break;
    }
    default:
      break;
    }
    return Status::Ok();
  }

  Status descriptions(std::string_view body) {
    Lines lines(body);
    std::string_view line;
    // A description is copied straight from the input when its lines already end in CRLF;
    // otherwise it is rebuilt with CRLF line ends.
    std::size_t block_start = 0, block_end = 0;
    bool in_block = false, crlf = true;
    auto flush = [&]() -> Status {
      if (!in_block)
        return Status::Ok();
      in_block = false;
      std::string_view raw = body.substr(block_start, block_end - block_start);
      if (crlf) {
        m_.sdp.emplace_back(raw);
      } else {
        std::string fixed;
        Lines l(raw);
        std::string_view x;
        while (l.next(x)) {
          fixed.append(x);
          fixed.append("\r\n");
        }
        m_.sdp.push_back(std::move(fixed));
      }
      if (!check_sdp(m_.sdp.back()).ok()) {
        if (m_.is_command())
          return fail(DecodeCounter::bad_sdp);
        if (counters_)
          counters_->inc(DecodeCounter::bad_response_sdp);
      }
      return Status::Ok();
    };
    std::size_t pos = 0;
    while (lines.next(line)) {
      std::size_t next = body.size() - lines.rest().size();
      if (trim(line).empty()) {
        Status st = flush();
        if (!st.ok())
          return st;
      } else {
        if (!in_block) {
          in_block = true;
          crlf = true;
          block_start = pos;
        }
        std::string_view raw = body.substr(pos, next - pos);
        crlf = crlf && raw.size() == line.size() + 2 && raw.ends_with("\r\n");
        block_end = next;
      }
      pos = next;
    }
    return flush();
  }

  // The §3.2.2 presence table for the verb, and its footnotes.
  Status command_checks() {
    if (m_.verb == Verb::Experimental)
      return Status::Ok();
    std::size_t col = static_cast<std::size_t>(m_.verb);
    std::array<uint8_t, kParamCount> seen{};
    for (const auto &p : m_.params) {
      if (p.param == Param::Extension)
        continue;
      const ParamInfo &info = param_info(p.param);
      if (info.in_command[col] == Presence::F)
        return fail(DecodeCounter::forbidden_parameter);
      if (seen[static_cast<std::size_t>(p.param)]++)
        return fail(DecodeCounter::duplicate_parameter);
    }
    if (!m_.sdp.empty()) {
      if (param_info(Param::RemoteConnectionDescriptor).in_command[col] == Presence::F)
        return fail(DecodeCounter::forbidden_parameter);
      if (m_.sdp.size() > 1)
        return fail(DecodeCounter::duplicate_parameter);
    }
    for (const auto &info : params())
      if (info.in_command[col] == Presence::M && !info.session_description &&
          !seen[static_cast<std::size_t>(info.param)])
        return fail(DecodeCounter::missing_parameter);
    // §3.2.2 footnote: RequestIdentifier becomes required with an encapsulated
    // NotificationRequest in CRCX, MDCX and DLCX.
    if ((m_.verb == Verb::Crcx || m_.verb == Verb::Mdcx || m_.verb == Verb::Dlcx) &&
        (seen[static_cast<std::size_t>(Param::RequestedEvents)] ||
         seen[static_cast<std::size_t>(Param::SignalRequests)]) &&
        !seen[static_cast<std::size_t>(Param::RequestIdentifier)])
      return fail(DecodeCounter::missing_parameter);
    return Status::Ok();
  }

  Message &m_;
  DecodeCounters *counters_;
};

struct LcoKey {
  std::string_view key;
  // Value check for the key (§3.2.2.10).
  bool (*valid)(std::string_view);
};

bool lco_range(std::string_view v) {
  std::size_t dash = v.find('-');
  if (dash == std::string_view::npos)
    return all_digits(v);
  return all_digits(v.substr(0, dash)) && all_digits(v.substr(dash + 1));
}
bool lco_on_off(std::string_view v) { return v == "on" || v == "off"; }
bool lco_nonempty(std::string_view v) { return !v.empty(); }

constexpr LcoKey kLcoKeys[] = {
    {"a", lco_nonempty}, // codecs, ';' separated
    {"p", lco_range},    // packetization period, ms
    {"b", lco_range},    // bandwidth, kbit/s
    {"t", [](std::string_view v) { return v.size() == 2 && all_hex(v); }}, // type of service
    {"e", lco_on_off},                                                     // echo cancellation
    {"gc",
     [](std::string_view v) {
       if (v == "auto")
         return true;
       if (!v.empty() && (v[0] == '-' || v[0] == '+'))
         v.remove_prefix(1);
       return all_digits(v);
     }},
    {"s", lco_on_off}, // silence suppression
    {"r", [](std::string_view v) { return v == "g" || v == "cl" || v == "be"; }},
    {"k", lco_nonempty},  // encryption key, SDP k= syntax
    {"nt", lco_nonempty}, // network type: IN, ATM, LOCAL or IANA-registered
};

} // namespace

Status decode_status(DecodeCounter c) {
  return c == DecodeCounter::ok ? Status::Ok() : kStatuses[static_cast<std::size_t>(c)];
}

Status check_local_connection_options(std::string_view value) {
  std::vector<std::string_view> seen;
  while (true) {
    std::size_t comma = value.find(',');
    std::string_view item = trim(value.substr(0, comma));
    if (item.empty())
      return decode_status(DecodeCounter::bad_lco_syntax);
    std::size_t colon = item.find(':');
    std::string_view key = trim(item.substr(0, colon));
    std::string_view v =
        colon == std::string_view::npos ? std::string_view{} : trim(item.substr(colon + 1));
    if (key.empty())
      return decode_status(DecodeCounter::bad_lco_syntax);
    bool vendor =
        key.size() >= 2 && (key[0] == 'x' || key[0] == 'X') && (key[1] == '-' || key[1] == '+');
    if (vendor) {
      if (key[1] == '+') // a mandatory vendor extension this codec does not know (525)
        return decode_status(DecodeCounter::unknown_lco_extension);
    } else if (key.find('/') == std::string_view::npos) { // package extensions pass through
      const LcoKey *k = nullptr;
      for (const auto &e : kLcoKeys)
        if (iequals(e.key, key))
          k = &e;
      if (!k)
        return decode_status(DecodeCounter::unknown_lco);
      if (colon == std::string_view::npos || !k->valid(v))
        return decode_status(DecodeCounter::bad_lco_value);
      for (auto s : seen)
        if (iequals(s, key))
          return decode_status(DecodeCounter::inconsistent_lco);
      seen.push_back(key);
    }
    if (comma == std::string_view::npos)
      break;
    value.remove_prefix(comma + 1);
  }
  return Status::Ok();
}

Status decode(std::string_view text, Message &out, DecodeCounters *counters) {
  return Decoder(out, counters).run(text);
}

std::vector<DecodedPart> decode_datagram(std::string_view datagram, DecodeCounters *counters) {
  std::vector<DecodedPart> parts;
  Lines lines(datagram);
  std::size_t start = 0, pos = 0;
  std::string_view line;
  auto emit = [&](std::size_t end) {
    DecodedPart p;
    p.status = decode(datagram.substr(start, end - start), p.message, counters);
    parts.push_back(std::move(p));
  };
  while (true) {
    std::size_t line_start = pos;
    if (!lines.next(line))
      break;
    pos = datagram.size() - lines.rest().size();
    if (line == ".") {
      emit(line_start);
      start = pos;
      if (counters)
        counters->inc(DecodeCounter::piggybacked);
    }
  }
  if (start < datagram.size() || parts.empty())
    emit(datagram.size());
  return parts;
}

void encode_append(const Message &m, std::string &out) {
  char num[16];
  auto append_num = [&](uint64_t v, int width) {
    auto [p, ec] = std::to_chars(num, num + sizeof num, v);
    for (int pad = width - static_cast<int>(p - num); pad > 0; --pad)
      out.push_back('0');
    out.append(num, p);
  };
  if (m.is_command()) {
    out.append(m.verb == Verb::Experimental ? std::string_view(m.verb_text) : verb_code(m.verb));
    out.push_back(' ');
    append_num(m.transaction_id, 0);
    out.push_back(' ');
    out.append(m.endpoint);
    out.push_back(' ');
    out.append(m.version);
  } else {
    append_num(static_cast<uint64_t>(m.code < 0 ? 0 : m.code), 3);
    out.push_back(' ');
    append_num(m.transaction_id, 0);
    if (!m.package.empty()) {
      out.append(" /");
      out.append(m.package);
    }
    if (!m.comment.empty()) {
      out.push_back(' ');
      out.append(m.comment);
    }
  }
  out.append("\r\n");
  for (const auto &p : m.params) {
    if (!p.raw.empty()) {
      out.append(p.raw);
    } else {
      out.append(p.param == Param::Extension ? std::string_view(p.name) : param_code(p.param));
      out.append(": ");
      out.append(p.value);
    }
    out.append("\r\n");
  }
  for (const auto &s : m.sdp) {
    out.append("\r\n");
    out.append(s);
    if (!s.empty() && s.back() != '\n')
      out.append("\r\n");
  }
}

std::string encode(const Message &m) {
  std::string out;
  out.reserve(256);
  encode_append(m, out);
  return out;
}

std::string encode_datagram(std::span<const Message> messages) {
  std::string out;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    if (i)
      out.append(".\r\n");
    encode_append(messages[i], out);
  }
  return out;
}

std::optional<Message> error_response(const Message &partial, Status status) {
  if (!partial.is_command() || partial.transaction_id == 0 || status.code() == 0)
    return std::nullopt;
  return Message::response(status.code(), partial.transaction_id,
                           std::string(return_code_meaning(status.code())));
}

// ---- Message helpers -------------------------------------------------------------------------

const ParamLine *Message::find(Param p) const {
  for (const auto &l : params)
    if (l.param == p)
      return &l;
  return nullptr;
}

std::optional<std::string_view> Message::get(Param p) const {
  const ParamLine *l = find(p);
  if (!l)
    return std::nullopt;
  return std::string_view(l->value);
}

void Message::set(Param p, std::string value) {
  for (auto &l : params)
    if (l.param == p) {
      l.value = std::move(value);
      l.raw.clear();
      l.name = std::string(param_code(p));
      return;
    }
  params.push_back(ParamLine{p, std::string(param_code(p)), std::move(value), {}});
}

void Message::add_extension(std::string name, std::string value) {
  params.push_back(ParamLine{Param::Extension, std::move(name), std::move(value), {}});
}

void Message::erase(Param p) {
  std::erase_if(params, [p](const ParamLine &l) { return l.param == p; });
}

Message Message::command(Verb v, uint32_t txid, std::string endpoint) {
  Message m;
  m.kind = Kind::Command;
  m.verb = v;
  m.transaction_id = txid;
  m.endpoint = std::move(endpoint);
  return m;
}

Message Message::response(int code, uint32_t txid, std::string comment) {
  Message m;
  m.kind = Kind::Response;
  m.code = code;
  m.transaction_id = txid;
  m.comment = std::move(comment);
  return m;
}

bool parse_response_ack(std::string_view value, std::vector<TxRange> &out) {
  out.clear();
  while (true) {
    std::size_t comma = value.find(',');
    std::string_view item = trim(value.substr(0, comma));
    std::size_t dash = item.find('-');
    uint32_t lo = 0, hi = 0;
    if (dash == std::string_view::npos) {
      if (!to_number(item, lo))
        return false;
      hi = lo;
    } else if (!to_number(trim(item.substr(0, dash)), lo) ||
               !to_number(trim(item.substr(dash + 1)), hi)) {
      return false;
    }
    if (lo == 0 || hi > kMaxTransactionId || lo > hi)
      return false;
    out.emplace_back(lo, hi);
    if (comma == std::string_view::npos)
      return true;
    value.remove_prefix(comma + 1);
  }
}

std::string format_response_ack(const std::vector<TxRange> &ranges) {
  std::string s;
  for (const auto &[lo, hi] : ranges) {
    if (!s.empty())
      s.append(", ");
    s.append(std::to_string(lo));
    if (hi != lo) {
      s.push_back('-');
      s.append(std::to_string(hi));
    }
  }
  return s;
}

} // namespace mgc::mgcp
