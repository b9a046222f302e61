// MTP2 signal unit codec (Q.703 §2.3, §4.2, §11.1); see signal_unit.h.
#include "tests/libss7/signal_unit.h"

namespace mgc::ss7peer {

const char *lssu_name(LssuStatus s) {
  switch (s) {
  case LssuStatus::Sio: return "SIO";
  case LssuStatus::Sin: return "SIN";
  case LssuStatus::Sie: return "SIE";
  case LssuStatus::Sios: return "SIOS";
  case LssuStatus::Sipo: return "SIPO";
  case LssuStatus::Sib: return "SIB";
  }
  return "LSSU?";
}

uint16_t fcs16(std::span<const uint8_t> octets) {
  uint16_t crc = 0xffff;
  for (uint8_t b : octets) {
    crc ^= b;
    for (int i = 0; i < 8; ++i)
      crc = (crc & 1) ? uint16_t((crc >> 1) ^ 0x8408) : uint16_t(crc >> 1); // reflected 0x1021
  }
  return uint16_t(~crc);
}

bool fcs_valid(std::span<const uint8_t> frame) {
  if (frame.size() < kFcsOctets)
    return false;
  const auto body = frame.first(frame.size() - kFcsOctets);
  const uint16_t f = fcs16(body);
  return frame[frame.size() - 2] == uint8_t(f & 0xff) && frame[frame.size() - 1] == uint8_t(f >> 8);
}

mgc::Status decode_su(std::span<const uint8_t> frame, SignalUnit &out) {
  if (frame.size() < kSuHeader + kFcsOctets)
    return mgc::Status("mtp2.short", 0);
  const auto su = frame.first(frame.size() - kFcsOctets);
  if (su.size() > kSuHeader + 1 + kMaxSif)
    return mgc::Status("mtp2.too_long", 0);
  out.h.bsn = su[0] & 0x7f;
  out.h.bib = su[0] & 0x80;
  out.h.fsn = su[1] & 0x7f;
  out.h.fib = su[1] & 0x80;
  const uint8_t li = su[2] & 0x3f; // the two spare bits are ignored on receipt (§2.3.3)
  const std::size_t rest = su.size() - kSuHeader;
  // Q.703 §4.1: a signal unit whose LI does not match its length is erroneous; an LI of 63
  // stands for any SIO+SIF of 63 octets or more.
  if (li == kLiMax ? rest < kLiMax : rest != li)
    return mgc::Status("mtp2.li_mismatch", 0);
  out.payload = su.subspan(kSuHeader);
  if (li == 0) {
    out.kind = SuKind::Fisu;
  } else if (li <= 2) {
    out.kind = SuKind::Lssu;
    // §11.1.2: a two-octet status field is allowed; only the first carries the status, and
    // its three low bits (the rest are spare).
    out.status = LssuStatus(out.payload[0] & 0x07);
  } else {
    out.kind = SuKind::Msu;
  }
  return mgc::Status::Ok();
}

namespace {
void header(const SuHeader &h, uint8_t li, std::vector<uint8_t> &out) {
  out.push_back(uint8_t((h.bsn & 0x7f) | (h.bib ? 0x80 : 0)));
  out.push_back(uint8_t((h.fsn & 0x7f) | (h.fib ? 0x80 : 0)));
  out.push_back(uint8_t(li & 0x3f));
}
void append_fcs(std::size_t start, std::vector<uint8_t> &out) {
  const uint16_t f = fcs16(std::span<const uint8_t>(out).subspan(start));
  out.push_back(uint8_t(f & 0xff));
  out.push_back(uint8_t(f >> 8));
}
} // namespace

void encode_fisu(const SuHeader &h, std::vector<uint8_t> &out) {
  const std::size_t start = out.size();
  header(h, 0, out);
  append_fcs(start, out);
}

void encode_lssu(const SuHeader &h, LssuStatus s, std::vector<uint8_t> &out) {
  const std::size_t start = out.size();
  header(h, 1, out);
  out.push_back(uint8_t(s));
  append_fcs(start, out);
}

void encode_msu(const SuHeader &h, std::span<const uint8_t> sio_sif, std::vector<uint8_t> &out) {
  const std::size_t start = out.size();
  header(h, uint8_t(sio_sif.size() >= kLiMax ? kLiMax : sio_sif.size()), out);
  out.insert(out.end(), sio_sif.begin(), sio_sif.end());
  append_fcs(start, out);
}

} // namespace mgc::ss7peer
