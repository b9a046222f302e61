// H.248.1 Annex E package catalogue for the binary encoding: Annex A carries names as numbers
// (PkgdName = 2-octet PackageID + 2-octet item ID; Name = 2 octets), the text encoding as
// names. Declared once as tables (h248/packages.cpp). Names outside the catalogue travel as
// "0xPPPP/0xIIII" (and "0xNNNN" for parameter names), so a binary message always decodes and
// re-encodes losslessly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mgc::h248 {

enum class ItemKind : uint8_t { Property, Event, Signal, Statistic };

// "pkg/item" -> 4 octets as a 32-bit value (PackageID << 16 | ItemID). "v", "o", ... (SDP lines
// without a package) use the native pseudo-package 0x0000 of Annex C.11.
std::optional<uint32_t> pkgd_name_id(ItemKind kind, std::string_view name);
std::string pkgd_name_text(ItemKind kind, uint32_t id);

// Event or signal parameter name -> 2 octets, scoped by the event/signal's PkgdName id.
std::optional<uint16_t> param_name_id(ItemKind kind, uint32_t owner, std::string_view name);
std::string param_name_text(ItemKind kind, uint32_t owner, uint16_t id);

// Package names in a Packages descriptor (Name = PackageID).
std::optional<uint16_t> package_id(std::string_view name);
std::string package_text(uint16_t id);

} // namespace mgc::h248
