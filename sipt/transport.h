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
#include <optional>
#include <string>
#include <vector>

struct osmo_fd;

namespace mgc::sipt {

// One listening socket (RFC 3261 §18: a UA listens on the transports and addresses it
// advertises): UDP, TCP or TLS on an IPv4 or IPv6 address (the wildcard only when written).
struct ListenConfig {
  TransportKind transport = TransportKind::Udp;
  std::string address = "127.0.0.1";
  uint16_t port = 5060; // 0 = an ephemeral port (tests)
  bool operator==(const ListenConfig &) const = default;
};

// A listener as it runs: what was asked and the address it is bound to.
struct ListenerInfo {
  ListenConfig config;
  core::Address local;         // as bound (the port the kernel chose for port 0)
  std::size_t connections = 0; // TCP/TLS connections it carries
};

struct TransportConfig {
  // Every listener; empty: one per transport enabled below, on bind_ip and its port.
  std::vector<ListenConfig> listen;
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
  // TCP/TLS connections accepted from one source address, and in all (each holds a descriptor:
  // without a cap, idle connections exhaust the process's limit, issue 14). More are accepted
  // and closed at once, counted and logged once per interval. The total is held below the
  // process's descriptor limit (RLIMIT_NOFILE less kReservedDescriptors) whatever is asked.
  std::size_t max_connections_per_peer = 8;
  std::size_t max_connections = 256;
  // A connection with nothing in flight is closed after idle_timeout_ms without a complete
  // message; a message once begun (and the first one of an accepted connection) must be
  // complete within message_timeout_ms, however its bytes trickle in (the idle timer no longer
  // restarts on any byte: eight trickling connections locked a host out).
  uint32_t idle_timeout_ms = 600000;
  uint32_t message_timeout_ms = 10000;
  // UDP socket buffers asked for (0: the system's default). A burst of INVITEs larger than the
  // receive buffer is dropped by the kernel unseen (the peer's Timer A then repeats them, RFC
  // 3261 §17.1.1.2): 4 MiB holds about 4,000 INVITEs of 1 KiB.
  int udp_receive_buffer = 4 << 20;
  int udp_send_buffer = 4 << 20;
};

#define MGC_SIPT_TRANSPORT_COUNTERS(X)                                                             \
  X(udp_rx) X(udp_tx) X(tcp_rx) X(tcp_tx) X(tcp_accepted) X(tcp_connected) X(tcp_closed_idle)    \
  X(tcp_refused_limit) X(tcp_overflow) X(malformed_answered) X(malformed_dropped) X(send_errors) \
  X(tls_accepted) X(tls_connected) X(tls_handshake_failed) X(tls_rx) X(tls_tx)                  \
  X(tcp_refused_total) X(tcp_message_timeout)
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
  // Live configuration: a listener opened or closed while running. Closing one keeps the TCP/TLS
  // connections it accepted until they end (calls on them go on); what would have left on it
  // leaves on another listener of its transport and address family.
  Status add_listener(const ListenConfig &l);
  bool remove_listener(const ListenConfig &l);
  std::vector<ListenerInfo> listeners() const;
  // The local address a message to `to` leaves from, for its Via sent-by and Contact (RFC 3261
  // §18.1.1, §8.1.1.8): the connection it goes on, else the UDP listener the peer last reached
  // us on, else the first listener of its transport and address family (a wildcard listener
  // gives the address the kernel routes from). None when no listener can carry it.
  std::optional<core::Address> local_for(const Peer &to);
  // Live configuration: the connection limits and deadlines in force from now on (connections
  // above a lowered limit stay; timers running keep their expiry).
  void set_limits(std::size_t total, std::size_t per_source, uint32_t idle_ms,
                  uint32_t message_ms);
  void stop();
  bool send(std::string_view bytes, const Peer &to);

  // The port of the first listener of each transport (0: none).
  uint16_t udp_port() const { return first_port(TransportKind::Udp); }
  // While a message that came over UDP is being handed out: how long it waited in the socket's
  // receive queue before it was read, ms (the kernel stamps arrivals); -1 otherwise (TCP, TLS).
  double queued_ms() const { return rx_udp_ ? rx_udp_->queued_ms() : -1; }
  // What the kernel granted the first UDP socket (as getsockopt reports it), after start().
  core::UdpSocket::Buffers udp_buffers() const { return udp_buffers_; }
  uint16_t tcp_port() const { return first_port(TransportKind::Tcp); }
  uint16_t tls_port() const { return first_port(TransportKind::Tls); }
  std::size_t connections() const { return conns_.size(); }
  std::size_t max_connections() const { return max_connections_; }
  // Descriptors kept free of SIP connections for everything else of the process (sockets of
  // the other layers, the VTY, the CDR file, libraries).
  static constexpr std::size_t kReservedDescriptors = 64;
  static constexpr uint32_t kRefusalLogIntervalMs = 10000;
  // Source addresses whose listener is remembered one by one (the rest by host only).
  static constexpr std::size_t kMaxRememberedSources = 4096;
  const CounterSet<SipTransportCounter> &counters() const { return counters_; }
  const SipCounters &parse_counters() const { return parse_counters_; }

private:
  struct Conn;
  struct Listening;
  void on_datagram(Listening *l, const core::Address &from, std::span<const uint8_t> datagram);
  void accepted(Listening *l, int fd, const core::Address &from, bool tls);
  Status open(Listening &l);
  Status init_tls();
  uint16_t first_port(TransportKind k) const;
  Listening *listener_for(const Peer &to, const core::Address &dst);
  Conn *conn_to(const Peer &to);
  static int conn_cb(osmo_fd *ofd, unsigned int what);
  void deliver(std::string_view bytes, const Peer &from, Framing framing);
  void close_conn(Conn *c);
  Conn *add_conn(int fd, const Peer &peer, bool connecting, bool server_side = true);
  void arm_idle(Conn *c);            // nothing in flight: idle_timeout_ms
  void arm_message_deadline(Conn *c); // a message begun: message_timeout_ms, not restarted
  void expire(Conn *c);
  std::size_t count_peer(const std::string &host) const;
  // A refusal (connection limit, message deadline) counted; one log line per interval.
  void note_refusal(const char *what, const std::string &host);

  TransportConfig cfg_;
  core::Scheduler &timers_;
  OnMessage on_message_;
  std::vector<std::unique_ptr<Listening>> listening_;
  // The UDP listener each source host last reached us on: answers and requests to it leave
  // from there (the address it knows us by).
  std::map<std::string, Listening *> last_udp_;
  std::map<core::Address, Listening *> last_udp_source_; // by source address and port first
  core::UdpSocket *rx_udp_ = nullptr; // the one whose datagram is being handed out
  core::UdpSocket::Buffers udp_buffers_;
  bool started_ = false;
  void *ssl_ctx_ = nullptr; // SSL_CTX
  bool conn_io(Conn *c, unsigned int what);
  bool tls_io(Conn *c, unsigned int what);
  std::map<Conn *, std::unique_ptr<Conn>> conns_;
  std::size_t max_connections_ = 0; // in force: the configured total, under the fd limit
  uint64_t unlogged_refusals_ = 0;
  int64_t last_refusal_log_ms_ = -1;
  CounterSet<SipTransportCounter> counters_;
  SipCounters parse_counters_;
};

// RFC 3581 §4 / RFC 3261 §18.2.1: adds received= when the top Via's sent-by is not the
// packet's source address, and fills an empty rport with the source port. Returns true if the
// message was changed.
bool stamp_received(Message &m, std::string_view src_ip, uint16_t src_port);

} // namespace mgc::sipt
