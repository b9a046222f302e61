#include "callcontrol/isup_body.h"

#include "isup/codec.h"

namespace mgc::cc {

bool decode_isup_body(const std::vector<uint8_t> &bytes, isup::Message &out) {
  isup::DecodeOptions o;
  o.with_cic = false;
  o.node = isup::Node::Transit;
  const isup::DecodeResult r = isup::decode(bytes, o, out);
  if (!r.status.ok() && r.action != isup::Action::Process)
    return false;
  // Relayed means sent on: what cannot be encoded again (a mandatory parameter missing, say) is
  // not relayed.
  std::vector<uint8_t> again;
  return isup::encode(out, isup::EncodeOptions{}, again).ok();
}

std::vector<uint8_t> isup_body_of(const isup::Message &m) {
  std::vector<uint8_t> out;
  if (!isup::encode(m, isup::EncodeOptions{.with_cic = false}, out).ok())
    out.clear();
  return out;
}

} // namespace mgc::cc
