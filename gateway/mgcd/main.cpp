// mgcd: the gateway daemon. Reads its VTY config, refuses to start on any error or
// inconsistency, builds the circuits of every trunk group, and serves the VTY on its configured
// address (the `telnet` node, else `line vty` / `bind`, default 127.0.0.1) to the allowed sources.
// Then it starts the gateway: M3UA toward the SG/peer, SIP, the media gateways and call control.
// Logging (DESIGN.md "Logging and alarms"): the config's `log` blocks, else stderr.
#include "core/alarms.h"
#include "core/log.h"
#include "core/status.h"
#include "gateway/mgcd/config.h"
#include "gateway/mgcd/runtime.h"
#include "gateway/mgcd/metrics.h"
#include "gateway/mgcd/telnet.h"
#include "gateway/mgcd/vty.h"
#ifdef MGC_MGCD_FULL
#include "gateway/mgcd/gateway.h"
#endif

extern "C" {
#include <osmocom/core/application.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/select.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/telnet_interface.h>
#include <osmocom/vty/vty.h>
}

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <getopt.h>
#include <string>

namespace {

volatile std::sig_atomic_t g_quit = 0, g_reload = 0;
void on_signal(int) { g_quit = 1; }
void on_hup(int) { g_reload = 1; }

void usage() {
  std::fprintf(stderr,
               "usage: mgcd -c FILE [--check] [--write-config OUT] [--vty-port PORT]\n"
               "  -c FILE             config in VTY syntax (see config/lab.cfg)\n"
               "  --check             read and validate the config, then exit\n"
               "  --write-config OUT  write the running config to OUT, then exit\n"
               "  --vty-port PORT     telnet VTY on PORT (default: the config's, else 4260)\n");
}

// Reads the config; on the first command that fails, says which line of the file it was.
// libosmocore prints the command's own complaint and the line's text; reading stops there, so the
// stream's position is just past the offending line.
bool read_config(const std::string &file) {
  FILE *f = std::fopen(file.c_str(), "r");
  if (!f) {
    std::fprintf(stderr, "mgcd: %s: not started: cannot read it: %s\n", file.c_str(),
                 std::strerror(errno));
    return false;
  }
  const int rc = vty_read_config_filep(f, nullptr);
  if (rc < 0) {
    const long end = std::ftell(f);
    std::rewind(f);
    int line = 1;
    for (long i = 0; i + 1 < end; ++i)
      if (std::fgetc(f) == '\n')
        ++line;
    std::fclose(f);
    std::fprintf(stderr, "mgcd: %s:%d: not started: the config has an error on line %d "
                 "(see above)\n", file.c_str(), line, line);
    return false;
  }
  std::fclose(f);
  host_config_set(file.c_str()); // `write` saves the running config back to this file
  return true;
}

} // namespace

using mgc::Status;

int main(int argc, char **argv) {
  std::string config_file, write_out;
  bool check_only = false;
  int vty_port = -1; // -1: the config's
  static const struct option opts[] = {{"config", required_argument, nullptr, 'c'},
                                       {"check", no_argument, nullptr, 'k'},
                                       {"write-config", required_argument, nullptr, 'w'},
                                       {"vty-port", required_argument, nullptr, 'p'},
                                       {"help", no_argument, nullptr, 'h'},
                                       {nullptr, 0, nullptr, 0}};
  for (int c; (c = getopt_long(argc, argv, "c:h", opts, nullptr)) != -1;) {
    switch (c) {
    case 'c': config_file = optarg; break;
    case 'k': check_only = true; break;
    case 'w': write_out = optarg; break;
    case 'p': vty_port = std::atoi(optarg); break;
    default: usage(); return 2;
    }
  }
  if (config_file.empty()) {
    usage();
    return 2;
  }

  void *ctx = talloc_named_const(nullptr, 0, "mgcd");
  msgb_talloc_ctx_init(ctx, 0);
  mgc::log::init(ctx);

  static struct vty_app_info app = {};
  app.name = "mgcd";
  app.version = "0.1";
  app.copyright = "mgc: an open SIP-T/ISUP media gateway controller\r\n";
  app.tall_ctx = ctx;
  vty_init(&app);
  // `log stderr|file|syslog ...` and `logging level CAT LEVEL`, in the config and live.
  logging_vty_add_cmds();

  mgc::gw::Config cfg;
  mgc::gw::Runtime rt;
  mgc::core::Alarms alarms;
  rt.alarms = &alarms;
  mgc::gw::vty_install(cfg);
  mgc::gw::vty_install_show(rt, cfg);
  std::function<void(struct vty *)> reload;
  mgc::gw::vty_install_reload([&reload](struct vty *vty) {
    if (reload)
      reload(vty);
  });

  if (!read_config(config_file))
    return 1;
  const auto problems = mgc::gw::validate(cfg);
  // --check and --write-config answer on the terminal; the daemon logs from here on, to the
  // config's targets or, when it names none, to stderr.
  const bool daemon = !check_only && write_out.empty();
  if (daemon && !mgc::log::has_target())
    mgc::log::add_default_target();
  if (daemon)
    MGC_LOG(Main, Info, "mgcd %s starting with %s", app.version, config_file.c_str());
  for (const auto &p : problems) {
    if (daemon)
      MGC_LOG(Main, Error, "%s: %s", config_file.c_str(), p.c_str());
    else
      std::fprintf(stderr, "mgcd: %s: %s\n", config_file.c_str(), p.c_str());
  }
  if (!problems.empty()) {
    MGC_LOG(Main, Fatal, "not started: %zu configuration problem(s)", problems.size());
    if (!daemon || !mgc::log::logs_to_stderr())
      std::fprintf(stderr, "mgcd: not started: %zu configuration problem(s)\n", problems.size());
    return 1;
  }
  rt.build(cfg);
  if (!write_out.empty())
    return osmo_vty_write_config_file(write_out.c_str()) < 0 ? 1 : 0;
  if (check_only) {
    std::printf("mgcd: %s: configuration OK (%zu trunk groups, %zu circuits, %zu routes)\n",
                config_file.c_str(), rt.groups.size(), rt.circuit_count(), cfg.routes.size());
    return 0;
  }

  MGC_LOG(Main, Info, "configuration OK: %zu trunk groups, %zu circuits, %zu routes",
          rt.groups.size(), rt.circuit_count(), cfg.routes.size());

#ifdef MGC_MGCD_FULL
  mgc::gw::Gateway gateway(alarms);
  if (Status s = gateway.start(cfg); !s.ok()) {
    MGC_LOG(Main, Fatal, "not started: %.*s", int(s.detail().size()), s.detail().data());
    if (!mgc::log::logs_to_stderr())
      std::fprintf(stderr, "mgcd: not started: %.*s\n", int(s.detail().size()), s.detail().data());
    return 1;
  }
  rt.calls = gateway.calls();
  rt.in_force = &gateway.running();
  rt.show_m3ua = [&gateway] { return gateway.show_m3ua(); };
  rt.show_peers = [&gateway] { return gateway.show_peers(); };
  rt.show_sip_peers = [&gateway] { return gateway.show_sip_peers(); };
  rt.show_media_gateways = [&gateway] { return gateway.show_media_gateways(); };
  rt.show_sip_listeners = [&gateway] { return gateway.show_sip_listeners(); };
  rt.show_overload = [&gateway] { return gateway.show_overload(); };
  rt.show_gateway = [&gateway] { return gateway.show_shutdown(); };
  rt.show_cdr = [&gateway] { return gateway.show_cdr(); };
  rt.rotate_cdr = [&gateway] { gateway.rotate_cdr(); };
  rt.show_metrics = [&gateway] {
    return gateway.metrics() ? gateway.metrics()->show() : std::string();
  };
  rt.counters = [&gateway](std::string_view layer, const mgc::gw::Runtime::CounterFn &f) {
    return gateway.counters(layer, f);
  };
  // Live configuration (DESIGN.md "Live configuration"): a config command that leaves the
  // configuration valid is applied at once; while it is incomplete (a trunk group without its
  // DPC yet) nothing is, and the operator is told what is missing.
  auto say = [](struct vty *vty, const std::string &line) {
    if (vty)
      vty_out(vty, "%% %s%s", line.c_str(), VTY_NEWLINE);
  };
  mgc::gw::vty_go_live(gateway.running(), [&cfg, &gateway, say](struct vty *vty) {
    const auto problems = mgc::gw::validate(cfg);
    if (!problems.empty()) {
      for (const auto &p : problems)
        say(vty, "not applied yet: " + p);
      return;
    }
    for (const auto &line : gateway.apply(cfg))
      say(vty, line);
  });
  // `reload` and SIGHUP: the file read again into a fresh configuration; applied if it is valid,
  // else the configuration in force stays and the problems are named. No other session may be
  // configuring meanwhile (its node would point into what is replaced).
  reload = [&cfg, &gateway, &config_file, say](struct vty *vty) {
    static struct vty signal_vty = {};
    struct vty *holder = vty ? vty : &signal_vty;
    if (!vty_config_lock(holder)) {
      MGC_LOG(Main, Notice, "reload refused: another session is configuring");
      say(vty, "reload refused: another session is configuring");
      return;
    }
    MGC_LOG(Main, Notice, "reload: reading %s", config_file.c_str());
    const mgc::gw::Config before = cfg;
    cfg = mgc::gw::Config{};
    mgc::gw::vty_pause_live(true);
    const bool read = read_config(config_file);
    mgc::gw::vty_pause_live(false);
    const auto problems = read ? mgc::gw::validate(cfg) : std::vector<std::string>{"unreadable"};
    if (!problems.empty()) {
      cfg = before;
      for (const auto &p : problems) {
        MGC_LOG(Main, Error, "reload: %s: %s: nothing applied", config_file.c_str(), p.c_str());
        say(vty, "reload: " + p + ": nothing applied");
      }
    } else {
      const auto lines = gateway.apply(cfg);
      for (const auto &line : lines)
        say(vty, line);
      if (lines.empty())
        say(vty, "reload: nothing changed");
      MGC_LOG(Main, Notice, "reload: %zu changes", lines.size());
    }
    vty_config_unlock(holder);
  };
#endif
  // The VTY: the `telnet` node's address, else libosmocore's `line vty` / `bind` (its default is
  // loopback: without `login` and a password anyone who reaches it may configure mgcd); the port
  // from --vty-port, else the config's, else 4260. Sources outside `telnet` / `allow` are refused.
  const std::string vty_host = cfg.telnet.address.empty() ? vty_get_bind_addr() : cfg.telnet.address;
  if (vty_port < 0)
    vty_port = cfg.telnet.port ? cfg.telnet.port : vty_get_bind_port(4260);
  mgc::core::Address vty_at;
  mgc::gw::TelnetServer telnet(cfg.telnet.allow);
  Status vs = mgc::core::Address::parse(vty_host, static_cast<uint16_t>(vty_port), vty_at)
                  ? telnet.listen(vty_at)
                  : Status("mgcd.bad_vty_address", 0);
  if (!vs.ok()) {
    MGC_LOG(Main, Fatal, "not started: cannot bind the VTY to %s port %d", vty_host.c_str(), vty_port);
    if (!mgc::log::logs_to_stderr())
      std::fprintf(stderr, "mgcd: cannot bind the VTY to %s port %d\n", vty_host.c_str(), vty_port);
    return 1;
  }
  const std::string vty_where = telnet.local().to_string();
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGHUP, on_hup);
  std::printf("mgcd: running, VTY on %s\n", vty_where.c_str());
  std::fflush(stdout);
  MGC_LOG(Main, Notice, "running, VTY on %s", vty_where.c_str());
  while (!g_quit) {
    osmo_select_main(0);
    if (g_reload) {
      g_reload = 0;
      if (reload)
        reload(nullptr);
      // SIGHUP also rotates the CDR file (logrotate's postrotate habit; cdr.h).
      if (rt.rotate_cdr)
        rt.rotate_cdr();
    }
  }
  MGC_LOG(Main, Notice, "stopping (signal)");
  return 0;
}
