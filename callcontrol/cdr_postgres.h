// The PostgreSQL CDR sink (issue 18; schema and queries: docs/cdr.sql, docs/cdr.md). Records are
// batched into multi-row INSERTs (one statement per `batch` records, or whatever is waiting
// when `flush_ms` has passed), each `INSERT ... ON CONFLICT (record_id) DO NOTHING`: a record's
// id names the process instance, the call and the record (stop, or interim at its second of
// the call), so a batch sent twice — replayed after a connection lost before its commit was
// acknowledged — adds nothing twice.
//
// While the database cannot be reached (connect refused, connection lost, a statement failed),
// the records go to the local spool (cdr_spool.h), in order: the batch in flight, then those
// waiting, then every new one. Reconnection backs off from 1 s, doubling, to 60 s. Once
// connected, the spool is replayed from its front, a batch at a time, before any new record
// (which keeps spooling meanwhile), and emptied when all of it is in: nothing is lost and the
// table receives the records in the order they were written. A spool left by a previous run is
// replayed the same way.
#pragma once

#include "callcontrol/cdr.h"
#include "callcontrol/cdr_database.h"
#include "callcontrol/cdr_spool.h"
#include "core/scheduler.h"

#include <deque>
#include <memory>
#include <string>

namespace mgc::cc {

struct CdrPostgresConfig {
  std::string conninfo;     // libpq's (shown with the password masked)
  std::string table = "cdr"; // schema-qualified allowed: an identifier, checked by the config
  uint32_t batch = 100;     // records per INSERT (19 parameters each: PostgreSQL takes 65,535)
  uint32_t flush_ms = 1000; // a partial batch goes after this long
  std::string spool;        // path of the spool file
  bool operator==(const CdrPostgresConfig &) const = default;
};

// The table's columns, in the order of the INSERT and of a spool line.
inline constexpr const char *kCdrColumns[] = {
    "record_id",   "record_type", "seizure",   "answer",      "record_time",
    "direction",   "calling",     "called",    "trunk_group", "cic",
    "sip_call_id", "cause",       "cause_location", "released_by", "duration_ms",
    "setup_ms",    "trunk_group_out", "cic_out", "attempts"};
inline constexpr std::size_t kCdrColumnCount = std::size(kCdrColumns);

// One record as the table's row; `instance` names this run of mgcd (record_id's prefix).
CdrRow cdr_row(const CallRecord &r, CdrType type, const std::string &instance);
// INSERT INTO table (columns) VALUES ($1, ..), .. ON CONFLICT (record_id) DO NOTHING
std::string cdr_insert_sql(const std::string &table, std::size_t rows);
// A table name the sink can put in its statement unquoted: identifier or schema.identifier.
bool valid_cdr_table(const std::string &table);

class CdrPostgres final : public CdrSink, private CdrDatabase::Listener {
public:
  // Opens the spool (check ok()) and connects.
  CdrPostgres(CdrPostgresConfig cfg, std::string instance, core::Scheduler &sched,
              std::unique_ptr<CdrDatabase> db);
  ~CdrPostgres() override; // what has not reached the database is spooled
  bool ok() const { return spool_.is_open(); }
  void write(const CallRecord &r, CdrType type = CdrType::Stop) override;
  CdrSinkStatus status() const override;
  // Live: table, batch and flush interval from the next statement on; a new conninfo needs a
  // new database (reconnects); the spool path needs a new sink.
  void set_config(const CdrPostgresConfig &cfg, std::unique_ptr<CdrDatabase> db);
  const CdrPostgresConfig &config() const { return cfg_; }
  bool connected() const { return state_ == State::Up; }
  uint64_t spool_backlog() const { return spool_.size() - replay_from_; }
  // How a failure is told to the owner (logged and alarmed there); cleared by "" when back.
  std::function<void(const std::string &)> on_trouble;

  static constexpr int64_t kFirstRetryMs = 1000, kMaxRetryMs = 60000;
  // A connection attempt or statement longer than this counts as a lost connection.
  static constexpr int64_t kTimeoutMs = 10000;

private:
  enum class State { Down, Connecting, Up };
  void db_up() override;
  void db_down(const std::string &why) override;
  void db_done(bool ok, uint64_t rows, const std::string &why) override;
  void connect();
  void flush();
  void to_spool(std::vector<CdrRow> rows);
  void went_down(const std::string &why);
  void arm_flush();

  CdrPostgresConfig cfg_;
  std::string instance_;
  core::Scheduler &sched_;
  std::unique_ptr<CdrDatabase> db_;
  CdrSpool spool_;
  State state_ = State::Down;
  bool spooling_ = false;      // records go to the spool (it has some not yet replayed)
  uint64_t replay_from_ = 0;   // spool offset of the first record not in the database
  std::deque<CdrRow> waiting_; // connected, not spooling: the next batch
  std::vector<CdrRow> in_flight_;
  bool in_flight_from_spool_ = false;
  uint64_t in_flight_spool_end_ = 0;
  int64_t retry_ms_ = kFirstRetryMs;
  core::Scheduler::Id retry_timer_ = 0, flush_timer_ = 0, timeout_timer_ = 0;
  int64_t down_since_ms_ = -1, retry_at_ms_ = 0;
  CounterSet<CdrSinkCounter> counters_;
  std::string last_error_;
};

} // namespace mgc::cc
