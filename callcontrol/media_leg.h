// The media of a call on one circuit's endpoint of a media gateway: a child machine of its call
// (osmo-msc's rtp_stream habit), idle -> establishing -> established -> releasing -> idle, whose
// life ends with its call. The gateway's answers come back through the leg and never reach a
// call that is gone: a leg destroyed while its gateway is still answering disowns the answer,
// and a connection made for it is released when the answer comes (no look-ups by reference).
// A call has one for its circuit's RTP connection, one for the continuity check loop (Q.764
// §2.1.8), and a transit call one more for its outgoing circuit.
#pragma once

#include "callcontrol/media_gateway.h"

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace mgc::cc {

class MediaLeg {
public:
  enum class State : uint8_t { Idle, Establishing, Established, Releasing };
  static const char *state_name(State s);
  // What moves the leg (the rows are in media_leg.cpp, on the core row engine, core/fsm.h).
  enum class Event : uint8_t { Start, Made, Failed, Release, Released, Lost };

  using Connected = std::function<void(const Status &, std::string_view local_sdp)>;
  using Modified = std::function<void(const Status &, std::string_view local_sdp)>;

  MediaLeg() = default;
  ~MediaLeg();
  MediaLeg(const MediaLeg &) = delete;
  MediaLeg &operator=(const MediaLeg &) = delete;

  // Idle -> Establishing -> Established (or back to Idle on failure): the circuit's endpoint
  // connected (or looped back, `loop`) on `gw`. `done` runs with the gateway's answer unless the
  // leg was released or destroyed meanwhile (the connection, if made, is then released).
  void connect(MediaGateway &gw, std::string_view trunk_group, uint16_t cic,
               std::string_view remote_sdp, MediaMode mode, Connected done);
  void loopback(MediaGateway &gw, std::string_view trunk_group, uint16_t cic, Connected done);
  // An established connection's remote side or mode; ignored in any other state.
  void modify(std::optional<MediaMode> mode, std::string_view remote_sdp, Modified done);
  // -> Releasing -> Idle: the connection goes (an answer still to come is released when it
  // comes). `then` runs once the gateway confirmed it (at once if there is nothing to release).
  void release(std::function<void()> then = {});
  // The gateway lost the connection on its own (restart, forced service change): Idle, nothing
  // is sent.
  void lost();

  State state() const { return state_; }
  bool idle() const { return state_ == State::Idle; }
  bool established() const { return state_ == State::Established; }
  // Holds (or is getting) a connection on the gateway: the call waits before it ends.
  bool busy() const { return state_ == State::Establishing || state_ == State::Established; }
  MediaGateway::Handle handle() const { return state_ == State::Established ? handle_ : 0; }
  // Runs `fn` once the leg is idle (at once if it is).
  void when_idle(std::function<void()> fn);

private:
  struct Machine;
  bool fire(Event ev, MediaGateway::Handle h = 0);

  // Shared with the answers still to come: nulled when the leg goes, so they find no leg.
  struct Token {
    MediaLeg *leg;
  };
  std::shared_ptr<Token> token();
  // One answer came: the token goes once none is awaited.
  static MediaLeg *answered(const std::shared_ptr<Token> &t);
  void release_handle(MediaGateway::Handle h);
  void start(MediaGateway &gw, bool loop, std::string_view trunk_group, uint16_t cic,
             std::string_view remote_sdp, MediaMode mode, Connected done);
  void become_idle();

  MediaGateway *gw_ = nullptr;
  MediaGateway::Handle handle_ = 0;
  std::shared_ptr<Token> token_; // only while an answer is awaited
  std::function<void()> after_idle_;
  unsigned waiting_ = 0; // answers awaited
  // Which connection an answer is about: a leg connected again (a transit call's re-attempt on
  // another circuit) ignores the answers of the earlier one and releases what they made.
  uint32_t gen_ = 0;
  State state_ = State::Idle;
};

} // namespace mgc::cc
