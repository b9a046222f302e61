// mgcd's SIP side with two real sipt user agents in one process (the gateway's and a peer's,
// messages carried through a queue): an INVITE from a configured peer becomes a call toward the
// PSTN and its progress comes back as 180/200; a stranger is refused with 403; the INVITE's
// call context (Request-URI, P-Asserted-Identity, Privacy, Max-Forwards, cpc) is read as RFC
// 3398 §7.2.1.1 maps it.
#include "callcontrol/call_manager.h"
#include "core/hex.h"
#include "core/sim_scheduler.h"
#include "gateway/mgcd/sip.h"
#include "isup/codec.h"

#include <deque>
#include <gtest/gtest.h>
#include <map>

using namespace mgc;

namespace {

struct Wire : cc::IsupSender {
  std::vector<isup::Message> sent;
  void send(uint32_t, const isup::Message &m) override { sent.push_back(m); }
};

struct Media : cc::MediaGateway {
  void set_listener(Listener *) override {}
  void connect(std::string_view, uint16_t, std::string_view, cc::MediaMode, Connected d) override {
    d(Status::Ok(), 1, "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\n");
  }
  std::vector<std::optional<cc::MediaMode>> modes; // what each modify asked
  std::vector<std::string> remotes;                // and the remote description it gave
  void modify(Handle, std::optional<cc::MediaMode> m, std::string_view remote,
              Modified d) override {
    modes.push_back(m);
    remotes.emplace_back(remote);
    d(Status::Ok(), {});
  }
  void loopback(std::string_view, uint16_t, Connected d) override { d(Status::Ok(), 1, {}); }
  void release(Handle, Done d) override { d(Status::Ok()); }
};

struct PhoneEvents : sipt::CallEvents {
  std::vector<int> responses;
  sipt::Call *call = nullptr;
  void on_incoming(sipt::Call &, const sipt::Message &) override {}
  void on_provisional(sipt::Call &, const sipt::Message &m) override { responses.push_back(m.status_code()); }
  void on_answered(sipt::Call &, const sipt::Message &) override { responses.push_back(200); }
  void on_failed(sipt::Call &, int status, const sipt::Message *) override { responses.push_back(status); }
  std::vector<std::string> infos; // the bodies of INFO requests received
  void on_info(sipt::Call &, const sipt::Message &m) override { infos.emplace_back(m.body()); }
  std::string reinvite_answer; // the SDP a re-INVITE is answered with (none: left unanswered)
  unsigned reinvites = 0;
  void on_reinvite(sipt::Call &c, const sipt::Message &) override {
    ++reinvites;
    if (!reinvite_answer.empty())
      c.answer_reinvite("application/sdp", reinvite_answer);
  }
};

struct Packet {
  std::string bytes;
  sipt::Peer to;
};

const sipt::Peer kGwAddr{sipt::TransportKind::Udp, "127.0.0.1", 5060};
const sipt::Peer kPhoneAddr{sipt::TransportKind::Udp, "127.0.0.2", 5070};
const sipt::Peer kStrangerAddr{sipt::TransportKind::Udp, "127.0.0.9", 5070};

const char *kSdp = "v=0\r\no=- 2 2 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 7000 RTP/AVP 8\r\n";

struct SipSide : testing::Test {
  core::SimScheduler timers; // never advanced: no timer fires
  core::SimScheduler sched;
  Wire wire;
  Media media;
  std::deque<Packet> net;
  std::unique_ptr<gw::Sip> gw;
  std::unique_ptr<cc::CallManager> cm;
  PhoneEvents phone_events;
  std::unique_ptr<sipt::UserAgent> phone;
  sipt::Peer phone_source = kPhoneAddr;
  bool drop_acks = false; // the phone's ACKs never reach the gateway
  std::vector<std::string> to_phone; // what the gateway sent the phone
  // The gateway's last final response to a `method` request of the phone.
  std::string final_to(std::string_view method) const {
    for (auto it = to_phone.rbegin(); it != to_phone.rend(); ++it) {
      sipt::Message m;
      if (sipt::parse(*it, sipt::ParseOptions{}, m).ok() && m.is_response() &&
          m.status_code() >= 200 && m.cseq().method == method)
        return *it;
    }
    return {};
  }

  void SetUp() override {
    sipt::UaConfig gcfg;
    gcfg.contact_host = "127.0.0.1";
    gcfg.contact_port = 5060;
    gw = std::make_unique<gw::Sip>(timers, [this](std::string_view b, const sipt::Peer &to) {
      net.push_back({std::string(b), to});
      return true;
    }, gcfg, "127.0.0.1");
    cc::CallManagerConfig cfg;
    cfg.own_point_code = 200;
    cm = std::make_unique<cc::CallManager>(cfg, sched, wire, *gw);
    cm->add_trunk_group("pstn", 100, cc::Hunting::Sequential, media).add_range(1, 31);
    cm->routing().add({"1", 0, "", {{cc::RouteTarget::Kind::TrunkGroup, "pstn"}}});
    gw::SipPeerEntry p;
    p.peer = {"phone", cc::SipProfile::Plain, false};
    p.address = kPhoneAddr;
    gw->add_peer(p);
    cm->add_sip_peer(p.peer);
    gw->attach(*cm);
    sipt::UaConfig pcfg;
    pcfg.contact_host = "127.0.0.2";
    pcfg.contact_port = 5070;
    phone = std::make_unique<sipt::UserAgent>(timers, [this](std::string_view b, const sipt::Peer &to) {
      net.push_back({std::string(b), to});
      return true;
    }, phone_events, pcfg);
  }

  // How long each message delivered to the gateway waited unread (the kernel's stamp in mgcd).
  double queued_ms = -1;
  // Delivers queued messages until none are left.
  void pump() {
    std::deque<std::string> keep; // parsed messages hold views into their bytes
    while (!net.empty()) {
      Packet p = std::move(net.front());
      net.pop_front();
      keep.push_back(std::move(p.bytes));
      sipt::Message m;
      ASSERT_TRUE(sipt::parse(keep.back(), sipt::ParseOptions{}, m).ok()) << keep.back();
      if (p.to.port == 5060 && drop_acks && m.is_request() && m.method() == sipt::Method::ACK)
        continue;
      if (p.to.port == 5060) {
        gw->receive(m, phone_source, queued_ms);
      } else {
        to_phone.push_back(keep.back());
        phone->receive(m, kGwAddr);
      }
    }
  }
  // A call from the phone to 12345, answered by the PSTN (ACM, ANM) and 200 OK'd; its phone-side
  // call, and the circuit (in `cic`).
  sipt::Call *answered_call(uint16_t &cic) {
    sipt::Call *c = phone->invite("sip:12345@127.0.0.1:5060", "sip:+4940555@127.0.0.2",
                                  "sip:12345@127.0.0.1", kGwAddr, "application/sdp", kSdp);
    pump();
    EXPECT_EQ(wire.sent.size(), 1u);
    cic = wire.sent.empty() ? 0 : wire.sent[0].cic;
    cm->isup_received(100, pstn("06161400", cic)); // ACM
    cm->isup_received(100, pstn("0900", cic));     // ANM
    pump();
    EXPECT_EQ(phone_events.responses.back(), 200);
    return c;
  }
  isup::Message pstn(const std::string &hex, uint16_t cic) {
    isup::Message m;
    EXPECT_TRUE(isup::decode(*hex_decode(hex), isup::DecodeOptions{.with_cic = false}, m).status.ok());
    m.cic = cic;
    return m;
  }
};


TEST_F(SipSide, InviteFromAPeerBecomesAnIsupCall) {
  phone->invite("sip:12345@127.0.0.1:5060", "sip:+4940555@127.0.0.2", "sip:12345@127.0.0.1",
                kGwAddr, "application/sdp", kSdp,
                sipt::HeaderList().add(sipt::HeaderId::PAssertedIdentity,
                                       sipt::NameAddr::of("sip:+4940555@127.0.0.2")));
  pump();
  ASSERT_EQ(wire.sent.size(), 1u);
  const isup::Message &iam = wire.sent[0];
  EXPECT_EQ(iam.type, isup::MessageType::Iam);
  EXPECT_EQ(iam.find<isup::CalledPartyNumber>()->address_signals.str(), "12345");
  // the peer is not trusted: its asserted identity is not used, its From number is
  EXPECT_EQ(iam.find<isup::CallingPartyNumber>()->screening_indicator, 0);
  const uint16_t cic = iam.cic;
  cm->isup_received(100, pstn("06161400", cic)); // ACM
  pump();
  cm->isup_received(100, pstn("0900", cic)); // ANM
  pump();
  ASSERT_GE(phone_events.responses.size(), 2u);
  EXPECT_EQ(phone_events.responses[phone_events.responses.size() - 2], 180);
  EXPECT_EQ(phone_events.responses.back(), 200);
}

// RFC 3261 §13.3.1.4: a 200 that is never ACKed makes the UAS end the session with BYE after
// 64*T1. Call control must hear of it: the call is released toward the PSTN (REL cause 102, as
// the BYE's Reason says) and its circuit freed. Before, the leg was forgotten silently and the
// call and its circuit stayed busy for good (fifteen such INVITEs took a trunk group down).
TEST_F(SipSide, AnsweredCallNeverAckedIsReleasedTowardThePstn) {
  drop_acks = true;
  uint16_t cic = 0;
  answered_call(cic);
  wire.sent.clear();
  for (int s = 0; s < 40; ++s) { // 64*T1 = 32 s, then the BYE and its 200
    timers.advance(1000);
    pump();
  }
  ASSERT_EQ(wire.sent.size(), 1u);
  EXPECT_EQ(wire.sent[0].type, isup::MessageType::Rel);
  EXPECT_EQ(wire.sent[0].find<isup::CauseIndicators>()->cause_value, 102);
  cm->isup_received(100, pstn("1000", cic)); // RLC
  EXPECT_EQ(cm->active_calls(), 0u);
  EXPECT_EQ(cm->trunk_group("pstn")->counts().idle, 31u);
}

// Overload: at machine congestion level 3 a new INVITE is refused with 503 and Retry-After
// before any transaction or call exists; a retransmission gets the same; the call already up
// is untouched and its BYE still ends it.
TEST_F(SipSide, OverloadRefusesNewInvitesStatelessly) {
  uint16_t cic = 0;
  sipt::Call *up = answered_call(cic);
  cm->set_congestion_level(3);
  const std::size_t txs = gw->ua().transactions().size();
  phone->invite("sip:12346@127.0.0.1:5060", "sip:+4940555@127.0.0.2", "sip:12346@127.0.0.1",
                kGwAddr, "application/sdp", kSdp);
  ASSERT_EQ(net.size(), 1u);
  pump();
  EXPECT_EQ(phone_events.responses.back(), 503);
  EXPECT_EQ(wire.sent.size(), 1u); // no IAM
  EXPECT_EQ(gw->ua().transactions().size(), txs); // nothing kept for it
  EXPECT_EQ(gw->shed(), 1u);
  EXPECT_EQ(cm->active_calls(), 1u);
  // the call up ends as ever: its BYE is a REL (cause 16)
  ASSERT_NE(up, nullptr);
  ASSERT_TRUE(up->bye());
  pump();
  ASSERT_EQ(wire.sent.size(), 2u);
  EXPECT_EQ(wire.sent[1].type, isup::MessageType::Rel);
  EXPECT_EQ(wire.sent[1].find<isup::CauseIndicators>()->cause_value, 16);
}

// Overload at level 0: once what is read has waited unread longer than `refuse queued-over`
// (50 ms by default) for a whole interval (100 ms, CoDel's standing queue), a new INVITE is
// refused with 503 and level 1's Retry-After; a backlog read through at once (one stall) is
// served; requests of a call up are never refused for waiting; a limit of 0 refuses none.
TEST_F(SipSide, NewInviteThatWaitedTooLongIsRefused) {
  uint16_t cic = 0;
  sipt::Call *up = answered_call(cic);
  auto invite = [this](const std::string &called) {
    phone->invite("sip:" + called + "@127.0.0.1:5060", "sip:+4940555@127.0.0.2",
                  "sip:" + called + "@127.0.0.1", kGwAddr, "application/sdp", kSdp);
    pump();
  };
  // late, but the queue has not stood: served (a stall's backlog)
  queued_ms = 80;
  invite("12346");
  ASSERT_EQ(wire.sent.size(), 2u);
  EXPECT_EQ(wire.sent[1].type, isup::MessageType::Iam);
  // still late 150 ms on: the queue stands, the new call is refused
  sched.advance(150);
  invite("12347");
  EXPECT_EQ(phone_events.responses.back(), 503);
  EXPECT_EQ(wire.sent.size(), 2u); // no IAM
  EXPECT_EQ(cm->counters().get(CcCounter::shed_sip_late), 1u);
  EXPECT_EQ(cm->counters().get(CcCounter::shed_sip), 0u);
  EXPECT_EQ(cm->retry_after(), 2u);
  // what is read waited 40 ms (within the limit): the queue is short again, the call is made
  queued_ms = 40;
  invite("12348");
  ASSERT_EQ(wire.sent.size(), 3u);
  EXPECT_EQ(wire.sent[2].type, isup::MessageType::Iam);
  // no limit: however long it waited, nothing is refused for it
  core::ShedPolicy p;
  p.max_queued_ms = 0;
  cm->set_shed_policy(p);
  queued_ms = 5000;
  invite("12349");
  sched.advance(500);
  invite("12350");
  ASSERT_EQ(wire.sent.size(), 5u);
  EXPECT_EQ(wire.sent[4].type, isup::MessageType::Iam);
  // the BYE of the call up, however late and with the queue standing, ends it
  p.max_queued_ms = 50;
  cm->set_shed_policy(p);
  sched.advance(200);
  ASSERT_NE(up, nullptr);
  ASSERT_TRUE(up->bye());
  pump();
  ASSERT_EQ(wire.sent.size(), 6u);
  EXPECT_EQ(wire.sent[5].type, isup::MessageType::Rel);
  EXPECT_EQ(cm->counters().get(CcCounter::shed_sip_late), 1u);
}

// Issue 14: a BYE with the right Call-ID and tags from an address that is not the call's peer
// is refused with 403 and the call goes on (before, it ended the call: REL cause 16 to the
// PSTN); the PSTN's own release still ends it.
TEST_F(SipSide, ForgedByeFromAnotherAddressIsRefused) {
  uint16_t cic = 0;
  sipt::Call *up = answered_call(cic);
  phone_source = kStrangerAddr; // the same dialog's BYE, sent from elsewhere
  ASSERT_TRUE(up->bye());
  pump();
  EXPECT_EQ(wire.sent.size(), 1u); // no REL
  EXPECT_EQ(cm->active_calls(), 1u);
  EXPECT_EQ(gw->forbidden_in_dialog(), 1u);
  EXPECT_EQ(gw->ua().counters().get(SipUaCounter::forbidden_in_dialog), 1u);
  phone_source = kPhoneAddr;
  cm->isup_received(100, pstn("0c02000280" "90", cic)); // REL cause 16 from the PSTN
  pump();
  cm->isup_received(100, pstn("1000", cic));
  EXPECT_EQ(cm->active_calls(), 0u);
}

TEST_F(SipSide, StrangersAreRefused) {
  phone_source = kStrangerAddr;
  phone->invite("sip:12345@127.0.0.1:5060", "sip:1@127.0.0.9", "sip:12345@127.0.0.1",
                kGwAddr, "application/sdp", kSdp);
  pump();
  EXPECT_TRUE(wire.sent.empty());
  ASSERT_FALSE(phone_events.responses.empty());
  EXPECT_EQ(gw->refused_unknown_peer(), 1u);
}

TEST_F(SipSide, CallContextOfAnInvite) {
  const std::string text =
      "INVITE sip:+4930123;phone-context=x@gw SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK1\r\n"
      "Max-Forwards: 12\r\n"
      "From: <sip:+4940555@h;cpc=payphone>;tag=1\r\n"
      "To: <sip:+4930999@gw>\r\n"
      "Call-ID: c1\r\nCSeq: 1 INVITE\r\nContact: <sip:p@127.0.0.2>\r\n"
      "P-Asserted-Identity: <sip:+4940666@h>\r\n"
      "Diversion: <sip:+4930222@h>;reason=user-busy;counter=1,\r\n"
      " <tel:+49-30-111>;reason=unconditional\r\n"
      "History-Info: <sip:+4930999@gw>;index=1\r\n"
      "Privacy: id\r\nContent-Length: 0\r\n\r\n";
  sipt::Message m;
  ASSERT_TRUE(sipt::parse(text, sipt::ParseOptions{}, m).ok());
  const cc::iw::SipCallInfo i = gw::Sip::call_info(m);
  EXPECT_EQ(i.called, "+4930123");
  EXPECT_EQ(*i.to, "+4930999");
  EXPECT_EQ(*i.from, "+4940555");
  EXPECT_EQ(*i.asserted, "+4940666");
  EXPECT_TRUE(i.privacy_id);
  EXPECT_EQ(i.cpc, "payphone");
  EXPECT_EQ(i.max_forwards, 12);
  EXPECT_EQ(i.from_tag, "1");
  // RFC 5806: the top entry is the latest diversion; the call context keeps the oldest first
  ASSERT_EQ(i.diversions.size(), 2u);
  EXPECT_EQ(i.diversions[0].number, "+4930111");
  EXPECT_EQ(i.diversions[0].reason, 3);
  EXPECT_EQ(i.diversions[1].number, "+4930222");
  EXPECT_EQ(i.diversions[1].reason, 1);
}

TEST_F(SipSide, HistoryInfoWhenThereIsNoDiversion) {
  // RFC 7044: the second target was reached because the first was busy (RFC 4458 cause 486)
  const std::string text =
      "INVITE sip:+4930333@gw SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK2\r\n"
      "From: <sip:+4940555@h>;tag=9\r\nTo: <sip:+4930111@gw>\r\n"
      "Call-ID: c2\r\nCSeq: 1 INVITE\r\nContact: <sip:p@127.0.0.2>\r\n"
      "History-Info: <sip:+4930111@h>;index=1,\r\n"
      " <sip:+4930333@gw;cause=486?Reason=SIP%3Bcause%3D486>;index=1.1\r\n"
      "Content-Length: 0\r\n\r\n";
  sipt::Message m;
  ASSERT_TRUE(sipt::parse(text, sipt::ParseOptions{}, m).ok());
  const cc::iw::SipCallInfo i = gw::Sip::call_info(m);
  ASSERT_EQ(i.diversions.size(), 1u);
  EXPECT_EQ(i.diversions[0].number, "+4930111");
  EXPECT_EQ(i.diversions[0].reason, 1); // user busy
}

// IAM -> INVITE redirection (Q.1912.5): Diversion toward a plain SIP peer (RFC 5806, newest
// first), History-Info toward a SIP-I peer (RFC 7544 §6, RFC 4458 causes).
TEST_F(SipSide, RedirectionFromThePstnBecomesDiversionOrHistoryInfo) {
  gw::SipPeerEntry p;
  p.peer = {"sipi", cc::SipProfile::SipI, true};
  p.profile.profile = sipt::Profile::SipI;
  p.address = {sipt::TransportKind::Udp, "127.0.0.4", 5070};
  gw->add_peer(p);
  cm->add_sip_peer(p.peer);
  cm->routing().add({"3", 0, "", {{cc::RouteTarget::Kind::SipPeer, "phone"}}});
  cm->routing().add({"4", 0, "", {{cc::RouteTarget::Kind::SipPeer, "sipi"}}});
  // IAM: called 301234565 (then 401234565), original called 301111, redirecting
  // 302222, redirection information: unconditional first, then busy, counter 2
  const std::string head = "01" "00" "2000" "0a" "03" "0209" "0783100";
  const std::string tail = "214365" "05" "2805031403" "1111" "0b05031403" "2222" "1302" "3312" "00";
  auto invite_sent = [this]() -> std::string {
    for (const auto &pk : net)
      if (pk.bytes.rfind("INVITE ", 0) == 0)
        return pk.bytes;
    return {};
  };
  cm->isup_received(100, pstn(head + "3" + tail, 5));
  std::string inv = invite_sent();
  EXPECT_NE(inv.find("Diversion: <sip:+49302222@127.0.0.1>;reason=user-busy;counter=1\r\n"
                     "Diversion: <sip:+49301111@127.0.0.1>;reason=unconditional;counter=1\r\n"),
            std::string::npos)
      << inv;
  EXPECT_EQ(inv.find("History-Info"), std::string::npos);
  net.clear();
  cm->isup_received(100, pstn(head + "4" + tail, 6));
  inv = invite_sent();
  EXPECT_NE(inv.find("History-Info: <sip:+49301111@127.0.0.1>;index=1, "
                     "<sip:+49302222@127.0.0.1;cause=302>;index=1.1, "
                     "<sip:401234565@127.0.0.1;cause=486>;index=1.1.1\r\n"), // routed number
            std::string::npos)
      << inv;
  EXPECT_EQ(inv.find("Diversion"), std::string::npos);
}

// An outgoing leg's Call-ID is its INVITE's from the start (before any response).
TEST_F(SipSide, OutgoingLegKnowsItsCallId) {
  cc::iw::SipCallInfo info;
  info.called = "12345";
  info.from = "+4940555";
  cc::SipLeg *leg = gw->invite({"phone", cc::SipProfile::Plain, false}, info, cc::SipBody{});
  ASSERT_NE(leg, nullptr);
  ASSERT_EQ(net.size(), 1u);
  sipt::Message inv;
  ASSERT_TRUE(sipt::parse(net[0].bytes, sipt::ParseOptions{}, inv).ok());
  EXPECT_FALSE(leg->call_id().empty());
  EXPECT_EQ(leg->call_id(), inv.call_id());
}

// RFC 3398 §9.1, RFC 3372 §5.4: SUS/RES between the PSTN and a trusted SIP-T peer ride in INFO.
TEST_F(SipSide, SipTPeerExchangesSuspendAndResumeInInfo) {
  gw::SipPeerEntry p;
  p.peer = {"softswitch", cc::SipProfile::SipT, true};
  p.profile.profile = sipt::Profile::SipT;
  p.profile.trusted = true;
  p.address = {sipt::TransportKind::Udp, "127.0.0.3", 5070};
  gw->add_peer(p);
  cm->add_sip_peer(p.peer);
  phone_source = p.address;
  sipt::Call *c = phone->invite("sip:12345@127.0.0.1:5060", "sip:+4940555@127.0.0.3",
                                "sip:12345@127.0.0.1", kGwAddr, "application/sdp", kSdp);
  ASSERT_TRUE(c);
  pump();
  ASSERT_EQ(wire.sent.size(), 1u);
  const uint16_t cic = wire.sent[0].cic;
  cm->isup_received(100, pstn("06161400", cic)); // ACM
  cm->isup_received(100, pstn("0900", cic));     // ANM
  pump();
  ASSERT_EQ(phone_events.responses.back(), 200);
  // the peer suspends: its INFO's SUS goes to the circuit
  const uint8_t sus[] = {0x0d, 0x01, 0x00};
  std::string ct;
  const std::string body = sipt::build_bodies(p.profile, std::nullopt, sus, false, ct);
  ASSERT_TRUE(c->info(ct, body));
  pump();
  ASSERT_EQ(wire.sent.size(), 2u);
  EXPECT_EQ(wire.sent[1].type, isup::MessageType::Sus);
  EXPECT_EQ(wire.sent[1].cic, cic);
  // the PSTN resumes: the RES comes back in an INFO
  cm->isup_received(100, pstn("0e0100", cic));
  pump();
  ASSERT_EQ(phone_events.infos.size(), 1u);
  EXPECT_NE(phone_events.infos[0].find(std::string("\x0e\x01\x00", 3)), std::string::npos);
}

} // namespace

// RFC 3264 §8.4 / RFC 3311 §5.2 through the whole SIP side (issue 14: a re-INVITE got 100 Trying
// and nothing more; an UPDATE's offer a 200 without SDP): the phone holds with a re-INVITE
// (sendonly) and resumes with an UPDATE; each offer reaches the media gateway with its mode and
// is answered 200 with our SDP, its o= version one higher each time; the PSTN hears nothing.
TEST_F(SipSide, HoldByReinviteAndResumeByUpdateAnsweredAfterTheMediaGateway) {
  uint16_t cic = 0;
  sipt::Call *up = answered_call(cic);
  ASSERT_NE(up, nullptr);
  ASSERT_TRUE(up->reinvite("application/sdp", std::string(kSdp) + "a=sendonly\r\n"));
  pump();
  ASSERT_EQ(media.modes.size(), 1u);
  EXPECT_EQ(media.modes[0], cc::MediaMode::RecvOnly);
  std::string r = final_to("INVITE");
  ASSERT_EQ(r.rfind("SIP/2.0 200", 0), 0u) << r;
  EXPECT_NE(r.find("a=recvonly"), std::string::npos) << r;
  EXPECT_NE(r.find("o=- 1 2 IN IP4 127.0.0.1"), std::string::npos) << r;
  EXPECT_NE(r.find("m=audio 4000 RTP/AVP 8"), std::string::npos) << r;
  ASSERT_TRUE(up->update("application/sdp", kSdp));
  pump();
  ASSERT_EQ(media.modes.size(), 2u);
  EXPECT_EQ(media.modes[1], cc::MediaMode::SendRecv);
  r = final_to("UPDATE");
  ASSERT_EQ(r.rfind("SIP/2.0 200", 0), 0u) << r;
  EXPECT_NE(r.find("a=sendrecv"), std::string::npos) << r;
  EXPECT_NE(r.find("o=- 1 3 IN IP4 127.0.0.1"), std::string::npos) << r;
  EXPECT_EQ(wire.sent.size(), 1u); // the IAM only: no CPG, no SUS
  // an offer with nothing usable is refused and changes nothing
  ASSERT_TRUE(up->reinvite("application/sdp",
                           "v=0\r\no=- 2 3 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\n"
                           "t=0 0\r\nm=audio 7000 RTP/AVP 18\r\n"));
  pump();
  EXPECT_EQ(final_to("INVITE").rfind("SIP/2.0 488", 0), 0u) << final_to("INVITE");
  EXPECT_EQ(media.modes.size(), 2u);
  EXPECT_EQ(cm->active_calls(), 1u);
  EXPECT_EQ(gw->ua().counters().get(SipUaCounter::offers_refused), 1u);
}

// RFC 4028 §10 with mgcd refreshing by re-INVITE (the peer's setting: refresher local, no
// UPDATE): the re-INVITE offers our last SDP unchanged; a 200 answering it with another
// description goes to the media gateway (MDCX), one answering with the same changes nothing.
TEST_F(SipSide, RefreshReinviteAnsweredWithANewDescriptionGoesToTheMediaGateway) {
  gw::SipPeerEntry p;
  p.peer = {"phone", cc::SipProfile::Plain, false};
  p.address = kPhoneAddr;
  p.session_timer.enabled = true;
  p.session_timer.session_expires_s = 90;
  p.session_timer.refresher = sipt::RefresherChoice::Local;
  p.session_timer.prefer_update = false;
  std::vector<gw::SipPeerEntry> next{p};
  gw->set_peers(std::move(next));
  uint16_t cic = 0;
  answered_call(cic);
  std::string ok = final_to("INVITE");
  ASSERT_NE(ok.find("Session-Expires: 90;refresher=uas"), std::string::npos) << ok;
  const char *moved = "v=0\r\no=- 2 3 IN IP4 127.0.0.3\r\ns=-\r\nc=IN IP4 127.0.0.3\r\nt=0 0\r\n"
                      "m=audio 7002 RTP/AVP 8\r\n";
  phone_events.reinvite_answer = moved;
  for (int s = 0; s < 46; ++s) { // §10: the refresh at half the interval
    timers.advance(1000);
    pump();
  }
  ASSERT_EQ(phone_events.reinvites, 1u);
  ASSERT_EQ(media.modes.size(), 1u);
  EXPECT_EQ(media.modes[0], cc::MediaMode::SendRecv);
  EXPECT_EQ(media.remotes[0], moved);
  EXPECT_EQ(gw->ua().counters().get(SipUaCounter::session_refreshes_sent), 1u);
  // the next refresh answered with the same description: nothing for the gateway
  for (int s = 0; s < 46; ++s) {
    timers.advance(1000);
    pump();
  }
  EXPECT_EQ(phone_events.reinvites, 2u);
  EXPECT_EQ(media.modes.size(), 1u);
  EXPECT_EQ(cm->active_calls(), 1u); // refreshed: the session goes on
  EXPECT_EQ(gw->ua().counters().get(SipUaCounter::session_expired), 0u);
}
