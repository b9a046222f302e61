// ISUP messages call control originates, with the parameters Q.764 and RFC 3398 / Q.1912.5 ask
// for when nothing more specific (an encapsulated message from a trusted SIP-T peer) is at hand.
#pragma once

#include "isup/message.h"

#include <string>
#include <string_view>

namespace mgc::cc::msgs {

// Q.763 §3.5 backward call indicators for a call interworked with SIP: charge, subscriber free,
// ordinary subscriber, ISUP used all the way (RFC 3398 §8.2.3 "as for the IAM").
isup::BackwardCallIndicators backward_call_indicators();

isup::Message acm(uint16_t cic, bool in_band);
isup::Message cpg(uint16_t cic, uint8_t event, bool in_band); // Q.763 §3.21: 1 alerting, 2 progress
isup::Message anm(uint16_t cic);
isup::Message con(uint16_t cic);
isup::Message rel(uint16_t cic, uint8_t cause, uint8_t location);
isup::Message rlc(uint16_t cic);
isup::Message rsc(uint16_t cic);
isup::Message cot(uint16_t cic, bool success);
isup::Message sam(uint16_t cic, std::string_view digits, bool end_of_address);
isup::Message sus(uint16_t cic, bool network_initiated); // Q.763 §3.52
isup::Message res(uint16_t cic, bool network_initiated);

// The called number's digits (Q.763 §3.9 address signals): `st` tells an end-of-pulsing signal,
// `bad` a spare code (1010, 1101, 1110); codes 11 and 12 are kept out of the digits.
std::string address_digits(const isup::Number &n, bool *st = nullptr, bool *bad = nullptr);
// Digits of a SAM appended to the IAM's called number (en bloc from here on, RFC 3578 §2).
void append_address(isup::Message &iam, std::string_view more, bool st);

// The Q.764 event (EvAcm, EvRel ...) a received message type stands for, by table; used to
// classify before dispatching (STYLE.md practice 7).
enum class Classified : uint8_t {
  Call,        // belongs to the call on the circuit (IAM, SAM, ACM, CPG, ANM, CON, REL, RLC, SUS, RES, COT, CCR, RSC)
  Supervision, // circuit supervision (BLO ... CQR, UCIC)
  Ignored,     // known but not acted on by this gateway (INF/INR, FAC, APM, USR ...): passed on in SIP-T
};
Classified classify(isup::MessageType t);

} // namespace mgc::cc::msgs
