// Octet <-> typed conversion of single parameters (the contents only: the code, length and
// pointer octets belong to the message codec). Internal to mgc_isup.
#pragma once

#include "isup/message.h"
#include "isup/variant.h"

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace mgc::isup::detail {

// Writes octets into a caller's buffer. Running past its end is not an error at the point of
// writing: the writer keeps counting, and the caller sees overflowed() once the message is done.
class Writer {
public:
  explicit Writer(std::span<uint8_t> buf) : p_(buf.data()), cap_(buf.size()) {}
  void put(uint8_t b) {
    if (n_ < cap_)
      p_[n_] = b;
    ++n_;
  }
  void put(std::span<const uint8_t> s) {
    if (!s.empty() && n_ + s.size() <= cap_)
      std::memcpy(p_ + n_, s.data(), s.size());
    n_ += s.size();
  }
  // Room for n octets at the current position, or nullptr when they do not fit; then advance().
  uint8_t *room(std::size_t n) { return n_ + n <= cap_ ? p_ + n_ : nullptr; }
  void advance(std::size_t n) { n_ += n; }
  void patch(std::size_t i, uint8_t v) {
    if (i < cap_)
      p_[i] = v;
  }
  std::size_t size() const { return n_; }
  bool overflowed() const { return n_ > cap_; }

private:
  uint8_t *p_;
  std::size_t cap_;
  std::size_t n_ = 0;
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
