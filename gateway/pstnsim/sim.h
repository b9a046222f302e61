// pstn-sim's exchange: the simulated far-end ISUP exchange of DESIGN.md. It owns one circuit
// group toward the gateway, answers incoming calls by rules per called-number prefix, originates
// calls at a rate, runs maintenance procedures, and keeps a summary of everything it saw.
//
// The Q.764 behaviour is not written again here: calls are call control's half-call machines
// (callcontrol/isup_call) and circuits are its CircuitGroup and CircuitSupervision. This class
// is their owner, the way CallManager is in mgcd, but with scripted behaviour where mgcd has a
// SIP side. No sockets: ISUP goes out through an IsupSender and time through a Scheduler, so
// two exchanges can be joined back to back in a unit test.
#pragma once

#include "callcontrol/circuit_group.h"
#include "callcontrol/circuit_supervision.h"
#include "callcontrol/isup_half.h"
#include "callcontrol/isup_timers.h"
#include "callcontrol/sides.h"
#include "isup/message.h"
#include "isup/variant.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mgc::pstnsim {

// What the exchange does with an incoming call whose called number matches the rule's prefix.
enum class RuleAction : uint8_t {
  Answer,   // ACM, optional CPG, ANM after answer-after
  Busy,     // REL cause 17 (user busy) at once
  NoAnswer, // ACM and nothing more: the caller's T9 (or its patience) ends the call
  Release,  // REL with the rule's cause at once
  Silent,   // nothing at all: the caller's T7 (awaiting ACM, Q.764 §2.1.4.3) ends the call
};
const char *rule_action_name(RuleAction a);

enum class CpgKind : uint8_t { None, Alerting, Progress }; // Q.763 §3.21 event 1 / 2

struct Rule {
  std::string prefix; // "" = the default rule
  RuleAction action = RuleAction::Answer;
  uint8_t cause = 16;             // for Release
  // For Release: the automatic congestion level its REL carries (Q.763 §3.4, Q.764 §2.11: this
  // exchange tells the gateway it is congested, 1 or 2); 0: none.
  uint8_t acl = 0;
  uint32_t answer_after_ms = 0;   // ACM at once, ANM this much later
  bool in_band = false;           // ACM says in-band information is available
  CpgKind cpg = CpgKind::None;    // CPG sent after the ACM, before the ANM
  uint32_t hangup_after_ms = 0;   // once answered, REL cause 16 after this long (0: never)
  uint32_t expect_digits = 0;     // overlap: wait for SAMs until this many digits (0: en bloc)
  // Q.764 §2.5: once answered, SUS (network initiated) after this long (0: never), then RES this
  // long after the SUS (0: never; the caller's T6 then releases with cause 102).
  uint32_t suspend_after_ms = 0;
  uint32_t resume_after_ms = 0;
  // Only calls arriving on these CICs (both 0: any): one trunk group of the far end congested
  // while another serves the same numbers (route advance tests, issue 15).
  uint16_t first_cic = 0, last_cic = 0;
  // Backward messages sent as these octets (RFC 3204 form, no CIC) instead of the ones built
  // here, when the rule's course sends one of that type: a test's captured ACM, CPG, ANM, CON or
  // REL, parameters unknown to the project included, checked octet for octet at the far end
  // (RFC 3372 §5 transparency, issue 16).
  std::map<isup::MessageType, std::vector<uint8_t>> messages;
};

struct OriginateConfig {
  std::string called = "1000";
  std::string calling;               // empty: no calling party number
  uint8_t called_nai = 3;            // Q.763 §3.9: 1 subscriber, 3 national, 4 international
  uint8_t calling_nai = 3;
  double rate = 1.0;                 // calls per second
  uint32_t total = 0;                // calls to place (0: until duration ends)
  uint32_t duration_ms = 0;          // stop placing calls after this long (0: until total)
  uint32_t hold_ms = 1000;           // hang up this long after the answer (0: wait for the far end)
  uint32_t sam_digits = 0;           // overlap: the last N digits go in a SAM after the IAM
  // Q.764 §2.1.8: the IAM asks for a continuity check on the circuit; COT (success) follows it.
  bool continuity_check = false;
  uint8_t hop_counter = 0; // Q.763 §3.80 in the IAM (Q.764 §2.1.12); 0: none
  // The IAM as octets (RFC 3204 form, no CIC), sent as it is on the seized circuit instead of
  // one built from the settings above (a captured IAM, issue 16); empty: built.
  std::vector<uint8_t> iam;
  std::vector<uint8_t> expect_causes{16}; // release causes that count as success
};

struct SimConfig {
  uint32_t own_pc = 0;
  uint32_t dpc = 0;
  isup::Variant variant = isup::Variant::Itu;
  std::vector<std::pair<uint16_t, uint16_t>> cic_ranges;
  cc::Hunting hunting = cc::Hunting::Sequential;
  std::vector<Rule> rules; // longest prefix wins; without a default rule: answer
  cc::IsupTimerValues timers;
  bool log_messages = false;
};

// Everything the summary reports. Counters by name, kept in maps so the summary lists only
// what happened.
struct Summary {
  uint64_t calls_offered = 0;     // IAMs accepted (incoming calls)
  uint64_t calls_originated = 0;  // IAMs sent
  uint64_t calls_answered = 0;    // incoming we answered + outgoing answered by the far end
  uint64_t calls_failed = 0;      // originated calls that ended with a cause not expected
  uint64_t calls_no_circuit = 0;  // no idle circuit when a call was due
  uint64_t calls_reattempted = 0; // dual seizure lost (Q.764 §2.9.1.4), repeated elsewhere
  uint64_t dual_seizures = 0;
  std::map<uint8_t, uint64_t> released_incoming; // per Q.850 cause
  std::map<uint8_t, uint64_t> released_outgoing;
  std::map<std::string, uint64_t> sent, received; // per message acronym
  std::map<std::string, uint64_t> unexpected;     // what, e.g. "alerted:IAM", "unknown-cic"
  std::vector<std::string> maintenance;           // maintenance events, in order (capped)
  uint64_t maintenance_events = 0;
  uint64_t continuity_loops = 0; // check loops attached for an IAM or CCR (Q.764 §2.1.8)
  uint64_t malformed = 0;   // did not decode, or decoded with an error Q.764 §2.9.5 acts on
  int64_t originate_span_ms = 0; // from `originate start` to the end of the last originated call
};

class Sim {
public:
  Sim(SimConfig cfg, cc::Scheduler &sched, cc::IsupSender &out);
  ~Sim();
  Sim(const Sim &) = delete;
  Sim &operator=(const Sim &) = delete;

  // A decoded ISUP message from the far exchange.
  void receive(uint32_t opc, const isup::Message &msg);
  // Octets as carried in M3UA DATA: decoded for the variant and handled as Q.764 §2.9.5 asks
  // an end node (discard, CFN, release the call), then received.
  void receive_octets(uint32_t opc, std::span<const uint8_t> octets);
  // A message that did not decode (counted as malformed and unexpected).
  void receive_malformed(std::string_view why);
  // MTP-PAUSE / MTP-RESUME toward the gateway.
  void destination(bool available);
  bool destination_available() const { return available_; }

  // Originating calls: start (with the config), stop, place one now.
  void originate_start(const OriginateConfig &o);
  void originate_stop();
  void set_originate(const OriginateConfig &o) { orig_ = o; } // for single calls
  bool originating() const { return orig_running_; }
  bool originate_one(); // false: no idle circuit
  // A configured message (RFC 3204 octets, no CIC) on `cic`; none if it cannot be encoded.
  std::optional<isup::Message> octets_message(const std::vector<uint8_t> &octets,
                                              uint16_t cic) const;

  // Maintenance (the VTY and command line): false if the CIC is not ours.
  bool grs(uint16_t first, uint8_t range);
  bool cgb(uint16_t first, uint8_t range, bool hardware);
  bool cgu(uint16_t first, uint8_t range, bool hardware);
  bool blo(uint16_t cic);
  bool ubl(uint16_t cic);
  bool rsc(uint16_t cic);
  void reset_all(); // GRS over every circuit

  // Releases every call (cause 16) and stops originating: the clean way to stop.
  void release_all();

  SimConfig &config() { return cfg_; }
  const cc::CircuitGroup &circuits() const { return group_; }
  const Summary &summary() const { return sum_; }
  std::size_t active_calls() const { return calls_.size(); }
  bool supervision_pending() const;
  struct CallInfo {
    uint32_t ref;
    uint16_t cic;
    bool outgoing;
    std::string state, called, calling, rule;
  };
  std::vector<CallInfo> calls() const;
  // Circuits whose call state is not idle (a clean run leaves none).
  std::vector<uint16_t> busy_circuits() const;
  std::vector<uint16_t> blocked_circuits() const;
  // The summary as text (printed at exit and by `show summary`); lines "key value".
  std::string summary_text() const;
  void set_log(std::function<void(const std::string &)> f) { log_ = std::move(f); }
  // Every message sent ('>') or received ('<'), whole: for traces that compare parameters.
  void set_trace(std::function<void(char, const isup::Message &)> f) { trace_ = std::move(f); }
  // The rule for a call to `digits` on `cic`: the longest prefix among the rules that take
  // calls on that CIC.
  const Rule &rule_for(std::string_view digits, uint16_t cic = 0) const;

  struct Call;
  class Supervision;
  class Wire;

private:
  friend struct Call;
  friend class Supervision;
  friend class Wire;
  void send(isup::Message msg);
  void log_msg(char dir, const isup::Message &m);
  void maintenance(std::string what);
  void unexpected(std::string what);
  void incoming_iam(const isup::Message &msg);
  void apply_rule(Call &c);
  void orig_tick();
  void reap();
  Call *call_on(uint16_t cic);
  void send_cfn(uint16_t cic, uint8_t cause, std::span<const uint8_t> diagnostic);
  isup::Message rx_;

  SimConfig cfg_;
  cc::Scheduler &sched_;
  cc::IsupSender &out_;
  cc::CircuitGroup group_;
  std::unique_ptr<Wire> wire_;
  std::unique_ptr<Supervision> sup_port_;
  std::unique_ptr<cc::CircuitSupervision> sup_;
  cc::CircuitAccess access_;
  std::map<uint32_t, std::unique_ptr<Call>> calls_;
  std::vector<uint32_t> finished_;
  uint32_t next_ref_ = 1;
  bool available_ = false; // until MTP-RESUME (or the route is seen up)
  Summary sum_;
  std::function<void(const std::string &)> log_;
  std::function<void(char, const isup::Message &)> trace_;
  // originating
  OriginateConfig orig_;
  bool orig_running_ = false;
  uint32_t orig_placed_ = 0;
  int64_t orig_start_ms_ = 0;
  bool orig_started_ = false; // the originate section ran (single `call`s have no span)
  cc::Scheduler::Id orig_timer_ = 0;
};

} // namespace mgc::pstnsim
