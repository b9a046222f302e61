// MTP2 signal units (Q.703 §2.2-2.3, §11.1) as libss7's DAHDI D-channel transport carries them
// on a file descriptor: one frame per read()/write(), the signal unit's octets followed by the
// two check octets (Q.703 §4.2, FCS-16). Flags and bit stuffing (§2.2, §3) belong to the HDLC
// framer of a DAHDI card and never reach the descriptor. Pure codec: no sockets, no clock.
#pragma once

#include "core/status.h"

#include <cstdint>
#include <span>
#include <vector>

namespace mgc::ss7peer {

// Q.703 §11.1.2: the status field of a link status signal unit.
enum class LssuStatus : uint8_t { Sio = 0, Sin = 1, Sie = 2, Sios = 3, Sipo = 4, Sib = 5 };
const char *lssu_name(LssuStatus s);

// Q.703 §2.3.3: LI 0 is a FISU, 1 or 2 an LSSU, 3..63 an MSU (63: 62 octets of SIF or more).
enum class SuKind : uint8_t { Fisu, Lssu, Msu };

inline constexpr std::size_t kSuHeader = 3;   // BSN/BIB, FSN/FIB, LI (Q.703 Figure 3)
inline constexpr std::size_t kFcsOctets = 2;  // Q.703 §4.2
inline constexpr std::size_t kMaxSif = 272;   // Q.703 §2.3.8: SIF of at most 272 octets
inline constexpr uint8_t kLiMax = 63;         // Q.703 §2.3.3

struct SuHeader {
  uint8_t bsn = 127;
  bool bib = true;
  uint8_t fsn = 127;
  bool fib = true;
};

struct SignalUnit {
  SuHeader h;
  SuKind kind = SuKind::Fisu;
  LssuStatus status = LssuStatus::Sios; // LSSU only
  std::span<const uint8_t> payload;     // MSU: the SIO and the SIF (Q.703 §2.3.4-2.3.5)
};

// Q.703 §4.2: the ones' complement of the CRC-CCITT (x^16 + x^12 + x^5 + 1) of the signal
// unit, register preset to ones, bits taken least significant first; sent low octet first.
uint16_t fcs16(std::span<const uint8_t> octets);

// Whether a frame's last two octets are the FCS of the octets before them.
bool fcs_valid(std::span<const uint8_t> frame);

// Decodes a frame (signal unit + two FCS octets). The FCS is not judged here: libss7 leaves it
// to the DAHDI driver (see fcs_valid). Errors: "mtp2.short" (fewer than header + FCS octets),
// "mtp2.li_mismatch" (Q.703 §4.1: LI disagrees with the octets), "mtp2.too_long".
mgc::Status decode_su(std::span<const uint8_t> frame, SignalUnit &out);

// Appends one frame: header, LI derived from the payload, payload, FCS.
void encode_fisu(const SuHeader &h, std::vector<uint8_t> &out);
void encode_lssu(const SuHeader &h, LssuStatus s, std::vector<uint8_t> &out);
void encode_msu(const SuHeader &h, std::span<const uint8_t> sio_sif, std::vector<uint8_t> &out);

} // namespace mgc::ss7peer
