// Two media gateways behind mgcd's TrackedMedia (gateway/mgcd/tracked_media.h): each adapter
// numbers its connections from 1, so without a gateway tag a connection lost on one gateway
// (its restart, RSIP or ServiceChange) named the same handle as a call on the other, and call
// control released that call too. With two gateways one going down must touch only its own.
#include "gateway/mgcd/tracked_media.h"

#include <gtest/gtest.h>
#include <vector>

using namespace mgc;
using Handle = cc::MediaGateway::Handle;

namespace {

// An adapter as the MGCP and H.248 ones number their connections: 1, 2, ...
struct FakeGateway : cc::MediaGateway {
  Listener *listener = nullptr;
  Handle next = 1;
  std::vector<Handle> released, modified;
  void set_listener(Listener *l) override { listener = l; }
  void connect(std::string_view, uint16_t, std::string_view, cc::MediaMode, Connected done) override {
    done(Status::Ok(), next++, "v=0\r\n");
  }
  void modify(Handle h, std::optional<cc::MediaMode>, std::string_view, Modified done) override {
    modified.push_back(h);
    done(Status::Ok(), "");
  }
  void loopback(std::string_view, uint16_t, Connected done) override {
    done(Status::Ok(), next++, "");
  }
  void release(Handle h, Done done) override {
    released.push_back(h);
    done(Status::Ok());
  }
};

struct Lost : cc::MediaGateway::Listener {
  std::vector<Handle> lost;
  int restarts = 0;
  void on_media_lost(Handle h) override { lost.push_back(h); }
  void on_gateway_restart(std::string_view) override { ++restarts; }
};

Handle connect(cc::MediaGateway &g) {
  Handle out = 0;
  g.connect("tg", 1, "", cc::MediaMode::SendRecv, [&](const Status &, Handle h, std::string_view) {
    out = h;
  });
  return out;
}

TEST(TrackedMedia, OneGatewaysLossNamesOnlyItsOwnCalls) {
  FakeGateway ga, gb;
  int restarted_a = 0, restarted_b = 0;
  gw::TrackedMedia a(ga, 0, [&] { ++restarted_a; }), b(gb, 1, [&] { ++restarted_b; });
  Lost calls;
  a.set_listener(&calls);
  b.set_listener(&calls);

  const Handle on_a = connect(a), on_b = connect(b);
  ASSERT_NE(on_a, 0u);
  ASSERT_NE(on_b, 0u);
  EXPECT_NE(on_a, on_b) << "both gateways' first connection has inner handle 1";

  // gateway A restarts: its connection 1 is lost; the call on B (also its connection 1) is not
  ga.listener->on_gateway_restart("a");
  ga.listener->on_media_lost(1);
  EXPECT_EQ(calls.lost, std::vector<Handle>{on_a});
  EXPECT_EQ(restarted_a, 1);
  EXPECT_EQ(restarted_b, 0);

  // commands reach the gateway the call is on, with that gateway's own handle
  b.modify(on_b, cc::MediaMode::SendRecv, "", [](const Status &, std::string_view) {});
  b.release(on_b, [](const Status &) {});
  EXPECT_EQ(gb.modified, std::vector<Handle>{1});
  EXPECT_EQ(gb.released, std::vector<Handle>{1});
  EXPECT_TRUE(ga.released.empty());

  // a loopback's handle is tagged too; "no connection" (0) stays 0
  const Handle loop_b = [&] {
    Handle out = 0;
    b.loopback("tg", 2, [&](const Status &, Handle h, std::string_view) { out = h; });
    return out;
  }();
  EXPECT_NE(loop_b, 2u);
  EXPECT_EQ(b.in(loop_b), 2u);
  EXPECT_EQ(a.out(0), 0u);
}

} // namespace
