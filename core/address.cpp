// core::Address: inet_pton / inet_ntop and the sockaddr forms (see address.h).
#include "core/address.h"

#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <netinet/in.h>

namespace mgc::core {

Address::Address(uint32_t ipv4, uint16_t port_) : port(port_) {
  uint32_t n = htonl(ipv4);
  std::memcpy(ip.data(), &n, 4);
}

std::string Address::host() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, ip.data(), buf, sizeof buf);
  return buf;
}

std::string Address::to_string() const {
  std::string h = host();
  return (v6 ? "[" + h + "]" : h) + ":" + std::to_string(port);
}

bool Address::parse(std::string_view host, uint16_t port, Address &out) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty() || host.size() >= INET6_ADDRSTRLEN)
    return false;
  char buf[INET6_ADDRSTRLEN] = {};
  std::memcpy(buf, host.data(), host.size());
  Address a;
  a.port = port;
  if (inet_pton(AF_INET, buf, a.ip.data()) == 1) {
    out = a;
    return true;
  }
  if (inet_pton(AF_INET6, buf, a.ip.data()) == 1) {
    a.v6 = true;
    out = a;
    return true;
  }
  return false;
}

std::optional<Address> Address::parse(std::string_view host_port) {
  std::size_t colon = host_port.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == host_port.size())
    return std::nullopt;
  std::string_view host = host_port.substr(0, colon), port = host_port.substr(colon + 1);
  // An IPv6 host is bracketed, so "::1:5060" is refused rather than guessed at.
  bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (!bracketed && host.find(':') != std::string_view::npos)
    return std::nullopt;
  unsigned p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc() || end != port.data() + port.size() || p > 65535)
    return std::nullopt;
  Address a;
  if (!parse(host, uint16_t(p), a))
    return std::nullopt;
  if (bracketed && !a.v6)
    return std::nullopt; // "[192.0.2.1]:5060" is not how an IPv4 address is written
  return a;
}

socklen_t Address::to_sockaddr(sockaddr_storage &ss) const {
  std::memset(&ss, 0, sizeof ss);
  if (v6) {
    auto *s6 = reinterpret_cast<sockaddr_in6 *>(&ss);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(port);
    std::memcpy(&s6->sin6_addr, ip.data(), 16);
    return sizeof(sockaddr_in6);
  }
  auto *s4 = reinterpret_cast<sockaddr_in *>(&ss);
  s4->sin_family = AF_INET;
  s4->sin_port = htons(port);
  std::memcpy(&s4->sin_addr, ip.data(), 4);
  return sizeof(sockaddr_in);
}

bool Address::from_sockaddr(const sockaddr *sa, Address &out) {
  Address a;
  if (sa->sa_family == AF_INET) {
    auto *s4 = reinterpret_cast<const sockaddr_in *>(sa);
    std::memcpy(a.ip.data(), &s4->sin_addr, 4);
    a.port = ntohs(s4->sin_port);
  } else if (sa->sa_family == AF_INET6) {
    auto *s6 = reinterpret_cast<const sockaddr_in6 *>(sa);
    a.v6 = true;
    std::memcpy(a.ip.data(), &s6->sin6_addr, 16);
    a.port = ntohs(s6->sin6_port);
  } else {
    return false;
  }
  out = a;
  return true;
}

bool Prefix::contains(const Address &a) const {
  if (a.v6 != net.v6)
    return false;
  const unsigned full = bits / 8, rest = bits % 8;
  for (unsigned i = 0; i < full; ++i)
    if (a.ip[i] != net.ip[i])
      return false;
  if (rest == 0)
    return true;
  const uint8_t mask = uint8_t(0xff << (8 - rest));
  return (a.ip[full] & mask) == (net.ip[full] & mask);
}

std::string Prefix::to_string() const {
  const unsigned len = net.v6 ? 128 : 32;
  return bits == len ? net.host() : net.host() + "/" + std::to_string(bits);
}

std::optional<Prefix> Prefix::parse(std::string_view text) {
  Prefix p;
  const size_t slash = text.find('/');
  if (!Address::parse(text.substr(0, slash), 0, p.net))
    return std::nullopt;
  const unsigned len = p.net.v6 ? 128 : 32;
  p.bits = len;
  if (slash != std::string_view::npos) {
    std::string_view b = text.substr(slash + 1);
    unsigned v = 0;
    if (b.empty() || b.size() > 3)
      return std::nullopt;
    for (char c : b) {
      if (c < '0' || c > '9')
        return std::nullopt;
      v = v * 10 + unsigned(c - '0');
    }
    if (v > len)
      return std::nullopt;
    p.bits = v;
  }
  // No host bits below the prefix length.
  for (unsigned bit = p.bits; bit < len; ++bit)
    if (p.net.ip[bit / 8] & (0x80 >> (bit % 8)))
      return std::nullopt;
  return p;
}

} // namespace mgc::core
