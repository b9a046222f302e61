// MGCP codec cost per message (RFC 3435 §3): decode and encode of the messages a call agent
// handles on every call (CRCX with SDP and its answer, MDCX, DLCX and its answer, NTFY).
#include "mgcp/codec.h"

#include <benchmark/benchmark.h>

using namespace mgc::mgcp;

namespace {

struct Sample {
  const char *name;
  const char *text;
};

const Sample kSamples[] = {
    {"CRCX+SDP",
     "CRCX 1205 ds/e1-1/17@tgw1.example.net MGCP 1.0\r\nC: A3C47F21456789F0\r\n"
     "L: p:20, a:PCMA\r\nM: sendrecv\r\n\r\nv=0\r\no=- 25678 753849 IN IP4 192.0.2.1\r\n"
     "s=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 3456 RTP/AVP 8\r\n"
     "a=rtpmap:8 PCMA/8000\r\na=ptime:20\r\n"},
    {"200+SDP", "200 1205 OK\r\nI: FDE234C8\r\n\r\nv=0\r\no=- 25678 753849 IN IP4 192.0.2.9\r\n"
                "s=-\r\nc=IN IP4 192.0.2.9\r\nt=0 0\r\nm=audio 16002 RTP/AVP 8\r\na=ptime:20\r\n"},
    {"MDCX", "MDCX 1210 ds/e1-1/17@tgw1.example.net MGCP 1.0\r\nC: A3C47F21456789F0\r\n"
             "I: FDE234C8\r\nM: recvonly\r\n"},
    {"DLCX", "DLCX 1244 ds/e1-1/17@tgw1.example.net MGCP 1.0\r\nC: A3C47F21456789F0\r\n"
             "I: FDE234C8\r\n"},
    {"250+P", "250 1244 OK\r\nP: PS=1245, OS=62345, PR=780, OR=45123, PL=10, JI=27, LA=48\r\n"},
    {"NTFY", "NTFY 2002 ds/e1-1/17@tgw1.example.net MGCP 1.0\r\nN: ca@mgc.example.net:2727\r\n"
             "X: 0123456789AC\r\nO: g/ft\r\n"},
};

void decode_bench(benchmark::State &state, const char *text) {
  std::string_view t(text);
  for (auto _ : state) {
    Message m;
    auto st = decode(t, m);
    benchmark::DoNotOptimize(st);
    benchmark::DoNotOptimize(m);
  }
}

void encode_bench(benchmark::State &state, const char *text) {
  Message m;
  decode(text, m);
  // Encode as the call agent does: from lines set through the API, not the received bytes.
  for (auto &p : m.params)
    p.raw.clear();
  std::string out;
  for (auto _ : state) {
    out.clear();
    encode_append(m, out);
    benchmark::DoNotOptimize(out);
  }
}

int register_all() {
  for (const auto &s : kSamples) {
    benchmark::RegisterBenchmark((std::string("decode_bench/") + s.name).c_str(), decode_bench,
                                 s.text);
    benchmark::RegisterBenchmark((std::string("encode_bench/") + s.name).c_str(), encode_bench,
                                 s.text);
  }
  return 0;
}
const int registered = register_all();

} // namespace

BENCHMARK_MAIN();
