// Alarms: conditions an operator must know about while they last (an M3UA ASP down, a media
// gateway unreachable, the CDR file failing), as opposed to log lines, which tell what happened.
// Each alarm has a key ("m3ua.link0.asp-down"), is raised once while its condition holds and
// cleared when it ends; `show alarms` lists the active ones, the last cleared ones and how many
// were raised per category. One registry per process, handed to whoever raises (no global);
// single-threaded like everything on the event loop (DESIGN.md "Event loop and threading").
//
// Raising or clearing writes one line to the log (category alarm, level notice).
#pragma once

#include "core/log.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mgc::core {

struct Alarm {
  using Time = std::chrono::system_clock::time_point;
  log::Category category;
  std::string key, text;
  Time raised_at{}, cleared_at{};
  uint64_t repeats = 0; // raised again while already active
};

class Alarms {
public:
  using Clock = std::function<Alarm::Time()>;
  static constexpr std::size_t kDefaultHistory = 32;
  explicit Alarms(
      std::size_t history = kDefaultHistory,
      Clock now = [] { return std::chrono::system_clock::now(); });

  // True when the alarm is new (then it is logged and counted); raising an active key again
  // only updates its text and counts a repeat, so a condition that persists logs once.
  bool raise(log::Category category, std::string_view key, std::string_view text);
  // True when the key was active; it moves to the cleared history (the newest `history`).
  bool clear(std::string_view key);
  bool is_active(std::string_view key) const;

  const std::vector<Alarm> &active() const { return active_; }  // in the order raised
  const std::deque<Alarm> &cleared() const { return cleared_; } // newest first
  uint64_t raised(log::Category c) const { return raised_[std::size_t(c)]; }

  // The `show alarms` text.
  std::string show() const;

private:
  std::size_t history_;
  Clock now_;
  std::vector<Alarm> active_;
  std::deque<Alarm> cleared_;
  std::array<uint64_t, log::kCategoryCount> raised_{};
};

} // namespace mgc::core
