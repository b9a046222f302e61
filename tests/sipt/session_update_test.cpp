// RFC 3264 §8 from our side of a dialog (sipt/session_update.h): hold (§8.4), codec change,
// the RFC 2543 hold address, o= versioning, our offer for a re-INVITE without one and its answer.
#include "sipt/session_update.h"

#include <gtest/gtest.h>

#include <string>

using namespace mgc::sipt;

namespace {

const char *kOurs = "v=0\r\no=- 1234 5 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                    "m=audio 4000 RTP/AVP 8 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";

std::string offer(const std::string &dir, const std::string &fmts = "8 0",
                  const std::string &addr = "192.0.2.7") {
  return "v=0\r\no=peer 77 2 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 " + addr +
         "\r\nt=0 0\r\nm=audio 30000 RTP/AVP " + fmts + "\r\n" +
         (dir.empty() ? "" : "a=" + dir + "\r\n");
}

Sdp parsed(const std::string &text) {
  Sdp s;
  EXPECT_TRUE(parse_sdp(text, s).ok()) << text;
  return s;
}

} // namespace

TEST(SessionUpdate, HoldResumeAndVersions) {
  SessionUpdate su;
  su.sent(kOurs);
  std::string ans;
  Direction ours;
  // §8.4: sendonly from the peer -> we receive only, answered recvonly
  ASSERT_TRUE(su.answer(offer("sendonly"), "", ans, ours).ok());
  EXPECT_EQ(ours, Direction::RecvOnly);
  Sdp a = parsed(ans);
  EXPECT_EQ(a.sess_id, "1234");
  EXPECT_EQ(a.sess_version, "6"); // §8: changed, one higher
  EXPECT_EQ(a.media_direction(0), Direction::RecvOnly);
  EXPECT_EQ(a.media[0].port, 4000);
  EXPECT_EQ(a.media_connection(0).address, "127.0.0.1");
  // the same offer again: the same answer, the same version
  std::string again;
  ASSERT_TRUE(su.answer(offer("sendonly"), "", again, ours).ok());
  EXPECT_EQ(again, ans);
  // inactive -> inactive; resumed -> sendrecv, the version going on
  ASSERT_TRUE(su.answer(offer("inactive"), "", ans, ours).ok());
  EXPECT_EQ(ours, Direction::Inactive);
  EXPECT_EQ(parsed(ans).sess_version, "7");
  ASSERT_TRUE(su.answer(offer(""), "", ans, ours).ok());
  EXPECT_EQ(ours, Direction::SendRecv);
  EXPECT_EQ(parsed(ans).sess_version, "8");
  // RFC 3264 §8.4: c=0.0.0.0 means send nothing to the peer
  ASSERT_TRUE(su.answer(offer("", "8", "0.0.0.0"), "", ans, ours).ok());
  EXPECT_EQ(ours, Direction::RecvOnly);
  EXPECT_EQ(parsed(ans).media_direction(0), Direction::RecvOnly);
}

TEST(SessionUpdate, CodecChangeAndNewGatewayDescription) {
  SessionUpdate su;
  su.sent(kOurs);
  std::string ans;
  Direction ours;
  // only PCMU offered now: the answer lists it alone
  ASSERT_TRUE(su.answer(offer("", "0"), "", ans, ours).ok());
  Sdp a = parsed(ans);
  ASSERT_EQ(a.media[0].formats.size(), 1u);
  EXPECT_EQ(a.media[0].formats[0].pt, 0);
  // the media gateway moved the connection: its address and port answer
  ASSERT_TRUE(su.answer(offer("", "8"),
                        "v=0\r\no=- 9 9 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n"
                        "m=audio 4002 RTP/AVP 8\r\n",
                        ans, ours)
                  .ok());
  a = parsed(ans);
  EXPECT_EQ(a.media[0].port, 4002);
  EXPECT_EQ(a.media_connection(0).address, "127.0.0.2");
  EXPECT_EQ(a.sess_id, "1234"); // the o= line stays ours (§8)
  // nothing usable: 488 (RFC 3261 §14.2), a broken SDP 400; neither changes what was sent
  const std::string before = su.last();
  EXPECT_EQ(su.answer(offer("", "18"), "", ans, ours).code(), 488);
  EXPECT_EQ(su.answer("v=0\r\nnonsense", "", ans, ours).code(), 400);
  EXPECT_EQ(su.last(), before);
  EXPECT_TRUE(su.check(offer("sendonly", "0"), ours).ok());
  EXPECT_EQ(ours, Direction::RecvOnly);
}

// RFC 3261 §14.2: a re-INVITE without an offer is answered with ours (sendrecv, the o= line
// kept), and the ACK's answer says what we do.
TEST(SessionUpdate, OurOfferAndItsAnswer) {
  SessionUpdate su;
  EXPECT_EQ(su.offer(), ""); // nothing sent yet: nothing to offer
  su.sent(kOurs);
  std::string ans;
  Direction ours;
  ASSERT_TRUE(su.answer(offer("sendonly"), "", ans, ours).ok()); // we were held: recvonly
  const std::string o = su.offer();
  Sdp s = parsed(o);
  EXPECT_EQ(s.media_direction(0), Direction::SendRecv);
  EXPECT_EQ(s.sess_version, "7");
  ASSERT_TRUE(su.answered(offer("recvonly", "8"), ours).ok());
  EXPECT_EQ(ours, Direction::SendOnly);
  EXPECT_EQ(su.answered(offer("", "18"), ours).code(), 488);
}
