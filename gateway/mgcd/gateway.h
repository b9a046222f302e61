// mgcd assembled from its config: the M3UA node and its transports (SS7 side), the SIP
// transports and user agent (SIP side), one call agent per media gateway (MGCP or H.248), and
// call control joining them, all on the one libosmocore loop (DESIGN.md "Event loop"). It
// raises and clears the process's alarms as its parts see them (DESIGN.md "Logging and alarms").
#pragma once

#include "callcontrol/call_manager.h"
#include "callcontrol/cdr.h"
#include "gateway/mgcd/cdr_service.h"
#include "callcontrol/media_gateway_state.h"
#include "core/alarms.h"
#include "core/osmo_scheduler.h"
#include "core/overload.h"
#include "gateway/mgcd/config.h"

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mgc::gw {

class MetricsEndpoint;

class Gateway {
public:
  explicit Gateway(core::Alarms &alarms);
  ~Gateway();
  // Builds and starts everything; a failure leaves nothing running and says why.
  Status start(const Config &cfg);
  cc::CallManager *calls() { return calls_.get(); }
  // Live configuration (DESIGN.md "Live configuration"): applies what differs between the
  // configuration in force and `next` without ending any call — routes, SIP peers, ISUP timers,
  // trunk groups on running media gateways and their CIC ranges (removed circuits drain), hunting,
  // glare and overlap. What cannot change while running (addresses, M3UA, SS7, media gateways,
  // a trunk group's DPC, media gateway or endpoint rule, layer timers, the CDR file) is left as
  // it is and named. One line per change; running() is then what is in force.
  std::vector<std::string> apply(const Config &next);
  const Config &running() const;
  std::string show_m3ua() const;
  // `show overload`: the machine congestion level, what each measure says, new calls refused.
  std::string show_overload() const;
  // `show peers`: every SIP peer and media gateway, and the M3UA peer, one block each.
  std::string show_peers() const;
  // The SIP peers' part of show_peers(): address, profile, calls, session timer, keepalive state.
  std::string show_sip_peers() const;
  // `show media-gateways`: each gateway's protocol state, the service of its circuits (blocked
  // while it is out of service), its last restart and its keepalive.
  std::string show_media_gateways() const;
  // `show sip listeners`: each listener as configured, the address it is bound to, connections.
  std::string show_sip_listeners() const;
  // "gateway: in service" or shut down: draining (calls up), or drained (SIP listeners closed).
  std::string show_shutdown() const;
  // The counters of one layer ("sip", "mgcp", "h248", "m3ua", "isup", "call-control"), as
  // f(group, name, value), in each layer's declaration order. False: no such layer.
  using CounterFn = std::function<void(std::string_view group, std::string_view name, uint64_t v)>;
  bool counters(std::string_view layer, const CounterFn &f) const;
  // `show cdr` and `cdr rotate` / SIGHUP (gateway/mgcd/cdr_service.h).
  std::string show_cdr() const { return cdr_ ? cdr_->show() : std::string(); }
  void rotate_cdr() {
    if (cdr_)
      cdr_->rotate();
  }
  // The state of the parts monitoring watches (metrics.h): SIP peers, media gateways, M3UA.
  struct Health {
    struct SipPeer {
      std::string name;
      bool up = false; // configured, and not resting after a 503 with Retry-After
    };
    struct MediaGateway {
      std::string name, protocol, state; // state: the call agent's name for it
      std::optional<cc::MgService> service; // its circuits' service; none: not yet known
    };
    std::vector<SipPeer> sip_peers;
    std::vector<MediaGateway> media_gateways;
    std::string asp_state, as_state; // RFC 4666 §4.3.1 names; empty: no M3UA node
  };
  Health health() const;
  // The metrics endpoint (metrics.h), once started; null while not configured.
  const MetricsEndpoint *metrics() const { return metrics_.get(); }

private:
  // Call admission and dry-up (issue 15), at start (cur null) and live.
  std::vector<std::string> apply_traffic(const Config &next, Config *cur);
  void apply_sip_listeners(const std::vector<SipListen> &next, std::vector<SipListen> &cur,
                           std::vector<std::string> &out);
  // The whole gateway shut down or back (the `gateway` node): its listeners close once drained.
  void check_drained();
  void open_sip_listeners(bool open);
  // Peers' limits and shutdown; `was`/`will`: the gateway's own shutdown before and after
  // (a peer is shut down when it or the gateway is).
  std::vector<std::string> apply_peer_traffic(const std::deque<SipPeerConfig> &next,
                                              const std::deque<SipPeerConfig> *cur,
                                              const GatewayShutdown &was,
                                              const GatewayShutdown &will);
  struct Parts;
  // The process's one scheduler: every layer's timers run on it. Declared first, so it is
  // destroyed last, after every part that still stops its timers while going away.
  core::OsmoScheduler sched_;
  // Alarms: the M3UA ASP and AS as the node's management indications leave them, a media
  // gateway's reachability and restarts, the CDR file.
  void check_m3ua();
  void media_state(const std::string &name, bool reachable, std::string_view state);
  void media_restarted(const std::string &name);
  // The gateway's circuits follow its state: blocked toward the far exchange while it is out of
  // service or draining, unblocked or reset when it is back (callcontrol/media_gateway_state.h).
  void media_service(const std::string &name, std::optional<cc::MgService> s, std::string_view why);
  // Overload (DESIGN.md "Overload"): every 100 ms, how late this sample came (the event loop's
  // lag), the calls in setup, the CPU used; the level goes to call control, which sheds by it.
  void sample_load();
  // A media gateway's call agent on its protocol's shared socket (opened if it is the first on
  // that local address), its MGCP audit endpoints from `trunk_groups`, and with `with_trunks`
  // their endpoint rules and CIC ranges (at a live addition the trunk groups come after).
  Status add_media_gateway(const MediaGatewayConfig &mg,
                           const std::deque<TrunkGroupConfig> &trunk_groups, bool with_trunks);
  // A media gateway taken out of the configuration goes once its trunk groups have no call and
  // its call agent no connection; its socket closes with the last gateway on it (live config).
  void close_idle_media_gateways();
  // A trunk group in call control on its media gateway (no circuits yet).
  cc::CircuitGroup &add_trunk_group(const TrunkGroupConfig &tg);
  core::Alarms &alarms_;
  std::unique_ptr<Parts> p_;
  std::unique_ptr<CdrService> cdr_;
  std::unique_ptr<cc::CallManager> calls_;
  // Declared last: destroyed first, while what it reads is still there.
  std::unique_ptr<MetricsEndpoint> metrics_;
};

} // namespace mgc::gw
