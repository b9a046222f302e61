// pstn-sim's VTY (libosmocore): the config nodes read from the file (ss7, m3ua, circuits,
// rule, originate, timers), each with a writer for `show running-config`, and the live commands
// on telnet 127.0.0.1 (show summary/circuits/calls/m3ua, grs, cgb, cgu, blo, ubl, rsc,
// originate, call, release-all, send scon/dupu/duna/dava/aspup-ack).
#pragma once

#include "gateway/pstnsim/config.h"

#include <functional>
#include <string>

namespace mgc::pstnsim {

// Installs the config nodes, editing `cfg`. Call after vty_init(), before reading the file.
void vty_install_config(Config &cfg);
// Installs the live commands; `sim` may be set later (commands refuse until it is).
void vty_install_live(std::function<std::string()> show_m3ua);
void vty_set_sim(Sim *sim);
// The M3UA node the `send ...` commands use.
void vty_set_node(sigtran::Node *node);

} // namespace mgc::pstnsim
