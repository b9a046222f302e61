// Trunk groups busied out while the SIP peer they feed is down (callcontrol/sip_peer_busy_out.h,
// issue 14 item 5), with call control between fakes: the peer's keepalive verdict down blocks the
// trunk group's circuits with maintenance CGB (Q.764 §2.8.2.1: calls up stay, no new call either
// way), up again unblocks them with CGU; blocks set by others stay; the tie is live config.
#include "call_fakes.h"
#include "callcontrol/call_manager.h"
#include "callcontrol/sip_peer_busy_out.h"
#include "core/alarms.h"
#include "core/sim_scheduler.h"
#include "isup/catalogue.h"

#include <gtest/gtest.h>
#include <map>

using namespace mgc;
using namespace mgc::cc;
using isup::MessageType;

namespace {

struct Wire : IsupSender {
  std::vector<isup::Message> sent;
  void send(uint32_t, const isup::Message &m) override { sent.push_back(m); }
  // "CGB 1+3 hw 1111": type, first CIC + range, hardware or maintenance, the status bits
  std::string take() {
    std::string s;
    for (const auto &m : sent) {
      s += (s.empty() ? "" : ", ") + std::string(isup::message_acronym(uint8_t(m.type))) + " " +
           std::to_string(m.cic);
      if (const auto *rs = m.find<isup::RangeAndStatus>()) {
        s += "+" + std::to_string(rs->range);
        if (const auto *t = m.find<isup::CircuitGroupSupervisionMessageType>())
          s += t->type_indicator ? " hw" : " mn";
        if (!rs->status.empty()) {
          s += " ";
          for (std::size_t i = 0; i <= rs->range; ++i)
            s += (rs->status[i / 8] >> (i % 8) & 1) ? "1" : "0";
        }
      }
    }
    sent.clear();
    return s;
  }
};

using testing_fakes::Leg; // what call control asked of the SIP leg, in order

struct Sip : SipSide {
  SipLeg *invite(const SipPeer &, const iw::SipCallInfo &, const SipBody &) override {
    return nullptr;
  }
};

struct Media : MediaGateway {
  MediaGateway::Handle next = 0;
  std::map<Handle, uint16_t> open;
  void set_listener(Listener *) override {}
  void connect(std::string_view, uint16_t cic, std::string_view, MediaMode,
               Connected done) override {
    open[++next] = cic;
    done(Status::Ok(), next, "v=0");
  }
  void modify(Handle, std::optional<MediaMode>, std::string_view, Modified done) override {
    done(Status::Ok(), {});
  }
  void loopback(std::string_view, uint16_t, Connected done) override {
    done(Status("test.no_loop", 502), 0, {});
  }
  void release(Handle h, Done done) override {
    open.erase(h);
    done(Status::Ok());
  }
};

constexpr uint32_t kOwnPc = 200, kFarPc = 100;

isup::Message simple(MessageType t, uint16_t cic) {
  isup::Message m;
  m.type = t;
  m.cic = cic;
  return m;
}
isup::Message group_answer(MessageType t, uint16_t cic, uint8_t range, bool hardware) {
  isup::Message m = simple(t, cic);
  if (t != MessageType::Gra)
    m.add(isup::CircuitGroupSupervisionMessageType{.type_indicator = uint8_t(hardware ? 1 : 0)},
          isup::Part::MandatoryFixed);
  isup::RangeAndStatus rs;
  rs.range = range;
  for (std::size_t i = 0; i < (std::size_t(range) + 8) / 8; ++i)
    rs.status.push_back(t == MessageType::Gra ? 0 : 0xff);
  m.add(rs, isup::Part::MandatoryVariable);
  return m;
}

struct BusyOut : testing::Test {
  core::SimScheduler sched;
  Wire wire;
  Sip sip;
  Media media;
  core::Alarms alarms;
  std::unique_ptr<CallManager> cm;
  std::unique_ptr<SipPeerBusyOut> bo;
  SipPeer phone{"phone", SipProfile::Plain, false}, carrier{"carrier", SipProfile::Plain, false};

  void SetUp() override {
    CallManagerConfig cfg;
    cfg.own_point_code = kOwnPc;
    cm = std::make_unique<CallManager>(cfg, sched, wire, sip);
    cm->add_trunk_group("pstn", kFarPc, Hunting::Sequential, media).add_range(1, 4);
    cm->add_sip_peer(phone);
    cm->add_sip_peer(carrier);
    cm->routing().add({"1", 0, "", {{RouteTarget::Kind::TrunkGroup, "pstn"}}});
    bo = std::make_unique<SipPeerBusyOut>(*cm, &alarms);
    bo->configure({{"pstn", "carrier"}});
  }
  const Circuit &circuit(uint16_t cic) { return *cm->trunk_group("pstn")->find(cic); }
  // The keepalive's verdict as mgcd hands it on (gateway.cpp): peer states first.
  void verdict(const std::string &peer, bool down) {
    cm->sip_peer_states().set_down(peer, down);
    bo->peer_changed(peer);
  }
  std::string new_call() {
    Leg leg{"leg@test"};
    iw::SipCallInfo info;
    info.called = "12399";
    info.from = "+4940555";
    cm->sip_invite(leg, phone, info, {"v=0 caller", false, {}});
    const std::string w = wire.take();
    return leg.take() + (w.empty() ? "" : " | " + w);
  }
};

TEST_F(BusyOut, PeerDownBlocksForMaintenanceAndUpUnblocks) {
  // a call up on CIC 2 before the peer goes down
  Leg leg{"leg@test"};
  iw::SipCallInfo info;
  info.called = "12345";
  info.from = "+4940555";
  cm->sip_invite(leg, phone, info, {"v=0 caller", false, {}});
  ASSERT_EQ(wire.take(), "IAM 2");
  cm->isup_received(kFarPc, simple(MessageType::Anm, 2));
  ASSERT_EQ(leg.take(), "200");

  verdict("phone", true); // another peer: nothing
  EXPECT_EQ(wire.take(), "");
  verdict("carrier", true);
  EXPECT_EQ(wire.take(), "CGB 1+3 mn 1111");
  EXPECT_EQ(leg.take(), ""); // §2.8.2.1: the call up stays
  EXPECT_EQ(cm->active_calls(), 1u);
  EXPECT_TRUE(circuit(3).blocking.local_maintenance);
  EXPECT_TRUE(bo->busied_out("pstn"));
  EXPECT_TRUE(alarms.is_active("trunk-group.pstn.busied-out"));
  EXPECT_EQ(bo->describe("pstn"), "busied out (SIP peer carrier down), 4 circuits blocked");
  EXPECT_EQ(new_call(), "503/34"); // no new call on the blocked circuits either
  verdict("carrier", true);        // told again: nothing more
  EXPECT_EQ(wire.take(), "");
  cm->isup_received(kFarPc, group_answer(MessageType::Cgba, 1, 3, false));

  verdict("carrier", false);
  EXPECT_EQ(wire.take(), "CGU 1+3 mn 1111");
  cm->isup_received(kFarPc, group_answer(MessageType::Cgua, 1, 3, false));
  EXPECT_FALSE(circuit(3).blocking.any());
  EXPECT_FALSE(bo->busied_out("pstn"));
  EXPECT_FALSE(alarms.is_active("trunk-group.pstn.busied-out"));
  EXPECT_EQ(bo->describe("pstn"), "in service (busied out while SIP peer carrier is down)");
  EXPECT_EQ(bo->counters().get(BusyOutCounter::busy_outs), 1u);
  EXPECT_EQ(bo->counters().get(BusyOutCounter::returns), 1u);
  EXPECT_EQ(bo->counters().get(BusyOutCounter::circuits_blocked), 4u);
  EXPECT_EQ(bo->counters().get(BusyOutCounter::circuits_unblocked), 4u);
  EXPECT_EQ(cm->active_calls(), 1u);
}

TEST_F(BusyOut, AnOperatorsBlockStaysWhenThePeerComesBack) {
  ASSERT_TRUE(cm->maintain("pstn", [](CircuitSupervision &s) {
    s.block(3);
    return true;
  }));
  EXPECT_EQ(wire.take(), "BLO 3");
  verdict("carrier", true);
  EXPECT_EQ(wire.take(), "CGB 1+3 mn 1101"); // CIC 3 is the operator's
  cm->isup_received(kFarPc, group_answer(MessageType::Cgba, 1, 3, false));
  verdict("carrier", false);
  EXPECT_EQ(wire.take(), "CGU 1+3 mn 1101");
  EXPECT_TRUE(circuit(3).blocking.local_maintenance);
}

TEST_F(BusyOut, TheTieIsLiveConfiguration) {
  verdict("carrier", true);
  EXPECT_EQ(wire.take(), "CGB 1+3 mn 1111");
  cm->isup_received(kFarPc, group_answer(MessageType::Cgba, 1, 3, false));
  // `no busy-out-on-peer-down` while the peer is down: unblocked at once
  bo->configure({});
  EXPECT_EQ(wire.take(), "CGU 1+3 mn 1111");
  EXPECT_FALSE(alarms.is_active("trunk-group.pstn.busied-out"));
  EXPECT_EQ(bo->describe("pstn"), "");
  cm->isup_received(kFarPc, group_answer(MessageType::Cgua, 1, 3, false));
  // tied again to the peer still down: blocked at once
  bo->configure({{"pstn", "carrier"}});
  EXPECT_EQ(wire.take(), "CGB 1+3 mn 1111");
  cm->isup_received(kFarPc, group_answer(MessageType::Cgba, 1, 3, false));
  // tied to another peer, which is up: unblocked
  bo->configure({{"pstn", "phone"}});
  EXPECT_EQ(wire.take(), "CGU 1+3 mn 1111");
  EXPECT_FALSE(bo->busied_out("pstn"));
}

} // namespace
