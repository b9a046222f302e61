// Called-number analysis: the longest matching prefix picks a route (a trunk group toward the
// PSTN, or a SIP peer), with digit manipulation and an ordered list of fallbacks tried when the
// first choice has no free circuit or the peer fails (the `route` nodes of the config).
#pragma once

#include "core/names.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mgc::cc {

struct RouteTarget {
  enum class Kind : uint8_t { TrunkGroup, SipPeer };
  Kind kind = Kind::TrunkGroup;
  std::string name; // trunk group or SIP peer name
  bool operator==(const RouteTarget &) const = default;
};
inline constexpr auto kRouteTargetKindNames = name_table<RouteTarget::Kind>(
    {{RouteTarget::Kind::TrunkGroup, "trunk-group"}, {RouteTarget::Kind::SipPeer, "sip-peer"}});
static_assert(names_unique(kRouteTargetKindNames));

struct Route {
  std::string prefix;          // digits the called number starts with ("" matches everything)
  unsigned strip = 0;          // leading digits removed before the number goes out
  std::string prepend;         // then this is put in front
  std::vector<RouteTarget> targets; // first choice, then fallbacks in order
  // Number analysis for overlap (RFC 3578 §2.2): numbers of this route are complete at this many
  // digits (as received, before manipulation); 0: unknown, T10 or ST decides.
  unsigned digits = 0;
  bool operator==(const Route &) const = default;
};

class RoutingTable {
public:
  // False if a route with the same prefix exists.
  bool add(Route r);
  bool remove(std::string_view prefix);
  const std::vector<Route> &routes() const { return routes_; }

  struct Match {
    const Route *route = nullptr;
    std::string number; // after digit manipulation
  };
  // Longest prefix match on the digits of `called` (a leading '+' takes part in matching, so
  // "+49" and "0" can be routed apart). std::nullopt: no route (cause 3 / SIP 404).
  std::optional<Match> lookup(std::string_view called) const;

private:
  std::vector<Route> routes_; // kept sorted by descending prefix length
};

} // namespace mgc::cc
