// The Prometheus endpoint of mgcd (metrics.h). Names follow Prometheus's conventions: a `mgc_`
// prefix, base units (seconds), `_total` on counters, one family per kind with the entity in
// labels (trunk_group, sip_peer, media_gateway, way), state sets as one gauge per state (1 for
// the state in force).
#include "gateway/mgcd/metrics.h"

#include "callcontrol/call_manager.h"
#include "callcontrol/media_gateway_state.h"
#include "core/exposition.h"
#include "core/log.h"
#include "gateway/mgcd/gateway.h"
#include "sigtran/m3ua_node.h"

#include <array>
#include <string_view>

namespace mgc::gw {

using core::Exposition;
using core::Label;
using core::MetricType;

namespace {

// Each counter group of Gateway::counters (its name without the media gateway's), what its
// counters count: the HELP of its families.
struct GroupHelp {
  std::string_view group, help;
};
constexpr std::array kGroupHelp{
    GroupHelp{"sip.transport", "SIP transports (RFC 3261 §18)"},
    GroupHelp{"sip.parse", "SIP messages parsed (RFC 3261 §7, §25)"},
    GroupHelp{"sip.transactions", "SIP transactions (RFC 3261 §17)"},
    GroupHelp{"sip.ua", "SIP user agent (RFC 3261 §8, §12)"},
    GroupHelp{"sip.peers", "SIP peers (INVITE source checks)"},
    GroupHelp{"mgcp.call_agent", "MGCP call agent (RFC 3435)"},
    GroupHelp{"mgcp.transactions", "MGCP transactions (RFC 3435 §3.5)"},
    GroupHelp{"mgcp.decode", "MGCP messages decoded (RFC 3435 §3)"},
    GroupHelp{"mgcp.service", "circuits of the MGCP gateway blocked or restored (Q.764 §2.8)"},
    GroupHelp{"h248.call_agent", "H.248.1 MGC"},
    GroupHelp{"h248.transactions", "H.248.1 transactions (§8, Annex D.1)"},
    GroupHelp{"h248.decode", "H.248.1 messages decoded (Annex A, Annex B)"},
    GroupHelp{"h248.service", "circuits of the H.248 gateway blocked or restored (Q.764 §2.8)"},
    GroupHelp{"m3ua.node", "M3UA node (RFC 4666 §4)"},
    GroupHelp{"m3ua.err_tx", "M3UA ERR sent, by error code (RFC 4666 §3.8.1)"},
    GroupHelp{"m3ua.decode", "M3UA messages decoded (RFC 4666 §3)"},
    GroupHelp{"m3ua.transport", "M3UA transports (SCTP, RFC 4960 / RFC 6951; TCP)"},
    GroupHelp{"isup", "ISUP messages sent (Q.764)"},
    GroupHelp{"isup.decode", "ISUP messages decoded (Q.763, Q.764 §2.9.5)"},
    GroupHelp{"isup.destinations", "signalling destinations (Q.764 §2.10, §2.11, §2.13)"},
    GroupHelp{"call-control", "call control"},
};
constexpr std::array<std::string_view, 6> kLayers{"sip",  "mgcp", "h248",
                                                  "m3ua", "isup", "call-control"};

std::string_view help_of(std::string_view group) {
  for (const auto &g : kGroupHelp)
    if (g.group == group)
      return g.help;
  return "mgcd";
}

// "mgcp.osmo-mgw.call_agent" -> family group "mgcp.call_agent", media gateway "osmo-mgw".
void split_group(std::string_view group, std::string &family_group, std::string &media_gateway) {
  const std::size_t first = group.find('.');
  const std::string_view layer = group.substr(0, first);
  if ((layer == "mgcp" || layer == "h248") && first != std::string_view::npos) {
    const std::size_t last = group.rfind('.');
    if (last > first) {
      media_gateway = std::string(group.substr(first + 1, last - first - 1));
      family_group = std::string(layer) + std::string(group.substr(last));
      return;
    }
  }
  family_group = std::string(group);
  media_gateway.clear();
}

std::string family_name(const std::string &group, std::string_view counter) {
  std::string n = "mgc_" + group + "_" + std::string(counter) + "_total";
  for (char &c : n)
    if (c == '.' || c == '-')
      c = '_';
  return n;
}

std::string_view way_name(cc::CallStatistics::Way w) {
  return w == cc::CallStatistics::Way::In ? "in" : "out";
}

void traffic(Exposition &e, std::string_view entity_label, std::string_view entity_help,
             const std::map<cc::CallStatistics::Key, cc::TrafficCounts> &m) {
  const std::string base = "mgc_" + std::string(entity_label);
  const auto seiz = e.family(base + "_seizures_total", MetricType::Counter,
                             "Call attempts that seized the " + std::string(entity_help) +
                                 ", by way (ITU-T E.411 §3; counted as each attempt ends)");
  const auto ans = e.family(base + "_answered_total", MetricType::Counter,
                            "Call attempts answered (E.411 §3: ASR = answered / seizures)");
  const auto eff = e.family(
      base + "_network_effective_total", MetricType::Counter,
      "Call attempts the network completed (E.425 §3: answered, or Q.850 cause 17, 18, 19, 21 "
      "before answer; NER = network_effective / seizures)");
  const auto sec = e.family(base + "_answered_seconds_total", MetricType::Counter,
                            "Answer-to-release time of answered calls, seconds (ACD = "
                            "answered_seconds / answered)");
  for (const auto &[key, t] : m) {
    const std::vector<Label> l{{entity_label, key.first}, {"way", way_name(key.second)}};
    e.sample(seiz, l, static_cast<double>(t.seizures));
    e.sample(ans, l, static_cast<double>(t.answered));
    e.sample(eff, l, static_cast<double>(t.network_effective));
    e.sample(sec, l, t.answered_seconds);
  }
}

} // namespace

MetricsEndpoint::MetricsEndpoint(core::Scheduler &sched, Gateway &gateway)
    : sched_(sched), gw_(gateway) {}

bool MetricsEndpoint::apply(const MetricsConfig &next, std::vector<std::string> &out) {
  if (next == cfg_ && (next.address.empty() || server_))
    return true;
  if (next.address.empty()) {
    server_.reset();
    cfg_ = next;
    out.push_back("metrics: endpoint closed");
    MGC_LOG(Main, Notice, "metrics: endpoint closed");
    return true;
  }
  core::Address at;
  const std::string where = next.address + " port " + std::to_string(next.port);
  if (!core::Address::parse(next.address, next.port, at)) {
    out.push_back("metrics: bind " + where + ": not an address");
    return false;
  }
  auto server = std::make_unique<core::HttpServer>(
      sched_, [this](const core::HttpRequest &r) { return handle(r); });
  if (Status s = server->listen(at); !s.ok()) {
    out.push_back("metrics: bind " + where + ": not opened (" + std::string(s.detail()) + ", " +
                  std::to_string(s.code()) + ")");
    MGC_LOG(Main, Error, "metrics: cannot listen on %s: %.*s (errno %d)", where.c_str(),
            int(s.detail().size()), s.detail().data(), s.code());
    return false;
  }
  server_ = std::move(server); // the one bound before (if any) closes here
  cfg_ = next;
  const std::string local = server_->local().to_string();
  out.push_back("metrics: serving /metrics on " + local);
  MGC_LOG(Main, Notice, "metrics: serving /metrics on %s", local.c_str());
  return true;
}

std::string MetricsEndpoint::show() const {
  if (!server_)
    return "metrics endpoint off (metrics / bind ADDR PORT)\n";
  const auto &k = server_->counters();
  std::string o = "metrics endpoint on " + server_->local().to_string() + ", " +
                  std::to_string(server_->connections()) + " connections\n  scrapes " +
                  std::to_string(scrapes_);
  k.for_each([&](std::string_view n, uint64_t v) {
    o += ", " + std::string(n) + " " + std::to_string(v);
  });
  return o + "\n";
}

core::HttpResponse MetricsEndpoint::handle(const core::HttpRequest &req) {
  core::HttpResponse r;
  if (req.method != "GET" && req.method != "HEAD") {
    r.status = 405; // RFC 9110 §15.5.6: with the methods that are allowed
    r.extra_headers = "Allow: GET, HEAD\r\n";
    return r;
  }
  const std::string_view path = req.target.substr(0, req.target.find('?'));
  if (path == "/metrics") {
    ++scrapes_;
    r.content_type = std::string(Exposition::kContentType);
    r.body = render();
  } else if (path == "/") {
    r.body = "mgcd: metrics for Prometheus at /metrics\n";
  } else {
    r.status = 404;
    r.body = "not found\n";
  }
  return r;
}

std::string MetricsEndpoint::render() const {
  Exposition e;
  // ---- every counter of every layer, as `show <layer> counters` lists them
  for (std::string_view layer : kLayers) {
    gw_.counters(layer, [&](std::string_view group, std::string_view name, uint64_t v) {
      std::string fam_group, mg;
      split_group(group, fam_group, mg);
      const std::string help = std::string(help_of(fam_group)) + ": " + std::string(name) +
                               " (show " + std::string(layer) + " counters)";
      const auto f = e.family(family_name(fam_group, name), MetricType::Counter, help);
      if (mg.empty())
        e.sample(f, {}, static_cast<double>(v));
      else
        e.sample(f, {{"media_gateway", mg}}, static_cast<double>(v));
    });
  }
  cc::CallManager *calls = const_cast<Gateway &>(gw_).calls();
  if (calls) {
    // ---- calls and overload
    e.sample(
        e.family("mgc_calls_up", MetricType::Gauge, "Calls in progress (in setup or answered)"), {},
        static_cast<double>(calls->active_calls()));
    e.sample(e.family("mgc_calls_in_setup", MetricType::Gauge,
                      "Calls not yet answered (an overload measure, DESIGN.md Overload)"),
             {}, static_cast<double>(calls->calls_in_setup()));
    e.sample(e.family("mgc_overload_level", MetricType::Gauge,
                      "Machine congestion level 0-3 (DESIGN.md Overload; Q.764 §2.11 ACC)"),
             {}, calls->congestion_level());
    // ---- circuits by state per trunk group, each circuit counted once: blocked by this
    // exchange (Q.764 §2.8, maintenance or hardware), else blocked by the far end, else its
    // call state (Q.764 §2.1-2.3 seen from the circuit)
    const auto circ = e.family(
        "mgc_circuits", MetricType::Gauge,
        "Circuits of each trunk group by state: idle, busy_in, busy_out, transient (releasing or "
        "resetting), blocked_local, blocked_remote (Q.764 §2.8)");
    for (cc::CircuitGroup *g : calls->trunk_groups()) {
      std::array<double, 6> n{};
      for (const auto &c : g->circuits()) {
        const auto &b = c.blocking;
        if (b.local_maintenance || b.local_hardware)
          ++n[4];
        else if (b.remote_maintenance || b.remote_hardware)
          ++n[5];
        else if (c.call == cc::CircuitCall::Idle)
          ++n[0];
        else if (c.call == cc::CircuitCall::IncomingBusy)
          ++n[1];
        else if (c.call == cc::CircuitCall::OutgoingBusy)
          ++n[2];
        else
          ++n[3];
      }
      static constexpr std::array<std::string_view, 6> kStates{
          "idle", "busy_in", "busy_out", "transient", "blocked_local", "blocked_remote"};
      for (std::size_t i = 0; i < kStates.size(); ++i)
        e.sample(circ, {{"trunk_group", g->name()}, {"state", kStates[i]}}, n[i]);
    }
    // ---- ASR / NER / ACD and delays. Every trunk group and SIP peer configured has its series
    // from the start, at zero, so that increase() over a window sees its first calls.
    const cc::CallStatistics &st = calls->statistics();
    using Way = cc::CallStatistics::Way;
    auto tgs = st.trunk_groups();
    for (cc::CircuitGroup *g : calls->trunk_groups())
      for (Way w : {Way::In, Way::Out})
        tgs.try_emplace({g->name(), w});
    auto peers = st.sip_peers();
    for (const auto &p : gw_.health().sip_peers)
      for (Way w : {Way::In, Way::Out})
        peers.try_emplace({p.name, w});
    traffic(e, "trunk_group", "trunk group", tgs);
    traffic(e, "sip_peer", "SIP peer", peers);
    const auto setup = e.family("mgc_setup_delay_seconds", MetricType::Histogram,
                                "INVITE or IAM received to answer, answered calls (E.721 §2)");
    const auto pdd = e.family("mgc_post_dial_delay_seconds", MetricType::Histogram,
                              "INVITE or IAM received to the first backward message (ACM, "
                              "180/183 or answer; E.721 §2)");
    for (std::size_t d = 0; d < cc::CallStatistics::kDirections.size(); ++d) {
      const std::vector<Label> l{{"direction", cc::CallStatistics::kDirections[d]}};
      e.histogram(setup, l, st.setup_delay(d));
      e.histogram(pdd, l, st.post_dial_delay(d));
    }
  }
  // ---- SIP peers, media gateways, M3UA
  const Gateway::Health h = gw_.health();
  const auto peer_up = e.family("mgc_sip_peer_up", MetricType::Gauge,
                                "1 if the SIP peer takes calls (configured, not resting after a "
                                "503 with Retry-After, RFC 3261 §21.5.4)");
  double peers_up = 0;
  for (const auto &p : h.sip_peers) {
    e.sample(peer_up, {{"sip_peer", p.name}}, p.up ? 1 : 0);
    peers_up += p.up;
  }
  e.sample(e.family("mgc_sip_peers_up", MetricType::Gauge, "SIP peers that take calls"), {},
           peers_up);
  const auto mg_state = e.family("mgc_media_gateway_state", MetricType::Gauge,
                                 "1 for the media gateway's protocol state as its call agent "
                                 "names it (RFC 3435 §4.4.6, H.248.1 §7.2.8)");
  const auto mg_service = e.family(
      "mgc_media_gateway_service", MetricType::Gauge,
      "1 for the service of the media gateway's circuits: in-service, draining, out-of-service");
  for (const auto &m : h.media_gateways) {
    e.sample(mg_state, {{"media_gateway", m.name}, {"protocol", m.protocol}, {"state", m.state}},
             1);
    for (const auto &row : cc::kMgServiceNames)
      e.sample(mg_service, {{"media_gateway", m.name}, {"service", row.name}},
               m.service && *m.service == row.value ? 1 : 0);
  }
  if (!h.asp_state.empty()) {
    const auto asp = e.family("mgc_m3ua_asp_state", MetricType::Gauge,
                              "1 for the state of the M3UA ASP link0 (RFC 4666 §4.3.1)");
    for (const auto &row : sigtran::kAspStateNames)
      e.sample(asp, {{"link", "link0"}, {"state", row.name}}, row.name == h.asp_state ? 1 : 0);
    const auto as = e.family("mgc_m3ua_as_state", MetricType::Gauge,
                             "1 for the state of the M3UA AS as0 (RFC 4666 §4.3.1)");
    for (const auto &row : sigtran::kAsStateNames)
      e.sample(as, {{"as", "as0"}, {"state", row.name}}, row.name == h.as_state ? 1 : 0);
  }
  // ---- the endpoint itself
  if (server_)
    server_->counters().for_each([&](std::string_view n, uint64_t v) {
      e.sample(e.family("mgc_http_" + std::string(n) + "_total", MetricType::Counter,
                        "metrics endpoint: " + std::string(n)),
               {}, static_cast<double>(v));
    });
  return e.text();
}

} // namespace mgc::gw
