#include "core/alarms.h"

#include <algorithm>
#include <ctime>

namespace mgc::core {

namespace {

std::string utc(Alarm::Time t) {
  const std::time_t s = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

std::string_view category_name(log::Category c) {
  return log::categories()[std::size_t(c)].vty_name;
}

} // namespace

Alarms::Alarms(std::size_t history, Clock now) : history_(history), now_(std::move(now)) {}

bool Alarms::raise(log::Category category, std::string_view key, std::string_view text) {
  auto it =
      std::find_if(active_.begin(), active_.end(), [&](const Alarm &a) { return a.key == key; });
  if (it != active_.end()) {
    it->text = text;
    ++it->repeats;
    return false;
  }
  Alarm a;
  a.category = category;
  a.key = key;
  a.text = text;
  a.raised_at = now_();
  active_.push_back(std::move(a));
  ++raised_[std::size_t(category)];
  MGC_LOG(Alarm, Notice, "alarm raised (%.*s): %.*s: %.*s", int(category_name(category).size()),
          category_name(category).data(), int(key.size()), key.data(), int(text.size()),
          text.data());
  return true;
}

bool Alarms::clear(std::string_view key) {
  auto it =
      std::find_if(active_.begin(), active_.end(), [&](const Alarm &a) { return a.key == key; });
  if (it == active_.end())
    return false;
  Alarm a = std::move(*it);
  active_.erase(it);
  a.cleared_at = now_();
  MGC_LOG(Alarm, Notice, "alarm cleared (%.*s): %.*s: %s", int(category_name(a.category).size()),
          category_name(a.category).data(), int(key.size()), key.data(), a.text.c_str());
  cleared_.push_front(std::move(a));
  if (cleared_.size() > history_)
    cleared_.pop_back();
  return true;
}

bool Alarms::is_active(std::string_view key) const {
  return std::any_of(active_.begin(), active_.end(), [&](const Alarm &a) { return a.key == key; });
}

std::string Alarms::show() const {
  std::string o = "active alarms: " + std::to_string(active_.size()) + "\n";
  for (const auto &a : active_) {
    o += "  " + utc(a.raised_at) + "  " + std::string(category_name(a.category)) + "  " + a.key +
         "  " + a.text;
    if (a.repeats)
      o += " (raised again " + std::to_string(a.repeats) + "x)";
    o += "\n";
  }
  o += "cleared alarms (newest first, last " + std::to_string(history_) +
       " kept): " + std::to_string(cleared_.size()) + "\n";
  for (const auto &a : cleared_)
    o += "  " + utc(a.raised_at) + " to " + utc(a.cleared_at) + "  " +
         std::string(category_name(a.category)) + "  " + a.key + "  " + a.text + "\n";
  o += "raised per category:";
  for (const auto &c : log::categories())
    o += " " + std::string(c.vty_name) + " " + std::to_string(raised_[std::size_t(c.id)]);
  o += "\n";
  return o;
}

} // namespace mgc::core
