// Call admission (issue 15 item 4): per trunk group, per SIP peer and per route, a maximum of
// concurrent calls, a call rate with a burst (core/token_bucket.h), the directions calls may take
// and the dry-up state (`shutdown`: no new call either way, calls up finish). Call control asks
// before a call takes an entity; a refusal is answered in the protocol's own terms by the caller
// of admit() (an IAM: REL cause 34; an INVITE: 503 with Retry-After, or 403 for a barred
// direction; an outgoing target: skipped like a busy one, so the route advances).
#pragma once

#include "core/counters.h"
#include "core/names.h"
#include "core/token_bucket.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#define MGC_ADMISSION_COUNTERS(X)                                                                  \
  X(offered_in) X(offered_out) X(admitted_in) X(admitted_out) X(refused_direction)                \
  X(refused_shutdown) X(refused_max_calls) X(refused_rate)
MGC_DECLARE_COUNTERS(AdmissionCounter, MGC_ADMISSION_COUNTERS)

namespace mgc::cc {

// Which calls an entity takes: calls from it (in), calls to it (out), or both.
enum class CallDirection : uint8_t { Both, In, Out };
inline constexpr auto kCallDirectionNames = name_table<CallDirection>(
    {{CallDirection::Both, "both"}, {CallDirection::In, "in"}, {CallDirection::Out, "out"}});
static_assert(names_unique(kCallDirectionNames));

struct AdmissionLimits {
  unsigned max_calls = 0;        // concurrent calls; 0: no limit
  uint32_t calls_per_second = 0; // new calls; 0: no limit
  uint32_t burst = 0;            // calls above the rate at once; 0: one second's worth
  CallDirection direction = CallDirection::Both;
  bool operator==(const AdmissionLimits &) const = default;
  bool unlimited() const { return *this == AdmissionLimits{}; }
};

enum class Refusal : uint8_t { None, Direction, ShutDown, MaxCalls, Rate };
inline constexpr auto kRefusalNames = name_table<Refusal>({{Refusal::None, "admitted"},
                                                           {Refusal::Direction, "direction"},
                                                           {Refusal::ShutDown, "shutdown"},
                                                           {Refusal::MaxCalls, "max-calls"},
                                                           {Refusal::Rate, "calls-per-second"}});
static_assert(names_unique(kRefusalNames));

class Admission {
public:
  void set_limits(const AdmissionLimits &l, uint64_t now_ms);
  const AdmissionLimits &limits() const { return limits_; }
  // Dry-up (issue 15 item 6): no new call is admitted either way; the calls up go on.
  void set_shutdown(bool s) { shutdown_ = s; }
  bool shut_down() const { return shutdown_; }

  // A new call from (incoming) or to the entity: admitted (counted in active() until
  // release()) or refused, and counted either way.
  Refusal admit(bool incoming, uint64_t now_ms) { return judge(incoming, now_ms, true, true); }
  // The same verdict without taking anything; a refusal is counted (the call is refused on it),
  // an admission is not (admit() counts it when the call starts).
  Refusal check(bool incoming, uint64_t now_ms) { return judge(incoming, now_ms, false, true); }
  // The verdict alone: nothing taken, nothing counted.
  Refusal peek(bool incoming, uint64_t now_ms) { return judge(incoming, now_ms, false, false); }
  void release() {
    if (active_)
      --active_;
  }
  unsigned active() const { return active_; }
  // What a 503 tells the peer to wait (RFC 3261 §20.33): until a token is there for the rate,
  // a second at the call limit (a call may end any moment), half a minute when shut down.
  uint32_t retry_after_s(Refusal r, uint64_t now_ms);
  const CounterSet<AdmissionCounter> &counters() const { return counters_; }

private:
  Refusal judge(bool incoming, uint64_t now_ms, bool take, bool count);

  AdmissionLimits limits_;
  core::TokenBucket rate_;
  CounterSet<AdmissionCounter> counters_;
  unsigned active_ = 0;
  bool shutdown_ = false;
};

// One call's hold on an entity's admission: released when the call lets go of the entity (a
// failed route attempt) or ends. Move-only; a call holds three (incoming side, outgoing target,
// route), one pointer each.
class AdmissionSlot {
public:
  AdmissionSlot() = default;
  explicit AdmissionSlot(Admission *a) : a_(a) {}
  ~AdmissionSlot() { reset(); }
  AdmissionSlot(AdmissionSlot &&o) noexcept : a_(std::exchange(o.a_, nullptr)) {}
  AdmissionSlot &operator=(AdmissionSlot &&o) noexcept {
    if (this != &o) {
      reset();
      a_ = std::exchange(o.a_, nullptr);
    }
    return *this;
  }
  AdmissionSlot(const AdmissionSlot &) = delete;
  AdmissionSlot &operator=(const AdmissionSlot &) = delete;
  void reset() {
    if (a_)
      a_->release();
    a_ = nullptr;
  }
  bool held() const { return a_ != nullptr; }

private:
  Admission *a_ = nullptr;
};

// The admissions of one kind of entity, by name. Entries stay while the process runs (a call
// may hold one after its entity left the configuration); their addresses never change.
class AdmissionTable {
public:
  Admission &at(const std::string &name) { return table_[name]; }
  const Admission *find(const std::string &name) const {
    auto it = table_.find(name);
    return it == table_.end() ? nullptr : &it->second;
  }
  const std::map<std::string, Admission> &all() const { return table_; }

private:
  std::map<std::string, Admission> table_;
};

} // namespace mgc::cc
