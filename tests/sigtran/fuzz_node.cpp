// libFuzzer target over the M3UA node (RFC 4666 §4): arbitrary byte streams, framed by the M3UA
// length field as on TCP, fed to an SGP and to an ASP that are up; timers advance between
// messages. Nothing may crash, and every ERR the node sends must itself decode.
#include "core/sim_scheduler.h"
#include "sigtran/m3ua_node.h"

#include <cstdlib>
#include <deque>

using namespace mgc::sigtran;
using namespace mgc::sigtran::m3ua;

namespace {
struct Sink : Association {
  std::deque<std::vector<uint8_t>> out;
  void send(uint16_t, std::span<const uint8_t> m) override { out.emplace_back(m.begin(), m.end()); }
  uint16_t out_streams() const override { return 4; }
  void abort() override {}
};
struct Null : MtpUser {
  void mtp_transfer_ind(const MtpTransfer &) override {}
  void mtp_pause_ind(uint32_t) override {}
  void mtp_resume_ind(uint32_t) override {}
  void mtp_status_ind(const MtpStatus &) override {}
};
NodeConfig config(Role role) {
  NodeConfig c;
  c.local_pc = 2;
  c.ases.push_back(AsConfig{"as", 10, true, TrafficMode::Loadshare});
  LinkConfig l;
  l.role = role;
  l.ases = {0};
  c.links = {l, l};
  c.routes.push_back(Route{1, 0xffffff, 0, 0});
  c.timers.beat = 50;
  return c;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  mgc::core::SimScheduler clock;
  Null user;
  Role role = Role(data[0] % 5);
  Node node(config(role), clock, user);
  Sink s0, s1;
  node.link_up(0, s0);
  node.link_up(1, s1);
  std::size_t off = 1;
  while (off < size) {
    uint8_t ctl = data[off++];
    std::size_t avail = size - off;
    std::size_t len = avail;
    if (avail >= 8) {
      uint32_t l = peek_length({data + off, avail});
      if (l >= 8 && l <= avail)
        len = l;
    }
    node.link_rx(ctl & 1, uint16_t((ctl >> 1) & 3), {data + off, len});
    off += len;
    clock.advance(ctl >> 3);
    if (ctl == 0xff)
      node.link_down(1);
    (void)node.mtp_transfer_req(MtpTransfer{2, 1, 5, 2, 0, ctl, {1, 2, 3}});
  }
  for (Sink *s : {&s0, &s1})
    for (const auto &m : s->out) {
      Message back;
      if (!decode(m, back).ok())
        std::abort();
    }
  return 0;
}
