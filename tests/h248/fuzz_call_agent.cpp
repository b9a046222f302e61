// libFuzzer target for the MGC's receive path: arbitrary datagrams (text or BER) from a
// registered MG go through the transaction layer and the call agent, with a call in progress
// and simulated time moving; nothing may crash, leak or hang.
#include "core/sim_scheduler.h"
#include "h248/call_agent.h"

namespace {
using namespace mgc::h248;

struct NullTransport : Transport {
  mgc::Status send(const Address &, std::span<const uint8_t>) override { return mgc::Status::Ok(); }
  void inject(const Address &from, std::span<const uint8_t> b) { deliver(from, b); }
};

struct Quiet : CallAgentListener {};

std::span<const uint8_t> text(std::string_view s) {
  return {reinterpret_cast<const uint8_t *>(s.data()), s.size()};
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mgc::core::SimScheduler sched;
  NullTransport transport;
  Quiet quiet;
  TransactionConfig cfg;
  cfg.own_mid = Mid{Mid::Kind::Ip4, "10.0.0.1", 2944};
  CallAgent ca(sched, transport, quiet, cfg);
  Address mg{0x0A000002, 2944};
  GatewayConfig gw;
  gw.name = "mg1";
  gw.address = mg;
  ca.add_gateway(gw);
  ca.add_trunk(TrunkRule{"tg1", "mg1", "ds/{span}/{ts}", 32});
  transport.inject(mg, text("!/1 [10.0.0.2]:2944\nT=1{C=-{SC=ROOT{SV{MT=RS,RE=\"901\"}}}}"));
  ca.connect({"tg1", 1, StreamMode::SendRecv, {}}, [](const ConnectResult &) {});
  // The first request the MGC sent has transaction id 1: a reply makes a call.
  transport.inject(mg, text("!/1 [10.0.0.2]:2944\nP=1{C=5{A=ds/0/1,A=rtp/1}}"));
  ca.connect({"tg1", 2, StreamMode::SendRecv, {}}, [](const ConnectResult &) {});
  transport.inject(mg, std::span(data, size));
  sched.advance(1000);
  transport.inject(mg, std::span(data, size)); // a repeat
  sched.advance(60'000);
  return 0;
}
