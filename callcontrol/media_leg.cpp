#include "callcontrol/media_leg.h"

#include <utility>

namespace mgc::cc {

const char *MediaLeg::state_name(State s) {
  switch (s) {
  case State::Idle: return "idle";
  case State::Establishing: return "establishing";
  case State::Established: return "established";
  case State::Releasing: return "releasing";
  }
  return "?";
}

MediaLeg::~MediaLeg() {
  if (token_)
    token_->leg = nullptr; // answers still to come find no leg (and release what they made)
  if (state_ == State::Established && gw_)
    gw_->release(handle_, [](const Status &) {});
}

std::shared_ptr<MediaLeg::Token> MediaLeg::token() {
  if (!token_)
    token_ = std::make_shared<Token>(Token{this});
  ++waiting_;
  return token_;
}

void MediaLeg::connect(MediaGateway &gw, std::string_view trunk_group, uint16_t cic,
                       std::string_view remote_sdp, MediaMode mode, Connected done) {
  start(gw, false, trunk_group, cic, remote_sdp, mode, std::move(done));
}

void MediaLeg::loopback(MediaGateway &gw, std::string_view trunk_group, uint16_t cic,
                        Connected done) {
  start(gw, true, trunk_group, cic, {}, MediaMode::SendRecv, std::move(done));
}

MediaLeg *MediaLeg::answered(const std::shared_ptr<Token> &t) {
  MediaLeg *leg = t->leg;
  if (leg && --leg->waiting_ == 0)
    leg->token_.reset();
  return leg;
}

void MediaLeg::start(MediaGateway &gw, bool loop, std::string_view trunk_group, uint16_t cic,
                     std::string_view remote_sdp, MediaMode mode, Connected done) {
  gw_ = &gw;
  state_ = State::Establishing;
  auto answer = [t = token(), gw = &gw, gen = ++gen_, done = std::move(done)](
                    const Status &s, MediaGateway::Handle h, std::string_view sdp) {
    MediaLeg *leg = answered(t);
    const bool mine = leg && leg->gen_ == gen;
    if (!mine || leg->state_ != State::Establishing) {
      // The call is gone, or let go of this connection before it was made: not left behind.
      if (mine && leg->state_ == State::Releasing) {
        if (s.ok())
          leg->release_handle(h);
        else
          leg->become_idle();
      } else if (s.ok()) {
        gw->release(h, [](const Status &) {});
      }
      return;
    }
    if (!s.ok()) {
      leg->state_ = State::Idle;
    } else {
      leg->handle_ = h;
      leg->state_ = State::Established;
    }
    done(s, sdp); // may end the call: nothing of the leg is touched after it
  };
  if (loop)
    gw.loopback(trunk_group, cic, std::move(answer));
  else
    gw.connect(trunk_group, cic, remote_sdp, mode, std::move(answer));
}

void MediaLeg::modify(std::optional<MediaMode> mode, std::string_view remote_sdp, Modified done) {
  if (state_ != State::Established)
    return;
  gw_->modify(handle_, mode, remote_sdp,
              [t = token(), gen = gen_, done = std::move(done)](const Status &s,
                                                                std::string_view sdp) {
                MediaLeg *leg = answered(t);
                if (leg && leg->gen_ == gen && leg->state_ == State::Established && done)
                  done(s, sdp);
              });
}

void MediaLeg::release(std::function<void()> then) {
  if (then)
    after_idle_ = std::move(then);
  switch (state_) {
  case State::Idle:
    become_idle();
    return;
  case State::Establishing: // the answer releases what it made, then the leg is idle
    state_ = State::Releasing;
    return;
  case State::Releasing:
    return;
  case State::Established:
    release_handle(handle_);
    return;
  }
}

void MediaLeg::release_handle(MediaGateway::Handle h) {
  state_ = State::Releasing;
  handle_ = 0;
  gw_->release(h, [t = token(), gen = gen_](const Status &) {
    MediaLeg *leg = answered(t);
    if (leg && leg->gen_ == gen && leg->state_ == State::Releasing)
      leg->become_idle();
  });
}

void MediaLeg::when_idle(std::function<void()> fn) {
  if (state_ == State::Idle)
    return fn();
  after_idle_ = std::move(fn);
}

void MediaLeg::become_idle() {
  state_ = State::Idle;
  handle_ = 0;
  if (auto next = std::move(after_idle_)) {
    after_idle_ = nullptr;
    next();
  }
}

} // namespace mgc::cc
