// BER tag constants for the Annex A module (AUTOMATIC TAGS: every component is [n] context
// specific; constructed for SEQUENCE, SEQUENCE OF and, explicitly, CHOICE types).
#pragma once

#include <cstdint>

namespace mgc::h248::ber {

inline constexpr uint8_t kCons = 0x20;
inline constexpr uint8_t kUniversalSequence = 0x30;
inline constexpr uint8_t kUniversalOctetString = 0x04;
constexpr uint8_t ctx(unsigned n) { return uint8_t(0x80 | n); }  // primitive [n]
constexpr uint8_t cons(unsigned n) { return uint8_t(0xA0 | n); } // constructed [n]
inline constexpr uint8_t kCtx0 = 0x80, kCtx1 = 0x81, kCtx2 = 0x82, kCtx3 = 0x83;

} // namespace mgc::h248::ber
