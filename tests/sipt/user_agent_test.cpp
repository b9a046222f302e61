// UAS/UAC halves end to end on simulated time: two UserAgents joined by a simulated network
// (1 ms latency, selective loss). Calls with reliable provisional + PRACK, early media, INFO
// with ISUP, UPDATE, re-INVITE, BYE with Reason, CANCEL, lost and missing ACKs, timeouts.
#include "core/sim_scheduler.h"
#include "sipt/digest.h"
#include "sipt/sipt_body.h"
#include "sipt/user_agent.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

using namespace mgc::sipt;

namespace {

struct Recorder : CallEvents {
  std::vector<std::string> log;
  std::function<void(Call &, const Message &)> incoming;
  std::function<void(Call &, const Message &)> reinvite;
  int cause = -2;
  std::string last_body;
  void on_incoming(Call &c, const Message &m) override {
    log.push_back("incoming");
    last_body = m.body();
    if (incoming)
      incoming(c, m);
  }
  void on_cancelled(Call &) override { log.push_back("cancelled"); }
  void on_confirmed(Call &) override { log.push_back("confirmed"); }
  void on_provisional(Call &, const Message &m) override {
    log.push_back("provisional " + std::to_string(m.status_code()));
    last_body = m.body();
  }
  void on_answered(Call &, const Message &) override { log.push_back("answered"); }
  void on_failed(Call &, int code, const Message *m) override {
    log.push_back("failed " + std::to_string(code));
    if (m)
      cause = q850_cause(*m);
  }
  void on_bye(Call &, const Message &m) override {
    log.push_back("bye");
    cause = q850_cause(m);
  }
  void on_info(Call &, const Message &m) override {
    log.push_back("info");
    last_body = m.body();
  }
  void on_update(Call &, const Message &, std::string &answer) override {
    log.push_back("update");
    answer = "v=0\r\no=b 2 2 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n"
             "m=audio 7000 RTP/AVP 8\r\n";
  }
  std::function<bool(Call &, const Message &)> update_offer; // set: UPDATE offers answered later
  bool on_update_offer(Call &c, const Message &m) override {
    if (!update_offer)
      return false;
    log.push_back("update-offer");
    return update_offer(c, m);
  }
  void on_reinvite_ack(Call &, const Message &m) override {
    log.push_back("reinvite-ack");
    last_body = m.body();
  }
  void on_reinvite(Call &c, const Message &m) override {
    log.push_back("reinvite");
    if (reinvite)
      return reinvite(c, m);
    c.answer_reinvite("application/sdp", "v=0\r\no=b 3 3 IN IP4 127.0.0.2\r\ns=-\r\n"
                                         "c=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 7000 RTP/AVP 8\r\n");
  }
  void on_terminated(Call &) override { log.push_back("terminated"); }
  bool has(std::string_view e) const {
    for (auto &l : log)
      if (l == e)
        return true;
    return false;
  }
};

const char *kSdp = "v=0\r\no=a 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                   "m=audio 6000 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";

struct Net : ::testing::Test {
  mgc::core::SimScheduler timers;
  Recorder ea, eb;
  Peer pa{TransportKind::Udp, "127.0.0.1", 5061}, pb{TransportKind::Udp, "127.0.0.2", 5062};
  std::function<bool(const Message &)> drop; // loss model: true = lose this message
  std::vector<std::string> wire;
  std::unique_ptr<UserAgent> a, b;

  void deliver(UserAgent *to, std::string bytes, Peer from) {
    timers.start(1, [this, to, bytes = std::move(bytes), from] {
      Message m;
      if (!parse(bytes, ParseOptions{}, m).ok())
        return;
      if (drop && drop(m))
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
  Call *call_a() {
    return a->invite("sip:12345@127.0.0.2:5062", "sip:5551234@127.0.0.1", "sip:12345@127.0.0.2",
                     pb, "application/sdp", kSdp);
  }
  std::size_t count_wire(std::string_view start) const {
    std::size_t n = 0;
    for (auto &w : wire)
      n += w.compare(0, start.size(), start) == 0;
    return n;
  }
};

} // namespace

// Via and Contact name the listener a message leaves from (RFC 3261 §18.1.1, §8.1.1.8), asked of
// the transport per destination; an IPv6 address is an IPv6reference in brackets (§19.1.1,
// §25.1; RFC 5118 §4.1). Without an answer, the configured contact.
TEST(UserAgentAddresses, ViaAndContactNameTheListenerTowardEachPeer) {
  mgc::core::SimScheduler timers;
  Recorder ev;
  std::vector<std::string> sent;
  auto send = [&sent](std::string_view b, const Peer &) {
    sent.emplace_back(b);
    return true;
  };
  UaConfig cfg;
  cfg.contact_host = "2001:db8::10";
  cfg.contact_port = 5060;
  const UserAgent plain(timers, send, ev, cfg);
  Message m =
      plain.make_invite("sip:1@[2001:db8::20]", "sip:2@[2001:db8::10]", "sip:1@[2001:db8::20]");
  EXPECT_EQ(m.top_via().host, "[2001:db8::10]");
  EXPECT_EQ(m.first(HeaderId::Contact)->value, "<sip:[2001:db8::10]:5060>");
  cfg.local_for = [](const Peer &p) -> std::optional<mgc::core::Address> {
    if (p.host == "2001:db8::20")
      return mgc::core::Address::parse("[2001:db8::1]:5070");
    if (p.host == "192.0.2.20")
      return mgc::core::Address::parse("192.0.2.1:5080");
    return std::nullopt;
  };
  UserAgent ua(timers, send, ev, cfg);
  auto sent_message = [&sent] {
    Message out;
    EXPECT_TRUE(parse(sent.back(), ParseOptions{}, out).ok()) << sent.back();
    return out;
  };
  ASSERT_NE(ua.invite("sip:1@[2001:db8::20]", "sip:2@[2001:db8::1]", "sip:1@[2001:db8::20]",
                      {TransportKind::Udp, "2001:db8::20", 5060}, "application/sdp", kSdp),
            nullptr);
  Message v6 = sent_message();
  EXPECT_EQ(v6.top_via().host, "[2001:db8::1]");
  EXPECT_EQ(v6.top_via().port, 5070);
  EXPECT_EQ(v6.first(HeaderId::Contact)->value, "<sip:[2001:db8::1]:5070>");
  ASSERT_NE(ua.invite("sip:1@192.0.2.20", "sip:2@192.0.2.1", "sip:1@192.0.2.20",
                      {TransportKind::Udp, "192.0.2.20", 5060}, "application/sdp", kSdp),
            nullptr);
  Message v4 = sent_message();
  EXPECT_EQ(v4.top_via().host, "192.0.2.1");
  EXPECT_EQ(v4.top_via().port, 5080);
  EXPECT_EQ(v4.first(HeaderId::Contact)->value, "<sip:192.0.2.1:5080>");
  // §18.1.1: a request toward a TCP peer says TCP in its Via and Contact.
  ASSERT_NE(ua.invite("sip:1@192.0.2.20", "sip:2@192.0.2.1", "sip:1@192.0.2.20",
                      {TransportKind::Tcp, "192.0.2.20", 5060}, "application/sdp", kSdp),
            nullptr);
  Message tcp = sent_message();
  EXPECT_EQ(tcp.top_via().transport, "TCP");
  EXPECT_EQ(tcp.first(HeaderId::Contact)->value, "<sip:192.0.2.1:5080;transport=tcp>");
  EXPECT_EQ(v4.top_via().transport, "UDP");
  ASSERT_TRUE(
      ua.probe("sip:198.51.100.1", {TransportKind::Udp, "198.51.100.1", 5060}, [](bool, int) {}));
  Message probe = sent_message();
  EXPECT_EQ(probe.top_via().host, "[2001:db8::10]");
  EXPECT_EQ(probe.top_via().port, 5060);
}

TEST_F(Net, CallWithPrackInfoUpdateReinviteBye) {
  Call *bc = nullptr;
  eb.incoming = [&](Call &c, const Message &) {
    bc = &c;
    c.provisional(183, "Session Progress", "application/sdp", kSdp, true);
  };
  Call *ac = call_a();
  ASSERT_NE(ac, nullptr);
  timers.advance(10);
  ASSERT_NE(bc, nullptr);
  EXPECT_TRUE(ea.has("provisional 183"));
  EXPECT_EQ(count_wire("PRACK "), 1u);                   // RFC 3262: the UAC PRACKs
  EXPECT_EQ(b->counters().get(SipUaCounter::prack_received), 1u);
  timers.advance(2000);
  EXPECT_EQ(count_wire("SIP/2.0 183"), 1u);              // PRACK stopped retransmission
  ASSERT_TRUE(bc->answer("application/sdp", kSdp));
  timers.advance(10);
  EXPECT_TRUE(ea.has("answered"));
  EXPECT_TRUE(eb.has("confirmed"));
  EXPECT_EQ(ac->state(), Call::State::Confirmed);
  // Mid-call ISUP in INFO (RFC 6086 / RFC 3372).
  std::string cpg("\x2c\x01\x00", 3); // CPG-like octets, a NUL included
  ASSERT_TRUE(ac->info("application/ISUP;version=itu-t92+", cpg,
                       HeaderList().add(HeaderId::ContentDisposition, "signal;handling=optional")));
  timers.advance(10);
  EXPECT_TRUE(eb.has("info"));
  EXPECT_EQ(eb.last_body, cpg);
  ASSERT_TRUE(ac->update("application/sdp", kSdp));
  timers.advance(10);
  EXPECT_TRUE(eb.has("update"));
  ASSERT_TRUE(ac->reinvite("application/sdp", kSdp));
  timers.advance(10);
  EXPECT_TRUE(eb.has("reinvite"));
  EXPECT_EQ(count_wire("ACK "), 2u); // one for the INVITE, one for the re-INVITE
  ASSERT_TRUE(ac->bye(16));
  timers.advance(10);
  EXPECT_TRUE(eb.has("bye"));
  EXPECT_EQ(eb.cause, 16); // RFC 3326 Reason
  EXPECT_EQ(a->calls(), 0u);
  EXPECT_EQ(b->calls(), 0u);
  timers.advance(60000); // transactions linger and go
  EXPECT_EQ(a->transactions().size(), 0u);
  EXPECT_EQ(b->transactions().size(), 0u);
  EXPECT_EQ(a->tracked_client_transactions(), 0u); // nothing left behind
  EXPECT_EQ(b->tracked_client_transactions(), 0u);
}

TEST_F(Net, SipTInviteCarriesIsup) {
  std::string iam = "\x01\x00\x20\x01\x0a\x00\x02\x07\x05\x83\x10\x21\x43\x05";
  PeerProfile peer;
  peer.profile = Profile::SipT;
  std::string ct;
  std::string body =
      build_bodies(peer, std::string_view(kSdp),
                   std::span(reinterpret_cast<const uint8_t *>(iam.data()), iam.size()), true, ct);
  Message *seen = nullptr;
  Bodies bodies;
  eb.incoming = [&](Call &c, const Message &m) {
    seen = const_cast<Message *>(&m);
    ASSERT_TRUE(extract_bodies(m, bodies).ok());
    c.reject(480, "Temporarily Unavailable", 18);
  };
  a->invite("sip:12345@127.0.0.2:5062", "sip:a@127.0.0.1", "sip:12345@127.0.0.2", pb, ct, body);
  timers.advance(10);
  ASSERT_NE(seen, nullptr);
  ASSERT_TRUE(bodies.isup);
  EXPECT_EQ(std::string(bodies.isup->bytes.begin(), bodies.isup->bytes.end()), iam);
  EXPECT_TRUE(ea.has("failed 480"));
  EXPECT_EQ(ea.cause, 18);
  EXPECT_EQ(count_wire("ACK "), 1u); // the transaction ACKs the 480
}

// A UAC knows its call's Call-ID from the INVITE it builds, before any response (§8.1.1.4).
TEST_F(Net, OutgoingCallKnowsItsCallIdFromTheStart) {
  Call *ac = call_a();
  ASSERT_NE(ac, nullptr);
  ASSERT_EQ(wire.size(), 1u);
  Message sent;
  ASSERT_TRUE(parse(wire[0], ParseOptions{}, sent).ok());
  EXPECT_FALSE(ac->call_id().empty());
  EXPECT_EQ(ac->call_id(), sent.call_id());
}

// An INVITE written with compact header names (RFC 3261 §7.3.3: "i" is Call-ID) keeps its
// Call-ID through the whole call, on both sides.
TEST_F(Net, OutgoingInviteWithCompactCallId) {
  const std::string text = "INVITE sip:12345@127.0.0.2:5062 SIP/2.0\r\n"
                           "v: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-compact1;rport\r\n"
                           "f: <sip:5551234@127.0.0.1>;tag=c0mpact\r\n"
                           "t: <sip:12345@127.0.0.2>\r\n"
                           "i: compact-call@127.0.0.1\r\n"
                           "CSeq: 1 INVITE\r\n"
                           "m: <sip:127.0.0.1:5061>\r\n"
                           "l: 0\r\n\r\n";
  Message inv;
  ASSERT_TRUE(parse(text, ParseOptions{}, inv).ok());
  Call *bc = nullptr;
  eb.incoming = [&](Call &c, const Message &) {
    bc = &c;
    c.answer("application/sdp", kSdp);
  };
  Call *ac = a->invite(inv, pb);
  ASSERT_NE(ac, nullptr);
  EXPECT_EQ(ac->call_id(), "compact-call@127.0.0.1"); // before any response
  timers.advance(10);
  ASSERT_NE(bc, nullptr);
  EXPECT_EQ(bc->call_id(), "compact-call@127.0.0.1");
  EXPECT_TRUE(ea.has("answered"));
  EXPECT_TRUE(eb.has("confirmed"));
  EXPECT_EQ(ac->call_id(), "compact-call@127.0.0.1");
  ASSERT_TRUE(ac->bye(16));
  timers.advance(10);
  EXPECT_TRUE(eb.has("bye"));
  EXPECT_EQ(eb.cause, 16);
  EXPECT_EQ(a->calls(), 0u);
  EXPECT_EQ(b->calls(), 0u);
}

TEST_F(Net, CancelBeforeAnswer) {
  eb.incoming = [&](Call &c, const Message &) { c.provisional(180, "Ringing"); };
  Call *ac = call_a();
  timers.advance(10);
  EXPECT_TRUE(ea.has("provisional 180"));
  ASSERT_TRUE(ac->cancel(16));
  timers.advance(10);
  EXPECT_TRUE(eb.has("cancelled"));
  EXPECT_TRUE(ea.has("failed 487"));
  EXPECT_EQ(count_wire("SIP/2.0 200"), 1u); // 200 to the CANCEL
  EXPECT_EQ(a->calls(), 0u);
  EXPECT_EQ(b->calls(), 0u);
}

// §9.1: a 100 Trying is a provisional response: a callee that sends nothing else can still be
// cancelled (found against libss7, whose T7 released a call toward such a callee: the CANCEL was
// held for ever and the INVITE never ended).
TEST_F(Net, CancelAfterOnly100Trying) {
  Call *ac = call_a(); // the callee's server transaction answers 100 at once, the callee nothing
  timers.advance(10);
  EXPECT_TRUE(ea.has("provisional 100"));
  ASSERT_TRUE(ac->cancel(31));
  timers.advance(10);
  EXPECT_TRUE(eb.has("cancelled"));
  EXPECT_TRUE(ea.has("failed 487"));
  EXPECT_EQ(a->calls(), 0u);
  EXPECT_EQ(b->calls(), 0u);
}

TEST_F(Net, LostAckRecoveredByRetransmitted2xx) {
  eb.incoming = [&](Call &c, const Message &) { c.answer("application/sdp", kSdp); };
  int acks_dropped = 0;
  drop = [&](const Message &m) {
    if (m.method() == Method::ACK && acks_dropped == 0) {
      ++acks_dropped;
      return true;
    }
    return false;
  };
  call_a();
  timers.advance(10);
  EXPECT_FALSE(eb.has("confirmed"));
  timers.advance(600); // §13.3.1.4: 2xx again after T1; the UAC ACKs it again
  EXPECT_TRUE(eb.has("confirmed"));
  EXPECT_EQ(b->counters().get(SipUaCounter::retransmitted_2xx), 1u);
  EXPECT_EQ(count_wire("ACK "), 2u);
}

TEST_F(Net, NoAckEndsWithBye) {
  eb.incoming = [&](Call &c, const Message &) { c.answer("application/sdp", kSdp); };
  drop = [](const Message &m) { return m.method() == Method::ACK; };
  call_a();
  timers.advance(33000);
  EXPECT_EQ(b->counters().get(SipUaCounter::no_ack_bye), 1u);
  EXPECT_TRUE(ea.has("bye"));
  EXPECT_EQ(ea.cause, 102);
}

// SIP timers changed live (mgcd's `timers` node): the give-up of an unacknowledged 2xx is 64*T1 of
// the new T1 for a call set up after the change (3.2 s with T1 = 50 ms instead of 32 s).
TEST_F(Net, TimerValuesChangedLiveApplyToNewCalls) {
  TimerValues tv;
  tv.t1 = 50;
  tv.t2 = 400;
  b->set_timer_values(tv);
  EXPECT_EQ(b->transactions().timer_values().t1, 50u);
  eb.incoming = [&](Call &c, const Message &) { c.answer("application/sdp", kSdp); };
  drop = [](const Message &m) { return m.method() == Method::ACK; };
  call_a();
  timers.advance(3300);
  EXPECT_EQ(b->counters().get(SipUaCounter::no_ack_bye), 1u);
  EXPECT_TRUE(ea.has("bye"));
}

TEST_F(Net, NoPrackRejects504) {
  eb.incoming = [&](Call &c, const Message &) { c.provisional(180, "Ringing", {}, {}, true); };
  drop = [](const Message &m) { return m.method() == Method::PRACK; };
  call_a();
  timers.advance(33000);
  EXPECT_EQ(b->counters().get(SipUaCounter::no_prack), 1u);
  EXPECT_TRUE(ea.has("failed 504"));
  EXPECT_GE(count_wire("SIP/2.0 180"), 6u); // retransmitted T1, 2T1, ... until 64*T1
}

TEST_F(Net, TimeoutIs408) {
  drop = [](const Message &) { return true; };
  call_a();
  timers.advance(32100);
  EXPECT_TRUE(ea.has("failed 408"));
  EXPECT_EQ(count_wire("INVITE "), 7u);
}

TEST_F(Net, OptionsProbeAndUnknownDialog) {
  Peer from = pa;
  std::string opt = "OPTIONS sip:127.0.0.2:5062 SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-opt\r\nMax-Forwards: 70\r\n"
                    "From: <sip:probe@127.0.0.1>;tag=p\r\nTo: <sip:127.0.0.2>\r\n"
                    "Call-ID: probe-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  Message m;
  ASSERT_TRUE(parse(opt, ParseOptions{}, m).ok());
  b->receive(m, from);
  timers.advance(5);
  ASSERT_FALSE(wire.empty());
  Message r;
  ASSERT_TRUE(parse(wire.back(), ParseOptions{}, r).ok());
  EXPECT_EQ(r.status_code(), 200);
  ASSERT_NE(r.first(HeaderId::Allow), nullptr);
  EXPECT_NE(r.first(HeaderId::Allow)->value.find("PRACK"), std::string_view::npos);
  std::string bye = "BYE sip:127.0.0.2:5062 SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-bye\r\nMax-Forwards: 70\r\n"
                    "From: <sip:probe@127.0.0.1>;tag=p\r\nTo: <sip:127.0.0.2>;tag=nope\r\n"
                    "Call-ID: probe-2\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n";
  Message mb;
  ASSERT_TRUE(parse(bye, ParseOptions{}, mb).ok());
  b->receive(mb, from);
  ASSERT_TRUE(parse(wire.back(), ParseOptions{}, r).ok());
  EXPECT_EQ(r.status_code(), 481);
}

TEST_F(Net, RequireUnknownExtensionIs420) {
  std::string inv = "INVITE sip:1@127.0.0.2 SIP/2.0\r\n"
                    "Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-r\r\nMax-Forwards: 70\r\n"
                    "From: <sip:a@127.0.0.1>;tag=p\r\nTo: <sip:1@127.0.0.2>\r\n"
                    "Call-ID: req-1\r\nCSeq: 1 INVITE\r\nRequire: foo\r\nContent-Length: 0\r\n\r\n";
  Message m;
  ASSERT_TRUE(parse(inv, ParseOptions{}, m).ok());
  b->receive(m, pa);
  Message r;
  ASSERT_TRUE(parse(wire.back(), ParseOptions{}, r).ok());
  EXPECT_EQ(r.status_code(), 420);
  EXPECT_EQ(r.first(HeaderId::Unsupported)->value, "foo");
  EXPECT_FALSE(eb.has("incoming"));
}

TEST_F(Net, OptionsProbeUpAndDown) {
  std::vector<std::pair<bool, int>> results;
  ASSERT_TRUE(a->probe("sip:127.0.0.2:5062", pb, [&](bool up, int code) {
    results.emplace_back(up, code);
  }));
  timers.advance(10);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0], std::make_pair(true, 200));
  drop = [](const Message &) { return true; }; // the peer goes silent
  ASSERT_TRUE(a->probe("sip:127.0.0.2:5062", pb, [&](bool up, int code) {
    results.emplace_back(up, code);
  }));
  timers.advance(32100); // Timer F
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[1], std::make_pair(false, 408));
}

// RFC 3261 §14.2: both sides send a re-INVITE at once: each answers the other 491.
TEST_F(Net, ReinviteGlareIs491) {
  Call *bc = nullptr;
  eb.incoming = [&](Call &c, const Message &) {
    bc = &c;
    c.answer("application/sdp", kSdp);
  };
  Call *ac = call_a();
  timers.advance(10);
  ASSERT_NE(bc, nullptr);
  ASSERT_EQ(ac->state(), Call::State::Confirmed);
  ASSERT_EQ(bc->state(), Call::State::Confirmed);
  ASSERT_TRUE(ac->reinvite("application/sdp", kSdp));
  ASSERT_TRUE(bc->reinvite("application/sdp", kSdp));
  timers.advance(10);
  EXPECT_EQ(a->counters().get(SipUaCounter::glare_491), 1u);
  EXPECT_EQ(b->counters().get(SipUaCounter::glare_491), 1u);
  // Once the 491s are in, a new attempt goes through (§14.1 would have it wait a little).
  ASSERT_TRUE(ac->reinvite("application/sdp", kSdp));
  timers.advance(10);
  EXPECT_TRUE(eb.has("reinvite"));
}

// RFC 6086: legacy INFO (no Info-Package) is taken; an unknown package gets 469 + Recv-Info.
TEST_F(Net, InfoPackages) {
  Call *bc = nullptr;
  eb.incoming = [&](Call &c, const Message &) {
    bc = &c;
    c.answer("application/sdp", kSdp);
  };
  Call *ac = call_a();
  timers.advance(10);
  ASSERT_NE(bc, nullptr);
  ASSERT_TRUE(ac->info("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n",
                       HeaderList().add(HeaderId::InfoPackage, "dtmf")));
  timers.advance(10);
  EXPECT_FALSE(eb.has("info"));
  EXPECT_EQ(count_wire("SIP/2.0 469"), 1u);
  ASSERT_TRUE(ac->info("application/ISUP;version=itu-t92+", std::string("\x2c\x01\x00", 3)));
  timers.advance(10);
  EXPECT_TRUE(eb.has("info"));
}

TEST_F(Net, ManyCallsEachFoundByItsOwnDialog) {
  // In-dialog requests and CANCELs are found by Call-ID and INVITE transaction (an index, not a
  // scan): with many calls up, each BYE or CANCEL ends its own call and no other.
  std::vector<Call *> bs;
  eb.incoming = [&](Call &c, const Message &) {
    bs.push_back(&c);
    if (bs.size() % 2 == 0)
      EXPECT_TRUE(c.answer("application/sdp", kSdp)); // every second call answered
    else
      EXPECT_TRUE(c.provisional(180, "Ringing"));
  };
  std::vector<Call *> as;
  for (int i = 0; i < 20; ++i)
    as.push_back(call_a());
  timers.advance(10);
  ASSERT_EQ(bs.size(), 20u);
  EXPECT_EQ(a->calls(), 20u);
  EXPECT_EQ(b->calls(), 20u);
  // End calls 5 (ringing: CANCEL) and 8 (answered: BYE) from the caller's side.
  ASSERT_TRUE(as[4]->cancel(16));
  ASSERT_TRUE(as[7]->bye(16));
  timers.advance(10);
  EXPECT_EQ(a->calls(), 18u);
  EXPECT_EQ(b->calls(), 18u);
  for (int i = 0; i < 20; ++i) {
    if (i == 4 || i == 7)
      continue;
    EXPECT_NE(bs[i]->state(), Call::State::Terminated) << i;
  }
  // The others end from the called side, the answered ones by BYE, the rest rejected.
  for (int i = 0; i < 20; ++i) {
    if (i == 4 || i == 7)
      continue;
    if (i % 2 == 1)
      ASSERT_TRUE(bs[i]->bye(16)) << i;
    else
      EXPECT_TRUE(bs[i]->reject(486, "Busy Here", 17)) << i;
  }
  timers.advance(10);
  EXPECT_EQ(a->calls(), 0u);
  EXPECT_EQ(b->calls(), 0u);
}


// RFC 3261 §9.2: a CANCEL that matches an INVITE server transaction is answered 200 even after
// the final response (here a 486): before, the call being gone made it a 481.
TEST_F(Net, CancelAfterTheFinalResponseIs200) {
  eb.incoming = [&](Call &c, const Message &) { c.reject(486, "Busy Here"); };
  ASSERT_NE(call_a(), nullptr);
  timers.advance(10);
  ASSERT_TRUE(ea.has("failed 486"));
  Message inv;
  ASSERT_TRUE(parse(wire.at(0), ParseOptions{}, inv).ok());
  ASSERT_EQ(inv.method(), Method::INVITE);
  const std::string cancel = make_cancel(inv).serialize();
  wire.clear();
  deliver(b.get(), cancel, pa);
  timers.advance(10);
  ASSERT_FALSE(wire.empty());
  Message r;
  ASSERT_TRUE(parse(wire.back(), ParseOptions{}, r).ok());
  EXPECT_EQ(r.status_code(), 200);
  EXPECT_EQ(r.cseq().method, "CANCEL");
  EXPECT_EQ(b->counters().get(SipUaCounter::cancel_after_final), 1u);
  EXPECT_EQ(count_wire("SIP/2.0 481"), 0u);
}

// §14.2: a re-INVITE without an offer gets ours in the 2xx and the ACK brings the answer.
TEST_F(Net, ReinviteWithoutOfferAnsweredWithOursAndTheAckCarriesTheAnswer) {
  Call *bc = nullptr;
  eb.incoming = [&](Call &c, const Message &) {
    bc = &c;
    c.answer("application/sdp", kSdp);
  };
  Call *ac = call_a();
  timers.advance(10);
  ASSERT_NE(bc, nullptr);
  ASSERT_TRUE(ac->reinvite({}, {}));
  timers.advance(10);
  EXPECT_TRUE(eb.has("reinvite"));
  EXPECT_TRUE(eb.has("reinvite-ack")); // the ACK for the 2xx, with the CSeq of the re-INVITE
  timers.advance(40000); // Timer L, RFC 6026: the re-INVITE's server transaction goes
  EXPECT_EQ(b->transactions().size(), 0u);
}

// §15.1.2: a re-INVITE still unanswered when the call ends is answered 487, so that its server
// transaction ends instead of outliving the call (issue 14 measured the leak).
TEST_F(Net, PendingReinviteAnswered487WhenTheCallEnds) {
  Call *bc = nullptr;
  eb.incoming = [&](Call &c, const Message &) {
    bc = &c;
    c.answer("application/sdp", kSdp);
  };
  eb.reinvite = [](Call &, const Message &) {}; // the media gateway never answers
  Call *ac = call_a();
  timers.advance(10);
  ASSERT_TRUE(ac->reinvite("application/sdp", kSdp));
  timers.advance(10);
  ASSERT_TRUE(bc->offer_pending());
  ASSERT_TRUE(ac->bye());
  timers.advance(10);
  EXPECT_EQ(count_wire("SIP/2.0 487"), 1u);
  EXPECT_EQ(b->counters().get(SipUaCounter::pending_487), 1u);
  timers.advance(40000);
  EXPECT_EQ(b->transactions().size(), 0u);
  EXPECT_EQ(b->calls(), 0u);
}

// RFC 3311 §5.2: an UPDATE's offer answered once taken (with the answer); another offer while it
// is pending gets 500 with Retry-After; a refused one leaves the session as it was.
TEST_F(Net, UpdateOfferAnsweredLaterAndOffersWhilePendingGet500) {
  Call *bc = nullptr;
  eb.incoming = [&](Call &c, const Message &) {
    bc = &c;
    c.answer("application/sdp", kSdp);
  };
  eb.update_offer = [](Call &, const Message &) { return true; };
  Call *ac = call_a();
  timers.advance(10);
  ASSERT_TRUE(ac->update("application/sdp", kSdp));
  timers.advance(10);
  ASSERT_TRUE(bc->offer_pending());
  // a second offer from the peer meanwhile (built by hand: our own UA would not send it)
  Message second = ac->dialog().make_request(Method::UPDATE, a->via());
  second.set_body("application/sdp", kSdp);
  deliver(b.get(), second.serialize(), pa);
  timers.advance(10);
  EXPECT_EQ(count_wire("SIP/2.0 500"), 1u);
  EXPECT_NE(wire.back().find("Retry-After: 1"), std::string::npos);
  EXPECT_EQ(b->counters().get(SipUaCounter::offers_pending_500), 1u);
  wire.clear();
  ASSERT_TRUE(bc->answer_offer("application/sdp", kSdp));
  timers.advance(10);
  ASSERT_EQ(count_wire("SIP/2.0 200"), 1u);
  Message r;
  ASSERT_TRUE(parse(wire.at(0), ParseOptions{}, r).ok());
  EXPECT_EQ(r.cseq().method, "UPDATE");
  EXPECT_EQ(r.body(), kSdp);
  EXPECT_FALSE(bc->offer_pending());
  // the next offer is refused (488): the dialog goes on
  ASSERT_TRUE(ac->update("application/sdp", kSdp));
  timers.advance(10);
  ASSERT_TRUE(bc->refuse_offer(488, "Not Acceptable Here"));
  timers.advance(10);
  EXPECT_EQ(count_wire("SIP/2.0 488"), 1u);
  EXPECT_EQ(ac->state(), Call::State::Confirmed);
}

// §14.2 glare: while our offer in a 2xx awaits its ACK, an offer from the peer gets 491.
TEST_F(Net, OfferWhileOursAwaitsItsAckIs491) {
  Call *bc = nullptr;
  eb.incoming = [&](Call &c, const Message &) {
    bc = &c;
    c.answer("application/sdp", kSdp);
  };
  Call *ac = call_a();
  timers.advance(10);
  drop = [](const Message &m) { return m.is_request() && m.method() == Method::ACK; };
  ASSERT_TRUE(ac->reinvite({}, {})); // B's 2xx carries an offer; its ACK is lost
  timers.advance(10);
  drop = nullptr;
  ASSERT_TRUE(ac->update("application/sdp", kSdp));
  timers.advance(10);
  EXPECT_EQ(count_wire("SIP/2.0 491"), 1u);
  EXPECT_EQ(b->counters().get(SipUaCounter::glare_491), 1u);
}

// RFC 3261 §22.2/§22.3: a UAC with credentials answers a 401 or 407 once per realm, sending
// the INVITE again with CSeq one higher, the same Call-ID and From tag, and the credentials
// (which the ACK for the 2xx repeats, §13.2.2.4). The callee checks them with digest.h.
namespace {
InviteOptions with(std::shared_ptr<const Credentials> c) {
  InviteOptions o;
  o.credentials = std::move(c);
  return o;
}
struct Challenging {
  int code = 401;            // 401 (WWW-Authenticate) or 407 (Proxy-Authenticate)
  bool always = false;       // challenge even good credentials
  std::string algorithm = "SHA-256";
  std::vector<std::string> invites; // CSeq + Call-ID + From of each INVITE seen
  int verified = 0;
  void operator()(Call &c, const Message &m) {
    invites.push_back(std::to_string(m.cseq().number) + " " + std::string(m.call_id()) + " " +
                      std::string(m.from().tag()));
    const HeaderId cred_id = code == 407 ? HeaderId::ProxyAuthorization : HeaderId::Authorization;
    if (const HeaderField *h = m.first(cred_id); h && !always) {
      digest::Credentials cr;
      ASSERT_TRUE(digest::parse_credentials(h->value, cr).ok()) << h->value;
      digest::ResponseInput in{cr.algorithm, cr.username, cr.realm, "secret", cr.nonce,
                               cr.cnonce,    cr.nc,       "INVITE", cr.uri,   cr.qop_auth};
      EXPECT_EQ(cr.uri, m.request_uri_text());
      if (digest::response(in) == cr.response && cr.username == "alice") {
        ++verified;
        c.answer("application/sdp", kSdp);
        return;
      }
    }
    const HeaderId ch_id = code == 407 ? HeaderId::ProxyAuthenticate : HeaderId::WwwAuthenticate;
    c.reject(code, code == 407 ? "Proxy Authentication Required" : "Unauthorized", -1,
             HeaderList().add(ch_id, "Digest realm=\"b.example\", nonce=\"n" +
                                         std::to_string(invites.size()) +
                                         "\", qop=\"auth\", algorithm=" + algorithm));
  }
};
} // namespace

TEST_F(Net, UacAnswers401OnceWithCredentials) {
  Challenging ch;
  eb.incoming = [&](Call &c, const Message &m) { ch(c, m); };
  Message inv = a->make_invite("sip:12345@127.0.0.2:5062", "sip:5551234@127.0.0.1",
                               "sip:12345@127.0.0.2");
  inv.set_body("application/sdp", kSdp);
  Call *ac = a->invite(inv, pb, with(std::make_shared<Credentials>(Credentials{"alice", "secret", ""})));
  ASSERT_NE(ac, nullptr);
  timers.advance(20);
  ASSERT_EQ(ch.invites.size(), 2u);
  EXPECT_EQ(ch.verified, 1);
  EXPECT_EQ(ch.invites[0].substr(0, 2), "1 ");
  EXPECT_EQ(ch.invites[1].substr(0, 2), "2 ");
  EXPECT_EQ(ch.invites[0].substr(2), ch.invites[1].substr(2)); // same Call-ID and From tag
  EXPECT_TRUE(ea.has("answered"));
  EXPECT_FALSE(ea.has("failed 401"));
  EXPECT_EQ(ac->challenges_answered(), 1);
  EXPECT_EQ(ac->answered_realm(), "b.example");
  EXPECT_EQ(a->counters().get(SipUaCounter::challenges_answered), 1u);
  // the 401 was ACKed by the transaction (§17.1.1.3) with CSeq 1; the 2xx's ACK has CSeq 2
  // and the credentials
  std::size_t acks_with_credentials = 0, acks = 0;
  for (const auto &w : wire)
    if (w.rfind("ACK ", 0) == 0) {
      ++acks;
      Message m;
      ASSERT_TRUE(parse(w, ParseOptions{}, m).ok());
      if (m.cseq().number == 2) {
        EXPECT_NE(m.first(HeaderId::Authorization), nullptr);
        ++acks_with_credentials;
      } else {
        EXPECT_EQ(m.cseq().number, 1u);
      }
    }
  EXPECT_EQ(acks, 2u);
  EXPECT_EQ(acks_with_credentials, 1u);
}

TEST_F(Net, UacAnswers407InProxyAuthorization) {
  Challenging ch;
  ch.code = 407;
  ch.algorithm = "MD5";
  eb.incoming = [&](Call &c, const Message &m) { ch(c, m); };
  Message inv = a->make_invite("sip:12345@127.0.0.2:5062", "sip:5551234@127.0.0.1",
                               "sip:12345@127.0.0.2");
  Call *ac = a->invite(inv, pb,
                       with(std::make_shared<Credentials>(Credentials{"alice", "secret", "b.example"})));
  ASSERT_NE(ac, nullptr);
  timers.advance(20);
  EXPECT_EQ(ch.verified, 1);
  EXPECT_TRUE(ea.has("answered"));
}

TEST_F(Net, UacGivesUpOnASecondChallengeForTheSameRealm) {
  Challenging ch;
  ch.always = true;
  eb.incoming = [&](Call &c, const Message &m) { ch(c, m); };
  Message inv = a->make_invite("sip:12345@127.0.0.2:5062", "sip:5551234@127.0.0.1",
                               "sip:12345@127.0.0.2");
  ASSERT_NE(a->invite(inv, pb, with(std::make_shared<Credentials>(Credentials{"alice", "secret", ""}))),
            nullptr);
  timers.advance(50);
  EXPECT_EQ(ch.invites.size(), 2u);
  EXPECT_TRUE(ea.has("failed 401"));
  EXPECT_EQ(a->counters().get(SipUaCounter::challenges_refused_again), 1u);
  EXPECT_EQ(a->calls(), 0u);
}

TEST_F(Net, UacWithoutCredentialsOrForAnotherRealmFails) {
  for (const char *realm : {"", "other.example"}) {
    Challenging ch;
    eb.incoming = [&](Call &c, const Message &m) { ch(c, m); };
    Message inv = a->make_invite("sip:12345@127.0.0.2:5062", "sip:5551234@127.0.0.1",
                                 "sip:12345@127.0.0.2");
    std::shared_ptr<const Credentials> cred;
    if (*realm)
      cred = std::make_shared<Credentials>(Credentials{"alice", "secret", realm});
    ASSERT_NE(a->invite(inv, pb, with(cred)), nullptr);
    timers.advance(50);
    EXPECT_EQ(ch.invites.size(), 1u) << realm;
    EXPECT_TRUE(ea.has("failed 401")) << realm;
    ea.log.clear();
  }
  EXPECT_EQ(a->counters().get(SipUaCounter::challenges_unanswerable), 1u);
}

// RFC 3261 §8.1.3.4: a UAC that follows redirects tries a 3xx's Contacts in decreasing q, each
// URI once (one naming the original target again is a loop, skipped), a failure of one moving
// on to the next; the INVITE keeps Call-ID, From and To, its CSeq one higher each time.
namespace {
struct Redirecting {
  std::vector<std::string> seen; // Request-URI user and CSeq of each INVITE
  std::string call_ids;
  void operator()(Call &c, const Message &m) {
    const std::string user(m.request_uri().user);
    seen.push_back(user + "/" + std::to_string(m.cseq().number));
    call_ids += std::string(m.call_id()) + " ";
    if (user == "12345")
      c.reject(302, "Moved Temporarily", -1,
               HeaderList()
                   .add(HeaderId::Contact, "<sip:222@127.0.0.2:5062>;q=0.5")
                   .add(HeaderId::Contact,
                        "<sip:111@127.0.0.2:5062>;q=0.9, <sip:12345@127.0.0.2:5062>;q=1"));
    else if (user == "111")
      c.reject(486, "Busy Here");
    else if (user == "222")
      c.answer("application/sdp", kSdp);
    else // every other number moves on to one more: a redirect chain without end
      c.reject(301, "Moved Permanently", -1,
               HeaderList().add(HeaderId::Contact,
                                "<sip:9" + user + "@127.0.0.2:5062>"));
  }
};
} // namespace

TEST_F(Net, UacFollowsRedirectsByQAndSkipsLoops) {
  Redirecting r;
  eb.incoming = [&](Call &c, const Message &m) { r(c, m); };
  Message inv = a->make_invite("sip:12345@127.0.0.2:5062", "sip:5551234@127.0.0.1",
                               "sip:12345@127.0.0.2");
  Call *ac = a->invite(inv, pb, InviteOptions{nullptr, RedirectPolicy{true, 3}});
  ASSERT_NE(ac, nullptr);
  timers.advance(50);
  EXPECT_EQ(r.seen, (std::vector<std::string>{"12345/1", "111/2", "222/3"}));
  EXPECT_TRUE(ea.has("answered"));
  EXPECT_FALSE(ea.has("failed 302"));
  EXPECT_EQ(ac->redirects_followed(), 1);
  EXPECT_EQ(ac->redirected_to(), "sip:222@127.0.0.2:5062");
  EXPECT_EQ(a->counters().get(SipUaCounter::redirect_loops_skipped), 1u);
  EXPECT_EQ(a->counters().get(SipUaCounter::redirect_targets_tried), 2u);
  // one Call-ID throughout
  const std::string first = r.call_ids.substr(0, r.call_ids.find(' '));
  EXPECT_EQ(r.call_ids, first + " " + first + " " + first + " ");
}

TEST_F(Net, UacWithoutRedirectFollowingFailsWithThe3xx) {
  Redirecting r;
  eb.incoming = [&](Call &c, const Message &m) { r(c, m); };
  ASSERT_NE(call_a(), nullptr);
  timers.advance(50);
  EXPECT_EQ(r.seen.size(), 1u);
  EXPECT_TRUE(ea.has("failed 302"));
}

TEST_F(Net, UacRedirectHopLimit) {
  Redirecting r;
  eb.incoming = [&](Call &c, const Message &m) { r(c, m); };
  Message inv = a->make_invite("sip:7@127.0.0.2:5062", "sip:5551234@127.0.0.1",
                               "sip:7@127.0.0.2");
  ASSERT_NE(a->invite(inv, pb, InviteOptions{nullptr, RedirectPolicy{true, 2}}), nullptr);
  timers.advance(50);
  EXPECT_EQ(r.seen, (std::vector<std::string>{"7/1", "97/2", "997/3"}));
  EXPECT_TRUE(ea.has("failed 301"));
  EXPECT_EQ(a->counters().get(SipUaCounter::redirect_hop_limit), 1u);
  EXPECT_EQ(a->calls(), 0u);
}
