#include "callcontrol/isup_body.h"

#include "isup/catalogue.h"
#include "isup/codec.h"

namespace mgc::cc {

namespace {
// Whether the sender's parameter compatibility information (Q.763 §3.41) has instructions for
// `code`.
bool instructed(const isup::Message &m, uint8_t code) {
  if (const auto *pci = m.find<isup::ParameterCompatibilityInformation>())
    for (std::size_t i = 0; i < pci->count; ++i)
      if (pci->entries[i].parameter == code)
        return true;
  return false;
}
} // namespace

bool decode_isup_body(const std::vector<uint8_t> &bytes, isup::Variant variant, isup::Message &out) {
  isup::DecodeOptions o;
  o.variant = variant;
  o.with_cic = false;
  // RFC 3372 §4.4: the terminating gateway takes the encapsulated message as the template of
  // what it signals to the PSTN; it sends the message on its own account, so Q.764 §2.9.5.3 is
  // applied as at an end node (issue 14: before, a bad parameter reached the PSTN as it came).
  o.node = isup::Node::End;
  const isup::DecodeResult r = isup::decode(bytes, o, out);
  // Instructions to release the call or discard the message (§2.9.5.3.2) make the template
  // unusable: the caller signals as if none had come (RFC 3372 §4.4, its canonical message). No
  // CFN goes anywhere: the sender is a SIP peer, and the PSTN never saw the message.
  if (!r.status.ok() && r.action != isup::Action::Process &&
      r.action != isup::Action::ProcessAndNotify)
    return false;
  // A parameter to discard goes: one with bad contents (§2.9.5.3.3, a known code whose value
  // breaks Q.763), and an unrecognised one whose instructions say so. An unrecognised parameter
  // the sender gave no instructions for travels on (RFC 3372 transparency: a national parameter
  // this codec does not decode is not an error the far exchange would see).
  for (uint8_t code : r.discard_parameters.span())
    if (isup::parameter_info(code) || instructed(out, code))
      out.remove(code);
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
