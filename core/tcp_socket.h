// The TCP pieces the stream transports on the select loop share (H.248 Annex D.2, SIP over TCP
// and TLS RFC 3261 §18, M3UA over TCP): a listening socket that hands each accepted connection
// to its owner, and a non-blocking connect from a configured local address. What a connection
// does with its bytes (TPKT, Content-Length, M3UA length framing, TLS) stays with its protocol;
// a connection's fd goes on a core::LoopFd (or the protocol's own osmo_fd).
#pragma once

#include "core/address.h"
#include "core/loop_fd.h"
#include "core/status.h"

#include <cstdint>
#include <functional>
#include <memory>

struct osmo_timer_list;

namespace mgc::core {

class TcpListener {
public:
  // fd is non-blocking and close-on-exec; the callback owns it (closes it to refuse).
  using OnAccept = std::function<void(int fd, const Address &peer)>;

  explicit TcpListener(OnAccept on_accept);
  ~TcpListener();
  TcpListener(const TcpListener &) = delete;
  TcpListener &operator=(const TcpListener &) = delete;

  // Binds local (SO_REUSEADDR, so a restarted process gets its port back at once) and listens.
  // Status details "tcp.socket_failed", "tcp.bind_failed", "tcp.listen_failed",
  // "tcp.register_failed", code errno.
  Status listen(const Address &local, int backlog = 16);
  const Address &local() const { return local_; }
  void close();
  bool is_open() const { return fd_.is_open(); }
  // accept() failures for want of a resource (descriptors, memory): each pauses the listener.
  uint64_t accept_failures() const { return accept_failures_; }

private:
  void acceptable();
  void resume();
  OnAccept on_accept_;
  LoopFd fd_;
  Address local_;
  // Out of descriptors (EMFILE, ENFILE) or memory, accept() fails and leaves the connection in
  // the backlog: the listener stays readable and a level-triggered loop would spin on it at
  // 100 % CPU (issue 14). The listener stops being polled for kPause instead, and the failure
  // is logged once per kLogInterval with how many there were.
  static constexpr unsigned kPauseMs = 100, kLogIntervalMs = 10000;
  std::unique_ptr<osmo_timer_list> pause_;
  uint64_t accept_failures_ = 0, unlogged_failures_ = 0;
  int64_t last_log_ms_ = -1;
};

// Starts a non-blocking connect to `to`, bound first to `from` when given (only the configured
// address, never whatever the routing table picks). Returns the fd, which becomes writable when
// the connect has finished (connect_error() then tells how), or -1 with errno set.
int tcp_connect(const Address &to, const Address *from = nullptr);
// SO_ERROR of a socket whose connect finished: 0 when connected.
int connect_error(int fd);

} // namespace mgc::core
