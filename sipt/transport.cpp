// RFC 3261 §18 transports on the core socket helpers (UDP socket, TCP/TLS listeners and
// connects) and osmo_fds for the connections; RFC 3581 §4 (rport); §18.3 framing on streams.
#include "sipt/transport.h"

#include "core/log.h"
#include "core/osmo.h"
#include "sipt/dialog.h"
#include "sipt/salvage.h"
#include "sipt/syntax.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mgc::sipt {

// ---------------------------------------------------------------------------------------------
bool stamp_received(Message &m, std::string_view src_ip, uint16_t src_port) {
  if (!m.is_request())
    return false;
  const HeaderField *vf = m.first(HeaderId::Via);
  if (!vf)
    return false;
  const Via &v = m.top_via();
  bool need_received = v.host != src_ip && !(v.host.size() > 2 && v.host.front() == '[' &&
                                             v.host.substr(1, v.host.size() - 2) == src_ip);
  bool need_rport = v.rport && !v.rport_has_value;
  if (!need_received && !need_rport)
    return false;
  // Rewrite the first value of the first Via row; the rest of the row is kept as received.
  std::string_view row = vf->value;
  std::size_t first_len = row.size();
  {
    bool q = false;
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (row[i] == '"')
        q = !q;
      else if (row[i] == ',' && !q) {
        first_len = i;
        break;
      }
    }
  }
  std::string first(trim_lws(row.substr(0, first_len)));
  if (need_rport) {
    // Replace the bare ";rport" (RFC 3581 §4: the server adds the value).
    std::size_t p = 0;
    while ((p = first.find(";rport", p)) != std::string::npos) {
      std::size_t e = p + 6;
      if (e == first.size() || first[e] == ';' || first[e] == ' ') {
        first.insert(e, "=" + std::to_string(src_port));
        break;
      }
      p = e;
    }
  }
  // RFC 3581 §4: with rport, received is added even when sent-by matches the source.
  if (need_received || need_rport)
    if (v.received.empty())
      first += ";received=" + std::string(src_ip);
  std::string value = first + std::string(row.substr(first_len));
  m.set(HeaderId::Via, value);
  return true;
}

// ---------------------------------------------------------------------------------------------
struct Transport::Conn {
  Transport *owner = nullptr;
  SSL *ssl = nullptr;
  osmo_fd ofd{};
  Peer peer;
  std::string in, out;
  bool connecting = false;
  bool in_message = false; // the timer running is the message deadline, not the idle one
  core::Scheduler::Id idle = 0;
  Listening *listener = nullptr; // the one it belongs to (null once that one is closed)
  core::Address local;           // our sent-by on it: the listener's address and port
};

struct Transport::Listening {
  ListenConfig cfg;
  core::Address local; // as bound
  std::unique_ptr<core::UdpSocket> udp;
  std::unique_ptr<core::TcpListener> tcp;
  bool wildcard() const { return local.ip == std::array<uint8_t, 16>{}; }
};

Transport::Transport(TransportConfig cfg, core::Scheduler &timers, OnMessage on_message)
    : cfg_(std::move(cfg)), timers_(timers), on_message_(std::move(on_message)) {
  if (cfg_.listen.empty()) {
    if (cfg_.udp)
      cfg_.listen.push_back({TransportKind::Udp, cfg_.bind_ip, cfg_.udp_port});
    if (cfg_.tcp)
      cfg_.listen.push_back({TransportKind::Tcp, cfg_.bind_ip, cfg_.tcp_port});
    if (cfg_.tls)
      cfg_.listen.push_back({TransportKind::Tls, cfg_.bind_ip, cfg_.tls_port});
  }
}

Transport::~Transport() { stop(); }

namespace {
Peer peer_of(const core::Address &a, TransportKind kind) {
  Peer p;
  p.transport = kind;
  p.host = a.host(); // IPv6 without brackets, as received
  p.port = a.port;
  return p;
}

// The address the kernel sends from toward dst (a connected UDP socket sends nothing): the
// sent-by of a listener bound to the wildcard.
std::optional<core::Address> route_source(const core::Address &dst) {
  const int fd = ::socket(dst.v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return std::nullopt;
  sockaddr_storage ss;
  socklen_t len = dst.to_sockaddr(ss);
  std::optional<core::Address> out;
  core::Address a;
  if (::connect(fd, reinterpret_cast<sockaddr *>(&ss), len) == 0 &&
      (len = sizeof ss, getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len) == 0) &&
      core::Address::from_sockaddr(reinterpret_cast<sockaddr *>(&ss), a))
    out = a;
  ::close(fd);
  return out;
}

const char *open_error(TransportKind k) {
  switch (k) {
  case TransportKind::Udp:
    return "sip.transport_udp_bind";
  case TransportKind::Tcp:
    return "sip.transport_tcp_listen";
  case TransportKind::Tls:
    return "sip.transport_tls_listen";
  }
  return "sip.transport_listen";
}
} // namespace

Status Transport::init_tls() {
  if (ssl_ctx_)
    return Status::Ok();
  SSL_CTX *ctx = SSL_CTX_new(TLS_method());
  if (!ctx)
    return Status("sip.tls_context", 0);
  ssl_ctx_ = ctx;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (!cfg_.tls_cert.empty() &&
      (SSL_CTX_use_certificate_chain_file(ctx, cfg_.tls_cert.c_str()) != 1 ||
       SSL_CTX_use_PrivateKey_file(ctx, cfg_.tls_key.c_str(), SSL_FILETYPE_PEM) != 1))
    return Status("sip.tls_certificate", 0);
  if (!cfg_.tls_ca.empty() && SSL_CTX_load_verify_locations(ctx, cfg_.tls_ca.c_str(), nullptr) != 1)
    return Status("sip.tls_ca", 0);
  SSL_CTX_set_verify(ctx,
                     cfg_.tls_verify_peer ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                                          : SSL_VERIFY_NONE,
                     nullptr);
  return Status::Ok();
}

Status Transport::open(Listening &l) {
  core::Address local;
  if (!core::Address::parse(l.cfg.address, l.cfg.port, local))
    return Status(open_error(l.cfg.transport), 0);
  Listening *lp = &l;
  if (l.cfg.transport == TransportKind::Udp) {
    l.udp = std::make_unique<core::UdpSocket>(
        [this, lp](const core::Address &from, std::span<const uint8_t> d) {
          on_datagram(lp, from, d);
        });
    if (!l.udp->bind(local).ok())
      return Status(open_error(l.cfg.transport), 0);
    l.local = l.udp->local();
    const core::UdpSocket::Buffers b =
        l.udp->set_buffers(cfg_.udp_receive_buffer, cfg_.udp_send_buffer);
    if (first_port(TransportKind::Udp) == l.local.port)
      udp_buffers_ = b;
    // how long each request waited unread: overload control refuses new calls that waited too
    // long (DESIGN.md "Overload")
    (void)l.udp->stamp_arrivals();
    // Linux books twice the size asked and reports that (socket(7)); less means
    // net.core.rmem_max / wmem_max capped it and the process may not force more: worth a notice.
    const auto capped = [](int asked, int got) { return asked > 0 && got < 2 * int64_t(asked); };
    const auto level = capped(cfg_.udp_receive_buffer, b.rcv) || capped(cfg_.udp_send_buffer, b.snd)
                           ? ::mgc::log::Level::Notice
                           : ::mgc::log::Level::Info;
    if (::mgc::log::enabled(::mgc::log::Category::Sip, level))
      ::mgc::log::write(::mgc::log::Category::Sip, level, __FILE__, __LINE__,
                        "UDP %s: receive buffer %d bytes (asked %d), send buffer %d bytes "
                        "(asked %d)",
                        l.local.to_string().c_str(), b.rcv, cfg_.udp_receive_buffer, b.snd,
                        cfg_.udp_send_buffer);
    return Status::Ok();
  }
  const bool tls = l.cfg.transport == TransportKind::Tls;
  if (tls)
    if (Status st = init_tls(); !st.ok())
      return st;
  l.tcp = std::make_unique<core::TcpListener>(
      [this, lp, tls](int fd, const core::Address &from) { accepted(lp, fd, from, tls); });
  if (!l.tcp->listen(local, 64).ok())
    return Status(open_error(l.cfg.transport), 0);
  l.local = l.tcp->local();
  return Status::Ok();
}

Status Transport::start() {
  set_limits(cfg_.max_connections, cfg_.max_connections_per_peer, cfg_.idle_timeout_ms,
             cfg_.message_timeout_ms);
  started_ = true;
  for (const auto &lc : cfg_.listen) {
    auto l = std::make_unique<Listening>();
    l->cfg = lc;
    Listening &ref = *l;
    listening_.push_back(std::move(l));
    if (Status st = open(ref); !st.ok())
      return st;
    MGC_LOG(Sip, Info, "listening on %s %s", std::string(transport_name(lc.transport)).c_str(),
            ref.local.to_string().c_str());
  }
  return Status::Ok();
}

Status Transport::add_listener(const ListenConfig &lc) {
  for (const auto &l : listening_)
    if (l->cfg == lc)
      return Status::Ok();
  auto l = std::make_unique<Listening>();
  l->cfg = lc;
  if (Status st = open(*l); !st.ok()) {
    MGC_LOG(Sip, Error, "cannot listen on %s %s port %u",
            std::string(transport_name(lc.transport)).c_str(), lc.address.c_str(),
            unsigned(lc.port));
    return st;
  }
  MGC_LOG(Sip, Notice, "listening on %s %s", std::string(transport_name(lc.transport)).c_str(),
          l->local.to_string().c_str());
  listening_.push_back(std::move(l));
  cfg_.listen.push_back(lc);
  return Status::Ok();
}

bool Transport::remove_listener(const ListenConfig &lc) {
  auto it = std::find_if(listening_.begin(), listening_.end(),
                         [&](const std::unique_ptr<Listening> &l) { return l->cfg == lc; });
  if (it == listening_.end())
    return false;
  Listening *l = it->get();
  std::erase_if(last_udp_, [l](const auto &e) { return e.second == l; });
  std::erase_if(last_udp_source_, [l](const auto &e) { return e.second == l; });
  std::size_t kept = 0;
  for (auto &[p, c] : conns_)
    if (c->listener == l) {
      c->listener = nullptr;
      ++kept;
    }
  MGC_LOG(Sip, Notice, "no longer listening on %s %s (%zu connections on it kept until they end)",
          std::string(transport_name(lc.transport)).c_str(), l->local.to_string().c_str(), kept);
  if (l->udp)
    l->udp->close();
  if (l->tcp)
    l->tcp->close();
  listening_.erase(it);
  std::erase(cfg_.listen, lc);
  return true;
}

std::vector<ListenerInfo> Transport::listeners() const {
  std::vector<ListenerInfo> out;
  for (const auto &l : listening_) {
    ListenerInfo i{l->cfg, l->local, 0};
    for (const auto &[p, c] : conns_)
      i.connections += c->listener == l.get();
    out.push_back(std::move(i));
  }
  return out;
}

uint16_t Transport::first_port(TransportKind k) const {
  for (const auto &l : listening_)
    if (l->cfg.transport == k)
      return l->local.port;
  return 0;
}

Transport::Listening *Transport::listener_for(const Peer &to, const core::Address &dst) {
  if (to.transport == TransportKind::Udp) {
    if (auto it = last_udp_source_.find(dst); it != last_udp_source_.end())
      return it->second;
    if (auto it = last_udp_.find(to.host); it != last_udp_.end() && it->second->local.v6 == dst.v6)
      return it->second;
  }
  for (const auto &l : listening_)
    if (l->cfg.transport == to.transport && l->local.v6 == dst.v6)
      return l.get();
  return nullptr;
}

Transport::Conn *Transport::conn_to(const Peer &to) {
  for (auto &[p, conn] : conns_)
    if (conn->peer.host == to.host && conn->peer.port == to.port)
      return conn.get();
  return nullptr;
}

std::optional<core::Address> Transport::local_for(const Peer &to) {
  core::Address dst;
  if (!core::Address::parse(to.host, to.port, dst))
    return std::nullopt;
  if (to.transport != TransportKind::Udp)
    if (Conn *c = conn_to(to))
      return c->local;
  Listening *l = listener_for(to, dst);
  if (!l)
    return std::nullopt;
  if (!l->wildcard())
    return l->local;
  auto src = route_source(dst);
  if (src)
    src->port = l->local.port;
  return src;
}

void Transport::set_limits(std::size_t total, std::size_t per_source, uint32_t idle_ms,
                           uint32_t message_ms) {
  cfg_.max_connections = total;
  cfg_.max_connections_per_peer = per_source;
  cfg_.idle_timeout_ms = idle_ms;
  cfg_.message_timeout_ms = message_ms;
  max_connections_ = total;
  rlimit nofile{};
  if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY) {
    const std::size_t room = nofile.rlim_cur > kReservedDescriptors
                                 ? std::size_t(nofile.rlim_cur) - kReservedDescriptors
                                 : 1;
    if (room < max_connections_) {
      MGC_LOG(Sip, Notice,
              "TCP/TLS: at most %zu connections (asked %zu): the descriptor limit is %llu",
              room, max_connections_, static_cast<unsigned long long>(nofile.rlim_cur));
      max_connections_ = room;
    }
  }
}

void Transport::stop() {
  for (auto &l : listening_) {
    if (l->udp)
      l->udp->close();
    if (l->tcp)
      l->tcp->close();
  }
  last_udp_.clear();
  last_udp_source_.clear();
  while (!conns_.empty())
    close_conn(conns_.begin()->first);
  if (ssl_ctx_) {
    SSL_CTX_free(static_cast<SSL_CTX *>(ssl_ctx_));
    ssl_ctx_ = nullptr;
  }
}

namespace {
std::string_view error_reason(const Status &st) {
  SipError e;
  return error_of(st, e) ? error_info(e).reason : std::string_view("Bad Request");
}
} // namespace

void Transport::deliver(std::string_view bytes, const Peer &from, Framing framing) {
  ParseOptions opt;
  opt.framing = framing;
  opt.max_size = cfg_.max_message;
  Message m;
  Status st = parse(bytes, opt, m, &parse_counters_);
  if (!st.ok()) {
    // §21.4.1 / RFC 4475: answer a request we can identify; drop the rest (responses, or
    // requests too broken to carry Via/From/To/Call-ID/CSeq).
    if (m.is_request() && st.code() != 0 && m.first(HeaderId::Via) && m.first(HeaderId::CSeq) &&
        m.first(HeaderId::CallId) && m.method() != Method::ACK) {
      SipError e;
      std::string_view reason = error_of(st, e) ? error_info(e).reason : "Bad Request";
      Message r = make_response(m, st.code(), reason);
      send(r.serialize(), from);
      counters_.inc(SipTransportCounter::malformed_answered);
      MGC_LOG(Sip, Notice, "malformed %.*s from %s:%u (Call-ID %.*s): %d %.*s sent (%.*s)",
              int(m.method_text().size()), m.method_text().data(), from.host.c_str(),
              unsigned(from.port), int(m.call_id().size()), m.call_id().data(), st.code(),
              int(reason.size()), reason.data(), int(st.detail().size()), st.detail().data());
    } else if (std::string r = st.code() != 0 ? salvage_response(bytes, st.code(),
                                                                     error_reason(st), new_tag())
                                                 : std::string();
               !r.empty()) {
      // Broken before its header fields were read (a bad Request-Line: RFC 4475 §3.1.2.7-11,
      // §3.1.2.16 SIP/7.0 -> 505) or missing one a response copies (§3.3.1): answered from the
      // raw rows (salvage.h) instead of dropped, as §8.2 and §21.4.1 / §21.5.6 want.
      send(r, from);
      counters_.inc(SipTransportCounter::malformed_answered);
      MGC_LOG(Sip, Notice, "malformed request from %s:%u: %d %.*s sent (%.*s)", from.host.c_str(),
              unsigned(from.port), st.code(), int(error_reason(st).size()),
              error_reason(st).data(), int(st.detail().size()), st.detail().data());
    } else {
      counters_.inc(SipTransportCounter::malformed_dropped);
      MGC_LOG(Sip, Info, "malformed message from %s:%u dropped (%.*s)", from.host.c_str(),
              unsigned(from.port), int(st.detail().size()), st.detail().data());
    }
    return;
  }
  stamp_received(m, from.host, from.port);
  on_message_(m, from);
}

void Transport::on_datagram(Listening *l, const core::Address &from,
                            std::span<const uint8_t> datagram) {
  counters_.inc(SipTransportCounter::udp_rx);
  std::string_view data(reinterpret_cast<const char *>(datagram.data()), datagram.size());
  // A bare CRLF keep-alive (RFC 5626 §3.5.1) carries no message.
  if (trim_lws(data).empty())
    return;
  const Peer from_peer = peer_of(from, TransportKind::Udp);
  // Remembered for a bounded number of sources (a flood of spoofed ones must not grow it); one
  // not remembered is answered from the first listener of its address family.
  if (last_udp_.size() < kMaxRememberedSources || last_udp_.count(from_peer.host))
    last_udp_[from_peer.host] = l;
  if (last_udp_source_.size() < kMaxRememberedSources || last_udp_source_.count(from))
    last_udp_source_[from] = l;
  rx_udp_ = l->udp.get();
  deliver(data, from_peer, Framing::Datagram);
  rx_udp_ = nullptr;
}

std::size_t Transport::count_peer(const std::string &host) const {
  std::size_t n = 0;
  for (auto &[p, c] : conns_)
    n += c->peer.host == host;
  return n;
}

Transport::Conn *Transport::add_conn(int fd, const Peer &peer, bool connecting,
                                    bool server_side) {
  auto c = std::make_unique<Conn>();
  c->owner = this;
  c->peer = peer;
  c->connecting = connecting;
  if (peer.transport == TransportKind::Tls) {
    c->ssl = SSL_new(static_cast<SSL_CTX *>(ssl_ctx_));
    SSL_set_fd(c->ssl, fd);
    if (server_side) {
      SSL_set_accept_state(c->ssl);
    } else {
      SSL_set_connect_state(c->ssl);
      if (cfg_.tls_verify_peer) {
        // RFC 5922 §7.2: the certificate must name the peer we meant to reach (here always an
        // address: names are resolved above the transport), not just chain to a trusted CA.
        std::string host = peer.host;
        if (host.size() > 2 && host.front() == '[')
          host = host.substr(1, host.size() - 2);
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), host.c_str());
      }
    }
    connecting = true; // drive the handshake from the first writable event
  }
  osmo_fd_setup(&c->ofd, fd, OSMO_FD_READ | (connecting ? OSMO_FD_WRITE : 0),
                &Transport::conn_cb, c.get(), 0);
  osmo_fd_register(&c->ofd);
  Conn *raw = c.get();
  conns_.emplace(raw, std::move(c));
  // An accepted connection owes us its first message within the message deadline; one we
  // opened carries our requests and waits idle for their answers.
  if (server_side)
    arm_message_deadline(raw);
  else
    arm_idle(raw);
  return raw;
}

void Transport::arm_idle(Conn *c) {
  if (c->idle)
    timers_.stop(c->idle);
  c->in_message = false;
  c->idle = timers_.start(cfg_.idle_timeout_ms, [this, c] {
    c->idle = 0;
    counters_.inc(SipTransportCounter::tcp_closed_idle);
    close_conn(c);
  });
}

void Transport::arm_message_deadline(Conn *c) {
  if (c->idle)
    timers_.stop(c->idle);
  c->in_message = true;
  c->idle = timers_.start(cfg_.message_timeout_ms, [this, c] { expire(c); });
}

void Transport::expire(Conn *c) {
  c->idle = 0;
  counters_.inc(SipTransportCounter::tcp_message_timeout);
  note_refusal("message not complete within the deadline, connection closed", c->peer.host);
  close_conn(c);
}

void Transport::note_refusal(const char *what, const std::string &host) {
  ++unlogged_refusals_;
  const int64_t now = int64_t(timers_.now_ms());
  if (last_refusal_log_ms_ >= 0 && now - last_refusal_log_ms_ < kRefusalLogIntervalMs)
    return;
  MGC_LOG(Sip, Notice,
          "TCP/TLS from %s: %s (%llu refusal(s) since the last line; %zu connections, at most "
          "%zu, %zu per source)",
          host.c_str(), what, static_cast<unsigned long long>(unlogged_refusals_), conns_.size(),
          max_connections_, cfg_.max_connections_per_peer);
  unlogged_refusals_ = 0;
  last_refusal_log_ms_ = now;
}

void Transport::close_conn(Conn *c) {
  auto it = conns_.find(c);
  if (it == conns_.end())
    return;
  if (c->idle)
    timers_.stop(c->idle);
  osmo_fd_unregister(&c->ofd);
  if (c->ssl)
    SSL_free(c->ssl);
  close(c->ofd.fd);
  conns_.erase(it);
}

void Transport::accepted(Listening *l, int fd, const core::Address &from, bool tls) {
  Peer p = peer_of(from, tls ? TransportKind::Tls : TransportKind::Tcp);
  // Accepted and closed at once beyond the limits: the backlog empties and the listener is not
  // left readable (no busy loop), and the peer learns at once.
  if (conns_.size() >= max_connections_) {
    counters_.inc(SipTransportCounter::tcp_refused_total);
    close(fd);
    note_refusal("connection refused: the total limit is reached", p.host);
    return;
  }
  if (count_peer(p.host) >= cfg_.max_connections_per_peer) {
    counters_.inc(SipTransportCounter::tcp_refused_limit);
    close(fd);
    note_refusal("connection refused: the per-source limit is reached", p.host);
    return;
  }
  counters_.inc(tls ? SipTransportCounter::tls_accepted : SipTransportCounter::tcp_accepted);
  Conn *c = add_conn(fd, p, false, true);
  c->listener = l;
  c->local = l->local;
  if (l->wildcard()) {
    // Our sent-by on it is the address the peer reached (RFC 3261 §18.2.1).
    sockaddr_storage ss;
    socklen_t len = sizeof ss;
    core::Address a;
    if (getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len) == 0 &&
        core::Address::from_sockaddr(reinterpret_cast<sockaddr *>(&ss), a))
      c->local = a;
  }
}

// Plain TCP: write what is queued, read what arrived. False if the connection is gone.
bool Transport::conn_io(Conn *c, unsigned int what) {
  osmo_fd *ofd = &c->ofd;
  if (what & OSMO_FD_WRITE) {
    c->connecting = false;
    while (!c->out.empty()) {
      ssize_t n = ::send(ofd->fd, c->out.data(), c->out.size(), MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
          break;
        counters_.inc(SipTransportCounter::send_errors);
        MGC_LOG(Sip, Notice, "TCP to %s:%u: send failed: %s, connection closed",
                c->peer.host.c_str(), unsigned(c->peer.port), std::strerror(errno));
        close_conn(c);
        return false;
      }
      c->out.erase(0, std::size_t(n));
    }
    if (c->out.empty())
      osmo_fd_write_disable(ofd);
  }
  if (what & OSMO_FD_READ) {
    char buf[16384];
    ssize_t n = recv(ofd->fd, buf, sizeof(buf), 0);
    if (n <= 0) {
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return true;
      close_conn(c);
      return false;
    }
    c->in.append(buf, std::size_t(n));
  }
  return true;
}

// TLS: the handshake, then SSL_write / SSL_read; WANT_READ / WANT_WRITE toggle the write
// interest of the osmo_fd (PLATFORM.md).
bool Transport::tls_io(Conn *c, unsigned int) {
  SSL *ssl = c->ssl;
  auto want = [&](int r) {
    int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_WANT_WRITE) {
      osmo_fd_write_enable(&c->ofd);
      return true;
    }
    if (e == SSL_ERROR_WANT_READ) {
      if (c->out.empty())
        osmo_fd_write_disable(&c->ofd);
      return true;
    }
    return false;
  };
  if (!SSL_is_init_finished(ssl)) {
    int r = SSL_do_handshake(ssl);
    if (r <= 0) {
      if (want(r))
        return true;
      counters_.inc(SipTransportCounter::tls_handshake_failed);
      char why[256] = "no detail";
      if (unsigned long e = ERR_peek_last_error())
        ERR_error_string_n(e, why, sizeof why);
      MGC_LOG(Sip, Notice, "TLS with %s:%u: handshake failed: %s", c->peer.host.c_str(),
              unsigned(c->peer.port), why);
      ERR_clear_error();
      close_conn(c);
      return false;
    }
    c->connecting = false;
  }
  while (!c->out.empty()) {
    int n = SSL_write(ssl, c->out.data(), int(c->out.size()));
    if (n <= 0) {
      if (want(n))
        break;
      counters_.inc(SipTransportCounter::send_errors);
      MGC_LOG(Sip, Notice, "TLS to %s:%u: write failed, connection closed", c->peer.host.c_str(),
              unsigned(c->peer.port));
      close_conn(c);
      return false;
    }
    c->out.erase(0, std::size_t(n));
  }
  if (c->out.empty())
    osmo_fd_write_disable(&c->ofd);
  char buf[16384];
  while (true) {
    int n = SSL_read(ssl, buf, sizeof(buf));
    if (n > 0) {
      c->in.append(buf, std::size_t(n));
      continue;
    }
    if (want(n))
      break;
    ERR_clear_error();
    close_conn(c); // close_notify or error
    return false;
  }
  return true;
}

int Transport::conn_cb(osmo_fd *ofd, unsigned int what) {
  auto *c = static_cast<Conn *>(ofd->data);
  Transport *self = c->owner;
  std::size_t before = c->in.size();
  if (!(c->ssl ? self->tls_io(c, what) : self->conn_io(c, what)))
    return -EBADF;
  if (c->in.size() == before)
    return 0;
  bool delivered = false;
  // §18.3: each message ends Content-Length octets after its header section.
  while (true) {
    std::size_t skip = 0, len = 0;
    Status st = frame(c->in, self->cfg_.max_message, skip, len);
    if (!st.ok()) {
      self->counters_.inc(SipTransportCounter::tcp_overflow);
      MGC_LOG(Sip, Notice, "%s from %s:%u: framing lost (%.*s), connection closed",
              c->ssl ? "TLS" : "TCP", c->peer.host.c_str(), unsigned(c->peer.port),
              int(st.detail().size()), st.detail().data());
      self->close_conn(c); // no way to find the next message boundary
      return -EBADF;
    }
    if (len == 0) {
      if (skip == c->in.size())
        c->in.clear();
      break;
    }
    self->counters_.inc(c->ssl ? SipTransportCounter::tls_rx : SipTransportCounter::tcp_rx);
    std::string msg = c->in.substr(skip, len);
    c->in.erase(0, skip + len);
    Peer from = c->peer;
    delivered = true;
    self->deliver(msg, from, Framing::Stream);
    if (self->conns_.find(c) == self->conns_.end())
      return -EBADF;
  }
  // Only a complete message renews the connection: the rest of one (or the start of the next)
  // runs on a deadline that later bytes do not move.
  if (!c->in.empty() && (delivered || !c->in_message))
    self->arm_message_deadline(c);
  else if (c->in.empty() && (delivered || !c->in_message))
    self->arm_idle(c); // a message, or a keep-alive CRLF (RFC 5626 §3.5.1) between messages
  return 0;
}

bool Transport::send(std::string_view bytes, const Peer &to) {
  // Names are resolved above the transport (no DNS on the loop, DESIGN.md).
  core::Address dst;
  if (!core::Address::parse(to.host, to.port, dst))
    return false;
  if (to.transport == TransportKind::Udp) {
    Listening *l = listener_for(to, dst);
    if (!l || !l->udp || !l->udp->is_open())
      return false;
    if (int err = l->udp->send_to(
            dst, std::span<const uint8_t>(reinterpret_cast<const uint8_t *>(bytes.data()),
                                          bytes.size()))) {
      counters_.inc(SipTransportCounter::send_errors);
      MGC_LOG(Sip, Notice, "UDP to %s:%u: send failed: %s", to.host.c_str(), unsigned(to.port),
              std::strerror(err));
      return false;
    }
    counters_.inc(SipTransportCounter::udp_tx);
    return true;
  }
  if (to.transport == TransportKind::Tls && !ssl_ctx_)
    return false;
  Conn *c = conn_to(to);
  if (!c) {
    if (count_peer(to.host) >= cfg_.max_connections_per_peer) {
      counters_.inc(SipTransportCounter::tcp_refused_limit);
      return false;
    }
    // From the listener of its transport and address family (RFC 3261 §18.1.1: the Via names
    // where we listen), bound to its address unless that is the wildcard.
    Listening *l = listener_for(to, dst);
    const std::optional<core::Address> local = local_for(to);
    core::Address from;
    if (l && !l->wildcard()) {
      from = l->local;
      from.port = 0;
    }
    int fd = core::tcp_connect(dst, l && !l->wildcard() ? &from : nullptr);
    if (fd < 0) {
      MGC_LOG(Sip, Notice, "%s to %s:%u: connect failed: %s",
              std::string(transport_name(to.transport)).c_str(), to.host.c_str(), unsigned(to.port),
              std::strerror(errno));
      counters_.inc(SipTransportCounter::send_errors);
      return false;
    }
    counters_.inc(to.transport == TransportKind::Tls ? SipTransportCounter::tls_connected
                                                     : SipTransportCounter::tcp_connected);
    c = add_conn(fd, to, true, false);
    c->listener = l;
    if (local)
      c->local = *local;
  }
  c->out.append(bytes);
  osmo_fd_write_enable(&c->ofd);
  if (!c->in_message)
    arm_idle(c); // our own traffic keeps a connection in use; a peer's half message does not
  counters_.inc(c->ssl ? SipTransportCounter::tls_tx : SipTransportCounter::tcp_tx);
  return true;
}

} // namespace mgc::sipt
