// Lookup tables derived from the MGC_SIPT_HEADERS catalogue (RFC 3261 §7.3.3 compact forms).
#include "sipt/headers.h"

#include "sipt/syntax.h"

#include <array>

namespace mgc::sipt {

// The lookup tables live in headers.h so the parser's per-field lookup inlines.

} // namespace mgc::sipt
