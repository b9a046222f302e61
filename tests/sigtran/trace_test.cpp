// Scenario traces compared with golden files (tests/sigtran/golden/*.trace): every message on
// the wire (direction, link, stream, type), every layer-management indication and every MTP
// primitive, in order, on simulated time. MGC_UPDATE_GOLDEN=1 rewrites the files.
#include "core/sim_scheduler.h"
#include "m3ua_harness.h"

#include <fstream>
#include <sstream>

using namespace mgc::sigtran;
using namespace mgc::sigtran::m3ua;
using namespace mgc::sigtran::test;

namespace {

struct Trace {
  std::ostringstream out;
  mgc::core::SimScheduler *clock = nullptr;
  void line(const std::string &s) { out << "t=" << clock->now_ms() << " " << s << "\n"; }
};

struct TracingUser : MtpUser {
  Trace &t;
  std::string who;
  TracingUser(Trace &tr, std::string w) : t(tr), who(std::move(w)) {}
  void mtp_transfer_ind(const MtpTransfer &x) override {
    t.line(who + " MTP-TRANSFER.ind opc=" + std::to_string(x.opc) + " sls=" + std::to_string(x.sls));
  }
  void mtp_pause_ind(uint32_t d) override { t.line(who + " MTP-PAUSE.ind " + std::to_string(d)); }
  void mtp_resume_ind(uint32_t d) override { t.line(who + " MTP-RESUME.ind " + std::to_string(d)); }
  void mtp_status_ind(const MtpStatus &s) override {
    t.line(who + " MTP-STATUS.ind " + std::to_string(s.dpc));
  }
};

// Delivers queued frames one at a time, tracing each.
void run(Trace &t, std::initializer_list<std::pair<std::string, Joint *>> js) {
  for (int guard = 0; guard < 10000; ++guard) {
    bool any = false;
    for (auto &[name, j] : js) {
      for (int dir = 0; dir < 2; ++dir) {
        Wire &w = dir == 0 ? j->wa : j->wb;
        if (w.out.empty())
          continue;
        auto f = std::move(w.out.front());
        w.out.pop_front();
        Message m;
        (void)decode(f.bytes, m);
        t.line(name + (dir == 0 ? " -> " : " <- ") + std::string(msg_name(m.type())) +
               " stream " + std::to_string(f.stream));
        if (dir == 0)
          j->b.link_rx(j->lb, f.stream, f.bytes);
        else
          j->a.link_rx(j->la, f.stream, f.bytes);
        any = true;
      }
    }
    if (!any)
      return;
  }
}

void compare(const std::string &name, const std::string &got) {
  std::string path = std::string(MGC_TEST_DATA) + "/sigtran/golden/" + name + ".trace";
  if (std::getenv("MGC_UPDATE_GOLDEN")) {
    std::ofstream(path) << got;
    return;
  }
  std::ifstream f(path);
  std::stringstream want;
  want << f.rdbuf();
  EXPECT_EQ(got, want.str()) << "golden file " << path;
}

NodeConfig cfg(uint32_t pc, uint32_t dpc, Role role, int links, TrafficMode mode,
               std::optional<uint32_t> asp_id) {
  NodeConfig c;
  c.local_pc = pc;
  c.ases.push_back(AsConfig{"as", 10, true, mode});
  for (int i = 0; i < links; ++i)
    c.links.push_back(link("l" + std::to_string(i), role, {0}, asp_id));
  c.routes.push_back(Route{dpc, 0xffffff, 0, 0});
  return c;
}

TEST(M3uaTrace, OverrideFailover) {
  mgc::core::SimScheduler clock;
  Trace t;
  t.clock = &clock;
  TracingUser u1(t, "asp1"), u2(t, "asp2"), us(t, "sgp");
  Node a1(cfg(1, 2, Role::Asp, 1, TrafficMode::Override, 1), clock, u1);
  Node a2(cfg(1, 2, Role::Asp, 1, TrafficMode::Override, 2), clock, u2);
  Node s(cfg(2, 1, Role::Sgp, 2, TrafficMode::Override, std::nullopt), clock, us);
  for (auto *n : {&a1, &a2, &s}) {
    std::string who = n == &a1 ? "asp1" : n == &a2 ? "asp2" : "sgp";
    n->set_mgmt([&t, who](const MgmtEvent &e) { t.line(who + " " + e.text); });
  }
  Joint j1(a1, 0, s, 0), j2(a2, 0, s, 1);
  j1.up();
  run(t, {{"asp1", &j1}});
  j2.up();
  run(t, {{"asp1", &j1}, {"asp2", &j2}});
  ASSERT_TRUE(s.mtp_transfer_req(iam(2, 1, 7)).ok());
  run(t, {{"asp1", &j1}, {"asp2", &j2}});
  clock.advance(100);
  j2.down();
  ASSERT_TRUE(s.mtp_transfer_req(iam(2, 1, 8)).ok()); // buffered while AS-PENDING
  run(t, {{"asp1", &j1}});
  clock.advance(2000);
  compare("override_failover", t.out.str());
}

TEST(M3uaTrace, AspLossAndTrExpiry) {
  mgc::core::SimScheduler clock;
  Trace t;
  t.clock = &clock;
  TracingUser ua(t, "asp"), us(t, "sgp");
  Node a(cfg(1, 2, Role::Asp, 1, TrafficMode::Loadshare, 5), clock, ua);
  Node s(cfg(2, 1, Role::Sgp, 1, TrafficMode::Loadshare, std::nullopt), clock, us);
  a.set_mgmt([&t](const MgmtEvent &e) { t.line("asp " + e.text); });
  s.set_mgmt([&t](const MgmtEvent &e) { t.line("sgp " + e.text); });
  Joint j(a, 0, s, 0);
  j.up();
  run(t, {{"asp", &j}});
  ASSERT_TRUE(a.mtp_transfer_req(iam(1, 2, 3)).ok());
  run(t, {{"asp", &j}});
  clock.advance(50);
  j.down();
  clock.advance(2000);
  j.up();
  run(t, {{"asp", &j}});
  compare("asp_loss_tr_expiry", t.out.str());
}

} // namespace
