// Class-4 traffic management in call control (issue 15 items 4-6), on simulated time with the
// fakes of call_fakes.h: the decisions alone (RouteAttempts, WeightedChoice, cause precedence,
// Admission), then call flows message by message — route advance on a REL before ACM, a SIP
// failure, across trunk groups and SIP peers; call admission per trunk group, peer and route;
// dry-up with a call up. Each flow ends with every circuit idle and every call gone.
#include "call_fakes.h"

#include "callcontrol/call_manager.h"
#include "callcontrol/route_attempts.h"
#include "core/hex.h"
#include "core/sim_scheduler.h"
#include "isup/codec.h"

#include <gtest/gtest.h>
#include <fstream>

using namespace mgc;
using namespace mgc::cc;
using namespace mgc::cc::testing_fakes;
using isup::MessageType;

namespace {

RouteTarget tg(const std::string &n, unsigned w = 1) {
  return {RouteTarget::Kind::TrunkGroup, n, w};
}
RouteTarget peer(const std::string &n, unsigned w = 1) {
  return {RouteTarget::Kind::SipPeer, n, w};
}

// ---- the decisions --------------------------------------------------------------------------
TEST(RouteAttempts, TriesTargetsInOrderUpToTheLimit) {
  AdvancePolicy p;
  p.max_attempts = 2;
  RouteAttempts a({tg("a"), tg("b"), tg("c")}, p);
  EXPECT_EQ(a.next()->name, "a");
  EXPECT_TRUE(a.may_advance_isup(34));
  EXPECT_EQ(a.next()->name, "b");
  EXPECT_FALSE(a.may_advance_isup(34)); // two attempts made: the limit
  EXPECT_FALSE(a.next());
  EXPECT_EQ(a.attempts(), 2u);
}

TEST(RouteAttempts, AdvancesOnlyOnTheRoutesCausesAndBeforeProgress) {
  RouteAttempts a({tg("a"), tg("b")}, AdvancePolicy{});
  a.next();
  for (uint8_t c : {34, 38, 41, 42, 44})
    EXPECT_TRUE(a.may_advance_isup(c)) << int(c);
  for (uint8_t c : {1, 16, 17, 21, 28, 102})
    EXPECT_FALSE(a.may_advance_isup(c)) << int(c); // the number's answer, not the path's
  EXPECT_TRUE(a.may_advance_sip(408, false));
  EXPECT_TRUE(a.may_advance_sip(500, false));
  EXPECT_TRUE(a.may_advance_sip(503, false));
  EXPECT_TRUE(a.may_advance_sip(0, true)); // Timer B, transport failure
  EXPECT_FALSE(a.may_advance_sip(486, false));
  EXPECT_FALSE(a.may_advance_sip(404, false));
  EXPECT_FALSE(a.may_advance_sip(603, false));
  a.progressed();
  EXPECT_FALSE(a.may_advance_isup(34));
}

TEST(RouteAttempts, DualSeizureRepeatIsNoAttempt) {
  AdvancePolicy p;
  p.max_attempts = 1;
  RouteAttempts a({tg("a"), tg("b")}, p);
  EXPECT_EQ(a.next()->name, "a");
  a.repeat(tg("a")); // Q.764 §2.9.1.4 on another circuit of the same group
  EXPECT_EQ(a.next()->name, "a");
  EXPECT_FALSE(a.next()); // the limit counts route advances only
}

TEST(CausePrecedence, EarlierClassAndBusyPrevail) {
  EXPECT_EQ(prevailing_cause(0, 34), 34);
  EXPECT_EQ(prevailing_cause(34, 17), 17);  // busy beats congestion
  EXPECT_EQ(prevailing_cause(17, 34), 17);
  EXPECT_EQ(prevailing_cause(21, 17), 17);  // busy beats rejected
  EXPECT_EQ(prevailing_cause(1, 21), 21);   // rejected beats the rest of the normal class
  EXPECT_EQ(prevailing_cause(18, 1), 1);    // no answer is the weakest normal statement
  EXPECT_EQ(prevailing_cause(16, 18), 18);
  EXPECT_EQ(prevailing_cause(102, 34), 34); // resource unavailable before protocol error
  EXPECT_EQ(prevailing_cause(127, 102), 102);
  EXPECT_EQ(prevailing_cause(42, 34), 42);  // same class: the earlier attempt's
  EXPECT_EQ(prevailing_cause(34, 42), 34);
}

TEST(WeightedChoice, SpreadsFirstChoicesByWeight) {
  WeightedChoice w;
  const std::vector<RouteTarget> t{tg("a", 3), tg("b", 1)};
  std::string seq;
  for (int i = 0; i < 8; ++i)
    seq += t[w.pick(t)].name;
  EXPECT_EQ(seq, "aabaaaba");
  const auto order = attempt_order(t, 1);
  EXPECT_EQ(order[0].name, "b");
  EXPECT_EQ(order[1].name, "a");
}

TEST(AdvancePolicy, ConfigSpellingRoundTrips) {
  AdvancePolicy p;
  EXPECT_EQ(format_isup_causes(p), "34,38,41,42,44");
  EXPECT_EQ(format_sip_statuses(p), "5xx,408,no-response");
  ASSERT_TRUE(parse_isup_causes("17,34", p));
  ASSERT_TRUE(parse_sip_statuses("503,6xx", p));
  EXPECT_EQ(format_isup_causes(p), "17,34");
  EXPECT_EQ(format_sip_statuses(p), "6xx,503");
  EXPECT_TRUE(p.advances_on_sip(603, false));
  EXPECT_FALSE(p.advances_on_sip(500, false));
  EXPECT_FALSE(p.advances_on_sip(0, true));
  EXPECT_FALSE(parse_isup_causes("0", p));
  EXPECT_FALSE(parse_isup_causes("34,,42", p));
  EXPECT_FALSE(parse_sip_statuses("200", p));
  EXPECT_FALSE(parse_sip_statuses("7xx", p));
  EXPECT_EQ(format_isup_causes(p), "17,34"); // a bad list changes nothing
}

TEST(Admission, MaxCallsRateDirectionShutdown) {
  Admission a;
  AdmissionLimits l;
  l.max_calls = 2;
  a.set_limits(l, 0);
  EXPECT_EQ(a.admit(true, 0), Refusal::None);
  EXPECT_EQ(a.admit(false, 0), Refusal::None);
  EXPECT_EQ(a.admit(true, 0), Refusal::MaxCalls);
  EXPECT_EQ(a.retry_after_s(Refusal::MaxCalls, 0), 1u);
  a.release();
  EXPECT_EQ(a.admit(true, 0), Refusal::None);
  a.release();
  a.release();
  l = {};
  l.calls_per_second = 2;
  l.burst = 2;
  a.set_limits(l, 0);
  EXPECT_EQ(a.check(true, 0), Refusal::None); // nothing taken
  EXPECT_EQ(a.admit(true, 0), Refusal::None);
  EXPECT_EQ(a.admit(true, 0), Refusal::None);
  EXPECT_EQ(a.check(true, 100), Refusal::Rate);
  EXPECT_EQ(a.retry_after_s(Refusal::Rate, 100), 1u); // a token at 500 ms
  EXPECT_EQ(a.admit(true, 500), Refusal::None);
  l.direction = CallDirection::In;
  a.set_limits(l, 2000);
  EXPECT_EQ(a.admit(false, 2000), Refusal::Direction);
  a.set_shutdown(true);
  EXPECT_EQ(a.admit(true, 2000), Refusal::ShutDown);
  EXPECT_EQ(a.counters().get(AdmissionCounter::admitted_in), 5u);
  EXPECT_EQ(a.counters().get(AdmissionCounter::refused_rate), 1u);
  EXPECT_EQ(a.counters().get(AdmissionCounter::refused_max_calls), 1u);
  EXPECT_EQ(a.counters().get(AdmissionCounter::refused_direction), 1u);
  EXPECT_EQ(a.counters().get(AdmissionCounter::refused_shutdown), 1u);
}

TEST(Admission, SlotReleasesOnceWhenMovedOrReset) {
  Admission a;
  a.admit(true, 0);
  a.admit(true, 0);
  {
    AdmissionSlot s(&a);
    AdmissionSlot t = std::move(s);
    EXPECT_FALSE(s.held());
    EXPECT_TRUE(t.held());
  }
  EXPECT_EQ(a.active(), 1u);
  AdmissionSlot u(&a);
  u.reset();
  u.reset();
  EXPECT_EQ(a.active(), 0u);
}

// ---- call flows -----------------------------------------------------------------------------
constexpr uint32_t kOwnPc = 200, kFarPc = 100; // we control the even CICs
const char *kAcm = "06161400";
const char *kAnm = "0900";
const char *kRlc = "1000";
// IAM, no CIC: called 2345, calling 5551234 (the number is replaced per test)
const char *kIam = "010020010a00020604021032540a0683135515320400";

std::string rel(uint8_t cause) {
  const char hex[] = "0123456789abcdef";
  return std::string("0c02000280") + hex[(0x80 | cause) >> 4] + hex[(0x80 | cause) & 0xf];
}

// Trunk groups toward one far exchange: "in" (CICs 31-34) brings calls from the PSTN, "a"
// (1-4), "b" (11-14) and "c" (21-24) take them out. Routes: 1 -> a, b, c (from SIP); 2 -> SIP
// peers p1, p2; 7 -> b, c (transit); 8 -> b, then p1 (mixed).
struct Traffic : testing::Test {
  core::SimScheduler sched;
  Wire wire;
  Sip sip;
  Media media;
  std::unique_ptr<CallManager> cm;
  std::string cdr_path;
  std::unique_ptr<CdrWriter> cdr;
  SipPeer p1{"p1", SipProfile::Plain, false}, p2{"p2", SipProfile::Plain, false};
  std::vector<Route> routes;

  void SetUp() override {
    cdr_path = testing::TempDir() + "traffic_cdr_" + std::to_string(::getpid()) + ".csv";
    std::remove(cdr_path.c_str());
    cdr = std::make_unique<CdrWriter>(cdr_path);
    CallManagerConfig cfg;
    cfg.own_point_code = kOwnPc;
    cm = std::make_unique<CallManager>(cfg, sched, wire, sip, cdr.get());
    for (auto [name, first] : {std::pair{"in", 31}, {"a", 1}, {"b", 11}, {"c", 21}})
      cm->add_trunk_group(name, kFarPc, Hunting::Sequential, media)
          .add_range(uint16_t(first), uint16_t(first + 3));
    cm->add_sip_peer(p1);
    cm->add_sip_peer(p2);
    routes = {{"1", 0, "", {tg("a"), tg("b"), tg("c")}},
              {"2", 0, "", {peer("p1"), peer("p2")}},
              {"7", 1, "", {tg("b"), tg("c")}},
              {"8", 1, "", {tg("b"), peer("p1")}}};
    cm->set_routes(routes);
  }
  Route &route(const std::string &prefix) {
    for (auto &r : routes)
      if (r.prefix == prefix)
        return r;
    return routes.front();
  }
  void apply_routes() { cm->set_routes(routes); }

  isup::Message iam(const std::string &called, uint16_t cic) {
    isup::Message m;
    EXPECT_TRUE(isup::decode(*hex_decode(kIam), isup::DecodeOptions{.with_cic = false}, m).status.ok());
    m.cic = cic;
    m.find<isup::CalledPartyNumber>()->address_signals.assign(called);
    return m;
  }
  void rx(const std::string &hex, uint16_t cic) {
    isup::Message m;
    ASSERT_TRUE(isup::decode(*hex_decode(hex), isup::DecodeOptions{.with_cic = false}, m).status.ok());
    m.cic = cic;
    cm->isup_received(kFarPc, m);
  }
  void rx(const isup::Message &m) { cm->isup_received(kFarPc, m); }
  iw::SipCallInfo call_to(const std::string &called) {
    iw::SipCallInfo i;
    i.called = called;
    i.from = "+4940555";
    return i;
  }
  // "IAM@2 REL(34)@11 ..." for what went out, and the wire cleared.
  std::string out() {
    std::string s;
    for (auto &[d, m] : wire.sent) {
      s += (s.empty() ? "" : " ") + std::string(isup::message_acronym(uint8_t(m.type)));
      if (const auto *ci = m.find<isup::CauseIndicators>())
        s += "(" + std::to_string(ci->cause_value) + ")";
      s += "@" + std::to_string(m.cic);
    }
    wire.sent.clear();
    return s;
  }
  std::string media_log() {
    std::string s;
    for (auto &l : media.log)
      s += (s.empty() ? "" : ", ") + l;
    media.log.clear();
    return s;
  }
  void all_idle() {
    EXPECT_EQ(cm->active_calls(), 0u);
    for (auto *g : cm->trunk_groups())
      EXPECT_EQ(g->counts().idle, g->counts().total) << g->name();
    EXPECT_TRUE(media.open.empty());
  }
  // The CDR lines written so far, as the fields of each (the header skipped).
  std::vector<std::vector<std::string>> cdrs() {
    cdr->flush();
    std::ifstream f(cdr_path);
    std::vector<std::vector<std::string>> v;
    std::string line;
    std::getline(f, line);
    while (std::getline(f, line)) {
      std::vector<std::string> fields{""};
      for (char ch : line)
        if (ch == ',')
          fields.emplace_back();
        else
          fields.back() += ch;
      v.push_back(fields);
    }
    return v;
  }
  const Admission &adm(CallManager::EntityKind k, const std::string &n) {
    return *cm->admission(k, n);
  }
};

// CDR columns (cdr.h)
constexpr std::size_t kTrunkGroup = 6, kCic = 7, kCause = 9, kReleasedBy = 11, kAttempts = 16;

TEST_F(Traffic, SipToPstnRel34BeforeAcmAdvancesToTheNextTrunkGroup) {
  Leg a("a");
  cm->sip_invite(a, p1, call_to("12345"), {"v=0 caller", false, {}});
  EXPECT_EQ(out(), "IAM@2");
  rx(rel(34), 2);
  // the failed attempt's circuit is released (RLC), its media freed, the IAM goes to group b
  EXPECT_EQ(out(), "RLC@2 IAM@12");
  EXPECT_EQ(media_log(), "connect 2 +sdp, release 2, connect 12 +sdp");
  EXPECT_EQ(a.take(), ""); // the caller heard nothing of it
  rx(kAcm, 12);
  rx(kAnm, 12);
  EXPECT_EQ(a.take(), "180 200");
  EXPECT_EQ(a.last_body.sdp, "v=0 gw 12");
  cm->sip_bye(a, std::nullopt);
  EXPECT_EQ(out(), "REL(16)@12");
  rx(kRlc, 12);
  all_idle();
  EXPECT_EQ(cm->counters().get(CcCounter::route_advances), 1u);
  const auto rows = cdrs();
  ASSERT_EQ(rows.size(), 1u); // one CDR per call
  EXPECT_EQ(rows[0][kTrunkGroup], "b");
  EXPECT_EQ(rows[0][kCic], "12");
  EXPECT_EQ(rows[0][kReleasedBy], "sip"); // the caller's BYE, not the first attempt's REL
  EXPECT_EQ(rows[0][kAttempts], "2");
}

TEST_F(Traffic, ABusyCalleeEndsTheCallWithoutAdvancing) {
  Leg a("a");
  cm->sip_invite(a, p1, call_to("12345"), {"v=0 caller", false, {}});
  out();
  rx(rel(17), 2);
  EXPECT_EQ(out(), "RLC@2");
  EXPECT_EQ(a.take(), "486/17");
  all_idle();
  EXPECT_EQ(cm->counters().get(CcCounter::route_advances), 0u);
}

TEST_F(Traffic, AReleaseAfterAcmEndsTheCall) {
  Leg a("a");
  cm->sip_invite(a, p1, call_to("12345"), {"v=0 caller", false, {}});
  out();
  rx(kAcm, 2);
  rx(rel(34), 2);
  EXPECT_EQ(out(), "RLC@2");
  EXPECT_EQ(a.take(), "180 503/34");
  all_idle();
}

TEST_F(Traffic, AttemptLimitEndsTheRouteWithTheFirstFailuresCause) {
  route("1").advance.max_attempts = 2;
  apply_routes();
  Leg a("a");
  cm->sip_invite(a, p1, call_to("12345"), {"v=0 caller", false, {}});
  out();
  rx(rel(42), 2);
  EXPECT_EQ(out(), "RLC@2 IAM@12");
  rx(rel(34), 12);
  EXPECT_EQ(out(), "RLC@12"); // group c is never tried: two attempts
  EXPECT_EQ(a.take(), "503/42"); // 42 and 34 are of one class: the earlier attempt's
  all_idle();
  EXPECT_EQ(cm->counters().get(CcCounter::route_attempts_exhausted), 1u);
  EXPECT_EQ(cdrs().at(0)[kAttempts], "2");
  EXPECT_EQ(cdrs().at(0)[kCause], "42");
}

TEST_F(Traffic, TheCallerGetsTheCauseOfHighestPrecedence) {
  // A route that also advances on "user busy": busy at b beats congestion at a and c.
  ASSERT_TRUE(parse_isup_causes("17,34,42", route("1").advance));
  apply_routes();
  Leg a("a");
  cm->sip_invite(a, p1, call_to("12345"), {"v=0 caller", false, {}});
  out();
  rx(rel(34), 2);
  EXPECT_EQ(out(), "RLC@2 IAM@12");
  rx(rel(17), 12);
  EXPECT_EQ(out(), "RLC@12 IAM@22");
  rx(rel(42), 22);
  EXPECT_EQ(out(), "RLC@22");
  EXPECT_EQ(a.take(), "486/17");
  all_idle();
  EXPECT_EQ(cdrs().at(0)[kAttempts], "3");
}

TEST_F(Traffic, SetupTimerEndsTheAttemptInProgress) {
  route("1").advance.setup_timeout_ms = 3000;
  apply_routes();
  Leg a("a");
  cm->sip_invite(a, p1, call_to("12345"), {"v=0 caller", false, {}});
  out();
  sched.advance(1000);
  rx(rel(34), 2);
  EXPECT_EQ(out(), "RLC@2 IAM@12");
  sched.advance(1999);
  EXPECT_EQ(out(), "");
  sched.advance(1); // 3 s after the INVITE: REL 102 on the attempt, the best cause to the caller
  EXPECT_EQ(out(), "REL(102)@12");
  EXPECT_EQ(a.take(), "503/34");
  rx(kRlc, 12);
  all_idle();
  EXPECT_EQ(cm->counters().get(CcCounter::setup_timeouts), 1u);
}

TEST_F(Traffic, SetupTimerStopsAtTheFirstBackwardMessage) {
  route("1").advance.setup_timeout_ms = 3000;
  apply_routes();
  Leg a("a");
  cm->sip_invite(a, p1, call_to("12345"), {"v=0 caller", false, {}});
  rx(kAcm, 2);
  out();
  sched.advance(10'000);
  EXPECT_EQ(out(), "");
  EXPECT_EQ(a.take(), "180");
  cm->sip_cancelled(a);
  EXPECT_EQ(out(), "REL(16)@2");
  rx(kRlc, 2);
  all_idle();
}

TEST_F(Traffic, WeightedRouteSpreadsFirstAttempts) {
  route("1").selection = TargetSelection::Weighted;
  route("1").targets = {tg("a", 3), tg("b", 1)};
  apply_routes();
  std::vector<std::unique_ptr<Leg>> legs;
  std::string groups;
  for (int i = 0; i < 4; ++i) {
    legs.push_back(std::make_unique<Leg>("w" + std::to_string(i)));
    cm->sip_invite(*legs.back(), p1, call_to("12345"), {"v=0 caller", false, {}});
    groups += wire.sent.back().second.cic < 10 ? "a" : "b";
    wire.sent.clear();
  }
  EXPECT_EQ(groups, "aaba");
  for (auto &l : legs)
    cm->sip_cancelled(*l);
  for (auto &[d, m] : std::vector(wire.sent))
    rx(kRlc, m.cic);
  wire.sent.clear();
  all_idle();
}

TEST_F(Traffic, PstnToSip503FromTheFirstPeerAdvancesToTheSecond) {
  rx(iam("2345", 31));
  ASSERT_EQ(sip.peers.size(), 1u);
  EXPECT_EQ(sip.peers[0], "p1");
  cm->sip_failed(*sip.legs[0], 503, std::nullopt);
  ASSERT_EQ(sip.peers.size(), 2u);
  EXPECT_EQ(sip.peers[1], "p2");
  EXPECT_EQ(out(), ""); // no REL toward the caller
  EXPECT_EQ(media_log(), "connect 31"); // the circuit's connection serves the second INVITE too
  EXPECT_EQ(sip.bodies[1].sdp, "v=0 gw 31");
  cm->sip_provisional(*sip.legs[1], 180, {});
  cm->sip_answered(*sip.legs[1], {"v=0 callee", false, {}});
  EXPECT_EQ(out(), "ACM@31 ANM@31");
  rx(rel(16), 31);
  EXPECT_EQ(sip.legs[1]->take(), "BYE/16");
  EXPECT_EQ(out(), "RLC@31");
  all_idle();
  EXPECT_EQ(cdrs().at(0)[kAttempts], "2");
}

TEST_F(Traffic, PstnToSipNoResponseAdvancesAndTheLastFailureEndsTheCall) {
  rx(iam("2345", 31));
  cm->sip_failed(*sip.legs[0], 408, std::nullopt, true); // Timer B
  ASSERT_EQ(sip.peers.size(), 2u);
  cm->sip_failed(*sip.legs[1], 500, std::nullopt);
  EXPECT_EQ(out(), "REL(41)@31"); // 408 -> 102 and 500 -> 41: the resource class prevails
  rx(kRlc, 31);
  all_idle();
}

TEST_F(Traffic, PstnToSipBusyDoesNotAdvance) {
  rx(iam("2345", 31));
  cm->sip_failed(*sip.legs[0], 486, std::nullopt);
  EXPECT_EQ(sip.peers.size(), 1u);
  EXPECT_EQ(out(), "REL(17)@31");
  rx(kRlc, 31);
  all_idle();
}

TEST_F(Traffic, TransitRel34AdvancesToTheNextTrunkGroup) {
  rx(iam("7123", 31));
  EXPECT_EQ(out(), "IAM@12");
  rx(rel(34), 12);
  EXPECT_EQ(out(), "RLC@12 IAM@22");
  EXPECT_EQ(media_log(), "connect 31, connect 12 +sdp, modify 31, release 12, connect 22 +sdp, "
                         "modify 31");
  rx(kAcm, 22);
  rx(kAnm, 22);
  EXPECT_EQ(out(), "ACM@31 ANM@31");
  rx(rel(16), 31);
  EXPECT_EQ(out(), "RLC@31 REL(16)@22");
  rx(kRlc, 22);
  all_idle();
  const auto rows = cdrs();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][kAttempts], "2");
  EXPECT_EQ(rows[0][kReleasedBy], "pstn"); // the caller's REL
  EXPECT_EQ(rows[0][14], "c"); // trunk_group_out: the last attempt's
}

TEST_F(Traffic, MixedRouteFromTrunkGroupToSipPeer) {
  rx(iam("8123", 31));
  EXPECT_EQ(out(), "IAM@12");
  rx(rel(42), 12);
  EXPECT_EQ(out(), "RLC@12");
  ASSERT_EQ(sip.peers.size(), 1u);
  EXPECT_EQ(sip.peers[0], "p1");
  EXPECT_EQ(sip.invites[0].called, "123");
  cm->sip_answered(*sip.legs[0], {"v=0 callee", false, {}});
  EXPECT_EQ(out(), "CON@31");
  cm->sip_bye(*sip.legs[0], std::nullopt);
  EXPECT_EQ(out(), "REL(16)@31");
  rx(kRlc, 31);
  all_idle();
  EXPECT_EQ(cdrs().at(0)[3], "pstn-to-sip");
}

// ---- call admission ---------------------------------------------------------------------------
using Kind = CallManager::EntityKind;

TEST_F(Traffic, TrunkGroupOverItsCallLimitIsSkippedLikeABusyOne) {
  AdmissionLimits l;
  l.max_calls = 1;
  cm->set_trunk_group_admission("a", l);
  Leg x("x"), y("y");
  cm->sip_invite(x, p1, call_to("12345"), {"v=0", false, {}});
  cm->sip_invite(y, p2, call_to("12345"), {"v=0", false, {}});
  EXPECT_EQ(out(), "IAM@2 IAM@12");
  EXPECT_EQ(adm(Kind::TrunkGroup, "a").counters().get(AdmissionCounter::refused_max_calls), 1u);
  EXPECT_EQ(adm(Kind::TrunkGroup, "a").active(), 1u);
  cm->sip_cancelled(x);
  cm->sip_cancelled(y);
  rx(kRlc, 2);
  rx(kRlc, 12);
  out();
  all_idle();
  EXPECT_EQ(adm(Kind::TrunkGroup, "a").active(), 0u);
  EXPECT_EQ(adm(Kind::TrunkGroup, "b").active(), 0u);
}

TEST_F(Traffic, DirectionOfATrunkGroup) {
  AdmissionLimits in_only;
  in_only.direction = CallDirection::In;
  cm->set_trunk_group_admission("a", in_only);
  Leg x("x");
  cm->sip_invite(x, p1, call_to("12345"), {"v=0", false, {}});
  EXPECT_EQ(out(), "IAM@12"); // a takes no calls to it
  AdmissionLimits out_only;
  out_only.direction = CallDirection::Out;
  cm->set_trunk_group_admission("in", out_only);
  rx(iam("2345", 31));
  EXPECT_EQ(out(), "REL(34)@31"); // in takes no calls from it
  EXPECT_TRUE(sip.legs.empty());
  rx(kRlc, 31);
  cm->sip_cancelled(x);
  rx(kRlc, 12);
  out();
  all_idle();
  EXPECT_EQ(cm->counters().get(CcCounter::refused_admission_isup), 1u);
}

TEST_F(Traffic, CallRateOfATrunkGroupOnSimulatedTime) {
  AdmissionLimits l;
  l.calls_per_second = 2;
  l.burst = 2;
  cm->set_trunk_group_admission("in", l);
  rx(iam("2345", 31));
  rx(iam("2345", 32));
  rx(iam("2345", 33));
  EXPECT_EQ(out(), "REL(34)@33"); // the third within the burst's second
  EXPECT_EQ(sip.legs.size(), 2u);
  rx(kRlc, 33);
  sched.advance(499);
  rx(iam("2345", 33));
  EXPECT_EQ(out(), "REL(34)@33");
  rx(kRlc, 33);
  sched.advance(1);
  rx(iam("2345", 33));
  EXPECT_EQ(out(), "");
  EXPECT_EQ(sip.legs.size(), 3u);
  for (auto &l2 : sip.legs)
    cm->sip_failed(*l2, 486, std::nullopt);
  for (auto &[d, m] : std::vector(wire.sent))
    rx(kRlc, m.cic);
  wire.sent.clear();
  all_idle();
  EXPECT_EQ(adm(Kind::TrunkGroup, "in").counters().get(AdmissionCounter::refused_rate), 2u);
}

TEST_F(Traffic, InvitesOverAPeersOrRoutesLimitsAreRefusedBeforeAnyCall) {
  AdmissionLimits l;
  l.max_calls = 1;
  cm->set_sip_peer_admission("p1", l);
  EXPECT_TRUE(cm->sip_admission_configured());
  EXPECT_EQ(cm->check_invite("p1", "12345").refusal, Refusal::None);
  Leg x("x");
  cm->sip_invite(x, p1, call_to("12345"), {"v=0", false, {}});
  const auto v = cm->check_invite("p1", "12345");
  EXPECT_EQ(v.refusal, Refusal::MaxCalls);
  EXPECT_EQ(v.retry_after_s, 1u);
  EXPECT_EQ(v.what, "sip peer p1");
  EXPECT_EQ(cm->check_invite("p2", "12345").refusal, Refusal::None);
  // a route's rate: 1 per second
  route("1").admission.calls_per_second = 1;
  apply_routes();
  Leg y("y");
  cm->sip_invite(y, p2, call_to("12345"), {"v=0", false, {}});
  const auto r = cm->check_invite("p2", "12345");
  EXPECT_EQ(r.refusal, Refusal::Rate);
  EXPECT_EQ(r.what, "route 1");
  EXPECT_EQ(r.retry_after_s, 1u);
  // one that gets through the SIP side anyway is refused by call control: 503, cause 34
  Leg z("z");
  cm->sip_invite(z, p2, call_to("12345"), {"v=0", false, {}});
  EXPECT_EQ(z.take(), "503/34");
  // a peer that takes calls only to it
  AdmissionLimits out_only;
  out_only.direction = CallDirection::Out;
  cm->set_sip_peer_admission("p2", out_only);
  EXPECT_EQ(cm->check_invite("p2", "999").refusal, Refusal::Direction);
  EXPECT_TRUE(cm->check_invite("p2", "999").forbidden);
  cm->sip_cancelled(x);
  cm->sip_cancelled(y);
  for (auto &[d, m] : std::vector(wire.sent))
    if (m.type == MessageType::Rel)
      rx(kRlc, m.cic);
  wire.sent.clear();
  all_idle();
  EXPECT_EQ(adm(Kind::SipPeer, "p1").active(), 0u);
  EXPECT_EQ(adm(Kind::Route, "1").active(), 0u);
}

TEST_F(Traffic, InviteRefusedWhenEveryTrunkGroupOfTheRouteIsOverItsLimits) {
  AdmissionLimits l;
  l.max_calls = 1;
  for (const char *g : {"a", "b", "c"})
    cm->set_trunk_group_admission(g, l);
  std::vector<std::unique_ptr<Leg>> legs;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(cm->check_invite("p1", "12345").refusal, Refusal::None) << i;
    legs.push_back(std::make_unique<Leg>("t" + std::to_string(i)));
    cm->sip_invite(*legs.back(), p1, call_to("12345"), {"v=0", false, {}});
  }
  EXPECT_EQ(out(), "IAM@2 IAM@12 IAM@22");
  const auto v = cm->check_invite("p1", "12345");
  EXPECT_EQ(v.refusal, Refusal::MaxCalls);
  EXPECT_FALSE(v.forbidden);
  EXPECT_EQ(v.retry_after_s, 1u);
  EXPECT_EQ(v.what, "every trunk group of route 1");
  // a was over its limit for the second and third call (skipped) and for this INVITE
  EXPECT_EQ(adm(Kind::TrunkGroup, "a").counters().get(AdmissionCounter::refused_max_calls), 3u);
  EXPECT_EQ(adm(Kind::TrunkGroup, "c").counters().get(AdmissionCounter::refused_max_calls), 1u);
  for (auto &leg : legs)
    cm->sip_cancelled(*leg);
  for (uint16_t k : {2, 12, 22})
    rx(kRlc, k);
  out();
  all_idle();
}

TEST_F(Traffic, PeerOverItsLimitIsSkippedForCallsToSip) {
  AdmissionLimits l;
  l.max_calls = 1;
  cm->set_sip_peer_admission("p1", l);
  rx(iam("2345", 31));
  rx(iam("2345", 32));
  ASSERT_EQ(sip.peers.size(), 2u);
  EXPECT_EQ(sip.peers[0], "p1");
  EXPECT_EQ(sip.peers[1], "p2"); // p1 has its one call
  for (auto &leg : sip.legs)
    cm->sip_failed(*leg, 486, std::nullopt);
  rx(kRlc, 31);
  rx(kRlc, 32);
  out();
  all_idle();
}

// ---- dry-up -----------------------------------------------------------------------------------
TEST_F(Traffic, DryUpLetsTheCallUpFinishThenBlocksTheCircuits) {
  Leg x("x");
  cm->sip_invite(x, p1, call_to("12345"), {"v=0", false, {}});
  rx(kAcm, 2);
  rx(kAnm, 2);
  out();
  ASSERT_TRUE(cm->shutdown_trunk_group("a", true));
  EXPECT_EQ(out(), ""); // a call is up: nothing blocked yet
  EXPECT_EQ(cm->dry_up_state("a"), "draining (1 calls up)");
  // new calls: routed past a, and an IAM on a refused
  Leg y("y");
  cm->sip_invite(y, p1, call_to("12345"), {"v=0", false, {}});
  EXPECT_EQ(out(), "IAM@12");
  rx(iam("2345", 3));
  EXPECT_EQ(out(), "REL(34)@3");
  rx(kRlc, 3);
  cm->sip_cancelled(y);
  rx(kRlc, 12);
  out();
  // the call up ends: the circuits of a are blocked (CGB, maintenance)
  cm->sip_bye(x, std::nullopt);
  EXPECT_EQ(out(), "REL(16)@2");
  rx(kRlc, 2);
  const isup::Message cgb = wire.sent.at(0).second;
  EXPECT_EQ(out(), "CGB@1");
  ASSERT_TRUE(cgb.find<isup::RangeAndStatus>());
  EXPECT_EQ(cgb.find<isup::RangeAndStatus>()->range, 3);
  EXPECT_EQ(cm->dry_up_state("a"), "shut down, circuits blocked");
  EXPECT_EQ(cm->trunk_group("a")->counts().blocked, 4u);
  // no shutdown: unblocked (CGU)
  ASSERT_TRUE(cm->shutdown_trunk_group("a", false));
  EXPECT_EQ(out(), "CGU@1");
  EXPECT_EQ(cm->trunk_group("a")->counts().blocked, 0u);
  EXPECT_EQ(cm->dry_up_state("a"), "in service");
  all_idle();
  EXPECT_EQ(cm->counters().get(CcCounter::dry_up_blocks), 1u);
}

TEST_F(Traffic, DryUpTimeoutReleasesTheCallsUp) {
  Leg x("x");
  cm->sip_invite(x, p1, call_to("12345"), {"v=0", false, {}});
  rx(kAcm, 2);
  rx(kAnm, 2);
  out();
  x.take();
  ASSERT_TRUE(cm->shutdown_trunk_group("a", true, 5000));
  sched.advance(4999);
  EXPECT_EQ(out(), "");
  sched.advance(1);
  EXPECT_EQ(out(), "REL(31)@2");
  EXPECT_EQ(x.take(), "BYE/31");
  rx(kRlc, 2);
  EXPECT_EQ(out(), "CGB@1");
  EXPECT_EQ(cm->counters().get(CcCounter::dry_up_releases), 1u);
  all_idle();
}

TEST_F(Traffic, ASipPeerShutDownIsSkippedAndRefusesNewInvites) {
  cm->shutdown_sip_peer("p1", true);
  EXPECT_EQ(cm->check_invite("p1", "12345").refusal, Refusal::ShutDown);
  EXPECT_EQ(cm->check_invite("p1", "12345").retry_after_s, 30u);
  rx(iam("2345", 31));
  ASSERT_EQ(sip.peers.size(), 1u);
  EXPECT_EQ(sip.peers[0], "p2");
  cm->sip_failed(*sip.legs[0], 486, std::nullopt);
  rx(kRlc, 31);
  out();
  cm->shutdown_sip_peer("p1", false);
  EXPECT_EQ(cm->check_invite("p1", "12345").refusal, Refusal::None);
  all_idle();
}

// Issue 14 item 5: a peer its OPTIONS keepalive found down (RFC 3261 §11) is skipped by route
// advance: the route's second peer takes the call, and one up again is tried first again.
TEST_F(Traffic, ASipPeerDownByKeepaliveIsSkippedForTheNextPeer) {
  cm->sip_peer_states().set_down("p1", true);
  rx(iam("2345", 31));
  ASSERT_EQ(sip.peers.size(), 1u);
  EXPECT_EQ(sip.peers[0], "p2");
  EXPECT_EQ(cm->counters().get(CcCounter::targets_skipped), 1u);
  EXPECT_EQ(cm->sip_peer_states().skipped_count("p1"), 1u);
  cm->sip_provisional(*sip.legs[0], 180, {});
  cm->sip_answered(*sip.legs[0], {"v=0 callee", false, {}});
  EXPECT_EQ(out(), "ACM@31 ANM@31");
  rx(rel(16), 31);
  EXPECT_EQ(sip.legs[0]->take(), "BYE/16");
  EXPECT_EQ(out(), "RLC@31");
  EXPECT_EQ(cdrs().at(0)[kAttempts], "1"); // a skipped peer is no attempt
  // up again: the first target again
  cm->sip_peer_states().set_down("p1", false);
  rx(iam("2345", 32));
  ASSERT_EQ(sip.peers.size(), 2u);
  EXPECT_EQ(sip.peers[1], "p1");
  cm->sip_failed(*sip.legs[1], 486, std::nullopt);
  EXPECT_EQ(out(), "REL(17)@32");
  rx(kRlc, 32);
  all_idle();
}

// Every peer of the route down: the IAM is refused with cause 27, destination out of order
// (Q.850: the interface to the destination is not functioning), no INVITE sent.
TEST_F(Traffic, EveryPeerOfTheRouteDownRefusesTheCallWithCause27) {
  cm->sip_peer_states().set_down("p1", true);
  cm->sip_peer_states().set_down("p2", true);
  rx(iam("2345", 31));
  EXPECT_TRUE(sip.peers.empty());
  EXPECT_EQ(out(), "REL(27)@31");
  rx(kRlc, 31);
  all_idle();
  EXPECT_EQ(cm->counters().get(CcCounter::targets_skipped), 2u);
  EXPECT_EQ(cdrs().at(0)[kCause], "27");
}

} // namespace
