// One IP transport address (IPv4 or IPv6 host and a port) for every layer that opens sockets:
// MGCP and H.248 peers, the UDP/TCP helpers on the loop. Parsed from and printed as
// "192.0.2.1:2427" and "[2001:db8::1]:2944" (RFC 3986 §3.2.2 brackets around IPv6, so the port
// stays unambiguous); numeric only, since names are resolved above the transports (DESIGN.md:
// nothing blocking, DNS included, runs on the loop).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/socket.h>

namespace mgc::core {

struct Address {
  bool v6 = false;
  std::array<uint8_t, 16> ip{}; // network byte order; IPv4 in the first four octets
  uint16_t port = 0;

  Address() = default;
  // IPv4 from a host-byte-order number, e.g. Address{0x7f000001, 2427} for 127.0.0.1:2427.
  Address(uint32_t ipv4, uint16_t port_);

  friend bool operator==(const Address &, const Address &) = default;
  friend auto operator<=>(const Address &, const Address &) = default;
  bool same_host(const Address &o) const { return v6 == o.v6 && ip == o.ip; }

  // The host alone: "192.0.2.1", "2001:db8::1" (no brackets).
  std::string host() const;
  // "192.0.2.1:2427", "[2001:db8::1]:2944".
  std::string to_string() const;

  // A numeric host ("192.0.2.1", "2001:db8::1" or "[2001:db8::1]") and a port.
  static bool parse(std::string_view host, uint16_t port, Address &out);
  // "host:port" as to_string() prints it; IPv6 needs its brackets.
  static std::optional<Address> parse(std::string_view host_port);

  // For the socket calls: fills ss, returns the length to pass with it.
  socklen_t to_sockaddr(sockaddr_storage &ss) const;
  // False unless sa is AF_INET or AF_INET6.
  static bool from_sockaddr(const sockaddr *sa, Address &out);
};

// An address prefix for access lists: "192.0.2.0/24", "2001:db8::/32", or one host ("192.0.2.1",
// "::1": all of its bits). Host bits below the length must be zero, so that what is written back
// is what was meant ("192.0.2.1/24" is refused).
struct Prefix {
  Address net; // port unused
  unsigned bits = 0;

  bool contains(const Address &a) const;
  // "192.0.2.0/24"; a full-length prefix prints as the host alone.
  std::string to_string() const;
  static std::optional<Prefix> parse(std::string_view text);
  friend bool operator==(const Prefix &, const Prefix &) = default;
};

} // namespace mgc::core
