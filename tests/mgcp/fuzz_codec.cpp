// libFuzzer target over the MGCP datagram decoder (RFC 3435 §3, §3.5.5). Besides "no crash, no
// out-of-bounds read" it checks the codec's round trip: whatever decodes re-encodes into text
// that decodes again to the same encoding.
#include "mgcp/codec.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  mgc::mgcp::DecodeCounters counters;
  for (const auto &part : mgc::mgcp::decode_datagram(text, &counters)) {
    if (!part.status.ok()) {
      (void)mgc::mgcp::error_response(part.message, part.status);
      continue;
    }
    std::string once = mgc::mgcp::encode(part.message);
    mgc::mgcp::Message again;
    if (!mgc::mgcp::decode(once, again).ok())
      std::abort();
    if (mgc::mgcp::encode(again) != once)
      std::abort();
  }
  return 0;
}
