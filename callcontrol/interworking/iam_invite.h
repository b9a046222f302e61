// IAM <-> INVITE: RFC 3398 §7.2.1.1 (INVITE to IAM) and §8.2.1.1 (IAM to INVITE), with
// Q.1912.5 (SIP-I profile C) for calling party category, privacy and hop counter.
#pragma once

#include "callcontrol/interworking/call_info.h"
#include "callcontrol/interworking/numbers.h"
#include "core/status.h"
#include "isup/message.h"
#include "isup/variant.h"

namespace mgc::cc::iw {

struct InterworkingProfile {
  NumberingPlan plan;
  // The ISUP of the trunk side: ITU-T Q.763 or ANSI T1.113 (whose IAM carries the user service
  // information where Q.763 has the transmission medium requirement).
  isup::Variant variant = isup::Variant::Itu;
  // Mandatory IAM parameters that no SIP field carries (RFC 3398 §7.2.1.1 "Gateways MUST be
  // provisioned with default values").
  uint8_t transmission_medium_requirement = 3; // 3.1 kHz audio
  bool echo_control_device = false;
  // Max-Forwards <-> hop counter (Q.1912.5 §6.1.1.x): hop counter = Max-Forwards / factor,
  // limited to 31; Max-Forwards = hop counter * factor.
  int max_forwards_per_hop = 2;
  // RFC 3398: without usable encapsulated ISUP, "no interworking" and "ISUP used all the way";
  // set to report interworking instead (the configurable option the RFC allows).
  bool report_interworking = false;
};

// Builds the IAM for a call from SIP. With a trusted encapsulated IAM (SIP-T, RFC 3372) that IAM
// is the starting point and every parameter is kept as received, except what the SIP headers
// change (called number, calling number, redirection) and the hop counter, decremented as a
// tandem must. Errors: "cc.iw.no_called_number" (answer 484/404), "cc.iw.hop_counter_exhausted"
// (Q.764 §2.15: release with cause 25, SIP 483).
Status iam_from_invite(const SipCallInfo &sip, const isup::Message *encapsulated_iam,
                       const InterworkingProfile &profile, isup::Message &iam);

// The INVITE fields for an IAM from the PSTN.
SipCallInfo invite_from_iam(const isup::Message &iam, const InterworkingProfile &profile);

// Calling party's category (Q.763 §3.11) <-> "cpc" value (Q.1912.5 Table 12 style names).
std::string cpc_name(uint8_t category);
uint8_t cpc_value(const std::string &name);

} // namespace mgc::cc::iw
