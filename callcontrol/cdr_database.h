// The database connection under the PostgreSQL CDR sink (cdr_postgres.h), as the sink needs it:
// connect, run one statement at a time, report. Asynchronous: every call returns at once and the
// outcome comes to the Listener on the event loop. callcontrol/cdr_libpq.h is the real one (libpq
// on the loop); tests give the sink's logic a scripted one on simulated time.
#pragma once

#include "callcontrol/cdr_spool.h" // CdrRow

#include <cstdint>
#include <string>

namespace mgc::cc {

class CdrDatabase {
public:
  class Listener {
  public:
    virtual ~Listener() = default;
    virtual void db_up() = 0;
    // The connection failed or was lost (any statement in flight is lost with it).
    virtual void db_down(const std::string &why) = 0;
    // The statement ended: ok with the rows it inserted, or failed with why.
    virtual void db_done(bool ok, uint64_t rows, const std::string &why) = 0;
  };
  virtual ~CdrDatabase() = default;
  virtual void set_listener(Listener *l) = 0;
  virtual void connect() = 0;
  virtual void disconnect() = 0; // no callback
  // `sql` with $1.. for `params` (all text). False: not sent (the connection is not up).
  virtual bool send(const std::string &sql, const std::vector<std::optional<std::string>> &params) = 0;
};

} // namespace mgc::cc
