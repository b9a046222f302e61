// libFuzzer target: the MTP2 signal unit decoder and the link state control behind it (the
// frames libss7 writes on its link, tests/libss7/signal_unit.h, mtp2_link.h), and the
// gateway's MTP3 reading what the link delivers.
#include "core/sim_scheduler.h"
#include "tests/libss7/mtp2_link.h"
#include "tests/libss7/mtp3_relay.h"
#include "tests/libss7/signal_unit.h"

#include <cstddef>
#include <cstdint>

using namespace mgc;
using namespace mgc::ss7peer;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  SignalUnit su;
  (void)decode_su(std::span(data, size), su);
  core::SimScheduler sched;
  Mtp3Relay relay(sched, Mtp3Relay::Config{},
                  Mtp3Relay::Events{[](std::span<const uint8_t>) { return true; },
                                    [](const sigtran::MtpTransfer &) {}, nullptr, nullptr,
                                    nullptr});
  Mtp2Link link(sched, Mtp2Timers{},
                Mtp2Link::Events{[](std::vector<uint8_t> &&) {}, [] {}, [](const char *) {},
                                 [&](std::span<const uint8_t> m) { relay.msu(m); }, nullptr});
  link.start();
  // The input as a sequence of frames, each prefixed by its length octet.
  for (size_t i = 0; i < size;) {
    const size_t n = data[i++];
    const size_t take = n < size - i ? n : size - i;
    link.receive(std::span(data + i, take));
    sched.advance(100);
    i += take;
  }
  return 0;
}
