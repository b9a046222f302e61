// libFuzzer target over the SIP parser, the stream framer, the UAS checks, the serialiser,
// the typed header values of the catalogue (every value of every catalogued header through its
// type's parser; Diversion, History-Info, Reason, Privacy and RAck printed and read back),
// multipart bodies, SDP offer/answer and the ISUP part decoder (STYLE.md practice 11). Any
// input must be refused or parsed without reading outside the buffer; a parsed message must
// re-serialise and re-parse.
#include "sipt/message.h"
#include "sipt/multipart.h"
#include "sipt/sdp.h"
#include "sipt/sipt_body.h"
#include "sipt/uas_check.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace mgc::sipt;

namespace {
// A typed value that parsed prints a text that parses again and prints the same.
template <typename T, typename Parse> void print_is_stable(std::string_view v, Parse parse_fn) {
  T a;
  if (!parse_fn(v, a))
    return;
  const std::string once = to_text(a);
  T b;
  if (!parse_fn(once, b) || to_text(b) != once)
    std::abort();
}

void typed_values(const Message &m) {
  for (std::size_t i = 0; i < kHeaderCount; ++i) {
    const HeaderId id = HeaderId(i);
    const ValueType type = header_info(id).type;
    m.for_each_value(id, [&](std::string_view v) {
      (void)valid_value(type, v);
      switch (type) {
      case ValueType::Diversion:
        print_is_stable<DiversionValue>(v, [](auto t, auto &o) { return parse_diversion(t, o); });
        break;
      case ValueType::HistoryInfo:
        print_is_stable<HistoryInfoValue>(
            v, [](auto t, auto &o) { return parse_history_info(t, o); });
        break;
      case ValueType::Reason:
        print_is_stable<ReasonValue>(v, [](auto t, auto &o) { return parse_reason(t, o); });
        break;
      case ValueType::Privacy: // only the priv-values it knows print: none known, no text
        print_is_stable<PrivacyValue>(
            v, [](auto t, auto &o) { return parse_privacy(t, o) && o.flags != 0; });
        break;
      case ValueType::RAck:
        print_is_stable<RAckValue>(v, [](auto t, auto &o) { return parse_rack(t, o); });
        break;
      default:
        break;
      }
    });
  }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view in(reinterpret_cast<const char *>(data), size);
  std::size_t skip, len;
  (void)frame(in, 65535, skip, len);
  for (Framing f : {Framing::Datagram, Framing::Stream}) {
    ParseOptions o;
    o.framing = f;
    Message m;
    SipCounters c;
    if (!parse(in, o, m, &c).ok())
      continue;
    (void)check_request(m, UasPolicy{}, &c);
    typed_values(m);
    m.for_each_value(HeaderId::Contact, [](std::string_view v) {
      NameAddr na;
      (void)parse_name_addr(v, na, true);
      (void)na.display_text();
    });
    if (const HeaderField *ct = m.first(HeaderId::ContentType)) {
      MediaType t;
      std::string_view b;
      if (parse_media_type(ct->value, t) && t.param("boundary", b)) {
        Multipart mp;
        if (parse_multipart(m.body(), b, mp).ok())
          for (std::size_t i = 0; i < mp.count; ++i) {
            IsupBody ib;
            if (mp.parts[i].type.is("application", "isup"))
              (void)decode_isup_body(mp.parts[i].type, mp.parts[i].disposition,
                                     mp.parts[i].transfer_encoding, mp.parts[i].body, ib);
          }
      }
    }
    // Bodies as call control sees them: SDP through offer/answer, ISUP through its decoder.
    Bodies bodies;
    if (extract_bodies(m, bodies).ok()) {
      if (bodies.sdp) {
        Sdp offer, answer;
        Negotiated n;
        LocalMedia local;
        local.address = "192.0.2.1";
        local.port = 4000;
        if (parse_sdp(*bodies.sdp, offer).ok()) {
          (void)build_sdp(offer);
          (void)make_answer(offer, local, answer, n);
        }
      }
      if (bodies.isup) {
        PeerProfile peer;
        mgc::isup::Message im;
        (void)decode_isup(*bodies.isup, peer, im);
      }
    }
    // Untouched: byte-exact. Edited: must parse again.
    if (m.serialize() != m.bytes())
      std::abort();
    m.set(HeaderId::MaxForwards, "10");
    std::string out = m.serialize();
    Message again;
    ParseOptions o2;
    o2.max_size = out.size() + 1;
    o2.max_headers = 1024;
    if (!parse(out, o2, again).ok() && f == Framing::Stream)
      std::abort();
  }
  // Multipart directly, with the first line as boundary.
  std::size_t nl = in.find('\n');
  if (nl != std::string_view::npos && nl > 0 && nl < 71) {
    Multipart mp;
    (void)parse_multipart(in.substr(nl + 1), in.substr(0, nl), mp);
  }
  return 0;
}
