// pstn-sim: the simulated far-end exchange (docs/pstn-sim.md). Reads its VTY config, speaks
// ISUP over M3UA (SGP or IPSP toward mgcd, or toward another pstn-sim), answers calls by rule,
// originates calls at a rate, runs maintenance from its VTY or the command line, and prints a
// summary of what it saw when it stops. Its exit status says whether the run was clean.
// It logs like mgcd (core/log.h): the config's `log` blocks, else stderr.
#include "core/log.h"
#include "core/osmo.h"
#include "core/osmo_scheduler.h"
#include "core/timer.h"
#include "gateway/pstnsim/config.h"
#include "gateway/pstnsim/sim.h"
#include "gateway/pstnsim/vty.h"
#include "isup/codec.h"
#include "isup/json.h"

extern "C" {
#include <osmocom/core/application.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/telnet_interface.h>
#include <osmocom/vty/vty.h>
}

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <getopt.h>
#include <string>
#include <vector>

using namespace mgc;
using namespace mgc::pstnsim;

namespace {

volatile std::sig_atomic_t g_quit = 0;
void on_signal(int) { g_quit = 1; }

// Exit statuses (docs/pstn-sim.md): tests tell a clean run from the ways it can go wrong.
enum Exit : int {
  kExitOk = 0,
  kExitConfig = 1,
  kExitUsage = 2,
  kExitCircuitsBusy = 3, // circuits (or calls) left busy at the end
  kExitCallsFailed = 4,  // originated calls ended with a cause not expected, or found no circuit
  kExitUnexpected = 5,   // unexpected or malformed messages (with --strict)
  kExitNoPeer = 6,       // the gateway never became reachable
};

void usage() {
  std::fprintf(
      stderr,
      "usage: pstn-sim -c FILE [options]\n"
      "  -c FILE              config in VTY syntax (docs/pstn-sim.md, config/pstn-sim*.cfg)\n"
      "  --check              read and validate the config, then exit\n"
      "  --write-config OUT   write the config as read (show running-config) to OUT, exit\n"
      "  --vty-port PORT      telnet VTY on PORT (default 4262, 0: none)\n"
      "  --run-for MS         stop after MS milliseconds\n"
      "  --exit-when-done     stop once the originate section is done and no call is left\n"
      "  --at MS:COMMAND      run a live command MS ms after the gateway became reachable\n"
      "                       (grs 1 30 | cgb 1 4 hardware | cgu 1 4 | blo 5 | ubl 5 | rsc 5 |\n"
      "                        reset-all | originate start|stop | call | release-all)\n"
      "  --linger MS          with --exit-when-done: wait this long before stopping (500)\n"
      "  --log-isup           one line per ISUP message sent or received\n"
      "  --summary-file FILE  also write the summary to FILE\n"
      "  --isup-trace FILE    every ISUP message sent or received as JSON lines (isup/json.h)\n"
      "  --strict             unexpected or malformed messages make the exit status 5\n");
}

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

struct Timed {
  int64_t at_ms;
  std::string command;
  bool done = false;
};

// The MTP3 user (ISUP over M3UA) and the ISUP sender of the exchange.
class Wiring : public sigtran::MtpUser, public cc::IsupSender {
public:
  Wiring(const Config &cfg) : cfg_(cfg) {}
  sigtran::Node *node = nullptr;
  Sim *sim = nullptr;
  uint64_t send_failures = 0;

  void mtp_transfer_ind(const sigtran::MtpTransfer &t) override {
    if (t.si != 5 || !sim) // Q.704 §14.2.2: service indicator 5 is ISUP
      return;
    sim->receive_octets(t.opc, t.data);
  }
  void mtp_pause_ind(uint32_t dpc) override {
    if (sim && dpc == cfg_.sim.dpc)
      sim->destination(false);
  }
  void mtp_resume_ind(uint32_t dpc) override {
    if (sim && dpc == cfg_.sim.dpc)
      sim->destination(true);
  }
  void mtp_status_ind(const sigtran::MtpStatus &) override {}

  void send(uint32_t dpc, const isup::Message &msg) override {
    sigtran::MtpTransfer t;
    t.opc = cfg_.sim.own_pc;
    t.dpc = dpc;
    t.si = 5;
    t.ni = cfg_.network_indicator;
    // Q.704 §2.2 / Q.764 §2.1: the SLS is the CIC's low bits (4 in ITU-T, 5 in ANSI).
    t.sls = static_cast<uint8_t>(msg.cic & (cfg_.sim.variant == isup::Variant::Ansi ? 0x1f : 0x0f));
    isup::EncodeOptions o;
    o.variant = cfg_.sim.variant;
    if (!isup::encode(msg, o, t.data).ok() || !node || !node->mtp_transfer_req(t).ok())
      ++send_failures;
  }

private:
  const Config &cfg_;
};

} // namespace

int main(int argc, char **argv) {
  std::string config_file, summary_file, write_out, trace_file;
  bool check_only = false, exit_when_done = false, log_isup = false, strict = false;
  int vty_port = 4262;
  int64_t run_for = 0, linger = 500;
  std::vector<Timed> timed;
  static const struct option opts[] = {{"config", required_argument, nullptr, 'c'},
                                       {"check", no_argument, nullptr, 'k'},
                                       {"write-config", required_argument, nullptr, 'w'},
                                       {"vty-port", required_argument, nullptr, 'p'},
                                       {"run-for", required_argument, nullptr, 'r'},
                                       {"exit-when-done", no_argument, nullptr, 'x'},
                                       {"at", required_argument, nullptr, 'a'},
                                       {"linger", required_argument, nullptr, 'l'},
                                       {"log-isup", no_argument, nullptr, 'L'},
                                       {"summary-file", required_argument, nullptr, 's'},
                                       {"strict", no_argument, nullptr, 'S'},
                                       {"isup-trace", required_argument, nullptr, 'T'},
                                       {"help", no_argument, nullptr, 'h'},
                                       {nullptr, 0, nullptr, 0}};
  for (int c; (c = getopt_long(argc, argv, "c:h", opts, nullptr)) != -1;) {
    switch (c) {
    case 'c': config_file = optarg; break;
    case 'k': check_only = true; break;
    case 'w': write_out = optarg; break;
    case 'p': vty_port = std::atoi(optarg); break;
    case 'r': run_for = std::atoll(optarg); break;
    case 'x': exit_when_done = true; break;
    case 'a': {
      const char *colon = std::strchr(optarg, ':');
      if (!colon) {
        usage();
        return kExitUsage;
      }
      timed.push_back({std::atoll(optarg), std::string(colon + 1)});
      break;
    }
    case 'l': linger = std::atoll(optarg); break;
    case 'L': log_isup = true; break;
    case 's': summary_file = optarg; break;
    case 'S': strict = true; break;
    case 'T': trace_file = optarg; break;
    default: usage(); return kExitUsage;
    }
  }
  if (config_file.empty()) {
    usage();
    return kExitUsage;
  }
  setvbuf(stdout, nullptr, _IOLBF, 0);

  void *ctx = talloc_named_const(nullptr, 0, "pstn-sim");
  msgb_talloc_ctx_init(ctx, 0);
  mgc::log::init(ctx);
  static struct vty_app_info app = {};
  app.name = "pstn-sim";
  app.version = "0.1";
  app.copyright = "mgc pstn-sim: a simulated ISUP exchange\r\n";
  app.tall_ctx = ctx;
  vty_init(&app);
  logging_vty_add_cmds();

  Config cfg;
  vty_install_config(cfg);
  // libosmocore prints the offending line itself when a command fails.
  if (vty_read_config_file(config_file.c_str(), nullptr) < 0) {
    std::fprintf(stderr, "pstn-sim: %s: not started: the config has an error (see above)\n",
                 config_file.c_str());
    return kExitConfig;
  }
  if (log_isup)
    cfg.sim.log_messages = true;
  const auto problems = validate(cfg);
  for (const auto &p : problems)
    std::fprintf(stderr, "pstn-sim: %s: %s\n", config_file.c_str(), p.c_str());
  if (!problems.empty())
    return kExitConfig;
  for (const auto &t : timed) {
    std::string w = t.command.substr(0, t.command.find(' '));
    static const char *known[] = {"grs", "cgb", "cgu", "blo", "ubl", "rsc", "reset-all",
                                  "originate", "call", "release-all"};
    bool ok = false;
    for (const char *k : known)
      ok = ok || w == k;
    if (!ok) {
      std::fprintf(stderr, "pstn-sim: --at: unknown command '%s'\n", t.command.c_str());
      return kExitUsage;
    }
  }
  if (!write_out.empty())
    return osmo_vty_write_config_file(write_out.c_str()) < 0 ? kExitConfig : kExitOk;
  if (!check_only && !mgc::log::has_target())
    mgc::log::add_default_target();
  if (!check_only)
    MGC_LOG(Main, Info, "pstn-sim %s starting with %s: point code %u, far end %u", app.version,
            config_file.c_str(), cfg.sim.own_pc, cfg.sim.dpc);
  if (check_only) {
    std::size_t n = 0;
    for (auto [a, b] : cfg.sim.cic_ranges)
      n += b - a + 1u;
    std::printf("pstn-sim: %s: configuration OK (pc %u, dpc %u, %zu circuits, %zu rules)\n",
                config_file.c_str(), cfg.sim.own_pc, cfg.sim.dpc, n, cfg.sim.rules.size());
    return kExitOk;
  }

  // ---- M3UA: one AS, one link toward the gateway, one route to its point code.
  sigtran::NodeConfig nc;
  nc.local_pc = cfg.sim.own_pc;
  sigtran::AsConfig as;
  as.name = "pstn";
  as.routing_context = cfg.m3ua.routing_context;
  as.send_rc = cfg.m3ua.routing_context != 0;
  as.mode = cfg.m3ua.traffic_mode;
  nc.ases.push_back(as);
  sigtran::LinkConfig link;
  link.name = "gateway";
  link.role = cfg.m3ua.role;
  link.ases = {0};
  nc.links.push_back(link);
  nc.routes.push_back(sigtran::Route{cfg.sim.dpc, 0xffffff, 0, 0});

  Wiring wiring(cfg);
  core::OsmoScheduler sched; // the process's one scheduler, for M3UA and the simulator alike
  sigtran::Node node(nc, sched, wiring);
  wiring.node = &node;
  Sim sim(cfg.sim, sched, wiring);
  wiring.sim = &sim;
  const int64_t t0 = now_ms();
  sim.set_log([t0](const std::string &line) {
    std::printf("%8.3f %s\n", double(now_ms() - t0) / 1000.0, line.c_str());
  });
  std::ofstream trace;
  if (!trace_file.empty()) {
    trace.open(trace_file);
    if (!trace) {
      std::fprintf(stderr, "pstn-sim: cannot write %s\n", trace_file.c_str());
      return kExitUsage;
    }
    isup::DecodeOptions jo;
    jo.variant = cfg.sim.variant;
    sim.set_trace([&trace, jo, t0](char dir, const isup::Message &m) {
      nlohmann::json j;
      j["t"] = double(now_ms() - t0) / 1000.0;
      j["dir"] = dir == '>' ? "tx" : "rx";
      j["cic"] = m.cic;
      // Sent messages as they went on the wire (the encoder sets what the builder leaves, such
      // as the odd/even indicators), so a trace compares with the far end's.
      isup::Message wire;
      std::vector<uint8_t> bytes;
      const bool tx = dir == '>' && isup::encode(m, jo, bytes).ok() &&
                      isup::decode(bytes, jo, wire).status.ok();
      j["message"] = isup::to_json(tx ? wire : m, jo);
      trace << j.dump() << '\n';
    });
  }
  // The node logs its management indications (ASP/AS states, ERR, NTFY) in category m3ua.

  sigtran::Transports tr(node);
  const bool sctp = cfg.m3ua.transport == sigtran::TransportProto::SctpUdp ||
                    cfg.m3ua.transport == sigtran::TransportProto::SctpRaw;
  if (sctp) {
    const bool raw = cfg.m3ua.transport == sigtran::TransportProto::SctpRaw;
    auto st = tr.init_sctp(sigtran::SctpStackConfig{raw ? uint16_t(0) : cfg.m3ua.udp_port, raw});
    if (!st.ok()) {
      std::fprintf(stderr, "pstn-sim: SCTP: %.*s\n", int(st.detail().size()), st.detail().data());
      return kExitConfig;
    }
  }
  sigtran::EndpointConfig ep;
  ep.proto = cfg.m3ua.transport;
  ep.server = cfg.m3ua.server;
  if (!cfg.m3ua.local_addresses.empty())
    ep.local_addrs = cfg.m3ua.local_addresses;
  ep.local_port = cfg.m3ua.local_port;
  if (!cfg.m3ua.remote_addresses.empty())
    ep.remote_addrs = cfg.m3ua.remote_addresses;
  ep.remote_port = cfg.m3ua.remote_port;
  ep.udp_remote_port = cfg.m3ua.udp_remote_port;
  ep.links = {0};
  int ep_index = 0;
  if (auto st = tr.add(ep, &ep_index); !st.ok()) {
    std::string why;
    if (cfg.m3ua.transport == sigtran::TransportProto::SctpKernel &&
        !sigtran::kernel_sctp_available(&why))
      std::fprintf(stderr, "pstn-sim: kernel SCTP not available here: %s\n", why.c_str());
    std::fprintf(stderr, "pstn-sim: M3UA: %.*s\n", int(st.detail().size()), st.detail().data());
    return kExitConfig;
  }
  if (cfg.m3ua.server && cfg.m3ua.transport == sigtran::TransportProto::Tcp)
    std::printf("LISTEN %u\n", tr.local_port(ep_index));

  vty_install_live([&node] { return node.show(); });
  vty_set_sim(&sim);
  vty_set_node(&node);
  // The VTY on libosmocore's `line vty` / `bind` address (default loopback: it has no login).
  const std::string vty_host = vty_get_bind_addr();
  if (vty_port > 0 && telnet_init_dynif(ctx, nullptr, vty_host.c_str(), vty_port) < 0) {
    std::fprintf(stderr, "pstn-sim: cannot bind the VTY to %s:%d\n", vty_host.c_str(), vty_port);
    return kExitConfig;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  std::printf("pstn-sim: running, pc %u toward dpc %u, %s %s%s%s\n", cfg.sim.own_pc, cfg.sim.dpc,
              name_of(sigtran::kRoleNames, cfg.m3ua.role), name_of(kM3uaModeNames, cfg.m3ua.server),
              vty_port > 0 ? (", VTY on " + vty_host + ":").c_str() : "",
              vty_port > 0 ? std::to_string(vty_port).c_str() : "");

  // A 20 ms tick wakes the loop for signals, the route state, --at and the end of the run.
  core::Timer *tick_self = nullptr;
  core::Timer tick(sched, [&] { tick_self->start(20); });
  tick_self = &tick;
  tick.start(20);

  int64_t up_at = 0, done_at = 0;
  bool ever_up = false, orig_started = false;
  auto run_cmd = [&](const std::string &c) {
    std::string err;
    const bool ok = execute(sim, cfg, c, err, &node);
    std::printf("%8.3f COMMAND %s: %s\n", double(now_ms() - t0) / 1000.0, c.c_str(),
                ok ? "ok" : err.c_str());
  };
  while (!g_quit) {
    osmo_select_main(0);
    const int64_t now = now_ms();
    const bool avail = node.dpc_available(cfg.sim.dpc);
    if (avail != sim.destination_available())
      sim.destination(avail);
    if (avail && !ever_up) {
      ever_up = true;
      up_at = now;
      if (cfg.reset_at_start)
        sim.reset_all();
    }
    if (ever_up) {
      if (cfg.originate && !orig_started && now - up_at >= cfg.originate_delay_ms) {
        orig_started = true;
        sim.originate_start(*cfg.originate);
      }
      for (auto &t : timed)
        if (!t.done && now - up_at >= t.at_ms) {
          t.done = true;
          run_cmd(t.command);
        }
    }
    if (run_for > 0 && now - t0 >= run_for)
      break;
    if (exit_when_done && ever_up) {
      bool done = (!cfg.originate || (orig_started && !sim.originating())) &&
                  sim.active_calls() == 0 && !sim.supervision_pending();
      for (const auto &t : timed)
        done = done && t.done;
      if (!done)
        done_at = 0;
      else if (!done_at)
        done_at = now;
      else if (now - done_at >= linger)
        break;
    }
  }

  // Clean stop: release what is left, give the far end a moment to answer (RLC).
  sim.release_all();
  const int64_t stop_at = now_ms();
  while (sim.active_calls() > 0 && now_ms() - stop_at < 2000)
    osmo_select_main(0);
  tick.stop();

  std::string text = sim.summary_text();
  char extra[128];
  std::snprintf(extra, sizeof extra, "isup.send-failures %llu\nm3ua.ever-up %d\n",
                static_cast<unsigned long long>(wiring.send_failures), ever_up ? 1 : 0);
  text += extra;
  std::fputs(text.c_str(), stdout);
  if (!summary_file.empty())
    std::ofstream(summary_file) << text;
  if (vty_port > 0)
    telnet_exit();

  uint64_t unexpected = sim.summary().malformed;
  for (const auto &[w, n] : sim.summary().unexpected)
    unexpected += n;
  if (!ever_up)
    return kExitNoPeer;
  if (!sim.busy_circuits().empty() || sim.active_calls() > 0)
    return kExitCircuitsBusy;
  if (sim.summary().calls_failed > 0)
    return kExitCallsFailed;
  if (strict && unexpected > 0)
    return kExitUnexpected;
  return kExitOk;
}
