// TcpListener and tcp_connect (see tcp_socket.h).
#include "core/tcp_socket.h"

#include <cerrno>
#include <netinet/in.h>
#include <unistd.h>

namespace mgc::core {

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
  if (fd < 0)
    return;
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
