// Circuit blocks one owner set and undoes (circuit_blocks.h).
#include "callcontrol/circuit_blocks.h"

#include "callcontrol/call_manager.h"

#include <algorithm>
#include <map>

namespace mgc::cc {

namespace {
// Q.763 §3.43: a group message covers first..first+range, range 1-31 (at most 32 circuits).
constexpr uint16_t kMaxRange = 31;
constexpr uint16_t kMaxCic = 16383; // 14-bit CIC (Q.763 §1.2)
} // namespace

void CircuitBlocks::forget(const std::string &trunk_group) {
  std::erase_if(blocks_, [&](const Block &b) { return b.trunk_group == trunk_group; });
}

std::size_t CircuitBlocks::circuits_blocked() const {
  std::size_t n = 0;
  for (const auto &b : blocks_)
    n += std::size_t(std::count(b.status.begin(), b.status.end(), true));
  return n;
}

CircuitBlocks::Made CircuitBlocks::block(const std::string &trunk_group, bool hardware) {
  Made out;
  CircuitGroup *g = calls_.trunk_group(trunk_group);
  if (!g)
    return out;
  std::vector<uint16_t> cics; // sorted, as the group keeps them
  for (const Circuit &c : g->circuits()) {
    if (hardware ? c.blocking.local_hardware : c.blocking.local_maintenance)
      continue; // blocked already (an operator, a circuit taken out): not ours to undo
    cics.push_back(c.cic);
    out.calls += hardware && c.call_ref ? 1 : 0;
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
  out.circuits = cics.size();
  blocks_.insert(blocks_.end(), made.begin(), made.end());
  return out;
}

CircuitBlocks::Undone CircuitBlocks::unblock_all() {
  Undone out;
  // The blocks of each trunk group by their first CIC: the supervision runs one procedure per
  // first CIC, so a span whose hardware CGB is still unacknowledged is reset once, whole.
  std::map<std::pair<std::string, uint16_t>, std::vector<Block *>> spans;
  for (auto &b : blocks_)
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
      out.reset += n;
      continue;
    }
    const auto &blocks = bs;
    calls_.maintain(tg, [&blocks](CircuitSupervision &x) {
      for (const Block *b : blocks)
        if (std::find(b->status.begin(), b->status.end(), true) != b->status.end())
          x.group_unblock(b->first, b->range, b->hardware, &b->status);
      return true;
    });
    out.unblocked += n;
  }
  blocks_.clear();
  return out;
}

} // namespace mgc::cc
