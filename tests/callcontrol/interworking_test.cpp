// IAM <-> INVITE (RFC 3398 §7.2.1.1, §8.2.1.1; Q.1912.5): numbers, identity and privacy, category,
// hop counter, redirection, and SIP-T transparency (what is not changed stays byte for byte).
#include "callcontrol/interworking/diversion.h"
#include "callcontrol/interworking/iam_invite.h"
#include "core/hex.h"
#include "isup/codec.h"

#include <gtest/gtest.h>

using namespace mgc::cc::iw;
using namespace mgc::isup;

namespace {

std::string encode_hex(const Message &m) {
  std::vector<uint8_t> out;
  mgc::Status s = encode(m, EncodeOptions{.with_cic = false}, out);
  return s.ok() ? mgc::hex_encode(out) : std::string(s.detail());
}

Message decode_hex(const std::string &hex) {
  Message m;
  EXPECT_TRUE(decode(*mgc::hex_decode(hex), DecodeOptions{.with_cic = false}, m).status.ok());
  return m;
}

TEST(Numbers, SipToIsup) {
  NumberingPlan de;
  auto n = isup_number_from_sip("+49-30-1234567", de);
  ASSERT_TRUE(n);
  EXPECT_EQ(n->nai, kNaiNational);
  EXPECT_EQ(n->digits, "301234567");
  n = isup_number_from_sip("+33123456789", de);
  EXPECT_EQ(n->nai, kNaiInternational);
  EXPECT_EQ(n->digits, "33123456789");
  n = isup_number_from_sip("0301234567", de);
  EXPECT_EQ(n->nai, kNaiNational);
  EXPECT_EQ(n->digits, "301234567");
  n = isup_number_from_sip("12345", de);
  EXPECT_EQ(n->nai, kNaiUnknown);
  EXPECT_FALSE(isup_number_from_sip("alice", de));
  EXPECT_FALSE(isup_number_from_sip("", de));
}

TEST(Numbers, IsupToSip) {
  NumberingPlan de;
  Number n;
  n.nature_of_address_indicator = kNaiNational;
  n.address_signals.assign("301234567F");
  EXPECT_EQ(sip_number_from_isup(n, de), "+49301234567");
  n.nature_of_address_indicator = kNaiInternational;
  n.address_signals.assign("33123");
  EXPECT_EQ(sip_number_from_isup(n, de), "+33123");
  n.nature_of_address_indicator = kNaiUnknown;
  EXPECT_EQ(sip_number_from_isup(n, de), "33123");
}

TEST(InviteToIam, PlainSipCall) {
  SipCallInfo sip;
  sip.called = "+49301234567";
  sip.asserted = "+4940555";
  sip.from = "+4940555";
  sip.max_forwards = 70;
  InterworkingProfile p;
  Message iam;
  ASSERT_TRUE(iam_from_invite(sip, nullptr, p, iam).ok());
  // NCI 00; FCI 0x20 0x00 (no interworking, ISUP all the way); CPC 0a; TMR 03; called national
  // 301234567 (odd: 0x83, INN 0 E.164 0x10); calling national 40555 network provided (0x13);
  // hop counter 70/2 -> 31 limited, minus one -> 30 (0x1e).
  EXPECT_EQ(encode_hex(iam), "01" "00" "2000" "0a" "03" "0209" "07831003214365" "07"
                             "0a05831304550" "5" "3d011e" "00");
}

TEST(InviteToIam, AnsiCarriesUserServiceInformation) {
  // T1.113: the IAM has the user service information (mandatory variable) where Q.763 has the
  // transmission medium requirement; an ANSI exchange decodes what we build.
  SipCallInfo sip;
  sip.called = "12345";
  sip.from = "4441000";
  sip.max_forwards = 70;
  InterworkingProfile p;
  p.variant = Variant::Ansi;
  Message iam;
  ASSERT_TRUE(iam_from_invite(sip, nullptr, p, iam).ok());
  EXPECT_EQ(iam.find<TransmissionMediumRequirement>(), nullptr);
  const auto *usi = iam.find<UserServiceInformation>();
  ASSERT_NE(usi, nullptr);
  EXPECT_EQ(usi->information_transfer_capability, 0); // speech
  EXPECT_EQ(usi->information_transfer_rate, 0x10);     // 64 kbit/s
  std::vector<uint8_t> octets;
  ASSERT_TRUE(encode(iam, EncodeOptions{.variant = Variant::Ansi, .with_cic = false}, octets).ok());
  Message back;
  const DecodeResult r =
      decode(octets, DecodeOptions{.variant = Variant::Ansi, .with_cic = false}, back);
  ASSERT_TRUE(r.status.ok()) << r.status.detail();
  ASSERT_NE(back.find<CalledPartyNumber>(), nullptr);
  EXPECT_EQ(back.find<CalledPartyNumber>()->address_signals.str(), "12345");
  ASSERT_NE(back.find<UserServiceInformation>(), nullptr);
  // The ITU-T form is unchanged: TMR, no USI.
  p.variant = Variant::Itu;
  ASSERT_TRUE(iam_from_invite(sip, nullptr, p, iam).ok());
  EXPECT_NE(iam.find<TransmissionMediumRequirement>(), nullptr);
  EXPECT_EQ(iam.find<UserServiceInformation>(), nullptr);
}

TEST(InviteToIam, PrivacyInternationalAndCategory) {
  SipCallInfo sip;
  sip.called = "+33123456789";
  sip.from = "+4940555";
  sip.privacy_id = true;
  sip.cpc = "payphone";
  InterworkingProfile p;
  Message iam;
  ASSERT_TRUE(iam_from_invite(sip, nullptr, p, iam).ok());
  EXPECT_TRUE(iam.find<ForwardCallIndicators>()->national_international_call_indicator);
  EXPECT_EQ(iam.find<CalledPartyNumber>()->nature_of_address_indicator, kNaiInternational);
  EXPECT_EQ(iam.find<CallingPartysCategory>()->value, 0x0f);
  const auto *cgpn = iam.find<CallingPartyNumber>();
  ASSERT_TRUE(cgpn);
  EXPECT_EQ(cgpn->address_presentation_restricted_indicator, 1);
  EXPECT_EQ(cgpn->screening_indicator, 0); // user provided, not verified (From, not asserted)
}

TEST(InviteToIam, RefusedWithoutANumberOrHops) {
  SipCallInfo sip;
  sip.called = "bob";
  Message iam;
  EXPECT_EQ(iam_from_invite(sip, nullptr, {}, iam).code(), 484);
  sip.called = "+49301";
  sip.max_forwards = 1;
  mgc::Status s = iam_from_invite(sip, nullptr, {}, iam);
  EXPECT_EQ(s.detail(), "cc.iw.hop_counter_exhausted");
  EXPECT_EQ(s.code(), 483);
}

TEST(InviteToIam, DiversionBecomesRedirection) {
  SipCallInfo sip;
  sip.called = "+49309999";
  sip.diversions = {{"+49301111", 3, 1}, {"+49302222", 1, 1}};
  Message iam;
  ASSERT_TRUE(iam_from_invite(sip, nullptr, {}, iam).ok());
  EXPECT_EQ(iam.find<OriginalCalledNumber>()->address_signals.str(), "301111");
  EXPECT_EQ(iam.find<RedirectingNumber>()->address_signals.str(), "302222");
  const auto *ri = iam.find<RedirectionInformation>();
  ASSERT_TRUE(ri);
  EXPECT_EQ(ri->redirecting_indicator, 3);
  EXPECT_EQ(ri->original_redirection_reason, 3);
  EXPECT_EQ(ri->redirecting_reason, 1);
  EXPECT_EQ(ri->redirection_counter, 2);
}

// RFC 5806 §4 Diversion entries and RFC 7044 History-Info entries, as the SIP adapter hands them.
TEST(Redirection, DiversionEntries) {
  auto d = parse_diversion(" <sip:+49-30-1111@h;user=phone>;reason=\"no-answer\";counter=2");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->number, "+49301111");
  EXPECT_EQ(d->reason, kReasonNoReply);
  EXPECT_EQ(d->counter, 2);
  d = parse_diversion("\"Bob\" <tel:+4930222;phone-context=x>;reason=time-of-day");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->number, "+4930222");
  EXPECT_EQ(d->reason, kReasonUnknown); // no ISUP reason for it
  EXPECT_EQ(d->counter, 1);
  d = parse_diversion("sip:0301234@h;reason=deflection");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->reason, kReasonDeflectionAlerting);
  EXPECT_FALSE(parse_diversion("<sip:alice@example.com>;reason=user-busy")); // not a number
  EXPECT_FALSE(parse_diversion("<mailto:x@y>"));
  EXPECT_EQ(diversion_value({"+4930222", kReasonUserBusy, 1}, "gw.example"),
            "<sip:+4930222@gw.example>;reason=user-busy;counter=1");
  for (uint8_t r = kReasonUnknown; r <= kReasonNotReachable; ++r) {
    EXPECT_EQ(reason_from_cause(cause_from_reason(r)), r);
    if (r != kReasonDeflectionImmediate) { // both deflections are "deflection" in RFC 5806
      EXPECT_EQ(reason_from_diversion(diversion_reason(r)), r);
    }
  }
}

TEST(Redirection, HistoryInfoEntries) {
  std::vector<HistoryEntry> h;
  for (const char *e : {"<sip:+4930111@h>;index=1",
                        "<sip:+4930222@h;cause=302>;index=1.1",
                        "<sip:+4930333@h;cause=408?Reason=SIP%3Bcause%3D408>;index=1.1.1"}) {
    auto x = parse_history_info(e);
    ASSERT_TRUE(x) << e;
    h.push_back(*x);
  }
  EXPECT_EQ(h[1].index, "1.1");
  EXPECT_FALSE(h[0].cause);
  auto d = diversions_from_history(h); // RFC 7544 §5
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].number, "+4930111");
  EXPECT_EQ(d[0].reason, kReasonUnconditional);
  EXPECT_EQ(d[1].number, "+4930222");
  EXPECT_EQ(d[1].reason, kReasonNoReply);
  // and back (RFC 7544 §6): the same diversions
  const std::string hi = history_info_value(d, "+4930333", "gw");
  EXPECT_EQ(hi, "<sip:+4930111@gw>;index=1, <sip:+4930222@gw;cause=302>;index=1.1, "
                "<sip:+4930333@gw;cause=408>;index=1.1.1");
  std::vector<HistoryEntry> again;
  for (std::string_view e : {std::string_view(hi).substr(0, hi.find(", ")),
                             std::string_view(hi).substr(hi.find(", ") + 2,
                                                         hi.rfind(", ") - hi.find(", ") - 2),
                             std::string_view(hi).substr(hi.rfind(", ") + 2)})
    again.push_back(*parse_history_info(e));
  const auto round = diversions_from_history(again);
  ASSERT_EQ(round.size(), 2u);
  EXPECT_EQ(round[1].number, "+4930222");
  EXPECT_EQ(round[1].reason, kReasonNoReply);
  EXPECT_EQ(history_info_value({}, "+4930333", "gw"), "");
  // entries without a retargeting cause are not diversions
  EXPECT_TRUE(diversions_from_history({h[0], {"+4930444", "1.2", std::nullopt}}).empty());
}

TEST(InviteToIam, EncapsulatedContinuityIndicatorIsNotPassedOn) {
  // NCI 0x15: satellite 1, continuity "performed on a previous circuit" (2), echo control device
  Message enc = decode_hex("01" "15" "2000" "0a" "03" "0200" "0403101214");
  SipCallInfo sip;
  sip.called = "0301214";
  Message iam;
  ASSERT_TRUE(iam_from_invite(sip, &enc, {}, iam).ok());
  const auto *nci = iam.find<NatureOfConnectionIndicators>();
  EXPECT_EQ(nci->continuity_check_indicator, 0); // no COT will follow from this gateway
  EXPECT_EQ(nci->satellite_indicator, 1);
  EXPECT_TRUE(nci->echo_control_device_indicator);
}

TEST(IamToInvite, IdentityPrivacyCategoryRedirection) {
  // IAM: CPC payphone, called national 301234567, calling national 40555 restricted,
  // original called 301111, redirecting 302222, redirection info (counter 2), hop counter 20
  const std::string hex = "01" "00" "2000" "0f" "03" "0209" "07831003214365" "07"
                          "0a05831704550" "5" "2805031403" "1111" "0b05031403" "2222"
                          "1302" "3312" "3d0114" "00";
  Message iam = decode_hex(hex);
  SipCallInfo sip = invite_from_iam(iam, {});
  EXPECT_EQ(sip.called, "+49301234567");
  EXPECT_EQ(sip.cpc, "payphone");
  EXPECT_TRUE(sip.privacy_id);
  EXPECT_FALSE(sip.from);
  ASSERT_TRUE(sip.asserted);
  EXPECT_EQ(*sip.asserted, "+4940555");
  ASSERT_EQ(sip.diversions.size(), 2u);
  EXPECT_EQ(sip.diversions[0].number, "+49301111");
  EXPECT_EQ(sip.diversions[1].number, "+49302222");
  EXPECT_EQ(sip.max_forwards, 40);
}

// RFC 3372 transparency: an IAM that went through SIP-T comes back with every octet unchanged
// except the hop counter, which the tandem decrements.
TEST(SipT, EncapsulatedIamPassesUnchangedButTheHopCounter) {
  const std::string in =
      "010120010a000208060310214365870a06831355153204080100c0060603132143653d011f0b0403142143"
      "280403142143130203141d038090a303047d0291813f060313214365873102000a010512345601203902c081"
      "00";
  Message original = decode_hex(in);
  InterworkingProfile p; // national numbers travel as +49... and come back national
  SipCallInfo sip = invite_from_iam(original, p);
  Message out;
  ASSERT_TRUE(iam_from_invite(sip, &original, p, out).ok());
  std::string expect = in;
  const auto at = expect.find("3d011f");
  ASSERT_NE(at, std::string::npos);
  expect.replace(at, 6, "3d011e");
  EXPECT_EQ(encode_hex(out), expect);
}

TEST(SipT, RequestUriWinsOverTheEncapsulatedCalledNumber) {
  Message original = decode_hex("010020010a00020805031021430500");
  SipCallInfo sip;
  sip.called = "99887";
  Message out;
  ASSERT_TRUE(iam_from_invite(sip, &original, {}, out).ok());
  EXPECT_EQ(out.find<CalledPartyNumber>()->address_signals.str(), "99887");
  EXPECT_EQ(out.find<CalledPartyNumber>()->nature_of_address_indicator, kNaiUnknown);
}

TEST(Category, Names) {
  EXPECT_EQ(cpc_name(0x0a), "ordinary");
  EXPECT_EQ(cpc_name(0x03), "operator");
  EXPECT_EQ(cpc_value("test"), 0x0d);
  EXPECT_EQ(cpc_value("whatever"), 0x0a);
}

} // namespace
