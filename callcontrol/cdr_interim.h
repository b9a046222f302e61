// Interim records for answered calls (RADIUS's habit: RFC 2866 §5.1 Interim-Update, RFC 2869
// §5.16 Acct-Interim-Interval): every interval after the answer, while the call is up, its
// record so far goes to the CDR sinks (cdr_sink.h), so that a crash of mgcd loses at most one
// interval of a long call. One timer for all calls: answered calls wait in a queue by due time;
// a call that ended is dropped when its turn comes (nothing is kept in the call itself, whose
// size is a benchmark target).
#pragma once

#include "core/scheduler.h"

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace mgc::cc {

class CdrInterim {
public:
  // Writes the interim record of call `ref` if it is still the call numbered `seq` (refs are
  // reused) and up; false: it is gone, no more records for it.
  using Due = std::function<bool(uint32_t ref, uint64_t seq)>;
  CdrInterim(core::Scheduler &sched, Due due);
  ~CdrInterim();
  CdrInterim(const CdrInterim &) = delete;
  CdrInterim &operator=(const CdrInterim &) = delete;

  // 0: off (calls waiting are forgotten). Live: a call already waiting keeps its next due time
  // and gets the new interval after that.
  void set_interval_ms(int64_t ms);
  int64_t interval_ms() const { return interval_ms_; }
  void answered(uint32_t ref, uint64_t seq);
  std::size_t waiting() const { return queue_.size(); }

private:
  struct Entry {
    int64_t due;
    uint64_t seq; // before ref: the answer order breaks ties of due time
    uint32_t ref;
    bool operator>(const Entry &o) const { return due != o.due ? due > o.due : seq > o.seq; }
  };
  void fire();
  void arm();

  core::Scheduler &sched_;
  Due due_;
  int64_t interval_ms_ = 0;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue_;
  core::Scheduler::Id timer_ = 0;
  int64_t armed_for_ = 0;
};

} // namespace mgc::cc
