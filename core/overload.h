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
};

struct OverloadConfig {
  // Units: ms (loop lag), calls, percent of one core (cpu), KiB of resident memory.
  std::array<LevelThresholds, kLoadMeasures> thresholds{};
  OverloadConfig();
  LevelThresholds &operator[](LoadMeasure m) { return thresholds[std::size_t(m)]; }
  const LevelThresholds &operator[](LoadMeasure m) const { return thresholds[std::size_t(m)]; }
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
