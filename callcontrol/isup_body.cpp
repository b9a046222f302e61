#include "callcontrol/isup_body.h"

#include "isup/codec.h"

namespace mgc::cc {

bool decode_isup_body(const std::vector<uint8_t> &bytes, isup::Variant variant, isup::Message &out) {
  isup::DecodeOptions o;
  o.variant = variant;
  o.with_cic = false;
  o.node = isup::Node::Transit;
  const isup::DecodeResult r = isup::decode(bytes, o, out);
  if (!r.status.ok() && r.action != isup::Action::Process)
    return false;
  // Relayed means sent on: what cannot be encoded again (a mandatory parameter missing, say) is
  // not relayed.
  std::vector<uint8_t> again;
  return isup::encode(out, isup::EncodeOptions{.variant = variant}, again).ok();
}

std::vector<uint8_t> isup_body_of(const isup::Message &m, isup::Variant variant) {
  std::vector<uint8_t> out;
  if (!isup::encode(m, isup::EncodeOptions{.variant = variant, .with_cic = false}, out).ok())
    out.clear();
  return out;
}

} // namespace mgc::cc
