// Route advance (issue 15 item 5): one call's attempts over its route's targets. The plan is
// the targets in the order they are to be tried (the first by weight if the route says so,
// WeightedChoice); an attempt that fails with one of the route's advance causes before any
// backward message gives way to the next target, until the targets or the route's attempt limit
// run out; the cause the caller then gets is the prevailing one of all attempts (Q.850
// precedence, prevailing_cause). Pure logic on values: call control (call_manager.cpp,
// transit.cpp) runs the attempts, this decides.
#pragma once

#include "callcontrol/routing.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mgc::cc {

// Of two causes of failed attempts, the one the caller is to get. Q.850 codes every cause value
// as a class (octet 4 bits 7-5: normal event 0-31, resource unavailable 32-47, service or option
// not available 48-63, not implemented 64-79, invalid message 80-95, protocol error 96-111,
// interworking 112-127) and a value within it; a cause of an earlier class says more about the
// call than one of a later class: "the called user is busy" beats "this path was congested".
// Within the normal class the order is the one ISDN call control uses toward the caller when
// several called parties cleared one call (Q.931 §5.2.5.3 for point-to-multipoint: user busy
// first, then call rejected): 17, then 21, then the other causes of the class but 18/19 (no
// answer) and 16/31 (no reason), the weakest statements. Equal rank: the earlier attempt's.
uint8_t prevailing_cause(uint8_t kept, uint8_t next);

// Smooth weighted round robin (the first target of each call): over any run of calls each
// target is first for its weight's share, spread evenly (weights 3:1 give A A B A, A A B A ...).
// One per route, kept by call control while the route is in force.
class WeightedChoice {
public:
  // Index of the target to put first among `targets` (their weights); resets itself when the
  // number of targets changed.
  std::size_t pick(const std::vector<RouteTarget> &targets);

private:
  std::vector<long> current_;
};

// The targets of a route in the order one call tries them: `first` (an index chosen by weight)
// first, then the others in the configured order.
std::vector<RouteTarget> attempt_order(const std::vector<RouteTarget> &targets, std::size_t first);

class RouteAttempts {
public:
  RouteAttempts() = default;
  RouteAttempts(std::vector<RouteTarget> order, const AdvancePolicy &policy)
      : left_(std::move(order)), policy_(policy) {}

  // The next target to try (counted as an attempt), or none: every target tried, or the route's
  // attempt limit reached.
  std::optional<RouteTarget> next();
  // Q.764 §2.9.1.4: the call is repeated on `t` (another circuit of the same trunk group) before
  // the route's next targets; an automatic repeat attempt, not a route advance, so not counted.
  void repeat(const RouteTarget &t);
  // A target given up (busy, over its limits, shut down) or an attempt that failed: its cause
  // competes for the one the caller gets.
  void failed(uint8_t cause);
  // Whether a failed attempt gives way to the next target: an advance cause of the route, before
  // any backward message reached the caller, with a target and an attempt left.
  bool may_advance_isup(uint8_t cause) const;
  bool may_advance_sip(int status, bool no_response) const;
  // The cause the caller gets once every attempt failed: the prevailing one (prevailing_cause),
  // or `otherwise` when no attempt was made.
  uint8_t cause(uint8_t otherwise) const { return cause_ ? cause_ : otherwise; }
  bool any_failed() const { return cause_ != 0; }
  unsigned attempts() const { return attempts_; }
  bool targets_left() const;
  // The targets not tried yet, in order.
  const std::vector<RouteTarget> &remaining() const { return left_; }
  // A backward message (ACM, CON/ANM, 18x/2xx) came: the call is on its way, nothing advances
  // any more.
  void progressed() { progressed_ = true; }
  bool has_progressed() const { return progressed_; }
  const AdvancePolicy &policy() const { return policy_; }

private:
  std::vector<RouteTarget> left_;
  AdvancePolicy policy_;
  unsigned attempts_ = 0, repeats_ = 0;
  uint8_t cause_ = 0; // the prevailing cause so far (0: none)
  bool progressed_ = false;
};

} // namespace mgc::cc
