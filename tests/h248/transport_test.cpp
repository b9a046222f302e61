// UDP and TCP (TPKT, Annex D.2) transports on the libosmocore select loop, over loopback with
// ports chosen by the kernel.
#include <gtest/gtest.h>

#include "core/osmo.h"
#include "core/osmo_scheduler.h"
#include "h248/transport.h"

namespace mgc::h248 {
namespace {

std::span<const uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t *>(s.data()), s.size()};
}

// Runs the select loop until done() or about two seconds passed.
template <typename F> void run_until(F done) {
  for (int i = 0; i < 200 && !done(); ++i) {
    mgc::core::OsmoScheduler s;
    bool tick = false;
    s.start(10, [&] { tick = true; });
    while (!tick && !done())
      osmo_select_main(0);
  }
}

TEST(H248Transport, UdpRoundTrip) {
  UdpTransport a, b;
  Address lo;
  ASSERT_TRUE(Address::parse("127.0.0.1", 0, lo));
  ASSERT_TRUE(a.open(lo).ok());
  ASSERT_TRUE(b.open(lo).ok());
  std::string got_a, got_b;
  Address from;
  a.set_receiver([&](const Address &f, std::span<const uint8_t> m) {
    from = f;
    got_a.assign(m.begin(), m.end());
    a.send(f, bytes("pong"));
  });
  b.set_receiver([&](const Address &, std::span<const uint8_t> m) { got_b.assign(m.begin(), m.end()); });
  ASSERT_TRUE(b.send(a.local(), bytes("!/1 ping")).ok());
  run_until([&] { return !got_b.empty(); });
  EXPECT_EQ(got_a, "!/1 ping");
  EXPECT_EQ(got_b, "pong");
  EXPECT_EQ(from, b.local());
}

TEST(H248Transport, TcpTpktRoundTrip) {
  TcpTransport server, client;
  Address lo;
  ASSERT_TRUE(Address::parse("127.0.0.1", 0, lo));
  ASSERT_TRUE(server.listen(lo).ok());
  std::vector<std::string> at_server;
  std::string at_client;
  server.set_receiver([&](const Address &f, std::span<const uint8_t> m) {
    at_server.emplace_back(m.begin(), m.end());
    if (at_server.size() == 2)
      server.send(f, bytes("reply"));
  });
  client.set_receiver(
      [&](const Address &, std::span<const uint8_t> m) { at_client.assign(m.begin(), m.end()); });
  ASSERT_TRUE(client.send(server.local(), bytes("first")).ok());
  ASSERT_TRUE(client.send(server.local(), bytes("second")).ok());
  run_until([&] { return !at_client.empty(); });
  EXPECT_EQ(at_server, (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(at_client, "reply");
}

TEST(H248Transport, OsmoSchedulerFiresAndCancels) {
  mgc::core::OsmoScheduler s;
  int fired = 0;
  mgc::core::Scheduler::Id cancelled = s.start(5, [&] { fired += 100; });
  s.start(20, [&] { ++fired; });
  s.stop(cancelled);
  int64_t t0 = s.now_ms();
  run_until([&] { return fired != 0; });
  EXPECT_EQ(fired, 1);
  EXPECT_GE(s.now_ms() - t0, 20);
}

} // namespace
} // namespace mgc::h248
