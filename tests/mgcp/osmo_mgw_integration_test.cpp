// Integration against a real media gateway: osmo-mgw (Debian package), started by the test on
// 127.0.0.1 and always stopped. The call agent runs on the libosmocore select loop with real
// UDP: audit, CRCX/MDCX/DLCX on rtpbridge endpoints with RTP actually relayed end to end,
// loopback, and osmo-mgw's silence on AUCX (a verb it does not implement) driving our
// retransmission, give-up, disconnection and recovery by probing.
//
// MGCP_TEST_PORT (optional) fixes osmo-mgw's MGCP port so a capture can be filtered on it.
#include "core/osmo.h"
#include "core/osmo_scheduler.h"
#include "mgcp/call_agent.h"
#include "mgcp/sdp.h"
#include "tests/mgcp/osmo_mgw_process.h"

#include <arpa/inet.h>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace mgc::mgcp;
using mgc::mgcp::test::OsmoMgw;

namespace {

constexpr uint32_t kLoopback = 0x7f000001;

uint16_t free_udp_port() {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(kLoopback);
  bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa);
  socklen_t len = sizeof sa;
  getsockname(fd, reinterpret_cast<sockaddr *>(&sa), &len);
  close(fd);
  return ntohs(sa.sin_port);
}

// A plain UDP socket standing for an RTP peer (the SIP side's media, say).
struct RtpPeer {
  int fd = -1;
  uint16_t port = 0;
  RtpPeer() {
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(kLoopback);
    bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa);
    socklen_t len = sizeof sa;
    getsockname(fd, reinterpret_cast<sockaddr *>(&sa), &len);
    port = ntohs(sa.sin_port);
  }
  ~RtpPeer() { close(fd); }
  void send_rtp(uint16_t to_port, uint16_t seq, uint8_t fill) {
    uint8_t pkt[12 + 160];
    pkt[0] = 0x80; // RTP version 2 (RFC 3550 §5.1)
    pkt[1] = 8;    // PCMA
    pkt[2] = uint8_t(seq >> 8);
    pkt[3] = uint8_t(seq);
    uint32_t ts = seq * 160u, ssrc = 0x11223344u + port;
    for (int i = 0; i < 4; ++i) {
      pkt[4 + i] = uint8_t(ts >> (24 - 8 * i));
      pkt[8 + i] = uint8_t(ssrc >> (24 - 8 * i));
    }
    std::memset(pkt + 12, fill, 160);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(kLoopback);
    sa.sin_port = htons(to_port);
    sendto(fd, pkt, sizeof pkt, 0, reinterpret_cast<sockaddr *>(&sa), sizeof sa);
  }
  // Returns the payload fill byte of each RTP packet received so far.
  std::vector<uint8_t> drain() {
    std::vector<uint8_t> got;
    uint8_t buf[2048];
    for (;;) {
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n < 0)
        break;
      if (n >= 13 && (buf[0] & 0xc0) == 0x80)
        got.push_back(buf[12]);
    }
    return got;
  }
};

struct Events : CallAgentListener {
  std::vector<GatewayState> states;
  void on_gateway_state(std::string_view, GatewayState s) override { states.push_back(s); }
};

class MgcpOsmoMgw : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    const char *env = std::getenv("MGCP_TEST_PORT");
    uint16_t port = env ? uint16_t(std::atoi(env)) : free_udp_port();
    mgw_ = new OsmoMgw(port);
    started_ = mgw_->start();
  }
  static void TearDownTestSuite() {
    delete mgw_;
    mgw_ = nullptr;
  }

  void SetUp() override {
    ASSERT_TRUE(started_) << "osmo-mgw did not start";
    osmo_select_init();
    transport_ = std::make_unique<UdpTransport>(
        [this](const Address &from, std::string_view d) { ca_->receive(from, d); });
    ASSERT_TRUE(transport_->bind(Address{kLoopback, 0}).ok());
    make_agent({});
  }
  void TearDown() override {
    ca_.reset();
    transport_.reset();
  }

  void make_agent(CallAgentConfig cfg, int64_t probe_ms = 10'000) {
    ca_.reset();
    ca_ = std::make_unique<CallAgent>(sched_, *transport_, events_, cfg);
    GatewayConfig gw;
    gw.domain = "mgw";
    gw.address = Address{kLoopback, mgw_->port()};
    gw.audit_endpoints = {"rtpbridge/*@mgw"};
    gw.probe_interval_ms = probe_ms;
    ASSERT_TRUE(ca_->add_gateway(gw).ok());
    TrunkMapping tm{"to-osmo", "mgw", 1, 31,
                    EndpointRule{"rtpbridge/{nx}", Framing::Linear, 1, 1, 1}};
    ASSERT_TRUE(ca_->add_trunk(tm).ok());
  }

  // Runs the select loop until pred() holds or the time runs out.
  template <typename P> bool run_until(P pred, int timeout_ms = 3000) {
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!pred()) {
      if (std::chrono::steady_clock::now() >= until)
        return false;
      mgc::core::Scheduler::Id tick = sched_.start(5, [] {});
      osmo_select_main(0);
      sched_.stop(tick);
    }
    return true;
  }

  bool bring_up() {
    ca_->start();
    return run_until([&] { return ca_->gateway_state("mgw") == GatewayState::InService; });
  }

  static OsmoMgw *mgw_;
  static bool started_;
  mgc::core::OsmoScheduler sched_;
  Events events_;
  std::unique_ptr<UdpTransport> transport_;
  std::unique_ptr<CallAgent> ca_;
};

OsmoMgw *MgcpOsmoMgw::mgw_ = nullptr;
bool MgcpOsmoMgw::started_ = false;

} // namespace

TEST_F(MgcpOsmoMgw, AuditAtStartBringsGatewayInService) {
  ASSERT_TRUE(bring_up());
  AuditResult r;
  bool done = false;
  ca_->audit_endpoint("rtpbridge/1@mgw", "", [&](const AuditResult &x) {
    r = x;
    done = true;
  });
  ASSERT_TRUE(run_until([&] { return done; }));
  EXPECT_TRUE(r.status.ok()) << r.status.detail() << " " << r.code;
  // An endpoint osmo-mgw does not have: 500 (RFC 3435 §2.4).
  done = false;
  ca_->audit_endpoint("rtpbridge/99@mgw", "", [&](const AuditResult &x) {
    r = x;
    done = true;
  });
  ASSERT_TRUE(run_until([&] { return done; }));
  EXPECT_EQ(r.code, 500);
}

TEST_F(MgcpOsmoMgw, CrcxMdcxDlcxRelayRtpEndToEnd) {
  ASSERT_TRUE(bring_up());
  RtpPeer a, b;
  // osmo-mgw names its endpoints in hexadecimal: circuit 26 is rtpbridge/1a.
  auto ep = ca_->endpoint_for("to-osmo", 26);
  ASSERT_EQ(ep, "rtpbridge/1a@mgw");

  ConnectResult ra, rb;
  int done = 0;
  ConnectRequest req;
  req.endpoint = *ep;
  req.call_id = "ABC1";
  req.mode = ConnectionMode::SendRecv;
  req.remote_sdp = build_sdp({"127.0.0.1", a.port, {{8, "PCMA/8000"}}, 20, 1});
  ca_->connect(req, [&](const ConnectResult &x) {
    ra = x;
    ++done;
  });
  ASSERT_TRUE(run_until([&] { return done == 1; }));
  ASSERT_TRUE(ra.status.ok()) << ra.status.detail() << " " << ra.code;
  req.remote_sdp = build_sdp({"127.0.0.1", b.port, {{8, "PCMA/8000"}}, 20, 2});
  ca_->connect(req, [&](const ConnectResult &x) {
    rb = x;
    ++done;
  });
  ASSERT_TRUE(run_until([&] { return done == 2; }));
  ASSERT_TRUE(rb.status.ok()) << rb.status.detail() << " " << rb.code;

  Sdp la, lb;
  ASSERT_TRUE(parse_sdp(ra.local_sdp, la).ok());
  ASSERT_TRUE(parse_sdp(rb.local_sdp, lb).ok());
  ASSERT_TRUE(la.audio() && lb.audio());
  EXPECT_EQ(la.audio_address(), "127.0.0.1");
  uint16_t mgw_a = la.audio()->port, mgw_b = lb.audio()->port;
  EXPECT_NE(mgw_a, mgw_b);

  // A -> gateway (connection a) -> bridged -> connection b -> B, and back.
  std::vector<uint8_t> at_a, at_b;
  for (uint16_t i = 0; i < 20; ++i) {
    a.send_rtp(mgw_a, i, uint8_t(0x10 + i));
    b.send_rtp(mgw_b, i, uint8_t(0x80 + i));
    run_until([] { return false; }, 20);
    auto ga = a.drain(), gb = b.drain();
    at_a.insert(at_a.end(), ga.begin(), ga.end());
    at_b.insert(at_b.end(), gb.begin(), gb.end());
  }
  run_until([] { return false; }, 100); // let the last packets arrive under load
  for (auto v : a.drain())
    at_a.push_back(v);
  for (auto v : b.drain())
    at_b.push_back(v);
  ASSERT_GE(at_b.size(), 15u) << "RTP from A did not reach B through osmo-mgw";
  ASSERT_GE(at_a.size(), 15u) << "RTP from B did not reach A through osmo-mgw";
  EXPECT_GE(at_b.front(), 0x10);
  EXPECT_LT(at_b.front(), 0x10 + 20);
  EXPECT_GE(at_a.front(), 0x80);

  // MDCX: a to recvonly -- then B no longer receives A's media.
  ModifyResult mr;
  bool mdone = false;
  ca_->modify(ra.handle, ModifyRequest{ConnectionMode::RecvOnly, {}}, [&](const ModifyResult &x) {
    mr = x;
    mdone = true;
  });
  ASSERT_TRUE(run_until([&] { return mdone; }));
  EXPECT_TRUE(mr.status.ok()) << mr.status.detail() << " " << mr.code;
  // And a new remote SDP for b (the far end moved).
  RtpPeer b2;
  mdone = false;
  ca_->modify(
      rb.handle,
      ModifyRequest{std::nullopt, build_sdp({"127.0.0.1", b2.port, {{8, "PCMA/8000"}}, 20, 3})},
      [&](const ModifyResult &x) {
        mr = x;
        mdone = true;
      });
  ASSERT_TRUE(run_until([&] { return mdone; }));
  EXPECT_TRUE(mr.status.ok()) << mr.status.detail() << " " << mr.code;
  std::vector<uint8_t> at_b2;
  for (uint16_t i = 0; i < 10; ++i) {
    a.send_rtp(mgw_a, uint16_t(100 + i), 0x40);
    run_until([] { return false; }, 20);
    auto g = b2.drain();
    at_b2.insert(at_b2.end(), g.begin(), g.end());
  }
  run_until([] { return false; }, 100);
  for (auto v : b2.drain())
    at_b2.push_back(v);
  EXPECT_GE(at_b2.size(), 5u) << "after MDCX the media goes to the new remote address";

  // DLCX both.
  int released = 0;
  ReleaseResult r1, r2;
  ca_->release(ra.handle, [&](const ReleaseResult &x) {
    r1 = x;
    ++released;
  });
  ca_->release(rb.handle, [&](const ReleaseResult &x) {
    r2 = x;
    ++released;
  });
  ASSERT_TRUE(run_until([&] { return released == 2; }));
  EXPECT_TRUE(r1.status.ok()) << r1.status.detail() << " " << r1.code;
  EXPECT_TRUE(r2.status.ok()) << r2.status.detail() << " " << r2.code;
  EXPECT_EQ(ca_->connection_count(), 0u);
  EXPECT_EQ(ca_->transactions().decode_counters().get(DecodeCounter::ok),
            ca_->transactions().counters().get(TxCounter::final_received));
}

TEST_F(MgcpOsmoMgw, LoopbackConnection) {
  ASSERT_TRUE(bring_up());
  ConnectResult r;
  bool done = false;
  ca_->loopback("rtpbridge/7@mgw", ConnectionMode::Loopback, "", [&](const ConnectResult &x) {
    r = x;
    done = true;
  });
  ASSERT_TRUE(run_until([&] { return done; }));
  ASSERT_TRUE(r.status.ok()) << r.status.detail() << " " << r.code;
  bool released = false;
  ca_->release(r.handle, [&](const ReleaseResult &) { released = true; });
  ASSERT_TRUE(run_until([&] { return released; }));
}

TEST_F(MgcpOsmoMgw, SilenceOnAucxDrivesRetransmissionGiveUpAndRecovery) {
  CallAgentConfig cfg;
  cfg.transactions.set(TxTimer::RtoInitial, 50);
  cfg.transactions.set(TxTimer::RtoMax, 400);
  cfg.transactions.max_retransmissions = 3;
  make_agent(cfg, 300);
  ASSERT_TRUE(bring_up());
  ConnectResult c;
  bool done = false;
  ConnectRequest req;
  req.endpoint = "rtpbridge/5@mgw";
  req.mode = ConnectionMode::RecvOnly;
  ca_->connect(req, [&](const ConnectResult &x) {
    c = x;
    done = true;
  });
  ASSERT_TRUE(run_until([&] { return done; }));
  ASSERT_TRUE(c.status.ok());

  AuditResult ar;
  done = false;
  auto t0 = std::chrono::steady_clock::now();
  ca_->audit_connection(c.handle, "", [&](const AuditResult &x) {
    ar = x;
    done = true;
  });
  ASSERT_TRUE(run_until([&] { return done; }, 5000));
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(ar.status.detail(), "mgcp.transaction_timeout");
  EXPECT_EQ(ar.code, 406);
  EXPECT_EQ(ca_->transactions().counters().get(TxCounter::retransmissions), 3u);
  EXPECT_GE(took, std::chrono::milliseconds(50 + 50 + 100));
  EXPECT_EQ(ca_->gateway_state("mgw"), GatewayState::Disconnected);
  // osmo-mgw answers the AUEP probe: audited again and back in service.
  ASSERT_TRUE(run_until([&] { return ca_->gateway_state("mgw") == GatewayState::InService; }));
  EXPECT_EQ(ca_->counters().get(CaCounter::gateway_recoveries), 1u);
  bool released = false;
  ca_->release(c.handle, [&](const ReleaseResult &) { released = true; });
  ASSERT_TRUE(run_until([&] { return released; }));
}
