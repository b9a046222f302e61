// The ASP-side conformance procedures of ETSI TS 102 381 (rows m3ua-asp-* of
// vectors/ETSI-TS-102-381-test-procedures.tsv), one test each, named after its id, and at the end
// a subset of the SGP-side ones. The tester
// plays the SGP on an in-memory association; the node under test is an ASP on simulated time.
// Each test follows the procedure's message sequence and checks its pass criterion.
#include "core/sim_scheduler.h"
#include "m3ua_harness.h"

#include <algorithm>
#include <fstream>
#include <set>

using namespace mgc::sigtran;
using namespace mgc::sigtran::m3ua;
using namespace mgc::sigtran::test;

namespace {

constexpr uint32_t kUnavailablePc = 0x000102, kRestrictedPc = 0x000103, kCongestedPc = 0x000104;

struct EtsiAsp : ::testing::Test {
  mgc::core::SimScheduler clock;
  Recorder user;
  Wire wire;
  std::unique_ptr<Node> sut;
  Message last;

  NodeConfig config(bool register_rk = false) {
    NodeConfig c;
    c.local_pc = 1;
    c.ases.push_back(AsConfig{"as", 10, true, TrafficMode::Override});
    auto l = link("sgp", Role::Asp, {0}, 1);
    l.register_rk = register_rk;
    c.links.push_back(l);
    c.routes.push_back(Route{2, 0xffffff, 0, 0});
    c.timers.audit = 1000;
    return c;
  }
  void start(bool register_rk = false) {
    sut = std::make_unique<Node>(config(register_rk), clock, user);
    sut->link_up(0, wire);
  }
  // Waits (in simulated time, up to 30 s) for a message of type t from the SUT, as the tool's
  // m3ua-wait-for-message does: anything else is skipped.
  Message wait_for(MsgType t) {
    for (int i = 0; i < 300; ++i) {
      while (!wire.out.empty()) {
        auto f = std::move(wire.out.front());
        wire.out.pop_front();
        Message m;
        EXPECT_TRUE(decode(f.bytes, m).ok());
        if (m.type() == t) {
          last = m;
          last_stream = f.stream;
          last_raw = f.bytes;
          return m;
        }
      }
      clock.advance(100);
    }
    ADD_FAILURE() << "no " << msg_name(t) << " from the SUT";
    return Message();
  }
  // Whether a message of type t arrives within `ms` (m3ua-wait-for-message-with-timeout).
  bool arrives_within(MsgType t, uint32_t ms) {
    for (uint32_t waited = 0; waited <= ms; waited += 100) {
      while (!wire.out.empty()) {
        Message m;
        auto f = std::move(wire.out.front());
        wire.out.pop_front();
        if (decode(f.bytes, m).ok() && m.type() == t)
          return true;
      }
      clock.advance(100);
    }
    return false;
  }
  uint32_t wait_for_error() { return wait_for(MsgType::Err).u32(Tag::ErrorCode).value_or(0); }
  void send(const Message &m, uint16_t stream = 0) { sut->link_rx(0, stream, encode(m)); }
  void send_raw(std::vector<uint8_t> b, uint16_t stream = 0) { sut->link_rx(0, stream, b); }
  static std::vector<uint8_t> bump_version(const Message &m) {
    auto b = encode(m);
    b[0] = kVersion + 1;
    return b;
  }
  static std::vector<uint8_t> header(uint8_t cls, uint8_t type) {
    return {kVersion, 0, cls, type, 0, 0, 0, 8};
  }
  // The acknowledgement of an ASPAC/ASPIA echoes its parameters (m3ua-get-parameters).
  static Message ack_of(MsgType t, const Message &req) {
    Message a(t);
    a.params = req.params;
    return a;
  }
  void up_and_active() {
    wait_for(MsgType::AspUp);
    send(Message(MsgType::AspUpAck));
    Message ac = wait_for(MsgType::AspAc);
    send(ack_of(MsgType::AspAcAck, ac));
    ASSERT_EQ(sut->local_state(0), AspState::Active);
  }
  void ssnm(MsgType t, uint8_t mask, uint32_t pc, std::optional<uint32_t> user_cause = {}) {
    Message m(t);
    uint32_t apc = (uint32_t(mask) << 24) | pc;
    m.add_u32_list(Tag::AffectedPointCode, {&apc, 1});
    if (user_cause)
      m.add_u32(Tag::UserCause, *user_cause);
    send(m);
  }
  uint16_t last_stream = 0;
  std::vector<uint8_t> last_raw;
};

// Every m3ua-asp-* row of the ETSI list has a test below (or is listed as not applicable in
// the README); this keeps the list and the tests together.
TEST(EtsiAspList, EveryProcedureIsCovered) {
  std::ifstream f(std::string(MGC_TEST_DATA) +
                  "/sigtran/vectors/etsi/ETSI-TS-102-381-test-procedures.tsv");
  ASSERT_TRUE(f.good());
  std::set<std::string> tests;
  auto *ut = ::testing::UnitTest::GetInstance();
  for (int i = 0; i < ut->total_test_suite_count(); ++i) {
    const auto *suite = ut->GetTestSuite(i);
    if (std::string(suite->name()) != "EtsiAsp")
      continue;
    for (int k = 0; k < suite->total_test_count(); ++k) {
      std::string n = suite->GetTestInfo(k)->name();
      std::replace(n.begin(), n.end(), '_', '-');
      tests.insert(n);
    }
  }
  std::string line;
  int asp_rows = 0;
  while (std::getline(f, line)) {
    if (line.rfind("m3ua-asp-", 0) != 0)
      continue;
    ++asp_rows;
    std::string id = line.substr(0, line.find('\t'));
    EXPECT_TRUE(tests.count(id)) << "no test for " << id;
  }
  EXPECT_EQ(asp_rows, 36);
  EXPECT_EQ(tests.size(), 36u);
}

TEST_F(EtsiAsp, m3ua_asp_aspsm_v_002) {
  start();
  EXPECT_EQ(wait_for(MsgType::AspUp).version, 1);
}

TEST_F(EtsiAsp, m3ua_asp_aspsm_v_005) {
  start();
  wait_for(MsgType::AspUp);
  send(Message(MsgType::AspUpAck));
  sut->m_asp_down_req(0);
  EXPECT_EQ(wait_for(MsgType::AspDn).version, 1);
}

TEST_F(EtsiAsp, m3ua_asp_aspsm_v_005_alternate) {
  start();
  up_and_active();
  sut->m_asp_inactive_req(0);
  Message ia = wait_for(MsgType::AspIa);
  EXPECT_EQ(ia.version, 1);
  send(ack_of(MsgType::AspIaAck, ia));
  sut->m_asp_down_req(0);
  wait_for(MsgType::AspDn);
  send(Message(MsgType::AspDnAck));
  EXPECT_EQ(sut->local_state(0), AspState::Down);
}

TEST_F(EtsiAsp, m3ua_asp_aspsm_i_001) {
  start();
  wait_for(MsgType::AspUp);
  send_raw(bump_version(Message(MsgType::AspUpAck)));
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::InvalidVersion));
}

TEST_F(EtsiAsp, m3ua_asp_aspsm_i_002) {
  start();
  wait_for(MsgType::AspUp);
  send(Message(MsgType::AspUpAck));
  sut->m_asp_down_req(0);
  wait_for(MsgType::AspDn);
  send_raw(bump_version(Message(MsgType::AspDnAck)));
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::InvalidVersion));
}

TEST_F(EtsiAsp, m3ua_asp_aspsm_i_002_alternate) {
  start();
  up_and_active();
  sut->m_asp_inactive_req(0);
  Message ia = wait_for(MsgType::AspIa);
  send(ack_of(MsgType::AspIaAck, ia));
  sut->m_asp_down_req(0);
  wait_for(MsgType::AspDn);
  send_raw(bump_version(Message(MsgType::AspDnAck)));
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::InvalidVersion));
}

TEST_F(EtsiAsp, m3ua_asp_aspsm_i_003) {
  start();
  wait_for(MsgType::AspUp);
  send_raw(header(3, 7)); // reserved ASPSM message type
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::UnsupportedMessageType));
}

TEST_F(EtsiAsp, m3ua_asp_aspsm_o_001) {
  start();
  wait_for(MsgType::AspUp);
  send(Message(MsgType::AspDnAck)); // unsolicited, before any ASPUP ACK
  EXPECT_FALSE(arrives_within(MsgType::AspAc, 2000));
}

TEST_F(EtsiAsp, m3ua_asp_aspsm_o_002) {
  start();
  wait_for(MsgType::AspUp);
  Message ack(MsgType::AspAcAck);
  ack.add_u32(Tag::TrafficModeType, 1);
  send(ack); // ASPAC ACK while ASP-DOWN
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::UnexpectedMessage));
}

TEST_F(EtsiAsp, m3ua_asp_asptm_v_001) {
  start();
  up_and_active();
}

TEST_F(EtsiAsp, m3ua_asp_asptm_v_002) {
  start();
  wait_for(MsgType::AspUp);
  send(Message(MsgType::AspUpAck));
  EXPECT_EQ(wait_for(MsgType::AspAc).version, 1);
}

TEST_F(EtsiAsp, m3ua_asp_asptm_v_005) {
  start();
  up_and_active();
  sut->m_asp_inactive_req(0);
  EXPECT_EQ(wait_for(MsgType::AspIa).version, 1);
}

TEST_F(EtsiAsp, m3ua_asp_asptm_v_007) {
  start();
  up_and_active();
  Message beat(MsgType::Beat);
  std::vector<uint8_t> data(5000);
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = uint8_t(i * 7);
  beat.add(Tag::HeartbeatData, data);
  send(beat);
  wait_for(MsgType::BeatAck);
}

TEST_F(EtsiAsp, m3ua_asp_asptm_v_008) {
  start();
  up_and_active();
  Message beat(MsgType::Beat);
  std::vector<uint8_t> data(600);
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = uint8_t(i * 13 + 1);
  beat.add(Tag::HeartbeatData, data);
  send(beat);
  Message ack = wait_for(MsgType::BeatAck);
  Message expected(MsgType::BeatAck);
  expected.add(Tag::HeartbeatData, data);
  EXPECT_EQ(encode(ack), encode(expected));
}

TEST_F(EtsiAsp, m3ua_asp_asptm_i_001) {
  start();
  wait_for(MsgType::AspUp);
  send(Message(MsgType::AspUpAck));
  Message ac = wait_for(MsgType::AspAc);
  send_raw(bump_version(ack_of(MsgType::AspAcAck, ac)));
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::InvalidVersion));
}

TEST_F(EtsiAsp, m3ua_asp_asptm_i_002) {
  start();
  up_and_active();
  sut->m_asp_inactive_req(0);
  Message ia = wait_for(MsgType::AspIa);
  send_raw(bump_version(ack_of(MsgType::AspIaAck, ia)));
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::InvalidVersion));
}

TEST_F(EtsiAsp, m3ua_asp_asptm_i_003) {
  start();
  wait_for(MsgType::AspUp);
  send(Message(MsgType::AspUpAck));
  wait_for(MsgType::AspAc);
  send_raw(header(4, 5)); // reserved ASPTM message type
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::UnsupportedMessageType));
}

TEST_F(EtsiAsp, m3ua_asp_asptm_o_001) {
  start();
  wait_for(MsgType::AspUp);
  send(Message(MsgType::AspUpAck));
  wait_for(MsgType::AspAc);
  send(Message(MsgType::AspUpAck)); // ASPUP ACK while waiting for the ASPAC ACK
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::UnexpectedMessage));
  EXPECT_TRUE(arrives_within(MsgType::AspAc, 100)); // and it returns to its previous state
}

// MTR valid procedures: the ASP sends DATA once active (answering any DAUD with DAVA first).
TEST_F(EtsiAsp, m3ua_asp_mtr_v_001) {
  start();
  up_and_active();
  ASSERT_TRUE(sut->mtp_transfer_req(iam(1, 2, 3)).ok());
  Message d = wait_for(MsgType::Data);
  EXPECT_EQ(d.u32(Tag::RoutingContext), 10u); // DATA including a Routing Context
}

TEST_F(EtsiAsp, m3ua_asp_mtr_v_002) {
  start();
  up_and_active();
  ASSERT_TRUE(sut->mtp_transfer_req(iam(1, 2, 3)).ok());
  Message d = wait_for(MsgType::Data);
  ProtocolData pd;
  ASSERT_TRUE(decode_protocol_data(d.find(Tag::ProtocolData)->value, pd).ok());
  EXPECT_EQ(pd.user_data, iam(1, 2, 3).data); // DATA including the data
  EXPECT_EQ(pd.opc, 1u);
  EXPECT_EQ(pd.dpc, 2u);
  EXPECT_EQ(pd.si, 5);
}

TEST_F(EtsiAsp, m3ua_asp_mtr_v_003) {
  start();
  up_and_active();
  for (uint8_t sls = 0; sls < 16; ++sls) {
    ASSERT_TRUE(sut->mtp_transfer_req(iam(1, 2, sls)).ok());
    wait_for(MsgType::Data);
    EXPECT_NE(last_stream, 0); // a valid stream: never 0 (§1.4.7)
    EXPECT_LT(last_stream, wire.streams);
  }
}

TEST_F(EtsiAsp, m3ua_asp_mtr_i_001) {
  start();
  up_and_active();
  Message d(MsgType::Data);
  d.add(Tag::ProtocolData, encode_protocol_data({0, 0, 0, 0, 0, 0, {}}));
  send_raw(bump_version(d), 1);
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::InvalidVersion));
}

TEST_F(EtsiAsp, m3ua_asp_mtr_i_002) {
  start();
  up_and_active();
  send_raw(header(5, 0), 1); // a message class M3UA does not use
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::UnsupportedMessageClass));
}

TEST_F(EtsiAsp, m3ua_asp_mtr_i_003) {
  start();
  up_and_active();
  send_raw(header(1, 2), 1); // reserved Transfer message type
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::UnsupportedMessageType));
}

TEST_F(EtsiAsp, m3ua_asp_rkm_v_002) {
  start(true);
  wait_for(MsgType::AspUp);
  send(Message(MsgType::AspUpAck));
  Message req = wait_for(MsgType::RegReq);
  // A valid routing key: the codec accepted it, and it carries a Local-RK-Id and a DPC.
  Message key;
  ASSERT_TRUE(decode_nested(req.find(Tag::RoutingKey)->value, key).ok());
  EXPECT_TRUE(key.has(Tag::LocalRkIdentifier));
  EXPECT_EQ(key.u32(Tag::DestinationPointCode), 1u);
}

namespace {
Message reg_rsp_for(const Message &req, uint32_t rc) {
  Message key;
  (void)decode_nested(req.find(Tag::RoutingKey)->value, key);
  Message res;
  res.add_u32(Tag::LocalRkIdentifier, key.u32(Tag::LocalRkIdentifier).value_or(0))
      .add_u32(Tag::RegistrationStatus, 0)
      .add_u32(Tag::RoutingContext, rc);
  Message rsp(MsgType::RegRsp);
  rsp.add(Tag::RegistrationResult, encode_nested(res));
  return rsp;
}
} // namespace

TEST_F(EtsiAsp, m3ua_asp_rkm_v_003) {
  start(true);
  wait_for(MsgType::AspUp);
  send(Message(MsgType::AspUpAck));
  send(reg_rsp_for(wait_for(MsgType::RegReq), 42));
  sut->m_rk_dereg_req(0);
  wait_for(MsgType::DeregReq);
}

TEST_F(EtsiAsp, m3ua_asp_rkm_v_004) {
  start(true);
  wait_for(MsgType::AspUp);
  send(Message(MsgType::AspUpAck));
  send(reg_rsp_for(wait_for(MsgType::RegReq), 42));
  sut->m_rk_dereg_req(0);
  EXPECT_EQ(wait_for(MsgType::DeregReq).u32(Tag::RoutingContext), 42u);
}

TEST_F(EtsiAsp, m3ua_asp_rkm_i_001) {
  start(true);
  wait_for(MsgType::AspUp);
  send(Message(MsgType::AspUpAck));
  wait_for(MsgType::RegReq);
  send_raw(header(9, 5)); // reserved RKM message type
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::UnsupportedMessageType));
}

// SSNM: after DUNA / DRST / SCON / DUPU, the ASP audits the destination with DAUD (§4.5.3).
TEST_F(EtsiAsp, m3ua_asp_ssnm_001) {
  start();
  up_and_active();
  ssnm(MsgType::Duna, 0, kUnavailablePc);
  EXPECT_EQ(wait_for(MsgType::Daud).u32(Tag::AffectedPointCode), kUnavailablePc);
}

TEST_F(EtsiAsp, m3ua_asp_ssnm_002) {
  start();
  up_and_active();
  ssnm(MsgType::Duna, 255, kUnavailablePc); // a whole range (mask 255)
  wait_for(MsgType::Daud);
}

TEST_F(EtsiAsp, m3ua_asp_ssnm_003) {
  start();
  up_and_active();
  ssnm(MsgType::Drst, 0, kRestrictedPc);
  EXPECT_EQ(wait_for(MsgType::Daud).u32(Tag::AffectedPointCode), kRestrictedPc);
}

TEST_F(EtsiAsp, m3ua_asp_ssnm_004) {
  start();
  up_and_active();
  ssnm(MsgType::Drst, 255, kRestrictedPc);
  wait_for(MsgType::Daud);
}

TEST_F(EtsiAsp, m3ua_asp_ssnm_005) {
  start();
  up_and_active();
  ssnm(MsgType::Scon, 0, kCongestedPc);
  EXPECT_EQ(wait_for(MsgType::Daud).u32(Tag::AffectedPointCode), kCongestedPc);
}

TEST_F(EtsiAsp, m3ua_asp_ssnm_006) {
  start();
  up_and_active();
  ssnm(MsgType::Scon, 255, kCongestedPc);
  wait_for(MsgType::Daud);
}

TEST_F(EtsiAsp, m3ua_asp_ssnm_007) {
  start();
  up_and_active();
  // User/Cause: unequipped remote user (1), ISUP (5)
  ssnm(MsgType::Dupu, 0, kCongestedPc, 0x00010005);
  wait_for(MsgType::Daud);
  EXPECT_EQ(user.events.back(), "STATUS upu " + std::to_string(kCongestedPc));
}

TEST_F(EtsiAsp, m3ua_asp_ssnm_008) {
  start();
  up_and_active();
  ssnm(MsgType::Dupu, 255, kCongestedPc, 0x00010005); // DUPU concerns one point code only
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::InvalidParameterValue));
}

} // namespace

// --- A subset of the SGP-side procedures (m3ua-sgp-*), for the SGP role pstn-sim uses: the
// tester plays the ASP. Each follows the procedure's message sequence as the test tool runs it.
namespace {

struct EtsiSgp : ::testing::Test {
  mgc::core::SimScheduler clock;
  Recorder user;
  Wire wires[2];
  std::unique_ptr<Node> sut;

  void start(bool blocked = false, int links = 1, TrafficMode mode = TrafficMode::Override,
             uint32_t min_active = 1) {
    NodeConfig c;
    c.local_pc = 2;
    c.ases.push_back(AsConfig{"as", 10, true, mode, min_active});
    for (int i = 0; i < links; ++i) {
      auto l = link("asp" + std::to_string(i), Role::Sgp, {0});
      l.blocked = blocked;
      c.links.push_back(l);
    }
    c.routes.push_back(Route{1, 0xffffff, 0, 0});
    sut = std::make_unique<Node>(c, clock, user);
    for (int i = 0; i < links; ++i)
      sut->link_up(i, wires[i]);
  }
  void send(const Message &m, int l = 0) { sut->link_rx(l, 0, encode(m)); }
  void send_raw(std::vector<uint8_t> b) { sut->link_rx(0, 0, b); }
  // m3ua-wait-for-message: the first message of type t, skipping others.
  Message wait_for(MsgType t, int l = 0) {
    while (!wires[l].out.empty()) {
      auto f = std::move(wires[l].out.front());
      wires[l].out.pop_front();
      Message m;
      EXPECT_TRUE(decode(f.bytes, m).ok());
      if (m.type() == t)
        return m;
    }
    ADD_FAILURE() << "no " << msg_name(t) << " from the SUT on association " << l;
    return Message();
  }
  uint32_t wait_for_error() { return wait_for(MsgType::Err).u32(Tag::ErrorCode).value_or(0); }
  uint32_t wait_for_ntfy(int l = 0) {
    return wait_for(MsgType::Ntfy, l).u32(Tag::Status).value_or(0);
  }
  static Message asp_active(std::optional<uint32_t> rc = std::nullopt,
                            std::optional<TrafficMode> tm = std::nullopt) {
    Message m(MsgType::AspAc);
    if (tm)
      m.add_u32(Tag::TrafficModeType, uint32_t(*tm));
    if (rc)
      m.add_u32(Tag::RoutingContext, *rc);
    return m;
  }
  static Message asp_up(std::optional<uint32_t> id = std::nullopt) {
    Message m(MsgType::AspUp);
    if (id)
      m.add_u32(Tag::AspIdentifier, *id);
    return m;
  }
  void up(int l = 0, std::optional<uint32_t> id = std::nullopt) {
    send(asp_up(id), l);
    wait_for(MsgType::AspUpAck, l);
  }
  void up_active(int l = 0, std::optional<uint32_t> id = std::nullopt,
                 std::optional<TrafficMode> tm = std::nullopt) {
    up(l, id);
    send(asp_active(std::nullopt, tm), l);
    wait_for(MsgType::AspAcAck, l);
  }
};

constexpr uint32_t kAsInactive = 0x00010002, kAsActive = 0x00010003, kAsPending = 0x00010004;

TEST_F(EtsiSgp, m3ua_sgp_aspsm_v_001) {
  start();
  up();
}

TEST_F(EtsiSgp, m3ua_sgp_aspsm_v_003) {
  start();
  up();
  EXPECT_EQ(wait_for_ntfy(), kAsInactive);
}

TEST_F(EtsiSgp, m3ua_sgp_aspsm_v_005) {
  start();
  up();
  send(Message(MsgType::AspDn));
  wait_for(MsgType::AspDnAck);
}

TEST_F(EtsiSgp, m3ua_sgp_aspsm_v_009) {
  start(true);
  send(Message(MsgType::AspUp));
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::RefusedManagementBlocking));
}

TEST_F(EtsiSgp, m3ua_sgp_aspsm_i_001) {
  start();
  send_raw({kVersion + 1, 0, 3, 1, 0, 0, 0, 8});
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::InvalidVersion));
}

TEST_F(EtsiSgp, m3ua_sgp_aspsm_i_002) {
  start();
  send_raw({kVersion, 0, 3, 7, 0, 0, 0, 8});
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::UnsupportedMessageType));
}

TEST_F(EtsiSgp, m3ua_sgp_aspsm_i_003) {
  start();
  send(asp_active()); // ASPAC before ASPUP
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::UnexpectedMessage));
}

TEST_F(EtsiSgp, m3ua_sgp_aspsm_i_004) {
  start();
  up();
  send_raw({kVersion, 0, 3, 7, 0, 0, 0, 8});
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::UnsupportedMessageType));
}

TEST_F(EtsiSgp, m3ua_sgp_aspsm_o_001) {
  start();
  up();
  send(Message(MsgType::AspUp)); // again, while ASP-INACTIVE
  wait_for(MsgType::AspUpAck);
}

TEST_F(EtsiSgp, m3ua_sgp_aspsm_o_004) {
  start();
  send(Message(MsgType::AspDn)); // while ASP-DOWN
  wait_for(MsgType::AspDnAck);
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_v_001) {
  start();
  up_active();
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_v_003) {
  start();
  up();
  send(asp_active());
  wait_for(MsgType::AspAcAck);
  EXPECT_EQ(wait_for_ntfy(), kAsActive);
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_v_005) {
  start();
  up();
  send(asp_active(10));
  EXPECT_EQ(wait_for(MsgType::AspAcAck).u32(Tag::RoutingContext), 10u);
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_v_006) {
  start();
  up_active();
  send(Message(MsgType::AspIa));
  wait_for(MsgType::AspIaAck);
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_v_008) {
  start();
  up_active();
  send(Message(MsgType::AspIa));
  wait_for(MsgType::AspIaAck);
  EXPECT_EQ(wait_for_ntfy(), kAsPending);
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_v_011) {
  start();
  up_active();
  Message beat(MsgType::Beat);
  std::vector<uint8_t> value = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3}; // 13 octets
  beat.add(Tag::HeartbeatData, value);
  send(beat);
  Message expected(MsgType::BeatAck);
  expected.add(Tag::HeartbeatData, value);
  EXPECT_EQ(encode(wait_for(MsgType::BeatAck)), encode(expected));
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_v_013) {
  start(false, 2, TrafficMode::Broadcast, 2); // the AS needs two active ASPs
  up_active(0, 1, TrafficMode::Broadcast);
  up_active(1, 2, TrafficMode::Broadcast);
  send(Message(MsgType::AspIa), 0);
  wait_for(MsgType::AspIaAck, 0);
  EXPECT_EQ(wait_for_ntfy(0), 0x00020001u); // Other / Insufficient ASP resources
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_v_014) {
  start(false, 2);
  up(0, 1);
  up_active(1, 2, TrafficMode::Override);
  wires[1].out.clear(); // NTFY(AS-ACTIVE) for ASP 2's own activation
  send(asp_active(std::nullopt, TrafficMode::Override), 0);
  wait_for(MsgType::AspAcAck, 0);
  EXPECT_EQ(wait_for_ntfy(1), 0x00020002u); // Other / Alternate ASP Active, to ASP 2
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_v_015) {
  start(false, 2);
  up(0, 1);
  up_active(1, 2, TrafficMode::Override);
  wires[1].out.clear(); // NTFY(AS-ACTIVE) for ASP 2's own activation
  send(asp_active(std::nullopt, TrafficMode::Override), 0);
  wait_for(MsgType::AspAcAck, 0);
  Message n = wait_for(MsgType::Ntfy, 1);
  EXPECT_EQ(n.u32(Tag::AspIdentifier), 1u); // the alternate (now active) ASP's identifier
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_i_001) {
  start();
  up();
  send_raw({kVersion + 1, 0, 4, 1, 0, 0, 0, 8});
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::InvalidVersion));
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_i_003) {
  start(); // an override AS
  up();
  send(asp_active(std::nullopt, TrafficMode::Broadcast));
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::UnsupportedTrafficMode));
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_i_004) {
  start();
  up();
  Message m(MsgType::AspAc);
  m.add_u32(Tag::TrafficModeType, 4);
  send(m);
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::UnsupportedTrafficMode));
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_i_006) {
  start();
  up();
  send_raw({kVersion, 0, 4, 5, 0, 0, 0, 8});
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::UnsupportedMessageType));
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_i_008) {
  start();
  up_active();
  send_raw({kVersion, 0, 4, 5, 0, 0, 0, 8});
  EXPECT_EQ(wait_for_error(), uint32_t(ErrorCode::UnsupportedMessageType));
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_i_009) {
  start(false, 2);
  up_active(0, 1, TrafficMode::Override);
  up_active(1, 2, TrafficMode::Override);
  sut->link_down(0);                        // the tester shuts ASP 1's association down
  EXPECT_EQ(wait_for_ntfy(1), 0x00020003u); // Other / ASP Failure
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_i_010) {
  start();
  up_active();
  send(Message(MsgType::AspIa));
  wait_for(MsgType::AspIaAck);
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_o_001) {
  start();
  up_active();
  send(asp_active()); // again, while ASP-ACTIVE
  wait_for(MsgType::AspAcAck);
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_o_003) {
  start();
  up();
  send(Message(MsgType::AspIa)); // while ASP-INACTIVE
  wait_for(MsgType::AspIaAck);
}

TEST_F(EtsiSgp, m3ua_sgp_asptm_v_010) {
  start();
  up_active();
  Message beat(MsgType::Beat);
  beat.add_string(Tag::HeartbeatData, "M3UA rocks");
  send(beat);
  EXPECT_EQ(wait_for(MsgType::BeatAck).find(Tag::HeartbeatData)->value,
            std::vector<uint8_t>({'M', '3', 'U', 'A', ' ', 'r', 'o', 'c', 'k', 's'}));
}

} // namespace
