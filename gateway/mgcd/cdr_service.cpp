#include "gateway/mgcd/cdr_service.h"

#include "callcontrol/call_manager.h"
#include "callcontrol/cdr_libpq.h"
#include "core/log.h"

#include <chrono>
#include <cstdio>

namespace mgc::gw {

CdrService::CdrService(core::Scheduler &sched, core::Alarms &alarms)
    : sched_(sched), alarms_(alarms) {
  // Unique across runs: the start time in microseconds (record ids must not repeat after a
  // restart, when a spool of the previous run may still be replayed).
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(us));
  instance_ = buf;
}

CdrService::~CdrService() { sched_.stop(timer_); }

Status CdrService::start(const CdrConfig &cfg) {
  cfg_ = cfg;
  if (!cfg.file.empty()) {
    csv_ = std::make_unique<cc::CdrWriter>(cfg.file);
    if (!csv_->ok()) {
      MGC_LOG(Cdr, Error, "%s: cannot open the CDR file: %s", cfg.file.c_str(),
              csv_->last_error().c_str());
      return Status("mgcd.cdr_file_not_writable", 0);
    }
    csv_->set_rotation(cfg.rotation);
    fanout_.add(csv_.get());
  }
  if (!cfg.postgresql.conninfo.empty()) {
    pg_ = std::make_unique<cc::CdrPostgres>(
        cfg.postgresql, instance_, sched_,
        std::make_unique<cc::LibpqDatabase>(cfg.postgresql.conninfo));
    if (!pg_->ok()) {
      MGC_LOG(Cdr, Error, "%s: cannot open the CDR spool", cfg.postgresql.spool.c_str());
      return Status("mgcd.cdr_spool_not_writable", 0);
    }
    pg_->on_trouble = [this](const std::string &why) {
      if (why.empty())
        alarms_.clear("cdr.postgresql");
      else
        alarms_.raise(log::Category::Cdr, "cdr.postgresql",
                      "CDR database unreachable (" + why + "): records spooled to " +
                          cfg_.postgresql.spool);
    };
    fanout_.add(pg_.get());
  }
  // The writer thread only counts; the loop looks once a second (alarms and log lines are
  // the loop's, DESIGN.md "Event loop and threading").
  if (csv_)
    timer_ = sched_.start(1000, [this] { check(); });
  return Status::Ok();
}

cc::CdrSink *CdrService::sink() { return fanout_.sinks().empty() ? nullptr : &fanout_; }

void CdrService::attach(cc::CallManager *calls) {
  calls_ = calls;
  if (calls_ && sink())
    calls_->set_interim_interval_ms(int64_t(cfg_.interim_s) * 1000);
}

void CdrService::check() {
  timer_ = sched_.start(1000, [this] { check(); });
  const uint64_t failed = csv_->failed(), written = csv_->written();
  if (failed > csv_failed_) {
    const std::string why = csv_->last_error();
    MGC_LOG(Cdr, Error, "%s: %llu call records not written: %s", cfg_.file.c_str(),
            static_cast<unsigned long long>(failed - csv_failed_), why.c_str());
    alarms_.raise(log::Category::Cdr, "cdr.write",
                  "CDR file " + cfg_.file + ": records not written (" + why + ")");
  } else if (written > csv_written_ && alarms_.is_active("cdr.write")) {
    MGC_LOG(Cdr, Notice, "%s: call records written again", cfg_.file.c_str());
    alarms_.clear("cdr.write");
  }
  csv_failed_ = failed;
  csv_written_ = written;
}

void CdrService::rotate() {
  if (!csv_)
    return;
  MGC_LOG(Cdr, Notice, "%s: rotating", cfg_.file.c_str());
  csv_->rotate();
}

std::vector<std::string> CdrService::apply(const CdrConfig &next, CdrConfig &cur,
                                           std::vector<std::string> &restart) {
  std::vector<std::string> out;
  if (next.file != cur.file)
    restart.push_back("cdr file");
  if (next.rotation != cur.rotation) {
    cur.rotation = next.rotation;
    if (csv_) {
      csv_->set_rotation(next.rotation);
      out.push_back("cdr rotation: size " + std::to_string(next.rotation.max_bytes) +
                    " bytes, interval " + std::to_string(next.rotation.interval_s) + " s");
    }
  }
  if (next.interim_s != cur.interim_s) {
    cur.interim_s = next.interim_s;
    if (calls_ && sink())
      calls_->set_interim_interval_ms(int64_t(next.interim_s) * 1000);
    out.push_back("cdr interim records: every " + std::to_string(next.interim_s) +
                  " s of an answered call (0: none)");
  }
  const auto &np = next.postgresql;
  auto &cp = cur.postgresql;
  if (np.conninfo.empty() != cp.conninfo.empty() || np.spool != cp.spool) {
    restart.push_back("cdr postgresql");
  } else if (pg_ && !(np == cp)) {
    const bool reconnect = np.conninfo != cp.conninfo;
    cc::CdrPostgresConfig c = np;
    c.spool = cp.spool;
    pg_->set_config(c, reconnect ? std::make_unique<cc::LibpqDatabase>(np.conninfo) : nullptr);
    cp = c;
    cfg_.postgresql = c;
    out.push_back("cdr postgresql: table " + c.table + ", batch " + std::to_string(c.batch) +
                  ", flush " + std::to_string(c.flush_ms) + " ms" +
                  (reconnect ? ", reconnecting to " + cc::masked_conninfo(c.conninfo) : ""));
  }
  cfg_.rotation = cur.rotation;
  cfg_.interim_s = cur.interim_s;
  for (const auto &l : out)
    MGC_LOG(Main, Notice, "live configuration: %s", l.c_str());
  return out;
}

std::string CdrService::show() const {
  std::string s;
  if (fanout_.sinks().empty())
    return "no CDR sink configured\n";
  for (const cc::CdrSink *k : fanout_.sinks()) {
    const cc::CdrSinkStatus st = k->status();
    s += st.name + ": " + st.state + "\n";
    if (k == pg_.get()) {
      const auto &c = pg_->config();
      s += "  conninfo " + cc::masked_conninfo(c.conninfo) + "\n  batch " +
           std::to_string(c.batch) + ", flush interval " + std::to_string(c.flush_ms) +
           " ms, spool " + c.spool + "\n";
    }
    s += " ";
    st.counters.for_each([&](std::string_view n, uint64_t v) {
      if (k == csv_.get() && (n == "spooled" || n == "replayed" || n == "duplicates" ||
                              n == "reconnects"))
        return; // a file has none of these
      if (k == pg_.get() && n == "rotations")
        return;
      s += " " + std::string(n) + " " + std::to_string(v);
    });
    s += "\n";
    if (!st.last_error.empty())
      s += "  last error: " + st.last_error + "\n";
  }
  s += "interim records: ";
  s += cfg_.interim_s ? "every " + std::to_string(cfg_.interim_s) + " s of an answered call\n"
                      : "none\n";
  if (!s.empty() && s.back() == '\n')
    s.pop_back();
  return s;
}

void CdrService::counters(const CounterFn &f) const {
  if (csv_) {
    const auto st = csv_->status();
    st.counters.for_each([&](std::string_view n, uint64_t v) { f("cdr.csv", n, v); });
  }
  if (pg_) {
    const auto st = pg_->status();
    st.counters.for_each([&](std::string_view n, uint64_t v) { f("cdr.postgresql", n, v); });
  }
}

} // namespace mgc::gw
