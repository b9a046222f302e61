// The OPTIONS keepalive of SIP peers (RFC 3261 §11, gateway/mgcd/sip_peer_health.h) on
// simulated time, with the gateway's real user agent and a peer's: a peer is down after
// `failures` probes unanswered in a row (Timer F each), the alarm sip-peer.NAME.down is raised and
// routing is told; any final response (a 200, or a 405 from a peer taking no OPTIONS) brings it
// up again and clears the alarm; the text `show sip peers` prints says so.
#include "gateway/mgcd/sip_peer_health.h"

#include "core/sim_scheduler.h"

#include <deque>
#include <gtest/gtest.h>

using namespace mgc;

namespace {

const sipt::Peer kGwAddr{sipt::TransportKind::Udp, "127.0.0.1", 5060};
const sipt::Peer kPeerAddr{sipt::TransportKind::Udp, "127.0.0.2", 5070};

struct NoCalls : sipt::CallEvents {
  void on_incoming(sipt::Call &, const sipt::Message &) override {}
};

struct Packet {
  std::string bytes;
  sipt::Peer to;
};

struct SipPeerHealthTest : testing::Test {
  core::SimScheduler sched;
  core::Alarms alarms;
  std::deque<Packet> net;
  NoCalls gw_events, peer_events;
  std::unique_ptr<sipt::UserAgent> gw_ua, peer_ua;
  std::vector<std::pair<std::string, bool>> verdicts;
  std::unique_ptr<gw::SipPeerHealth> health;
  bool peer_alive = true; // false: what is sent to the peer is lost
  std::deque<std::string> keep; // parsed messages hold views into their bytes

  void SetUp() override {
    sipt::UaConfig gcfg;
    gcfg.contact_host = "127.0.0.1";
    gcfg.contact_port = 5060;
    gw_ua = std::make_unique<sipt::UserAgent>(
        sched,
        [this](std::string_view b, const sipt::Peer &to) {
          net.push_back({std::string(b), to});
          return true;
        },
        gw_events, gcfg);
    sipt::UaConfig pcfg;
    pcfg.contact_host = "127.0.0.2";
    pcfg.contact_port = 5070;
    peer_ua = std::make_unique<sipt::UserAgent>(
        sched,
        [this](std::string_view b, const sipt::Peer &to) {
          net.push_back({std::string(b), to});
          return true;
        },
        peer_events, pcfg);
    health = std::make_unique<gw::SipPeerHealth>(
        sched, *gw_ua, alarms,
        [this](const std::string &peer, bool up) { verdicts.emplace_back(peer, up); });
  }
  void TearDown() override { health.reset(); }

  std::deque<gw::SipPeerConfig> peers(uint32_t interval_ms, unsigned failures) {
    gw::SipPeerConfig p;
    p.name = "carrier";
    p.address = "127.0.0.2";
    p.port = 5070;
    p.keepalive_interval_ms = interval_ms;
    p.keepalive_failures = failures;
    return {p};
  }
  void pump() {
    while (!net.empty()) {
      Packet p = std::move(net.front());
      net.pop_front();
      keep.push_back(std::move(p.bytes));
      sipt::Message m;
      ASSERT_TRUE(sipt::parse(keep.back(), sipt::ParseOptions{}, m).ok()) << keep.back();
      if (p.to.port == 5070) {
        if (peer_alive)
          peer_ua->receive(m, kGwAddr);
      } else {
        gw_ua->receive(m, kPeerAddr);
      }
    }
  }
  // Time passes in steps of 100 ms, every message delivered at once.
  void run(int64_t ms) {
    for (int64_t t = 0; t < ms; t += 100) {
      pump();
      sched.advance(100);
    }
    pump();
  }
  const gw::SipPeerHealth::Status &status() { return *health->status("carrier"); }
  uint64_t ctr(SipHealthCounter c) { return health->counters().get(c); }
};

TEST_F(SipPeerHealthTest, AnsweredProbesKeepThePeerUp) {
  health->configure(peers(5000, 3));
  run(0); // the first probe goes at once
  EXPECT_EQ(status().state, gw::SipPeerHealth::State::Up);
  EXPECT_EQ(ctr(SipHealthCounter::options_sent), 1u);
  run(10000);
  EXPECT_EQ(ctr(SipHealthCounter::options_sent), 3u); // one every interval
  EXPECT_EQ(ctr(SipHealthCounter::options_answered), 3u);
  EXPECT_TRUE(verdicts.empty()); // up from unknown is no change routing needs to hear
  EXPECT_FALSE(alarms.is_active("sip-peer.carrier.down"));
  EXPECT_EQ(health->describe("carrier"), "keepalive every 5000 ms: up, 0 of 3 unanswered, "
                                         "last answer 200");
}

TEST_F(SipPeerHealthTest, DownAfterFailuresUnansweredThenUpOnAnyFinalResponse) {
  health->configure(peers(5000, 3));
  run(0);
  peer_alive = false;
  // Each probe is given up at Timer F (64*T1 = 32 s, RFC 3261 §17.1.2.2); one at a time, so the
  // third miss comes about 3 x 32 s later.
  run(64000);
  EXPECT_EQ(status().state, gw::SipPeerHealth::State::Up);
  EXPECT_EQ(status().misses, 1u);
  run(32000 * 2 + 10000);
  EXPECT_EQ(status().state, gw::SipPeerHealth::State::Down);
  EXPECT_EQ(status().misses, 3u);
  ASSERT_EQ(verdicts.size(), 1u);
  EXPECT_EQ(verdicts[0], std::make_pair(std::string("carrier"), false));
  EXPECT_TRUE(alarms.is_active("sip-peer.carrier.down"));
  EXPECT_EQ(ctr(SipHealthCounter::peers_down), 1u);
  EXPECT_EQ(ctr(SipHealthCounter::options_unanswered), 3u);
  EXPECT_EQ(health->describe("carrier"), "keepalive every 5000 ms: down, 3 of 3 unanswered, "
                                         "last answer 200");
  // Still probed while down; the next answer, whatever its code, brings it up (§11.2).
  peer_alive = true;
  run(40000);
  EXPECT_EQ(status().state, gw::SipPeerHealth::State::Up);
  EXPECT_EQ(status().misses, 0u);
  ASSERT_EQ(verdicts.size(), 2u);
  EXPECT_EQ(verdicts[1], std::make_pair(std::string("carrier"), true));
  EXPECT_FALSE(alarms.is_active("sip-peer.carrier.down"));
  EXPECT_EQ(ctr(SipHealthCounter::peers_up), 1u);
}

TEST_F(SipPeerHealthTest, APeerThatTakesNoOptionsIsAliveToo) {
  // The peer's user agent answers OPTIONS 405 when it does not allow it (RFC 3261 §11.2: an
  // answer is an answer).
  sipt::UaConfig pcfg;
  pcfg.contact_host = "127.0.0.2";
  pcfg.contact_port = 5070;
  pcfg.policy.allowed = {sipt::Method::INVITE, sipt::Method::ACK, sipt::Method::BYE,
                         sipt::Method::CANCEL};
  peer_ua = std::make_unique<sipt::UserAgent>(
      sched,
      [this](std::string_view b, const sipt::Peer &to) {
        net.push_back({std::string(b), to});
        return true;
      },
      peer_events, pcfg);
  health->configure(peers(1000, 1));
  run(0);
  EXPECT_EQ(status().state, gw::SipPeerHealth::State::Up);
  EXPECT_EQ(status().last_code, 405);
}

TEST_F(SipPeerHealthTest, KeepaliveRemovedLiveBringsADownPeerBack) {
  health->configure(peers(1000, 1));
  peer_alive = false;
  run(33000);
  ASSERT_EQ(status().state, gw::SipPeerHealth::State::Down);
  ASSERT_TRUE(alarms.is_active("sip-peer.carrier.down"));
  health->configure(peers(0, 1)); // `keepalive interval 0`: no keepalive, nothing says down
  EXPECT_EQ(health->status("carrier"), nullptr);
  EXPECT_FALSE(alarms.is_active("sip-peer.carrier.down"));
  ASSERT_EQ(verdicts.size(), 2u);
  EXPECT_TRUE(verdicts[1].second);
  EXPECT_EQ(health->describe("carrier"), "no keepalive");
  const uint64_t sent = ctr(SipHealthCounter::options_sent);
  run(60000);
  EXPECT_EQ(ctr(SipHealthCounter::options_sent), sent); // no probe any more
}

TEST_F(SipPeerHealthTest, IntervalChangedLiveTakesEffectAtOnce) {
  health->configure(peers(60000, 3));
  run(0);
  EXPECT_EQ(ctr(SipHealthCounter::options_sent), 1u);
  health->configure(peers(2000, 3));
  run(0); // probed at once with the new interval
  EXPECT_EQ(ctr(SipHealthCounter::options_sent), 2u);
  run(6000);
  EXPECT_EQ(ctr(SipHealthCounter::options_sent), 5u);
  EXPECT_EQ(status().state, gw::SipPeerHealth::State::Up);
}

} // namespace
