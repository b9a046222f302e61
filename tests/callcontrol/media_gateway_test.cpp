// The MGCP MediaGateway adapter on simulated time against a scripted gateway: call control's
// connect/modify/loopback/release become CRCX/MDCX/DLCX on the circuit's endpoint, and the
// gateway's restart and lost connections reach the listener.
#include "callcontrol/media/mgcp_media_gateway.h"
#include "core/sim_scheduler.h"
#include "mgcp/codec.h"

#include <gtest/gtest.h>

using namespace mgc;
using namespace mgc::cc;

namespace {

const mgcp::Address kGw{0x7f000001, 2427};

struct Net : mgcp::Transport {
  std::vector<std::string> sent;
  void send(const mgcp::Address &, std::string_view d) override { sent.emplace_back(d); }
  mgcp::Message last() const {
    mgcp::Message m;
    EXPECT_TRUE(mgcp::decode(sent.back(), m).ok());
    return m;
  }
};

struct Seen : MediaGateway::Listener {
  std::vector<std::string> events;
  void on_media_lost(MediaGateway::Handle h) override { events.push_back("lost " + std::to_string(h)); }
  void on_gateway_restart(std::string_view gw) override { events.push_back("restart " + std::string(gw)); }
};

struct MgcpAdapter : testing::Test {
  core::SimScheduler sched;
  Net net;
  Seen seen;
  MgcpMediaGateway mgw{sched, net};

  void SetUp() override {
    mgcp::GatewayConfig gw;
    gw.domain = "tgw1";
    gw.address = kGw;
    gw.audit_endpoints = {"ds/e1-1/*@tgw1"};
    ASSERT_TRUE(mgw.call_agent().add_gateway(gw).ok());
    mgcp::TrunkMapping tm;
    tm.trunk_group = "pstn-a";
    tm.gateway = "tgw1";
    tm.cic_first = 1;
    tm.cic_last = 31;
    ASSERT_TRUE(mgw.call_agent().add_trunk(tm).ok());
    mgw.set_listener(&seen);
    mgw.call_agent().start();
    answer(200);
  }
  void answer(int code, const std::string &extra = {}, const std::string &sdp = {}) {
    const mgcp::Message cmd = net.last();
    std::string text = std::to_string(code) + " " + std::to_string(cmd.transaction_id) + " OK\r\n" + extra;
    if (!sdp.empty())
      text += "\r\n" + sdp;
    mgw.call_agent().receive(kGw, text);
  }
};

const std::string kGwSdp = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4002 RTP/AVP 8\r\n";
const std::string kPeerSdp = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 7000 RTP/AVP 8\r\n";

TEST_F(MgcpAdapter, ConnectModifyRelease) {
  Status st;
  MediaGateway::Handle handle = 0;
  std::string local;
  mgw.connect("pstn-a", 5, kPeerSdp, MediaMode::RecvOnly,
              [&](const Status &s, MediaGateway::Handle h, std::string_view sdp) {
                st = s;
                handle = h;
                local = std::string(sdp);
              });
  const mgcp::Message crcx = net.last();
  EXPECT_EQ(crcx.verb, mgcp::Verb::Crcx);
  EXPECT_EQ(crcx.endpoint, "ds/e1-1/5@tgw1"); // CIC 5 on E1 span 1 (RFC 3435 §2.1.1)
  EXPECT_EQ(*crcx.get(mgcp::Param::ConnectionMode), "recvonly");
  ASSERT_EQ(crcx.sdp.size(), 1u);
  answer(200, "I: 1A\r\n", kGwSdp);
  ASSERT_TRUE(st.ok()) << st.detail();
  EXPECT_NE(handle, 0u);
  EXPECT_EQ(local, kGwSdp);

  bool modified = false;
  mgw.modify(handle, MediaMode::SendRecv, {}, [&](const Status &s, std::string_view) {
    modified = s.ok();
  });
  EXPECT_EQ(net.last().verb, mgcp::Verb::Mdcx);
  EXPECT_EQ(*net.last().get(mgcp::Param::ConnectionMode), "sendrecv");
  answer(200);
  EXPECT_TRUE(modified);

  bool released = false;
  mgw.release(handle, [&](const Status &s) { released = s.ok(); });
  EXPECT_EQ(net.last().verb, mgcp::Verb::Dlcx);
  answer(250);
  EXPECT_TRUE(released);
}

TEST_F(MgcpAdapter, NewConnectionWaitsForTheDeleteOnItsEndpoint) {
  // The circuit's next call comes before the gateway answered the DLCX of the last one: its
  // CRCX goes only after that answer (an endpoint serves one call), other endpoints do not wait.
  MediaGateway::Handle first = 0, second = 0, other = 0;
  auto keep = [](MediaGateway::Handle &to) {
    return [&to](const Status &s, MediaGateway::Handle h, std::string_view) {
      EXPECT_TRUE(s.ok()) << s.detail();
      to = h;
    };
  };
  mgw.connect("pstn-a", 5, kPeerSdp, MediaMode::SendRecv, keep(first));
  answer(200, "I: 1A\r\n", kGwSdp);
  ASSERT_NE(first, 0u);
  mgw.release(first, [](const Status &) {});
  const mgcp::Message dlcx = net.last();
  EXPECT_EQ(dlcx.verb, mgcp::Verb::Dlcx);
  mgw.connect("pstn-a", 5, kPeerSdp, MediaMode::SendRecv, keep(second));
  EXPECT_EQ(net.last().verb, mgcp::Verb::Dlcx); // the CRCX waits
  mgw.connect("pstn-a", 6, kPeerSdp, MediaMode::SendRecv, keep(other));
  EXPECT_EQ(net.last().verb, mgcp::Verb::Crcx); // another endpoint: at once
  EXPECT_EQ(net.last().endpoint, "ds/e1-1/6@tgw1");
  answer(200, "I: 1C\r\n", kGwSdp);
  EXPECT_NE(other, 0u);
  // The DLCX is answered: now the CRCX for circuit 5.
  mgw.call_agent().receive(kGw, "250 " + std::to_string(dlcx.transaction_id) + " OK\r\n");
  EXPECT_EQ(net.last().verb, mgcp::Verb::Crcx);
  EXPECT_EQ(net.last().endpoint, "ds/e1-1/5@tgw1");
  answer(200, "I: 1B\r\n", kGwSdp);
  EXPECT_NE(second, 0u);
  EXPECT_NE(second, first);
}

TEST_F(MgcpAdapter, GatewayRefusalAndUnknownCircuit) {
  Status st;
  mgw.connect("pstn-a", 6, {}, MediaMode::SendRecv,
              [&](const Status &s, MediaGateway::Handle, std::string_view) { st = s; });
  answer(502); // insufficient resources
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(st.code(), 502);
  mgw.connect("nowhere", 1, {}, MediaMode::SendRecv,
              [&](const Status &s, MediaGateway::Handle, std::string_view) { st = s; });
  EXPECT_EQ(st.detail(), "cc.media.no_endpoint_for_circuit");
}

TEST_F(MgcpAdapter, LoopbackForContinuity) {
  Status st;
  MediaGateway::Handle loop = 0;
  mgw.loopback("pstn-a", 7, [&](const Status &s, MediaGateway::Handle h, std::string_view) {
    st = s;
    loop = h;
  });
  EXPECT_EQ(net.last().endpoint, "ds/e1-1/7@tgw1");
  EXPECT_EQ(*net.last().get(mgcp::Param::ConnectionMode), "loopback");
  answer(200, "I: 2B\r\n");
  EXPECT_TRUE(st.ok());
  // the check is over (COT received): the loop is removed with DLCX on its connection
  bool released = false;
  mgw.release(loop, [&](const Status &s) { released = s.ok(); });
  EXPECT_EQ(net.last().verb, mgcp::Verb::Dlcx);
  EXPECT_EQ(*net.last().get(mgcp::Param::ConnectionId), "2B");
  answer(250);
  EXPECT_TRUE(released);
}

TEST_F(MgcpAdapter, GatewayRestartReachesCallControl) {
  MediaGateway::Handle handle = 0;
  mgw.connect("pstn-a", 5, {}, MediaMode::SendRecv,
              [&](const Status &, MediaGateway::Handle h, std::string_view) { handle = h; });
  answer(200, "I: 1A\r\n", kGwSdp);
  ASSERT_NE(handle, 0u);
  mgw.call_agent().receive(kGw, "RSIP 9001 *@tgw1 MGCP 1.0\r\nRM: restart\r\n");
  bool restart = false, lost = false;
  for (const auto &e : seen.events) {
    restart |= e == "restart tgw1";
    lost |= e == "lost " + std::to_string(handle);
  }
  EXPECT_TRUE(restart);
  EXPECT_TRUE(lost);
}

} // namespace
