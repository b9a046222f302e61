// Malformed, truncated and unrecognised input: the decoder stays inside the buffer and says
// what Q.764 §2.9.5 asks the receiver to do, with the Q.850 cause and diagnostic to send.
#include "test_util.h"

#include <gtest/gtest.h>
#include <random>

using namespace mgc::isup;
using namespace isup_test;

namespace {

// An ITU IAM with called party number 12345678, followed by the given optional parameters.
std::vector<uint8_t> iam_with(const std::string &optional) {
  return bytes("1f00" "01" "00" "0000" "0a" "00" "02" + std::string(optional.empty() ? "00" : "08") +
               "0603102143658" "7" + optional + (optional.empty() ? "" : "00"));
}

DecodeResult run(const std::vector<uint8_t> &in, Node node = Node::End, Message *out = nullptr) {
  Message m;
  DecodeOptions o;
  o.node = node;
  DecodeResult r = decode(in, o, out ? *out : m);
  return r;
}

TEST(Malformed, TruncatedHeader) {
  for (const char *h : {"", "1f", "1f00"}) {
    DecodeResult r = run(bytes(h));
    EXPECT_EQ(r.reason, DecodeReason::truncated_header) << h;
    EXPECT_EQ(r.status.detail(), "isup.truncated_header");
    EXPECT_EQ(r.action, Action::DiscardMessage);
  }
}

TEST(Malformed, IamCutInsideFixedPartReleasesWithCause96) {
  DecodeResult r = run(bytes("1f00010120"));
  EXPECT_EQ(r.reason, DecodeReason::missing_mandatory_parameter);
  EXPECT_EQ(r.action, Action::ReleaseCall);
  EXPECT_EQ(r.cause, cause_value(Cause::MandatoryInformationElementMissing));
  EXPECT_EQ(r.status.code(), 96);
}

TEST(Malformed, MandatoryVariablePointerZeroOrPastTheEnd) {
  EXPECT_EQ(run(bytes("1f00 01 00 0000 0a 00 00 00")).reason,
            DecodeReason::missing_mandatory_parameter);
  EXPECT_EQ(run(bytes("1f00 01 00 0000 0a 00 40 00")).reason,
            DecodeReason::missing_mandatory_parameter);
  // length octet says 6 but only 2 octets follow
  EXPECT_EQ(run(bytes("1f00 01 00 0000 0a 00 02 00 06 0310")).reason,
            DecodeReason::missing_mandatory_parameter);
}

TEST(Malformed, PointersOutsideTheMessage) {
  // optional-part pointer of an ACM pointing past the end
  EXPECT_EQ(run(bytes("1f00 06 1614 ff")).reason, DecodeReason::bad_pointer);
  // called party number pointer pointing at the optional-part pointer
  EXPECT_EQ(run(bytes("1f00 01 00 0000 0a 00 01 00 0603102143658 7")).reason,
            DecodeReason::bad_pointer);
}

TEST(Malformed, BadCalledPartyNumberReleasesWithCause100) {
  // called party number of one octet (Q.763 §3.9 needs at least two)
  DecodeResult r = run(bytes("1f00 01 00 0000 0a 00 02 03 01 03 00"));
  EXPECT_EQ(r.reason, DecodeReason::bad_mandatory_parameter);
  EXPECT_EQ(r.action, Action::ReleaseCall);
  EXPECT_EQ(r.cause, cause_value(Cause::InvalidInformationElementContents));
  ASSERT_EQ(r.diagnostic.size(), 1u);
  EXPECT_EQ(r.diagnostic[0], 0x04);
}

TEST(Malformed, ReleaseWithBadCauseStillReleases) {
  Message m;
  DecodeResult r = run(bytes("1f00 0c 02 00 01 80"), Node::End, &m);
  EXPECT_EQ(r.reason, DecodeReason::bad_mandatory_parameter);
  EXPECT_EQ(r.action, Action::Process); // the call is cleared and RLC returned regardless
  EXPECT_EQ(m.type, MessageType::Rel);
}

TEST(Malformed, OptionalParameterPastTheEnd) {
  DecodeResult r = run(bytes("1f00 06 1614 01 29 05 01"));
  EXPECT_EQ(r.reason, DecodeReason::bad_optional_part);
  EXPECT_EQ(r.action, Action::DiscardAndNotify);
  EXPECT_EQ(r.cause, cause_value(Cause::InvalidInformationElementContents));
}

TEST(Malformed, MissingEndOfOptionalParametersIsToleratedButNotCanonical) {
  Message m;
  DecodeResult r = run(bytes("1f00 06 1614 01 290101"), Node::End, &m);
  EXPECT_TRUE(r.status.ok());
  EXPECT_FALSE(r.canonical);
  EXPECT_TRUE(m.find<OptionalBackwardCallIndicators>());
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode(m, DecodeOptions{}, out).ok());
  EXPECT_EQ(out, bytes("1f00 06 1614 01 290101 00"));
}

TEST(Malformed, GroupMessageWithInconsistentStatusIsDiscarded) {
  // range 7 needs one status octet; two are present
  DecodeResult r = run(bytes("0100 18 00 01 03 07 ffff"));
  EXPECT_EQ(r.reason, DecodeReason::bad_mandatory_parameter);
  EXPECT_EQ(r.action, Action::DiscardMessage);
}

// Q.764 §2.9.5.3.1: unrecognised messages.
TEST(Unrecognized, MessageWithoutCompatibilityInformation) {
  DecodeResult r = run(bytes("1f00 70 01 00"));
  EXPECT_EQ(r.reason, DecodeReason::unrecognized_message);
  EXPECT_EQ(r.action, Action::DiscardAndNotify);
  EXPECT_EQ(r.cause, cause_value(Cause::MessageTypeNonExistent));
  ASSERT_EQ(r.diagnostic.size(), 1u);
  EXPECT_EQ(r.diagnostic[0], 0x70);
}

TEST(Unrecognized, MessageCompatibilityAsksForRelease) {
  // MCI 0x82: B release call, H last octet
  EXPECT_EQ(run(bytes("1f00 70 01 38 01 82 00")).action, Action::ReleaseCall);
}

TEST(Unrecognized, MessageCompatibilityDiscardSilentlyOrWithNotification) {
  EXPECT_EQ(run(bytes("1f00 70 01 38 01 88 00")).action, Action::DiscardMessage); // D
  DecodeResult r = run(bytes("1f00 70 01 38 01 8c 00")); // D + C
  EXPECT_EQ(r.action, Action::DiscardAndNotify);
  EXPECT_EQ(r.cause, cause_value(Cause::MessageTypeNonExistent));
}

TEST(Unrecognized, TransitExchangePassesOnUnlessTold) {
  Message m;
  // MCI 0x88: transit interpretation, discard at end node
  DecodeResult r = run(bytes("1f00 70 01 38 01 88 00"), Node::Transit, &m);
  EXPECT_EQ(r.action, Action::PassOn);
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode(m, DecodeOptions{}, out).ok());
  EXPECT_EQ(out, bytes("1f00 70 01 38 01 88 00")); // passed on unchanged
  // MCI 0x99: A end node interpretation + D discard + E pass on not possible
  EXPECT_EQ(run(bytes("1f00 70 01 38 01 99 00"), Node::Transit).action, Action::DiscardMessage);
}

TEST(Unrecognized, UnparseableUnknownMessageIsKeptWhole) {
  Message m;
  DecodeResult r = run(bytes("1f00 71 05 aa"), Node::End, &m);
  EXPECT_EQ(r.reason, DecodeReason::unrecognized_message);
  EXPECT_TRUE(m.has_opaque_body);
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode(m, DecodeOptions{}, out).ok());
  EXPECT_EQ(out, bytes("1f00 71 05 aa"));
}

// Q.764 §2.9.5.3.2: unrecognised parameters.
TEST(Unrecognized, ParameterWithoutInstructionsAtEndNode) {
  Message m;
  DecodeResult r = run(iam_with("fe03aabbcc"), Node::End, &m);
  EXPECT_EQ(r.reason, DecodeReason::unrecognized_parameter);
  EXPECT_EQ(r.action, Action::ProcessAndNotify);
  EXPECT_EQ(r.cause, cause_value(Cause::ParameterNonExistent));
  ASSERT_EQ(r.discard_parameters.size(), 1u);
  EXPECT_EQ(r.discard_parameters[0], 0xfe);
  EXPECT_TRUE(m.find_code(0xfe)); // kept in the message until the caller removes it
}

TEST(Unrecognized, ParameterPassesThroughATransitExchange) {
  Message m;
  const auto in = iam_with("fe03aabbcc");
  DecodeResult r = run(in, Node::Transit, &m);
  EXPECT_EQ(r.action, Action::Process);
  EXPECT_TRUE(r.discard_parameters.empty());
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode(m, DecodeOptions{}, out).ok());
  EXPECT_EQ(out, in);
}

TEST(Unrecognized, ParameterCompatibilityInstructions) {
  // entry: parameter fe, instruction octet with H=1 (last) plus the bits below
  EXPECT_EQ(run(iam_with("3902fe82" "fe01aa")).action, Action::ReleaseCall); // B
  DecodeResult r = run(iam_with("3902fe8c" "fe01aa"));                      // D + C
  EXPECT_EQ(r.action, Action::DiscardAndNotify);
  EXPECT_EQ(r.cause, cause_value(Cause::MessageWithUnrecognizedParameterDiscarded));
  r = run(iam_with("3902fe90" "fe01aa")); // E discard parameter, no notification
  EXPECT_EQ(r.action, Action::Process);
  ASSERT_EQ(r.discard_parameters.size(), 1u);
  // end node interpretation (A) applies at a transit exchange too
  EXPECT_EQ(run(iam_with("3902fe83" "fe01aa"), Node::Transit).action, Action::ReleaseCall);
}

TEST(Unrecognized, ConfusionIsNeverAnsweredWithConfusion) {
  DecodeResult r = run(bytes("1f00 2f 02 04 02 80e3 fe01aa 00"));
  EXPECT_EQ(r.reason, DecodeReason::unrecognized_parameter);
  EXPECT_EQ(r.action, Action::Process);
  EXPECT_EQ(r.cause, 0);
}

TEST(Unrecognized, BadOptionalParameterValueIsHandledAsUnrecognised) {
  Message m;
  const auto in = iam_with("3d021f1f"); // hop counter is one octet
  DecodeResult r = run(in, Node::End, &m);
  EXPECT_EQ(r.reason, DecodeReason::bad_optional_parameter);
  EXPECT_EQ(r.action, Action::ProcessAndNotify);
  EXPECT_EQ(m.find<HopCounter>(), nullptr);
  std::vector<uint8_t> out;
  ASSERT_TRUE(encode(m, DecodeOptions{}, out).ok());
  EXPECT_EQ(out, in); // kept as octets
}

TEST(Counters, EachReasonCounted) {
  mgc::CounterSet<DecodeReason> c;
  Message m;
  decode(bytes("1f"), DecodeOptions{}, m, &c);
  decode(bytes("1f00 70 01 00"), DecodeOptions{}, m, &c);
  decode(bytes("1f00 10 00"), DecodeOptions{}, m, &c);
  decode(bytes("1f00 10 00"), DecodeOptions{}, m, &c);
  EXPECT_EQ(c.get(DecodeReason::truncated_header), 1u);
  EXPECT_EQ(c.get(DecodeReason::unrecognized_message), 1u);
  EXPECT_EQ(c.get(DecodeReason::ok), 2u);
  EXPECT_EQ(c.name(DecodeReason::bad_pointer), "bad_pointer");
  EXPECT_EQ(reason_detail(DecodeReason::bad_pointer), "isup.bad_pointer");
}

// Every prefix of every vector: the decoder stays in bounds (ASan) and reports a status.
TEST(Mutation, EveryTruncationOfEveryVector) {
  Message m;
  std::size_t refused = 0, total = 0;
  for (auto &r : read_tsv(data("vectors/messages.tsv"))) {
    DecodeOptions o;
    o.variant = r[1] == "ansi" ? Variant::Ansi : Variant::Itu;
    const auto full = bytes(r[2] + r[3]);
    for (std::size_t n = 0; n < full.size(); ++n) {
      std::vector<uint8_t> cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      DecodeResult res = decode(cut, o, m);
      ++total;
      refused += !res.status.ok() || !res.canonical;
    }
  }
  // Every proper prefix loses information: none can be a canonical, clean message except the
  // prefixes that end exactly where an optional part could begin... and those are not
  // canonical either, because the pointer says an optional part follows.
  EXPECT_GT(total, 0u);
  EXPECT_GE(refused, total * 95 / 100);
}

// Random octet changes: whatever the decoder accepts as canonical re-encodes to the same octets;
// whatever it accepts otherwise re-encodes into something that decodes to the same message.
TEST(Mutation, RandomMutationsKeepTheRoundTripExact) {
  std::mt19937 rng(4475);
  Message m, again;
  std::vector<uint8_t> out, out2;
  std::size_t exact = 0;
  const auto rows = read_tsv(data("vectors/messages.tsv"));
  for (int iter = 0; iter < 200000; ++iter) {
    const auto &r = rows[rng() % rows.size()];
    DecodeOptions o;
    o.variant = r[1] == "ansi" ? Variant::Ansi : Variant::Itu;
    auto in = bytes(r[2] + r[3]);
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 3) {
      case 0:
        in[rng() % in.size()] = static_cast<uint8_t>(rng());
        break;
      case 1:
        if (in.size() > 3)
          in.erase(in.begin() + static_cast<std::ptrdiff_t>(rng() % in.size()));
        break;
      default:
        in.insert(in.begin() + static_cast<std::ptrdiff_t>(rng() % (in.size() + 1)),
                  static_cast<uint8_t>(rng()));
      }
    }
    DecodeResult res = decode(in, o, m);
    if (res.reason == DecodeReason::truncated_header)
      continue;
    mgc::Status s = encode(m, o, out);
    if (res.status.ok() || res.reason == DecodeReason::unrecognized_parameter ||
        res.reason == DecodeReason::bad_optional_parameter ||
        res.reason == DecodeReason::unrecognized_message) {
      ASSERT_TRUE(s.ok()) << s.detail() << " " << mgc::hex_encode(in);
      if (res.canonical) {
        ASSERT_EQ(mgc::hex_encode(out), mgc::hex_encode(in));
        ++exact;
      } else {
        DecodeResult res2 = decode(out, o, again);
        ASSERT_TRUE(res2.canonical) << mgc::hex_encode(in) << " -> " << mgc::hex_encode(out);
        ASSERT_TRUE(encode(again, o, out2).ok());
        ASSERT_EQ(out2, out);
      }
    }
  }
  EXPECT_GT(exact, 1000u);
}

} // namespace
