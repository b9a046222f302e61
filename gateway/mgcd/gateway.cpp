#include "gateway/mgcd/gateway.h"

#include "callcontrol/media/h248_media_gateway.h"
#include "callcontrol/media/mgcp_media_gateway.h"
#include "gateway/mgcd/sip.h"
#include "gateway/mgcd/ss7.h"
#include "sigtran/osmo_clock.h"
#include "sigtran/transport.h"
#include "sipt/transport.h"

#include <map>

namespace mgc::gw {

struct Gateway::Parts {
  // SS7
  std::unique_ptr<Ss7> ss7;
  sigtran::OsmoClock clock;
  std::unique_ptr<sigtran::Node> node;
  std::unique_ptr<sigtran::Transports> m3ua;
  // SIP
  sipt::OsmoTimers sip_timers;
  std::unique_ptr<sipt::Transport> sip_transport;
  std::unique_ptr<Sip> sip;
  // media
  mgcp::OsmoScheduler mgcp_sched;
  h248::OsmoScheduler h248_sched;
  std::vector<std::unique_ptr<mgcp::UdpTransport>> mgcp_transports;
  std::vector<std::unique_ptr<h248::UdpTransport>> h248_transports;
  std::map<std::string, std::unique_ptr<cc::MediaGateway>> media; // by media-gateway name
  std::vector<cc::MgcpMediaGateway *> mgcp_gateways;
};

Gateway::Gateway() : p_(std::make_unique<Parts>()) {}
Gateway::~Gateway() {
  calls_.reset(); // calls first: they hold legs, media handles and timers
  p_.reset();
}

namespace {
sipt::Profile sip_profile(const std::string &p) {
  return p == "sip-t" ? sipt::Profile::SipT : p == "sip-i" ? sipt::Profile::SipI : sipt::Profile::Sip;
}
cc::SipProfile cc_profile(const std::string &p) {
  return p == "sip-t" ? cc::SipProfile::SipT : p == "sip-i" ? cc::SipProfile::SipI : cc::SipProfile::Plain;
}
mgcp::Framing framing(const std::string &f) {
  return f == "t1" ? mgcp::Framing::T1 : f == "linear" ? mgcp::Framing::Linear : mgcp::Framing::E1;
}
} // namespace

Status Gateway::start(const Config &cfg) {
  // ---- media gateways
  for (const auto &mg : cfg.media_gateways) {
    if (mg.protocol == "mgcp") {
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
      auto mgw = std::make_unique<cc::MgcpMediaGateway>(p_->mgcp_sched, *transport);
      mgcp::GatewayConfig g;
      g.domain = mg.domain.empty() ? mg.name : mg.domain;
      g.address = gw_addr;
      // Audit (AUEP) the endpoints the trunk groups use: each rule up to its first placeholder,
      // wildcarded ("rtpbridge/*@mgw", "ds/e1-*@tgw"); a bare "*@domain" is not understood by
      // every gateway (osmo-mgw answers 500).
      for (const auto &tg : cfg.trunk_groups)
        if (tg.media_gateway == mg.name)
          g.audit_endpoints.push_back(tg.endpoint_rule.substr(0, tg.endpoint_rule.find('{')) +
                                      "*@" + g.domain);
      if (Status s = mgw->call_agent().add_gateway(g); !s.ok())
        return s;
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
          m.rule.framing = framing(tg.endpoint_framing);
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
      p_->mgcp_transports.push_back(std::move(transport));
      p_->media[mg.name] = std::move(mgw);
    } else {
      h248::Address gw_addr;
      if (!h248::Address::parse(mg.address, mg.port, gw_addr))
        return Status("mgcd.bad_media_gateway_address", 0);
      auto transport = std::make_unique<h248::UdpTransport>();
      h248::Address local;
      h248::Address::parse("127.0.0.1", 2944, local);
      if (Status s = transport->open(local); !s.ok())
        return s;
      auto mgw = std::make_unique<cc::H248MediaGateway>(p_->h248_sched, *transport,
                                                        h248::TransactionConfig{});
      h248::GatewayConfig g;
      g.name = mg.name;
      g.address = gw_addr;
      g.codec.binary = mg.encoding == "binary";
      if (Status s = mgw->call_agent().add_gateway(g); !s.ok())
        return s;
      for (const auto &tg : cfg.trunk_groups)
        if (tg.media_gateway == mg.name) {
          h248::TrunkRule r;
          r.trunk_group = tg.name;
          r.gateway = mg.name;
          r.pattern = tg.endpoint_rule;
          if (Status s = mgw->call_agent().add_trunk(r); !s.ok())
            return s;
        }
      p_->h248_transports.push_back(std::move(transport));
      p_->media[mg.name] = std::move(mgw);
    }
  }

  // ---- SS7: ISUP over M3UA (this exchange is an ASP toward the SG / peer)
  const uint32_t own = cfg.ss7.point_code.value_or(0);
  p_->ss7 = std::make_unique<Ss7>(own, cfg.ss7.network_indicator, cfg.ss7.variant);
  sigtran::NodeConfig nc;
  nc.local_pc = own;
  sigtran::AsConfig as;
  as.name = "as0";
  as.routing_context = cfg.m3ua.routing_context.value_or(0);
  as.send_rc = cfg.m3ua.routing_context.has_value();
  as.mode = cfg.m3ua.traffic_mode == "loadshare"   ? sigtran::m3ua::TrafficMode::Loadshare
            : cfg.m3ua.traffic_mode == "broadcast" ? sigtran::m3ua::TrafficMode::Broadcast
                                                   : sigtran::m3ua::TrafficMode::Override;
  nc.ases.push_back(as);
  sigtran::LinkConfig link;
  link.name = "link0";
  if (!sigtran::role_by_name(cfg.m3ua.role, link.role))
    link.role = sigtran::Role::Asp;
  link.ases = {0};
  nc.links.push_back(link);
  for (const auto &r : cfg.m3ua.routes)
    nc.routes.push_back({r.dpc, 0xffffff, 0, r.priority});
  p_->node = std::make_unique<sigtran::Node>(nc, p_->clock, *p_->ss7);
  p_->m3ua = std::make_unique<sigtran::Transports>(*p_->node);
  sigtran::EndpointConfig ep;
  if (!sigtran::transport_by_name(cfg.m3ua.transport == "usrsctp-udp"   ? "sctp-udp"
                                  : cfg.m3ua.transport == "usrsctp-raw" ? "sctp-raw"
                                  : cfg.m3ua.transport == "kernel-sctp" ? "sctp-kernel"
                                                                         : "tcp",
                                  ep.proto))
    ep.proto = sigtran::TransportProto::Tcp;
  ep.server = cfg.m3ua.role == "sgp";
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
    if (l.transport == "udp") {
      tc.udp = true;
      tc.udp_port = l.port;
    } else if (l.transport == "tcp") {
      tc.tcp = true;
      tc.tcp_port = l.port;
    } else {
      tc.tls = true;
      tc.tls_port = l.port;
    }
  }
  tc.tls_cert = cfg.sip.tls_certificate;
  tc.tls_key = cfg.sip.tls_key;
  tc.tls_ca = cfg.sip.tls_ca;
  tc.tls_verify_peer = cfg.sip.tls_verify_client;
  p_->sip_transport = std::make_unique<sipt::Transport>(
      tc, p_->sip_timers, [this](const sipt::Message &m, const sipt::Peer &from) {
        if (p_->sip)
          p_->sip->receive(m, from);
      });
  sipt::UaConfig ua;
  ua.contact_host = tc.bind_ip;
  ua.contact_port = tc.udp_port;
  p_->sip = std::make_unique<Sip>(
      p_->sip_timers,
      [this](std::string_view b, const sipt::Peer &to) { return p_->sip_transport->send(b, to); },
      ua, tc.bind_ip);
  for (const auto &peer : cfg.sip.peers) {
    SipPeerEntry e;
    e.peer = {peer.name, cc_profile(peer.profile), peer.trusted};
    e.profile.profile = sip_profile(peer.profile);
    e.profile.variant = cfg.ss7.variant;
    e.profile.trusted = peer.trusted;
    e.address.host = peer.address;
    e.address.port = peer.port;
    e.address.transport = peer.transport == "tcp"   ? sipt::TransportKind::Tcp
                          : peer.transport == "tls" ? sipt::TransportKind::Tls
                                                    : sipt::TransportKind::Udp;
    e.acl = peer.acl;
    p_->sip->add_peer(e);
  }

  // ---- call control
  if (!cfg.cdr.file.empty()) {
    cdr_ = std::make_unique<cc::CdrWriter>(cfg.cdr.file);
    if (!cdr_->ok())
      return Status("mgcd.cdr_file_not_writable", 0);
  }
  cc::CallManagerConfig ccfg;
  ccfg.own_point_code = own;
  ccfg.timers = cfg.timers;
  calls_ = std::make_unique<cc::CallManager>(ccfg, sched_, *p_->ss7, *p_->sip, cdr_.get());
  for (const auto &tg : cfg.trunk_groups) {
    auto &g = calls_->add_trunk_group(tg.name, tg.dpc.value_or(0), tg.hunting,
                                      *p_->media.at(tg.media_gateway));
    for (auto [a, b] : tg.cic_ranges)
      g.add_range(a, b);
    // Circuits are reset (GRS) when the destination first becomes available (MTP-RESUME).
    calls_->destination_unavailable(tg.dpc.value_or(0));
  }
  for (const auto &peer : cfg.sip.peers)
    calls_->add_sip_peer({peer.name, cc_profile(peer.profile), peer.trusted});
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
  return Status::Ok();
}

std::string Gateway::show_m3ua() const { return p_->node ? p_->node->show() : std::string(); }

} // namespace mgc::gw
