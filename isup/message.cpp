#include "isup/message.h"

#include <algorithm>

namespace mgc::isup {

void Message::clear() {
  type = MessageType::Iam;
  cic = 0;
  cic_spare = 0;
  parameters.clear();
  pool.clear();
  has_opaque_body = false;
  opaque_offset = opaque_length = 0;
}

const Parameter *Message::find_code(uint8_t code) const {
  for (const auto &p : parameters)
    if (p.code == code)
      return &p;
  return nullptr;
}

bool Message::store(std::span<const uint8_t> octets, uint16_t &offset) {
  if (pool.size() + octets.size() > 0xffff)
    return false;
  offset = static_cast<uint16_t>(pool.size());
  pool.insert(pool.end(), octets.begin(), octets.end());
  return true;
}

bool Message::add_raw(uint8_t code, std::span<const uint8_t> octets, Part part) {
  RawParameter r;
  if (octets.size() > 255 || !store(octets, r.offset))
    return false;
  r.code = code;
  r.length = static_cast<uint8_t>(octets.size());
  parameters.push_back(Parameter{code, part, r});
  return true;
}

void Message::set_opaque_body(std::span<const uint8_t> body) {
  uint16_t off = 0;
  if (!store(body, off))
    return;
  has_opaque_body = true;
  opaque_offset = off;
  opaque_length = static_cast<uint16_t>(body.size());
}

std::size_t Message::remove(uint8_t code) {
  auto it = std::remove_if(parameters.begin(), parameters.end(),
                           [code](const Parameter &p) { return p.code == code; });
  std::size_t n = static_cast<std::size_t>(parameters.end() - it);
  parameters.erase(it, parameters.end());
  return n;
}

bool AddressSignals::assign(std::string_view s) {
  if (s.size() > capacity)
    return false;
  n_ = 0;
  for (char c : s) {
    uint8_t v;
    if (c >= '0' && c <= '9')
      v = static_cast<uint8_t>(c - '0');
    else if (c >= 'A' && c <= 'F')
      v = static_cast<uint8_t>(c - 'A' + 10);
    else if (c >= 'a' && c <= 'f')
      v = static_cast<uint8_t>(c - 'a' + 10);
    else if (c == '*') // common rendering of code 11
      v = 0xb;
    else if (c == '#') // common rendering of code 12
      v = 0xc;
    else
      return false;
    push_nibble(v);
  }
  return true;
}


} // namespace mgc::isup
