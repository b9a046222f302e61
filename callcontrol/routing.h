// Called-number analysis: the longest matching prefix picks a route (a trunk group toward the
// PSTN, or a SIP peer), with digit manipulation and a list of targets tried in order or by
// weight; the call advances to the next target when one is busy, over its admission limits or
// shut down, or fails with one of the route's advance causes (route_attempts.h; the `route`
// nodes of the config).
#pragma once

#include "callcontrol/admission.h"
#include "core/names.h"

#include <bitset>

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
  unsigned weight = 1; // share of first choices when the route selects by weight
  bool operator==(const RouteTarget &) const = default;
};
inline constexpr auto kRouteTargetKindNames = name_table<RouteTarget::Kind>(
    {{RouteTarget::Kind::TrunkGroup, "trunk-group"}, {RouteTarget::Kind::SipPeer, "sip-peer"}});
static_assert(names_unique(kRouteTargetKindNames));

// How a call picks its first target: the configured order, or by weight (smooth weighted
// round robin over the route's calls: each target is first for its share of them, evenly
// spread); the other targets follow in the configured order.
enum class TargetSelection : uint8_t { InOrder, Weighted };
inline constexpr auto kTargetSelectionNames = name_table<TargetSelection>(
    {{TargetSelection::InOrder, "in-order"}, {TargetSelection::Weighted, "weighted"}});
static_assert(names_unique(kTargetSelectionNames));

// When a failed attempt gives way to the route's next target (issue 15 item 5). The defaults are
// the causes that say "this path, not this number": a REL before any backward message with 34
// no circuit/channel available, 38 network out of order, 41 temporary failure, 42 switching
// equipment congestion or 44 requested circuit/channel not available (Q.850 Table 1); a SIP 408,
// any 5xx (503 included), or no response at all (Timer B, transport failure: RFC 3261
// §8.1.3.1). A cause of the normal class (17 busy, 1 unallocated ...) is the number's answer and
// ends the call wherever it is routed.
struct AdvancePolicy {
  static constexpr unsigned kMaxSipClass = 7;
  std::bitset<128> isup_causes = default_isup_causes();
  std::bitset<700> sip_statuses = std::bitset<700>().set(408);
  std::bitset<kMaxSipClass> sip_classes = std::bitset<kMaxSipClass>().set(5); // 5: every 5xx
  bool sip_no_response = true;
  unsigned max_attempts = 0;     // attempts per call (each target tried counts); 0: no limit
  uint32_t setup_timeout_ms = 0; // from the call's arrival until the first backward message
  bool operator==(const AdvancePolicy &) const = default;

  static std::bitset<128> default_isup_causes() {
    std::bitset<128> b;
    for (unsigned c : {34u, 38u, 41u, 42u, 44u})
      b.set(c);
    return b;
  }
  bool advances_on_cause(uint8_t cause) const { return cause < 128 && isup_causes.test(cause); }
  bool advances_on_sip(int status, bool no_response) const {
    if (no_response)
      return sip_no_response;
    return status > 0 && status < 700 &&
           (sip_statuses.test(static_cast<std::size_t>(status)) ||
            (unsigned(status / 100) < kMaxSipClass && sip_classes.test(status / 100)));
  }
};
// The config's spelling: "34,38,41,42,44" and "408,5xx,no-response" (empty: none).
std::string format_isup_causes(const AdvancePolicy &p);
std::string format_sip_statuses(const AdvancePolicy &p);
bool parse_isup_causes(std::string_view text, AdvancePolicy &p);
bool parse_sip_statuses(std::string_view text, AdvancePolicy &p);

struct Route {
  std::string prefix;          // digits the called number starts with ("" matches everything)
  unsigned strip = 0;          // leading digits removed before the number goes out
  std::string prepend;         // then this is put in front
  std::vector<RouteTarget> targets; // first choice, then fallbacks in order
  // Number analysis for overlap (RFC 3578 §2.2): numbers of this route are complete at this many
  // digits (as received, before manipulation); 0: unknown, T10 or ST decides.
  unsigned digits = 0;
  TargetSelection selection = TargetSelection::InOrder;
  AdvancePolicy advance{};
  AdmissionLimits admission{}; // calls routed over this route (either direction)
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
