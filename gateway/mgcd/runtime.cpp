#include "gateway/mgcd/runtime.h"

#include "callcontrol/call_manager.h"
#include "core/alarms.h"
#include "isup/cause.h"

#include <algorithm>
#include <cstdlib>
#include <malloc.h>

extern "C" {
#include <osmocom/vty/command.h>
#include <osmocom/vty/vector.h>
#include <osmocom/vty/vty.h>
// libosmovty's table of nodes (command.c): exported, not declared in its headers.
extern vector cmdvec;
}

namespace mgc::gw {

void Runtime::build(const Config &cfg) {
  groups.clear();
  const uint32_t own = cfg.ss7.point_code.value_or(0);
  for (const auto &t : cfg.trunk_groups) {
    auto g = std::make_unique<cc::CircuitGroup>(t.name, own, t.dpc.value_or(0), t.hunting);
    g->set_glare(t.glare);
    for (auto [a, b] : t.cic_ranges)
      g->add_range(a, b);
    groups.push_back(std::move(g));
  }
  routing = cc::RoutingTable();
  for (const auto &r : cfg.routes)
    routing.add(r);
}

cc::CircuitGroup *Runtime::group(const std::string &name) {
  if (calls)
    return calls->trunk_group(name);
  for (auto &g : groups)
    if (g->name() == name)
      return g.get();
  return nullptr;
}

std::vector<cc::CircuitGroup *> Runtime::all_groups() {
  if (calls) // the groups in force, live changes included
    return calls->trunk_groups();
  std::vector<cc::CircuitGroup *> v;
  for (auto &g : groups)
    if (cc::CircuitGroup *live = group(g->name()))
      v.push_back(live);
  return v;
}

std::size_t Runtime::circuit_count() const {
  std::size_t n = 0;
  for (const auto &g : groups)
    n += g->circuits().size();
  return n;
}

namespace {

Runtime *g_rt = nullptr;
Config *g_cfg = nullptr;

#define NL VTY_NEWLINE
#define CMD(fn, str, help) DEFUN_ATTR_USRATTR(fn, fn##_cmd, 0, 0, str, help)

void show_group(struct vty *vty, const cc::CircuitGroup &g) {
  const auto k = g.counts();
  vty_out(vty, "trunk-group %s: dpc %u, %zu circuits: %zu idle, %zu incoming, %zu outgoing, "
               "%zu transient, %zu blocked%s",
          g.name().c_str(), g.dpc(), k.total, k.idle, k.incoming, k.outgoing, k.transient,
          k.blocked, NL);
  for (const auto &c : g.circuits()) {
    std::string blk;
    if (c.blocking.local_maintenance) blk += " local-maintenance";
    if (c.blocking.local_hardware) blk += " local-hardware";
    if (c.blocking.remote_maintenance) blk += " remote-maintenance";
    if (c.blocking.remote_hardware) blk += " remote-hardware";
    if (c.remote_unequipped) blk += " remote-unequipped";
    if (c.removed) blk += " removed";
    vty_out(vty, "  cic %5u  %-14s%s%s%s", c.cic, cc::circuit_call_name(c.call),
            g.controls(c.cic) ? " (controls glare)" : "", blk.c_str(), NL);
  }
}

CMD(show_circuits, "show circuits [NAME]", SHOW_STR "State of every circuit\nTrunk group\n") {
  if (argc > 0) {
    cc::CircuitGroup *g = g_rt->group(argv[0]);
    if (!g) {
      vty_out(vty, "%% no trunk-group %s%s", argv[0], NL);
      return CMD_WARNING;
    }
    show_group(vty, *g);
    return CMD_SUCCESS;
  }
  for (auto *g : g_rt->all_groups())
    show_group(vty, *g);
  return CMD_SUCCESS;
}

CMD(show_tgs, "show trunk-groups", SHOW_STR "Circuit counts per trunk group\n") {
  for (auto *g : g_rt->all_groups()) {
    const auto k = g->counts();
    vty_out(vty,
            "%-16s dpc %-8u total %4zu idle %4zu busy %4zu blocked %4zu removed %4zu hunting %s%s",
            g->name().c_str(), g->dpc(), k.total, k.idle, k.incoming + k.outgoing, k.blocked,
            k.removed, cc::hunting_name(g->hunting()), NL);
  }
  return CMD_SUCCESS;
}

// Call admission and dry-up per trunk group, SIP peer and route (issue 15; admission.h): the
// limits in force, the calls holding each, and what was offered, admitted and refused.
CMD(show_admission, "show admission",
    SHOW_STR "Call admission and dry-up per trunk group, SIP peer and route\n") {
  if (!g_rt->calls) {
    vty_out(vty, "%% call control is not running%s", NL);
    return CMD_WARNING;
  }
  if (g_rt->show_gateway)
    vty_out(vty, "%s", g_rt->show_gateway().c_str());
  using Kind = cc::CallManager::EntityKind;
  for (const auto &[kind, label] : {std::pair{Kind::TrunkGroup, "trunk-group"},
                                    std::pair{Kind::SipPeer, "sip-peer"},
                                    std::pair{Kind::Route, "route"}})
    for (const auto &[name, a] : g_rt->calls->admissions(kind).all()) {
      const auto &l = a.limits();
      std::string state = a.shut_down() ? "shut down" : "in service";
      if (kind == Kind::TrunkGroup)
        state = g_rt->calls->dry_up_state(name);
      vty_out(vty, "%s %s: %s, calls %u/%s, rate %s/s burst %u, direction %s%s", label,
              kind == Kind::Route && name.empty() ? "default" : name.c_str(), state.c_str(),
              a.active(), l.max_calls ? std::to_string(l.max_calls).c_str() : "-",
              l.calls_per_second ? std::to_string(l.calls_per_second).c_str() : "-",
              l.calls_per_second ? (l.burst ? l.burst : l.calls_per_second) : 0,
              name_of(cc::kCallDirectionNames, l.direction), NL);
      std::string ctrs;
      a.counters().for_each([&ctrs](std::string_view n, uint64_t v) {
        ctrs += " " + std::string(n) + " " + std::to_string(v);
      });
      vty_out(vty, " %s%s", ctrs.c_str(), NL);
    }
  return CMD_SUCCESS;
}

CMD(show_timers, "show isup timers", SHOW_STR "ISUP\nTimers in force (Q.764 Annex A)\n") {
  const cc::IsupTimerValues &in_force = g_rt->calls ? g_rt->calls->timers() : g_cfg->timers;
  for (const auto &t : cc::isup_timer_table())
    vty_out(vty, "%-4s %7u ms  (Q.764 %u..%u ms)  %s%s", std::string(t.name).c_str(),
            in_force.ms(t.timer), t.min_ms, t.max_ms, std::string(t.description).c_str(), NL);
  return CMD_SUCCESS;
}

// `show routes` abbreviates the target kinds.
constexpr auto kRouteTargetShortNames = name_table<cc::RouteTarget::Kind>(
    {{cc::RouteTarget::Kind::TrunkGroup, "tg"}, {cc::RouteTarget::Kind::SipPeer, "sip"}});

CMD(show_routes, "show routes", SHOW_STR "Called-number routes\n") {
  const auto &routes = g_rt->calls ? g_rt->calls->routing().routes() : g_rt->routing.routes();
  for (const auto &r : routes) {
    vty_out(vty, "%-12s strip %u prepend '%s' ->", r.prefix.empty() ? "default" : r.prefix.c_str(),
            r.strip, r.prepend.c_str());
    for (const auto &t : r.targets)
      vty_out(vty, " %s:%s", name_of(kRouteTargetShortNames, t.kind), t.name.c_str());
    vty_out(vty, "%s", NL);
  }
  return CMD_SUCCESS;
}

CMD(show_calls, "show calls", SHOW_STR "Calls in progress\n") {
  if (!g_rt->calls)
    return CMD_SUCCESS;
  for (const auto &c : g_rt->calls->calls()) {
    vty_out(vty, "call %u %s %s cic %u isup %s %s %s -> %s", c.ref, c.direction.c_str(),
            c.trunk_group.c_str(), c.cic, c.isup_state.c_str(),
            c.answered ? "answered" : "setup", c.calling.c_str(), c.called.c_str());
    if (!c.out_trunk_group.empty()) // a transit call: its outgoing circuit instead of a SIP leg
      vty_out(vty, " out %s cic %u isup %s%s", c.out_trunk_group.c_str(), c.out_cic,
              c.out_isup_state.c_str(), NL);
    else
      vty_out(vty, " sip %s %s%s", c.sip_state.c_str(), c.sip_call_id.c_str(), NL);
  }
  vty_out(vty, "%zu calls%s", g_rt->calls->active_calls(), NL);
  return CMD_SUCCESS;
}

// The heap as glibc's allocator sees it (mallinfo2): what the live objects hold, beside what the
// process's resident size says (which keeps the allocator's peak). For capacity planning: the
// bytes in use per call in progress.
CMD(show_memory, "show memory", SHOW_STR "Heap in use (glibc mallinfo2) and per call in progress\n") {
  const struct mallinfo2 mi = mallinfo2();
  const std::size_t in_use = mi.uordblks + mi.hblkhd;
  vty_out(vty, "heap in use %zu bytes (arena %zu, mmapped %zu, free in arena %zu)%s", in_use,
          mi.arena, mi.hblkhd, mi.fordblks, NL);
  const std::size_t calls = g_rt->calls ? g_rt->calls->active_calls() : 0;
  vty_out(vty, "calls in progress %zu%s", calls, NL);
  return CMD_SUCCESS;
}

CMD(show_overload, "show overload",
    SHOW_STR "Machine congestion level, its measures and the new calls refused (DESIGN.md Overload)\n") {
  if (g_rt->show_overload)
    vty_out(vty, "%s%s", g_rt->show_overload().c_str(), NL);
  return CMD_SUCCESS;
}

CMD(show_cdr, "show cdr",
    SHOW_STR "Call detail record sinks: state, records written, failed, spooled, replayed\n") {
  if (!g_rt->show_cdr) {
    vty_out(vty, "%% the gateway is not running%s", NL);
    return CMD_WARNING;
  }
  vty_out(vty, "%s%s", g_rt->show_cdr().c_str(), NL);
  return CMD_SUCCESS;
}

CMD(cdr_rotate, "cdr rotate",
    "Call detail records\nRename the CSV file with a UTC timestamp and start a new one (as SIGHUP)\n") {
  if (!g_rt->rotate_cdr) {
    vty_out(vty, "%% the gateway is not running%s", NL);
    return CMD_WARNING;
  }
  g_rt->rotate_cdr();
  return CMD_SUCCESS;
}

CMD(show_metrics, "show metrics",
    SHOW_STR "The Prometheus endpoint: where it listens, scrapes and requests served\n") {
  if (g_rt->show_metrics)
    vty_out(vty, "%s", g_rt->show_metrics().c_str());
  return CMD_SUCCESS;
}

CMD(show_destinations, "show destinations",
    SHOW_STR "Signalling destinations: accessible, congestion levels (Q.764 2.10, 2.11), user part "
             "(2.13), timers, new calls withheld\n") {
  if (!g_rt->calls) {
    vty_out(vty, "%% the gateway is not running%s", NL);
    return CMD_WARNING;
  }
  const auto &d = g_rt->calls->destinations();
  vty_out(vty, "withheld at level 1 %u%%, level 2 %u%%, level 3 100%%%s",
          d.reduction().level1_percent, d.reduction().level2_percent, NL);
  for (const auto &v : d.show())
    vty_out(vty,
            "dpc %s: %s, acl level %u, mtp congestion level %u, user part %s, T29 %s, T30 %s, "
            "T4 %s, new calls %lu, withheld %lu%s",
            format_point_code(v.pc, g_cfg->ss7.point_code_format).c_str(),
            v.available ? "accessible" : "inaccessible", unsigned(v.acl_level),
            unsigned(v.mtp_level), name_of(cc::kUserPartStateNames, v.user_part, "?"),
            v.t29 ? "running" : "idle", v.t30 ? "running" : "idle", v.t4 ? "running" : "idle",
            static_cast<unsigned long>(v.offered), static_cast<unsigned long>(v.withheld), NL);
  return CMD_SUCCESS;
}

// A show text of several lines ending in '\n', printed with the VTY's own line ends.
void print_lines(struct vty *vty, std::string text) {
  for (std::size_t i = 0; (i = text.find('\n', i)) != std::string::npos; i += 2)
    text.replace(i, 1, "\r\n");
  vty_out(vty, "%s", text.c_str());
}

CMD(show_m3ua, "show m3ua", SHOW_STR "M3UA links, ASes and routes\n") {
  if (g_rt->show_m3ua)
    vty_out(vty, "%s%s", g_rt->show_m3ua().c_str(), NL);
  return CMD_SUCCESS;
}

CMD(show_peers, "show peers", SHOW_STR "SIP peers, media gateways and the M3UA peer\n") {
  if (!g_rt->show_peers) {
    vty_out(vty, "%% the gateway is not running%s", NL);
    return CMD_WARNING;
  }
  print_lines(vty, g_rt->show_peers());
  return CMD_SUCCESS;
}

CMD(show_sip_peers, "show sip peers",
    SHOW_STR "SIP\nSIP peers: calls, session timer, keepalive state (up/down)\n") {
  if (!g_rt->show_sip_peers) {
    vty_out(vty, "%% the gateway is not running%s", NL);
    return CMD_WARNING;
  }
  print_lines(vty, g_rt->show_sip_peers());
  return CMD_SUCCESS;
}

CMD(show_mgws, "show media-gateways",
    SHOW_STR "Media gateways: protocol state, their circuits' service, restarts, keepalive\n") {
  if (!g_rt->show_media_gateways) {
    vty_out(vty, "%% the gateway is not running%s", NL);
    return CMD_WARNING;
  }
  print_lines(vty, g_rt->show_media_gateways());
  return CMD_SUCCESS;
}

CMD(show_sip_listeners, "show sip listeners",
    SHOW_STR "SIP\nListeners in force: transport, address, bound address, connections\n") {
  if (!g_rt->show_sip_listeners) {
    vty_out(vty, "%% the gateway is not running%s", NL);
    return CMD_WARNING;
  }
  print_lines(vty, g_rt->show_sip_listeners());
  return CMD_SUCCESS;
}

CMD(show_alarms, "show alarms",
    SHOW_STR
    "Alarms: active ones, the last cleared ones, and how many were raised per category\n") {
  if (!g_rt->alarms) {
    vty_out(vty, "%% no alarms in this process%s", NL);
    return CMD_WARNING;
  }
  print_lines(vty, g_rt->alarms->show());
  return CMD_SUCCESS;
}

int show_layer_counters(struct vty *vty, const char *layer) {
  if (!g_rt->counters) {
    if (std::string_view(layer) == "call-control" && g_rt->calls) // a gateway without the layers
      g_rt->calls->counters().for_each([&](std::string_view n, uint64_t v) {
        vty_out(vty, "call-control.%-35s %lu%s", std::string(n).c_str(),
                static_cast<unsigned long>(v), NL);
      });
    return CMD_SUCCESS;
  }
  g_rt->counters(layer, [&](std::string_view group, std::string_view name, uint64_t v) {
    const std::string full = std::string(group) + "." + std::string(name);
    vty_out(vty, "%-48s %lu%s", full.c_str(), static_cast<unsigned long>(v), NL);
  });
  return CMD_SUCCESS;
}

CMD(show_counters, "show call-control counters", SHOW_STR "Call control\nCounters\n") {
  return show_layer_counters(vty, "call-control");
}
CMD(show_layer_ctrs, "show (sip|mgcp|h248|m3ua|isup) counters",
    SHOW_STR "SIP transports, parser, transactions and user agent\n"
    "MGCP call agents, transactions and decoder, per media gateway\n"
    "H.248 call agents, transactions and decoder, per media gateway\n"
    "M3UA node, ERRs sent, decoder and transports\nISUP sent and decode results (Q.764 2.9.5)\n"
    "Counters\n") {
  return show_layer_counters(vty, argv[0]);
}
CMD(show_all_counters, "show counters", SHOW_STR "Counters of every layer\n") {
  for (const char *layer : {"sip", "mgcp", "h248", "m3ua", "isup", "call-control", "cdr"})
    show_layer_counters(vty, layer);
  return CMD_SUCCESS;
}

CMD(show_all_timers, "show timers", SHOW_STR "Every protocol timer in force\n") {
  // In force: what the running layers were given (a configuration left invalid by an edit is
  // not applied, so the VTY's copy may differ).
  const Config &c = g_rt->in_force ? *g_rt->in_force : *g_cfg;
  for (const auto &t : cc::isup_timer_table()) {
    std::string n(t.name);
    n[0] = 't';
    vty_out(vty, "isup %-20s %7u ms  (%u..%u)  %s%s", n.c_str(), c.timers.ms(t.timer), t.min_ms,
            t.max_ms, std::string(t.description).c_str(), NL);
  }
  for (const auto &t : layer_timer_table()) {
    const std::string name = std::string(t.layer) + " " + std::string(t.name);
    vty_out(vty, "%-25s %7u %-2s  (%u..%u)  %s%s", name.c_str(), c.layer_timers.get(t.timer),
            std::string(t.unit).c_str(), t.min, t.max, std::string(t.description).c_str(), NL);
  }
  // RFC 3261 Appendix A: what follows from T1 and T4 (UDP; 0 over TCP/TLS where marked).
  const uint32_t t1 = c.layer_timers.get(LayerTimer::SipT1);
  const uint32_t t4 = c.layer_timers.get(LayerTimer::SipT4);
  vty_out(vty, "sip timer-b/f/h/j (64*T1)  %7u ms  INVITE / non-INVITE transaction timeout, "
               "wait for ACK, absorb retransmissions%s", 64 * t1, NL);
  vty_out(vty, "sip timer-d               %7u ms  absorb response retransmissions "
               "(max(32 s, 64*T1); 0 over TCP/TLS)%s", std::max<uint32_t>(32000, 64 * t1), NL);
  vty_out(vty, "sip timer-i/k (T4)        %7u ms  absorb ACK / response retransmissions "
               "(0 over TCP/TLS)%s", t4, NL);
  return CMD_SUCCESS;
}

// Maintenance (Q.764 §2.8, §2.9.3): the messages go to the far exchange, the timers repeat them.
int maintain(struct vty *vty, const char *tg, const std::function<bool(cc::CircuitSupervision &)> &p) {
  if (!g_rt->calls) {
    vty_out(vty, "%% the gateway is not running%s", NL);
    return CMD_WARNING;
  }
  if (!g_rt->calls->maintain(tg, p)) {
    vty_out(vty, "%% no such trunk-group or circuit, or a range the procedure does not allow%s", NL);
    return CMD_WARNING;
  }
  return CMD_SUCCESS;
}

uint16_t cic_arg(const char *s) { return static_cast<uint16_t>(std::atoi(s)); }

CMD(block_cic, "block trunk-group NAME cic <0-16383>",
    "Block for maintenance (BLO)\nTrunk group\nName\nOne circuit\nCIC\n") {
  const uint16_t cic = cic_arg(argv[1]);
  return maintain(vty, argv[0], [cic](cc::CircuitSupervision &s) { return s.block(cic); });
}
CMD(unblock_cic, "unblock trunk-group NAME cic <0-16383>",
    "Unblock (UBL)\nTrunk group\nName\nOne circuit\nCIC\n") {
  const uint16_t cic = cic_arg(argv[1]);
  return maintain(vty, argv[0], [cic](cc::CircuitSupervision &s) { return s.unblock(cic); });
}
CMD(reset_cic, "reset trunk-group NAME cic <0-16383>",
    "Reset (RSC)\nTrunk group\nName\nOne circuit\nCIC\n") {
  const uint16_t cic = cic_arg(argv[1]);
  return maintain(vty, argv[0], [cic](cc::CircuitSupervision &s) { return s.reset(cic); });
}
CMD(block_range, "block trunk-group NAME cics <0-16383> <0-16383> (maintenance|hardware)",
    "Block a range (CGB)\nTrunk group\nName\nA range\nFirst CIC\nLast CIC\n"
    "Maintenance oriented\nHardware failure oriented (calls are released)\n") {
  const uint16_t a = cic_arg(argv[1]), b = cic_arg(argv[2]);
  const bool hw = argv[3][0] == 'h';
  if (b <= a || b - a > 255)
    return vty_out(vty, "%% a range is 2 to 256 circuits%s", NL), CMD_WARNING;
  return maintain(vty, argv[0], [=](cc::CircuitSupervision &s) {
    return s.group_block(a, static_cast<uint8_t>(b - a), hw);
  });
}
CMD(unblock_range, "unblock trunk-group NAME cics <0-16383> <0-16383> (maintenance|hardware)",
    "Unblock a range (CGU)\nTrunk group\nName\nA range\nFirst CIC\nLast CIC\n"
    "Maintenance oriented\nHardware failure oriented\n") {
  const uint16_t a = cic_arg(argv[1]), b = cic_arg(argv[2]);
  const bool hw = argv[3][0] == 'h';
  if (b <= a || b - a > 255)
    return vty_out(vty, "%% a range is 2 to 256 circuits%s", NL), CMD_WARNING;
  return maintain(vty, argv[0], [=](cc::CircuitSupervision &s) {
    return s.group_unblock(a, static_cast<uint8_t>(b - a), hw);
  });
}
CMD(reset_range, "reset trunk-group NAME cics <0-16383> <0-16383>",
    "Reset a range (GRS)\nTrunk group\nName\nA range\nFirst CIC\nLast CIC\n") {
  const uint16_t a = cic_arg(argv[1]), b = cic_arg(argv[2]);
  if (b <= a || b - a > 31)
    return vty_out(vty, "%% GRS covers 2 to 32 circuits (Q.764 2.9.3.2)%s", NL), CMD_WARNING;
  return maintain(vty, argv[0], [=](cc::CircuitSupervision &s) {
    return s.group_reset(a, static_cast<uint8_t>(b - a));
  });
}
CMD(release_call, "release call <1-4294967295> [<1-127>]",
    "Release\nA call (see show calls)\nCall reference\nQ.850 cause (default 16)\n") {
  if (!g_rt->calls)
    return CMD_WARNING;
  const auto ref = static_cast<uint32_t>(std::strtoul(argv[0], nullptr, 10));
  const auto cause = argc > 1 ? static_cast<uint8_t>(std::atoi(argv[1]))
                              : isup::cause_value(isup::Cause::NormalCallClearing);
  if (!g_rt->calls->release_call(ref, cause)) {
    vty_out(vty, "%% no call %u%s", ref, NL);
    return CMD_WARNING;
  }
  return CMD_SUCCESS;
}

#undef CMD

} // namespace

namespace {
// libosmocore's logging_vty_add_cmds() installs a "show alarms" of its own (the lines a `log
// alarms N` ring-buffer target kept), and a second command of that name would be refused. mgcd's
// alarm registry takes the command over: the element keeps its place in the VIEW and ENABLE
// nodes, its function and help become mgcd's. Without libosmocore's (a test that installs no
// logging commands) ours is installed as usual.
void install_show_alarms() {
  bool taken = false;
  for (int node : {VIEW_NODE, ENABLE_NODE}) {
    auto *cn = static_cast<cmd_node *>(vector_lookup(cmdvec, node));
    for (unsigned i = 0; cn && i < vector_active(cn->cmd_vector); ++i) {
      auto *c = static_cast<cmd_element *>(vector_slot(cn->cmd_vector, i));
      if (!c || std::string_view(c->string) != "show alarms")
        continue;
      c->func = show_alarms_cmd.func;
      c->doc = show_alarms_cmd.doc;
      // the help of the word "alarms" (each word's description was taken from doc at install)
      if (c->strvec && vector_active(c->strvec) > 1)
        if (auto *words = static_cast<vector>(vector_slot(c->strvec, 1)))
          if (vector_active(words) > 0)
            if (auto *d = static_cast<desc *>(vector_slot(words, 0)))
              d->str = "Alarms: active ones, the last cleared ones, raised per category";
      taken = true;
    }
  }
  if (!taken)
    install_element_ve(&show_alarms_cmd);
}
} // namespace

void vty_install_show(Runtime &rt, Config &cfg) {
  g_rt = &rt;
  g_cfg = &cfg;
  install_show_alarms();
  for (auto *c :
       {&show_circuits_cmd, &show_tgs_cmd, &show_timers_cmd, &show_routes_cmd, &show_calls_cmd,
        &show_m3ua_cmd, &show_counters_cmd, &show_peers_cmd, &show_sip_peers_cmd, &show_layer_ctrs_cmd,
        &show_all_counters_cmd, &show_all_timers_cmd, &show_memory_cmd, &show_overload_cmd, &show_metrics_cmd,
        &show_destinations_cmd, &show_admission_cmd, &show_mgws_cmd, &show_sip_listeners_cmd, &show_cdr_cmd})
    install_element_ve(c);
  for (auto *c : {&block_cic_cmd, &unblock_cic_cmd, &reset_cic_cmd, &block_range_cmd,
                  &unblock_range_cmd, &reset_range_cmd, &release_call_cmd, &cdr_rotate_cmd})
    install_element(ENABLE_NODE, c);
}

} // namespace mgc::gw
