// The CDR sinks (issue 18): the spool's line format and file, the PostgreSQL sink's batching,
// spooling, replay and backoff on simulated time against a scripted database (the real one is
// tests/mgcd lab scenario cdr_postgresql_outage), interim records, CSV rotation.
#include "callcontrol/cdr.h"
#include "callcontrol/cdr_interim.h"
#include "callcontrol/cdr_libpq.h"
#include "callcontrol/cdr_postgres.h"
#include "callcontrol/cdr_spool.h"
#include "core/sim_scheduler.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace mgc;
using namespace mgc::cc;
namespace fs = std::filesystem;

namespace {

std::string temp_path(const std::string &name) {
  const std::string p = testing::TempDir() + "cdr_sinks_" + name;
  fs::remove(p);
  return p;
}

CallRecord record(uint64_t seq, const std::string &called = "12345") {
  CallRecord r;
  r.seizure = CallRecord::Clock::time_point(std::chrono::seconds(1700000000));
  r.answer = r.seizure + std::chrono::seconds(2);
  r.release = r.seizure + std::chrono::seconds(62);
  r.direction = "sip-to-pstn";
  r.calling = "5551234";
  r.called = called;
  r.trunk_group = "pstn-a";
  r.cic = 7;
  r.sip_call_id = "abc@host";
  r.released_by = ReleasedBy::Sip;
  r.attempts = 1;
  r.seq = seq;
  return r;
}

// The database as the sink sees it: connects or refuses, takes one statement at a time and
// applies it as PostgreSQL would (ON CONFLICT (record_id) DO NOTHING), each step a few
// simulated milliseconds later.
struct Table {
  std::map<std::string, CdrRow> rows;
  std::vector<std::string> order; // record ids as inserted
};

class ScriptedDb final : public CdrDatabase {
public:
  ScriptedDb(core::SimScheduler &s, Table &t) : sched_(s), table_(t) {}
  ~ScriptedDb() override { disconnect(); }
  void set_listener(Listener *l) override { l_ = l; }
  void connect() override {
    ++connects;
    timer_ = sched_.start(10, [this] {
      timer_ = 0;
      if (reachable) {
        connected = true;
        l_->db_up();
      } else {
        l_->db_down("connection refused");
      }
    });
  }
  void disconnect() override {
    sched_.stop(timer_);
    timer_ = 0;
    connected = false;
  }
  bool send(const std::string &sql, const std::vector<std::optional<std::string>> &params) override {
    if (!connected)
      return false;
    ++statements;
    last_sql = sql;
    timer_ = sched_.start(5, [this, params] {
      timer_ = 0;
      uint64_t inserted = 0;
      for (std::size_t i = 0; i + kCdrColumnCount <= params.size(); i += kCdrColumnCount) {
        CdrRow row(params.begin() + long(i), params.begin() + long(i + kCdrColumnCount));
        if (!refuse.empty())
          break;
        if (table_.rows.emplace(*row[0], row).second) {
          table_.order.push_back(*row[0]);
          ++inserted;
        }
      }
      if (!refuse.empty()) {
        l_->db_done(false, 0, refuse);
        return;
      }
      if (lose_after_commit) { // committed, but the answer never comes
        lose_after_commit = false;
        connected = false;
        l_->db_down("server closed the connection unexpectedly");
        return;
      }
      l_->db_done(true, inserted, "");
    });
    return true;
  }
  // The server goes away (pg_ctl stop): what is in flight is not committed.
  void drop() {
    sched_.stop(timer_);
    timer_ = 0;
    connected = false;
    reachable = false;
    l_->db_down("server closed the connection unexpectedly");
  }

  bool reachable = true, connected = false, lose_after_commit = false;
  std::string refuse; // a statement fails with this (the table is missing)
  int connects = 0, statements = 0;
  std::string last_sql;

private:
  core::SimScheduler &sched_;
  Table &table_;
  Listener *l_ = nullptr;
  core::Scheduler::Id timer_ = 0;
};

struct PgFixture : testing::Test {
  core::SimScheduler sched;
  Table table;
  ScriptedDb *db = nullptr;
  std::unique_ptr<CdrPostgres> sink;
  CdrPostgresConfig cfg;
  void SetUp() override {
    cfg.conninfo = "host=/tmp";
    cfg.batch = 3;
    cfg.flush_ms = 200;
    cfg.spool = temp_path(testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  void make(bool reachable = true) {
    auto d = std::make_unique<ScriptedDb>(sched, table);
    d->reachable = reachable;
    db = d.get();
    sink = std::make_unique<CdrPostgres>(cfg, "inst", sched, std::move(d));
    ASSERT_TRUE(sink->ok());
  }
  uint64_t ctr(CdrSinkCounter c) const { return sink->status().counters.get(c); }
  std::vector<std::string> ids(uint64_t from, uint64_t to) const {
    std::vector<std::string> v;
    for (uint64_t i = from; i <= to; ++i)
      v.push_back("inst-" + std::to_string(i) + "-stop");
    return v;
  }
};

} // namespace

TEST(CdrSpoolLine, RoundTripsEveryByteAndNull) {
  const CdrRow row{std::string("a\tb\\c\nd\re"), std::nullopt, std::string(""), std::string("\\N")};
  const std::string line = spool_line(row);
  EXPECT_EQ(line, "a\\tb\\\\c\\nd\\re\t\\N\t\t\\\\N\n");
  CdrRow back;
  ASSERT_TRUE(parse_spool_line(std::string_view(line).substr(0, line.size() - 1), back));
  EXPECT_EQ(back, row);
}

TEST(CdrSpoolLine, RefusesWhatItNeverWrites) {
  CdrRow r;
  EXPECT_FALSE(parse_spool_line("a\\x", r));   // unknown escape
  EXPECT_FALSE(parse_spool_line("a\\", r));    // escape cut short
  EXPECT_FALSE(parse_spool_line("\\Nx", r));   // NULL is a whole field
  EXPECT_FALSE(parse_spool_line("x\\N", r));
  EXPECT_FALSE(parse_spool_line("a\nb", r));   // a raw line break
  ASSERT_TRUE(parse_spool_line("", r));
  EXPECT_EQ(r.size(), 1u);
}

TEST(CdrSpoolFile, AppendsReadsInBatchesAndTruncates) {
  const std::string path = temp_path("spool_file");
  CdrSpool s;
  std::string why;
  ASSERT_TRUE(s.open(path, why)) << why;
  std::vector<CdrRow> rows;
  for (int i = 0; i < 2000; ++i) // > one 64 KiB read chunk
    rows.push_back({std::to_string(i), std::string(40, 'x'), std::nullopt});
  ASSERT_TRUE(s.append(rows, why)) << why;
  std::vector<CdrRow> got, part;
  uint64_t at = 0, next = 0;
  std::size_t bad = 0;
  while (true) {
    ASSERT_TRUE(s.read(at, 333, part, next, bad, why)) << why;
    EXPECT_EQ(bad, 0u);
    if (part.empty())
      break;
    EXPECT_LE(part.size(), 333u);
    got.insert(got.end(), part.begin(), part.end());
    at = next;
  }
  EXPECT_EQ(got, rows);
  EXPECT_EQ(at, s.size());
  ASSERT_TRUE(s.truncate(why));
  EXPECT_EQ(fs::file_size(path), 0u);
}

TEST(CdrSpoolFile, SkipsAndCountsALineThatIsNotARecord) {
  const std::string path = temp_path("spool_bad");
  {
    std::ofstream f(path);
    f << "1\tok\n2\\q\tbroken\n3\tok\n";
  }
  CdrSpool s;
  std::string why;
  ASSERT_TRUE(s.open(path, why));
  std::vector<CdrRow> rows;
  uint64_t next = 0;
  std::size_t bad = 0;
  ASSERT_TRUE(s.read(0, 10, rows, next, bad, why));
  EXPECT_EQ(rows.size(), 2u);
  EXPECT_EQ(bad, 1u);
  EXPECT_EQ(next, s.size());
}

TEST(CdrPostgresSql, InsertStatementAndRow) {
  EXPECT_EQ(cdr_insert_sql("cdr", 2).substr(0, 40), "INSERT INTO cdr (record_id, record_type,");
  const std::string sql = cdr_insert_sql("ops.cdr", 2);
  EXPECT_NE(sql.find("($20, $21,"), std::string::npos);
  EXPECT_NE(sql.find("$38) ON CONFLICT (record_id) DO NOTHING"), std::string::npos);
  const CdrRow stop = cdr_row(record(9), CdrType::Stop, "i1");
  ASSERT_EQ(stop.size(), kCdrColumnCount);
  EXPECT_EQ(*stop[0], "i1-9-stop");
  EXPECT_EQ(*stop[1], "stop");
  EXPECT_EQ(*stop[2], "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(*stop[11], "16");
  EXPECT_EQ(*stop[13], "sip");
  EXPECT_EQ(*stop[14], "60000");
  EXPECT_FALSE(stop[16]); // no outgoing trunk group: NULL
  CallRecord r = record(9);
  r.release = r.seizure + std::chrono::seconds(902);
  const CdrRow interim = cdr_row(r, CdrType::Interim, "i1");
  EXPECT_EQ(*interim[0], "i1-9-i902");
  EXPECT_EQ(*interim[1], "interim");
  EXPECT_FALSE(interim[11]); // no cause before the release
  EXPECT_FALSE(interim[13]);
}

TEST(CdrPostgresSql, TableNamesAndMaskedPasswords) {
  EXPECT_TRUE(valid_cdr_table("cdr"));
  EXPECT_TRUE(valid_cdr_table("ops.cdr_2"));
  EXPECT_FALSE(valid_cdr_table("cdr; drop table x"));
  EXPECT_FALSE(valid_cdr_table("Cdr"));
  EXPECT_FALSE(valid_cdr_table("a.b.c"));
  EXPECT_FALSE(valid_cdr_table("2cdr"));
  EXPECT_FALSE(valid_cdr_table(""));
  EXPECT_EQ(masked_conninfo("host=/tmp password=s3cret dbname=x"), "host=/tmp password=**** dbname=x");
  EXPECT_EQ(masked_conninfo("password = 'a b\\'c' user=u"), "password = **** user=u");
  EXPECT_EQ(masked_conninfo("postgresql://u:pw@h/db?password=x&sslmode=off"),
            "postgresql://u:****@h/db?password=****&sslmode=off");
  EXPECT_EQ(masked_conninfo("host=/tmp passfile=/x"), "host=/tmp passfile=/x");
}

TEST_F(PgFixture, BatchesBySizeAndByTime) {
  make();
  sched.advance(10);
  ASSERT_TRUE(sink->connected());
  for (uint64_t i = 1; i <= 4; ++i)
    sink->write(record(i));
  EXPECT_EQ(db->statements, 1); // the first three at once
  sched.advance(5);
  EXPECT_EQ(table.order, ids(1, 3));
  sched.advance(199);
  EXPECT_EQ(table.order.size(), 3u); // the fourth waits for the flush interval
  sched.advance(1 + 5);
  EXPECT_EQ(table.order, ids(1, 4));
  EXPECT_EQ(ctr(CdrSinkCounter::written), 4u);
  EXPECT_EQ(ctr(CdrSinkCounter::spooled), 0u);
  EXPECT_EQ(fs::file_size(cfg.spool), 0u);
}

TEST_F(PgFixture, SpoolsWhileDownBacksOffAndReplaysInOrder) {
  make(false);
  sched.advance(10);
  EXPECT_FALSE(sink->connected());
  for (uint64_t i = 1; i <= 7; ++i)
    sink->write(record(i));
  EXPECT_EQ(ctr(CdrSinkCounter::spooled), 7u);
  EXPECT_GT(fs::file_size(cfg.spool), 0u);
  // The first attempt at once, then retries after 1, 2, 4, 8 s (each refused after 10 ms).
  EXPECT_EQ(db->connects, 1);
  sched.advance(1000);
  EXPECT_EQ(db->connects, 2);
  sched.advance(10 + 2000);
  EXPECT_EQ(db->connects, 3);
  sched.advance(10 + 4000);
  EXPECT_EQ(db->connects, 4);
  sched.advance(10);
  EXPECT_EQ(ctr(CdrSinkCounter::reconnects), 3u);
  EXPECT_NE(sink->status().state.find("down, retry in 8 s"), std::string::npos)
      << sink->status().state;
  db->reachable = true;
  sched.advance(8000 + 10); // connected; replay starts
  EXPECT_TRUE(sink->connected());
  sink->write(record(8)); // while the spool is replayed: behind it, in the spool
  sched.advance(100);
  EXPECT_EQ(table.order, ids(1, 8));
  EXPECT_EQ(ctr(CdrSinkCounter::replayed), 8u);
  EXPECT_EQ(fs::file_size(cfg.spool), 0u); // emptied once all of it is in
  sink->write(record(9));                   // and direct again
  EXPECT_EQ(ctr(CdrSinkCounter::spooled), 8u);
  sched.advance(300);
  EXPECT_EQ(table.order, ids(1, 9));
  EXPECT_EQ(ctr(CdrSinkCounter::failed), 0u);
}

TEST_F(PgFixture, ConnectionLostMidBatchLosesNothingAndDuplicatesNothing) {
  make();
  sched.advance(10);
  for (uint64_t i = 1; i <= 3; ++i)
    sink->write(record(i));
  db->drop(); // the batch in flight, never committed
  sink->write(record(4));
  sched.advance(500);
  db->reachable = true;
  for (uint64_t i = 5; i <= 6; ++i)
    sink->write(record(i));
  db->lose_after_commit = true; // the first replayed batch commits, its answer is lost
  sched.advance(3000);
  ASSERT_TRUE(sink->connected());
  sched.advance(3000);
  EXPECT_EQ(table.order, ids(1, 6)); // each once, in order
  EXPECT_EQ(ctr(CdrSinkCounter::duplicates), 3u);
  EXPECT_EQ(ctr(CdrSinkCounter::failed), 0u);
  EXPECT_EQ(fs::file_size(cfg.spool), 0u);
}

TEST_F(PgFixture, WhatIsLeftAtExitIsReplayedByTheNextRun) {
  make();
  sched.advance(10);
  sink->write(record(1));
  sink->write(record(2)); // waiting for the flush interval
  sink.reset();
  EXPECT_TRUE(table.order.empty());
  make();
  sched.advance(100);
  EXPECT_EQ(table.order, ids(1, 2));
}

TEST_F(PgFixture, TableRefusingTheBatchIsTreatedAsDownAndSpools) {
  make();
  sched.advance(10);
  db->refuse = "ERROR: relation \"cdr\" does not exist";
  for (uint64_t i = 1; i <= 3; ++i)
    sink->write(record(i));
  sched.advance(5);
  EXPECT_FALSE(sink->connected());
  EXPECT_EQ(ctr(CdrSinkCounter::spooled), 3u);
  EXPECT_EQ(sink->status().last_error, db->refuse);
  db->refuse.clear(); // the operator created the table
  sched.advance(1000 + 10 + 100);
  EXPECT_EQ(table.order, ids(1, 3));
  EXPECT_EQ(ctr(CdrSinkCounter::replayed), 3u);
}

TEST(CdrInterimTimer, EveryIntervalWhileTheCallIsUpThenStops) {
  core::SimScheduler sched;
  std::vector<std::pair<int64_t, uint32_t>> fired;
  std::set<uint32_t> up{1, 2};
  CdrInterim interim(sched, [&](uint32_t ref, uint64_t) {
    if (!up.count(ref))
      return false;
    fired.emplace_back(sched.now_ms(), ref);
    return true;
  });
  interim.answered(1, 1); // off: ignored
  EXPECT_EQ(interim.waiting(), 0u);
  interim.set_interval_ms(1000);
  interim.answered(1, 1);
  sched.advance(500);
  interim.answered(2, 2);
  sched.advance(1600); // t = 2100
  EXPECT_EQ(fired, (std::vector<std::pair<int64_t, uint32_t>>{{1000, 1}, {1500, 2}, {2000, 1}}));
  up.erase(1);
  interim.set_interval_ms(3000); // live: from each call's next record on
  sched.advance(10000);
  EXPECT_EQ(fired.back(), (std::pair<int64_t, uint32_t>{11500, 2}));
  EXPECT_EQ(fired.size(), 7u); // 2500 (old interval), then every 3 s: 5500 8500 11500
  EXPECT_EQ(interim.waiting(), 1u);
  interim.set_interval_ms(0);
  EXPECT_EQ(interim.waiting(), 0u);
}

TEST(CdrCsvRotation, BySizeOnRequestAndAfterLogrotate) {
  const std::string dir = testing::TempDir() + "cdr_rot/";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = dir + "cdr.csv";
  CdrWriter w(path);
  ASSERT_TRUE(w.ok());
  w.write(record(1));
  w.flush();
  w.set_rotation({1, 0}); // the file is past 1 byte: rotated before the next record
  w.write(record(3));
  w.flush();
  w.set_rotation({});
  w.write(record(2));
  w.flush();
  auto rotated = [&] {
    std::vector<std::string> v;
    for (auto &e : fs::directory_iterator(dir))
      if (e.path().filename() != "cdr.csv")
        v.push_back(e.path().filename());
    return v;
  };
  ASSERT_EQ(rotated().size(), 1u);
  EXPECT_EQ(rotated()[0].substr(0, 8), "cdr.csv.");
  EXPECT_EQ(rotated()[0].size(), std::string("cdr.csv.20231114T221320Z").size());
  std::ifstream fresh(path);
  std::string header, line;
  std::getline(fresh, header);
  EXPECT_EQ(header, cdr_header()); // a fresh file starts with the header
  std::getline(fresh, line);
  EXPECT_EQ(line, cdr_line(record(3)));
  std::getline(fresh, line);
  EXPECT_EQ(line, cdr_line(record(2)));
  w.rotate();
  w.flush();
  EXPECT_EQ(rotated().size(), 2u);
  // logrotate renamed it already: SIGHUP only reopens the path.
  fs::rename(path, dir + "moved.csv");
  w.rotate();
  w.write(record(4));
  w.flush();
  EXPECT_EQ(rotated().size(), 3u);
  EXPECT_TRUE(fs::exists(path));
  const CdrSinkStatus st = w.status();
  EXPECT_EQ(st.counters.get(CdrSinkCounter::written), 4u);
  EXPECT_EQ(st.counters.get(CdrSinkCounter::rotations), 3u);
  EXPECT_EQ(st.counters.get(CdrSinkCounter::failed), 0u);
}
