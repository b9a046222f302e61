// libFuzzer target over the call agent's receive path: arbitrary datagrams from a configured
// gateway, interleaved with API calls and simulated time, must never crash, leak or wedge it
// (DESIGN.md "Bad input and faults"). The first byte steers what happens around the datagram.
#include "core/sim_scheduler.h"
#include "mgcp/call_agent.h"

#include <cstdint>
#include <string_view>

namespace {
struct Null : mgc::mgcp::Transport {
  void send(const mgc::mgcp::Address &, std::string_view) override {}
};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  using namespace mgc::mgcp;
  if (size == 0)
    return 0;
  mgc::core::SimScheduler sched;
  Null net;
  CallAgentListener listener;
  CallAgent ca(sched, net, listener);
  const Address gw{0x7f000001, 2427};
  ca.add_gateway({"tgw1", gw, {"ds/e1-1/*@tgw1"}, "p:20, a:PCMA", 1000, {}, 0, 3});
  uint8_t steer = data[0];
  std::string_view text(reinterpret_cast<const char *>(data + 1), size - 1);
  if (steer & 1)
    ca.start();
  if (steer & 2) {
    ConnectRequest req;
    req.endpoint = "ds/e1-1/1@tgw1";
    ca.connect(req, [](const ConnectResult &) {});
  }
  // The same datagram as an answer to our first transactions and as it came.
  ca.receive(gw, text);
  if (steer & 4)
    sched.advance(int64_t(steer) * 100);
  ca.receive(gw, text);
  sched.advance(120'000);
  return 0;
}
