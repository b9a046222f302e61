// What this exchange knows of each signalling destination (point code) its trunk groups lead to,
// and the one question circuit hunting asks of it: may a new call go toward that point code now?
//  - MTP-PAUSE / MTP-RESUME (Q.764 §2.14, RFC 4666 DUNA/DAVA): inaccessible, no new call.
//  - ISUP signalling congestion control, Q.764 §2.10 (MTP-STATUS congestion, RFC 4666 SCON):
//    traffic reduced a step per indication, T29 ignoring the next ones, T30 restoring a step.
//    With the national option of congestion levels (Q.704 §3.8, RFC 4666 §3.4.4 Congestion
//    Indications) the level reported is the least reduction.
//  - Automatic congestion control, Q.764 §2.11 (the ACL parameter of a REL or RLC, Q.763 §3.4):
//    traffic toward that exchange reduced by its level 1 or 2 until T30 passes without another;
//    T29 ignores the ACLs that follow one (the REL of every call refused in the same burst).
//  - ISDN user part availability control, Q.764 §2.13 (MTP-STATUS user part unavailable, RFC 4666
//    DUPU): no new call; T4 repeats a UPT until the user part answers (UPA, or any ISUP message).
// A level withholds a share of the new calls, spread evenly over the offers: level 1 and 2 each
// have a configurable share (Cisco PGW 2200's "cancel-to" percentages; E.412 §4.1 leaves the
// amounts to the administration), level 3 (MTP only) withholds all. A withheld call is treated
// as one finding no free circuit: the route's next target, else cause 42.
#pragma once

#include "callcontrol/isup_timers.h"
#include "callcontrol/sides.h"
#include "core/counters.h"
#include "core/names.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#define MGC_DESTINATION_COUNTERS(X)                                                                \
  X(acl_received) X(acl_ignored_t29) X(mtp_congestion) X(mtp_congestion_ignored_t29)               \
  X(congestion_abated) X(t30_expired) X(user_part_unavailable) X(upt_sent) X(upt_answered)         \
  X(user_part_available) X(paused) X(resumed) X(withheld_congestion) X(withheld_unavailable)
MGC_DECLARE_COUNTERS(DestinationCounter, MGC_DESTINATION_COUNTERS)

namespace mgc::cc {

// Q.764 §2.13 / RFC 4666 §3.4.5 (Unavailability Cause): why the remote ISDN user part is down.
enum class UserPartState : uint8_t { Available, Unknown, Unequipped, Inaccessible };
inline constexpr auto kUserPartStateNames =
    name_table<UserPartState>({{UserPartState::Available, "available"},
                               {UserPartState::Unknown, "unavailable"},
                               {UserPartState::Unequipped, "unequipped"},
                               {UserPartState::Inaccessible, "inaccessible"}});
static_assert(names_unique(kUserPartStateNames));

// Shares of new calls withheld at automatic congestion levels 1 and 2, in percent.
struct TrafficReduction {
  unsigned level1_percent = 25;
  unsigned level2_percent = 75;
  bool operator==(const TrafficReduction &) const = default;
};

class DestinationStates {
public:
  // `timers` are the values in force (T4, T29, T30 read at each start, so changes apply live).
  DestinationStates(Scheduler &sched, const IsupTimerValues &timers, IsupSender &isup);
  ~DestinationStates();
  DestinationStates(const DestinationStates &) = delete;
  DestinationStates &operator=(const DestinationStates &) = delete;

  // A CIC toward `dpc` for the UPT (Q.764 §2.13 sends it on any circuit of the destination).
  void set_cic_for(std::function<std::optional<uint16_t>(uint32_t dpc)> f) {
    cic_for_ = std::move(f);
  }
  void set_reduction(const TrafficReduction &r) { reduction_ = r; }
  const TrafficReduction &reduction() const { return reduction_; }

  // A destination a trunk group leads to (listed by show() from the start).
  void add(uint32_t dpc) { at(dpc); }
  // MTP-PAUSE / MTP-RESUME.
  void paused(uint32_t dpc);
  void resumed(uint32_t dpc);
  // MTP-STATUS congestion with its level (0: abated).
  void mtp_congestion(uint32_t dpc, uint8_t level);
  // MTP-STATUS user part unavailable.
  void user_part_unavailable(uint32_t dpc, UserPartState why);
  // An ISUP message from `opc`: the user part is available (§2.13); an ACL in a REL or RLC is
  // taken (§2.11); a UPT is answered with UPA. True if the message was for this alone (UPT, UPA).
  bool received(uint32_t opc, const isup::Message &msg);

  enum class Verdict : uint8_t { Admit, Unavailable, UserPartUnavailable, Congested };
  // Circuit hunting's question for a new call toward `dpc`: counts the offer and the refusal.
  Verdict admit_call(uint32_t dpc);

  struct View {
    uint32_t pc = 0;
    bool available = true;
    uint8_t acl_level = 0, mtp_level = 0;
    UserPartState user_part = UserPartState::Available;
    bool t29 = false, t30 = false, t4 = false;
    uint64_t offered = 0, withheld = 0;
  };
  std::vector<View> show() const;
  std::optional<View> find(uint32_t dpc) const;
  const CounterSet<DestinationCounter> &counters() const { return counters_; }

private:
  struct Destination;
  // Q.764 §2.13's availability of the remote user part, on the core row engine (core/fsm.h);
  // its table and actions are in destination_state.cpp.
  struct UserPartMachine;
  Destination &at(uint32_t dpc);
  void acl_received(Destination &d, uint8_t level);
  void t30_expired(uint32_t dpc);
  void send_upt(Destination &d);
  void t4_expired(uint32_t dpc);
  unsigned level(const Destination &d) const;

  Scheduler &sched_;
  const IsupTimerValues &timers_;
  IsupSender &isup_;
  std::function<std::optional<uint16_t>(uint32_t)> cic_for_;
  TrafficReduction reduction_;
  std::map<uint32_t, std::unique_ptr<Destination>> dests_;
  CounterSet<DestinationCounter> counters_;
};

inline constexpr auto kDestinationVerdictNames =
    name_table<DestinationStates::Verdict>({{DestinationStates::Verdict::Admit, "admitted"},
                                            {DestinationStates::Verdict::Unavailable, "inaccessible"},
                                            {DestinationStates::Verdict::UserPartUnavailable,
                                             "user part unavailable"},
                                            {DestinationStates::Verdict::Congested, "congested"}});

} // namespace mgc::cc
