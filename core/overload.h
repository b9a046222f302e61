// Machine congestion level (DESIGN.md "Overload"): how loaded the exchange is, 0 (none) to 3
// (severe), from what can be measured of it — how late the event loop runs its timers, how many
// calls are in setup, the CPU it uses, its memory. Each measure has an onset and an abatement
// threshold per level, so a load that hovers at a threshold does not flap the level (hysteresis,
// as Cisco PGW 2200's machine congestion levels and ITU-T Q.764 §2.11's ACC levels work); the
// machine's level is the highest of its measures'. Pure logic: the program samples, call control
// sheds by the level.
#pragma once

#include "core/names.h"

#include <array>
#include <cstdint>

namespace mgc::core {

enum class LoadMeasure : uint8_t { LoopLag, CallsInSetup, Cpu, Memory };
inline constexpr auto kLoadMeasureNames =
    name_table<LoadMeasure>({{LoadMeasure::LoopLag, "loop-lag"},
                             {LoadMeasure::CallsInSetup, "calls-in-setup"},
                             {LoadMeasure::Cpu, "cpu"},
                             {LoadMeasure::Memory, "memory"}});
static_assert(names_unique(kLoadMeasureNames));
inline constexpr std::size_t kLoadMeasures = kLoadMeasureNames.size();

// One measure's thresholds for levels 1, 2 and 3: the level is entered when the value reaches
// onset[L-1] and left (one level down) when it falls below abate[L-1]. onset 0: the measure is
// not used.
struct LevelThresholds {
  std::array<uint64_t, 3> onset{};
  std::array<uint64_t, 3> abate{};
  bool used() const { return onset[0] != 0; }
  // Onsets rising with the level, each abatement below its onset.
  bool valid() const;
  bool operator==(const LevelThresholds &) const = default;
};

struct OverloadConfig {
  // Units: ms (loop lag), calls, percent of one core (cpu), KiB of resident memory.
  std::array<LevelThresholds, kLoadMeasures> thresholds{};
  OverloadConfig();
  LevelThresholds &operator[](LoadMeasure m) { return thresholds[std::size_t(m)]; }
  const LevelThresholds &operator[](LoadMeasure m) const { return thresholds[std::size_t(m)]; }
  bool operator==(const OverloadConfig &) const = default;
};

// What each level does to new calls (DESIGN.md "Overload"): the share of them refused, in
// percent, and how long a SIP peer refused is asked to stay away (503 Retry-After, RFC 3261
// §20.33). Defaults as PGW 2200's machine congestion levels shed: a quarter of new calls at
// level 1, three quarters at 2, all at 3.
struct ShedPolicy {
  std::array<uint8_t, 3> refuse_percent{25, 75, 100};
  std::array<uint32_t, 3> retry_after_s{2, 5, 10};
  // A new call whose request waited longer than this unread (ms; 0: no limit), while what is
  // read has waited longer for a whole interval (StandingQueue), is refused at any level: the
  // loop is behind by more than the caller will wait for a provisional answer, so
  // starting the call spends work on what is likely abandoned, and refusing it at once (cheap)
  // drains the queue that made it late — the regulation that keeps the goodput near capacity
  // whatever the offered load (a queue-delay bound in the spirit of CoDel, RFC 8289).
  uint32_t max_queued_ms = 50;
  // New calls refused while this many calls are in setup (0: no limit). The work a call causes
  // downstream (the far exchange, the media gateway) is outstanding while it is in setup: a cap
  // bounds it, so that when those slow down under load the calls admitted wait a bounded time
  // instead of piling up until their transactions time out (Little's law: the rate carried is
  // the cap over the setup time). Deployment-dependent (setup includes ringing), so off by
  // default: size it at the busy hour's rate times its setup time, with margin.
  uint32_t max_in_setup = 0;
  // Shares within 0..100 and not falling as the level rises; Retry-After likewise not falling.
  bool valid() const;
  bool operator==(const ShedPolicy &) const = default;
};

// CoDel's test of a standing queue (RFC 8289 §3.2, §5.3): the delay of what is read counts only
// once it has stayed above the target for a whole interval, so that a backlog left by one stall
// (the process paused, the host busy for a moment) is read through and served, while a queue
// that stays behind refuses new work until what is read waited less than the target again.
class StandingQueue {
public:
  // One message read at `now_ms` after waiting `queued_ms` unread (< 0: unknown, nothing
  // learnt): whether the queue has stood above `target_ms` for `interval_ms` or longer.
  bool standing(double queued_ms, int64_t now_ms, uint32_t target_ms, uint32_t interval_ms = 100);

private:
  int64_t first_above_ = -1; // when what was read first waited longer than the target
};

// Refuses a share of the calls offered, spread evenly over the arrivals rather than in bursts:
// at 25 % every fourth call, at 75 % three in four (so that a peer's retries meet the same odds
// as its first attempts, and no stretch of arrivals is refused whole).
class ShareGate {
public:
  // True: admit this arrival when `refuse_percent` of arrivals are to be refused.
  bool admit(unsigned refuse_percent);

private:
  unsigned credit_ = 0; // refusals owed, in hundredths of an arrival
};

struct LoadSample {
  std::array<uint64_t, kLoadMeasures> value{};
  uint64_t &operator[](LoadMeasure m) { return value[std::size_t(m)]; }
  uint64_t operator[](LoadMeasure m) const { return value[std::size_t(m)]; }
};

class OverloadMonitor {
public:
  explicit OverloadMonitor(const OverloadConfig &cfg = {}) : cfg_(cfg) {}
  // New thresholds take effect at the next sample (a measure no longer used drops to 0).
  void configure(const OverloadConfig &cfg) { cfg_ = cfg; }
  const OverloadConfig &config() const { return cfg_; }

  // Takes one sample; returns the machine's level after it.
  unsigned update(const LoadSample &s);
  unsigned level() const { return level_; }
  // The measure with the highest level (the first of them); meaningful while level() > 0.
  LoadMeasure cause() const { return cause_; }
  unsigned level_of(LoadMeasure m) const { return per_measure_[std::size_t(m)]; }
  const LoadSample &last() const { return last_; }
  // How many times each level was entered (index 1-3).
  uint64_t entered(unsigned level) const { return level < 4 ? entered_[level] : 0; }

private:
  OverloadConfig cfg_;
  std::array<unsigned, kLoadMeasures> per_measure_{};
  std::array<uint64_t, 4> entered_{};
  LoadSample last_;
  unsigned level_ = 0;
  LoadMeasure cause_ = LoadMeasure::LoopLag;
};

} // namespace mgc::core
