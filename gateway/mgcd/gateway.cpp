#include "gateway/mgcd/gateway.h"

#include "callcontrol/media/h248_media_gateway.h"
#include "callcontrol/media/mgcp_media_gateway.h"
#include "callcontrol/media_gateway_state.h"
#include "callcontrol/sip_peer_busy_out.h"
#include "core/log.h"
#include "gateway/mgcd/metrics.h"
#include "gateway/mgcd/sip.h"
#include "gateway/mgcd/sip_peer_health.h"
#include "gateway/mgcd/ss7.h"
#include "gateway/mgcd/tracked_media.h"
#include "h248/codec.h"
#include "h248/transport.h"
#include "mgcp/transport.h"
#include "sigtran/transport.h"
#include "sipt/transport.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <sys/resource.h>
#include <unistd.h>
#include <ctime>
#include <map>
#include <optional>
#include <set>

namespace mgc::gw {

namespace {
// An IPv6 address in brackets before a ":port" (RFC 3986 3.2.2), as core::Address prints it.
std::string bracketed(const std::string &host) {
  return host.find(':') == std::string::npos ? host : "[" + host + "]";
}

// How a media gateway's state reads for its alarm: reachable, unreachable, or neither while it
// is being audited / has not registered yet (no change of alarm).
std::optional<bool> reachable(mgcp::GatewayState s) {
  using S = mgcp::GatewayState;
  if (s == S::InService || s == S::Draining)
    return true;
  if (s == S::Disconnected || s == S::OutOfService)
    return false;
  return std::nullopt;
}
std::optional<bool> reachable(h248::GatewayState s) {
  if (s == h248::GatewayState::InService || s == h248::GatewayState::Draining)
    return true;
  if (s == h248::GatewayState::OutOfService)
    return false;
  return std::nullopt;
}
// What a gateway's protocol state means for the service of its circuits (issue 13); none while
// it is audited or has not registered yet (no change).
std::optional<cc::MgService> service_of(mgcp::GatewayState s) {
  using S = mgcp::GatewayState;
  if (s == S::InService)
    return cc::MgService::InService;
  if (s == S::Draining)
    return cc::MgService::Draining;
  if (s == S::Disconnected || s == S::OutOfService)
    return cc::MgService::OutOfService;
  return std::nullopt;
}
std::optional<cc::MgService> service_of(h248::GatewayState s) {
  using S = h248::GatewayState;
  if (s == S::InService)
    return cc::MgService::InService;
  if (s == S::Draining)
    return cc::MgService::Draining;
  if (s == S::OutOfService)
    return cc::MgService::OutOfService;
  return std::nullopt;
}
} // namespace

struct Gateway::Parts {
  Config cfg; // as the gateway was built (the VTY may change its own copy afterwards)
  // SS7
  std::unique_ptr<Ss7> ss7;
  std::unique_ptr<sigtran::Node> node;
  std::unique_ptr<sigtran::Transports> m3ua;
  // SIP
  std::unique_ptr<sipt::Transport> sip_transport;
  std::unique_ptr<Sip> sip;
  bool sip_closed = false; // the gateway shut down and drained: listeners closed
  std::unique_ptr<SipPeerHealth> sip_health; // OPTIONS keepalive of the peers (after `sip`)
  std::unique_ptr<cc::SipPeerBusyOut> busy_out; // trunk groups blocked while their peer is down
  // media: one socket per local address and protocol (and H.248 transport), shared by the
  // gateways spoken to from it (RFC 3435 3.5: one call-agent address; H.248.1 Annex D: one MGC
  // port), each gateway's call agent finding what its gateway sends by source address.
  std::map<core::Address, std::unique_ptr<mgcp::SharedUdpTransport>> mgcp_sockets;
  std::map<core::Address, std::unique_ptr<h248::UdpTransport>> h248_udp;
  std::map<core::Address, std::unique_ptr<h248::TcpTransport>> h248_tcp;
  // Declared after the sockets, so destroyed before them (it unhooks itself from its socket).
  std::map<std::pair<H248Transport, core::Address>, std::unique_ptr<h248::SharedTransport>>
      h248_shared;
  // Declared before `media`, so destroyed after it: a callback the call agents run while going
  // away still finds its TrackedMedia.
  std::map<std::string, std::unique_ptr<TrackedMedia>> tracked; // by media-gateway name
  std::map<std::string, std::unique_ptr<cc::MediaGateway>> media; // by media-gateway name
  // The service of each gateway's circuits (blocked while it is out of service), by name.
  std::map<std::string, std::unique_ptr<cc::MediaGatewayState>> service;
  std::map<std::string, std::time_t> last_restart; // RSIP / ServiceChange on ROOT, by name
  // Where each gateway is hooked onto its shared socket, so that one taken out of the
  // configuration can be unhooked (and the socket closed with the last gateway on it).
  struct Link {
    MediaGatewayProtocol protocol = MediaGatewayProtocol::Mgcp;
    H248Transport transport = H248Transport::Udp;
    core::Address local, gateway;
    h248::Transport *port = nullptr;
  };
  std::map<std::string, Link> links;
  std::set<std::string> closing; // taken out of the configuration, closed once idle
  cc::Scheduler::Id close_timer = 0;
  unsigned next_media_index = 0; // TrackedMedia's handle tags: never reused
  std::vector<cc::MgcpMediaGateway *> mgcp_gateways;
  std::map<std::string, cc::MgcpMediaGateway *> mgcp_by_name;
  std::map<std::string, cc::H248MediaGateway *> h248_by_name;
  std::map<std::string, std::string> mg_desc;    // "osmo-mgw (mgcp 192.0.2.2:2427)"
  std::map<std::string, uint64_t> h248_restarts; // the call agent's count at the last look
  std::set<std::string> pending; // live configuration: changes waiting for a restart, said once
  // overload sampling
  core::OverloadMonitor overload;
  cc::Scheduler::Id load_timer = 0;
  std::chrono::steady_clock::time_point last_sample{};
  double cpu_last = 0;      // process CPU seconds at the last sample
  // The last samples' lateness, ms: the measure is the least of them, so that only a loop late
  // at every sample of half a second counts (sustained load), not one late sample (a stall).
  std::array<double, 5> lags{};
  std::size_t lag_next = 0;
  // New calls refused, as counted at the last summary (logged once a second, not per call).
  uint64_t shed_logged = 0;
  unsigned samples = 0;
};

Gateway::Gateway(core::Alarms &alarms) : alarms_(alarms), p_(std::make_unique<Parts>()) {}
Gateway::~Gateway() {
  // Calls first: they hold legs, media handles and timers. The adapters outlive them and their
  // transports still report while they close (the M3UA association going down gives MTP-PAUSE,
  // Q.701): they must not reach the destroyed call control.
  if (p_->ss7)
    p_->ss7->detach();
  if (p_->sip) {
    p_->sip->stop_registrations(); // RFC 3261 §10.2.2: our bindings removed while we can send
    p_->sip->detach();
  }
  p_->sip_health.reset();
  for (auto &[name, mg] : p_->media)
    mg->set_listener(nullptr);
  if (p_->node)
    p_->node->set_mgmt(nullptr);
  sched_.stop(p_->close_timer);
  sched_.stop(p_->load_timer);
  calls_.reset();
  p_.reset();
}

void Gateway::check_m3ua() {
  const auto &m = p_->cfg.m3ua;
  const sigtran::Role role = m3ua_link_role(m.role);
  const bool local = role != sigtran::Role::Sgp;
  const sigtran::AspState asp = local ? p_->node->local_state(0) : p_->node->remote_state(0);
  const sigtran::AsState as =
      role == sigtran::Role::Asp ? p_->node->peer_as_state(0) : p_->node->as_state(0);
  std::string peer = name_of(sigtran::kTransportConfigNames, m.transport);
  for (const auto &a : m.remote_addresses)
    peer += " " + bracketed(a);
  peer += ":" + std::to_string(m.remote_port);
  // RFC 4666 §4.3.1: traffic flows only through an ASP-ACTIVE ASP of an AS-ACTIVE AS. The
  // alarm is the condition (not active), raised once: the states it passes through on its way
  // up are the m3ua log's.
  if (asp == sigtran::AspState::Active)
    alarms_.clear("m3ua.link0.asp-down");
  else if (!alarms_.is_active("m3ua.link0.asp-down"))
    alarms_.raise(log::Category::M3ua, "m3ua.link0.asp-down",
                  "M3UA " + std::string(name_of(kM3uaRoleNames, m.role)) + " link0 (" + peer + ") not ASP-ACTIVE (" +
                      std::string(sigtran::asp_state_name(asp)) + ")");
  if (as == sigtran::AsState::Active)
    alarms_.clear("m3ua.as0.inactive");
  else if (!alarms_.is_active("m3ua.as0.inactive"))
    alarms_.raise(log::Category::M3ua, "m3ua.as0.inactive",
                  "M3UA AS as0 (routing context " + std::to_string(m.routing_context.value_or(0)) +
                      ") not AS-ACTIVE (" + std::string(sigtran::as_state_name(as)) + ")");
}

void Gateway::media_state(const std::string &name, bool up, std::string_view state) {
  const std::string &desc = p_->mg_desc[name];
  const bool mgcp = p_->mgcp_by_name.count(name) != 0;
  const auto cat = mgcp ? log::Category::Mgcp : log::Category::H248;
  if (up) {
    if (mgcp)
      MGC_LOG(Mgcp, Notice, "media gateway %s in service (%.*s)", desc.c_str(), int(state.size()),
              state.data());
    else
      MGC_LOG(H248, Notice, "media gateway %s in service (%.*s)", desc.c_str(), int(state.size()),
              state.data());
    alarms_.clear("media-gateway." + name + ".unreachable");
    alarms_.clear("media-gateway." + name + ".restarted");
    return;
  }
  if (mgcp)
    MGC_LOG(Mgcp, Notice, "media gateway %s unreachable (%.*s): its circuits get no new calls",
            desc.c_str(), int(state.size()), state.data());
  else
    MGC_LOG(H248, Notice, "media gateway %s unreachable (%.*s): its circuits get no new calls",
            desc.c_str(), int(state.size()), state.data());
  alarms_.raise(cat, "media-gateway." + name + ".unreachable",
                "media gateway " + desc + " unreachable (" + std::string(state) + ")");
}

void Gateway::media_service(const std::string &name, std::optional<cc::MgService> s,
                            std::string_view why) {
  auto it = p_->service.find(name);
  if (!s || !calls_ || it == p_->service.end())
    return;
  const std::string w = std::string(p_->mgcp_by_name.count(name) ? "mgcp " : "h248 ") +
                        std::string(why);
  switch (*s) {
  case cc::MgService::InService: it->second->in_service(w); break;
  case cc::MgService::Draining: it->second->draining(w); break;
  case cc::MgService::OutOfService: it->second->out_of_service(w); break;
  }
}

void Gateway::media_restarted(const std::string &name) {
  p_->last_restart[name] = std::time(nullptr);
  const std::string &desc = p_->mg_desc[name];
  if (auto it = p_->mgcp_by_name.find(name); it != p_->mgcp_by_name.end()) {
    // RFC 3435 §4.4.6: an RSIP (restart, forced, graceful, disconnected): its calls lose their
    // media; cleared once the audit that follows finds it in service.
    alarms_.raise(log::Category::Mgcp, "media-gateway." + name + ".restarted",
                  "media gateway " + desc + " restarted (RSIP): calls through it lost their media");
    return;
  }
  auto it = p_->h248_by_name.find(name);
  if (it == p_->h248_by_name.end())
    return;
  // H.248.1 clause 11.2/11.4: a ServiceChange on ROOT is also how an MG first registers; only
  // one that the call agent counts as a restart (it knew the MG before) is an alarm. The MG is
  // registered again at once, so the alarm is raised and cleared, and stays in the history.
  auto &ca = it->second->call_agent();
  const uint64_t n = ca.counters().get(H248CaCounter::restarts);
  uint64_t &seen = p_->h248_restarts[name];
  if (n == seen)
    return;
  seen = n;
  alarms_.raise(log::Category::H248, "media-gateway." + name + ".restarted",
                "media gateway " + desc +
                    " restarted (ServiceChange): calls through it lost "
                    "their media");
  if (ca.gateway_state(name) == h248::GatewayState::InService)
    alarms_.clear("media-gateway." + name + ".restarted");
}

namespace {
constexpr uint32_t kLoadSampleMs = 100;
double cpu_seconds() {
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}
uint64_t rss_kib() {
  long pages = 0, resident = 0;
  if (FILE *f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2)
      resident = 0;
    std::fclose(f);
  }
  return uint64_t(resident) * uint64_t(::sysconf(_SC_PAGESIZE)) / 1024;
}
} // namespace

void Gateway::sample_load() {
  p_->load_timer = sched_.start(kLoadSampleMs, [this] { sample_load(); });
  check_drained();
  const auto now = std::chrono::steady_clock::now();
  const double cpu = cpu_seconds();
  core::LoadSample s;
  if (p_->last_sample.time_since_epoch().count()) {
    const double elapsed_ms =
        std::chrono::duration<double, std::milli>(now - p_->last_sample).count();
    // The timer was due kLoadSampleMs after the last sample: whatever more it took is how late
    // the loop runs what is due. Overload keeps it late at every sample; one late sample is a
    // stall (the process stopped, the host paused it), which must not make the calls queued
    // meanwhile be refused once it is over: the measure is the least lateness of the last five.
    const double lag = std::max(0.0, elapsed_ms - kLoadSampleMs);
    if (lag > 10.0 * kLoadSampleMs)
      MGC_LOG(Main, Notice, "event loop stalled for %.0f ms", lag);
    p_->lags[p_->lag_next++ % p_->lags.size()] = lag;
    s[core::LoadMeasure::LoopLag] =
        uint64_t(*std::min_element(p_->lags.begin(), p_->lags.end()));
    s[core::LoadMeasure::Cpu] = uint64_t(100.0 * (cpu - p_->cpu_last) * 1000.0 / elapsed_ms);
  }
  p_->last_sample = now;
  p_->cpu_last = cpu;
  s[core::LoadMeasure::CallsInSetup] = calls_ ? calls_->calls_in_setup() : 0;
  if (p_->overload.config()[core::LoadMeasure::Memory].used())
    s[core::LoadMeasure::Memory] = rss_kib();
  const unsigned before = p_->overload.level();
  const unsigned level = p_->overload.update(s);
  if (level != before) {
    const char *why = name_of(core::kLoadMeasureNames, p_->overload.cause());
    if (level > 0)
      alarms_.raise(log::Category::Main, "overload",
                    "machine congestion level " + std::to_string(level) + " (" + why + ")");
    else
      alarms_.clear("overload");
  }
  if (calls_) {
    calls_->set_congestion_level(level);
    // Once a second, how many new calls were refused meanwhile (each is logged at debug only:
    // under overload they come by the thousand).
    if (++p_->samples % 10 == 0) {
      const auto &k = calls_->counters();
      const uint64_t sip = k.get(CcCounter::shed_sip), late = k.get(CcCounter::shed_sip_late),
                     isup = k.get(CcCounter::shed_isup), total = sip + late + isup;
      if (total != p_->shed_logged)
        MGC_LOG(Main, Notice,
                "overload: %llu new calls refused in the last second (so far %llu INVITEs for "
                "the level, %llu for waiting unread, %llu IAMs; level %u, loop %llu ms late)",
                (unsigned long long)(total - p_->shed_logged), (unsigned long long)sip,
                (unsigned long long)late, (unsigned long long)isup, level,
                (unsigned long long)s[core::LoadMeasure::LoopLag]);
      p_->shed_logged = total;
    }
  }
}

std::string Gateway::show_overload() const {
  const auto &m = p_->overload;
  std::string o = "machine congestion level " + std::to_string(m.level());
  if (m.level())
    o += std::string(" (") + name_of(core::kLoadMeasureNames, m.cause()) + ")";
  o += "\r\n";
  for (std::size_t i = 0; i < core::kLoadMeasures; ++i) {
    const auto meas = static_cast<core::LoadMeasure>(i);
    const auto &t = m.config()[meas];
    o += std::string("  ") + name_of(core::kLoadMeasureNames, meas) + " " +
         std::to_string(m.last()[meas]);
    if (t.used())
      o += ", level " + std::to_string(m.level_of(meas)) + " (onset " +
           std::to_string(t.onset[0]) + "/" + std::to_string(t.onset[1]) + "/" +
           std::to_string(t.onset[2]) + ", abatement " + std::to_string(t.abate[0]) + "/" +
           std::to_string(t.abate[1]) + "/" + std::to_string(t.abate[2]) + ")";
    else
      o += ", not used";
    o += "\r\n";
  }
  o += "  entered level 1/2/3: " + std::to_string(m.entered(1)) + "/" +
       std::to_string(m.entered(2)) + "/" + std::to_string(m.entered(3)) + "\r\n";
  if (calls_) {
    const auto &sp = calls_->shed_policy();
    o += "  share of new calls refused at level 1/2/3: " + std::to_string(sp.refuse_percent[0]) +
         "/" + std::to_string(sp.refuse_percent[1]) + "/" + std::to_string(sp.refuse_percent[2]) +
         " %, Retry-After " + std::to_string(sp.retry_after_s[0]) + "/" +
         std::to_string(sp.retry_after_s[1]) + "/" + std::to_string(sp.retry_after_s[2]) + " s\r\n";
    const auto &k = calls_->counters();
    o += sp.max_queued_ms ? "  a new INVITE that waited unread over " +
                                std::to_string(sp.max_queued_ms) + " ms is refused at any level\r\n"
                          : std::string("  no limit on how long a new INVITE waited unread\r\n");
    o += sp.max_in_setup ? "  new calls are refused while " + std::to_string(sp.max_in_setup) +
                               " are in setup (now " + std::to_string(calls_->calls_in_setup()) +
                               "; " + std::to_string(k.get(CcCounter::shed_in_setup)) +
                               " refused so)\r\n"
                         : std::string("  no limit on calls in setup\r\n");
    o += "  new calls refused: " + std::to_string(k.get(CcCounter::shed_sip)) +
         " INVITEs (503) for the level or the setup limit, " +
         std::to_string(k.get(CcCounter::shed_sip_late)) +
         " for waiting unread, " + std::to_string(k.get(CcCounter::shed_isup)) +
         " IAMs (REL cause 42 with ACL)";
  }
  return o;
}

namespace {
// What sipt does for a peer of each profile (RFC 3372 SIP-T, Q.1912.5 SIP-I, plain RFC 3261).
sipt::Profile sip_profile(cc::SipProfile p) {
  switch (p) {
  case cc::SipProfile::SipT:
    return sipt::Profile::SipT;
  case cc::SipProfile::SipI:
    return sipt::Profile::SipI;
  case cc::SipProfile::Plain:
    return sipt::Profile::Sip;
  }
  return sipt::Profile::Sip;
}
} // namespace

namespace {
SipPeerEntry peer_entry(const SipPeerConfig &peer, isup::Variant variant,
                        const sipt::SessionTimerConfig &session_timer) {
  SipPeerEntry e;
  e.session_timer = peer.session_timer.value_or(session_timer); // RFC 4028, the sip node's else
  e.peer = {peer.name, peer.profile, peer.trusted, variant};
  e.profile.profile = sip_profile(peer.profile);
  e.profile.variant = variant;
  e.profile.trusted = peer.trusted;
  // Addresses as the transport reports sources: an IPv6 one in its canonical form, no brackets
  // (peers are found by source address).
  auto canonical = [](const std::string &host) {
    core::Address a;
    return core::Address::parse(host, 0, a) ? a.host() : host;
  };
  e.address.host = canonical(peer.address);
  e.address.port = peer.port;
  e.address.transport = peer.transport;
  for (const auto &a : peer.acl)
    e.acl.push_back(canonical(a));
  if (!peer.auth.empty())
    e.credentials = std::make_shared<const sipt::Credentials>(peer.auth);
  e.challenge_md5_only = peer.challenge_md5_only;
  e.redirect = peer.redirect;
  e.register_expires = peer.register_expires;
  return e;
}

// The MGCP domain of a gateway's endpoints (RFC 3435 §2.1.1): as configured, else its name.
std::string mgcp_domain(const MediaGatewayConfig &mg) {
  return mg.domain.empty() ? mg.name : mg.domain;
}

// The MGCP endpoints of CICs a..b of a trunk group on gateway `domain` (RFC 3435 §2.1.1).
mgcp::TrunkMapping trunk_mapping(const TrunkGroupConfig &tg, const std::string &domain,
                                 uint16_t a, uint16_t b) {
  mgcp::TrunkMapping m;
  m.trunk_group = tg.name;
  m.gateway = domain;
  m.cic_first = a;
  m.cic_last = b;
  m.rule.pattern = tg.endpoint_rule;
  m.rule.framing = tg.endpoint_framing;
  if (m.rule.framing == mgcp::Framing::Linear) {
    // No spans: {n} is the CIC itself, whatever range it is in, so that several trunk groups (or
    // gateways' controllers) can share one media gateway's numbered endpoints ("rtpbridge/{nx}":
    // CIC 31 is rtpbridge/1f).
    m.rule.cic_base = 0;
    m.rule.first_index = 0;
  }
  return m;
}
} // namespace

Status Gateway::add_media_gateway(const MediaGatewayConfig &mg,
                                  const std::deque<TrunkGroupConfig> &trunk_groups,
                                  bool with_trunks) {
  const Config &cfg = p_->cfg;
  const LayerTimerValues &lt = cfg.layer_timers;
  mgcp::CallAgentConfig mgcp_cfg;
  mgcp_cfg.transactions = mgcp_transaction_timers(lt);
  const h248::TransactionConfig h248_cfg = h248_transaction_timers(lt);
  // The local address a gateway is spoken to from: its own local-address, else the call-agent
  // node's for its protocol.
  auto local_of = [&cfg](const MediaGatewayConfig &m, core::Address &out) {
    const bool h248 = m.protocol == MediaGatewayProtocol::H248;
    if (!m.local_address.empty())
      return core::Address::parse(m.local_address, m.local_port, out);
    return h248 ? core::Address::parse(cfg.call_agent.h248_address, cfg.call_agent.h248_port, out)
                : core::Address::parse(cfg.call_agent.mgcp_address, cfg.call_agent.mgcp_port, out);
  };
  core::Address local;
  if (!local_of(mg, local))
    return Status("mgcd.bad_local_address", 0);
  if (mg.protocol == MediaGatewayProtocol::Mgcp) {
    mgcp::Address gw_addr;
    if (!mgcp::Address::parse(mg.address, mg.port, gw_addr))
      return Status("mgcd.bad_media_gateway_address", 0);
    auto &sock = p_->mgcp_sockets[local];
    if (!sock) {
      sock = std::make_unique<mgcp::SharedUdpTransport>();
      if (Status s = sock->bind(local); !s.ok()) {
        MGC_LOG(Mgcp, Error, "cannot bind the call agent's socket to %s",
                local.to_string().c_str());
        p_->mgcp_sockets.erase(local); // a live addition may be tried again
        return s;
      }
      MGC_LOG(Mgcp, Notice, "call agent on %s", sock->local_address().to_string().c_str());
    }
    // The socket exists before the call agent that reads it: the callback finds it here.
    auto adapter = std::make_shared<cc::MgcpMediaGateway *>(nullptr);
    sock->add_gateway(gw_addr, [adapter](const mgcp::Address &from, std::string_view d) {
      if (*adapter)
        (*adapter)->call_agent().receive(from, d);
    });
    auto mgw = std::make_unique<cc::MgcpMediaGateway>(sched_, *sock, mgcp_cfg);
    mgcp::GatewayConfig g;
    g.domain = mgcp_domain(mg);
    g.address = gw_addr;
    g.keepalive_interval_ms = mg.keepalive_interval_ms;
    g.keepalive_failures = mg.keepalive_failures;
    if (mg.keepalive_interval_ms > 0) // a silent gateway is probed as often as audited
      g.probe_interval_ms = mg.keepalive_interval_ms;
    // Audit (AUEP) the endpoints the trunk groups use: each rule up to its first placeholder,
    // wildcarded ("rtpbridge/*@mgw", "ds/e1-*@tgw"); a bare "*@domain" is not understood by
    // every gateway (osmo-mgw answers 500). Trunk groups whose rules share that prefix (two
    // groups on one gateway's rtpbridge endpoints) are audited once.
    for (const auto &tg : trunk_groups) {
      if (tg.media_gateway != mg.name)
        continue;
      std::string ep = tg.endpoint_rule.substr(0, tg.endpoint_rule.find('{')) + "*@" + g.domain;
      if (std::find(g.audit_endpoints.begin(), g.audit_endpoints.end(), ep) ==
          g.audit_endpoints.end())
        g.audit_endpoints.push_back(std::move(ep));
    }
    if (Status s = mgw->call_agent().add_gateway(g); !s.ok())
      return s;
    p_->mg_desc[mg.name] = mg.name + " (mgcp " + gw_addr.to_string() + ")";
    mgw->call_agent().set_state_observer(
        [this, name = mg.name](std::string_view, mgcp::GatewayState s) {
          if (auto up = reachable(s))
            media_state(name, *up, mgcp::gateway_state_name(s));
          media_service(name, service_of(s), mgcp::gateway_state_name(s));
        });
    // An RSIP for part of its endpoints (RFC 3435 §2.1.2, §2.3.12): only their circuits.
    mgw->call_agent().set_part_observer(
        [this, name = mg.name](std::string_view, std::string_view pattern, mgcp::GatewayState s,
                               const mgcp::CallAgent::Circuits &circuits) {
          auto it = p_->service.find(name);
          if (it == p_->service.end())
            return;
          const std::string part(pattern);
          const std::string why = "RSIP " + part;
          if (auto svc = service_of(s); svc == cc::MgService::InService)
            it->second->part_in_service(part, why);
          else if (svc == cc::MgService::Draining)
            it->second->part_draining(part, circuits, why);
          else if (svc == cc::MgService::OutOfService)
            it->second->part_out_of_service(part, circuits, why);
        });
    for (const auto &tg : trunk_groups) {
      if (!with_trunks || tg.media_gateway != mg.name)
        continue;
      for (auto [a, b] : tg.cic_ranges)
        if (Status s = mgw->call_agent().add_trunk(trunk_mapping(tg, g.domain, a, b)); !s.ok())
          return s;
    }
    *adapter = mgw.get();
    p_->links[mg.name] = {mg.protocol, mg.transport, local, gw_addr, nullptr};
    p_->mgcp_gateways.push_back(mgw.get());
    p_->mgcp_by_name[mg.name] = mgw.get();
    p_->media[mg.name] = std::move(mgw);
  } else {
    h248::Address gw_addr;
    if (!h248::Address::parse(mg.address, mg.port, gw_addr))
      return Status("mgcd.bad_media_gateway_address", 0);
    const bool tcp = mg.transport == H248Transport::Tcp;
    auto &shared = p_->h248_shared[{mg.transport, local}];
    if (!shared) {
      h248::Transport *inner = nullptr;
      Status st = Status::Ok();
      if (tcp) {
        auto &t = p_->h248_tcp[local];
        t = std::make_unique<h248::TcpTransport>();
        st = t->listen(local);
        inner = t.get();
      } else {
        auto &t = p_->h248_udp[local];
        t = std::make_unique<h248::UdpTransport>();
        st = t->open(local);
        inner = t.get();
      }
      if (!st.ok()) {
        MGC_LOG(H248, Error, "cannot bind the MGC's %s socket to %s", tcp ? "TCP" : "UDP",
                local.to_string().c_str());
        p_->h248_shared.erase({mg.transport, local}); // a live addition may be tried again
        if (tcp)
          p_->h248_tcp.erase(local);
        else
          p_->h248_udp.erase(local);
        return st;
      }
      MGC_LOG(H248, Notice, "MGC on %s %s", tcp ? "TCP" : "UDP", local.to_string().c_str());
      shared = std::make_unique<h248::SharedTransport>(*inner);
    }
    // Our message identifier (H.248.1 7.2.8 / 8.2.2): the configured one, else the address
    // this gateway's socket is bound to (with the port the kernel chose for port 0); a peer
    // refuses an empty one ("!/1 []") as a syntax error.
    h248::TransactionConfig own = h248_cfg;
    if (!cfg.call_agent.h248_mid.empty()) {
      if (!h248::parse_mid(cfg.call_agent.h248_mid, own.own_mid))
        return Status("mgcd.bad_h248_mid", 0);
    } else {
      core::Address bound = tcp ? p_->h248_tcp[local]->local() : p_->h248_udp[local]->local();
      own.own_mid = h248::Mid{bound.v6 ? h248::Mid::Kind::Ip6 : h248::Mid::Kind::Ip4, bound.host(),
                              bound.port};
    }
    // Over TCP the MG connects from a port of its own choosing and registers first
    // (ServiceChange): commands go back on its connection, so any port of its host is it.
    h248::Transport &port = shared->add_port(gw_addr, tcp);
    auto mgw = std::make_unique<cc::H248MediaGateway>(sched_, port, own);
    h248::GatewayConfig g;
    g.name = mg.name;
    g.address = gw_addr;
    if (tcp)
      g.address.port = 0;
    g.codec.binary = mg.encoding == H248Encoding::Binary;
    g.keepalive_interval_ms = mg.keepalive_interval_ms;
    g.keepalive_failures = mg.keepalive_failures;
    g.codec.version = mg.version;
    if (!mg.mid.empty()) {
      h248::Mid mid;
      if (!h248::parse_mid(mg.mid, mid))
        return Status("mgcd.bad_h248_mid", 0);
      g.mid = mid;
    }
    if (Status s = mgw->call_agent().add_gateway(g); !s.ok())
      return s;
    p_->mg_desc[mg.name] = mg.name + " (h248 " + std::string(tcp ? "tcp " : "") +
                           gw_addr.to_string() + ")";
    mgw->call_agent().set_state_observer(
        [this, name = mg.name](std::string_view, h248::GatewayState s) {
          if (auto up = reachable(s))
            media_state(name, *up, h248::gateway_state_name(s));
          media_service(name, service_of(s), h248::gateway_state_name(s));
        });
    for (const auto &tg : trunk_groups)
      if (with_trunks && tg.media_gateway == mg.name) {
        h248::TrunkRule r;
        r.trunk_group = tg.name;
        r.gateway = mg.name;
        r.pattern = tg.endpoint_rule;
        if (Status s = mgw->call_agent().add_trunk(r); !s.ok())
          return s;
      }
    p_->links[mg.name] = {mg.protocol, mg.transport, local, gw_addr, &port};
    p_->h248_by_name[mg.name] = mgw.get();
    p_->media[mg.name] = std::move(mgw);
  }
  if (calls_ && !p_->service.count(mg.name))
    p_->service[mg.name] = std::make_unique<cc::MediaGatewayState>(mg.name, *calls_, &alarms_);
  return Status::Ok();
}

Status Gateway::start(const Config &cfg) {
  p_->cfg = cfg;
  const LayerTimerValues &lt = cfg.layer_timers;
  // ---- media gateways
  for (const auto &mg : cfg.media_gateways)
    if (Status s = add_media_gateway(mg, cfg.trunk_groups, true); !s.ok())
      return s;

  // ---- SS7: ISUP over M3UA (this exchange is an ASP toward the SG / peer)
  const uint32_t own = cfg.ss7.point_code.value_or(0);
  p_->ss7 = std::make_unique<Ss7>(own, cfg.ss7.network_indicator, cfg.ss7.variant);
  sigtran::NodeConfig nc;
  nc.local_pc = own;
  nc.timers = m3ua_timers(lt);
  sigtran::AsConfig as;
  as.name = "as0";
  as.routing_context = cfg.m3ua.routing_context.value_or(0);
  as.send_rc = cfg.m3ua.routing_context.has_value();
  as.mode = cfg.m3ua.traffic_mode;
  nc.ases.push_back(as);
  sigtran::LinkConfig link;
  link.name = "link0";
  link.role = m3ua_link_role(cfg.m3ua.role);
  link.ases = {0};
  nc.links.push_back(link);
  for (const auto &r : cfg.m3ua.routes)
    nc.routes.push_back({r.dpc, 0xffffff, 0, r.priority});
  p_->node = std::make_unique<sigtran::Node>(nc, sched_, *p_->ss7);
  // The node logs its management indications itself; here they only move the alarms.
  p_->node->set_mgmt([this](const sigtran::MgmtEvent &) { check_m3ua(); });
  p_->m3ua = std::make_unique<sigtran::Transports>(*p_->node);
  sigtran::EndpointConfig ep;
  ep.proto = cfg.m3ua.transport;
  ep.server = cfg.m3ua.role == M3uaRole::Sgp;
  if (!cfg.m3ua.local_addresses.empty())
    ep.local_addrs = cfg.m3ua.local_addresses;
  ep.local_port = cfg.m3ua.local_port;
  if (!cfg.m3ua.remote_addresses.empty())
    ep.remote_addrs = cfg.m3ua.remote_addresses;
  ep.remote_port = cfg.m3ua.remote_port;
  ep.links = {0};
  if (ep.proto == sigtran::TransportProto::SctpUdp || ep.proto == sigtran::TransportProto::SctpRaw) {
    sigtran::SctpStackConfig sc;
    sc.raw = ep.proto == sigtran::TransportProto::SctpRaw;
    sc.udp_port = sc.raw ? 0 : cfg.m3ua.udp_local_port;
    ep.udp_remote_port = cfg.m3ua.udp_remote_port;
    if (Status s = p_->m3ua->init_sctp(sc); !s.ok())
      return s;
  }

  // ---- SIP
  sipt::TransportConfig tc;
  tc.udp = tc.tcp = tc.tls = false; // only the listeners configured
  for (const auto &l : cfg.sip.listen)
    tc.listen.push_back({l.transport, l.address, l.port});
  // Our address where no listener answers for a destination: the first listener's.
  if (!cfg.sip.listen.empty()) {
    tc.bind_ip = cfg.sip.listen.front().address;
    tc.udp_port = cfg.sip.listen.front().port;
  }
  tc.tls_cert = cfg.sip.tls_certificate;
  tc.tls_key = cfg.sip.tls_key;
  tc.tls_ca = cfg.sip.tls_ca;
  tc.tls_verify_peer = cfg.sip.tls_verify_client;
  tc.udp_receive_buffer = cfg.sip.udp_receive_buffer;
  tc.udp_send_buffer = cfg.sip.udp_send_buffer;
  tc.max_connections = cfg.sip.tcp.total;
  tc.max_connections_per_peer = cfg.sip.tcp.per_source;
  tc.idle_timeout_ms = cfg.sip.tcp.idle_ms;
  tc.message_timeout_ms = cfg.sip.tcp.message_ms;
  p_->sip_transport = std::make_unique<sipt::Transport>(
      tc, sched_, [this](const sipt::Message &m, const sipt::Peer &from) {
        if (p_->sip)
          p_->sip->receive(m, from, p_->sip_transport->queued_ms());
      });
  sipt::UaConfig ua;
  ua.contact_host = tc.bind_ip;
  ua.contact_port = tc.udp_port;
  // Via and Contact name the listener each message leaves from (RFC 3261 §18.1.1, §8.1.1.8).
  ua.local_for = [this](const sipt::Peer &to) { return p_->sip_transport->local_for(to); };
  ua.timers = sip_timer_values(lt);
  p_->sip = std::make_unique<Sip>(
      sched_,
      [this](std::string_view b, const sipt::Peer &to) { return p_->sip_transport->send(b, to); },
      ua, bracketed(tc.bind_ip));
  for (const auto &peer : cfg.sip.peers)
    p_->sip->add_peer(peer_entry(peer, cfg.ss7.variant, cfg.sip.session_timer));
  p_->sip->set_session_timer(cfg.sip.session_timer);

  // ---- call control
  cdr_ = std::make_unique<CdrService>(sched_, alarms_);
  if (Status s = cdr_->start(cfg.cdr); !s.ok())
    return s;
  cc::CallManagerConfig ccfg;
  ccfg.own_point_code = own;
  ccfg.interworking.variant = cfg.ss7.variant; // the IAM built from an INVITE (T1.113 or Q.763)
  ccfg.timers = cfg.timers;
  calls_ = std::make_unique<cc::CallManager>(ccfg, sched_, *p_->ss7, *p_->sip, cdr_->sink());
  cdr_->attach(calls_.get());
  calls_->set_alarms(&alarms_);
  calls_->set_shed_policy(cfg.overload.shed);
  p_->overload.configure(cfg.overload.levels);
  calls_->destinations().set_reduction(cfg.congestion_reduction);
  for (const auto &mg : cfg.media_gateways)
    p_->service[mg.name] = std::make_unique<cc::MediaGatewayState>(mg.name, *calls_, &alarms_);
  for (const auto &tg : cfg.trunk_groups) {
    cc::CircuitGroup &g = add_trunk_group(tg);
    for (auto [a, b] : tg.cic_ranges)
      g.add_range(a, b);
    // Circuits are reset (GRS) when the destination first becomes available (MTP-RESUME).
    calls_->destination_unavailable(tg.dpc.value_or(0));
  }
  for (const auto &peer : cfg.sip.peers)
    calls_->add_sip_peer({peer.name, peer.profile, peer.trusted, cfg.ss7.variant});
  calls_->set_routes({cfg.routes.begin(), cfg.routes.end()});
  p_->busy_out = std::make_unique<cc::SipPeerBusyOut>(*calls_, &alarms_);
  apply_traffic(cfg, nullptr);
  p_->ss7->attach(*p_->node, *calls_);
  p_->sip->attach(*calls_);

  // ---- go
  if (Status s = p_->sip_transport->start(); !s.ok())
    return s;
  p_->sip->start_registrations();
  p_->sip_health = std::make_unique<SipPeerHealth>(
      sched_, p_->sip->ua(), alarms_, [this](const std::string &peer, bool up) {
        if (calls_)
          calls_->sip_peer_states().set_down(peer, !up);
        if (p_->busy_out)
          p_->busy_out->peer_changed(peer); // issue 14 item 5: CGB / CGU
      });
  p_->sip_health->configure(cfg.sip.peers);
  for (auto *m : p_->mgcp_gateways)
    m->call_agent().start();
  if (Status s = p_->m3ua->add(ep); !s.ok())
    return s;
  check_m3ua(); // down until the association and the ASP come up
  sample_load();
  metrics_ = std::make_unique<MetricsEndpoint>(sched_, *this);
  if (std::vector<std::string> lines; !metrics_->apply(cfg.metrics, lines))
    return Status("mgcd.metrics_bind_failed", 0);
  return Status::Ok();
}

const Config &Gateway::running() const { return p_->cfg; }

cc::CircuitGroup &Gateway::add_trunk_group(const TrunkGroupConfig &tg) {
  auto &tracked = p_->tracked[tg.media_gateway];
  if (!tracked)
    tracked = std::make_unique<TrackedMedia>(
        *p_->media.at(tg.media_gateway), p_->next_media_index++,
        [this, name = tg.media_gateway] { media_restarted(name); });
  auto &g = calls_->add_trunk_group(tg.name, tg.dpc.value_or(0), tg.hunting, *tracked);
  if (auto s = p_->service.find(tg.media_gateway); s != p_->service.end())
    s->second->serve(tg.name);
  g.set_glare(tg.glare);
  calls_->set_overlap(tg.name, tg.overlap_min_digits);
  return g;
}

namespace {
// CICs as ranges: the CICs of `a` not in `b`, as first..last runs.
std::vector<std::pair<uint16_t, uint16_t>> cics_minus(
    const std::vector<std::pair<uint16_t, uint16_t>> &a,
    const std::vector<std::pair<uint16_t, uint16_t>> &b) {
  auto in = [](const std::vector<std::pair<uint16_t, uint16_t>> &rs, uint32_t k) {
    for (auto [x, y] : rs)
      if (k >= x && k <= y)
        return true;
    return false;
  };
  std::vector<std::pair<uint16_t, uint16_t>> out;
  for (auto [x, y] : a)
    for (uint32_t k = x; k <= y; ++k) {
      if (in(b, k))
        continue;
      if (!out.empty() && out.back().second + 1u == k)
        out.back().second = static_cast<uint16_t>(k);
      else
        out.emplace_back(static_cast<uint16_t>(k), static_cast<uint16_t>(k));
    }
  return out;
}
} // namespace

// Call admission and dry-up of trunk groups and SIP peers (issue 15), live: limits in force for
// calls admitted from now on; `shutdown` dries the group or peer up, `no shutdown` puts it back.
// `cur` null: at start (everything configured is applied); else only what changed, recorded in
// `cur` (the peers' part runs where the peers are compared, apply_peer_traffic).
std::vector<std::string> Gateway::apply_traffic(const Config &next, Config *cur) {
  std::vector<std::string> out;
  const GatewayShutdown was = cur ? cur->shutdown : GatewayShutdown{};
  const GatewayShutdown &will = next.shutdown;
  // A trunk group is shut down when it or the whole gateway is; its own timeout wins.
  auto shut = [](const TrunkGroupConfig &t, const GatewayShutdown &g) {
    return t.shutdown || g.on;
  };
  auto timeout_s = [](const TrunkGroupConfig &t, const GatewayShutdown &g) {
    return t.shutdown ? t.dry_up_timeout_s : g.dry_up_timeout_s;
  };
  for (const auto &tg : next.trunk_groups) {
    TrunkGroupConfig *now = cur ? cur->trunk_group(tg.name) : nullptr;
    if (cur && !now)
      continue; // not running (said by apply)
    if (!calls_->trunk_group(tg.name))
      continue;
    if (!now || !(now->admission == tg.admission)) {
      calls_->set_trunk_group_admission(tg.name, tg.admission);
      out.push_back("trunk group " + tg.name + ": admission limits in force for new calls");
    }
    const bool was_shut = now && shut(*now, was);
    const bool will_shut = shut(tg, will);
    if (!now || was_shut != will_shut || timeout_s(*now, was) != timeout_s(tg, will)) {
      if (will_shut || was_shut) {
        calls_->shutdown_trunk_group(tg.name, will_shut, timeout_s(tg, will) * 1000u);
        out.push_back("trunk group " + tg.name + (will_shut ? ": shut down (dry-up)" : ": in service"));
      }
    }
    if (now && now->busy_out_peer != tg.busy_out_peer)
      out.push_back("trunk group " + tg.name + ": " +
                    (tg.busy_out_peer.empty() ? std::string("no busy-out on a SIP peer down")
                                              : "busied out while SIP peer " + tg.busy_out_peer +
                                                    " is down"));
    if (now) {
      now->admission = tg.admission;
      now->shutdown = tg.shutdown;
      now->dry_up_timeout_s = tg.dry_up_timeout_s;
      now->busy_out_peer = tg.busy_out_peer;
    }
  }
  // Issue 14 item 5: trunk groups tied to a SIP peer follow its keepalive's verdict, live.
  if (p_->busy_out) {
    std::map<std::string, std::string> ties;
    for (const auto &tg : cur ? cur->trunk_groups : next.trunk_groups)
      if (!tg.busy_out_peer.empty() && calls_->trunk_group(tg.name))
        ties[tg.name] = tg.busy_out_peer;
    p_->busy_out->configure(ties);
  }
  if (!cur || !(was == will))
    for (auto &line : apply_peer_traffic(next.sip.peers, cur ? &cur->sip.peers : nullptr, was, will))
      out.push_back(line);
  if (!(was == will) || (!cur && will.on)) {
    if (will.on) {
      out.push_back("gateway: shut down: no new calls; once none is up the SIP listeners close" +
                    std::string(will.dry_up_timeout_s
                                    ? " (calls still up released after " +
                                          std::to_string(will.dry_up_timeout_s) + " s)"
                                    : ""));
      MGC_LOG(Main, Notice, "gateway shut down: no new calls, %zu calls up finish%s",
              calls_->active_calls(), will.dry_up_timeout_s ? " or are released at the timeout" : "");
    } else {
      out.push_back("gateway: in service");
      MGC_LOG(Main, Notice, "gateway back in service");
    }
    if (cur)
      cur->shutdown = will;
    if (!will.on && p_->sip_closed)
      open_sip_listeners(true);
  }
  return out;
}

// The whole gateway shut down and no call left: the SIP listeners close (issue 15 item 6), the
// trunk groups having blocked their circuits as each dried up (dry_up.cpp).
void Gateway::check_drained() {
  if (!p_->cfg.shutdown.on || p_->sip_closed || !calls_ || calls_->active_calls() != 0)
    return;
  open_sip_listeners(false);
}

void Gateway::open_sip_listeners(bool open) {
  for (const auto &l : p_->cfg.sip.listen) {
    const sipt::ListenConfig lc{l.transport, l.address, l.port};
    if (open) {
      if (Status st = p_->sip_transport->add_listener(lc); !st.ok())
        MGC_LOG(Main, Error, "gateway in service: SIP listener %s %u not opened: %s",
                l.address.c_str(), unsigned(l.port), std::string(st.detail()).c_str());
    } else {
      p_->sip_transport->remove_listener(lc);
    }
  }
  p_->sip_closed = !open;
  MGC_LOG(Main, Notice, "%s", open ? "gateway in service: SIP listeners open again"
                                   : "gateway shut down and drained: no call left, SIP listeners closed");
}

std::string Gateway::show_shutdown() const {
  const auto &g = p_->cfg.shutdown;
  if (!g.on)
    return "gateway: in service\r\n";
  if (p_->sip_closed)
    return "gateway: shut down, drained: SIP listeners closed\r\n";
  return "gateway: shut down, draining (" + std::to_string(calls_ ? calls_->active_calls() : 0) +
         " calls up)\r\n";
}

std::vector<std::string> Gateway::apply_peer_traffic(const std::deque<SipPeerConfig> &next,
                                                     const std::deque<SipPeerConfig> *cur,
                                                     const GatewayShutdown &was,
                                                     const GatewayShutdown &will) {
  std::vector<std::string> out;
  for (const auto &p : next) {
    const SipPeerConfig *now = nullptr;
    if (cur)
      for (const auto &c : *cur)
        if (c.name == p.name)
          now = &c;
    if (!now || !(now->admission == p.admission)) {
      calls_->set_sip_peer_admission(p.name, p.admission);
      if (cur)
        out.push_back("sip peer " + p.name + ": admission limits in force for new calls");
    }
    const bool was_shut = now && (now->shutdown || was.on);
    const bool will_shut = p.shutdown || will.on;
    if (!now || was_shut != will_shut) {
      calls_->shutdown_sip_peer(p.name, will_shut);
      if (cur && (now || will_shut))
        out.push_back("sip peer " + p.name + (will_shut ? ": shut down" : ": in service"));
    }
  }
  return out;
}

// SIP listeners opened and closed live (RFC 3261 §18): a new one takes traffic at once; one
// removed closes its socket, its TCP/TLS connections (and the calls on them) going on until
// they end. One that cannot open is said and tried again at the next change.
void Gateway::apply_sip_listeners(const std::vector<SipListen> &next, std::vector<SipListen> &cur,
                                  std::vector<std::string> &out) {
  auto text = [](const SipListen &l) {
    return std::string(name_of(sipt::kTransportParamNames, l.transport)) + " " + l.address + " " +
           std::to_string(l.port);
  };
  for (auto it = cur.begin(); it != cur.end();) {
    if (std::find(next.begin(), next.end(), *it) != next.end()) {
      ++it;
      continue;
    }
    p_->sip_transport->remove_listener({it->transport, it->address, it->port});
    out.push_back("sip: no longer listening on " + text(*it));
    MGC_LOG(Main, Notice, "live configuration: sip: no longer listening on %s", text(*it).c_str());
    it = cur.erase(it);
  }
  for (const auto &l : next) {
    if (std::find(cur.begin(), cur.end(), l) != cur.end())
      continue;
    if (Status st = p_->sip_transport->add_listener({l.transport, l.address, l.port}); !st.ok()) {
      out.push_back("sip: listen " + text(l) + ": not opened (" + std::string(st.detail()) + ")");
      continue;
    }
    cur.push_back(l);
    out.push_back("sip: listening on " + text(l));
    MGC_LOG(Main, Notice, "live configuration: sip: listening on %s", text(l).c_str());
  }
}

std::string Gateway::show_sip_listeners() const {
  std::string s;
  if (!p_->sip_transport)
    return s;
  for (const auto &l : p_->sip_transport->listeners()) {
    s += "sip listen " + std::string(name_of(sipt::kTransportParamNames, l.config.transport)) +
         " " + l.config.address + " " + std::to_string(l.config.port) + ": bound to " +
         l.local.to_string();
    if (l.config.transport != sipt::TransportKind::Udp)
      s += ", " + std::to_string(l.connections) + " connections";
    s += "\n";
  }
  return s;
}

std::vector<std::string> Gateway::apply(const Config &next) {
  std::vector<std::string> out;
  Config &cur = p_->cfg;
  if (!calls_)
    return out;
  // Said once per change that waits for a restart (not again at every later command).
  std::set<std::string> pending;
  auto restart = [&out, &pending, this](const std::string &what) {
    pending.insert(what);
    if (p_->pending.count(what))
      return;
    out.push_back(what + " changed: not applied, it needs a restart of mgcd");
    MGC_LOG(Main, Notice, "%s changed: not applied, it needs a restart", what.c_str());
  };
  auto applied = [&out](const std::string &what) {
    out.push_back(what);
    MGC_LOG(Main, Notice, "live configuration: %s", what.c_str());
  };
  if (!(next.ss7 == cur.ss7))
    restart("ss7");
  if (!(next.m3ua == cur.m3ua))
    restart("m3ua");
  apply_sip_listeners(next.sip.listen, cur.sip.listen, out);
  if (next.sip.tls_certificate != cur.sip.tls_certificate || next.sip.tls_key != cur.sip.tls_key ||
      next.sip.tls_ca != cur.sip.tls_ca ||
      next.sip.tls_verify_client != cur.sip.tls_verify_client ||
      next.sip.udp_receive_buffer != cur.sip.udp_receive_buffer ||
      next.sip.udp_send_buffer != cur.sip.udp_send_buffer)
    restart("sip tls/udp-buffers");
  if (!(next.call_agent == cur.call_agent))
    restart("call-agent");
  if (!(next.telnet == cur.telnet))
    restart("telnet");
  {
    std::vector<std::string> needs_restart;
    for (auto &line : cdr_->apply(next.cdr, cur.cdr, needs_restart))
      out.push_back(std::move(line));
    for (const auto &what : needs_restart)
      restart(what);
  }
  // The metrics endpoint moves or closes at once (metrics.h); a failed bind keeps the old one.
  if (metrics_ && !(next.metrics == cur.metrics) && metrics_->apply(next.metrics, out))
    cur.metrics = next.metrics;
  // Every layer's timers apply live to every timer started from now on (RFC 3261 Appendix A,
  // RFC 3435 §3.5, H.248.1 Annex D.1, RFC 4666 §4.3), as Osmocom's osmo_tdef does: new
  // transactions and the next repetition of one in progress use them; none running is
  // restarted. A media gateway added later gets them from the configuration in force.
  if (layer_timers_differ(next.layer_timers, cur.layer_timers, "sip")) {
    const sipt::TimerValues tv = sip_timer_values(next.layer_timers);
    p_->sip->ua().set_timer_values(tv);
    applied("sip timers: T1 " + std::to_string(tv.t1) + " ms, T2 " + std::to_string(tv.t2) +
            " ms, T4 " + std::to_string(tv.t4) + " ms for every timer started from now on");
  }
  if (layer_timers_differ(next.layer_timers, cur.layer_timers, "mgcp")) {
    const mgcp::TransactionConfig tx = mgcp_transaction_timers(next.layer_timers);
    for (auto &[name, mgw] : p_->mgcp_by_name)
      mgw->call_agent().set_transaction_timers(tx);
    applied("mgcp timers: " + layer_timers_text(next.layer_timers, "mgcp") +
            " for every timer started from now on");
  }
  if (layer_timers_differ(next.layer_timers, cur.layer_timers, "h248")) {
    const h248::TransactionConfig tx = h248_transaction_timers(next.layer_timers);
    for (auto &[name, mgw] : p_->h248_by_name)
      mgw->call_agent().set_transaction_timers(tx);
    applied("h248 timers: " + layer_timers_text(next.layer_timers, "h248") +
            " for every timer started from now on");
  }
  if (layer_timers_differ(next.layer_timers, cur.layer_timers, "m3ua")) {
    p_->node->set_timers(m3ua_timers(next.layer_timers));
    applied("m3ua timers: " + layer_timers_text(next.layer_timers, "m3ua") +
            " for every timer started from now on");
  }
  cur.layer_timers = next.layer_timers;
  // Media gateways (issue 13). One added starts at once (its trunk groups follow below); one
  // removed goes once idle (its trunk groups drain below, as `no trunk-group` drains); a
  // keepalive change applies at once. Any other change to a gateway waits for a restart: its
  // call agent is keyed by address on a shared socket (RFC 3435 §3.5: a gateway is known by
  // where it sends from; H.248.1 Annex D: over TCP, by the connection it opened), the calls up
  // hold connections or contexts named by its domain and terminations, and its protocol,
  // encoding and version are those its call agent and the MG agreed on (H.248.1 §11.3): the
  // gateway is taken out and added back under a new name instead, or mgcd restarts.
  for (const auto &mg : next.media_gateways) {
    MediaGatewayConfig *now = cur.media_gateway(mg.name);
    if (!now) {
      if (p_->closing.count(mg.name)) {
        restart("media-gateway " + mg.name + " (added back while it still closes)");
        continue;
      }
      if (Status s = add_media_gateway(mg, next.trunk_groups, false); !s.ok()) {
        out.push_back("media-gateway " + mg.name + ": not added (" + std::string(s.detail()) +
                      ")");
        continue;
      }
      if (auto m = p_->mgcp_by_name.find(mg.name); m != p_->mgcp_by_name.end())
        m->second->call_agent().start();
      cur.media_gateways.push_back(mg);
      applied("media-gateway " + mg.name + ": added");
      continue;
    }
    MediaGatewayConfig same = mg;
    same.keepalive_interval_ms = now->keepalive_interval_ms;
    same.keepalive_failures = now->keepalive_failures;
    if (!(same == *now))
      restart("media-gateway " + mg.name +
              " (address, protocol, domain, transport, encoding, version, mid or local-address)");
    if (mg.keepalive_interval_ms != now->keepalive_interval_ms ||
        mg.keepalive_failures != now->keepalive_failures) {
      if (auto m = p_->mgcp_by_name.find(mg.name); m != p_->mgcp_by_name.end())
        m->second->call_agent().set_keepalive(mgcp_domain(*now), mg.keepalive_interval_ms,
                                              mg.keepalive_failures);
      else if (auto h = p_->h248_by_name.find(mg.name); h != p_->h248_by_name.end())
        h->second->call_agent().set_keepalive(mg.name, mg.keepalive_interval_ms,
                                              mg.keepalive_failures);
      now->keepalive_interval_ms = mg.keepalive_interval_ms;
      now->keepalive_failures = mg.keepalive_failures;
      applied("media-gateway " + mg.name + ": keepalive every " +
              std::to_string(mg.keepalive_interval_ms) + " ms, " +
              std::to_string(mg.keepalive_failures) + " failures");
    }
  }
  for (auto it = cur.media_gateways.begin(); it != cur.media_gateways.end();) {
    if (std::any_of(next.media_gateways.begin(), next.media_gateways.end(),
                    [&](const MediaGatewayConfig &m) { return m.name == it->name; })) {
      ++it;
      continue;
    }
    p_->closing.insert(it->name);
    applied("media-gateway " + it->name + ": removed, closes once its calls end");
    it = cur.media_gateways.erase(it);
  }
  if (!p_->closing.empty() && !p_->close_timer)
    p_->close_timer = sched_.start(0, [this] { close_idle_media_gateways(); });

  // Overload: thresholds from the next sample on, the shares and Retry-After for the next call.
  if (!(next.overload == cur.overload)) {
    cur.overload = next.overload;
    p_->overload.configure(next.overload.levels);
    calls_->set_shed_policy(next.overload.shed);
    applied("overload: thresholds in force from the next sample, shedding for the next new call");
  }

  // Q.764 timers: those started from now on run with the new values.
  if (!(next.timers == cur.timers) || next.lab_timers != cur.lab_timers) {
    cur.timers = next.timers;
    cur.lab_timers = next.lab_timers;
    calls_->set_timers(next.timers);
    applied("isup timers: in force for every timer started from now on");
  }

  if (!(next.congestion_reduction == cur.congestion_reduction)) {
    cur.congestion_reduction = next.congestion_reduction;
    calls_->destinations().set_reduction(next.congestion_reduction);
    applied("congestion reduction: " +
            std::to_string(next.congestion_reduction.level1_percent) + "% at level 1, " +
            std::to_string(next.congestion_reduction.level2_percent) + "% at level 2");
  }

  if (!(next.sip.tcp == cur.sip.tcp)) {
    const auto &t = next.sip.tcp;
    p_->sip_transport->set_limits(t.total, t.per_source, t.idle_ms, t.message_ms);
    cur.sip.tcp = t;
    applied("sip tcp limits: in force for connections and messages from now on");
  }

  // SIP peers: the adapter's (addresses, ACLs) and call control's (profile, trust).
  if (!(next.sip.session_timer == cur.sip.session_timer)) {
    p_->sip->set_session_timer(next.sip.session_timer);
    applied("sip session-timer: in force for new calls");
  }
  if (!(next.sip.peers == cur.sip.peers) || !(next.sip.session_timer == cur.sip.session_timer)) {
    cur.sip.session_timer = next.sip.session_timer;
    std::vector<SipPeerEntry> entries;
    std::vector<cc::SipPeer> peers;
    for (const auto &p : next.sip.peers) {
      entries.push_back(peer_entry(p, cur.ss7.variant, next.sip.session_timer));
      peers.push_back(entries.back().peer);
    }
    p_->sip->set_peers(std::move(entries));
    calls_->set_sip_peers(peers);
    for (auto &line : apply_peer_traffic(next.sip.peers, &cur.sip.peers, cur.shutdown, cur.shutdown))
      applied(line);
    if (p_->sip_health)
      p_->sip_health->configure(next.sip.peers);
    cur.sip.peers = next.sip.peers;
    applied("sip peers: " + std::to_string(peers.size()) + " in force (calls up keep theirs)");
  }

  // Trunk groups: new ones on a running media gateway, CIC ranges added (reset) and removed
  // (drained), hunting, glare and overlap.
  for (const auto &tg : next.trunk_groups) {
    TrunkGroupConfig *now = cur.trunk_group(tg.name);
    const bool mgcp = p_->mgcp_by_name.count(tg.media_gateway) != 0;
    const bool h248 = p_->h248_by_name.count(tg.media_gateway) != 0;
    if (!now) {
      if (!mgcp && !h248) {
        restart("trunk group " + tg.name + " (its media gateway " + tg.media_gateway +
                " is not running)");
        continue;
      }
      if (h248) {
        h248::TrunkRule r;
        r.trunk_group = tg.name;
        r.gateway = tg.media_gateway;
        r.pattern = tg.endpoint_rule;
        if (!p_->h248_by_name[tg.media_gateway]->call_agent().add_trunk(r).ok()) {
          out.push_back("trunk group " + tg.name + ": its endpoint rule was refused");
          continue;
        }
      }
      add_trunk_group(tg);
      TrunkGroupConfig added = tg;
      added.cic_ranges.clear();
      added.admission = {}; // apply_traffic applies them
      added.shutdown = false;
      added.dry_up_timeout_s = 0;
      cur.trunk_groups.push_back(std::move(added));
      now = &cur.trunk_groups.back();
      applied("trunk group " + tg.name + ": added");
    } else if (now->dpc != tg.dpc || now->media_gateway != tg.media_gateway ||
               now->endpoint_rule != tg.endpoint_rule ||
               now->endpoint_framing != tg.endpoint_framing) {
      restart("trunk group " + tg.name + "'s dpc, media gateway or endpoint rule");
      continue;
    }
    if (now->hunting != tg.hunting || now->glare != tg.glare) {
      cc::CircuitGroup *g = calls_->trunk_group(tg.name);
      g->set_hunting(tg.hunting);
      g->set_glare(tg.glare);
      now->hunting = tg.hunting;
      now->glare = tg.glare;
      applied("trunk group " + tg.name + ": hunting " + cc::hunting_name(tg.hunting) + ", glare " +
              cc::glare_control_name(tg.glare));
    }
    if (now->overlap_min_digits != tg.overlap_min_digits) {
      calls_->set_overlap(tg.name, tg.overlap_min_digits);
      now->overlap_min_digits = tg.overlap_min_digits;
      applied("trunk group " + tg.name + ": overlap for new calls");
    }
    for (auto [a, b] : cics_minus(tg.cic_ranges, now->cic_ranges)) {
      if (mgcp) {
        // Endpoints for the CICs that never had one (a circuit taken out and added back keeps
        // its endpoint, RFC 3435 §2.1.1 names it by rule).
        auto &ca = p_->mgcp_by_name[tg.media_gateway]->call_agent();
        const MediaGatewayConfig *mg = cur.media_gateway(tg.media_gateway);
        const std::string domain = mg ? mgcp_domain(*mg) : tg.media_gateway;
        bool refused = false;
        for (uint32_t k = a; k <= b && !refused; ++k) {
          if (ca.endpoint_for(tg.name, k))
            continue;
          uint32_t e = k;
          while (e < b && !ca.endpoint_for(tg.name, e + 1))
            ++e;
          refused = !ca.add_trunk(trunk_mapping(tg, domain, static_cast<uint16_t>(k),
                                                static_cast<uint16_t>(e)))
                         .ok();
          k = e;
        }
        if (refused) {
          out.push_back("trunk group " + tg.name + ": CICs " + std::to_string(a) + "-" +
                        std::to_string(b) + " have no endpoint (refused)");
          continue;
        }
      }
      calls_->add_circuits(tg.name, a, b);
      now->cic_ranges.emplace_back(a, b);
      applied("trunk group " + tg.name + ": CICs " + std::to_string(a) + "-" + std::to_string(b) +
              " in service (reset first)");
    }
    for (auto [a, b] : cics_minus(now->cic_ranges, tg.cic_ranges)) {
      const std::size_t n = calls_->remove_circuits(tg.name, a, b);
      applied("trunk group " + tg.name + ": CICs " + std::to_string(a) + "-" + std::to_string(b) +
              " taken out: " + std::to_string(n) + " draining (blocked once their calls end)");
    }
    now->cic_ranges = tg.cic_ranges;
  }
  for (auto it = cur.trunk_groups.begin(); it != cur.trunk_groups.end();) {
    if (next.trunk_groups.end() != std::find_if(next.trunk_groups.begin(), next.trunk_groups.end(),
                                               [&](const TrunkGroupConfig &t) {
                                                 return t.name == it->name;
                                               })) {
      ++it;
      continue;
    }
    std::size_t n = 0;
    for (auto [a, b] : it->cic_ranges)
      n += calls_->remove_circuits(it->name, a, b);
    applied("trunk group " + it->name + ": removed, " + std::to_string(n) +
            " circuits draining (blocked once their calls end)");
    it = cur.trunk_groups.erase(it);
  }

  p_->pending = std::move(pending);
  for (auto &line : apply_traffic(next, &cur))
    applied(line);
  // Routes last: they may name the trunk groups and peers just added.
  if (!(next.routes == cur.routes)) {
    calls_->set_routes({next.routes.begin(), next.routes.end()});
    cur.routes = next.routes;
    applied("routes: " + std::to_string(next.routes.size()) + " in force for calls routed from now on");
  }
  return out;
}

void Gateway::close_idle_media_gateways() {
  p_->close_timer = 0;
  for (auto it = p_->closing.begin(); it != p_->closing.end();) {
    const std::string name = *it;
    bool busy = false;
    if (auto s = p_->service.find(name); s != p_->service.end() && calls_)
      for (const auto &tg : s->second->trunk_groups())
        if (const cc::CircuitGroup *g = calls_->trunk_group(tg))
          for (const auto &c : g->circuits())
            busy = busy || c.call_ref != 0;
    if (auto m = p_->mgcp_by_name.find(name); m != p_->mgcp_by_name.end())
      busy = busy || m->second->call_agent().connection_count() ||
             m->second->call_agent().transactions().outstanding();
    if (auto h = p_->h248_by_name.find(name); h != p_->h248_by_name.end())
      busy = busy || h->second->call_agent().call_count() ||
             h->second->call_agent().transactions().outstanding();
    if (busy) {
      ++it;
      continue;
    }
    if (auto t = p_->tracked.find(name); t != p_->tracked.end())
      t->second->detach(); // kept: call control's drained trunk groups still name it
    const Parts::Link link = p_->links[name];
    if (link.protocol == MediaGatewayProtocol::Mgcp) {
      auto m = p_->mgcp_by_name[name];
      std::erase(p_->mgcp_gateways, m);
      p_->mgcp_by_name.erase(name);
      auto &sock = p_->mgcp_sockets[link.local];
      sock->remove_gateway(link.gateway);
      p_->media.erase(name);
      if (sock->empty()) {
        MGC_LOG(Mgcp, Notice, "call agent on %s closed: no gateway left on it",
                link.local.to_string().c_str());
        p_->mgcp_sockets.erase(link.local);
      }
    } else {
      p_->h248_by_name.erase(name);
      auto &shared = p_->h248_shared[{link.transport, link.local}];
      p_->media.erase(name); // before its port goes
      shared->remove_port(*link.port);
      if (shared->empty()) {
        MGC_LOG(H248, Notice, "MGC on %s closed: no gateway left on it",
                link.local.to_string().c_str());
        p_->h248_shared.erase({link.transport, link.local});
        if (link.transport == H248Transport::Tcp)
          p_->h248_tcp.erase(link.local);
        else
          p_->h248_udp.erase(link.local);
      }
    }
    if (auto s = p_->service.find(name); s != p_->service.end())
      p_->service.erase(s);
    for (const char *a : {".unreachable", ".restarted", ".down", ".draining"})
      alarms_.clear("media-gateway." + name + a);
    p_->links.erase(name);
    p_->mg_desc.erase(name);
    MGC_LOG(Main, Notice, "live configuration: media-gateway %s closed", name.c_str());
    it = p_->closing.erase(it);
  }
  if (!p_->closing.empty())
    p_->close_timer = sched_.start(1000, [this] { close_idle_media_gateways(); });
}

std::string Gateway::show_m3ua() const { return p_->node ? p_->node->show() : std::string(); }

namespace {
// "2024-05-01 10:00:00 UTC (12 s ago)"
std::string when(std::time_t t) {
  char buf[32];
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return std::string(buf) + " (" + std::to_string(std::time(nullptr) - t) + " s ago)";
}
template <typename E>
void each(const CounterSet<E> &set, std::string_view group, const Gateway::CounterFn &f) {
  set.for_each([&](std::string_view n, uint64_t v) { f(group, n, v); });
}
} // namespace

std::string Gateway::show_sip_peers() const {
  std::string o;
  if (p_->sip) {
    for (const auto &e : p_->sip->peers()) {
      if (e.removed && p_->sip->calls_with(e.peer.name) == 0)
        continue; // out of the configuration, no call left
      const SipPeerStats &st = *e.stats;
      o += "sip peer " + e.peer.name + ": " + e.address.host + ":" +
           std::to_string(e.address.port) + " " +
           std::string(sipt::transport_name(e.address.transport)) + ", profile " +
           name_of(cc::kSipProfileNames, e.peer.profile) +
           (e.peer.trusted ? ", trusted" : ", untrusted") + ", acl";
      o += " " + e.address.host;
      for (const auto &a : e.acl)
        if (a != e.address.host)
          o += " " + a;
      o += "\n  calls in progress " + std::to_string(p_->sip->calls_with(e.peer.name)) +
           ", INVITEs sent " + std::to_string(st.invites_out) + ", received " +
           std::to_string(st.invites_in) + ", failures " + std::to_string(st.failures) +
           ", last response ";
      if (st.last_status)
        o += std::to_string(st.last_status) + (st.last_sent ? " sent " : " received ") +
             when(st.last_at);
      else
        o += "none";
      // RFC 4028 and RFC 3261 §11 as in force for this peer
      if (e.session_timer.enabled)
        o += "\n  session timer " + std::to_string(e.session_timer.session_expires_s) +
             " s, min-se " + std::to_string(e.session_timer.min_se_s) + " s, refresher " +
             name_of(sipt::kRefresherChoiceNames, e.session_timer.refresher);
      else
        o += "\n  no session timer";
      o += ", " + (p_->sip_health ? p_->sip_health->describe(e.peer.name)
                                  : std::string("no keepalive"));
      if (const SipPeerHealth::Status *h =
              p_->sip_health ? p_->sip_health->status(e.peer.name) : nullptr;
          h && h->since)
        o += ", since " + when(h->since);
      // RFC 3261 §21.5.4: resting after a 503 with Retry-After (routing skips it)
      if (calls_) {
        const auto &ps = calls_->sip_peer_states();
        if (const int64_t ms = ps.unavailable_ms(e.peer.name))
          o += ", unavailable for " + std::to_string((ms + 999) / 1000) +
               " s more (503 Retry-After)";
        if (const uint64_t n = ps.skipped_count(e.peer.name))
          o += ", calls routed past it " + std::to_string(n);
      }
      o += p_->sip->peer_edge_text(e);
      if (p_->busy_out) // issue 14 item 5: the trunk groups it feeds
        for (const auto &tg : p_->cfg.trunk_groups)
          if (tg.busy_out_peer == e.peer.name)
            o += "\n  trunk group " + tg.name + ": " + p_->busy_out->describe(tg.name);
      o += "\n";
    }
    o += "sip: " + std::to_string(p_->sip->refused_unknown_peer()) +
         " INVITEs refused from sources that are no peer\n";
  }
  return o;
}

std::string Gateway::show_peers() const {
  std::string o = show_sip_peers();
  const Config &cfg = p_->cfg;
  for (const auto &mg : cfg.media_gateways) {
    std::string state, outstanding = "?", extra;
    if (auto it = p_->mgcp_by_name.find(mg.name); it != p_->mgcp_by_name.end()) {
      auto &ca = it->second->call_agent();
      for (const auto &g : ca.gateways()) {
        using S = mgcp::GatewayState;
        state = g.state == S::InService || g.state == S::Draining        ? "reachable"
                : g.state == S::Disconnected || g.state == S::OutOfService ? "unreachable"
                                                                           : "restarting";
        state += " (" + std::string(mgcp::gateway_state_name(g.state)) + ")";
        extra = ", connections " + std::to_string(g.connections) + ", rto " +
                std::to_string(g.rto_ms) + " ms";
        for (const auto &b : g.blocked)
          extra += ", blocked " + b;
      }
      outstanding = std::to_string(ca.transactions().outstanding());
    } else if (auto h = p_->h248_by_name.find(mg.name); h != p_->h248_by_name.end()) {
      auto &ca = h->second->call_agent();
      const auto s = ca.gateway_state(mg.name);
      state = reachable(s).value_or(false) ? "reachable" : "unreachable";
      state += " (" + std::string(h248::gateway_state_name(s)) + ")";
      outstanding = std::to_string(ca.transactions().outstanding());
      extra = ", contexts " + std::to_string(ca.call_count());
    }
    core::Address at;
    const std::string where = core::Address::parse(mg.address, mg.port, at)
                                  ? at.to_string()
                                  : mg.address + ":" + std::to_string(mg.port);
    o += "media-gateway " + mg.name + ": " + name_of(kMediaGatewayProtocolNames, mg.protocol) +
         (mg.protocol == MediaGatewayProtocol::H248 && mg.transport == H248Transport::Tcp ? " tcp"
                                                                                            : "") +
         " " + where + ", " + state +
         ", transactions outstanding " + outstanding + extra + "\n  last error ";
    auto t = p_->tracked.find(mg.name);
    if (t != p_->tracked.end() && !t->second->last_error.empty())
      o += t->second->last_error + " " + when(t->second->last_error_at) + "\n";
    else
      o += "none\n";
  }
  if (p_->node) {
    const auto &m = cfg.m3ua;
    const sigtran::Role role = m3ua_link_role(m.role);
    const bool local = role != sigtran::Role::Sgp;
    o += "m3ua " + std::string(name_of(kM3uaRoleNames, m.role)) + " " +
         name_of(sigtran::kTransportConfigNames, m.transport) + " to";
    for (const auto &a : m.remote_addresses)
      o += " " + bracketed(a);
    o += ":" + std::to_string(m.remote_port) + ", ASP " +
         std::string(sigtran::asp_state_name(local ? p_->node->local_state(0)
                                                   : p_->node->remote_state(0))) +
         ", AS " +
         std::string(sigtran::as_state_name(role == sigtran::Role::Asp ? p_->node->peer_as_state(0)
                                                                       : p_->node->as_state(0)));
    for (const auto &r : m.routes)
      o += ", dpc " + format_point_code(r.dpc, cfg.ss7.point_code_format) +
           (p_->node->dpc_available(r.dpc) ? " available" : " unavailable");
    o += "\n";
  }
  return o;
}

std::string Gateway::show_media_gateways() const {
  std::string o;
  for (const auto &mg : p_->cfg.media_gateways) {
    std::string proto = "?", keepalive;
    unsigned misses = 0;
    if (auto it = p_->mgcp_by_name.find(mg.name); it != p_->mgcp_by_name.end()) {
      for (const auto &g : it->second->call_agent().gateways()) {
        proto = "mgcp " + std::string(mgcp::gateway_state_name(g.state));
        misses = g.keepalive_failures;
      }
    } else if (auto h = p_->h248_by_name.find(mg.name); h != p_->h248_by_name.end()) {
      proto = "h248 " + std::string(h248::gateway_state_name(h->second->call_agent().gateway_state(mg.name)));
      misses = h->second->call_agent().keepalive_failures(mg.name);
    }
    o += "media-gateway " + mg.name + ": " + proto;
    if (auto s = p_->service.find(mg.name); s != p_->service.end()) {
      const cc::MediaGatewayState &st = *s->second;
      o += ", circuits " + std::string(name_of(cc::kMgServiceNames, st.state()));
      if (st.since())
        o += " since " + when(st.since());
      o += ", " + std::to_string(st.circuits_blocked()) + " blocked by it";
      o += "\n  trunk groups";
      for (const auto &tg : st.trunk_groups())
        o += " " + tg;
      if (st.trunk_groups().empty())
        o += " none";
    }
    o += "\n  last restart ";
    if (auto r = p_->last_restart.find(mg.name); r != p_->last_restart.end())
      o += when(r->second);
    else
      o += "none";
    if (mg.keepalive_interval_ms)
      o += ", keepalive every " + std::to_string(mg.keepalive_interval_ms) + " ms, " +
           std::to_string(misses) + " of " + std::to_string(mg.keepalive_failures) +
           " unanswered";
    else
      o += ", no keepalive";
    o += "\n";
  }
  return o;
}

Gateway::Health Gateway::health() const {
  Health h;
  if (p_->sip)
    for (const auto &e : p_->sip->peers()) {
      if (e.removed)
        continue;
      const bool resting = calls_ && calls_->sip_peer_states().unavailable_ms(e.peer.name) > 0;
      h.sip_peers.push_back({e.peer.name, !resting});
    }
  for (const auto &mg : p_->cfg.media_gateways) {
    Health::MediaGateway m{mg.name, "", "unknown", std::nullopt};
    if (auto it = p_->mgcp_by_name.find(mg.name); it != p_->mgcp_by_name.end()) {
      m.protocol = "mgcp";
      for (const auto &g : it->second->call_agent().gateways())
        m.state = mgcp::gateway_state_name(g.state);
    } else if (auto hg = p_->h248_by_name.find(mg.name); hg != p_->h248_by_name.end()) {
      m.protocol = "h248";
      m.state = h248::gateway_state_name(hg->second->call_agent().gateway_state(mg.name));
    }
    if (auto sv = p_->service.find(mg.name); sv != p_->service.end())
      m.service = sv->second->state();
    h.media_gateways.push_back(std::move(m));
  }
  if (p_->node) {
    const sigtran::Role role = m3ua_link_role(p_->cfg.m3ua.role);
    const bool local = role != sigtran::Role::Sgp;
    h.asp_state = sigtran::asp_state_name(local ? p_->node->local_state(0) : p_->node->remote_state(0));
    h.as_state = sigtran::as_state_name(role == sigtran::Role::Asp ? p_->node->peer_as_state(0)
                                                                   : p_->node->as_state(0));
  }
  return h;
}

bool Gateway::counters(std::string_view layer, const CounterFn &f) const {
  if (layer == "cdr") {
    if (cdr_)
      cdr_->counters(f);
    return true;
  }
  if (layer == "sip") {
    if (p_->sip_transport) {
      each(p_->sip_transport->counters(), "sip.transport", f);
      each(p_->sip_transport->parse_counters(), "sip.parse", f);
    }
    if (p_->sip) {
      each(p_->sip->ua().transactions().counters(), "sip.transactions", f);
      each(p_->sip->ua().counters(), "sip.ua", f);
      each(p_->sip->auth_counters(), "sip.auth", f);
      if (p_->sip_health)
        each(p_->sip_health->counters(), "sip.health", f);
      f("sip.peers", "refused_unknown_peer", p_->sip->refused_unknown_peer());
    }
    return true;
  }
  if (layer == "mgcp") {
    for (const auto &[name, mg] : p_->mgcp_by_name) {
      const std::string g = "mgcp." + name;
      each(mg->call_agent().counters(), g + ".call_agent", f);
      each(mg->call_agent().transactions().counters(), g + ".transactions", f);
      each(mg->call_agent().transactions().decode_counters(), g + ".decode", f);
      if (auto s = p_->service.find(name); s != p_->service.end())
        each(s->second->counters(), g + ".service", f);
    }
    return true;
  }
  if (layer == "h248") {
    for (const auto &[name, mg] : p_->h248_by_name) {
      const std::string g = "h248." + name;
      each(mg->call_agent().counters(), g + ".call_agent", f);
      each(mg->call_agent().transactions().counters(), g + ".transactions", f);
      each(mg->call_agent().transactions().decode_counters(), g + ".decode", f);
      if (auto s = p_->service.find(name); s != p_->service.end())
        each(s->second->counters(), g + ".service", f);
    }
    return true;
  }
  if (layer == "m3ua") {
    if (p_->node) {
      each(p_->node->counters(), "m3ua.node", f);
      each(p_->node->err_tx(), "m3ua.err_tx", f);
      each(p_->node->decode_counters(), "m3ua.decode", f);
    }
    if (p_->m3ua)
      each(p_->m3ua->counters(), "m3ua.transport", f);
    return true;
  }
  if (layer == "isup") {
    if (p_->ss7) {
      f("isup", "sent", p_->ss7->sent());
      f("isup", "send_failures", p_->ss7->send_failures());
      each(p_->ss7->decode_counters(), "isup.decode", f);
    }
    if (calls_)
      each(calls_->destinations().counters(), "isup.destinations", f);
    return true;
  }
  if (layer == "call-control") {
    if (calls_)
      each(calls_->counters(), "call-control", f);
    if (p_->busy_out)
      each(p_->busy_out->counters(), "call-control.busy_out", f);
    return true;
  }
  return false;
}

} // namespace mgc::gw
