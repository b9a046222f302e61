#include "callcontrol/interworking/numbers.h"

namespace mgc::cc::iw {

std::optional<IsupNumber> isup_number_from_sip(std::string_view user, const NumberingPlan &plan) {
  bool global = false;
  std::string digits;
  for (std::size_t i = 0; i < user.size(); ++i) {
    const char c = user[i];
    if (c == '+' && i == 0)
      global = true;
    else if (c >= '0' && c <= '9')
      digits.push_back(c);
    else if (c == '-' || c == '.' || c == '(' || c == ')')
      continue;
    else if (c == ';')
      break; // tel URI parameters follow the number
    else
      return std::nullopt;
  }
  if (digits.empty() || digits.size() > isup::AddressSignals::capacity)
    return std::nullopt;
  IsupNumber n;
  if (global) {
    if (!plan.country_code.empty() && digits.starts_with(plan.country_code) &&
        digits.size() > plan.country_code.size()) {
      n.nai = kNaiNational;
      n.digits = digits.substr(plan.country_code.size());
    } else {
      n.nai = kNaiInternational;
      n.digits = digits;
    }
  } else if (!plan.national_prefix.empty() && digits.starts_with(plan.national_prefix)) {
    n.nai = kNaiNational;
    n.digits = digits.substr(plan.national_prefix.size());
  } else {
    n.nai = kNaiUnknown;
    n.digits = digits;
  }
  return n;
}

std::string sip_number_from_isup(const isup::Number &n, const NumberingPlan &plan) {
  std::string digits;
  for (char c : n.address_signals.str())
    if (c >= '0' && c <= '9')
      digits.push_back(c);
  switch (n.nature_of_address_indicator) {
  case kNaiInternational:
    return "+" + digits;
  case kNaiNational:
    return plan.country_code.empty() ? plan.national_prefix + digits
                                     : "+" + plan.country_code + digits;
  default:
    return digits;
  }
}

} // namespace mgc::cc::iw
