// Call detail records: one CSV line per call attempt, written when the attempt ends. The line is
// handed to a writer thread that appends and fsyncs (group commit: at most 10 ms of records share
// one fdatasync), so the event loop never blocks on the disk
// (DESIGN.md "Event loop and threading"). Format (README "CDR format"):
//
//   seizure_utc,answer_utc,release_utc,direction,calling,called,trunk_group,cic,sip_call_id,
//   cause,cause_location,released_by,duration_ms,setup_ms,trunk_group_out,cic_out,attempts
//
// trunk_group_out and cic_out name the outgoing circuit of a transit call (pstn-to-pstn; then
// trunk_group and cic are the incoming one); empty for every other call. attempts: the route's
// targets the call was offered to (route advance: each IAM or INVITE sent; 0 when none went
// out); the trunk group and CIC (or Call-ID) are the last attempt's.
//
// The file is a CdrSink (cdr_sink.h) taking stop records only: its format has no record type,
// and its readers count one line per call attempt. It rotates (renamed with a UTC timestamp, a
// fresh file opened) by size, by age, on SIGHUP and on `cdr rotate` (DESIGN.md "Call detail
// records").
#pragma once

#include "callcontrol/cdr_sink.h"
#include "core/names.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace mgc::cc {

// Who ended a call attempt, as the record names it.
enum class ReleasedBy : uint8_t { Unknown, Sip, Pstn, Gateway };
inline constexpr auto kReleasedByNames =
    name_table<ReleasedBy>({{ReleasedBy::Unknown, ""},
                            {ReleasedBy::Sip, "sip"},
                            {ReleasedBy::Pstn, "pstn"},
                            {ReleasedBy::Gateway, "gateway"}});
static_assert(names_unique(kReleasedByNames));

// A call holds its record from the seizure to the release, so the record is as small as it can
// be (a held call's memory is a benchmark target): what the call holds anyway — its trunk groups'
// names, its SIP leg's Call-ID — is referred to by view (valid until the record is written, which
// the call does as it ends), the direction is a constant and who released an enum.
struct CallRecord {
  using Clock = std::chrono::system_clock;
  Clock::time_point seizure{};
  std::optional<Clock::time_point> answer;
  // The first backward message toward the caller (ACM, 180/183, or the answer): the end of the
  // post-dial delay (call_statistics.h). The epoch: none came. Not written to the CSV.
  Clock::time_point progress{};
  Clock::time_point release{};
  // "sip-to-pstn", "pstn-to-sip", "pstn-to-pstn"
  const char *direction = "";
  std::string calling, called;
  std::string_view trunk_group, trunk_group_out; // trunk_group_out: a transit call's outgoing one
  std::string_view sip_call_id;
  std::optional<uint16_t> cic, cic_out; // cic_out: a transit call's outgoing circuit
  uint8_t cause = 16;
  uint8_t cause_location = 0;
  ReleasedBy released_by = ReleasedBy::Unknown;
  uint8_t attempts = 0;
  std::string redirected_to; // the last 3xx Contact the SIP side tried (RFC 3261 §8.1.3.4)
  // The call's number within this process (from 1, in seizure order): with the process's
  // instance it names the call's records (cdr_postgres.h record_id). 0: none given.
  uint64_t seq = 0;
};

// The CSV header line and one record as a CSV line (no trailing newline). Fields that may hold
// anything are quoted per RFC 4180.
std::string cdr_header();
// ISO 8601 UTC with milliseconds ("2023-11-14T22:13:20.000Z"), as every record writes times.
std::string cdr_time(CallRecord::Clock::time_point t);
std::string cdr_line(const CallRecord &r);

// When the CSV file is rotated besides SIGHUP and `cdr rotate`: once it holds max_bytes (0: no
// limit) and once it is interval_s old (0: never).
struct CdrRotation {
  uint64_t max_bytes = 0;
  uint32_t interval_s = 0;
  bool operator==(const CdrRotation &) const = default;
};

class CdrWriter final : public CdrSink {
public:
  // Opens (creates, appends to) `path`; check ok().
  explicit CdrWriter(const std::string &path);
  ~CdrWriter(); // flushes what is queued and joins the writer thread
  CdrWriter(const CdrWriter &) = delete;
  CdrWriter &operator=(const CdrWriter &) = delete;

  bool ok() const { return fd_ >= 0; }
  // Queues a stop record; returns immediately. Interim records are not the file's.
  void write(const CallRecord &r, CdrType type = CdrType::Stop) override;
  CdrSinkStatus status() const override;
  // Live: applies from the next record on.
  void set_rotation(CdrRotation r);
  // Renames the file to PATH.YYYYMMDDTHHMMSSZ and opens a fresh one, at the writer's next turn
  // (SIGHUP, `cdr rotate`). If the file was moved away already (logrotate), only reopens.
  void rotate();
  const std::string &path() const { return path_; }
  // Blocks until everything queued so far is on disk (tests, shutdown).
  void flush();
  uint64_t written() const;
  uint64_t failed() const;
  // Why the last record (or the open) failed ("write: No space left on device"); empty: never.
  std::string last_error() const;

private:
  void run();
  // On the writer thread: the rotation itself; false and why if no file is open after it.
  bool rotate_file(std::string &why);
  bool open_file(std::string &why);

  std::string path_;
  std::atomic<int> fd_{-1};
  uint64_t size_ = 0;                            // of the open file (writer thread)
  CallRecord::Clock::time_point opened_{};       // when the open file was started
  CdrRotation rotation_;                         // mu_
  bool rotate_now_ = false;                      // mu_
  uint64_t rotations_ = 0;                       // mu_
  mutable std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  std::deque<std::string> queue_;
  bool stop_ = false, urgent_ = false;
  static constexpr std::chrono::milliseconds kGather{10}; // group commit window (run())
  uint64_t enqueued_ = 0, written_ = 0, failed_ = 0;
  std::string last_error_;
  std::thread thread_;
};

} // namespace mgc::cc
