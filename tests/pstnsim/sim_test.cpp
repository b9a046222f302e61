// Two pstn-sim exchanges back to back on simulated time (no sockets): every ISUP message is
// encoded, carried with 1 ms of delay and decoded again, so the codec, call control's Q.764
// half-calls and its circuit supervision run as they do in the process. Each test checks both
// summaries and that every circuit is idle at the end.
#include "core/hex.h"
#include "core/sim_scheduler.h"
#include "gateway/pstnsim/config.h"
#include "gateway/pstnsim/sim.h"
#include "isup/codec.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

using namespace mgc;
using namespace mgc::pstnsim;

namespace {

struct Wire : cc::IsupSender {
  cc::Scheduler *sched = nullptr;
  Sim *peer = nullptr;
  uint32_t opc = 0;
  int64_t delay = 1;
  uint64_t carried = 0;
  std::vector<std::string> sent; // each message as hex, without its CIC (ITU: two octets)
  bool drop = false;
  isup::Variant variant = isup::Variant::Itu;
  void send(uint32_t, const isup::Message &m) override {
    std::vector<uint8_t> bytes;
    isup::EncodeOptions o;
    o.variant = variant;
    const auto st = isup::encode(m, o, bytes);
    ASSERT_TRUE(st.ok()) << st.detail();
    ++carried;
    sent.push_back(hex_encode(std::span<const uint8_t>(bytes).subspan(2)));
    if (drop)
      return;
    sched->start(delay, [this, bytes, o] {
      isup::Message d;
      const auto r = isup::decode(bytes, o, d);
      // a parameter the codec does not know, to be processed as Q.764 §2.9.5.3 says, is fine
      ASSERT_TRUE(r.status.ok() || r.action == isup::Action::Process) << r.status.detail();
      peer->receive(opc, d);
    });
  }
};

SimConfig exchange(uint32_t own, uint32_t dpc) {
  SimConfig c;
  c.own_pc = own;
  c.dpc = dpc;
  c.cic_ranges = {{1, 31}};
  c.timers.set(cc::IsupTimer::T9, 1000, true);
  c.timers.set(cc::IsupTimer::T7, 2000, true);
  c.timers.set(cc::IsupTimer::T35, 500, true);
  return c;
}

Rule rule(std::string prefix, RuleAction a) {
  Rule r;
  r.prefix = std::move(prefix);
  r.action = a;
  return r;
}

struct PstnSimPair : ::testing::Test {
  core::SimScheduler sched;
  Wire ab, ba;
  std::unique_ptr<Sim> a, b;
  SimConfig ca = exchange(1, 2), cb = exchange(2, 1);

  void start() {
    a = std::make_unique<Sim>(ca, sched, ab);
    b = std::make_unique<Sim>(cb, sched, ba);
    ab.sched = ba.sched = &sched;
    ab.peer = b.get();
    ab.opc = 1;
    ba.peer = a.get();
    ba.opc = 2;
    a->destination(true);
    b->destination(true);
  }
  void run(uint64_t ms) { sched.advance(int64_t(ms)); }
  static OriginateConfig calls(std::string called, uint32_t total, std::vector<uint8_t> ok = {16}) {
    OriginateConfig o;
    o.called = std::move(called);
    o.calling = "4441000";
    o.rate = 50;
    o.total = total;
    o.hold_ms = 100;
    o.expect_causes = std::move(ok);
    return o;
  }
  void expect_idle() {
    EXPECT_TRUE(a->busy_circuits().empty()) << a->summary_text();
    EXPECT_TRUE(b->busy_circuits().empty()) << b->summary_text();
    EXPECT_EQ(a->active_calls(), 0u);
    EXPECT_EQ(b->active_calls(), 0u);
    EXPECT_FALSE(a->supervision_pending());
    EXPECT_FALSE(b->supervision_pending());
  }
  static uint64_t get(const std::map<std::string, uint64_t> &m, const std::string &k) {
    auto it = m.find(k);
    return it == m.end() ? 0 : it->second;
  }
  static uint64_t get(const std::map<uint8_t, uint64_t> &m, uint8_t k) {
    auto it = m.find(k);
    return it == m.end() ? 0 : it->second;
  }
};

TEST_F(PstnSimPair, AnsweredCallsBothSummaries) {
  Rule r = rule("", RuleAction::Answer);
  r.answer_after_ms = 50;
  cb.rules = {r};
  start();
  a->originate_start(calls("5551234", 10));
  run(3000);
  const Summary &sa = a->summary(), &sb = b->summary();
  EXPECT_EQ(sa.calls_originated, 10u);
  EXPECT_EQ(sa.calls_answered, 10u);
  EXPECT_EQ(sa.calls_failed, 0u);
  EXPECT_EQ(get(sa.released_outgoing, 16), 10u);
  EXPECT_EQ(sb.calls_offered, 10u);
  EXPECT_EQ(sb.calls_answered, 10u);
  EXPECT_EQ(get(sb.released_incoming, 16), 10u);
  for (const char *t : {"IAM", "REL"})
    EXPECT_EQ(get(sa.sent, t), 10u) << t;
  for (const char *t : {"ACM", "ANM", "RLC"}) {
    EXPECT_EQ(get(sa.received, t), 10u) << t;
    EXPECT_EQ(get(sb.sent, t), 10u) << t;
  }
  EXPECT_TRUE(sa.unexpected.empty());
  EXPECT_TRUE(sb.unexpected.empty());
  expect_idle();
  EXPECT_NE(a->summary_text().find("released.outgoing.cause.16           10"), std::string::npos)
      << a->summary_text();
}

TEST_F(PstnSimPair, AnsiVariantCalls) {
  ca.variant = cb.variant = isup::Variant::Ansi;
  ca.cic_ranges = cb.cic_ranges = {{5000, 5009}}; // 14-bit CICs (T1.113)
  ab.variant = ba.variant = isup::Variant::Ansi;
  start();
  a->originate_start(calls("2125551234", 5));
  run(2000);
  EXPECT_EQ(a->summary().calls_answered, 5u) << a->summary_text() << b->summary_text();
  EXPECT_EQ(b->summary().calls_offered, 5u);
  EXPECT_EQ(a->summary().calls_failed, 0u);
  expect_idle();
}

// The message log of one call of each kind, as a lab engineer reads it, against golden files
// (tests/pstnsim/golden/): a change in what goes on the wire shows up as a diff.
TEST_F(PstnSimPair, GoldenLadders) {
  Rule cpg = rule("33", RuleAction::Answer);
  cpg.cpg = CpgKind::Progress;
  cpg.in_band = true;
  cpg.answer_after_ms = 100;
  Rule rel = rule("21", RuleAction::Release);
  rel.cause = 21;
  cb.rules = {cpg, rel, rule("17", RuleAction::Busy), rule("19", RuleAction::NoAnswer)};
  ca.log_messages = cb.log_messages = true;
  start();
  std::string ladder;
  a->set_log([&](const std::string &l) { ladder += "A " + l + "\n"; });
  b->set_log([&](const std::string &l) { ladder += "B " + l + "\n"; });
  for (const char *called : {"3300", "2100", "1700", "1900"}) {
    ladder += "-- call to " + std::string(called) + "\n";
    a->set_originate(calls(called, 1));
    ASSERT_TRUE(a->originate_one());
    run(3000);
  }
  ladder += "-- maintenance\n";
  a->grs(1, 3);
  run(50);
  a->cgb(5, 1, true);
  run(50);
  a->cgu(5, 1, true);
  run(50);
  const std::string path = std::string(MGC_TEST_DATA) + "/pstnsim/golden/ladders.txt";
  if (std::getenv("MGC_UPDATE_GOLDEN")) {
    std::ofstream(path) << ladder;
    GTEST_SKIP() << "golden file written";
  }
  std::ifstream f(path);
  ASSERT_TRUE(f) << path;
  const std::string want((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(ladder, want);
  expect_idle();
}

TEST_F(PstnSimPair, BusyRejectsWithCause17) {
  cb.rules = {rule("", RuleAction::Answer), rule("17", RuleAction::Busy)};
  start();
  a->originate_start(calls("17000", 5, {17}));
  run(2000);
  EXPECT_EQ(get(a->summary().released_outgoing, 17), 5u);
  EXPECT_EQ(a->summary().calls_failed, 0u);
  EXPECT_EQ(get(b->summary().released_incoming, 17), 5u);
  EXPECT_EQ(b->summary().calls_answered, 0u);
  EXPECT_EQ(get(b->summary().sent, "REL"), 5u);
  expect_idle();
}

TEST_F(PstnSimPair, BusyNotExpectedCountsAsFailed) {
  cb.rules = {rule("", RuleAction::Busy)};
  start();
  a->originate_start(calls("17000", 3)); // only 16 expected
  run(2000);
  EXPECT_EQ(a->summary().calls_failed, 3u);
  expect_idle();
}

TEST_F(PstnSimPair, NoAnswerEndsOnT9WithCause19) {
  cb.rules = {rule("19", RuleAction::NoAnswer)};
  start();
  a->originate_start(calls("1900", 2, {19}));
  run(3000);
  EXPECT_EQ(get(a->summary().received, "ACM"), 2u);
  EXPECT_EQ(get(a->summary().received, "ANM"), 0u);
  EXPECT_EQ(get(a->summary().released_outgoing, 19), 2u); // Q.764 T9 expiry, cause 19
  EXPECT_EQ(get(b->summary().released_incoming, 19), 2u);
  EXPECT_EQ(a->summary().calls_failed, 0u);
  expect_idle();
}

TEST_F(PstnSimPair, ReleaseWithConfiguredCause) {
  Rule r = rule("21", RuleAction::Release);
  r.cause = 21;
  cb.rules = {r};
  start();
  a->originate_start(calls("2100", 4, {21}));
  run(2000);
  EXPECT_EQ(get(a->summary().released_outgoing, 21), 4u);
  EXPECT_EQ(get(b->summary().released_incoming, 21), 4u);
  expect_idle();
}

TEST_F(PstnSimPair, CpgProgressBeforeAnswer) {
  Rule r = rule("", RuleAction::Answer);
  r.cpg = CpgKind::Progress;
  r.in_band = true;
  r.answer_after_ms = 200;
  cb.rules = {r};
  start();
  a->originate_start(calls("3300", 3));
  run(2000);
  EXPECT_EQ(get(a->summary().received, "CPG"), 3u);
  EXPECT_EQ(get(a->summary().received, "ANM"), 3u);
  EXPECT_EQ(a->summary().calls_answered, 3u);
  expect_idle();
}

// Configured octets (`iam HEX`, `message acm HEX` ...) go out as they are, CIC aside: the
// captured IAM of isup.cap (tests/isup/vectors) and backward messages with a parameter unknown
// to the codec (0xf6) and its compatibility information (tests/mgcd/data/SOURCE.md).
TEST_F(PstnSimPair, ConfiguredOctetsGoOutAsTheyAre) {
  const std::string iam = "0100a0010a02020705819084190f0a070317933393798008018003057c038890a6"
                          "1d038890a6310200643f06039300060010f4056476c328813902f49000";
  const std::map<isup::MessageType, std::string> back = {
      {isup::MessageType::Acm, "0604240129010103041e028288f6030102033902f69000"},
      {isup::MessageType::Cpg, "2c02011102042429010103041e028288f6030405063902f69000"},
      {isup::MessageType::Anm, "090111020424f60207083902f69000"},
      {isup::MessageType::Rel, "0c0204028090f6020a0b3902f69000"}};
  Rule r = rule("", RuleAction::Answer);
  r.cpg = CpgKind::Progress;
  r.answer_after_ms = 100;
  r.hangup_after_ms = 100;
  for (const auto &[t, h] : back)
    r.messages[t] = *hex_decode(h);
  cb.rules = {r};
  start();
  OriginateConfig o = calls("4891", 1);
  o.iam = *hex_decode(iam);
  o.hold_ms = 0;
  a->originate_start(o);
  run(2000);
  ASSERT_FALSE(ab.sent.empty());
  EXPECT_EQ(ab.sent[0], iam);
  std::vector<std::string> expect;
  for (auto t : {isup::MessageType::Acm, isup::MessageType::Cpg, isup::MessageType::Anm,
                 isup::MessageType::Rel})
    expect.push_back(back.at(t));
  EXPECT_EQ(ba.sent, expect);
  EXPECT_EQ(get(a->summary().released_outgoing, 16), 1u);
  expect_idle();
}

TEST_F(PstnSimPair, CalledPartyHangsUpAfterAnswer) {
  Rule r = rule("", RuleAction::Answer);
  r.hangup_after_ms = 50;
  cb.rules = {r};
  start();
  OriginateConfig o = calls("4400", 3);
  o.hold_ms = 0; // the caller waits for the far end
  a->originate_start(o);
  run(2000);
  EXPECT_EQ(get(b->summary().sent, "REL"), 3u);
  EXPECT_EQ(get(a->summary().sent, "RLC"), 3u);
  EXPECT_EQ(get(a->summary().released_outgoing, 16), 3u);
  expect_idle();
}

TEST_F(PstnSimPair, OverlapSamCompletesTheNumber) {
  Rule r = rule("555", RuleAction::Answer);
  r.expect_digits = 7;
  cb.rules = {r, rule("", RuleAction::Busy)};
  start();
  OriginateConfig o = calls("5551234", 2);
  o.sam_digits = 3;
  a->originate_start(o);
  run(2000);
  EXPECT_EQ(get(a->summary().sent, "SAM"), 2u);
  EXPECT_EQ(get(b->summary().received, "SAM"), 2u);
  EXPECT_EQ(b->summary().calls_answered, 2u);
  EXPECT_EQ(a->summary().calls_failed, 0u);
  expect_idle();
}

TEST_F(PstnSimPair, IncompleteNumberReleasedOnT35) {
  Rule r = rule("", RuleAction::Answer);
  r.expect_digits = 10;
  cb.rules = {r};
  start();
  a->originate_start(calls("5551234", 1, {28}));
  run(3000);
  EXPECT_EQ(get(b->summary().released_incoming, 28), 1u); // Q.764 §2.1.2.2: cause 28
  EXPECT_EQ(get(a->summary().released_outgoing, 28), 1u);
  expect_idle();
}

TEST_F(PstnSimPair, SuspendThenResumeAfterAnswer) {
  Rule r = rule("", RuleAction::Answer);
  r.suspend_after_ms = 100;
  r.resume_after_ms = 200;
  r.hangup_after_ms = 1000;
  cb.rules = {r};
  start();
  OriginateConfig o = calls("6600", 2);
  o.hold_ms = 0;
  a->originate_start(o);
  run(3000);
  EXPECT_EQ(get(a->summary().received, "SUS"), 2u); // Q.764 §2.5, network initiated
  EXPECT_EQ(get(a->summary().received, "RES"), 2u);
  EXPECT_EQ(get(a->summary().released_outgoing, 16), 2u);
  EXPECT_EQ(a->summary().calls_failed, 0u);
  expect_idle();
}

TEST_F(PstnSimPair, SuspendWithoutResumeEndsOnT6) {
  Rule r = rule("", RuleAction::Answer);
  r.suspend_after_ms = 100;
  cb.rules = {r};
  start();
  OriginateConfig o = calls("6600", 1, {102});
  o.hold_ms = 0;
  a->originate_start(o);
  run(35000); // T6 30 s
  EXPECT_EQ(get(a->summary().received, "SUS"), 1u);
  EXPECT_EQ(get(a->summary().released_outgoing, 102), 1u);
  EXPECT_EQ(a->summary().calls_failed, 0u);
  expect_idle();
}

TEST_F(PstnSimPair, ContinuityCheckOnTheCircuit) {
  cb.rules = {rule("", RuleAction::Answer)};
  start();
  OriginateConfig o = calls("7700", 2);
  o.continuity_check = true;
  a->originate_start(o);
  run(3000);
  EXPECT_EQ(get(a->summary().sent, "COT"), 2u);
  EXPECT_EQ(b->summary().continuity_loops, 2u); // Q.764 §2.1.8: looped until the COT
  EXPECT_EQ(b->summary().calls_answered, 2u);
  EXPECT_EQ(a->summary().calls_failed, 0u);
  expect_idle();
}

TEST_F(PstnSimPair, GrsFromASeenByB) {
  start();
  ASSERT_TRUE(a->grs(1, 29));
  run(100);
  EXPECT_EQ(get(a->summary().sent, "GRS"), 1u);
  EXPECT_EQ(get(b->summary().received, "GRS"), 1u);
  EXPECT_EQ(get(b->summary().sent, "GRA"), 1u);
  EXPECT_EQ(get(a->summary().received, "GRA"), 1u);
  EXPECT_GE(b->summary().maintenance_events, 2u);
  EXPECT_NE(b->summary_text().find("maintenance.event rx GRS cic 1 range 29"), std::string::npos)
      << b->summary_text();
  expect_idle();
}

TEST_F(PstnSimPair, GrsDuringCallsClearsThem) {
  Rule r = rule("", RuleAction::NoAnswer);
  cb.rules = {r};
  ca.timers.set(cc::IsupTimer::T9, 60000, true);
  start();
  a->originate_start(calls("1000", 3));
  run(200);
  EXPECT_EQ(b->active_calls(), 3u);
  ASSERT_TRUE(a->grs(1, 30));
  run(200);
  EXPECT_EQ(get(b->summary().released_incoming, 41), 3u); // reset: temporary failure
  EXPECT_EQ(get(a->summary().released_outgoing, 41), 3u);
  expect_idle();
}

TEST_F(PstnSimPair, CgbBlocksAndCguUnblocks) {
  start();
  ASSERT_TRUE(a->cgb(1, 3, false));
  run(100);
  EXPECT_EQ(get(b->summary().received, "CGB"), 1u);
  EXPECT_EQ(get(a->summary().received, "CGBA"), 1u);
  EXPECT_EQ(b->blocked_circuits(), (std::vector<uint16_t>{1, 2, 3, 4}));
  EXPECT_EQ(a->blocked_circuits(), (std::vector<uint16_t>{1, 2, 3, 4}));
  // B may not seize circuits A blocked: its call goes out on CIC 5 (or later).
  b->set_originate(calls("1000", 1));
  ASSERT_TRUE(b->originate_one());
  EXPECT_GE(b->calls().front().cic, 5);
  run(500);
  ASSERT_TRUE(a->cgu(1, 3, true)); // hardware unblocking does not lift a maintenance block
  run(100);
  EXPECT_EQ(b->blocked_circuits().size(), 4u);
  ASSERT_TRUE(a->cgu(1, 3, false));
  run(100);
  EXPECT_TRUE(a->blocked_circuits().empty());
  EXPECT_TRUE(b->blocked_circuits().empty());
  EXPECT_EQ(get(a->summary().received, "CGUA"), 2u);
  expect_idle();
}

TEST_F(PstnSimPair, BloUblAndRsc) {
  start();
  ASSERT_TRUE(a->blo(7));
  run(50);
  EXPECT_EQ(get(a->summary().received, "BLA"), 1u);
  EXPECT_EQ(b->blocked_circuits(), std::vector<uint16_t>{7});
  ASSERT_TRUE(a->ubl(7));
  run(50);
  EXPECT_EQ(get(a->summary().received, "UBA"), 1u);
  EXPECT_TRUE(b->blocked_circuits().empty());
  ASSERT_TRUE(a->rsc(9));
  run(50);
  EXPECT_EQ(get(b->summary().received, "RSC"), 1u);
  EXPECT_EQ(get(a->summary().received, "RLC"), 1u);
  EXPECT_FALSE(a->blo(999)); // not ours
  expect_idle();
}

TEST_F(PstnSimPair, DualSeizureResolved) {
  // Both exchanges seize CIC 1 at once (Q.764 §2.9.1.4): the one with the higher point code
  // controls the even circuits; the loser repeats its call on another circuit. Odd circuits
  // only, so that B (which controls none of them) hunts the one A takes.
  ca.cic_ranges = cb.cic_ranges = {{1, 1}, {3, 3}};
  start();
  a->set_originate(calls("1000", 1));
  b->set_originate(calls("2000", 1));
  ASSERT_TRUE(a->originate_one());
  ASSERT_TRUE(b->originate_one());
  run(2000);
  EXPECT_EQ(a->summary().dual_seizures + b->summary().dual_seizures, 2u);
  EXPECT_EQ(a->summary().calls_reattempted + b->summary().calls_reattempted, 1u);
  EXPECT_EQ(a->summary().calls_answered + b->summary().calls_answered, 4u);
  EXPECT_EQ(a->summary().calls_failed + b->summary().calls_failed, 0u);
  expect_idle();
}

TEST_F(PstnSimPair, UnknownCicGetsUcic) {
  start();
  isup::Message m;
  m.type = isup::MessageType::Blo;
  m.cic = 500;
  b->receive(1, m);
  run(50);
  EXPECT_EQ(get(b->summary().sent, "UCIC"), 1u);
  EXPECT_EQ(get(b->summary().unexpected, "unknown-cic"), 1u);
}

TEST_F(PstnSimPair, NoIdleCircuitCountsAsFailure) {
  ca.cic_ranges = {{1, 2}};
  cb.cic_ranges = {{1, 2}};
  cb.rules = {rule("", RuleAction::NoAnswer)};
  ca.timers.set(cc::IsupTimer::T9, 60000, true);
  start();
  a->set_originate(calls("1000", 3));
  EXPECT_TRUE(a->originate_one());
  EXPECT_TRUE(a->originate_one());
  EXPECT_FALSE(a->originate_one());
  EXPECT_EQ(a->summary().calls_no_circuit, 1u);
  a->release_all();
  run(200);
  expect_idle();
}

TEST_F(PstnSimPair, ExecuteCommands) {
  start();
  Config cfg;
  std::string err;
  EXPECT_TRUE(execute(*a, cfg, "grs 1 5", err)) << err;
  EXPECT_TRUE(execute(*a, cfg, "cgb 10 2 hardware", err)) << err;
  EXPECT_TRUE(execute(*a, cfg, "blo 20", err)) << err;
  EXPECT_FALSE(execute(*a, cfg, "grs 1 40", err));
  EXPECT_NE(err.find("range"), std::string::npos);
  EXPECT_FALSE(execute(*a, cfg, "cgb 1 2 sideways", err));
  EXPECT_FALSE(execute(*a, cfg, "blo x", err));
  EXPECT_FALSE(execute(*a, cfg, "originate start", err)); // no originate section
  EXPECT_FALSE(execute(*a, cfg, "fly", err));
  EXPECT_FALSE(execute(*a, cfg, "blo 900", err)); // not ours
  run(100);
  EXPECT_EQ(get(b->summary().received, "GRS"), 1u);
  EXPECT_EQ(get(b->summary().received, "CGB"), 1u);
  EXPECT_EQ(get(b->summary().received, "BLO"), 1u);
}

TEST_F(PstnSimPair, MalformedAnsweredPerQ764_2_9_5) {
  start();
  // Q.764 §2.9.5.3.1: an unrecognised message type (0xfe) without compatibility information is
  // discarded and answered with CFN cause 97 (message type non-existent).
  const uint8_t unknown[] = {0x05, 0x00, 0xfe};
  b->receive_octets(1, unknown);
  EXPECT_EQ(b->summary().malformed, 1u);
  EXPECT_EQ(get(b->summary().sent, "CFN"), 1u) << b->summary_text();
  // A message too short for CIC and type is dropped (nothing to answer on).
  const uint8_t stub[] = {0x05};
  b->receive_octets(1, stub);
  EXPECT_EQ(b->summary().malformed, 2u);
  EXPECT_EQ(get(b->summary().sent, "CFN"), 1u);
  // A well-formed one goes through.
  std::vector<uint8_t> rlc;
  isup::Message m;
  m.type = isup::MessageType::Rsc;
  m.cic = 3;
  ASSERT_TRUE(isup::encode(m, isup::EncodeOptions{}, rlc).ok());
  b->receive_octets(1, rlc);
  EXPECT_EQ(get(b->summary().received, "RSC"), 1u);
  EXPECT_EQ(get(b->summary().sent, "RLC"), 1u);
  run(100);
  expect_idle();
}

TEST(PstnSimRules, LongestPrefixWins) {
  core::SimScheduler sched;
  Wire w;
  SimConfig c = exchange(1, 2);
  c.rules = {rule("", RuleAction::Answer), rule("1", RuleAction::Busy),
             rule("123", RuleAction::NoAnswer)};
  Sim s(c, sched, w);
  EXPECT_EQ(s.rule_for("999").action, RuleAction::Answer);
  EXPECT_EQ(s.rule_for("1999").action, RuleAction::Busy);
  EXPECT_EQ(s.rule_for("12345").action, RuleAction::NoAnswer);
  c.rules = {};
  Sim s2(c, sched, w);
  EXPECT_EQ(s2.rule_for("1").action, RuleAction::Answer); // no rules: answer
}

TEST(PstnSimRules, ARuleMayTakeCallsOnSomeCircuitsOnly) {
  core::SimScheduler sched;
  Wire w;
  SimConfig c = exchange(1, 2);
  Rule congested = rule("134", RuleAction::Release);
  congested.cause = 34;
  congested.first_cic = 1;
  congested.last_cic = 15;
  c.rules = {rule("", RuleAction::Answer), congested};
  Sim s(c, sched, w);
  EXPECT_EQ(s.rule_for("13401", 1).action, RuleAction::Release);
  EXPECT_EQ(s.rule_for("13401", 15).action, RuleAction::Release);
  EXPECT_EQ(s.rule_for("13401", 16).action, RuleAction::Answer); // another trunk group's CIC
  EXPECT_EQ(s.rule_for("999", 1).action, RuleAction::Answer);
}

TEST(PstnSimConfig, ValidateNamesProblems) {
  Config cfg;
  auto p = validate(cfg);
  EXPECT_EQ(p.size(), 3u); // point code, dpc, circuits
  cfg.sim.own_pc = 1;
  cfg.sim.dpc = 1;
  cfg.sim.cic_ranges = {{1, 5000}};
  p = validate(cfg);
  ASSERT_EQ(p.size(), 2u);
  cfg.sim.variant = isup::Variant::Ansi;
  cfg.sim.dpc = 2;
  EXPECT_TRUE(validate(cfg).empty());
}

TEST(PstnSimScheduler, CallbacksMayRestartThemselves) {
  core::SimScheduler s;
  int fired = 0;
  std::function<void()> again = [&] {
    if (++fired < 5)
      s.start(10, again);
  };
  s.start(10, again);
  const auto id = s.start(25, [&] { fired += 100; });
  s.stop(id);
  s.stop(12345); // unknown: ignored
  s.advance(1000);
  EXPECT_EQ(fired, 5);
}

} // namespace
