// The circuit blocks one owner set toward the far exchange, and their undoing (Q.764 §2.8.2):
// a trunk group's circuits blocked with CGB, maintenance- or hardware-oriented, in spans of at
// most 32 CICs (Q.763 §3.43: range 1-31, the status bits naming the circuits meant); later the
// same circuits unblocked with CGU of the same type, or reset (GRS, Q.764 §2.9.3.2) where a
// hardware block was never acknowledged, leaving the far side's state unknown. Circuits blocked
// already, by an operator, a dry-up or another owner, are not taken: only the owner that blocked
// a circuit unblocks it. A trunk group busied out while its SIP peer is down
// (sip_peer_busy_out.h) is such an owner; a media gateway out of service does the same
// (media_gateway_state.h, which keeps its own blocks per part of the gateway).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace mgc::cc {

class CallManager;

class CircuitBlocks {
public:
  explicit CircuitBlocks(CallManager &calls) : calls_(calls) {}

  struct Made {
    std::size_t circuits = 0; // blocked now
    std::size_t calls = 0;    // on them, released (hardware blocking only)
  };
  // Blocks the trunk group's circuits that are not blocked that way already.
  Made block(const std::string &trunk_group, bool hardware);
  struct Undone {
    std::size_t unblocked = 0, reset = 0;
  };
  // Unblocks (or resets) what block() did, every trunk group; a circuit taken out of the
  // configuration meanwhile stays blocked (it drains, DESIGN.md "Live configuration").
  Undone unblock_all();
  // The trunk group is no longer this owner's: what was done to it stays.
  void forget(const std::string &trunk_group);
  std::size_t circuits_blocked() const; // by this owner, now
  bool empty() const { return blocks_.empty(); }

private:
  // One CGB sent: circuits first..first+range whose status bits are set.
  struct Block {
    std::string trunk_group;
    uint16_t first = 0;
    uint8_t range = 0;
    std::vector<bool> status;
    bool hardware = false;
  };
  CallManager &calls_;
  std::vector<Block> blocks_;
};

} // namespace mgc::cc
