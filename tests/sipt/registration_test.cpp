// A UAC's registration (sipt/registration.h, RFC 3261 §10.2) against a registrar on simulated
// time: the registrar challenges (RFC 3261 §22.2) and verifies with sipt/uas_auth.h; the binding
// is refreshed before the granted time runs out (§10.2.4) reusing the nonce with the next nonce
// count (RFC 7616 §3.4); failures are retried with a doubling back-off; 423 asks for longer
// (§10.2.8); stop() removes the binding with Expires: 0 (§10.2.2).
#include "core/sim_scheduler.h"
#include "sipt/registration.h"
#include "sipt/uas_auth.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

using namespace mgc::sipt;

namespace {

struct NoCalls : CallEvents {
  void on_incoming(Call &c, const Message &) override { c.reject(603, "Decline"); }
};

struct RegistrarNet : ::testing::Test {
  mgc::core::SimScheduler timers;
  NoCalls events;
  Peer registrar{TransportKind::Udp, "127.0.0.9", 5060};
  // What the registrar answers a REGISTER with (the request, its serialised text).
  std::function<Message(const Message &)> answer;
  struct Seen {
    int64_t at_ms;
    uint32_t cseq;
    std::string call_id, expires, authorization;
  };
  std::vector<Seen> seen;
  std::vector<std::string> keep; // bytes the delivered responses point into
  std::unique_ptr<UserAgent> ua;
  std::vector<Registration::State> states;

  void SetUp() override {
    UaConfig c;
    c.contact_host = "127.0.0.1";
    c.contact_port = 5060;
    ua = std::make_unique<UserAgent>(
        timers,
        [this](std::string_view bytes, const Peer &) {
          auto req = std::make_shared<std::string>(bytes);
          timers.start(1, [this, req] {
            Message m;
            if (!parse(*req, ParseOptions{}, m).ok() || !m.is_request() ||
                m.method() != Method::REGISTER)
              return;
            const HeaderField *ex = m.first(HeaderId::Expires);
            const HeaderField *au = m.first(HeaderId::Authorization);
            seen.push_back({timers.now_ms(), m.cseq().number, std::string(m.call_id()),
                            ex ? std::string(ex->value) : "", au ? std::string(au->value) : ""});
            keep.push_back(answer(m).serialize());
            Message r;
            ASSERT_TRUE(parse(keep.back(), ParseOptions{}, r).ok());
            ua->receive(r, registrar);
          });
          return true;
        },
        events, c);
  }
  RegistrationConfig config(uint32_t expires) {
    RegistrationConfig rc;
    rc.registrar_uri = "sip:127.0.0.9:5060";
    rc.aor = "sip:gw1@127.0.0.9";
    rc.peer = registrar;
    rc.expires_s = expires;
    rc.credentials = std::make_shared<Credentials>(Credentials{"gw1", "pw", ""});
    return rc;
  }
  std::unique_ptr<Registration> make(uint32_t expires) {
    return std::make_unique<Registration>(*ua, timers, config(expires),
                                          [this](const Registration &r) {
                                            states.push_back(r.state());
                                          });
  }
};

Message ok(const Message &req, std::string_view expires) {
  Message r = make_response(req, 200, "OK", "reg1");
  r.add(HeaderId::Contact, "<sip:127.0.0.1:5060>;expires=" + std::string(expires));
  return r;
}

} // namespace

TEST_F(RegistrarNet, ChallengedThenRefreshedBeforeExpiryWithTheNextNonceCount) {
  const UasAuthenticator auth("registrar-secret", 3600);
  answer = [&](const Message &req) {
    const uint64_t now_s = uint64_t(timers.now_ms() / 1000);
    if (auth.verify(req, Credentials{"gw1", "pw", ""}, "reg.example", now_s) ==
        UasAuthenticator::Verdict::Authenticated)
      return ok(req, "120");
    return auth.challenge(req, "reg.example", now_s, false, "reg1");
  };
  auto r = make(3600);
  r->start();
  timers.advance(10);
  EXPECT_EQ(r->state(), Registration::State::Registered);
  EXPECT_EQ(r->granted_s(), 120u); // the registrar's, from our Contact's expires (§10.2.4)
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_TRUE(seen[0].authorization.empty());
  EXPECT_NE(seen[1].authorization.find("nc=00000001"), std::string::npos);
  EXPECT_EQ(seen[1].cseq, seen[0].cseq + 1);
  EXPECT_EQ(seen[1].call_id, seen[0].call_id); // §10.2: one Call-ID for the binding
  EXPECT_EQ(seen[0].expires, "3600");
  // refreshed 30 s before the 120 s run out, with the same nonce and nc 2: no new challenge
  timers.advance(89000);
  EXPECT_EQ(seen.size(), 2u);
  timers.advance(2000);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_GE(seen[2].at_ms, 90000);
  EXPECT_LE(seen[2].at_ms, 90010);
  EXPECT_NE(seen[2].authorization.find("nc=00000002"), std::string::npos);
  EXPECT_EQ(r->state(), Registration::State::Registered);
  EXPECT_EQ(r->challenges_answered(), 1u);
  EXPECT_EQ(r->registered_count(), 2u);
  // §10.2.2: removed with Expires 0
  r->stop();
  timers.advance(10);
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[3].expires, "0");
  EXPECT_EQ(r->state(), Registration::State::Removed);
}

TEST_F(RegistrarNet, FailureRetriedWithADoublingBackOff) {
  answer = [](const Message &req) { return make_response(req, 403, "Forbidden", "reg1"); };
  auto r = make(600);
  r->start();
  timers.advance(10);
  EXPECT_EQ(r->state(), Registration::State::Failed);
  EXPECT_EQ(r->reason(), "403 Forbidden");
  timers.advance(30000); // 30 s, then 60 s, then 120 s
  timers.advance(60000);
  timers.advance(120000);
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_NEAR(double(seen[1].at_ms - seen[0].at_ms), 30000, 20);
  EXPECT_NEAR(double(seen[2].at_ms - seen[1].at_ms), 60000, 20);
  EXPECT_NEAR(double(seen[3].at_ms - seen[2].at_ms), 120000, 20);
  EXPECT_EQ(r->failed_count(), 4u);
  // a stopped registration that never got its binding sends nothing more
  r->stop();
  timers.advance(600000);
  EXPECT_EQ(seen.size(), 4u);
  EXPECT_EQ(r->state(), Registration::State::Removed);
}

TEST_F(RegistrarNet, RefusedCredentialsAreNotSentTwice) {
  const UasAuthenticator auth("registrar-secret", 3600);
  answer = [&](const Message &req) {
    return auth.challenge(req, "reg.example", uint64_t(timers.now_ms() / 1000), false, "reg1");
  };
  auto r = make(600);
  r->start();
  timers.advance(10);
  EXPECT_EQ(seen.size(), 2u); // the REGISTER, then once with credentials
  EXPECT_EQ(r->state(), Registration::State::Failed);
  EXPECT_NE(r->reason().find("credentials refused"), std::string::npos) << r->reason();
}

TEST_F(RegistrarNet, IntervalTooBriefAsksForMinExpires) {
  answer = [](const Message &req) {
    const HeaderField *ex = req.first(HeaderId::Expires);
    if (ex && ex->value == "30") {
      Message r = make_response(req, 423, "Interval Too Brief", "reg1");
      r.add(HeaderId::MinExpires, "300");
      return r;
    }
    return ok(req, "300");
  };
  auto r = make(30);
  r->start();
  timers.advance(10);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[1].expires, "300");
  EXPECT_EQ(r->state(), Registration::State::Registered);
  EXPECT_EQ(r->granted_s(), 300u);
}
