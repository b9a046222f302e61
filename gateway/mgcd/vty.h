// mgcd's VTY: config nodes (ss7, m3ua, trunk-group, sip, route, media-gateway, timers, cdr), each
// with a writer so `show running-config` / `write` print back what was read (STYLE.md: every
// setter has a writer). The same commands work in the config file and live over telnet.
#pragma once

#include "gateway/mgcd/config.h"

namespace mgc::gw {

// Installs every node and command, editing `cfg`. Call after vty_init().
void vty_install(Config &cfg);

} // namespace mgc::gw
