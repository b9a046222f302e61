#include "callcontrol/cdr_libpq.h"

#include "core/osmo.h"

#include <libpq-fe.h>

#include <unistd.h>

namespace mgc::cc {

LibpqDatabase::LibpqDatabase(std::string conninfo) : conninfo_(std::move(conninfo)) {}

LibpqDatabase::~LibpqDatabase() { disconnect(); }

void LibpqDatabase::disconnect() {
  fd_.close();
  watched_ = -1;
  if (conn_)
    PQfinish(conn_);
  conn_ = nullptr;
  connected_ = busy_ = false;
}

void LibpqDatabase::fail(const std::string &why) {
  disconnect();
  if (listener_)
    listener_->db_down(why);
}

static std::string pq_error(pg_conn *c) {
  std::string s = c ? PQerrorMessage(c) : "out of memory";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  std::string out; // one log line: libpq's "\n\t" continuation lines joined by one space
  for (char ch : s) {
    const bool space = ch == '\n' || ch == '\t' || ch == ' ';
    if (!space || (!out.empty() && out.back() != ' '))
      out.push_back(space ? ' ' : ch);
  }
  return out;
}

bool LibpqDatabase::watch(bool want_write) {
  const int s = PQsocket(conn_);
  if (s < 0)
    return false;
  if (s != watched_ || !fd_.is_open()) {
    const int d = ::dup(s);
    if (d < 0 || !fd_.open(d, [this](unsigned what) { on_ready(what); }, want_write))
      return false;
    watched_ = s;
  }
  fd_.want_write(want_write);
  fd_.want_read(true);
  return true;
}

void LibpqDatabase::connect() {
  disconnect();
  conn_ = PQconnectStart(conninfo_.c_str());
  if (!conn_ || PQstatus(conn_) == CONNECTION_BAD) {
    fail(pq_error(conn_));
    return;
  }
  // §34.2: before the first PQconnectPoll, wait as if it had returned PGRES_POLLING_WRITING.
  if (!watch(true))
    fail("no socket: " + pq_error(conn_));
}

void LibpqDatabase::poll_connect() {
  switch (PQconnectPoll(conn_)) {
  case PGRES_POLLING_OK:
    if (PQsetnonblocking(conn_, 1) != 0) {
      fail(pq_error(conn_));
      return;
    }
    connected_ = true;
    if (!watch(false)) {
      fail("no socket: " + pq_error(conn_));
      return;
    }
    if (listener_)
      listener_->db_up();
    return;
  case PGRES_POLLING_READING:
    if (!watch(false))
      fail("no socket: " + pq_error(conn_));
    return;
  case PGRES_POLLING_WRITING:
    if (!watch(true))
      fail("no socket: " + pq_error(conn_));
    return;
  default:
    fail(pq_error(conn_));
    return;
  }
}

bool LibpqDatabase::send(const std::string &sql,
                         const std::vector<std::optional<std::string>> &params) {
  if (!connected_ || busy_)
    return false;
  std::vector<const char *> values(params.size());
  for (std::size_t i = 0; i < params.size(); ++i)
    values[i] = params[i] ? params[i]->c_str() : nullptr;
  if (!PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr,
                         values.data(), nullptr, nullptr, 0)) {
    fail(pq_error(conn_));
    return false;
  }
  busy_ = true;
  result_ok_ = true;
  rows_ = 0;
  result_error_.clear();
  flush_out();
  return true;
}

// Non-blocking mode: what libpq could not write yet goes when the socket is writable (§34.5).
void LibpqDatabase::flush_out() {
  if (!conn_)
    return;
  const int r = PQflush(conn_);
  if (r < 0)
    fail(pq_error(conn_));
  else
    fd_.want_write(r == 1);
}

void LibpqDatabase::read_results() {
  if (!PQconsumeInput(conn_)) {
    fail(pq_error(conn_));
    return;
  }
  while (conn_ && busy_ && !PQisBusy(conn_)) {
    PGresult *res = PQgetResult(conn_);
    if (!res) { // the statement is done
      busy_ = false;
      if (listener_)
        listener_->db_done(result_ok_, rows_, result_error_);
      return;
    }
    if (PQresultStatus(res) == PGRES_COMMAND_OK) {
      rows_ += std::strtoull(PQcmdTuples(res), nullptr, 10);
    } else {
      result_ok_ = false;
      result_error_ = pq_error(conn_);
    }
    PQclear(res);
  }
  if (conn_ && PQstatus(conn_) == CONNECTION_BAD)
    fail(pq_error(conn_));
}

void LibpqDatabase::on_ready(unsigned what) {
  if (!conn_)
    return;
  if (!connected_) {
    poll_connect();
    return;
  }
  if (what & OSMO_FD_WRITE)
    flush_out();
  if (conn_ && (what & OSMO_FD_READ)) {
    read_results();
    // Between statements the server may still speak (a shutdown notice, then EOF): read it so
    // that a lost connection is seen now, not at the next batch.
    if (conn_ && !busy_) {
      while (PGresult *res = PQgetResult(conn_))
        PQclear(res);
      if (PQstatus(conn_) == CONNECTION_BAD)
        fail(pq_error(conn_));
    }
  }
}

std::string masked_conninfo(const std::string &conninfo) {
  std::string s = conninfo;
  // URI: postgresql://user:password@host
  if (const auto scheme = s.find("://"); scheme != std::string::npos) {
    const auto at = s.find('@', scheme + 3);
    const auto colon = s.find(':', scheme + 3);
    if (at != std::string::npos && colon != std::string::npos && colon < at)
      s.replace(colon + 1, at - colon - 1, "****");
    for (auto q = s.find("password=", scheme); q != std::string::npos;
         q = s.find("password=", q + 1)) {
      const auto end = s.find('&', q);
      s.replace(q + 9, (end == std::string::npos ? s.size() : end) - q - 9, "****");
    }
    return s;
  }
  // keyword = value pairs; a value may be quoted with '' and hold \' (§34.1.1.1).
  for (std::size_t q = s.find("password"); q != std::string::npos; q = s.find("password", q + 1)) {
    if (q > 0 && !std::isspace(static_cast<unsigned char>(s[q - 1])))
      continue;
    std::size_t i = q + 8;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
      ++i;
    if (i >= s.size() || s[i] != '=')
      continue;
    ++i;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
      ++i;
    std::size_t end = i;
    if (end < s.size() && s[end] == '\'') {
      for (++end; end < s.size() && s[end] != '\''; ++end)
        if (s[end] == '\\')
          ++end;
      end = std::min(end + 1, s.size());
    } else {
      while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end])))
        ++end;
    }
    s.replace(i, end - i, "****");
  }
  return s;
}

} // namespace mgc::cc
