// ISUP message type codes, Q.763 Table 4 (ITU-T) and T1.113.3 (ANSI additions).
#pragma once

#include <cstdint>
#include <string_view>

namespace mgc::isup {

// X(enum name, code, acronym, Q.763 name)
#define MGC_ISUP_MESSAGE_TYPES(X)                                                                  \
  X(Iam, 0x01, "IAM", "Initial address")                                                           \
  X(Sam, 0x02, "SAM", "Subsequent address")                                                        \
  X(Inr, 0x03, "INR", "Information request")                                                       \
  X(Inf, 0x04, "INF", "Information")                                                               \
  X(Cot, 0x05, "COT", "Continuity")                                                                \
  X(Acm, 0x06, "ACM", "Address complete")                                                          \
  X(Con, 0x07, "CON", "Connect")                                                                   \
  X(Fot, 0x08, "FOT", "Forward transfer")                                                          \
  X(Anm, 0x09, "ANM", "Answer")                                                                    \
  X(Rel, 0x0c, "REL", "Release")                                                                   \
  X(Sus, 0x0d, "SUS", "Suspend")                                                                   \
  X(Res, 0x0e, "RES", "Resume")                                                                    \
  X(Rlc, 0x10, "RLC", "Release complete")                                                          \
  X(Ccr, 0x11, "CCR", "Continuity check request")                                                  \
  X(Rsc, 0x12, "RSC", "Reset circuit")                                                             \
  X(Blo, 0x13, "BLO", "Blocking")                                                                  \
  X(Ubl, 0x14, "UBL", "Unblocking")                                                                \
  X(Bla, 0x15, "BLA", "Blocking acknowledgement")                                                  \
  X(Uba, 0x16, "UBA", "Unblocking acknowledgement")                                                \
  X(Grs, 0x17, "GRS", "Circuit group reset")                                                       \
  X(Cgb, 0x18, "CGB", "Circuit group blocking")                                                    \
  X(Cgu, 0x19, "CGU", "Circuit group unblocking")                                                  \
  X(Cgba, 0x1a, "CGBA", "Circuit group blocking acknowledgement")                                  \
  X(Cgua, 0x1b, "CGUA", "Circuit group unblocking acknowledgement")                                \
  X(Far, 0x1f, "FAR", "Facility request")                                                          \
  X(Faa, 0x20, "FAA", "Facility accepted")                                                         \
  X(Frj, 0x21, "FRJ", "Facility reject")                                                           \
  X(Lpa, 0x24, "LPA", "Loop back acknowledgement")                                                 \
  X(Pam, 0x28, "PAM", "Pass-along")                                                                \
  X(Gra, 0x29, "GRA", "Circuit group reset acknowledgement")                                       \
  X(Cqm, 0x2a, "CQM", "Circuit group query")                                                       \
  X(Cqr, 0x2b, "CQR", "Circuit group query response")                                              \
  X(Cpg, 0x2c, "CPG", "Call progress")                                                             \
  X(Usr, 0x2d, "USR", "User-to-user information")                                                  \
  X(Ucic, 0x2e, "UCIC", "Unequipped circuit identification code")                                  \
  X(Cfn, 0x2f, "CFN", "Confusion")                                                                 \
  X(Olm, 0x30, "OLM", "Overload")                                                                  \
  X(Crg, 0x31, "CRG", "Charge information")                                                        \
  X(Nrm, 0x32, "NRM", "Network resource management")                                               \
  X(Fac, 0x33, "FAC", "Facility")                                                                  \
  X(Upt, 0x34, "UPT", "User part test")                                                            \
  X(Upa, 0x35, "UPA", "User part available")                                                       \
  X(Idr, 0x36, "IDR", "Identification request")                                                    \
  X(Irs, 0x37, "IRS", "Identification response")                                                   \
  X(Sgm, 0x38, "SGM", "Segmentation")                                                              \
  X(Lpp, 0x40, "LPP", "Loop prevention")                                                           \
  X(Apm, 0x41, "APM", "Application transport")                                                     \
  X(Pri, 0x42, "PRI", "Pre-release information")                                                   \
  X(Sdn, 0x43, "SDN", "Subsequent directory number")                                               \
  X(Cra, 0xe9, "CRA", "Circuit reservation acknowledgement (ANSI)")                                \
  X(Crm, 0xea, "CRM", "Circuit reservation (ANSI)")                                                \
  X(Cvr, 0xeb, "CVR", "Circuit validation response (ANSI)")                                        \
  X(Cvt, 0xec, "CVT", "Circuit validation test (ANSI)")                                            \
  X(Exm, 0xed, "EXM", "Exit (ANSI)")

enum class MessageType : uint8_t {
#define MGC_ISUP_MT_ENUM_(e, code, acr, name) e = code,
  MGC_ISUP_MESSAGE_TYPES(MGC_ISUP_MT_ENUM_)
#undef MGC_ISUP_MT_ENUM_
};

} // namespace mgc::isup
