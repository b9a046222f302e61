#include "callcontrol/media/mgcp_media_gateway.h"

namespace mgc::cc {

namespace {
mgcp::ConnectionMode to_mgcp(MediaMode m) {
  switch (m) {
  case MediaMode::Inactive: return mgcp::ConnectionMode::Inactive;
  case MediaMode::SendOnly: return mgcp::ConnectionMode::SendOnly;
  case MediaMode::RecvOnly: return mgcp::ConnectionMode::RecvOnly;
  case MediaMode::SendRecv: return mgcp::ConnectionMode::SendRecv;
  }
  return mgcp::ConnectionMode::SendRecv;
}
} // namespace

MgcpMediaGateway::MgcpMediaGateway(mgcp::Scheduler &sched, mgcp::Transport &transport,
                                   mgcp::CallAgentConfig config)
    : ca_(sched, transport, *this, std::move(config)) {}

void MgcpMediaGateway::connect(std::string_view trunk_group, uint16_t cic,
                               std::string_view remote_sdp, MediaMode mode, Connected done) {
  const auto endpoint = ca_.endpoint_for(trunk_group, cic);
  if (!endpoint) {
    done(Status("cc.media.no_endpoint_for_circuit", 500), 0, {});
    return;
  }
  mgcp::ConnectRequest req;
  req.endpoint = *endpoint;
  req.mode = to_mgcp(mode);
  req.remote_sdp = std::string(remote_sdp);
  when_free(*endpoint, [this, req = std::move(req), done = std::move(done)]() mutable {
    ca_.connect(std::move(req), [done = std::move(done)](const mgcp::ConnectResult &r) {
      done(r.status, r.handle, r.local_sdp);
    });
  });
}

void MgcpMediaGateway::when_free(const std::string &endpoint, std::function<void()> op) {
  if (auto it = releasing_.find(endpoint); it != releasing_.end())
    it->second.waiting.push_back(std::move(op));
  else
    op();
}

void MgcpMediaGateway::released(const std::string &endpoint) {
  auto it = releasing_.find(endpoint);
  if (it == releasing_.end() || --it->second.outstanding > 0)
    return;
  auto waiting = std::move(it->second.waiting);
  releasing_.erase(it);
  for (auto &op : waiting)
    op();
}

void MgcpMediaGateway::modify(Handle h, std::optional<MediaMode> mode, std::string_view remote_sdp,
                              Modified done) {
  mgcp::ModifyRequest req;
  if (mode)
    req.mode = to_mgcp(*mode);
  req.remote_sdp = std::string(remote_sdp);
  ca_.modify(h, std::move(req), [done = std::move(done)](const mgcp::ModifyResult &r) {
    done(r.status, r.local_sdp);
  });
}

void MgcpMediaGateway::loopback(std::string_view trunk_group, uint16_t cic, Connected done) {
  const auto endpoint = ca_.endpoint_for(trunk_group, cic);
  if (!endpoint) {
    done(Status("cc.media.no_endpoint_for_circuit", 500), 0, {});
    return;
  }
  // RFC 3435 §2.3.5 "loopback" mode: the circuit is looped back at the gateway for the far
  // exchange's continuity tone (Q.724 §7).
  when_free(*endpoint, [this, endpoint = *endpoint, done = std::move(done)]() mutable {
    ca_.loopback(endpoint, mgcp::ConnectionMode::Loopback, {},
                 [done = std::move(done)](const mgcp::ConnectResult &r) {
                   done(r.status, r.handle, r.local_sdp);
                 });
  });
}

void MgcpMediaGateway::release(Handle h, Done done) {
  std::string endpoint;
  if (auto it = ca_.connections().find(h); it != ca_.connections().end())
    endpoint = it->second.endpoint();
  if (!endpoint.empty())
    ++releasing_[endpoint].outstanding;
  ca_.release(h, [this, endpoint, done = std::move(done)](const mgcp::ReleaseResult &r) {
    done(r.status);
    if (!endpoint.empty())
      released(endpoint);
  });
}

void MgcpMediaGateway::on_connection_lost(mgcp::ConnectionHandle h, int) {
  if (listener_)
    listener_->on_media_lost(h);
}

void MgcpMediaGateway::on_gateway_restart(std::string_view gateway, std::string_view,
                                          mgcp::RestartMethod, uint32_t) {
  if (listener_)
    listener_->on_gateway_restart(gateway);
}

} // namespace mgc::cc
