// mgcd's call detail records (issue 18, DESIGN.md "Call detail records"): the sinks its `cdr`
// node configures — the CSV file with rotation, the PostgreSQL table with its spool — behind the
// one fan-out call control writes to; interim records for long calls; what `show cdr` prints;
// the log lines and alarms of their failures (the sinks count, the loop tells).
#pragma once

#include "callcontrol/cdr.h"
#include "callcontrol/cdr_postgres.h"
#include "core/alarms.h"
#include "core/scheduler.h"
#include "core/status.h"
#include "gateway/mgcd/config.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mgc::cc {
class CallManager;
}

namespace mgc::gw {

class CdrService {
public:
  CdrService(core::Scheduler &sched, core::Alarms &alarms);
  ~CdrService();
  // Opens the configured sinks; a CSV file that cannot be opened or a spool that cannot be
  // opened stops mgcd from starting (records would be lost from the first call).
  Status start(const CdrConfig &cfg);
  // What call control writes to; null when no sink is configured.
  cc::CdrSink *sink();
  void attach(cc::CallManager *calls);
  // Live configuration: rotation, interim interval, the PostgreSQL conninfo, table, batch and
  // flush interval. A new CSV path, a sink added or removed, a new spool path need a restart:
  // returned in `restart`. One line per change applied; `cur` becomes what is in force.
  std::vector<std::string> apply(const CdrConfig &next, CdrConfig &cur,
                                 std::vector<std::string> &restart);
  // SIGHUP and `cdr rotate`: the CSV file rotated (cdr.h).
  void rotate();
  std::string show() const;
  using CounterFn = std::function<void(std::string_view group, std::string_view name, uint64_t v)>;
  void counters(const CounterFn &f) const;

private:
  void check(); // once a second: the CSV writer's failures logged and alarmed

  core::Scheduler &sched_;
  core::Alarms &alarms_;
  CdrConfig cfg_;
  std::string instance_; // this run of mgcd, the prefix of every record id
  std::unique_ptr<cc::CdrWriter> csv_;
  std::unique_ptr<cc::CdrPostgres> pg_;
  cc::CdrFanout fanout_;
  cc::CallManager *calls_ = nullptr;
  uint64_t csv_failed_ = 0, csv_written_ = 0;
  core::Scheduler::Id timer_ = 0;
};

} // namespace mgc::gw
