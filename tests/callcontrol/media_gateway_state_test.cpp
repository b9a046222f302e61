// A media gateway's service and the circuits it terminates (callcontrol/media_gateway_state.h),
// with call control between fakes on simulated time: out of service blocks the circuits for
// hardware failure (CGB, Q.764 §2.8.2.2) and releases their calls with cause 41; draining blocks
// them for maintenance (calls finish); back in service unblocks what it blocked (CGU), or resets
// (GRS, §2.9.3.2) a span whose block the far end never acknowledged.
#include "call_fakes.h"
#include "callcontrol/call_manager.h"
#include "callcontrol/media_gateway_state.h"
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

struct Service : testing::Test {
  core::SimScheduler sched;
  Wire wire;
  Sip sip;
  Media media;
  core::Alarms alarms;
  std::unique_ptr<CallManager> cm;
  std::unique_ptr<MediaGatewayState> mg;
  SipPeer phone{"phone", SipProfile::Plain, false};

  void SetUp() override {
    CallManagerConfig cfg;
    cfg.own_point_code = kOwnPc;
    cm = std::make_unique<CallManager>(cfg, sched, wire, sip);
    cm->add_trunk_group("pstn", kFarPc, Hunting::Sequential, media).add_range(1, 4);
    cm->add_sip_peer(phone);
    cm->routing().add({"1", 0, "", {{RouteTarget::Kind::TrunkGroup, "pstn"}}});
    mg = std::make_unique<MediaGatewayState>("mgw", *cm, &alarms);
    mg->serve("pstn");
  }
  const Circuit &circuit(uint16_t cic) { return *cm->trunk_group("pstn")->find(cic); }
  // A SIP -> PSTN call answered on the first circuit we control (CIC 2).
  void answered_call(Leg &leg) {
    iw::SipCallInfo info;
    info.called = "12345";
    info.from = "+4940555";
    cm->sip_invite(leg, phone, info, {"v=0 caller", false, {}});
    ASSERT_EQ(wire.take(), "IAM 2");
    cm->isup_received(kFarPc, simple(MessageType::Anm, 2));
    ASSERT_EQ(leg.take(), "200");
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

TEST_F(Service, OutOfServiceBlocksForHardwareReleasesCallsAndCguWhenBack) {
  Leg leg{"leg@test"};
  answered_call(leg);
  mg->out_of_service("test");
  // Q.764 §2.8.2.2: one hardware CGB over CICs 1-4; the call on CIC 2 is released at once
  // (no REL: hardware blocking idles the circuits at both ends), cause 41 toward SIP.
  EXPECT_EQ(wire.take(), "CGB 1+3 hw 1111");
  EXPECT_EQ(leg.take(), "BYE/41");
  EXPECT_EQ(cm->active_calls(), 0u);
  EXPECT_TRUE(media.open.empty());
  EXPECT_TRUE(circuit(2).blocking.local_hardware);
  EXPECT_EQ(circuit(2).call, CircuitCall::Idle);
  EXPECT_EQ(mg->state(), MgService::OutOfService);
  EXPECT_TRUE(alarms.is_active("media-gateway.mgw.down"));
  EXPECT_EQ(mg->counters().get(MgServiceCounter::calls_released), 1u);
  EXPECT_EQ(mg->counters().get(MgServiceCounter::circuits_hardware_blocked), 4u);
  // A new call finds no circuit: 503 with cause 34 (RFC 3398 §8.2.6.1), no IAM.
  EXPECT_EQ(new_call(), "503/34");
  cm->isup_received(kFarPc, group_answer(MessageType::Cgba, 1, 3, true));
  mg->in_service("test");
  EXPECT_EQ(wire.take(), "CGU 1+3 hw 1111");
  EXPECT_FALSE(circuit(2).blocking.any());
  EXPECT_FALSE(alarms.is_active("media-gateway.mgw.down"));
  cm->isup_received(kFarPc, group_answer(MessageType::Cgua, 1, 3, true));
  EXPECT_EQ(new_call(), " | IAM 2");
}

TEST_F(Service, AnUnacknowledgedBlockIsResetWhenBack) {
  mg->out_of_service("test");
  EXPECT_EQ(wire.take(), "CGB 1+3 hw 1111");
  // No CGBA: the far end's view of CICs 1-4 is unknown, so they are reset (Q.764 §2.9.3.2).
  mg->in_service("test");
  EXPECT_EQ(wire.take(), "GRS 1+3");
  EXPECT_EQ(circuit(3).call, CircuitCall::Resetting);
  EXPECT_FALSE(circuit(3).blocking.local_hardware);
  cm->isup_received(kFarPc, group_answer(MessageType::Gra, 1, 3, false));
  for (uint16_t c = 1; c <= 4; ++c) {
    EXPECT_EQ(circuit(c).call, CircuitCall::Idle) << c;
    EXPECT_FALSE(circuit(c).blocking.any()) << c;
  }
  EXPECT_EQ(mg->counters().get(MgServiceCounter::circuits_reset), 4u);
}

TEST_F(Service, DrainingLetsCallsFinishThenOutOfServiceReleasesTheRest) {
  Leg leg{"leg@test"};
  answered_call(leg);
  mg->draining("graceful");
  // Q.764 §2.8.2.1: a maintenance block leaves the call up; no new call either way.
  EXPECT_EQ(wire.take(), "CGB 1+3 mn 1111");
  EXPECT_EQ(leg.take(), "");
  EXPECT_EQ(cm->active_calls(), 1u);
  EXPECT_EQ(new_call(), "503/34");
  EXPECT_TRUE(alarms.is_active("media-gateway.mgw.draining"));
  // The graceful delay runs out with the call still up: hardware blocking ends it.
  mg->out_of_service("graceful delay over");
  EXPECT_EQ(wire.take(), "CGB 1+3 hw 1111");
  EXPECT_EQ(leg.take(), "BYE/41");
  EXPECT_FALSE(alarms.is_active("media-gateway.mgw.draining"));
  cm->isup_received(kFarPc, group_answer(MessageType::Cgba, 1, 3, true));
  mg->in_service("restart");
  EXPECT_EQ(wire.take(), "CGU 1+3 mn 1111, CGU 1+3 hw 1111");
  for (uint16_t c = 1; c <= 4; ++c)
    EXPECT_FALSE(circuit(c).blocking.any()) << c;
}

TEST_F(Service, CancelledDrainUnblocksAndCallsUpWereNeverTouched) {
  Leg leg{"leg@test"};
  answered_call(leg);
  mg->draining("graceful");
  wire.take();
  mg->in_service("cancel-graceful");
  EXPECT_EQ(wire.take(), "CGU 1+3 mn 1111");
  EXPECT_EQ(leg.take(), "");
  EXPECT_EQ(cm->active_calls(), 1u);
  cm->sip_bye(leg, std::nullopt);
  EXPECT_EQ(wire.take(), "REL 2");
  cm->isup_received(kFarPc, simple(MessageType::Rlc, 2));
  EXPECT_EQ(cm->active_calls(), 0u);
}

TEST_F(Service, BlocksItDidNotSetStay) {
  // An operator blocked CIC 3 for maintenance; a drain and its end leave it blocked.
  cm->maintain("pstn", [](CircuitSupervision &s) { return s.block(3); });
  EXPECT_EQ(wire.take(), "BLO 3");
  mg->draining("graceful");
  EXPECT_EQ(wire.take(), "CGB 1+3 mn 1101");
  mg->in_service("cancel-graceful");
  EXPECT_EQ(wire.take(), "CGU 1+3 mn 1101");
  EXPECT_TRUE(circuit(3).blocking.local_maintenance);
  EXPECT_FALSE(circuit(1).blocking.local_maintenance);
}

TEST_F(Service, ALoneCircuitIsBlockedByARangeOverItAndATrunkGroupAddedLaterToo) {
  mg->out_of_service("test");
  wire.take();
  // A trunk group of one circuit served from now on: range 0 is no group (Q.763 §3.43), so the
  // CGB spans a neighbour with its status bit clear.
  cm->add_trunk_group("one", kFarPc, Hunting::Sequential, media).add_range(9, 9);
  mg->serve("one");
  EXPECT_EQ(wire.take(), "CGB 9+1 hw 10");
  EXPECT_TRUE(cm->trunk_group("one")->find(9)->blocking.local_hardware);
  EXPECT_EQ(mg->circuits_blocked(), 5u);
}

// RSIP for part of the gateway's endpoints (RFC 3435 §2.1.2, §2.3.12): only the circuits of those
// endpoints are blocked (CICs 3-4 here); the call on CIC 2 and new calls on CIC 2 go on.
TEST_F(Service, PartOutOfServiceBlocksOnlyItsCircuits) {
  Leg leg{"leg@test"};
  answered_call(leg);
  const MediaGatewayState::Circuits part{{"pstn", {3, 4}}};
  mg->part_out_of_service("ds/e1-1/[3-4]@mgw", part, "RSIP forced");
  EXPECT_EQ(wire.take(), "CGB 3+1 hw 11");
  EXPECT_EQ(leg.take(), "");
  EXPECT_EQ(cm->active_calls(), 1u);
  EXPECT_TRUE(circuit(3).blocking.local_hardware);
  EXPECT_TRUE(circuit(4).blocking.local_hardware);
  EXPECT_FALSE(circuit(1).blocking.any());
  EXPECT_FALSE(circuit(2).blocking.any());
  EXPECT_EQ(mg->state(), MgService::InService);
  EXPECT_EQ(mg->parts().at("ds/e1-1/[3-4]@mgw"), MgService::OutOfService);
  EXPECT_TRUE(alarms.is_active("media-gateway.mgw.endpoints.ds/e1-1/[3-4]@mgw"));
  EXPECT_FALSE(alarms.is_active("media-gateway.mgw.down"));
  EXPECT_EQ(mg->circuits_blocked(), 2u);
  EXPECT_EQ(mg->counters().get(MgServiceCounter::part_out_of_service), 1u);
  // Again: no-op.
  mg->part_out_of_service("ds/e1-1/[3-4]@mgw", part, "RSIP forced");
  EXPECT_EQ(wire.take(), "");
  cm->isup_received(kFarPc, group_answer(MessageType::Cgba, 3, 1, true));
  mg->part_in_service("ds/e1-1/[3-4]@mgw", "RSIP restart");
  EXPECT_EQ(wire.take(), "CGU 3+1 hw 11");
  EXPECT_FALSE(circuit(3).blocking.any());
  EXPECT_TRUE(mg->parts().empty());
  EXPECT_FALSE(alarms.is_active("media-gateway.mgw.endpoints.ds/e1-1/[3-4]@mgw"));
  EXPECT_EQ(cm->active_calls(), 1u);
}

// A draining part lets its call finish; the whole gateway back in service brings the part back.
TEST_F(Service, PartDrainingLetsItsCallFinishAndTheWholeGatewayBringsItBack) {
  Leg leg{"leg@test"};
  answered_call(leg);
  mg->part_draining("ds/e1-1/2@mgw", {{"pstn", {2}}, {"not-served", {1}}}, "RSIP graceful");
  EXPECT_EQ(wire.take(), "CGB 2+1 mn 10");
  EXPECT_EQ(leg.take(), "");
  EXPECT_EQ(cm->active_calls(), 1u);
  // The gateway goes out of service whole: the others are blocked, CIC 2 is blocked once more
  // for hardware (its call released); back in service unblocks everything it and its part set.
  mg->out_of_service("RSIP forced *");
  EXPECT_EQ(wire.take(), "CGB 1+3 hw 1111");
  EXPECT_EQ(leg.take(), "BYE/41");
  cm->isup_received(kFarPc, group_answer(MessageType::Cgba, 1, 3, true));
  mg->in_service("RSIP restart *");
  EXPECT_EQ(wire.take(), "CGU 1+3 hw 1111, CGU 2+1 mn 10");
  EXPECT_TRUE(mg->parts().empty());
  for (uint16_t c = 1; c <= 4; ++c)
    EXPECT_FALSE(circuit(c).blocking.local_maintenance || circuit(c).blocking.local_hardware) << c;
  EXPECT_EQ(mg->counters().get(MgServiceCounter::part_back_in_service), 1u);
}

} // namespace
