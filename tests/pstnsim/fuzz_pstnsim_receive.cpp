// Fuzz target: a pstn-sim exchange fed arbitrary ISUP from the far end, interleaved with its own
// operator actions and the passing of time. Whatever arrives, nothing crashes, no call object
// outlives its circuit, and after a release-all and enough time every circuit is idle or
// resetting (Q.764 timers expire on simulated time).
// Input: records. len>0: [len][len octets of ISUP, MTP3 form][delay x 10 ms]; len=0:
// [0][action][argument] (originate one call, GRS, CGB, BLO, UBL, RSC, release-all).
#include "core/sim_scheduler.h"
#include "gateway/pstnsim/sim.h"
#include "isup/codec.h"

#include <cstdint>
#include <cstdlib>
#include <span>

using namespace mgc;

namespace {
struct Sink : cc::IsupSender {
  std::vector<uint8_t> bytes;
  void send(uint32_t, const isup::Message &m) override {
    // Everything the exchange sends must encode.
    if (!isup::encode(m, isup::EncodeOptions{}, bytes).ok())
      std::abort();
  }
};
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  core::SimScheduler sched;
  Sink sink;
  pstnsim::SimConfig cfg;
  cfg.own_pc = 1;
  cfg.dpc = 2;
  cfg.cic_ranges = {{0, 63}};
  pstnsim::Rule answer;
  answer.answer_after_ms = 20;
  answer.hangup_after_ms = 500;
  pstnsim::Rule overlap;
  overlap.prefix = "9";
  overlap.expect_digits = 6;
  pstnsim::Rule busy;
  busy.prefix = "1";
  busy.action = pstnsim::RuleAction::Busy;
  cfg.rules = {answer, overlap, busy};
  {
    pstnsim::Sim sim(cfg, sched, sink);
    sim.destination(true);
    pstnsim::OriginateConfig o;
    o.called = "5551234";
    o.hold_ms = 100;
    sim.set_originate(o);
    std::span<const uint8_t> in(data, size);
    while (in.size() >= 2) {
      const uint8_t len = in[0];
      if (len == 0) {
        const uint8_t action = in[1];
        const uint16_t arg = in.size() > 2 ? in[2] % 64 : 0;
        in = in.subspan(std::min<std::size_t>(in.size(), 3));
        switch (action % 8) {
        case 0: sim.originate_one(); break;
        case 1: sim.grs(arg, uint8_t(1 + arg % 31)); break;
        case 2: sim.cgb(arg, uint8_t(1 + arg % 31), arg & 1); break;
        case 3: sim.cgu(arg, uint8_t(1 + arg % 31), arg & 1); break;
        case 4: sim.blo(arg); break;
        case 5: sim.ubl(arg); break;
        case 6: sim.rsc(arg); break;
        case 7: sim.release_all(); break;
        }
        continue;
      }
      if (in.size() < 1u + len)
        break;
      const auto bytes = in.subspan(1, len);
      in = in.subspan(1 + len);
      // Mostly our circuits, sometimes not (UCIC): the CIC's 12 bits (Q.763 §1.2) modulo 70.
      std::vector<uint8_t> copy(bytes.begin(), bytes.end());
      if (copy.size() >= 2) {
        const uint16_t cic = uint16_t((copy[0] | (copy[1] & 0x0f) << 8) % 70);
        copy[0] = uint8_t(cic & 0xff);
        copy[1] = uint8_t((copy[1] & 0xf0) | (cic >> 8));
      }
      sim.receive_octets(2, copy);
      if (!in.empty()) {
        sched.advance(uint64_t(in[0]) * 10);
        in = in.subspan(1);
      }
    }
    sim.release_all();
    sched.advance(400000); // past T5/T17/T23: every procedure has ended or repeats
    for (const auto &c : sim.circuits().circuits())
      if (c.call != cc::CircuitCall::Idle && c.call != cc::CircuitCall::Resetting &&
          c.call != cc::CircuitCall::Releasing && sim.active_calls() == 0)
        std::abort(); // a busy circuit with no call that could ever free it
  }
  return 0;
}
