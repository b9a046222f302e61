// Call admission and dry-up as call control runs them (issue 15 items 4 and 6): the limits of
// trunk groups, SIP peers and routes (admission.h), the check a new INVITE meets before the SIP
// side keeps anything, and a trunk group shut down: no new call, the calls up finish (or are
// released after a timeout), then its circuits are blocked with CGB (maintenance, Q.764
// §2.8.2); `no shutdown` unblocks them with CGU.
#include "callcontrol/call.h"

namespace mgc::cc {

namespace {
// CICs (ascending) in runs of consecutive circuits of at most 32, each given to fn as its first
// CIC and the range of a group message (Q.763 §3.43: the circuits after the first, 1-31); a
// lone circuit has range 0 (BLO/UBL rather than CGB/CGU).
template <typename Fn> void cic_runs(const std::vector<uint16_t> &cics, Fn fn) {
  for (std::size_t i = 0; i < cics.size();) {
    std::size_t j = i;
    while (j + 1 < cics.size() && cics[j + 1] == cics[j] + 1 && j + 1 - i < 32)
      ++j;
    fn(cics[i], static_cast<uint8_t>(j - i));
    i = j + 1;
  }
}
} // namespace

namespace {
// Q.850 cause 31, normal unspecified: "a normal event only when no other cause in the normal
// class applies" — an operator's dry-up timeout ending calls up is normal operation, neither a
// party's clearing (16, whose source is not the network) nor a failure (41).
inline constexpr uint8_t kCauseDryUpRelease = cause_value(Cause::NormalUnspecified);
} // namespace

Admission &CallManager::admission_of(TrunkGroup &g) { return tg_admission_.at(g.circuits.name()); }

void CallManager::set_trunk_group_admission(const std::string &name, const AdmissionLimits &l) {
  tg_admission_.at(name).set_limits(l, uint64_t(sched_.now_ms()));
  note_sip_admission();
}

void CallManager::set_sip_peer_admission(const std::string &name, const AdmissionLimits &l) {
  peer_admission_.at(name).set_limits(l, uint64_t(sched_.now_ms()));
  note_sip_admission();
}

void CallManager::note_sip_admission() {
  bool any = false;
  for (const auto *t : {&peer_admission_, &route_admission_, &tg_admission_})
    for (const auto &[name, a] : t->all())
      any = any || !a.limits().unlimited() || a.shut_down();
  sip_admission_configured_ = any;
}

const AdmissionTable &CallManager::admissions(EntityKind kind) const {
  return kind == EntityKind::TrunkGroup ? tg_admission_
         : kind == EntityKind::SipPeer  ? peer_admission_
                                        : route_admission_;
}

const Admission *CallManager::admission(EntityKind kind, const std::string &name) const {
  return admissions(kind).find(name);
}

CallManager::InviteCheck CallManager::check_invite(const std::string &peer,
                                                   std::string_view called) {
  const uint64_t now = uint64_t(sched_.now_ms());
  InviteCheck v;
  Admission &p = peer_admission_.at(peer);
  if ((v.refusal = p.check(true, now)) != Refusal::None) {
    v.retry_after_s = p.retry_after_s(v.refusal, now);
    v.forbidden = v.refusal == Refusal::Direction;
    v.what = "sip peer " + peer;
  } else if (const auto match = routing_.lookup(called)) {
    Admission &r = route_admission_.at(match->route->prefix);
    const std::string route_name =
        "route " + (match->route->prefix.empty() ? std::string("default") : match->route->prefix);
    if ((v.refusal = r.check(true, now)) != Refusal::None) {
      v.retry_after_s = r.retry_after_s(v.refusal, now);
      v.what = route_name;
    } else {
      // Every trunk group of the route over its admission (limits, direction, dry-up): the call
      // could only fail, so it is refused here with the soonest Retry-After among them (busy
      // circuits are not judged here: a circuit may free at any moment).
      std::vector<Admission *> groups;
      bool all_refused = true;
      for (const auto &t : match->route->targets)
        if (t.kind == RouteTarget::Kind::TrunkGroup) {
          Admission &a = tg_admission_.at(t.name);
          groups.push_back(&a);
          all_refused = all_refused && a.peek(false, now) != Refusal::None;
        }
      if (!groups.empty() && all_refused) {
        for (Admission *a : groups) {
          const Refusal x = a->check(false, now);
          const uint32_t retry = x == Refusal::Direction ? 30 : a->retry_after_s(x, now);
          if (v.refusal == Refusal::None || retry < v.retry_after_s) {
            v.refusal = x;
            v.retry_after_s = retry;
          }
        }
        v.what = "every trunk group of " + route_name;
      }
    }
  }
  if (v.refusal != Refusal::None)
    counters_.inc(CcCounter::refused_admission_sip);
  return v;
}

bool CallManager::shutdown_trunk_group(const std::string &name, bool shut,
                                       uint32_t release_after_ms) {
  TrunkGroup *g = group_named(name);
  if (!g)
    return false;
  Admission &a = admission_of(*g);
  a.set_shutdown(shut);
  note_sip_admission();
  if (shut) {
    DryUp &d = dry_ups_[name];
    if (d.timer)
      sched_.stop(d.timer);
    d.timer = 0;
    if (release_after_ms && !d.blocked)
      d.timer = sched_.start(release_after_ms, [this, name] {
        dry_up_timeout(name);
        reap();
      });
    MGC_LOG(Cc, Notice, "trunk group %s shut down: no new calls, %u calls up finish%s",
            name.c_str(), a.active(),
            release_after_ms ? " (then released at the dry-up timeout)" : "");
    check_dry_up();
  } else {
    auto it = dry_ups_.find(name);
    if (it != dry_ups_.end()) {
      if (it->second.timer)
        sched_.stop(it->second.timer);
      const bool blocked = it->second.blocked;
      dry_ups_.erase(it);
      // CGU over the runs of circuits the dry-up blocked (removed ones stay blocked: they drain
      // out of the configuration, DESIGN.md "Live configuration").
      std::vector<uint16_t> cics;
      for (const Circuit &k : g->circuits.circuits())
        if (blocked && !k.removed && k.blocking.local_maintenance)
          cics.push_back(k.cic);
      cic_runs(cics, [g](uint16_t first, uint8_t range) {
        if (range == 0)
          g->supervision->unblock(first);
        else
          g->supervision->group_unblock(first, range, false);
      });
      MGC_LOG(Cc, Notice, "trunk group %s back in service: %zu circuits unblocked", name.c_str(),
              cics.size());
    }
  }
  reap();
  return true;
}

void CallManager::shutdown_sip_peer(const std::string &name, bool shut) {
  Admission &a = peer_admission_.at(name);
  if (a.shut_down() != shut)
    MGC_LOG(Cc, Notice, "SIP peer %s %s", name.c_str(),
            shut ? "shut down: no new calls either way, calls up finish" : "back in service");
  a.set_shutdown(shut);
  note_sip_admission();
}

// A trunk group shut down whose last call ended: its circuits are maintenance-blocked with CGB,
// in runs of consecutive CICs of at most 32 (Q.763 §3.43: range 1-31; BLO for a lone one), so
// that the far exchange stops seizing them too (Q.764 §2.8.2).
void CallManager::check_dry_up() {
  for (auto &[name, d] : dry_ups_) {
    if (d.blocked)
      continue;
    TrunkGroup *g = group_named(name);
    if (!g)
      continue;
    bool busy = false;
    for (const Circuit &k : g->circuits.circuits())
      busy = busy || k.call_ref != 0;
    if (busy)
      continue;
    if (d.timer)
      sched_.stop(d.timer);
    d.timer = 0;
    d.blocked = true;
    std::vector<uint16_t> cics;
    for (const Circuit &k : g->circuits.circuits())
      if (!k.removed && !k.blocking.local_maintenance)
        cics.push_back(k.cic);
    cic_runs(cics, [g](uint16_t first, uint8_t range) {
      if (range == 0)
        g->supervision->block(first);
      else
        g->supervision->group_block(first, range, false);
    });
    counters_.inc(CcCounter::dry_up_blocks);
    MGC_LOG(Cc, Notice, "trunk group %s dried up: %zu circuits blocked (CGB)", name.c_str(),
            cics.size());
  }
}

void CallManager::dry_up_timeout(const std::string &name) {
  auto it = dry_ups_.find(name);
  if (it == dry_ups_.end())
    return;
  it->second.timer = 0;
  TrunkGroup *g = group_named(name);
  if (!g)
    return;
  std::vector<uint32_t> refs;
  for (const auto &[ref, c] : calls_)
    if (c->tg == g || (c->transit && c->transit->tg == g))
      refs.push_back(ref);
  MGC_LOG(Cc, Notice, "trunk group %s: dry-up timeout, %zu calls up released (cause %u)",
          name.c_str(), refs.size(), kCauseDryUpRelease);
  for (uint32_t ref : refs) {
    counters_.inc(CcCounter::dry_up_releases);
    release_call(ref, kCauseDryUpRelease);
  }
}

std::string CallManager::dry_up_state(const std::string &trunk_group) const {
  auto it = dry_ups_.find(trunk_group);
  if (it == dry_ups_.end())
    return "in service";
  if (it->second.blocked)
    return "shut down, circuits blocked";
  const Admission *a = tg_admission_.find(trunk_group);
  return "draining (" + std::to_string(a ? a->active() : 0) + " calls up)";
}

} // namespace mgc::cc
