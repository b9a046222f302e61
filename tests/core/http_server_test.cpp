// The HTTP/1.1 server on the real select loop (core/http_server.h), on 127.0.0.1 port 0: a GET
// answered with Content-Length, persistent connections with pipelined requests answered in order,
// HEAD without a body, Connection: close, a malformed head answered 400 and closed, a large body
// written across several writes, the connection limit and the idle timeout.
#include "core/http_server.h"
#include "core/osmo.h"
#include "core/osmo_scheduler.h"

#include <arpa/inet.h>
#include <chrono>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

using namespace mgc::core;

namespace {
template <typename F> bool run_until(F done, int seconds = 3) {
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!done() && std::chrono::steady_clock::now() < until)
    osmo_select_main(1);
  return done();
}

int connect_to(const Address &a) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(a.port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr *>(&sin), sizeof sin) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Reads what arrived (the loop runs meanwhile) until `enough` says so or the peer closes.
template <typename Pred> std::string read_until(int fd, Pred enough, bool *closed = nullptr) {
  std::string got;
  run_until([&] {
    char buf[65536];
    const ssize_t n = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0)
      got.append(buf, static_cast<std::size_t>(n));
    if (n == 0 && closed)
      *closed = true;
    return enough(got) || n == 0;
  });
  return got;
}
std::string read_some(int fd, std::size_t want, bool *closed = nullptr) {
  return read_until(fd, [want](const std::string &g) { return g.size() >= want; }, closed);
}

struct HttpServerTest : ::testing::Test {
  OsmoScheduler sched;
  // larger than what loopback sockets buffer, so that the server meets EAGAIN
  std::string big = std::string(32 << 20, 'x');
  HttpServer server{sched, [this](const HttpRequest &r) {
                      HttpResponse resp;
                      if (r.target == "/big")
                        resp.body = big;
                      else if (r.target == "/metrics")
                        resp.body = "a 1\n";
                      else
                        resp.status = 404;
                      return resp;
                    },
                    HttpServer::Limits{2, 1000}};
  void SetUp() override {
    osmo_select_init();
    Address local;
    ASSERT_TRUE(Address::parse("127.0.0.1", 0, local));
    ASSERT_TRUE(server.listen(local).ok());
  }
  void send(int fd, const std::string &s) { ASSERT_EQ(::send(fd, s.data(), s.size(), 0), ssize_t(s.size())); }
};
const std::string kOk = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        "Content-Length: 4\r\n\r\na 1\n";
} // namespace

TEST_F(HttpServerTest, PipelinedRequestsOnOneConnectionInOrder) {
  int fd = connect_to(server.local());
  ASSERT_GE(fd, 0);
  send(fd, "GET /metrics HTTP/1.1\r\nHost: a\r\n\r\nGET /nothing HTTP/1.1\r\nHost: a\r\n\r\n"
           "HEAD /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
  const std::string nf = "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\n"
                         "Content-Length: 0\r\n\r\n";
  const std::string head = kOk.substr(0, kOk.size() - 4);
  const std::string got = read_some(fd, kOk.size() + nf.size() + head.size());
  EXPECT_EQ(got, kOk + nf + head);
  EXPECT_EQ(server.counters().get(HttpCounter::requests), 3u);
  EXPECT_EQ(server.counters().get(HttpCounter::not_found), 1u);
  ::close(fd);
}

TEST_F(HttpServerTest, ConnectionCloseAndMalformedHead) {
  int fd = connect_to(server.local());
  send(fd, "GET /metrics HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
  bool closed = false;
  std::string got = read_some(fd, 1 << 20, &closed);
  EXPECT_TRUE(closed);
  EXPECT_NE(got.find("Connection: close\r\n\r\na 1\n"), std::string::npos);
  ::close(fd);

  fd = connect_to(server.local());
  send(fd, "GET /metrics HTTP/1.1\r\n\r\n"); // no Host (RFC 9112 §3.2)
  closed = false;
  got = read_some(fd, 1 << 20, &closed);
  EXPECT_TRUE(closed);
  EXPECT_EQ(got.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u);
  EXPECT_EQ(server.counters().get(HttpCounter::bad_requests), 1u);
  ::close(fd);
}

TEST_F(HttpServerTest, LargeBodyWrittenWhenTheSocketTakesIt) {
  int fd = connect_to(server.local());
  send(fd, "GET /big HTTP/1.1\r\nHost: a\r\n\r\nGET /metrics HTTP/1.1\r\nHost: a\r\n\r\n");
  // nothing read for a while: the server's writes fill the socket and wait for it
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  while (std::chrono::steady_clock::now() < until)
    osmo_select_main(1);
  const std::string want_tail = "\r\n\r\n" + big + kOk;
  const std::string got = read_until(fd, [&](const std::string &g) {
    return g.size() >= want_tail.size() && g.ends_with(kOk);
  });
  ASSERT_GT(got.size(), big.size());
  EXPECT_EQ(got.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(got.find("Content-Length: " + std::to_string(big.size()) + "\r\n"), std::string::npos);
  ASSERT_GE(got.size(), want_tail.size());
  EXPECT_TRUE(got.substr(got.size() - want_tail.size()) == want_tail);
  ::close(fd);
}

TEST_F(HttpServerTest, ConnectionLimitAndIdleTimeout) {
  int a = connect_to(server.local()), b = connect_to(server.local()), c = connect_to(server.local());
  ASSERT_TRUE(run_until([&] { return server.counters().get(HttpCounter::connections_refused) == 1; }));
  EXPECT_EQ(server.connections(), 2u);
  bool closed = false;
  read_some(c, 1, &closed);
  EXPECT_TRUE(closed);
  // idle for the limit (1 s): closed by the sweep, once a second
  ASSERT_TRUE(run_until([&] { return server.connections() == 0; }, 4));
  EXPECT_EQ(server.counters().get(HttpCounter::idle_closed), 2u);
  ::close(a);
  ::close(b);
  ::close(c);
}
