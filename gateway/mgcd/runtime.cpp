#include "gateway/mgcd/runtime.h"

extern "C" {
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>
}

namespace mgc::gw {

void Runtime::build(const Config &cfg) {
  groups.clear();
  const uint32_t own = cfg.ss7.point_code.value_or(0);
  for (const auto &t : cfg.trunk_groups) {
    auto g = std::make_unique<cc::CircuitGroup>(t.name, own, t.dpc.value_or(0), t.hunting);
    for (auto [a, b] : t.cic_ranges)
      g->add_range(a, b);
    groups.push_back(std::move(g));
  }
  routing = cc::RoutingTable();
  for (const auto &r : cfg.routes)
    routing.add(r);
}

cc::CircuitGroup *Runtime::group(const std::string &name) {
  for (auto &g : groups)
    if (g->name() == name)
      return g.get();
  return nullptr;
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
  for (const auto &g : g_rt->groups)
    show_group(vty, *g);
  return CMD_SUCCESS;
}

CMD(show_tgs, "show trunk-groups", SHOW_STR "Circuit counts per trunk group\n") {
  for (const auto &g : g_rt->groups) {
    const auto k = g->counts();
    vty_out(vty, "%-16s dpc %-8u total %4zu idle %4zu busy %4zu blocked %4zu hunting %s%s",
            g->name().c_str(), g->dpc(), k.total, k.idle, k.incoming + k.outgoing, k.blocked,
            cc::hunting_name(g->hunting()), NL);
  }
  return CMD_SUCCESS;
}

CMD(show_timers, "show isup timers", SHOW_STR "ISUP\nTimers in force (Q.764 Annex A)\n") {
  for (const auto &t : cc::isup_timer_table())
    vty_out(vty, "%-4s %7u ms  (Q.764 %u..%u ms)  %s%s", std::string(t.name).c_str(),
            g_cfg->timers.ms(t.timer), t.min_ms, t.max_ms, std::string(t.description).c_str(), NL);
  return CMD_SUCCESS;
}

CMD(show_routes, "show routes", SHOW_STR "Called-number routes\n") {
  for (const auto &r : g_rt->routing.routes()) {
    vty_out(vty, "%-12s strip %u prepend '%s' ->", r.prefix.empty() ? "default" : r.prefix.c_str(),
            r.strip, r.prepend.c_str());
    for (const auto &t : r.targets)
      vty_out(vty, " %s:%s", t.kind == cc::RouteTarget::Kind::TrunkGroup ? "tg" : "sip",
              t.name.c_str());
    vty_out(vty, "%s", NL);
  }
  return CMD_SUCCESS;
}

#undef CMD

} // namespace

void vty_install_show(Runtime &rt, Config &cfg) {
  g_rt = &rt;
  g_cfg = &cfg;
  for (auto *c : {&show_circuits_cmd, &show_tgs_cmd, &show_timers_cmd, &show_routes_cmd})
    install_element_ve(c);
}

} // namespace mgc::gw
