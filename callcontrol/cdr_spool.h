// The local spool of the PostgreSQL CDR sink (cdr_postgres.h): while the database cannot be
// reached, records are appended here, and replayed from the front, in order, when it is back.
//
// One record a line, its fields in the table's column order separated by TAB, in PostgreSQL's
// COPY text format (PostgreSQL 15 docs, COPY "Text Format"): `\N` is NULL, and backslash, TAB,
// LF and CR inside a field are written `\\`, `\t`, `\n`, `\r` — a line is a record whatever the
// fields hold, and `psql \copy` can load a spool by hand.
//
// Durability: each append is one write(2) at once (in the page cache: an mgcd crash loses
// nothing), and a thread calls fdatasync at most once a second while there is unsynced data (a
// power loss loses at most that second), so the event loop never waits on the disk (DESIGN.md
// "Event loop and threading").
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace mgc::cc {

using CdrRow = std::vector<std::optional<std::string>>; // nullopt: SQL NULL

std::string spool_line(const CdrRow &row); // with its '\n'
// `line` without its '\n'. False: not a line spool_line() writes (an unknown escape).
bool parse_spool_line(std::string_view line, CdrRow &out);

class CdrSpool {
public:
  CdrSpool() = default;
  ~CdrSpool();
  CdrSpool(const CdrSpool &) = delete;
  CdrSpool &operator=(const CdrSpool &) = delete;

  // Opens (creates) the file; what it holds already is kept (replayed after a restart).
  bool open(const std::string &path, std::string &why);
  bool is_open() const { return fd_ >= 0; }
  const std::string &path() const { return path_; }
  bool append(const std::vector<CdrRow> &rows, std::string &why);
  uint64_t size() const { return size_; }
  // Up to max_rows records from byte `from`; `next` is the byte after the last one read. A line
  // that does not parse is skipped and counted in `bad`.
  bool read(uint64_t from, std::size_t max_rows, std::vector<CdrRow> &rows, uint64_t &next,
            std::size_t &bad, std::string &why) const;
  // Everything was replayed: the file is emptied.
  bool truncate(std::string &why);

private:
  void sync_loop();
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool dirty_ = false, stop_ = false;
  std::thread syncer_;
};

} // namespace mgc::cc
