// MediaGateway over MGCP (RFC 3435): CRCX/MDCX/DLCX through the mgcp layer's call agent, circuits
// named by the trunk group's endpoint rule (RFC 3435 §2.1.1 / RFC 3660).
#pragma once

#include "callcontrol/media_gateway.h"
#include "mgcp/call_agent.h"

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace mgc::cc {

class MgcpMediaGateway final : public MediaGateway, private mgcp::CallAgentListener {
public:
  MgcpMediaGateway(mgcp::Scheduler &sched, mgcp::Transport &transport,
                   mgcp::CallAgentConfig config = {});

  // Gateways and trunk mappings are added here; received datagrams are fed here.
  mgcp::CallAgent &call_agent() { return ca_; }

  void set_listener(Listener *l) override { listener_ = l; }
  void connect(std::string_view trunk_group, uint16_t cic, std::string_view remote_sdp,
               MediaMode mode, Connected done) override;
  void modify(Handle h, std::optional<MediaMode> mode, std::string_view remote_sdp,
              Modified done) override;
  void loopback(std::string_view trunk_group, uint16_t cic, Connected done) override;
  void release(Handle h, Done done) override;

private:
  void on_connection_lost(mgcp::ConnectionHandle h, int reason) override;
  void on_gateway_restart(std::string_view gateway, std::string_view endpoints,
                          mgcp::RestartMethod method, uint32_t delay_s) override;

  // A circuit is hunted again as soon as its call has ended, but its endpoint is free only once
  // the gateway has deleted the old connection: a DS0, or an osmo-mgw rtpbridge endpoint, serves
  // one call ("already seized by other call"), and UDP may deliver the DLCX after the next CRCX
  // (RFC 3435 §3.5 orders nothing across transactions). So a connection is created on an
  // endpoint only once every DLCX sent for it has been answered (or has given up).
  struct Releasing {
    unsigned outstanding = 0;                 // DLCX not answered yet
    std::vector<std::function<void()>> waiting; // connects queued behind them, in order
  };
  void when_free(const std::string &endpoint, std::function<void()> op);
  void released(const std::string &endpoint);

  mgcp::CallAgent ca_;
  Listener *listener_ = nullptr;
  std::unordered_map<std::string, Releasing> releasing_;
};

} // namespace mgc::cc
