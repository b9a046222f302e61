// The catalogue holds every Q.763 message the issue names, with the formats of Q.763 §4.
#include "isup/catalogue.h"

#include <gtest/gtest.h>

using namespace mgc::isup;

TEST(Catalogue, HoldsTheWholeQ763MessageSet) {
  const char *required[] = {"ACM", "ANM", "APM", "BLA", "BLO", "CCR", "CFN",  "CGB", "CGBA", "CGU",
                            "CGUA", "CON", "COT", "CPG", "CQM", "CQR", "CRG", "FAA", "FAC",  "FAR",
                            "FOT", "FRJ", "GRA", "GRS", "IAM", "IDR", "INF", "INR", "IRS",  "LPA",
                            "LPP", "NRM", "OLM", "PAM", "PRI", "REL", "RES", "RLC", "RSC",  "SAM",
                            "SDN", "SGM", "SUS", "UBA", "UBL", "UCIC", "UPA", "UPT", "USR"};
  EXPECT_EQ(std::size(required), 49u);
  for (const char *acr : required) {
    auto t = message_type_from_acronym(acr);
    ASSERT_TRUE(t) << acr;
    const MessageFormat *f = message_format(*t, Variant::Itu);
    ASSERT_NE(f, nullptr) << acr;
    EXPECT_EQ(f->acronym, acr);
    EXPECT_FALSE(f->clause.empty()) << acr;
  }
  EXPECT_EQ(message_catalogue(Variant::Itu).size(), 49u);
}

TEST(Catalogue, IamFormatsDifferBetweenItuAndAnsi) {
  const MessageFormat *itu = message_format(0x01, Variant::Itu);
  const MessageFormat *ansi = message_format(0x01, Variant::Ansi);
  ASSERT_TRUE(itu && ansi);
  EXPECT_EQ(itu->fixed_count, 4);
  EXPECT_EQ(itu->fixed[3].code, ParameterCode::TransmissionMediumRequirement);
  EXPECT_EQ(itu->variable_count, 1);
  EXPECT_EQ(ansi->fixed_count, 3);
  EXPECT_EQ(ansi->variable_count, 2);
  EXPECT_EQ(ansi->variable[0], ParameterCode::UserServiceInformation);
  EXPECT_TRUE(itu->optional_part && ansi->optional_part);
}

TEST(Catalogue, AnsiOnlyMessagesAreUnknownInItu) {
  for (uint8_t t : {0xe9, 0xea, 0xeb, 0xec, 0xed}) {
    EXPECT_EQ(message_format(t, Variant::Itu), nullptr);
    EXPECT_NE(message_format(t, Variant::Ansi), nullptr);
  }
}

TEST(Catalogue, CircuitSupervisionFormats) {
  const MessageFormat *cgb = message_format(0x18, Variant::Itu);
  ASSERT_TRUE(cgb);
  EXPECT_EQ(cgb->fixed[0].code, ParameterCode::CircuitGroupSupervisionMessageType);
  EXPECT_EQ(cgb->variable[0], ParameterCode::RangeAndStatus);
  EXPECT_FALSE(cgb->optional_part);
  const MessageFormat *cqr = message_format(0x2b, Variant::Itu);
  ASSERT_TRUE(cqr);
  EXPECT_EQ(cqr->variable_count, 2);
  EXPECT_EQ(cqr->variable[1], ParameterCode::CircuitStateIndicator);
}

TEST(Catalogue, ParameterNames) {
  ASSERT_TRUE(parameter_info(0x04));
  EXPECT_EQ(parameter_info(0x04)->json_name, "called_party_number");
  EXPECT_EQ(parameter_code_from_name("hop_counter"), 0x3d);
  EXPECT_EQ(parameter_info(0xfe), nullptr);
}
