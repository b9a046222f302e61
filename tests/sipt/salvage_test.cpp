// Requests the parser refuses before it has their header fields are still answered (sipt/
// salvage.h): RFC 4475's Request-Line torture messages with 400, SIP/7.0 with 505 (RFC 3261
// §21.5.6, RFC 4475 §3.1.2.16), a request without Call-ID, From and To (§3.3.1) with 400. The
// response parses, copies the Via rows and CSeq, and gives To a tag. Vectors: tests/sipt/vectors
// (SOURCE.md there).
#include "sipt/errors.h"
#include "sipt/message.h"
#include "sipt/salvage.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

using namespace mgc::sipt;

namespace {

std::string load(const std::string &name) {
  std::ifstream f(std::string(MGC_TEST_DATA) + "/sipt/vectors/rfc4475/" + name + ".dat",
                  std::ios::binary);
  EXPECT_TRUE(f.good()) << name;
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// The refusal of a request and the response built for it.
struct Answered {
  int code = 0;
  std::string response;
  Message parsed;
  mgc::Status st;
};

void answer(const std::string &bytes, Answered &a) {
  Message m;
  const mgc::Status st = parse(bytes, ParseOptions{}, m);
  EXPECT_FALSE(st.ok());
  a.code = st.code();
  a.response = salvage_response(bytes, st.code(), "Bad", "t1");
  a.st = parse(a.response, ParseOptions{}, a.parsed);
}

} // namespace

class TortureAnswered : public ::testing::TestWithParam<std::pair<const char *, int>> {};

TEST_P(TortureAnswered, WithTheStatusTheRfcAsks) {
  const auto [name, code] = GetParam();
  const std::string bytes = load(name);
  Answered a;
  answer(bytes, a);
  EXPECT_EQ(a.code, code) << name;
  ASSERT_FALSE(a.response.empty()) << name;
  EXPECT_EQ(a.response.rfind("SIP/2.0 " + std::to_string(code) + " ", 0), 0u) << a.response;
  ASSERT_TRUE(a.parsed.first(HeaderId::Via)) << a.response;
  ASSERT_TRUE(a.parsed.first(HeaderId::CSeq)) << a.response;
  EXPECT_NE(a.response.find(std::string(a.parsed.first(HeaderId::Via)->value)), std::string::npos);
  if (a.parsed.first(HeaderId::To)) { // ours unless the request's To had one (§8.2.6.2)
    EXPECT_FALSE(a.parsed.to().tag().empty()) << a.response;
  }
}

INSTANTIATE_TEST_SUITE_P(Rfc4475, TortureAnswered,
                         ::testing::Values(std::pair{"ltgtruri", 400}, std::pair{"lwsruri", 400},
                                           std::pair{"lwsstart", 400}, std::pair{"escruri", 400},
                                           std::pair{"trws", 400}, std::pair{"insuf", 400},
                                           std::pair{"badvers", 505}),
                         [](const auto &info) { return std::string(info.param.first); });

TEST(Salvage, NothingToAnswer) {
  // a response, an ACK, no Via, no end of the header section
  EXPECT_EQ(salvage_response("SIP/7.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n", 505,
                             "x", "t"),
            "");
  EXPECT_EQ(salvage_response("ACK <sip:a@b> SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n\r\n",
                             400, "x", "t"),
            "");
  EXPECT_EQ(salvage_response("INVITE <sip:a@b> SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n", 400, "x", "t"),
            "");
  EXPECT_EQ(salvage_response("INVITE <sip:a@b> SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n",
                             400, "x", "t"),
            "");
}

TEST(Salvage, CopiesRowsInCompactFormAndKeepsAnExistingTag) {
  const std::string r = salvage_response(
      "OPTIONS  sip:a@b SIP/2.0\r\nv: SIP/2.0/UDP h1;branch=z9hG4bK1\r\nVia: SIP/2.0/UDP h2\r\n"
      " ;branch=z9hG4bK2\r\ni: abc\r\nf: <sip:x@y>;tag=9\r\nt: <sip:a@b;tag=uri> ; TAG = 7\r\n"
      "CSeq: 3 OPTIONS\r\n\r\n",
      400, "Malformed Request-URI", "new");
  EXPECT_EQ(r, "SIP/2.0 400 Malformed Request-URI\r\n"
               "Via: SIP/2.0/UDP h1;branch=z9hG4bK1\r\n"
               "Via: SIP/2.0/UDP h2 ;branch=z9hG4bK2\r\n"
               "From: <sip:x@y>;tag=9\r\n"
               "To: <sip:a@b;tag=uri> ; TAG = 7\r\n"
               "Call-ID: abc\r\n"
               "CSeq: 3 OPTIONS\r\n"
               "Content-Length: 0\r\n\r\n");
}
