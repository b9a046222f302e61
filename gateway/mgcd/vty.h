// mgcd's VTY: config nodes (ss7, m3ua, trunk-group, sip, route, media-gateway, timers, cdr), each
// with a writer so `show running-config` / `write` print back what was read (STYLE.md: every
// setter has a writer). The same commands work in the config file and live over telnet.
#pragma once

#include "gateway/mgcd/config.h"

#include <functional>

struct vty;

namespace mgc::gw {

// Installs every node and command, editing `cfg`. Call after vty_init().
void vty_install(Config &cfg);

// Live configuration (DESIGN.md "Live configuration"), once the gateway runs: `changed` is called
// after every config command that succeeded (with the operator's vty, to answer on), and
// `show running-config` / `write` print `running`, the configuration in force.
void vty_go_live(const Config &running, std::function<void(struct vty *)> changed);
// Stops telling of changes (while a config file is read again).
void vty_pause_live(bool paused);
// `reload` (enable node): the config file read again and the difference applied.
void vty_install_reload(std::function<void(struct vty *)> reload);

} // namespace mgc::gw
