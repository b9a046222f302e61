// The datagram transport MGCP runs over (RFC 3435 §3.5: UDP; default gateway port 2427, call
// agent port 2727). The call agent sends through Transport and is fed received datagrams, so
// tests can put a fake in between; UdpTransport is the real one on the libosmocore loop.
#pragma once

#include "core/address.h"
#include "core/status.h"
#include "core/udp_socket.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mgc::mgcp {

inline constexpr uint16_t kGatewayPort = 2427;   // RFC 3435 §3.5
inline constexpr uint16_t kCallAgentPort = 2727; // RFC 3435 §3.5

// A gateway's or our own transport address (IPv4 or IPv6, core/address.h).
using Address = core::Address;

class Transport {
public:
  virtual ~Transport() = default;
  // Must not feed a datagram back into the call agent before returning (queue it instead):
  // the transaction is registered after its first send.
  virtual void send(const Address &to, std::string_view datagram) = 0;
};

using DatagramHandler = std::function<void(const Address &from, std::string_view datagram)>;

// MGCP's datagrams on a core::UdpSocket of the select loop.
class UdpTransport final : public Transport {
public:
  explicit UdpTransport(DatagramHandler on_datagram);
  // Binds the given address (port 0: any free port); only the configured address, never the
  // wildcard unless asked.
  Status bind(const Address &local);
  Address local_address() const;
  void send(const Address &to, std::string_view datagram) override;
  uint64_t send_errors() const { return send_errors_; }

private:
  DatagramHandler on_datagram_;
  core::UdpSocket socket_;
  uint64_t send_errors_ = 0;
};

// The call agent's one socket (RFC 3435 §3.5: gateways send their commands, RSIP and NTFY
// among them, to the call agent's address, by default port 2727) shared by the call agents of
// several gateways, one per configured media gateway: each sends through it, and a datagram goes
// to the handler of the gateway it came from, by source address (else by host, for a gateway
// that sends from another port than it listens on). A datagram from no configured gateway goes
// to the first handler, whose call agent answers it (unknown endpoint) and counts it.
class SharedUdpTransport final : public Transport {
public:
  SharedUdpTransport();
  Status bind(const Address &local);
  Address local_address() const { return udp_.local_address(); }
  void add_gateway(const Address &gateway, DatagramHandler handler);
  // A gateway taken out of the configuration: its datagrams go nowhere from now on.
  void remove_gateway(const Address &gateway);
  bool empty() const { return gateways_.empty(); }
  void send(const Address &to, std::string_view datagram) override { udp_.send(to, datagram); }
  uint64_t send_errors() const { return udp_.send_errors(); }

private:
  void dispatch(const Address &from, std::string_view datagram);
  UdpTransport udp_;
  std::vector<std::pair<Address, DatagramHandler>> gateways_;
};

} // namespace mgc::mgcp
