#include "callcontrol/media/h248_media_gateway.h"

namespace mgc::cc {

namespace {
h248::StreamMode to_h248(MediaMode m) {
  switch (m) {
  case MediaMode::Inactive: return h248::StreamMode::Inactive;
  case MediaMode::SendOnly: return h248::StreamMode::SendOnly;
  case MediaMode::RecvOnly: return h248::StreamMode::RecvOnly;
  case MediaMode::SendRecv: return h248::StreamMode::SendRecv;
  }
  return h248::StreamMode::SendRecv;
}
} // namespace

H248MediaGateway::H248MediaGateway(h248::Scheduler &sched, h248::Transport &transport,
                                   h248::TransactionConfig config)
    : ca_(sched, transport, *this, std::move(config)) {}

void H248MediaGateway::connect(std::string_view trunk_group, uint16_t cic,
                               std::string_view remote_sdp, MediaMode mode, Connected done) {
  h248::ConnectRequest req;
  req.trunk_group = std::string(trunk_group);
  req.cic = cic;
  req.mode = to_h248(mode);
  req.remote_sdp = std::string(remote_sdp);
  ca_.connect(std::move(req), [done = std::move(done)](const h248::ConnectResult &r) {
    done(r.status, r.handle, r.local_sdp);
  });
}

void H248MediaGateway::modify(Handle h, std::optional<MediaMode> mode, std::string_view remote_sdp,
                              Modified done) {
  h248::ModifyRequest req;
  if (mode)
    req.mode = to_h248(*mode);
  req.remote_sdp = std::string(remote_sdp);
  ca_.modify(h, std::move(req), [done = std::move(done)](const h248::Result &r) {
    done(r.status, r.local_sdp);
  });
}

void H248MediaGateway::loopback(std::string_view trunk_group, uint16_t cic, Connected done) {
  ca_.loopback(std::string(trunk_group), cic,
               [done = std::move(done)](const h248::ConnectResult &r) {
                 done(r.status, r.handle, r.local_sdp);
               });
}

void H248MediaGateway::release(Handle h, Done done) {
  ca_.release(h, [done = std::move(done)](const h248::Result &r) { done(r.status); });
}

void H248MediaGateway::on_call_lost(h248::CallHandle h, uint16_t) {
  if (listener_)
    listener_->on_media_lost(h);
}

void H248MediaGateway::on_gateway_restart(std::string_view gateway, h248::ServiceChangeMethod,
                                          std::string_view) {
  if (listener_)
    listener_->on_gateway_restart(gateway);
}

} // namespace mgc::cc
