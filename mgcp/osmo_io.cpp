// UdpTransport: the call agent on the libosmocore select loop.
#include "core/osmo.h"
#include "mgcp/transport.h"

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mgc::mgcp {

// ---- Address ---------------------------------------------------------------------------------

std::string Address::to_string() const {
  in_addr a{htonl(ip)};
  char buf[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return std::string(buf) + ":" + std::to_string(port);
}

bool Address::parse(std::string_view ip, uint16_t port, Address &out) {
  in_addr a{};
  if (inet_pton(AF_INET, std::string(ip).c_str(), &a) != 1)
    return false;
  out.ip = ntohl(a.s_addr);
  out.port = port;
  return true;
}

// ---- UdpTransport ----------------------------------------------------------------------------

struct UdpTransport::Impl {
  osmo_fd ofd{};
  UdpTransport *owner = nullptr;
  bool registered = false;
};

UdpTransport::UdpTransport(DatagramHandler on_datagram)
    : on_datagram_(std::move(on_datagram)), impl_(new Impl) {
  impl_->owner = this;
  impl_->ofd.fd = -1;
}

UdpTransport::~UdpTransport() {
  if (impl_->registered)
    osmo_fd_unregister(&impl_->ofd);
  if (impl_->ofd.fd >= 0)
    close(impl_->ofd.fd);
  delete impl_;
}

Status UdpTransport::bind(const Address &local) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return Status("mgcp.socket_failed", 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(local.ip);
  sa.sin_port = htons(local.port);
  if (::bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0) {
    close(fd);
    return Status("mgcp.bind_failed", 0);
  }
  osmo_fd_setup(&impl_->ofd, fd, OSMO_FD_READ, &UdpTransport::on_readable, impl_, 0);
  if (osmo_fd_register(&impl_->ofd) != 0) {
    close(fd);
    impl_->ofd.fd = -1;
    return Status("mgcp.register_failed", 0);
  }
  impl_->registered = true;
  return Status::Ok();
}

Address UdpTransport::local_address() const {
  sockaddr_in sa{};
  socklen_t len = sizeof sa;
  if (impl_->ofd.fd < 0 || getsockname(impl_->ofd.fd, reinterpret_cast<sockaddr *>(&sa), &len))
    return {};
  return Address{ntohl(sa.sin_addr.s_addr), ntohs(sa.sin_port)};
}

void UdpTransport::send(const Address &to, std::string_view datagram) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(to.ip);
  sa.sin_port = htons(to.port);
  if (sendto(impl_->ofd.fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr *>(&sa),
             sizeof sa) < 0)
    ++send_errors_;
}

int UdpTransport::on_readable(::osmo_fd *ofd, unsigned) {
  auto *impl = static_cast<Impl *>(ofd->data);
  // RFC 3435 §3.5.4: datagrams up to 65507 bytes are possible.
  static char buf[65536];
  for (int i = 0; i < 64; ++i) { // bounded so one busy socket cannot starve the loop
    sockaddr_in sa{};
    socklen_t len = sizeof sa;
    ssize_t n = recvfrom(ofd->fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr *>(&sa), &len);
    if (n < 0)
      break;
    Address from{ntohl(sa.sin_addr.s_addr), ntohs(sa.sin_port)};
    impl->owner->on_datagram_(from, std::string_view(buf, static_cast<std::size_t>(n)));
  }
  return 0;
}

} // namespace mgc::mgcp
