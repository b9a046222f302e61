// ISUP codec speed: decode and encode of IAMs with 9 and 16 optional parameters, a minimal
// SIP-T IAM, an ACM and a REL (ns per message). The Message is reused, as the gateway's receive path
// does, so the figures show the codec and not the allocator.
#include "core/hex.h"
#include "isup/codec.h"

#include <benchmark/benchmark.h>

namespace {

using namespace mgc::isup;

// The rich IAM of tests/isup/vectors/messages.tsv: called and calling numbers and 16 optional
// parameters (optional forward call indicators, generic number, hop counter, redirecting and
// original called numbers, redirection information, user service information, access transport,
// location number, propagation delay counter, call reference, parameter compatibility info).
const char *kIamRich =
    "1f00010120010a000208060310214365870a06831355153204080100c0060603132143653d011f0b04031421"
    "43280403142143130203141d038090a303047d0291813f060313214365873102000a010512345601203902c081"
    "00";
// A carrier IAM with 9 optional parameters: calling party number, optional forward call
// indicators, generic number, hop counter, redirecting number, original called number,
// redirection information, user service information, access transport.
const char *kIam9 = "1f00010120010a00020806031021436587"
                    "0a06831355153204080100c0060603132143653d011f0b0403142143280403142143"
                    "130203141d038090a303047d02918100";
const char *kIamSipT = "1f00010020010a0002070583102143050a0683135515320400";
const char *kAcm = "1f000616140129010100";
const char *kRel = "1f000c0204028a9027010100";

std::vector<uint8_t> bytes(const char *hex) {
  std::string s;
  for (const char *p = hex; *p; ++p)
    if (*p != ' ')
      s.push_back(*p);
  return *mgc::hex_decode(s);
}

void decode_bench(benchmark::State &state, const char *hex) {
  const auto in = bytes(hex);
  Message m;
  const DecodeOptions opt;
  if (!decode(in, opt, m).status.ok()) {
    state.SkipWithError("vector does not decode");
    return;
  }
  for (auto _ : state) {
    DecodeResult r = decode(in, opt, m);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(m.parameters.data());
  }
  state.counters["params"] = static_cast<double>(m.parameters.size());
  state.counters["octets"] = static_cast<double>(in.size());
}

void encode_bench(benchmark::State &state, const char *hex) {
  const auto in = bytes(hex);
  Message m;
  const DecodeOptions opt;
  if (!decode(in, opt, m).status.ok()) {
    state.SkipWithError("vector does not decode");
    return;
  }
  std::vector<uint8_t> out;
  out.reserve(512);
  for (auto _ : state) {
    mgc::Status s = encode(m, opt, out);
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(out.data());
  }
  if (out != in)
    state.SkipWithError("encode does not reproduce the input");
}

BENCHMARK_CAPTURE(decode_bench, iam_9_optional, kIam9);
BENCHMARK_CAPTURE(encode_bench, iam_9_optional, kIam9);
BENCHMARK_CAPTURE(decode_bench, iam_16_optional, kIamRich);
BENCHMARK_CAPTURE(encode_bench, iam_16_optional, kIamRich);
BENCHMARK_CAPTURE(decode_bench, iam_sipt_minimal, kIamSipT);
BENCHMARK_CAPTURE(encode_bench, iam_sipt_minimal, kIamSipT);
BENCHMARK_CAPTURE(decode_bench, acm, kAcm);
BENCHMARK_CAPTURE(encode_bench, acm, kAcm);
BENCHMARK_CAPTURE(decode_bench, rel, kRel);
BENCHMARK_CAPTURE(encode_bench, rel, kRel);

} // namespace

BENCHMARK_MAIN();
