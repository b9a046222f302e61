// A decoded (or to-be-encoded) ISUP message: the message type, the CIC when the MTP3 user part
// form is used, and every parameter in wire order (Q.763 §1.3: mandatory fixed, mandatory
// variable, optional). Designed for reuse: decode into the same Message again and no memory is
// allocated once its vectors have grown.
#pragma once

#include "isup/message_type.h"
#include "isup/parameters.h"

#include <span>
#include <variant>
#include <vector>

namespace mgc::isup {

using ParameterValue =
    std::variant<RawParameter, NatureOfConnectionIndicators, ForwardCallIndicators,
                 OptionalForwardCallIndicators, CallingPartysCategory,
                 TransmissionMediumRequirement, TransmissionMediumUsed, AutomaticCongestionLevel,
                 FacilityIndicator, CalledPartyNumber, CallingPartyNumber, ConnectedNumber,
                 RedirectingNumber, RedirectionNumber, OriginalCalledNumber, LocationNumber,
                 GenericNumber, SubsequentNumber, BackwardCallIndicators,
                 OptionalBackwardCallIndicators, CauseIndicators, EventInformation,
                 RedirectionInformation, HopCounter, InformationRequestIndicators,
                 InformationIndicators, ContinuityIndicators, SuspendResumeIndicators,
                 CircuitGroupSupervisionMessageType, RangeAndStatus, PropagationDelayCounter,
                 UserServiceInformation, CallReference, MessageCompatibilityInformation,
                 ParameterCompatibilityInformation, AccessTransport, UserToUserInformation,
                 CircuitStateIndicator>;

// Where a parameter sits in the message (Q.763 §1.3, §1.6-1.8).
enum class Part : uint8_t { MandatoryFixed, MandatoryVariable, Optional };

struct Parameter {
  // User-provided so that appending a slot does not zero all ~180 octets of the variant first
  // (value-initialisation of an aggregate would); only the first alternative is constructed.
  Parameter() {}
  Parameter(uint8_t c, Part p, const ParameterValue &v) : code(c), part(p), value(v) {}
  uint8_t code = 0;
  Part part = Part::Optional;
  ParameterValue value;
};

struct Message {
  MessageType type = MessageType::Iam;
  // Circuit identification code (Q.763 §1.2): 12 bits in ITU-T, 14 bits in ANSI. The remaining
  // bits of the two octets are spare (or national use) and kept as received.
  uint16_t cic = 0;
  uint8_t cic_spare = 0;
  std::vector<Parameter> parameters;
  // Octets of raw and octet-string parameters, and the opaque body of messages whose format is
  // not parameter-structured (PAM's embedded message, CRG national format, unrecognised types
  // that could not be parsed): see `opaque_body`.
  std::vector<uint8_t> pool;
  bool has_opaque_body = false;
  uint16_t opaque_offset = 0;
  uint16_t opaque_length = 0;

  void clear();

  // First parameter of a typed kind, or nullptr.
  template <typename T> const T *find() const {
    for (const auto &p : parameters)
      if (const T *v = std::get_if<T>(&p.value))
        return v;
    return nullptr;
  }
  template <typename T> T *find() {
    for (auto &p : parameters)
      if (T *v = std::get_if<T>(&p.value))
        return v;
    return nullptr;
  }
  const Parameter *find_code(uint8_t code) const;

  // Adds a typed parameter at the end (the encoder places mandatory ones by the catalogue).
  template <typename T> T &add(const T &v, Part part = Part::Optional) {
    parameters.push_back(Parameter{static_cast<uint8_t>(T::code), part, v});
    return std::get<T>(parameters.back().value);
  }
  // Adds a parameter kept as octets; returns false if the pool would exceed 64 KiB.
  bool add_raw(uint8_t code, std::span<const uint8_t> octets, Part part = Part::Optional);
  template <typename T> bool add_octets(std::span<const uint8_t> octets, Part part = Part::Optional) {
    uint16_t off;
    if (!store(octets, off))
      return false;
    T v;
    v.offset = off;
    v.length = static_cast<uint8_t>(octets.size());
    add(v, part);
    return true;
  }
  void set_opaque_body(std::span<const uint8_t> body);
  // Removes every parameter with this code; returns how many were removed.
  std::size_t remove(uint8_t code);

  std::span<const uint8_t> octets(const RawParameter &r) const { return {pool.data() + r.offset, r.length}; }
  template <ParameterCode C> std::span<const uint8_t> octets(const OctetString<C> &r) const {
    return {pool.data() + r.offset, r.length};
  }
  std::span<const uint8_t> opaque_body() const {
    return {pool.data() + opaque_offset, opaque_length};
  }

  // Stores octets in the pool (internal to the codec and the builders above).
  bool store(std::span<const uint8_t> octets, uint16_t &offset);
};

} // namespace mgc::isup
