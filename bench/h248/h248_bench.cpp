// H.248 codec benchmark: encode and decode of a typical Add with SDP, its Reply and a Notify
// (bench/h248/messages), in compact text, pretty text and binary (BER). bench/h248/run prints
// these beside Erlang/OTP megaco's figures for the same messages, measured in the same run.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

#include "h248/codec.h"

namespace {
using namespace mgc::h248;

Message load(const char *name) {
  std::ifstream f(std::string(MGC_H248_BENCH_MESSAGES) + "/" + name + ".txt");
  std::ostringstream s;
  s << f.rdbuf();
  Message m;
  if (!decode_text(s.str(), m).ok())
    std::abort();
  return m;
}

enum Form { kCompact, kPretty, kBer };

void encode(benchmark::State &state, const char *name, Form form) {
  Message m = load(name);
  std::string text;
  std::vector<uint8_t> bin;
  for (auto _ : state) {
    if (form == kBer) {
      bin.clear();
      benchmark::DoNotOptimize(encode_binary(m, bin));
      benchmark::DoNotOptimize(bin.data());
    } else {
      text.clear();
      benchmark::DoNotOptimize(encode_text(m, text, TextOptions{form == kPretty}));
      benchmark::DoNotOptimize(text.data());
    }
  }
  state.counters["bytes"] = double(form == kBer ? bin.size() : text.size());
}

void decode(benchmark::State &state, const char *name, Form form) {
  Message m = load(name);
  std::string text;
  std::vector<uint8_t> bin;
  if (form == kBer)
    (void)encode_binary(m, bin);
  else
    (void)encode_text(m, text, TextOptions{form == kPretty});
  state.counters["bytes"] = double(form == kBer ? bin.size() : text.size());
  for (auto _ : state) {
    Message out; // a fresh message each time: allocation and release are part of the cost
    if (form == kBer)
      benchmark::DoNotOptimize(decode_binary(bin, out));
    else
      benchmark::DoNotOptimize(decode_text(text, out));
    benchmark::DoNotOptimize(out);
  }
}

#define MGC_H248_BENCH(msg)                                                                        \
  BENCHMARK_CAPTURE(encode, msg##_compact, #msg, kCompact);                                        \
  BENCHMARK_CAPTURE(decode, msg##_compact, #msg, kCompact);                                        \
  BENCHMARK_CAPTURE(encode, msg##_pretty, #msg, kPretty);                                          \
  BENCHMARK_CAPTURE(decode, msg##_pretty, #msg, kPretty);                                          \
  BENCHMARK_CAPTURE(encode, msg##_ber, #msg, kBer);                                                \
  BENCHMARK_CAPTURE(decode, msg##_ber, #msg, kBer);

MGC_H248_BENCH(add)
MGC_H248_BENCH(reply)
MGC_H248_BENCH(notify)

} // namespace

BENCHMARK_MAIN();
