// RFC 4666 §4 procedures on simulated time: ASP/SGP and IPSP bring-up, DATA both ways, the AS
// state machine with T(r), override/loadshare/broadcast failover, SSNM to MTP-PAUSE/RESUME/
// STATUS, route priorities, routing key registration, and every ERR answer of §3.8.1.
#include "core/sim_scheduler.h"
#include "m3ua_harness.h"

using namespace mgc::sigtran;
using namespace mgc::sigtran::m3ua;
using namespace mgc::sigtran::test;

namespace {

constexpr uint32_t kMgcPc = 1, kPstnPc = 2, kRc = 10;

NodeConfig asp_config(TrafficMode mode = TrafficMode::Override, int links = 1,
                      Role role = Role::Asp) {
  NodeConfig c;
  c.local_pc = kMgcPc;
  c.ases.push_back(AsConfig{"as-pstn", kRc, true, mode});
  for (int i = 0; i < links; ++i)
    c.links.push_back(link("link" + std::to_string(i), role, {0}, uint32_t(100 + i)));
  c.routes.push_back(Route{kPstnPc, 0xffffff, 0, 0});
  return c;
}

NodeConfig sgp_config(TrafficMode mode = TrafficMode::Override, int links = 1,
                      Role role = Role::Sgp) {
  NodeConfig c;
  c.local_pc = kPstnPc;
  c.ases.push_back(AsConfig{"as-mgc", kRc, true, mode});
  for (int i = 0; i < links; ++i)
    c.links.push_back(link("asp" + std::to_string(i), role, {0}));
  c.routes.push_back(Route{kMgcPc, 0xffffff, 0, 0});
  return c;
}

struct AspSgp : ::testing::Test {
  mgc::core::SimScheduler clock;
  Recorder ua, ub;
  Node a{asp_config(), clock, ua};
  Node b{sgp_config(), clock, ub};
  Joint j{a, 0, b, 0};
};

TEST_F(AspSgp, AssociationUpAspUpAspAcDataBothWays) {
  j.up();
  pump({&j});
  EXPECT_EQ(a.local_state(0), AspState::Active);
  EXPECT_EQ(b.remote_state(0), AspState::Active);
  EXPECT_EQ(b.as_state(0), AsState::Active);
  EXPECT_EQ(a.peer_as_state(0), AsState::Active); // NTFY(AS-ACTIVE)
  EXPECT_EQ(ua.events, (std::vector<std::string>{"RESUME 2"}));
  EXPECT_EQ(ub.events, (std::vector<std::string>{"RESUME 1"}));

  ASSERT_TRUE(a.mtp_transfer_req(iam(kMgcPc, kPstnPc, 5)).ok());
  ASSERT_EQ(j.wa.out.size(), 1u);
  EXPECT_EQ(j.wa.out.front().stream, 1 + 5 % 15); // §1.4.7: by SLS, never stream 0
  pump({&j});
  ASSERT_EQ(ub.rx.size(), 1u);
  EXPECT_EQ(ub.rx[0].opc, kMgcPc);
  EXPECT_EQ(ub.rx[0].dpc, kPstnPc);
  EXPECT_EQ(ub.rx[0].sls, 5);
  EXPECT_EQ(ub.rx[0].data, iam(0, 0, 0).data);

  ASSERT_TRUE(b.mtp_transfer_req(iam(kPstnPc, kMgcPc, 3)).ok());
  pump({&j});
  ASSERT_EQ(ua.rx.size(), 1u);
  EXPECT_EQ(ua.rx[0].opc, kPstnPc);
  EXPECT_EQ(a.counters().get(M3uaNodeCounter::err_tx), 0u);
  EXPECT_EQ(b.counters().get(M3uaNodeCounter::err_tx), 0u);
}

TEST_F(AspSgp, UserDataTooLongForOneParameterIsRefused) {
  j.up();
  pump({&j});
  MtpTransfer t = iam(kMgcPc, kPstnPc, 0);
  t.data.assign(0xffff - 4 - 12 + 1, 0);
  EXPECT_EQ(a.mtp_transfer_req(t).detail(), "m3ua.user_data_too_long");
  t.data.pop_back();
  EXPECT_TRUE(a.mtp_transfer_req(t).ok());
  pump({&j});
  ASSERT_EQ(ub.rx.size(), 1u);
  EXPECT_EQ(ub.rx[0].data.size(), t.data.size());
}

TEST_F(AspSgp, NoRouteBeforeActive) {
  EXPECT_FALSE(a.mtp_transfer_req(iam(kMgcPc, kPstnPc, 0)).ok());
  EXPECT_EQ(a.counters().get(M3uaNodeCounter::data_no_route), 1u);
}

TEST_F(AspSgp, TackResendsAspUp) {
  a.link_up(0, j.wa);
  ASSERT_EQ(j.wa.out.size(), 1u);
  clock.advance(2000);
  EXPECT_EQ(j.wa.out.size(), 2u);
  EXPECT_EQ(decode_ok(j.wa.out.back().bytes).type(), MsgType::AspUp);
  EXPECT_EQ(a.counters().get(M3uaNodeCounter::ack_timeouts), 1u);
}

TEST_F(AspSgp, AspLossPausesAndRecoveryResumes) {
  j.up();
  pump({&j});
  j.down();
  EXPECT_EQ(ua.events.back(), "PAUSE 2");
  // The SGP holds the AS in AS-PENDING for T(r), buffering, then gives up.
  EXPECT_EQ(b.as_state(0), AsState::Pending);
  ASSERT_TRUE(b.mtp_transfer_req(iam(kPstnPc, kMgcPc, 1)).ok());
  EXPECT_EQ(b.counters().get(M3uaNodeCounter::data_buffered), 1u);
  clock.advance(2000);
  EXPECT_EQ(b.as_state(0), AsState::Down);
  EXPECT_EQ(b.counters().get(M3uaNodeCounter::data_buffer_discarded), 1u);
  EXPECT_EQ(ub.events.back(), "PAUSE 1");
  j.up();
  pump({&j});
  EXPECT_EQ(ua.events.back(), "RESUME 2");
  EXPECT_EQ(ub.events.back(), "RESUME 1");
  EXPECT_EQ(b.as_state(0), AsState::Active);
}

TEST_F(AspSgp, RecoveryWithinTrFlushesBufferedData) {
  j.up();
  pump({&j});
  j.down();
  ASSERT_TRUE(b.mtp_transfer_req(iam(kPstnPc, kMgcPc, 1)).ok());
  clock.advance(500);
  j.up();
  pump({&j});
  EXPECT_EQ(b.as_state(0), AsState::Active);
  ASSERT_EQ(ua.rx.size(), 1u);                                  // the buffered IAM arrived
  EXPECT_EQ(ub.events, (std::vector<std::string>{"RESUME 1"})); // never paused: T(r) held it
}

TEST_F(AspSgp, AspInactiveAndDownByLayerManagement) {
  j.up();
  pump({&j});
  a.m_asp_inactive_req(0);
  pump({&j});
  EXPECT_EQ(a.local_state(0), AspState::Inactive);
  EXPECT_EQ(b.as_state(0), AsState::Pending);
  a.m_asp_down_req(0);
  pump({&j});
  EXPECT_EQ(a.local_state(0), AspState::Down);
  EXPECT_EQ(b.remote_state(0), AspState::Down);
  clock.advance(2000);
  EXPECT_EQ(b.as_state(0), AsState::Down);
}

TEST_F(AspSgp, SsnmGivesPauseResumeStatusAndAudit) {
  j.up();
  pump({&j});
  ua.events.clear();
  auto inject = [&](const Message &m) {
    auto b = encode(m);
    a.link_rx(0, 0, b);
  };
  uint32_t pc = kPstnPc;
  Message duna(MsgType::Duna);
  duna.add_u32_list(Tag::AffectedPointCode, {&pc, 1});
  inject(duna);
  EXPECT_EQ(ua.events.back(), "PAUSE 2");
  EXPECT_FALSE(a.mtp_transfer_req(iam(kMgcPc, kPstnPc, 0)).ok());
  clock.advance(10000); // §4.5.3: the ASP audits what is unavailable
  ASSERT_FALSE(j.wa.out.empty());
  EXPECT_EQ(decode_ok(j.wa.out.back().bytes).type(), MsgType::Daud);
  pump({&j}); // the SGP answers DAVA: its own point code is available
  EXPECT_EQ(ua.events.back(), "RESUME 2");
  Message scon(MsgType::Scon);
  scon.add_u32_list(Tag::AffectedPointCode, {&pc, 1}).add_u32(Tag::CongestionIndications, 2);
  inject(scon);
  EXPECT_EQ(ua.events.back(), "STATUS congestion 2");
  Message dupu(MsgType::Dupu);
  dupu.add_u32_list(Tag::AffectedPointCode, {&pc, 1}).add_u32(Tag::UserCause, 0x00010005);
  inject(dupu);
  EXPECT_EQ(ua.events.back(), "STATUS upu 2");
}

TEST_F(AspSgp, AspInactiveFromAnAspThatIsDownIsAcknowledged) {
  Wire w;
  b.link_up(0, w); // §4.3.4.4: an ASPIA is always answered
  b.link_rx(0, 0, encode(Message(MsgType::AspIa)));
  ASSERT_EQ(w.out.size(), 1u);
  EXPECT_EQ(decode_ok(w.out[0].bytes).type(), MsgType::AspIaAck);
  EXPECT_EQ(b.remote_state(0), AspState::Down);
}

TEST_F(AspSgp, UnsolicitedAspInactiveAckMakesTheAspReactivate) {
  j.up();
  pump({&j});
  a.link_rx(0, 0, encode(Message(MsgType::AspIaAck)));
  ASSERT_FALSE(j.wa.out.empty());
  EXPECT_EQ(decode_ok(j.wa.out.back().bytes).type(), MsgType::AspAc);
  pump({&j});
  EXPECT_EQ(a.local_state(0), AspState::Active);
}

// RFC 4666 §4.3.4.1: an ASP Up Ack the ASP did not ask for while ASP-ACTIVE: ERR, then back to
// ASP-ACTIVE by itself. Its user is told nothing: MTP-PAUSE then MTP-RESUME would make ISUP
// reset its circuits for an event that lost nothing.
TEST_F(AspSgp, UnsolicitedAspUpAckWhileActiveNeitherPausesNorResumes) {
  j.up();
  pump({&j});
  ua.events.clear();
  a.link_rx(0, 0, encode(Message(MsgType::AspUpAck)));
  EXPECT_EQ(a.counters().get(M3uaNodeCounter::unexpected_upack), 1u);
  pump({&j});
  EXPECT_EQ(a.local_state(0), AspState::Active);
  EXPECT_TRUE(ua.events.empty()) << ua.events.front();
  EXPECT_TRUE(a.dpc_available(kPstnPc));
}

// The return fails (the SGP never acknowledges the ASPAC): after T(ack) the destinations are
// inaccessible after all.
TEST_F(AspSgp, UnsolicitedAspUpAckThenNoAspAcAckPausesAfterTack) {
  j.up();
  pump({&j});
  ua.events.clear();
  a.link_rx(0, 0, encode(Message(MsgType::AspUpAck)));
  j.wa.out.clear(); // ERR and ASPAC lost
  EXPECT_TRUE(ua.events.empty());
  clock.advance(2000);
  EXPECT_EQ(ua.events, (std::vector<std::string>{"PAUSE 2"}));
  pump({&j}); // the repeated ASPAC is answered
  EXPECT_EQ(ua.events, (std::vector<std::string>{"PAUSE 2", "RESUME 2"}));
}

// A DAVA for a point code already accessible changes nothing: no MTP-RESUME.
TEST_F(AspSgp, DavaForAnAccessiblePointCodeResumesNothing) {
  j.up();
  pump({&j});
  ua.events.clear();
  b.ssnm_req(MsgType::Dava, kPstnPc);
  pump({&j});
  EXPECT_TRUE(ua.events.empty());
}

TEST_F(AspSgp, SgpOriginatedSsnmReachesTheAspUser) {
  j.up();
  pump({&j});
  ua.events.clear();
  b.ssnm_req(MsgType::Duna, kPstnPc);
  pump({&j});
  b.ssnm_req(MsgType::Scon, kPstnPc, 1);
  pump({&j});
  b.ssnm_req(MsgType::Dupu, kPstnPc, 0x00010005);
  pump({&j});
  b.ssnm_req(MsgType::Dava, kPstnPc);
  pump({&j});
  EXPECT_EQ(ua.events, (std::vector<std::string>{"PAUSE 2", "STATUS congestion 2", "STATUS upu 2",
                                                 "RESUME 2"}));
  EXPECT_EQ(a.counters().get(M3uaNodeCounter::err_tx), 0u);
}

TEST_F(AspSgp, BeatKeepsAliveAndSilenceAborts) {
  NodeConfig ca = asp_config();
  ca.timers.beat = 1000;
  Node a2{ca, clock, ua};
  Joint j2{a2, 0, b, 0};
  j2.up();
  pump({&j2});
  clock.advance(1000);
  pump({&j2});
  clock.advance(1000);
  pump({&j2});
  EXPECT_EQ(a2.counters().get(M3uaNodeCounter::beat_tx), 2u);
  EXPECT_EQ(a2.counters().get(M3uaNodeCounter::beat_ack_rx), 2u);
  clock.advance(1000); // BEAT sent, never delivered
  clock.advance(1000);
  EXPECT_TRUE(j2.wa.aborted);
  EXPECT_EQ(a2.counters().get(M3uaNodeCounter::beat_timeouts), 1u);
  EXPECT_EQ(a2.local_state(0), AspState::Down);
}

// Timers changed live (mgcd's `timers` node, RFC 4666 §4.3.4.6): BEAT turned on starts on the
// association that is up; turned off it stops, and a BEAT left unanswered then aborts nothing.
TEST_F(AspSgp, BeatTurnedOnAndOffLive) {
  j.up();
  pump({&j});
  clock.advance(5000);
  EXPECT_EQ(a.counters().get(M3uaNodeCounter::beat_tx), 0u);
  Timers t = a.config().timers;
  t.beat = 1000;
  a.set_timers(t);
  EXPECT_EQ(a.config().timers.beat, 1000u);
  clock.advance(1000);
  pump({&j});
  EXPECT_EQ(a.counters().get(M3uaNodeCounter::beat_tx), 1u);
  EXPECT_EQ(a.counters().get(M3uaNodeCounter::beat_ack_rx), 1u);
  clock.advance(1000); // BEAT sent, not delivered yet
  EXPECT_EQ(a.counters().get(M3uaNodeCounter::beat_tx), 2u);
  t.beat = 0;
  a.set_timers(t);
  clock.advance(5000);
  EXPECT_FALSE(j.wa.aborted);
  EXPECT_EQ(a.counters().get(M3uaNodeCounter::beat_timeouts), 0u);
  EXPECT_EQ(a.counters().get(M3uaNodeCounter::beat_tx), 2u);
  EXPECT_EQ(a.local_state(0), AspState::Active);
}

// Two ASPs (two mgc processes) serving one AS at one SGP.
struct TwoAsps : ::testing::Test {
  mgc::core::SimScheduler clock;
  Recorder u1, u2, us;
  std::unique_ptr<Node> a1, a2, s;
  std::unique_ptr<Joint> j1, j2;
  void make(TrafficMode mode) {
    a1 = std::make_unique<Node>(asp_config(mode), clock, u1);
    NodeConfig c2 = asp_config(mode);
    c2.links[0].asp_id = 200;
    a2 = std::make_unique<Node>(c2, clock, u2);
    s = std::make_unique<Node>(sgp_config(mode, 2), clock, us);
    j1 = std::make_unique<Joint>(*a1, 0, *s, 0);
    j2 = std::make_unique<Joint>(*a2, 0, *s, 1);
    j1->up();
    pump({j1.get()});
    j2->up();
    pump({j1.get(), j2.get()});
  }
  void send_from_sgp(int n) {
    for (int i = 0; i < n; ++i)
      ASSERT_TRUE(s->mtp_transfer_req(iam(kPstnPc, kMgcPc, uint8_t(i))).ok());
    pump({j1.get(), j2.get()});
  }
};

TEST_F(TwoAsps, OverrideFailover) {
  make(TrafficMode::Override);
  // §4.3.4.3: the second ASPAC takes over; the first ASP is told "Alternate ASP Active".
  EXPECT_EQ(a1->local_state(0), AspState::Inactive);
  EXPECT_EQ(a2->local_state(0), AspState::Active);
  send_from_sgp(4);
  EXPECT_EQ(u1.rx.size(), 0u);
  EXPECT_EQ(u2.rx.size(), 4u);
  // ASP 2 is lost: AS-PENDING; ASP 1 is notified and takes over within T(r).
  j2->down();
  EXPECT_EQ(s->as_state(0), AsState::Pending);
  pump({j1.get()});
  EXPECT_EQ(a1->local_state(0), AspState::Active);
  EXPECT_EQ(s->as_state(0), AsState::Active);
  send_from_sgp(4);
  EXPECT_EQ(u1.rx.size(), 4u);
  EXPECT_EQ(us.events, (std::vector<std::string>{"RESUME 1"})); // never paused
}

TEST_F(TwoAsps, LoadshareFailover) {
  make(TrafficMode::Loadshare);
  EXPECT_EQ(a1->local_state(0), AspState::Active);
  EXPECT_EQ(a2->local_state(0), AspState::Active);
  send_from_sgp(8);
  EXPECT_EQ(u1.rx.size(), 4u); // shared by SLS
  EXPECT_EQ(u2.rx.size(), 4u);
  j1->down();
  EXPECT_EQ(s->as_state(0), AsState::Active); // the other ASP still carries the AS
  send_from_sgp(8);
  EXPECT_EQ(u1.rx.size(), 4u);
  EXPECT_EQ(u2.rx.size(), 12u);
}

TEST_F(TwoAsps, LoadshareBelowMinimumNotifiesInsufficientResources) {
  NodeConfig c = sgp_config(TrafficMode::Loadshare, 2);
  c.ases[0].min_active = 2;
  Recorder u1b, u2b, usb;
  Node a1b(asp_config(TrafficMode::Loadshare), clock, u1b);
  NodeConfig c2 = asp_config(TrafficMode::Loadshare);
  c2.links[0].asp_id = 200;
  Node a2b(c2, clock, u2b);
  Node sb(c, clock, usb);
  Joint k1(a1b, 0, sb, 0), k2(a2b, 0, sb, 1);
  k1.up();
  k2.up();
  pump({&k1, &k2});
  k1.down();
  EXPECT_EQ(sb.as_state(0), AsState::Active);
  std::vector<uint32_t> statuses;
  for (const auto &f : k2.wb.out) {
    Message n = decode_ok(f.bytes);
    if (n.type() == MsgType::Ntfy)
      statuses.push_back(n.u32(Tag::Status).value_or(0));
  }
  // Other / Insufficient ASP resources, then Other / ASP Failure (the lost ASP's identifier).
  EXPECT_EQ(statuses, (std::vector<uint32_t>{0x00020001u, 0x00020003u}));
}

TEST_F(TwoAsps, BroadcastReachesEveryActiveAsp) {
  make(TrafficMode::Broadcast);
  send_from_sgp(3);
  EXPECT_EQ(u1.rx.size(), 3u);
  EXPECT_EQ(u2.rx.size(), 3u);
}

TEST(M3uaRoutes, PriorityFallsBackToSecondAs) {
  mgc::core::SimScheduler clock;
  Recorder ua, u1, u2;
  NodeConfig c;
  c.local_pc = kMgcPc;
  c.ases = {AsConfig{"primary", 10}, AsConfig{"backup", 20}};
  c.links = {link("l0", Role::Asp, {0}), link("l1", Role::Asp, {1})};
  c.routes = {Route{kPstnPc, 0xffffff, 0, 0}, Route{kPstnPc, 0xffffff, 1, 1}};
  Node a{c, clock, ua};
  NodeConfig s1 = sgp_config(), s2 = sgp_config();
  s2.ases[0].routing_context = 20;
  Node b1{s1, clock, u1}, b2{s2, clock, u2};
  Joint j1{a, 0, b1, 0}, j2{a, 1, b2, 0};
  j1.up();
  j2.up();
  pump({&j1, &j2});
  ASSERT_TRUE(a.mtp_transfer_req(iam(kMgcPc, kPstnPc, 0)).ok());
  pump({&j1, &j2});
  EXPECT_EQ(u1.rx.size(), 1u);
  j1.down();
  EXPECT_TRUE(a.dpc_available(kPstnPc)); // still reachable through the backup AS
  ASSERT_TRUE(a.mtp_transfer_req(iam(kMgcPc, kPstnPc, 0)).ok());
  pump({&j1, &j2});
  EXPECT_EQ(u2.rx.size(), 1u);
  EXPECT_EQ(ua.events, (std::vector<std::string>{"RESUME 2"}));
}

TEST(M3uaIpsp, SingleExchange) {
  mgc::core::SimScheduler clock;
  Recorder ua, ub;
  Node a{asp_config(TrafficMode::Override, 1, Role::IpspSeClient), clock, ua};
  Node b{sgp_config(TrafficMode::Override, 1, Role::IpspSeServer), clock, ub};
  Joint j{a, 0, b, 0};
  j.up();
  pump({&j});
  EXPECT_EQ(a.local_state(0), AspState::Active);
  EXPECT_EQ(b.remote_state(0), AspState::Active);
  ASSERT_TRUE(a.mtp_transfer_req(iam(kMgcPc, kPstnPc, 1)).ok());
  ASSERT_TRUE(b.mtp_transfer_req(iam(kPstnPc, kMgcPc, 1)).ok());
  pump({&j});
  EXPECT_EQ(ua.rx.size(), 1u);
  EXPECT_EQ(ub.rx.size(), 1u);
}

TEST(M3uaIpsp, DoubleExchange) {
  mgc::core::SimScheduler clock;
  Recorder ua, ub;
  Node a{asp_config(TrafficMode::Override, 1, Role::IpspDe), clock, ua};
  Node b{sgp_config(TrafficMode::Override, 1, Role::IpspDe), clock, ub};
  Joint j{a, 0, b, 0};
  j.up();
  pump({&j});
  // §4.3.4.1.2: each side runs ASPUP/ASPAC toward the other.
  EXPECT_EQ(a.local_state(0), AspState::Active);
  EXPECT_EQ(a.remote_state(0), AspState::Active);
  EXPECT_EQ(b.local_state(0), AspState::Active);
  EXPECT_EQ(b.remote_state(0), AspState::Active);
  ASSERT_TRUE(a.mtp_transfer_req(iam(kMgcPc, kPstnPc, 1)).ok());
  ASSERT_TRUE(b.mtp_transfer_req(iam(kPstnPc, kMgcPc, 1)).ok());
  pump({&j});
  EXPECT_EQ(ua.rx.size(), 1u);
  EXPECT_EQ(ub.rx.size(), 1u);
  EXPECT_EQ(a.counters().get(M3uaNodeCounter::err_tx), 0u);
  EXPECT_EQ(b.counters().get(M3uaNodeCounter::err_tx), 0u);
}

TEST(M3uaRkm, AspRegistersThenActivatesWithReturnedContext) {
  mgc::core::SimScheduler clock;
  Recorder ua, ub;
  NodeConfig ca = asp_config();
  ca.ases[0].routing_context = 0;
  ca.ases[0].send_rc = false;
  ca.links[0].register_rk = true;
  Node a{ca, clock, ua};
  NodeConfig cb = sgp_config();
  cb.ases[0].routing_context = 77;
  Node b{cb, clock, ub};
  Joint j{a, 0, b, 0};
  j.up();
  pump({&j});
  EXPECT_EQ(a.local_state(0), AspState::Active);
  ASSERT_TRUE(a.mtp_transfer_req(iam(kMgcPc, kPstnPc, 1)).ok());
  auto m = decode_ok(j.wa.out.back().bytes);
  EXPECT_EQ(m.u32(Tag::RoutingContext), 77u);
}

// --- ERR answers (§3.8.1): each case sends something wrong and expects the exact error code;
// the association survives and DATA still flows afterwards.
struct Errors : AspSgp {
  void SetUp() override {
    j.up();
    pump({&j});
  }
  // Sends `bytes` to the SGP (b) on `stream`; returns the ERR code it answered, 0 if none.
  uint32_t to_sgp(const std::vector<uint8_t> &bytes, uint16_t stream = 0) {
    b.link_rx(0, stream, bytes);
    uint32_t code = 0;
    while (!j.wb.out.empty()) {
      auto m = decode_ok(j.wb.out.front().bytes);
      j.wb.out.pop_front();
      if (m.type() == MsgType::Err)
        code = m.u32(Tag::ErrorCode).value_or(0);
    }
    return code;
  }
  void still_works() {
    ASSERT_TRUE(a.mtp_transfer_req(iam(kMgcPc, kPstnPc, 2)).ok());
    std::size_t before = ub.rx.size();
    pump({&j});
    EXPECT_EQ(ub.rx.size(), before + 1);
  }
  std::vector<uint8_t> data(std::optional<uint32_t> rc, std::optional<uint32_t> na = {}) {
    Message m(MsgType::Data);
    if (na)
      m.add_u32(Tag::NetworkAppearance, *na);
    if (rc)
      m.add_u32(Tag::RoutingContext, *rc);
    auto t = iam(kMgcPc, kPstnPc, 0);
    m.add(Tag::ProtocolData, encode_protocol_data({t.opc, t.dpc, 5, 2, 0, 0, t.data}));
    return encode(m);
  }
};

TEST_F(Errors, InvalidVersion) {
  auto b = encode(Message(MsgType::AspUp));
  b[0] = 2;
  EXPECT_EQ(to_sgp(b), 0x01u);
  still_works();
}
TEST_F(Errors, UnsupportedMessageClass) {
  EXPECT_EQ(to_sgp({1, 0, 7, 1, 0, 0, 0, 8}), 0x03u);
  still_works();
}
TEST_F(Errors, UnsupportedMessageType) {
  EXPECT_EQ(to_sgp({1, 0, 3, 9, 0, 0, 0, 8}), 0x04u);
  still_works();
}
TEST_F(Errors, UnsupportedTrafficModeType) {
  Message m(MsgType::AspAc);
  m.add_u32(Tag::TrafficModeType, uint32_t(TrafficMode::Loadshare)); // AS is override
  EXPECT_EQ(to_sgp(encode(m)), 0x05u);
  still_works();
}
TEST_F(Errors, UnexpectedMessage) {
  EXPECT_EQ(to_sgp(encode(Message(MsgType::AspUpAck))), 0x06u); // an ack sent to an SGP
  still_works();
}
TEST_F(Errors, ProtocolError) {
  EXPECT_EQ(to_sgp({1, 0, 3, 1, 0, 0, 0, 12, 0}), 0x07u); // length disagrees with the frame
  still_works();
}
TEST_F(Errors, InvalidStreamIdentifier) {
  EXPECT_EQ(to_sgp(data(kRc), 0), 0x09u); // DATA on stream 0
  EXPECT_EQ(to_sgp(encode(Message(MsgType::AspUp)), 3), 0x09u);
  still_works();
}
TEST_F(Errors, RefusedManagementBlocking) {
  NodeConfig c = sgp_config();
  c.links[0].blocked = true;
  Node blocked{c, clock, ub};
  Wire w;
  blocked.link_up(0, w);
  blocked.link_rx(0, 0, encode(Message(MsgType::AspUp)));
  ASSERT_EQ(w.out.size(), 1u);
  EXPECT_EQ(decode_ok(w.out[0].bytes).u32(Tag::ErrorCode), 0x0du);
  EXPECT_EQ(blocked.err_tx().get(M3uaErrTxCounter::refused_management_blocking), 1u);
}
TEST_F(Errors, AspIdentifierRequired) {
  NodeConfig c = sgp_config();
  c.links[0].require_asp_id = true;
  Node strict{c, clock, ub};
  Wire w;
  strict.link_up(0, w);
  strict.link_rx(0, 0, encode(Message(MsgType::AspUp)));
  ASSERT_EQ(w.out.size(), 1u);
  EXPECT_EQ(decode_ok(w.out[0].bytes).u32(Tag::ErrorCode), 0x0eu);
}
TEST_F(Errors, InvalidAspIdentifier) {
  NodeConfig c = sgp_config(TrafficMode::Override, 2);
  Node two{c, clock, ub};
  Wire w0, w1;
  two.link_up(0, w0);
  two.link_up(1, w1);
  Message up(MsgType::AspUp);
  up.add_u32(Tag::AspIdentifier, 7);
  two.link_rx(0, 0, encode(up));
  two.link_rx(1, 0, encode(up)); // the same ASP Identifier on a second association
  ASSERT_FALSE(w1.out.empty());
  EXPECT_EQ(decode_ok(w1.out.back().bytes).u32(Tag::ErrorCode), 0x0fu);
}
TEST_F(Errors, InvalidParameterValue) {
  Message m(MsgType::Ntfy);
  m.add_u32(Tag::Status, 0x00070001);
  a.link_rx(0, 0, encode(m));
  ASSERT_FALSE(j.wa.out.empty());
  EXPECT_EQ(decode_ok(j.wa.out.back().bytes).u32(Tag::ErrorCode), 0x11u);
  j.wa.out.clear();
  still_works();
}
TEST_F(Errors, ParameterFieldError) {
  auto b = data(kRc);
  b[8 + 8 + 3] = 9; // Protocol Data length 9: too short for the routing label
  EXPECT_EQ(to_sgp(b, 1), 0x12u);
  still_works();
}
TEST_F(Errors, UnexpectedParameter) {
  Message m(MsgType::AspUp);
  m.add_u32(Tag::TrafficModeType, 1);
  EXPECT_EQ(to_sgp(encode(m)), 0x13u);
  still_works();
}
TEST_F(Errors, InvalidNetworkAppearance) {
  EXPECT_EQ(to_sgp(data(kRc, 99), 1), 0x15u);
  still_works();
}
TEST_F(Errors, MissingParameter) {
  EXPECT_EQ(to_sgp(encode(Message(MsgType::Data)), 1), 0x16u);
  still_works();
}
TEST_F(Errors, InvalidRoutingContext) {
  EXPECT_EQ(to_sgp(data(999), 1), 0x19u);
  still_works();
}
TEST_F(Errors, NoConfiguredAsForAsp) {
  Message m(MsgType::AspAc);
  uint32_t rc = 555;
  m.add_u32_list(Tag::RoutingContext, {&rc, 1});
  EXPECT_EQ(to_sgp(encode(m)), 0x1au);
  still_works();
}
TEST_F(Errors, AspInactiveWithUnknownContextIsInvalidRoutingContext) {
  Message m(MsgType::AspIa);
  uint32_t rc = 555;
  m.add_u32_list(Tag::RoutingContext, {&rc, 1}); // §4.3.4.4: 0x19, not 0x1a as for ASPAC
  EXPECT_EQ(to_sgp(encode(m)), 0x19u);
  still_works();
}
TEST_F(Errors, ErrIsNeverAnsweredWithErr) {
  auto e = encode(make_error(ErrorCode::ProtocolError, {}));
  EXPECT_EQ(to_sgp(e), 0u);
  auto bad = e;
  bad[0] = 9; // even a malformed ERR
  EXPECT_EQ(to_sgp(bad), 0u);
  EXPECT_EQ(b.counters().get(M3uaNodeCounter::err_rx), 1u);
}
TEST_F(Errors, DataFromInactiveAspAtSgpIsUnexpected) {
  a.m_asp_inactive_req(0);
  pump({&j});
  EXPECT_EQ(to_sgp(data(kRc), 1), 0x06u);
}
TEST_F(Errors, DataToInactiveAspIsSilentlyDiscarded) {
  a.m_asp_inactive_req(0);
  pump({&j});
  a.link_rx(0, 1, data(kRc));
  EXPECT_TRUE(j.wa.out.empty());
  EXPECT_EQ(a.counters().get(M3uaNodeCounter::data_discarded_inactive), 1u);
}

TEST_F(AspSgp, ShowAndTimerTable) {
  j.up();
  pump({&j});
  std::string s = b.show();
  EXPECT_NE(s.find("link asp0 role sgp up remote ASP-ACTIVE"), std::string::npos) << s;
  EXPECT_NE(s.find("as as-mgc rc 10 override AS-ACTIVE active asp0"), std::string::npos) << s;
  EXPECT_NE(s.find("dpc 1 available"), std::string::npos) << s;
  Timers t;
  std::vector<std::string> names;
  for_each_timer(t, [&](std::string_view n, uint32_t &v, uint32_t d, std::string_view) {
    names.emplace_back(n);
    EXPECT_EQ(v, d);
  });
  EXPECT_EQ(names, (std::vector<std::string>{"ack", "recovery", "beat", "audit"}));
}

TEST(M3uaNames, TablesNameEveryState) {
  EXPECT_EQ(asp_state_name(AspState::Active), "ASP-ACTIVE");
  EXPECT_EQ(as_state_name(AsState::Pending), "AS-PENDING");
  Role r;
  ASSERT_TRUE(role_by_name("ipsp-de", r));
  EXPECT_EQ(r, Role::IpspDe);
}

} // namespace
