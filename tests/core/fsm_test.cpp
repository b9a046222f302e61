// core/fsm.h: the row engine of the hand-made machines. A small retransmitting request machine
// (the shape of RFC 4666's ASPUP with T(ack), or MGCP's command with its repetition) exercises
// first-match order with guards, all-state rows, state timeouts that re-arm only on their own
// event, and a transition made from inside an action.
#include "core/fsm.h"
#include "core/sim_scheduler.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {
using mgc::core::SimScheduler;
using mgc::core::StateSet;
using mgc::core::Timer;

enum class St : uint8_t { Idle, Sent, Up, Closing };
enum class Ev : uint8_t { Open, Ack, Expiry, Close, Lost, Poll };
constexpr auto kStNames = mgc::name_table<St>(
    {{St::Idle, "idle"}, {St::Sent, "sent"}, {St::Up, "up"}, {St::Closing, "closing"}});
constexpr auto kEvNames = mgc::name_table<Ev>({{Ev::Open, "open"},
                                               {Ev::Ack, "ack"},
                                               {Ev::Expiry, "expiry"},
                                               {Ev::Close, "close"},
                                               {Ev::Lost, "lost"},
                                               {Ev::Poll, "poll"}});

struct Peer {
  SimScheduler sched;
  St state = St::Idle;
  Timer timer{sched, [this] { fire(Ev::Expiry); }};
  std::vector<std::string> log;
  int sends = 0;
  int max_sends = 3;
  int64_t retry_ms = 100;
  bool close_on_up = false;
  bool fire(Ev e);
};

using PeerFsm =
    mgc::core::Fsm<St, Ev, void (*)(Peer &), bool (*)(const Peer &), int64_t (*)(const Peer &)>;

void send(Peer &p) {
  ++p.sends;
  p.log.push_back("send " + std::to_string(p.sends) + "@" + std::to_string(p.sched.now_ms()));
}
void give_up(Peer &p) { p.log.push_back("give up@" + std::to_string(p.sched.now_ms())); }
void up(Peer &p) {
  p.log.push_back("up");
  if (p.close_on_up)
    p.fire(Ev::Close); // a transition from inside an action: the last one wins
}
void nothing(Peer &) {}
void polled(Peer &p) { p.log.push_back("polled in " + std::to_string(int(p.state))); }
void lost(Peer &p) { p.log.push_back("lost"); }
bool may_retry(const Peer &p) { return p.sends < p.max_sends; }
int64_t retry_ms(const Peer &p) { return p.retry_ms; }
int64_t close_ms(const Peer &) { return 1000; }

constexpr PeerFsm::Row kRows[] = {
    {St::Idle, Ev::Open, St::Sent, send},
    {St::Sent, Ev::Expiry, St::Sent, send, may_retry}, // guarded row first ...
    {St::Sent, Ev::Expiry, St::Idle, give_up},         // ... its fallback after
    {St::Sent, Ev::Ack, St::Up, up},
    {{St::Sent, St::Up}, Ev::Close, St::Closing, send},
    {St::Closing, Ev::Expiry, St::Idle, give_up},
    {St::Up, Ev::Ack, St::Up, nothing},
    {StateSet<St>::any(), Ev::Lost, St::Idle, lost},
    {PeerFsm::kAny, Ev::Poll, PeerFsm::kStay, polled},
};
constexpr PeerFsm::Timeout kTimeouts[] = {{St::Sent, Ev::Expiry, retry_ms},
                                          {St::Closing, Ev::Expiry, close_ms}};
constexpr PeerFsm kPeerFsm{kStNames, kEvNames, kRows, kTimeouts};

bool Peer::fire(Ev e) {
  return kPeerFsm.fire(
      state, &timer, e,
      [this](St from, St to, Ev ev) {
        log.push_back(std::string(kPeerFsm.state_name(from)) + " -> " + kPeerFsm.state_name(to) +
                      " on " + kPeerFsm.event_name(ev));
      },
      *this);
}
} // namespace

TEST(Fsm, StateTimeoutReArmsOnItsOwnEventUntilTheGuardFails) {
  Peer p;
  ASSERT_TRUE(p.fire(Ev::Open));
  EXPECT_TRUE(p.timer.pending());
  p.sched.advance(1000);
  EXPECT_EQ(p.log, (std::vector<std::string>{"idle -> sent on open", "send 1@0", "send 2@100",
                                             "send 3@200", "sent -> idle on expiry",
                                             "give up@300"}));
  EXPECT_EQ(p.state, St::Idle);
  EXPECT_FALSE(p.timer.pending()); // idle has no timeout
}

TEST(Fsm, StayingOnAnotherEventKeepsTheTimerRunning) {
  Peer p;
  p.fire(Ev::Open);
  p.fire(Ev::Ack); // sent -> up: the timer stops (up has no timeout)
  EXPECT_FALSE(p.timer.pending());
  p.fire(Ev::Close); // up -> closing: 1000 ms
  p.sched.advance(600);
  EXPECT_TRUE(p.timer.pending());
  EXPECT_FALSE(p.fire(Ev::Ack)); // no row: nothing changes, the timer runs on
  EXPECT_EQ(p.state, St::Closing);
  p.sched.advance(400);
  EXPECT_EQ(p.state, St::Idle);
  EXPECT_EQ(p.log.back(), "give up@1000");
}

TEST(Fsm, AllStateRowMatchesEveryState) {
  for (St s : {St::Idle, St::Sent, St::Up, St::Closing}) {
    Peer p;
    p.state = s;
    if (s == St::Sent || s == St::Closing)
      p.timer.start(50);
    EXPECT_TRUE(p.fire(Ev::Lost)) << kPeerFsm.state_name(s);
    EXPECT_EQ(p.state, St::Idle);
    EXPECT_FALSE(p.timer.pending());
    EXPECT_EQ(p.log.back(), "lost");
  }
}

TEST(Fsm, NoRowLeavesEverythingAsItWas) {
  Peer p;
  EXPECT_FALSE(p.fire(Ev::Ack));
  EXPECT_FALSE(p.fire(Ev::Close));
  EXPECT_EQ(p.state, St::Idle);
  EXPECT_TRUE(p.log.empty());
  EXPECT_EQ(kPeerFsm.find(St::Idle, Ev::Ack, p), nullptr);
}

TEST(Fsm, TransitionFromInsideAnActionWins) {
  Peer p;
  p.close_on_up = true;
  p.fire(Ev::Open);
  p.fire(Ev::Ack);
  EXPECT_EQ(p.state, St::Closing);
  EXPECT_TRUE(p.timer.pending()); // closing's timeout, armed by the inner transition
  EXPECT_EQ(p.log, (std::vector<std::string>{"idle -> sent on open", "send 1@0",
                                             "sent -> up on ack", "up", "up -> closing on close",
                                             "send 2@0"}));
}

TEST(Fsm, TimeoutIsReadWhenTheStateIsEntered) {
  Peer p;
  p.fire(Ev::Open);
  p.retry_ms = 40; // a timer changed live: the next start uses it
  p.sched.advance(100);
  p.sched.advance(40);
  EXPECT_EQ(p.log[2], "send 2@100");
  EXPECT_EQ(p.log[3], "send 3@140");
}

TEST(Fsm, NamesComeFromTheTables) {
  EXPECT_STREQ(kPeerFsm.state_name(St::Closing), "closing");
  EXPECT_STREQ(kPeerFsm.event_name(Ev::Lost), "lost");
  EXPECT_STREQ(kPeerFsm.state_name(static_cast<St>(9)), "unknown");
  EXPECT_EQ(kPeerFsm.timeout_of(St::Up), nullptr);
  ASSERT_NE(kPeerFsm.timeout_of(St::Closing), nullptr);
  EXPECT_EQ(kPeerFsm.timeout_of(St::Closing)->event, Ev::Expiry);
}

TEST(Fsm, StayRowKeepsStateAndTimer) {
  Peer p;
  p.fire(Ev::Open);
  p.sched.advance(60);
  EXPECT_TRUE(p.fire(Ev::Poll)); // sent stays sent: no re-entry, the 100 ms run on
  EXPECT_EQ(p.state, St::Sent);
  EXPECT_EQ(p.log.back(), "polled in 1");
  p.sched.advance(40);
  EXPECT_EQ(p.log.back(), "send 2@100");
  p.fire(Ev::Lost);
  EXPECT_TRUE(p.fire(Ev::Poll));
  EXPECT_EQ(p.state, St::Idle);
}
