// The datagram transport MGCP runs over (RFC 3435 §3.5: UDP; default gateway port 2427, call
// agent port 2727). The call agent sends through Transport and is fed received datagrams, so
// tests can put a fake in between; UdpTransport is the real one on the libosmocore loop.
#pragma once

#include "core/status.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

struct osmo_fd;

namespace mgc::mgcp {

inline constexpr uint16_t kGatewayPort = 2427;   // RFC 3435 §3.5
inline constexpr uint16_t kCallAgentPort = 2727; // RFC 3435 §3.5

struct Address {
  uint32_t ip = 0; // IPv4, host byte order
  uint16_t port = 0;
  friend bool operator==(const Address &, const Address &) = default;
  friend bool operator<(const Address &a, const Address &b) {
    return a.ip != b.ip ? a.ip < b.ip : a.port < b.port;
  }
  std::string to_string() const;
  static bool parse(std::string_view ip, uint16_t port, Address &out);
};

class Transport {
public:
  virtual ~Transport() = default;
  // Must not feed a datagram back into the call agent before returning (queue it instead):
  // the transaction is registered after its first send.
  virtual void send(const Address &to, std::string_view datagram) = 0;
};

using DatagramHandler = std::function<void(const Address &from, std::string_view datagram)>;

// A non-blocking UDP socket registered as an osmo_fd.
class UdpTransport final : public Transport {
public:
  explicit UdpTransport(DatagramHandler on_datagram);
  ~UdpTransport() override;
  // Binds the given address (port 0: any free port); only the configured address, never the
  // wildcard unless asked.
  Status bind(const Address &local);
  Address local_address() const;
  void send(const Address &to, std::string_view datagram) override;
  uint64_t send_errors() const { return send_errors_; }

private:
  struct Impl;
  static int on_readable(::osmo_fd *fd, unsigned what);
  DatagramHandler on_datagram_;
  Impl *impl_;
  uint64_t send_errors_ = 0;
};

} // namespace mgc::mgcp
