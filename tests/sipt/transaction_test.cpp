// RFC 3261 §17 / RFC 6026 transactions on simulated time: retransmission schedules (Timers A,
// E, G), timeouts (B, F, H), lingering (D, I, J, K, L, M), ACK and CANCEL construction.
#include "core/sim_scheduler.h"
#include "sipt/transaction.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace mgc::sipt;

namespace {

struct Sent {
  uint64_t at;
  std::string bytes;
};

struct Tu : TransactionUser {
  std::vector<std::string> requests, responses, timeouts;
  std::vector<Transaction *> server_txs;
  int terminated = 0;
  void on_request(Transaction *tx, const Message &req, const Peer &) override {
    requests.emplace_back(req.method_text());
    server_txs.push_back(tx);
  }
  void on_response(Transaction &, const Message &r) override {
    responses.push_back(std::to_string(r.status_code()));
  }
  void on_timeout(Transaction &, TxEvent why) override {
    timeouts.emplace_back(tx_event_name(why));
  }
  void on_terminated(Transaction &) override { ++terminated; }
};

struct Fixture : ::testing::Test {
  mgc::core::SimScheduler timers;
  Tu tu;
  std::vector<Sent> sent;
  bool fail_send = false;
  TransactionLayer layer{timers,
                         [this](std::string_view b, const Peer &) {
                           sent.push_back({uint64_t(timers.now_ms()), std::string(b)});
                           return !fail_send;
                         },
                         tu};
  Peer udp{TransportKind::Udp, "192.0.2.20", 5060};
  Peer tcp{TransportKind::Tcp, "192.0.2.20", 5060};

  std::vector<std::string> bufs; // keep received bytes alive
  Message msg(const std::string &text) {
    bufs.push_back(text);
    Message m;
    EXPECT_TRUE(parse(bufs.back(), ParseOptions{}, m).ok()) << text;
    return m;
  }
  Message request(std::string_view method, std::string_view branch = "z9hG4bK-1",
                  int cseq = 1) {
    std::string m(method);
    std::string s = m + " sip:12345@192.0.2.20 SIP/2.0\r\n"
                        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=" + std::string(branch) + "\r\n"
                        "Route: <sip:proxy.example.net;lr>\r\n"
                        "Max-Forwards: 70\r\nFrom: <sip:a@192.0.2.10>;tag=ft\r\n"
                        "To: <sip:12345@192.0.2.20>\r\nCall-ID: tx-test@192.0.2.10\r\n"
                        "CSeq: " + std::to_string(cseq) + " " + m + "\r\nContent-Length: 0\r\n\r\n";
    return msg(s);
  }
  Message response(const Message &req, int code, std::string_view tag = "tt") {
    Message r = make_response(req, code, "X", tag);
    return msg(r.serialize());
  }
  std::vector<uint64_t> send_times() const {
    std::vector<uint64_t> t;
    for (auto &s : sent)
      t.push_back(s.at);
    return t;
  }
};

} // namespace

TEST_F(Fixture, ClientInviteTimerAThenB) {
  Message inv = request("INVITE");
  ASSERT_NE(layer.send_request(inv, udp), nullptr);
  timers.advance(40000);
  // §17.1.1.2: A doubles from T1; B fires at 64*T1 = 32 s.
  EXPECT_EQ(send_times(), (std::vector<uint64_t>{0, 500, 1500, 3500, 7500, 15500, 31500}));
  EXPECT_EQ(tu.timeouts, (std::vector<std::string>{"TimerB"}));
  EXPECT_EQ(layer.size(), 0u);
  EXPECT_EQ(layer.counters().get(SipTxCounter::retransmissions), 6u);
}

TEST_F(Fixture, ClientInviteOverTcpDoesNotRetransmit) {
  Message inv = request("INVITE");
  ASSERT_NE(layer.send_request(inv, tcp), nullptr);
  timers.advance(40000);
  EXPECT_EQ(sent.size(), 1u);
  EXPECT_EQ(tu.timeouts.size(), 1u);
}

TEST_F(Fixture, ClientInviteFailureSendsAckAndLingers) {
  Message inv = request("INVITE");
  Transaction *tx = layer.send_request(inv, udp);
  ASSERT_NE(tx, nullptr);
  layer.receive(response(inv, 180), udp);
  EXPECT_EQ(tx->state(), TxState::Proceeding);
  timers.advance(5000); // no retransmission in Proceeding
  EXPECT_EQ(sent.size(), 1u);
  layer.receive(response(inv, 486), udp);
  EXPECT_EQ(tx->state(), TxState::Completed);
  ASSERT_EQ(sent.size(), 2u);
  Message ack = msg(sent[1].bytes);
  EXPECT_EQ(ack.method(), Method::ACK);
  EXPECT_EQ(ack.cseq().number, 1u);
  EXPECT_EQ(ack.cseq().method, "ACK");
  EXPECT_EQ(ack.top_via().branch, "z9hG4bK-1"); // same branch for non-2xx ACK (§17.1.1.3)
  EXPECT_EQ(ack.to().tag(), "tt");
  EXPECT_EQ(ack.count(HeaderId::Route), 1u);
  // A retransmitted final response gets the ACK again.
  layer.receive(response(inv, 486), udp);
  EXPECT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[2].bytes, sent[1].bytes);
  EXPECT_EQ(tu.responses, (std::vector<std::string>{"180", "486"}));
  timers.advance(31999);
  EXPECT_EQ(layer.size(), 1u);
  timers.advance(2); // Timer D: 32 s
  EXPECT_EQ(layer.size(), 0u);
}

TEST_F(Fixture, ClientInvite2xxAccepted) {
  Message inv = request("INVITE");
  Transaction *tx = layer.send_request(inv, udp);
  layer.receive(response(inv, 200), udp);
  EXPECT_EQ(tx->state(), TxState::Accepted); // RFC 6026 §7.2
  layer.receive(response(inv, 200), udp);    // retransmitted 2xx reaches the TU (it ACKs)
  EXPECT_EQ(tu.responses, (std::vector<std::string>{"200", "200"}));
  EXPECT_EQ(sent.size(), 1u); // the transaction never ACKs a 2xx
  timers.advance(64 * 500);
  EXPECT_EQ(layer.size(), 0u); // Timer M
}

TEST_F(Fixture, ClientNonInviteTimerECapsAtT2) {
  Message bye = request("BYE", "z9hG4bK-bye", 2);
  ASSERT_NE(layer.send_request(bye, udp), nullptr);
  timers.advance(40000);
  EXPECT_EQ(send_times(), (std::vector<uint64_t>{0, 500, 1500, 3500, 7500, 11500, 15500, 19500,
                                                 23500, 27500, 31500}));
  EXPECT_EQ(tu.timeouts, (std::vector<std::string>{"TimerF"}));
}

TEST_F(Fixture, ClientNonInviteProceedingUsesT2ThenTimerK) {
  Message bye = request("BYE", "z9hG4bK-bye", 2);
  Transaction *tx = layer.send_request(bye, udp);
  layer.receive(response(bye, 100), udp);
  EXPECT_EQ(tx->state(), TxState::Proceeding);
  timers.advance(600); // the pending E (500) fires: Proceeding retransmits every T2
  timers.advance(4000);
  EXPECT_EQ(send_times(), (std::vector<uint64_t>{0, 500, 4500}));
  layer.receive(response(bye, 200), udp);
  EXPECT_EQ(tx->state(), TxState::Completed);
  timers.advance(4999);
  EXPECT_EQ(layer.size(), 1u);
  timers.advance(1); // Timer K = T4
  EXPECT_EQ(layer.size(), 0u);
}

TEST_F(Fixture, ServerInviteFailureTimerGAndAck) {
  Message inv = request("INVITE");
  layer.receive(inv, udp);
  ASSERT_EQ(tu.server_txs.size(), 1u);
  Transaction *tx = tu.server_txs[0];
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(msg(sent[0].bytes).status_code(), 100); // §17.2.1
  layer.receive(inv, udp);                          // retransmission: the 100 again
  EXPECT_EQ(sent.size(), 2u);
  EXPECT_EQ(tu.requests.size(), 1u); // not passed to the TU again
  ASSERT_TRUE(layer.respond(*tx, response(tx->request(), 486)));
  timers.advance(4000);
  // G: T1, 2*T1, 4*T1 ...
  EXPECT_EQ(send_times(), (std::vector<uint64_t>{0, 0, 0, 500, 1500, 3500}));
  // The ACK for the 486 matches the transaction: Confirmed, then Timer I.
  std::string ack = "ACK sip:12345@192.0.2.20 SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-1\r\n"
                    "Max-Forwards: 70\r\nFrom: <sip:a@192.0.2.10>;tag=ft\r\n"
                    "To: <sip:12345@192.0.2.20>;tag=tt\r\nCall-ID: tx-test@192.0.2.10\r\n"
                    "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n";
  layer.receive(msg(ack), udp);
  EXPECT_EQ(tx->state(), TxState::Confirmed);
  EXPECT_EQ(tu.requests.size(), 1u); // the transaction absorbs it
  timers.advance(5000);
  EXPECT_EQ(layer.size(), 0u);
  EXPECT_TRUE(tu.timeouts.empty());
}

TEST_F(Fixture, ServerInviteNoAckTimerH) {
  Message inv = request("INVITE");
  layer.receive(inv, udp);
  Transaction *tx = tu.server_txs[0];
  layer.respond(*tx, response(tx->request(), 503));
  timers.advance(64 * 500);
  EXPECT_EQ(tu.timeouts, (std::vector<std::string>{"TimerH"}));
  EXPECT_EQ(layer.size(), 0u);
  // G capped at T2: 0.5 1.5 3.5 7.5 11.5 ... 31.5 (plus the 100 and the 503 at 0).
  EXPECT_EQ(sent.size(), 2u + 10u);
}

TEST_F(Fixture, ServerInvite2xxAcceptedThenTimerL) {
  Message inv = request("INVITE");
  layer.receive(inv, udp);
  Transaction *tx = tu.server_txs[0];
  layer.respond(*tx, response(tx->request(), 200));
  EXPECT_EQ(tx->state(), TxState::Accepted);
  layer.receive(inv, udp); // retransmitted INVITE absorbed (RFC 6026 §7.1)
  EXPECT_EQ(layer.counters().get(SipTxCounter::absorbed_requests), 1u);
  // ACK for 2xx carries its own branch: straight to the TU.
  std::string ack = "ACK sip:12345@192.0.2.20 SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-ack2xx\r\n"
                    "Max-Forwards: 70\r\nFrom: <sip:a@192.0.2.10>;tag=ft\r\n"
                    "To: <sip:12345@192.0.2.20>;tag=tt\r\nCall-ID: tx-test@192.0.2.10\r\n"
                    "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n";
  layer.receive(msg(ack), udp);
  EXPECT_EQ(tu.requests, (std::vector<std::string>{"INVITE", "ACK"}));
  EXPECT_EQ(tu.server_txs[1], nullptr);
  timers.advance(64 * 500);
  EXPECT_EQ(layer.size(), 0u);
}

TEST_F(Fixture, ServerNonInviteTimerJ) {
  Message bye = request("BYE", "z9hG4bK-b", 2);
  layer.receive(bye, udp);
  Transaction *tx = tu.server_txs[0];
  layer.receive(bye, udp); // Trying: absorbed
  EXPECT_TRUE(sent.empty());
  layer.respond(*tx, response(tx->request(), 200));
  layer.receive(bye, udp); // Completed: final response again
  EXPECT_EQ(sent.size(), 2u);
  timers.advance(64 * 500);
  EXPECT_EQ(layer.size(), 0u);
}

TEST_F(Fixture, CancelFindsItsInvite) {
  Message inv = request("INVITE");
  layer.receive(inv, udp);
  std::string cancel = make_cancel(inv).serialize();
  Message c = msg(cancel);
  EXPECT_EQ(c.method(), Method::CANCEL);
  EXPECT_EQ(c.cseq().number, 1u);
  EXPECT_EQ(c.top_via().branch, "z9hG4bK-1");
  layer.receive(c, udp);
  ASSERT_EQ(tu.server_txs.size(), 2u);
  EXPECT_EQ(layer.find_invite_for_cancel(c), tu.server_txs[0]);
  EXPECT_NE(tu.server_txs[1], tu.server_txs[0]); // CANCEL has its own transaction
}

TEST_F(Fixture, ConfigurableT1AndStrays) {
  TimerValues tv;
  tv.t1 = 100;
  layer.set_timer_values(tv);
  Message inv = request("INVITE");
  layer.send_request(inv, tcp);
  timers.advance(6399);
  EXPECT_TRUE(tu.timeouts.empty());
  timers.advance(1);
  EXPECT_EQ(tu.timeouts.size(), 1u); // B = 64*T1
  EXPECT_FALSE(layer.receive(response(inv, 200), udp));
  EXPECT_EQ(layer.counters().get(SipTxCounter::stray_responses), 1u);
}

TEST_F(Fixture, UnexpectedEventsAreCounted) {
  Message bye = request("BYE", "z9hG4bK-b", 2);
  layer.receive(bye, udp);
  Transaction *tx = tu.server_txs[0];
  Message ok = response(tx->request(), 200), again = response(tx->request(), 200);
  layer.respond(*tx, ok);
  // Answered: the transaction keeps only its response (for repeats of the request), not the
  // request itself.
  EXPECT_TRUE(tx->request().call_id().empty());
  EXPECT_FALSE(layer.respond(*tx, again)); // Completed: no row
  EXPECT_EQ(layer.counters().get(SipTxCounter::unexpected_events), 1u);
  layer.receive(bye, udp); // a repeated BYE gets the same 200 again (§17.2.2)
  EXPECT_EQ(sent.back().bytes, sent[sent.size() - 2].bytes);
}

// §17.2.3: a peer without the magic cookie (RFC 2543, RFC 4475 §3.4.1) still gets transactions.
TEST_F(Fixture, Rfc2543PeerMatchedWithoutBranch) {
  std::string inv = "INVITE sip:UserB@example.com SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP iftgw.example.com\r\n"
                    "From: <sip:+13035551111@ift.client.example.net;user=phone>;tag=a1\r\n"
                    "To: sip:+16505552222@ss1.example.net;user=phone\r\n"
                    "Call-ID: inv2543.1717@ift.client.example.com\r\nCSeq: 56 INVITE\r\n"
                    "Content-Length: 0\r\n\r\n";
  Message m = msg(inv);
  layer.receive(m, udp);
  layer.receive(msg(inv), udp); // retransmission: same transaction, the 100 again
  ASSERT_EQ(tu.server_txs.size(), 1u);
  ASSERT_NE(tu.server_txs[0], nullptr);
  Transaction *tx = tu.server_txs[0];
  EXPECT_EQ(sent.size(), 2u);
  layer.respond(*tx, response(tx->request(), 486));
  std::string ack = "ACK sip:UserB@example.com SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP iftgw.example.com\r\n"
                    "From: <sip:+13035551111@ift.client.example.net;user=phone>;tag=a1\r\n"
                    "To: sip:+16505552222@ss1.example.net;user=phone;tag=tt\r\n"
                    "Call-ID: inv2543.1717@ift.client.example.com\r\nCSeq: 56 ACK\r\n"
                    "Content-Length: 0\r\n\r\n";
  layer.receive(msg(ack), udp);
  EXPECT_EQ(tx->state(), TxState::Confirmed);
}
