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
