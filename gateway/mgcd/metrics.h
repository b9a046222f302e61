// mgcd's metrics for Prometheus (issue 18 item 1; DESIGN.md "Metrics"): an HTTP endpoint on the
// `metrics` node's address serving `/metrics` in the text exposition format 0.0.4, made on the
// event loop at each scrape from what the layers hold — every counter of every layer (from the
// counter X-macros, `mgc_<layer>_<group>_<counter>_total`), gauges of calls, circuits, SIP peers,
// M3UA and media gateways and the overload level, the ASR/NER/ACD counts per trunk group and SIP
// peer and the setup and post-dial delay histograms (callcontrol/call_statistics.h). Live: a
// changed address moves the listener, no address closes it.
#pragma once

#include "core/http_server.h"
#include "core/scheduler.h"
#include "gateway/mgcd/config.h"

#include <memory>
#include <string>
#include <vector>

namespace mgc::gw {

class Gateway;

class MetricsEndpoint {
public:
  MetricsEndpoint(core::Scheduler &sched, Gateway &gateway);
  // Listens where `next` says (closing or moving the listener); false if it could not, the
  // reason in `out` and logged, the listener left as it was. One line per change in `out`.
  bool apply(const MetricsConfig &next, std::vector<std::string> &out);
  const MetricsConfig &config() const { return cfg_; }
  // `show metrics`: where it listens, connections and requests served.
  std::string show() const;
  // The exposition text of everything (what GET /metrics answers).
  std::string render() const;

private:
  core::HttpResponse handle(const core::HttpRequest &req);
  core::Scheduler &sched_;
  Gateway &gw_;
  MetricsConfig cfg_;
  std::unique_ptr<core::HttpServer> server_;
  uint64_t scrapes_ = 0;
};

} // namespace mgc::gw
