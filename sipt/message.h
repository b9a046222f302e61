// A SIP message (RFC 3261 §7) parsed in place: every field is a view into the received
// buffer, which must outlive the Message. Edits never touch the buffer; they are recorded
// beside it, and serialize() re-sends the untouched fields byte for byte and re-encodes only
// what changed (SIP-T transparency: unknown headers and bodies pass through unchanged).
#pragma once

#include "core/status.h"
#include "sipt/errors.h"
#include "sipt/fields.h"
#include "sipt/headers.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mgc::sipt {

// Methods this stack knows by name (RFC 3261 §7.1 and extensions); Other keeps its token.
#define MGC_SIPT_METHODS(X)                                                                        \
  X(INVITE, "RFC 3261 13")                                                                         \
  X(ACK, "RFC 3261 17.1.1.3")                                                                      \
  X(BYE, "RFC 3261 15")                                                                            \
  X(CANCEL, "RFC 3261 9")                                                                          \
  X(OPTIONS, "RFC 3261 11")                                                                        \
  X(REGISTER, "RFC 3261 10")                                                                       \
  X(PRACK, "RFC 3262")                                                                             \
  X(UPDATE, "RFC 3311")                                                                            \
  X(INFO, "RFC 6086")                                                                              \
  X(SUBSCRIBE, "RFC 6665")                                                                         \
  X(NOTIFY, "RFC 6665")                                                                            \
  X(REFER, "RFC 3515")                                                                             \
  X(MESSAGE, "RFC 3428")                                                                           \
  X(PUBLISH, "RFC 3903")

enum class Method : uint8_t {
#define MGC_SIPT_METHOD_ENUM_(m, rfc) m,
  MGC_SIPT_METHODS(MGC_SIPT_METHOD_ENUM_)
#undef MGC_SIPT_METHOD_ENUM_
      Other
};
// Methods are case-sensitive (§7.1).
Method method_of(std::string_view token);
std::string_view method_name(Method m);

struct HeaderField {
  enum class State : uint8_t { Received, Replaced, Removed, Added };
  std::string_view name;  // as received (or the catalogue name for added fields)
  std::string_view value; // LWS-trimmed; a folded value still holds its CRLF + WSP
  uint32_t raw_len = 0;   // length of the whole field from `name` with its line end(s)
  HeaderId id = HeaderId::Other;
  State state = State::Received;
  // The field as received, re-sent as is if untouched.
  std::string_view raw() const { return std::string_view(name.data(), raw_len); }
};

enum class Framing : uint8_t { Datagram, Stream };

struct ParseOptions {
  Framing framing = Framing::Datagram;
  std::size_t max_size = 65535;   // bytes from start line to end of body
  std::size_t max_headers = 256;  // header field rows
};

// Header fields with inline storage for the common case (no allocation below 32 rows).
class FieldList {
public:
  static constexpr std::size_t kInline = 32;
  FieldList() = default;
  FieldList(const FieldList &o) { *this = o; }
  FieldList &operator=(const FieldList &o);
  std::size_t size() const { return n_; }
  HeaderField &operator[](std::size_t i) { return data()[i]; }
  const HeaderField &operator[](std::size_t i) const { return data()[i]; }
  HeaderField *data() { return heap_.empty() ? reinterpret_cast<HeaderField *>(inline_) : heap_.data(); }
  const HeaderField *data() const {
    return heap_.empty() ? reinterpret_cast<const HeaderField *>(inline_) : heap_.data();
  }
  HeaderField *begin() { return data(); }
  HeaderField *end() { return data() + n_; }
  const HeaderField *begin() const { return data(); }
  const HeaderField *end() const { return data() + n_; }
  HeaderField &push_back(const HeaderField &f) {
    if (heap_.empty() && n_ < kInline) {
      HeaderField *p = reinterpret_cast<HeaderField *>(inline_) + n_;
      *p = f;
      ++n_;
      return *p;
    }
    return push_back_slow(f);
  }
  void insert(std::size_t pos, const HeaderField &f);
  // Appends a row and returns it for the caller to fill in place (the parser's path: no
  // temporary copied through the stack).
  HeaderField &append() {
    if (heap_.empty() && n_ < kInline)
      return reinterpret_cast<HeaderField *>(inline_)[n_++];
    return push_back_slow(HeaderField{});
  }
  void clear() { n_ = 0; heap_.clear(); }

private:
  HeaderField &push_back_slow(const HeaderField &f);
  alignas(HeaderField) unsigned char inline_[kInline * sizeof(HeaderField)];
  std::vector<HeaderField> heap_;
  std::size_t n_ = 0;
};

class Message {
public:
  Message() { first_.fill(kNone); }
  Message(const Message &) = delete; // views into its own edit storage: move only
  Message &operator=(const Message &) = delete;
  Message(Message &&) = default;
  Message &operator=(Message &&) = default;

  // --- start line (§7.1, §7.2)
  bool is_request() const { return request_; }
  bool is_response() const { return !request_; }
  Method method() const { return method_; }
  std::string_view method_text() const { return method_text_; }
  std::string_view request_uri_text() const { return uri_text_; }
  const Uri &request_uri() const { return uri_; }
  int status_code() const { return code_; }
  std::string_view reason() const { return reason_; }
  std::string_view version() const { return version_; }
  std::string_view start_line() const { return start_line_; }

  // --- header fields, in received order
  const FieldList &fields() const { return fields_; }
  const HeaderField *first(HeaderId id) const {
    uint8_t i = first_[std::size_t(id)];
    if (i == kNone)
      return nullptr;
    return i == kFar ? find_slow(id) : &fields_[i];
  }
  std::size_t count(HeaderId id) const;
  // First field with this name (case-insensitive, compact forms too).
  const HeaderField *find(std::string_view name) const;
  // Calls f(value) for each comma-separated value of every row of this header (§7.3.1).
  template <typename F> bool for_each_value(HeaderId id, F &&f) const {
    bool ok = true;
    uint8_t first = first_[std::size_t(id)];
    if (first == kNone)
      return true;
    const HeaderField *b = fields_.begin() + (first == kFar ? 0 : first), *e = fields_.end();
    for (const HeaderField *hp = b; hp != e; ++hp) {
      const HeaderField &h = *hp;
      if (h.id != id || h.state == HeaderField::State::Removed)
        continue;
      if (header_info(id).arity == Arity::Repeat)
        f(h.value);
      else
        ok = split_list(h.value, f) && ok;
    }
    return ok;
  }

  std::string_view body() const { return body_; }
  // The message as received: start line to end of body (trailing datagram octets excluded).
  std::string_view bytes() const { return bytes_; }

  // --- the fields every transaction needs, filled by parse() (§8.1.1)
  const CSeq &cseq() const { return cseq_; }
  std::string_view call_id() const { return call_id_; }
  const NameAddr &from() const { return from_; }
  const NameAddr &to() const { return to_; }
  const Via &top_via() const { return via_; }
  int max_forwards() const { return max_forwards_; } // -1 if absent
  bool has_content_length() const { return has_cl_; }
  std::size_t content_length() const { return content_length_; }

  // --- edits (recorded beside the buffer). A header is named by its catalogue id and given a
  // raw value or a typed one (fields.h), printed here once. Editing From, To, Call-ID, CSeq,
  // Via or Max-Forwards refreshes the typed view of it above.
  void set_request_line(std::string_view method, std::string_view uri);
  void set_status_line(int code, std::string_view reason);
  // Replaces the first row of `id` (adds one at the end if absent).
  void set(HeaderId id, std::string_view value);
  template <Printable T> void set(HeaderId id, const T &value) { set(id, to_text(value)); }
  // Appends a row, or inserts it before every other row of the message when `front`.
  void add(HeaderId id, std::string_view value, bool front = false);
  template <Printable T> void add(HeaderId id, const T &value, bool front = false) {
    add(id, std::string_view(to_text(value)), front);
  }
  // One row holding several values, comma-separated (§7.3.1; List headers only).
  template <Printable T> void add_list(HeaderId id, std::span<const T> values) {
    std::string s;
    for (const T &v : values) {
      if (!s.empty())
        s += ", ";
      print(s, v);
    }
    add(id, std::string_view(s));
  }
  // A header by name: catalogue names (and compact forms) get their id, others travel as Other.
  void add(std::string_view name, std::string_view value);
  // Removes every row of `id`; returns how many.
  std::size_t remove(HeaderId id);
  // Replaces the body; Content-Type set (or removed if empty) and Content-Length recomputed.
  void set_body(std::string_view content_type, std::string_view body);
  bool modified() const { return modified_; }

  // Appends the message to `out`: the received bytes for untouched parts, new text for edits.
  void serialize_to(std::string &out) const;
  std::string serialize() const {
    std::string s;
    serialize_to(s);
    return s;
  }

  // Copies text into storage owned by this message; the view stays valid while it lives.
  std::string_view keep(std::string_view s);

private:
  friend Status parse(std::string_view, const ParseOptions &, Message &, SipCounters *);
  friend Status analyse(Message &m);
  friend Message make_response(const Message &, int, std::string_view, std::string_view);
  static constexpr uint8_t kNone = 0xff, kFar = 0xfe;
  const HeaderField *find_slow(HeaderId id) const;
  void refresh(HeaderId id); // the typed view of an edited core header
  void insert_added(const HeaderField &h, bool front);
  void clear();
  void reindex();
  void index(std::size_t i) { index_as(i, fields_[i].id); }
  void index_as(std::size_t i, HeaderId hid) {
    std::size_t id = std::size_t(hid);
    auto &slot = first_[id];
    if (slot == kNone)
      slot = i < kFar ? uint8_t(i) : kFar;
    else if (detail::kSingle[id] && fields_[i].state != HeaderField::State::Removed)
      dup_single_ = true;
  }

  bool request_ = true;
  Method method_ = Method::Other;
  std::string_view method_text_, uri_text_, version_, reason_, start_line_;
  int code_ = 0;
  Uri uri_;
  FieldList fields_;
  std::array<uint8_t, kHeaderCount + 1> first_;
  std::string_view body_, bytes_;

  CSeq cseq_;
  std::string_view call_id_;
  NameAddr from_, to_;
  Via via_;
  int max_forwards_ = -1;
  bool has_cl_ = false;
  std::size_t content_length_ = 0;

  bool modified_ = false, start_modified_ = false, body_modified_ = false, dup_single_ = false;
  bool pristine_ = true; // freshly constructed: clear() has nothing to undo
  // keep()'s storage: chunks that never move, so views into them stay valid.
  struct Chunk {
    std::unique_ptr<char[]> data;
    std::size_t size = 0, used = 0;
  };
  std::vector<Chunk> owned_;
};

// Header fields handed to the user agent for a message it builds (the INVITE's
// P-Asserted-Identity, a BYE's Content-Disposition ...): each row a catalogue id, or a name for
// a header outside the catalogue, with a value printed from a typed value or given raw. Applied
// in order with Message::add(); the values are printed when added here, never parsed back.
class HeaderList {
public:
  HeaderList &add(HeaderId id, std::string_view value) {
    rows_.push_back({id, {}, std::string(value)});
    return *this;
  }
  template <Printable T> HeaderList &add(HeaderId id, const T &value) {
    rows_.push_back({id, {}, to_text(value)});
    return *this;
  }
  template <Printable T> HeaderList &add_list(HeaderId id, std::span<const T> values) {
    std::string s;
    for (const T &v : values) {
      if (!s.empty())
        s += ", ";
      print(s, v);
    }
    rows_.push_back({id, {}, std::move(s)});
    return *this;
  }
  HeaderList &add(std::string_view name, std::string_view value) {
    HeaderId id = lookup_header(name);
    rows_.push_back(
        {id, id == HeaderId::Other ? std::string(name) : std::string(), std::string(value)});
    return *this;
  }
  bool empty() const { return rows_.empty(); }
  std::size_t size() const { return rows_.size(); }
  void apply_to(Message &m) const {
    for (const Row &r : rows_)
      if (r.id == HeaderId::Other)
        m.add(std::string_view(r.name), std::string_view(r.value));
      else
        m.add(r.id, std::string_view(r.value));
  }

private:
  struct Row {
    HeaderId id;
    std::string name; // Other only
    std::string value;
  };
  std::vector<Row> rows_;
};

// --- building messages (the habit of reSIProcate's Helper::makeRequest / makeResponse) --------

// §8.1.1: a request outside a dialog. `via` is the complete top Via value (fresh branch,
// §8.1.1.7); From carries its tag in its params; Max-Forwards 70 (§8.1.1.6); Content-Length 0
// until set_body(). Add Contact, Route, Supported ... with add().
struct RequestParts {
  std::string_view request_uri;
  NameAddr from, to;
  std::string_view call_id;
  uint32_t cseq = 1;
  std::string_view via;
};
Message make_request(Method method, const RequestParts &parts);

// §8.2.6.2: a response to `req`: its Via rows, From, To (with `to_tag` added if the request had
// none and the code is above 100), Call-ID and CSeq copied (compact names are written out in
// full, §7.3.3), Content-Length 0 until set_body().
Message make_response(const Message &req, int code, std::string_view reason,
                      std::string_view to_tag = {});

// Parses one message. Datagram framing: the body is Content-Length octets (or the rest of the
// datagram if absent) and trailing octets are ignored (RFC 4475 §3.1.1.8). Stream framing:
// Content-Length is mandatory (§18.3) and `buf` must hold the whole message (see frame()).
// On failure the Status names the reason and carries the response a UAS sends (400, 505, 513);
// a response that fails gets code 0: it is dropped (§18.1.2). Each failure is counted.
Status parse(std::string_view buf, const ParseOptions &opt, Message &out,
             SipCounters *counters = nullptr);

// Stream framing (§18.3): how many bytes of `buf` the next message occupies. Returns ok and
// sets `len` when a whole message is present; ok with len == 0 when more bytes are needed; an
// error if the header section cannot frame a message (no or bad Content-Length, too large).
// Leading CRLFs (keep-alives, RFC 5626 §3.5.1) are counted in `skip`.
Status frame(std::string_view buf, std::size_t max_size, std::size_t &skip, std::size_t &len);

// The mandatory-header checks parse() runs once the fields are split (§8.1.1, §8.2.2, §20).
Status analyse(Message &m);

} // namespace mgc::sipt
