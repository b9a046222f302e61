// libFuzzer target for the Annex A BER decoder: any input decodes or fails with a status;
// whatever decodes re-encodes to BER that decodes to the same message.
#include <cstdlib>

#include "h248/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace mgc::h248;
  Message m;
  if (!decode_binary({data, size}, m).ok())
    return 0;
  std::vector<uint8_t> bin;
  if (!encode_binary(m, bin).ok())
    return 0; // e.g. decoded ids our binary termination-id rule cannot write back
  Message m2;
  if (!decode_binary(bin, m2).ok() || !(m == m2))
    std::abort();
  std::string text;
  (void)encode_text(m, text);
  return 0;
}
