// Typed parameters read the bits where Q.763 §3 puts them (checked against octets written by
// hand from the figures, not against our encoder).
#include "test_util.h"

#include <gtest/gtest.h>

using namespace mgc::isup;
using namespace isup_test;

namespace {

// Decodes an ACM/IAM/REL wrapper around the given octets and returns the message.
Message decode_ok(const std::string &hex, Variant v = Variant::Itu) {
  Message m;
  DecodeOptions o;
  o.variant = v;
  DecodeResult r = decode(bytes(hex), o, m);
  EXPECT_TRUE(r.status.ok()) << r.status.detail();
  return m;
}

TEST(Parameters, ForwardCallIndicatorsBits) {
  // FCI 0x60 0x01: HG = 01 (ISUP not required all the way), F = 1 (ISUP used), I = 1
  Message m = decode_ok("1f00 01 00 6101 0a 00 02 00 02 0310");
  const auto *f = m.find<ForwardCallIndicators>();
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->national_international_call_indicator);
  EXPECT_TRUE(f->isdn_user_part_indicator);
  EXPECT_EQ(f->isdn_user_part_preference_indicator, 1);
  EXPECT_TRUE(f->isdn_access_indicator);
  EXPECT_EQ(f->sccp_method_indicator, 0);
  const auto *c = m.find<CalledPartyNumber>();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->address_signals.str(), "");
  EXPECT_EQ(c->nature_of_address_indicator, 3);
  EXPECT_EQ(c->numbering_plan_indicator, 1);
}

TEST(Parameters, BackwardCallIndicatorsBits) {
  Message m = decode_ok("1f00 06 1614 00");
  const auto *b = m.find<BackwardCallIndicators>();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->charge_indicator, 2);               // charge
  EXPECT_EQ(b->called_partys_status_indicator, 1); // subscriber free
  EXPECT_EQ(b->called_partys_category_indicator, 1);
  EXPECT_EQ(b->end_to_end_method_indicator, 0);
  EXPECT_TRUE(b->isdn_user_part_indicator);
  EXPECT_TRUE(b->isdn_access_indicator);
  EXPECT_FALSE(b->holding_indicator);
}

TEST(Parameters, NumberWithOddSignalsFillerAndSpecialCodes) {
  // called party number, odd, NAI 4 (international), digits 4 8 9 1 ST
  Message m = decode_ok("1f00 01 00 0000 0a 00 02 00 05 8410 8419 0f");
  const auto *c = m.find<CalledPartyNumber>();
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->odd_even_indicator);
  EXPECT_EQ(c->nature_of_address_indicator, 4);
  EXPECT_EQ(c->address_signals.str(), "4891F");
  EXPECT_EQ(c->filler, 0);
}

TEST(Parameters, CallingPartyNumberPresentationAndScreening) {
  // o2 = 0 001 01 11: NI complete, E.164, presentation restricted, network provided
  Message m = decode_ok("1f00 01 00 0000 0a 00 02 04 02 0310 0a 04 03 17 2143 00");
  const auto *c = m.find<CallingPartyNumber>();
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->octet2_bit8);
  EXPECT_EQ(c->address_presentation_restricted_indicator, 1);
  EXPECT_EQ(c->screening_indicator, 3);
  EXPECT_EQ(c->address_signals.str(), "1234");
}

TEST(Parameters, CauseWithRecommendationAndDiagnostic) {
  // o1 ext 0 (octet 1a follows), coding standard ITU, location 2; 1a = 0x80; cause 0x9f (31)
  // then a 2-octet diagnostic
  Message m = decode_ok("1f00 0c 02 00 05 02 80 9f 0102");
  const auto *c = m.find<CauseIndicators>();
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->has_recommendation);
  EXPECT_EQ(c->recommendation, 0x80);
  EXPECT_EQ(c->location, 2);
  EXPECT_EQ(c->coding_standard, 0);
  EXPECT_EQ(c->cause_value, 31);
  EXPECT_EQ(mgc::hex_encode(c->diagnostics.span()), "0102");
}

TEST(Parameters, AnsiCauseCodingStandard) {
  Message m = decode_ok("ff3f 0c 02 00 02 c0 90", Variant::Ansi);
  EXPECT_EQ(m.cic, 0x3fff);
  const auto *c = m.find<CauseIndicators>();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->coding_standard, 2); // national standard (ANSI)
  EXPECT_EQ(c->cause_value, 16);
}

TEST(Parameters, ItuCicKeepsSpareBits) {
  Message m = decode_ok("ff3f 10 00");
  EXPECT_EQ(m.cic, 0x0fff);
  EXPECT_EQ(m.cic_spare, 0x3);
}

TEST(Parameters, RedirectionInformationAndHopCounter) {
  Message m = decode_ok("1f00 01 00 0000 0a 00 02 04 02 0310 1302 0314 3d01 0f 00");
  const auto *ri = m.find<RedirectionInformation>();
  ASSERT_TRUE(ri);
  EXPECT_EQ(ri->redirecting_indicator, 3);
  EXPECT_EQ(ri->redirection_counter, 4);
  EXPECT_EQ(ri->redirecting_reason, 1);
  ASSERT_TRUE(m.find<HopCounter>());
  EXPECT_EQ(m.find<HopCounter>()->hop_counter, 15);
}

TEST(Parameters, UserServiceInformationSpeech) {
  // 0x80 0x90 0xa3: ITU coding, speech; circuit mode 64 kbit/s; layer 1 G.711 A-law
  Message m = decode_ok("1f00 01 00 0000 0a 00 02 04 02 0310 1d03 8090a3 00");
  const auto *u = m.find<UserServiceInformation>();
  ASSERT_TRUE(u);
  EXPECT_EQ(u->coding_standard, 0);
  EXPECT_EQ(u->information_transfer_capability, 0);
  EXPECT_EQ(u->transfer_mode, 0);
  EXPECT_EQ(u->information_transfer_rate, 0x10);
  EXPECT_EQ(mgc::hex_encode(u->additional_octets.span()), "a3");
}

TEST(Parameters, CallReferenceItuAndAnsi) {
  Message m = decode_ok("1f00 09 01 0105 123456 0120 00");
  const auto *cr = m.find<CallReference>();
  ASSERT_TRUE(cr);
  EXPECT_EQ(cr->call_identity, 0x123456u);
  EXPECT_EQ(cr->signalling_point_code, 0x2001u);
  EXPECT_FALSE(cr->ansi);
  m = decode_ok("1f00 09 01 0106 123456 010203 00");
  ASSERT_TRUE(m.find<CallReference>());
  EXPECT_EQ(m.find<CallReference>()->signalling_point_code, 0x030201u);
}

TEST(Parameters, CompatibilityInformationChains) {
  // PCI: two entries, the first with a second instruction octet
  Message m = decode_ok("1f00 09 01 3905 c0 12 81 3d 90 00");
  const auto *p = m.find<ParameterCompatibilityInformation>();
  ASSERT_TRUE(p);
  ASSERT_EQ(p->count, 2);
  EXPECT_EQ(p->entries[0].parameter, 0xc0);
  EXPECT_TRUE(p->entries[0].release_call_indicator);
  EXPECT_TRUE(p->entries[0].discard_parameter_indicator);
  EXPECT_EQ(p->entries[0].additional_octets.size(), 1u);
  EXPECT_EQ(p->entries[1].parameter, 0x3d);
  EXPECT_TRUE(p->entries[1].discard_parameter_indicator);
}

TEST(Parameters, RangeAndStatusAndSupervisionType) {
  Message m = decode_ok("0100 18 01 01 03 0f ff 01");
  ASSERT_TRUE(m.find<CircuitGroupSupervisionMessageType>());
  EXPECT_EQ(m.find<CircuitGroupSupervisionMessageType>()->type_indicator, 1); // hardware
  const auto *rs = m.find<RangeAndStatus>();
  ASSERT_TRUE(rs);
  EXPECT_EQ(rs->range, 15);
  EXPECT_EQ(rs->status.size(), 2u);
}

TEST(Parameters, BuildAnIamFromTypedValues) {
  Message m;
  m.type = MessageType::Iam;
  m.cic = 42;
  CalledPartyNumber called;
  called.nature_of_address_indicator = 3;
  called.numbering_plan_indicator = 1;
  ASSERT_TRUE(called.address_signals.assign("12345"));
  CallingPartyNumber calling;
  calling.nature_of_address_indicator = 3;
  calling.numbering_plan_indicator = 1;
  calling.screening_indicator = 3;
  ASSERT_TRUE(calling.address_signals.assign("5551234"));
  // added out of order: the encoder places mandatory parameters by the catalogue
  m.add(called);
  m.add(calling);
  m.add(TransmissionMediumRequirement{});
  m.add(CallingPartysCategory{.value = 10});
  m.add(ForwardCallIndicators{});
  m.add(NatureOfConnectionIndicators{});
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode(m, DecodeOptions{}, out).ok());
  EXPECT_EQ(mgc::hex_encode(out), "2a00" "01" "00" "0000" "0a" "00" "0207" "05831021430" "5"
                                  "0a0683135515320400");
}

TEST(Parameters, EncoderRefusesWhatDoesNotFit) {
  Message m;
  m.type = MessageType::Acm;
  std::vector<uint8_t> out;
  EXPECT_EQ(encode(m, DecodeOptions{}, out).detail(), "isup.encode.missing_mandatory_parameter");
  m.add(BackwardCallIndicators{.charge_indicator = 7});
  EXPECT_EQ(encode(m, DecodeOptions{}, out).detail(), "isup.encode.field_out_of_range");
  m.clear();
  m.type = MessageType::Rlc;
  m.cic = 0x1000; // 13 bits: too large for ITU
  EXPECT_EQ(encode(m, DecodeOptions{}, out).detail(), "isup.encode.cic_out_of_range");
  m.cic = 1;
  m.add(HopCounter{.hop_counter = 5});
  EXPECT_TRUE(encode(m, DecodeOptions{}, out).ok());
  m.type = MessageType::Blo; // no optional part allowed
  EXPECT_EQ(encode(m, DecodeOptions{}, out).detail(), "isup.encode.unexpected_parameter");
}

} // namespace

namespace {

TEST(Encode, IntoACallersBuffer) {
  Message m;
  ASSERT_TRUE(decode(bytes("1f000c0204028a9027010100"), DecodeOptions{}, m).status.ok());
  std::array<uint8_t, 64> buf{};
  std::size_t n = 0;
  ASSERT_TRUE(encode(m, DecodeOptions{}, buf, n).ok());
  EXPECT_EQ(mgc::hex_encode({buf.data(), n}), "1f000c0204028a9027010100");
  std::array<uint8_t, 5> small{};
  mgc::Status s = encode(m, DecodeOptions{}, small, n);
  EXPECT_EQ(s.detail(), "isup.encode.buffer_too_small");
  EXPECT_EQ(n, 12u); // what it would need
}

TEST(Encode, MessagesLargerThanTheStackBuffer) {
  // A SIP-T body can exceed MTP3's 272 octets: twenty 200-octet access transport parameters.
  Message m;
  m.type = MessageType::Anm;
  std::vector<uint8_t> blob(200, 0x5a);
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(m.add_octets<AccessTransport>(blob));
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode(m, DecodeOptions{}, out).ok());
  EXPECT_EQ(out.size(), 2u + 1 + 1 + 20 * 202 + 1);
  Message back;
  DecodeResult r = decode(out, DecodeOptions{}, back);
  EXPECT_TRUE(r.status.ok());
  EXPECT_TRUE(r.canonical);
  EXPECT_EQ(back.parameters.size(), 20u);
}

} // namespace
