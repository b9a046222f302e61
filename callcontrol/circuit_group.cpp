#include "callcontrol/circuit_group.h"

#include <algorithm>
#include <utility>

namespace mgc::cc {

const char *circuit_call_name(CircuitCall s) {
  switch (s) {
  case CircuitCall::Idle: return "idle";
  case CircuitCall::IncomingBusy: return "incoming-busy";
  case CircuitCall::OutgoingBusy: return "outgoing-busy";
  case CircuitCall::Releasing: return "releasing";
  case CircuitCall::Resetting: return "resetting";
  }
  return "?";
}

CircuitGroup::CircuitGroup(std::string name, uint32_t own_pc, uint32_t dpc, Hunting hunting)
    : name_(std::move(name)), dpc_(dpc), higher_point_code_(own_pc > dpc), hunting_(hunting) {}

bool CircuitGroup::add_range(uint16_t first, uint16_t last) {
  if (first > last)
    return false;
  for (const auto &c : circuits_)
    if (c.cic >= first && c.cic <= last)
      return false;
  for (uint32_t cic = first; cic <= last; ++cic) {
    Circuit c;
    c.cic = static_cast<uint16_t>(cic);
    circuits_.push_back(c);
  }
  std::sort(circuits_.begin(), circuits_.end(),
            [](const Circuit &a, const Circuit &b) { return a.cic < b.cic; });
  hint_ = 0;
  rebuild_lru();
  return true;
}

void CircuitGroup::push_lru(std::size_t index) {
  if (hunting_ != Hunting::LeastRecentlyUsed)
    return;
  const Circuit &c = circuits_[index];
  auto &heap = lru_[controls(c.cic) ? 1 : 0];
  heap.emplace(c.released_at, static_cast<uint32_t>(index));
  if (heap.size() > 4 * circuits_.size() + 64)
    rebuild_lru();
}

void CircuitGroup::rebuild_lru() {
  for (auto &heap : lru_)
    heap = {};
  if (hunting_ != Hunting::LeastRecentlyUsed)
    return;
  for (std::size_t i = 0; i < circuits_.size(); ++i)
    if (usable_outgoing(circuits_[i]))
      lru_[controls(circuits_[i].cic) ? 1 : 0].emplace(circuits_[i].released_at,
                                                       static_cast<uint32_t>(i));
}

Circuit *CircuitGroup::seize_lru(bool controlled) {
  auto &heap = lru_[controlled ? 1 : 0];
  while (!heap.empty()) {
    const auto [released_at, index] = heap.top();
    heap.pop();
    Circuit &c = circuits_[index];
    // A stale entry (the circuit was released again since) or one that is not usable now: it
    // comes back through idle() or find() when it can be used again.
    if (c.released_at == released_at && usable_outgoing(c) && controls(c.cic) == controlled)
      return &c;
  }
  return nullptr;
}

const Circuit *CircuitGroup::find(uint16_t cic) const {
  auto it = std::lower_bound(circuits_.begin(), circuits_.end(), cic,
                             [](const Circuit &c, uint16_t v) { return c.cic < v; });
  return it != circuits_.end() && it->cic == cic ? &*it : nullptr;
}

Circuit *CircuitGroup::find(uint16_t cic) {
  Circuit *c = const_cast<Circuit *>(std::as_const(*this).find(cic));
  if (c) { // the caller may make it usable (idle, unblocked): hunting must look at it again
    const auto index = static_cast<std::size_t>(c - circuits_.data());
    hint_ = std::min(hint_, index);
    push_lru(index);
  }
  return c;
}

bool CircuitGroup::usable_outgoing(const Circuit &c) const {
  return c.call == CircuitCall::Idle && !c.blocking.any() && !c.remote_unequipped;
}

Circuit *CircuitGroup::seize_outgoing(uint32_t call_ref) {
  const std::size_t n = circuits_.size();
  if (n == 0)
    return nullptr;
  Circuit *best = nullptr;
  for (int pass = 0; pass < 2 && !best; ++pass) {
    const bool want_controlled = pass == 0;
    switch (hunting_) {
    case Hunting::Sequential: {
      // From the hint: everything below it is unusable; the first usable circuit of either
      // kind found on the first pass becomes the new hint.
      bool any = false;
      for (std::size_t i = hint_; i < n; ++i) {
        Circuit &c = circuits_[i];
        if (!usable_outgoing(c))
          continue;
        if (!any && pass == 0) {
          any = true;
          hint_ = i;
        }
        if (controls(c.cic) == want_controlled) {
          best = &c;
          break;
        }
      }
      if (!any && pass == 0)
        hint_ = n;
      break;
    }
    case Hunting::RoundRobin:
      for (std::size_t k = 0; k < n; ++k) {
        Circuit &c = circuits_[(rr_next_ + k) % n];
        if (usable_outgoing(c) && controls(c.cic) == want_controlled) {
          best = &c;
          break;
        }
      }
      break;
    case Hunting::LeastRecentlyUsed:
      best = seize_lru(want_controlled);
      break;
    }
  }
  if (!best)
    return nullptr;
  if (hunting_ == Hunting::RoundRobin)
    rr_next_ = static_cast<std::size_t>(best - circuits_.data()) + 1;
  best->call = CircuitCall::OutgoingBusy;
  best->call_ref = call_ref;
  return best;
}

CircuitGroup::IncomingSeizure CircuitGroup::seize_incoming(uint16_t cic, uint32_t call_ref,
                                                           uint32_t *displaced_call) {
  Circuit *c = find(cic);
  if (!c)
    return IncomingSeizure::UnknownCircuit;
  if (c->blocking.local_maintenance || c->blocking.local_hardware)
    return IncomingSeizure::LocallyBlocked;
  // Q.764 §2.8.2.3: an IAM on a circuit the far end had blocked for maintenance unblocks it.
  c->blocking.remote_maintenance = false;
  if (c->call == CircuitCall::OutgoingBusy) {
    if (controls(cic))
      return IncomingSeizure::DualSeizureWeWin;
    if (displaced_call)
      *displaced_call = c->call_ref;
    c->call = CircuitCall::IncomingBusy;
    c->call_ref = call_ref;
    return IncomingSeizure::DualSeizureWeYield;
  }
  if (c->call != CircuitCall::Idle)
    return IncomingSeizure::Busy;
  c->call = CircuitCall::IncomingBusy;
  c->call_ref = call_ref;
  return IncomingSeizure::Accepted;
}

void CircuitGroup::idle(uint16_t cic) {
  if (Circuit *c = find(cic)) {
    c->call = CircuitCall::Idle;
    c->call_ref = 0;
    c->released_at = ++clock_;
    push_lru(static_cast<std::size_t>(c - circuits_.data())); // with its new release time
  }
}

void CircuitGroup::set_call_state(uint16_t cic, CircuitCall s) {
  if (Circuit *c = find(cic))
    c->call = s;
}

CircuitGroup::Counts CircuitGroup::counts() const {
  Counts k;
  for (const auto &c : circuits_) {
    ++k.total;
    if (c.blocking.any())
      ++k.blocked;
    if (c.removed)
      ++k.removed;
    switch (c.call) {
    case CircuitCall::Idle: ++k.idle; break;
    case CircuitCall::IncomingBusy: ++k.incoming; break;
    case CircuitCall::OutgoingBusy: ++k.outgoing; break;
    default: ++k.transient;
    }
  }
  return k;
}

} // namespace mgc::cc
