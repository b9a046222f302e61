// Where call detail records go (issue 18): the call manager hands each record to one CdrSink —
// in mgcd the fan-out below, over the configured sinks (the CSV file, callcontrol/cdr.h; the
// PostgreSQL table, callcontrol/cdr_postgres.h). Every sink reports its state and counters the
// same way (`show cdr`, DESIGN.md "Call detail records").
//
// Record types follow RADIUS accounting (RFC 2866 §5.1 Acct-Status-Type: Interim-Update and
// Stop; RFC 2869 §5.16 Acct-Interim-Interval): an answered call gives an interim record every
// interval while it lasts and one stop record when it ends, so a crash loses at most one
// interval of a call's duration. There is no start record: the first interim record (or the
// stop record of a short call) carries all a start record would, and a start per call would
// double the rows written at the busy hour.
#pragma once

#include "core/counters.h"
#include "core/names.h"

#include <string>
#include <vector>

#define MGC_CDR_SINK_COUNTERS(X)                                                                   \
  X(written)    /* records the sink has durably (the file synced, the database committed) */      \
  X(failed)     /* records lost: not written and not spooled */                                    \
  X(spooled)    /* records put in the local spool while the database was unreachable */          \
  X(replayed)   /* spooled records the database has since taken */                                \
  X(duplicates) /* records the database already had (a replayed batch that had committed) */      \
  X(rotations)  /* CSV files rotated (size, time, SIGHUP or `cdr rotate`) */                      \
  X(reconnects) /* database connections attempted after one was lost or refused */
MGC_DECLARE_COUNTERS(CdrSinkCounter, MGC_CDR_SINK_COUNTERS)

namespace mgc::cc {

struct CallRecord; // cdr.h

enum class CdrType : uint8_t { Interim, Stop };
inline constexpr auto kCdrTypeNames =
    name_table<CdrType>({{CdrType::Interim, "interim"}, {CdrType::Stop, "stop"}});
static_assert(names_unique(kCdrTypeNames));

struct CdrSinkStatus {
  std::string name;       // "csv /var/log/mgcd/cdr.csv", "postgresql cdr"
  std::string state;      // "open", "connected", "down: ... (retry in 4 s)", ...
  std::string last_error; // empty: none yet
  CounterSet<CdrSinkCounter> counters;
};

class CdrSink {
public:
  virtual ~CdrSink() = default;
  // Takes the record as it is now (an interim record: the call so far, at `r.release`, which
  // the caller sets to the record's time). Never blocks the event loop.
  virtual void write(const CallRecord &r, CdrType type = CdrType::Stop) = 0;
  virtual CdrSinkStatus status() const = 0;
};

// Every record to every sink, in the order added. The sinks are the owner's.
class CdrFanout final : public CdrSink {
public:
  void add(CdrSink *s) { sinks_.push_back(s); }
  void clear() { sinks_.clear(); }
  const std::vector<CdrSink *> &sinks() const { return sinks_; }
  void write(const CallRecord &r, CdrType type = CdrType::Stop) override {
    for (CdrSink *s : sinks_)
      s->write(r, type);
  }
  // The sum of the sinks' counters.
  CdrSinkStatus status() const override {
    CdrSinkStatus out;
    out.name = "all";
    for (const CdrSink *s : sinks_) {
      const CdrSinkStatus st = s->status();
      for (std::size_t i = 0; i < CounterSet<CdrSinkCounter>::size(); ++i)
        out.counters.inc(static_cast<CdrSinkCounter>(i), st.counters.at(i));
    }
    return out;
  }

private:
  std::vector<CdrSink *> sinks_;
};

} // namespace mgc::cc
