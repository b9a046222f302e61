// TcpListener and tcp_connect (see tcp_socket.h).
#include "core/tcp_socket.h"

#include "core/log.h"
#include "core/osmo.h"

#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <unistd.h>

namespace mgc::core {

TcpListener::TcpListener(OnAccept on_accept)
    : on_accept_(std::move(on_accept)), pause_(std::make_unique<osmo_timer_list>()) {
  *pause_ = {};
  osmo_timer_setup(pause_.get(), [](void *self) { static_cast<TcpListener *>(self)->resume(); },
                   this);
}

TcpListener::~TcpListener() { close(); }

void TcpListener::close() {
  osmo_timer_del(pause_.get());
  fd_.close();
}

void TcpListener::resume() { fd_.want_read(true); }

Status TcpListener::listen(const Address &local, int backlog) {
  close();
  int fd = ::socket(local.v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return Status("tcp.socket_failed", errno);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage ss;
  socklen_t len = local.to_sockaddr(ss);
  if (::bind(fd, reinterpret_cast<sockaddr *>(&ss), len) != 0) {
    int e = errno;
    ::close(fd);
    return Status("tcp.bind_failed", e);
  }
  if (::listen(fd, backlog) != 0) {
    int e = errno;
    ::close(fd);
    return Status("tcp.listen_failed", e);
  }
  len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len) != 0 ||
      !Address::from_sockaddr(reinterpret_cast<sockaddr *>(&ss), local_))
    local_ = local;
  if (!fd_.open(fd, [this](unsigned) { acceptable(); }))
    return Status("tcp.register_failed", 0);
  return Status::Ok();
}

void TcpListener::acceptable() {
  sockaddr_storage ss;
  socklen_t len = sizeof ss;
  int fd = ::accept4(fd_.fd(), reinterpret_cast<sockaddr *>(&ss), &len,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    if (e != EMFILE && e != ENFILE && e != ENOBUFS && e != ENOMEM)
      return; // EAGAIN, or a connection aborted before it was taken: nothing is left waiting
    ++accept_failures_;
    ++unlogged_failures_;
    fd_.want_read(false);
    osmo_timer_schedule(pause_.get(), 0, kPauseMs * 1000);
    timespec now{};
    osmo_clock_gettime(CLOCK_MONOTONIC, &now);
    const int64_t now_ms = int64_t(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
    if (last_log_ms_ < 0 || now_ms - last_log_ms_ >= kLogIntervalMs) {
      MGC_LOG(Main, Notice,
              "TCP listener %s: accept failed (%s): %llu time(s) since the last line; paused "
              "for %u ms each time",
              local_.to_string().c_str(), std::strerror(e),
              static_cast<unsigned long long>(unlogged_failures_), kPauseMs);
      unlogged_failures_ = 0;
      last_log_ms_ = now_ms;
    }
    return;
  }
  Address peer;
  Address::from_sockaddr(reinterpret_cast<sockaddr *>(&ss), peer);
  on_accept_(fd, peer);
}

int tcp_connect(const Address &to, const Address *from) {
  int fd = ::socket(to.v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  sockaddr_storage ss;
  if (from) {
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    socklen_t len = from->to_sockaddr(ss);
    // A failed bind leaves the choice to the kernel, as an unbound socket would.
    (void)::bind(fd, reinterpret_cast<sockaddr *>(&ss), len);
  }
  socklen_t len = to.to_sockaddr(ss);
  if (::connect(fd, reinterpret_cast<sockaddr *>(&ss), len) != 0 && errno != EINPROGRESS) {
    int e = errno;
    ::close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

int connect_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
    return errno;
  return err;
}

} // namespace mgc::core
