// Octet <-> typed conversion of single parameters (the contents only: the code, length and
// pointer octets belong to the message codec). Internal to mgc_isup.
#pragma once

#include "isup/message.h"
#include "isup/variant.h"

#include <cstdint>
#include <span>
#include <vector>

namespace mgc::isup::detail {

// Appends octets to a vector, growing it in steps so that a reused vector never reallocates.
class Writer {
public:
  explicit Writer(std::vector<uint8_t> &out) : out_(out), n_(out.size()) {}
  void put(uint8_t b) {
    ensure(1);
    out_[n_++] = b;
  }
  void put(std::span<const uint8_t> s) {
    ensure(s.size());
    std::copy(s.begin(), s.end(), out_.begin() + static_cast<std::ptrdiff_t>(n_));
    n_ += s.size();
  }
  std::size_t size() const { return n_; }
  uint8_t &at(std::size_t i) { return out_[i]; }
  void finish() { out_.resize(n_); }

private:
  void ensure(std::size_t k) {
    if (n_ + k > out_.size())
      out_.resize(std::max<std::size_t>(out_.size() * 2, n_ + k + 64));
  }
  std::vector<uint8_t> &out_;
  std::size_t n_;
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
