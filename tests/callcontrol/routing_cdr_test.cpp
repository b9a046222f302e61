#include "callcontrol/cdr.h"
#include "callcontrol/routing.h"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <unistd.h>

using namespace mgc::cc;

TEST(Routing, LongestPrefixWithDigitManipulationAndFallbacks) {
  RoutingTable t;
  ASSERT_TRUE(t.add({"+49", 3, "0", {{RouteTarget::Kind::TrunkGroup, "de"}}}));
  ASSERT_TRUE(t.add({"+4930", 5, "", {{RouteTarget::Kind::TrunkGroup, "berlin"},
                                       {RouteTarget::Kind::TrunkGroup, "de"}}}));
  ASSERT_TRUE(t.add({"", 0, "", {{RouteTarget::Kind::SipPeer, "carrier"}}}));
  EXPECT_FALSE(t.add({"+49", 0, "", {}}));
  auto m = t.lookup("+49301234");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->route->prefix, "+4930");
  EXPECT_EQ(m->number, "1234");
  EXPECT_EQ(m->route->targets.size(), 2u);
  m = t.lookup("+49891234");
  EXPECT_EQ(m->number, "0891234");
  m = t.lookup("+33123");
  EXPECT_EQ(m->route->targets[0].name, "carrier");
  ASSERT_TRUE(t.remove(""));
  EXPECT_FALSE(t.lookup("+33123"));
}

TEST(Cdr, LineFormat) {
  CallRecord r;
  r.seizure = CallRecord::Clock::time_point(std::chrono::milliseconds(1700000000000));
  r.answer = r.seizure + std::chrono::milliseconds(2500);
  r.release = *r.answer + std::chrono::seconds(61);
  r.direction = "sip-to-pstn";
  r.calling = "+4940555";
  r.called = "301234567";
  r.trunk_group = "pstn";
  r.cic = 7;
  r.sip_call_id = "a,b\"c";
  r.cause = 16;
  r.released_by = ReleasedBy::Sip;
  EXPECT_EQ(cdr_line(r), "2023-11-14T22:13:20.000Z,2023-11-14T22:13:22.500Z,"
                         "2023-11-14T22:14:23.500Z,sip-to-pstn,+4940555,301234567,pstn,7,"
                         "\"a,b\"\"c\",16,0,sip,61000,2500,,,0,");
  // a transit call names its outgoing circuit in the two columns after the others
  r.direction = "pstn-to-pstn";
  r.trunk_group_out = "pstn-b";
  r.cic_out = 17;
  r.attempts = 2; // the route's targets the call was offered to
  EXPECT_EQ(cdr_line(r).substr(cdr_line(r).size() - 27), "sip,61000,2500,pstn-b,17,2,");
  // the last column: where a SIP callee's 3xx sent the call (RFC 3261 §8.1.3.4)
  r.redirected_to = "sip:3001@127.0.0.1:5070";
  EXPECT_EQ(cdr_line(r).substr(cdr_line(r).size() - 26), ",2,sip:3001@127.0.0.1:5070");
  EXPECT_NE(cdr_line(r).find(",pstn-to-pstn,"), std::string::npos);
  r.answer.reset();
  r.cic.reset();
  EXPECT_NE(cdr_line(r).find(",,"), std::string::npos);
}

TEST(Cdr, WriterAppendsDurablyOffTheCallingThread) {
  const std::string path = testing::TempDir() + "/cdr_" + std::to_string(::getpid()) + ".csv";
  std::filesystem::remove(path);
  {
    CdrWriter w(path);
    ASSERT_TRUE(w.ok());
    CallRecord r;
    for (int i = 0; i < 100; ++i) {
      r.called = std::to_string(i);
      w.write(r);
    }
    w.flush();
    EXPECT_EQ(w.written(), 100u);
    EXPECT_EQ(w.failed(), 0u);
  }
  {
    CdrWriter again(path); // appends, no second header
    again.write(CallRecord{});
  }
  std::ifstream f(path);
  std::string line;
  int lines = 0, headers = 0;
  while (std::getline(f, line)) {
    ++lines;
    headers += line == cdr_header();
  }
  EXPECT_EQ(lines, 102);
  EXPECT_EQ(headers, 1);
  std::filesystem::remove(path);
}

TEST(Cdr, UnwritablePathIsReported) {
  CdrWriter w("/nonexistent-dir/cdr.csv");
  EXPECT_FALSE(w.ok());
  w.write(CallRecord{});
  EXPECT_EQ(w.failed(), 1u);
}

// What mgcd's cdr.write alarm and log line say: the errno of the failed open or write.
TEST(Cdr, FailuresKeepTheirReason) {
  EXPECT_EQ(CdrWriter("/nonexistent-dir/cdr.csv").last_error(), "open: No such file or directory");
  CdrWriter full("/dev/full"); // opens, every write fails with ENOSPC
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full.last_error(), "write: No space left on device"); // the header
  const uint64_t before = full.failed();
  full.write(CallRecord{});
  // (flush() cannot be waited on here: it counts the failed header as a handled record)
  for (int i = 0; i < 500 && full.failed() == before; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(full.failed(), before + 1);
  EXPECT_EQ(full.written(), 0u);
  EXPECT_EQ(full.last_error(), "write: No space left on device");
}
