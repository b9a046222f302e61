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
  // what it signals to the PSTN. The message goes on beyond this gateway (the two gateways and
  // the SIP network between them stand where a transit exchange would), so what this exchange
  // does not recognise is judged as an intermediate exchange judges it (Q.764 §2.9.5.3.1-2):
  // an unrecognised parameter whose compatibility information says "transit interpretation", or
  // that has none, is passed on; one marked "end node interpretation" follows its instructions.
  o.node = isup::Node::Transit;
  const isup::DecodeResult r = isup::decode(bytes, o, out);
  // Instructions to release the call or discard the message (§2.9.5.3.2) make the template
  // unusable: the caller signals as if none had come (RFC 3372 §4.4, its canonical message). No
  // CFN goes anywhere: the sender is a SIP peer, and the PSTN never saw the message.
  if (!r.status.ok() && r.action != isup::Action::Process &&
      r.action != isup::Action::ProcessAndNotify)
    return false;
  for (uint8_t code : r.discard_parameters.span())
    if (isup::parameter_info(code) || instructed(out, code))
      out.remove(code);
  // A parameter this exchange knows whose contents break Q.763 (§2.9.5.3.3) is not sent on as it
  // came: the gateway sends the message on its own account, and a value it cannot read is one it
  // would be passing on unexamined (issue 14). An end node's reading names those.
  isup::Message as_end_node;
  o.node = isup::Node::End;
  const isup::DecodeResult e = isup::decode(bytes, o, as_end_node);
  for (uint8_t code : e.discard_parameters.span())
    if (isup::parameter_info(code))
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
