// RFC 3435 §3.5 transactions on simulated time.
#include "core/sim_scheduler.h"
#include "fake_transport.h"
#include "mgcp/transaction.h"

#include <gtest/gtest.h>

using namespace mgc::mgcp;
using mgc::Status;
using mgc::mgcp::test::FakeTransport;

namespace {

const Address kGw{0x7f000001, 2427};

struct Recorder : TransactionLayer::Listener {
  std::vector<IncomingCommand> commands;
  std::vector<Address> unreachable;
  bool answer_at_once = true;
  void on_command(const IncomingCommand &c) override {
    commands.push_back(c);
    if (answer_at_once)
      c.respond(rc::kOk);
  }
  void on_peer_unreachable(const Address &a) override { unreachable.push_back(a); }
};

struct Fixture : ::testing::Test {
  mgc::core::SimScheduler sched;
  FakeTransport net{&sched};
  Recorder rec;
  TransactionConfig cfg = [] {
    TransactionConfig c;
    c.first_transaction_id = 1;
    return c;
  }();
  std::unique_ptr<TransactionLayer> tx;
  void make() { tx = std::make_unique<TransactionLayer>(sched, net, rec, cfg); }
  void SetUp() override { make(); }
  void feed(const std::string &text, Address from = kGw) { tx->receive(from, text); }
};

struct Outcome {
  bool done = false;
  Status status;
  int code = -1;
  std::string response;
};

ResponseHandler capture(Outcome &o) {
  return [&o](const Status &st, const Message *r) {
    o.done = true;
    o.status = st;
    if (r) {
      o.code = r->code;
      o.response = encode(*r);
    }
  };
}

} // namespace

using MgcpTransaction = Fixture;

TEST_F(MgcpTransaction, RetransmitsWithExponentialBackoffThenGivesUp) {
  Outcome o;
  uint32_t id = tx->send(kGw, Message::command(Verb::Aucx, 0, "rtpbridge/1@mgw"), capture(o));
  EXPECT_EQ(id, 1u);
  sched.advance(60'000);
  ASSERT_TRUE(o.done);
  EXPECT_EQ(o.status.detail(), "mgcp.transaction_timeout");
  EXPECT_EQ(o.status.code(), 406);
  // One send plus the configured ceiling of retransmissions, identical bytes each time.
  ASSERT_EQ(net.sent.size(), 1u + cfg.max_retransmissions);
  for (const auto &s : net.sent)
    EXPECT_EQ(s.bytes, net.sent[0].bytes);
  // §3.5.3: first after the initial RTO, then each interval drawn from [T-DELAY/2, T-DELAY]
  // with T-DELAY doubling, capped at RTO-MAX.
  EXPECT_EQ(net.sent[1].at - net.sent[0].at, cfg.get(TxTimer::RtoInitial));
  int64_t t_delay = cfg.get(TxTimer::RtoInitial);
  for (std::size_t i = 2; i < net.sent.size(); ++i) {
    t_delay *= 2;
    int64_t gap = net.sent[i].at - net.sent[i - 1].at;
    EXPECT_GE(gap, std::min(t_delay / 2, cfg.get(TxTimer::RtoMax))) << i;
    EXPECT_LE(gap, std::min(t_delay, cfg.get(TxTimer::RtoMax))) << i;
  }
  ASSERT_EQ(rec.unreachable.size(), 1u);
  EXPECT_EQ(rec.unreachable[0], kGw);
  EXPECT_EQ(tx->counters().get(TxCounter::gave_up), 1u);
  EXPECT_EQ(tx->counters().get(TxCounter::retransmissions), cfg.max_retransmissions);
  EXPECT_EQ(tx->outstanding(), 0u);
}

TEST_F(MgcpTransaction, CeilingIsConfigurable) {
  cfg.max_retransmissions = 2;
  cfg.set(TxTimer::RtoMax, 300);
  make();
  Outcome o;
  tx->send(kGw, Message::command(Verb::Auep, 0, "x@mgw"), capture(o));
  sched.advance(10'000);
  EXPECT_TRUE(o.done);
  EXPECT_EQ(net.sent.size(), 3u);
  for (std::size_t i = 1; i < net.sent.size(); ++i)
    EXPECT_LE(net.sent[i].at - net.sent[i - 1].at, 300);
}

// Timers changed live (mgcd's `timers` node): a command sent afterwards repeats at the new
// RTO-INITIAL and stops at the new ceiling; one sent before keeps the expiry it had but its
// later repetitions follow the new bounds (§3.5.3).
TEST_F(MgcpTransaction, TimersChangedLiveApplyToEveryTimerStartedAfter) {
  Outcome before;
  tx->send(kGw, Message::command(Verb::Auep, 0, "a@mgw"), capture(before));
  sched.advance(10);
  TransactionConfig next;
  next.set(TxTimer::RtoInitial, 50);
  next.set(TxTimer::RtoMin, 20);
  next.set(TxTimer::RtoMax, 60);
  next.max_retransmissions = 1;
  next.first_transaction_id = 77; // not a timer: stays as the layer was built
  tx->set_timers(next);
  EXPECT_EQ(tx->config().get(TxTimer::RtoInitial), 50);
  EXPECT_EQ(tx->config().max_retransmissions, 1u);
  EXPECT_EQ(tx->config().first_transaction_id, 1u);
  Outcome after;
  tx->send(kGw, Message::command(Verb::Auep, 0, "b@mgw"), capture(after));
  const int64_t sent_at = sched.now_ms();
  sched.advance(50);
  ASSERT_EQ(net.sent.size(), 3u); // a, b, and b repeated at the new RTO-INITIAL
  EXPECT_EQ(net.sent[2].at - sent_at, 50);
  EXPECT_NE(net.sent[2].bytes.find("b@mgw"), std::string::npos);
  sched.advance(300);
  // a's first repetition came at its old 200 ms; after it the new ceiling of one ends both.
  EXPECT_TRUE(before.done);
  EXPECT_TRUE(after.done);
  EXPECT_EQ(net.sent.size(), 4u);
  EXPECT_EQ(tx->counters().get(TxCounter::gave_up), 2u);
}

TEST_F(MgcpTransaction, FinalResponseEndsTransactionAndTrainsTheTimer) {
  Outcome o;
  uint32_t id = tx->send(kGw, Message::command(Verb::Auep, 0, "x@mgw"), capture(o));
  sched.advance(40);
  feed("200 " + std::to_string(id) + " OK\r\n");
  ASSERT_TRUE(o.done);
  EXPECT_TRUE(o.status.ok());
  EXPECT_EQ(o.code, 200);
  // AAD=40, ADEV=20 -> RTO = 40 + 4*20 = 120 ms.
  EXPECT_EQ(tx->rto_for(kGw), 120);
  sched.advance(100'000);
  EXPECT_EQ(net.sent.size(), 1u);
  // A late duplicate is recognised (T-HIST) and counted, not delivered.
  Outcome o2;
  uint32_t id2 = tx->send(kGw, Message::command(Verb::Auep, 0, "x@mgw"), capture(o2));
  feed("200 " + std::to_string(id2) + " OK\r\n");
  feed("200 " + std::to_string(id2) + " OK\r\n");
  EXPECT_EQ(tx->counters().get(TxCounter::duplicate_responses), 1u);
  feed("200 424242 OK\r\n");
  EXPECT_EQ(tx->counters().get(TxCounter::unknown_responses), 1u);
}

TEST_F(MgcpTransaction, ProvisionalSwitchesToLongtranAndFinalIsAcknowledged) {
  Outcome o;
  uint32_t id = tx->send(kGw, Message::command(Verb::Crcx, 0, "x@mgw"), capture(o));
  std::string tid = std::to_string(id);
  sched.advance(10);
  feed("100 " + tid + " Pending\r\nI: DFE233D1\r\n");
  sched.advance(cfg.get(TxTimer::LongTran) - 20);
  EXPECT_EQ(net.sent.size(), 1u) << "no short retransmissions after a provisional response";
  sched.advance(20);
  EXPECT_EQ(net.sent.size(), 2u) << "one repetition at LONGTRAN-TIMER";
  EXPECT_FALSE(o.done);
  // §3.5.6 three-way handshake: final with empty K: -> we send "000 <txid>".
  feed("200 " + tid + " OK\r\nK:\r\nI: DFE233D1\r\n");
  ASSERT_TRUE(o.done);
  EXPECT_EQ(o.code, 200);
  ASSERT_EQ(net.sent.size(), 3u);
  EXPECT_EQ(net.sent[2].bytes, "000 " + tid + "\r\n");
  // Our 000 got lost: the gateway repeats its final response; we ack again.
  feed("200 " + tid + " OK\r\nK:\r\nI: DFE233D1\r\n");
  EXPECT_EQ(net.sent.back().bytes, "000 " + tid + "\r\n");
  EXPECT_EQ(tx->counters().get(TxCounter::response_acks_sent), 2u);
}

TEST_F(MgcpTransaction, ProvisionalThenSilenceGivesUpAfterTwiceTHist) {
  Outcome o;
  uint32_t id = tx->send(kGw, Message::command(Verb::Crcx, 0, "x@mgw"), capture(o));
  feed("101 " + std::to_string(id) + " Queued\r\n");
  sched.advance(cfg.get(TxTimer::FinalWait) - 1);
  EXPECT_FALSE(o.done);
  sched.advance(1);
  EXPECT_TRUE(o.done);
  EXPECT_EQ(o.status.code(), 406);
  // Repetitions stopped at T-MAX.
  for (const auto &s : net.sent)
    EXPECT_LT(s.at, cfg.get(TxTimer::TMax));
}

TEST_F(MgcpTransaction, IncomingCommandsAreAtMostOnce) {
  std::string ntfy = "NTFY 2002 aaln/1@rgw MGCP 1.0\r\nX: 0123456789AC\r\nO: l/hd\r\n";
  feed(ntfy);
  ASSERT_EQ(rec.commands.size(), 1u);
  ASSERT_EQ(net.sent.size(), 1u);
  EXPECT_EQ(net.sent[0].bytes, "200 2002 OK\r\n");
  // A repetition gets the same response again, and is not executed again (§3.5.1).
  sched.advance(1000);
  feed(ntfy);
  EXPECT_EQ(rec.commands.size(), 1u);
  ASSERT_EQ(net.sent.size(), 2u);
  EXPECT_EQ(net.sent[1].bytes, "200 2002 OK\r\n");
  // The same transaction id from another address is another transaction.
  feed(ntfy, Address{0x7f000002, 2427});
  EXPECT_EQ(rec.commands.size(), 2u);
  // After T-HIST the id is forgotten.
  sched.advance(cfg.get(TxTimer::THist) + 2000);
  EXPECT_EQ(tx->remembered_incoming(), 0u);
  feed(ntfy);
  EXPECT_EQ(rec.commands.size(), 3u);
}

TEST_F(MgcpTransaction, SlowAnswerGetsProvisionalThenAcknowledgedFinal) {
  rec.answer_at_once = false;
  std::string rsip = "RSIP 77 *@tgw MGCP 1.0\r\nRM: restart\r\n";
  feed(rsip);
  ASSERT_EQ(rec.commands.size(), 1u);
  EXPECT_TRUE(net.sent.empty());
  feed(rsip); // repetition while executing: 100 (§3.5.6)
  ASSERT_EQ(net.sent.size(), 1u);
  EXPECT_EQ(net.at(0).code, 100);
  rec.commands[0].respond(rc::kOk);
  ASSERT_EQ(net.sent.size(), 2u);
  Message final = net.at(1);
  EXPECT_EQ(final.code, 200);
  EXPECT_NE(final.find(Param::ResponseAck), nullptr) << "empty K: after a provisional response";
  // Repeated until the "000" arrives.
  sched.advance(cfg.get(TxTimer::RtoInitial));
  EXPECT_EQ(net.sent.size(), 3u);
  feed("000 77\r\n");
  EXPECT_EQ(tx->counters().get(TxCounter::response_acks_received), 1u);
  sched.advance(20'000);
  EXPECT_EQ(net.sent.size(), 3u);
  rec.commands[0].respond(rc::kOk); // answering twice is ignored
  EXPECT_EQ(net.sent.size(), 3u);
}

TEST_F(MgcpTransaction, ConfirmedResponsesAreDiscardedOnRepetition) {
  feed("NTFY 10 a@rgw MGCP 1.0\r\nX: 1\r\nO: l/hd\r\n");
  feed("NTFY 11 a@rgw MGCP 1.0\r\nX: 1\r\nO: l/hu\r\nK: 10\r\n");
  ASSERT_EQ(net.sent.size(), 2u);
  feed("NTFY 10 a@rgw MGCP 1.0\r\nX: 1\r\nO: l/hd\r\n");
  EXPECT_EQ(net.sent.size(), 2u) << "§3.5.2: silently discarded";
  EXPECT_EQ(tx->counters().get(TxCounter::duplicates_discarded_after_ack), 1u);
}

TEST_F(MgcpTransaction, CommandsConfirmEarlierResponsesWhenEnabled) {
  cfg.confirm_responses = true;
  make();
  Outcome a, b, c, d;
  uint32_t t1 = tx->send(kGw, Message::command(Verb::Auep, 0, "x@mgw"), capture(a));
  uint32_t t2 = tx->send(kGw, Message::command(Verb::Auep, 0, "x@mgw"), capture(b));
  uint32_t t3 = tx->send(kGw, Message::command(Verb::Auep, 0, "x@mgw"), capture(c));
  for (uint32_t t : {t1, t2, t3})
    feed("200 " + std::to_string(t) + " OK\r\n");
  tx->send(kGw, Message::command(Verb::Auep, 0, "x@mgw"), capture(d));
  EXPECT_EQ(net.last().get(Param::ResponseAck), "1-3");
  tx->send(kGw, Message::command(Verb::Auep, 0, "x@mgw"), capture(d));
  EXPECT_EQ(net.last().find(Param::ResponseAck), nullptr) << "a response is confirmed once";
}

TEST_F(MgcpTransaction, MalformedCommandsAreAnsweredAndCounted) {
  feed("NTFY 12 a@rgw MGCP 1.0\r\nO: l/hd\r\n"); // missing RequestIdentifier
  ASSERT_EQ(net.sent.size(), 1u);
  EXPECT_EQ(net.at(0).code, 510);
  EXPECT_EQ(net.at(0).transaction_id, 12u);
  feed("ZZZZ 13 a@rgw MGCP 1.0\r\n");
  EXPECT_EQ(net.at(1).code, 504);
  feed("garbage");
  EXPECT_EQ(net.sent.size(), 2u);
  EXPECT_EQ(tx->counters().get(TxCounter::malformed_commands_answered), 2u);
  EXPECT_EQ(tx->counters().get(TxCounter::malformed_dropped), 1u);
  EXPECT_EQ(tx->decode_counters().get(DecodeCounter::missing_parameter), 1u);
  EXPECT_EQ(tx->decode_counters().get(DecodeCounter::unknown_verb), 2u); // ZZZZ and "garbage"
  EXPECT_TRUE(rec.commands.empty());
}

TEST_F(MgcpTransaction, PiggybackedResponseAndCommandAreProcessedInOrder) {
  Outcome o;
  uint32_t id = tx->send(kGw, Message::command(Verb::Rqnt, 0, "a@rgw"), capture(o));
  feed("200 " + std::to_string(id) + " OK\r\n.\r\nNTFY 99 a@rgw MGCP 1.0\r\nX: 1\r\nO: l/hd\r\n");
  EXPECT_TRUE(o.done);
  EXPECT_EQ(rec.commands.size(), 1u);
}

TEST(MgcpTransactionIds, StartAtRandomByDefault) {
  mgc::core::SimScheduler sched;
  FakeTransport net;
  Recorder rec;
  TransactionLayer a(sched, net, rec), b(sched, net, rec);
  auto first = [&](TransactionLayer &t) {
    return t.send(kGw, Message::command(Verb::Auep, 0, "x@mgw"),
                  [](const Status &, const Message *) {});
  };
  uint32_t x = first(a), y = first(b);
  EXPECT_GE(x, 1u);
  EXPECT_LE(x, kMaxTransactionId);
  EXPECT_NE(x, y) << "two lives of a call agent should not reuse ids (1 in 10^9 chance)";
}

TEST_F(MgcpTransaction, TransactionIdsWrapWithinRange) {
  cfg.first_transaction_id = kMaxTransactionId;
  make();
  Outcome o;
  EXPECT_EQ(tx->send(kGw, Message::command(Verb::Auep, 0, "x@mgw"), capture(o)), kMaxTransactionId);
  EXPECT_EQ(tx->send(kGw, Message::command(Verb::Auep, 0, "x@mgw"), capture(o)), 1u);
}

TEST_F(MgcpTransaction, UnansweredCommandTimesOutWith406) {
  rec.answer_at_once = false;
  feed("NTFY 55 a@rgw MGCP 1.0\r\nX: 1\r\nO: l/hd\r\n");
  sched.advance(cfg.get(TxTimer::TMax) + 2000);
  ASSERT_EQ(net.sent.size(), 1u);
  EXPECT_EQ(net.at(0).code, 406) << "§3.5.6: no transaction runs forever";
  EXPECT_EQ(tx->counters().get(TxCounter::commands_timed_out), 1u);
  rec.commands[0].respond(rc::kOk); // too late: ignored
  EXPECT_EQ(net.sent.size(), 1u);
  feed("NTFY 55 a@rgw MGCP 1.0\r\nX: 1\r\nO: l/hd\r\n");
  EXPECT_EQ(net.last().code, 406);
  sched.advance(cfg.get(TxTimer::THist) + 2000);
  EXPECT_EQ(tx->remembered_incoming(), 0u);
  EXPECT_EQ(sched.pending(), 0u) << "nothing left running";
}
