// Octet <-> typed conversion of single parameters (the contents only: the code, length and
// pointer octets belong to the message codec). Internal to mgc_isup.
#pragma once

#include "isup/message.h"
#include "isup/variant.h"

#include <cstdint>
#include <span>
#include <vector>

namespace mgc::isup::detail {

// Appends octets to a vector. push_back on a vector whose capacity is reused costs one compare
// per octet and never zero-fills, unlike growing it with resize().
class Writer {
public:
  explicit Writer(std::vector<uint8_t> &out) : out_(out) {
    if (out_.capacity() < 256)
      out_.reserve(256);
  }
  void put(uint8_t b) { out_.push_back(b); }
  void put(std::span<const uint8_t> s) { out_.insert(out_.end(), s.begin(), s.end()); }
  // Appends n octets and returns where to write them.
  uint8_t *grow(std::size_t n) {
    out_.resize(out_.size() + n);
    return out_.data() + out_.size() - n;
  }
  std::size_t size() const { return out_.size(); }
  uint8_t &at(std::size_t i) { return out_[i]; }
  void finish() {}

private:
  std::vector<uint8_t> &out_;
};

enum class ParamDecode : uint8_t {
  Typed,   // decoded into its typed form
  Raw,     // not a typed parameter here: kept as octets
  Invalid, // a typed parameter whose contents break Q.763 (kept as octets, reported)
};

// Decodes the contents of one parameter into `out` (a RawParameter stored in msg.pool unless
// Typed). Returns false only when the message pool is full.
ParamDecode decode_parameter(uint8_t code, std::span<const uint8_t> in, Variant variant,
                             Message &msg, ParameterValue &out, bool &pool_ok);

// Writes the contents of one parameter. Returns false if a field does not fit its octets
// (value out of range) or the parameter is longer than 255 octets.
bool encode_parameter(const ParameterValue &value, const Message &msg, Writer &w);

} // namespace mgc::isup::detail
