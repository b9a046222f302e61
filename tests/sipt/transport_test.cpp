// UDP and TCP transports on the real libosmocore loop, loopback, ephemeral ports.
#include "core/osmo.h"
#include "core/osmo_scheduler.h"
#include "sipt/transport.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace mgc::sipt;

namespace {

struct Got {
  std::string text;
  Peer from;
};

// Runs the loop until `done` or 3 s of wall time.
template <typename F> bool run_until(F done) {
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (!done()) {
    if (std::chrono::steady_clock::now() > end)
      return false;
    osmo_select_main(1);
  }
  return true;
}

std::string options(std::string_view via_host, std::string_view extra = "") {
  return "OPTIONS sip:gw@127.0.0.1 SIP/2.0\r\n"
         "Via: SIP/2.0/UDP " + std::string(via_host) + ":5099;branch=z9hG4bK-t1;rport\r\n"
         "Max-Forwards: 70\r\nFrom: <sip:probe@example.net>;tag=1\r\nTo: <sip:gw@127.0.0.1>\r\n"
         "Call-ID: transport-test\r\nCSeq: 1 OPTIONS\r\n" + std::string(extra) +
         "Content-Length: 0\r\n\r\n";
}

struct Side {
  mgc::core::OsmoScheduler timers;
  std::vector<Got> got;
  std::unique_ptr<Transport> t;
  explicit Side(TransportConfig cfg = {}) {
    cfg.udp_port = 0;
    cfg.tcp_port = 0;
    t = std::make_unique<Transport>(cfg, timers, [this](const Message &m, const Peer &from) {
      got.push_back({m.serialize(), from});
    });
    EXPECT_TRUE(t->start().ok());
  }
};

} // namespace

TEST(Transport, UdpStampsReceivedAndRport) {
  Side a, b;
  Peer to{TransportKind::Udp, "127.0.0.1", b.t->udp_port()};
  ASSERT_TRUE(a.t->send(options("192.0.2.99"), to));
  ASSERT_TRUE(run_until([&] { return !b.got.empty(); }));
  Message m;
  ASSERT_TRUE(parse(b.got[0].text, ParseOptions{}, m).ok());
  // RFC 3581 §4: rport filled with the source port, received with the source address.
  EXPECT_EQ(m.top_via().received, "127.0.0.1");
  EXPECT_TRUE(m.top_via().rport_has_value);
  EXPECT_EQ(m.top_via().rport_value, a.t->udp_port());
  EXPECT_EQ(b.got[0].from.port, a.t->udp_port());
}

// Several listeners (RFC 3261 §18), IPv4 and IPv6: each peer is answered from the listener it
// reached, local_for() names that listener for the Via and Contact, and a listener added or
// removed while running takes traffic or stops at once.
TEST(Transport, SeveralListenersIpv4AndIpv6) {
  TransportConfig cfg;
  cfg.listen = {{TransportKind::Udp, "127.0.0.1", 0},
                {TransportKind::Udp, "::1", 0},
                {TransportKind::Tcp, "::1", 0}};
  Side gw(cfg);
  const auto ls = gw.t->listeners();
  ASSERT_EQ(ls.size(), 3u);
  EXPECT_FALSE(ls[0].local.v6);
  EXPECT_TRUE(ls[1].local.v6);
  EXPECT_EQ(ls[1].local.host(), "::1");
  EXPECT_EQ(ls[2].config.transport, TransportKind::Tcp);
  EXPECT_EQ(gw.t->udp_port(), ls[0].local.port);
  TransportConfig v6;
  v6.listen = {{TransportKind::Udp, "::1", 0}};
  Side peer6(v6);
  Side peer4;
  // A message to an IPv6 peer leaves from the IPv6 listener, named so for its Via.
  const Peer to6{TransportKind::Udp, "::1", peer6.t->udp_port()};
  auto local = gw.t->local_for(to6);
  ASSERT_TRUE(local);
  EXPECT_EQ(*local, ls[1].local);
  ASSERT_TRUE(gw.t->send(options("[::1]"), to6));
  ASSERT_TRUE(run_until([&] { return !peer6.got.empty(); }));
  EXPECT_EQ(peer6.got[0].from.host, "::1");
  EXPECT_EQ(peer6.got[0].from.port, ls[1].local.port);
  // The IPv4 peer reaches the IPv4 listener and is answered from it.
  const Peer gw4{TransportKind::Udp, "127.0.0.1", ls[0].local.port};
  ASSERT_TRUE(peer4.t->send(options("127.0.0.1"), gw4));
  ASSERT_TRUE(run_until([&] { return !gw.got.empty(); }));
  EXPECT_EQ(*gw.t->local_for(gw.got[0].from), ls[0].local);
  // Over TCP: the IPv6 TCP listener's address and port.
  EXPECT_EQ(*gw.t->local_for({TransportKind::Tcp, "::1", 5999}), ls[2].local);
  EXPECT_FALSE(gw.t->local_for({TransportKind::Tls, "::1", 5999}));
  // Removed live: nothing more arrives there, and IPv6 has no UDP listener left.
  ASSERT_TRUE(gw.t->remove_listener(cfg.listen[1]));
  EXPECT_FALSE(gw.t->remove_listener(cfg.listen[1]));
  EXPECT_EQ(gw.t->listeners().size(), 2u);
  EXPECT_FALSE(gw.t->local_for(to6));
  EXPECT_FALSE(gw.t->send(options("[::1]"), to6));
  // Added live: a second IPv4 UDP listener takes traffic at once.
  EXPECT_TRUE(gw.t->add_listener(cfg.listen[0]).ok()); // the same one again: nothing new
  EXPECT_EQ(gw.t->listeners().size(), 2u);
  ASSERT_TRUE(gw.t->add_listener({TransportKind::Udp, "127.0.0.2", 0}).ok());
  const auto now = gw.t->listeners();
  ASSERT_EQ(now.size(), 3u);
  EXPECT_EQ(now[2].local.host(), "127.0.0.2");
  const std::size_t before = gw.got.size();
  ASSERT_TRUE(
      peer4.t->send(options("127.0.0.1"), {TransportKind::Udp, "127.0.0.2", now[2].local.port}));
  ASSERT_TRUE(run_until([&] { return gw.got.size() > before; }));
  // ... and the answer goes back from where the peer reached us.
  EXPECT_EQ(gw.t->local_for(gw.got.back().from)->host(), "127.0.0.2");
  // A listener that cannot open is refused and not kept.
  EXPECT_EQ(gw.t->add_listener({TransportKind::Udp, "192.0.2.1", 5060}).detail(),
            "sip.transport_udp_bind");
  EXPECT_EQ(gw.t->listeners().size(), 3u);
}

// The UDP socket's buffers are what the configuration asks for: Linux reports twice the size it
// books (socket(7)), capped at net.core.rmem_max / wmem_max unless the process may force them
// (SO_RCVBUFFORCE, CAP_NET_ADMIN); 0 leaves the system's default (net.core.rmem_default).
TEST(Transport, UdpSocketBuffersAsConfigured) {
  const auto sysctl = [](const char *path) {
    long v = 0;
    if (FILE *f = std::fopen(path, "r")) {
      if (std::fscanf(f, "%ld", &v) != 1)
        v = 0;
      std::fclose(f);
    }
    return v;
  };
  const long rmem_max = sysctl("/proc/sys/net/core/rmem_max");
  const long wmem_max = sysctl("/proc/sys/net/core/wmem_max");
  ASSERT_GT(rmem_max, 0);
  TransportConfig big;
  big.tcp = false;
  big.udp_receive_buffer = 3 << 20;
  big.udp_send_buffer = 1 << 20;
  Side a(big);
  EXPECT_GE(a.t->udp_buffers().rcv, 2 * std::min<long>(big.udp_receive_buffer, rmem_max));
  EXPECT_LE(a.t->udp_buffers().rcv, 2 * big.udp_receive_buffer);
  EXPECT_GE(a.t->udp_buffers().snd, 2 * std::min<long>(big.udp_send_buffer, wmem_max));
  EXPECT_LE(a.t->udp_buffers().snd, 2 * big.udp_send_buffer);
  TransportConfig dflt;
  dflt.tcp = false;
  dflt.udp_receive_buffer = dflt.udp_send_buffer = 0;
  Side b(dflt);
  EXPECT_GT(b.t->udp_buffers().rcv, 0);
  EXPECT_LT(b.t->udp_buffers().rcv, a.t->udp_buffers().rcv);
  // the default is reported as it is set, not doubled
  EXPECT_EQ(b.t->udp_buffers().rcv, sysctl("/proc/sys/net/core/rmem_default"));
}

TEST(Transport, UdpMalformedRequestAnswered400) {
  Side a, b;
  Peer to{TransportKind::Udp, "127.0.0.1", b.t->udp_port()};
  std::string bad = options("127.0.0.1", "Max-Forwards: 300\r\n"); // duplicate + overlarge
  ASSERT_TRUE(a.t->send(bad, to));
  ASSERT_TRUE(run_until([&] { return !a.got.empty(); }));
  Message r;
  ASSERT_TRUE(parse(a.got[0].text, ParseOptions{}, r).ok());
  EXPECT_EQ(r.status_code(), 400);
  EXPECT_EQ(r.reason(), "Multiple Values In Single-Value Header Field");
  EXPECT_TRUE(b.got.empty());
  EXPECT_EQ(b.t->counters().get(SipTransportCounter::malformed_answered), 1u);
  EXPECT_EQ(b.t->parse_counters().get(SipError::duplicate_header), 1u);
}

TEST(Transport, TcpFramingAcrossSegments) {
  Side a, b;
  Peer to{TransportKind::Tcp, "127.0.0.1", b.t->tcp_port()};
  std::string two = options("127.0.0.1") + options("127.0.0.1");
  // Two messages in one write, then one split in two writes.
  ASSERT_TRUE(a.t->send(two, to));
  std::string third = options("127.0.0.1");
  ASSERT_TRUE(a.t->send(third.substr(0, 50), to));
  ASSERT_TRUE(run_until([&] { return b.got.size() == 2; }));
  ASSERT_TRUE(a.t->send(third.substr(50), to));
  ASSERT_TRUE(run_until([&] { return b.got.size() == 3; }));
  EXPECT_EQ(b.got[2].from.transport, TransportKind::Tcp);
  // The answer goes back over the same connection.
  Peer back = b.got[0].from;
  Message req;
  ASSERT_TRUE(parse(b.got[0].text, ParseOptions{}, req).ok());
  ASSERT_TRUE(b.t->send(make_response(req, 200, "OK").serialize(), back));
  ASSERT_TRUE(run_until([&] { return !a.got.empty(); }));
  EXPECT_EQ(b.t->connections(), 1u);
  EXPECT_EQ(a.t->counters().get(SipTransportCounter::tcp_connected), 1u);
}

TEST(Transport, TcpIdleCloseAndPeerLimit) {
  TransportConfig cfg;
  cfg.idle_timeout_ms = 200;
  cfg.max_connections_per_peer = 1;
  Side b(cfg);
  Side a1, a2;
  Peer to{TransportKind::Tcp, "127.0.0.1", b.t->tcp_port()};
  ASSERT_TRUE(a1.t->send(options("127.0.0.1"), to));
  ASSERT_TRUE(run_until([&] { return b.got.size() == 1; }));
  ASSERT_TRUE(a2.t->send(options("127.0.0.1"), to)); // a second connection from 127.0.0.1
  ASSERT_TRUE(run_until(
      [&] { return b.t->counters().get(SipTransportCounter::tcp_refused_limit) == 1; }));
  ASSERT_TRUE(run_until([&] { return b.t->connections() == 0; })); // idle close
  EXPECT_EQ(b.t->counters().get(SipTransportCounter::tcp_closed_idle), 1u);
}

namespace {
// A raw TCP client (the hostile peer of issue 14): connected, blocking writes.
int raw_connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa), 0);
  return fd;
}
// Whether the server closed `fd` (a read returns 0 or an error; nothing waiting: open).
bool closed_by_peer(int fd) {
  char b;
  const ssize_t n = ::recv(fd, &b, 1, MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}
} // namespace

// A message must be complete within message_timeout_ms however its bytes trickle in: before, any
// byte restarted the idle timer, and eight such connections locked their host out for good.
TEST(Transport, TricklingConnectionClosedAtTheMessageDeadline) {
  TransportConfig cfg;
  cfg.idle_timeout_ms = 60000;
  cfg.message_timeout_ms = 300;
  Side b(cfg);
  const int fd = raw_connect(b.t->tcp_port());
  const std::string msg = options("127.0.0.1");
  const auto start = std::chrono::steady_clock::now();
  std::size_t sent = 0;
  // one byte every 20 ms: the message would take seconds; the deadline ends it first
  ASSERT_TRUE(run_until([&] {
    if (closed_by_peer(fd))
      return true;
    if (sent < msg.size() - 1 &&
        std::chrono::steady_clock::now() - start > std::chrono::milliseconds(20 * sent)) {
      (void)::send(fd, msg.data() + sent, 1, MSG_NOSIGNAL);
      ++sent;
    }
    return false;
  }));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(250));
  EXPECT_LT(took, std::chrono::milliseconds(1500));
  EXPECT_EQ(b.t->counters().get(SipTransportCounter::tcp_message_timeout), 1u);
  EXPECT_TRUE(b.got.empty());
  ::close(fd);
  // A connection that completes its messages in time stays: the idle timer (long) follows.
  const int ok = raw_connect(b.t->tcp_port());
  ASSERT_EQ(::send(ok, msg.data(), msg.size(), MSG_NOSIGNAL), ssize_t(msg.size()));
  ASSERT_TRUE(run_until([&] { return b.got.size() == 1; }));
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
  run_until([&] { return std::chrono::steady_clock::now() > until; });
  EXPECT_FALSE(closed_by_peer(ok));
  EXPECT_EQ(b.t->connections(), 1u);
  ::close(ok);
}

// Beyond the total limit connections are accepted and closed at once (counted), so that idle
// connections cannot take every descriptor of the process.
TEST(Transport, ConnectionsBeyondTheTotalLimitRefused) {
  TransportConfig cfg;
  cfg.max_connections = 3;
  cfg.max_connections_per_peer = 100;
  Side b(cfg);
  EXPECT_EQ(b.t->max_connections(), 3u);
  std::vector<int> fds;
  for (int i = 0; i < 5; ++i)
    fds.push_back(raw_connect(b.t->tcp_port()));
  ASSERT_TRUE(run_until(
      [&] { return b.t->counters().get(SipTransportCounter::tcp_refused_total) == 2; }));
  EXPECT_EQ(b.t->connections(), 3u);
  ASSERT_TRUE(run_until([&] { return closed_by_peer(fds[3]) && closed_by_peer(fds[4]); }));
  EXPECT_FALSE(closed_by_peer(fds[0]));
  // one goes: room for one more
  ::close(fds[0]);
  ASSERT_TRUE(run_until([&] { return b.t->connections() == 2; }));
  fds[0] = raw_connect(b.t->tcp_port());
  ASSERT_TRUE(run_until([&] { return b.t->connections() == 3; }));
  EXPECT_EQ(b.t->counters().get(SipTransportCounter::tcp_refused_total), 2u);
  for (int fd : fds)
    ::close(fd);
}

TEST(Transport, OversizedStreamClosed) {
  TransportConfig cfg;
  cfg.max_message = 300;
  Side b(cfg);
  Side a;
  Peer to{TransportKind::Tcp, "127.0.0.1", b.t->tcp_port()};
  std::string big = options("127.0.0.1", "X-Pad: " + std::string(400, 'x') + "\r\n");
  ASSERT_TRUE(a.t->send(big, to));
  ASSERT_TRUE(run_until(
      [&] { return b.t->counters().get(SipTransportCounter::tcp_overflow) == 1; }));
  EXPECT_TRUE(b.got.empty());
}

// ---- TLS (RFC 3261 §26.2): certificates made for the test with the openssl tool ----------
namespace {
std::string make_certs() {
  static std::string dir;
  if (!dir.empty())
    return dir;
  char tmpl[] = "/tmp/sipt-tls-XXXXXX";
  dir = mkdtemp(tmpl);
  std::string cmd =
      "cd " + dir +
      " && openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=mgc-test-ca"
      " -keyout ca.key -out ca.pem >/dev/null 2>&1"
      " && openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout srv.key -out srv.csr"
      " >/dev/null 2>&1"
      " && printf 'subjectAltName=IP:127.0.0.1\\n' > san.cnf"
      " && openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1"
      " -extfile san.cnf -out srv.pem >/dev/null 2>&1"
      " && printf 'subjectAltName=IP:127.0.0.2\\n' > san2.cnf"
      " && openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1"
      " -extfile san2.cnf -out other.pem >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0)
    dir = "FAILED";
  else
    std::atexit([] { std::system(("rm -rf " + dir).c_str()) == 0 ? void() : void(); });
  return dir;
}
} // namespace

TEST(Transport, TlsRoundTripWithVerifiedServer) {
  std::string d = make_certs();
  ASSERT_NE(d, "FAILED");
  TransportConfig server;
  server.tls = true;
  server.tls_port = 0;
  server.tls_cert = d + "/srv.pem";
  server.tls_key = d + "/srv.key";
  TransportConfig client;
  client.tls = true;
  client.tls_port = 0;
  client.tls_ca = d + "/ca.pem";
  client.tls_verify_peer = true; // the client checks the server's chain
  Side b(server), a(client);
  Peer to{TransportKind::Tls, "127.0.0.1", b.t->tls_port()};
  ASSERT_TRUE(a.t->send(options("127.0.0.1"), to));
  ASSERT_TRUE(run_until([&] { return !b.got.empty(); }));
  EXPECT_EQ(b.got[0].from.transport, TransportKind::Tls);
  Message req;
  ASSERT_TRUE(parse(b.got[0].text, ParseOptions{}, req).ok());
  ASSERT_TRUE(b.t->send(make_response(req, 200, "OK").serialize(), b.got[0].from));
  ASSERT_TRUE(run_until([&] { return !a.got.empty(); }));
  EXPECT_EQ(a.t->counters().get(SipTransportCounter::tls_connected), 1u);
  EXPECT_EQ(b.t->counters().get(SipTransportCounter::tls_accepted), 1u);
}

TEST(Transport, MutualTlsRefusesClientWithoutCertificate) {
  std::string d = make_certs();
  ASSERT_NE(d, "FAILED");
  TransportConfig server;
  server.tls = true;
  server.tls_port = 0;
  server.tls_cert = d + "/srv.pem";
  server.tls_key = d + "/srv.key";
  server.tls_ca = d + "/ca.pem";
  server.tls_verify_peer = true;
  TransportConfig client;
  client.tls = true;
  client.tls_port = 0;
  Side b(server), a(client);
  Peer to{TransportKind::Tls, "127.0.0.1", b.t->tls_port()};
  ASSERT_TRUE(a.t->send(options("127.0.0.1"), to));
  ASSERT_TRUE(run_until(
      [&] { return b.t->counters().get(SipTransportCounter::tls_handshake_failed) == 1; }));
  EXPECT_TRUE(b.got.empty());
}

TEST(Transport, TlsClientChecksTheServerAddress) {
  std::string d = make_certs();
  ASSERT_NE(d, "FAILED");
  // A certificate from the right CA, but for 127.0.0.2: refused when we dialled 127.0.0.1.
  TransportConfig server;
  server.tls = true;
  server.tls_port = 0;
  server.tls_cert = d + "/other.pem";
  server.tls_key = d + "/srv.key";
  TransportConfig client;
  client.tls = true;
  client.tls_port = 0;
  client.tls_ca = d + "/ca.pem";
  client.tls_verify_peer = true;
  Side b(server), a(client);
  Peer to{TransportKind::Tls, "127.0.0.1", b.t->tls_port()};
  ASSERT_TRUE(a.t->send(options("127.0.0.1"), to));
  ASSERT_TRUE(run_until(
      [&] { return a.t->counters().get(SipTransportCounter::tls_handshake_failed) == 1; }));
  EXPECT_TRUE(b.got.empty());
}
