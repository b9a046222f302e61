// A media gateway as call control sees it (gateway.cpp wraps each configured one in this):
// remembers its last failure for `show peers`, tells the gateway of its restarts (an alarm) on
// their way to call control, and makes its connection handles unique across gateways.
//
// Each adapter (MGCP, H.248) numbers its connections from 1, so with two media gateways two
// calls can hold the same handle, and a connection lost on one gateway (on_media_lost(h)) would
// find the call of the other: one gateway's restart would release calls on the other's trunk
// groups. The gateway's index (from 1) goes in the handle's top 16 bits on the way out and is
// taken off on the way in.
//
// A gateway taken out of the configuration is detached once idle: its trunk groups stay in call
// control (drained, blocked) and keep referring to this object, which then refuses everything
// (cause 47 resource unavailable, Q.850) instead of reaching a call agent that is gone.
#pragma once

#include "callcontrol/media_gateway.h"

#include <cstdint>
#include <ctime>
#include <functional>
#include <string>

namespace mgc::gw {

class TrackedMedia final : public cc::MediaGateway, private cc::MediaGateway::Listener {
public:
  // index: 0, 1, ... one per configured gateway.
  TrackedMedia(cc::MediaGateway &inner, unsigned index, std::function<void()> restarted)
      : inner_(&inner), tag_(uint64_t(index + 1) << kShift), restarted_(std::move(restarted)) {}
  void set_listener(cc::MediaGateway::Listener *l) override {
    outer_ = l;
    if (inner_)
      inner_->set_listener(l ? this : nullptr);
  }
  // The gateway is going away: nothing reaches it any more.
  void detach() {
    if (inner_)
      inner_->set_listener(nullptr);
    inner_ = nullptr;
  }
  void connect(std::string_view trunk_group, uint16_t cic, std::string_view remote_sdp,
               cc::MediaMode mode, Connected done) override {
    if (!inner_)
      return done(kRemoved, 0, {});
    inner_->connect(trunk_group, cic, remote_sdp, mode,
                   [this, done = std::move(done)](const Status &s, Handle h, std::string_view sdp) {
                     note("connect", s);
                     done(s, out(h), sdp);
                   });
  }
  void modify(Handle h, std::optional<cc::MediaMode> mode, std::string_view remote_sdp,
              Modified done) override {
    if (!inner_)
      return done(kRemoved, {});
    inner_->modify(in(h), mode, remote_sdp,
                  [this, done = std::move(done)](const Status &s, std::string_view sdp) {
                    note("modify", s);
                    done(s, sdp);
                  });
  }
  void loopback(std::string_view trunk_group, uint16_t cic, Connected done) override {
    if (!inner_)
      return done(kRemoved, 0, {});
    inner_->loopback(trunk_group, cic,
                    [this, done = std::move(done)](const Status &s, Handle h, std::string_view sdp) {
                      note("loopback", s);
                      done(s, out(h), sdp);
                    });
  }
  void release(Handle h, Done done) override {
    if (!inner_)
      return done(Status::Ok()); // gone with its gateway
    inner_->release(in(h), [this, done = std::move(done)](const Status &s) {
      note("release", s);
      done(s);
    });
  }
  // The handle call control holds for the inner gateway's handle h (0 stays 0: none).
  Handle out(Handle h) const { return h ? (h & kLow) | tag_ : 0; }
  Handle in(Handle h) const { return h & kLow; }

  std::string last_error; // "connect: mgcp.rejected (code 500)"; empty: none yet
  std::time_t last_error_at = 0;

private:
  static constexpr unsigned kShift = 48;
  inline static const Status kRemoved{"mgcd.media_gateway_removed", 47};
  static constexpr uint64_t kLow = (uint64_t(1) << kShift) - 1;

  void on_media_lost(Handle h) override {
    if (outer_)
      outer_->on_media_lost(out(h));
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
  cc::MediaGateway *inner_;
  uint64_t tag_;
  std::function<void()> restarted_;
  cc::MediaGateway::Listener *outer_ = nullptr;
};

} // namespace mgc::gw
