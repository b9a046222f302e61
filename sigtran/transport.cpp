// TCP and usrsctp transports for M3UA (see transport.h).
#include "sigtran/transport.h"

#include "core/log.h"
#include "core/osmo.h"
#include "core/tcp_socket.h"
#include "core/timer.h"
#include "sigtran/kernel_sctp.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <usrsctp.h>

namespace mgc::sigtran {

std::string_view transport_name(TransportProto p) {
  static constexpr std::string_view n[] = {"tcp", "sctp-udp", "sctp-raw", "sctp-kernel"};
  return n[int(p)];
}
bool transport_by_name(std::string_view s, TransportProto &out) {
  for (int i = 0; i < 4; ++i)
    if (transport_name(TransportProto(i)) == s) {
      out = TransportProto(i);
      return true;
    }
  return false;
}

bool kernel_sctp_available(std::string *why) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 132 /* IPPROTO_SCTP */);
  if (fd < 0) {
    if (why)
      *why = std::string("socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP): ") + std::strerror(errno);
    return false;
  }
  ::close(fd);
  return true;
}

namespace {
// Largest M3UA message accepted on TCP: a BEAT may carry up to 64 KiB of data; anything
// beyond means the stream lost its framing.
constexpr uint32_t kMaxTcpFrame = 1 << 20;
constexpr std::size_t kRxChunk = 65536;

// "tcp to 127.0.0.1:2906" / "sctp-udp server on :2905", for the log lines below.
std::string describe(const EndpointConfig &cfg) {
  std::string s(transport_name(cfg.proto));
  if (cfg.server)
    return s + " server on :" + std::to_string(cfg.local_port);
  s += " to";
  for (const auto &a : cfg.remote_addrs)
    s += " " + a;
  return s + ":" + std::to_string(cfg.remote_port);
}

bool parse_v4(const std::string &a, uint16_t port, sockaddr_in &out) {
  std::memset(&out, 0, sizeof out);
  out.sin_family = AF_INET;
  out.sin_port = htons(port);
  return inet_pton(AF_INET, a.c_str(), &out.sin_addr) == 1;
}
} // namespace

struct Conn;

struct Endpoint {
  EndpointConfig cfg;
  int index = 0;
  // TCP
  std::unique_ptr<core::TcpListener> tcp_listener;
  // kernel SCTP
  osmo_fd listen_ofd{};
  bool listening = false;
  uint16_t bound_port = 0;
  // usrsctp
  struct socket *listen_so = nullptr;
  // client
  std::unique_ptr<core::Timer> reconnect;
  uint32_t backoff_ms = 0;
  Conn *client = nullptr;
  Transports::Impl *impl = nullptr;
};

struct Conn : Association {
  Transports::Impl *impl = nullptr;
  Endpoint *ep = nullptr;
  int link = -1;
  bool sctp = false;   // usrsctp socket
  bool kernel = false; // kernel SCTP socket on an osmo_fd
  bool up = false;
  bool dead = false;
  // TCP
  osmo_fd ofd{};
  std::vector<uint8_t> rx;
  std::size_t rx_off = 0;
  std::deque<std::vector<uint8_t>> txq; // TCP: bytes; SCTP: [stream hi, stream lo, payload]
  std::size_t tx_off = 0;
  // TCP: while received frames are being handled, answers are gathered and written with one
  // send() afterwards (an SGP echoing a burst of DATA writes it back in one segment).
  bool corked = false;
  std::vector<uint8_t> cork;
  // usrsctp
  struct socket *so = nullptr;
  uint16_t ostreams = 1;
  std::vector<uint8_t> partial;

  void send(uint16_t stream, std::span<const uint8_t> msg) override;
  uint16_t out_streams() const override { return sctp || kernel ? ostreams : 1; }
  void abort() override;
};

struct Transports::Impl {
  Node &node;
  mgc::CounterSet<SigtranTransportCounter> counters;
  std::vector<std::unique_ptr<Endpoint>> eps;
  std::vector<std::unique_ptr<Conn>> conns;
  std::vector<std::unique_ptr<Conn>> dead;
  bool sctp_ready = false;
  SctpStackConfig sctp_cfg;
  osmo_fd event_ofd{};
  int event_fd = -1;

  explicit Impl(Node &n) : node(n) {}
  ~Impl();

  void reap() { dead.clear(); }
  void kill(Conn *c, bool notify);
  void schedule_reconnect(Endpoint &ep);
  void connect(Endpoint &ep);
  int free_link(Endpoint &ep) const;
  Conn *add_conn(Endpoint &ep, int link);

  // TCP
  mgc::Status tcp_listen(Endpoint &ep);
  void tcp_connect(Endpoint &ep);
  void tcp_accepted(Endpoint &ep, int fd);
  static int tcp_conn_cb(osmo_fd *ofd, unsigned what);
  void tcp_read(Conn &c);
  void tcp_flush(Conn &c);
  void uncork(Conn &c);
  void tcp_up(Conn &c);

  // kernel SCTP
  mgc::Status kernel_listen(Endpoint &ep);
  void kernel_connect(Endpoint &ep);
  static int kernel_listen_cb(osmo_fd *ofd, unsigned what);
  static int kernel_conn_cb(osmo_fd *ofd, unsigned what);
  void kernel_read(Conn &c);
  void kernel_flush(Conn &c);
  void kernel_up(Conn &c, uint16_t ostreams);

  // usrsctp
  mgc::Status sctp_listen(Endpoint &ep);
  void sctp_connect(Endpoint &ep);
  mgc::Status sctp_prepare(struct socket *so, const EndpointConfig &cfg);
  static void sctp_upcall(struct socket *, void *arg, int);
  static int event_cb(osmo_fd *ofd, unsigned what);
  void sctp_poll();
  void sctp_read(Conn &c);
  void sctp_flush(Conn &c);
  void sctp_up(Conn &c, uint16_t ostreams);
};

// ---------------------------------------------------------------------------------------------
// common

void Conn::abort() {
  // The Node asked (BEAT unanswered): it has already taken the link down.
  impl->kill(this, false);
}

void Transports::Impl::kill(Conn *c, bool notify) {
  if (c->dead)
    return;
  c->dead = true;
  // Association up and down are the Node's M-SCTP_ESTABLISH/RELEASE lines (notice); here the
  // transport's detail, at info; a connect attempt that fails again is debug (it repeats).
  if (c->up)
    MGC_LOG(M3ua, Info, "link %d: association %s closed%s", c->link, describe(c->ep->cfg).c_str(),
            c->ep->cfg.server ? "" : ", reconnecting");
  else
    MGC_LOG(M3ua, Debug, "link %d: association %s not established", c->link,
            describe(c->ep->cfg).c_str());
  if (c->up && notify)
    node.link_down(c->link);
  c->up = false;
  counters.inc(SigtranTransportCounter::disconnects);
  if (c->sctp) {
    if (c->so)
      usrsctp_close(c->so);
    c->so = nullptr;
  } else if (c->ofd.fd >= 0) {
    osmo_fd_unregister(&c->ofd);
    ::close(c->ofd.fd);
    c->ofd.fd = -1;
  }
  Endpoint *ep = c->ep;
  for (auto it = conns.begin(); it != conns.end(); ++it)
    if (it->get() == c) {
      dead.push_back(std::move(*it));
      conns.erase(it);
      break;
    }
  if (!ep->cfg.server) {
    ep->client = nullptr;
    schedule_reconnect(*ep);
  }
}

void Transports::Impl::schedule_reconnect(Endpoint &ep) {
  // Exponential backoff between attempts, reset by a successful association.
  ep.backoff_ms = ep.backoff_ms ? std::min(ep.backoff_ms * 2, ep.cfg.reconnect_max_ms)
                                : ep.cfg.reconnect_min_ms;
  ep.reconnect->start(ep.backoff_ms);
}

void Transports::Impl::connect(Endpoint &ep) {
  if (ep.cfg.proto == TransportProto::Tcp)
    tcp_connect(ep);
  else if (ep.cfg.proto == TransportProto::SctpKernel)
    kernel_connect(ep);
  else
    sctp_connect(ep);
}

int Transports::Impl::free_link(Endpoint &ep) const {
  for (int l : ep.cfg.links) {
    bool busy = false;
    for (const auto &c : conns)
      busy |= c->link == l && !c->dead;
    if (!busy)
      return l;
  }
  return -1;
}

Conn *Transports::Impl::add_conn(Endpoint &ep, int link) {
  auto c = std::make_unique<Conn>();
  c->impl = this;
  c->ep = &ep;
  c->link = link;
  c->ofd.fd = -1;
  conns.push_back(std::move(c));
  return conns.back().get();
}

Transports::Impl::~Impl() {
  for (auto &c : conns) {
    if (c->up)
      node.link_down(c->link);
    c->up = false;
    if (c->sctp && c->so)
      usrsctp_close(c->so);
    if (!c->sctp && c->ofd.fd >= 0) {
      osmo_fd_unregister(&c->ofd);
      ::close(c->ofd.fd);
    }
  }
  for (auto &ep : eps) {
    ep->reconnect->stop();
    if (ep->tcp_listener)
      ep->tcp_listener->close();
    if (ep->listening) {
      osmo_fd_unregister(&ep->listen_ofd);
      ::close(ep->listen_ofd.fd);
    }
    if (ep->listen_so)
      usrsctp_close(ep->listen_so);
  }
  if (event_fd >= 0) {
    osmo_fd_unregister(&event_ofd);
    ::close(event_fd);
  }
  // usrsctp_finish() is not called: its threads may still hold sockets being torn down, and
  // the process is about to exit anyway.
}

// ---------------------------------------------------------------------------------------------
// TCP

mgc::Status Transports::Impl::tcp_listen(Endpoint &ep) {
  core::Address local;
  if (!core::Address::parse(ep.cfg.local_addrs.at(0), ep.cfg.local_port, local))
    return mgc::Status("sigtran.bad_address", 0);
  ep.tcp_listener =
      std::make_unique<core::TcpListener>([this, &ep](int fd, const core::Address &) {
        tcp_accepted(ep, fd);
      });
  if (!ep.tcp_listener->listen(local, 16).ok())
    return mgc::Status("sigtran.listen_failed", 0);
  ep.bound_port = ep.tcp_listener->local().port;
  return mgc::Status::Ok();
}

void Transports::Impl::tcp_accepted(Endpoint &ep, int fd) {
  reap();
  int link = free_link(ep);
  if (link < 0) {
    counters.inc(SigtranTransportCounter::accept_no_free_link);
    ::close(fd);
    return;
  }
  counters.inc(SigtranTransportCounter::accepts);
  Conn *c = add_conn(ep, link);
  osmo_fd_setup(&c->ofd, fd, OSMO_FD_READ, &Impl::tcp_conn_cb, c, 0);
  osmo_fd_register(&c->ofd);
  tcp_up(*c);
}

void Transports::Impl::tcp_connect(Endpoint &ep) {
  core::Address remote, local;
  if (!core::Address::parse(ep.cfg.remote_addrs.at(0), ep.cfg.remote_port, remote) ||
      !core::Address::parse(ep.cfg.local_addrs.at(0), ep.cfg.local_port, local)) {
    counters.inc(SigtranTransportCounter::connect_failures);
    return;
  }
  int fd = core::tcp_connect(remote, &local); // binds the configured address only
  Conn *c = add_conn(ep, ep.cfg.links.at(0));
  ep.client = c;
  if (fd < 0) {
    counters.inc(SigtranTransportCounter::connect_failures);
    kill(c, false);
    return;
  }
  osmo_fd_setup(&c->ofd, fd, OSMO_FD_READ | OSMO_FD_WRITE, &Impl::tcp_conn_cb, c, 0);
  osmo_fd_register(&c->ofd);
}

void Transports::Impl::tcp_up(Conn &c) {
  int one = 1;
  setsockopt(c.ofd.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c.up = true;
  c.ep->backoff_ms = 0;
  counters.inc(SigtranTransportCounter::connects);
  MGC_LOG(M3ua, Info, "link %d: association %s established, %u outbound streams", c.link,
          describe(c.ep->cfg).c_str(), unsigned(c.out_streams()));
  node.link_up(c.link, c);
}

int Transports::Impl::tcp_conn_cb(osmo_fd *ofd, unsigned what) {
  Conn &c = *static_cast<Conn *>(ofd->data);
  Impl &im = *c.impl;
  im.reap();
  if (!c.up && (what & OSMO_FD_WRITE)) { // connect() finished
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(ofd->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err) {
      im.counters.inc(SigtranTransportCounter::connect_failures);
      im.kill(&c, false);
      return -EBADF;
    }
    osmo_fd_write_disable(ofd);
    im.tcp_up(c);
    return 0;
  }
  if (what & OSMO_FD_WRITE)
    im.tcp_flush(c);
  if (!c.dead && (what & OSMO_FD_READ))
    im.tcp_read(c);
  return c.dead ? -EBADF : 0;
}

void Transports::Impl::tcp_read(Conn &c) {
  std::size_t old = c.rx.size();
  c.rx.resize(old + kRxChunk);
  ssize_t n = ::recv(c.ofd.fd, c.rx.data() + old, kRxChunk, 0);
  if (n <= 0) {
    c.rx.resize(old);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
      return;
    kill(&c, true);
    return;
  }
  c.rx.resize(old + std::size_t(n));
  // M3UA frames itself on TCP: the common header's length (§3.1.4); a read may end anywhere.
  c.corked = true;
  while (!c.dead && c.rx.size() - c.rx_off >= m3ua::kHeaderLen) {
    std::span<const uint8_t> avail(c.rx.data() + c.rx_off, c.rx.size() - c.rx_off);
    uint32_t len = m3ua::peek_length(avail);
    if (len < m3ua::kHeaderLen || len > kMaxTcpFrame) {
      // The byte stream lost its framing: nothing after this point can be trusted.
      counters.inc(SigtranTransportCounter::tcp_bad_length);
      MGC_LOG(M3ua, Notice, "link %d: M3UA message length %u on %s: framing lost, closing", c.link,
              len, describe(c.ep->cfg).c_str());
      node.link_rx(c.link, 0, avail.first(m3ua::kHeaderLen)); // answered with ERR
      uncork(c);
      kill(&c, true);
      return;
    }
    if (avail.size() < len)
      break;
    counters.inc(SigtranTransportCounter::rx_frames);
    c.rx_off += len;
    node.link_rx(c.link, 0, avail.first(len));
  }
  uncork(c);
  if (c.rx_off == c.rx.size()) {
    c.rx.clear();
    c.rx_off = 0;
  } else if (c.rx_off > kRxChunk) {
    c.rx.erase(c.rx.begin(), c.rx.begin() + long(c.rx_off));
    c.rx_off = 0;
  }
}

void Transports::Impl::uncork(Conn &c) {
  c.corked = false;
  if (c.cork.empty() || c.dead)
    return;
  std::vector<uint8_t> b;
  b.swap(c.cork);
  c.send(0, b);
}

void Transports::Impl::tcp_flush(Conn &c) {
  while (!c.txq.empty()) {
    auto &b = c.txq.front();
    ssize_t n = ::send(c.ofd.fd, b.data() + c.tx_off, b.size() - c.tx_off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN)
        break;
      kill(&c, true);
      return;
    }
    c.tx_off += std::size_t(n);
    if (c.tx_off < b.size())
      break;
    c.txq.pop_front();
    c.tx_off = 0;
  }
  if (c.txq.empty())
    osmo_fd_write_disable(&c.ofd);
  else
    osmo_fd_write_enable(&c.ofd);
}

void Conn::send(uint16_t stream, std::span<const uint8_t> msg) {
  if (dead)
    return;
  impl->counters.inc(SigtranTransportCounter::tx_frames);
  if (kernel) {
    if (txq.empty()) {
      int err = 0;
      if (kernel_sctp::send(ofd.fd, stream, m3ua::kPpid, msg, err))
        return;
      if (err != EAGAIN && err != EWOULDBLOCK)
        return; // the read side sees the association go
    }
    std::vector<uint8_t> q;
    q.reserve(msg.size() + 2);
    q.push_back(uint8_t(stream >> 8));
    q.push_back(uint8_t(stream));
    q.insert(q.end(), msg.begin(), msg.end());
    txq.push_back(std::move(q));
    impl->counters.inc(SigtranTransportCounter::tx_queued);
    osmo_fd_write_enable(&ofd);
    return;
  }
  if (!sctp) {
    if (corked) {
      cork.insert(cork.end(), msg.begin(), msg.end());
      return;
    }
    if (txq.empty()) {
      ssize_t n = ::send(ofd.fd, msg.data(), msg.size(), MSG_NOSIGNAL);
      if (n == ssize_t(msg.size()))
        return;
      if (n < 0 && errno != EAGAIN)
        return; // the read side sees the error and takes the link down
      std::size_t done = n > 0 ? std::size_t(n) : 0;
      txq.emplace_back(msg.begin() + long(done), msg.end());
    } else {
      txq.emplace_back(msg.begin(), msg.end());
    }
    impl->counters.inc(SigtranTransportCounter::tx_queued);
    osmo_fd_write_enable(&ofd);
    return;
  }
  if (txq.empty()) {
    sctp_sndinfo si{};
    si.snd_sid = stream;
    si.snd_ppid = htonl(m3ua::kPpid);
    ssize_t n = usrsctp_sendv(so, msg.data(), msg.size(), nullptr, 0, &si, sizeof si,
                              SCTP_SENDV_SNDINFO, 0);
    if (n >= 0)
      return;
    if (errno != EWOULDBLOCK && errno != EAGAIN)
      return;
  }
  // The send buffer is full: keep the message (with its stream) until usrsctp wakes us.
  std::vector<uint8_t> q;
  q.reserve(msg.size() + 2);
  q.push_back(uint8_t(stream >> 8));
  q.push_back(uint8_t(stream));
  q.insert(q.end(), msg.begin(), msg.end());
  txq.push_back(std::move(q));
  impl->counters.inc(SigtranTransportCounter::tx_queued);
}

// ---------------------------------------------------------------------------------------------
// kernel SCTP (one-to-one sockets on osmo_fds; see kernel_sctp.h)

mgc::Status Transports::Impl::kernel_listen(Endpoint &ep) {
  std::string err;
  int fd = kernel_sctp::open_bound(ep.cfg.local_addrs, ep.cfg.local_port, ep.cfg.streams, err);
  if (fd < 0 || ::listen(fd, 16) < 0) {
    if (fd >= 0)
      ::close(fd);
    return mgc::Status("sigtran.listen_failed", 0);
  }
  ep.bound_port = ep.cfg.local_port;
  osmo_fd_setup(&ep.listen_ofd, fd, OSMO_FD_READ, &Impl::kernel_listen_cb, &ep, 0);
  osmo_fd_register(&ep.listen_ofd);
  ep.listening = true;
  return mgc::Status::Ok();
}

int Transports::Impl::kernel_listen_cb(osmo_fd *ofd, unsigned) {
  Endpoint &ep = *static_cast<Endpoint *>(ofd->data);
  Impl &im = *ep.impl;
  im.reap();
  int fd = ::accept4(ofd->fd, nullptr, nullptr, SOCK_NONBLOCK);
  if (fd < 0)
    return 0;
  int link = im.free_link(ep);
  if (link < 0) {
    im.counters.inc(SigtranTransportCounter::accept_no_free_link);
    ::close(fd);
    return 0;
  }
  im.counters.inc(SigtranTransportCounter::accepts);
  Conn *c = im.add_conn(ep, link);
  c->kernel = true;
  osmo_fd_setup(&c->ofd, fd, OSMO_FD_READ, &Impl::kernel_conn_cb, c, 0);
  osmo_fd_register(&c->ofd);
  im.kernel_up(*c, kernel_sctp::out_streams(fd));
  return 0;
}

void Transports::Impl::kernel_connect(Endpoint &ep) {
  std::string err;
  int fd = kernel_sctp::open_bound(ep.cfg.local_addrs, ep.cfg.local_port, ep.cfg.streams, err);
  if (fd < 0) {
    counters.inc(SigtranTransportCounter::connect_failures);
    schedule_reconnect(ep);
    return;
  }
  Conn *c = add_conn(ep, ep.cfg.links.at(0));
  c->kernel = true;
  ep.client = c;
  // The association's COMM_UP (or CANT_STR_ASSOC) arrives as a notification to read.
  osmo_fd_setup(&c->ofd, fd, OSMO_FD_READ, &Impl::kernel_conn_cb, c, 0);
  osmo_fd_register(&c->ofd);
  if (!kernel_sctp::connect_all(fd, ep.cfg.remote_addrs, ep.cfg.remote_port)) {
    counters.inc(SigtranTransportCounter::connect_failures);
    kill(c, false);
  }
}

void Transports::Impl::kernel_up(Conn &c, uint16_t ostreams) {
  if (c.up)
    return;
  c.up = true;
  c.ostreams = ostreams ? ostreams : c.ep->cfg.streams;
  c.ep->backoff_ms = 0;
  counters.inc(SigtranTransportCounter::connects);
  MGC_LOG(M3ua, Info, "link %d: association %s established, %u outbound streams", c.link,
          describe(c.ep->cfg).c_str(), unsigned(c.out_streams()));
  node.link_up(c.link, c);
}

int Transports::Impl::kernel_conn_cb(osmo_fd *ofd, unsigned what) {
  Conn &c = *static_cast<Conn *>(ofd->data);
  Impl &im = *c.impl;
  im.reap();
  if (what & OSMO_FD_WRITE)
    im.kernel_flush(c);
  if (!c.dead && (what & OSMO_FD_READ))
    im.kernel_read(c);
  return c.dead ? -EBADF : 0;
}

void Transports::Impl::kernel_read(Conn &c) {
  uint8_t buf[kRxChunk];
  for (int budget = 0; budget < 256 && !c.dead; ++budget) {
    kernel_sctp::RxInfo r = kernel_sctp::recv(c.ofd.fd, buf, sizeof buf);
    switch (r.kind) {
    case kernel_sctp::Rx::WouldBlock:
      return;
    case kernel_sctp::Rx::Closed:
    case kernel_sctp::Rx::Error:
    case kernel_sctp::Rx::CommLost:
      if (!c.up)
        counters.inc(SigtranTransportCounter::connect_failures);
      kill(&c, true);
      return;
    case kernel_sctp::Rx::CommUp:
      counters.inc(SigtranTransportCounter::sctp_notifications);
      kernel_up(c, r.out_streams);
      continue;
    case kernel_sctp::Rx::Notification:
      counters.inc(SigtranTransportCounter::sctp_notifications);
      continue;
    case kernel_sctp::Rx::Data:
      break;
    }
    c.partial.insert(c.partial.end(), buf, buf + r.len);
    if (!r.eor)
      continue;
    if (r.ppid != m3ua::kPpid)
      counters.inc(SigtranTransportCounter::sctp_wrong_ppid);
    counters.inc(SigtranTransportCounter::rx_frames);
    std::vector<uint8_t> msg;
    msg.swap(c.partial);
    if (c.up)
      node.link_rx(c.link, r.stream, msg);
  }
}

void Transports::Impl::kernel_flush(Conn &c) {
  while (!c.txq.empty()) {
    auto &q = c.txq.front();
    int err = 0;
    if (!kernel_sctp::send(c.ofd.fd, uint16_t((q[0] << 8) | q[1]), m3ua::kPpid,
                           std::span<const uint8_t>(q).subspan(2), err)) {
      if (err == EAGAIN || err == EWOULDBLOCK)
        return;
      kill(&c, true);
      return;
    }
    c.txq.pop_front();
  }
  osmo_fd_write_disable(&c.ofd);
}

// ---------------------------------------------------------------------------------------------
// usrsctp

// The upcall's argument is the eventfd number itself, not a pointer into Impl: a usrsctp thread
// may still run an upcall while the transports are being torn down.
static void *upcall_arg(int fd) {
  return reinterpret_cast<void *>(intptr_t(fd)); // NOLINT(performance-no-int-to-ptr)
}

void Transports::Impl::sctp_upcall(struct socket *, void *arg, int) {
  // Runs on a usrsctp thread: only wake the loop.
  uint64_t one = 1;
  ssize_t r = ::write(int(reinterpret_cast<intptr_t>(arg)), &one, sizeof one);
  (void)r;
}

int Transports::Impl::event_cb(osmo_fd *ofd, unsigned) {
  Impl &im = *static_cast<Impl *>(ofd->data);
  uint64_t v;
  ssize_t r = ::read(ofd->fd, &v, sizeof v);
  (void)r;
  im.reap();
  im.sctp_poll();
  return 0;
}

mgc::Status Transports::Impl::sctp_prepare(struct socket *so, const EndpointConfig &cfg) {
  usrsctp_set_non_blocking(so, 1);
  usrsctp_set_upcall(so, &Impl::sctp_upcall, upcall_arg(event_fd));
  int one = 1;
  usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_RECVRCVINFO, &one, sizeof one);
  usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof one);
  sctp_event ev{};
  ev.se_assoc_id = SCTP_ALL_ASSOC;
  ev.se_on = 1;
  for (uint16_t t : {uint16_t(SCTP_ASSOC_CHANGE), uint16_t(SCTP_SHUTDOWN_EVENT)}) {
    ev.se_type = t;
    usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev);
  }
  sctp_initmsg im{};
  im.sinit_num_ostreams = cfg.streams;
  im.sinit_max_instreams = cfg.streams;
  usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof im);
  if (cfg.proto == TransportProto::SctpUdp) {
    // RFC 6951: where the peer's stack listens for encapsulated packets.
    sctp_udpencaps enc{};
    enc.sue_assoc_id = SCTP_FUTURE_ASSOC;
    enc.sue_port = htons(cfg.udp_remote_port);
    usrsctp_setsockopt(so, IPPROTO_SCTP, SCTP_REMOTE_UDP_ENCAPS_PORT, &enc, sizeof enc);
  }
  // Bind only the configured addresses: a wildcard bind would advertise every host address.
  std::vector<sockaddr_in> addrs;
  for (const auto &a : cfg.local_addrs) {
    sockaddr_in sa;
    if (!parse_v4(a, cfg.local_port, sa))
      return mgc::Status("sigtran.bad_address", 0);
    addrs.push_back(sa);
  }
  if (usrsctp_bind(so, reinterpret_cast<sockaddr *>(&addrs[0]), sizeof addrs[0]) < 0)
    return mgc::Status("sigtran.bind_failed", 0);
  if (addrs.size() > 1 && usrsctp_bindx(so, reinterpret_cast<sockaddr *>(&addrs[1]),
                                        int(addrs.size() - 1), SCTP_BINDX_ADD_ADDR) < 0)
    return mgc::Status("sigtran.bindx_failed", 0);
  return mgc::Status::Ok();
}

mgc::Status Transports::Impl::sctp_listen(Endpoint &ep) {
  struct socket *so =
      usrsctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP, nullptr, nullptr, 0, nullptr);
  if (!so)
    return mgc::Status("sigtran.sctp_socket_failed", 0);
  if (auto st = sctp_prepare(so, ep.cfg); !st.ok()) {
    usrsctp_close(so);
    return st;
  }
  if (usrsctp_listen(so, 16) < 0) {
    usrsctp_close(so);
    return mgc::Status("sigtran.listen_failed", 0);
  }
  ep.listen_so = so;
  ep.bound_port = ep.cfg.local_port;
  return mgc::Status::Ok();
}

void Transports::Impl::sctp_connect(Endpoint &ep) {
  struct socket *so =
      usrsctp_socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP, nullptr, nullptr, 0, nullptr);
  if (!so || !sctp_prepare(so, ep.cfg).ok()) {
    if (so)
      usrsctp_close(so);
    counters.inc(SigtranTransportCounter::connect_failures);
    schedule_reconnect(ep);
    return;
  }
  Conn *c = add_conn(ep, ep.cfg.links.at(0));
  c->sctp = true;
  c->so = so;
  ep.client = c;
  std::vector<sockaddr_in> remote;
  for (const auto &a : ep.cfg.remote_addrs) {
    sockaddr_in sa;
    if (parse_v4(a, ep.cfg.remote_port, sa))
      remote.push_back(sa);
  }
  sctp_assoc_t id;
  int r =
      usrsctp_connectx(so, reinterpret_cast<sockaddr *>(remote.data()), int(remote.size()), &id);
  if (r < 0 && errno != EINPROGRESS) {
    counters.inc(SigtranTransportCounter::connect_failures);
    kill(c, false);
  }
}

void Transports::Impl::sctp_up(Conn &c, uint16_t ostreams) {
  if (c.up)
    return;
  c.up = true;
  c.ostreams = ostreams ? ostreams : 1;
  c.ep->backoff_ms = 0;
  counters.inc(SigtranTransportCounter::connects);
  MGC_LOG(M3ua, Info, "link %d: association %s established, %u outbound streams", c.link,
          describe(c.ep->cfg).c_str(), unsigned(c.out_streams()));
  node.link_up(c.link, c);
}

void Transports::Impl::sctp_poll() {
  for (auto &ep : eps) {
    if (!ep->listen_so)
      continue;
    for (;;) {
      struct socket *so = usrsctp_accept(ep->listen_so, nullptr, nullptr);
      if (!so)
        break;
      int link = free_link(*ep);
      if (link < 0) {
        counters.inc(SigtranTransportCounter::accept_no_free_link);
        usrsctp_close(so);
        continue;
      }
      counters.inc(SigtranTransportCounter::accepts);
      usrsctp_set_non_blocking(so, 1);
      usrsctp_set_upcall(so, &Impl::sctp_upcall, upcall_arg(event_fd));
      Conn *c = add_conn(*ep, link);
      c->sctp = true;
      c->so = so;
      sctp_status st{};
      socklen_t len = sizeof st;
      uint16_t os = ep->cfg.streams;
      if (usrsctp_getsockopt(so, IPPROTO_SCTP, SCTP_STATUS, &st, &len) == 0)
        os = st.sstat_outstrms;
      sctp_up(*c, os);
    }
  }
  // Conns may die while being served: walk a snapshot.
  std::vector<Conn *> snap;
  for (auto &c : conns)
    snap.push_back(c.get());
  for (Conn *c : snap) {
    if (c->dead || !c->sctp)
      continue;
    sctp_read(*c);
    if (!c->dead)
      sctp_flush(*c);
  }
}

void Transports::Impl::sctp_read(Conn &c) {
  uint8_t buf[kRxChunk];
  for (int budget = 0; budget < 4096 && !c.dead; ++budget) {
    sockaddr_in from;
    socklen_t fromlen = sizeof from;
    sctp_rcvinfo rcv{};
    socklen_t infolen = sizeof rcv;
    unsigned int infotype = 0;
    int flags = 0;
    ssize_t n = usrsctp_recvv(c.so, buf, sizeof buf, reinterpret_cast<sockaddr *>(&from), &fromlen,
                              &rcv, &infolen, &infotype, &flags);
    if (n < 0) {
      if (errno == EWOULDBLOCK || errno == EAGAIN || errno == EINPROGRESS)
        return;
      kill(&c, true);
      return;
    }
    if (n == 0) { // the peer shut the association down
      kill(&c, true);
      return;
    }
    if (flags & MSG_NOTIFICATION) {
      counters.inc(SigtranTransportCounter::sctp_notifications);
      auto *sn = reinterpret_cast<const sctp_notification *>(buf);
      if (sn->sn_header.sn_type == SCTP_ASSOC_CHANGE) {
        const auto &ac = sn->sn_assoc_change;
        if (ac.sac_state == SCTP_COMM_UP || ac.sac_state == SCTP_RESTART)
          sctp_up(c, ac.sac_outbound_streams);
        else if (ac.sac_state == SCTP_COMM_LOST || ac.sac_state == SCTP_SHUTDOWN_COMP ||
                 ac.sac_state == SCTP_CANT_STR_ASSOC) {
          if (ac.sac_state == SCTP_CANT_STR_ASSOC)
            counters.inc(SigtranTransportCounter::connect_failures);
          kill(&c, true);
          return;
        }
      } else if (sn->sn_header.sn_type == SCTP_SHUTDOWN_EVENT) {
        kill(&c, true);
        return;
      }
      continue;
    }
    c.partial.insert(c.partial.end(), buf, buf + n);
    if (!(flags & MSG_EOR))
      continue; // a message bigger than the buffer: the rest follows
    uint16_t stream = infotype == SCTP_RECVV_RCVINFO ? rcv.rcv_sid : 0;
    if (infotype == SCTP_RECVV_RCVINFO && ntohl(rcv.rcv_ppid) != m3ua::kPpid)
      counters.inc(SigtranTransportCounter::sctp_wrong_ppid);
    counters.inc(SigtranTransportCounter::rx_frames);
    std::vector<uint8_t> msg;
    msg.swap(c.partial);
    if (c.up)
      node.link_rx(c.link, stream, msg);
  }
}

void Transports::Impl::sctp_flush(Conn &c) {
  while (!c.txq.empty()) {
    auto &q = c.txq.front();
    sctp_sndinfo si{};
    si.snd_sid = uint16_t((q[0] << 8) | q[1]);
    si.snd_ppid = htonl(m3ua::kPpid);
    ssize_t n = usrsctp_sendv(c.so, q.data() + 2, q.size() - 2, nullptr, 0, &si, sizeof si,
                              SCTP_SENDV_SNDINFO, 0);
    if (n < 0)
      return;
    c.txq.pop_front();
  }
}

// ---------------------------------------------------------------------------------------------

namespace {
// Takes CAP_NET_RAW out of the calling thread's effective capabilities for its lifetime (when
// `on` and the thread has it), then puts it back: sockets of type SOCK_RAW cannot be opened
// meanwhile, even as root (capabilities(7)).
class RawSocketsOff {
public:
  explicit RawSocketsOff(bool on) {
    if (!on || ::syscall(SYS_capget, &hdr_, data_) != 0)
      return;
    auto &word = data_[CAP_NET_RAW / 32];
    const uint32_t bit = 1u << (CAP_NET_RAW % 32);
    if (!(word.effective & bit))
      return;
    word.effective &= ~bit;
    dropped_ = ::syscall(SYS_capset, &hdr_, data_) == 0;
    word.effective |= bit;
  }
  ~RawSocketsOff() {
    if (dropped_)
      (void)::syscall(SYS_capset, &hdr_, data_);
  }
  RawSocketsOff(const RawSocketsOff &) = delete;
  RawSocketsOff &operator=(const RawSocketsOff &) = delete;

private:
  __user_cap_header_struct hdr_{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data_[_LINUX_CAPABILITY_U32S_3]{};
  bool dropped_ = false;
};
} // namespace

Transports::Transports(Node &node) : impl_(std::make_unique<Impl>(node)) {}
Transports::~Transports() = default;

const mgc::CounterSet<SigtranTransportCounter> &Transports::counters() const {
  return impl_->counters;
}

mgc::Status Transports::init_sctp(const SctpStackConfig &cfg) {
  Impl &im = *impl_;
  if (im.sctp_ready)
    return mgc::Status::Ok();
  im.sctp_cfg = cfg;
  im.event_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (im.event_fd < 0)
    return mgc::Status("sigtran.eventfd_failed", 0);
  osmo_fd_setup(&im.event_ofd, im.event_fd, OSMO_FD_READ, &Impl::event_cb, &im, 0);
  osmo_fd_register(&im.event_ofd);
  // usrsctp opens raw IP protocol-132 sockets whenever it may, in UDP-encapsulation mode too,
  // and then sees every SCTP packet of the host and answers those of other stacks' associations
  // with ABORT (RFC 4960 §8.4: out of the blue). Seen: a benchmark's mgcd on UDP tore down a
  // raw-IP pstn-sim pair's association as it came up. In UDP mode the raw sockets serve nothing,
  // so they are not opened: CAP_NET_RAW is out of this thread's effective set while usrsctp
  // starts (its threads keep it out). Blackholing instead would also silence the ABORTs our own
  // UDP peers need when we restart (their old association would linger until heartbeats fail).
  {
    RawSocketsOff off(!cfg.raw);
    usrsctp_init(cfg.raw ? 0 : cfg.udp_port, nullptr, nullptr);
  }
  // PLATFORM.md: checksums even on loopback, so captures validate CRC32c; with raw IP, no
  // ABORT for packets of other processes' associations.
  usrsctp_sysctl_set_sctp_no_csum_on_loopback(0);
  if (cfg.raw)
    usrsctp_sysctl_set_sctp_blackhole(2);
  im.sctp_ready = true;
  return mgc::Status::Ok();
}

mgc::Status Transports::add(const EndpointConfig &cfg, int *index) {
  Impl &im = *impl_;
  if (cfg.links.empty())
    return mgc::Status("sigtran.endpoint_without_link", 0);
  if (cfg.proto == TransportProto::SctpKernel && !kernel_sctp_available())
    return mgc::Status("sigtran.kernel_sctp_unavailable", 0);
  if (cfg.proto == TransportProto::SctpUdp || cfg.proto == TransportProto::SctpRaw) {
    if (!im.sctp_ready)
      return mgc::Status("sigtran.sctp_stack_not_initialised", 0);
    if ((cfg.proto == TransportProto::SctpRaw) != im.sctp_cfg.raw)
      return mgc::Status("sigtran.sctp_mode_mismatch", 0);
  }
  auto ep = std::make_unique<Endpoint>();
  ep->cfg = cfg;
  ep->impl = &im;
  ep->index = int(im.eps.size());
  Endpoint *e = ep.get();
  e->reconnect = std::make_unique<core::Timer>(im.node.scheduler(), [e] {
    e->impl->reap();
    e->impl->connect(*e);
  });
  im.eps.push_back(std::move(ep));
  if (index)
    *index = e->index;
  if (cfg.server) {
    if (cfg.proto == TransportProto::Tcp)
      return im.tcp_listen(*e);
    if (cfg.proto == TransportProto::SctpKernel)
      return im.kernel_listen(*e);
    return im.sctp_listen(*e);
  }
  im.connect(*e);
  return mgc::Status::Ok();
}

uint16_t Transports::local_port(int endpoint) const { return impl_->eps.at(endpoint)->bound_port; }

} // namespace mgc::sigtran
