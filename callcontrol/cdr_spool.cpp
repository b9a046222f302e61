#include "callcontrol/cdr_spool.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mgc::cc {

std::string spool_line(const CdrRow &row) {
  std::string out;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i)
      out.push_back('\t');
    if (!row[i]) {
      out += "\\N";
      continue;
    }
    for (char c : *row[i]) {
      switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out.push_back(c);
      }
    }
  }
  out.push_back('\n');
  return out;
}

bool parse_spool_line(std::string_view line, CdrRow &out) {
  out.clear();
  std::string field;
  bool null = false, any = false;
  for (std::size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == '\t') {
      out.push_back(null ? std::nullopt : std::optional<std::string>(std::move(field)));
      field.clear();
      null = any = false;
      continue;
    }
    if (null) // `\N` is the whole field
      return false;
    const char c = line[i];
    if (c == '\n' || c == '\r')
      return false;
    if (c != '\\') {
      field.push_back(c);
      any = true;
      continue;
    }
    if (++i == line.size())
      return false;
    switch (line[i]) {
    case '\\': field.push_back('\\'); break;
    case 't': field.push_back('\t'); break;
    case 'n': field.push_back('\n'); break;
    case 'r': field.push_back('\r'); break;
    case 'N':
      if (any)
        return false;
      null = true;
      break;
    default: return false;
    }
    any = true;
  }
  return true;
}

CdrSpool::~CdrSpool() {
  if (syncer_.joinable()) {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    syncer_.join();
  }
  if (fd_ >= 0) {
    ::fdatasync(fd_);
    ::close(fd_);
  }
}

bool CdrSpool::open(const std::string &path, std::string &why) {
  path_ = path;
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd_ < 0) {
    why = "open " + path + ": " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  size_ = ::fstat(fd_, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  syncer_ = std::thread([this] { sync_loop(); });
  return true;
}

bool CdrSpool::append(const std::vector<CdrRow> &rows, std::string &why) {
  if (fd_ < 0) {
    why = "no spool file open";
    return false;
  }
  std::string all;
  for (const auto &r : rows)
    all += spool_line(r);
  std::size_t off = 0;
  while (off < all.size()) {
    const ssize_t n = ::write(fd_, all.data() + off, all.size() - off);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      why = "write " + path_ + ": " + (n < 0 ? std::strerror(errno) : "nothing written");
      // A partial line would corrupt the next record: cut the file back to where it was.
      if (off && ::ftruncate(fd_, static_cast<off_t>(size_)) != 0)
        why += "; cannot cut back a partial line";
      return false;
    }
    off += static_cast<std::size_t>(n);
  }
  size_ += all.size();
  {
    std::lock_guard<std::mutex> l(mu_);
    dirty_ = true;
  }
  cv_.notify_one();
  return true;
}

bool CdrSpool::read(uint64_t from, std::size_t max_rows, std::vector<CdrRow> &rows,
                    uint64_t &next, std::size_t &bad, std::string &why) const {
  rows.clear();
  bad = 0;
  next = from;
  if (fd_ < 0) {
    why = "no spool file open";
    return false;
  }
  std::string buf;
  constexpr std::size_t kChunk = 64 * 1024;
  uint64_t at = from;
  while (rows.size() + bad < max_rows && at < size_) {
    const std::size_t want = static_cast<std::size_t>(std::min<uint64_t>(kChunk, size_ - at));
    const std::size_t old = buf.size();
    buf.resize(old + want);
    const ssize_t n = ::pread(fd_, buf.data() + old, want, static_cast<off_t>(at));
    if (n < 0 && errno == EINTR) {
      buf.resize(old);
      continue;
    }
    if (n <= 0) {
      why = "read " + path_ + ": " + (n < 0 ? std::strerror(errno) : "file shorter than written");
      return false;
    }
    buf.resize(old + static_cast<std::size_t>(n));
    at += static_cast<uint64_t>(n);
    std::size_t start = 0, nl;
    while (rows.size() + bad < max_rows && (nl = buf.find('\n', start)) != std::string::npos) {
      CdrRow r;
      if (parse_spool_line(std::string_view(buf).substr(start, nl - start), r))
        rows.push_back(std::move(r));
      else
        ++bad;
      start = nl + 1;
    }
    next += start;
    buf.erase(0, start);
    at = next + buf.size();
    if (rows.size() + bad >= max_rows)
      break;
  }
  return true;
}

bool CdrSpool::truncate(std::string &why) {
  if (fd_ >= 0 && ::ftruncate(fd_, 0) != 0) {
    why = "truncate " + path_ + ": " + std::strerror(errno);
    return false;
  }
  size_ = 0;
  return true;
}

void CdrSpool::sync_loop() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_) {
    cv_.wait(l, [this] { return stop_ || dirty_; });
    if (stop_)
      return;
    dirty_ = false;
    l.unlock();
    ::fdatasync(fd_);
    l.lock();
    cv_.wait_for(l, std::chrono::seconds(1), [this] { return stop_; }); // one sync a second
  }
}

} // namespace mgc::cc
