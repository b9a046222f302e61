// AS state maintenance, RFC 4666 §4.3.2 (AS-DOWN, AS-INACTIVE, AS-ACTIVE, AS-PENDING with T(r)
// and buffering), traffic-mode reactions (§4.3.4.3 override takeover, "Insufficient ASP
// resources") and the NTFY procedures of §4.3.4.5, as one transition table with its actions.
#include "core/log.h"
#include "sigtran/m3ua_node_fsm.h"

#include <algorithm>

namespace mgc::sigtran {

// Loadshare/broadcast below the configured number of active ASPs, but not empty.
bool NodeFsm::insufficient(const Node &n, int as) {
  const Node::As &a = *n.ases_[as];
  return !a.active.empty() && a.cfg.mode != TrafficMode::Override &&
         a.active.size() < a.cfg.min_active;
}

bool NodeFsm::override_takeover(const Node &n, int as) {
  return n.ases_[as]->cfg.mode == TrafficMode::Override && n.ases_[as]->active.size() > 1;
}

void NodeFsm::ntfy_inactive(Node &n, int as) {
  n.send_ntfy_as(as, AsStateInfo::AsInactive);
  n.recompute_availability();
}

void NodeFsm::ntfy_active(Node &n, int as) {
  n.send_ntfy_as(as, AsStateInfo::AsActive);
  n.recompute_availability();
}

// §4.3.4.3: in override mode the newly active ASP takes over; the previous one is told
// "Alternate ASP Active" and is inactive in this AS from now on.
void NodeFsm::alternate_active(Node &n, int as) {
  Node::As &a = *n.ases_[as];
  while (a.active.size() > 1) {
    int old = a.active.front();
    a.active.erase(a.active.begin());
    uint32_t rc = a.cfg.routing_context;
    // §3.8.2: the NTFY carries the ASP Identifier of the alternate (newly active) ASP.
    n.send(old, 0,
           make_notify(StatusType::Other, uint16_t(OtherInfo::AlternateAspActive),
                       n.links_[a.active.back()]->peer_asp_id, std::span<const uint32_t>(&rc, 1)));
    n.counters_.inc(M3uaNodeCounter::ntfy_tx);
    bool still = false;
    for (int other : n.links_[old]->cfg.ases)
      still |= std::count(n.ases_[other]->active.begin(), n.ases_[other]->active.end(), old) > 0;
    if (!still)
      n.links_[old]->remote = AspState::Inactive;
  }
  n.recompute_availability();
}

// §4.3.4.5: loadshare/broadcast running on fewer ASPs than configured: the ASPs that are up
// are told, so a spare one may activate.
void NodeFsm::ntfy_insufficient(Node &n, int as) {
  Node::As &a = *n.ases_[as];
  uint32_t rc = a.cfg.routing_context;
  for (int l : a.up)
    if (n.links_[l]->assoc) {
      n.send(l, 0,
             make_notify(StatusType::Other, uint16_t(OtherInfo::InsufficientAspResources),
                         std::nullopt, std::span<const uint32_t>(&rc, 1)));
      n.counters_.inc(M3uaNodeCounter::ntfy_tx);
    }
  n.recompute_availability();
}

// T(r) is AS-PENDING's state timeout: entering the state started it.
void NodeFsm::start_tr(Node &n, int as) {
  n.send_ntfy_as(as, AsStateInfo::AsPending);
  n.recompute_availability();
}

// §4.3.2: back to AS-ACTIVE before T(r) expiry: the buffered messages go to the new ASP.
void NodeFsm::recovered(Node &n, int as) {
  Node::As &a = *n.ases_[as];
  n.send_ntfy_as(as, AsStateInfo::AsActive);
  auto buf = std::move(a.buffered);
  a.buffered.clear();
  if (a.active.empty()) {
    // AS-ACTIVE reported with no ASP of this node active in it (a peer's NTFY, not one of our
    // ASPs): there is no ASP to send the buffer to, so it goes as at T(r) expiry.
    n.counters_.inc(M3uaNodeCounter::data_buffer_discarded, buf.size());
    buf.clear();
  }
  for (auto &[sls, bytes] : buf) {
    int l = a.active[sls % a.active.size()];
    if (!n.links_[l]->assoc) { // the ASP's association is gone already: nothing carries it
      n.counters_.inc(M3uaNodeCounter::data_buffer_discarded);
      continue;
    }
    n.links_[l]->assoc->send(n.data_stream(l, uint8_t(sls)), bytes);
    n.counters_.inc(M3uaNodeCounter::data_tx);
  }
  n.recompute_availability();
}

void NodeFsm::tr_expired(Node &n, int as) {
  Node::As &a = *n.ases_[as];
  n.counters_.inc(M3uaNodeCounter::tr_expired);
  n.counters_.inc(M3uaNodeCounter::data_buffer_discarded, a.buffered.size());
  a.buffered.clear();
  if (!a.up.empty())
    n.send_ntfy_as(as, AsStateInfo::AsInactive);
  n.recompute_availability();
}

namespace {
using F = NodeFsm;
using A = AsState;
// §4.3.2 AS state machine (Figure 4): first row whose guard holds wins. T(r) is the timeout of
// AS-PENDING: it keeps running while ASPs come and go inactive there, and stops when an ASP
// becomes active (recovered) or it expires.
constexpr F::AsFsm::Row kAsRows[] = {
    {A::Down, AEv::AspInactive, A::Inactive, F::ntfy_inactive},
    {A::Down, AEv::AspActive, A::Active, F::ntfy_active},
    {A::Inactive, AEv::AspInactive, A::Inactive, F::as_nothing},
    {A::Inactive, AEv::AspActive, A::Active, F::ntfy_active},
    {A::Inactive, AEv::AspDown, A::Down, F::as_nothing, F::none_up},
    {A::Inactive, AEv::AspDown, A::Inactive, F::as_nothing},
    {A::Active, AEv::AspActive, A::Active, F::alternate_active, F::override_takeover},
    {A::Active, AEv::AspActive, A::Active, F::as_nothing},
    {A::Active, AEv::AspInactive, A::Pending, F::start_tr, F::none_active},
    {A::Active, AEv::AspInactive, A::Active, F::ntfy_insufficient, F::insufficient},
    {A::Active, AEv::AspInactive, A::Active, F::as_nothing},
    {A::Active, AEv::AspDown, A::Pending, F::start_tr, F::none_active},
    {A::Active, AEv::AspDown, A::Active, F::ntfy_insufficient, F::insufficient},
    {A::Active, AEv::AspDown, A::Active, F::as_nothing},
    {A::Pending, AEv::AspActive, A::Active, F::recovered},
    {A::Pending, AEv::AspInactive, A::Pending, F::as_nothing},
    {A::Pending, AEv::AspDown, A::Pending, F::as_nothing},
    {A::Pending, AEv::TrExpiry, A::Inactive, F::tr_expired, F::any_up},
    {A::Pending, AEv::TrExpiry, A::Down, F::tr_expired, F::none_up},
};
constexpr F::AsFsm::Timeout kAsTimeouts[] = {{A::Pending, AEv::TrExpiry, F::t_r_ms}};
} // namespace

const F::AsFsm F::kAs{kAsStateNames, kAEvNames, kAsRows, kAsTimeouts};

void Node::as_event(int as, int link, int evi) {
  As &a = *ases_[as];
  AEv ev = AEv(evi);
  // The ASP's membership changes first; the table then decides the AS's state from it.
  if (link >= 0) {
    auto it = std::find(a.active.begin(), a.active.end(), link);
    if (ev == AEv::AspActive) {
      if (it == a.active.end())
        a.active.push_back(link);
      a.up.insert(link);
    } else {
      if (it != a.active.end())
        a.active.erase(it);
      if (ev == AEv::AspDown)
        a.up.erase(link);
      else
        a.up.insert(link);
    }
  }
  a.last_event_link = link;
  if (F::kAs.fire(
          a.state, a.t_r.get(), ev,
          [&](A from, A to, AEv e) {
            mgmt(link, a.cfg.name + ": " + F::kAs.state_name(from) + " -> " +
                           F::kAs.state_name(to) + " on " + F::kAs.event_name(e));
          },
          *this, as))
    return;
  counters_.inc(M3uaNodeCounter::unexpected_message);
  mgmt(link, a.cfg.name + ": no transition for " + F::kAs.event_name(ev) + " in " +
                 F::kAs.state_name(a.state));
}

namespace {
std::optional<AsStateInfo> as_info(AsState s) {
  switch (s) {
  case AsState::Inactive:
    return AsStateInfo::AsInactive;
  case AsState::Active:
    return AsStateInfo::AsActive;
  case AsState::Pending:
    return AsStateInfo::AsPending;
  case AsState::Down:
    break;
  }
  return std::nullopt;
}
} // namespace

// §4.3.4.5: AS state changes are notified to every ASP of the AS that is up, with the ASP
// Identifier of the ASP whose change caused it (the failed one, for AS-PENDING).
void Node::send_ntfy_as(int as, AsStateInfo info) {
  As &a = *ases_[as];
  for (int l : a.up)
    send_ntfy_one(as, l, info);
}

void Node::send_ntfy_to(int as, int link) {
  if (auto info = as_info(ases_[as]->state))
    send_ntfy_one(as, link, *info);
}

void Node::send_ntfy_one(int as, int l, AsStateInfo info) {
  As &a = *ases_[as];
  if (!links_[l]->assoc)
    return;
  uint32_t rc = a.cfg.routing_context;
  std::optional<uint32_t> id;
  if (a.last_event_link >= 0)
    id = links_[a.last_event_link]->peer_asp_id;
  send(
      l, 0,
      make_notify(StatusType::AsStateChange, uint16_t(info), id,
                  a.cfg.send_rc ? std::span<const uint32_t>(&rc, 1) : std::span<const uint32_t>()));
  counters_.inc(M3uaNodeCounter::ntfy_tx);
  MGC_LOG(M3ua, Notice,
          "%s: NTFY sent: %s: AS state change (RFC 4666 §3.8.2 status type %u info %u)",
          link_name(l), a.cfg.name.c_str(), unsigned(StatusType::AsStateChange), unsigned(info));
}

} // namespace mgc::sigtran
