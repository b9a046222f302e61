// MediaGateway over H.248.1 (ITU-T H.248.1 / RFC 3525): a call is one context with the circuit's
// TDM termination (named by the trunk group's rule) and an ephemeral RTP termination; Add,
// Modify and Subtract go through the h248 layer's call agent.
#pragma once

#include "callcontrol/media_gateway.h"
#include "h248/call_agent.h"

namespace mgc::cc {

class H248MediaGateway final : public MediaGateway, private h248::CallAgentListener {
public:
  H248MediaGateway(h248::Scheduler &sched, h248::Transport &transport,
                   h248::TransactionConfig config);

  h248::CallAgent &call_agent() { return ca_; }

  void set_listener(Listener *l) override { listener_ = l; }
  void connect(std::string_view trunk_group, uint16_t cic, std::string_view remote_sdp,
               MediaMode mode, Connected done) override;
  void modify(Handle h, std::optional<MediaMode> mode, std::string_view remote_sdp,
              Modified done) override;
  void loopback(std::string_view trunk_group, uint16_t cic, Connected done) override;
  void release(Handle h, Done done) override;

private:
  void on_call_lost(h248::CallHandle h, uint16_t code) override;
  void on_gateway_restart(std::string_view gateway, h248::ServiceChangeMethod method,
                          std::string_view reason) override;

  h248::CallAgent ca_;
  Listener *listener_ = nullptr;
};

} // namespace mgc::cc
