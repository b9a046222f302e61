#include "callcontrol/routing.h"

#include <algorithm>

namespace mgc::cc {

bool RoutingTable::add(Route r) {
  for (const auto &x : routes_)
    if (x.prefix == r.prefix)
      return false;
  routes_.push_back(std::move(r));
  std::stable_sort(routes_.begin(), routes_.end(), [](const Route &a, const Route &b) {
    return a.prefix.size() > b.prefix.size();
  });
  return true;
}

bool RoutingTable::remove(std::string_view prefix) {
  auto it = std::find_if(routes_.begin(), routes_.end(),
                         [&](const Route &r) { return r.prefix == prefix; });
  if (it == routes_.end())
    return false;
  routes_.erase(it);
  return true;
}

std::optional<RoutingTable::Match> RoutingTable::lookup(std::string_view called) const {
  for (const auto &r : routes_) {
    if (!called.starts_with(r.prefix))
      continue;
    Match m;
    m.route = &r;
    const std::string_view rest = r.strip < called.size() ? called.substr(r.strip) : "";
    m.number = r.prepend;
    m.number.append(rest);
    return m;
  }
  return std::nullopt;
}

} // namespace mgc::cc

namespace mgc::cc {

namespace {
// Splits "a,b,c" (no spaces: one VTY word).
template <typename F> bool each_item(std::string_view text, F &&f) {
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    if (item.empty() || !f(item))
      return false;
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return true;
}
bool number(std::string_view s, unsigned lo, unsigned hi, unsigned &out) {
  if (s.empty() || s.size() > 3)
    return false;
  unsigned v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return false;
    v = v * 10 + unsigned(c - '0');
  }
  out = v;
  return v >= lo && v <= hi;
}
} // namespace

std::string format_isup_causes(const AdvancePolicy &p) {
  std::string s;
  for (std::size_t c = 0; c < p.isup_causes.size(); ++c)
    if (p.isup_causes.test(c))
      s += (s.empty() ? "" : ",") + std::to_string(c);
  return s;
}

std::string format_sip_statuses(const AdvancePolicy &p) {
  std::string s;
  auto add = [&s](const std::string &x) { s += (s.empty() ? "" : ",") + x; };
  for (std::size_t k = 3; k < AdvancePolicy::kMaxSipClass; ++k)
    if (p.sip_classes.test(k))
      add(std::to_string(k) + "xx");
  for (std::size_t st = 300; st < p.sip_statuses.size(); ++st)
    if (p.sip_statuses.test(st))
      add(std::to_string(st));
  if (p.sip_no_response)
    add("no-response");
  return s;
}

bool parse_isup_causes(std::string_view text, AdvancePolicy &p) {
  std::bitset<128> b;
  if (!each_item(text, [&b](std::string_view item) {
        unsigned v = 0;
        if (!number(item, 1, 127, v))
          return false;
        b.set(v);
        return true;
      }))
    return false;
  p.isup_causes = b;
  return true;
}

// Final responses only (3xx-6xx): a provisional one never ends an attempt.
bool parse_sip_statuses(std::string_view text, AdvancePolicy &p) {
  std::bitset<700> exact;
  std::bitset<AdvancePolicy::kMaxSipClass> classes;
  bool no_response = false;
  if (!each_item(text, [&](std::string_view item) {
        unsigned v = 0;
        if (item == "no-response")
          no_response = true;
        else if (item.size() == 3 && item.substr(1) == "xx" && number(item.substr(0, 1), 3, 6, v))
          classes.set(v);
        else if (number(item, 300, 699, v))
          exact.set(v);
        else
          return false;
        return true;
      }))
    return false;
  p.sip_statuses = exact;
  p.sip_classes = classes;
  p.sip_no_response = no_response;
  return true;
}

} // namespace mgc::cc
