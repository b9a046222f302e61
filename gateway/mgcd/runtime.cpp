#include "gateway/mgcd/runtime.h"

#include "callcontrol/call_manager.h"

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
  if (calls)
    return calls->trunk_group(name);
  for (auto &g : groups)
    if (g->name() == name)
      return g.get();
  return nullptr;
}

std::vector<cc::CircuitGroup *> Runtime::all_groups() {
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

CMD(show_calls, "show calls", SHOW_STR "Calls in progress\n") {
  if (!g_rt->calls)
    return CMD_SUCCESS;
  for (const auto &c : g_rt->calls->calls())
    vty_out(vty, "call %u %s %s cic %u isup %s %s %s -> %s sip %s%s", c.ref, c.direction.c_str(),
            c.trunk_group.c_str(), c.cic, c.isup_state.c_str(), c.answered ? "answered" : "setup",
            c.calling.c_str(), c.called.c_str(), c.sip_call_id.c_str(), NL);
  vty_out(vty, "%zu calls%s", g_rt->calls->active_calls(), NL);
  return CMD_SUCCESS;
}

CMD(show_m3ua, "show m3ua", SHOW_STR "M3UA links, ASes and routes\n") {
  if (g_rt->show_m3ua)
    vty_out(vty, "%s%s", g_rt->show_m3ua().c_str(), NL);
  return CMD_SUCCESS;
}

CMD(show_counters, "show call-control counters", SHOW_STR "Call control\nCounters\n") {
  if (g_rt->calls)
    g_rt->calls->counters().for_each([&](std::string_view n, uint64_t v) {
      vty_out(vty, "%-28s %lu%s", std::string(n).c_str(), static_cast<unsigned long>(v), NL);
    });
  return CMD_SUCCESS;
}

#undef CMD

} // namespace

void vty_install_show(Runtime &rt, Config &cfg) {
  g_rt = &rt;
  g_cfg = &cfg;
  for (auto *c : {&show_circuits_cmd, &show_tgs_cmd, &show_timers_cmd, &show_routes_cmd,
                  &show_calls_cmd, &show_m3ua_cmd, &show_counters_cmd})
    install_element_ve(c);
}

} // namespace mgc::gw
