// Identifiers that must not be guessed: tags ("cryptographically random with at least 32 bits
// of randomness", RFC 3261 §19.3), branches (§8.1.1.7) and Call-IDs (cryptographically random
// RECOMMENDED, §8.1.1.4) come from OpenSSL's CSPRNG (RAND_bytes), never from a seeded generator
// (an mt19937_64 seeded with 32 bits gave every identifier away from one observed tag). A
// dialog's Call-ID and tags are all a forged BYE or CANCEL needs (§26.1.4, issue 14): with 64
// random bits or more each, they cannot be guessed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace mgc::sipt {

// Random bits per identifier (each at least 64, as the brief of issue 14 asks).
inline constexpr std::size_t kTagBits = 64;
inline constexpr std::size_t kBranchBits = 64;
inline constexpr std::size_t kCallIdBits = 128;

// `bits` (a multiple of 8) random bits from the CSPRNG, in lower-case hex (bits / 4 characters).
// A CSPRNG that fails is fatal: the process aborts rather than send guessable identifiers.
std::string random_hex(std::size_t bits);

} // namespace mgc::sipt
