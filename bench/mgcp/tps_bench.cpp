// MGCP call-agent throughput: CRCX+DLCX pairs per second through the whole stack (call-agent
// API, transactions, codec), with a window of pairs in flight, against
//   memory   an in-process responder behind an in-memory transport (no sockets),
//   udp      an in-process responder on its own UDP socket, same select loop,
//   osmo-mgw a real osmo-mgw started on 127.0.0.1 (rtpbridge endpoints, RTP ports allocated).
// usage: mgcp_tps_bench [--seconds S] [--window W] [--modes memory,udp,osmo-mgw]
#include "core/osmo.h"
#include "core/osmo_scheduler.h"
#include "core/sim_scheduler.h"
#include "mgcp/call_agent.h"
#include "mgcp/sdp.h"
#include "tests/mgcp/osmo_mgw_process.h"

#include <arpa/inet.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <netinet/in.h>
#include <string>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace mgc::mgcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr uint32_t kLoopback = 0x7f000001;

// The gateway side of the in-process runs: answers CRCX with a connection and SDP, DLCX 250.
std::string answer(const Message &cmd, uint64_t &conn_seq) {
  Message r = Message::response(rc::kOk, cmd.transaction_id, "OK");
  if (cmd.verb == Verb::Crcx) {
    char ci[20];
    std::snprintf(ci, sizeof ci, "%llX", static_cast<unsigned long long>(++conn_seq));
    r.set(Param::ConnectionId, ci);
    r.sdp.push_back(build_sdp(
        {"127.0.0.1", uint16_t(16000 + conn_seq % 1000 * 2), {{8, "PCMA/8000"}}, 20, conn_seq}));
  } else if (cmd.verb == Verb::Dlcx) {
    r.code = rc::kDeleted;
  }
  return encode(r);
}

class MemoryGateway : public Transport {
public:
  void send(const Address &, std::string_view d) override { inbox.emplace_back(d); }
  std::deque<std::string> inbox;
  uint64_t conn_seq = 0;
};

struct NullListener : CallAgentListener {};

struct Run {
  uint64_t pairs = 0;
  uint64_t failures = 0;
  double seconds = 0;
  double cpu_seconds = 0;
};

double cpu_now() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Keeps `window` CRCX->DLCX loops going, each on its own endpoint, until `running` drops.
struct Driver {
  CallAgent &ca;
  std::string domain;
  bool running = true;
  uint64_t pairs = 0, failures = 0;
  unsigned in_flight = 0;
  void start(unsigned window) {
    for (unsigned k = 1; k <= window; ++k)
      pair(k);
  }
  void pair(unsigned k) {
    if (!running)
      return;
    ++in_flight;
    ConnectRequest req;
    char local[32];
    std::snprintf(local, sizeof local, "rtpbridge/%x@", k); // osmo-mgw numbers them in hex
    req.endpoint = local + domain;
    req.mode = ConnectionMode::RecvOnly;
    ca.connect(req, [this, k](const ConnectResult &r) {
      if (!r.status.ok()) {
        ++failures;
        if (failures < 4)
          std::fprintf(stderr, "CRCX failed: %.*s %d\n", int(r.status.detail().size()),
                       r.status.detail().data(), r.code);
        --in_flight;
        pair(k);
        return;
      }
      ca.release(r.handle, [this, k](const ReleaseResult &rr) {
        --in_flight;
        if (rr.status.ok())
          ++pairs;
        else {
          ++failures;
          if (failures < 4)
            std::fprintf(stderr, "DLCX failed: %.*s %d\n", int(rr.status.detail().size()),
                         rr.status.detail().data(), rr.code);
        }
        pair(k);
      });
    });
  }
};

Run run_memory(double seconds, unsigned window) {
  mgc::core::SimScheduler sched;
  MemoryGateway gw;
  NullListener l;
  CallAgent ca(sched, gw, l);
  Address addr{kLoopback, kGatewayPort};
  ca.add_gateway({"mgw", addr, {"rtpbridge/*@mgw"}, "p:20, a:PCMA", 10'000, {}});
  Driver d{ca, "mgw"};
  d.start(window);
  auto t0 = Clock::now();
  double c0 = cpu_now();
  Message cmd;
  unsigned n = 0;
  while (true) {
    if ((++n & 1023) == 0 && std::chrono::duration<double>(Clock::now() - t0).count() >= seconds)
      d.running = false;
    if (gw.inbox.empty())
      break;
    std::string bytes = std::move(gw.inbox.front());
    gw.inbox.pop_front();
    if (!decode(bytes, cmd).ok() || !cmd.is_command())
      continue;
    ca.receive(addr, answer(cmd, gw.conn_seq));
  }
  return {d.pairs, d.failures, std::chrono::duration<double>(Clock::now() - t0).count(),
          cpu_now() - c0};
}

// Runs the select loop until `until`, then lets in-flight pairs finish (bounded).
template <typename F> void loop_for(mgc::core::OsmoScheduler &sched, Driver &d, double seconds, F &&) {
  auto t0 = Clock::now();
  auto deadline = t0 + std::chrono::duration<double>(seconds);
  while (Clock::now() < deadline) {
    mgc::core::Scheduler::Id tick = sched.start(50, [] {});
    osmo_select_main(0);
    sched.stop(tick);
  }
  d.running = false;
  auto drain = Clock::now() + std::chrono::seconds(5);
  while (d.in_flight > 0 && Clock::now() < drain) {
    mgc::core::Scheduler::Id tick = sched.start(50, [] {});
    osmo_select_main(0);
    sched.stop(tick);
  }
}

Run run_udp(double seconds, unsigned window) {
  osmo_select_init();
  mgc::core::OsmoScheduler sched;
  NullListener l;
  CallAgent *cap = nullptr;
  UdpTransport ca_side([&](const Address &from, std::string_view d) { cap->receive(from, d); });
  ca_side.bind({kLoopback, 0});
  uint64_t conn_seq = 0;
  UdpTransport *gwp = nullptr;
  Message cmd;
  UdpTransport gw_side([&](const Address &from, std::string_view d) {
    if (decode(d, cmd).ok() && cmd.is_command())
      gwp->send(from, answer(cmd, conn_seq));
  });
  gwp = &gw_side;
  gw_side.bind({kLoopback, 0});
  CallAgent ca(sched, ca_side, l);
  cap = &ca;
  ca.add_gateway({"mgw", gw_side.local_address(), {"rtpbridge/*@mgw"}, "p:20, a:PCMA", 10'000, {}});
  Driver d{ca, "mgw"};
  auto t0 = Clock::now();
  double c0 = cpu_now();
  d.start(window);
  loop_for(sched, d, seconds, 0);
  return {d.pairs, d.failures, std::chrono::duration<double>(Clock::now() - t0).count(),
          cpu_now() - c0};
}

uint16_t free_udp_port() {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(kLoopback);
  bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa);
  socklen_t len = sizeof sa;
  getsockname(fd, reinterpret_cast<sockaddr *>(&sa), &len);
  close(fd);
  return ntohs(sa.sin_port);
}

bool run_osmo_mgw(double seconds, unsigned window, Run &out) {
  mgc::mgcp::test::OsmoMgw mgw(free_udp_port(), window);
  if (!mgw.start())
    return false;
  osmo_select_init();
  mgc::core::OsmoScheduler sched;
  NullListener l;
  CallAgent *cap = nullptr;
  UdpTransport ca_side([&](const Address &from, std::string_view d) { cap->receive(from, d); });
  ca_side.bind({kLoopback, 0});
  CallAgent ca(sched, ca_side, l);
  cap = &ca;
  ca.add_gateway({"mgw", {kLoopback, mgw.port()}, {"rtpbridge/*@mgw"}, "p:20, a:PCMA", 10'000, {}});
  Driver d{ca, "mgw"};
  auto t0 = Clock::now();
  double c0 = cpu_now();
  d.start(window);
  loop_for(sched, d, seconds, 0);
  out = {d.pairs, d.failures, std::chrono::duration<double>(Clock::now() - t0).count(),
         cpu_now() - c0};
  out.pairs += 0;
  std::fprintf(stderr, "osmo-mgw run: retransmissions %llu\n",
               static_cast<unsigned long long>(
                   ca.transactions().counters().get(TxCounter::retransmissions)));
  return true;
}

void row(const char *name, const Run &r, unsigned window) {
  double pps = r.pairs / r.seconds;
  std::printf("| %s | %u | %llu | %llu | %.0f | %.0f | %.1f |\n", name, window,
              static_cast<unsigned long long>(r.pairs), static_cast<unsigned long long>(r.failures),
              pps, 2 * pps, r.pairs ? r.cpu_seconds / r.pairs * 1e6 : 0.0);
}

} // namespace

int main(int argc, char **argv) {
  double seconds = 3;
  unsigned window = 32;
  std::string modes = "memory,udp,osmo-mgw";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--seconds")
      seconds = std::atof(argv[i + 1]);
    else if (k == "--window")
      window = unsigned(std::atoi(argv[i + 1]));
    else if (k == "--modes")
      modes = argv[i + 1];
  }
  std::printf("| peer | window | CRCX+DLCX pairs | failures | pairs/s | transactions/s | CPU "
              "us/pair (this process) |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|\n");
  if (modes.find("memory") != std::string::npos)
    row("in-process responder, in-memory transport", run_memory(seconds, window), window);
  if (modes.find("udp") != std::string::npos)
    row("in-process responder over UDP (same loop)", run_udp(seconds, window), window);
  if (modes.find("osmo-mgw") != std::string::npos) {
    Run r;
    if (run_osmo_mgw(seconds, window, r))
      row("osmo-mgw 1.10 over UDP", r, window);
    else
      std::printf("| osmo-mgw 1.10 over UDP | %u | - | - | did not start | - | - |\n", window);
  }
  return 0;
}
