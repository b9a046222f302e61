// Transactions (Annex D.1) and the call agent on simulated time with a fake transport: the MG
// side is played by decoding what the MGC sent and feeding text replies back.
#include <gtest/gtest.h>

#include "core/sim_scheduler.h"
#include "h248/call_agent.h"
#include "h248/errors.h"

namespace mgc::h248 {
namespace {

class FakeTransport : public Transport {
public:
  Status send(const Address &to, std::span<const uint8_t> msg) override {
    sent.push_back({to, std::string(msg.begin(), msg.end())});
    return Status::Ok();
  }
  void inject(const Address &from, std::string_view text) {
    deliver(from, std::span(reinterpret_cast<const uint8_t *>(text.data()), text.size()));
  }
  struct Sent {
    Address to;
    std::string bytes;
  };
  std::vector<Sent> sent;

  Message last() const {
    Message m;
    EXPECT_FALSE(sent.empty());
    const std::string &b = sent.back().bytes;
    Status st = (!b.empty() && uint8_t(b[0]) == 0x30)
                    ? decode_binary(std::span(reinterpret_cast<const uint8_t *>(b.data()), b.size()), m)
                    : decode_text(b, m);
    EXPECT_TRUE(st.ok()) << st.detail() << " " << b;
    return m;
  }
};

struct Events : CallAgentListener {
  std::vector<std::string> log;
  void on_gateway_state(std::string_view g, GatewayState s) override {
    log.push_back(std::string(g) + " " + std::string(gateway_state_name(s)));
  }
  void on_gateway_restart(std::string_view g, ServiceChangeMethod m, std::string_view r) override {
    log.push_back(std::string(g) + " restart " + std::to_string(int(m)) + " " + std::string(r));
  }
  void on_call_lost(CallHandle h, uint16_t code) override {
    log.push_back("lost " + std::to_string(h) + " " + std::to_string(code));
  }
  void on_notify(CallHandle h, std::string_view t, const ObservedEventsDescriptor &oe) override {
    log.push_back("notify " + std::to_string(h) + " " + std::string(t) + " " + oe.events[0].name);
  }
};

class CallAgentTest : public ::testing::Test {
protected:
  mgc::core::SimScheduler sched;
  FakeTransport transport;
  Events events;
  Address mg{0x0A000002, 2944};
  std::unique_ptr<CallAgent> ca;

  void SetUp() override {
    TransactionConfig cfg;
    cfg.own_mid = Mid{Mid::Kind::Ip4, "10.0.0.1", 2944};
    ca = std::make_unique<CallAgent>(sched, transport, events, cfg);
    GatewayConfig gw;
    gw.name = "mg1";
    gw.address = mg;
    ASSERT_TRUE(ca->add_gateway(gw).ok());
    ASSERT_TRUE(ca->add_trunk(TrunkRule{"tg1", "mg1", "ds/{span}/{ts}", 32}).ok());
  }

  void register_mg() {
    transport.inject(mg, "!/1 [10.0.0.2]:2944\nT=9{C=-{SC=ROOT{SV{MT=RS,RE=\"901 Cold Boot\"}}}}");
  }

  // Answers the last request the MGC sent with `body` (the inside of Reply=id{...}).
  void reply(std::string_view body) {
    Message req = transport.last();
    ASSERT_EQ(req.transactions[0].kind, TransactionKind::Request);
    transport.inject(mg, "!/1 [10.0.0.2]:2944\nP=" + std::to_string(req.transactions[0].id) +
                             "{" + std::string(body) + "}");
  }
};

TEST_F(CallAgentTest, TerminationNamingRule) {
  EXPECT_EQ(ca->termination_for("tg1", 37), "ds/1/5");
  EXPECT_FALSE(ca->termination_for("tg9", 1));
}

TEST_F(CallAgentTest, ServiceChangeRegistersTheGatewayAndIsAnswered) {
  register_mg();
  EXPECT_EQ(ca->gateway_state("mg1"), GatewayState::InService);
  Message r = transport.last();
  EXPECT_EQ(transport.sent.back().to, mg);
  ASSERT_EQ(r.transactions.size(), 1u);
  EXPECT_EQ(r.transactions[0].kind, TransactionKind::Reply);
  EXPECT_EQ(r.transactions[0].id, 9u);
  EXPECT_EQ(r.transactions[0].actions[0].commands[0].type, CommandType::ServiceChange);
  EXPECT_EQ(events.log, (std::vector<std::string>{"mg1 in-service", "mg1 restart 3 901 Cold Boot"}));
  EXPECT_EQ(ca->counters().get(H248CaCounter::registrations), 1u);
}

TEST_F(CallAgentTest, DuplicateRequestGetsTheCachedReplyOnce) {
  register_mg();
  size_t n = transport.sent.size();
  const char *notify = "!/1 [10.0.0.2]:2944\nT=10{C=-{N=ds/0/1{OE=1{dd/ce{ds=1}}}}}";
  transport.inject(mg, notify);
  transport.inject(mg, notify);
  EXPECT_EQ(transport.sent.size(), n + 2);
  EXPECT_EQ(transport.sent[n].bytes, transport.sent[n + 1].bytes);
  EXPECT_EQ(ca->counters().get(H248CaCounter::notifies_received), 1u);
  EXPECT_EQ(ca->transactions().counters().get(H248TxCounter::duplicate_requests), 1u);
  // The same id with other contents is a new request (the MG restarted its ids).
  transport.inject(mg, "!/1 [10.0.0.2]:2944\nT=10{C=-{N=ds/0/2{OE=1{dd/ce{ds=1}}}}}");
  EXPECT_EQ(ca->counters().get(H248CaCounter::notifies_received), 2u);
  // LONG-TIMER later the reply is forgotten (D.1.1).
  sched.advance(30'000);
  EXPECT_EQ(ca->transactions().cached_replies(), 0u);
}

TEST_F(CallAgentTest, RestartedGatewayReusingTransactionIdsRegistersAgain) {
  register_mg();
  register_mg(); // OTP's megaco numbers transactions from 1 again after a restart
  EXPECT_EQ(ca->counters().get(H248CaCounter::registrations), 2u);
  EXPECT_EQ(ca->counters().get(H248CaCounter::restarts), 1u);
}

TEST_F(CallAgentTest, ConnectModifyRelease) {
  register_mg();
  ConnectResult got;
  ca->connect({"tg1", 37, StreamMode::SendRecv, "v=0\r\nc=IN IP4 10.9.9.9\r\nm=audio 4000 RTP/AVP 8\r\n"},
              [&](const ConnectResult &r) { got = r; });
  Message add = transport.last();
  const auto &a = add.transactions[0].actions[0];
  EXPECT_EQ(a.context, kChooseContext);
  ASSERT_EQ(a.commands.size(), 2u);
  EXPECT_EQ(a.commands[0].terminations[0].text, "ds/1/5");
  EXPECT_EQ(a.commands[1].terminations[0].text, "$");
  reply("C=77{A=ds/1/5,A=rtp/9{M{ST=1{L{v=0\nc=IN IP4 10.0.0.2\nm=audio 20000 RTP/AVP 8\n}}}}}");
  ASSERT_TRUE(got.status.ok()) << got.status.detail();
  EXPECT_EQ(got.context, 77u);
  EXPECT_EQ(got.rtp_termination, "rtp/9");
  EXPECT_EQ(got.local_sdp, "v=0\r\nc=IN IP4 10.0.0.2\r\nm=audio 20000 RTP/AVP 8\r\n");
  EXPECT_EQ(ca->call_count(), 1u);

  Result mod;
  ca->modify(got.handle, {StreamMode::SendOnly, {}}, [&](const Result &r) { mod = r; });
  Message m = transport.last();
  EXPECT_EQ(m.transactions[0].actions[0].context, 77u);
  EXPECT_EQ(m.transactions[0].actions[0].commands[0].type, CommandType::Modify);
  reply("C=77{MF=rtp/9}");
  EXPECT_TRUE(mod.status.ok());

  Result rel;
  ca->release(got.handle, [&](const Result &r) { rel = r; });
  Message s = transport.last();
  ASSERT_EQ(s.transactions[0].actions[0].commands.size(), 2u);
  EXPECT_EQ(s.transactions[0].actions[0].commands[0].type, CommandType::Subtract);
  reply("C=77{S=ds/1/5,S=rtp/9}");
  EXPECT_TRUE(rel.status.ok());
  EXPECT_EQ(ca->call_count(), 0u);
}

TEST_F(CallAgentTest, RejectedConnectCarriesTheGatewaysErrorCode) {
  register_mg();
  ConnectResult got;
  ca->connect({"tg1", 1, StreamMode::SendRecv, {}}, [&](const ConnectResult &r) { got = r; });
  reply("C=-{A=ds/0/1{ER=433{\"TerminationID is already in a Context\"}}}");
  EXPECT_EQ(got.status.detail(), "h248.rejected");
  EXPECT_EQ(got.status.code(), error::kTerminationInContext);
  EXPECT_EQ(ca->call_count(), 0u);
}

TEST_F(CallAgentTest, RetransmitsWithBackoffThenGivesUpAtTMax) {
  register_mg();
  size_t before = transport.sent.size();
  ConnectResult got;
  ca->connect({"tg1", 1, StreamMode::SendRecv, {}}, [&](const ConnectResult &r) { got = r; });
  std::vector<int64_t> sent_at{sched.now_ms()};
  for (int i = 0; i < 400; ++i) {
    size_t n = transport.sent.size();
    sched.advance(100);
    if (transport.sent.size() != n)
      sent_at.push_back(sched.now_ms());
  }
  // 200 ms doubling to the 4 s ceiling: 0, 200, 600, 1400, 3000, 6200, 10200, ... < 30 s.
  ASSERT_GE(sent_at.size(), 6u);
  EXPECT_EQ(sent_at[1] - sent_at[0], 200);
  EXPECT_EQ(sent_at[2] - sent_at[1], 400);
  EXPECT_EQ(sent_at[3] - sent_at[2], 800);
  EXPECT_EQ(sent_at[4] - sent_at[3], 1600);
  EXPECT_EQ(sent_at[5] - sent_at[4], 3200);
  EXPECT_EQ(sent_at[6] - sent_at[5], 4000);
  EXPECT_EQ(got.status.detail(), "h248.timeout");
  EXPECT_EQ(transport.sent.size() - before, sent_at.size());
  // Every repetition is the same transaction.
  EXPECT_EQ(transport.sent[before].bytes, transport.sent.back().bytes);
}

// Timers changed live (mgcd's `timers` node): a request sent afterwards repeats at the new
// initial interval, doubles up to the new ceiling and is given up at the new T-MAX (Annex
// D.1.5); our mId stays what it was.
TEST_F(CallAgentTest, TimersChangedLiveApplyToTheNextRequest) {
  register_mg();
  TransactionConfig next;
  next.initial_retransmit_ms = 100;
  next.max_retransmit_ms = 300;
  next.t_max_ms = 1000;
  ca->set_transaction_timers(next);
  EXPECT_EQ(ca->transactions().config().initial_retransmit_ms, 100);
  EXPECT_EQ(ca->transactions().config().own_mid.address, "10.0.0.1");
  const size_t before = transport.sent.size();
  ConnectResult got;
  ca->connect({"tg1", 1, StreamMode::SendRecv, {}}, [&](const ConnectResult &r) { got = r; });
  std::vector<int64_t> sent_at{sched.now_ms()};
  for (int i = 0; i < 200; ++i) {
    size_t n = transport.sent.size();
    sched.advance(10);
    if (transport.sent.size() != n)
      sent_at.push_back(sched.now_ms());
  }
  // 0, 100, 300, 600, 900: given up at 1000 ms.
  ASSERT_EQ(sent_at.size(), 5u);
  EXPECT_EQ(sent_at[1] - sent_at[0], 100);
  EXPECT_EQ(sent_at[2] - sent_at[1], 200);
  EXPECT_EQ(sent_at[3] - sent_at[2], 300);
  EXPECT_EQ(sent_at[4] - sent_at[3], 300);
  EXPECT_EQ(got.status.detail(), "h248.timeout");
  EXPECT_EQ(transport.sent.size() - before, sent_at.size());
}

TEST_F(CallAgentTest, PendingSwitchesToTheLongTimerAndReplyIsAcknowledged) {
  register_mg();
  ConnectResult got;
  bool called = false;
  ca->connect({"tg1", 1, StreamMode::SendRecv, {}}, [&](const ConnectResult &r) {
    got = r;
    called = true;
  });
  uint32_t id = transport.last().transactions[0].id;
  transport.inject(mg, "!/1 [10.0.0.2]:2944\nPN=" + std::to_string(id) + "{}");
  size_t n = transport.sent.size();
  sched.advance(29'000); // no repetitions while pending
  EXPECT_EQ(transport.sent.size(), n);
  EXPECT_FALSE(called);
  transport.inject(mg, "!/1 [10.0.0.2]:2944\nP=" + std::to_string(id) +
                           "{IA,C=5{A=ds/0/1,A=rtp/1}}");
  EXPECT_TRUE(called);
  EXPECT_TRUE(got.status.ok()) << got.status.detail();
  Message ack = transport.last();
  EXPECT_EQ(ack.transactions[0].kind, TransactionKind::ResponseAck);
  EXPECT_EQ(ack.transactions[0].acks[0].first, id);
}

TEST_F(CallAgentTest, PendingThenSilenceTimesOut) {
  register_mg();
  ConnectResult got;
  ca->connect({"tg1", 1, StreamMode::SendRecv, {}}, [&](const ConnectResult &r) { got = r; });
  uint32_t id = transport.last().transactions[0].id;
  transport.inject(mg, "!/1 [10.0.0.2]:2944\nPN=" + std::to_string(id) + "{}");
  sched.advance(30'000);
  EXPECT_EQ(got.status.detail(), "h248.timeout");
}

TEST_F(CallAgentTest, MalformedRequestIsAnsweredWithItsErrorCode) {
  register_mg();
  transport.inject(mg, "!/1 [10.0.0.2]:2944\nT=55{C=-{Frob=x}}");
  Message r = transport.last();
  ASSERT_EQ(r.transactions.size(), 1u);
  EXPECT_EQ(r.transactions[0].id, 55u);
  ASSERT_TRUE(r.transactions[0].error);
  EXPECT_EQ(r.transactions[0].error->code, error::kUnknownCommand);
  transport.inject(mg, "garbage");
  EXPECT_EQ(transport.last().error->code, error::kSyntaxError);
  EXPECT_EQ(ca->transactions().counters().get(H248TxCounter::error_answers_sent), 2u);
}

TEST_F(CallAgentTest, UnknownContextAndActionsAreRefused) {
  register_mg();
  transport.inject(mg, "!/1 [10.0.0.2]:2944\nT=56{C=123{N=ds/0/1{OE=1{dd/ce{ds=1}}}}}");
  Message r = transport.last();
  const auto &c = r.transactions[0].actions[0].commands[0];
  EXPECT_EQ(std::get<ErrorDescriptor>(c.descriptors[0]).code, error::kUnknownContext);
  transport.inject(mg, "!/1 [10.0.0.2]:2944\nT=57{C=-{A=ds/0/1}}");
  r = transport.last();
  EXPECT_EQ(r.transactions[0].actions[0].error->code, error::kUnknownAction);
  transport.inject(Address{0x0A000063, 2944},
                   "!/1 [10.0.0.99]:2944\nT=58{C=-{SC=ROOT{SV{MT=RS,RE=\"901\"}}}}");
  EXPECT_EQ(transport.last().transactions[0].error->code, error::kUnauthorized);
  EXPECT_EQ(ca->counters().get(H248CaCounter::unknown_context), 1u);
  EXPECT_EQ(ca->counters().get(H248CaCounter::unknown_action), 1u);
  EXPECT_EQ(ca->counters().get(H248CaCounter::unknown_gateway), 1u);
}

TEST_F(CallAgentTest, NotifyReachesTheCallAndRestartDropsCalls) {
  register_mg();
  ConnectResult got;
  ca->connect({"tg1", 1, StreamMode::SendRecv, {}}, [&](const ConnectResult &r) { got = r; });
  reply("C=5{A=ds/0/1,A=rtp/1}");
  ASSERT_TRUE(got.status.ok());
  transport.inject(mg, "!/1 [10.0.0.2]:2944\nT=60{C=5{N=ds/0/1{OE=1{ct/cmp{res=success}}}}}");
  transport.inject(mg, "!/1 [10.0.0.2]:2944\nT=61{C=-{SC=ROOT{SV{MT=RS,RE=\"901\"}}}}");
  EXPECT_EQ(ca->call_count(), 0u);
  std::vector<std::string> want{"mg1 in-service", "mg1 restart 3 901 Cold Boot",
                                "notify 1 ds/0/1 ct/cmp", "lost 1 503", "mg1 restart 3 901"};
  EXPECT_EQ(events.log, want);
  EXPECT_EQ(ca->counters().get(H248CaCounter::restarts), 1u);
}

TEST_F(CallAgentTest, ForcedServiceChangeTakesTheGatewayOutOfService) {
  register_mg();
  transport.inject(mg, "!/1 [10.0.0.2]:2944\nT=62{C=-{SC=ROOT{SV{MT=FO,RE=\"905\"}}}}");
  EXPECT_EQ(ca->gateway_state("mg1"), GatewayState::OutOfService);
  ConnectResult got;
  ca->connect({"tg1", 1, StreamMode::SendRecv, {}}, [&](const ConnectResult &r) { got = r; });
  EXPECT_EQ(got.status.detail(), "h248.gateway_out_of_service");
}

TEST_F(CallAgentTest, ServiceChangeFromTheMgcAndBinaryPeers) {
  register_mg();
  Result res;
  ServiceChangeDescriptor sc;
  sc.method = ServiceChangeMethod::Forced;
  sc.reason = "905 Termination taken out of service";
  ca->service_change("mg1", "ds/0/1", sc, [&](const Result &r) { res = r; });
  Message m = transport.last();
  EXPECT_EQ(m.transactions[0].actions[0].commands[0].type, CommandType::ServiceChange);
  reply("C=-{SC=ds/0/1}");
  EXPECT_TRUE(res.status.ok());

  // A peer that speaks binary is answered in binary.
  Message req;
  ASSERT_TRUE(decode_text("!/2 [10.0.0.2]:2945\nT=70{C=-{N=ds/0/1{OE=1{dd/ce{ds=1}}}}}", req).ok());
  std::vector<uint8_t> bin;
  ASSERT_TRUE(encode_binary(req, bin).ok());
  ca->receive(mg, bin);
  EXPECT_EQ(uint8_t(transport.sent.back().bytes[0]), 0x30);
  Message r = transport.last();
  EXPECT_EQ(r.version, 2);
  EXPECT_EQ(r.transactions[0].id, 70u);
}

TEST_F(CallAgentTest, SilentGatewayGoesOutOfServiceAndComesBackByRegistering) {
  register_mg();
  ConnectResult first, second;
  ca->connect({"tg1", 1, StreamMode::SendRecv, {}}, [&](const ConnectResult &r) { first = r; });
  reply("C=5{A=ds/0/1,A=rtp/1}");
  ca->connect({"tg1", 2, StreamMode::SendRecv, {}}, [&](const ConnectResult &r) { second = r; });
  sched.advance(31'000);
  EXPECT_EQ(second.status.detail(), "h248.timeout");
  EXPECT_EQ(ca->gateway_state("mg1"), GatewayState::OutOfService);
  EXPECT_EQ(ca->call_count(), 0u);
  EXPECT_EQ(ca->counters().get(H248CaCounter::gateway_unreachable), 1u);
  transport.inject(mg, "!/1 [10.0.0.2]:2944\nT=90{C=-{SC=ROOT{SV{MT=DC,RE=\"900\"}}}}");
  EXPECT_EQ(ca->gateway_state("mg1"), GatewayState::InService);
}

TEST_F(CallAgentTest, ContinuityToneAndDtmfSignals) {
  register_mg();
  ConnectResult lb;
  ca->loopback("tg1", 3, [&](const ConnectResult &r) { lb = r; });
  Message add = transport.last();
  const auto &m = std::get<MediaDescriptor>(add.transactions[0].actions[0].commands[0].descriptors[0]);
  EXPECT_EQ(m.streams[0].parms.local_control->mode, StreamMode::LoopBack);
  reply("C=8{A=ds/0/3}");
  ASSERT_TRUE(lb.status.ok());
  SignalsDescriptor sg;
  SignalRequest tone;
  tone.name = "ct/ct";
  sg.signals.emplace_back().signals.push_back(tone);
  EventsDescriptor ev;
  ev.request_id = 7;
  ev.events.emplace_back().name = "ct/cmp";
  Result r;
  ca->signals(lb.handle, {}, sg, ev, [&](const Result &x) { r = x; });
  std::string text;
  ASSERT_TRUE(encode_text(transport.last(), text).ok());
  EXPECT_NE(text.find("C=8{MF=ds/0/3{E=7{ct/cmp},SG{ct/ct}}}"), std::string::npos) << text;
  reply("C=8{MF=ds/0/3}");
  EXPECT_TRUE(r.status.ok());
  transport.inject(mg, "!/1 [10.0.0.2]:2944\nT=91{C=8{N=ds/0/3{OE=7{ct/cmp{res=success}}}}}");
  EXPECT_EQ(events.log.back(), "notify " + std::to_string(lb.handle) + " ds/0/3 ct/cmp");
}

TEST_F(CallAgentTest, RegistrationRedirectedWithMgcIdToTry) {
  GatewayConfig gw;
  gw.name = "mg2";
  gw.address = Address{0x0A000003, 2944};
  gw.redirect_to = Mid{Mid::Kind::Ip4, "10.0.0.5", 2944};
  ASSERT_TRUE(ca->add_gateway(gw).ok());
  transport.inject(gw.address, "!/1 [10.0.0.3]:2944\nT=1{C=-{SC=ROOT{SV{MT=RS,RE=\"901\"}}}}");
  std::string text;
  ASSERT_TRUE(encode_text(transport.last(), text).ok());
  EXPECT_EQ(text, "!/1 [10.0.0.1]:2944\nP=1{C=-{SC=ROOT{SV{MG=[10.0.0.5]:2944}}}}");
  EXPECT_EQ(ca->gateway_state("mg2"), GatewayState::Unknown);
}

TEST(TpktFramer, FramesAndSplits) {
  std::vector<uint8_t> wire;
  const uint8_t a[] = {'a', 'b'}, b[] = {'c'};
  TpktFramer::frame(a, wire);
  TpktFramer::frame(b, wire);
  EXPECT_EQ(wire.size(), 11u);
  TpktFramer f;
  std::vector<std::string> got;
  auto out = [&](std::span<const uint8_t> m) { got.emplace_back(m.begin(), m.end()); };
  for (uint8_t byte : wire)
    ASSERT_TRUE(f.feed(std::span(&byte, 1), out));
  EXPECT_EQ(got, (std::vector<std::string>{"ab", "c"}));
  const uint8_t bad[] = {4, 0, 0, 5, 1};
  EXPECT_FALSE(f.feed(bad, out));
}

// ServiceChange Graceful on ROOT (clause 7.2.8): calls stay, no new ones; with a delay, out
// of service (calls gone) when it runs out.
TEST_F(CallAgentTest, GracefulDrainsThenTakesTheGatewayOutAfterItsDelay) {
  register_mg();
  ConnectResult first;
  ca->connect({"tg1", 1, StreamMode::SendRecv, {}}, [&](const ConnectResult &r) { first = r; });
  reply("C=5{A=ds/0/1,A=rtp/1}");
  ASSERT_TRUE(first.status.ok());
  transport.inject(mg, "!/1 [10.0.0.2]:2944\nT=63{C=-{SC=ROOT{SV{MT=GR,DL=2,RE=\"905\"}}}}");
  EXPECT_EQ(ca->gateway_state("mg1"), GatewayState::Draining);
  EXPECT_EQ(ca->call_count(), 1u);
  ConnectResult refused;
  ca->connect({"tg1", 2, StreamMode::SendRecv, {}}, [&](const ConnectResult &r) { refused = r; });
  EXPECT_EQ(refused.status.detail(), "h248.gateway_out_of_service");
  sched.advance(1999);
  EXPECT_EQ(ca->gateway_state("mg1"), GatewayState::Draining);
  sched.advance(1);
  EXPECT_EQ(ca->gateway_state("mg1"), GatewayState::OutOfService);
  EXPECT_EQ(ca->call_count(), 0u);
  // A restart brings it back.
  transport.inject(mg, "!/1 [10.0.0.2]:2944\nT=64{C=-{SC=ROOT{SV{MT=RS,RE=\"901\"}}}}");
  EXPECT_EQ(ca->gateway_state("mg1"), GatewayState::InService);
}

// Keepalive (issue 13): AuditValue on ROOT to a silent MG; two intervals unanswered take it
// out of service, and its answer to a later one brings it back without a new registration.
TEST_F(CallAgentTest, KeepaliveTakesASilentGatewayOutAndItsAnswerBringsItBack) {
  TransactionConfig cfg;
  cfg.own_mid = Mid{Mid::Kind::Ip4, "10.0.0.1", 2944};
  ca.reset(); // the transport's receiver goes with it: the new one's comes after
  ca = std::make_unique<CallAgent>(sched, transport, events, cfg);
  GatewayConfig gw;
  gw.name = "mg1";
  gw.address = mg;
  gw.keepalive_interval_ms = 1000;
  gw.keepalive_failures = 2;
  ASSERT_TRUE(ca->add_gateway(gw).ok());
  sched.advance(3000); // not registered: nothing to keep alive
  EXPECT_EQ(ca->counters().get(H248CaCounter::keepalives), 0u);
  register_mg();
  sched.advance(1000);
  Message audit = transport.last();
  ASSERT_EQ(audit.transactions[0].actions[0].commands[0].type, CommandType::AuditValue);
  EXPECT_TRUE(audit.transactions[0].actions[0].commands[0].terminations[0].is_root());
  reply("C=-{AV=ROOT}");
  EXPECT_EQ(ca->keepalive_failures("mg1"), 0u);
  sched.advance(1000); // the next, unanswered
  EXPECT_EQ(ca->counters().get(H248CaCounter::keepalives), 2u);
  sched.advance(1000);
  EXPECT_EQ(ca->gateway_state("mg1"), GatewayState::InService);
  EXPECT_EQ(ca->keepalive_failures("mg1"), 1u);
  sched.advance(1000);
  EXPECT_EQ(ca->gateway_state("mg1"), GatewayState::OutOfService);
  EXPECT_EQ(ca->counters().get(H248CaCounter::gateway_unreachable), 1u);
  // The repeated request is answered at last: back in service.
  reply("C=-{AV=ROOT}");
  EXPECT_EQ(ca->gateway_state("mg1"), GatewayState::InService);
  EXPECT_EQ(ca->counters().get(H248CaCounter::gateway_recoveries), 1u);
}

} // namespace
} // namespace mgc::h248
