// The far-end exchange on libss7; see exchange.h. libss7's application interface is the one
// chan_dahdi uses: events from ss7_check_event(), replies by isup_*(), and two callbacks through
// which the library asks the application to hang up a circuit (ss7_hangup) or tells it a call
// record is gone (ss7_call_null).
#include "tests/libss7/exchange.h"

extern "C" {
#include <libss7.h>
}

#include <cstdio>
#include <cstring>
#include <sstream>

namespace mgc::ss7peer {

namespace {
Exchange *g_exchange = nullptr; // libss7's callbacks carry no user pointer: one instance

std::string trim_newline(const char *m) {
  std::string s(m ? m : "");
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r'))
    s.pop_back();
  return s;
}

std::string digits(const char *n) {
  std::string s(n);
  if (!s.empty() && s.back() == '#') // ITU: libss7 writes the ST digit as '#'
    s.pop_back();
  return s;
}
} // namespace

const char *libss7_version() { return ss7_get_version(); }

bool parse_rule(const std::string &text, Rule &out) {
  const auto colon = text.find(':');
  if (colon == std::string::npos)
    return false;
  out = Rule{};
  out.prefix = text.substr(0, colon);
  std::stringstream ss(text.substr(colon + 1));
  std::string item;
  bool first = true;
  while (std::getline(ss, item, ',')) {
    const auto eq = item.find('=');
    const std::string k = item.substr(0, eq);
    const long long v = eq == std::string::npos ? 0 : std::atoll(item.c_str() + eq + 1);
    if (first) {
      first = false;
      if (k == "answer")
        out.action = Rule::Action::Answer;
      else if (k == "busy")
        out.action = Rule::Action::Busy;
      else if (k == "ring")
        out.action = Rule::Action::Ring;
      else if (k == "silent")
        out.action = Rule::Action::Silent;
      else if (k == "release") {
        out.action = Rule::Action::Release;
        out.cause = int(v);
      } else
        return false;
      if (k == "answer" && eq != std::string::npos)
        out.answer_after = v;
      continue;
    }
    if (k == "after")
      out.answer_after = v;
    else if (k == "hangup")
      out.hangup_after = v;
    else if (k == "cpg")
      out.cpg = int(v);
    else if (k == "suspend")
      out.suspend_after = v;
    else if (k == "resume")
      out.resume_after = v;
    else
      return false;
  }
  return !first;
}

struct Callbacks {
  static void message(struct ss7 *, char *m) { g_exchange->log("libss7 " + trim_newline(m)); }
  static void error(struct ss7 *, char *m) { g_exchange->log("libss7 ERROR " + trim_newline(m)); }
  static void call_null(struct ss7 *, struct isup_call *c, int) { g_exchange->forget(c); }
  static void notinservice(struct ss7 *, int cic, unsigned int dpc) {
    g_exchange->log("event not-in-service cic " + std::to_string(cic) + " dpc " +
                    std::to_string(dpc));
  }
  // libss7 asks the application to clear a circuit: from its timers (T7: REL 31; T5:
  // RSC), from an unexpected message (RSC), and when it loses a dual seizure (Q.764 §2.9.1.4:
  // give up our call, take the other exchange's IAM again).
  static int hangup(struct ss7 *ss7, int cic, unsigned int dpc, int cause, int what) {
    Exchange &x = *g_exchange;
    isup_call *c = x.call_on(cic);
    if (cic < x.cfg_.first_cic || cic > x.cfg_.last_cic)
      return SS7_CIC_NOT_EXISTS;
    if (!c)
      return SS7_CIC_IDLE;
    char b[128];
    std::snprintf(b, sizeof b, "event hangup cic %d cause %d action %d", cic, cause, what);
    x.log(b);
    switch (what) {
    case SS7_HANGUP_REEVENT_IAM:
      x.log("event dual-seizure-lost cic " + std::to_string(cic));
      x.hold_.erase(cic);
      x.reevent_.emplace_back(cic, dpc);
      break;
    case SS7_HANGUP_SEND_REL:
      x.log("tx REL cic " + std::to_string(cic) + " cause " + std::to_string(cause));
      isup_rel(ss7, c, cause);
      break;
    case SS7_HANGUP_SEND_RSC:
      x.log("tx RSC cic " + std::to_string(cic));
      isup_rsc(ss7, c);
      break;
    case SS7_HANGUP_SEND_RLC:
      x.log("tx RLC cic " + std::to_string(cic));
      isup_rlc(ss7, c);
      break;
    case SS7_HANGUP_FREE_CALL:
      x.forget(c);
      isup_free_call(ss7, c);
      break;
    default: break;
    }
    return SS7_CIC_USED;
  }
};

Exchange::Exchange(ExchangeConfig cfg, core::Scheduler &sched, int fd, Log log)
    : cfg_(std::move(cfg)), sched_(sched), fd_(fd), log_(std::move(log)) {
  g_exchange = this;
  ss7_set_message(&Callbacks::message);
  ss7_set_error(&Callbacks::error);
  ss7_set_call_null(&Callbacks::call_null);
  ss7_set_hangup(&Callbacks::hangup);
  ss7_set_notinservice(&Callbacks::notinservice);
  ss7_ = ss7_new(cfg_.ansi ? SS7_ANSI : SS7_ITU);
  ss7_set_network_ind(ss7_, SS7_NI_NAT);
  ss7_set_pc(ss7_, cfg_.pc);
  // The link: libss7's own MTP2 on one end of a socketpair (its DAHDI D-channel transport),
  // signalling link code 0, adjacent to the signalling gateway's point code.
  ss7_add_link(ss7_, SS7_TRANSPORT_DAHDIDCHAN, fd_, 0, cfg_.adjacent_pc);
  // Test timers of the scale mgcd's lab uses; libss7's other ISUP timers keep their defaults.
  ss7_set_isup_timer(ss7_, const_cast<char *>("t7"), int(cfg_.t7_ms));
}

Exchange::~Exchange() {
  if (ss7_)
    ss7_destroy(ss7_);
  g_exchange = nullptr;
}

void Exchange::start() { ss7_start(ss7_); }

void Exchange::readable() {
  ss7_read(ss7_, fd_);
  events();
}

void Exchange::transmit() { ss7_write(ss7_, fd_); }

void Exchange::run_timers() {
  ss7_schedule_run(ss7_);
  events();
}

isup_call *Exchange::call_on(int cic) const {
  auto it = calls_.find(cic);
  return it == calls_.end() ? nullptr : it->second;
}

void Exchange::forget(isup_call *c) {
  for (auto it = calls_.begin(); it != calls_.end(); ++it)
    if (it->second == c) {
      ++generation_[it->first];
      hold_.erase(it->first);
      calls_.erase(it);
      return;
    }
}

void Exchange::keep_or_free(int cic, isup_call *c) {
  if (!isup_free_call_if_clear(ss7_, c) && call_on(cic) == c) {
    ++generation_[cic];
    hold_.erase(cic);
    calls_.erase(cic);
  }
}

isup_call *Exchange::new_call(int cic, bool outgoing) {
  return isup_new_call(ss7_, cic, cfg_.dpc, outgoing ? 1 : 0);
}

void Exchange::later(int64_t ms, int cic, std::function<void(isup_call *)> f) {
  const uint64_t gen = generation_[cic];
  sched_.start(ms, [this, cic, gen, f] {
    isup_call *c = call_on(cic);
    if (c && generation_[cic] == gen) {
      f(c);
      events();
    }
  });
}

const Rule *Exchange::rule_for(const std::string &called) const {
  const Rule *best = nullptr;
  for (const Rule &r : cfg_.rules)
    if (called.compare(0, r.prefix.size(), r.prefix) == 0 &&
        (!best || r.prefix.size() > best->prefix.size()))
      best = &r;
  return best;
}

void Exchange::on_iam(isup_call *c, int cic, const std::string &called) {
  Rule dflt;
  const Rule *r = rule_for(called);
  const Rule &rule = r ? *r : dflt;
  const std::string n = std::to_string(cic);
  switch (rule.action) {
  case Rule::Action::Busy:
  case Rule::Action::Release: {
    const int cause = rule.action == Rule::Action::Busy ? 17 : rule.cause;
    log("tx REL cic " + n + " cause " + std::to_string(cause));
    isup_rel(ss7_, c, cause);
    return;
  }
  case Rule::Action::Silent: log("silent cic " + n); return;
  case Rule::Action::Ring:
  case Rule::Action::Answer: break;
  }
  log("tx ACM cic " + n);
  isup_acm(ss7_, c);
  if (rule.cpg) {
    log("tx CPG cic " + n + " event " + std::to_string(rule.cpg));
    isup_cpg(ss7_, c, rule.cpg);
  }
  if (rule.action == Rule::Action::Ring)
    return;
  later(rule.answer_after, cic, [this, cic, rule, n](isup_call *c) {
    log("tx ANM cic " + n);
    isup_anm(ss7_, c);
    if (rule.suspend_after) {
      later(rule.suspend_after, cic, [this, cic, rule, n](isup_call *c) {
        log("tx SUS cic " + n);
        isup_sus(ss7_, c, 1); // Q.763 §3.52: network initiated
        later(rule.resume_after, cic, [this, n](isup_call *c) {
          log("tx RES cic " + n);
          isup_res(ss7_, c, 1);
        });
      });
    }
    if (rule.hangup_after)
      later(rule.hangup_after + rule.suspend_after + rule.resume_after, cic,
            [this, n](isup_call *c) {
              log("tx REL cic " + n + " cause 16");
              isup_rel(ss7_, c, 16);
            });
  });
}

void Exchange::events() {
  while (!reevent_.empty()) {
    auto [cic, dpc] = reevent_.front();
    reevent_.erase(reevent_.begin());
    if (isup_call *c = call_on(cic)) {
      // Q.764 §2.9.1.4: the non-controlling exchange gives up its call and serves the IAM.
      isup_clear_callflags(ss7_, c, ISUP_SENT_IAM | ISUP_PENDING_IAM);
      isup_event_iam(ss7_, c, int(dpc));
    }
  }
  char b[256];
  while (ss7_event *e = ss7_check_event(ss7_)) {
    switch (e->e) {
    case SS7_EVENT_UP:
      up_ = true;
      log("event link-set up");
      break;
    case SS7_EVENT_DOWN:
      up_ = false;
      calls_.clear(); // libss7 frees every call when the link set goes down
      log("event link-set down");
      break;
    case MTP2_LINK_UP: log("event mtp2 up"); break;
    case MTP2_LINK_DOWN: log("event mtp2 down"); break;
    case ISUP_EVENT_IAM: {
      const std::string called = digits(e->iam.called_party_num);
      std::snprintf(b, sizeof b,
                    "rx IAM cic %d opc %u called %s nai %u calling %s nai %u cat %u tmr %d cot %d",
                    e->iam.cic, e->iam.opc, called.c_str(), e->iam.called_nai,
                    e->iam.calling_party_num, e->iam.calling_nai, e->iam.calling_party_cat,
                    e->iam.transcap, e->iam.cot_check_required);
      log(b);
      calls_[e->iam.cic] = e->iam.call;
      ++generation_[e->iam.cic];
      on_iam(e->iam.call, e->iam.cic, called);
      break;
    }
    case ISUP_EVENT_SAM:
      log("rx SAM cic " + std::to_string(e->sam.cic) + " digits " + e->sam.called_party_num);
      break;
    case ISUP_EVENT_ACM:
      std::snprintf(b, sizeof b, "rx ACM cic %d status %u", e->acm.cic,
                    e->acm.called_party_status_ind);
      log(b);
      break;
    case ISUP_EVENT_CPG:
      std::snprintf(b, sizeof b, "rx CPG cic %d event %u", e->cpg.cic, e->cpg.event);
      log(b);
      break;
    case ISUP_EVENT_ANM:
    case ISUP_EVENT_CON: {
      const int cic = e->e == ISUP_EVENT_ANM ? e->anm.cic : e->con.cic;
      log(std::string("rx ") + (e->e == ISUP_EVENT_ANM ? "ANM" : "CON") + " cic " +
          std::to_string(cic));
      auto h = hold_.find(cic);
      if (h != hold_.end() && h->second > 0)
        later(h->second, cic, [this, cic](isup_call *c) {
          log("tx REL cic " + std::to_string(cic) + " cause 16");
          isup_rel(ss7_, c, 16);
        });
      break;
    }
    case ISUP_EVENT_REL: {
      std::snprintf(b, sizeof b, "rx REL cic %d cause %d", e->rel.cic, e->rel.cause);
      log(b);
      log("tx RLC cic " + std::to_string(e->rel.cic));
      isup_rlc(ss7_, e->rel.call);
      keep_or_free(e->rel.cic, e->rel.call);
      break;
    }
    case ISUP_EVENT_RLC:
      log("rx RLC cic " + std::to_string(e->rlc.cic));
      keep_or_free(e->rlc.cic, e->rlc.call);
      break;
    case ISUP_EVENT_RSC:
      log("rx RSC cic " + std::to_string(e->rsc.cic));
      log("tx RLC cic " + std::to_string(e->rsc.cic));
      isup_rlc(ss7_, e->rsc.call);
      if (call_on(e->rsc.cic) && call_on(e->rsc.cic) != e->rsc.call)
        forget(call_on(e->rsc.cic));
      keep_or_free(e->rsc.cic, e->rsc.call);
      break;
    case ISUP_EVENT_GRS: {
      std::snprintf(b, sizeof b, "rx GRS cic %d range %d", e->grs.startcic,
                    e->grs.endcic - e->grs.startcic);
      log(b);
      // Q.764 §2.9.3.1: every circuit of the range is reset: calls on them are gone
      for (int cic = e->grs.startcic; cic <= e->grs.endcic; ++cic)
        if (isup_call *c = call_on(cic); c && c != e->grs.call) {
          forget(c);
          isup_free_call(ss7_, c);
        }
      unsigned char status[255] = {};
      log("tx GRA cic " + std::to_string(e->grs.startcic));
      isup_gra(ss7_, e->grs.call, e->grs.endcic, status);
      if (call_on(e->grs.startcic) == e->grs.call)
        forget(e->grs.call);
      keep_or_free(e->grs.startcic, e->grs.call);
      break;
    }
    case ISUP_EVENT_GRA:
      std::snprintf(b, sizeof b, "rx GRA cic %d range %d", e->gra.startcic,
                    e->gra.endcic - e->gra.startcic);
      log(b);
      keep_or_free(e->gra.startcic, e->gra.call);
      break;
    case ISUP_EVENT_CGB:
    case ISUP_EVENT_CGU: {
      const bool cgb = e->e == ISUP_EVENT_CGB;
      auto &g = cgb ? e->cgb : e->cgu;
      int n = 0;
      for (int i = 0; i <= g.endcic - g.startcic; ++i)
        n += g.status[i] ? 1 : 0;
      std::snprintf(b, sizeof b, "rx %s cic %d range %d type %d circuits %d", cgb ? "CGB" : "CGU",
                    g.startcic, g.endcic - g.startcic, g.type, n);
      log(b);
      log(std::string("tx ") + (cgb ? "CGBA" : "CGUA") + " cic " + std::to_string(g.startcic));
      if (cgb)
        isup_cgba(ss7_, g.call, g.endcic, g.status);
      else
        isup_cgua(ss7_, g.call, g.endcic, g.status);
      if (call_on(g.startcic) != g.call)
        keep_or_free(g.startcic, g.call);
      break;
    }
    case ISUP_EVENT_CGBA:
    case ISUP_EVENT_CGUA: {
      auto &g = e->e == ISUP_EVENT_CGBA ? e->cgba : e->cgua;
      std::snprintf(b, sizeof b, "rx %s cic %d range %d", e->e == ISUP_EVENT_CGBA ? "CGBA" : "CGUA",
                    g.startcic, g.endcic - g.startcic);
      log(b);
      if (call_on(g.startcic) != g.call)
        keep_or_free(g.startcic, g.call);
      break;
    }
    case ISUP_EVENT_BLO:
      log("rx BLO cic " + std::to_string(e->blo.cic));
      log("tx BLA cic " + std::to_string(e->blo.cic));
      isup_bla(ss7_, e->blo.call);
      if (call_on(e->blo.cic) != e->blo.call)
        keep_or_free(e->blo.cic, e->blo.call);
      break;
    case ISUP_EVENT_UBL:
      log("rx UBL cic " + std::to_string(e->ubl.cic));
      log("tx UBA cic " + std::to_string(e->ubl.cic));
      isup_uba(ss7_, e->ubl.call);
      if (call_on(e->ubl.cic) != e->ubl.call)
        keep_or_free(e->ubl.cic, e->ubl.call);
      break;
    case ISUP_EVENT_BLA:
    case ISUP_EVENT_UBA: {
      auto &m = e->e == ISUP_EVENT_BLA ? e->bla : e->uba;
      log(std::string("rx ") + (e->e == ISUP_EVENT_BLA ? "BLA" : "UBA") + " cic " +
          std::to_string(m.cic));
      if (call_on(m.cic) != m.call)
        keep_or_free(m.cic, m.call);
      break;
    }
    case ISUP_EVENT_SUS:
    case ISUP_EVENT_RES: {
      auto &m = e->e == ISUP_EVENT_SUS ? e->sus : e->res;
      std::snprintf(b, sizeof b, "rx %s cic %d indicator %d", e->e == ISUP_EVENT_SUS ? "SUS" : "RES",
                    m.cic, m.network_isdn_indicator);
      log(b);
      break;
    }
    case ISUP_EVENT_CCR:
      log("rx CCR cic " + std::to_string(e->ccr.cic));
      break;
    case ISUP_EVENT_COT:
      log("rx COT cic " + std::to_string(e->cot.cic) + " passed " +
          std::to_string(e->cot.passed));
      break;
    case ISUP_EVENT_UCIC: log("rx UCIC cic " + std::to_string(e->ucic.cic)); break;
    case ISUP_EVENT_DIGITTIMEOUT:
      log("event T10 cic " + std::to_string(e->digittimeout.cic));
      break;
    default:
      log(std::string("event ") + ss7_event2str(e->e));
      break;
    }
  }
}

void Exchange::iam_from_mgcd(int cic) {
  if (glare_called_.empty())
    return;
  std::string line = "call " + std::to_string(cic) + " " + glare_called_ + " " + glare_calling_ +
                     " " + std::to_string(glare_hold_);
  glare_called_.clear();
  log("glare: our IAM crosses mgcd's on cic " + std::to_string(cic));
  command(line);
}

std::string Exchange::command(const std::string &line) {
  std::istringstream in(line);
  std::string verb;
  in >> verb;
  int a = 0, z = 0;
  auto range = [&]() -> bool {
    if (!(in >> a))
      return false;
    if (!(in >> z))
      z = a;
    return a >= cfg_.first_cic && z <= cfg_.last_cic && a <= z && z - a <= 31;
  };
  log("command " + line);
  if (!up_ && verb != "calls")
    return "error link set down";
  if (verb == "calls")
    return "ok " + std::to_string(calls_.size());
  if (verb == "glare") {
    in >> glare_called_ >> glare_calling_ >> glare_hold_;
    return glare_called_.empty() ? "error usage: glare CALLED CALLING [HOLD_MS]" : "ok";
  }
  if (verb == "call") {
    std::string called, calling;
    in >> a >> called >> calling;
    if (called.empty() || call_on(a))
      return "error usage: call CIC CALLED [CALLING [HOLD_MS]] (circuit free)";
    int64_t hold = 0;
    in >> hold;
    isup_call *c = new_call(a, true);
    isup_set_called(c, called.c_str(), SS7_NAI_NATIONAL, ss7_);
    if (!calling.empty())
      isup_set_calling(c, calling.c_str(), SS7_NAI_NATIONAL, SS7_PRESENTATION_ALLOWED,
                       SS7_SCREENING_USER_PROVIDED);
    calls_[a] = c;
    ++generation_[a];
    hold_[a] = hold;
    log("tx IAM cic " + std::to_string(a) + " called " + called);
    isup_iam(ss7_, c);
    events();
    return "ok";
  }
  if (verb == "release" || verb == "answer" || verb == "acm" || verb == "cpg" || verb == "sus" ||
      verb == "res") {
    int arg = verb == "release" ? 16 : 1;
    in >> a >> arg;
    isup_call *c = call_on(a);
    if (!c)
      return "error no call on cic";
    const std::string n = std::to_string(a);
    if (verb == "release") {
      log("tx REL cic " + n + " cause " + std::to_string(arg));
      isup_rel(ss7_, c, arg);
    } else if (verb == "answer") {
      log("tx ANM cic " + n);
      isup_anm(ss7_, c);
    } else if (verb == "acm") {
      log("tx ACM cic " + n);
      isup_acm(ss7_, c);
    } else if (verb == "cpg") {
      log("tx CPG cic " + n + " event " + std::to_string(arg));
      isup_cpg(ss7_, c, arg);
    } else if (verb == "sus") {
      log("tx SUS cic " + n);
      isup_sus(ss7_, c, uint8_t(arg));
    } else {
      log("tx RES cic " + n);
      isup_res(ss7_, c, uint8_t(arg));
    }
    events();
    return "ok";
  }
  if (verb == "grs" || verb == "cgb" || verb == "cgu") {
    if (!range())
      return "error usage: " + verb + " FIRST LAST";
    bool hardware = false, odd = false;
    for (std::string w; in >> w;) {
      hardware |= w == "hardware";
      odd |= w == "odd";
    }
    isup_call *c = new_call(a, false);
    const std::string n = std::to_string(a) + " range " + std::to_string(z - a);
    log("tx " + std::string(verb == "grs" ? "GRS" : verb == "cgb" ? "CGB" : "CGU") + " cic " + n);
    // Q.763 §3.43: one status bit per circuit of the range; `odd`: the odd CICs only (those of
    // the exchange with the lower point code, Q.764 §2.9.1.4)
    unsigned char state[255] = {};
    for (int i = 0; i <= z - a; ++i)
      state[i] = !odd || ((a + i) & 1) ? 1 : 0;
    const int t = hardware ? 1 : 0; // Q.763 §3.13: maintenance / hardware oriented
    if (verb == "grs")
      isup_grs(ss7_, c, z);
    else if (verb == "cgb")
      isup_cgb(ss7_, c, z, state, t);
    else
      isup_cgu(ss7_, c, z, state, t);
    events();
    return "ok";
  }
  if (verb == "blo" || verb == "ubl" || verb == "rsc") {
    if (!range())
      return "error usage: " + verb + " CIC";
    isup_call *c = call_on(a);
    if (!c)
      c = new_call(a, false);
    else if (verb == "rsc")
      forget(c); // Q.764 §2.9.3.1: the reset clears the call; libss7 keeps the record
    log("tx " + std::string(verb == "blo" ? "BLO" : verb == "ubl" ? "UBL" : "RSC") + " cic " +
        std::to_string(a));
    if (verb == "blo")
      isup_blo(ss7_, c);
    else if (verb == "ubl")
      isup_ubl(ss7_, c);
    else
      isup_rsc(ss7_, c);
    events();
    return "ok";
  }
  return "error unknown command";
}

} // namespace mgc::ss7peer
