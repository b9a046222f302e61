#include "callcontrol/cdr.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mgc::cc {

std::string cdr_time(CallRecord::Clock::time_point t) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t s = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, int(ms % 1000));
  return buf;
}

namespace {

std::string utc(CallRecord::Clock::time_point t) { return cdr_time(t); }

// RFC 4180: quote when the field holds a comma, quote, CR or LF; double the quotes.
std::string csv(std::string_view f) {
  if (f.find_first_of(",\"\r\n") == std::string::npos)
    return std::string(f);
  std::string out = "\"";
  for (char c : f) {
    if (c == '"')
      out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

} // namespace

std::string cdr_header() {
  return "seizure_utc,answer_utc,release_utc,direction,calling,called,trunk_group,cic,"
         "sip_call_id,cause,cause_location,released_by,duration_ms,setup_ms,trunk_group_out,cic_out,"
         "attempts,redirected_to";
}

std::string cdr_line(const CallRecord &r) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const long long duration =
      r.answer ? duration_cast<milliseconds>(r.release - *r.answer).count() : 0;
  const long long setup =
      duration_cast<milliseconds>((r.answer ? *r.answer : r.release) - r.seizure).count();
  std::string s;
  s += utc(r.seizure) + ",";
  s += (r.answer ? utc(*r.answer) : "") + ",";
  s += utc(r.release) + ",";
  s += csv(r.direction) + "," + csv(r.calling) + "," + csv(r.called) + "," + csv(r.trunk_group) + ",";
  s += (r.cic ? std::to_string(*r.cic) : "") + ",";
  s += csv(r.sip_call_id) + ",";
  s += std::to_string(r.cause) + "," + std::to_string(r.cause_location) + ",";
  s += csv(name_of(kReleasedByNames, r.released_by, "")) + ",";
  s += std::to_string(duration) + "," + std::to_string(setup) + ",";
  s += csv(r.trunk_group_out) + "," + (r.cic_out ? std::to_string(*r.cic_out) : "") + ",";
  s += std::to_string(r.attempts) + ",";
  s += csv(r.redirected_to);
  return s;
}

CdrWriter::CdrWriter(const std::string &path) : path_(path) {
  std::string why;
  if (!open_file(why)) {
    last_error_ = why;
    return;
  }
  if (!why.empty()) { // the header was not written
    ++failed_;
    last_error_ = why;
  }
  thread_ = std::thread([this] { run(); });
}

// Opens (creates, appends to) path_, with the header line if the file is new.
bool CdrWriter::open_file(std::string &why) {
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) {
    why = std::string("open: ") + std::strerror(errno);
    return false;
  }
  const off_t end = ::lseek(fd, 0, SEEK_END);
  size_ = end > 0 ? static_cast<uint64_t>(end) : 0;
  opened_ = CallRecord::Clock::now();
  fd_ = fd;
  if (end == 0) {
    const std::string h = cdr_header() + "\n";
    if (::write(fd, h.data(), h.size()) != static_cast<ssize_t>(h.size())) {
      why = std::string("write: ") + std::strerror(errno);
      return true; // open; the records' own writes say whether the disk takes them
    }
    size_ += h.size();
  }
  return true;
}

bool CdrWriter::rotate_file(std::string &why) {
  opened_ = CallRecord::Clock::now(); // the next interval counts from here, failed or not
  const int fd = fd_.load();
  struct stat at_path {}, open_one {};
  // logrotate's habit: the file was renamed and the writer is told (SIGHUP) to reopen it.
  const bool moved = fd < 0 || ::stat(path_.c_str(), &at_path) != 0 ||
                     ::fstat(fd, &open_one) != 0 || at_path.st_ino != open_one.st_ino ||
                     at_path.st_dev != open_one.st_dev;
  if (!moved) {
    const std::time_t now = CallRecord::Clock::to_time_t(CallRecord::Clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    std::string to = path_ + "." + stamp;
    for (int n = 1; ::access(to.c_str(), F_OK) == 0; ++n) // two rotations in one second
      to = path_ + "." + stamp + "-" + std::to_string(n);
    if (::rename(path_.c_str(), to.c_str()) != 0) {
      why = "rename " + path_ + " to " + to + ": " + std::strerror(errno);
      return true; // the open file is kept: records still go somewhere
    }
  }
  if (fd >= 0) {
    ::fdatasync(fd);
    ::close(fd);
  }
  fd_ = -1;
  return open_file(why);
}

CdrWriter::~CdrWriter() {
  if (!thread_.joinable())
    return;
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
  if (fd_ >= 0)
    ::close(fd_);
}

void CdrWriter::write(const CallRecord &r, CdrType type) {
  if (type != CdrType::Stop)
    return;
  if (!thread_.joinable()) {
    std::lock_guard<std::mutex> l(mu_);
    ++failed_;
    return;
  }
  std::string line = cdr_line(r) + "\n";
  bool wake;
  {
    std::lock_guard<std::mutex> l(mu_);
    wake = queue_.empty(); // else the writer is awake already, or gathering (run())
    queue_.push_back(std::move(line));
    ++enqueued_;
  }
  if (wake)
    cv_.notify_one();
}

void CdrWriter::set_rotation(CdrRotation r) {
  {
    std::lock_guard<std::mutex> l(mu_);
    rotation_ = r;
  }
  cv_.notify_one(); // a new interval counts from now on the writer's next turn
}

void CdrWriter::rotate() {
  {
    std::lock_guard<std::mutex> l(mu_);
    rotate_now_ = true;
  }
  cv_.notify_one();
}

CdrSinkStatus CdrWriter::status() const {
  CdrSinkStatus st;
  st.name = "csv " + path_;
  std::lock_guard<std::mutex> l(mu_);
  st.state = fd_ >= 0 ? "open" : "not open";
  if (fd_ >= 0 && rotation_.max_bytes)
    st.state += ", rotated at " + std::to_string(rotation_.max_bytes) + " bytes";
  if (fd_ >= 0 && rotation_.interval_s)
    st.state += ", rotated every " + std::to_string(rotation_.interval_s) + " s";
  st.last_error = last_error_;
  st.counters.inc(CdrSinkCounter::written, written_);
  st.counters.inc(CdrSinkCounter::failed, failed_);
  st.counters.inc(CdrSinkCounter::rotations, rotations_);
  return st;
}

void CdrWriter::flush() {
  std::unique_lock<std::mutex> l(mu_);
  urgent_ = true; // no gathering: written now
  cv_.notify_one();
  done_cv_.wait(l, [this] { return (written_ + failed_ >= enqueued_ && !rotate_now_) || !thread_.joinable(); });
  urgent_ = false;
}

uint64_t CdrWriter::written() const {
  std::lock_guard<std::mutex> l(mu_);
  return written_;
}

uint64_t CdrWriter::failed() const {
  std::lock_guard<std::mutex> l(mu_);
  return failed_;
}

std::string CdrWriter::last_error() const {
  std::lock_guard<std::mutex> l(mu_);
  return last_error_;
}

void CdrWriter::run() {
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    auto ready = [this] { return stop_ || !queue_.empty() || rotate_now_; };
    if (rotation_.interval_s) {
      const auto due = opened_ + std::chrono::seconds(rotation_.interval_s);
      cv_.wait_until(l, due, ready);
    } else {
      cv_.wait(l, ready);
    }
    if (queue_.empty() && stop_)
      return;
    // Group commit: the records of the next few milliseconds share one write and one
    // fdatasync. One sync per record cost a tenth of mgcd's CPU at 1,500 calls/s (each sync a
    // journal commit), and a record is at most kGather later on disk than it would have been.
    if (!queue_.empty())
      cv_.wait_for(l, kGather, [this] { return stop_ || urgent_ || rotate_now_; });
    const bool rotate =
        rotate_now_ || (rotation_.max_bytes && size_ >= rotation_.max_bytes) ||
        (rotation_.interval_s &&
         CallRecord::Clock::now() >= opened_ + std::chrono::seconds(rotation_.interval_s));
    std::deque<std::string> batch;
    batch.swap(queue_);
    l.unlock();
    std::string why;
    bool rotated = false;
    if (rotate)
      rotated = rotate_file(why) && why.empty();
    std::string all;
    for (auto &s : batch)
      all += s;
    bool ok = fd_ >= 0;
    if (!ok && why.empty() && !batch.empty())
      why = "no file open";
    std::size_t off = 0;
    while (ok && off < all.size()) {
      const ssize_t n = ::write(fd_, all.data() + off, all.size() - off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0) {
        ok = false;
        why = std::string("write: ") + (n < 0 ? std::strerror(errno) : "nothing written");
        break;
      }
      off += static_cast<std::size_t>(n);
    }
    size_ += off;
    if (ok && !all.empty() && ::fdatasync(fd_) != 0) { // durable before counted as written
      ok = false;
      why = std::string("fdatasync: ") + std::strerror(errno);
    }
    l.lock();
    if (rotate)
      rotate_now_ = false;
    if (rotated)
      ++rotations_;
    (ok ? written_ : failed_) += batch.size();
    if (!why.empty())
      last_error_ = std::move(why); // the loop logs it and raises the alarm (gateway.cpp)
    done_cv_.notify_all();
  }
}

} // namespace mgc::cc
