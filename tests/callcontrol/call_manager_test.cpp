// Call control end to end with fakes for the three sides (ISUP on the wire, SIP legs, the media
// gateway) on simulated time: each test is a call flow of RFC 3398 / Q.764 checked message by
// message, and ends with every circuit idle and every call gone.
#include "call_fakes.h"
#include "callcontrol/call_manager.h"
#include "callcontrol/isup_messages.h"
#include "core/alarms.h"
#include "core/hex.h"
#include "core/sim_scheduler.h"
#include "isup/codec.h"

#include <gtest/gtest.h>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

using namespace mgc;
using namespace mgc::cc;
using isup::MessageType;

namespace {

using Sched = core::SimScheduler;

using namespace mgc::cc::testing_fakes;

constexpr uint32_t kOwnPc = 200, kFarPc = 100; // we control the even CICs

struct Calls : testing::Test {
  Sched sched;
  Wire wire;
  Sip sip;
  Media media;
  std::unique_ptr<CallManager> cm;
  SipPeer plain{"phone", SipProfile::Plain, false};
  SipPeer sipt{"sipt", SipProfile::SipT, true};
  CdrWriter *cdr = nullptr; // the CDR writer make() gives the call manager, if any

  void SetUp() override { make({1, 4}); }
  void make(std::pair<uint16_t, uint16_t> range, uint32_t own = kOwnPc) {
    CallManagerConfig cfg;
    cfg.own_point_code = own;
    cm = std::make_unique<CallManager>(cfg, sched, wire, sip, cdr);
    cm->add_trunk_group("pstn", kFarPc, Hunting::Sequential, media).add_range(range.first, range.second);
    cm->add_sip_peer(plain);
    cm->add_sip_peer(sipt);
    cm->routing().add({"1", 0, "", {{RouteTarget::Kind::TrunkGroup, "pstn"}}});
    cm->routing().add({"2", 0, "", {{RouteTarget::Kind::SipPeer, "phone"}}});
    cm->routing().add({"3", 0, "", {{RouteTarget::Kind::SipPeer, "sipt"}}});
  }
  isup::Message from_pstn(const std::string &hex_no_cic, uint16_t cic) {
    isup::Message m;
    auto r = isup::decode(*hex_decode(hex_no_cic), isup::DecodeOptions{.with_cic = false}, m);
    EXPECT_TRUE(r.status.ok()) << hex_no_cic;
    m.cic = cic;
    return m;
  }
  void rx(const std::string &hex_no_cic, uint16_t cic) { cm->isup_received(kFarPc, from_pstn(hex_no_cic, cic)); }
  void all_idle() {
    EXPECT_EQ(cm->active_calls(), 0u);
    EXPECT_EQ(cm->trunk_group("pstn")->counts().idle, cm->trunk_group("pstn")->counts().total);
    EXPECT_TRUE(media.open.empty());
  }
  iw::SipCallInfo call_to(const std::string &called) {
    iw::SipCallInfo i;
    i.called = called;
    i.from = "+4940555";
    return i;
  }
  // An IAM from the PSTN (calling 5551234) with the called number's address signals as given
  // ('F' = ST) and the continuity check indicator (Q.763 §3.35).
  isup::Message iam_to(const std::string &signals, uint16_t cic, uint8_t continuity = 0);
  void rx(const isup::Message &m) { cm->isup_received(kFarPc, m); }
  std::string media_log() {
    std::string s;
    for (auto &l : media.log)
      s += (s.empty() ? "" : ", ") + l;
    media.log.clear();
    return s;
  }
  uint16_t last_cic() const { return wire.sent.back().second.cic; }
};

const char *kAcm = "06161400";
// IAMs (no CIC): called 2345 (NAI unknown) / 3345 (national), calling 5551234
const char *kIam2345 = "010020010a00020604021032540a0683135515320400";
const char *kIam3345 = "010020010a00020604031033540a0683135515320400";
const char *kAnm = "0900";
const char *kRlc = "1000";
std::string rel(uint8_t cause) {
  const char hex[] = "0123456789abcdef";
  std::string c = {hex[(0x80 | cause) >> 4], hex[(0x80 | cause) & 0xf]};
  return "0c02000280" + c;
}

isup::Message Calls::iam_to(const std::string &signals, uint16_t cic, uint8_t continuity) {
  isup::Message m = from_pstn(kIam2345, cic);
  m.find<isup::CalledPartyNumber>()->address_signals.assign(signals);
  m.find<isup::NatureOfConnectionIndicators>()->continuity_check_indicator = continuity;
  return m;
}

isup::Message sam(const std::string &signals, uint16_t cic) {
  isup::Message m;
  m.type = MessageType::Sam;
  m.cic = cic;
  isup::SubsequentNumber n;
  n.address_signals.assign(signals);
  m.add(n, isup::Part::MandatoryVariable);
  return m;
}

isup::Message simple(MessageType t, uint16_t cic) {
  isup::Message m;
  m.type = t;
  m.cic = cic;
  return m;
}

std::string wire_hex(const isup::Message &m) {
  std::vector<uint8_t> out;
  EXPECT_TRUE(isup::encode(m, isup::EncodeOptions{.with_cic = false}, out).ok());
  return hex_encode(out);
}

TEST_F(Calls, SipToPstnAnsweredThenCallerHangsUp) {
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {"v=0 caller", false, {}});
  ASSERT_EQ(wire.sent.size(), 1u);
  const isup::Message iam = wire.sent[0].second;
  EXPECT_EQ(iam.type, MessageType::Iam);
  EXPECT_EQ(iam.cic, 2); // a circuit this exchange controls comes first (Q.764 §2.9.1.3)
  EXPECT_EQ(iam.find<isup::CalledPartyNumber>()->address_signals.str(), "12345");
  EXPECT_EQ(media.log.at(0), "connect 2 +sdp");
  wire.types();
  rx(kAcm, 2);
  EXPECT_EQ(a.take(), "180");
  rx(kAnm, 2);
  EXPECT_EQ(a.take(), "200");
  EXPECT_EQ(a.last_body.sdp, "v=0 gw 2");
  cm->sip_bye(a, std::nullopt);
  EXPECT_EQ(wire.types(), "REL");
  EXPECT_EQ(wire.sent.size(), 0u);
  rx(kRlc, 2);
  all_idle();
  EXPECT_EQ(cm->counters().get(CcCounter::answered), 1u);
}

// Each call's record feeds the ASR/NER/ACD counts and the delay histograms (call_statistics.h):
// an answered SIP -> PSTN call (seizure out on the trunk group, in from the peer, ACM before the
// answer), a busy one (effective, not answered), a PSTN -> SIP call the caller abandons.
TEST_F(Calls, EveryCallFeedsTheTrafficStatistics) {
  using Way = CallStatistics::Way;
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {"v=0 caller", false, {}});
  rx(kAcm, 2);
  rx(kAnm, 2);
  cm->sip_bye(a, std::nullopt);
  rx(kRlc, 2);
  Leg b("b");
  cm->sip_invite(b, plain, call_to("12345"), {});
  rx(rel(17), 2);
  rx(kIam2345, 3);
  cm->sip_provisional(*sip.legs[0], 180, {});
  rx(rel(16), 3);
  all_idle();
  const CallStatistics &s = cm->statistics();
  const TrafficCounts &out = s.trunk_groups().at({"pstn", Way::Out});
  EXPECT_EQ(out.seizures, 2u);
  EXPECT_EQ(out.answered, 1u);
  EXPECT_EQ(out.network_effective, 2u);
  const TrafficCounts &in = s.trunk_groups().at({"pstn", Way::In});
  EXPECT_EQ(in.seizures, 1u);
  EXPECT_EQ(in.network_effective, 0u); // abandoned by the caller
  EXPECT_EQ(s.sip_peers().at({"phone", Way::In}).seizures, 2u);
  EXPECT_EQ(s.sip_peers().at({"phone", Way::Out}).seizures, 1u);
  EXPECT_EQ(s.setup_delay(0).count(), 1u);
  EXPECT_EQ(s.post_dial_delay(0).count(), 1u); // the busy call had no backward message
  EXPECT_EQ(s.post_dial_delay(1).count(), 1u); // 180
  EXPECT_EQ(s.setup_delay(1).count(), 0u);
}

// RFC 3264 §8 / §8.4: a SIP peer puts the call on hold and takes it back with re-INVITEs (or
// UPDATEs): each offer goes to the media gateway with its mode and description, and is answered
// once the gateway took it; the PSTN hears nothing of it.
TEST_F(Calls, SipHoldAndResumeModifyTheMediaOnly) {
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {"v=0 caller", false, {}});
  rx(kAcm, 2);
  rx(kAnm, 2);
  wire.types();
  a.take();
  media_log();
  cm->sip_offer(a, "v=0 held", MediaMode::RecvOnly); // the peer sent a=sendonly
  EXPECT_EQ(media_log(), "modify 2");
  EXPECT_EQ(media.last_mode, MediaMode::RecvOnly);
  EXPECT_EQ(media.last_remote, "v=0 held");
  EXPECT_EQ(a.take(), "offer-answer/"); // the gateway gave no new description
  media.modify_sdp = "v=0 gw 2 again";
  cm->sip_offer(a, "v=0 back", MediaMode::SendRecv);
  EXPECT_EQ(media.last_mode, MediaMode::SendRecv);
  EXPECT_EQ(a.take(), "offer-answer/v=0 gw 2 again");
  EXPECT_EQ(wire.types(), ""); // nothing toward the PSTN (session_modify.cpp)
  EXPECT_EQ(cm->counters().get(CcCounter::session_offers), 2u);
  EXPECT_EQ(cm->counters().get(CcCounter::session_holds), 1u);
  // a re-INVITE without an offer is answered with ours at once, and the ACK's answer applied
  EXPECT_EQ(media_log(), "modify 2");
  cm->sip_offer(a, "", MediaMode::SendRecv);
  EXPECT_EQ(a.take(), "offer-answer/");
  EXPECT_EQ(media_log(), ""); // nothing changes before the answer
  cm->sip_answer(a, "v=0 answer", MediaMode::SendOnly);
  EXPECT_EQ(media_log(), "modify 2");
  EXPECT_EQ(media.last_mode, MediaMode::SendOnly);
  EXPECT_EQ(cm->counters().get(CcCounter::session_answers), 1u);
  cm->sip_bye(a, std::nullopt);
  rx(kRlc, 2);
  all_idle();
}

// RFC 3261 §14.2: an offer the media gateway refuses is answered 488 and changes nothing; one
// for a leg no call knows gets 481; one while the media connection is still being made, 500.
TEST_F(Calls, SipOfferRefused) {
  Leg a("a"), stranger("nobody");
  cm->sip_offer(stranger, "v=0 x", MediaMode::SendRecv);
  EXPECT_EQ(stranger.take(), "offer-refused/481");
  media.async = true; // the connect's answer is still to come
  cm->sip_invite(a, plain, call_to("12345"), {"v=0 caller", false, {}});
  cm->sip_offer(a, "v=0 early", MediaMode::SendRecv);
  EXPECT_EQ(a.take(), "offer-refused/500");
  media.flush();
  media.async = false;
  rx(kAcm, 2);
  rx(kAnm, 2);
  a.take();
  wire.types();
  media.modify_fail = true;
  cm->sip_offer(a, "v=0 g729 only", MediaMode::SendRecv);
  EXPECT_EQ(a.take(), "offer-refused/488");
  // a gateway without the inactive mode (osmo-mgw: 517) is asked for recvonly instead, and the
  // offer answered; only a second refusal makes it a 488
  media.fail_inactive_only = true;
  media_log();
  cm->sip_offer(a, "v=0 inactive", MediaMode::Inactive);
  EXPECT_EQ(media_log(), "modify 2, modify 2");
  EXPECT_EQ(media.last_mode, MediaMode::RecvOnly);
  EXPECT_EQ(a.take(), "offer-answer/");
  media.fail_inactive_only = false;
  EXPECT_EQ(cm->counters().get(CcCounter::session_offers_refused), 2u);
  EXPECT_EQ(wire.types(), "");
  cm->sip_bye(a, std::nullopt);
  rx(kRlc, 2);
  all_idle();
}

// RFC 3372 §4.4 / Q.764 §2.9.5.3.3: an optional parameter with bad contents in a trusted SIP-T
// IAM does not reach the PSTN as it came (it went on before, decoded as at a transit exchange);
// an unrecognised one whose compatibility information says to discard it neither.
TEST_F(Calls, SipTIamWithABadOptionalParameterIsNotPassedOnAsItCame) {
  // hop counter (0x3d) of two octets where Q.763 §3.80 has one
  const std::string enc = "010120010a000207058210214305" "3d021400" "00";
  Leg a("a");
  iw::SipCallInfo info = call_to("12345");
  cm->sip_invite(a, sipt, info, {"v=0", true, *hex_decode(enc)});
  ASSERT_EQ(wire.sent.size(), 1u);
  const std::string out = wire_hex(wire.sent[0].second);
  EXPECT_EQ(out.find("3d021400"), std::string::npos) << out;
  // an unknown parameter 0xf5 whose compatibility information (Q.763 §3.41: 39 02 f5 91, end
  // node interpretation, discard parameter) says so is removed; 0xf4 without instructions travels
  // (RFC 3372 transparency)
  const std::string enc2 = "010120010a000207058210214305" "f501aa" "f403aabbcc" "3902f591" "00";
  Leg b("b");
  cm->sip_invite(b, sipt, call_to("12346"), {"v=0", true, *hex_decode(enc2)});
  ASSERT_EQ(wire.sent.size(), 2u);
  const std::string out2 = wire_hex(wire.sent[1].second);
  EXPECT_EQ(out2.find("f501aa"), std::string::npos) << out2;
  EXPECT_NE(out2.find("f403aabbcc"), std::string::npos) << out2;
  // with transit interpretation (39 02 f5 90) it travels: the gateway passes the body on toward
  // the exchange that is its end node (Q.764 §2.9.5.3.2; issue 16)
  const std::string enc3 = "010120010a000207058210214305" "f501aa" "3902f590" "00";
  Leg c("c");
  cm->sip_invite(c, sipt, call_to("12347"), {"v=0", true, *hex_decode(enc3)});
  ASSERT_EQ(wire.sent.size(), 3u);
  const std::string out3 = wire_hex(wire.sent[2].second);
  EXPECT_NE(out3.find("f501aa" "3902f590"), std::string::npos) << out3;
}

TEST_F(Calls, ConcurrentCallsEachGetTheirOwnSipEvents) {
  // SIP events find their call through an index of the legs, not a scan: with several calls up,
  // each BYE ends its own call only, and a leg no call knows changes nothing.
  Leg a("a"), b("b"), c("c"), stranger("b"); // same Call-ID as b, but not b's leg
  cm->sip_invite(a, plain, call_to("12345"), {"v=0 a", false, {}});
  cm->sip_invite(b, plain, call_to("12346"), {"v=0 b", false, {}});
  cm->sip_invite(c, plain, call_to("12347"), {"v=0 c", false, {}});
  ASSERT_EQ(wire.sent.size(), 3u);
  const uint16_t ca = wire.sent[0].second.cic, cb = wire.sent[1].second.cic,
                 cc = wire.sent[2].second.cic;
  wire.types();
  for (uint16_t cic : {ca, cb, cc}) {
    rx(kAcm, cic);
    rx(kAnm, cic);
  }
  EXPECT_EQ(a.take(), "180 200");
  EXPECT_EQ(b.take(), "180 200");
  EXPECT_EQ(c.take(), "180 200");
  cm->sip_bye(stranger, std::nullopt);
  EXPECT_EQ(wire.sent.size(), 0u);
  cm->sip_bye(b, std::nullopt);
  ASSERT_EQ(wire.sent.size(), 1u);
  EXPECT_EQ(wire.sent[0].second.type, MessageType::Rel);
  EXPECT_EQ(wire.sent[0].second.cic, cb);
  wire.types();
  rx(kRlc, cb);
  EXPECT_EQ(cm->active_calls(), 2u);
  rx(rel(16), ca); // the far end hangs up a: BYE on a's leg only
  EXPECT_EQ(a.take(), "BYE/16");
  EXPECT_EQ(c.take(), "");
  cm->sip_bye(c, std::nullopt);
  rx(kRlc, cc);
  all_idle();
}

TEST_F(Calls, SipToPstnBusy) {
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {});
  wire.types();
  rx(rel(17), 2);
  EXPECT_EQ(a.take(), "486/17"); // RFC 3398 §7.2.4.1
  EXPECT_EQ(wire.types(), "RLC");
  all_idle();
}

TEST_F(Calls, SipToPstnNoAnswerT9) {
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {});
  rx(kAcm, 2);
  wire.types();
  sched.advance(90'000);
  EXPECT_EQ(a.take(), "180 480/19");
  EXPECT_EQ(wire.types(), "REL");
  rx(kRlc, 2);
  all_idle();
}

TEST_F(Calls, SipToPstnFarEndSilentT7) {
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {});
  wire.types();
  sched.advance(25'000);
  EXPECT_EQ(a.take(), "504/102");
  EXPECT_EQ(wire.types(), "REL");
  rx(kRlc, 2);
  all_idle();
}

TEST_F(Calls, CallerCancels) {
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {});
  rx(kAcm, 2);
  wire.types();
  cm->sip_cancelled(a);
  EXPECT_EQ(wire.types(), "REL");
  rx(kRlc, 2);
  all_idle();
}

TEST_F(Calls, NoRouteAndNoCircuit) {
  Leg a("a"), b("b");
  cm->sip_invite(a, plain, call_to("99"), {});
  EXPECT_EQ(a.take(), "404/3");
  make({2, 2});
  Leg c("c");
  cm->sip_invite(b, plain, call_to("12345"), {});
  cm->sip_invite(c, plain, call_to("12346"), {});
  EXPECT_EQ(c.take(), "503/34");
  EXPECT_EQ(cm->active_calls(), 1u);
}

TEST_F(Calls, MediaGatewayRefusesTheConnection) {
  media.fail = true;
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {});
  EXPECT_EQ(a.take(), "503/47");
  EXPECT_TRUE(wire.sent.empty()); // no IAM without media
  all_idle();
}

TEST_F(Calls, PstnToSipAnsweredThenPstnHangsUp) {
  // IAM on CIC 3: called 2345 (unknown NAI), calling 5551234
  rx(kIam2345, 3);
  ASSERT_EQ(sip.invites.size(), 1u);
  EXPECT_EQ(sip.invites[0].called, "2345");
  EXPECT_EQ(sip.bodies[0].sdp, "v=0 gw 3");
  EXPECT_FALSE(sip.bodies[0].has_isup); // plain SIP peer
  Leg &b = *sip.legs[0];
  cm->sip_provisional(b, 180, {});
  EXPECT_EQ(wire.types(), "ACM");
  cm->sip_answered(b, {"v=0 callee", false, {}});
  EXPECT_EQ(wire.types(), "ANM");
  rx(rel(16), 3);
  EXPECT_EQ(b.take(), "BYE/16");
  EXPECT_EQ(wire.types(), "RLC");
  all_idle();
}

TEST_F(Calls, PstnToSipBusyCalleeAndCallerAbandons) {
  rx(kIam2345, 3);
  cm->sip_failed(*sip.legs[0], 486, std::nullopt);
  ASSERT_EQ(wire.sent.size(), 1u);
  EXPECT_EQ(wire.sent[0].second.find<isup::CauseIndicators>()->cause_value, 17);
  wire.types();
  rx(kRlc, 3);
  all_idle();

  rx(kIam2345, 4);
  ASSERT_EQ(sip.legs.size(), 2u);
  Leg &b = *sip.legs[1];
  cm->sip_provisional(b, 180, {});
  rx(rel(16), 4);
  EXPECT_EQ(b.take(), "CANCEL/16");
  all_idle();
}

// RFC 3261 §9.1: 100 Trying is a provisional response. A callee that sends only 100 (found
// against libss7: its T7 released such a call) is cancelled at once when the PSTN releases.
TEST_F(Calls, PstnToSipReleasedAfterOnly100TryingCancelsAtOnce) {
  rx(kIam2345, 3);
  ASSERT_EQ(sip.legs.size(), 1u);
  Leg &b = *sip.legs[0];
  cm->sip_provisional(b, 100, {});
  EXPECT_EQ(cm->calls()[0].sip_state, "proceeding");
  EXPECT_EQ(wire.types(), ""); // nothing for the ISUP side
  rx(rel(31), 3);
  EXPECT_EQ(b.take(), "CANCEL/31");
  EXPECT_EQ(wire.types(), "RLC");
  cm->sip_failed(b, 487, std::nullopt);
  all_idle();
}

// The outgoing SIP half-call decides the SIP side (RFC 3261 §9.1, §15): a release before any
// provisional response holds the CANCEL until one arrives, and a 2xx that crosses it gets a BYE,
// while the call waits for the PSTN side's RLC.
TEST_F(Calls, PstnToSipReleasedBeforeAnyProvisionalCancelsOnceOneArrives) {
  rx(kIam2345, 3);
  ASSERT_EQ(sip.legs.size(), 1u);
  Leg &b = *sip.legs[0];
  ASSERT_EQ(cm->calls().size(), 1u);
  EXPECT_EQ(cm->calls()[0].sip_state, "calling");
  EXPECT_TRUE(cm->release_call(cm->calls()[0].ref, 31));
  EXPECT_EQ(wire.types(), "REL");
  EXPECT_EQ(b.take(), ""); // §9.1: no CANCEL before a provisional response
  EXPECT_EQ(cm->calls()[0].sip_state, "cancel-pending");
  cm->sip_provisional(b, 180, {});
  EXPECT_EQ(b.take(), "CANCEL/31");
  EXPECT_EQ(wire.types(), ""); // the PSTN side is released: no ACM
  cm->sip_answered(b, {"v=0 late", false, {}});
  EXPECT_EQ(b.take(), "BYE/31"); // §15: the session nobody wants is ended
  EXPECT_EQ(wire.types(), "");
  EXPECT_EQ(cm->calls()[0].sip_state, "terminated");
  rx(kRlc, 3);
  all_idle();
  EXPECT_EQ(cm->counters().get(CcCounter::unexpected_sip_events), 0u);
  EXPECT_EQ(cm->counters().get(CcCounter::answered), 0u);
}

// Events a SIP half-call has no row for change nothing and are counted with their names.
TEST_F(Calls, SipEventsWithoutARowAreCountedAndIgnored) {
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {});
  EXPECT_EQ(wire.types(), "IAM");
  cm->sip_provisional(a, 180, {}); // a response on the leg where this gateway is the UAS
  EXPECT_EQ(cm->counters().get(CcCounter::unexpected_sip_events), 1u);
  EXPECT_EQ(cm->last_unexpected_sip(), "sip-incoming proceeding 1xx");
  EXPECT_EQ(wire.types(), "");
  rx(kAnm, 2);
  EXPECT_EQ(a.take(), "200");
  cm->sip_cancelled(a); // RFC 3261 §9.2: after the final response it has no effect
  EXPECT_EQ(wire.types(), "");
  EXPECT_EQ(cm->counters().get(CcCounter::unexpected_sip_events), 1u);

  rx(kIam2345, 3);
  Leg &b = *sip.legs[0];
  cm->sip_provisional(b, 180, {});
  EXPECT_EQ(wire.types(), "ACM");
  cm->sip_bye(b, 16); // §15: the callee may not send BYE on an early dialog
  EXPECT_EQ(wire.types(), "");
  EXPECT_EQ(cm->last_unexpected_sip(), "sip-outgoing early BYE");
  EXPECT_EQ(cm->counters().get(CcCounter::unexpected_sip_events), 2u);
  rx(rel(16), 3);
  EXPECT_EQ(b.take(), "CANCEL/16");
  EXPECT_EQ(wire.types(), "RLC");
  cm->sip_bye(a, std::nullopt);
  EXPECT_EQ(wire.types(), "REL");
  rx(kRlc, 2);
  all_idle();
}

TEST_F(Calls, PstnToSipPeerUnavailableOrNoRoute) {
  sip.refuse = true;
  rx(kIam2345, 3);
  ASSERT_FALSE(wire.sent.empty());
  EXPECT_EQ(wire.sent.back().second.find<isup::CauseIndicators>()->cause_value, 27);
  rx(kRlc, 3);
  wire.types();
  rx("010020010a00020604021039540a0683135515320400", 3); // 9... has no route
  EXPECT_EQ(wire.sent.back().second.find<isup::CauseIndicators>()->cause_value, 3);
  rx(kRlc, 3);
  all_idle();
}

TEST_F(Calls, SipTTransparencyFromATrustedPeer) {
  // The encapsulated IAM (with a national parameter 0xf4 and a hop counter 20) goes out with
  // every octet but the CIC and the decremented hop counter unchanged.
  const std::string enc = "010120010a000207058210214305" "f403aabbcc" "3d0114" "00";
  Leg a("a");
  iw::SipCallInfo info = call_to("12345");
  info.from.reset(); // as the INVITE built from that IAM says: it had no calling number
  info.max_forwards = 70;
  SipBody body{"v=0", true, *hex_decode(enc)};
  cm->sip_invite(a, sipt, info, body);
  ASSERT_EQ(wire.sent.size(), 1u);
  std::vector<uint8_t> out;
  ASSERT_TRUE(isup::encode(wire.sent[0].second, isup::EncodeOptions{.with_cic = false}, out).ok());
  EXPECT_EQ(hex_encode(out), "010120010a000207058210214305" "f403aabbcc" "3d0113" "00");
  // and the ACM goes back to the SIP-T peer inside the 180
  wire.types();
  rx(kAcm, 2);
  EXPECT_TRUE(a.last_body.has_isup);
  EXPECT_EQ(hex_encode(a.last_body.isup), kAcm);
}

// A SIP-T peer's body is read in the peer's ISUP variant: an ANSI IAM (T1.113: user service
// information where Q.763 has the transmission medium requirement) read as ITU is unusable, and
// the encapsulated parameters would be lost.
TEST_F(Calls, SipTBodyIsReadInThePeersVariant) {
  iw::SipCallInfo from_ansi;
  from_ansi.called = "12345";
  from_ansi.from = "4441000";
  from_ansi.max_forwards = 70;
  iw::InterworkingProfile ansi_profile;
  ansi_profile.variant = isup::Variant::Ansi;
  isup::Message enc;
  ASSERT_TRUE(iw::iam_from_invite(from_ansi, nullptr, ansi_profile, enc).ok());
  std::vector<uint8_t> body;
  ASSERT_TRUE(isup::encode(enc, {.variant = isup::Variant::Ansi, .with_cic = false}, body).ok());
  const SipPeer ansi{"ansi", SipProfile::SipT, true, isup::Variant::Ansi};
  Leg a("a");
  cm->sip_invite(a, ansi, call_to("12345"), {"v=0", true, body});
  ASSERT_EQ(wire.sent.size(), 1u);
  const isup::Message &iam = wire.sent[0].second;
  EXPECT_NE(iam.find<isup::UserServiceInformation>(), nullptr); // the encapsulated IAM's
  EXPECT_EQ(iam.find<isup::TransmissionMediumRequirement>(), nullptr);
}

TEST_F(Calls, IsupFromAnUntrustedPeerNeverReachesThePstn) {
  SipPeer shady{"shady", SipProfile::SipT, false};
  const std::string enc = "010120010a000207058210214305" "f403aabbcc" "00";
  Leg a("a");
  cm->sip_invite(a, shady, call_to("12345"), {"v=0", true, *hex_decode(enc)});
  ASSERT_EQ(wire.sent.size(), 1u);
  EXPECT_FALSE(wire.sent[0].second.find_code(0xf4));
  EXPECT_EQ(cm->counters().get(CcCounter::untrusted_isup_ignored), 1u);
}

TEST_F(Calls, PstnToSipTPeerGetsTheIam) {
  rx(kIam3345, 3);
  ASSERT_EQ(sip.bodies.size(), 1u); // 3... routes to the SIP-T peer
  EXPECT_TRUE(sip.bodies[0].has_isup);
  EXPECT_EQ(hex_encode(sip.bodies[0].isup), kIam3345);
  // its ACM and ANM come back inside the 180 and the 200 and are relayed as they are
  cm->sip_provisional(*sip.legs[0], 180, {"", true, *hex_decode(kAcm)});
  EXPECT_EQ(wire.types(), "ACM");
  cm->sip_answered(*sip.legs[0], {"v=0", true, *hex_decode("09010b0403142143" "00")});
  ASSERT_FALSE(wire.sent.empty());
  EXPECT_EQ(wire.sent.back().second.type, MessageType::Anm);
  EXPECT_TRUE(wire.sent.back().second.find<isup::RedirectingNumber>());
}

TEST_F(Calls, DualSeizureOnACircuitTheFarEndControls) {
  make({2, 2}, /*own=*/50); // lower point code: the far end controls even CICs
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {});
  ASSERT_EQ(wire.types(), "IAM");
  rx(kIam2345, 2); // their IAM on CIC 2
  EXPECT_EQ(a.take(), "503/34"); // re-attempted, but the group has no other circuit
  EXPECT_EQ(cm->counters().get(CcCounter::dual_seizures), 1u);
  EXPECT_EQ(sip.invites.size(), 1u); // the far end's call proceeds
}

// Q.764 §2.9.5 asks to release the call of a message whose mandatory part is unusable; on a CIC
// of no trunk group there is none, and §2.12 answers UCIC.
TEST_F(Calls, UnusableMessageOnAnUnknownCircuitGetsUcic) {
  cm->release_circuit(kFarPc, 40, 96);
  EXPECT_EQ(wire.types(), "UCIC");
  EXPECT_EQ(cm->counters().get(CcCounter::unknown_circuit), 1u);
  cm->release_circuit(kFarPc, 1, 96); // an idle circuit of ours: REL, and the far end's RLC ends it
  EXPECT_EQ(wire.types(), "REL");
  rx(kRlc, 1);
  all_idle();
}

TEST_F(Calls, UnknownCircuitAndIdleCircuitMessages) {
  rx(kAcm, 40);
  EXPECT_EQ(wire.types(), "UCIC");
  rx(rel(16), 1);
  EXPECT_EQ(wire.types(), "RLC");
  rx(kAnm, 1);
  EXPECT_EQ(wire.types(), "RSC"); // unexpected on an idle circuit: reset it
  rx(kRlc, 1);
  all_idle();
}

TEST_F(Calls, MediaGatewayLosesTheConnectionMidCall) {
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {});
  rx(kAcm, 2);
  rx(kAnm, 2);
  a.take();
  wire.types();
  media.l->on_media_lost(media.open.begin()->first);
  media.open.clear();
  EXPECT_EQ(a.take(), "BYE/41");
  EXPECT_EQ(wire.types(), "REL");
  rx(kRlc, 2);
  all_idle();
}

TEST_F(Calls, GroupResetFromTheFarEndEndsCalls) {
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {});
  rx(kAcm, 2);
  a.take();
  wire.types();
  rx("170101" "03", 1); // GRS CIC 1..4
  EXPECT_EQ(a.take(), "503/41"); // RFC 3398 §7.2.4.1: 41 temporary failure
  EXPECT_EQ(wire.types(), "GRA");
  all_idle();
}

// ---- overlap, PSTN -> SIP: en bloc conversion (RFC 3578 §2) ----------------------------------

TEST_F(Calls, OverlapFromThePstnIsCollectedIntoOneInvite) {
  ASSERT_TRUE(cm->set_overlap("pstn", 4));
  rx(iam_to("23", 3));
  EXPECT_TRUE(sip.invites.empty()); // below the minimum: T35 runs
  rx(sam("4", 3));
  EXPECT_TRUE(sip.invites.empty());
  rx(sam("5", 3)); // minimum reached, maybe not all: T10 (RFC 3578 §2.2)
  EXPECT_TRUE(sip.invites.empty());
  ASSERT_EQ(cm->calls().size(), 1u);
  EXPECT_EQ(cm->calls()[0].called, "2345"); // the digits so far, for show calls and the CDR
  EXPECT_STREQ(cm->calls()[0].isup_state.c_str(), "wait-for-end-of-address");
  sched.advance(4'999);
  rx(sam("6", 3)); // T10 is restarted by each SAM
  sched.advance(4'999);
  EXPECT_TRUE(sip.invites.empty());
  sched.advance(1);
  ASSERT_EQ(sip.invites.size(), 1u);
  EXPECT_EQ(sip.invites[0].called, "23456");
  rx(sam("7", 3)); // after the INVITE: disregarded
  EXPECT_EQ(sip.invites.size(), 1u);
  EXPECT_EQ(cm->counters().get(CcCounter::sams_disregarded), 1u);
  EXPECT_TRUE(wire.sent.empty());
  Leg &b = *sip.legs[0];
  cm->sip_answered(b, {"v=0 callee", false, {}});
  EXPECT_EQ(wire.types(), "CON");
  rx(rel(16), 3);
  EXPECT_EQ(wire.types(), "RLC");
  all_idle();
}

TEST_F(Calls, OverlapStDigitOrNumberAnalysisEndsTheWait) {
  cm->set_overlap("pstn", 3);
  rx(iam_to("2", 3));
  rx(sam("34F", 3)); // ST: complete at once
  ASSERT_EQ(sip.invites.size(), 1u);
  EXPECT_EQ(sip.invites[0].called, "234");
  // the SIP-T peer gets the IAM with every digit, as an en-bloc IAM
  cm->routing().add({"5", 0, "", {{RouteTarget::Kind::SipPeer, "sipt"}}, 5});
  rx(iam_to("55", 4));
  rx(sam("5", 4));
  EXPECT_EQ(sip.invites.size(), 1u); // 3 digits: sufficient, not complete
  rx(sam("55", 4));                  // the route's numbers have 5 digits: complete
  ASSERT_EQ(sip.invites.size(), 2u);
  EXPECT_EQ(sip.invites[1].called, "55555");
  isup::Message enc;
  ASSERT_TRUE(isup::decode(sip.bodies[1].isup, isup::DecodeOptions{.with_cic = false}, enc).status.ok());
  EXPECT_EQ(enc.find<isup::CalledPartyNumber>()->address_signals.str(), "55555");
  EXPECT_EQ(sched.pending(), 0u); // no T10 or T35 left running
}

TEST_F(Calls, OverlapT35ExpiryReleasesWithCause28) {
  cm->set_overlap("pstn", 4);
  rx(iam_to("2", 3));
  sched.advance(14'999);
  EXPECT_TRUE(wire.sent.empty());
  sched.advance(1);
  ASSERT_EQ(wire.sent.size(), 1u);
  EXPECT_EQ(wire.sent[0].second.find<isup::CauseIndicators>()->cause_value, 28);
  wire.types();
  rx(kRlc, 3);
  EXPECT_TRUE(sip.invites.empty());
  all_idle();
}

TEST_F(Calls, MalformedSamReleasesACallStillCollecting) {
  cm->set_overlap("pstn", 4);
  rx(iam_to("23", 3));
  rx(sam("4A", 3)); // 1010 is a spare address signal (Q.763 §3.9)
  ASSERT_EQ(wire.sent.size(), 1u);
  EXPECT_EQ(wire.sent[0].second.type, MessageType::Rel);
  EXPECT_EQ(wire.sent[0].second.find<isup::CauseIndicators>()->cause_value, 28);
  wire.types();
  rx(kRlc, 3);
  rx(iam_to("23", 4));
  rx(simple(MessageType::Sam, 4)); // no subsequent number at all
  EXPECT_EQ(wire.types(), "REL");
  rx(kRlc, 4);
  EXPECT_TRUE(sip.invites.empty());
  EXPECT_EQ(cm->counters().get(CcCounter::unexpected_isup), 2u);
  all_idle();
}

TEST_F(Calls, EnBlocTrunkGroupsRouteTheIamAsItIs) {
  rx(iam_to("2", 3)); // no overlap configured: an IAM is complete
  ASSERT_EQ(sip.invites.size(), 1u);
  EXPECT_EQ(sip.invites[0].called, "2");
}

// ---- overlap, SIP -> PSTN (RFC 3578 §3.5) --------------------------------------------------

TEST_F(Calls, SamEncodingFollowsQ763) {
  // Q.763 Table 35: subsequent number (mandatory variable), optional part pointer 0
  EXPECT_EQ(wire_hex(msgs::sam(9, "45", false)), "020200020054");
  EXPECT_EQ(wire_hex(msgs::sam(9, "456", true)), "020200030054f6"); // 4,5,6,ST: even
  EXPECT_EQ(wire_hex(msgs::sam(9, "4", false)), "02020002800" "4"); // odd: bit 8 of octet 1
}

TEST_F(Calls, LaterInviteWithMoreDigitsBecomesASam) {
  cm->set_overlap("pstn", 3);
  Leg a("call-1"), a2("call-1");
  iw::SipCallInfo first = call_to("123");
  first.from_tag = "t1";
  cm->sip_invite(a, plain, first, {"v=0 caller", false, {}});
  ASSERT_EQ(wire.sent.size(), 1u);
  EXPECT_EQ(wire.sent[0].second.find<isup::CalledPartyNumber>()->address_signals.str(), "123");
  wire.sent.clear();
  iw::SipCallInfo second = call_to("12345");
  second.from_tag = "t1";
  cm->sip_invite(a2, plain, second, {"v=0 caller", false, {}});
  EXPECT_EQ(a.take(), "484/28"); // the earlier INVITE is answered 484
  ASSERT_EQ(wire.sent.size(), 1u);
  const isup::Message &s2 = wire.sent[0].second;
  EXPECT_EQ(s2.type, MessageType::Sam);
  EXPECT_EQ(s2.cic, 2);
  EXPECT_EQ(wire_hex(s2), "020200020054");
  EXPECT_EQ(cm->active_calls(), 1u);
  wire.sent.clear();
  sched.advance(24'000); // T7 was restarted by the SAM (Q.764 §2.1.3)
  EXPECT_TRUE(wire.sent.empty());
  rx(kAcm, 2);
  EXPECT_EQ(a2.take(), "180");
  rx(kAnm, 2);
  EXPECT_EQ(a2.take(), "200");
  cm->sip_bye(a2, std::nullopt);
  EXPECT_EQ(wire.types(), "REL");
  rx(kRlc, 2);
  all_idle();
}

TEST_F(Calls, LaterInviteTowardAnEnBlocExchangeReleasesAndRepeatsTheIam) {
  Leg a("call-1"), a2("call-1"), other("call-2");
  iw::SipCallInfo first = call_to("123");
  first.from_tag = "t1";
  cm->sip_invite(a, plain, first, {});
  EXPECT_EQ(wire.types(), "IAM");
  // another Call-ID is another call, whatever its number
  iw::SipCallInfo unrelated = call_to("12345");
  unrelated.from_tag = "t1";
  cm->sip_invite(other, plain, unrelated, {});
  EXPECT_EQ(wire.types(), "IAM");
  EXPECT_EQ(a.take(), "");
  iw::SipCallInfo second = call_to("12345");
  second.from_tag = "t1";
  cm->sip_invite(a2, plain, second, {});
  EXPECT_EQ(a.take(), "484/28");
  ASSERT_EQ(wire.sent.size(), 2u);
  EXPECT_EQ(wire.sent[0].second.type, MessageType::Rel);
  EXPECT_EQ(wire.sent[0].second.cic, 2);
  EXPECT_EQ(wire.sent[0].second.find<isup::CauseIndicators>()->cause_value, 28);
  EXPECT_EQ(wire.sent[1].second.type, MessageType::Iam);
  EXPECT_EQ(wire.sent[1].second.find<isup::CalledPartyNumber>()->address_signals.str(), "12345");
  const uint16_t new_cic = wire.sent[1].second.cic;
  wire.types();
  rx(kRlc, 2);
  cm->sip_cancelled(a2);
  cm->sip_cancelled(other);
  wire.types();
  EXPECT_NE(new_cic, 2); // the first circuit is still awaiting its RLC
  rx(kRlc, new_cic);
  rx(kRlc, 4); // the unrelated call's circuit
  EXPECT_EQ(cm->active_calls(), 0u);
}

TEST_F(Calls, PstnReportsTheNumberIncomplete) {
  Leg a("a");
  cm->sip_invite(a, plain, call_to("123"), {});
  wire.types();
  rx(rel(28), 2);
  EXPECT_EQ(a.take(), "484/28"); // RFC 3398 §8.2.6.1
  all_idle();
}

// ---- SUS/RES (Q.764 §2.5, RFC 3398 §9.1) ---------------------------------------------------

TEST_F(Calls, SuspendFromThePstnReachesSipTPeersInInfo) {
  rx(kIam3345, 3); // to the SIP-T peer
  Leg &b = *sip.legs[0];
  cm->sip_answered(b, {"v=0", false, {}});
  wire.types();
  b.take();
  rx("0d0100", 3); // SUS, network initiated
  EXPECT_EQ(b.take(), "INFO");
  EXPECT_EQ(hex_encode(b.last_body.isup), "0d0100");
  rx("0e0100", 3); // RES
  EXPECT_EQ(b.take(), "INFO");
  EXPECT_EQ(hex_encode(b.last_body.isup), "0e0100");
  EXPECT_EQ(cm->counters().get(CcCounter::suspends), 1u);
  // T6: no RES in time releases both sides with cause 102
  rx("0d0100", 3);
  b.take();
  sched.advance(30'000);
  EXPECT_EQ(b.take(), "BYE/102");
  EXPECT_EQ(wire.types(), "REL");
  rx(kRlc, 3);
  all_idle();
}

TEST_F(Calls, SuspendTowardAPlainSipPeerIsNotSignalled) {
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {});
  rx(kAcm, 2);
  rx(kAnm, 2);
  a.take();
  wire.types();
  rx("0d0100", 2);
  EXPECT_EQ(a.take(), "");
  rx("0e0100", 2);
  EXPECT_EQ(a.take(), "");
  rx("2c0100", 2); // CPG after answer: no SIP mapping, nothing for a plain peer
  EXPECT_EQ(a.take(), "");
  EXPECT_TRUE(wire.sent.empty());
  cm->sip_bye(a, std::nullopt);
  rx(kRlc, 2);
  all_idle();
}

TEST_F(Calls, SipTInfoCarriesSuspendResumeAndMidCallIsupToThePstn) {
  Leg a("a");
  cm->sip_invite(a, sipt, call_to("12345"), {});
  rx(kAcm, 2);
  rx(kAnm, 2);
  wire.types();
  cm->sip_info(a, {"", true, *hex_decode("0d0000")}); // SUS, user initiated
  ASSERT_EQ(wire.sent.size(), 1u);
  EXPECT_EQ(wire.sent[0].second.type, MessageType::Sus);
  EXPECT_EQ(wire.sent[0].second.cic, 2);
  EXPECT_EQ(wire_hex(wire.sent[0].second), "0d0000");
  wire.sent.clear();
  cm->sip_info(a, {"", true, *hex_decode("0e0000")});
  EXPECT_EQ(wire.types(), "RES");
  cm->sip_info(a, {"", true, *hex_decode("2d020003aabbcc")}); // USR
  EXPECT_EQ(wire.types(), "USR");
  cm->sip_info(a, {"", true, *hex_decode("0900")}); // ANM: the call's own procedure, not relayed
  EXPECT_EQ(wire.types(), "");
  EXPECT_EQ(cm->counters().get(CcCounter::unexpected_isup), 1u);
  // and the PSTN's mid-call messages come back in INFO
  a.take();
  rx("2c0100", 2); // CPG (alerting) after answer
  EXPECT_EQ(a.take(), "INFO");
  EXPECT_EQ(hex_encode(a.last_body.isup), "2c0100");
  rx("2d020003aabbcc", 2);
  EXPECT_EQ(a.take(), "INFO");
  cm->sip_bye(a, std::nullopt);
  rx(kRlc, 2);
  all_idle();
}

TEST_F(Calls, InfoFromAnUntrustedPeerNeverReachesThePstn) {
  SipPeer shady{"shady", SipProfile::SipT, false};
  Leg a("a");
  cm->sip_invite(a, shady, call_to("12345"), {});
  rx(kAcm, 2);
  rx(kAnm, 2);
  wire.types();
  cm->sip_info(a, {"", true, *hex_decode("0d0000")});
  EXPECT_TRUE(wire.sent.empty());
  EXPECT_EQ(cm->counters().get(CcCounter::untrusted_isup_ignored), 1u);
}

// ---- continuity check (Q.764 §2.1.8) -------------------------------------------------------

TEST_F(Calls, ContinuityCheckLoopsTheCircuitUntilCot) {
  rx(iam_to("2345", 3, 1));
  EXPECT_EQ(media_log(), "loopback 3");
  EXPECT_TRUE(sip.invites.empty());
  rx("0501", 3); // COT: success
  EXPECT_EQ(media_log(), "release 3, connect 3");
  ASSERT_EQ(sip.invites.size(), 1u);
  cm->sip_failed(*sip.legs[0], 486, std::nullopt);
  EXPECT_EQ(wire.types(), "REL");
  rx(kRlc, 3);
  all_idle();
}

TEST_F(Calls, ContinuityFailureAwaitsTheRecheckThenTheCircuitIsReleased) {
  rx(iam_to("2345", 3, 1));
  rx("0500", 3); // COT: failure
  EXPECT_EQ(media_log(), "loopback 3, release 3");
  EXPECT_TRUE(sip.invites.empty());
  EXPECT_EQ(cm->counters().get(CcCounter::continuity_failures), 1u);
  rx("11", 3); // CCR: the loop again for the re-check
  EXPECT_EQ(media_log(), "loopback 3");
  rx(rel(16), 3); // the re-check passed: the far end frees the circuit
  EXPECT_EQ(wire.types(), "RLC");
  EXPECT_EQ(media_log(), "release 3");
  all_idle();
  // without CCR, T27 resets the circuit
  rx(iam_to("2345", 4, 1));
  rx("0500", 4);
  sched.advance(240'000);
  EXPECT_EQ(wire.types(), "RSC");
  rx(kRlc, 4);
  all_idle();
}

TEST_F(Calls, NoCotWithinT8ReleasesWithCause41) {
  rx(iam_to("2345", 3, 1));
  sched.advance(12'000);
  ASSERT_EQ(wire.sent.size(), 1u);
  EXPECT_EQ(wire.sent[0].second.find<isup::CauseIndicators>()->cause_value, 41);
  wire.types();
  rx(kRlc, 3);
  EXPECT_TRUE(sip.invites.empty());
  all_idle();
}

TEST_F(Calls, NoLoopAtTheGatewayReleasesTheCall) {
  media.loop_fail = true;
  rx(iam_to("2345", 3, 1));
  ASSERT_EQ(wire.sent.size(), 1u);
  EXPECT_EQ(wire.sent[0].second.find<isup::CauseIndicators>()->cause_value, 41);
  wire.types();
  rx(kRlc, 3);
  all_idle();
}

// A real gateway answers later: the COT may come before the loop is up, and the call's own
// connection may only be made once the loop is gone (osmo-mgw refuses a second call on the
// endpoint). Found with pstn-sim + osmo-mgw.
TEST_F(Calls, ContinuityWithAGatewayThatAnswersLater) {
  media.async = true;
  rx(iam_to("2345", 3, 1));
  rx("0501", 3); // COT before the loopback's answer
  EXPECT_EQ(media_log(), "loopback 3");
  media.flush();
  EXPECT_EQ(media_log(), "release 3, connect 3");
  ASSERT_EQ(sip.invites.size(), 1u);
  EXPECT_TRUE(wire.sent.empty()); // no REL: the connection was not refused
  // and with the loop up before the COT
  rx(iam_to("2345", 4, 1));
  media.flush();
  rx("0501", 4);
  EXPECT_EQ(media_log(), "loopback 4, release 4");
  EXPECT_EQ(sip.invites.size(), 1u); // the connection waits for the loop's release
  media.flush();
  EXPECT_EQ(media_log(), "connect 4");
  EXPECT_EQ(sip.invites.size(), 2u);
  cm->sip_failed(*sip.legs[0], 486, std::nullopt);
  cm->sip_failed(*sip.legs[1], 486, std::nullopt);
  media.flush();
  rx(kRlc, 3);
  rx(kRlc, 4);
  media.flush();
  all_idle();
}

TEST_F(Calls, ContinuityOnAPreviousCircuitNeedsOnlyTheCot) {
  rx(iam_to("2345", 3, 2));
  EXPECT_EQ(media_log(), "");
  rx("0501", 3);
  EXPECT_EQ(sip.invites.size(), 1u);
}

} // namespace

// Q.764 §2.9.6: the far end never answers our REL. T1 repeats it until T5, then RSC goes out and
// maintenance is alerted; the call is over then (its CDR written, no call left), and circuit
// supervision goes on resetting the circuit (RSC under T16/T17) until an RLC comes.
TEST_F(Calls, NoRlcUntilT5HandsTheCircuitToMaintenance) {
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {"v=0 caller", false, {}});
  wire.types();
  rx(kAcm, 2);
  rx(kAnm, 2);
  a.take();
  cm->sip_bye(a, std::nullopt);
  EXPECT_EQ(wire.types(), "REL");
  sched.advance(16 * 60 * 1000); // beyond T5 (5-15 min)
  const std::string sent = wire.types();
  EXPECT_NE(sent.find("REL REL"), std::string::npos) << sent; // T1
  EXPECT_NE(sent.find("RSC"), std::string::npos) << sent;     // T5, then T16/T17
  EXPECT_EQ(cm->active_calls(), 0u);
  EXPECT_EQ(cm->trunk_group("pstn")->find(2)->call, CircuitCall::Resetting);
  EXPECT_EQ(cm->trunk_group("pstn")->find(2)->call_ref, 0u);
  EXPECT_NE(sent.find("RSC RSC"), std::string::npos) << sent; // supervision's T16
  sched.advance(16 * 60 * 1000);                                // T17 (5-15 min) repeats
  EXPECT_NE(wire.types().find("RSC"), std::string::npos);      // still resetting
  rx(kRlc, 2);
  EXPECT_EQ(cm->trunk_group("pstn")->find(2)->call, CircuitCall::Idle);
  all_idle();
  EXPECT_EQ(wire.types(), "");
}

// The caller cancels while the media gateway is still making the circuit's connection: when the
// connection comes, no IAM goes out, the connection is deleted and the circuit is free again.
TEST_F(Calls, CancelWhileTheGatewayConnectsSendsNothing) {
  media.async = true;
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {"v=0 caller", false, {}});
  EXPECT_EQ(wire.types(), "");
  cm->sip_cancelled(a);
  media.flush();
  EXPECT_EQ(wire.types(), "");
  EXPECT_EQ(media_log(), "connect 2 +sdp, release 2");
  all_idle();
}

// The PSTN releases while the gateway is still connecting for the INVITE: the INVITE never goes.
TEST_F(Calls, PstnReleaseWhileTheGatewayConnectsSendsNoInvite) {
  media.async = true;
  rx(kIam2345, 1);
  EXPECT_TRUE(sip.legs.empty());
  rx(rel(16), 1);
  EXPECT_EQ(wire.types(), "RLC");
  media.flush();
  EXPECT_TRUE(sip.legs.empty());
  all_idle();
}

// ---- transit, PSTN -> PSTN (Q.764 §2.1-2.3 at a transit exchange) -----------------------------
// Calls arrive on "pstn" (CICs 1-4) for numbers 7...; route 7 (first digit stripped) takes them
// to trunk group "pstn-b", then "pstn-c", all toward the same far exchange. We control the even
// CICs (point code 200 > 100), so a group's even circuits are seized first.
struct Transit : Calls {
  void SetUp() override { groups({11, 12}, {21, 22}); }
  void groups(std::pair<uint16_t, uint16_t> b, std::pair<uint16_t, uint16_t> c,
              uint32_t own = kOwnPc) {
    make({1, 4}, own);
    cm->add_trunk_group("pstn-b", kFarPc, Hunting::Sequential, media).add_range(b.first, b.second);
    cm->add_trunk_group("pstn-c", kFarPc, Hunting::Sequential, media).add_range(c.first, c.second);
    cm->routing().add({"7", 1, "", {{RouteTarget::Kind::TrunkGroup, "pstn-b"},
                                    {RouteTarget::Kind::TrunkGroup, "pstn-c"}}});
  }
  // An IAM for 7123 with a hop counter and a parameter this exchange does not act on (access
  // transport): a transit exchange passes both on.
  isup::Message transit_iam(uint16_t cic, uint8_t hops = 10) {
    isup::Message m = iam_to("7123", cic);
    isup::HopCounter hc;
    hc.hop_counter = hops;
    m.add(hc);
    const uint8_t at[] = {0x7d, 0x02, 0x91, 0x81};
    m.add_raw(0x03, at);
    return m;
  }
  // The last message sent, and the wire cleared.
  isup::Message last() {
    EXPECT_FALSE(wire.sent.empty());
    isup::Message m = wire.sent.empty() ? isup::Message{} : wire.sent.back().second;
    wire.sent.clear();
    return m;
  }
  void everything_idle() {
    EXPECT_EQ(cm->active_calls(), 0u);
    for (const char *g : {"pstn", "pstn-b", "pstn-c"})
      EXPECT_EQ(cm->trunk_group(g)->counts().idle, cm->trunk_group(g)->counts().total) << g;
    EXPECT_TRUE(media.open.empty());
  }
  // A transit call from CIC `in` up to the IAM on the outgoing circuit, whose CIC it returns.
  uint16_t iam_out(uint16_t in) {
    rx(transit_iam(in));
    const isup::Message iam = last();
    EXPECT_EQ(iam.type, MessageType::Iam);
    return iam.cic;
  }
};

TEST_F(Transit, AnsweredCallPassesEveryParameterOnBothWays) {
  CdrWriter writer(testing::TempDir() + "transit_cdr.csv");
  cdr = &writer;
  SetUp(); // again, with the CDR writer
  const isup::Message in_iam = transit_iam(1);
  rx(in_iam);
  // Media first: the incoming circuit's endpoint, the outgoing one toward it, then the first
  // made two-way with the second's SDP; only then the IAM (Q.764 §2.1.1.1).
  EXPECT_EQ(media_log(), "connect 1, connect 12 +sdp, modify 1");
  const isup::Message iam = last();
  ASSERT_EQ(iam.type, MessageType::Iam);
  EXPECT_EQ(iam.cic, 12);
  EXPECT_EQ(iam.find<isup::HopCounter>()->hop_counter, 9); // Q.764 §2.1.12
  EXPECT_EQ(iam.find<isup::CalledPartyNumber>()->address_signals.str(), "123"); // route: strip 1
  // Every other parameter as it came: the received IAM with those two changed encodes the same.
  isup::Message want = in_iam;
  want.find<isup::HopCounter>()->hop_counter = 9;
  want.find<isup::CalledPartyNumber>()->address_signals.assign("123");
  EXPECT_EQ(wire_hex(iam), wire_hex(want));
  ASSERT_EQ(cm->calls().size(), 1u);
  EXPECT_EQ(cm->calls()[0].direction, "pstn-to-pstn");
  EXPECT_EQ(cm->calls()[0].out_trunk_group, "pstn-b");
  EXPECT_EQ(cm->calls()[0].out_cic, 12);
  EXPECT_EQ(cm->calls()[0].out_isup_state, "wait-for-acm");
  EXPECT_EQ(cm->calls()[0].isup_state, "proceeding");

  // ACM with in-band information, CPG, ANM: each reaches the caller as it came.
  isup::Message acm = from_pstn(kAcm, 12);
  isup::OptionalBackwardCallIndicators obci;
  obci.in_band_information_indicator = true;
  acm.add(obci);
  rx(acm);
  isup::Message got = last();
  EXPECT_EQ(got.cic, 1);
  EXPECT_EQ(wire_hex(got), wire_hex(acm));
  isup::Message cpg = msgs::cpg(12, 1, false);
  rx(cpg);
  got = last();
  EXPECT_EQ(got.cic, 1);
  EXPECT_EQ(wire_hex(got), wire_hex(cpg));
  isup::Message anm = from_pstn(kAnm, 12);
  anm.add(obci);
  rx(anm);
  got = last();
  EXPECT_EQ(got.cic, 1);
  EXPECT_EQ(wire_hex(got), wire_hex(anm));
  EXPECT_TRUE(cm->calls()[0].answered);

  // SUS/RES from the called side go back, from the calling side forward (Q.764 §2.5).
  rx(msgs::sus(12, true));
  got = last();
  EXPECT_EQ(got.type, MessageType::Sus);
  EXPECT_EQ(got.cic, 1);
  rx(msgs::res(12, true));
  EXPECT_EQ(last().type, MessageType::Res);
  rx(msgs::sus(1, false));
  got = last();
  EXPECT_EQ(got.type, MessageType::Sus);
  EXPECT_EQ(got.cic, 12);
  rx(msgs::res(1, false));
  EXPECT_EQ(last().cic, 12);

  // The caller hangs up: RLC on its circuit, its REL (cause, location, diagnostic) on the other.
  isup::Message rel_in = from_pstn(rel(16), 1);
  rel_in.find<isup::CauseIndicators>()->location = 3;
  rx(rel_in);
  ASSERT_EQ(wire.sent.size(), 2u);
  EXPECT_EQ(wire.sent[0].second.type, MessageType::Rlc);
  EXPECT_EQ(wire.sent[0].second.cic, 1);
  EXPECT_EQ(wire.sent[1].second.cic, 12);
  EXPECT_EQ(wire_hex(wire.sent[1].second), wire_hex(rel_in));
  wire.sent.clear();
  EXPECT_FALSE(media.open.empty()); // the outgoing circuit's connection waits for its RLC
  rx(kRlc, 12);
  EXPECT_EQ(wire.types(), "");
  everything_idle();
  EXPECT_EQ(cm->counters().get(CcCounter::transit_calls), 1u);

  writer.flush();
  std::ifstream f(testing::TempDir() + "transit_cdr.csv");
  std::string header, line;
  std::getline(f, header);
  std::getline(f, line);
  std::remove((testing::TempDir() + "transit_cdr.csv").c_str());
  EXPECT_EQ(header, cdr_header());
  EXPECT_NE(line.find(",pstn-to-pstn,5551234,7123,pstn,1,,16,3,pstn,"), std::string::npos) << line;
  // then attempts: 1, and no redirect (the last column, RFC 3261 §8.1.3.4)
  EXPECT_EQ(line.substr(line.size() - 13), ",pstn-b,12,1,") << line;
  cm.reset(); // before the writer goes
}

TEST_F(Transit, BusyCalleeRel17GoesBackAsItCame) {
  const uint16_t out = iam_out(1);
  const isup::Message busy = from_pstn(rel(17), out);
  rx(busy);
  ASSERT_EQ(wire.sent.size(), 2u);
  EXPECT_EQ(wire.sent[0].second.type, MessageType::Rlc); // each side answers its own REL
  EXPECT_EQ(wire.sent[0].second.cic, out);
  EXPECT_EQ(wire.sent[1].second.cic, 1);
  EXPECT_EQ(wire_hex(wire.sent[1].second), wire_hex(busy));
  wire.sent.clear();
  rx(kRlc, 1);
  EXPECT_EQ(media_log(), "connect 1, connect 12 +sdp, modify 1, release 12, release 1");
  everything_idle();
}

TEST_F(Transit, CallerReleasesBeforeTheAnswer) {
  const uint16_t out = iam_out(2);
  rx(kAcm, out);
  EXPECT_EQ(last().cic, 2);
  rx(rel(16), 2);
  EXPECT_EQ(wire.types(), "RLC REL");
  rx(kRlc, out);
  everything_idle();
}

TEST_F(Transit, CalleeReleasesFirst) {
  const uint16_t out = iam_out(1);
  rx(kAcm, out);
  rx(kAnm, out);
  wire.sent.clear();
  rx(rel(16), out);
  ASSERT_EQ(wire.sent.size(), 2u);
  EXPECT_EQ(wire.sent[0].second.cic, out);
  EXPECT_EQ(wire.sent[1].second.type, MessageType::Rel);
  EXPECT_EQ(wire.sent[1].second.cic, 1);
  wire.sent.clear();
  EXPECT_EQ(cm->active_calls(), 1u); // until the caller's RLC
  rx(kRlc, 1);
  everything_idle();
}

TEST_F(Transit, NoAcmWithinT7ReleasesBothSidesWithCause102) {
  const uint16_t out = iam_out(1);
  sched.advance(31000);
  ASSERT_EQ(wire.sent.size(), 2u);
  for (auto &[dpc, m] : wire.sent) {
    EXPECT_EQ(m.type, MessageType::Rel);
    EXPECT_EQ(m.find<isup::CauseIndicators>()->cause_value, 102); // Q.764 Annex A: T7
  }
  EXPECT_EQ(wire.sent[0].second.cic, out);
  EXPECT_EQ(wire.sent[1].second.cic, 1);
  wire.sent.clear();
  rx(kRlc, 1);
  rx(kRlc, out);
  everything_idle();
}

TEST_F(Transit, NoAnswerWithinT9ReleasesBothSidesWithCause19) {
  const uint16_t out = iam_out(1);
  rx(kAcm, out);
  wire.sent.clear();
  sched.advance(91000); // T9 90 s
  ASSERT_EQ(wire.sent.size(), 2u);
  EXPECT_EQ(wire.sent[1].second.find<isup::CauseIndicators>()->cause_value, 19);
  EXPECT_EQ(wire.sent[1].second.cic, 1);
  wire.sent.clear();
  rx(kRlc, 1);
  rx(kRlc, out);
  everything_idle();
}

TEST_F(Transit, BusyGroupFallsBackToTheNextThenCause34) {
  // pstn-b's circuits blocked by us: the call goes to pstn-c (Q.764 §2.8: not for new calls)
  ASSERT_TRUE(cm->supervision("pstn-b")->block(11));
  ASSERT_TRUE(cm->supervision("pstn-b")->block(12));
  EXPECT_EQ(wire.types(), "BLO BLO");
  EXPECT_EQ(iam_out(1), 22);
  // pstn-c's other circuit taken by a second call; a third finds no circuit anywhere
  EXPECT_EQ(iam_out(2), 21);
  rx(transit_iam(3));
  const isup::Message r = last();
  EXPECT_EQ(r.type, MessageType::Rel);
  EXPECT_EQ(r.cic, 3);
  EXPECT_EQ(r.find<isup::CauseIndicators>()->cause_value, 34); // no circuit/channel available
  EXPECT_EQ(cm->counters().get(CcCounter::no_circuit), 1u);
  rx(kRlc, 3);
  for (uint16_t in : {1, 2}) {
    rx(rel(16), in);
    EXPECT_EQ(wire.types(), "RLC REL");
  }
  rx(kRlc, 22);
  rx(kRlc, 21);
  EXPECT_EQ(cm->active_calls(), 0u);
  cm->supervision("pstn-b")->unblock(11);
  cm->supervision("pstn-b")->unblock(12);
  everything_idle();
}

TEST_F(Transit, OutgoingCircuitBlockedForHardwareMidCallReleasesTheCaller) {
  const uint16_t out = iam_out(1);
  rx(kAcm, out);
  rx(kAnm, out);
  wire.sent.clear();
  isup::Message cgb; // hardware failure oriented CGB over 11-12 (Q.764 §2.8.2.2)
  cgb.type = MessageType::Cgb;
  cgb.cic = 11;
  isup::CircuitGroupSupervisionMessageType type;
  type.type_indicator = 1;
  cgb.add(type, isup::Part::MandatoryFixed);
  isup::RangeAndStatus rs;
  rs.range = 1;
  const uint8_t bits[] = {0x03};
  rs.status.assign(bits);
  cgb.add(rs, isup::Part::MandatoryVariable);
  rx(cgb);
  // the outgoing half is gone without RLC; the caller's side is released (cause 41)
  EXPECT_EQ(wire.types(), "REL CGBA");
  EXPECT_EQ(cm->active_calls(), 1u);
  rx(kRlc, 1);
  EXPECT_EQ(cm->active_calls(), 0u);
  EXPECT_TRUE(media.open.empty());
  cgb.type = MessageType::Cgu;
  rx(cgb);
  EXPECT_EQ(wire.types(), "CGUA");
  everything_idle();
}

TEST_F(Transit, ResetOfEitherCircuitReleasesTheOtherSide) {
  uint16_t out = iam_out(1);
  rx(kAcm, out);
  wire.sent.clear();
  rx(simple(MessageType::Rsc, out)); // the far end resets the outgoing circuit
  ASSERT_EQ(wire.sent.size(), 2u);
  EXPECT_EQ(wire.sent[0].second.type, MessageType::Rlc);
  EXPECT_EQ(wire.sent[1].second.find<isup::CauseIndicators>()->cause_value, 41);
  EXPECT_EQ(wire.sent[1].second.cic, 1);
  wire.sent.clear();
  rx(kRlc, 1);
  everything_idle();

  out = iam_out(2);
  rx(kAcm, out);
  wire.sent.clear();
  rx("170101" "03", 1); // GRS over 1..4 on the incoming group
  ASSERT_EQ(wire.sent.size(), 2u);
  EXPECT_EQ(wire.sent[0].second.type, MessageType::Rel);
  EXPECT_EQ(wire.sent[0].second.cic, out);
  EXPECT_EQ(wire.sent[1].second.type, MessageType::Gra);
  wire.sent.clear();
  rx(kRlc, out);
  everything_idle();
}

TEST_F(Transit, DualSeizureOnTheOutgoingCircuitIsReattemptedOnAnother) {
  groups({11, 11}, {21, 21}); // pstn-b: 11 and 13, both controlled by the far end
  cm->trunk_group("pstn-b")->add_range(13, 13);
  const uint16_t out = iam_out(2);
  EXPECT_EQ(out, 11);
  media_log();
  rx(kIam2345, 11); // their IAM on 11: they win (Q.764 §2.9.1.4 b), theirs goes to SIP
  EXPECT_EQ(sip.invites.size(), 1u);
  const isup::Message again = last();
  EXPECT_EQ(again.type, MessageType::Iam);
  EXPECT_EQ(again.cic, 13); // another circuit of the same group
  EXPECT_EQ(again.find<isup::HopCounter>()->hop_counter, 9);
  EXPECT_EQ(cm->counters().get(CcCounter::reattempts), 1u);
  // our connection on 11 goes, the far end's call takes 11, ours gets 13 toward the caller's
  EXPECT_EQ(media_log(), "release 11, connect 11, connect 13 +sdp, modify 2");
  rx(kAcm, 13);
  EXPECT_EQ(last().cic, 2);
  rx(rel(16), 13);
  rx(kRlc, 2);
  rx(rel(16), 11); // the far end's own call ends too
  cm->sip_failed(*sip.legs[0], 487, std::nullopt);
  rx(kRlc, 11);
  wire.sent.clear();
  everything_idle();
}

TEST_F(Transit, ExhaustedHopCounterReleasesWithCause25) {
  rx(transit_iam(1, /*hops=*/1));
  const isup::Message r = last();
  EXPECT_EQ(r.type, MessageType::Rel);
  EXPECT_EQ(r.cic, 1);
  EXPECT_EQ(r.find<isup::CauseIndicators>()->cause_value, 25); // exchange routing error
  EXPECT_EQ(media_log(), "");
  EXPECT_EQ(cm->counters().get(CcCounter::hop_counter_exhausted), 1u);
  rx(kRlc, 1);
  everything_idle();
}

TEST_F(Transit, SamGoesOnAsSamAndReleaseWhileConnectingFreesTheOutgoingCircuit) {
  rx(iam_to("712", 1)); // no ST on an en-bloc group: routed as it is
  isup::Message iam = last();
  EXPECT_EQ(iam.find<isup::CalledPartyNumber>()->address_signals.str(), "12");
  const isup::Message more = sam("3F", 1);
  rx(more);
  const isup::Message out_sam = last();
  EXPECT_EQ(out_sam.type, MessageType::Sam);
  EXPECT_EQ(out_sam.cic, iam.cic);
  EXPECT_EQ(wire_hex(out_sam), wire_hex(more));
  rx(rel(16), 1);
  rx(kRlc, iam.cic);
  wire.sent.clear();
  everything_idle();

  media.async = true; // the caller goes while the gateway is still connecting: no IAM at all
  rx(transit_iam(2));
  rx(rel(16), 2);
  EXPECT_EQ(wire.types(), "RLC");
  media.flush();
  EXPECT_EQ(wire.types(), "");
  everything_idle();
}

// Q.764 §2.8.2.1: BLO after our IAM and before any backward message: the call is repeated on
// another circuit, and the blocked one, still holding our unanswered IAM, is reset to idle.
TEST_F(Calls, BlockedBeforeAcmRepeatsTheCallAndResetsTheCircuit) {
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {});
  ASSERT_EQ(last_cic(), 2);
  wire.sent.clear();
  rx(simple(MessageType::Blo, 2));
  ASSERT_EQ(wire.sent.size(), 3u);
  EXPECT_EQ(wire.sent[0].second.type, MessageType::Rsc);
  EXPECT_EQ(wire.sent[0].second.cic, 2);
  EXPECT_EQ(wire.sent[1].second.type, MessageType::Bla);
  EXPECT_EQ(wire.sent[2].second.type, MessageType::Iam);
  EXPECT_EQ(wire.sent[2].second.cic, 4);
  wire.sent.clear();
  rx(kRlc, 2); // the reset is complete (the circuit stays blocked by the far end)
  EXPECT_EQ(cm->trunk_group("pstn")->find(2)->call, CircuitCall::Idle);
  cm->sip_bye(a, std::nullopt);
  rx(kRlc, 4);
  rx(simple(MessageType::Ubl, 2));
  EXPECT_EQ(wire.types(), "REL UBA");
  all_idle();
}

// Q.764 §2.9.6: a BLO the far end never acknowledges alerts maintenance once T13 expires (an
// alarm on the circuit, listed by `show alarms`); the BLA that finally comes ends the procedure
// and clears it.
TEST_F(Calls, UnacknowledgedBlockingRaisesAnAlarmUntilAcknowledged) {
  core::Alarms alarms;
  cm->set_alarms(&alarms);
  ASSERT_TRUE(cm->maintain("pstn", [](CircuitSupervision &s) { return s.block(3); }));
  EXPECT_EQ(wire.types(), "BLO");
  sched.advance(299'999);
  EXPECT_FALSE(alarms.is_active("isup.pstn.cic3"));
  sched.advance(1); // T13 (300 s): BLO repeated, maintenance alerted
  EXPECT_TRUE(alarms.is_active("isup.pstn.cic3"));
  ASSERT_EQ(alarms.active().size(), 1u);
  EXPECT_NE(alarms.active()[0].text.find("T13"), std::string::npos) << alarms.active()[0].text;
  rx(simple(MessageType::Bla, 3));
  EXPECT_FALSE(alarms.is_active("isup.pstn.cic3"));
  EXPECT_EQ(alarms.cleared().size(), 1u);
  wire.sent.clear();
  ASSERT_TRUE(cm->maintain("pstn", [](CircuitSupervision &s) { return s.unblock(3); }));
  rx(simple(MessageType::Uba, 3));
  all_idle();
}

// Live configuration (issue 13): circuits taken out of a trunk group drain. The call up on one
// finishes normally; each is maintenance-blocked at once (BLO, Q.764 §2.8.2), so no new call
// seizes it, and it stays blocked once its call is over.
TEST_F(Calls, RemovedCircuitsDrainThenStayBlocked) {
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {"v=0", false, {}});
  ASSERT_EQ(wire.sent.size(), 1u);
  const uint16_t up = wire.sent[0].second.cic;
  rx(kAcm, up);
  rx(kAnm, up);
  EXPECT_EQ(a.take(), "180 200");
  wire.types();
  EXPECT_EQ(cm->remove_circuits("pstn", 1, 4), 4u);
  EXPECT_EQ(wire.types(), "BLO BLO BLO BLO");
  for (uint16_t k = 1; k <= 4; ++k)
    cm->isup_received(kFarPc, simple(MessageType::Bla, k));
  EXPECT_EQ(cm->trunk_group("pstn")->counts().removed, 4u);
  // the call up is untouched; a new one finds no circuit
  EXPECT_EQ(cm->active_calls(), 1u);
  Leg b("b");
  cm->sip_invite(b, plain, call_to("12346"), {"v=0", false, {}});
  EXPECT_EQ(b.take(), "503/34");
  EXPECT_TRUE(wire.sent.empty());
  // an IAM from the far end on a drained circuit is not accepted either
  rx(kIam2345, 3);
  EXPECT_EQ(cm->active_calls(), 1u);
  wire.types();
  cm->sip_bye(a, std::nullopt);
  EXPECT_EQ(wire.types(), "REL");
  rx(kRlc, up);
  EXPECT_EQ(cm->active_calls(), 0u);
  const Circuit *c = cm->trunk_group("pstn")->find(up);
  EXPECT_EQ(c->call, CircuitCall::Idle);
  EXPECT_TRUE(c->blocking.local_maintenance);
  // the operator cannot unblock a circuit that is out of the configuration
  EXPECT_FALSE(cm->supervision("pstn")->unblock(up));
  // added again: unblocked (UBL) and in service
  EXPECT_TRUE(cm->add_circuits("pstn", 1, 4));
  EXPECT_EQ(wire.types(), "UBL UBL UBL UBL");
  EXPECT_EQ(cm->trunk_group("pstn")->counts().removed, 0u);
}

// New circuits are reset before they carry calls (Q.764 §2.9.3.2: GRS; RSC for a lone one), and
// then carry them.
TEST_F(Calls, AddedCircuitsAreResetThenCarryCalls) {
  EXPECT_TRUE(cm->add_circuits("pstn", 5, 9));
  ASSERT_EQ(wire.sent.size(), 1u);
  EXPECT_EQ(wire.sent[0].second.type, MessageType::Grs);
  EXPECT_EQ(wire.sent[0].second.cic, 5);
  EXPECT_EQ(wire.sent[0].second.find<isup::RangeAndStatus>()->range, 4);
  EXPECT_TRUE(cm->add_circuits("pstn", 11, 11));
  EXPECT_EQ(wire.types(), "GRS RSC");
  EXPECT_EQ(cm->trunk_group("pstn")->counts().total, 10u);
  EXPECT_FALSE(cm->add_circuits("nowhere", 1, 2));
  // before the far end acknowledges the reset, no call takes them
  EXPECT_EQ(cm->trunk_group("pstn")->counts().transient, 6u);
  isup::Message gra = simple(MessageType::Gra, 5);
  isup::RangeAndStatus rs;
  rs.range = 4;
  rs.status.push_back(0); // none blocked
  gra.add(rs, isup::Part::MandatoryVariable);
  rx(gra);
  rx(kRlc, 11);
  EXPECT_EQ(cm->trunk_group("pstn")->counts().idle, 10u);
  // the circuits in use fill up, then the new ones take calls
  std::vector<std::unique_ptr<Leg>> legs;
  for (int i = 0; i < 5; ++i) {
    legs.push_back(std::make_unique<Leg>("l" + std::to_string(i)));
    cm->sip_invite(*legs.back(), plain, call_to("1234" + std::to_string(i)), {"v=0", false, {}});
  }
  std::set<uint16_t> cics;
  for (auto &[d, m] : wire.sent)
    if (m.type == MessageType::Iam)
      cics.insert(m.cic);
  EXPECT_EQ(cics.size(), 5u);
  EXPECT_TRUE(cics.count(5) || cics.count(6) || cics.count(7) || cics.count(8) || cics.count(9));
}

// Routes and peers replaced live: a call up keeps going and ends normally; new calls follow the
// new table.
TEST_F(Calls, RoutesReplacedLiveLeaveCallsUp) {
  rx(kIam2345, 3); // 2... to the plain SIP peer
  ASSERT_EQ(sip.legs.size(), 1u);
  cm->sip_answered(*sip.legs[0], {"v=0", false, {}});
  wire.types();
  cm->set_routes({{"9", 0, "", {{RouteTarget::Kind::TrunkGroup, "pstn"}}}});
  cm->set_sip_peers({sipt});
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {"v=0", false, {}});
  EXPECT_EQ(a.take(), "404/3"); // 1... has no route any more
  cm->sip_bye(*sip.legs[0], std::nullopt);
  EXPECT_EQ(wire.types(), "REL");
  rx(kRlc, 3);
  all_idle();
}

// Timer values changed live apply to the timers started from then on (Q.764 T7 here).
TEST_F(Calls, TimersChangedLiveApplyToNewCalls) {
  IsupTimerValues t = cm->timers();
  ASSERT_TRUE(t.set(IsupTimer::T7, 21000)); // 25 s by default
  cm->set_timers(t);
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {"v=0", false, {}});
  ASSERT_EQ(wire.types(), "IAM");
  sched.advance(20900);
  EXPECT_EQ(wire.types(), "");
  sched.advance(200);
  EXPECT_EQ(wire.types(), "REL"); // T7 expired: the call is released (Q.764 §2.1.5)
}

// Overload (Q.764 §2.11): new calls are shed by the machine congestion level, at the cheapest
// point — an IAM gets REL cause 42 with the automatic congestion level and no call is made —
// while calls in progress go on and end normally.
TEST_F(Calls, OverloadShedsNewCallsOnly) {
  rx(kIam2345, 1); // a call up before the overload
  ASSERT_EQ(sip.legs.size(), 1u);
  cm->sip_answered(*sip.legs[0], {"v=0", false, {}});
  EXPECT_EQ(cm->calls_in_setup(), 0u);
  wire.types();
  cm->set_congestion_level(3);
  rx(kIam2345, 3);
  ASSERT_EQ(wire.sent.size(), 1u);
  const isup::Message &rel = wire.sent[0].second;
  EXPECT_EQ(rel.type, MessageType::Rel);
  EXPECT_EQ(rel.cic, 3);
  EXPECT_EQ(rel.find<isup::CauseIndicators>()->cause_value, 42);
  ASSERT_NE(rel.find<isup::AutomaticCongestionLevel>(), nullptr);
  EXPECT_EQ(rel.find<isup::AutomaticCongestionLevel>()->value, 2);
  EXPECT_EQ(cm->active_calls(), 1u); // no call made for it
  EXPECT_EQ(cm->trunk_group("pstn")->find(3)->call, CircuitCall::Idle);
  EXPECT_FALSE(cm->admit_sip_call());
  EXPECT_EQ(cm->counters().get(CcCounter::shed_isup), 1u);
  EXPECT_EQ(cm->counters().get(CcCounter::shed_sip), 1u);
  // the call up is not disturbed: its BYE is a REL as ever
  wire.types();
  cm->sip_bye(*sip.legs[0], std::nullopt);
  EXPECT_EQ(wire.types(), "REL");
  rx(kRlc, 1);
  // level 1: one new call in four refused (ACL 1), the others made
  cm->set_congestion_level(1);
  wire.types();
  for (uint16_t cic = 1; cic <= 4; ++cic)
    rx(kIam2345, cic);
  std::size_t refused = 0;
  for (auto &[d, m] : wire.sent)
    if (m.type == MessageType::Rel) {
      ++refused;
      EXPECT_EQ(m.find<isup::AutomaticCongestionLevel>()->value, 1);
    }
  EXPECT_EQ(refused, 1u);
  EXPECT_EQ(cm->active_calls(), 3u);
  EXPECT_EQ(cm->calls_in_setup(), 3u);
  cm->set_congestion_level(0);
  EXPECT_TRUE(cm->admit_sip_call());
}

// A cap on calls in setup (ShedPolicy::max_in_setup): at level 0, once that many calls are in
// setup the next new call is refused (IAM: REL 42 with ACL; SIP: not admitted); an answered call
// leaves setup and makes room again.
TEST_F(Calls, SetupCapRefusesNewCallsUntilOneIsAnswered) {
  core::ShedPolicy p;
  p.max_in_setup = 2;
  cm->set_shed_policy(p);
  rx(kIam2345, 1);
  rx(kIam2345, 2);
  EXPECT_EQ(cm->calls_in_setup(), 2u);
  EXPECT_TRUE(cm->at_setup_limit());
  wire.types();
  rx(kIam2345, 3);
  ASSERT_EQ(wire.sent.size(), 1u);
  const isup::Message &rel = wire.sent[0].second;
  EXPECT_EQ(rel.type, MessageType::Rel);
  EXPECT_EQ(rel.find<isup::CauseIndicators>()->cause_value, 42);
  ASSERT_NE(rel.find<isup::AutomaticCongestionLevel>(), nullptr);
  EXPECT_EQ(rel.find<isup::AutomaticCongestionLevel>()->value, 1);
  EXPECT_FALSE(cm->admit_sip_call());
  EXPECT_EQ(cm->counters().get(CcCounter::shed_in_setup), 2u);
  EXPECT_EQ(cm->active_calls(), 2u);
  ASSERT_EQ(sip.legs.size(), 2u);
  cm->sip_answered(*sip.legs[0], {"v=0", false, {}});
  EXPECT_EQ(cm->calls_in_setup(), 1u);
  EXPECT_TRUE(cm->admit_sip_call());
  wire.types();
  rx(kIam2345, 3);
  EXPECT_EQ(cm->active_calls(), 3u);
  // no cap: nothing refused for the count
  p.max_in_setup = 0;
  cm->set_shed_policy(p);
  EXPECT_FALSE(cm->at_setup_limit());
}

// ---- others' congestion and unavailability (destination_state.h) -----------------------------

isup::Message gra(uint16_t first, uint8_t range) {
  isup::Message m = simple(MessageType::Gra, first);
  isup::RangeAndStatus rs;
  rs.range = range;
  for (int i = 0; i <= range / 8; ++i)
    rs.status.push_back(0); // none blocked
  m.add(rs, isup::Part::MandatoryVariable);
  return m;
}

isup::Message rel_acl(uint8_t cause, uint8_t level) {
  isup::Message m = msgs::rel(0, cause, 2);
  isup::AutomaticCongestionLevel acl;
  acl.value = level;
  m.add(acl, isup::Part::Optional);
  return m;
}

// Q.764 §2.11: a REL with ACL from the exchange at kFarPc: a share of the next new calls toward
// it is withheld, as if no circuit were free (cause 42, 503: RFC 3398 §8.2.6.1), for T30.
TEST_F(Calls, AclReceivedWithholdsAShareOfTheNextCalls) {
  Leg first("first");
  cm->sip_invite(first, plain, call_to("12345"), {});
  wire.types();
  isup::Message r = rel_acl(42, 1);
  r.cic = 2;
  rx(r);
  EXPECT_EQ(first.take(), "503/42");
  EXPECT_EQ(wire.types(), "RLC");
  EXPECT_EQ(cm->destinations().find(kFarPc)->acl_level, 1u);
  // level 1: the 4th new call of every 4 is withheld (25 %)
  std::vector<std::unique_ptr<Leg>> legs;
  std::string statuses;
  for (int i = 0; i < 4; ++i) {
    legs.push_back(std::make_unique<Leg>("l" + std::to_string(i)));
    cm->sip_invite(*legs.back(), plain, call_to("1234" + std::to_string(i)), {});
    statuses += legs.back()->take() + ";";
  }
  EXPECT_EQ(statuses, ";;;503/42;");
  std::vector<uint16_t> cics;
  for (auto &[d, m] : wire.sent)
    cics.push_back(m.cic);
  EXPECT_EQ(wire.types(), "IAM IAM IAM");
  EXPECT_EQ(cm->destinations().counters().get(DestinationCounter::withheld_congestion), 1u);
  for (int i = 0; i < 3; ++i)
    cm->sip_cancelled(*legs[i]);
  wire.types();
  for (uint16_t cic : cics)
    rx(kRlc, cic);
  // T30 passes without another ACL: every call goes again
  sched.advance(cm->timers().ms(IsupTimer::T30));
  EXPECT_EQ(cm->destinations().find(kFarPc)->acl_level, 0u);
  Leg after("after");
  cm->sip_invite(after, plain, call_to("12399"), {});
  EXPECT_EQ(wire.types(), "IAM");
  cm->sip_cancelled(after);
  rx(kRlc, last_cic());
  wire.types();
  all_idle();
}

// A withheld target gives way to the route's next one (another exchange), as a busy one does.
TEST_F(Calls, CongestionAtOneDestinationAdvancesToTheNextTarget) {
  constexpr uint32_t kAltPc = 300;
  Media alt_media;
  cm->add_trunk_group("alt", kAltPc, Hunting::Sequential, alt_media).add_range(1, 2);
  cm->routing().add({"4", 0, "",
                     {{RouteTarget::Kind::TrunkGroup, "pstn"}, {RouteTarget::Kind::TrunkGroup, "alt"}}});
  cm->destinations().mtp_congestion(kFarPc, 3); // level 3: nothing toward kFarPc
  Leg a("a");
  cm->sip_invite(a, plain, call_to("4000"), {});
  ASSERT_EQ(wire.sent.size(), 1u);
  EXPECT_EQ(wire.sent[0].first, kAltPc);
  EXPECT_EQ(wire.sent[0].second.type, MessageType::Iam);
  const uint16_t cic = wire.sent[0].second.cic;
  wire.types();
  cm->sip_cancelled(a);
  EXPECT_EQ(wire.types(), "REL");
  cm->isup_received(kAltPc, from_pstn(kRlc, cic));
  // the route toward kFarPc only: cause 42
  Leg b("b");
  cm->sip_invite(b, plain, call_to("12345"), {});
  EXPECT_EQ(b.take(), "503/42");
  EXPECT_EQ(wire.sent.size(), 0u);
  all_idle();
}

// PSTN -> PSTN: a transit call whose only target is withheld is refused with REL cause 42. The
// IAM itself came from that exchange: its user part is available again (Q.764 §2.13).
TEST_F(Calls, TransitTowardACongestedDestinationIsReleasedWithCause42) {
  cm->routing().add({"9", 0, "", {{RouteTarget::Kind::TrunkGroup, "pstn"}}});
  cm->destinations().user_part_unavailable(kFarPc, UserPartState::Inaccessible);
  cm->destinations().mtp_congestion(kFarPc, 3);
  rx(iam_to("9123F", 1));
  EXPECT_EQ(cm->destinations().find(kFarPc)->user_part, UserPartState::Available);
  ASSERT_FALSE(wire.sent.empty());
  EXPECT_EQ(wire.sent.back().second.type, MessageType::Rel);
  EXPECT_EQ(wire.sent.back().second.find<isup::CauseIndicators>()->cause_value, 42);
  wire.types();
  rx(kRlc, 1);
  all_idle();
}

// A destination whose user part is unavailable takes no new call: "no circuit" (34), not
// congestion.
TEST_F(Calls, UserPartUnavailableStopsNewCallsUntilUpa) {
  cm->destinations().user_part_unavailable(kFarPc, UserPartState::Inaccessible);
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {});
  EXPECT_EQ(a.take(), "503/34");
  EXPECT_EQ(wire.sent.size(), 0u);
  cm->isup_received(kFarPc, simple(MessageType::Upa, 1));
  Leg b("b");
  cm->sip_invite(b, plain, call_to("12345"), {});
  EXPECT_EQ(wire.types(), "IAM");
  cm->sip_cancelled(b);
  rx(kRlc, last_cic());
  wire.types();
  all_idle();
}

// A UPT from the far end is answered with UPA, whatever its CIC (Q.764 §2.13).
TEST_F(Calls, UptIsAnsweredWithUpa) {
  rx(simple(MessageType::Upt, 4000));
  EXPECT_EQ(wire.types(), "UPA");
}

// MTP-RESUME for a destination that was never paused resets nothing; after a real outage only
// the circuits without a call are reset: the answered call stays up (it lost nothing). Before,
// every RESUME sent GRS over the whole trunk group and ended the calls on it.
TEST_F(Calls, ResumeResetsNothingNeedlesslyAndNeverAnAnsweredCall) {
  cm->destination_unavailable(kFarPc); // start-up: circuits wait for the first RESUME
  cm->destination_available(kFarPc);
  EXPECT_EQ(wire.types(), "GRS");
  rx(gra(1, 3));
  Leg a("a");
  cm->sip_invite(a, plain, call_to("12345"), {});
  rx(kAcm, 2);
  rx(kAnm, 2);
  EXPECT_EQ(a.take(), "180 200");
  wire.types();
  cm->destination_available(kFarPc); // a DAVA, an ASP that came back: nothing to do
  EXPECT_EQ(wire.types(), "");
  cm->destination_unavailable(kFarPc);
  cm->destination_available(kFarPc);
  ASSERT_EQ(wire.sent.size(), 2u); // cic 1 alone (RSC), 3-4 (GRS); not cic 2
  EXPECT_EQ(wire.sent[0].second.type, MessageType::Rsc);
  EXPECT_EQ(wire.sent[0].second.cic, 1);
  EXPECT_EQ(wire.sent[1].second.type, MessageType::Grs);
  EXPECT_EQ(wire.sent[1].second.cic, 3);
  EXPECT_EQ(wire.sent[1].second.find<isup::RangeAndStatus>()->range, 1);
  wire.types();
  EXPECT_EQ(a.take(), "");
  EXPECT_EQ(cm->active_calls(), 1u);
  rx(kRlc, 1);
  rx(gra(3, 1));
  cm->sip_bye(a, std::nullopt);
  EXPECT_EQ(wire.types(), "REL");
  rx(kRlc, 2);
  all_idle();
}

// RFC 3261 §21.5.4: a 503 with Retry-After takes the SIP peer out of routing for that long; the
// next call from the PSTN is refused with the 503's cause (41, RFC 3398 §8.2.6.1) without an
// INVITE, and once the time has passed the peer gets calls again. A 503 without it concerns its
// call only.
TEST_F(Calls, SipPeer503WithRetryAfterIsSkippedForThatLong) {
  rx(kIam2345, 3);
  ASSERT_EQ(sip.legs.size(), 1u);
  cm->sip_failed(*sip.legs[0], 503, std::nullopt, false, 30);
  EXPECT_EQ(wire.sent.back().second.find<isup::CauseIndicators>()->cause_value, 41);
  EXPECT_EQ(cm->sip_peer_states().unavailable_ms("phone"), 30000);
  rx(kRlc, 3);
  wire.types();
  rx(kIam2345, 3);
  EXPECT_EQ(sip.legs.size(), 1u); // no INVITE
  EXPECT_EQ(wire.sent.back().second.find<isup::CauseIndicators>()->cause_value, 41);
  EXPECT_EQ(cm->sip_peer_states().skipped_count("phone"), 1u);
  rx(kRlc, 3);
  wire.types();
  sched.advance(30000);
  EXPECT_TRUE(cm->sip_peer_states().available("phone"));
  rx(kIam2345, 3);
  ASSERT_EQ(sip.legs.size(), 2u);
  cm->sip_failed(*sip.legs[1], 503, std::nullopt); // no Retry-After: this call only
  EXPECT_TRUE(cm->sip_peer_states().available("phone"));
  rx(kRlc, 3);
  all_idle();
}

// ---- RFC 3372 PSTN -> SIP-T -> PSTN through two gateways, octet for octet (issue 16 item 3)
// The IAM of Wireshark's sample capture isup.cap (tests/isup/vectors/isup.cap, SOURCE.md there;
// frame 1, CIC 213 left out): 13 parameters, among them 0xf4, unknown here, whose compatibility
// information (Q.763 §3.41: 0x90, transit interpretation, discard parameter) lets a transit
// exchange pass it on (Q.764 §2.9.5.3.2) where an end node discards it.
constexpr const char *kCapturedIam =
    "01" "00" "a001" "0a" "02" "0207" "05819084190f" // NCI, FCI, CPC, TMR, called 4891ST
    "0a0703179333937980" "080180" "03057c038890a6"    // calling, opt. FCI, access transport
    "1d038890a6" "31020064" "3f06039300060010"        // USI, propagation delay, location
    "f4056476c32881" "3902f490" "00";                 // 0xf4, its compatibility information

struct TwoGateways : testing::Test {
  Sched sched;
  Wire wire_a, wire_b;
  Sip sip_a, sip_b;
  Media media_a, media_b;
  SipPeer peer{"other-gateway", SipProfile::SipT, true};
  std::unique_ptr<CallManager> a, b;
  TwoGateways() {
    CallManagerConfig cfg;
    cfg.own_point_code = kOwnPc;
    a = std::make_unique<CallManager>(cfg, sched, wire_a, sip_a, nullptr);
    b = std::make_unique<CallManager>(cfg, sched, wire_b, sip_b, nullptr);
    for (auto *cm : {a.get(), b.get()}) {
      cm->add_sip_peer(peer);
    }
    a->add_trunk_group("pstn", kFarPc, Hunting::Sequential, media_a).add_range(1, 4);
    b->add_trunk_group("pstn", kFarPc, Hunting::Sequential, media_b).add_range(1, 4);
    a->routing().add({"4", 0, "", {{RouteTarget::Kind::SipPeer, "other-gateway"}}});
    b->routing().add({"4", 0, "", {{RouteTarget::Kind::TrunkGroup, "pstn"}}});
  }
  // As mgcd's SS7 adapter reads a message (gateway/mgcd/ss7.cpp): decoded as an end node, and
  // again as an intermediate exchange when the call passes ISUP on (Q.764 §2.9.5.3).
  static isup::Message read(CallManager &cm, const std::string &hex, uint16_t cic) {
    const auto octets = *hex_decode(hex);
    isup::Message m;
    isup::DecodeOptions o{.with_cic = false};
    isup::DecodeResult r = isup::decode(octets, o, m);
    m.cic = cic;
    if (r.action != isup::Action::Process || !r.discard_parameters.empty()) {
      isup::Message probe = m;
      if (cm.passes_on(kFarPc, probe)) {
        o.node = isup::Node::Transit;
        m = isup::Message{};
        r = isup::decode(octets, o, m);
        m.cic = cic;
      }
    }
    EXPECT_EQ(r.action, isup::Action::Process) << hex;
    return m;
  }
};

TEST_F(TwoGateways, CapturedIamReachesTheFarExchangeOctetForOctet) {
  a->isup_received(kFarPc, read(*a, kCapturedIam, 1));
  ASSERT_EQ(sip_a.invites.size(), 1u);
  ASSERT_TRUE(sip_a.bodies[0].has_isup);
  // mgcd A -> mgcd B: the INVITE's body is the IAM as it came (RFC 3372 §5)
  EXPECT_EQ(hex_encode(sip_a.bodies[0].isup), kCapturedIam);
  Leg in("from-a");
  b->sip_invite(in, peer, sip_a.invites[0], sip_a.bodies[0]);
  ASSERT_EQ(wire_b.sent.size(), 1u);
  // What the far exchange gets: every octet as sent but the hop counter, which the SIP-T
  // network adds before the end of the optional part (Q.764 §2.15, Q.1912.5: Max-Forwards 70,
  // two per hop, at most 31, less this exchange's one: 30). The CIC is mgcd B's (not in the body
  // form).
  const std::string expect =
      std::string(kCapturedIam, std::strlen(kCapturedIam) - 2) + "3d011e" + "00";
  EXPECT_EQ(wire_hex(wire_b.sent[0].second), expect);
}
