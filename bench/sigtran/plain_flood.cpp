// plain-flood: the floor the loopback transport allows, for the M3UA benchmark. A client sends
// N messages of SIZE octets one by one (one send() each, as the M3UA transports do), a server in
// another process counts them and prints the rate over first-to-last message.
//   plain-flood server tcp|udp PORT N SIZE     prints "STATS rx=<n> secs=<s> rate=<msg/s>"
//   plain-flood client tcp|udp PORT N SIZE
//   plain-flood echo-server tcp|udp PORT N SIZE   returns every message to its sender
//   plain-flood echo-client tcp|udp PORT N SIZE W keeps at most W messages unanswered; prints
//                                                 STATS over the N echoes it received
#include <arpa/inet.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {
double now_s() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}
sockaddr_in lo(int port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}
} // namespace

int main(int argc, char **argv) {
  if (argc != 6 && argc != 7)
    return 2;
  std::string role = argv[1], proto = argv[2];
  int port = std::atoi(argv[3]);
  long n = std::atol(argv[4]);
  std::size_t size = std::size_t(std::atol(argv[5]));
  bool tcp = proto == "tcp";
  sockaddr_in a = lo(port);
  std::vector<char> buf(std::max<std::size_t>(size, 65536), 'x');
  int fd = ::socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
  int big = 4 << 20, one = 1;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (role == "echo-server") {
    if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) < 0)
      return 1;
    int s = fd;
    if (tcp) {
      ::listen(fd, 1);
      s = ::accept(fd, nullptr, nullptr);
      setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    for (;;) {
      pollfd p{s, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0)
        return 0;
      sockaddr_in from{};
      socklen_t fl = sizeof from;
      ssize_t r = ::recvfrom(s, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr *>(&from), &fl);
      if (r <= 0)
        return 0;
      if (tcp)
        (void)::send(s, buf.data(), std::size_t(r), 0);
      else
        (void)::sendto(s, buf.data(), std::size_t(r), 0, reinterpret_cast<sockaddr *>(&from), fl);
    }
  }
  if (role == "echo-client") {
    long window = argc == 7 ? std::atol(argv[6]) : 64;
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) < 0)
      return 1;
    if (tcp)
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    long tx = 0, rx = 0;
    std::size_t bytes = 0;
    double first = 0, last = 0;
    while (rx < n) {
      while (tx < n && tx - rx < window) {
        if (::send(fd, buf.data(), size, 0) < 0)
          return 1;
        ++tx;
      }
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0)
        break; // UDP: lost echoes
      ssize_t r = ::recv(fd, buf.data(), buf.size(), 0);
      if (r <= 0)
        break;
      last = now_s();
      if (!first)
        first = last;
      if (tcp) {
        bytes += std::size_t(r);
        rx = long(bytes / size);
      } else {
        ++rx;
      }
    }
    double secs = last - first;
    std::printf("STATS rx=%ld secs=%.3f rate=%.0f\n", rx, secs,
                secs > 0 ? double(rx - 1) / secs : 0.0);
    return 0;
  }
  if (role == "server") {
    if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) < 0)
      return 1;
    int s = fd;
    if (tcp) {
      ::listen(fd, 1);
      s = ::accept(fd, nullptr, nullptr);
    }
    long rx = 0;
    std::size_t bytes = 0;
    double first = 0, last = 0;
    while (rx < n) {
      pollfd p{s, POLLIN, 0};
      if (::poll(&p, 1, 2000) <= 0)
        break; // UDP: the rest was dropped
      ssize_t r = ::recv(s, buf.data(), buf.size(), 0);
      if (r <= 0)
        break;
      last = now_s();
      if (!first)
        first = last;
      if (tcp) {
        bytes += std::size_t(r);
        rx = long(bytes / size);
      } else {
        ++rx;
      }
    }
    double secs = last - first;
    std::printf("STATS rx=%ld secs=%.3f rate=%.0f\n", rx, secs, secs > 0 ? double(rx) / secs : 0.0);
    return 0;
  }
  if (tcp) {
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) < 0)
      return 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  for (long i = 0; i < n; ++i) {
    ssize_t w = tcp ? ::send(fd, buf.data(), size, 0)
                    : ::sendto(fd, buf.data(), size, 0, reinterpret_cast<sockaddr *>(&a), sizeof a);
    if (w < 0)
      return 1;
  }
  ::close(fd);
  return 0;
}
