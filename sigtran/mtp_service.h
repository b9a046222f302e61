// The MTP3 service M3UA gives its user (ISUP), RFC 4666 §1.6.1 / Q.701 §8: MTP-TRANSFER request
// and indication, MTP-PAUSE / MTP-RESUME (destination inaccessible / accessible again) and
// MTP-STATUS (signalling congestion from SCON, user part unavailable from DUPU).
#pragma once

#include "sigtran/m3ua_catalogue.h"

#include <cstdint>
#include <vector>

namespace mgc::sigtran {

struct MtpTransfer {
  uint32_t opc = 0;
  uint32_t dpc = 0;
  uint8_t si = 5; // ISUP
  uint8_t ni = 2; // national network
  uint8_t mp = 0;
  uint8_t sls = 0; // ISUP: the CIC's low bits (Q.764 §2.1)
  std::vector<uint8_t> data;
};

enum class MtpStatusCause : uint8_t { Congestion, UserPartUnavailable };

struct MtpStatus {
  uint32_t dpc = 0;
  MtpStatusCause cause = MtpStatusCause::Congestion;
  uint8_t congestion_level = 0; // §3.4.4 Congestion Indications (0 = none .. 3)
  uint8_t user = 0;             // §3.4.5 MTP3-User Identity (the SI)
  m3ua::UnavailCause unavailable = m3ua::UnavailCause::Unknown;
};

class MtpUser {
public:
  virtual ~MtpUser() = default;
  virtual void mtp_transfer_ind(const MtpTransfer &t) = 0;
  virtual void mtp_pause_ind(uint32_t dpc) = 0;
  virtual void mtp_resume_ind(uint32_t dpc) = 0;
  virtual void mtp_status_ind(const MtpStatus &s) = 0;
};

} // namespace mgc::sigtran
