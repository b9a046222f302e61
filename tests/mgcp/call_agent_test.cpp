// The call-agent API on simulated time against a scripted gateway: connect/modify/loopback/
// release, audits at start-up, restart procedures (RSIP, RFC 3435 §2.3.12), gateway-initiated
// DLCX (§2.3.8), NTFY, and give-up -> disconnected -> probe -> back in service.
#include "core/sim_scheduler.h"
#include "fake_transport.h"
#include "mgcp/call_agent.h"
#include "mgcp/sdp.h"

#include <gtest/gtest.h>

using namespace mgc::mgcp;
using mgc::mgcp::test::FakeTransport;

namespace {

const Address kMgw{0x7f000001, 2427};

struct Events : CallAgentListener {
  std::vector<std::pair<std::string, GatewayState>> states;
  std::vector<std::tuple<std::string, RestartMethod, uint32_t>> restarts;
  std::vector<std::pair<ConnectionHandle, int>> lost_connections;
  std::vector<std::pair<std::string, int>> lost_endpoints;
  std::vector<std::string> notifies;
  void on_gateway_state(std::string_view gw, GatewayState s) override {
    states.emplace_back(std::string(gw), s);
  }
  void on_gateway_restart(std::string_view, std::string_view eps, RestartMethod m,
                          uint32_t d) override {
    restarts.emplace_back(std::string(eps), m, d);
  }
  void on_connection_lost(ConnectionHandle h, int reason) override {
    lost_connections.emplace_back(h, reason);
  }
  void on_endpoint_lost(std::string_view eps, int reason) override {
    lost_endpoints.emplace_back(std::string(eps), reason);
  }
  void on_notify(std::string_view ep, std::string_view x, std::string_view o) override {
    notifies.push_back(std::string(ep) + " " + std::string(x) + " " + std::string(o));
  }
};

struct MgcpCallAgent : ::testing::Test {
  mgc::core::SimScheduler sched;
  FakeTransport net{&sched};
  Events ev;
  std::unique_ptr<CallAgent> ca;

  void SetUp() override {
    ca = std::make_unique<CallAgent>(sched, net, ev);
    GatewayConfig gw;
    gw.domain = "tgw1";
    gw.address = kMgw;
    gw.audit_endpoints = {"ds/e1-1/*@tgw1"};
    ASSERT_TRUE(ca->add_gateway(gw).ok());
    TrunkMapping tm;
    tm.trunk_group = "pstn-a";
    tm.gateway = "tgw1";
    tm.cic_first = 1;
    tm.cic_last = 62;
    ASSERT_TRUE(ca->add_trunk(tm).ok());
  }

  // The scripted gateway answers the last command sent.
  void answer(int code, std::string extra = {}, std::string sdp = {}) {
    Message cmd = net.last();
    std::string text =
        std::to_string(code) + " " + std::to_string(cmd.transaction_id) + " X\r\n" + extra;
    if (!sdp.empty())
      text += "\r\n" + sdp;
    ca->receive(kMgw, text);
  }
  void bring_up() {
    ca->start();
    answer(200);
    ASSERT_EQ(ca->gateway_state("tgw1"), GatewayState::InService);
  }
  ConnectionHandle connect(const std::string &ep, ConnectResult *out = nullptr) {
    ConnectResult r;
    ConnectRequest req;
    req.endpoint = ep;
    req.remote_sdp = build_sdp({"192.0.2.10", 5004, {{8, "PCMA/8000"}}, 20, 1});
    ca->connect(req, [&](const ConnectResult &x) { r = x; });
    answer(200, "I: C0FFEE" + std::to_string(ca->connection_count()) + "\r\n",
           build_sdp({"192.0.2.99", 16000, {{8, "PCMA/8000"}}, 20, 2}));
    if (out)
      *out = r;
    return r.handle;
  }
};

} // namespace

TEST_F(MgcpCallAgent, AuditsAtStartThenInService) {
  ca->start();
  Message auep = net.last();
  EXPECT_EQ(auep.verb, Verb::Auep);
  EXPECT_EQ(auep.endpoint, "ds/e1-1/*@tgw1");
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::Auditing);
  answer(200);
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::InService);
  ASSERT_EQ(ev.states.size(), 2u);
  EXPECT_EQ(ev.states[1].second, GatewayState::InService);
}

TEST_F(MgcpCallAgent, AuditFindingAnUnknownEndpointReportsIt) {
  ca->start();
  answer(500);
  ASSERT_EQ(ev.lost_endpoints.size(), 1u);
  EXPECT_EQ(ev.lost_endpoints[0].second, 500);
}

TEST_F(MgcpCallAgent, EndpointNamesFromTrunkGroupAndCic) {
  EXPECT_EQ(ca->endpoint_for("pstn-a", 1), "ds/e1-1/1@tgw1");
  EXPECT_EQ(ca->endpoint_for("pstn-a", 31), "ds/e1-1/31@tgw1");
  EXPECT_EQ(ca->endpoint_for("pstn-a", 32), std::nullopt); // timeslot 0: frame alignment
  EXPECT_EQ(ca->endpoint_for("pstn-a", 33), "ds/e1-2/1@tgw1");
  EXPECT_EQ(ca->endpoint_for("pstn-a", 63), std::nullopt); // outside the configured range
  EXPECT_EQ(ca->endpoint_for("pstn-b", 1), std::nullopt);
}

TEST_F(MgcpCallAgent, ConnectModifyReleaseRoundTrip) {
  bring_up();
  ConnectResult r;
  ConnectRequest req;
  req.endpoint = *ca->endpoint_for("pstn-a", 5);
  req.mode = ConnectionMode::SendRecv;
  req.remote_sdp = build_sdp({"192.0.2.10", 5004, {{8, "PCMA/8000"}}, 20, 1});
  ca->connect(req, [&](const ConnectResult &x) { r = x; });
  Message crcx = net.last();
  EXPECT_EQ(crcx.verb, Verb::Crcx);
  EXPECT_EQ(crcx.endpoint, "ds/e1-1/5@tgw1");
  EXPECT_TRUE(crcx.get(Param::CallId));
  EXPECT_EQ(crcx.get(Param::ConnectionMode), "sendrecv");
  EXPECT_EQ(crcx.get(Param::LocalConnectionOptions), "p:20, a:PCMA");
  ASSERT_EQ(crcx.sdp.size(), 1u);
  std::string local = build_sdp({"192.0.2.99", 16000, {{8, "PCMA/8000"}}, 20, 2});
  answer(200, "I: FDE234C8\r\n", local);
  ASSERT_TRUE(r.status.ok()) << r.status.detail();
  EXPECT_EQ(r.connection_id, "FDE234C8");
  EXPECT_EQ(r.endpoint, "ds/e1-1/5@tgw1");
  EXPECT_EQ(r.local_sdp, local);
  EXPECT_EQ(ca->connection_count(), 1u);

  ModifyResult mr;
  ModifyRequest mreq;
  mreq.mode = ConnectionMode::RecvOnly;
  mreq.remote_sdp = build_sdp({"192.0.2.11", 5006, {{8, "PCMA/8000"}}, 20, 3});
  ca->modify(r.handle, mreq, [&](const ModifyResult &x) { mr = x; });
  Message mdcx = net.last();
  EXPECT_EQ(mdcx.verb, Verb::Mdcx);
  EXPECT_EQ(mdcx.get(Param::ConnectionId), "FDE234C8");
  EXPECT_EQ(mdcx.get(Param::CallId), crcx.get(Param::CallId));
  EXPECT_EQ(mdcx.get(Param::ConnectionMode), "recvonly");
  EXPECT_EQ(mdcx.sdp.size(), 1u);
  answer(200);
  EXPECT_TRUE(mr.status.ok());
  EXPECT_EQ(ca->connection(r.handle)->mode, ConnectionMode::RecvOnly);

  ReleaseResult rr;
  ca->release(r.handle, [&](const ReleaseResult &x) { rr = x; });
  Message dlcx = net.last();
  EXPECT_EQ(dlcx.verb, Verb::Dlcx);
  EXPECT_EQ(dlcx.get(Param::ConnectionId), "FDE234C8");
  answer(250, "P: PS=1245, OS=62345, PR=780, OR=45123, PL=10, JI=27, LA=48\r\n");
  EXPECT_TRUE(rr.status.ok());
  EXPECT_EQ(rr.code, 250);
  EXPECT_EQ(rr.connection_parameters, "PS=1245, OS=62345, PR=780, OR=45123, PL=10, JI=27, LA=48");
  EXPECT_EQ(ca->connection_count(), 0u);
}

TEST_F(MgcpCallAgent, AnyOfEndpointReturnsTheSpecificOne) {
  bring_up();
  ConnectResult r;
  ConnectRequest req;
  req.endpoint = "ds/e1-1/$@tgw1";
  req.mode = ConnectionMode::RecvOnly;
  ca->connect(req, [&](const ConnectResult &x) { r = x; });
  answer(200, "I: 1\r\nZ: ds/e1-1/7@tgw1\r\n",
         "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 1 RTP/AVP "
         "8\r\n");
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.endpoint, "ds/e1-1/7@tgw1");
}

TEST_F(MgcpCallAgent, RejectionsAndLocalRefusals) {
  bring_up();
  ConnectResult r;
  ConnectRequest req;
  req.endpoint = "ds/e1-1/5@tgw1";
  ca->connect(req, [&](const ConnectResult &x) { r = x; });
  answer(527);
  EXPECT_EQ(r.status.detail(), "mgcp.rejected");
  EXPECT_EQ(r.code, 527);
  req.endpoint = "ds/e1-1/5@nowhere";
  ca->connect(req, [&](const ConnectResult &x) { r = x; });
  EXPECT_EQ(r.status.detail(), "mgcp.unknown_gateway");
  EXPECT_EQ(r.code, 500);
  req.endpoint = "ds/e1-1/5@tgw1";
  ca->connect(req, [&](const ConnectResult &x) { r = x; });
  answer(200); // no ConnectionId in a positive answer
  EXPECT_EQ(r.status.detail(), "mgcp.bad_response");
  EXPECT_EQ(ca->counters().get(CaCounter::connect_failures), 3u);
}

TEST_F(MgcpCallAgent, LoopbackForContinuityCheck) {
  bring_up();
  ConnectResult r;
  ca->loopback("ds/e1-1/9@tgw1", ConnectionMode::ContTest, "",
               [&](const ConnectResult &x) { r = x; });
  Message crcx = net.last();
  EXPECT_EQ(crcx.get(Param::ConnectionMode), "conttest");
  EXPECT_TRUE(crcx.sdp.empty());
  answer(200, "I: 77\r\n");
  EXPECT_TRUE(r.status.ok());
  ReleaseResult rr;
  ca->release(r.handle, [&](const ReleaseResult &x) { rr = x; });
  answer(250);
  EXPECT_TRUE(rr.status.ok());
}

TEST_F(MgcpCallAgent, SilenceGivesUpMarksDisconnectedAndProbesBack) {
  bring_up();
  ConnectionHandle h = connect("ds/e1-1/3@tgw1");
  AuditResult ar;
  ca->audit_connection(h, "", [&](const AuditResult &x) { ar = x; });
  Message aucx = net.last();
  EXPECT_EQ(aucx.verb, Verb::Aucx);
  EXPECT_TRUE(aucx.get(Param::RequestedInfo));
  std::size_t before = net.sent.size();
  // RTO 200 ms doubling per retransmission, capped at 4 s: five retransmissions end < 13 s.
  sched.advance(13'000);
  EXPECT_EQ(ar.status.detail(), "mgcp.transaction_timeout");
  EXPECT_EQ(ar.code, 406);
  EXPECT_EQ(net.sent.size() - before, ca->transactions().config().max_retransmissions);
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::Disconnected);
  EXPECT_EQ(ev.states.back().second, GatewayState::Disconnected);
  // Probes (AUEP every probe interval) go unanswered for a while...
  sched.advance(40'000);
  EXPECT_GT(ca->transactions().counters().get(TxCounter::gave_up), 1u);
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::Disconnected);
  // ...until the gateway answers one.
  while (ca->transactions().outstanding() == 0)
    sched.advance(100);
  Message probe = net.last();
  EXPECT_EQ(probe.verb, Verb::Auep);
  answer(200); // probe answered -> audit
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::Auditing);
  answer(200);
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::InService);
  EXPECT_EQ(ca->counters().get(CaCounter::gateway_recoveries), 1u);
  EXPECT_EQ(ca->counters().get(CaCounter::gateway_disconnects), 1u);
}

TEST_F(MgcpCallAgent, RsipRestartDropsConnectionsThenAuditsAfterTheDelay) {
  bring_up();
  ConnectionHandle a = connect("ds/e1-1/3@tgw1");
  ConnectionHandle b = connect("ds/e1-2/3@tgw1");
  ca->receive(kMgw, "RSIP 5000 *@tgw1 MGCP 1.0\r\nRM: restart\r\nRD: 10\r\n");
  EXPECT_EQ(net.last().code, 200);
  EXPECT_EQ(net.last().transaction_id, 5000u);
  ASSERT_EQ(ev.restarts.size(), 1u);
  EXPECT_EQ(std::get<1>(ev.restarts[0]), RestartMethod::Restart);
  EXPECT_EQ(std::get<2>(ev.restarts[0]), 10u);
  ASSERT_EQ(ev.lost_connections.size(), 2u);
  EXPECT_EQ(ev.lost_connections[0].first, a);
  EXPECT_EQ(ev.lost_connections[1].first, b);
  EXPECT_EQ(ca->connection_count(), 0u);
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::OutOfService);
  std::size_t before = net.sent.size();
  sched.advance(9'999);
  EXPECT_EQ(net.sent.size(), before);
  sched.advance(1);
  EXPECT_EQ(net.last().verb, Verb::Auep);
  answer(200);
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::InService);
}

TEST_F(MgcpCallAgent, RsipForcedOnOneSpanLosesOnlyItsConnections) {
  bring_up();
  ConnectionHandle a = connect("ds/e1-1/3@tgw1");
  connect("ds/e1-2/3@tgw1");
  ca->receive(kMgw, "RSIP 5001 ds/e1-1/*@tgw1 MGCP 1.0\r\nRM: forced\r\nE: 905 span down\r\n");
  ASSERT_EQ(ev.lost_connections.size(), 1u);
  EXPECT_EQ(ev.lost_connections[0], std::make_pair(a, 905));
  ASSERT_EQ(ev.lost_endpoints.size(), 1u);
  EXPECT_EQ(ev.lost_endpoints[0].first, "ds/e1-1/*@tgw1");
  EXPECT_EQ(ca->connection_count(), 1u);
  auto info = ca->gateways();
  ASSERT_EQ(info.size(), 1u);
  EXPECT_EQ(info[0].domain, "tgw1");
  EXPECT_EQ(info[0].state, GatewayState::InService);
  EXPECT_EQ(info[0].blocked, std::vector<std::string>{"ds/e1-1/*@tgw1"});
  EXPECT_EQ(info[0].connections, 1u);
  EXPECT_GT(info[0].rto_ms, 0);
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::InService);
}

TEST_F(MgcpCallAgent, RsipGracefulWaitsAndCancelGracefulCancels) {
  bring_up();
  connect("ds/e1-1/3@tgw1");
  auto try_connect = [&](const std::string &ep) {
    ConnectResult r;
    ConnectRequest req;
    req.endpoint = ep;
    ca->connect(req, [&](const ConnectResult &x) { r = x; });
    return r;
  };
  ca->receive(kMgw, "RSIP 5002 *@tgw1 MGCP 1.0\r\nRM: graceful\r\nRD: 30\r\n");
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::Draining);
  // §2.3.12: no new connections while draining.
  EXPECT_EQ(try_connect("ds/e1-1/4@tgw1").status.detail(), "mgcp.gateway_out_of_service");
  sched.advance(29'000);
  EXPECT_TRUE(ev.lost_connections.empty()) << "graceful: established connections stay";
  ca->receive(kMgw, "RSIP 5003 *@tgw1 MGCP 1.0\r\nRM: cancel-graceful\r\n");
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::InService);
  sched.advance(10'000);
  EXPECT_TRUE(ev.lost_connections.empty());
  ca->receive(kMgw, "RSIP 5004 *@tgw1 MGCP 1.0\r\nRM: graceful\r\nRD: 5\r\n");
  sched.advance(5'000);
  EXPECT_EQ(ev.lost_connections.size(), 1u);
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::OutOfService);
  EXPECT_EQ(try_connect("ds/e1-1/4@tgw1").status.detail(), "mgcp.gateway_out_of_service");
  // The gateway comes back: "restart" with a null delay, audited, in service again.
  ca->receive(kMgw, "RSIP 5005 *@tgw1 MGCP 1.0\r\nRM: restart\r\n");
  answer(200);
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::InService);
  ConnectResult ok;
  ConnectRequest req;
  req.endpoint = "ds/e1-1/4@tgw1";
  ca->connect(req, [&](const ConnectResult &x) { ok = x; });
  EXPECT_EQ(net.last().verb, Verb::Crcx);
}

TEST_F(MgcpCallAgent, RsipGracefulWithNullDelayWaitsForCallsToEnd) {
  bring_up();
  connect("ds/e1-1/3@tgw1");
  ca->receive(kMgw, "RSIP 5010 ds/e1-1/*@tgw1 MGCP 1.0\r\nRM: graceful\r\n");
  sched.advance(3'600'000);
  EXPECT_TRUE(ev.lost_connections.empty());
  EXPECT_EQ(ca->connection_count(), 1u);
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::InService) << "one span, not the gateway";
  ConnectResult r;
  ConnectRequest req;
  req.endpoint = "ds/e1-1/4@tgw1";
  ca->connect(req, [&](const ConnectResult &x) { r = x; });
  EXPECT_EQ(r.status.detail(), "mgcp.gateway_out_of_service");
  std::size_t sent = net.sent.size();
  req.endpoint = "ds/e1-2/4@tgw1"; // another span is unaffected
  ca->connect(req, [&](const ConnectResult &x) { r = x; });
  EXPECT_EQ(net.sent.size(), sent + 1);
}

TEST_F(MgcpCallAgent, RsipForcedSpanIsBlockedUntilItRestarts) {
  bring_up();
  ca->receive(kMgw, "RSIP 5020 ds/e1-1/*@tgw1 MGCP 1.0\r\nRM: forced\r\n");
  ConnectResult r;
  ConnectRequest req;
  req.endpoint = "ds/e1-1/4@tgw1";
  ca->connect(req, [&](const ConnectResult &x) { r = x; });
  EXPECT_EQ(r.status.detail(), "mgcp.gateway_out_of_service");
  ca->receive(kMgw, "RSIP 5021 ds/e1-1/*@tgw1 MGCP 1.0\r\nRM: restart\r\nRD: 2\r\n");
  ca->connect(req, [&](const ConnectResult &x) { r = x; });
  EXPECT_EQ(r.status.detail(), "mgcp.gateway_out_of_service") << "in service only after RD";
  sched.advance(2'000);
  EXPECT_EQ(net.last().verb, Verb::Auep);
  answer(200);
  std::size_t sent = net.sent.size();
  ca->connect(req, [&](const ConnectResult &x) { r = x; });
  EXPECT_EQ(net.sent.size(), sent + 1);
  EXPECT_EQ(net.last().verb, Verb::Crcx);
}

// RSIP for part of the gateway (RFC 3435 §2.1.2, §2.3.12): the observer is told the circuits of
// the named endpoints only, when they go out of service and when they come back; a restart with
// a delay keeps them out until the delay is over.
TEST_F(MgcpCallAgent, RsipForAPartTellsItsCircuitsOnly) {
  bring_up();
  std::vector<std::string> told;
  CallAgent::Circuits last;
  ca->set_part_observer([&](std::string_view gw, std::string_view pattern, GatewayState s,
                            const CallAgent::Circuits &c) {
    told.push_back(std::string(gw) + " " + std::string(pattern) + " " +
                   std::string(gateway_state_name(s)));
    last = c;
  });
  ca->receive(kMgw, "RSIP 5030 ds/e1-2/*@tgw1 MGCP 1.0\r\nRM: forced\r\n");
  std::vector<uint32_t> span2;
  for (uint32_t cic = 1; cic <= 62; ++cic)
    if (auto ep = ca->endpoint_for("pstn-a", cic); ep && ep->starts_with("ds/e1-2/"))
      span2.push_back(cic);
  ASSERT_FALSE(span2.empty());
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last.at("pstn-a"), span2);
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::InService);
  ca->receive(kMgw, "RSIP 5031 ds/e1-2/*@tgw1 MGCP 1.0\r\nRM: restart\r\nRD: 2\r\n");
  EXPECT_EQ(told, (std::vector<std::string>{"tgw1 ds/e1-2/*@tgw1 out-of-service",
                                            "tgw1 ds/e1-2/*@tgw1 out-of-service"}));
  sched.advance(2'000);
  EXPECT_EQ(told.back(), "tgw1 ds/e1-2/*@tgw1 in-service");
  EXPECT_EQ(last.at("pstn-a"), span2);
  // A graceful part drains; the whole gateway restarting brings it back.
  answer(200);
  ca->receive(kMgw, "RSIP 5032 ds/e1-1/[1-3]@tgw1 MGCP 1.0\r\nRM: graceful\r\n");
  EXPECT_EQ(told.back(), "tgw1 ds/e1-1/[1-3]@tgw1 draining");
  EXPECT_EQ(last.at("pstn-a"), (std::vector<uint32_t>{1, 2, 3}));
  ca->receive(kMgw, "RSIP 5033 *@tgw1 MGCP 1.0\r\nRM: restart\r\n");
  EXPECT_EQ(told.back(), "tgw1 ds/e1-1/[1-3]@tgw1 in-service");
  EXPECT_EQ(told.size(), 5u);
  EXPECT_EQ(ca->counters().get(CaCounter::endpoints_out_of_service), 2u);
  EXPECT_EQ(ca->counters().get(CaCounter::endpoints_draining), 1u);
  EXPECT_EQ(ca->counters().get(CaCounter::endpoints_back_in_service), 2u);
}

TEST_F(MgcpCallAgent, RsipDisconnectedAuditsButKeepsCalls) {
  bring_up();
  connect("ds/e1-1/3@tgw1");
  ca->receive(kMgw, "RSIP 5005 *@tgw1 MGCP 1.0\r\nRM: disconnected\r\n");
  EXPECT_EQ(net.last().verb, Verb::Auep);
  answer(200);
  EXPECT_TRUE(ev.lost_connections.empty());
  EXPECT_EQ(ca->connection_count(), 1u);
}

TEST_F(MgcpCallAgent, GatewayDeletesAConnection) {
  bring_up();
  ConnectionHandle h = connect("ds/e1-1/3@tgw1");
  std::string ci(ca->connection(h)->connection_id());
  ca->receive(kMgw,
              "DLCX 6000 ds/e1-1/3@tgw1 MGCP 1.0\r\nC: 1\r\nI: " + ci +
                  "\r\nE: 902 loss of sync\r\nP: PS=1, OS=2, PR=3, OR=4, PL=0, JI=0, LA=0\r\n");
  EXPECT_EQ(net.last().code, 200);
  ASSERT_EQ(ev.lost_connections.size(), 1u);
  EXPECT_EQ(ev.lost_connections[0], std::make_pair(h, 902));
  ca->receive(kMgw, "DLCX 6001 ds/e1-1/3@tgw1 MGCP 1.0\r\nC: 1\r\nI: 99\r\n");
  EXPECT_EQ(net.last().code, 515);
}

TEST_F(MgcpCallAgent, NotifyUnknownGatewayAndUnsupportedVerbs) {
  bring_up();
  ca->receive(kMgw, "NTFY 7000 ds/e1-1/3@tgw1 MGCP 1.0\r\nX: 12\r\nO: g/ft\r\n");
  EXPECT_EQ(net.last().code, 200);
  ASSERT_EQ(ev.notifies.size(), 1u);
  EXPECT_EQ(ev.notifies[0], "ds/e1-1/3@tgw1 12 g/ft");
  ca->receive(kMgw, "RSIP 7001 *@stranger MGCP 1.0\r\nRM: restart\r\n");
  EXPECT_EQ(net.last().code, 500);
  ca->receive(kMgw, "CRCX 7002 ds/e1-1/3@tgw1 MGCP 1.0\r\nC: 1\r\nM: recvonly\r\n");
  EXPECT_EQ(net.last().code, 504);
  EXPECT_EQ(ca->counters().get(CaCounter::unknown_gateway), 1u);
  EXPECT_EQ(ca->counters().get(CaCounter::unsupported_verbs_answered), 1u);
}

TEST_F(MgcpCallAgent, RqntEpcfAuep) {
  bring_up();
  AuditResult r;
  ca->notification_request("ds/e1-1/3@tgw1", "AB", "g/ft", "",
                           [&](const AuditResult &x) { r = x; });
  EXPECT_EQ(net.last().verb, Verb::Rqnt);
  answer(200);
  EXPECT_TRUE(r.status.ok());
  ca->endpoint_configuration("ds/e1-1/3@tgw1", "e:A", [&](const AuditResult &x) { r = x; });
  EXPECT_EQ(net.last().verb, Verb::Epcf);
  EXPECT_EQ(net.last().get(Param::BearerInformation), "e:A");
  answer(200);
  EXPECT_TRUE(r.status.ok());
  ca->audit_endpoint("ds/e1-1/3@tgw1", "I", [&](const AuditResult &x) { r = x; });
  answer(200, "I: 1\r\nI: 2\r\n");
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.response->params.size(), 2u);
}

TEST_F(MgcpCallAgent, NotifiedEntityWhenConfigured) {
  bring_up();
  ConnectRequest req;
  req.endpoint = "ds/e1-1/5@tgw1";
  ca->connect(req, [](const ConnectResult &) {});
  EXPECT_EQ(net.last().find(Param::NotifiedEntity), nullptr) << "none by default";
  GatewayConfig gw;
  gw.domain = "tgw2";
  gw.address = Address{0x7f000002, 2427};
  gw.notified_entity = "ca@mgc.example.net:2727";
  ASSERT_TRUE(ca->add_gateway(gw).ok());
  req.endpoint = "ds/e1-1/5@tgw2";
  ca->connect(req, [](const ConnectResult &) {});
  EXPECT_EQ(net.last().get(Param::NotifiedEntity), "ca@mgc.example.net:2727");
  EXPECT_EQ(net.sent.back().to, gw.address);
  ca->notification_request("ds/e1-1/5@tgw2", "1", "", "", [](const AuditResult &) {});
  EXPECT_EQ(net.last().get(Param::NotifiedEntity), "ca@mgc.example.net:2727");
}

TEST(MgcpEndpointName, RulesAndWildcards) {
  EXPECT_EQ(framing_from_name("E1"), Framing::E1);
  EXPECT_EQ(framing_name(Framing::Linear), "linear");
  EXPECT_EQ(framing_from_name("j1"), std::nullopt);
  EndpointRule t1{"ds/ds1-{span}/{ts}", Framing::T1, 0, 1, 1};
  EXPECT_EQ(endpoint_local_name(t1, 0), "ds/ds1-1/1");
  EXPECT_EQ(endpoint_local_name(t1, 23), "ds/ds1-1/24");
  EXPECT_EQ(endpoint_local_name(t1, 24), "ds/ds1-2/1");
  EndpointRule dec{"rtpbridge/{n}", Framing::Linear, 100, 1, 1};
  EXPECT_EQ(endpoint_local_name(dec, 100), "rtpbridge/1");
  EXPECT_EQ(endpoint_local_name(dec, 130), "rtpbridge/31");
  EXPECT_EQ(endpoint_local_name(dec, 99), std::nullopt);
  // osmo-mgw numbers rtpbridge endpoints in hexadecimal: 31 endpoints are 1..1f.
  EndpointRule osmo{"rtpbridge/{nx}", Framing::Linear, 100, 1, 1};
  EXPECT_EQ(endpoint_local_name(osmo, 109), "rtpbridge/a");
  EXPECT_EQ(endpoint_local_name(osmo, 130), "rtpbridge/1f");
  EXPECT_FALSE(check_endpoint_rule({"ds/e1-{span}/{slot}", Framing::E1, 0, 1, 1}).ok());
  EXPECT_FALSE(check_endpoint_rule({"rtpbridge/{span}", Framing::Linear, 0, 1, 1}).ok());
  EXPECT_FALSE(check_endpoint_rule({"ds/*", Framing::E1, 0, 1, 1}).ok());
  EndpointMap map;
  EXPECT_TRUE(map.add({"tg", "gw", 1, 31, {}}).ok());
  EXPECT_FALSE(map.add({"tg", "gw", 31, 40, {}}).ok()) << "overlapping CIC ranges";
  EXPECT_TRUE(endpoint_matches("*@gw", "ds/e1-1/1@gw"));
  EXPECT_TRUE(endpoint_matches("ds/e1-1/*@gw", "ds/e1-1/1@gw"));
  EXPECT_FALSE(endpoint_matches("ds/e1-1/*@gw", "ds/e1-2/1@gw"));
  EXPECT_FALSE(endpoint_matches("ds/e1-1/*@gw", "ds/e1-1/1@other"));
  EXPECT_TRUE(endpoint_matches("ds/ds1-1/[1-12]@gw", "ds/ds1-1/12@gw"));
  EXPECT_FALSE(endpoint_matches("ds/ds1-1/[1-12]@gw", "ds/ds1-1/13@gw"));
  EXPECT_TRUE(endpoint_matches("ds/ds1-1/[1,3,20-24]@gw", "ds/ds1-1/21@gw"));
  EXPECT_TRUE(endpoint_matches("ds/ds1-[1-2]/*@gw", "ds/ds1-2/5@gw"));
  EXPECT_TRUE(endpoint_matches("DS/E1-1/3@GW", "ds/e1-1/3@gw"));
  EXPECT_FALSE(endpoint_matches("ds/e1-1@gw", "ds/e1-1/3@gw"));
}

TEST_F(MgcpCallAgent, ReleaseDuringSetupFollowsTheCrcxAnswer) {
  bring_up();
  bool connect_called = false;
  ConnectRequest req;
  req.endpoint = "ds/e1-1/8@tgw1";
  ConnectionHandle h = ca->connect(req, [&](const ConnectResult &) { connect_called = true; });
  ASSERT_NE(h, 0u);
  EXPECT_TRUE(ca->connection(h)->pending);
  ModifyResult mr;
  ca->modify(h, ModifyRequest{ConnectionMode::RecvOnly, {}},
             [&](const ModifyResult &x) { mr = x; });
  EXPECT_EQ(mr.status.detail(), "mgcp.connection_pending");
  ReleaseResult rr;
  bool released = false;
  std::size_t sent = net.sent.size();
  ca->release(h, [&](const ReleaseResult &x) {
    rr = x;
    released = true;
  });
  EXPECT_EQ(net.sent.size(), sent) << "no DLCX before the connection id is known";
  answer(200, "I: ABCD\r\n");
  Message dlcx = net.last();
  EXPECT_EQ(dlcx.verb, Verb::Dlcx);
  EXPECT_EQ(dlcx.get(Param::ConnectionId), "ABCD");
  answer(250);
  EXPECT_TRUE(released);
  EXPECT_TRUE(rr.status.ok());
  EXPECT_FALSE(connect_called);
  EXPECT_EQ(ca->connection_count(), 0u);

  // A set-up that fails needs no DLCX: the release completes at once with the answer.
  released = false;
  h = ca->connect(req, [&](const ConnectResult &) { connect_called = true; });
  ca->release(h, [&](const ReleaseResult &x) {
    rr = x;
    released = true;
  });
  answer(502);
  EXPECT_TRUE(released);
  EXPECT_EQ(net.last().verb, Verb::Crcx);
  EXPECT_FALSE(connect_called);
  EXPECT_EQ(ca->connection_count(), 0u);
}

TEST_F(MgcpCallAgent, ReleaseEndpointDuringSetupDeletesTheNewConnection) {
  bring_up();
  ConnectResult r;
  ConnectRequest req;
  req.endpoint = "ds/e1-1/8@tgw1";
  ca->connect(req, [&](const ConnectResult &x) { r = x; });
  Message crcx = net.last();
  ca->release_endpoint("ds/e1-1/8@tgw1", [](const ReleaseResult &) {});
  ca->receive(kMgw, "200 " + std::to_string(crcx.transaction_id) + " OK\r\nI: 77\r\n");
  EXPECT_EQ(r.status.detail(), "mgcp.released_during_setup");
  EXPECT_EQ(net.last().verb, Verb::Dlcx);
  EXPECT_EQ(net.last().get(Param::ConnectionId), "77");
  EXPECT_EQ(ca->connection_count(), 0u);
}

// Keepalive (issue 13): a silent gateway in service is audited every interval; N intervals in
// a row with the audit unanswered make it Disconnected long before a command would be given up
// (RFC 3435 §3.5.3); its answer to a probe brings it back. A gateway that speaks is left alone.
struct MgcpKeepalive : MgcpCallAgent {
  void SetUp() override {
    ca = std::make_unique<CallAgent>(sched, net, ev);
    GatewayConfig gw;
    gw.domain = "tgw1";
    gw.address = kMgw;
    gw.audit_endpoints = {"ds/e1-1/*@tgw1"};
    gw.keepalive_interval_ms = 1000;
    gw.keepalive_failures = 2;
    gw.probe_interval_ms = 1000;
    ASSERT_TRUE(ca->add_gateway(gw).ok());
  }
  std::size_t auep_sent() const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < net.sent.size(); ++i)
      n += !net.at(i).is_response() && net.at(i).verb == Verb::Auep ? 1 : 0;
    return n;
  }
};

TEST_F(MgcpKeepalive, ATalkingGatewayIsNotAudited) {
  bring_up();
  const std::size_t audits = auep_sent();
  for (int i = 0; i < 5; ++i) {
    sched.advance(600);
    ca->receive(kMgw, "NTFY 900" + std::to_string(i) + " ds/e1-1/1@tgw1 MGCP 1.0\r\nX: 1\r\nO: D/1\r\n");
  }
  EXPECT_EQ(auep_sent(), audits);
  EXPECT_EQ(ca->counters().get(CaCounter::keepalives), 0u);
}

TEST_F(MgcpKeepalive, ASilentGatewayIsDisconnectedAfterTheFailuresAndProbedBack) {
  bring_up();
  sched.advance(1000); // silent for an interval: the first keepalive
  EXPECT_EQ(net.last().verb, Verb::Auep);
  EXPECT_EQ(ca->counters().get(CaCounter::keepalives), 1u);
  answer(200);
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::InService);
  sched.advance(500); // an answer is no keepalive: the next is due one silent interval later
  ca->receive(kMgw, "NTFY 9000 ds/e1-1/1@tgw1 MGCP 1.0\r\nX: 1\r\nO: D/1\r\n");
  sched.advance(500);
  EXPECT_EQ(ca->counters().get(CaCounter::keepalives), 1u);
  sched.advance(1000); // a second one, never answered
  EXPECT_EQ(ca->counters().get(CaCounter::keepalives), 2u);
  sched.advance(1000);
  EXPECT_EQ(ca->gateways()[0].keepalive_failures, 1u);
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::InService);
  sched.advance(1000); // the second interval unanswered: disconnected, well before T-MAX
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::Disconnected);
  EXPECT_EQ(ca->counters().get(CaCounter::keepalive_failures), 2u);
  EXPECT_EQ(ca->counters().get(CaCounter::gateway_disconnects), 1u);
  // The gateway answers again (the retransmitted keepalive or a probe): audited, in service.
  while (ca->gateway_state("tgw1") == GatewayState::Disconnected && sched.now_ms() < 60'000) {
    sched.advance(100);
    if (ca->transactions().outstanding())
      answer(200);
  }
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::Auditing);
  answer(200);
  EXPECT_EQ(ca->gateway_state("tgw1"), GatewayState::InService);
  EXPECT_EQ(ca->counters().get(CaCounter::gateway_recoveries), 1u);
  EXPECT_EQ(ca->gateways()[0].keepalive_failures, 0u);
}
