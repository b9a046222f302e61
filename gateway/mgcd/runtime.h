// What mgcd runs from its config: the circuit groups (and, as the gateway is wired, the
// signalling, media and call control objects). Shown and operated through the VTY.
#pragma once

#include "callcontrol/circuit_group.h"
#include "callcontrol/routing.h"
#include "gateway/mgcd/config.h"

#include <functional>
#include <memory>
#include <vector>

namespace mgc::cc {
class CallManager;
}
namespace mgc::core {
class Alarms;
}

namespace mgc::gw {

struct Runtime {
  std::vector<std::unique_ptr<cc::CircuitGroup>> groups; // before the gateway runs (--check)
  cc::CallManager *calls = nullptr;                        // once it runs: the live circuits
  const Config *in_force = nullptr; // once it runs: the configuration applied (Gateway::running)
  core::Alarms *alarms = nullptr;                          // the process's (show alarms)
  std::function<std::string()> show_m3ua;
  std::function<std::string()> show_peers;
  std::function<std::string()> show_sip_peers;
  std::function<std::string()> show_media_gateways;
  std::function<std::string()> show_sip_listeners;
  std::function<std::string()> show_overload;
  std::function<std::string()> show_gateway; // the whole gateway in service or shut down
  std::function<std::string()> show_cdr; // sinks, state, counters (gateway/mgcd/cdr_service.h)
  std::function<void()> rotate_cdr;      // `cdr rotate`, as SIGHUP does
  std::function<std::string()> show_metrics; // the Prometheus endpoint (metrics.h)
  // One layer's counters as f(group, name, value); false: no such layer (Gateway::counters).
  using CounterFn = std::function<void(std::string_view, std::string_view, uint64_t)>;
  std::function<bool(std::string_view layer, const CounterFn &)> counters;
  cc::RoutingTable routing;

  void build(const Config &cfg);
  cc::CircuitGroup *group(const std::string &name); // live when the gateway runs
  std::vector<cc::CircuitGroup *> all_groups();
  std::size_t circuit_count() const;
};

// show circuits, trunk-groups, calls, routes, peers, m3ua, timers, counters, alarms;
// maintenance.
void vty_install_show(Runtime &rt, Config &cfg);

} // namespace mgc::gw
