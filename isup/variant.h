// Protocol variants the codec speaks and how a message is framed.
#pragma once

#include "core/names.h"

#include <cstdint>

namespace mgc::isup {

enum class Variant : uint8_t {
  Itu,  // ITU-T Q.763 (12-bit CIC)
  Ansi, // ANSI T1.113 (14-bit CIC, its own IAM format and messages)
};
inline constexpr auto kVariantNames =
    name_table<Variant>({{Variant::Itu, "itu"}, {Variant::Ansi, "ansi"}});
static_assert(names_unique(kVariantNames));

// Q.764 §2.9.5.3 distinguishes what an intermediate (transit) exchange and an end node do with
// unrecognised information.
enum class Node : uint8_t { End, Transit };

struct DecodeOptions {
  Variant variant = Variant::Itu;
  // true: MTP3 user part as carried in M3UA DATA (CIC first); false: the SIP-T body form of
  // RFC 3204 §3, which starts with the message type.
  bool with_cic = true;
  Node node = Node::End;
};

using EncodeOptions = DecodeOptions;

} // namespace mgc::isup
