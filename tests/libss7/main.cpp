// ss7-peer: libss7 (Asterisk's ISUP, MTP3 and MTP2) as an independent far-end exchange for mgcd's
// tests, and the signalling gateway that joins it to mgcd (docs/interop.md).
//
//   libss7 (MTP2/MTP3/ISUP) ══ socketpair, one HDLC frame per message ══ our MTP2 (Q.703)
//                                                                        our MTP3 (Q.704/Q.707)
//                                                                        M3UA SGP (RFC 4666) ══ mgcd
//
// libss7's link runs in its SS7_TRANSPORT_DAHDIDCHAN mode: the library runs MTP2 itself and only
// read()s and write()s frames on the descriptor, so one end of a SOCK_SEQPACKET socketpair
// stands in for the E1 timeslot. Every libss7 event, every message the exchange sends and every
// command go to the --log file, one line each; commands arrive on a UNIX socket, one per line.
#include "core/log.h"
#include "core/loop_fd.h"
#include "core/osmo.h"
#include "core/osmo_scheduler.h"
#include "core/timer.h"
#include "sigtran/m3ua_node.h"
#include "sigtran/transport.h"
#include "tests/libss7/exchange.h"
#include "tests/libss7/mtp2_link.h"
#include "tests/libss7/mtp3_relay.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <getopt.h>
#include <memory>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

using namespace mgc;
using namespace mgc::ss7peer;

namespace {

volatile std::sig_atomic_t g_quit = 0;
void on_signal(int) { g_quit = 1; }

void usage() {
  std::fprintf(
      stderr,
      "usage: ss7-peer --log FILE --control SOCKET [options]\n"
      "  --variant itu|ansi       libss7's switch type and the relay's label format (itu)\n"
      "  --pc N --sg-pc N --dpc N libss7's, the gateway's and mgcd's point codes (18, 9, 17)\n"
      "  --cics A-B               libss7's circuits toward mgcd (1-31)\n"
      "  --rule PREFIX:ACTION     answer[,after=MS][,hangup=MS][,cpg=N][,suspend=MS,resume=MS]\n"
      "                           | busy | ring | release=CAUSE   (by called-number prefix)\n"
      "  --m3ua-port L:R          M3UA SCTP ports, local (server) and mgcd's (2906:2905)\n"
      "  --udp-port L:R           RFC 6951 UDP encapsulation ports (9900:9899)\n"
      "  --routing-context N      M3UA routing context (100)\n"
      "  --t7 MS                  libss7's ISUP T7 (20000)\n"
      "commands (one per line on SOCKET; answer 'ok ...' or 'error ...'):\n"
      "  call CIC CALLED [CALLING [HOLD_MS]] | glare CALLED CALLING [HOLD_MS] |\n"
      "  release CIC [CAUSE] | acm CIC | answer CIC |\n"
      "  cpg CIC EVENT | sus CIC | res CIC | grs A B | cgb A B [hardware] [odd] |\n"
      "  cgu A B [hardware] [odd] |\n"
      "  blo CIC | ubl CIC | rsc CIC | calls | status\n");
}

double now_s() {
  using namespace std::chrono;
  static const auto t0 = steady_clock::now();
  return duration<double>(steady_clock::now() - t0).count();
}

bool ports(const char *s, uint16_t &a, uint16_t &b) {
  return std::sscanf(s, "%hu:%hu", &a, &b) == 2;
}

// The M3UA side: DATA from mgcd toward libss7 goes to the relay's MTP3.
struct M3uaUser : sigtran::MtpUser {
  Mtp3Relay *relay = nullptr;
  std::function<void(const sigtran::MtpTransfer &)> before; // sees each message first
  uint64_t undeliverable = 0;
  void mtp_transfer_ind(const sigtran::MtpTransfer &t) override {
    if (before)
      before(t);
    if (!relay || !relay->transfer(t))
      ++undeliverable;
  }
  void mtp_pause_ind(uint32_t) override {}
  void mtp_resume_ind(uint32_t) override {}
  void mtp_status_ind(const sigtran::MtpStatus &) override {}
};

// One command connection: lines in, one answer line out per command.
struct Control {
  core::LoopFd fd;
  std::string buf;
};

} // namespace

int main(int argc, char **argv) {
  ExchangeConfig xc;
  xc.pc = 18;
  xc.adjacent_pc = 9;
  xc.dpc = 17;
  std::string log_file, control_path;
  uint16_t m3ua_local = 2906, m3ua_remote = 2905, udp_local = 9900, udp_remote = 9899;
  uint32_t rc = 100;
  static const struct option opts[] = {{"variant", required_argument, nullptr, 'v'},
                                       {"pc", required_argument, nullptr, 'p'},
                                       {"sg-pc", required_argument, nullptr, 'g'},
                                       {"dpc", required_argument, nullptr, 'd'},
                                       {"cics", required_argument, nullptr, 'c'},
                                       {"rule", required_argument, nullptr, 'r'},
                                       {"log", required_argument, nullptr, 'l'},
                                       {"control", required_argument, nullptr, 'C'},
                                       {"m3ua-port", required_argument, nullptr, 'm'},
                                       {"udp-port", required_argument, nullptr, 'u'},
                                       {"routing-context", required_argument, nullptr, 'R'},
                                       {"t7", required_argument, nullptr, 'T'},
                                       {"help", no_argument, nullptr, 'h'},
                                       {nullptr, 0, nullptr, 0}};
  for (int c; (c = getopt_long(argc, argv, "h", opts, nullptr)) != -1;) {
    switch (c) {
    case 'v':
      if (std::strcmp(optarg, "ansi") && std::strcmp(optarg, "itu")) {
        usage();
        return 2;
      }
      xc.ansi = !std::strcmp(optarg, "ansi");
      break;
    case 'p': xc.pc = uint32_t(std::strtoul(optarg, nullptr, 0)); break;
    case 'g': xc.adjacent_pc = uint32_t(std::strtoul(optarg, nullptr, 0)); break;
    case 'd': xc.dpc = uint32_t(std::strtoul(optarg, nullptr, 0)); break;
    case 'c':
      if (std::sscanf(optarg, "%d-%d", &xc.first_cic, &xc.last_cic) != 2) {
        usage();
        return 2;
      }
      break;
    case 'r': {
      Rule r;
      if (!parse_rule(optarg, r)) {
        std::fprintf(stderr, "ss7-peer: bad rule '%s'\n", optarg);
        return 2;
      }
      xc.rules.push_back(r);
      break;
    }
    case 'l': log_file = optarg; break;
    case 'C': control_path = optarg; break;
    case 'm':
      if (!ports(optarg, m3ua_local, m3ua_remote)) {
        usage();
        return 2;
      }
      break;
    case 'u':
      if (!ports(optarg, udp_local, udp_remote)) {
        usage();
        return 2;
      }
      break;
    case 'R': rc = uint32_t(std::strtoul(optarg, nullptr, 0)); break;
    case 'T': xc.t7_ms = std::strtoll(optarg, nullptr, 0); break;
    default: usage(); return 2;
    }
  }
  if (log_file.empty() || control_path.empty()) {
    usage();
    return 2;
  }
  FILE *logf = std::fopen(log_file.c_str(), "w");
  if (!logf) {
    std::fprintf(stderr, "ss7-peer: cannot write %s\n", log_file.c_str());
    return 2;
  }
  setvbuf(logf, nullptr, _IOLBF, 0);
  auto log = [logf](const std::string &line) {
    std::fprintf(logf, "%8.3f %s\n", now_s(), line.c_str());
  };

  void *ctx = talloc_named_const(nullptr, 0, "ss7-peer");
  msgb_talloc_ctx_init(ctx, 0);
  mgc::log::init(ctx);
  core::OsmoScheduler sched;

  // The link: libss7's end and ours, frames kept whole (SOCK_SEQPACKET), never blocking.
  int sp[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) != 0) {
    std::perror("ss7-peer: socketpair");
    return 1;
  }
  for (int fd : sp)
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);

  M3uaUser m3ua_user;
  sigtran::NodeConfig nc;
  nc.local_pc = xc.pc; // the gateway stands for libss7's point code toward mgcd
  sigtran::AsConfig as;
  as.name = "libss7";
  as.routing_context = rc;
  as.send_rc = rc != 0;
  as.mode = sigtran::m3ua::TrafficMode::Override;
  nc.ases.push_back(as);
  sigtran::LinkConfig link;
  link.name = "mgcd";
  link.role = sigtran::Role::Sgp;
  link.ases = {0};
  nc.links.push_back(link);
  nc.routes.push_back(sigtran::Route{xc.dpc, 0xffffff, 0, 0});
  sigtran::Node node(nc, sched, m3ua_user);
  node.set_mgmt([&log](const sigtran::MgmtEvent &e) { log("m3ua " + e.text); });
  sigtran::Transports transports(node);
  bool m3ua_started = false;
  auto start_m3ua = [&]() {
    if (m3ua_started)
      return;
    m3ua_started = true;
    if (auto st = transports.init_sctp(sigtran::SctpStackConfig{udp_local, false}); !st.ok()) {
      log("m3ua SCTP: " + std::string(st.detail()));
      g_quit = 1;
      return;
    }
    sigtran::EndpointConfig ep;
    ep.proto = sigtran::TransportProto::SctpUdp;
    ep.server = true;
    ep.local_port = m3ua_local;
    ep.remote_port = m3ua_remote;
    ep.udp_remote_port = udp_remote;
    ep.links = {0};
    if (auto st = transports.add(ep); !st.ok()) {
      log("m3ua: " + std::string(st.detail()));
      g_quit = 1;
      return;
    }
    log("m3ua listening: SGP for point code " + std::to_string(xc.pc));
  };

  Mtp2Link *mtp2_ptr = nullptr;
  Mtp3Relay *mtp3_ptr = nullptr;
  Mtp2Timers t2;
  if (xc.ansi)
    t2.t1 = 13000; // T1.111.3 §12.3: T1 13 s
  Mtp2Link mtp2(sched, t2,
                Mtp2Link::Events{
                    [&](std::vector<uint8_t> &&f) {
                      if (send(sp[1], f.data(), f.size(), MSG_DONTWAIT) < 0)
                        log("relay: link write failed: " + std::string(std::strerror(errno)));
                    },
                    [&] { mtp3_ptr->link_in_service(); },
                    [&](const char *why) {
                      log(std::string("relay: link out of service: ") + why);
                      mtp3_ptr->link_out_of_service();
                    },
                    [&](std::span<const uint8_t> m) { mtp3_ptr->msu(m); },
                    [&](const std::string &s) { log("relay: " + s); }});
  mtp2_ptr = &mtp2;
  Mtp3Relay::Config rcfg;
  rcfg.ansi = xc.ansi;
  rcfg.own_pc = xc.adjacent_pc;
  rcfg.adjacent_pc = xc.pc;
  Mtp3Relay mtp3(sched, rcfg,
                 Mtp3Relay::Events{
                     [&](std::span<const uint8_t> m) { return mtp2_ptr->send_msu(m); },
                     [&](const sigtran::MtpTransfer &t) {
                       if (!node.mtp_transfer_req(t).ok())
                         log("relay: ISUP toward mgcd not sent (no M3UA route)");
                     },
                     [&](bool up) {
                       if (up)
                         start_m3ua();
                     },
                     [&](const std::string &s) { log("relay: " + s); },
                     [&](const char *why) { mtp2_ptr->out_of_service(why); }});
  mtp3_ptr = &mtp3;
  m3ua_user.relay = &mtp3;

  Exchange exchange(xc, sched, sp[0], log);

  // The relay's end: every frame libss7 wrote goes to our MTP2. Returns whether the last frame
  // read was an MSU (libss7 may have more queued).
  auto drain = [&]() -> bool {
    uint8_t buf[1024];
    bool msu = false;
    for (;;) {
      const ssize_t n = recv(sp[1], buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0)
        return msu;
      msu = n > ssize_t(kSuHeader + kFcsOctets) && (buf[2] & 0x3f) > 2;
      mtp2.receive(std::span<const uint8_t>(buf, size_t(n)));
    }
  };
  // The line's pace: libss7 writes one signal unit per ss7_write(); let it send what it has
  // queued (MSUs) and one fill-in unit, not an endless stream of FISUs.
  auto pump = [&]() {
    for (int i = 0; i < 64; ++i) {
      exchange.transmit();
      if (!drain())
        break;
    }
  };
  // An IAM from mgcd: an armed dual seizure sends libss7's own IAM on that circuit first, and
  // it leaves toward mgcd before mgcd's reaches libss7 (Q.764 §2.9.1.4: the two cross).
  m3ua_user.before = [&](const sigtran::MtpTransfer &t) {
    constexpr uint8_t kIam = 0x01; // Q.763 Table 4
    if (t.si != uint8_t(ServiceIndicator::Isup) || t.data.size() < 3 || t.data[2] != kIam)
      return;
    // Q.763 §1.2 (ITU: 12-bit CIC) and T1.113 (ANSI: 14 bits)
    const int cic = t.data[0] | (t.data[1] & (xc.ansi ? 0x3f : 0x0f)) << 8;
    exchange.iam_from_mgcd(cic);
    pump();
  };
  core::LoopFd libss7_fd, relay_fd;
  libss7_fd.open(dup(sp[0]), [&](unsigned) {
    exchange.readable();
    pump();
  });
  relay_fd.open(dup(sp[1]), [&](unsigned) {
    drain();
    pump();
  });

  // The control socket.
  std::vector<std::unique_ptr<Control>> controls;
  core::LoopFd listener;
  {
    ::unlink(control_path.c_str());
    int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::snprintf(sa.sun_path, sizeof sa.sun_path, "%s", control_path.c_str());
    if (ls < 0 || bind(ls, reinterpret_cast<sockaddr *>(&sa), sizeof sa) != 0 || listen(ls, 4)) {
      std::fprintf(stderr, "ss7-peer: cannot listen on %s\n", control_path.c_str());
      return 1;
    }
    listener.open(ls, [&](unsigned) {
      const int c = accept4(listener.fd(), nullptr, nullptr, SOCK_NONBLOCK);
      if (c < 0)
        return;
      auto ctl = std::make_unique<Control>();
      Control *p = ctl.get();
      p->fd.open(c, [&, p](unsigned) {
        char b[512];
        const ssize_t n = read(p->fd.fd(), b, sizeof b);
        if (n <= 0) {
          p->fd.close();
          return;
        }
        p->buf.append(b, size_t(n));
        for (auto nl = p->buf.find('\n'); nl != std::string::npos; nl = p->buf.find('\n')) {
          std::string line = p->buf.substr(0, nl);
          p->buf.erase(0, nl + 1);
          std::string answer;
          if (line == "status") {
            answer = std::string("ok mtp2 ") + mtp2_state_name(mtp2.state()) + " mtp3 " +
                     (mtp3.available() ? "available" : "unavailable") + " libss7 " +
                     (exchange.up() ? "up" : "down") + " calls " +
                     std::to_string(exchange.busy());
          } else {
            answer = exchange.command(line);
            pump();
          }
          answer += '\n';
          if (write(p->fd.fd(), answer.data(), answer.size()) < 0)
            p->fd.close();
        }
      });
      controls.push_back(std::move(ctl));
    });
  }

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);

  // A 10 ms tick: libss7's timers, its transmit turn, and our fill-in unit.
  core::Timer *tick_self = nullptr;
  core::Timer tick(sched, [&] {
    exchange.run_timers();
    pump();
    mtp2.fill_in();
    drain();
    tick_self->start(10);
  });
  tick_self = &tick;
  log(std::string("ss7-peer: libss7 ") + libss7_version() + (xc.ansi ? " ANSI" : " ITU") +
      " pc " + std::to_string(xc.pc) + " gateway pc " + std::to_string(xc.adjacent_pc) +
      " mgcd pc " + std::to_string(xc.dpc));
  exchange.start();
  mtp2.start();
  tick.start(10);
  std::printf("ss7-peer: running\n");
  std::fflush(stdout);

  while (!g_quit)
    osmo_select_main(0);

  tick.stop();
  const auto &c2 = mtp2.counters();
  const auto &c3 = mtp3.counters();
  char b[512];
  std::snprintf(b, sizeof b,
                "summary calls-busy %zu mtp2 %s frames-rx %llu frames-tx %llu msu-rx %llu "
                "msu-tx %llu retransmitted %llu nacks %llu bad-frames %llu alignments %llu "
                "isup-up %llu isup-down %llu dropped %llu undeliverable %llu",
                exchange.busy(), mtp2_state_name(mtp2.state()),
                (unsigned long long)c2.frames_rx, (unsigned long long)c2.frames_tx,
                (unsigned long long)c2.msu_rx, (unsigned long long)c2.msu_tx,
                (unsigned long long)c2.retransmitted, (unsigned long long)c2.nacks_sent,
                (unsigned long long)c2.bad_frames, (unsigned long long)c2.alignments,
                (unsigned long long)c3.isup_up, (unsigned long long)c3.isup_down,
                (unsigned long long)c3.dropped, (unsigned long long)m3ua_user.undeliverable);
  log(b);
  ::unlink(control_path.c_str());
  return exchange.busy() == 0 ? 0 : 3;
}
