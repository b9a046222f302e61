// The far-end exchange: one libss7 instance (ITU or ANSI) on its MTP2 link, answering calls by
// rule, releasing, blocking and resetting on command, and writing every libss7 event as one
// line ("rx IAM cic 3 ...") and every message it has libss7 send ("tx ACM cic 3") to its log.
#pragma once

#include "core/scheduler.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

struct ss7;
struct isup_call;

namespace mgc::ss7peer {

// What the exchange does with a call it receives, chosen by the called number's prefix.
struct Rule {
  std::string prefix;
  // Silent: no backward message at all, so that the calling exchange's T7 runs out (Q.764 Annex A)
  enum class Action { Answer, Busy, Ring, Release, Silent } action = Action::Answer;
  int cause = 16;            // Release: the REL's cause
  int64_t answer_after = 200; // ACM at once, ANM after this
  int64_t hangup_after = 0;  // REL 16 this long after the ANM (0: never)
  int cpg = 0;               // CPG event (Q.763 §3.21) sent after the ACM (0: none)
  int64_t suspend_after = 0; // SUS this long after the ANM, RES after resume_after more
  int64_t resume_after = 0;
};
// "PREFIX:answer[,after=MS][,hangup=MS][,cpg=N][,suspend=MS,resume=MS]" | "PREFIX:busy" |
// "PREFIX:ring" | "PREFIX:release=CAUSE" | "PREFIX:silent"
bool parse_rule(const std::string &text, Rule &out);

// The library's version string (ss7_get_version()).
const char *libss7_version();

struct ExchangeConfig {
  bool ansi = false;
  uint32_t pc = 0;          // libss7's point code
  uint32_t adjacent_pc = 0; // the signalling gateway's (our relay)
  uint32_t dpc = 0;         // mgcd's: where calls and maintenance go
  int first_cic = 1, last_cic = 31;
  std::vector<Rule> rules;
  int64_t t7_ms = 20000; // libss7's T7 (Q.764 Annex A: 20-30 s; shorter in the lab)
};

class Exchange {
public:
  using Log = std::function<void(const std::string &)>;
  Exchange(ExchangeConfig cfg, core::Scheduler &sched, int fd, Log log);
  ~Exchange();
  Exchange(const Exchange &) = delete;
  Exchange &operator=(const Exchange &) = delete;

  void start();
  void readable();      // the link has a frame for libss7
  void transmit();      // the line lets libss7 send one signal unit
  void run_timers();    // libss7's own timers (ISUP T1, T5, T7, T17 ...; MTP2/MTP3)
  bool up() const { return up_; }
  // One command line (docs in main.cpp's usage); returns "ok ..." or "error ...".
  std::string command(const std::string &line);
  std::size_t busy() const { return calls_.size(); }
  // Dual seizure on demand (Q.764 §2.9.1.4): with a call armed ("glare CALLED ..."), the next
  // IAM mgcd sends is preceded on its circuit by libss7's own IAM, so that the two cross. Called
  // by the relay with the CIC of an IAM from mgcd before libss7 reads it.
  void iam_from_mgcd(int cic);

private:
  friend struct Callbacks;
  void events();
  void on_iam(isup_call *c, int cic, const std::string &called);
  void later(int64_t ms, int cic, std::function<void(isup_call *)> f);
  void forget(isup_call *c);
  void keep_or_free(int cic, isup_call *c);
  isup_call *call_on(int cic) const;
  isup_call *new_call(int cic, bool outgoing);
  void log(const std::string &s) const { log_(s); }
  const Rule *rule_for(const std::string &called) const;

  ExchangeConfig cfg_;
  core::Scheduler &sched_;
  int fd_;
  Log log_;
  struct ss7 *ss7_ = nullptr;
  bool up_ = false;
  std::map<int, isup_call *> calls_;  // by CIC: the call libss7 keeps for it
  std::map<int, uint64_t> generation_; // a delayed action acts only on the call it was for
  std::map<int, int64_t> hold_;        // originated calls: release after this long answered
  std::vector<std::pair<int, uint32_t>> reevent_; // dual seizure lost: IAMs to take again
  std::string glare_called_, glare_calling_;      // armed: the call that crosses mgcd's next IAM
  int64_t glare_hold_ = 0;
};

} // namespace mgc::ss7peer
