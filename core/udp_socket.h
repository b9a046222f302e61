// A non-blocking UDP socket on the libosmocore select loop, bound to one configured IPv4 or IPv6
// address (never the wildcard unless asked: DESIGN.md binds only configured addresses). MGCP
// (RFC 3435 §3.5), H.248 (Annex D.1) and SIP (RFC 3261 §18) send and receive their datagrams
// through it; each received datagram comes to the callback with the peer's address.
#pragma once

#include "core/address.h"
#include "core/loop_fd.h"
#include "core/status.h"

#include <cstdint>
#include <functional>
#include <span>

namespace mgc::core {

class UdpSocket {
public:
  using OnDatagram = std::function<void(const Address &from, std::span<const uint8_t> datagram)>;

  explicit UdpSocket(OnDatagram on_datagram) : on_datagram_(std::move(on_datagram)) {}
  ~UdpSocket();
  UdpSocket(const UdpSocket &) = delete;
  UdpSocket &operator=(const UdpSocket &) = delete;

  // Binds local (port 0: a free port, see local()). Status details "udp.socket_failed",
  // "udp.bind_failed", "udp.register_failed", code errno.
  Status bind(const Address &local);
  // The bound address, with the port the kernel chose.
  const Address &local() const { return local_; }
  // Returns errno of a failed sendto (EAGAIN with a full buffer ...), 0 when sent.
  int send_to(const Address &to, std::span<const uint8_t> datagram);
  // Asks for receive and send buffers of `rcv` and `snd` bytes (0: leave that one as it is): a
  // burst of datagrams beyond the receive buffer is dropped by the kernel before the loop sees
  // it. SO_RCVBUFFORCE / SO_SNDBUFFORCE (allowed with CAP_NET_ADMIN) go beyond
  // net.core.rmem_max / wmem_max; without the capability SO_RCVBUF / SO_SNDBUF are used, which
  // the kernel caps at those limits. Returns the sizes the kernel then reports (socket(7): twice
  // what it was asked, for its own bookkeeping), 0 for a socket that is not open.
  struct Buffers {
    int rcv = 0, snd = 0;
  };
  Buffers set_buffers(int rcv, int snd);
  // Asks the kernel to stamp each datagram with the time it arrived (SO_TIMESTAMPNS, socket(7)),
  // so that queued_ms() can tell how long the datagram being handed out waited in the receive
  // queue: the delay an overloaded loop adds before it even reads a message (DESIGN.md
  // "Overload"). False if the socket is not open or the kernel refused.
  bool stamp_arrivals();
  // During the callback: how long the datagram waited between its arrival and now, ms; -1 when
  // arrivals are not stamped.
  double queued_ms() const;
  void close() { fd_.close(); }
  bool is_open() const { return fd_.is_open(); }

private:
  void readable();
  OnDatagram on_datagram_;
  LoopFd fd_;
  Address local_;
  bool *destroyed_ = nullptr; // set while datagrams are being handed out
  bool stamped_ = false;
  int64_t arrived_ns_ = -1; // CLOCK_REALTIME of the datagram being handed out (the kernel's)
};

} // namespace mgc::core
