// The VTY's telnet listener with an access list (issue 13 item 3): libosmocore's own listener
// (telnet_init_dynif) accepts every source, so mgcd listens itself on its configured IPv4 or
// IPv6 address and checks each connection's source against the `telnet` node's allow list
// before a byte of the VTY is sent; an allowed connection becomes a libosmocore telnet VTY as
// libosmocore's would (its password, `login` and `enable password` apply unchanged).
#pragma once

#include "core/address.h"
#include "core/status.h"
#include "core/tcp_socket.h"

#include <cstdint>
#include <vector>

namespace mgc::gw {

class TelnetServer {
public:
  // allow: the sources accepted; empty: every source.
  explicit TelnetServer(std::vector<core::Prefix> allow);
  ~TelnetServer();
  TelnetServer(const TelnetServer &) = delete;
  TelnetServer &operator=(const TelnetServer &) = delete;

  Status listen(const core::Address &local);
  const core::Address &local() const { return listener_.local(); }
  uint64_t refused() const { return refused_; }

private:
  void accepted(int fd, const core::Address &peer);
  std::vector<core::Prefix> allow_;
  core::TcpListener listener_;
  uint64_t refused_ = 0;
};

} // namespace mgc::gw
