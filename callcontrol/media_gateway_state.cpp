#include "callcontrol/media_gateway_state.h"

#include "callcontrol/call_manager.h"
#include "core/alarms.h"
#include "core/log.h"

#include <algorithm>
#include <map>

namespace mgc::cc {

namespace {
// Q.763 §3.43: a group message covers first..first+range, range 1-31 (at most 32 circuits).
constexpr uint16_t kMaxRange = 31;
constexpr uint16_t kMaxCic = 16383; // 14-bit CIC (Q.763 §1.2)
} // namespace

MediaGatewayState::MediaGatewayState(std::string name, CallManager &calls, core::Alarms *alarms)
    : name_(std::move(name)), calls_(calls), alarms_(alarms) {}

void MediaGatewayState::serve(const std::string &trunk_group) {
  if (std::find(trunk_groups_.begin(), trunk_groups_.end(), trunk_group) != trunk_groups_.end())
    return;
  trunk_groups_.push_back(trunk_group);
  if (state_ == MgService::Draining)
    block(trunk_group, false, blocks_);
  else if (state_ == MgService::OutOfService)
    block(trunk_group, true, blocks_);
}

void MediaGatewayState::stop_serving(const std::string &trunk_group) {
  std::erase(trunk_groups_, trunk_group);
  std::erase_if(blocks_, [&](const Block &b) { return b.trunk_group == trunk_group; });
  for (auto &[pattern, p] : parts_)
    std::erase_if(p.blocks, [&](const Block &b) { return b.trunk_group == trunk_group; });
}

std::size_t MediaGatewayState::circuits_blocked() const {
  std::size_t n = 0;
  auto count = [&n](const std::vector<Block> &bs) {
    for (const auto &b : bs)
      n += std::size_t(std::count(b.status.begin(), b.status.end(), true));
  };
  count(blocks_);
  for (const auto &[pattern, p] : parts_)
    count(p.blocks);
  return n;
}

std::map<std::string, MgService> MediaGatewayState::parts() const {
  std::map<std::string, MgService> out;
  for (const auto &[pattern, p] : parts_)
    out[pattern] = p.state;
  return out;
}

void MediaGatewayState::enter(MgService s) {
  const std::string key = "media-gateway." + name_;
  state_ = s;
  since_ = std::time(nullptr);
  if (!alarms_)
    return;
  if (s == MgService::OutOfService)
    alarms_->raise(log::Category::Cc, key + ".down",
                   "media gateway " + name_ + " out of service (" + why_ + "): " +
                       std::to_string(circuits_blocked()) +
                       " circuits blocked toward the far exchange");
  else
    alarms_->clear(key + ".down");
  if (s == MgService::Draining)
    alarms_->raise(log::Category::Cc, key + ".draining",
                   "media gateway " + name_ + " draining (" + why_ +
                       "): no new calls on its circuits");
  else
    alarms_->clear(key + ".draining");
}

void MediaGatewayState::out_of_service(std::string_view why) {
  if (state_ == MgService::OutOfService)
    return;
  why_ = std::string(why);
  counters_.inc(MgServiceCounter::out_of_service);
  const uint64_t released = counters_.get(MgServiceCounter::calls_released);
  for (const auto &tg : trunk_groups_)
    block(tg, true, blocks_);
  MGC_LOG(Cc, Notice,
          "media gateway %s out of service (%s): %zu circuits blocked (hardware), %lu calls "
          "released",
          name_.c_str(), why_.c_str(), circuits_blocked(),
          static_cast<unsigned long>(counters_.get(MgServiceCounter::calls_released) - released));
  enter(MgService::OutOfService);
}

void MediaGatewayState::draining(std::string_view why) {
  if (state_ != MgService::InService)
    return; // out of service already: nothing left to drain
  why_ = std::string(why);
  counters_.inc(MgServiceCounter::draining);
  for (const auto &tg : trunk_groups_)
    block(tg, false, blocks_);
  MGC_LOG(Cc, Notice,
          "media gateway %s draining (%s): %zu circuits blocked (maintenance), calls up finish",
          name_.c_str(), why_.c_str(), circuits_blocked());
  enter(MgService::Draining);
}

void MediaGatewayState::in_service(std::string_view why) {
  if (state_ == MgService::InService)
    return;
  why_ = std::string(why);
  counters_.inc(MgServiceCounter::back_in_service);
  const std::size_t n = circuits_blocked();
  unblock(blocks_);
  // The whole gateway back covers its parts (RFC 3435 §2.3.12: a restart of "*").
  while (!parts_.empty())
    part_in_service(parts_.begin()->first, why);
  MGC_LOG(Cc, Notice, "media gateway %s back in service (%s): %zu circuits unblocked or reset",
          name_.c_str(), why_.c_str(), n);
  enter(MgService::InService);
}

void MediaGatewayState::part_enter(const std::string &part, Part &p, MgService s) {
  p.state = s;
  if (!alarms_)
    return;
  const std::string key = "media-gateway." + name_ + ".endpoints." + part;
  if (s == MgService::OutOfService)
    alarms_->raise(log::Category::Cc, key,
                   "media gateway " + name_ + " endpoints " + part + " out of service (" + p.why +
                       ")");
  else if (s == MgService::Draining)
    alarms_->raise(log::Category::Cc, key,
                   "media gateway " + name_ + " endpoints " + part + " draining (" + p.why + ")");
  else
    alarms_->clear(key);
}

void MediaGatewayState::part_out_of_service(const std::string &part, const Circuits &circuits,
                                            std::string_view why) {
  Part &p = parts_[part];
  if (p.state == MgService::OutOfService)
    return;
  p.why = std::string(why);
  counters_.inc(MgServiceCounter::part_out_of_service);
  const uint64_t released = counters_.get(MgServiceCounter::calls_released);
  std::size_t n = 0;
  for (const auto &[tg, cics] : circuits) {
    if (std::find(trunk_groups_.begin(), trunk_groups_.end(), tg) == trunk_groups_.end())
      continue;
    const std::size_t before = p.blocks.size();
    block(tg, true, p.blocks, &cics);
    for (std::size_t i = before; i < p.blocks.size(); ++i)
      n += std::size_t(std::count(p.blocks[i].status.begin(), p.blocks[i].status.end(), true));
  }
  MGC_LOG(Cc, Notice,
          "media gateway %s endpoints %s out of service (%s): %zu circuits blocked (hardware), "
          "%lu calls released",
          name_.c_str(), part.c_str(), p.why.c_str(), n,
          static_cast<unsigned long>(counters_.get(MgServiceCounter::calls_released) - released));
  part_enter(part, p, MgService::OutOfService);
}

void MediaGatewayState::part_draining(const std::string &part, const Circuits &circuits,
                                      std::string_view why) {
  Part &p = parts_[part];
  if (p.state != MgService::InService)
    return;
  p.why = std::string(why);
  counters_.inc(MgServiceCounter::part_draining);
  std::size_t n = 0;
  for (const auto &[tg, cics] : circuits) {
    if (std::find(trunk_groups_.begin(), trunk_groups_.end(), tg) == trunk_groups_.end())
      continue;
    const std::size_t before = p.blocks.size();
    block(tg, false, p.blocks, &cics);
    for (std::size_t i = before; i < p.blocks.size(); ++i)
      n += std::size_t(std::count(p.blocks[i].status.begin(), p.blocks[i].status.end(), true));
  }
  MGC_LOG(Cc, Notice,
          "media gateway %s endpoints %s draining (%s): %zu circuits blocked (maintenance), calls "
          "up finish",
          name_.c_str(), part.c_str(), p.why.c_str(), n);
  part_enter(part, p, MgService::Draining);
}

void MediaGatewayState::part_in_service(const std::string &part, std::string_view why) {
  auto it = parts_.find(part);
  if (it == parts_.end())
    return;
  Part &p = it->second;
  p.why = std::string(why);
  counters_.inc(MgServiceCounter::part_back_in_service);
  std::size_t n = 0;
  for (const auto &b : p.blocks)
    n += std::size_t(std::count(b.status.begin(), b.status.end(), true));
  unblock(p.blocks);
  MGC_LOG(Cc, Notice,
          "media gateway %s endpoints %s back in service (%s): %zu circuits unblocked or reset",
          name_.c_str(), part.c_str(), p.why.c_str(), n);
  part_enter(part, p, MgService::InService);
  parts_.erase(it);
}

void MediaGatewayState::block(const std::string &trunk_group, bool hardware,
                              std::vector<Block> &into, const std::vector<uint32_t> *only) {
  CircuitGroup *g = calls_.trunk_group(trunk_group);
  if (!g)
    return;
  std::vector<uint16_t> cics; // sorted, as the group keeps them
  uint64_t calls = 0;
  for (const Circuit &c : g->circuits()) {
    if (only && !std::binary_search(only->begin(), only->end(), uint32_t(c.cic)))
      continue; // not one of the endpoints named
    if (hardware ? c.blocking.local_hardware : c.blocking.local_maintenance)
      continue; // blocked already (an operator, a circuit taken out): not ours to undo
    cics.push_back(c.cic);
    calls += hardware && c.call_ref ? 1 : 0;
  }
  std::vector<Block> made;
  for (std::size_t i = 0; i < cics.size();) {
    std::size_t j = i;
    while (j + 1 < cics.size() && cics[j + 1] - cics[i] <= kMaxRange)
      ++j;
    Block b;
    b.trunk_group = trunk_group;
    b.hardware = hardware;
    if (i == j) {
      // A range of 0 is not a group (Q.763 §3.43): one neighbour more, its status bit clear.
      b.first = cics[i] < kMaxCic ? cics[i] : static_cast<uint16_t>(cics[i] - 1);
      b.range = 1;
      b.status = {b.first == cics[i], b.first != cics[i]};
    } else {
      b.first = cics[i];
      b.range = static_cast<uint8_t>(cics[j] - cics[i]);
      b.status.assign(b.range + 1u, false);
      for (std::size_t k = i; k <= j; ++k)
        b.status[cics[k] - b.first] = true;
    }
    made.push_back(std::move(b));
    i = j + 1;
  }
  calls_.maintain(trunk_group, [&made](CircuitSupervision &s) {
    for (const auto &b : made)
      s.group_block(b.first, b.range, b.hardware, &b.status);
    return true;
  });
  counters_.inc(hardware ? MgServiceCounter::circuits_hardware_blocked
                         : MgServiceCounter::circuits_maintenance_blocked,
                cics.size());
  counters_.inc(MgServiceCounter::calls_released, calls);
  into.insert(into.end(), made.begin(), made.end());
}

void MediaGatewayState::unblock(std::vector<Block> &blocks) {
  // The blocks of each trunk group by their first CIC: the supervision runs one procedure per
  // first CIC, so a span whose hardware CGB is still unacknowledged is reset once, whole.
  std::map<std::pair<std::string, uint16_t>, std::vector<Block *>> spans;
  for (auto &b : blocks)
    spans[{b.trunk_group, b.first}].push_back(&b);
  for (auto &[key, bs] : spans) {
    const std::string &tg = key.first;
    CircuitGroup *g = calls_.trunk_group(tg);
    CircuitSupervision *s = calls_.supervision(tg);
    if (!g || !s)
      continue;
    // A circuit taken out of the configuration meanwhile stays blocked (Q.764 §2.8.2 drain).
    for (Block *b : bs)
      for (std::size_t i = 0; i < b->status.size(); ++i)
        if (const Circuit *c = g->find(static_cast<uint16_t>(b->first + i)); c && c->removed)
          b->status[i] = false;
    const bool unknown = std::any_of(bs.begin(), bs.end(), [&](const Block *b) {
      return b->hardware && s->pending(b->first);
    });
    std::size_t n = 0;
    uint8_t range = 0;
    for (const Block *b : bs) {
      n += std::size_t(std::count(b->status.begin(), b->status.end(), true));
      range = std::max(range, b->range);
    }
    if (unknown) {
      // The far exchange never acknowledged the hardware block: its side of these circuits is
      // unknown. GRS resets them (Q.764 §2.9.3.2) and clears the far end's blocking; ours goes.
      for (const Block *b : bs)
        for (std::size_t i = 0; i < b->status.size(); ++i)
          if (Circuit *c = g->find(static_cast<uint16_t>(b->first + i)); c && b->status[i])
            (b->hardware ? c->blocking.local_hardware : c->blocking.local_maintenance) = false;
      // a copy: clang before 16 refuses a structured binding in a lambda's capture
      const uint16_t first = key.second;
      calls_.maintain(tg, [&, first](CircuitSupervision &x) { return x.group_reset(first, range); });
      counters_.inc(MgServiceCounter::circuits_reset, n);
      continue;
    }
    const auto &blocks = bs;
    calls_.maintain(tg, [&blocks](CircuitSupervision &x) {
      for (const Block *b : blocks)
        if (std::find(b->status.begin(), b->status.end(), true) != b->status.end())
          x.group_unblock(b->first, b->range, b->hardware, &b->status);
      return true;
    });
    counters_.inc(MgServiceCounter::circuits_unblocked, n);
  }
  blocks.clear();
}

} // namespace mgc::cc
