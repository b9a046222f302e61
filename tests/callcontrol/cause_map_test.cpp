// RFC 3398 §7.2.4.1 / §8.2.6.1 tables, and the cases the integration tests rely on.
#include "callcontrol/cause_map.h"

#include <gtest/gtest.h>

using namespace mgc::cc;

TEST(CauseMap, IsupToSip) {
  EXPECT_EQ(sip_final_for_cause(1, CauseLocation::PublicNetworkRemoteUser).status, 404);
  EXPECT_EQ(sip_final_for_cause(17, CauseLocation::User).status, 486);
  EXPECT_EQ(sip_final_for_cause(18, CauseLocation::User).status, 408);
  EXPECT_EQ(sip_final_for_cause(19, CauseLocation::User).status, 480);
  EXPECT_EQ(sip_final_for_cause(34, CauseLocation::TransitNetwork).status, 503);
  EXPECT_EQ(sip_final_for_cause(102, CauseLocation::TransitNetwork).status, 504);
  EXPECT_EQ(sip_final_for_cause(127, CauseLocation::TransitNetwork).status, 500);
  EXPECT_EQ(sip_final_for_cause(28, CauseLocation::User).reason_phrase, "Address Incomplete");
}

TEST(CauseMap, IsupToSipSpecialCases) {
  EXPECT_EQ(sip_final_for_cause(16, CauseLocation::User).status, 0); // BYE/CANCEL instead
  EXPECT_EQ(sip_final_for_cause(44, CauseLocation::User).status, 0); // untranslatable
  EXPECT_EQ(sip_final_for_cause(21, CauseLocation::PublicNetworkLocalUser).status, 403);
  EXPECT_EQ(sip_final_for_cause(21, CauseLocation::User).status, 603);
  EXPECT_EQ(sip_final_for_cause(22, CauseLocation::User, false).status, 410);
  EXPECT_EQ(sip_final_for_cause(22, CauseLocation::User, true).status, 301);
  EXPECT_EQ(sip_final_for_cause(99, CauseLocation::User).status, 500); // not listed: default
}

TEST(CauseMap, SipToIsup) {
  EXPECT_EQ(isup_cause_for_status(404)->cause, 1);
  EXPECT_EQ(isup_cause_for_status(486)->cause, 17);
  EXPECT_EQ(isup_cause_for_status(480)->cause, 18);
  EXPECT_EQ(isup_cause_for_status(408)->cause, 102);
  EXPECT_EQ(isup_cause_for_status(503)->cause, 41);
  EXPECT_EQ(isup_cause_for_status(484)->cause, 28);
  EXPECT_EQ(isup_cause_for_status(603)->cause, 21);
  EXPECT_EQ(isup_cause_for_status(699)->cause, 31); // unlisted
  EXPECT_FALSE(isup_cause_for_status(487));
  EXPECT_EQ(isup_cause_for_status(488)->cause, 31);
  EXPECT_EQ(isup_cause_for_status(488, true)->cause, 65);
}

TEST(CauseMap, Locations) {
  EXPECT_EQ(isup_cause_for_status(600)->location, CauseLocation::User);
  EXPECT_EQ(isup_cause_for_status(486)->location, CauseLocation::BeyondInterworkingPoint);
}
