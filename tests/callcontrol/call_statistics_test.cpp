// ASR, NER and ACD counts per trunk group and SIP peer, and the setup and post-dial delay
// histograms (callcontrol/call_statistics.h; ITU-T E.411 §3, E.425 §3, E.721 §2), from call
// records with set times; and from real calls through CallManager (call_manager_test.cpp).
#include "callcontrol/call_statistics.h"

#include <chrono>
#include <gtest/gtest.h>

using namespace mgc::cc;
using namespace std::chrono_literals;
using Way = CallStatistics::Way;

namespace {
CallRecord record(const char *dir, std::string_view tg, uint8_t cause,
                  std::optional<std::chrono::milliseconds> answer_after,
                  std::optional<std::chrono::milliseconds> progress_after,
                  std::chrono::milliseconds held = 0ms) {
  CallRecord r;
  r.seizure = CallRecord::Clock::time_point(1'700'000'000s);
  r.direction = dir;
  r.trunk_group = tg;
  r.cause = cause;
  if (progress_after)
    r.progress = r.seizure + *progress_after;
  if (answer_after)
    r.answer = r.seizure + *answer_after;
  r.release = (r.answer ? *r.answer : r.seizure + 1s) + held;
  return r;
}
} // namespace

TEST(NetworkEffective, UserDeterminedOutcomesOnly) {
  EXPECT_TRUE(network_effective(true, 16));
  for (uint8_t c : {17, 18, 19, 21})
    EXPECT_TRUE(network_effective(false, c)) << int(c);
  // caller abandoned (16/31 before answer), network failures, number errors
  for (uint8_t c : {1, 3, 16, 20, 27, 28, 31, 34, 38, 41, 42, 44, 47, 102, 127})
    EXPECT_FALSE(network_effective(false, c)) << int(c);
}

TEST(CallStatistics, CountsPerTrunkGroupAndPeerEachWay) {
  CallStatistics s;
  // answered after 2.5 s, alerted after 0.8 s, 61 s of conversation
  s.record(record("sip-to-pstn", "pstn-a", 16, 2500ms, 800ms, 61s), "carrier");
  s.record(record("sip-to-pstn", "pstn-a", 17, std::nullopt, std::nullopt), "carrier"); // busy
  s.record(record("sip-to-pstn", "pstn-a", 34, std::nullopt, std::nullopt), "carrier"); // no circuit
  s.record(record("pstn-to-sip", "pstn-a", 19, std::nullopt, 1200ms), "phone"); // no answer
  s.record(record("sip-to-pstn", "", 3, std::nullopt, std::nullopt), "carrier"); // no route

  const TrafficCounts &out = s.trunk_groups().at({"pstn-a", Way::Out});
  EXPECT_EQ(out.seizures, 3u);
  EXPECT_EQ(out.answered, 1u);
  EXPECT_EQ(out.network_effective, 2u);
  EXPECT_DOUBLE_EQ(out.answered_seconds, 61.0);
  const TrafficCounts &in = s.trunk_groups().at({"pstn-a", Way::In});
  EXPECT_EQ(in.seizures, 1u);
  EXPECT_EQ(in.answered, 0u);
  EXPECT_EQ(in.network_effective, 1u);
  EXPECT_EQ(s.trunk_groups().size(), 2u); // no trunk group for the call without a route

  const TrafficCounts &carrier = s.sip_peers().at({"carrier", Way::In});
  EXPECT_EQ(carrier.seizures, 4u);
  EXPECT_EQ(carrier.answered, 1u);
  EXPECT_EQ(carrier.network_effective, 2u);
  EXPECT_EQ(s.sip_peers().at({"phone", Way::Out}).seizures, 1u);

  // setup delay: answered calls only; post-dial delay: calls with a backward message
  const auto &setup = s.setup_delay(0);
  EXPECT_EQ(setup.count(), 1u);
  EXPECT_DOUBLE_EQ(setup.sum(), 2.5);
  EXPECT_EQ(setup.bucket(5), 1u); // (2, 3]
  EXPECT_EQ(s.post_dial_delay(0).count(), 1u);
  EXPECT_DOUBLE_EQ(s.post_dial_delay(0).sum(), 0.8);
  EXPECT_EQ(s.post_dial_delay(1).count(), 1u);
  EXPECT_EQ(s.setup_delay(1).count(), 0u);
}

TEST(CallStatistics, TransitCountsBothTrunkGroups) {
  CallStatistics s;
  CallRecord r = record("pstn-to-pstn", "pstn-a", 16, 3s, 1s, 10s);
  r.trunk_group_out = "pstn-b";
  s.record(r, "");
  EXPECT_EQ(s.trunk_groups().at({"pstn-a", Way::In}).answered, 1u);
  EXPECT_EQ(s.trunk_groups().at({"pstn-b", Way::Out}).answered, 1u);
  EXPECT_TRUE(s.sip_peers().empty());
  EXPECT_EQ(s.setup_delay(2).count(), 1u);
}

TEST(CallStatistics, ClockSteppedBackCountsZero) {
  CallStatistics s;
  CallRecord r = record("sip-to-pstn", "pstn-a", 16, 2s, 1s, 5s);
  r.release = *r.answer - 1s;
  s.record(r, "p");
  EXPECT_DOUBLE_EQ(s.trunk_groups().at({"pstn-a", Way::Out}).answered_seconds, 0.0);
}
