// RFC 4028 session timers: the header values and the negotiation (session_timer.h), then two
// user agents on simulated time — UAC and UAS each as refresher, refresh by UPDATE and by
// re-INVITE, 422 and the retry with the larger interval (§7.4, §9), expiry with BYE (§10), and a
// peer without the extension.
#include "core/sim_scheduler.h"
#include "sipt/session_timer.h"
#include "sipt/user_agent.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

using namespace mgc::sipt;

namespace {

Message parsed(std::string &storage, std::string text) {
  storage = std::move(text);
  Message m;
  EXPECT_TRUE(parse(storage, ParseOptions{}, m).ok()) << storage;
  return m;
}

std::string invite_with(std::string_view extra) {
  return "INVITE sip:1@127.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\r\n"
         "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:1@127.0.0.2>\r\nCall-ID: c1\r\n"
         "CSeq: 1 INVITE\r\nMax-Forwards: 70\r\n" +
         std::string(extra) + "Content-Length: 0\r\n\r\n";
}

TEST(SessionTimerValues, ParseAndPrint) {
  SessionExpiresValue v;
  ASSERT_TRUE(parse_session_expires("1800;refresher=uac", v));
  EXPECT_EQ(v.seconds, 1800u);
  ASSERT_TRUE(v.refresher);
  EXPECT_EQ(*v.refresher, Refresher::Uac);
  ASSERT_TRUE(parse_session_expires("90 ; refresher=UAS;x=y", v));
  EXPECT_EQ(*v.refresher, Refresher::Uas);
  ASSERT_TRUE(parse_session_expires("4000", v));
  EXPECT_FALSE(v.refresher);
  EXPECT_FALSE(parse_session_expires("abc", v));
  EXPECT_FALSE(parse_session_expires("90;refresher=proxy", v));
  EXPECT_FALSE(parse_session_expires("", v));
  EXPECT_FALSE(parse_session_expires("99999999999", v));
  std::string out;
  print(out, SessionExpiresValue{600, Refresher::Uas});
  EXPECT_EQ(out, "600;refresher=uas");
  uint32_t min = 0;
  ASSERT_TRUE(parse_min_se("120;x", min));
  EXPECT_EQ(min, 120u);
  EXPECT_FALSE(parse_min_se("-1", min));
}

TEST(SessionTimerValues, Section10Instants) {
  EXPECT_EQ(refresh_after_ms(1800), 900000);
  EXPECT_EQ(expire_after_ms(1800), 1768000); // less 32 s
  EXPECT_EQ(expire_after_ms(90), 60000);     // less a third
  EXPECT_EQ(expire_after_ms(96), 64000);     // a third is 32
  // whatever a peer says: 8589935 s is 4294967500 ms, no 32-bit wrap to 204 ms
  EXPECT_EQ(refresh_after_ms(8589935), 4294967500);
  EXPECT_EQ(expire_after_ms(999999999), 999999967000);
}

TEST(SessionTimerUas, BelowOurMinimumIs422) {
  SessionTimerConfig cfg;
  cfg.enabled = true;
  cfg.min_se_s = 300;
  std::string s;
  const Message m = parsed(s, invite_with("Supported: timer\r\nSession-Expires: 120\r\n"));
  const UasSessionTimer d = uas_session_timer(m, cfg);
  EXPECT_TRUE(d.reject_422);
  EXPECT_EQ(d.min_se_s, 300u);
  cfg.enabled = false; // off: the header is ignored
  EXPECT_FALSE(uas_session_timer(m, cfg).reject_422);
  EXPECT_FALSE(uas_session_timer(m, cfg).state.active());
}

TEST(SessionTimerUas, RefresherAndInterval) {
  SessionTimerConfig cfg;
  cfg.enabled = true;
  cfg.session_expires_s = 1800;
  std::string s;
  // §9: the UAC's choice is kept; refresher=uac needs Require: timer.
  UasSessionTimer d = uas_session_timer(
      parsed(s, invite_with("Supported: timer\r\nSession-Expires: 1000;refresher=uac\r\n")), cfg);
  EXPECT_FALSE(d.reject_422);
  EXPECT_EQ(d.state.interval_s, 1000u);
  EXPECT_FALSE(d.state.we_refresh);
  EXPECT_TRUE(d.require_timer);
  // The UAS lowers a long interval to its own, not below the request's Min-SE.
  d = uas_session_timer(
      parsed(s, invite_with("Supported: timer\r\nSession-Expires: 7200\r\nMin-SE: 2000\r\n")),
      cfg);
  EXPECT_EQ(d.state.interval_s, 2000u);
  EXPECT_TRUE(d.state.we_refresh); // none named, ours is local
  EXPECT_FALSE(d.require_timer);
  // No Session-Expires: ours is given, the refresher by our choice.
  cfg.refresher = RefresherChoice::Remote;
  d = uas_session_timer(parsed(s, invite_with("Supported: 100rel, timer\r\n")), cfg);
  EXPECT_EQ(d.state.interval_s, 1800u);
  EXPECT_FALSE(d.state.we_refresh);
  EXPECT_TRUE(d.require_timer);
  // A UAC without the extension (a proxy put Session-Expires in): the UAS refreshes.
  d = uas_session_timer(parsed(s, invite_with("Session-Expires: 900;refresher=uac\r\n")), cfg);
  EXPECT_EQ(d.state.interval_s, 900u);
  EXPECT_TRUE(d.state.we_refresh);
  EXPECT_FALSE(d.require_timer);
}

TEST(SessionTimerUac, AnswerAnd422) {
  std::string s;
  const std::string resp = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\r\n"
                           "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:1@127.0.0.2>;tag=2\r\n"
                           "Call-ID: c1\r\nCSeq: 1 INVITE\r\n";
  SessionTimerState st =
      uac_session_timer(parsed(s, resp + "Session-Expires: 600;refresher=uas\r\n"
                                         "Content-Length: 0\r\n\r\n"),
                        90);
  EXPECT_EQ(st.interval_s, 600u);
  EXPECT_FALSE(st.we_refresh);
  st = uac_session_timer(parsed(s, resp + "Content-Length: 0\r\n\r\n"), 90);
  EXPECT_FALSE(st.active()); // §7.2: no Session-Expires, no expiry
  std::string r422 = resp;
  r422.replace(8, 6, "422 Session Interval Too Small");
  EXPECT_EQ(retry_interval_after_422(parsed(s, r422 + "Min-SE: 500\r\nContent-Length: 0\r\n\r\n"),
                                     300),
            500u);
  EXPECT_FALSE(retry_interval_after_422(
      parsed(s, r422 + "Min-SE: 200\r\nContent-Length: 0\r\n\r\n"), 300)); // no larger
  EXPECT_FALSE(retry_interval_after_422(parsed(s, r422 + "Content-Length: 0\r\n\r\n"), 300));
}

// --- two user agents -----------------------------------------------------------------------
const char *kSdp = "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                   "m=audio 6000 RTP/AVP 8\r\n";

struct Events : CallEvents {
  std::vector<std::string> log;
  SessionTimerConfig cfg;
  Call *call = nullptr;
  bool answer = true;
  int bye_cause = -2;
  void on_incoming(Call &c, const Message &) override {
    call = &c;
    if (answer)
      c.answer("application/sdp", kSdp);
  }
  void on_answered(Call &c, const Message &) override { call = &c; }
  void on_failed(Call &, int code, const Message *) override {
    log.push_back("failed " + std::to_string(code));
  }
  void on_bye(Call &, const Message &m) override {
    log.push_back("bye");
    bye_cause = q850_cause(m);
  }
  void on_reinvite(Call &c, const Message &) override {
    log.push_back("reinvite");
    c.answer_reinvite("application/sdp", kSdp);
  }
  void on_update(Call &, const Message &, std::string &) override { log.push_back("update"); }
  void on_terminated(Call &c) override {
    log.push_back("terminated");
    if (call == &c)
      call = nullptr;
  }
  const SessionTimerConfig *session_timer_config(const Peer &) override { return &cfg; }
  void refresh_offer(Call &, std::string &ct, std::string &body) override {
    ct = "application/sdp";
    body = kSdp;
  }
  void on_session_expired(Call &) override { log.push_back("expired"); }
  bool has(std::string_view e) const {
    for (auto &l : log)
      if (l == e)
        return true;
    return false;
  }
};

struct Timers : ::testing::Test {
  mgc::core::SimScheduler timers;
  Events ea, eb; // a calls b
  Peer pa{TransportKind::Udp, "127.0.0.1", 5061}, pb{TransportKind::Udp, "127.0.0.2", 5062};
  std::function<bool(const Message &)> drop;
  std::vector<std::string> wire;
  std::unique_ptr<UserAgent> a, b;

  void deliver(UserAgent *to, std::string bytes, Peer from) {
    timers.start(1, [this, to, bytes = std::move(bytes), from] {
      Message m;
      if (!parse(bytes, ParseOptions{}, m).ok() || (drop && drop(m)))
        return;
      to->receive(m, from);
    });
  }
  void SetUp() override {
    UaConfig ca, cb;
    ca.contact_host = "127.0.0.1";
    ca.contact_port = 5061;
    cb.contact_host = "127.0.0.2";
    cb.contact_port = 5062;
    ea.cfg.enabled = eb.cfg.enabled = true;
    ea.cfg.session_expires_s = eb.cfg.session_expires_s = 120;
    a = std::make_unique<UserAgent>(
        timers,
        [this](std::string_view bytes, const Peer &) {
          wire.emplace_back(bytes);
          deliver(b.get(), std::string(bytes), pa);
          return true;
        },
        ea, ca);
    b = std::make_unique<UserAgent>(
        timers,
        [this](std::string_view bytes, const Peer &) {
          wire.emplace_back(bytes);
          deliver(a.get(), std::string(bytes), pb);
          return true;
        },
        eb, cb);
  }
  Call *call() {
    return a->invite("sip:1@127.0.0.2:5062", "sip:5551234@127.0.0.1", "sip:1@127.0.0.2", pb,
                     "application/sdp", kSdp);
  }
  // Messages on the wire starting with `start` and containing `has`.
  std::size_t count(std::string_view start, std::string_view has = {}) const {
    std::size_t n = 0;
    for (auto &w : wire)
      n += w.compare(0, start.size(), start) == 0 && w.find(has) != std::string::npos;
    return n;
  }
  uint64_t ca(SipUaCounter c) const { return a->counters().get(c); }
  uint64_t cb(SipUaCounter c) const { return b->counters().get(c); }
};

// §7.1, §9, §10: the UAC asks to refresh; the UAS agrees with Require: timer; the UAC refreshes
// by UPDATE (the UAS's 2xx allows it) every 60 s and the session lives on.
TEST_F(Timers, UacRefreshesByUpdate) {
  Call *ac = call();
  timers.advance(10);
  ASSERT_NE(eb.call, nullptr);
  ASSERT_EQ(ac->state(), Call::State::Confirmed);
  EXPECT_EQ(count("INVITE", "Session-Expires: 120;refresher=uac\r\n"), 1u);
  EXPECT_EQ(count("INVITE", "Supported: timer\r\n"), 1u);
  EXPECT_EQ(count("INVITE", "Min-SE: 90\r\n"), 1u);
  EXPECT_EQ(count("SIP/2.0 200", "Require: timer\r\n"), 1u);
  EXPECT_EQ(ac->session_timer().interval_s, 120u);
  EXPECT_TRUE(ac->session_timer().we_refresh);
  EXPECT_FALSE(eb.call->session_timer().we_refresh);
  timers.advance(60000);
  EXPECT_EQ(count("UPDATE", "Session-Expires: 120;refresher=uac\r\n"), 1u);
  EXPECT_EQ(count("SIP/2.0 200", "CSeq: 2 UPDATE"), 1u);
  timers.advance(600000);
  // one every 60 s after the last one's answer (2 ms on this network): ten in 660 s
  EXPECT_EQ(ca(SipUaCounter::session_refreshes_sent), 10u);
  EXPECT_EQ(cb(SipUaCounter::session_refreshes_received), 10u);
  EXPECT_EQ(ca(SipUaCounter::session_expired) + cb(SipUaCounter::session_expired), 0u);
  EXPECT_EQ(ac->state(), Call::State::Confirmed);
  EXPECT_EQ(count("INVITE"), 1u); // no re-INVITE
}

// §10: without UPDATE (the refresher prefers re-INVITE here) the refresh is a re-INVITE with the
// SDP as it was; the UAS answers it with its timer.
TEST_F(Timers, UacRefreshesByReinvite) {
  ea.cfg.prefer_update = false;
  Call *ac = call();
  timers.advance(10);
  timers.advance(60000);
  EXPECT_EQ(count("INVITE", "CSeq: 2 INVITE"), 1u);
  EXPECT_TRUE(eb.has("reinvite"));
  EXPECT_EQ(count("SIP/2.0 200", "CSeq: 2 INVITE\r\n"), 1u);
  EXPECT_EQ(count("SIP/2.0 200", "Session-Expires: 120;refresher=uac\r\n"), 2u);
  EXPECT_EQ(count("ACK", "CSeq: 2 ACK"), 1u);
  timers.advance(200000);
  EXPECT_EQ(ca(SipUaCounter::session_refreshes_sent), 4u);
  EXPECT_EQ(ac->state(), Call::State::Confirmed);
  EXPECT_EQ(count("BYE"), 0u);
}

// §9 / §10: the UAC leaves the choice to the UAS, which takes the refresh and sends UPDATEs.
TEST_F(Timers, UasRefreshes) {
  ea.cfg.refresher = RefresherChoice::Remote;
  Call *ac = call();
  timers.advance(10);
  EXPECT_EQ(count("INVITE", "Session-Expires: 120;refresher=uas\r\n"), 1u);
  EXPECT_FALSE(ac->session_timer().we_refresh);
  ASSERT_NE(eb.call, nullptr);
  EXPECT_TRUE(eb.call->session_timer().we_refresh);
  timers.advance(130000);
  EXPECT_EQ(cb(SipUaCounter::session_refreshes_sent), 2u);
  EXPECT_EQ(count("UPDATE", "Session-Expires: 120;refresher=uac\r\n"), 2u); // b is its UAC
  EXPECT_EQ(ac->state(), Call::State::Confirmed);
}

// §7.4 / §9: 120 s is below b's minimum: 422 with Min-SE 300, and a retried INVITE (CSeq 2) with
// Session-Expires 300 and Min-SE 300 sets the call up.
TEST_F(Timers, Interval422AndRetry) {
  eb.cfg.min_se_s = 300;
  eb.cfg.session_expires_s = 1800;
  Call *ac = call();
  timers.advance(20);
  EXPECT_EQ(count("SIP/2.0 422 Session Interval Too Small", "Min-SE: 300\r\n"), 1u);
  EXPECT_EQ(count("INVITE", "CSeq: 2 INVITE\r\n"), 1u);
  EXPECT_EQ(count("INVITE", "Session-Expires: 300;refresher=uac\r\n"), 1u);
  EXPECT_EQ(count("INVITE", "Min-SE: 300\r\n"), 1u);
  ASSERT_EQ(ac->state(), Call::State::Confirmed);
  EXPECT_EQ(ac->session_timer().interval_s, 300u);
  EXPECT_EQ(cb(SipUaCounter::session_422_sent), 1u);
  EXPECT_EQ(ca(SipUaCounter::session_422_received), 1u);
  EXPECT_FALSE(ea.has("failed 422"));
  timers.advance(150000);
  EXPECT_EQ(ca(SipUaCounter::session_refreshes_sent), 1u);
}

// §10: the refresher's UPDATEs are lost: b gives the session up at 120 - 32 s with a BYE
// carrying Q.850 102, and a hears it.
TEST_F(Timers, ExpiryWithoutRefreshSendsBye) {
  Call *ac = call();
  timers.advance(10);
  ASSERT_EQ(ac->state(), Call::State::Confirmed);
  drop = [](const Message &m) { return m.is_request() && m.method() == Method::UPDATE; };
  timers.advance(87900);
  EXPECT_EQ(count("BYE"), 0u);
  timers.advance(200);
  EXPECT_TRUE(eb.has("expired"));
  EXPECT_EQ(cb(SipUaCounter::session_expired), 1u);
  EXPECT_EQ(count("BYE", "Reason: Q.850;cause=102"), 1u);
  timers.advance(100);
  EXPECT_TRUE(ea.has("bye"));
  EXPECT_EQ(ea.bye_cause, 102);
  EXPECT_TRUE(eb.has("terminated"));
}

// §10: a refresh answered 481 ends the session at once.
TEST_F(Timers, RefreshAnswered481Expires) {
  Call *ac = call();
  timers.advance(10);
  ASSERT_EQ(ac->state(), Call::State::Confirmed);
  b.reset(); // the peer forgot the dialog: a fresh user agent answers 481
  UaConfig cb;
  cb.contact_host = "127.0.0.2";
  cb.contact_port = 5062;
  b = std::make_unique<UserAgent>(
      timers,
      [this](std::string_view bytes, const Peer &) {
        wire.emplace_back(bytes);
        deliver(a.get(), std::string(bytes), pb);
        return true;
      },
      eb, cb);
  timers.advance(60100);
  EXPECT_TRUE(ea.has("expired"));
  EXPECT_EQ(ca(SipUaCounter::session_refreshes_failed), 1u);
  EXPECT_EQ(count("BYE", "Reason: Q.850;cause=102"), 1u);
}

// §7.2: a peer without session timers answers without Session-Expires: no timer, no refresh.
TEST_F(Timers, PeerWithoutTheExtension) {
  eb.cfg.enabled = false;
  Call *ac = call();
  timers.advance(10);
  ASSERT_EQ(ac->state(), Call::State::Confirmed);
  EXPECT_FALSE(ac->session_timer().active());
  timers.advance(3600000);
  EXPECT_EQ(count("UPDATE") + count("BYE"), 0u);
  EXPECT_EQ(ac->state(), Call::State::Confirmed);
}

// §9: a UAC without the extension: the UAS puts its own timer in and refreshes it itself.
TEST_F(Timers, UasAloneRefreshes) {
  ea.cfg.enabled = false;
  Call *ac = call();
  timers.advance(10);
  EXPECT_EQ(count("INVITE", "Session-Expires"), 0u);
  EXPECT_EQ(count("SIP/2.0 200", "Session-Expires: 120;refresher=uas\r\n"), 1u);
  EXPECT_EQ(count("SIP/2.0 200", "Require: timer"), 0u);
  timers.advance(61000);
  EXPECT_EQ(cb(SipUaCounter::session_refreshes_sent), 1u);
  EXPECT_EQ(ac->state(), Call::State::Confirmed);
}

} // namespace
