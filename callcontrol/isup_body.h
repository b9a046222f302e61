// ISUP in SIP bodies (RFC 3204 application/ISUP: the message without its CIC), as SIP-T and
// SIP-I peers carry it (RFC 3372 §5, Q.1912.5). Used by the SIP half (what a trusted peer sent,
// what goes to it) and by call control (an INVITE's encapsulated IAM, an INFO's mid-call message).
#pragma once

#include "isup/message.h"
#include "isup/variant.h"

#include <cstdint>
#include <vector>

namespace mgc::cc {

// An ISUP body from a SIP-T/SIP-I peer is the template of what goes to the PSTN (RFC 3372 §4.4):
// what this exchange does not recognise is judged as at an intermediate exchange (Q.764
// §2.9.5.3: passed on unless its instructions, for end node interpretation, say otherwise);
// known parameters with bad contents (§2.9.5.3.3) and parameters to discard are removed. False
// if Q.764 says to drop the message or release the call, or if it could not be encoded again
// (then call control builds its own message).
bool decode_isup_body(const std::vector<uint8_t> &bytes, isup::Variant variant, isup::Message &out);

// The RFC 3204 body form of `m` (no CIC) in `variant`; empty if it cannot be encoded.
std::vector<uint8_t> isup_body_of(const isup::Message &m, isup::Variant variant);

} // namespace mgc::cc
