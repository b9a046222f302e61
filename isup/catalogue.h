// The ISUP message catalogue, declared once (STYLE.md practice 5): for each message type its
// mandatory fixed parameters with their lengths, its mandatory variable parameters, and whether
// it has an optional part. ITU-T Q.763 §4 Tables 21-52; ANSI T1.113.4 where it differs.
// Names, parsing checks and JSON all derive from these tables.
#pragma once

#include "isup/message_type.h"
#include "isup/parameter_code.h"
#include "isup/variant.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace mgc::isup {

struct FixedParameter {
  ParameterCode code;
  uint8_t length;
};

struct MessageFormat {
  MessageType type;
  std::string_view acronym;
  std::string_view name;
  std::array<FixedParameter, 4> fixed;
  uint8_t fixed_count;
  std::array<ParameterCode, 2> variable;
  uint8_t variable_count;
  bool optional_part;
  // The body is not parameter-structured and is kept as octets: PAM carries a whole embedded
  // message (Q.763 Table 34), CRG has a national format (Q.763 Table 4 note).
  bool opaque;
  std::string_view clause;
};

// nullptr when the type is not in the variant's catalogue (an unrecognised message).
const MessageFormat *message_format(uint8_t type, Variant variant);

// Every entry of a variant's catalogue (for tests, tools and documentation).
std::span<const MessageFormat> message_catalogue(Variant variant);

std::string_view message_acronym(uint8_t type); // "" if unknown in every variant
std::optional<uint8_t> message_type_from_acronym(std::string_view acronym);

struct ParameterInfo {
  ParameterCode code;
  std::string_view json_name;
  std::string_view clause;
};
// nullptr for a code not in the table.
const ParameterInfo *parameter_info(uint8_t code);
std::optional<uint8_t> parameter_code_from_name(std::string_view json_name);

} // namespace mgc::isup
