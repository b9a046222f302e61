// SDP (RFC 4566) parse/build and RFC 3264 offer/answer for PCMA/PCMU + telephone-event.
#include "sipt/sdp.h"

#include <gtest/gtest.h>

using namespace mgc::sipt;

namespace {
const char *kOffer = "v=0\r\n"
                     "o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n"
                     "s=-\r\n"
                     "c=IN IP4 192.0.2.10\r\n"
                     "t=0 0\r\n"
                     "a=tool:x\r\n"
                     "m=audio 49170 RTP/AVP 0 8 97 101\r\n"
                     "a=rtpmap:97 iLBC/8000\r\n"
                     "a=rtpmap:101 telephone-event/8000\r\n"
                     "a=fmtp:101 0-16\r\n"
                     "a=ptime:20\r\n"
                     "a=sendonly\r\n"
                     "m=video 51372 RTP/AVP 31\r\n"
                     "a=rtpmap:31 H261/90000\r\n";

LocalMedia gw() {
  LocalMedia l;
  l.address = "198.51.100.5";
  l.port = 16000;
  return l;
}
} // namespace

TEST(Sdp, Parse) {
  Sdp s;
  ASSERT_TRUE(parse_sdp(kOffer, s).ok());
  EXPECT_EQ(s.origin.address, "192.0.2.10");
  ASSERT_EQ(s.media.size(), 2u);
  EXPECT_EQ(s.media[0].port, 49170);
  ASSERT_EQ(s.media[0].formats.size(), 4u);
  EXPECT_EQ(s.media[0].formats[0].encoding, "PCMU"); // RFC 3551 static type, no rtpmap
  EXPECT_EQ(s.media[0].formats[2].encoding, "iLBC");
  EXPECT_EQ(s.media[0].formats[3].fmtp, "0-16");
  EXPECT_EQ(s.media[0].ptime, 20u);
  EXPECT_EQ(s.media_direction(0), Direction::SendOnly);
  EXPECT_EQ(s.media_direction(1), Direction::SendRecv);
  EXPECT_EQ(s.other.size(), 1u); // a=tool kept
}

TEST(Sdp, RefusesMalformed) {
  Sdp s;
  EXPECT_EQ(parse_sdp("o=a 1 1 IN IP4 h\r\nv=0\r\n", s).detail(), "sdp.version_not_first");
  EXPECT_EQ(parse_sdp("v=0\r\no=a 1 1 IN IP4 h\r\ns=-\r\nm =audio 1 RTP/AVP 0\r\n", s).detail(),
            "sdp.bad_line");
  EXPECT_EQ(parse_sdp("v=0\r\no=a 1 1 IN IP4 h\r\ns=-\r\nm=audio 1 RTP/AVP 0\r\n", s).detail(),
            "sdp.missing_connection");
  EXPECT_EQ(parse_sdp("v=0\r\ns=-\r\n", s).detail(), "sdp.missing_mandatory_line");
  EXPECT_EQ(
      parse_sdp("v=0\r\no=a 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 h\r\nm=audio 99999 RTP/AVP 0\r\n", s)
          .detail(),
      "sdp.bad_media_port");
}

TEST(Sdp, BuildRoundTrip) {
  Sdp s;
  ASSERT_TRUE(parse_sdp(kOffer, s).ok());
  Sdp again;
  ASSERT_TRUE(parse_sdp(build_sdp(s), again).ok());
  EXPECT_EQ(build_sdp(again), build_sdp(s));
  EXPECT_EQ(again.media[0].formats.size(), 4u);
  EXPECT_EQ(again.media_direction(0), Direction::SendOnly);
}

TEST(OfferAnswer, AnswerKeepsOfferOrderAndDtmfNumber) {
  Sdp offer, answer;
  ASSERT_TRUE(parse_sdp(kOffer, offer).ok());
  Negotiated n;
  ASSERT_TRUE(make_answer(offer, gw(), answer, n).ok());
  EXPECT_EQ(n.codec, Codec::PCMU); // first in the offer that we support (RFC 3264 §6.1)
  EXPECT_EQ(n.pt, 0);
  ASSERT_TRUE(n.telephone_event_pt);
  EXPECT_EQ(*n.telephone_event_pt, 101);
  EXPECT_EQ(n.remote_address, "192.0.2.10");
  EXPECT_EQ(n.remote_port, 49170);
  EXPECT_EQ(n.direction, Direction::RecvOnly); // mirrors sendonly
  ASSERT_EQ(answer.media.size(), 2u);          // same m-lines, same order
  EXPECT_EQ(answer.media[0].port, 16000);
  EXPECT_EQ(answer.media[0].fmts, (std::vector<std::string>{"0", "101"}));
  EXPECT_EQ(answer.media[1].port, 0);          // video rejected
  // The offerer reads our answer back.
  Sdp answer_parsed;
  ASSERT_TRUE(parse_sdp(build_sdp(answer), answer_parsed).ok());
  Negotiated back;
  ASSERT_TRUE(apply_answer(offer, answer_parsed, back).ok());
  EXPECT_EQ(back.codec, Codec::PCMU);
  EXPECT_EQ(back.remote_address, "198.51.100.5");
  EXPECT_EQ(back.direction, Direction::SendOnly);
}

TEST(OfferAnswer, NoCommonCodecIs488) {
  Sdp offer, answer;
  ASSERT_TRUE(parse_sdp("v=0\r\no=a 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                        "m=audio 5000 RTP/AVP 18\r\n",
                        offer)
                  .ok());
  Negotiated n;
  EXPECT_EQ(make_answer(offer, gw(), answer, n).code(), 488);
}

TEST(OfferAnswer, OurOfferAndTheirAnswer) {
  LocalMedia l = gw();
  Sdp offer = make_offer(l);
  Sdp parsed;
  ASSERT_TRUE(parse_sdp(build_sdp(offer), parsed).ok());
  EXPECT_EQ(parsed.media[0].fmts, (std::vector<std::string>{"8", "0", "101"}));
  Sdp ans;
  ASSERT_TRUE(parse_sdp("v=0\r\no=b 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 203.0.113.7\r\nt=0 0\r\n"
                        "m=audio 7000 RTP/AVP 8 101\r\na=rtpmap:101 telephone-event/8000\r\n",
                        ans)
                  .ok());
  Negotiated n;
  ASSERT_TRUE(apply_answer(parsed, ans, n).ok());
  EXPECT_EQ(n.codec, Codec::PCMA);
  EXPECT_EQ(n.remote_port, 7000);
  EXPECT_EQ(*n.telephone_event_pt, 101);
  // An answer naming a format we never offered is not usable.
  Sdp bad;
  ASSERT_TRUE(parse_sdp("v=0\r\no=b 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 203.0.113.7\r\nt=0 0\r\n"
                        "m=audio 7000 RTP/AVP 18\r\n",
                        bad)
                  .ok());
  EXPECT_EQ(apply_answer(parsed, bad, n).code(), 488);
}
