#include "callcontrol/route_attempts.h"

namespace mgc::cc {

namespace {
// Lower ranks prevail (see prevailing_cause).
unsigned rank(uint8_t cause) {
  if (cause < 32) {
    switch (cause) {
    case 17: return 0; // user busy
    case 21: return 1; // call rejected
    case 18:
    case 19: return 3; // no user responding, no answer
    case 16:
    case 31: return 4; // normal clearing, normal unspecified
    default: return 2;
    }
  }
  return 5 + (cause >> 4) - 2; // one rank per class from resource unavailable (class 010) on
}
} // namespace

uint8_t prevailing_cause(uint8_t kept, uint8_t next) {
  if (!kept)
    return next;
  return rank(next) < rank(kept) ? next : kept;
}

std::size_t WeightedChoice::pick(const std::vector<RouteTarget> &targets) {
  if (targets.empty())
    return 0;
  if (current_.size() != targets.size())
    current_.assign(targets.size(), 0);
  long total = 0;
  std::size_t best = 0;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    const long w = targets[i].weight;
    current_[i] += w;
    total += w;
    if (current_[i] > current_[best])
      best = i;
  }
  current_[best] -= total;
  return best;
}

std::vector<RouteTarget> attempt_order(const std::vector<RouteTarget> &targets, std::size_t first) {
  std::vector<RouteTarget> order;
  order.reserve(targets.size());
  if (first < targets.size())
    order.push_back(targets[first]);
  for (std::size_t i = 0; i < targets.size(); ++i)
    if (i != first)
      order.push_back(targets[i]);
  return order;
}

std::optional<RouteTarget> RouteAttempts::next() {
  if (left_.empty())
    return std::nullopt;
  const bool repeat = repeats_ > 0;
  if (!repeat && policy_.max_attempts && attempts_ >= policy_.max_attempts)
    return std::nullopt;
  RouteTarget t = std::move(left_.front());
  left_.erase(left_.begin());
  if (repeat)
    --repeats_;
  else
    ++attempts_;
  return t;
}

void RouteAttempts::repeat(const RouteTarget &t) {
  left_.insert(left_.begin(), t);
  ++repeats_;
}

void RouteAttempts::failed(uint8_t cause) { cause_ = prevailing_cause(cause_, cause); }

bool RouteAttempts::targets_left() const {
  return !left_.empty() && (repeats_ > 0 || !policy_.max_attempts ||
                            attempts_ < policy_.max_attempts);
}

bool RouteAttempts::may_advance_isup(uint8_t cause) const {
  return !progressed_ && policy_.advances_on_cause(cause) && targets_left();
}

bool RouteAttempts::may_advance_sip(int status, bool no_response) const {
  return !progressed_ && policy_.advances_on_sip(status, no_response) && targets_left();
}

} // namespace mgc::cc
