// M3UA codec and node costs per DATA message (ISUP IAM of isup.cap, 96-octet DATA).
#include "sigtran/m3ua_msg.h"
#include "sigtran/m3ua_node.h"

#include <benchmark/benchmark.h>

using namespace mgc::sigtran;
using namespace mgc::sigtran::m3ua;

namespace {
const std::vector<uint8_t> kIam = {
    0xd5, 0x00, 0x01, 0x00, 0xa0, 0x01, 0x0a, 0x02, 0x02, 0x07, 0x05, 0x81, 0x90, 0x84, 0x19, 0x0f,
    0x0a, 0x07, 0x03, 0x17, 0x93, 0x33, 0x93, 0x79, 0x80, 0x08, 0x01, 0x80, 0x03, 0x05, 0x7c, 0x03,
    0x88, 0x90, 0xa6, 0x1d, 0x03, 0x88, 0x90, 0xa6, 0x31, 0x02, 0x00, 0x64, 0x3f, 0x06, 0x03, 0x93,
    0x00, 0x06, 0x00, 0x10, 0xf4, 0x05, 0x64, 0x76, 0xc3, 0x28, 0x81, 0x39, 0x02, 0xf4, 0x90, 0x00};

Message data_msg() {
  Message m(MsgType::Data);
  m.add_u32(Tag::RoutingContext, 10);
  m.add(Tag::ProtocolData, encode_protocol_data({1, 2, 5, 2, 0, 3, kIam}));
  return m;
}

void decode_data(benchmark::State &st) {
  auto bytes = encode(data_msg());
  Message m;
  for (auto _ : st) {
    benchmark::DoNotOptimize(decode(bytes, m));
    ProtocolData pd;
    benchmark::DoNotOptimize(decode_protocol_data(m.params.back().value, pd));
  }
  st.SetLabel(std::to_string(bytes.size()) + " B");
}
BENCHMARK(decode_data);

void encode_data(benchmark::State &st) {
  std::vector<uint8_t> out;
  for (auto _ : st) {
    out.clear();
    encode(data_msg(), out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(encode_data);
} // namespace
