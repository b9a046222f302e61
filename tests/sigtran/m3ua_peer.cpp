// m3ua-peer: one M3UA node (ASP, SGP or IPSP) on the libosmocore loop over TCP or usrsctp, for
// the two-process tests and the benchmark. Prints what its MTP user and layer management see,
// one line per event, flushed, so a test can wait for lines:
//   UP <link> | DOWN <link> | RESUME <dpc> | PAUSE <dpc> | STATUS <text> | MGMT <link> <text>
//   RX <opc> <dpc> <sls> <len> (unless --quiet) | STATS rx=<n> tx=<n> secs=<s> rate=<msg/s>
// SIGUSR1 asks every link for ASP-INACTIVE, SIGUSR2 for ASP-ACTIVE (layer management).
#include "core/osmo.h"
#include "core/osmo_scheduler.h"
#include "core/timer.h"
#include "sigtran/m3ua_node.h"
#include "sigtran/transport.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

using namespace mgc::sigtran;

namespace {

volatile sig_atomic_t g_sig = 0;
volatile sig_atomic_t g_stop = 0;

double now_s() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

std::vector<std::string> split(const std::string &s) {
  std::vector<std::string> out;
  std::size_t p = 0;
  while (p <= s.size()) {
    auto q = s.find(',', p);
    if (q == std::string::npos)
      q = s.size();
    out.push_back(s.substr(p, q - p));
    p = q + 1;
  }
  return out;
}

// The ISUP IAM of Wireshark's isup.cap (tests/sigtran/vectors/isup_cap_isup/1_iam.hex).
const std::vector<uint8_t> kIam = {
    0xd5, 0x00, 0x01, 0x00, 0xa0, 0x01, 0x0a, 0x02, 0x02, 0x07, 0x05, 0x81, 0x90, 0x84, 0x19, 0x0f,
    0x0a, 0x07, 0x03, 0x17, 0x93, 0x33, 0x93, 0x79, 0x80, 0x08, 0x01, 0x80, 0x03, 0x05, 0x7c, 0x03,
    0x88, 0x90, 0xa6, 0x1d, 0x03, 0x88, 0x90, 0xa6, 0x31, 0x02, 0x00, 0x64, 0x3f, 0x06, 0x03, 0x93,
    0x00, 0x06, 0x00, 0x10, 0xf4, 0x05, 0x64, 0x76, 0xc3, 0x28, 0x81, 0x39, 0x02, 0xf4, 0x90, 0x00};

struct Options {
  Role role = Role::Asp;
  TransportProto proto = TransportProto::Tcp;
  bool server = false;
  std::string local = "127.0.0.1", remote = "127.0.0.1";
  uint16_t port = 0, remote_port = 2905, udp_port = 9899, udp_remote_port = 9899;
  int links = 1;
  m3ua::TrafficMode mode = m3ua::TrafficMode::Override;
  uint32_t rc = 10, opc = 1, dpc = 2;
  std::optional<uint32_t> asp_id;
  long send = 0;
  double rate = 0;
  bool echo = false, quiet = false;
  uint32_t beat = 0, recovery = 2000;
  double exit_after = 0;
  long quit_after_rx = 0;
  long window = 0; // with --send: at most this many DATA without an echo back (0: no limit)
};

struct Peer : MtpUser {
  Options o;
  Node *node = nullptr;
  long rx = 0, tx = 0, tx_fail = 0;
  double t_first_rx = 0, t_last_rx = 0, t_start = now_s();
  bool available = false;
  uint8_t sls = 0;

  void mtp_transfer_ind(const MtpTransfer &t) override {
    double n = now_s();
    if (!rx)
      t_first_rx = n;
    t_last_rx = n;
    ++rx;
    if (!o.quiet)
      std::printf("RX %u %u %u %zu\n", t.opc, t.dpc, t.sls, t.data.size());
    if (o.echo) {
      MtpTransfer back = t;
      std::swap(back.opc, back.dpc);
      if (node->mtp_transfer_req(back).ok())
        ++tx;
    }
    if (o.quit_after_rx && rx >= o.quit_after_rx)
      g_stop = 1;
  }
  void mtp_pause_ind(uint32_t dpc) override {
    available = false;
    std::printf("PAUSE %u\n", dpc);
  }
  void mtp_resume_ind(uint32_t dpc) override {
    available = true;
    std::printf("RESUME %u\n", dpc);
  }
  void mtp_status_ind(const MtpStatus &s) override {
    std::printf("STATUS %s %u\n",
                s.cause == MtpStatusCause::Congestion ? "congestion" : "user-part-unavailable",
                s.dpc);
  }
  // Sends what the rate allows now; returns false when all is sent.
  bool pump(double since) {
    if (!available || tx >= o.send)
      return tx < o.send;
    long due = o.rate > 0 ? long((now_s() - since) * o.rate) + 1 : tx + 512;
    if (o.window > 0)
      due = std::min(due, rx + o.window);
    while (tx < o.send && tx < due) {
      MtpTransfer t;
      t.opc = o.opc;
      t.dpc = o.dpc;
      t.sls = uint8_t(sls++ & 0x0f);
      t.data = kIam;
      if (!node->mtp_transfer_req(t).ok()) {
        ++tx_fail;
        break;
      }
      ++tx;
    }
    return tx < o.send;
  }
};

int usage() {
  std::fprintf(stderr,
               "usage: m3ua-peer --role asp|sgp|ipsp-se-client|ipsp-se-server|ipsp-de\n"
               "  --proto tcp|sctp-udp|sctp-raw|sctp-kernel  --server|--client\n"
               "  --local A[,B] --port P --remote A[,B] --remote-port P\n"
               "  --udp-port P --udp-remote-port P   (RFC 6951 encapsulation ports)\n"
               "  --links N --mode override|loadshare|broadcast --rc N --asp-id N\n"
               "  --opc N --dpc N --send N --rate R --echo --quiet --beat MS --recovery MS\n"
               "  --exit-after S --quit-after-rx N --window W\n");
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto val = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::exit(usage());
      }
      return argv[++i];
    };
    if (a == "--role") {
      if (!role_by_name(val(), o.role))
        return usage();
    } else if (a == "--proto") {
      if (!transport_by_name(val(), o.proto))
        return usage();
    } else if (a == "--server")
      o.server = true;
    else if (a == "--client")
      o.server = false;
    else if (a == "--local")
      o.local = val();
    else if (a == "--remote")
      o.remote = val();
    else if (a == "--port")
      o.port = uint16_t(std::stoul(val()));
    else if (a == "--remote-port")
      o.remote_port = uint16_t(std::stoul(val()));
    else if (a == "--udp-port")
      o.udp_port = uint16_t(std::stoul(val()));
    else if (a == "--udp-remote-port")
      o.udp_remote_port = uint16_t(std::stoul(val()));
    else if (a == "--links")
      o.links = std::stoi(val());
    else if (a == "--mode") {
      std::string m = val();
      o.mode = m == "loadshare"   ? m3ua::TrafficMode::Loadshare
               : m == "broadcast" ? m3ua::TrafficMode::Broadcast
                                  : m3ua::TrafficMode::Override;
    } else if (a == "--rc")
      o.rc = uint32_t(std::stoul(val()));
    else if (a == "--asp-id")
      o.asp_id = uint32_t(std::stoul(val()));
    else if (a == "--opc")
      o.opc = uint32_t(std::stoul(val()));
    else if (a == "--dpc")
      o.dpc = uint32_t(std::stoul(val()));
    else if (a == "--send")
      o.send = std::stol(val());
    else if (a == "--rate")
      o.rate = std::stod(val());
    else if (a == "--echo")
      o.echo = true;
    else if (a == "--quiet")
      o.quiet = true;
    else if (a == "--beat")
      o.beat = uint32_t(std::stoul(val()));
    else if (a == "--recovery")
      o.recovery = uint32_t(std::stoul(val()));
    else if (a == "--exit-after")
      o.exit_after = std::stod(val());
    else if (a == "--quit-after-rx")
      o.quit_after_rx = std::stol(val());
    else if (a == "--window")
      o.window = std::stol(val());
    else
      return usage();
  }
  setvbuf(stdout, nullptr, _IOLBF, 0);

  NodeConfig cfg;
  cfg.local_pc = o.opc;
  cfg.ases.push_back(AsConfig{"as", o.rc, true, o.mode});
  for (int i = 0; i < o.links; ++i) {
    LinkConfig l;
    l.name = "link" + std::to_string(i);
    l.role = o.role;
    l.ases = {0};
    l.asp_id = o.asp_id;
    cfg.links.push_back(l);
  }
  cfg.routes.push_back(Route{o.dpc, 0xffffff, 0, 0});
  cfg.timers.beat = o.beat;
  cfg.timers.recovery = o.recovery;

  Peer peer;
  peer.o = o;
  mgc::core::OsmoScheduler clock;
  Node node(cfg, clock, peer);
  peer.node = &node;
  node.set_mgmt([&](const MgmtEvent &e) {
    if (!o.quiet || e.text.find("ERR") != std::string::npos)
      std::printf("MGMT %d %s\n", e.link, e.text.c_str());
    if (e.text == "M-SCTP_ESTABLISH.ind")
      std::printf("UP %d\n", e.link);
    if (e.text == "M-SCTP_RELEASE.ind")
      std::printf("DOWN %d\n", e.link);
  });

  Transports tr(node);
  if (o.proto == TransportProto::SctpUdp || o.proto == TransportProto::SctpRaw) {
    auto st = tr.init_sctp(SctpStackConfig{o.udp_port, o.proto == TransportProto::SctpRaw});
    if (!st.ok()) {
      std::fprintf(stderr, "m3ua-peer: %.*s\n", int(st.detail().size()), st.detail().data());
      return 1;
    }
  }
  EndpointConfig ep;
  ep.proto = o.proto;
  ep.server = o.server;
  ep.local_addrs = split(o.local);
  ep.local_port = o.port;
  ep.remote_addrs = split(o.remote);
  ep.remote_port = o.remote_port;
  ep.udp_remote_port = o.udp_remote_port;
  for (int i = 0; i < o.links; ++i)
    ep.links.push_back(i);
  if (auto st = tr.add(ep); !st.ok()) {
    std::string why;
    if (o.proto == TransportProto::SctpKernel && !kernel_sctp_available(&why))
      std::fprintf(stderr, "m3ua-peer: kernel SCTP not available here: %s\n", why.c_str());
    std::fprintf(stderr, "m3ua-peer: %.*s\n", int(st.detail().size()), st.detail().data());
    return 1;
  }
  if (o.server && o.proto == TransportProto::Tcp)
    std::printf("LISTEN %u\n", tr.local_port(0));

  std::signal(SIGUSR1, [](int) { g_sig = 1; });
  std::signal(SIGUSR2, [](int) { g_sig = 2; });
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  std::signal(SIGINT, [](int) { g_stop = 1; });
  std::signal(SIGPIPE, SIG_IGN);

  // A 10 ms tick wakes the blocking loop for signals, rate-paced sending and --exit-after;
  // sending flat out polls instead.
  mgc::core::Timer *tick_self = nullptr;
  mgc::core::Timer tick(clock, [&] { tick_self->start(10); });
  tick_self = &tick;
  tick.start(10);
  double start = now_s(), send_start = 0;
  while (!g_stop) {
    bool flat_out = o.send && o.rate <= 0 && peer.available && peer.tx < o.send &&
                    (o.window <= 0 || peer.tx - peer.rx < o.window);
    osmo_select_main_ctx(flat_out ? 1 : 0);
    if (g_sig) {
      int s = g_sig;
      g_sig = 0;
      for (int i = 0; i < o.links; ++i)
        s == 1 ? node.m_asp_inactive_req(i) : node.m_asp_active_req(i);
    }
    if (o.send && peer.available) {
      if (!send_start)
        send_start = now_s();
      peer.pump(send_start);
    }
    if (o.exit_after > 0 && now_s() - start > o.exit_after)
      break;
  }
  double secs = peer.rx > 1 ? peer.t_last_rx - peer.t_first_rx : 0;
  std::printf("STATS rx=%ld tx=%ld tx_fail=%ld secs=%.3f rate=%.0f\n", peer.rx, peer.tx,
              peer.tx_fail, secs, secs > 0 ? double(peer.rx - 1) / secs : 0.0);
  return 0;
}
