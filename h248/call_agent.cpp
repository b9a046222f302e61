// H.248 call agent (see call_agent.h).
#include "h248/call_agent.h"

#include "core/log.h"
#include "h248/codec.h"
#include "h248/errors.h"

#include <utility>

namespace mgc::h248 {

using K = H248CaCounter;

std::string_view gateway_state_name(GatewayState s) {
  switch (s) {
  case GatewayState::Unknown: return "unknown";
  case GatewayState::InService: return "in-service";
  case GatewayState::OutOfService: return "out-of-service";
  case GatewayState::Draining: return "draining";
  }
  return "?";
}

LocalRemote sdp_from_text(std::string_view sdp) {
  LocalRemote lr;
  SdpGroup *g = nullptr;
  while (!sdp.empty()) {
    size_t eol = sdp.find_first_of("\r\n");
    std::string_view line = sdp.substr(0, eol);
    sdp.remove_prefix(eol == std::string_view::npos ? sdp.size() : eol + 1);
    if (line.size() < 2 || line[1] != '=')
      continue;
    if (line[0] == 'v' || !g)
      g = &lr.groups.emplace_back();
    g->push_back(SdpLine{line[0], std::string(line.substr(2))});
  }
  return lr;
}

std::string sdp_to_text(const LocalRemote &lr) {
  std::string s;
  for (const auto &g : lr.groups)
    for (const auto &l : g) {
      s.push_back(l.type);
      s.push_back('=');
      s.append(l.value);
      s.append("\r\n");
    }
  return s;
}

namespace {

ErrorDescriptor make_error(uint16_t code) { return ErrorDescriptor{code, std::string(error_text(code))}; }

// The first error anywhere in a transaction reply (transaction, action or command level).
const ErrorDescriptor *find_error(const Transaction &t) {
  if (t.error)
    return &*t.error;
  for (const auto &a : t.actions) {
    if (a.error)
      return &*a.error;
    for (const auto &c : a.commands)
      for (const auto &d : c.descriptors)
        if (const auto *e = std::get_if<ErrorDescriptor>(&d))
          return e;
  }
  return nullptr;
}

Status reply_status(const Status &st, const Transaction *reply) {
  if (!st.ok())
    return st;
  if (!reply)
    return Status("h248.bad_reply", error::kProtocolError);
  if (const auto *e = find_error(*reply)) {
    // Clause 7.1.19 / Annex L: an error descriptor in the reply, one line with its code.
    std::string where;
    for (const auto &a : reply->actions)
      for (const auto &c : a.commands)
        for (const auto &t : c.terminations)
          where += " " + t.text;
    MGC_LOG(H248, Notice, "transaction %u: error descriptor %u \"%s\" received%s%s", reply->id,
            unsigned(e->code), e->text.c_str(), where.empty() ? "" : " for", where.c_str());
    return Status("h248.rejected", e->code);
  }
  return Status::Ok();
}

// The Local SDP of a command reply's Media descriptor, if any.
const LocalRemote *local_of(const Command &c) {
  for (const auto &d : c.descriptors)
    if (const auto *m = std::get_if<MediaDescriptor>(&d))
      for (const auto &s : m->streams)
        if (s.parms.local)
          return &*s.parms.local;
  return nullptr;
}

Command media_command(CommandType type, std::string tid, StreamMode mode,
                      const std::string &local, const std::string &remote, bool stream) {
  Command c;
  c.type = type;
  c.terminations.push_back({std::move(tid)});
  MediaDescriptor m;
  Stream &s = m.streams.emplace_back();
  if (stream)
    s.id = 1;
  LocalControl lc;
  lc.mode = mode;
  if (!local.empty()) {
    lc.reserve_value = false;
    lc.reserve_group = false;
  }
  s.parms.local_control = lc;
  if (!local.empty())
    s.parms.local = sdp_from_text(local);
  if (!remote.empty())
    s.parms.remote = sdp_from_text(remote);
  c.descriptors.emplace_back(std::move(m));
  return c;
}

} // namespace

CallAgent::CallAgent(Scheduler &sched, Transport &transport, CallAgentListener &listener,
                     TransactionConfig config)
    : sched_(sched), transport_(transport), listener_(listener),
      tx_(sched, transport, *this, std::move(config)) {
  transport_.set_receiver(
      [this](const Address &from, std::span<const uint8_t> b) { tx_.receive(from, b); });
}

CallAgent::~CallAgent() {
  *alive_ = false;
  for (auto &g : gateways_) {
    sched_.stop(g->keepalive_timer);
    sched_.stop(g->graceful_timer);
  }
  transport_.set_receiver(nullptr);
}

Status CallAgent::add_gateway(GatewayConfig gw) {
  if (gateway_by_name(gw.name))
    return Status("h248.duplicate_gateway", 0);
  tx_.set_peer_codec(gw.address, gw.codec);
  auto g = std::make_unique<Gateway>();
  g->peer = gw.address;
  g->config = std::move(gw);
  if (g->config.keepalive_interval_ms > 0) {
    Gateway *x = g.get();
    g->keepalive_timer = sched_.start(g->config.keepalive_interval_ms, [this, x] { keepalive(*x); });
  }
  gateways_.push_back(std::move(g));
  return Status::Ok();
}

Status CallAgent::add_trunk(TrunkRule rule) {
  if (!gateway_by_name(rule.gateway))
    return Status("h248.unknown_gateway", 0);
  if (rule.channels == 0)
    return Status("h248.bad_trunk_rule", 0);
  trunks_.push_back(std::move(rule));
  return Status::Ok();
}

std::optional<std::string> CallAgent::termination_for(std::string_view tg, uint32_t cic) const {
  for (const auto &t : trunks_) {
    if (t.trunk_group != tg)
      continue;
    std::string out;
    std::string_view p = t.pattern;
    while (!p.empty()) {
      size_t open = p.find('{');
      out.append(p.substr(0, open));
      if (open == std::string_view::npos)
        break;
      size_t close = p.find('}', open);
      if (close == std::string_view::npos)
        return std::nullopt;
      std::string_view key = p.substr(open + 1, close - open - 1);
      if (key == "cic")
        out += std::to_string(cic);
      else if (key == "span")
        out += std::to_string(cic / t.channels);
      else if (key == "ts")
        out += std::to_string(cic % t.channels);
      else
        return std::nullopt;
      p.remove_prefix(close + 1);
    }
    return out;
  }
  return std::nullopt;
}

CallAgent::Gateway *CallAgent::gateway_by_name(std::string_view name) {
  for (auto &g : gateways_)
    if (g->config.name == name)
      return g.get();
  return nullptr;
}

CallAgent::Gateway *CallAgent::gateway_by_address(const Address &a) {
  for (auto &g : gateways_)
    if (g->config.address == a)
      return g.get();
  for (auto &g : gateways_)
    if (g->config.address.port == 0 && g->config.address.same_host(a))
      return g.get();
  return nullptr;
}

GatewayState CallAgent::gateway_state(std::string_view name) const {
  for (const auto &g : gateways_)
    if (g->config.name == name)
      return g->state;
  return GatewayState::Unknown;
}

unsigned CallAgent::keepalive_failures(std::string_view name) const {
  for (const auto &g : gateways_)
    if (g->config.name == name)
      return g->keepalive_misses;
  return 0;
}

void CallAgent::unreachable(Gateway &gw) {
  if (gw.state == GatewayState::OutOfService && gw.unreachable)
    return;
  counters_.inc(K::gateway_unreachable);
  sched_.stop(std::exchange(gw.graceful_timer, 0));
  gw.unreachable = true;
  set_state(gw, GatewayState::OutOfService);
  drop_calls(gw, error::kServiceUnavailable);
}

void CallAgent::set_keepalive(std::string_view name, int64_t interval_ms, unsigned failures) {
  Gateway *gw = gateway_by_name(name);
  if (!gw)
    return;
  gw->config.keepalive_interval_ms = interval_ms;
  gw->config.keepalive_failures = failures;
  gw->keepalive_misses = 0;
  sched_.stop(std::exchange(gw->keepalive_timer, 0));
  if (interval_ms > 0)
    gw->keepalive_timer = sched_.start(interval_ms, [this, gw] { keepalive(*gw); });
}

void CallAgent::keepalive(Gateway &gw) {
  Gateway *g = &gw;
  gw.keepalive_timer = sched_.start(gw.config.keepalive_interval_ms, [this, g] { keepalive(*g); });
  // Registered and serving, or out of service for its silence (then each one is a probe).
  const bool probing = gw.state == GatewayState::OutOfService && gw.unreachable;
  if (gw.state != GatewayState::InService && gw.state != GatewayState::Draining && !probing)
    return;
  if (gw.keepalive_in_flight) {
    if (probing)
      return;
    counters_.inc(K::keepalive_failures);
    MGC_LOG(H248, Info, "gateway %s (%s): keepalive unanswered (%u of %u)", gw.config.name.c_str(),
            gw.peer.to_string().c_str(), gw.keepalive_misses + 1, gw.config.keepalive_failures);
    if (++gw.keepalive_misses >= gw.config.keepalive_failures) {
      MGC_LOG(H248, Notice, "gateway %s (%s): %u keepalives unanswered: out of service",
              gw.config.name.c_str(), gw.peer.to_string().c_str(), gw.keepalive_misses);
      unreachable(gw);
    }
    return;
  }
  if (!probing && sched_.now_ms() - gw.last_heard_ms < gw.config.keepalive_interval_ms)
    return; // it spoke within the interval
  counters_.inc(K::keepalives);
  gw.keepalive_in_flight = true;
  Action a;
  a.context = kNullContext;
  Command c;
  c.type = CommandType::AuditValue;
  c.terminations.push_back({"ROOT"});
  c.descriptors.emplace_back(AuditDescriptor{});
  a.commands.push_back(std::move(c));
  std::vector<Action> actions;
  actions.push_back(std::move(a));
  std::string name = gw.config.name;
  auto alive = alive_;
  send(gw, std::move(actions), [this, alive, name](const Status &, const Transaction *reply) {
    if (!*alive)
      return;
    Gateway *x = gateway_by_name(name);
    if (!x)
      return;
    x->keepalive_in_flight = false;
    if (reply && x->state == GatewayState::OutOfService && x->unreachable) {
      MGC_LOG(H248, Notice, "gateway %s (%s) answers again: in service", name.c_str(),
              x->peer.to_string().c_str());
      counters_.inc(K::gateway_recoveries);
      x->unreachable = false;
      set_state(*x, GatewayState::InService);
    }
  });
}

const CallInfo *CallAgent::call(CallHandle h) const {
  auto it = calls_.find(h);
  return it == calls_.end() ? nullptr : &it->second;
}

void CallAgent::set_state(Gateway &gw, GatewayState s) {
  if (gw.state == s)
    return;
  MGC_LOG(H248, Info, "gateway %s (%s): %s -> %s", gw.config.name.c_str(),
          gw.peer.to_string().c_str(), std::string(gateway_state_name(gw.state)).c_str(),
          std::string(gateway_state_name(s)).c_str());
  gw.state = s;
  if (state_observer_)
    state_observer_(gw.config.name, s);
  listener_.on_gateway_state(gw.config.name, s);
}

void CallAgent::drop_calls(const Gateway &gw, uint16_t code) {
  for (auto it = calls_.begin(); it != calls_.end();) {
    if (it->second.gateway == gw.config.name) {
      CallHandle h = it->first;
      it = calls_.erase(it);
      counters_.inc(K::calls_lost);
      listener_.on_call_lost(h, code);
    } else {
      ++it;
    }
  }
}

CallHandle CallAgent::call_by_context(const Gateway &gw, ContextId c) const {
  for (const auto &[h, info] : calls_)
    if (info.gateway == gw.config.name && info.context == c)
      return h;
  return 0;
}

void CallAgent::send(Gateway &gw, std::vector<Action> actions, TransactionLayer::Done done) {
  std::string name = gw.config.name;
  auto alive = alive_;
  tx_.request(gw.peer, std::move(actions),
              [this, alive, name, done = std::move(done)](const Status &st, const Transaction *r) {
                Gateway *g = *alive ? gateway_by_name(name) : nullptr;
                if (g && r) { // an answer: it is alive, the keepalive can wait
                  g->last_heard_ms = sched_.now_ms();
                  g->keepalive_misses = 0;
                }
                // Annex D.1.5: silence past T-MAX means the peer failed. Its calls are gone
                // for call control; it comes back by registering again (clause 11.5) or by
                // answering a keepalive.
                if (g && st.detail() == "h248.timeout" && g->state != GatewayState::OutOfService)
                  unreachable(*g);
                done(st, r);
              });
}

void CallAgent::signals(CallHandle h, std::string termination, SignalsDescriptor sg,
                        std::optional<EventsDescriptor> ev,
                        std::function<void(const Result &)> done) {
  auto it = calls_.find(h);
  Gateway *gw = it == calls_.end() ? nullptr : gateway_by_name(it->second.gateway);
  if (!gw)
    return done(Result{Status("h248.unknown_call", error::kUnknownContext), {}, {}});
  Action a;
  a.context = it->second.context;
  Command c;
  c.type = CommandType::Modify;
  c.terminations.push_back({termination.empty() ? it->second.tdm_termination : termination});
  if (ev)
    c.descriptors.emplace_back(std::move(*ev));
  c.descriptors.emplace_back(std::move(sg));
  a.commands.push_back(std::move(c));
  auto alive = alive_;
  std::vector<Action> actions;
  actions.push_back(std::move(a));
  send(*gw, std::move(actions), [alive, done](const Status &st, const Transaction *reply) {
    if (!*alive)
      return;
    Result r;
    r.status = reply_status(st, reply);
    if (reply)
      r.reply = *reply;
    done(r);
  });
}

void CallAgent::connect(ConnectRequest req, std::function<void(const ConnectResult &)> done) {
  ConnectResult r;
  auto tid = termination_for(req.trunk_group, req.cic);
  const TrunkRule *rule = nullptr;
  for (const auto &t : trunks_)
    if (t.trunk_group == req.trunk_group)
      rule = &t;
  Gateway *gw = rule ? gateway_by_name(rule->gateway) : nullptr;
  if (!tid || !gw) {
    r.status = Status("h248.unknown_trunk", error::kUnknownTermination);
    counters_.inc(K::connect_failures);
    return done(r);
  }
  if (gw->state == GatewayState::OutOfService || gw->state == GatewayState::Draining) {
    r.status = Status("h248.gateway_out_of_service", error::kServiceUnavailable);
    counters_.inc(K::connect_failures);
    return done(r);
  }
  Action a;
  a.context = kChooseContext;
  a.commands.push_back(media_command(CommandType::Add, *tid, req.mode, {}, {}, false));
  a.commands.push_back(media_command(CommandType::Add, gw->config.rtp_pattern, req.mode,
                                     gw->config.local_sdp_offer, req.remote_sdp, true));
  std::string gw_name = gw->config.name;
  std::string tdm = *tid;
  auto alive = alive_;
  std::vector<Action> actions;
  actions.push_back(std::move(a));
  send(*gw, std::move(actions),
       [this, alive, gw_name, tdm, done](const Status &st, const Transaction *reply) {
         if (!*alive)
           return;
         ConnectResult r;
         r.status = reply_status(st, reply);
         if (r.status.ok() && (reply->actions.size() != 1 ||
                               reply->actions[0].commands.size() != 2 ||
                               reply->actions[0].commands[1].terminations.empty()))
           r.status = Status("h248.bad_reply", error::kProtocolError);
         if (!r.status.ok()) {
           counters_.inc(K::connect_failures);
           return done(r);
         }
         const Action &ar = reply->actions[0];
         r.context = ar.context;
         r.tdm_termination = tdm;
         r.rtp_termination = ar.commands[1].terminations[0].text;
         if (const auto *l = local_of(ar.commands[1]))
           r.local_sdp = sdp_to_text(*l);
         r.handle = next_handle_++;
         calls_[r.handle] = CallInfo{gw_name, r.context, r.tdm_termination, r.rtp_termination};
         counters_.inc(K::connects);
         done(r);
       });
}

void CallAgent::modify(CallHandle h, ModifyRequest req, std::function<void(const Result &)> done) {
  auto it = calls_.find(h);
  Gateway *gw = it == calls_.end() ? nullptr : gateway_by_name(it->second.gateway);
  if (!gw || it->second.rtp_termination.empty())
    return done(Result{Status("h248.unknown_call", error::kUnknownContext), {}, {}});
  Action a;
  a.context = it->second.context;
  Command c = media_command(CommandType::Modify, it->second.rtp_termination,
                            req.mode.value_or(StreamMode::SendRecv), {}, req.remote_sdp, true);
  if (!req.mode)
    std::get<MediaDescriptor>(c.descriptors[0]).streams[0].parms.local_control.reset();
  a.commands.push_back(std::move(c));
  auto alive = alive_;
  std::vector<Action> actions;
  actions.push_back(std::move(a));
  send(*gw, std::move(actions), [this, alive, done](const Status &st, const Transaction *reply) {
    if (!*alive)
      return;
    Result r;
    r.status = reply_status(st, reply);
    if (r.status.ok()) {
      counters_.inc(K::modifies);
      for (const auto &ar : reply->actions)
        for (const auto &c : ar.commands)
          if (const auto *l = local_of(c))
            r.local_sdp = sdp_to_text(*l);
      r.reply = *reply;
    }
    done(r);
  });
}

void CallAgent::loopback(std::string tg, uint32_t cic,
                         std::function<void(const ConnectResult &)> done) {
  auto tid = termination_for(tg, cic);
  const TrunkRule *rule = nullptr;
  for (const auto &t : trunks_)
    if (t.trunk_group == tg)
      rule = &t;
  Gateway *gw = rule ? gateway_by_name(rule->gateway) : nullptr;
  if (!tid || !gw)
    return done(ConnectResult{Status("h248.unknown_trunk", error::kUnknownTermination), 0, 0,
                              {}, {}, {}});
  Action a;
  a.context = kChooseContext;
  a.commands.push_back(media_command(CommandType::Add, *tid, StreamMode::LoopBack, {}, {}, false));
  std::string gw_name = gw->config.name, tdm = *tid;
  auto alive = alive_;
  std::vector<Action> actions;
  actions.push_back(std::move(a));
  send(*gw, std::move(actions),
       [this, alive, gw_name, tdm, done](const Status &st, const Transaction *reply) {
         if (!*alive)
           return;
         ConnectResult r;
         r.status = reply_status(st, reply);
         if (r.status.ok() && reply->actions.size() != 1)
           r.status = Status("h248.bad_reply", error::kProtocolError);
         if (!r.status.ok())
           return done(r);
         r.context = reply->actions[0].context;
         r.tdm_termination = tdm;
         r.handle = next_handle_++;
         calls_[r.handle] = CallInfo{gw_name, r.context, tdm, {}};
         counters_.inc(K::loopbacks);
         done(r);
       });
}

void CallAgent::release(CallHandle h, std::function<void(const Result &)> done) {
  auto it = calls_.find(h);
  Gateway *gw = it == calls_.end() ? nullptr : gateway_by_name(it->second.gateway);
  if (!gw)
    return done(Result{Status("h248.unknown_call", error::kUnknownContext), {}, {}});
  CallInfo info = it->second;
  calls_.erase(it); // whatever the MG answers, the call is gone for call control
  Action a;
  a.context = info.context;
  for (const auto *t : {&info.tdm_termination, &info.rtp_termination}) {
    if (t->empty())
      continue;
    Command c;
    c.type = CommandType::Subtract;
    c.terminations.push_back({*t});
    a.commands.push_back(std::move(c));
  }
  auto alive = alive_;
  std::vector<Action> actions;
  actions.push_back(std::move(a));
  send(*gw, std::move(actions), [this, alive, done](const Status &st, const Transaction *reply) {
    if (!*alive)
      return;
    Result r;
    r.status = reply_status(st, reply);
    if (reply)
      r.reply = *reply;
    counters_.inc(K::releases);
    done(r);
  });
}

void CallAgent::audit(std::string gateway, std::string termination, uint16_t items,
                      std::function<void(const Result &)> done) {
  Gateway *gw = gateway_by_name(gateway);
  if (!gw)
    return done(Result{Status("h248.unknown_gateway", error::kUnknownTermination), {}, {}});
  Action a;
  a.context = kNullContext;
  Command c;
  c.type = CommandType::AuditValue;
  c.terminations.push_back({std::move(termination)});
  c.descriptors.emplace_back(AuditDescriptor{items});
  a.commands.push_back(std::move(c));
  auto alive = alive_;
  std::vector<Action> actions;
  actions.push_back(std::move(a));
  send(*gw, std::move(actions), [this, alive, done](const Status &st, const Transaction *reply) {
    if (!*alive)
      return;
    Result r;
    r.status = reply_status(st, reply);
    if (reply)
      r.reply = *reply;
    counters_.inc(K::audits);
    done(r);
  });
}

void CallAgent::service_change(std::string gateway, std::string termination,
                               ServiceChangeDescriptor sc,
                               std::function<void(const Result &)> done) {
  Gateway *gw = gateway_by_name(gateway);
  if (!gw)
    return done(Result{Status("h248.unknown_gateway", error::kUnknownTermination), {}, {}});
  Action a;
  a.context = kNullContext;
  Command c;
  c.type = CommandType::ServiceChange;
  c.terminations.push_back({std::move(termination)});
  c.descriptors.emplace_back(std::move(sc));
  a.commands.push_back(std::move(c));
  counters_.inc(K::service_changes_sent);
  auto alive = alive_;
  std::vector<Action> actions;
  actions.push_back(std::move(a));
  send(*gw, std::move(actions), [alive, done](const Status &st, const Transaction *reply) {
    if (!*alive)
      return;
    Result r;
    r.status = reply_status(st, reply);
    if (reply)
      r.reply = *reply;
    done(r);
  });
}

void CallAgent::on_request(const Address &from, const Message &msg, const Transaction &req,
                           Transaction &reply) {
  Gateway *gw = gateway_by_address(from);
  if (!gw) {
    // Clause 11.2: only configured MGs may register; others are refused.
    counters_.inc(K::unknown_gateway);
    reply.error = make_error(error::kUnauthorized);
    return;
  }
  if (gw->config.mid && msg.mid != *gw->config.mid) {
    counters_.inc(K::mid_mismatch);
    MGC_LOG(H248, Notice, "media gateway %s: a message from %s with mId %s, not its configured %s: "
            "refused", gw->config.name.c_str(), from.to_string().c_str(), mid_text(msg.mid).c_str(),
            mid_text(*gw->config.mid).c_str());
    reply.error = make_error(error::kUnauthorized);
    return;
  }
  gw->peer = from; // answers and later commands go where it speaks from
  gw->last_heard_ms = sched_.now_ms();
  gw->keepalive_misses = 0;
  for (const auto &a : req.actions) {
    Action &ar = reply.actions.emplace_back();
    ar.context = a.context;
    for (const auto &c : a.commands) {
      if (c.type == CommandType::ServiceChange) {
        Command &r = ar.commands.emplace_back();
        r.type = c.type;
        r.terminations = c.terminations;
        on_service_change(*gw, c, r);
      } else if (c.type == CommandType::Notify) {
        counters_.inc(K::notifies_received);
        Command &r = ar.commands.emplace_back();
        r.type = c.type;
        r.terminations = c.terminations;
        CallHandle h = a.context == kNullContext ? 0 : call_by_context(*gw, a.context);
        if (a.context != kNullContext && !h) {
          // Clause 7.1.19 / H.248.8: a context we never created.
          counters_.inc(K::unknown_context);
          r.descriptors.emplace_back(make_error(error::kUnknownContext));
          continue;
        }
        if (h && !c.terminations.empty()) {
          const CallInfo &ci = calls_.at(h);
          const std::string &t = c.terminations[0].text;
          if (t != ci.tdm_termination && t != ci.rtp_termination) {
            counters_.inc(K::unknown_termination);
            r.descriptors.emplace_back(make_error(error::kTerminationNotInContext));
            continue;
          }
        }
        for (const auto &d : c.descriptors)
          if (const auto *oe = std::get_if<ObservedEventsDescriptor>(&d))
            listener_.on_notify(h, c.terminations.empty() ? "" : c.terminations[0].text, *oe);
      } else {
        // An MG does not send Add/Modify/Subtract/Move/Audit to its MGC (clause 7.2).
        counters_.inc(K::unknown_action);
        ar.commands.clear();
        ar.error = make_error(error::kUnknownAction);
        break;
      }
    }
  }
}

void CallAgent::on_service_change(Gateway &gw, const Command &c, Command &r) {
  counters_.inc(K::service_changes_received);
  const ServiceChangeDescriptor *sc = nullptr;
  for (const auto &d : c.descriptors)
    if (const auto *x = std::get_if<ServiceChangeDescriptor>(&d))
      sc = x;
  if (!sc || !sc->method) {
    r.descriptors.emplace_back(make_error(error::kSyntaxErrorInCommand));
    return;
  }
  bool root = !c.terminations.empty() && c.terminations[0].is_root();
  ServiceChangeMethod m = *sc->method;
  static constexpr std::string_view kMethods[] = {"Failover", "Forced",       "Graceful",
                                                  "Restart",  "Disconnected", "Handoff"};
  // Clause 7.2.8 / 11.2-11.5: registration, restart, shutdown of the MG or of a termination.
  MGC_LOG(H248, Notice, "gateway %s: ServiceChange %s on %s, reason %s", gw.config.name.c_str(),
          std::string(kMethods[std::size_t(m) < std::size(kMethods) ? std::size_t(m) : 0]).c_str(),
          c.terminations.empty() ? "-" : c.terminations[0].text.c_str(), sc->reason.c_str());
  if (root && gw.config.redirect_to && m != ServiceChangeMethod::Forced &&
      m != ServiceChangeMethod::Graceful) {
    ServiceChangeDescriptor res;
    res.mgc_id = gw.config.redirect_to;
    r.descriptors.emplace_back(std::move(res));
    set_state(gw, GatewayState::Unknown);
    return;
  }
  if (root) {
    // Any ServiceChange on ROOT ends a Graceful delay and a silence: the MG says where it is.
    sched_.stop(std::exchange(gw.graceful_timer, 0));
    gw.unreachable = false;
    switch (m) {
    case ServiceChangeMethod::Restart:
    case ServiceChangeMethod::Failover:
    case ServiceChangeMethod::Handoff:
      // Clause 11.2/11.4: a (re)started MG has no contexts left.
      if (gw.state != GatewayState::Unknown)
        counters_.inc(K::restarts);
      counters_.inc(K::registrations);
      drop_calls(gw, error::kServiceUnavailable);
      set_state(gw, GatewayState::InService);
      break;
    case ServiceChangeMethod::Disconnected:
      // Clause 11.5: the MG lost and regained contact; its contexts are still there.
      counters_.inc(K::registrations);
      set_state(gw, GatewayState::InService);
      break;
    case ServiceChangeMethod::Forced:
      drop_calls(gw, error::kServiceUnavailable);
      set_state(gw, GatewayState::OutOfService);
      break;
    case ServiceChangeMethod::Graceful: {
      // Clause 7.2.8: calls in progress drain, no new ones; the terminations are out of
      // service once ServiceChangeDelay (seconds) runs out. No delay: until the MG says more.
      set_state(gw, GatewayState::Draining);
      if (sc->delay && *sc->delay > 0) {
        std::string name = gw.config.name;
        gw.graceful_timer = sched_.start(int64_t(*sc->delay) * 1000, [this, name] {
          Gateway *g = gateway_by_name(name);
          if (!g)
            return;
          g->graceful_timer = 0;
          set_state(*g, GatewayState::OutOfService);
          drop_calls(*g, error::kServiceUnavailable);
        });
      }
      break;
    }
    }
    listener_.on_gateway_restart(gw.config.name, m, sc->reason);
    // Clause 7.2.8: the reply carries the version when the MG asked for one we cannot do.
    if (sc->version && *sc->version > 3) {
      ServiceChangeDescriptor res;
      res.version = 3;
      r.descriptors.emplace_back(std::move(res));
    }
    return;
  }
  if (m == ServiceChangeMethod::Forced) {
    // Terminations taken out of service at once: their calls are gone.
    for (auto it = calls_.begin(); it != calls_.end();) {
      bool hit = false;
      for (const auto &t : c.terminations)
        hit = hit || (it->second.gateway == gw.config.name &&
                      (t.text == it->second.tdm_termination || t.text == it->second.rtp_termination));
      if (hit) {
        CallHandle h = it->first;
        it = calls_.erase(it);
        counters_.inc(K::calls_lost);
        listener_.on_call_lost(h, error::kServiceUnavailable);
      } else {
        ++it;
      }
    }
  }
}

} // namespace mgc::h248
