// Typed ISUP parameters, ITU-T Q.763 §3 (field names follow the Recommendation). Every bit of the
// wire format has a home, spare bits included, so that decode -> encode gives back the received
// octets (a tandem must pass on what it does not change, RFC 3372 §5). Parameters not typed here
// are carried as bytes (RawParameter) and re-encoded unchanged.
#pragma once

#include "isup/parameter_code.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace mgc::isup {

// Fixed-capacity byte/character store: no heap on the decode path.
template <std::size_t N> class InlineBytes {
public:
  InlineBytes() {}
  static constexpr std::size_t capacity = N;
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  const uint8_t *data() const { return b_.data(); }
  std::span<const uint8_t> span() const { return {b_.data(), n_}; }
  bool assign(std::span<const uint8_t> s) {
    if (s.size() > N)
      return false;
    if (!s.empty())
      std::memcpy(b_.data(), s.data(), s.size());
    n_ = static_cast<uint16_t>(s.size());
    return true;
  }
  bool push_back(uint8_t v) {
    if (n_ >= N)
      return false;
    b_[n_++] = v;
    return true;
  }
  void clear() { n_ = 0; }
  uint8_t operator[](std::size_t i) const { return b_[i]; }
  friend bool operator==(const InlineBytes &a, const InlineBytes &b) {
    return a.n_ == b.n_ && std::memcmp(a.b_.data(), b.b_.data(), a.n_) == 0;
  }

private:
  uint16_t n_ = 0;
  std::array<uint8_t, N> b_; // only [0, n_) is meaningful
};

// Address signals as characters: '0'-'9' for digits, 'A'-'F' for the codes 10-15 (Q.763 §3.9
// f): 1011 code 11, 1100 code 12, 1111 ST end of pulsing; the others are spare but kept).
class AddressSignals {
public:
  // User-provided: the character store is written before it is read, so it is not zeroed.
  AddressSignals() {}
  static constexpr std::size_t capacity = 64;
  std::string_view str() const { return {chars_.data(), n_}; }
  std::size_t size() const { return n_; }
  bool assign(std::string_view s); // false if too long or a character is not a hex digit
  bool push_nibble(uint8_t v) {
    if (n_ >= capacity)
      return false;
    chars_[n_++] = "0123456789ABCDEF"[v & 0xf];
    return true;
  }
  uint8_t nibble(std::size_t i) const { return kNibble[static_cast<uint8_t>(chars_[i])]; }
  // Writes the signals two per octet (the inverse of decode_bcd) into `out`, which has room for
  // (size() + 1) / 2 octets.
  void encode_bcd(uint8_t *out, uint8_t filler) const {
    std::size_t k = 0;
    for (; k + 1 < n_; k += 2)
      *out++ = static_cast<uint8_t>(nibble(k + 1) << 4 | nibble(k));
    if (k < n_)
      *out = static_cast<uint8_t>(filler << 4 | nibble(k));
  }
  // Q.763 §3.9 g): signals two per octet, first in the low half; with `odd` the high half of the
  // last octet is the filler. False if there are more signals than fit.
  bool decode_bcd(std::span<const uint8_t> octets, bool odd, uint8_t &filler) {
    const std::size_t count = octets.size() * 2 - (odd ? 1 : 0);
    if (count > capacity)
      return false;
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (std::size_t k = 0; k < octets.size(); ++k) {
      chars_[2 * k] = kHex[octets[k] & 0xf];
      if (2 * k + 1 < count)
        chars_[2 * k + 1] = kHex[octets[k] >> 4];
    }
    filler = odd ? static_cast<uint8_t>(octets.back() >> 4) : 0;
    n_ = static_cast<uint8_t>(count);
    return true;
  }
  friend bool operator==(const AddressSignals &a, const AddressSignals &b) {
    return a.str() == b.str();
  }

private:
  // Character -> nibble for the characters assign() stores ('0'-'9', 'A'-'F').
  static constexpr std::array<uint8_t, 256> kNibble = [] {
    std::array<uint8_t, 256> t{};
    for (int c = 0; c < 10; ++c)
      t['0' + c] = static_cast<uint8_t>(c);
    for (int c = 0; c < 6; ++c)
      t['A' + c] = static_cast<uint8_t>(10 + c);
    return t;
  }();
  uint8_t n_ = 0;
  std::array<char, capacity> chars_; // only [0, n_) is meaningful
};

// Q.763 §3.35
struct NatureOfConnectionIndicators {
  static constexpr ParameterCode code = ParameterCode::NatureOfConnectionIndicators;
  uint8_t satellite_indicator = 0;            // bits BA
  uint8_t continuity_check_indicator = 0;     // bits DC
  bool echo_control_device_indicator = false; // bit E
  uint8_t spare = 0;                          // bits HGF
  bool operator==(const NatureOfConnectionIndicators &) const = default;
};

// Q.763 §3.23
struct ForwardCallIndicators {
  static constexpr ParameterCode code = ParameterCode::ForwardCallIndicators;
  bool national_international_call_indicator = false; // A: 1 = international
  uint8_t end_to_end_method_indicator = 0;            // CB
  bool interworking_indicator = false;                // D
  bool end_to_end_information_indicator = false;      // E
  bool isdn_user_part_indicator = false;              // F
  uint8_t isdn_user_part_preference_indicator = 0;    // HG
  bool isdn_access_indicator = false;                 // I
  uint8_t sccp_method_indicator = 0;                  // KJ
  bool spare = false;                                 // L
  bool ported_number_translation_indicator = false;   // M
  bool query_on_release_attempt_indicator = false;    // N
  uint8_t national_use = 0;                           // PO
  bool operator==(const ForwardCallIndicators &) const = default;
};

// Q.763 §3.38
struct OptionalForwardCallIndicators {
  static constexpr ParameterCode code = ParameterCode::OptionalForwardCallIndicators;
  uint8_t closed_user_group_call_indicator = 0;          // BA
  bool simple_segmentation_indicator = false;            // C
  uint8_t spare = 0;                                     // GFED
  bool connected_line_identity_request_indicator = false; // H
  bool operator==(const OptionalForwardCallIndicators &) const = default;
};

// Q.763 §3.11, §3.54, §3.56, §3.4, §3.22: single-octet coded values.
template <ParameterCode C> struct OctetValue {
  static constexpr ParameterCode code = C;
  uint8_t value = 0;
  bool operator==(const OctetValue &) const = default;
};
using CallingPartysCategory = OctetValue<ParameterCode::CallingPartysCategory>;
using TransmissionMediumRequirement = OctetValue<ParameterCode::TransmissionMediumRequirement>;
using TransmissionMediumUsed = OctetValue<ParameterCode::TransmissionMediumUsed>;
using AutomaticCongestionLevel = OctetValue<ParameterCode::AutomaticCongestionLevel>;
using FacilityIndicator = OctetValue<ParameterCode::FacilityIndicator>;

// Address parameters (Q.763 §3.9 called, §3.10 calling, §3.16 connected, §3.26 generic,
// §3.30 location, §3.39 original called, §3.44 redirecting, §3.46 redirection, §3.51 subsequent).
// They share one layout; which bits mean what depends on the parameter (see number_layout()).
struct Number {
  // User-provided so that decoding does not zero the signal store first (value-initialising an
  // aggregate would).
  Number() {}
  uint8_t number_qualifier_indicator = 0;  // generic number only (§3.26 a)
  bool odd_even_indicator = false;         // set by the encoder from the digit count
  uint8_t nature_of_address_indicator = 0; // 7 bits; spare in subsequent number
  // Bit 8 of the second octet: INN indicator (called, redirection, location), NI indicator
  // (calling, generic), spare otherwise.
  bool octet2_bit8 = false;
  uint8_t numbering_plan_indicator = 0; // bits 7-5
  // Bits 4-3 and 2-1: address presentation restricted and screening indicators where the
  // parameter has them (calling, connected, generic, location; redirecting and original called
  // have only the former), spare otherwise.
  uint8_t address_presentation_restricted_indicator = 0;
  uint8_t screening_indicator = 0;
  AddressSignals address_signals;
  uint8_t filler = 0; // the unused half-octet after an odd number of signals (§3.9 g)
  bool operator==(const Number &) const = default;
};
template <ParameterCode C> struct NumberParameter : Number {
  NumberParameter() {}
  static constexpr ParameterCode code = C;
  bool operator==(const NumberParameter &) const = default;
};
using CalledPartyNumber = NumberParameter<ParameterCode::CalledPartyNumber>;
using CallingPartyNumber = NumberParameter<ParameterCode::CallingPartyNumber>;
using ConnectedNumber = NumberParameter<ParameterCode::ConnectedNumber>;
using RedirectingNumber = NumberParameter<ParameterCode::RedirectingNumber>;
using RedirectionNumber = NumberParameter<ParameterCode::RedirectionNumber>;
using OriginalCalledNumber = NumberParameter<ParameterCode::OriginalCalledNumber>;
using LocationNumber = NumberParameter<ParameterCode::LocationNumber>;
using GenericNumber = NumberParameter<ParameterCode::GenericNumber>;
using SubsequentNumber = NumberParameter<ParameterCode::SubsequentNumber>;

// What the octets of an address parameter carry (Q.763 §3.9 ff.).
struct NumberLayout {
  bool qualifier;        // leading number qualifier octet (generic number)
  bool second_octet;     // absent in subsequent number
  bool has_nai;          // nature of address indicator (absent in subsequent number)
  bool presentation;     // address presentation restricted indicator meaningful
  bool screening;        // screening indicator meaningful
  const char *bit8_name; // "internal_network_number_indicator", "number_incomplete_indicator", or "spare"
  uint8_t min_length;    // octets before the signals
};
NumberLayout number_layout(ParameterCode c);

// Q.763 §3.5
struct BackwardCallIndicators {
  static constexpr ParameterCode code = ParameterCode::BackwardCallIndicators;
  uint8_t charge_indicator = 0;                  // BA
  uint8_t called_partys_status_indicator = 0;    // DC
  uint8_t called_partys_category_indicator = 0;  // FE
  uint8_t end_to_end_method_indicator = 0;       // HG
  bool interworking_indicator = false;           // I
  bool end_to_end_information_indicator = false; // J
  bool isdn_user_part_indicator = false;         // K
  bool holding_indicator = false;                // L
  bool isdn_access_indicator = false;            // M
  bool echo_control_device_indicator = false;    // N
  uint8_t sccp_method_indicator = 0;             // PO
  bool operator==(const BackwardCallIndicators &) const = default;
};

// Q.763 §3.37
struct OptionalBackwardCallIndicators {
  static constexpr ParameterCode code = ParameterCode::OptionalBackwardCallIndicators;
  bool in_band_information_indicator = false;     // A
  bool call_diversion_may_occur_indicator = false; // B
  bool simple_segmentation_indicator = false;     // C
  bool mlpp_user_indicator = false;               // D
  uint8_t national_use = 0;                       // HGFE
  bool operator==(const OptionalBackwardCallIndicators &) const = default;
};

// Q.763 §3.12 and Q.850 §2.2
struct CauseIndicators {
  CauseIndicators() {}
  static constexpr ParameterCode code = ParameterCode::CauseIndicators;
  uint8_t coding_standard = 0; // 0 ITU-T, 2 national (ANSI)
  bool spare = false;          // octet 1 bit 5
  uint8_t location = 0;        // octet 1 bits 4-1
  bool has_recommendation = false; // octet 1a present (octet 1 extension bit 0)
  uint8_t recommendation = 0;
  uint8_t cause_value = 0;     // 7 bits: class (7-5) and value in class (4-1)
  bool cause_extension = true; // octet 2 bit 8 as received (1 = last octet of the cause)
  InlineBytes<64> diagnostics;
  bool operator==(const CauseIndicators &) const = default;
};

// Q.763 §3.21
struct EventInformation {
  static constexpr ParameterCode code = ParameterCode::EventInformation;
  uint8_t event_indicator = 0;                      // GFEDCBA
  bool event_presentation_restricted_indicator = false; // H
  bool operator==(const EventInformation &) const = default;
};

// Q.763 §3.45
struct RedirectionInformation {
  static constexpr ParameterCode code = ParameterCode::RedirectionInformation;
  uint8_t redirecting_indicator = 0;          // CBA
  bool spare_d = false;                       // D
  uint8_t original_redirection_reason = 0;    // HGFE
  bool has_second_octet = true;               // some national variants send one octet
  uint8_t redirection_counter = 0;            // KJI
  bool spare_l = false;                       // L
  uint8_t redirecting_reason = 0;             // PONM
  bool operator==(const RedirectionInformation &) const = default;
};

// Q.763 §3.80
struct HopCounter {
  static constexpr ParameterCode code = ParameterCode::HopCounter;
  uint8_t hop_counter = 0; // EDCBA
  uint8_t spare = 0;       // HGF
  bool operator==(const HopCounter &) const = default;
};

// Q.763 §3.29
struct InformationRequestIndicators {
  static constexpr ParameterCode code = ParameterCode::InformationRequestIndicators;
  bool calling_party_address_request_indicator = false;     // A
  bool holding_indicator = false;                           // B
  bool spare_c = false;                                     // C
  bool calling_partys_category_request_indicator = false;   // D
  bool charge_information_request_indicator = false;        // E
  uint8_t spare_gf = 0;                                     // GF
  bool malicious_call_identification_request_indicator = false; // H
  uint8_t spare_octet2 = 0; // bits L-I spare, P-M reserved for national use
  bool operator==(const InformationRequestIndicators &) const = default;
};

// Q.763 §3.28
struct InformationIndicators {
  static constexpr ParameterCode code = ParameterCode::InformationIndicators;
  uint8_t calling_party_address_response_indicator = 0;     // BA
  bool hold_provided_indicator = false;                     // C
  uint8_t spare_ed = 0;                                     // ED
  bool calling_partys_category_response_indicator = false;  // F
  bool charge_information_response_indicator = false;       // G
  bool solicited_information_indicator = false;             // H
  uint8_t spare_octet2 = 0; // bits L-I spare, P-M reserved for national use
  bool operator==(const InformationIndicators &) const = default;
};

// Q.763 §3.18, §3.52, §3.13: one meaningful low-order field, the rest spare.
struct ContinuityIndicators {
  static constexpr ParameterCode code = ParameterCode::ContinuityIndicators;
  bool continuity_indicator = false; // A: 1 = continuity check successful
  uint8_t spare = 0;
  bool operator==(const ContinuityIndicators &) const = default;
};
struct SuspendResumeIndicators {
  static constexpr ParameterCode code = ParameterCode::SuspendResumeIndicators;
  bool suspend_resume_indicator = false; // A: 1 = network initiated
  uint8_t spare = 0;
  bool operator==(const SuspendResumeIndicators &) const = default;
};
struct CircuitGroupSupervisionMessageType {
  static constexpr ParameterCode code = ParameterCode::CircuitGroupSupervisionMessageType;
  uint8_t type_indicator = 0; // BA: 0 maintenance oriented, 1 hardware failure oriented
  uint8_t spare = 0;
  bool operator==(const CircuitGroupSupervisionMessageType &) const = default;
};

// Q.763 §3.43: range (number of circuits affected minus one) and an optional status bit map,
// one bit per circuit from the CIC of the message upward.
struct RangeAndStatus {
  static constexpr ParameterCode code = ParameterCode::RangeAndStatus;
  uint8_t range = 0;
  InlineBytes<32> status; // empty where the message carries the range only (GRS, CQM)
  bool operator==(const RangeAndStatus &) const = default;
};

// Q.763 §3.42: milliseconds.
struct PropagationDelayCounter {
  static constexpr ParameterCode code = ParameterCode::PropagationDelayCounter;
  uint16_t propagation_delay_value = 0;
  bool operator==(const PropagationDelayCounter &) const = default;
};

// Q.763 §3.57: the Q.931 bearer capability information element without its identifier and
// length (Q.931 §4.5.5 octets 3 onward). Octets 3 and 4 are typed; later octets (rate
// multiplier, layer 1/2/3 protocol identification) are kept as received.
struct UserServiceInformation {
  static constexpr ParameterCode code = ParameterCode::UserServiceInformation;
  bool extension_3 = true;                        // octet 3 bit 8
  uint8_t coding_standard = 0;                    // octet 3 bits 7-6
  uint8_t information_transfer_capability = 0;    // octet 3 bits 5-1
  bool extension_4 = true;                        // octet 4 bit 8
  uint8_t transfer_mode = 0;                      // octet 4 bits 7-6
  uint8_t information_transfer_rate = 0;          // octet 4 bits 5-1
  InlineBytes<16> additional_octets;              // octet 4.1 onward
  bool operator==(const UserServiceInformation &) const = default;
};

// Q.763 §3.8: call identity and the point code of the exchange that allocated it.
struct CallReference {
  static constexpr ParameterCode code = ParameterCode::CallReference;
  uint32_t call_identity = 0;  // 3 octets
  uint32_t signalling_point_code = 0; // ITU: 14 bits + 2 spare bits kept in `spare`; ANSI: 24 bits
  uint8_t spare = 0;
  bool ansi = false; // ANSI layout (3-octet point code)
  bool operator==(const CallReference &) const = default;
};

// Q.763 §3.33: what to do with this message if the receiver does not recognise it.
struct MessageCompatibilityInformation {
  static constexpr ParameterCode code = ParameterCode::MessageCompatibilityInformation;
  bool transit_at_intermediate_exchange_indicator = false; // A: 1 = end node interpretation
  bool release_call_indicator = false;                     // B
  bool send_notification_indicator = false;                // C
  bool discard_message_indicator = false;                  // D
  bool pass_on_not_possible_indicator = false;             // E: 1 = discard information
  uint8_t broadband_narrowband_interworking_indicator = 0; // GF
  // Octets after the first, as received (bit 8 of each octet chains them; H of octet 1 is
  // derived: 1 when there are none).
  InlineBytes<7> additional_octets;
  bool operator==(const MessageCompatibilityInformation &) const = default;
};

// Q.763 §3.41: for each parameter a newer exchange may send, what to do if it is not understood.
struct ParameterInstructions {
  uint8_t parameter = 0;                                   // the parameter name code
  bool transit_at_intermediate_exchange_indicator = false; // A: 1 = end node interpretation
  bool release_call_indicator = false;                     // B
  bool send_notification_indicator = false;                // C
  bool discard_message_indicator = false;                  // D
  bool discard_parameter_indicator = false;                // E
  uint8_t pass_on_not_possible_indicator = 0; // GF: 0 release call, 1 discard message,
                                              //     2 discard parameter, 3 reserved (= 0)
  InlineBytes<3> additional_octets; // octet 2 (broadband/narrowband interworking) onward
  bool operator==(const ParameterInstructions &) const = default;
};
struct ParameterCompatibilityInformation {
  static constexpr ParameterCode code = ParameterCode::ParameterCompatibilityInformation;
  std::array<ParameterInstructions, 12> entries{};
  uint8_t count = 0;
  bool operator==(const ParameterCompatibilityInformation &) const = default;
};

// Parameters kept as octets but named (Q.763 §3.3 access transport is a Q.931 IE sequence
// passed end to end untouched; §3.61 user-to-user; §3.14 circuit state indicator). The octets
// live in the message's byte pool (Message::octets()).
template <ParameterCode C> struct OctetString {
  static constexpr ParameterCode code = C;
  uint16_t offset = 0;
  uint8_t length = 0;
  bool operator==(const OctetString &) const = default;
};
using AccessTransport = OctetString<ParameterCode::AccessTransport>;
using UserToUserInformation = OctetString<ParameterCode::UserToUserInformation>;
using CircuitStateIndicator = OctetString<ParameterCode::CircuitStateIndicator>;

// Any other parameter: its code and the octets in the message's byte pool.
struct RawParameter {
  uint8_t code = 0;
  uint16_t offset = 0; // into Message::pool
  uint8_t length = 0;
  bool operator==(const RawParameter &) const = default;
};

} // namespace mgc::isup
