// The socket helpers on the real select loop: UDP between two sockets on 127.0.0.1 port 0 (and
// ::1 when the host has IPv6), TCP listen/connect/accept, and handlers that close or destroy
// their own socket (the loop must be told with -EBADF, PLATFORM.md).
#include "core/osmo.h"
#include "core/tcp_socket.h"
#include "core/udp_socket.h"

#include <chrono>
#include <gtest/gtest.h>
#include <memory>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

using mgc::core::Address;
using mgc::core::LoopFd;
using mgc::core::TcpListener;
using mgc::core::UdpSocket;

namespace {
template <typename F> bool run_until(F done) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (!done() && std::chrono::steady_clock::now() < until)
    osmo_select_main(1); // poll: the tests own no timers to wake select
  return done();
}
std::span<const uint8_t> bytes(const std::string &s) {
  return {reinterpret_cast<const uint8_t *>(s.data()), s.size()};
}
struct Got {
  Address from;
  std::string data;
};

void udp_exchange(const char *host) {
  osmo_select_init();
  std::vector<Got> at_a, at_b;
  UdpSocket a([&](const Address &f, std::span<const uint8_t> d) {
    at_a.push_back({f, std::string(d.begin(), d.end())});
  });
  UdpSocket b([&](const Address &f, std::span<const uint8_t> d) {
    at_b.push_back({f, std::string(d.begin(), d.end())});
  });
  Address local;
  ASSERT_TRUE(Address::parse(host, 0, local));
  ASSERT_TRUE(a.bind(local).ok());
  ASSERT_TRUE(b.bind(local).ok());
  EXPECT_NE(a.local().port, 0);
  EXPECT_TRUE(a.local().same_host(local));
  EXPECT_EQ(a.send_to(b.local(), bytes("ping")), 0);
  ASSERT_TRUE(run_until([&] { return !at_b.empty(); }));
  EXPECT_EQ(at_b[0].data, "ping");
  EXPECT_EQ(at_b[0].from, a.local());
  EXPECT_EQ(b.send_to(at_b[0].from, bytes("pong")), 0);
  ASSERT_TRUE(run_until([&] { return !at_a.empty(); }));
  EXPECT_EQ(at_a[0].data, "pong");
  EXPECT_EQ(at_a[0].from, b.local());
  a.close();
  EXPECT_FALSE(a.is_open());
  EXPECT_NE(a.send_to(b.local(), bytes("x")), 0);
}

bool ipv6_loopback() {
  int fd = socket(AF_INET6, SOCK_DGRAM, 0);
  if (fd < 0)
    return false;
  Address lo;
  Address::parse("::1", 0, lo);
  sockaddr_storage ss;
  socklen_t len = lo.to_sockaddr(ss);
  bool ok = bind(fd, reinterpret_cast<sockaddr *>(&ss), len) == 0;
  close(fd);
  return ok;
}
} // namespace

TEST(UdpSocket, SendsAndReceivesOnIpv4Loopback) { udp_exchange("127.0.0.1"); }

TEST(UdpSocket, SendsAndReceivesOnIpv6Loopback) {
  if (!ipv6_loopback())
    GTEST_SKIP() << "no IPv6 loopback here";
  udp_exchange("::1");
}

TEST(UdpSocket, BindFailureIsAStatus) {
  UdpSocket a([](const Address &, std::span<const uint8_t>) {});
  Address taken;
  ASSERT_TRUE(Address::parse("127.0.0.1", 0, taken));
  ASSERT_TRUE(a.bind(taken).ok());
  UdpSocket b([](const Address &, std::span<const uint8_t>) {});
  auto st = b.bind(a.local());
  EXPECT_EQ(st.detail(), "udp.bind_failed");
  EXPECT_EQ(st.code(), EADDRINUSE);
}

TEST(UdpSocket, CallbackMayDestroyItsSocket) {
  osmo_select_init();
  int got = 0;
  std::unique_ptr<UdpSocket> victim;
  victim = std::make_unique<UdpSocket>([&](const Address &, std::span<const uint8_t>) {
    ++got;
    victim.reset(); // the rest of what is queued is never read
  });
  Address lo;
  Address::parse("127.0.0.1", 0, lo);
  ASSERT_TRUE(victim->bind(lo).ok());
  UdpSocket sender([](const Address &, std::span<const uint8_t>) {});
  ASSERT_TRUE(sender.bind(lo).ok());
  Address to = victim->local();
  sender.send_to(to, bytes("1"));
  sender.send_to(to, bytes("2"));
  ASSERT_TRUE(run_until([&] { return got > 0; }));
  for (int i = 0; i < 5; ++i)
    osmo_select_main(1);
  EXPECT_EQ(got, 1);
  EXPECT_EQ(victim, nullptr);
}

TEST(Tcp, ListenConnectAcceptExchangeAndCloseInHandler) {
  osmo_select_init();
  std::unique_ptr<LoopFd> server_side;
  std::string at_server;
  Address peer_seen;
  TcpListener listener([&](int fd, const Address &peer) {
    peer_seen = peer;
    server_side = std::make_unique<LoopFd>();
    server_side->open(fd, [&](unsigned) {
      char buf[64];
      ssize_t n = read(server_side->fd(), buf, sizeof buf);
      if (n <= 0) {
        server_side.reset(); // destroys its own LoopFd inside its handler: -EBADF
        return;
      }
      at_server.append(buf, size_t(n));
    });
  });
  Address lo;
  ASSERT_TRUE(Address::parse("127.0.0.1", 0, lo));
  ASSERT_TRUE(listener.listen(lo).ok());
  ASSERT_NE(listener.local().port, 0);

  Address from;
  ASSERT_TRUE(Address::parse("127.0.0.1", 0, from));
  int fd = mgc::core::tcp_connect(listener.local(), &from);
  ASSERT_GE(fd, 0);
  LoopFd client;
  bool connected = false;
  ASSERT_TRUE(client.open(
      fd,
      [&](unsigned what) {
        if ((what & OSMO_FD_WRITE) && !connected) {
          connected = mgc::core::connect_error(client.fd()) == 0;
          client.want_write(false);
          ASSERT_EQ(write(client.fd(), "hello", 5), 5);
        }
      },
      true));
  ASSERT_TRUE(run_until([&] { return at_server == "hello"; }));
  EXPECT_TRUE(connected);
  EXPECT_TRUE(peer_seen.same_host(lo));
  EXPECT_NE(peer_seen.port, 0);
  client.close();
  EXPECT_FALSE(client.is_open());
  ASSERT_TRUE(run_until([&] { return server_side == nullptr; }));
}

TEST(Tcp, ConnectToAClosedPortFails) {
  osmo_select_init();
  // Find a free port, then close it.
  Address lo;
  ASSERT_TRUE(Address::parse("127.0.0.1", 0, lo));
  Address gone;
  {
    TcpListener l([](int fd, const Address &) { close(fd); });
    ASSERT_TRUE(l.listen(lo).ok());
    gone = l.local();
  }
  int fd = mgc::core::tcp_connect(gone);
  if (fd < 0) {
    EXPECT_EQ(errno, ECONNREFUSED);
    return;
  }
  LoopFd c;
  int err = -1;
  c.open(
      fd,
      [&](unsigned what) {
        if (what & OSMO_FD_WRITE) {
          err = mgc::core::connect_error(c.fd());
          c.close(); // closes its own fd inside its handler: -EBADF
        }
      },
      true);
  ASSERT_TRUE(run_until([&] { return err >= 0; }));
  EXPECT_EQ(err, ECONNREFUSED);
  EXPECT_FALSE(c.is_open());
}
