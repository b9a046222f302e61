// MediaGateway over MGCP (RFC 3435): CRCX/MDCX/DLCX through the mgcp layer's call agent, circuits
// named by the trunk group's endpoint rule (RFC 3435 §2.1.1 / RFC 3660).
#pragma once

#include "callcontrol/media_gateway.h"
#include "mgcp/call_agent.h"

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

  mgcp::CallAgent ca_;
  Listener *listener_ = nullptr;
};

} // namespace mgc::cc
