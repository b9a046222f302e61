// The one way the hand-made protocol machines are written (issue 12 item 2): the SIP
// transactions (RFC 3261 §17), the M3UA ASP and AS machines (RFC 4666 §4.3), the MGCP incoming
// transactions (RFC 3435 §3.5) and the media of a call. It borrows osmo_fsm's ideas
// (libosmocore core/fsm.c) and gives them C++ types:
//   - a machine is a const table of rows, read from top to bottom: in a state of `from` (one
//     state, a set, or every state: osmo_fsm's "allstate" events), on `event`, if `guard` holds,
//     go to `to` and run `act`. The first row that matches wins, so guarded rows come before
//     their fallback;
//   - states and events have names (core/names.h tables), for logs and `show`;
//   - a state may have a timeout (osmo_fsm_inst_state_chg's timeout): entering it arms the
//     instance's one state timer, leaving it stops the timer, and the row that handles the
//     timeout's own event re-enters the state (so "T(ack) expiry: send again" restarts T(ack)).
//     A row that stays in its state on any other event leaves the timer running, as T(r) must
//     keep running through AS-PENDING (RFC 4666 §4.3.2). Machines that run several timers at
//     once (RFC 3261's Timer A beside Timer B) keep those in their own core::Timer slots and fire
//     their expiries through the same table.
// The state is not changed by the table's user: fire() sets it before the action runs, so an
// action sees the new state, and a transition an action causes (an ASP taking over inside
// another's action) is the last one and wins. When no row matches, fire() returns false and the
// machine answers in its protocol's own terms (M3UA ERR, a counter and a log line): nothing is
// silently dropped (STYLE.md practice 8).
//
//   using AsFsm = core::Fsm<AsState, AEv, void (*)(Node &, int), bool (*)(const Node &, int),
//                           int64_t (*)(const Node &, int)>;
//   constexpr AsFsm::Row kRows[] = {{A::Active, AEv::AspDown, A::Pending, start_tr, none_active},
//                                   ...};
//   constexpr AsFsm::Timeout kTimeouts[] = {{A::Pending, AEv::TrExpiry, recovery_ms}};
//   constexpr AsFsm kAs{kAsStateNames, kAEvNames, kRows, kTimeouts};
//   kAs.fire(a.state, a.t_r.get(), AEv::AspDown, on_change, node, as);
#pragma once

#include "core/names.h"
#include "core/timer.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <span>
#include <type_traits>

namespace mgc::core {

// A set of states of an enum with at most 64 values: a row's `from`.
template <typename S> class StateSet {
public:
  constexpr StateSet(S s) : bits_(bit(s)) {} // NOLINT: a single state is a set
  constexpr StateSet(std::initializer_list<S> states) {
    for (S s : states)
      bits_ |= bit(s);
  }
  // Every state: rows for events a machine handles the same way whatever its state.
  static constexpr StateSet any() {
    StateSet s{};
    s.bits_ = ~uint64_t{0};
    return s;
  }
  constexpr bool has(S s) const { return (bits_ & bit(s)) != 0; }

private:
  constexpr StateSet() = default;
  static constexpr uint64_t bit(S s) { return uint64_t{1} << static_cast<unsigned>(s); }
  uint64_t bits_ = 0;
};

// A row's next state: a state, or Fsm::kStay for a row that handles its event without leaving
// the state it is in (an all-state row that changes nothing, osmo_fsm's allstate action that
// does not call state_chg). Staying never touches the state timer.
template <typename S> struct Next {
  constexpr Next(S s) : state(s) {} // NOLINT: a state is a next state
  static constexpr Next stay() {
    Next n{S{}};
    n.stays = true;
    return n;
  }
  S state;
  bool stays = false;
};

// Act and Guard are invoked (std::invoke) with the arguments given to fire(): free functions,
// or member functions with the object first. Guard = std::nullptr_t: the machine has no
// guards; a null guard in a row means "always". Ms (the duration of a state timeout, read when
// the state is entered, so a timer changed live applies to the next start) likewise; nullptr_t:
// the machine has no state timeouts.
template <typename S, typename E, typename Act, typename Guard = std::nullptr_t,
          typename Ms = std::nullptr_t>
class Fsm {
public:
  static constexpr StateSet<S> kAny = StateSet<S>::any();
  static constexpr Next<S> kStay = Next<S>::stay();

  struct Row {
    StateSet<S> from;
    E event;
    Next<S> to;
    Act act;
    Guard guard{};
  };
  struct Timeout {
    S state;
    E event; // what the owner fires when the state timer expires
    Ms ms;
  };

  constexpr Fsm(std::span<const NameRow<S>> states, std::span<const NameRow<E>> events,
                std::span<const Row> rows, std::span<const Timeout> timeouts = {})
      : states_(states), events_(events), rows_(rows), timeouts_(timeouts) {}

  // Runs the first row that matches `state` and `ev`: the state changes, the state timer is
  // handled, on_change(from, to, ev) runs if the state changed (the machine logs or reports it),
  // then the row's action. False when no row matches (state, timer and nothing else touched).
  template <typename OnChange, typename... A>
  bool fire(S &state, Timer *timer, E ev, OnChange &&on_change, A &&...args) const {
    const Row *r = find(state, ev, args...);
    if (!r)
      return false;
    const S from = state;
    const S to = r->to.stays ? from : r->to.state;
    state = to;
    if (timer && !r->to.stays)
      enter(*timer, from, to, ev, args...);
    if (from != to)
      on_change(from, to, ev);
    std::invoke(r->act, args...);
    return true;
  }

  // The row fire() would run, or nullptr.
  template <typename... A> const Row *find(S state, E ev, A &...args) const {
    for (const Row &r : rows_) {
      if (r.event != ev || !r.from.has(state))
        continue;
      if constexpr (!std::is_same_v<Guard, std::nullptr_t>)
        if (r.guard && !std::invoke(r.guard, args...))
          continue;
      return &r;
    }
    return nullptr;
  }

  const char *state_name(S s) const { return lookup(states_, s); }
  const char *event_name(E e) const { return lookup(events_, e); }
  std::span<const Row> rows() const { return rows_; }
  std::span<const Timeout> timeouts() const { return timeouts_; }
  const Timeout *timeout_of(S s) const {
    for (const Timeout &t : timeouts_)
      if (t.state == s)
        return &t;
    return nullptr;
  }

private:
  template <typename... A> void enter(Timer &timer, S from, S to, E ev, A &...args) const {
    const Timeout *t = timeout_of(to);
    const bool reenter = t && from == to && ev == t->event;
    if (from == to && !reenter)
      return; // staying: the state's timer keeps running
    timer.stop();
    if (t) {
      if constexpr (!std::is_same_v<Ms, std::nullptr_t>)
        timer.start(std::invoke(t->ms, args...));
    }
  }
  template <typename V> static const char *lookup(std::span<const NameRow<V>> t, V v) {
    for (const auto &r : t)
      if (r.value == v)
        return r.name;
    return "unknown";
  }

  std::span<const NameRow<S>> states_;
  std::span<const NameRow<E>> events_;
  std::span<const Row> rows_;
  std::span<const Timeout> timeouts_;
};

} // namespace mgc::core
