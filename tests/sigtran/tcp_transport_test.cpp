// TCP transport on the real select loop, in one process: M3UA frames by its length field
// (RFC 4666 §3.1.4) whatever the segmentation: a message written one octet at a time, several
// messages in one write, and a broken length that cannot be resynchronised (answered with ERR,
// then the connection is closed). The server binds 127.0.0.1 port 0.
#include "core/osmo.h"
#include "core/osmo_scheduler.h"
#include "m3ua_harness.h"
#include "sigtran/transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace mgc::sigtran;
using namespace mgc::sigtran::m3ua;
using namespace mgc::sigtran::test;

namespace {

struct TcpFixture : ::testing::Test {
  mgc::core::OsmoScheduler clock;
  Recorder user;
  std::unique_ptr<Node> node;
  std::unique_ptr<Transports> tr;
  int fd = -1;
  std::vector<uint8_t> rx;

  void SetUp() override {
    NodeConfig c;
    c.local_pc = 2;
    c.ases.push_back(AsConfig{"as", 10, true, TrafficMode::Override});
    c.links.push_back(link("asp", Role::Sgp, {0}));
    c.routes.push_back(Route{1, 0xffffff, 0, 0});
    node = std::make_unique<Node>(c, clock, user);
    tr = std::make_unique<Transports>(*node);
    EndpointConfig ep;
    ep.server = true;
    ep.links = {0};
    int idx = 0;
    ASSERT_TRUE(tr->add(ep, &idx).ok());
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(tr->local_port(idx));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
    loop(5);
  }
  void TearDown() override {
    if (fd >= 0)
      ::close(fd);
    tr.reset();
  }
  void loop(int n) {
    for (int i = 0; i < n; ++i)
      osmo_select_main_ctx(1);
  }
  void write_all(const std::vector<uint8_t> &b) {
    ASSERT_EQ(::send(fd, b.data(), b.size(), 0), ssize_t(b.size()));
  }
  // Reads what the server sent, split into M3UA messages.
  std::vector<Message> read_msgs() {
    loop(5);
    uint8_t buf[4096];
    pollfd p{fd, POLLIN, 0};
    while (::poll(&p, 1, 50) > 0) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0)
        break;
      rx.insert(rx.end(), buf, buf + n);
    }
    std::vector<Message> out;
    while (rx.size() >= 8) {
      uint32_t len = peek_length(rx);
      if (rx.size() < len)
        break;
      Message m;
      EXPECT_TRUE(decode(std::span(rx).first(len), m).ok());
      out.push_back(m);
      rx.erase(rx.begin(), rx.begin() + len);
    }
    return out;
  }
};

TEST_F(TcpFixture, MessageWrittenOneOctetAtATime) {
  auto up = encode(Message(MsgType::AspUp));
  for (uint8_t b : up) {
    write_all({b});
    loop(2);
  }
  auto msgs = read_msgs();
  ASSERT_GE(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].type(), MsgType::AspUpAck);
  EXPECT_EQ(node->remote_state(0), AspState::Inactive);
}

TEST_F(TcpFixture, SeveralMessagesInOneWrite) {
  std::vector<uint8_t> all = encode(Message(MsgType::AspUp));
  Message ac(MsgType::AspAc);
  uint32_t rc = 10;
  ac.add_u32_list(Tag::RoutingContext, {&rc, 1});
  auto b = encode(ac);
  all.insert(all.end(), b.begin(), b.end());
  Message d(MsgType::Data);
  d.add_u32(Tag::RoutingContext, 10);
  auto t = iam(1, 2, 4);
  d.add(Tag::ProtocolData, encode_protocol_data({t.opc, t.dpc, 5, 2, 0, 4, t.data}));
  b = encode(d);
  all.insert(all.end(), b.begin(), b.end());
  write_all(all);
  auto msgs = read_msgs();
  ASSERT_GE(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].type(), MsgType::AspUpAck);
  EXPECT_EQ(node->remote_state(0), AspState::Active);
  ASSERT_EQ(user.rx.size(), 1u);
  EXPECT_EQ(user.rx[0].sls, 4);
}

TEST_F(TcpFixture, BrokenLengthIsAnsweredThenClosed) {
  write_all({1, 0, 3, 1, 0, 0, 0, 2}); // length 2: shorter than the header itself
  auto msgs = read_msgs();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].type(), MsgType::Err);
  EXPECT_EQ(msgs[0].u32(Tag::ErrorCode), uint32_t(ErrorCode::ProtocolError));
  char c;
  EXPECT_EQ(::recv(fd, &c, 1, 0), 0); // closed
  EXPECT_EQ(tr->counters().get(SigtranTransportCounter::tcp_bad_length), 1u);
}

} // namespace
