// mgcd's SS7 side: what arrives over MTP3 is decoded and Q.764 §2.9.5 is applied before call
// control sees it (CFN, REL, parameters dropped at this end node); what call control sends goes
// out as MTP-TRANSFER with SI 5, the own point code and the SLS taken from the CIC.
#include "callcontrol/call_manager.h"
#include "core/hex.h"
#include "core/sim_scheduler.h"
#include "gateway/mgcd/ss7.h"
#include "isup/codec.h"

#include <gtest/gtest.h>

using namespace mgc;

namespace {

struct Leg : cc::SipLeg {
  void provisional(int, const cc::SipBody &) override {}
  void answer(const cc::SipBody &) override {}
  void reject(int, uint8_t, const cc::SipBody &) override {}
  void cancel(uint8_t) override {}
  void bye(uint8_t, const cc::SipBody &) override {}
  void info(const cc::SipBody &) override {}
  void answer_offer(const std::string &) override {}
  void refuse_offer(int) override {}
  std::string call_id() const override { return "x"; }
};

struct Sip : cc::SipSide {
  std::vector<cc::iw::SipCallInfo> invites;
  std::vector<cc::SipBody> bodies;
  Leg leg;
  cc::SipLeg *invite(const cc::SipPeer &, const cc::iw::SipCallInfo &i, const cc::SipBody &b) override {
    invites.push_back(i);
    bodies.push_back(b);
    return &leg;
  }
};

struct Media : cc::MediaGateway {
  void set_listener(Listener *) override {}
  void connect(std::string_view, uint16_t, std::string_view, cc::MediaMode, Connected d) override {
    d(Status::Ok(), 1, "v=0");
  }
  void modify(Handle, std::optional<cc::MediaMode>, std::string_view, Modified d) override {
    d(Status::Ok(), {});
  }
  void loopback(std::string_view, uint16_t, Connected d) override { d(Status::Ok(), 1, {}); }
  void release(Handle, Done d) override { d(Status::Ok()); }
};

struct Ss7Side : testing::Test {
  core::SimScheduler sched; // never advanced: no timer fires
  Sip sip;
  Media media;
  std::vector<sigtran::MtpTransfer> out;
  gw::Ss7 ss7{200, 2, isup::Variant::Itu};
  std::unique_ptr<cc::CallManager> cm;
  void SetUp() override {
    cc::CallManagerConfig cfg;
    cfg.own_point_code = 200;
    cm = std::make_unique<cc::CallManager>(cfg, sched, ss7, sip);
    cm->add_trunk_group("pstn", 100, cc::Hunting::Sequential, media).add_range(1, 31);
    cm->add_trunk_group("far", 300, cc::Hunting::Sequential, media).add_range(1, 31);
    cm->add_sip_peer({"phone", cc::SipProfile::Plain, false});
    cm->add_sip_peer({"sipt", cc::SipProfile::SipT, true});
    cm->routing().add({"2", 0, "", {{cc::RouteTarget::Kind::SipPeer, "phone"}}});
    cm->routing().add({"3", 0, "", {{cc::RouteTarget::Kind::TrunkGroup, "far"}}});
    cm->routing().add({"4", 0, "", {{cc::RouteTarget::Kind::SipPeer, "sipt"}}});
    ss7.attach([this](const sigtran::MtpTransfer &t) {
      out.push_back(t);
      return Status::Ok();
    }, *cm);
  }
  void rx(const std::string &hex) {
    sigtran::MtpTransfer t;
    t.opc = 100;
    t.dpc = 200;
    t.si = 5;
    t.data = *hex_decode(hex);
    ss7.mtp_transfer_ind(t);
  }
  isup::Message sent(std::size_t i) {
    isup::Message m;
    EXPECT_TRUE(isup::decode(out.at(i).data, isup::DecodeOptions{}, m).status.ok());
    return m;
  }
};

TEST_F(Ss7Side, IamBecomesACallAndTransfersCarryTheRoutingFields) {
  // IAM on CIC 0x13 (19) for 2345
  rx("1300" "010020010a00020604021032540a0683135515320400");
  ASSERT_EQ(sip.invites.size(), 1u);
  EXPECT_EQ(sip.invites[0].called, "2345");
  cm->sip_provisional(sip.leg, 180, {});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(sent(0).type, isup::MessageType::Acm);
  EXPECT_EQ(out[0].si, 5);
  EXPECT_EQ(out[0].opc, 200u);
  EXPECT_EQ(out[0].dpc, 100u);
  EXPECT_EQ(out[0].ni, 2);
  EXPECT_EQ(out[0].sls, 0x13 & 0x0f); // ITU: the 4 low bits of the CIC
}

TEST_F(Ss7Side, UnrecognisedMessageGetsConfusion) {
  rx("0500" "700100");
  ASSERT_EQ(out.size(), 1u);
  const isup::Message cfn = sent(0);
  EXPECT_EQ(cfn.type, isup::MessageType::Cfn);
  EXPECT_EQ(cfn.cic, 5);
  EXPECT_EQ(cfn.find<isup::CauseIndicators>()->cause_value, 97);
  EXPECT_EQ(hex_encode(cfn.find<isup::CauseIndicators>()->diagnostics.span()), "70");
  EXPECT_EQ(ss7.decode_counters().get(isup::DecodeReason::unrecognized_message), 1u);
}

TEST_F(Ss7Side, UnknownParameterIsDroppedAndReported) {
  // the IAM carries parameter 0xfe without compatibility information
  rx("1300" "010020010a00020604021032540a06831355153204" "fe01aa" "00");
  ASSERT_EQ(sip.invites.size(), 1u); // the call goes ahead
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(sent(0).type, isup::MessageType::Cfn);
  EXPECT_EQ(sent(0).find<isup::CauseIndicators>()->cause_value, 99);
}

// Q.764 §2.9.5.3.2: a transit exchange passes an unrecognised parameter on unchanged (no
// compatibility information: "transit interpretation"), and sends no CFN.
TEST_F(Ss7Side, TransitIamPassesAnUnknownParameterOn) {
  rx("1300" "010020010a0002060402103354" "0a06831355153204" "fe01aa" "00"); // for 3345
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].dpc, 300u);
  isup::Message iam;
  isup::DecodeOptions transit;
  transit.node = isup::Node::Transit;
  ASSERT_EQ(isup::decode(out[0].data, transit, iam).action, isup::Action::Process);
  EXPECT_EQ(iam.type, isup::MessageType::Iam);
  ASSERT_NE(iam.find_code(0xfe), nullptr);
  EXPECT_EQ(ss7.decode_counters().get(isup::DecodeReason::unrecognized_parameter), 1u);
}

// RFC 3372 §5: toward a SIP-T peer the IAM travels in the INVITE, so mgcd is not its end node:
// the unknown parameter stays in the body.
TEST_F(Ss7Side, SipTIamKeepsAnUnknownParameterInTheBody) {
  rx("1300" "010020010a0002060402103454" "0a06831355153204" "fe01aa" "00"); // for 4345
  ASSERT_EQ(sip.bodies.size(), 1u);
  ASSERT_TRUE(sip.bodies[0].has_isup);
  EXPECT_NE(hex_encode(sip.bodies[0].isup).find("fe01aa"), std::string::npos);
  EXPECT_TRUE(out.empty()); // no CFN
}

// Q.764 §2.9.5.3.1: an unrecognised message whose compatibility information asks an end node
// to discard it (0x88: discard, transit interpretation) goes on at a transit exchange.
TEST_F(Ss7Side, TransitPassesAnUnrecognisedMessageOn) {
  rx("1300" "010020010a0002060402103354" "0a0683135515320400");
  ASSERT_EQ(out.size(), 1u);
  rx("1300" "70" "01" "38" "01" "88" "00");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].dpc, 300u);
  EXPECT_EQ(hex_encode(std::span<const uint8_t>(out[1].data).subspan(2)), "7001380188" "00");
  // on a call an end node ends, the same message is discarded silently
  rx("1400" "010020010a00020604021032540a0683135515320400");
  const std::size_t before = out.size();
  rx("1400" "70" "01" "38" "01" "88" "00");
  EXPECT_EQ(out.size(), before);
}

TEST_F(Ss7Side, TruncatedIamIsReleasedWithCause96) {
  rx("1300" "010020");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(sent(0).type, isup::MessageType::Rel);
  EXPECT_EQ(sent(0).find<isup::CauseIndicators>()->cause_value, 96);
  EXPECT_TRUE(sip.invites.empty());
}

// Overlap (Q.764 §2.1.2): a SAM with ST completes the IAM's number; the call goes to SIP en bloc.
TEST_F(Ss7Side, SamOctetsCompleteAnOverlapIam) {
  ASSERT_TRUE(cm->set_overlap("pstn", 4));
  rx("1300" "010020010a00" "0205" "03021032" "0a0683135515320400"); // called 23, no ST
  EXPECT_TRUE(sip.invites.empty());
  rx("1300" "02" "0200" "03" "80540f"); // SAM 4 5 ST (odd: bit 8 of the first octet)
  ASSERT_EQ(sip.invites.size(), 1u);
  EXPECT_EQ(sip.invites[0].called, "2345");
}

// A SAM whose octets do not decode is answered in ISUP's own terms (Q.764 §2.9.5: CFN) and
// never reaches call control: the call keeps collecting digits under T35. (A SAM that decodes
// but carries no usable digits releases the call with cause 28: call_manager_test.)
TEST_F(Ss7Side, UndecodableSamIsAnsweredWithConfusion) {
  cm->set_overlap("pstn", 4);
  rx("1300" "010020010a00" "0205" "03021032" "0a0683135515320400");
  rx("1300" "02" "0200" "07" "0054"); // the subsequent number runs past the message
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(sent(0).type, isup::MessageType::Cfn);
  EXPECT_EQ(sent(0).cic, 0x13);
  EXPECT_TRUE(sip.invites.empty());
  EXPECT_EQ(cm->active_calls(), 1u);
  rx("1300" "02" "0200" "03" "80540f"); // a good one still completes the number
  ASSERT_EQ(sip.invites.size(), 1u);
  EXPECT_EQ(sip.invites[0].called, "2345");
}

TEST_F(Ss7Side, OtherServiceIndicatorsAreNotIsup) {
  sigtran::MtpTransfer t;
  t.si = 3; // SCCP
  t.data = {1, 2, 3};
  ss7.mtp_transfer_ind(t);
  EXPECT_TRUE(out.empty());
}

} // namespace
