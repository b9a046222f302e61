// libFuzzer target over the SIP parser, the stream framer, the UAS checks, the serialiser,
// multipart bodies, SDP offer/answer and the ISUP part decoder (STYLE.md practice 11). Any input must be refused or parsed without reading
// outside the buffer; a parsed message must re-serialise and re-parse.
#include "sipt/message.h"
#include "sipt/multipart.h"
#include "sipt/sdp.h"
#include "sipt/sipt_body.h"
#include "sipt/uas_check.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace mgc::sipt;

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
