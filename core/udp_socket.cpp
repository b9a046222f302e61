// UdpSocket: socket, bind, sendto, recvmsg on a LoopFd (see udp_socket.h).
#include "core/udp_socket.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <netinet/in.h>
#include <sys/socket.h>
#include <tuple>
#include <unistd.h>

namespace mgc::core {

UdpSocket::~UdpSocket() {
  if (destroyed_)
    *destroyed_ = true;
}

Status UdpSocket::bind(const Address &local) {
  close();
  int fd = ::socket(local.v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return Status("udp.socket_failed", errno);
  sockaddr_storage ss;
  socklen_t len = local.to_sockaddr(ss);
  if (::bind(fd, reinterpret_cast<sockaddr *>(&ss), len) != 0) {
    int e = errno;
    ::close(fd);
    return Status("udp.bind_failed", e);
  }
  len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr *>(&ss), &len) != 0 ||
      !Address::from_sockaddr(reinterpret_cast<sockaddr *>(&ss), local_))
    local_ = local;
  if (!fd_.open(fd, [this](unsigned) { readable(); }))
    return Status("udp.register_failed", 0);
  return Status::Ok();
}

UdpSocket::Buffers UdpSocket::set_buffers(int rcv, int snd) {
  Buffers got;
  if (!fd_.is_open())
    return got;
  const int fd = fd_.fd();
  for (auto [want, force, plain, out] : {std::tuple{rcv, SO_RCVBUFFORCE, SO_RCVBUF, &got.rcv},
                                         std::tuple{snd, SO_SNDBUFFORCE, SO_SNDBUF, &got.snd}}) {
    if (want > 0 && setsockopt(fd, SOL_SOCKET, force, &want, sizeof want) != 0)
      (void)setsockopt(fd, SOL_SOCKET, plain, &want, sizeof want);
    socklen_t len = sizeof *out;
    if (getsockopt(fd, SOL_SOCKET, plain, out, &len) != 0)
      *out = 0;
  }
  return got;
}

bool UdpSocket::stamp_arrivals() {
  const int on = 1;
  stamped_ = fd_.is_open() && setsockopt(fd_.fd(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) == 0;
  return stamped_;
}

double UdpSocket::queued_ms() const {
  if (arrived_ns_ < 0)
    return -1;
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now); // the clock the kernel stamps with
  const int64_t ns = int64_t(now.tv_sec) * 1000000000 + now.tv_nsec - arrived_ns_;
  return ns > 0 ? double(ns) / 1e6 : 0.0;
}

int UdpSocket::send_to(const Address &to, std::span<const uint8_t> datagram) {
  if (!fd_.is_open())
    return EBADF;
  sockaddr_storage ss;
  socklen_t len = to.to_sockaddr(ss);
  if (::sendto(fd_.fd(), datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr *>(&ss),
               len) < 0)
    return errno;
  return 0;
}

void UdpSocket::readable() {
  // Up to 65,507 octets of payload in one IPv4 datagram (RFC 3435 §3.5.4 allows MGCP that
  // large). One loop thread, one buffer.
  static uint8_t buf[65536];
  // Bounded, so that one busy socket cannot starve the rest of the loop; the loop calls again
  // while more is queued.
  bool destroyed = false;
  destroyed_ = &destroyed;
  for (int i = 0; i < 64 && fd_.is_open(); ++i) {
    sockaddr_storage ss;
    iovec iov{buf, sizeof buf};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
    msghdr mh{};
    mh.msg_name = &ss;
    mh.msg_namelen = sizeof ss;
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    if (stamped_) {
      mh.msg_control = control;
      mh.msg_controllen = sizeof control;
    }
    ssize_t n = ::recvmsg(fd_.fd(), &mh, 0);
    if (n < 0)
      break;
    Address from;
    if (!Address::from_sockaddr(reinterpret_cast<sockaddr *>(&ss), from))
      continue;
    arrived_ns_ = -1;
    for (cmsghdr *c = stamped_ ? CMSG_FIRSTHDR(&mh) : nullptr; c; c = CMSG_NXTHDR(&mh, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec ts;
        std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
        arrived_ns_ = int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
      }
    on_datagram_(from, std::span<const uint8_t>(buf, std::size_t(n)));
    if (destroyed) // by the callback: LoopFd's dispatcher then returns -EBADF
      return;
  }
  arrived_ns_ = -1;
  destroyed_ = nullptr;
}

} // namespace mgc::core
