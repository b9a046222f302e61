// Derived from the MGC_SIPT_ERRORS table.
#include "sipt/errors.h"

#include <array>

namespace mgc::sipt {
namespace {
constexpr std::array kErrors{
#define MGC_SIPT_ERR_INFO_(n, code, reason) SipErrorInfo{"sip." #n, code, reason},
    MGC_SIPT_ERRORS(MGC_SIPT_ERR_INFO_)
#undef MGC_SIPT_ERR_INFO_
};
} // namespace

const SipErrorInfo &error_info(SipError e) { return kErrors[static_cast<std::size_t>(e)]; }

Status request_error(SipError e) {
  const auto &i = error_info(e);
  return Status(i.detail, i.code);
}

Status response_error(SipError e) { return Status(error_info(e).detail, 0); }

bool error_of(const Status &s, SipError &out) {
  for (std::size_t i = 0; i < kErrors.size(); ++i)
    if (kErrors[i].detail == s.detail()) {
      out = SipError(i);
      return true;
    }
  return false;
}

} // namespace mgc::sipt
