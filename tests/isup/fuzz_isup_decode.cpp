// libFuzzer target: the decoder never crashes or reads out of bounds, and whatever it accepts as
// canonical re-encodes to the same octets, directly and through JSON. The first input octet
// picks the variant, the framing and the node role.
#include "isup/codec.h"
#include "isup/json.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  mgc::isup::DecodeOptions o;
  o.variant = (data[0] & 1) ? mgc::isup::Variant::Ansi : mgc::isup::Variant::Itu;
  o.with_cic = !(data[0] & 2);
  o.node = (data[0] & 4) ? mgc::isup::Node::Transit : mgc::isup::Node::End;
  std::span<const uint8_t> in(data + 1, size - 1);
  static mgc::isup::Message m, back;
  static std::vector<uint8_t> out, out2;
  mgc::isup::DecodeResult r = mgc::isup::decode(in, o, m);
  if (r.reason == mgc::isup::DecodeReason::truncated_header)
    return 0;
  const bool usable = r.status.ok() || r.reason == mgc::isup::DecodeReason::unrecognized_parameter ||
                      r.reason == mgc::isup::DecodeReason::bad_optional_parameter ||
                      r.reason == mgc::isup::DecodeReason::unrecognized_message;
  if (!usable)
    return 0;
  if (!mgc::isup::encode(m, o, out).ok())
    abort();
  if (r.canonical && (out.size() != in.size() || !std::equal(out.begin(), out.end(), in.begin())))
    abort();
  if (!mgc::isup::from_json(mgc::isup::to_json(m, o), o, back).ok())
    abort();
  if (!mgc::isup::encode(back, o, out2).ok() || out2 != out)
    abort();
  return 0;
}
