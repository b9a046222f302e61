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
#pragma once

#include "core/names.h"

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
};

// The CSV header line and one record as a CSV line (no trailing newline). Fields that may hold
// anything are quoted per RFC 4180.
std::string cdr_header();
std::string cdr_line(const CallRecord &r);

class CdrWriter {
public:
  // Opens (creates, appends to) `path`; check ok().
  explicit CdrWriter(const std::string &path);
  ~CdrWriter(); // flushes what is queued and joins the writer thread
  CdrWriter(const CdrWriter &) = delete;
  CdrWriter &operator=(const CdrWriter &) = delete;

  bool ok() const { return fd_ >= 0; }
  // Queues the record; returns immediately.
  void write(const CallRecord &r);
  // Blocks until everything queued so far is on disk (tests, shutdown).
  void flush();
  uint64_t written() const;
  uint64_t failed() const;
  // Why the last record (or the open) failed ("write: No space left on device"); empty: never.
  std::string last_error() const;

private:
  void run();

  int fd_ = -1;
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
