// Kernel SCTP socket calls (see kernel_sctp.h): Linux uapi <linux/sctp.h> and plain system calls,
// no libsctp. RFC 6458 names: SCTP_SNDINFO / SCTP_RCVINFO ancillary data, SCTP_EVENT.
#include "sigtran/kernel_sctp.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <linux/sctp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace mgc::sigtran::kernel_sctp {
namespace {
bool addrs(const std::vector<std::string> &in, uint16_t port, std::vector<sockaddr_in> &out) {
  for (const auto &a : in) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    if (inet_pton(AF_INET, a.c_str(), &sa.sin_addr) != 1)
      return false;
    out.push_back(sa);
  }
  return !out.empty();
}
} // namespace

int open_bound(const std::vector<std::string> &local, uint16_t port, uint16_t streams,
               std::string &err) {
  std::vector<sockaddr_in> la;
  if (!addrs(local, port, la)) {
    err = "bad local address";
    return -1;
  }
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_SCTP);
  if (fd < 0) {
    err = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, IPPROTO_SCTP, SCTP_NODELAY, &one, sizeof one);
  setsockopt(fd, IPPROTO_SCTP, SCTP_RECVRCVINFO, &one, sizeof one);
  sctp_event ev{};
  ev.se_on = 1;
  ev.se_type = SCTP_ASSOC_CHANGE;
  setsockopt(fd, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev);
  ev.se_type = SCTP_SHUTDOWN_EVENT;
  setsockopt(fd, IPPROTO_SCTP, SCTP_EVENT, &ev, sizeof ev);
  sctp_initmsg im{};
  im.sinit_num_ostreams = streams;
  im.sinit_max_instreams = streams;
  setsockopt(fd, IPPROTO_SCTP, SCTP_INITMSG, &im, sizeof im);
  // Bind only the configured addresses (several: multihoming), never the wildcard.
  if (::bind(fd, reinterpret_cast<sockaddr *>(&la[0]), sizeof la[0]) < 0 ||
      (la.size() > 1 && setsockopt(fd, IPPROTO_SCTP, SCTP_SOCKOPT_BINDX_ADD, &la[1],
                                   socklen_t((la.size() - 1) * sizeof la[0])) < 0)) {
    err = std::string("bind: ") + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  return fd;
}

bool connect_all(int fd, const std::vector<std::string> &remote, uint16_t port) {
  std::vector<sockaddr_in> ra;
  if (!addrs(remote, port, ra))
    return false;
  int r = setsockopt(fd, IPPROTO_SCTP, SCTP_SOCKOPT_CONNECTX, ra.data(),
                     socklen_t(ra.size() * sizeof ra[0]));
  return r >= 0 || errno == EINPROGRESS;
}

bool send(int fd, uint16_t stream, uint32_t ppid, std::span<const uint8_t> msg, int &error) {
  char cbuf[CMSG_SPACE(sizeof(sctp_sndinfo))] = {};
  iovec iov{const_cast<uint8_t *>(msg.data()), msg.size()};
  msghdr mh{};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = cbuf;
  mh.msg_controllen = sizeof cbuf;
  cmsghdr *c = CMSG_FIRSTHDR(&mh);
  c->cmsg_level = IPPROTO_SCTP;
  c->cmsg_type = SCTP_SNDINFO;
  c->cmsg_len = CMSG_LEN(sizeof(sctp_sndinfo));
  sctp_sndinfo si{};
  si.snd_sid = stream;
  si.snd_ppid = htonl(ppid);
  std::memcpy(CMSG_DATA(c), &si, sizeof si);
  if (::sendmsg(fd, &mh, MSG_NOSIGNAL) >= 0)
    return true;
  error = errno;
  return false;
}

RxInfo recv(int fd, uint8_t *buf, std::size_t cap) {
  RxInfo out;
  char cbuf[CMSG_SPACE(sizeof(sctp_rcvinfo))] = {};
  iovec iov{buf, cap};
  msghdr mh{};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = cbuf;
  mh.msg_controllen = sizeof cbuf;
  ssize_t n = ::recvmsg(fd, &mh, 0);
  if (n < 0) {
    out.kind = (errno == EAGAIN || errno == EINTR) ? Rx::WouldBlock : Rx::Error;
    return out;
  }
  if (n == 0) {
    out.kind = Rx::Closed;
    return out;
  }
  out.len = std::size_t(n);
  out.eor = (mh.msg_flags & MSG_EOR) != 0;
  if (mh.msg_flags & MSG_NOTIFICATION) {
    out.kind = Rx::Notification;
    if (std::size_t(n) >= sizeof(sctp_assoc_change)) {
      sctp_assoc_change ac;
      std::memcpy(&ac, buf, sizeof ac);
      if (ac.sac_type == SCTP_ASSOC_CHANGE) {
        if (ac.sac_state == SCTP_COMM_UP || ac.sac_state == SCTP_RESTART) {
          out.kind = Rx::CommUp;
          out.out_streams = ac.sac_outbound_streams;
        } else if (ac.sac_state == SCTP_COMM_LOST || ac.sac_state == SCTP_SHUTDOWN_COMP ||
                   ac.sac_state == SCTP_CANT_STR_ASSOC) {
          out.kind = Rx::CommLost;
        }
      } else if (ac.sac_type == SCTP_SHUTDOWN_EVENT) {
        out.kind = Rx::CommLost;
      }
    }
    return out;
  }
  out.kind = Rx::Data;
  for (cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
    if (c->cmsg_level == IPPROTO_SCTP && c->cmsg_type == SCTP_RCVINFO) {
      sctp_rcvinfo ri;
      std::memcpy(&ri, CMSG_DATA(c), sizeof ri);
      out.stream = ri.rcv_sid;
      out.ppid = ntohl(ri.rcv_ppid);
    }
  return out;
}

uint16_t out_streams(int fd) {
  sctp_status st{};
  socklen_t len = sizeof st;
  if (getsockopt(fd, IPPROTO_SCTP, SCTP_STATUS, &st, &len) < 0)
    return 0;
  return st.sstat_outstrms;
}

} // namespace mgc::sigtran::kernel_sctp
