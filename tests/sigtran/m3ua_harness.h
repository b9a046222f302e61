// Test harness for the M3UA node: in-memory associations, a recording MTP user, simulated time.
#pragma once

#include "sigtran/m3ua_node.h"

#include <deque>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace mgc::sigtran::test {

struct Wire : Association {
  struct Frame {
    uint16_t stream;
    std::vector<uint8_t> bytes;
  };
  std::deque<Frame> out;
  uint16_t streams = 16;
  bool aborted = false;
  void send(uint16_t stream, std::span<const uint8_t> msg) override {
    out.push_back({stream, {msg.begin(), msg.end()}});
  }
  uint16_t out_streams() const override { return streams; }
  void abort() override { aborted = true; }
};

struct Recorder : MtpUser {
  std::vector<MtpTransfer> rx;
  std::vector<std::string> events;
  void mtp_transfer_ind(const MtpTransfer &t) override { rx.push_back(t); }
  void mtp_pause_ind(uint32_t dpc) override { events.push_back("PAUSE " + std::to_string(dpc)); }
  void mtp_resume_ind(uint32_t dpc) override { events.push_back("RESUME " + std::to_string(dpc)); }
  void mtp_status_ind(const MtpStatus &s) override {
    events.push_back(
        std::string(s.cause == MtpStatusCause::Congestion ? "STATUS congestion " : "STATUS upu ") +
        std::to_string(s.dpc));
  }
};

inline LinkConfig link(std::string name, Role role, std::vector<int> ases,
                       std::optional<uint32_t> asp_id = std::nullopt) {
  LinkConfig l;
  l.name = std::move(name);
  l.role = role;
  l.ases = std::move(ases);
  l.asp_id = asp_id;
  return l;
}

inline m3ua::Message decode_ok(const std::vector<uint8_t> &b) {
  m3ua::Message m;
  auto st = m3ua::decode(b, m);
  EXPECT_TRUE(st.ok()) << st.detail();
  return m;
}

inline MtpTransfer iam(uint32_t opc, uint32_t dpc, uint8_t sls) {
  MtpTransfer t;
  t.opc = opc;
  t.dpc = dpc;
  t.si = 5;
  t.ni = 2;
  t.sls = sls;
  // ISUP IAM of isup.cap (tests/sigtran/vectors/isup_cap_isup/1_iam.hex)
  t.data = {0xd5, 0x00, 0x01, 0x00, 0xa0, 0x01, 0x0a, 0x02, 0x02, 0x07, 0x05, 0x81,
            0x90, 0x84, 0x19, 0x0f, 0x0a, 0x07, 0x03, 0x17, 0x93, 0x33, 0x93, 0x79,
            0x80, 0x08, 0x01, 0x80, 0x03, 0x05, 0x7c, 0x03, 0x88, 0x90, 0xa6};
  return t;
}

// Two nodes joined by in-memory associations: link i of `a` talks to link j of `b`.
struct Joint {
  Joint(Node &a_, int la_, Node &b_, int lb_) : a(a_), la(la_), b(b_), lb(lb_) {}
  Node &a;
  int la;
  Node &b;
  int lb;
  Wire wa, wb; // wa: what a sends; wb: what b sends
  void up() {
    a.link_up(la, wa);
    b.link_up(lb, wb);
  }
  void down() {
    a.link_down(la);
    b.link_down(lb);
    wa.out.clear();
    wb.out.clear();
  }
  // Delivers one queued message; false when both directions are idle.
  bool step() {
    if (!wa.out.empty()) {
      auto f = std::move(wa.out.front());
      wa.out.pop_front();
      b.link_rx(lb, f.stream, f.bytes);
      return true;
    }
    if (!wb.out.empty()) {
      auto f = std::move(wb.out.front());
      wb.out.pop_front();
      a.link_rx(la, f.stream, f.bytes);
      return true;
    }
    return false;
  }
};

inline void pump(std::initializer_list<Joint *> js) {
  for (int guard = 0; guard < 10000; ++guard) {
    bool any = false;
    for (Joint *j : js)
      any |= j->step();
    if (!any)
      return;
  }
  ADD_FAILURE() << "messages kept flowing";
}

} // namespace mgc::sigtran::test
