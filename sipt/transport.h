// SIP transports on the libosmocore select loop (DESIGN.md "Event loop"): UDP and TCP
// (RFC 3261 §18), stream framing by Content-Length (§18.3), Via received/rport on requests
// (§18.2.1, RFC 3581 §4), responses to malformed requests (400/505/513) sent statelessly,
// maximum message size, per-peer connection limit and idle close for TCP and TLS. TLS (sips,
// RFC 3261 §26.2) runs OpenSSL non-blocking on the same loop: certificate, key, CA and mutual
// TLS come from the configuration.
#pragma once

#include "core/address.h"
#include "core/scheduler.h"
#include "core/status.h"
#include "core/tcp_socket.h"
#include "core/udp_socket.h"
#include "sipt/errors.h"
#include "sipt/message.h"
#include "sipt/timers.h"
#include "sipt/transaction.h"

#include <functional>
#include <map>
#include <memory>
#include <string>

struct osmo_fd;

namespace mgc::sipt {

struct TransportConfig {
  std::string bind_ip = "127.0.0.1";
  uint16_t udp_port = 5060; // 0 = an ephemeral port (tests)
  bool udp = true;
  uint16_t tcp_port = 5060;
  bool tcp = true;
  bool tls = false;
  uint16_t tls_port = 5061;
  std::string tls_cert, tls_key; // PEM files (server side; also presented as a client)
  std::string tls_ca;            // PEM CA file to verify peers with
  bool tls_verify_peer = false;  // require and verify the peer's certificate (mutual TLS)
  std::size_t max_message = 65535;      // larger messages: 513 / connection closed
  std::size_t max_connections_per_peer = 8;
  uint32_t idle_timeout_ms = 600000;    // idle TCP connections are closed
  // UDP socket buffers asked for (0: the system's default). A burst of INVITEs larger than the
  // receive buffer is dropped by the kernel unseen (the peer's Timer A then repeats them, RFC
  // 3261 §17.1.1.2): 4 MiB holds about 4,000 INVITEs of 1 KiB.
  int udp_receive_buffer = 4 << 20;
  int udp_send_buffer = 4 << 20;
};

#define MGC_SIPT_TRANSPORT_COUNTERS(X)                                                             \
  X(udp_rx) X(udp_tx) X(tcp_rx) X(tcp_tx) X(tcp_accepted) X(tcp_connected) X(tcp_closed_idle)    \
  X(tcp_refused_limit) X(tcp_overflow) X(malformed_answered) X(malformed_dropped) X(send_errors) \
  X(tls_accepted) X(tls_connected) X(tls_handshake_failed) X(tls_rx) X(tls_tx)
} // namespace mgc::sipt
MGC_DECLARE_COUNTERS(SipTransportCounter, MGC_SIPT_TRANSPORT_COUNTERS)
namespace mgc::sipt {

class Transport {
public:
  // Called for every well-formed message (requests already carry received/rport).
  using OnMessage = std::function<void(const Message &, const Peer &from)>;

  Transport(TransportConfig cfg, core::Scheduler &timers, OnMessage on_message);
  ~Transport();
  Transport(const Transport &) = delete;
  Transport &operator=(const Transport &) = delete;

  Status start();
  void stop();
  bool send(std::string_view bytes, const Peer &to);

  uint16_t udp_port() const { return udp_port_; }
  // While a message that came over UDP is being handed out: how long it waited in the socket's
  // receive queue before it was read, ms (the kernel stamps arrivals); -1 otherwise (TCP, TLS).
  double queued_ms() const { return udp_ ? udp_->queued_ms() : -1; }
  // What the kernel granted the UDP socket (as getsockopt reports it), after start().
  core::UdpSocket::Buffers udp_buffers() const { return udp_buffers_; }
  uint16_t tcp_port() const { return tcp_port_; }
  uint16_t tls_port() const { return tls_port_; }
  std::size_t connections() const { return conns_.size(); }
  const CounterSet<SipTransportCounter> &counters() const { return counters_; }
  const SipCounters &parse_counters() const { return parse_counters_; }

private:
  struct Conn;
  void on_datagram(const core::Address &from, std::span<const uint8_t> datagram);
  void accepted(int fd, const core::Address &from, bool tls);
  static int conn_cb(osmo_fd *ofd, unsigned int what);
  void deliver(std::string_view bytes, const Peer &from, Framing framing);
  void close_conn(Conn *c);
  Conn *add_conn(int fd, const Peer &peer, bool connecting, bool server_side = true);
  void touch(Conn *c);
  std::size_t count_peer(const std::string &host) const;

  TransportConfig cfg_;
  core::Scheduler &timers_;
  OnMessage on_message_;
  std::unique_ptr<core::UdpSocket> udp_;
  std::unique_ptr<core::TcpListener> tcp_listener_, tls_listener_;
  uint16_t udp_port_ = 0, tcp_port_ = 0, tls_port_ = 0;
  core::UdpSocket::Buffers udp_buffers_;
  void *ssl_ctx_ = nullptr; // SSL_CTX
  bool conn_io(Conn *c, unsigned int what);
  bool tls_io(Conn *c, unsigned int what);
  std::map<Conn *, std::unique_ptr<Conn>> conns_;
  CounterSet<SipTransportCounter> counters_;
  SipCounters parse_counters_;
};

// RFC 3581 §4 / RFC 3261 §18.2.1: adds received= when the top Via's sent-by is not the
// packet's source address, and fills an empty rport with the source port. Returns true if the
// message was changed.
bool stamp_received(Message &m, std::string_view src_ip, uint16_t src_port);

} // namespace mgc::sipt
