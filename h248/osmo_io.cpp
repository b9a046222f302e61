// UdpTransport and TcpTransport: the H.248 stack on the libosmocore select loop.
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/osmo.h"
#include "h248/transport.h"

namespace mgc::h248 {

// ---- Address ---------------------------------------------------------------------------------

std::string Address::to_string() const {
  in_addr a{htonl(ip)};
  char buf[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return std::string(buf) + ":" + std::to_string(port);
}

bool Address::parse(std::string_view ip, uint16_t port, Address &out) {
  in_addr a{};
  std::string s(ip);
  if (inet_pton(AF_INET, s.c_str(), &a) != 1)
    return false;
  out.ip = ntohl(a.s_addr);
  out.port = port;
  return true;
}

namespace {
sockaddr_in to_sockaddr(const Address &a) {
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(a.ip);
  sin.sin_port = htons(a.port);
  return sin;
}
Address from_sockaddr(const sockaddr_in &sin) {
  return Address{ntohl(sin.sin_addr.s_addr), ntohs(sin.sin_port)};
}
} // namespace

// ---- UdpTransport ----------------------------------------------------------------------------

UdpTransport::~UdpTransport() {
  if (ofd_) {
    osmo_fd_unregister(ofd_);
    close(ofd_->fd);
    delete ofd_;
  }
}

Status UdpTransport::open(const Address &local) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return Status("h248.socket_failed", errno);
  sockaddr_in sin = to_sockaddr(local);
  if (bind(fd, reinterpret_cast<sockaddr *>(&sin), sizeof sin) < 0) {
    int e = errno;
    close(fd);
    return Status("h248.bind_failed", e);
  }
  socklen_t len = sizeof sin;
  getsockname(fd, reinterpret_cast<sockaddr *>(&sin), &len);
  local_ = from_sockaddr(sin);
  ofd_ = new osmo_fd{};
  osmo_fd_setup(ofd_, fd, OSMO_FD_READ, &UdpTransport::readable, this, 0);
  if (osmo_fd_register(ofd_) < 0) {
    close(fd);
    delete ofd_;
    ofd_ = nullptr;
    return Status("h248.register_failed", 0);
  }
  return Status::Ok();
}

Status UdpTransport::send(const Address &to, std::span<const uint8_t> msg) {
  if (!ofd_)
    return Status("h248.not_open", 0);
  sockaddr_in sin = to_sockaddr(to);
  if (sendto(ofd_->fd, msg.data(), msg.size(), 0, reinterpret_cast<sockaddr *>(&sin),
             sizeof sin) < 0)
    return Status("h248.send_failed", errno);
  return Status::Ok();
}

int UdpTransport::readable(osmo_fd *ofd, unsigned /*what*/) {
  auto *self = static_cast<UdpTransport *>(ofd->data);
  uint8_t buf[65536];
  for (;;) {
    sockaddr_in sin{};
    socklen_t len = sizeof sin;
    ssize_t n = recvfrom(ofd->fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr *>(&sin), &len);
    if (n < 0)
      return 0;
    self->deliver(from_sockaddr(sin), std::span<const uint8_t>(buf, size_t(n)));
  }
}

// ---- TPKT ------------------------------------------------------------------------------------

bool TpktFramer::feed(std::span<const uint8_t> bytes,
                      const std::function<void(std::span<const uint8_t>)> &out) {
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
  size_t off = 0;
  while (buf_.size() - off >= 4) {
    if (buf_[off] != 3) // RFC 1006: version 3
      return false;
    size_t len = size_t(buf_[off + 2]) << 8 | buf_[off + 3];
    if (len < 4)
      return false;
    if (buf_.size() - off < len)
      break;
    out(std::span<const uint8_t>(buf_.data() + off + 4, len - 4));
    off += len;
  }
  buf_.erase(buf_.begin(), buf_.begin() + long(off));
  return true;
}

void TpktFramer::frame(std::span<const uint8_t> msg, std::vector<uint8_t> &out) {
  size_t len = msg.size() + 4;
  out.push_back(3);
  out.push_back(0);
  out.push_back(uint8_t(len >> 8));
  out.push_back(uint8_t(len));
  out.insert(out.end(), msg.begin(), msg.end());
}

// ---- TcpTransport ----------------------------------------------------------------------------

struct TcpTransport::Conn {
  TcpTransport *owner = nullptr;
  osmo_fd ofd{};
  Address peer;
  TpktFramer framer;
  std::vector<uint8_t> out;
};

TcpTransport::TcpTransport() = default;

TcpTransport::~TcpTransport() {
  while (!conns_.empty())
    drop(conns_.begin()->second.get());
  if (listen_fd_) {
    osmo_fd_unregister(listen_fd_);
    close(listen_fd_->fd);
    delete listen_fd_;
  }
}

Status TcpTransport::listen(const Address &local) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return Status("h248.socket_failed", errno);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in sin = to_sockaddr(local);
  if (bind(fd, reinterpret_cast<sockaddr *>(&sin), sizeof sin) < 0 || ::listen(fd, 16) < 0) {
    int e = errno;
    close(fd);
    return Status("h248.bind_failed", e);
  }
  socklen_t len = sizeof sin;
  getsockname(fd, reinterpret_cast<sockaddr *>(&sin), &len);
  local_ = from_sockaddr(sin);
  listen_fd_ = new osmo_fd{};
  osmo_fd_setup(listen_fd_, fd, OSMO_FD_READ, &TcpTransport::acceptable, this, 0);
  osmo_fd_register(listen_fd_);
  return Status::Ok();
}

int TcpTransport::acceptable(osmo_fd *ofd, unsigned /*what*/) {
  auto *self = static_cast<TcpTransport *>(ofd->data);
  sockaddr_in sin{};
  socklen_t len = sizeof sin;
  int fd = accept4(ofd->fd, reinterpret_cast<sockaddr *>(&sin), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0)
    return 0;
  Address peer = from_sockaddr(sin);
  auto old = self->conns_.find(peer);
  if (old != self->conns_.end())
    self->drop(old->second.get());
  auto c = std::make_unique<Conn>();
  c->owner = self;
  c->peer = peer;
  osmo_fd_setup(&c->ofd, fd, OSMO_FD_READ, &TcpTransport::conn_event, c.get(), 0);
  osmo_fd_register(&c->ofd);
  self->conns_.emplace(peer, std::move(c));
  return 0;
}

TcpTransport::Conn *TcpTransport::connect_to(const Address &to) {
  auto it = conns_.find(to);
  if (it != conns_.end())
    return it->second.get();
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return nullptr;
  sockaddr_in sin = to_sockaddr(to);
  if (::connect(fd, reinterpret_cast<sockaddr *>(&sin), sizeof sin) < 0 && errno != EINPROGRESS) {
    close(fd);
    return nullptr;
  }
  auto c = std::make_unique<Conn>();
  c->owner = this;
  c->peer = to;
  osmo_fd_setup(&c->ofd, fd, OSMO_FD_READ | OSMO_FD_WRITE, &TcpTransport::conn_event, c.get(), 0);
  osmo_fd_register(&c->ofd);
  Conn *raw = c.get();
  conns_.emplace(to, std::move(c));
  return raw;
}

void TcpTransport::drop(Conn *c) {
  osmo_fd_unregister(&c->ofd);
  close(c->ofd.fd);
  conns_.erase(c->peer); // destroys c
}

Status TcpTransport::send(const Address &to, std::span<const uint8_t> msg) {
  Conn *c = connect_to(to);
  if (!c)
    return Status("h248.connect_failed", errno);
  TpktFramer::frame(msg, c->out);
  osmo_fd_write_enable(&c->ofd);
  return Status::Ok();
}

int TcpTransport::conn_event(osmo_fd *ofd, unsigned what) {
  auto *c = static_cast<Conn *>(ofd->data);
  TcpTransport *self = c->owner;
  if (what & OSMO_FD_WRITE) {
    if (!c->out.empty()) {
      ssize_t n = write(ofd->fd, c->out.data(), c->out.size());
      if (n < 0 && errno != EAGAIN && errno != EINPROGRESS) {
        self->drop(c);
        return -EBADF;
      }
      if (n > 0)
        c->out.erase(c->out.begin(), c->out.begin() + n);
    }
    if (c->out.empty())
      osmo_fd_write_disable(ofd);
  }
  if (what & OSMO_FD_READ) {
    uint8_t buf[8192];
    ssize_t n = read(ofd->fd, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN)) {
      self->drop(c);
      return -EBADF;
    }
    if (n > 0) {
      Address peer = c->peer;
      bool ok = c->framer.feed(std::span<const uint8_t>(buf, size_t(n)),
                               [&](std::span<const uint8_t> m) { self->deliver(peer, m); });
      if (!ok) {
        self->drop(c);
        return -EBADF;
      }
    }
  }
  return 0;
}

} // namespace mgc::h248
