// libFuzzer target for the CDR spool's line parser (callcontrol/cdr_spool.h): any bytes parse or
// are refused without a crash, and a line that parses is written back to the same fields.
#include "callcontrol/cdr_spool.h"

#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string_view in(reinterpret_cast<const char *>(data), size);
  mgc::cc::CdrRow row;
  if (!mgc::cc::parse_spool_line(in, row))
    return 0;
  const std::string line = mgc::cc::spool_line(row);
  mgc::cc::CdrRow again;
  if (!mgc::cc::parse_spool_line(std::string_view(line).substr(0, line.size() - 1), again) ||
      again != row)
    std::abort();
  return 0;
}
