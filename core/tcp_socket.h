// The TCP pieces the stream transports on the select loop share (H.248 Annex D.2, SIP over TCP
// and TLS RFC 3261 §18, M3UA over TCP): a listening socket that hands each accepted connection
// to its owner, and a non-blocking connect from a configured local address. What a connection
// does with its bytes (TPKT, Content-Length, M3UA length framing, TLS) stays with its protocol;
// a connection's fd goes on a core::LoopFd (or the protocol's own osmo_fd).
#pragma once

#include "core/address.h"
#include "core/loop_fd.h"
#include "core/status.h"

#include <functional>

namespace mgc::core {

class TcpListener {
public:
  // fd is non-blocking and close-on-exec; the callback owns it (closes it to refuse).
  using OnAccept = std::function<void(int fd, const Address &peer)>;

  explicit TcpListener(OnAccept on_accept) : on_accept_(std::move(on_accept)) {}
  TcpListener(const TcpListener &) = delete;
  TcpListener &operator=(const TcpListener &) = delete;

  // Binds local (SO_REUSEADDR, so a restarted process gets its port back at once) and listens.
  // Status details "tcp.socket_failed", "tcp.bind_failed", "tcp.listen_failed",
  // "tcp.register_failed", code errno.
  Status listen(const Address &local, int backlog = 16);
  const Address &local() const { return local_; }
  void close() { fd_.close(); }
  bool is_open() const { return fd_.is_open(); }

private:
  void acceptable();
  OnAccept on_accept_;
  LoopFd fd_;
  Address local_;
};

// Starts a non-blocking connect to `to`, bound first to `from` when given (only the configured
// address, never whatever the routing table picks). Returns the fd, which becomes writable when
// the connect has finished (connect_error() then tells how), or -1 with errno set.
int tcp_connect(const Address &to, const Address *from = nullptr);
// SO_ERROR of a socket whose connect finished: 0 when connected.
int connect_error(int fd);

} // namespace mgc::core
