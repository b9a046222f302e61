// Trunk groups busied out while their SIP peer is down (sip_peer_busy_out.h).
#include "callcontrol/sip_peer_busy_out.h"

#include "callcontrol/call_manager.h"
#include "core/alarms.h"
#include "core/log.h"

namespace mgc::cc {

namespace {
std::string alarm_key(const std::string &trunk_group) {
  return "trunk-group." + trunk_group + ".busied-out";
}
} // namespace

SipPeerBusyOut::SipPeerBusyOut(CallManager &calls, core::Alarms *alarms)
    : calls_(calls), alarms_(alarms) {}

void SipPeerBusyOut::configure(const std::map<std::string, std::string> &trunk_group_peer) {
  for (auto it = ties_.begin(); it != ties_.end();) {
    auto want = trunk_group_peer.find(it->first);
    if (want == trunk_group_peer.end() || want->second != it->second.peer) {
      if (it->second.busied)
        bring_back(it->first, it->second, "busy-out no longer configured");
      if (want == trunk_group_peer.end()) {
        it = ties_.erase(it);
        continue;
      }
      it->second.peer = want->second;
    }
    ++it;
  }
  for (const auto &[tg, peer] : trunk_group_peer) {
    auto [it, added] = ties_.try_emplace(tg);
    if (added) {
      it->second.peer = peer;
      it->second.blocks = std::make_unique<CircuitBlocks>(calls_);
    }
    update(tg, it->second);
  }
}

void SipPeerBusyOut::peer_changed(const std::string &peer) {
  for (auto &[tg, t] : ties_)
    if (t.peer == peer)
      update(tg, t);
}

bool SipPeerBusyOut::busied_out(const std::string &trunk_group) const {
  auto it = ties_.find(trunk_group);
  return it != ties_.end() && it->second.busied;
}

std::string SipPeerBusyOut::describe(const std::string &trunk_group) const {
  auto it = ties_.find(trunk_group);
  if (it == ties_.end())
    return {};
  const Tie &t = it->second;
  if (t.busied)
    return "busied out (SIP peer " + t.peer + " down), " +
           std::to_string(t.blocks->circuits_blocked()) + " circuits blocked";
  return "in service (busied out while SIP peer " + t.peer + " is down)";
}

void SipPeerBusyOut::update(const std::string &trunk_group, Tie &t) {
  const bool down = calls_.sip_peer_states().down(t.peer);
  if (down && !t.busied)
    busy_out(trunk_group, t);
  else if (!down && t.busied)
    bring_back(trunk_group, t, "SIP peer answers again");
}

void SipPeerBusyOut::busy_out(const std::string &trunk_group, Tie &t) {
  if (!calls_.trunk_group(trunk_group))
    return; // not (yet) in call control: nothing to block
  const CircuitBlocks::Made m = t.blocks->block(trunk_group, false);
  t.busied = true;
  counters_.inc(BusyOutCounter::busy_outs);
  counters_.inc(BusyOutCounter::circuits_blocked, m.circuits);
  MGC_LOG(Cc, Notice,
          "trunk group %s busied out: SIP peer %s down, %zu circuits blocked (CGB, maintenance), "
          "calls up finish",
          trunk_group.c_str(), t.peer.c_str(), m.circuits);
  if (alarms_)
    alarms_->raise(log::Category::Cc, alarm_key(trunk_group),
                   "trunk group " + trunk_group + " busied out: SIP peer " + t.peer + " down (" +
                       std::to_string(m.circuits) + " circuits blocked)");
}

void SipPeerBusyOut::bring_back(const std::string &trunk_group, Tie &t, const char *why) {
  const CircuitBlocks::Undone u = t.blocks->unblock_all();
  t.busied = false;
  counters_.inc(BusyOutCounter::returns);
  counters_.inc(BusyOutCounter::circuits_unblocked, u.unblocked + u.reset);
  MGC_LOG(Cc, Notice, "trunk group %s back in service (%s, SIP peer %s): %zu circuits unblocked "
          "(CGU)", trunk_group.c_str(), why, t.peer.c_str(), u.unblocked + u.reset);
  if (alarms_)
    alarms_->clear(alarm_key(trunk_group));
}

} // namespace mgc::cc
