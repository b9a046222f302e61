// Kernel SCTP is detected at run time. Where the kernel has none (this build machine), the test
// prints why and exits 77, which ctest reports as skipped, after checking that the transport
// refuses such an endpoint by name. Where it exists, an ASP and an SGP in this process associate
// over kernel SCTP on 127.0.0.1 and exchange DATA both ways on the select loop.
#include "core/osmo.h"
#include "core/osmo_scheduler.h"
#include "sigtran/transport.h"

#include <cstdio>
#include <ctime>

using namespace mgc::sigtran;

namespace {
struct User : MtpUser {
  int rx = 0, resumed = 0;
  void mtp_transfer_ind(const MtpTransfer &) override { ++rx; }
  void mtp_pause_ind(uint32_t) override {}
  void mtp_resume_ind(uint32_t) override { ++resumed; }
  void mtp_status_ind(const MtpStatus &) override {}
};

NodeConfig config(uint32_t pc, uint32_t dpc, Role role) {
  NodeConfig c;
  c.local_pc = pc;
  c.ases.push_back(AsConfig{"as", 10, true, m3ua::TrafficMode::Override});
  LinkConfig l;
  l.name = "l0";
  l.role = role;
  l.ases = {0};
  c.links.push_back(l);
  c.routes.push_back(Route{dpc, 0xffffff, 0, 0});
  return c;
}

double now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}
} // namespace

int main() {
  std::string why;
  mgc::core::OsmoScheduler clock;
  User ua, us;
  Node asp(config(1, 2, Role::Asp), clock, ua);
  Node sgp(config(2, 1, Role::Sgp), clock, us);
  Transports ta(asp), ts(sgp);
  EndpointConfig server;
  server.proto = TransportProto::SctpKernel;
  server.server = true;
  server.local_port = 29905;
  server.links = {0};
  if (!kernel_sctp_available(&why)) {
    auto st = ts.add(server);
    std::printf("SKIP: kernel SCTP not available here (%s); transport answered %.*s\n", why.c_str(),
                int(st.detail().size()), st.detail().data());
    return st.detail() == "sigtran.kernel_sctp_unavailable" ? 77 : 1;
  }
  if (auto st = ts.add(server); !st.ok()) {
    std::printf("FAIL: listen: %.*s\n", int(st.detail().size()), st.detail().data());
    return 1;
  }
  EndpointConfig client = server;
  client.server = false;
  client.local_port = 0;
  client.remote_port = 29905;
  if (auto st = ta.add(client); !st.ok()) {
    std::printf("FAIL: connect: %.*s\n", int(st.detail().size()), st.detail().data());
    return 1;
  }
  double until = now() + 10;
  bool sent = false;
  while (now() < until && (ua.rx < 1 || us.rx < 1)) {
    osmo_select_main_ctx(1);
    if (!sent && ua.resumed && us.resumed) {
      MtpTransfer a{1, 2, 5, 2, 0, 3, {1, 2, 3}}, b{2, 1, 5, 2, 0, 4, {4, 5, 6}};
      sent = asp.mtp_transfer_req(a).ok() && sgp.mtp_transfer_req(b).ok();
    }
  }
  std::printf("kernel SCTP: ASP %s, DATA rx asp=%d sgp=%d\n",
              asp.local_state(0) == AspState::Active ? "active" : "not active", ua.rx, us.rx);
  return ua.rx >= 1 && us.rx >= 1 ? 0 : 1;
}
