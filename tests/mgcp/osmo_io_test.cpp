// mgc::core::OsmoScheduler and UdpTransport on the real libosmocore select loop (loopback, port 0), and
// one CRCX/DLCX through the call agent to an in-process responder over UDP.
#include "core/osmo.h"
#include "core/osmo_scheduler.h"
#include "mgcp/call_agent.h"
#include "mgcp/transport.h"

#include <chrono>
#include <gtest/gtest.h>

using namespace mgc::mgcp;

namespace {

template <typename P> bool run_until(mgc::core::OsmoScheduler &sched, P pred, int timeout_ms = 2000) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= until)
      return false;
    mgc::core::Scheduler::Id tick = sched.start(5, [] {});
    osmo_select_main(0);
    sched.stop(tick);
  }
  return true;
}

} // namespace

TEST(MgcpOsmoIo, TimersFireInOrderAndStopCancels) {
  osmo_select_init();
  mgc::core::OsmoScheduler sched;
  std::vector<int> fired;
  int64_t t0 = sched.now_ms();
  sched.start(30, [&] { fired.push_back(30); });
  mgc::core::Scheduler::Id cancelled = sched.start(20, [&] { fired.push_back(20); });
  sched.start(10, [&] { fired.push_back(10); });
  sched.stop(cancelled);
  sched.stop(9999); // unknown ids are ignored
  ASSERT_TRUE(run_until(sched, [&] { return fired.size() == 2; }));
  EXPECT_EQ(fired, (std::vector<int>{10, 30}));
  EXPECT_GE(sched.now_ms() - t0, 30);
}

TEST(MgcpOsmoIo, UdpTransportSendsAndReceives) {
  osmo_select_init();
  mgc::core::OsmoScheduler sched;
  std::string got;
  Address from;
  UdpTransport a([&](const Address &f, std::string_view d) {
    from = f;
    got = std::string(d);
  });
  UdpTransport b([](const Address &, std::string_view) {});
  ASSERT_TRUE(a.bind({0x7f000001, 0}).ok());
  ASSERT_TRUE(b.bind({0x7f000001, 0}).ok());
  EXPECT_NE(a.local_address().port, 0);
  b.send(a.local_address(), "AUEP 1 x@y MGCP 1.0\r\n");
  ASSERT_TRUE(run_until(sched, [&] { return !got.empty(); }));
  EXPECT_EQ(got, "AUEP 1 x@y MGCP 1.0\r\n");
  EXPECT_EQ(from, b.local_address());
  Address parsed;
  ASSERT_TRUE(Address::parse("127.0.0.1", 2427, parsed));
  EXPECT_EQ(parsed.to_string(), "127.0.0.1:2427");
  EXPECT_FALSE(Address::parse("not an address", 1, parsed));
}

TEST(MgcpOsmoIo, CallAgentOverUdpToAnInProcessGateway) {
  osmo_select_init();
  mgc::core::OsmoScheduler sched;
  CallAgentListener events;
  CallAgent *ca = nullptr;
  UdpTransport ca_side([&](const Address &f, std::string_view d) { ca->receive(f, d); });
  ASSERT_TRUE(ca_side.bind({0x7f000001, 0}).ok());
  UdpTransport *gwp = nullptr;
  UdpTransport gw_side([&](const Address &f, std::string_view d) {
    Message cmd;
    if (!decode(d, cmd).ok())
      return;
    Message r = Message::response(cmd.verb == Verb::Dlcx ? 250 : 200, cmd.transaction_id, "OK");
    if (cmd.verb == Verb::Crcx)
      r.set(Param::ConnectionId, "1");
    gwp->send(f, encode(r));
  });
  gwp = &gw_side;
  ASSERT_TRUE(gw_side.bind({0x7f000001, 0}).ok());
  CallAgent agent(sched, ca_side, events);
  ca = &agent;
  ASSERT_TRUE(
      agent.add_gateway({"gw", gw_side.local_address(), {}, "p:20, a:PCMA", 1000, {}, 0, 3}).ok());
  agent.start();
  ASSERT_TRUE(
      run_until(sched, [&] { return agent.gateway_state("gw") == GatewayState::InService; }));
  ConnectResult c;
  ConnectRequest req;
  req.endpoint = "ds/e1-1/1@gw";
  req.mode = ConnectionMode::RecvOnly;
  agent.connect(req, [&](const ConnectResult &x) { c = x; });
  ASSERT_TRUE(run_until(sched, [&] { return c.handle != 0 || !c.status.ok(); }));
  ASSERT_TRUE(c.status.ok());
  bool released = false;
  agent.release(c.handle, [&](const ReleaseResult &r) { released = r.status.ok(); });
  ASSERT_TRUE(run_until(sched, [&] { return released; }));
  EXPECT_EQ(agent.transactions().counters().get(TxCounter::retransmissions), 0u);
}
