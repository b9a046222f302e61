// libFuzzer target for the Annex B text decoder: any input decodes or fails with a status;
// whatever decodes re-encodes (compact and pretty) to text that decodes to the same message.
#include <cstdlib>

#include "h248/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace mgc::h248;
  Message m;
  if (!decode_text({reinterpret_cast<const char *>(data), size}, m).ok())
    return 0;
  for (bool pretty : {false, true}) {
    std::string out;
    if (!encode_text(m, out, TextOptions{pretty}).ok())
      continue; // e.g. a value the text encoding cannot carry
    Message m2;
    if (!decode_text(out, m2).ok() || !(m == m2))
      std::abort();
  }
  std::vector<uint8_t> bin;
  if (encode_binary(m, bin).ok()) {
    Message m3;
    if (!decode_binary(bin, m3).ok())
      std::abort();
  }
  return 0;
}
