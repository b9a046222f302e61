// The MGCP call agent; see call_agent.h. Restart procedures follow RFC 3435 §2.3.12 and §4.4.6;
// "disconnected" handling follows §4.4.7 seen from the call agent's side.
#include "mgcp/call_agent.h"

#include "core/log.h"

#include <charconv>
#include <cstdio>
#include <utility>

namespace mgc::mgcp {

namespace {

const Status kUnknownGateway("mgcp.unknown_gateway", rc::kUnknownEndpoint);
const Status kOutOfService("mgcp.gateway_out_of_service", rc::kEndpointNotReady);
const Status kUnknownConnection("mgcp.unknown_connection", rc::kIncorrectConnectionId);
const Status kBadResponse("mgcp.bad_response", rc::kProtocolError);
const Status kPending("mgcp.connection_pending", rc::kTransientError);
const Status kReleasedDuringSetup("mgcp.released_during_setup", 0);

Status rejected(int code) { return Status("mgcp.rejected", code); }

bool success(int code) { return return_class(effective_return_code(code)) == ReturnClass::Success; }

int reason_of(const Message &m) {
  auto e = m.get(Param::ReasonCode);
  if (!e || e->size() < 3)
    return 0;
  int v = 0;
  std::from_chars(e->data(), e->data() + 3, v);
  return v;
}

std::string domain_of(std::string_view endpoint) {
  std::string_view local, domain;
  return split_endpoint(endpoint, local, domain) ? std::string(domain) : std::string();
}

// "rtpbridge/*@mgw" covers the whole gateway only if its local name is a single wildcard.
bool whole_gateway(std::string_view pattern) {
  std::string_view local, domain;
  return split_endpoint(pattern, local, domain) && (local == "*" || local == "$");
}

} // namespace

std::string_view gateway_state_name(GatewayState s) {
  static constexpr std::string_view names[] = {"unknown",      "auditing",       "in-service",
                                               "disconnected", "out-of-service", "draining"};
  return names[static_cast<std::size_t>(s)];
}

struct CallAgent::Gateway {
  GatewayConfig config;
  GatewayState state = GatewayState::Unknown;
  unsigned audits_pending = 0;
  unsigned audit_generation = 0;
  Scheduler::Id probe_timer = 0;
  bool probe_in_flight = false;
  Scheduler::Id restart_timer = 0;
  // Endpoint patterns taken (or being taken) out of service by RSIP forced/graceful/restart
  // with a delay: no new connections on them (§2.3.12).
  std::vector<std::string> blocked;
  // Graceful RSIPs whose delay is running, by endpoint pattern.
  std::map<std::string, Scheduler::Id> graceful_timers;
  // keepalive: the last time it said anything, the one unanswered, intervals missed in a row
  Scheduler::Id keepalive_timer = 0;
  int64_t last_heard_ms = 0;
  bool keepalive_in_flight = false;
  unsigned keepalive_misses = 0;
};

CallAgent::CallAgent(Scheduler &sched, Transport &transport, CallAgentListener &listener,
                     CallAgentConfig config)
    : sched_(sched), listener_(listener), tx_(sched, transport, *this, config.transactions),
      alive_(std::make_shared<bool>(true)) {}

CallAgent::~CallAgent() {
  *alive_ = false;
  for (auto &gw : gateways_) {
    sched_.stop(gw->probe_timer);
    for (auto &[p, t] : gw->graceful_timers)
      sched_.stop(t);
    sched_.stop(gw->restart_timer);
    sched_.stop(gw->keepalive_timer);
  }
}

Status CallAgent::add_gateway(GatewayConfig cfg) {
  if (cfg.domain.empty() || gateway_by_domain(cfg.domain))
    return Status("mgcp.bad_gateway_config", 0);
  if (cfg.audit_endpoints.empty())
    cfg.audit_endpoints.push_back("*@" + cfg.domain);
  auto gw = std::make_unique<Gateway>();
  gw->config = std::move(cfg);
  gateways_.push_back(std::move(gw));
  return Status::Ok();
}

Status CallAgent::add_trunk(TrunkMapping m) {
  if (!gateway_by_domain(m.gateway))
    return kUnknownGateway;
  return endpoints_.add(std::move(m));
}

std::optional<std::string> CallAgent::endpoint_for(std::string_view tg, uint32_t cic) const {
  return endpoints_.endpoint(tg, cic);
}

CallAgent::Gateway *CallAgent::gateway_by_domain(std::string_view domain) {
  for (auto &g : gateways_)
    if (iequals(g->config.domain, domain))
      return g.get();
  return nullptr;
}
const CallAgent::Gateway *CallAgent::gateway_by_domain(std::string_view domain) const {
  for (auto &g : gateways_)
    if (iequals(g->config.domain, domain))
      return g.get();
  return nullptr;
}
CallAgent::Gateway *CallAgent::gateway_for_endpoint(std::string_view endpoint) {
  return gateway_by_domain(domain_of(endpoint));
}
CallAgent::Gateway *CallAgent::gateway_by_address(const Address &a) {
  for (auto &g : gateways_)
    if (g->config.address == a)
      return g.get();
  return nullptr;
}

GatewayState CallAgent::gateway_state(std::string_view domain) const {
  const Gateway *g = gateway_by_domain(domain);
  return g ? g->state : GatewayState::Unknown;
}

std::vector<GatewayInfo> CallAgent::gateways() const {
  std::vector<GatewayInfo> out;
  for (const auto &g : gateways_) {
    GatewayInfo i;
    i.domain = g->config.domain;
    i.address = g->config.address;
    i.state = g->state;
    i.blocked = g->blocked;
    i.rto_ms = tx_.rto_for(g->config.address);
    i.keepalive_failures = g->keepalive_misses;
    for (const auto &[h, c] : connections_)
      i.connections += iequals(c.gateway(), g->config.domain) ? 1 : 0;
    out.push_back(std::move(i));
  }
  return out;
}

ConnectionInfo::ConnectionInfo(const std::string &gateway, std::string_view endpoint,
                               std::string_view connection_id, std::string_view call_id,
                               ConnectionMode m, bool p)
    : mode(m), pending(p), gateway_(&gateway) {
  text_.reserve(endpoint.size() + connection_id.size() + call_id.size());
  text_.append(endpoint).append(connection_id).append(call_id);
  end_[0] = static_cast<uint32_t>(endpoint.size());
  end_[1] = static_cast<uint32_t>(endpoint.size() + connection_id.size());
}

void ConnectionInfo::set_created(std::string_view endpoint, std::string_view connection_id) {
  std::string text;
  const std::string_view call = call_id();
  text.reserve(endpoint.size() + connection_id.size() + call.size());
  text.append(endpoint).append(connection_id).append(call);
  end_[0] = static_cast<uint32_t>(endpoint.size());
  end_[1] = static_cast<uint32_t>(endpoint.size() + connection_id.size());
  text_ = std::move(text);
}

const ConnectionInfo *CallAgent::connection(ConnectionHandle h) const {
  auto it = connections_.find(h);
  return it == connections_.end() ? nullptr : &it->second;
}

void CallAgent::set_state(Gateway &gw, GatewayState s) {
  if (gw.state == s)
    return;
  MGC_LOG(Mgcp, Info, "gateway %s (%s): %s -> %s", gw.config.domain.c_str(),
          gw.config.address.to_string().c_str(), std::string(gateway_state_name(gw.state)).c_str(),
          std::string(gateway_state_name(s)).c_str());
  gw.state = s;
  if (state_observer_)
    state_observer_(gw.config.domain, s);
  listener_.on_gateway_state(gw.config.domain, s);
}

void CallAgent::send(Gateway &gw, Message cmd, Handler done) {
  tx_.send(gw.config.address, std::move(cmd), std::move(done));
}

std::string CallAgent::next_call_id() {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%llX", static_cast<unsigned long long>(++call_seq_));
  return buf;
}

void CallAgent::start() {
  for (auto &gw : gateways_) {
    run_audit(*gw);
    if (gw->config.keepalive_interval_ms > 0 && !gw->keepalive_timer) {
      Gateway *g = gw.get();
      gw->keepalive_timer =
          sched_.start(gw->config.keepalive_interval_ms, [this, g] { keepalive(*g); });
    }
  }
}

void CallAgent::receive(const Address &from, std::string_view datagram) {
  // Anything from a gateway shows it alive: the keepalive is for a silent one only.
  for (auto &g : gateways_)
    if (g->config.address == from) {
      g->last_heard_ms = sched_.now_ms();
      g->keepalive_misses = 0;
    }
  tx_.receive(from, datagram);
}

void CallAgent::set_keepalive(std::string_view domain, int64_t interval_ms, unsigned failures) {
  Gateway *gw = gateway_by_domain(domain);
  if (!gw)
    return;
  gw->config.keepalive_interval_ms = interval_ms;
  gw->config.keepalive_failures = failures;
  gw->keepalive_misses = 0;
  sched_.stop(std::exchange(gw->keepalive_timer, 0));
  if (interval_ms > 0) {
    gw->config.probe_interval_ms = interval_ms;
    gw->keepalive_timer = sched_.start(interval_ms, [this, gw] { keepalive(*gw); });
  }
}

void CallAgent::keepalive(Gateway &gw) {
  Gateway *g = &gw;
  gw.keepalive_timer = sched_.start(gw.config.keepalive_interval_ms, [this, g] { keepalive(*g); });
  if (gw.state != GatewayState::InService && gw.state != GatewayState::Draining)
    return; // being audited, probed, or out of service by its own word
  if (gw.keepalive_in_flight) {
    counters_.inc(CaCounter::keepalive_failures);
    MGC_LOG(Mgcp, Info, "gateway %s (%s): keepalive unanswered (%u of %u)",
            gw.config.domain.c_str(), gw.config.address.to_string().c_str(),
            gw.keepalive_misses + 1, gw.config.keepalive_failures);
    if (++gw.keepalive_misses >= gw.config.keepalive_failures) {
      MGC_LOG(Mgcp, Notice, "gateway %s (%s): %u keepalives unanswered: disconnected",
              gw.config.domain.c_str(), gw.config.address.to_string().c_str(),
              gw.keepalive_misses);
      disconnected(gw);
    }
    return;
  }
  if (sched_.now_ms() - gw.last_heard_ms < gw.config.keepalive_interval_ms)
    return; // it spoke within the interval
  counters_.inc(CaCounter::keepalives);
  gw.keepalive_in_flight = true;
  send(gw, Message::command(Verb::Auep, 0, gw.config.audit_endpoints.front()),
       [this, g](const Status &st, const Message *) {
         g->keepalive_in_flight = false;
         // An answer after the gateway was given up brings it back as a probe's does.
         if (st.ok() && g->state == GatewayState::Disconnected && !g->probe_in_flight) {
           sched_.stop(std::exchange(g->probe_timer, 0));
           counters_.inc(CaCounter::gateway_recoveries);
           run_audit(*g);
         }
       });
}

// ---- audits, probes, disconnection -----------------------------------------------------------

void CallAgent::run_audit(Gateway &gw) {
  set_state(gw, GatewayState::Auditing);
  unsigned generation = ++gw.audit_generation;
  gw.audits_pending = static_cast<unsigned>(gw.config.audit_endpoints.size());
  Gateway *g = &gw;
  for (const auto &ep : gw.config.audit_endpoints) {
    counters_.inc(CaCounter::audits);
    send(gw, Message::command(Verb::Auep, 0, ep),
         [this, g, ep, generation](const Status &st, const Message *r) {
           if (generation != g->audit_generation)
             return; // a newer audit superseded this one
           if (!st.ok())
             return; // give-up: on_peer_unreachable marks the gateway Disconnected
           if (!success(r->code))
             listener_.on_endpoint_lost(ep, r->code);
           if (--g->audits_pending == 0 && g->state == GatewayState::Auditing)
             set_state(*g, GatewayState::InService);
         });
  }
}

void CallAgent::on_peer_unreachable(const Address &peer) {
  if (Gateway *gw = gateway_by_address(peer))
    disconnected(*gw);
}

void CallAgent::disconnected(Gateway &gateway) {
  Gateway *gw = &gateway;
  if (gw->state != GatewayState::Disconnected) {
    counters_.inc(CaCounter::gateway_disconnects);
    ++gw->audit_generation; // an audit in progress is void now
    set_state(*gw, GatewayState::Disconnected);
  }
  if (!gw->probe_timer && !gw->probe_in_flight) {
    Gateway *g = gw;
    gw->probe_timer = sched_.start(gw->config.probe_interval_ms, [this, g] {
      g->probe_timer = 0;
      probe(*g);
    });
  }
}

void CallAgent::probe(Gateway &gw) {
  if (gw.state != GatewayState::Disconnected)
    return;
  gw.probe_in_flight = true;
  Gateway *g = &gw;
  send(gw, Message::command(Verb::Auep, 0, gw.config.audit_endpoints.front()),
       [this, g](const Status &st, const Message *) {
         g->probe_in_flight = false;
         if (!st.ok()) {
           // Still silent: on_peer_unreachable already ran for this give-up; probe again.
           if (!g->probe_timer)
             g->probe_timer = sched_.start(g->config.probe_interval_ms, [this, g] {
               g->probe_timer = 0;
               probe(*g);
             });
           return;
         }
         // Any answer proves the gateway is back; its state is unknown, so audit it.
         counters_.inc(CaCounter::gateway_recoveries);
         run_audit(*g);
       });
}

void CallAgent::drop_connections(const Gateway &gw, std::string_view pattern, int reason) {
  std::vector<ConnectionHandle> lost;
  for (const auto &[h, c] : connections_)
    if (!c.pending && iequals(c.gateway(), gw.config.domain) &&
        endpoint_matches(pattern, c.endpoint()))
      lost.push_back(h);
  std::weak_ptr<bool> alive = alive_;
  for (auto h : lost) {
    if (alive.expired() || !*alive.lock())
      return;
    if (connections_.erase(h)) {
      counters_.inc(CaCounter::connections_lost);
      listener_.on_connection_lost(h, reason);
    }
  }
}

// ---- commands from gateways ------------------------------------------------------------------

void CallAgent::on_command(const IncomingCommand &cmd) {
  const Message &m = cmd.command();
  Gateway *gw = gateway_for_endpoint(m.endpoint);
  if (!gw) {
    counters_.inc(CaCounter::unknown_gateway);
    cmd.respond(rc::kUnknownEndpoint);
    return;
  }
  switch (m.verb) {
  case Verb::Rsip:
    return on_rsip(cmd, *gw);
  case Verb::Dlcx:
    return on_gateway_dlcx(cmd, *gw);
  case Verb::Ntfy:
    counters_.inc(CaCounter::ntfy_received);
    cmd.respond(rc::kOk);
    listener_.on_notify(m.endpoint, m.get(Param::RequestIdentifier).value_or(""),
                        m.get(Param::ObservedEvents).value_or(""));
    return;
  default:
    // A call agent executes only what gateways send it (§2.3.1: NTFY, DLCX, RSIP).
    counters_.inc(CaCounter::unsupported_verbs_answered);
    cmd.respond(rc::kUnknownCommand);
    return;
  }
}

void CallAgent::on_rsip(const IncomingCommand &cmd, Gateway &gw) {
  const Message &m = cmd.command();
  counters_.inc(CaCounter::rsip_received);
  auto method = restart_method_from_code(m.get(Param::RestartMethod).value_or(""));
  if (!method) {
    cmd.respond(rc::kUnknownRestartMethod);
    return;
  }
  uint32_t delay_s = 0;
  if (auto rd = m.get(Param::RestartDelay))
    std::from_chars(rd->data(), rd->data() + rd->size(), delay_s);
  int reason = reason_of(m);
  std::string pattern = m.endpoint;
  cmd.respond(rc::kOk);
  // §4.4.6: a gateway's restart, forced or graceful shutdown or lost contact.
  MGC_LOG(Mgcp, Notice, "gateway %s: RSIP %.*s restart method %.*s, delay %u s, reason %d",
          gw.config.domain.c_str(), int(pattern.size()), pattern.data(),
          int(m.get(Param::RestartMethod).value_or("").size()),
          m.get(Param::RestartMethod).value_or("").data(), delay_s, reason);

  Gateway *g = &gw;
  std::weak_ptr<bool> alive = alive_;
  listener_.on_gateway_restart(gw.config.domain, pattern, *method, delay_s);
  if (alive.expired() || !*alive.lock())
    return;
  bool whole = whole_gateway(pattern);
  switch (*method) {
  case RestartMethod::Restart:
    // §2.3.12: the endpoints are in their clean default state, no connections; in service
    // after the restart delay (null: already), when we audit them (§4.4.6).
    drop_connections(gw, pattern, reason);
    // A part restarting with a delay stays out of service until the delay is over.
    unblock(gw, pattern, delay_s > 0 && !whole);
    if (whole)
      sched_.stop(std::exchange(gw.restart_timer, 0));
    if (delay_s == 0) {
      run_audit(gw);
    } else {
      block(gw, pattern);
      if (whole)
        set_state(gw, GatewayState::OutOfService);
      else
        part_state(gw, pattern, GatewayState::OutOfService);
      Scheduler::Id t = sched_.start(int64_t(delay_s) * 1000, [this, g, pattern] {
        if (whole_gateway(pattern))
          g->restart_timer = 0;
        unblock(*g, pattern);
        run_audit(*g);
      });
      if (whole)
        gw.restart_timer = t;
    }
    break;
  case RestartMethod::Forced:
    // Abruptly out of service; the connections are lost.
    drop_connections(gw, pattern, reason);
    listener_.on_endpoint_lost(pattern, reason);
    block(gw, pattern);
    if (whole)
      set_state(gw, GatewayState::OutOfService);
    else
      part_state(gw, pattern, GatewayState::OutOfService);
    break;
  case RestartMethod::Graceful: {
    // Connections stay, no new ones (the caller should wind them down); out of service when
    // the delay runs out. A null delay: wait for the calls to end naturally, nothing drops.
    block(gw, pattern);
    if (whole)
      set_state(gw, GatewayState::Draining);
    else
      part_state(gw, pattern, GatewayState::Draining);
    auto old = gw.graceful_timers.find(pattern);
    if (old != gw.graceful_timers.end()) {
      sched_.stop(old->second);
      gw.graceful_timers.erase(old);
    }
    if (delay_s > 0)
      gw.graceful_timers[pattern] =
          sched_.start(int64_t(delay_s) * 1000, [this, g, pattern, reason] {
            g->graceful_timers.erase(pattern);
            drop_connections(*g, pattern, reason);
            listener_.on_endpoint_lost(pattern, reason);
            if (whole_gateway(pattern))
              set_state(*g, GatewayState::OutOfService);
            else
              part_state(*g, pattern, GatewayState::OutOfService);
          });
    break;
  }
  case RestartMethod::CancelGraceful:
    for (auto it = gw.graceful_timers.begin(); it != gw.graceful_timers.end();) {
      if (endpoint_matches(pattern, it->first)) {
        sched_.stop(it->second);
        it = gw.graceful_timers.erase(it);
      } else {
        ++it;
      }
    }
    unblock(gw, pattern);
    if (gw.state == GatewayState::Draining && gw.blocked.empty())
      set_state(gw, GatewayState::InService);
    break;
  case RestartMethod::Disconnected:
    // §4.4.7: the gateway lost contact with us but kept its state; re-audit, keep calls.
    run_audit(gw);
    break;
  }
}

void CallAgent::block(Gateway &gw, const std::string &pattern) {
  for (const auto &b : gw.blocked)
    if (iequals(b, pattern))
      return;
  gw.blocked.push_back(pattern);
}

// Lifts the blocks the pattern covers ("*@gw" lifts "ds/e1-1/*@gw" too); each part of the
// gateway lifted is back in service.
void CallAgent::unblock(Gateway &gw, std::string_view pattern, bool still_out) {
  std::vector<std::string> lifted;
  std::erase_if(gw.blocked, [&](const std::string &b) {
    const bool covered = iequals(b, pattern) || endpoint_matches(pattern, b);
    if (covered && !whole_gateway(b) && !(still_out && iequals(b, pattern)))
      lifted.push_back(b);
    return covered;
  });
  for (const auto &b : lifted)
    part_state(gw, b, GatewayState::InService);
}

// Part of a gateway's endpoints changed service (RFC 3435 §2.3.12 with a wildcard, §2.1.2):
// logged, counted, and told with the circuits they serve so that only those are blocked.
void CallAgent::part_state(Gateway &gw, const std::string &pattern, GatewayState s) {
  const auto circuits = endpoints_.circuits(pattern);
  std::size_t n = 0;
  for (const auto &[tg, cics] : circuits)
    n += cics.size();
  counters_.inc(s == GatewayState::InService  ? CaCounter::endpoints_back_in_service
                : s == GatewayState::Draining ? CaCounter::endpoints_draining
                                              : CaCounter::endpoints_out_of_service);
  MGC_LOG(Mgcp, Notice, "gateway %s: endpoints %s %s (%zu circuits)", gw.config.domain.c_str(),
          pattern.c_str(), std::string(gateway_state_name(s)).c_str(), n);
  if (part_observer_)
    part_observer_(gw.config.domain, pattern, s, circuits);
}

bool CallAgent::blocked(const Gateway &gw, std::string_view endpoint) const {
  for (const auto &b : gw.blocked)
    if (endpoint_matches(b, endpoint))
      return true;
  return false;
}

void CallAgent::on_gateway_dlcx(const IncomingCommand &cmd, Gateway &gw) {
  // §2.3.8: the gateway deleted a connection on its own; it names endpoint, call and
  // connection, with a reason code and the connection's statistics.
  const Message &m = cmd.command();
  counters_.inc(CaCounter::gateway_dlcx_received);
  auto ci = m.get(Param::ConnectionId);
  std::vector<ConnectionHandle> lost;
  for (const auto &[h, c] : connections_) {
    if (c.pending || !iequals(c.gateway(), gw.config.domain) ||
        !endpoint_matches(m.endpoint, c.endpoint()))
      continue;
    if (ci && !iequals(*ci, c.connection_id()))
      continue;
    lost.push_back(h);
  }
  if (lost.empty()) {
    counters_.inc(CaCounter::unknown_connection);
    cmd.respond(rc::kIncorrectConnectionId);
    return;
  }
  cmd.respond(rc::kOk);
  int reason = reason_of(m);
  for (auto h : lost) {
    if (connections_.erase(h)) {
      counters_.inc(CaCounter::connections_lost);
      listener_.on_connection_lost(h, reason);
    }
  }
}

// ---- the API ---------------------------------------------------------------------------------

ConnectionHandle CallAgent::connect(ConnectRequest req,
                                    std::function<void(const ConnectResult &)> done) {
  counters_.inc(CaCounter::connects);
  Gateway *gw = gateway_for_endpoint(req.endpoint);
  if (!gw || gw->state == GatewayState::OutOfService || blocked(*gw, req.endpoint)) {
    counters_.inc(gw ? CaCounter::refused_out_of_service : CaCounter::connect_failures);
    ConnectResult r;
    r.status = gw ? kOutOfService : kUnknownGateway;
    r.code = r.status.code();
    done(r);
    return 0;
  }
  if (req.call_id.empty())
    req.call_id = next_call_id();
  Message cmd = Message::command(Verb::Crcx, 0, req.endpoint);
  cmd.set(Param::CallId, req.call_id);
  cmd.set(Param::LocalConnectionOptions, req.local_connection_options.empty()
                                             ? gw->config.local_connection_options
                                             : req.local_connection_options);
  cmd.set(Param::ConnectionMode, std::string(mode_code(req.mode)));
  if (!gw->config.notified_entity.empty())
    cmd.set(Param::NotifiedEntity, gw->config.notified_entity);
  if (!req.remote_sdp.empty())
    cmd.sdp.push_back(req.remote_sdp);
  ConnectionHandle h = next_handle_++;
  connections_.emplace(h, ConnectionInfo(gw->config.domain, req.endpoint, {}, req.call_id,
                                         req.mode, true));
  send(*gw, std::move(cmd),
       [this, h, req = std::move(req), done = std::move(done)](const Status &st,
                                                               const Message *resp) {
         ConnectResult r;
         r.handle = h;
         if (!st.ok()) {
           r.status = st;
           r.code = st.code();
         } else if (!success(resp->code)) {
           r.status = rejected(resp->code);
           r.code = resp->code;
         } else if (!resp->get(Param::ConnectionId)) {
           // §3.3.1: ConnectionId is mandatory in a positive CRCX response.
           r.status = kBadResponse;
           r.code = resp->code;
         } else {
           r.code = resp->code;
           r.connection_id = std::string(*resp->get(Param::ConnectionId));
           r.endpoint = std::string(resp->get(Param::SpecificEndpointId).value_or(req.endpoint));
           if (!resp->sdp.empty())
             r.local_sdp = resp->sdp.front();
         }
         auto it = connections_.find(h);
         auto cancel = release_on_connect_.find(h);
         if (!r.status.ok()) {
           counters_.inc(CaCounter::connect_failures);
           if (it != connections_.end())
             connections_.erase(it);
           if (cancel != release_on_connect_.end()) {
             // Released during set-up and nothing was created: done.
             auto cb = std::move(cancel->second);
             release_on_connect_.erase(cancel);
             cb(ReleaseResult{Status::Ok(), r.code, {}});
             return;
           }
           r.handle = 0;
           done(r);
           return;
         }
         if (it == connections_.end()) {
           // release_endpoint() swept it while the CRCX was in flight: delete what was made.
           Gateway *g = gateway_by_domain(domain_of(r.endpoint));
           if (g) {
             Message dlcx = Message::command(Verb::Dlcx, 0, r.endpoint);
             dlcx.set(Param::CallId, req.call_id);
             dlcx.set(Param::ConnectionId, r.connection_id);
             send(*g, std::move(dlcx), [](const Status &, const Message *) {});
           }
           if (cancel != release_on_connect_.end()) {
             auto cb = std::move(cancel->second);
             release_on_connect_.erase(cancel);
             cb(ReleaseResult{Status::Ok(), r.code, {}});
             return;
           }
           r.status = kReleasedDuringSetup;
           r.handle = 0;
           done(r);
           return;
         }
         it->second.set_created(r.endpoint, r.connection_id);
         it->second.pending = false;
         if (cancel != release_on_connect_.end()) {
           auto cb = std::move(cancel->second);
           release_on_connect_.erase(cancel);
           release(h, std::move(cb));
           return;
         }
         done(r);
       });
  return h;
}

ConnectionHandle CallAgent::loopback(std::string endpoint, ConnectionMode mode, std::string call_id,
                                     std::function<void(const ConnectResult &)> done) {
  ConnectRequest req;
  req.endpoint = std::move(endpoint);
  req.mode = mode;
  req.call_id = std::move(call_id);
  return connect(std::move(req), std::move(done));
}

void CallAgent::modify(ConnectionHandle h, ModifyRequest req,
                       std::function<void(const ModifyResult &)> done) {
  counters_.inc(CaCounter::modifies);
  auto it = connections_.find(h);
  Gateway *gw = it == connections_.end() ? nullptr : gateway_by_domain(it->second.gateway());
  if (!gw) {
    done(ModifyResult{kUnknownConnection, kUnknownConnection.code(), {}});
    return;
  }
  if (it->second.pending) {
    done(ModifyResult{kPending, kPending.code(), {}});
    return;
  }
  const ConnectionInfo &c = it->second;
  Message cmd = Message::command(Verb::Mdcx, 0, std::string(c.endpoint()));
  cmd.set(Param::CallId, std::string(c.call_id()));
  cmd.set(Param::ConnectionId, std::string(c.connection_id()));
  if (req.mode)
    cmd.set(Param::ConnectionMode, std::string(mode_code(*req.mode)));
  if (!req.remote_sdp.empty())
    cmd.sdp.push_back(req.remote_sdp);
  std::optional<ConnectionMode> mode = req.mode;
  send(*gw, std::move(cmd),
       [this, h, mode, done = std::move(done)](const Status &st, const Message *resp) {
         ModifyResult r;
         if (!st.ok()) {
           r.status = st;
           r.code = st.code();
         } else if (!success(resp->code)) {
           r.status = rejected(resp->code);
           r.code = resp->code;
         } else {
           r.code = resp->code;
           if (!resp->sdp.empty())
             r.local_sdp = resp->sdp.front();
           auto c = connections_.find(h);
           if (c != connections_.end() && mode)
             c->second.mode = *mode;
         }
         done(r);
       });
}

void CallAgent::release(ConnectionHandle h, std::function<void(const ReleaseResult &)> done) {
  counters_.inc(CaCounter::releases);
  auto it = connections_.find(h);
  Gateway *gw = it == connections_.end() ? nullptr : gateway_by_domain(it->second.gateway());
  if (!gw) {
    done(ReleaseResult{kUnknownConnection, kUnknownConnection.code(), {}});
    return;
  }
  if (it->second.pending) {
    // The DLCX needs the connection id the CRCX's answer brings: follow it (see connect()).
    release_on_connect_[h] = std::move(done);
    return;
  }
  Message cmd = Message::command(Verb::Dlcx, 0, std::string(it->second.endpoint()));
  cmd.set(Param::CallId, std::string(it->second.call_id()));
  cmd.set(Param::ConnectionId, std::string(it->second.connection_id()));
  // The connection is ours no more whatever the answer: a timeout leaves its fate unknown
  // (§3.5.6), and the endpoint's next audit or restart settles it.
  connections_.erase(it);
  send(*gw, std::move(cmd), [done = std::move(done)](const Status &st, const Message *resp) {
    ReleaseResult r;
    if (!st.ok()) {
      r.status = st;
      r.code = st.code();
    } else {
      r.code = resp->code;
      // 250 "connection deleted" (§2.4); 515 means it was gone already, which is fine too.
      if (!success(resp->code) && resp->code != rc::kIncorrectConnectionId)
        r.status = rejected(resp->code);
      r.connection_parameters = std::string(resp->get(Param::ConnectionParameters).value_or(""));
    }
    done(r);
  });
}

void CallAgent::release_endpoint(std::string endpoint,
                                 std::function<void(const ReleaseResult &)> done) {
  counters_.inc(CaCounter::releases);
  Gateway *gw = gateway_for_endpoint(endpoint);
  if (!gw) {
    done(ReleaseResult{kUnknownGateway, kUnknownGateway.code(), {}});
    return;
  }
  std::erase_if(connections_, [&](const auto &e) {
    return iequals(e.second.gateway(), gw->config.domain) &&
           endpoint_matches(endpoint, e.second.endpoint());
  });
  send(*gw, Message::command(Verb::Dlcx, 0, endpoint),
       [done = std::move(done)](const Status &st, const Message *resp) {
         ReleaseResult r;
         r.status = st;
         r.code = st.ok() ? resp->code : st.code();
         if (st.ok() && !success(resp->code))
           r.status = rejected(resp->code);
         done(r);
       });
}

namespace {
std::function<void(const Status &, const Message *)>
audit_handler(std::function<void(const AuditResult &)> done) {
  return [done = std::move(done)](const Status &st, const Message *resp) {
    AuditResult r;
    r.status = st;
    if (st.ok()) {
      r.code = resp->code;
      r.response = *resp;
      if (!success(resp->code))
        r.status = rejected(resp->code);
    } else {
      r.code = st.code();
    }
    done(r);
  };
}
} // namespace

void CallAgent::audit_endpoint(std::string endpoint, std::string requested_info,
                               std::function<void(const AuditResult &)> done) {
  counters_.inc(CaCounter::audits);
  Gateway *gw = gateway_for_endpoint(endpoint);
  if (!gw) {
    done(AuditResult{kUnknownGateway, kUnknownGateway.code(), {}});
    return;
  }
  Message cmd = Message::command(Verb::Auep, 0, std::move(endpoint));
  if (!requested_info.empty())
    cmd.set(Param::RequestedInfo, std::move(requested_info));
  send(*gw, std::move(cmd), audit_handler(std::move(done)));
}

void CallAgent::audit_connection(ConnectionHandle h, std::string requested_info,
                                 std::function<void(const AuditResult &)> done) {
  counters_.inc(CaCounter::audits);
  auto it = connections_.find(h);
  Gateway *gw = it == connections_.end() ? nullptr : gateway_by_domain(it->second.gateway());
  if (!gw) {
    done(AuditResult{kUnknownConnection, kUnknownConnection.code(), {}});
    return;
  }
  if (it->second.pending) {
    done(AuditResult{kPending, kPending.code(), {}});
    return;
  }
  Message cmd = Message::command(Verb::Aucx, 0, std::string(it->second.endpoint()));
  cmd.set(Param::ConnectionId, std::string(it->second.connection_id()));
  // RequestedInfo is mandatory in AUCX (§3.2.2 table).
  cmd.set(Param::RequestedInfo, requested_info.empty() ? "C,N,L,M,LC" : std::move(requested_info));
  send(*gw, std::move(cmd), audit_handler(std::move(done)));
}

void CallAgent::notification_request(std::string endpoint, std::string request_id,
                                     std::string requested_events, std::string signal_requests,
                                     std::function<void(const AuditResult &)> done) {
  Gateway *gw = gateway_for_endpoint(endpoint);
  if (!gw) {
    done(AuditResult{kUnknownGateway, kUnknownGateway.code(), {}});
    return;
  }
  Message cmd = Message::command(Verb::Rqnt, 0, std::move(endpoint));
  if (!gw->config.notified_entity.empty())
    cmd.set(Param::NotifiedEntity, gw->config.notified_entity);
  cmd.set(Param::RequestIdentifier, std::move(request_id));
  if (!requested_events.empty())
    cmd.set(Param::RequestedEvents, std::move(requested_events));
  if (!signal_requests.empty())
    cmd.set(Param::SignalRequests, std::move(signal_requests));
  send(*gw, std::move(cmd), audit_handler(std::move(done)));
}

void CallAgent::endpoint_configuration(std::string endpoint, std::string bearer_information,
                                       std::function<void(const AuditResult &)> done) {
  Gateway *gw = gateway_for_endpoint(endpoint);
  if (!gw) {
    done(AuditResult{kUnknownGateway, kUnknownGateway.code(), {}});
    return;
  }
  Message cmd = Message::command(Verb::Epcf, 0, std::move(endpoint));
  cmd.set(Param::BearerInformation, std::move(bearer_information));
  send(*gw, std::move(cmd), audit_handler(std::move(done)));
}

} // namespace mgc::mgcp
