// libFuzzer target over the M3UA decoder (RFC 4666 §3): decode, and when it succeeds, re-encode
// and decode again, which must succeed and give the same message.
#include "sigtran/m3ua_msg.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace mgc::sigtran::m3ua;
  Message m;
  DecodeCounters c;
  if (!decode({data, size}, m, &c).ok()) {
    Message raw;
    (void)decode_tlv({data, size}, raw);
    return 0;
  }
  auto bytes = encode(m);
  Message again;
  if (!decode(bytes, again).ok() || !(again == m))
    std::abort();
  if (const Param *p = m.find(Tag::ProtocolData)) {
    ProtocolData pd;
    if (decode_protocol_data(p->value, pd).ok() && encode_protocol_data(pd) != p->value)
      std::abort();
  }
  return 0;
}
