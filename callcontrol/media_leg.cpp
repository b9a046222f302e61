#include "callcontrol/media_leg.h"

#include "core/fsm.h"

#include <utility>

namespace mgc::cc {

// The leg's table. Its arguments: the leg and, for an answer, the connection it made.
struct MediaLeg::Machine {
  struct Ctx {
    MediaLeg &leg;
    MediaGateway::Handle h;
  };
  using Fsm = core::Fsm<State, Event, void (*)(Ctx &)>;
  static constexpr auto kStateNames = name_table<State>({{State::Idle, "idle"},
                                                         {State::Establishing, "establishing"},
                                                         {State::Established, "established"},
                                                         {State::Releasing, "releasing"}});
  static constexpr auto kEventNames = name_table<Event>({{Event::Start, "connect"},
                                                         {Event::Made, "connection made"},
                                                         {Event::Failed, "connection refused"},
                                                         {Event::Release, "release"},
                                                         {Event::Released, "connection released"},
                                                         {Event::Lost, "connection lost"}});
  static const Fsm::Row kRows[];
  static const Fsm kFsm;

  static void nothing(Ctx &) {}
  static void keep(Ctx &c) { c.leg.handle_ = c.h; }
  // Let go of before the answer came: what it made goes now.
  static void release_made(Ctx &c) { c.leg.release_handle(c.h); }
  static void release(Ctx &c) { c.leg.release_handle(c.leg.handle_); }
  // An answer for a leg no longer waiting for it (lost meanwhile): not left on the gateway.
  static void release_stray(Ctx &c) { c.leg.gw_->release(c.h, [](const Status &) {}); }
  static void idle(Ctx &c) { c.leg.become_idle(); }
};

const MediaLeg::Machine::Fsm::Row MediaLeg::Machine::kRows[] = {
    // A transit call's re-attempt connects the leg again: the earlier answers are disowned
    // (gen_), so any state may start.
    {Fsm::kAny, Event::Start, State::Establishing, nothing},
    {State::Establishing, Event::Made, State::Established, keep},
    {State::Establishing, Event::Failed, State::Idle, nothing},
    {State::Releasing, Event::Made, Fsm::kStay, release_made},
    {State::Releasing, Event::Failed, State::Idle, idle},
    {{State::Idle, State::Established}, Event::Made, Fsm::kStay, release_stray},
    {{State::Idle, State::Established}, Event::Failed, Fsm::kStay, nothing},
    {State::Idle, Event::Release, Fsm::kStay, idle},
    {State::Establishing, Event::Release, State::Releasing, nothing}, // the answer releases
    {State::Releasing, Event::Release, Fsm::kStay, nothing},
    {State::Established, Event::Release, State::Releasing, release},
    {State::Releasing, Event::Released, State::Idle, idle},
    // The gateway lost it on its own (restart, forced service change): nothing is sent.
    {Fsm::kAny, Event::Lost, State::Idle, nothing},
};
const MediaLeg::Machine::Fsm MediaLeg::Machine::kFsm{kStateNames, kEventNames, kRows};

const char *MediaLeg::state_name(State s) { return Machine::kFsm.state_name(s); }

bool MediaLeg::fire(Event ev, MediaGateway::Handle h) {
  Machine::Ctx c{*this, h};
  return Machine::kFsm.fire(state_, nullptr, ev, [](State, State, Event) {}, c);
}

void MediaLeg::lost() { fire(Event::Lost); }

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
  fire(Event::Start);
  auto answer = [t = token(), gw = &gw, gen = ++gen_, done = std::move(done)](
                    const Status &s, MediaGateway::Handle h, std::string_view sdp) {
    MediaLeg *leg = answered(t);
    if (!leg || leg->gen_ != gen) {
      // The call is gone, or connected again since: what this answer made is not left behind.
      if (s.ok())
        gw->release(h, [](const Status &) {});
      return;
    }
    const bool establishing = leg->state_ == State::Establishing;
    leg->fire(s.ok() ? Event::Made : Event::Failed, h);
    if (establishing)
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
  fire(Event::Release);
}

void MediaLeg::release_handle(MediaGateway::Handle h) {
  handle_ = 0;
  gw_->release(h, [t = token(), gen = gen_](const Status &) {
    MediaLeg *leg = answered(t);
    if (leg && leg->gen_ == gen)
      leg->fire(Event::Released);
  });
}

void MediaLeg::when_idle(std::function<void()> fn) {
  if (state_ == State::Idle)
    return fn();
  after_idle_ = std::move(fn);
}

// Entered Idle (or was there): the connection is gone; what waited for it runs.
void MediaLeg::become_idle() {
  handle_ = 0;
  if (auto next = std::move(after_idle_)) {
    after_idle_ = nullptr;
    next();
  }
}

} // namespace mgc::cc
