// Hex text <-> bytes for tools, logs and test vectors.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mgc {

// Accepts an optional "0x" prefix and ignores whitespace, ':' and '-' separators.
std::optional<std::vector<uint8_t>> hex_decode(std::string_view text);
std::string hex_encode(std::span<const uint8_t> bytes);

} // namespace mgc
