// Call control end to end with fakes for the three sides (ISUP on the wire, SIP legs, the media
// gateway) on simulated time: each test is a call flow of RFC 3398 / Q.764 checked message by
// message, and ends with every circuit idle and every call gone.
#include "callcontrol/call_manager.h"
#include "core/hex.h"
#include "isup/codec.h"

#include <gtest/gtest.h>
#include <map>

using namespace mgc;
using namespace mgc::cc;
using isup::MessageType;

namespace {

struct Sched : Scheduler {
  int64_t now = 0;
  Id last = 0;
  std::multimap<int64_t, std::pair<Id, std::function<void()>>> q;
  int64_t now_ms() const override { return now; }
  Id start(int64_t d, std::function<void()> fn) override {
    q.emplace(now + d, std::make_pair(++last, std::move(fn)));
    return last;
  }
  void stop(Id id) override {
    for (auto it = q.begin(); it != q.end(); ++it)
      if (it->second.first == id) {
        q.erase(it);
        return;
      }
  }
  void advance(int64_t ms) {
    const int64_t until = now + ms;
    while (!q.empty() && q.begin()->first <= until) {
      auto it = q.begin();
      now = it->first;
      auto fn = std::move(it->second.second);
      q.erase(it);
      fn();
    }
    now = until;
  }
};

struct Wire : IsupSender {
  std::vector<std::pair<uint32_t, isup::Message>> sent;
  void send(uint32_t dpc, const isup::Message &m) override { sent.emplace_back(dpc, m); }
  std::string types() {
    std::string s;
    for (auto &[d, m] : sent)
      s += (s.empty() ? "" : " ") + std::string(isup::message_acronym(uint8_t(m.type)));
    sent.clear();
    return s;
  }
};

struct Leg : SipLeg {
  std::string id;
  std::vector<std::string> did;
  SipBody last_body;
  explicit Leg(std::string i) : id(std::move(i)) {}
  void provisional(int s, const SipBody &b) override { did.push_back(std::to_string(s)); last_body = b; }
  void answer(const SipBody &b) override { did.push_back("200"); last_body = b; }
  void reject(int s, uint8_t c, const SipBody &b) override {
    did.push_back(std::to_string(s) + "/" + std::to_string(c));
    last_body = b;
  }
  void cancel(uint8_t c) override { did.push_back("CANCEL/" + std::to_string(c)); }
  void bye(uint8_t c, const SipBody &b) override {
    did.push_back("BYE/" + std::to_string(c));
    last_body = b;
  }
  std::string call_id() const override { return id; }
  std::string take() {
    std::string s;
    for (auto &d : did)
      s += (s.empty() ? "" : " ") + d;
    did.clear();
    return s;
  }
};

struct Sip : SipSide {
  std::vector<std::unique_ptr<Leg>> legs;
  std::vector<iw::SipCallInfo> invites;
  std::vector<SipBody> bodies;
  bool refuse = false;
  SipLeg *invite(const SipPeer &, const iw::SipCallInfo &info, const SipBody &body) override {
    if (refuse)
      return nullptr;
    invites.push_back(info);
    bodies.push_back(body);
    legs.push_back(std::make_unique<Leg>("out-" + std::to_string(legs.size())));
    return legs.back().get();
  }
};

struct Media : MediaGateway {
  Listener *l = nullptr;
  Handle next = 100;
  bool fail = false;
  std::map<Handle, uint16_t> open;
  std::vector<std::string> log;
  void set_listener(Listener *x) override { l = x; }
  void connect(std::string_view, uint16_t cic, std::string_view remote, MediaMode,
               Connected done) override {
    log.push_back("connect " + std::to_string(cic) + (remote.empty() ? "" : " +sdp"));
    if (fail)
      return done(Status("test.no_resources", 502), 0, {});
    open[++next] = cic;
    done(Status::Ok(), next, "v=0 gw " + std::to_string(cic));
  }
  void modify(Handle h, std::optional<MediaMode>, std::string_view, Modified done) override {
    log.push_back("modify " + std::to_string(open[h]));
    done(Status::Ok(), {});
  }
  void loopback(std::string_view, uint16_t, Connected done) override { done(Status::Ok(), 0, {}); }
  void release(Handle h, Done done) override {
    log.push_back("release " + std::to_string(open[h]));
    open.erase(h);
    done(Status::Ok());
  }
};

constexpr uint32_t kOwnPc = 200, kFarPc = 100; // we control the even CICs

struct Calls : testing::Test {
  Sched sched;
  Wire wire;
  Sip sip;
  Media media;
  std::unique_ptr<CallManager> cm;
  SipPeer plain{"phone", SipProfile::Plain, false};
  SipPeer sipt{"sipt", SipProfile::SipT, true};

  void SetUp() override { make({1, 4}); }
  void make(std::pair<uint16_t, uint16_t> range, uint32_t own = kOwnPc) {
    CallManagerConfig cfg;
    cfg.own_point_code = own;
    cm = std::make_unique<CallManager>(cfg, sched, wire, sip);
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

} // namespace
