// Circuits of a trunk group toward one DPC: the state of every CIC, hunting for outgoing calls,
// dual-seizure control (Q.764 §2.9.1) and blocking states (Q.764 §2.8).
#pragma once

#include "core/names.h"

#include <cstdint>
#include <queue>
#include <string>
#include <utility>
#include <vector>

namespace mgc::cc {

// Call-processing state of a circuit (Q.764 §2.1-2.3 seen from the circuit).
enum class CircuitCall : uint8_t {
  Idle,
  IncomingBusy, // the far end seized it (IAM received)
  OutgoingBusy, // this exchange seized it (IAM sent)
  Releasing,    // REL exchanged, RLC outstanding
  Resetting,    // RSC/GRS sent, RLC/GRA outstanding (Q.764 §2.9.3)
};
const char *circuit_call_name(CircuitCall s);

// Q.764 §2.8: maintenance and hardware blocking, by this exchange (local) or the far end (remote).
struct Blocking {
  bool local_maintenance = false;
  bool local_hardware = false;
  bool remote_maintenance = false;
  bool remote_hardware = false;
  bool any() const { return local_maintenance || local_hardware || remote_maintenance || remote_hardware; }
  bool operator==(const Blocking &) const = default;
};

struct Circuit {
  uint16_t cic = 0;
  CircuitCall call = CircuitCall::Idle;
  Blocking blocking;
  bool remote_unequipped = false; // UCIC received (Q.764 §2.12)
  uint32_t call_ref = 0;          // the call using the circuit, 0 if none
  uint64_t released_at = 0;       // hunting order for least-recently-used
  // Taken out of the configuration while the exchange runs: maintenance-blocked so that no new
  // call seizes it in either direction, the call up on it finishing normally (Q.764 §2.8.2).
  bool removed = false;
};

enum class Hunting : uint8_t { Sequential, RoundRobin, LeastRecentlyUsed };
inline constexpr auto kHuntingNames =
    name_table<Hunting>({{Hunting::Sequential, "sequential"},
                         {Hunting::RoundRobin, "round-robin"},
                         {Hunting::LeastRecentlyUsed, "least-recently-used"}});
static_assert(names_unique(kHuntingNames));
inline const char *hunting_name(Hunting h) { return name_of(kHuntingNames, h, "?"); }

// Which circuits this exchange controls in dual seizure (Q.764 §2.9.1.4): by default the exchange
// with the higher signalling point code controls the even CICs and the other one the odd CICs;
// a bilateral agreement may give this exchange the even, the odd, all or none of them instead.
enum class GlareControl : uint8_t { PointCode, Even, Odd, All, None };
inline constexpr auto kGlareControlNames =
    name_table<GlareControl>({{GlareControl::PointCode, "point-code"},
                              {GlareControl::Even, "even"},
                              {GlareControl::Odd, "odd"},
                              {GlareControl::All, "all"},
                              {GlareControl::None, "none"}});
static_assert(names_unique(kGlareControlNames));
inline const char *glare_control_name(GlareControl g) {
  return name_of(kGlareControlNames, g, "?");
}

class CircuitGroup {
public:
  // `own_pc` and `dpc` decide which circuits this exchange controls in dual seizure: the one with
  // the higher point code controls the even CICs, the other the odd ones (Q.764 §2.9.1.4).
  CircuitGroup(std::string name, uint32_t own_pc, uint32_t dpc, Hunting hunting);

  const std::string &name() const { return name_; }
  uint32_t dpc() const { return dpc_; }
  Hunting hunting() const { return hunting_; }
  void set_hunting(Hunting h) {
    hunting_ = h;
    rebuild_lru();
  }
  GlareControl glare() const { return glare_; }
  void set_glare(GlareControl g) {
    glare_ = g;
    rebuild_lru();
  }

  // Adds CICs first..last (config). False if the range overlaps one already added or is reversed.
  bool add_range(uint16_t first, uint16_t last);
  Circuit *find(uint16_t cic);
  const Circuit *find(uint16_t cic) const;
  const std::vector<Circuit> &circuits() const { return circuits_; }

  bool controls(uint16_t cic) const {
    switch (glare_) {
    case GlareControl::PointCode: return (cic % 2 == 0) == higher_point_code_;
    case GlareControl::Even: return cic % 2 == 0;
    case GlareControl::Odd: return cic % 2 == 1;
    case GlareControl::All: return true;
    case GlareControl::None: return false;
    }
    return false;
  }

  // Hunting for an outgoing call: an idle, unblocked, equipped circuit. Circuits this exchange
  // controls come first, as Q.764 §2.9.1.3 method 2 asks, so that glare is rare; within each set
  // the trunk group's policy orders them. nullptr if none is free (the call gets cause 34).
  Circuit *seize_outgoing(uint32_t call_ref);

  enum class IncomingSeizure : uint8_t {
    Accepted,
    UnknownCircuit,     // not in the group: answer UCIC (Q.764 §2.12)
    LocallyBlocked,     // blocked by this exchange: do not accept, repeat the blocking
    DualSeizureWeWin,   // our IAM stands; theirs is ignored (Q.764 §2.9.1.4 a)
    DualSeizureWeYield, // their IAM stands; our call must be re-attempted on another circuit
    Busy,               // already busy with an incoming call (unexpected IAM)
  };
  // An IAM arrived on `cic`. A remote maintenance block is lifted (the far end would not seize a
  // circuit it still blocks: Q.764 §2.8.2.3). On Accepted or DualSeizureWeYield the circuit is
  // now incoming busy for `call_ref` and `displaced_call` (on yield) names our call.
  IncomingSeizure seize_incoming(uint16_t cic, uint32_t call_ref, uint32_t *displaced_call = nullptr);

  // Release complete: the circuit is idle again (keeps its blocking).
  void idle(uint16_t cic);
  void set_call_state(uint16_t cic, CircuitCall s);

  // Counts for `show circuits`.
  struct Counts {
    std::size_t total = 0, idle = 0, incoming = 0, outgoing = 0, transient = 0, blocked = 0;
    std::size_t removed = 0; // draining or drained (blocked), out of the configuration
  };
  Counts counts() const;

private:
  bool usable_outgoing(const Circuit &c) const;
  Circuit *seize_lru(bool controlled);
  void push_lru(std::size_t index);
  void rebuild_lru();

  std::string name_;
  uint32_t dpc_;
  bool higher_point_code_; // own point code above the DPC
  GlareControl glare_ = GlareControl::PointCode;
  Hunting hunting_;
  std::vector<Circuit> circuits_; // sorted by CIC
  // Sequential hunting starts here: no circuit below this index is usable for an outgoing call.
  // A circuit only becomes usable through find() (or idle()/set_call_state(), which use it), so
  // find() lowers it to the circuit it hands out; a hunt raises it past the unusable ones. Without
  // it every seizure scanned the busy circuits from the first (O(circuits) per call).
  std::size_t hint_ = 0;
  std::size_t rr_next_ = 0;
  uint64_t clock_ = 0; // release order for LRU
  // Least-recently-used hunting without a scan: per dual-seizure side (not controlled,
  // controlled), the circuits that may be usable by (released_at, index), oldest first. Lazy:
  // idle() and find() (every way a circuit can become usable) push it again, and a hunt drops
  // the entries it pops that are stale (released since) or unusable; rebuilt when it outgrows
  // the group four times (only incoming traffic pops nothing).
  using LruEntry = std::pair<uint64_t, uint32_t>;
  std::priority_queue<LruEntry, std::vector<LruEntry>, std::greater<LruEntry>> lru_[2];
};

} // namespace mgc::cc
