#include "callcontrol/cdr_postgres.h"

#include "core/log.h"

#include <cctype>

namespace mgc::cc {

namespace {
std::optional<std::string> text_or_null(std::string_view s) {
  return s.empty() ? std::nullopt : std::optional<std::string>(std::string(s));
}
template <typename T> std::optional<std::string> num_or_null(const std::optional<T> &v) {
  return v ? std::optional<std::string>(std::to_string(*v)) : std::nullopt;
}
} // namespace

CdrRow cdr_row(const CallRecord &r, CdrType type, const std::string &instance) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  const bool stop = type == CdrType::Stop;
  const long long duration =
      r.answer ? duration_cast<milliseconds>(r.release - *r.answer).count() : 0;
  const long long setup =
      duration_cast<milliseconds>((r.answer ? *r.answer : r.release) - r.seizure).count();
  // The interim record is named by its second of the call: unique per call whatever the
  // interval, and the same if a batch is sent again.
  std::string id = instance + "-" + std::to_string(r.seq) + "-";
  id += stop ? "stop" : "i" + std::to_string(duration_cast<seconds>(r.release - r.seizure).count());
  CdrRow row;
  row.reserve(kCdrColumnCount);
  row.emplace_back(std::move(id));
  row.emplace_back(name_of(kCdrTypeNames, type));
  row.emplace_back(cdr_time(r.seizure));
  row.push_back(r.answer ? std::optional<std::string>(cdr_time(*r.answer)) : std::nullopt);
  row.emplace_back(cdr_time(r.release));
  row.push_back(text_or_null(r.direction));
  row.push_back(text_or_null(r.calling));
  row.push_back(text_or_null(r.called));
  row.push_back(text_or_null(r.trunk_group));
  row.push_back(num_or_null(r.cic));
  row.push_back(text_or_null(r.sip_call_id));
  row.push_back(stop ? std::optional<std::string>(std::to_string(r.cause)) : std::nullopt);
  row.push_back(stop ? std::optional<std::string>(std::to_string(r.cause_location)) : std::nullopt);
  row.push_back(stop ? text_or_null(name_of(kReleasedByNames, r.released_by, "")) : std::nullopt);
  row.emplace_back(std::to_string(duration));
  row.emplace_back(std::to_string(setup));
  row.push_back(text_or_null(r.trunk_group_out));
  row.push_back(num_or_null(r.cic_out));
  row.emplace_back(std::to_string(r.attempts));
  return row;
}

std::string cdr_insert_sql(const std::string &table, std::size_t rows) {
  std::string s = "INSERT INTO " + table + " (";
  for (std::size_t c = 0; c < kCdrColumnCount; ++c)
    s += (c ? ", " : "") + std::string(kCdrColumns[c]);
  s += ") VALUES ";
  std::size_t n = 1;
  for (std::size_t r = 0; r < rows; ++r) {
    s += r ? ", (" : "(";
    for (std::size_t c = 0; c < kCdrColumnCount; ++c)
      s += (c ? ", $" : "$") + std::to_string(n++);
    s += ")";
  }
  s += " ON CONFLICT (record_id) DO NOTHING";
  return s;
}

bool valid_cdr_table(const std::string &table) {
  // PostgreSQL 15 docs §4.1.1: unquoted identifiers, at most 63 bytes each.
  std::size_t part = 0;
  if (table.empty())
    return false;
  for (std::size_t i = 0; i <= table.size(); ++i) {
    if (i == table.size() || table[i] == '.') {
      if (part == 0 || part > 63)
        return false;
      part = 0;
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(table[i]);
    const bool ok = part == 0 ? (std::islower(c) || c == '_')
                              : (std::islower(c) || std::isdigit(c) || c == '_');
    if (!ok)
      return false;
    ++part;
  }
  return std::count(table.begin(), table.end(), '.') <= 1;
}

CdrPostgres::CdrPostgres(CdrPostgresConfig cfg, std::string instance, core::Scheduler &sched,
                         std::unique_ptr<CdrDatabase> db)
    : cfg_(std::move(cfg)), instance_(std::move(instance)), sched_(sched), db_(std::move(db)) {
  if (!spool_.open(cfg_.spool, last_error_)) {
    MGC_LOG(Cdr, Error, "postgresql: %s", last_error_.c_str());
    return;
  }
  if (spool_.size() > 0) {
    spooling_ = true; // a previous run's records go first
    MGC_LOG(Cdr, Notice, "postgresql: %s holds %llu bytes of records: replayed once connected",
            cfg_.spool.c_str(), static_cast<unsigned long long>(spool_.size()));
  }
  db_->set_listener(this);
  connect();
}

CdrPostgres::~CdrPostgres() {
  sched_.stop(retry_timer_);
  sched_.stop(flush_timer_);
  sched_.stop(timeout_timer_);
  if (db_) {
    db_->set_listener(nullptr);
    db_->disconnect();
  }
  // The batch in flight may have committed: spooled anyway, its ids make the replay harmless.
  std::vector<CdrRow> rest;
  if (!in_flight_from_spool_)
    rest = std::move(in_flight_);
  for (auto &r : waiting_)
    rest.push_back(std::move(r));
  if (!rest.empty() && spool_.is_open())
    to_spool(std::move(rest));
}

void CdrPostgres::connect() {
  retry_timer_ = 0;
  state_ = State::Connecting;
  sched_.stop(timeout_timer_);
  timeout_timer_ = sched_.start(kTimeoutMs, [this] {
    timeout_timer_ = 0;
    db_->disconnect();
    went_down("no answer from the database in " + std::to_string(kTimeoutMs / 1000) + " s");
  });
  db_->connect();
}

void CdrPostgres::db_up() {
  sched_.stop(timeout_timer_);
  timeout_timer_ = 0;
  state_ = State::Up;
  retry_ms_ = kFirstRetryMs;
  const bool was_down = down_since_ms_ >= 0;
  down_since_ms_ = -1;
  MGC_LOG(Cdr, Notice, "postgresql: connected%s%s", was_down ? " again" : "",
          spool_backlog() ? ", replaying the spool" : "");
  if (on_trouble && was_down)
    on_trouble("");
  flush();
}

void CdrPostgres::db_down(const std::string &why) { went_down(why); }

void CdrPostgres::went_down(const std::string &why) {
  sched_.stop(timeout_timer_);
  sched_.stop(flush_timer_);
  timeout_timer_ = flush_timer_ = 0;
  const bool was_up = state_ == State::Up;
  state_ = State::Down;
  // What the database did not confirm goes to the spool, before anything newer.
  std::vector<CdrRow> rest;
  if (!in_flight_from_spool_)
    rest = std::move(in_flight_);
  in_flight_.clear();
  in_flight_from_spool_ = false;
  for (auto &r : waiting_)
    rest.push_back(std::move(r));
  waiting_.clear();
  spooling_ = true;
  if (!rest.empty())
    to_spool(std::move(rest));
  last_error_ = why;
  if (down_since_ms_ < 0 || was_up) {
    MGC_LOG(Cdr, Error, "postgresql: %s: records go to %s until it is back", why.c_str(),
            cfg_.spool.c_str());
    if (on_trouble)
      on_trouble(why);
  }
  if (down_since_ms_ < 0)
    down_since_ms_ = sched_.now_ms();
  retry_at_ms_ = sched_.now_ms() + retry_ms_;
  sched_.stop(retry_timer_);
  retry_timer_ = sched_.start(retry_ms_, [this] {
    counters_.inc(CdrSinkCounter::reconnects);
    connect();
  });
  retry_ms_ = std::min(retry_ms_ * 2, kMaxRetryMs);
}

void CdrPostgres::to_spool(std::vector<CdrRow> rows) {
  std::string why;
  if (spool_.append(rows, why)) {
    counters_.inc(CdrSinkCounter::spooled, rows.size());
    return;
  }
  counters_.inc(CdrSinkCounter::failed, rows.size());
  last_error_ = why;
  for (const auto &r : rows) // each lost record named, with the call's SIP Call-ID
    MGC_LOG(Cdr, Error, "postgresql: record %s (call-id %s) lost: %s", r[0]->c_str(),
            r[10] ? r[10]->c_str() : "-", why.c_str());
}

void CdrPostgres::write(const CallRecord &r, CdrType type) {
  CdrRow row = cdr_row(r, type, instance_);
  if (spooling_ || state_ != State::Up) {
    to_spool({std::move(row)});
    return;
  }
  waiting_.push_back(std::move(row));
  // A database slower than the records: past a few batches they wait in the spool, not memory.
  if (waiting_.size() >= 4 * static_cast<std::size_t>(cfg_.batch)) {
    std::vector<CdrRow> rest(std::make_move_iterator(waiting_.begin()),
                             std::make_move_iterator(waiting_.end()));
    waiting_.clear();
    spooling_ = true;
    to_spool(std::move(rest));
    return;
  }
  if (waiting_.size() >= cfg_.batch)
    flush();
  else
    arm_flush();
}

void CdrPostgres::arm_flush() {
  if (!flush_timer_)
    flush_timer_ = sched_.start(cfg_.flush_ms, [this] {
      flush_timer_ = 0;
      flush();
    });
}

void CdrPostgres::flush() {
  if (state_ != State::Up || !in_flight_.empty())
    return;
  std::vector<CdrRow> rows;
  if (spooling_) {
    std::size_t bad = 0;
    std::string why;
    uint64_t next = replay_from_;
    if (!spool_.read(replay_from_, cfg_.batch, rows, next, bad, why)) {
      last_error_ = why;
      MGC_LOG(Cdr, Error, "postgresql: %s: replay stopped", why.c_str());
      return;
    }
    for (auto it = rows.begin(); it != rows.end();) {
      if (it->size() == kCdrColumnCount) {
        ++it;
        continue;
      }
      ++bad;
      it = rows.erase(it);
    }
    if (bad) {
      counters_.inc(CdrSinkCounter::failed, bad);
      MGC_LOG(Cdr, Error, "postgresql: %s: %zu lines before byte %llu are not records: skipped",
              cfg_.spool.c_str(), bad, static_cast<unsigned long long>(next));
    }
    if (rows.empty()) { // all of it is in: back to writing directly
      replay_from_ = 0;
      if (!spool_.truncate(why)) {
        last_error_ = why;
        MGC_LOG(Cdr, Error, "postgresql: %s", why.c_str());
      }
      spooling_ = false;
      MGC_LOG(Cdr, Notice, "postgresql: spool replayed");
    } else {
      in_flight_from_spool_ = true;
      in_flight_spool_end_ = next;
    }
  }
  if (!spooling_) {
    while (!waiting_.empty() && rows.size() < cfg_.batch) {
      rows.push_back(std::move(waiting_.front()));
      waiting_.pop_front();
    }
    in_flight_from_spool_ = false;
  }
  if (rows.empty())
    return;
  sched_.stop(flush_timer_);
  flush_timer_ = 0;
  std::vector<std::optional<std::string>> params;
  params.reserve(rows.size() * kCdrColumnCount);
  for (auto &r : rows)
    for (auto &f : r)
      params.push_back(f);
  in_flight_ = std::move(rows);
  if (!db_->send(cdr_insert_sql(cfg_.table, in_flight_.size()), params)) {
    went_down("statement not sent");
    return;
  }
  timeout_timer_ = sched_.start(kTimeoutMs, [this] {
    timeout_timer_ = 0;
    db_->disconnect();
    went_down("no answer to an INSERT in " + std::to_string(kTimeoutMs / 1000) + " s");
  });
}

void CdrPostgres::db_done(bool ok, uint64_t rows, const std::string &why) {
  sched_.stop(timeout_timer_);
  timeout_timer_ = 0;
  if (!ok) {
    // The table refused the batch (missing, wrong columns, no right): spooled, and the
    // connection taken down so that the retry backs off while the operator fixes it.
    db_->disconnect();
    went_down(why);
    return;
  }
  const uint64_t n = in_flight_.size();
  counters_.inc(CdrSinkCounter::written, rows);
  counters_.inc(CdrSinkCounter::duplicates, n - std::min(n, rows));
  if (in_flight_from_spool_) {
    counters_.inc(CdrSinkCounter::replayed, rows);
    replay_from_ = in_flight_spool_end_;
  }
  in_flight_.clear();
  in_flight_from_spool_ = false;
  if (spooling_ || waiting_.size() >= cfg_.batch)
    flush(); // the spool goes at the database's pace
  else if (!waiting_.empty())
    arm_flush();
}

void CdrPostgres::set_config(const CdrPostgresConfig &cfg, std::unique_ptr<CdrDatabase> db) {
  const std::string spool = cfg_.spool;
  cfg_ = cfg;
  cfg_.spool = spool;
  if (!db)
    return;
  // A new server: what it has not confirmed goes to the spool and is replayed to it.
  db_->set_listener(nullptr);
  db_->disconnect();
  db_ = std::move(db);
  db_->set_listener(this);
  sched_.stop(retry_timer_);
  retry_timer_ = 0;
  retry_ms_ = kFirstRetryMs;
  if (state_ != State::Down) {
    went_down("conninfo changed");
    sched_.stop(retry_timer_);
    retry_timer_ = 0;
  }
  retry_ms_ = kFirstRetryMs;
  connect();
}

CdrSinkStatus CdrPostgres::status() const {
  CdrSinkStatus st;
  st.name = "postgresql " + cfg_.table;
  switch (state_) {
  case State::Up:
    st.state = "connected";
    break;
  case State::Connecting:
    st.state = "connecting";
    break;
  case State::Down:
    st.state = "down, retry in " +
               std::to_string(std::max<int64_t>(0, retry_at_ms_ - sched_.now_ms()) / 1000) + " s";
    break;
  }
  if (spooling_)
    st.state += ", spool " + std::to_string(spool_backlog()) + " bytes to replay";
  if (state_ != State::Up && down_since_ms_ >= 0)
    st.state += ", down for " + std::to_string((sched_.now_ms() - down_since_ms_) / 1000) + " s";
  st.last_error = last_error_;
  st.counters = counters_;
  return st;
}

} // namespace mgc::cc
