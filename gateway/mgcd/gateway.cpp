#include "gateway/mgcd/gateway.h"

#include "callcontrol/media/h248_media_gateway.h"
#include "callcontrol/media/mgcp_media_gateway.h"
#include "core/log.h"
#include "gateway/mgcd/sip.h"
#include "gateway/mgcd/ss7.h"
#include "sigtran/transport.h"
#include "sipt/transport.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <optional>

namespace mgc::gw {

namespace {
// H.248 is spoken from 127.0.0.1:2944, the port H.248.1 Annex D.1 registers for text over UDP.
constexpr uint16_t kH248Port = 2944;

// A media gateway as call control sees it, remembering its last failure for `show peers` and
// telling the gateway of its restarts (an alarm) on their way to call control.
class TrackedMedia final : public cc::MediaGateway, private cc::MediaGateway::Listener {
public:
  TrackedMedia(cc::MediaGateway &inner, std::function<void()> restarted)
      : inner_(inner), restarted_(std::move(restarted)) {}
  void set_listener(cc::MediaGateway::Listener *l) override {
    outer_ = l;
    inner_.set_listener(l ? this : nullptr);
  }
  void connect(std::string_view trunk_group, uint16_t cic, std::string_view remote_sdp,
               cc::MediaMode mode, Connected done) override {
    inner_.connect(trunk_group, cic, remote_sdp, mode,
                   [this, done = std::move(done)](const Status &s, Handle h, std::string_view sdp) {
                     note("connect", s);
                     done(s, h, sdp);
                   });
  }
  void modify(Handle h, std::optional<cc::MediaMode> mode, std::string_view remote_sdp,
              Modified done) override {
    inner_.modify(h, mode, remote_sdp,
                  [this, done = std::move(done)](const Status &s, std::string_view sdp) {
                    note("modify", s);
                    done(s, sdp);
                  });
  }
  void loopback(std::string_view trunk_group, uint16_t cic, Connected done) override {
    inner_.loopback(trunk_group, cic,
                    [this, done = std::move(done)](const Status &s, Handle h, std::string_view sdp) {
                      note("loopback", s);
                      done(s, h, sdp);
                    });
  }
  void release(Handle h, Done done) override {
    inner_.release(h, [this, done = std::move(done)](const Status &s) {
      note("release", s);
      done(s);
    });
  }
  std::string last_error;  // "connect: mgcp.rejected (code 500)"; empty: none yet
  std::time_t last_error_at = 0;

private:
  void on_media_lost(Handle h) override {
    if (outer_)
      outer_->on_media_lost(h);
  }
  void on_gateway_restart(std::string_view gateway) override {
    restarted_();
    if (outer_)
      outer_->on_gateway_restart(gateway);
  }
  void note(const char *what, const Status &s) {
    if (s.ok())
      return;
    last_error = std::string(what) + ": " + std::string(s.detail());
    if (s.code())
      last_error += " (code " + std::to_string(s.code()) + ")";
    last_error_at = std::time(nullptr);
  }
  cc::MediaGateway &inner_;
  std::function<void()> restarted_;
  cc::MediaGateway::Listener *outer_ = nullptr;
};

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
  if (s == h248::GatewayState::InService)
    return true;
  if (s == h248::GatewayState::OutOfService)
    return false;
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
  // media
  std::vector<std::unique_ptr<mgcp::UdpTransport>> mgcp_transports;
  std::vector<std::unique_ptr<h248::UdpTransport>> h248_transports;
  // Declared before `media`, so destroyed after it: a callback the call agents run while going
  // away still finds its TrackedMedia.
  std::map<std::string, std::unique_ptr<TrackedMedia>> tracked; // by media-gateway name
  std::map<std::string, std::unique_ptr<cc::MediaGateway>> media; // by media-gateway name
  std::vector<cc::MgcpMediaGateway *> mgcp_gateways;
  std::map<std::string, cc::MgcpMediaGateway *> mgcp_by_name;
  std::map<std::string, cc::H248MediaGateway *> h248_by_name;
  std::map<std::string, std::string> mg_desc;    // "osmo-mgw (mgcp 127.0.0.1:2427)"
  std::map<std::string, uint64_t> h248_restarts; // the call agent's count at the last look
  // CDR file: what check_cdr() saw last (failed and written records).
  uint64_t cdr_failed = 0, cdr_written = 0;
  cc::Scheduler::Id cdr_timer = 0;
};

Gateway::Gateway(core::Alarms &alarms) : alarms_(alarms), p_(std::make_unique<Parts>()) {}
Gateway::~Gateway() {
  // Calls first: they hold legs, media handles and timers. The adapters outlive them and their
  // transports still report while they close (the M3UA association going down gives MTP-PAUSE,
  // Q.701): they must not reach the destroyed call control.
  if (p_->ss7)
    p_->ss7->detach();
  if (p_->sip)
    p_->sip->detach();
  for (auto &[name, mg] : p_->media)
    mg->set_listener(nullptr);
  if (p_->node)
    p_->node->set_mgmt(nullptr);
  sched_.stop(p_->cdr_timer);
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
    peer += " " + a;
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

void Gateway::media_restarted(const std::string &name) {
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

void Gateway::check_cdr() {
  p_->cdr_timer = sched_.start(1000, [this] { check_cdr(); });
  const uint64_t failed = cdr_->failed(), written = cdr_->written();
  if (failed > p_->cdr_failed) {
    const std::string why = cdr_->last_error();
    MGC_LOG(Cdr, Error, "%s: %llu call records not written: %s", p_->cfg.cdr.file.c_str(),
            static_cast<unsigned long long>(failed - p_->cdr_failed), why.c_str());
    alarms_.raise(log::Category::Cdr, "cdr.write",
                  "CDR file " + p_->cfg.cdr.file + ": records not written (" + why + ")");
  } else if (written > p_->cdr_written && alarms_.is_active("cdr.write")) {
    MGC_LOG(Cdr, Notice, "%s: call records written again", p_->cfg.cdr.file.c_str());
    alarms_.clear("cdr.write");
  }
  p_->cdr_failed = failed;
  p_->cdr_written = written;
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

Status Gateway::start(const Config &cfg) {
  p_->cfg = cfg;
  const LayerTimerValues &lt = cfg.layer_timers;
  mgcp::CallAgentConfig mgcp_cfg;
  {
    auto &tx = mgcp_cfg.transactions;
    tx.set(mgcp::TxTimer::RtoInitial, lt.get(LayerTimer::MgcpRtoInitial));
    tx.set(mgcp::TxTimer::RtoMin, lt.get(LayerTimer::MgcpRtoMin));
    tx.set(mgcp::TxTimer::RtoMax, lt.get(LayerTimer::MgcpRtoMax));
    tx.set(mgcp::TxTimer::LongTran, lt.get(LayerTimer::MgcpLongtran));
    tx.set(mgcp::TxTimer::TMax, lt.get(LayerTimer::MgcpTMax));
    tx.set(mgcp::TxTimer::THist, lt.get(LayerTimer::MgcpTHist));
    tx.set(mgcp::TxTimer::FinalWait, lt.get(LayerTimer::MgcpFinalWait));
    tx.max_retransmissions = lt.get(LayerTimer::MgcpMaxRetransmissions);
  }
  h248::TransactionConfig h248_cfg;
  h248_cfg.initial_retransmit_ms = lt.get(LayerTimer::H248InitialRetransmit);
  h248_cfg.max_retransmit_ms = lt.get(LayerTimer::H248MaxRetransmit);
  h248_cfg.t_max_ms = lt.get(LayerTimer::H248TMax);
  h248_cfg.long_timer_ms = lt.get(LayerTimer::H248LongTimer);
  h248_cfg.pending_timer_ms = lt.get(LayerTimer::H248PendingTimer);
  h248_cfg.max_pendings = lt.get(LayerTimer::H248MaxPendings);
  // Our message identifier (H.248.1 §7.2.8 / §8.2.2): the address the H.248 socket is bound to;
  // a peer refuses an empty one ("!/1 []") as a syntax error.
  h248_cfg.own_mid = h248::Mid{h248::Mid::Kind::Ip4, "127.0.0.1", kH248Port};

  // ---- media gateways
  for (const auto &mg : cfg.media_gateways) {
    if (mg.protocol == MediaGatewayProtocol::Mgcp) {
      mgcp::Address gw_addr;
      if (!mgcp::Address::parse(mg.address, mg.port, gw_addr))
        return Status("mgcd.bad_media_gateway_address", 0);
      // The socket exists before the call agent that reads it: the callback finds it here.
      auto adapter = std::make_shared<cc::MgcpMediaGateway *>(nullptr);
      auto transport = std::make_unique<mgcp::UdpTransport>(
          [adapter](const mgcp::Address &from, std::string_view d) {
            if (*adapter)
              (*adapter)->call_agent().receive(from, d);
          });
      mgcp::Address local;
      mgcp::Address::parse("127.0.0.1", 0, local);
      if (Status s = transport->bind(local); !s.ok())
        return s;
      auto mgw = std::make_unique<cc::MgcpMediaGateway>(sched_, *transport, mgcp_cfg);
      mgcp::GatewayConfig g;
      g.domain = mg.domain.empty() ? mg.name : mg.domain;
      g.address = gw_addr;
      // Audit (AUEP) the endpoints the trunk groups use: each rule up to its first placeholder,
      // wildcarded ("rtpbridge/*@mgw", "ds/e1-*@tgw"); a bare "*@domain" is not understood by
      // every gateway (osmo-mgw answers 500). Trunk groups whose rules share that prefix (two
      // groups on one gateway's rtpbridge endpoints) are audited once.
      for (const auto &tg : cfg.trunk_groups) {
        if (tg.media_gateway != mg.name)
          continue;
        std::string ep = tg.endpoint_rule.substr(0, tg.endpoint_rule.find('{')) + "*@" + g.domain;
        if (std::find(g.audit_endpoints.begin(), g.audit_endpoints.end(), ep) ==
            g.audit_endpoints.end())
          g.audit_endpoints.push_back(std::move(ep));
      }
      if (Status s = mgw->call_agent().add_gateway(g); !s.ok())
        return s;
      p_->mg_desc[mg.name] = mg.name + " (mgcp " + mg.address + ":" + std::to_string(mg.port) + ")";
      mgw->call_agent().set_state_observer(
          [this, name = mg.name](std::string_view, mgcp::GatewayState s) {
            if (auto up = reachable(s))
              media_state(name, *up, mgcp::gateway_state_name(s));
          });
      for (const auto &tg : cfg.trunk_groups) {
        if (tg.media_gateway != mg.name)
          continue;
        for (auto [a, b] : tg.cic_ranges) {
          mgcp::TrunkMapping m;
          m.trunk_group = tg.name;
          m.gateway = g.domain;
          m.cic_first = a;
          m.cic_last = b;
          m.rule.pattern = tg.endpoint_rule;
          m.rule.framing = tg.endpoint_framing;
          if (m.rule.framing == mgcp::Framing::Linear) {
            // No spans: {n} is the CIC itself, whatever range it is in, so that several trunk
            // groups (or gateways' controllers) can share one media gateway's numbered endpoints
            // ("rtpbridge/{nx}": CIC 31 is rtpbridge/1f).
            m.rule.cic_base = 0;
            m.rule.first_index = 0;
          }
          if (Status s = mgw->call_agent().add_trunk(m); !s.ok())
            return s;
        }
      }
      *adapter = mgw.get();
      p_->mgcp_gateways.push_back(mgw.get());
      p_->mgcp_by_name[mg.name] = mgw.get();
      p_->mgcp_transports.push_back(std::move(transport));
      p_->media[mg.name] = std::move(mgw);
    } else {
      h248::Address gw_addr;
      if (!h248::Address::parse(mg.address, mg.port, gw_addr))
        return Status("mgcd.bad_media_gateway_address", 0);
      auto transport = std::make_unique<h248::UdpTransport>();
      h248::Address local;
      h248::Address::parse("127.0.0.1", kH248Port, local);
      if (Status s = transport->open(local); !s.ok())
        return s;
      auto mgw = std::make_unique<cc::H248MediaGateway>(sched_, *transport, h248_cfg);
      h248::GatewayConfig g;
      g.name = mg.name;
      g.address = gw_addr;
      g.codec.binary = mg.encoding == H248Encoding::Binary;
      if (Status s = mgw->call_agent().add_gateway(g); !s.ok())
        return s;
      p_->mg_desc[mg.name] = mg.name + " (h248 " + mg.address + ":" + std::to_string(mg.port) + ")";
      mgw->call_agent().set_state_observer(
          [this, name = mg.name](std::string_view, h248::GatewayState s) {
            if (auto up = reachable(s))
              media_state(name, *up, h248::gateway_state_name(s));
          });
      for (const auto &tg : cfg.trunk_groups)
        if (tg.media_gateway == mg.name) {
          h248::TrunkRule r;
          r.trunk_group = tg.name;
          r.gateway = mg.name;
          r.pattern = tg.endpoint_rule;
          if (Status s = mgw->call_agent().add_trunk(r); !s.ok())
            return s;
        }
      p_->h248_by_name[mg.name] = mgw.get();
      p_->h248_transports.push_back(std::move(transport));
      p_->media[mg.name] = std::move(mgw);
    }
  }

  // ---- SS7: ISUP over M3UA (this exchange is an ASP toward the SG / peer)
  const uint32_t own = cfg.ss7.point_code.value_or(0);
  p_->ss7 = std::make_unique<Ss7>(own, cfg.ss7.network_indicator, cfg.ss7.variant);
  sigtran::NodeConfig nc;
  nc.local_pc = own;
  nc.timers.ack = lt.get(LayerTimer::M3uaAck);
  nc.timers.recovery = lt.get(LayerTimer::M3uaRecovery);
  nc.timers.beat = lt.get(LayerTimer::M3uaBeat);
  nc.timers.audit = lt.get(LayerTimer::M3uaAudit);
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
  tc.udp = tc.tcp = tc.tls = false;
  for (const auto &l : cfg.sip.listen) {
    tc.bind_ip = l.address;
    switch (l.transport) {
    case sipt::TransportKind::Udp:
      tc.udp = true;
      tc.udp_port = l.port;
      break;
    case sipt::TransportKind::Tcp:
      tc.tcp = true;
      tc.tcp_port = l.port;
      break;
    case sipt::TransportKind::Tls:
      tc.tls = true;
      tc.tls_port = l.port;
      break;
    }
  }
  tc.tls_cert = cfg.sip.tls_certificate;
  tc.tls_key = cfg.sip.tls_key;
  tc.tls_ca = cfg.sip.tls_ca;
  tc.tls_verify_peer = cfg.sip.tls_verify_client;
  tc.udp_receive_buffer = cfg.sip.udp_receive_buffer;
  tc.udp_send_buffer = cfg.sip.udp_send_buffer;
  p_->sip_transport = std::make_unique<sipt::Transport>(
      tc, sched_, [this](const sipt::Message &m, const sipt::Peer &from) {
        if (p_->sip)
          p_->sip->receive(m, from);
      });
  sipt::UaConfig ua;
  ua.contact_host = tc.bind_ip;
  ua.contact_port = tc.udp_port;
  ua.timers.t1 = lt.get(LayerTimer::SipT1);
  ua.timers.t2 = lt.get(LayerTimer::SipT2);
  ua.timers.t4 = lt.get(LayerTimer::SipT4);
  p_->sip = std::make_unique<Sip>(
      sched_,
      [this](std::string_view b, const sipt::Peer &to) { return p_->sip_transport->send(b, to); },
      ua, tc.bind_ip);
  for (const auto &peer : cfg.sip.peers) {
    SipPeerEntry e;
    e.peer = {peer.name, peer.profile, peer.trusted};
    e.profile.profile = sip_profile(peer.profile);
    e.profile.variant = cfg.ss7.variant;
    e.profile.trusted = peer.trusted;
    e.address.host = peer.address;
    e.address.port = peer.port;
    e.address.transport = peer.transport;
    e.acl = peer.acl;
    p_->sip->add_peer(e);
  }

  // ---- call control
  if (!cfg.cdr.file.empty()) {
    cdr_ = std::make_unique<cc::CdrWriter>(cfg.cdr.file);
    if (!cdr_->ok()) {
      MGC_LOG(Cdr, Error, "%s: cannot open the CDR file: %s", cfg.cdr.file.c_str(),
              cdr_->last_error().c_str());
      return Status("mgcd.cdr_file_not_writable", 0);
    }
    // The writer thread only counts; the loop looks once a second (alarms and log lines are
    // the loop's, DESIGN.md "Event loop and threading").
    p_->cdr_timer = sched_.start(1000, [this] { check_cdr(); });
  }
  cc::CallManagerConfig ccfg;
  ccfg.own_point_code = own;
  ccfg.interworking.variant = cfg.ss7.variant; // the IAM built from an INVITE (T1.113 or Q.763)
  ccfg.timers = cfg.timers;
  calls_ = std::make_unique<cc::CallManager>(ccfg, sched_, *p_->ss7, *p_->sip, cdr_.get());
  calls_->set_alarms(&alarms_);
  for (const auto &tg : cfg.trunk_groups) {
    auto &tracked = p_->tracked[tg.media_gateway];
    if (!tracked)
      tracked = std::make_unique<TrackedMedia>(
          *p_->media.at(tg.media_gateway),
          [this, name = tg.media_gateway] { media_restarted(name); });
    auto &g = calls_->add_trunk_group(tg.name, tg.dpc.value_or(0), tg.hunting, *tracked);
    g.set_glare(tg.glare);
    calls_->set_overlap(tg.name, tg.overlap_min_digits);
    for (auto [a, b] : tg.cic_ranges)
      g.add_range(a, b);
    // Circuits are reset (GRS) when the destination first becomes available (MTP-RESUME).
    calls_->destination_unavailable(tg.dpc.value_or(0));
  }
  for (const auto &peer : cfg.sip.peers)
    calls_->add_sip_peer({peer.name, peer.profile, peer.trusted});
  for (const auto &r : cfg.routes)
    calls_->routing().add(r);
  p_->ss7->attach(*p_->node, *calls_);
  p_->sip->attach(*calls_);

  // ---- go
  if (Status s = p_->sip_transport->start(); !s.ok())
    return s;
  for (auto *m : p_->mgcp_gateways)
    m->call_agent().start();
  if (Status s = p_->m3ua->add(ep); !s.ok())
    return s;
  check_m3ua(); // down until the association and the ASP come up
  return Status::Ok();
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

std::string Gateway::show_peers() const {
  std::string o;
  const Config &cfg = p_->cfg;
  if (p_->sip) {
    for (const auto &e : p_->sip->peers()) {
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
      o += "\n";
    }
    o += "sip: " + std::to_string(p_->sip->refused_unknown_peer()) +
         " INVITEs refused from sources that are no peer\n";
  }
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
      state = s == h248::GatewayState::InService ? "reachable" : "unreachable";
      state += " (" + std::string(h248::gateway_state_name(s)) + ")";
      outstanding = std::to_string(ca.transactions().outstanding());
      extra = ", contexts " + std::to_string(ca.call_count());
    }
    o += "media-gateway " + mg.name + ": " + name_of(kMediaGatewayProtocolNames, mg.protocol) +
         " " + mg.address + ":" + std::to_string(mg.port) + ", " + state +
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
      o += " " + a;
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

bool Gateway::counters(std::string_view layer, const CounterFn &f) const {
  if (layer == "sip") {
    if (p_->sip_transport) {
      each(p_->sip_transport->counters(), "sip.transport", f);
      each(p_->sip_transport->parse_counters(), "sip.parse", f);
    }
    if (p_->sip) {
      each(p_->sip->ua().transactions().counters(), "sip.transactions", f);
      each(p_->sip->ua().counters(), "sip.ua", f);
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
    }
    return true;
  }
  if (layer == "h248") {
    for (const auto &[name, mg] : p_->h248_by_name) {
      const std::string g = "h248." + name;
      each(mg->call_agent().counters(), g + ".call_agent", f);
      each(mg->call_agent().transactions().counters(), g + ".transactions", f);
      each(mg->call_agent().transactions().decode_counters(), g + ".decode", f);
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
    return true;
  }
  if (layer == "call-control") {
    if (calls_)
      each(calls_->counters(), "call-control", f);
    return true;
  }
  return false;
}

} // namespace mgc::gw
