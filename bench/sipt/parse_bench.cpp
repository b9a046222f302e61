// SIP parse (and re-serialise) rates: this stack beside libosip2 and sofia-sip, all three
// parsing the same bytes in the same process (issue 4, "Benchmark"). Each iteration parses
// one message from its buffer into a fresh message object and frees it, as each library is
// normally used: mgc parse() (framing, header split, typed From/To/Via/CSeq/Call-ID/
// Max-Forwards/Contact checks, no copy); osip_message_init + osip_message_parse +
// osip_message_free; sofia msg_make + msg_destroy.
#include "sipt/message.h"

#include <benchmark/benchmark.h>

extern "C" {
#include <osipparser2/osip_parser.h>
#include <sofia-sip/msg.h>
#include <sofia-sip/sip_parser.h>
#include <sofia-sip/su_alloc.h>
}

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace {

struct Sample {
  const char *name;
  const char *file;
};
constexpr Sample kSamples[] = {{"invite_sdp", "invite_sdp.sip"},
                               {"invite_sdp_isup", "invite_sdp_isup.sip"},
                               {"180", "180.sip"},
                               {"200_sdp", "200_sdp.sip"},
                               {"bye", "bye.sip"}};

std::string load(const char *file) {
  std::ifstream f(std::string(MGC_SIPT_MESSAGES) + "/" + file, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "cannot read %s\n", file);
    std::exit(2);
  }
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

void mgc_parse(benchmark::State &st, const std::string &buf) {
  using namespace mgc::sipt;
  for (auto _ : st) {
    Message m;
    if (!parse(buf, ParseOptions{}, m).ok())
      st.SkipWithError("mgc parse failed");
    benchmark::DoNotOptimize(m);
  }
}

void mgc_parse_serialize(benchmark::State &st, const std::string &buf) {
  using namespace mgc::sipt;
  std::string out;
  for (auto _ : st) {
    Message m;
    if (!parse(buf, ParseOptions{}, m).ok())
      st.SkipWithError("mgc parse failed");
    out.clear();
    m.serialize_to(out);
    benchmark::DoNotOptimize(out.data());
  }
}

// A proxy-like edit: one header changed, the rest re-sent as received.
void mgc_parse_edit_serialize(benchmark::State &st, const std::string &buf) {
  using namespace mgc::sipt;
  std::string out;
  for (auto _ : st) {
    Message m;
    if (!parse(buf, ParseOptions{}, m).ok())
      st.SkipWithError("mgc parse failed");
    m.set(HeaderId::UserAgent, "mgc");
    out.clear();
    m.serialize_to(out);
    benchmark::DoNotOptimize(out.data());
  }
}

void osip_parse(benchmark::State &st, const std::string &buf) {
  for (auto _ : st) {
    osip_message_t *m = nullptr;
    osip_message_init(&m);
    if (osip_message_parse(m, buf.data(), buf.size()) != 0)
      st.SkipWithError("osip parse failed");
    osip_message_free(m);
  }
}

void osip_parse_serialize(benchmark::State &st, const std::string &buf) {
  for (auto _ : st) {
    osip_message_t *m = nullptr;
    osip_message_init(&m);
    if (osip_message_parse(m, buf.data(), buf.size()) != 0)
      st.SkipWithError("osip parse failed");
    char *out = nullptr;
    size_t len = 0;
    if (osip_message_to_str(m, &out, &len) != 0)
      st.SkipWithError("osip to_str failed");
    benchmark::DoNotOptimize(out);
    osip_free(out);
    osip_message_free(m);
  }
}

void sofia_parse(benchmark::State &st, const std::string &buf) {
  for (auto _ : st) {
    msg_t *m = msg_make(sip_default_mclass(), 0, buf.data(), buf.size());
    if (!m)
      st.SkipWithError("sofia parse failed");
    msg_destroy(m);
  }
}

void sofia_parse_serialize(benchmark::State &st, const std::string &buf) {
  for (auto _ : st) {
    msg_t *m = msg_make(sip_default_mclass(), 0, buf.data(), buf.size());
    if (!m)
      st.SkipWithError("sofia parse failed");
    size_t len = 0;
    char *out = msg_as_string(msg_home(m), m, nullptr, 0, &len);
    if (!out)
      st.SkipWithError("sofia as_string failed");
    benchmark::DoNotOptimize(out);
    msg_destroy(m);
  }
}

// The same bytes must parse in all three before any figure is printed.
bool sanity(const std::string &buf, const char *name) {
  mgc::sipt::Message mm;
  bool ok = true;
  if (!mgc::sipt::parse(buf, mgc::sipt::ParseOptions{}, mm).ok()) {
    std::fprintf(stderr, "%s: mgc refuses it\n", name);
    ok = false;
  }
  osip_message_t *om = nullptr;
  osip_message_init(&om);
  if (osip_message_parse(om, buf.data(), buf.size()) != 0) {
    std::fprintf(stderr, "%s: osip refuses it\n", name);
    ok = false;
  }
  osip_message_free(om);
  msg_t *sm = msg_make(sip_default_mclass(), 0, buf.data(), buf.size());
  if (!sm || sip_object(sm)->sip_error) {
    std::fprintf(stderr, "%s: sofia refuses it\n", name);
    ok = false;
  }
  if (sm)
    msg_destroy(sm);
  return ok;
}

} // namespace

int main(int argc, char **argv) {
  parser_init();
  static std::string bufs[std::size(kSamples)];
  for (std::size_t i = 0; i < std::size(kSamples); ++i) {
    bufs[i] = load(kSamples[i].file);
    if (!sanity(bufs[i], kSamples[i].name))
      return 1;
    const std::string &b = bufs[i];
    std::string n = kSamples[i].name;
    benchmark::RegisterBenchmark(("parse/mgc/" + n).c_str(), mgc_parse, b);
    benchmark::RegisterBenchmark(("parse/osip2/" + n).c_str(), osip_parse, b);
    benchmark::RegisterBenchmark(("parse/sofia/" + n).c_str(), sofia_parse, b);
    benchmark::RegisterBenchmark(("reserialise/mgc/" + n).c_str(), mgc_parse_serialize, b);
    benchmark::RegisterBenchmark(("reserialise/osip2/" + n).c_str(), osip_parse_serialize, b);
    benchmark::RegisterBenchmark(("reserialise/sofia/" + n).c_str(), sofia_parse_serialize, b);
    benchmark::RegisterBenchmark(("edit1/mgc/" + n).c_str(), mgc_parse_edit_serialize, b);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
