// Identifiers from OpenSSL's CSPRNG (see random.h).
#include "sipt/random.h"

#include <openssl/rand.h>

#include <algorithm>

#include <cstdio>
#include <cstdlib>

namespace mgc::sipt {
namespace {

// RAND_bytes costs a lock and a DRBG call each time: calls draw from a pool filled a few hundred
// bytes at once (one event loop: no locking here). OpenSSL reseeds its DRBG itself, and after a
// fork() too; mgcd does not fork once it runs, so the pool is never shared by two processes.
class Pool {
public:
  void take(uint8_t *out, std::size_t n) {
    while (n > 0) {
      if (used_ == sizeof buf_)
        refill();
      const std::size_t k = std::min(n, sizeof buf_ - used_);
      for (std::size_t i = 0; i < k; ++i) {
        out[i] = buf_[used_ + i];
        buf_[used_ + i] = 0; // a byte given out is not kept
      }
      used_ += k;
      out += k;
      n -= k;
    }
  }

private:
  void refill() {
    if (RAND_bytes(buf_, int(sizeof buf_)) != 1) {
      std::fputs("mgc: the CSPRNG (OpenSSL RAND_bytes) failed: no identifiers can be made\n",
                 stderr);
      std::abort();
    }
    used_ = 0;
  }
  uint8_t buf_[512];
  std::size_t used_ = sizeof buf_;
};

Pool &pool() {
  static Pool p;
  return p;
}

} // namespace

std::string random_hex(std::size_t bits) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t bytes = (bits + 7) / 8;
  uint8_t raw[64];
  std::string s;
  s.reserve(bytes * 2);
  for (std::size_t done = 0; done < bytes;) {
    const std::size_t k = std::min(bytes - done, sizeof raw);
    pool().take(raw, k);
    for (std::size_t i = 0; i < k; ++i) {
      s += kHex[raw[i] >> 4];
      s += kHex[raw[i] & 15];
    }
    done += k;
  }
  return s;
}

} // namespace mgc::sipt
