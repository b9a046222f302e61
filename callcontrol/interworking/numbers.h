// Telephone numbers between SIP (tel URIs and the user part of sip URIs, global "+E.164" or
// local digits) and ISUP address parameters (NAI + digits), per RFC 3398 §12 and Q.1912.5 §6.
#pragma once

#include "isup/parameters.h"

#include <optional>
#include <string>
#include <string_view>

namespace mgc::cc::iw {

// Q.763 §3.9 b) nature of address indicator values the gateway uses.
enum Nai : uint8_t {
  kNaiSubscriber = 1,
  kNaiUnknown = 2,
  kNaiNational = 3,
  kNaiInternational = 4,
};

struct NumberingPlan {
  std::string country_code = "49"; // E.164 country code of the PSTN side, without '+'
  // Local (non-'+') SIP numbers are national significant numbers with this prefix removed
  // (e.g. "0" in many countries); "" if SIP peers send national numbers without prefix.
  std::string national_prefix = "0";
};

struct IsupNumber {
  uint8_t nai = kNaiUnknown;
  std::string digits; // '0'-'9' and, for the called number, 'F' (ST) / 'B' / 'C'
};

// SIP -> ISUP: "+<cc><nsn>" becomes national (cc removed) when cc is ours, international
// otherwise; local numbers become national (national prefix removed) when they carry the
// prefix, unknown otherwise. Visual separators (RFC 3966: '-', '.', '(', ')') are dropped.
// std::nullopt if what is left is not a telephone number.
std::optional<IsupNumber> isup_number_from_sip(std::string_view user, const NumberingPlan &plan);

// ISUP -> SIP: international -> "+<digits>", national -> "+<cc><digits>", others as they are.
// The end-of-pulsing signal (ST, 'F') is not part of the number and is dropped.
std::string sip_number_from_isup(const isup::Number &n, const NumberingPlan &plan);

} // namespace mgc::cc::iw
