// UdpTransport and TcpTransport (Annex D.1, D.2) on the core socket helpers of the select loop;
// TPKT framing (RFC 1006) for TCP.
#include "h248/transport.h"

#include "core/osmo.h"

#include <cerrno>
#include <unistd.h>

namespace mgc::h248 {

// ---- UdpTransport ----------------------------------------------------------------------------

UdpTransport::UdpTransport()
    : socket_([this](const Address &from, std::span<const uint8_t> msg) { deliver(from, msg); }) {}

Status UdpTransport::open(const Address &local) {
  Status st = socket_.bind(local);
  if (!st.ok()) {
    // The layer's own names, as its logs have always shown them.
    if (st.detail() == "udp.socket_failed")
      return Status("h248.socket_failed", st.code());
    if (st.detail() == "udp.bind_failed")
      return Status("h248.bind_failed", st.code());
    return Status("h248.register_failed", 0);
  }
  local_ = socket_.local();
  return Status::Ok();
}

Status UdpTransport::send(const Address &to, std::span<const uint8_t> msg) {
  if (!socket_.is_open())
    return Status("h248.not_open", 0);
  if (int e = socket_.send_to(to, msg))
    return Status("h248.send_failed", e);
  return Status::Ok();
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
  core::LoopFd fd;
  Address peer;
  TpktFramer framer;
  std::vector<uint8_t> out;
};

TcpTransport::TcpTransport()
    : listener_([this](int fd, const Address &peer) { accepted(fd, peer); }) {}

TcpTransport::~TcpTransport() = default;

Status TcpTransport::listen(const Address &local) {
  Status st = listener_.listen(local, 16);
  if (!st.ok())
    return Status(st.detail() == "tcp.socket_failed" ? "h248.socket_failed" : "h248.bind_failed",
                  st.code());
  local_ = listener_.local();
  return Status::Ok();
}

void TcpTransport::accepted(int fd, const Address &peer) {
  // One connection per peer address: a new one from the same address replaces the old.
  auto old = conns_.find(peer);
  if (old != conns_.end())
    drop(old->second.get());
  auto c = std::make_unique<Conn>();
  c->peer = peer;
  Conn *raw = c.get();
  conns_.emplace(peer, std::move(c));
  raw->fd.open(fd, [this, raw](unsigned what) { conn_event(raw, what); });
}

TcpTransport::Conn *TcpTransport::connect_to(const Address &to) {
  auto it = conns_.find(to);
  if (it != conns_.end())
    return it->second.get();
  // From the listening address (any port), never from whatever the routing table picks.
  Address from = local_;
  from.port = 0;
  int fd = core::tcp_connect(to, listener_.is_open() ? &from : nullptr);
  if (fd < 0)
    return nullptr;
  auto c = std::make_unique<Conn>();
  c->peer = to;
  Conn *raw = c.get();
  conns_.emplace(to, std::move(c));
  raw->fd.open(fd, [this, raw](unsigned what) { conn_event(raw, what); }, true);
  return raw;
}

void TcpTransport::drop(Conn *c) {
  Address peer = c->peer;
  conns_.erase(peer); // destroys c, closing its fd (its handler then returns -EBADF)
}

Status TcpTransport::send(const Address &to, std::span<const uint8_t> msg) {
  Conn *c = connect_to(to);
  if (!c)
    return Status("h248.connect_failed", errno);
  TpktFramer::frame(msg, c->out);
  c->fd.want_write(true);
  return Status::Ok();
}

void TcpTransport::conn_event(Conn *c, unsigned what) {
  if (what & OSMO_FD_WRITE) {
    if (!c->out.empty()) {
      ssize_t n = write(c->fd.fd(), c->out.data(), c->out.size());
      if (n < 0 && errno != EAGAIN && errno != EINPROGRESS) {
        drop(c);
        return;
      }
      if (n > 0)
        c->out.erase(c->out.begin(), c->out.begin() + n);
    }
    if (c->out.empty())
      c->fd.want_write(false);
  }
  if (what & OSMO_FD_READ) {
    uint8_t buf[8192];
    ssize_t n = read(c->fd.fd(), buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN)) {
      drop(c);
      return;
    }
    if (n > 0) {
      Address peer = c->peer;
      bool ok = c->framer.feed(std::span<const uint8_t>(buf, size_t(n)),
                               [&](std::span<const uint8_t> m) { deliver(peer, m); });
      if (!ok)
        drop(c);
    }
  }
}

// ---- SharedTransport -------------------------------------------------------------------------

class SharedTransport::Port final : public Transport {
public:
  Port(Transport &inner, const Address &peer, bool any_port)
      : inner_(inner), peer_(peer), any_port_(any_port) {}
  Status send(const Address &to, std::span<const uint8_t> msg) override {
    return inner_.send(to, msg);
  }
  void receive(const Address &from, std::span<const uint8_t> msg) { deliver(from, msg); }
  bool exact(const Address &a) const { return peer_ == a; }
  bool host(const Address &a) const { return (any_port_ || peer_.port == 0) && peer_.same_host(a); }

private:
  Transport &inner_;
  Address peer_;
  bool any_port_;
};

SharedTransport::SharedTransport(Transport &inner) : inner_(inner) {
  inner_.set_receiver(
      [this](const Address &from, std::span<const uint8_t> msg) { dispatch(from, msg); });
}

SharedTransport::~SharedTransport() { inner_.set_receiver(nullptr); }

Transport &SharedTransport::add_port(const Address &peer, bool any_port) {
  ports_.push_back(std::make_unique<Port>(inner_, peer, any_port));
  return *ports_.back();
}

void SharedTransport::remove_port(const Transport &port) {
  std::erase_if(ports_, [&](const std::unique_ptr<Port> &p) { return p.get() == &port; });
}

void SharedTransport::dispatch(const Address &from, std::span<const uint8_t> msg) {
  if (ports_.empty())
    return;
  Port *to = nullptr;
  for (auto &p : ports_)
    if (p->exact(from)) {
      to = p.get();
      break;
    }
  if (!to)
    for (auto &p : ports_)
      if (p->host(from)) {
        to = p.get();
        break;
      }
  (to ? to : ports_.front().get())->receive(from, msg);
}

} // namespace mgc::h248
