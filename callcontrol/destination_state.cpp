#include "callcontrol/destination_state.h"

#include "core/fsm.h"
#include "core/log.h"
#include "core/timer.h"
#include "isup/parameters.h"

#include <algorithm>

namespace mgc::cc {

struct DestinationStates::Destination {
  Destination(uint32_t p, Scheduler &sched, std::function<void()> t30, std::function<void()> t4)
      : pc(p), t29_acl(sched, [] {}), t30_acl(sched, t30), t29_mtp(sched, [] {}),
        t30_mtp(sched, t30), t4(sched, std::move(t4)) {}
  uint32_t pc;
  bool available = true;
  uint8_t acl_level = 0; // Q.764 §2.11: the level the far exchange last reported (1 or 2)
  uint8_t mtp_level = 0; // Q.764 §2.10: the step of reduction reached (1..3)
  UserPartState user_part = UserPartState::Available;
  // §2.10 and §2.11 each run their own T29/T30: an ACL and an MTP congestion indication are
  // different reports (of the exchange, of the signalling route) and age separately.
  core::Timer t29_acl, t30_acl, t29_mtp, t30_mtp;
  core::Timer t4; // §2.13: the state timeout of an inaccessible user part, UPT at expiry
  uint64_t offered = 0, withheld = 0;
  uint32_t share_seq = 0; // offers counted for the share withheld at the level in force
};

DestinationStates::DestinationStates(Scheduler &sched, const IsupTimerValues &timers,
                                     IsupSender &isup)
    : sched_(sched), timers_(timers), isup_(isup) {}

DestinationStates::~DestinationStates() = default;

DestinationStates::Destination &DestinationStates::at(uint32_t dpc) {
  auto &d = dests_[dpc];
  if (!d)
    d = std::make_unique<Destination>(
        dpc, sched_, [this, dpc] { t30_expired(dpc); }, [this, dpc] { t4_expired(dpc); });
  return *d;
}

unsigned DestinationStates::level(const Destination &d) const {
  return std::max<unsigned>(d.acl_level, d.mtp_level);
}

void DestinationStates::paused(uint32_t dpc) {
  Destination &d = at(dpc);
  if (d.available)
    counters_.inc(DestinationCounter::paused);
  d.available = false;
}

void DestinationStates::resumed(uint32_t dpc) {
  Destination &d = at(dpc);
  if (!d.available)
    counters_.inc(DestinationCounter::resumed);
  d.available = true;
}

// Q.764 §2.10.2: the first indication reduces by one step and starts T29 and T30; during T29
// further indications are ignored; after T29, still within T30, each one reduces by a step more
// and restarts both, up to the last step. Levels reported (Q.704 §3.8 national option) are the
// least step: a level 2 report goes to step 2 at once. Level 0: congestion has ceased (RFC 4666
// §3.4.4): traffic is restored at once.
void DestinationStates::mtp_congestion(uint32_t dpc, uint8_t reported) {
  Destination &d = at(dpc);
  if (reported == 0) {
    if (d.mtp_level)
      MGC_LOG(Isup, Notice, "dpc %u: MTP congestion ceased: traffic restored (was step %u)", dpc,
              unsigned(d.mtp_level));
    counters_.inc(DestinationCounter::congestion_abated);
    d.mtp_level = 0;
    d.t29_mtp.stop();
    d.t30_mtp.stop();
    return;
  }
  if (d.t29_mtp.pending()) {
    counters_.inc(DestinationCounter::mtp_congestion_ignored_t29);
    MGC_LOG(Isup, Info, "dpc %u: MTP congestion (level %u) within T29: ignored", dpc,
            unsigned(reported));
    return;
  }
  counters_.inc(DestinationCounter::mtp_congestion);
  // The last step reached by stepping is 2; only a reported level 3 stops every new call.
  const uint8_t next = std::max<uint8_t>(std::min<uint8_t>(uint8_t(d.mtp_level + 1), 2),
                                         std::min<uint8_t>(reported, 3));
  MGC_LOG(Isup, Notice, "dpc %u: MTP congestion (level %u): new calls reduced, step %u (was %u)",
          dpc, unsigned(reported), unsigned(next), unsigned(d.mtp_level));
  d.mtp_level = next;
  d.t29_mtp.start(timers_.ms(IsupTimer::T29));
  d.t30_mtp.start(timers_.ms(IsupTimer::T30));
}

// Q.764 §2.11: an ACL from the exchange at `dpc` (in the REL of a call it refused). The level it
// reports is taken (1 or 2, Q.763 §3.4; a spare value counts as 2) and held for T30; the ACLs
// of the other calls refused in the same burst arrive within T29 and change nothing.
void DestinationStates::acl_received(Destination &d, uint8_t reported) {
  if (reported == 0)
    return; // Q.763 §3.4: spare, no congestion reported
  const uint8_t lvl = reported >= 2 ? 2 : 1;
  if (d.t29_acl.pending()) {
    counters_.inc(DestinationCounter::acl_ignored_t29);
    return;
  }
  counters_.inc(DestinationCounter::acl_received);
  if (lvl != d.acl_level)
    MGC_LOG(Isup, Notice,
            "dpc %u: automatic congestion level %u received: %u%% of new calls toward it "
            "withheld for T30",
            d.pc, unsigned(lvl),
            lvl == 1 ? reduction_.level1_percent : reduction_.level2_percent);
  d.acl_level = lvl;
  d.t29_acl.start(timers_.ms(IsupTimer::T29));
  d.t30_acl.start(timers_.ms(IsupTimer::T30));
}

// T30 of either procedure: the ACL reduction ends (§2.11: no new ACL within T30), the MTP one
// goes back a step and T30 runs again unless full traffic is resumed (§2.10.2).
void DestinationStates::t30_expired(uint32_t dpc) {
  Destination &d = at(dpc);
  counters_.inc(DestinationCounter::t30_expired);
  if (d.acl_level && !d.t30_acl.pending()) {
    MGC_LOG(Isup, Notice, "dpc %u: T30 expired without a new ACL: traffic restored", dpc);
    d.acl_level = 0;
  }
  if (d.mtp_level && !d.t30_mtp.pending()) {
    --d.mtp_level;
    MGC_LOG(Isup, Notice, "dpc %u: T30 expired without MTP congestion: step %u", dpc,
            unsigned(d.mtp_level));
    if (d.mtp_level)
      d.t30_mtp.start(timers_.ms(IsupTimer::T30));
  }
}

// Q.764 §2.13, the availability of the remote user part. Inaccessible (or no cause given,
// "unknown"): T4 runs as the state's timeout and a UPT goes at each expiry until the user part
// answers. Unequipped: it will not come back by itself: management is told, no test is made.
// Any ISUP message from it (a UPA or another) ends the condition in every state.
struct DestinationStates::UserPartMachine {
  using S = UserPartState;
  enum class Event : uint8_t { Inaccessible, Unknown, Unequipped, Upa, OtherMessage, T4 };
  using L = DestinationStates;
  using Fsm = core::Fsm<S, Event, void (*)(L &, Destination &), std::nullptr_t,
                        int64_t (*)(L &, Destination &)>;
  static constexpr auto kEventNames =
      name_table<Event>({{Event::Inaccessible, "MTP-STATUS user part inaccessible"},
                         {Event::Unknown, "MTP-STATUS user part unavailable"},
                         {Event::Unequipped, "MTP-STATUS user part unequipped"},
                         {Event::Upa, "UPA"},
                         {Event::OtherMessage, "ISUP message received"},
                         {Event::T4, "T4 expiry"}});
  static const Fsm::Row kRows[];
  static const Fsm::Timeout kTimeouts[];
  static const Fsm kFsm;

  static void count(L &l, Destination &) {
    l.counters_.inc(DestinationCounter::user_part_unavailable);
  }
  static void upt(L &l, Destination &d) { l.send_upt(d); }
  static void back(L &l, Destination &) {
    l.counters_.inc(DestinationCounter::user_part_available);
  }
  static void nothing(L &, Destination &) {}
  static int64_t t4_ms(L &l, Destination &) { return l.timers_.ms(IsupTimer::T4); }

  static bool fire(L &l, Destination &d, Event ev) {
    return kFsm.fire(
        d.user_part, &d.t4, ev,
        [&](S, S to, Event e) {
          if (to == S::Available)
            MGC_LOG(Isup, Notice, "dpc %u: ISDN user part available again (%s): new calls resume",
                    d.pc, kFsm.event_name(e));
          else
            MGC_LOG(Isup, Notice, "dpc %u: ISDN user part %s: no new calls toward it%s", d.pc,
                    kFsm.state_name(to), to == S::Unequipped ? "" : ", UPT at T4");
        },
        l, d);
  }
};

const DestinationStates::UserPartMachine::Fsm::Row DestinationStates::UserPartMachine::kRows[] = {
    {Fsm::kAny, Event::Inaccessible, S::Inaccessible, count},
    {Fsm::kAny, Event::Unknown, S::Unknown, count},
    {Fsm::kAny, Event::Unequipped, S::Unequipped, count},
    // T4's own event re-enters the state: a UPT, and T4 again (§2.13.2).
    {S::Inaccessible, Event::T4, S::Inaccessible, upt},
    {S::Unknown, Event::T4, S::Unknown, upt},
    {{S::Unknown, S::Inaccessible, S::Unequipped}, Event::Upa, S::Available, back},
    {{S::Unknown, S::Inaccessible, S::Unequipped}, Event::OtherMessage, S::Available, back},
    {S::Available, Event::Upa, Fsm::kStay, nothing},
    {S::Available, Event::OtherMessage, Fsm::kStay, nothing},
};
const DestinationStates::UserPartMachine::Fsm::Timeout
    DestinationStates::UserPartMachine::kTimeouts[] = {{S::Inaccessible, Event::T4, t4_ms},
                                                       {S::Unknown, Event::T4, t4_ms}};
const DestinationStates::UserPartMachine::Fsm DestinationStates::UserPartMachine::kFsm{
    kUserPartStateNames, kEventNames, kRows, kTimeouts};

void DestinationStates::user_part_unavailable(uint32_t dpc, UserPartState why) {
  using E = UserPartMachine::Event;
  if (why == UserPartState::Available)
    return;
  UserPartMachine::fire(*this, at(dpc), why == UserPartState::Unequipped ? E::Unequipped
                                        : why == UserPartState::Unknown  ? E::Unknown
                                                                         : E::Inaccessible);
}

void DestinationStates::t4_expired(uint32_t dpc) {
  UserPartMachine::fire(*this, at(dpc), UserPartMachine::Event::T4);
}

void DestinationStates::send_upt(Destination &d) {
  const auto cic = cic_for_ ? cic_for_(d.pc) : std::nullopt;
  if (cic) {
    isup::Message upt;
    upt.type = isup::MessageType::Upt;
    upt.cic = *cic;
    isup_.send(d.pc, upt);
    counters_.inc(DestinationCounter::upt_sent);
    MGC_LOG(Isup, Info, "dpc %u: T4 expired: UPT sent on cic %u", d.pc, *cic);
  }
}

bool DestinationStates::received(uint32_t opc, const isup::Message &msg) {
  using T = isup::MessageType;
  auto it = dests_.find(opc);
  Destination *d = it == dests_.end() ? nullptr : it->second.get();
  // §2.13: UPA, or any other message, shows the user part is available.
  if (d)
    UserPartMachine::fire(*this, *d,
                          msg.type == T::Upa ? UserPartMachine::Event::Upa
                                             : UserPartMachine::Event::OtherMessage);
  if ((msg.type == T::Rel || msg.type == T::Rlc))
    if (const auto *acl = msg.find<isup::AutomaticCongestionLevel>())
      acl_received(d ? *d : at(opc), acl->value);
  if (msg.type == T::Upt) {
    // §2.13: a user part test is answered while this user part is available.
    isup::Message upa;
    upa.type = T::Upa;
    upa.cic = msg.cic;
    isup_.send(opc, upa);
    counters_.inc(DestinationCounter::upt_answered);
    return true;
  }
  return msg.type == T::Upa;
}

// Evenly spread: of every 100 offers at a share of p %, the ones where the running total of
// p/100 crosses an integer are withheld, so that a short burst already sees the share.
DestinationStates::Verdict DestinationStates::admit_call(uint32_t dpc) {
  auto it = dests_.find(dpc);
  if (it == dests_.end())
    return Verdict::Admit;
  Destination &d = *it->second;
  ++d.offered;
  Verdict v = Verdict::Admit;
  if (!d.available) {
    v = Verdict::Unavailable;
  } else if (d.user_part != UserPartState::Available) {
    v = Verdict::UserPartUnavailable;
  } else if (const unsigned l = level(d)) {
    const unsigned p = l >= 3 ? 100 : l == 2 ? reduction_.level2_percent : reduction_.level1_percent;
    const uint32_t n = d.share_seq++;
    if (p >= 100 || (uint64_t(n + 1) * p) / 100 > (uint64_t(n) * p) / 100)
      v = Verdict::Congested;
  } else {
    d.share_seq = 0;
  }
  if (v != Verdict::Admit) {
    ++d.withheld;
    counters_.inc(v == Verdict::Congested ? DestinationCounter::withheld_congestion
                                          : DestinationCounter::withheld_unavailable);
  }
  return v;
}

std::optional<DestinationStates::View> DestinationStates::find(uint32_t dpc) const {
  auto it = dests_.find(dpc);
  if (it == dests_.end())
    return std::nullopt;
  const Destination &d = *it->second;
  return View{d.pc,
              d.available,
              d.acl_level,
              d.mtp_level,
              d.user_part,
              d.t29_acl.pending() || d.t29_mtp.pending(),
              d.t30_acl.pending() || d.t30_mtp.pending(),
              d.t4.pending(),
              d.offered,
              d.withheld};
}

std::vector<DestinationStates::View> DestinationStates::show() const {
  std::vector<View> v;
  for (const auto &[pc, d] : dests_)
    v.push_back(*find(pc));
  return v;
}

} // namespace mgc::cc
