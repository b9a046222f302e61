// The PostgreSQL connection of the CDR sink: libpq's asynchronous interface on the event loop
// (PostgreSQL 15 docs §34.2 "Connecting": PQconnectStart/PQconnectPoll; §34.4 "Asynchronous
// Command Processing": PQsendQueryParams, PQflush, PQconsumeInput, PQisBusy, PQgetResult), its
// socket watched as a core::LoopFd, so mgcd's loop never waits on the database. A host name in
// the conninfo is resolved by libpq synchronously: give hostaddr= or a Unix socket directory.
#pragma once

#include "callcontrol/cdr_database.h"
#include "core/loop_fd.h"

#include <string>

struct pg_conn;

namespace mgc::cc {

class LibpqDatabase final : public CdrDatabase {
public:
  explicit LibpqDatabase(std::string conninfo);
  ~LibpqDatabase() override;
  void set_listener(Listener *l) override { listener_ = l; }
  void connect() override;
  void disconnect() override;
  bool send(const std::string &sql, const std::vector<std::optional<std::string>> &params) override;

private:
  void on_ready(unsigned what);
  void poll_connect();
  void flush_out();
  void read_results();
  void fail(const std::string &why);
  // libpq owns its socket; the loop watches a duplicate of it (core::LoopFd closes what it
  // holds), renewed when libpq moves to another socket (the next host or address).
  bool watch(bool want_write);

  std::string conninfo_;
  Listener *listener_ = nullptr;
  pg_conn *conn_ = nullptr;
  core::LoopFd fd_;
  int watched_ = -1; // libpq's socket the duplicate is of
  bool connected_ = false, busy_ = false, result_ok_ = true;
  uint64_t rows_ = 0;
  std::string result_error_;
};

// The conninfo as `show` prints it: a password (keyword password=, or in a URI's user:password@)
// replaced by ****.
std::string masked_conninfo(const std::string &conninfo);

} // namespace mgc::cc
