// What mgcd runs from its config: the circuit groups (and, as the gateway is wired, the
// signalling, media and call control objects). Shown and operated through the VTY.
#pragma once

#include "callcontrol/circuit_group.h"
#include "callcontrol/routing.h"
#include "gateway/mgcd/config.h"

#include <memory>
#include <vector>

namespace mgc::gw {

struct Runtime {
  std::vector<std::unique_ptr<cc::CircuitGroup>> groups;
  cc::RoutingTable routing;

  void build(const Config &cfg);
  cc::CircuitGroup *group(const std::string &name);
  std::size_t circuit_count() const;
};

// show circuits, show trunk-groups, show isup timers, show routes.
void vty_install_show(Runtime &rt, Config &cfg);

} // namespace mgc::gw
