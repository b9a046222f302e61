// mgcd assembled from its config: the M3UA node and its transports (SS7 side), the SIP
// transports and user agent (SIP side), one call agent per media gateway (MGCP or H.248), and
// call control joining them, all on the one libosmocore loop (DESIGN.md "Event loop").
#pragma once

#include "callcontrol/call_manager.h"
#include "callcontrol/cdr.h"
#include "gateway/mgcd/config.h"
#include "gateway/mgcd/osmo_scheduler.h"

#include <memory>
#include <string>
#include <vector>

namespace mgc::gw {

class Gateway {
public:
  Gateway();
  ~Gateway();
  // Builds and starts everything; a failure leaves nothing running and says why.
  Status start(const Config &cfg);
  cc::CallManager *calls() { return calls_.get(); }
  std::string show_m3ua() const;

private:
  struct Parts;
  std::unique_ptr<Parts> p_;
  OsmoScheduler sched_;
  std::unique_ptr<cc::CdrWriter> cdr_;
  std::unique_ptr<cc::CallManager> calls_;
};

} // namespace mgc::gw
