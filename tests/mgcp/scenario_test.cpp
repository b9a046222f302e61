// Scenario tests: the call agent and a scripted gateway exchange messages on simulated time;
// every datagram is printed with its time and direction and compared with a golden trace
// (STYLE.md practice 10). MGC_UPDATE_GOLDEN=1 rewrites the golden files.
#include "core/sim_scheduler.h"
#include "fake_transport.h"
#include "mgcp/call_agent.h"
#include "mgcp/sdp.h"

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

using namespace mgc::mgcp;
using mgc::mgcp::test::FakeTransport;

namespace {

const Address kGw{0x7f000001, 2427};

struct Trace : CallAgentListener {
  std::ostringstream out;
  const Scheduler *clock = nullptr;
  void note(const std::string &s) { out << "[" << clock->now_ms() << " ms] ** " << s << "\n"; }
  void on_gateway_state(std::string_view gw, GatewayState s) override {
    note("gateway " + std::string(gw) + " " + std::string(gateway_state_name(s)));
  }
  void on_gateway_restart(std::string_view gw, std::string_view eps, RestartMethod m,
                          uint32_t d) override {
    note("restart " + std::string(gw) + " " + std::string(eps) + " " +
         std::string(restart_method_code(m)) + " delay " + std::to_string(d));
  }
  void on_connection_lost(ConnectionHandle h, int reason) override {
    note("connection " + std::to_string(h) + " lost, reason " + std::to_string(reason));
  }
  void on_endpoint_lost(std::string_view eps, int reason) override {
    note("endpoints " + std::string(eps) + " lost, reason " + std::to_string(reason));
  }
};

struct Scenario {
  mgc::core::SimScheduler sched;
  FakeTransport net{&sched};
  Trace trace;
  std::unique_ptr<CallAgent> ca;
  Scenario() {
    trace.clock = &sched;
    net.on_send = [this](const mgc::mgcp::test::Sent &x) { dump(">>", x.at, x.bytes); };
    CallAgentConfig cfg;
    cfg.transactions.first_transaction_id = 1; // the golden traces name transaction ids
    ca = std::make_unique<CallAgent>(sched, net, trace, cfg);
    ca->add_gateway({"tgw1", kGw, {"ds/e1-1/*@tgw1"}, "p:20, a:PCMA", 10'000, {}, 0, 3});
    ca->add_trunk({"pstn", "tgw1", 1, 31, {}});
  }
  void dump(const char *dir, int64_t at, const std::string &bytes) {
    trace.out << "[" << at << " ms] " << dir << "\n";
    std::istringstream in(bytes);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r')
        line.pop_back();
      trace.out << "  " << line << "\n";
    }
  }
  void from_gateway(const std::string &text) {
    dump("<<", sched.now_ms(), text);
    ca->receive(kGw, text);
  }
  uint32_t last_txid() const { return net.last().transaction_id; }
  void advance(int64_t ms) { sched.advance(ms); }
};

void compare_with_golden(const std::string &name, const std::string &got) {
  std::string path = std::string(MGC_TEST_DATA) + "/mgcp/golden/" + name;
  if (std::getenv("MGC_UPDATE_GOLDEN")) {
    std::ofstream(path) << got;
    return;
  }
  std::ifstream f(path);
  ASSERT_TRUE(f) << "missing golden file " << path << " (run with MGC_UPDATE_GOLDEN=1)";
  std::stringstream want;
  want << f.rdbuf();
  EXPECT_EQ(got, want.str()) << "trace differs from " << path;
}

} // namespace

TEST(MgcpScenario, CallThenGatewayRestart) {
  Scenario s;
  s.ca->start();
  s.advance(15);
  s.from_gateway("200 " + std::to_string(s.last_txid()) + " OK\r\n");
  ConnectRequest req;
  req.endpoint = *s.ca->endpoint_for("pstn", 5);
  req.call_id = "1A2B";
  req.remote_sdp = build_sdp({"192.0.2.10", 5004, {{8, "PCMA/8000"}}, 20, 1});
  s.ca->connect(req, [](const ConnectResult &) {});
  s.advance(150); // one retransmission: the first CRCX is "lost"
  s.from_gateway("200 " + std::to_string(s.last_txid()) + " OK\r\nI: FDE234C8\r\n\r\n" +
                 build_sdp({"192.0.2.99", 16002, {{8, "PCMA/8000"}}, 20, 7}));
  s.advance(5'000);
  s.from_gateway("RSIP 31656860 *@tgw1 MGCP 1.0\r\nRM: restart\r\nRD: 2\r\n");
  s.advance(2'000);
  s.from_gateway("200 " + std::to_string(s.last_txid()) + " OK\r\n");
  s.from_gateway("RSIP 31656860 *@tgw1 MGCP 1.0\r\nRM: restart\r\nRD: 2\r\n"); // repetition
  compare_with_golden("call_then_restart.trace", s.trace.out.str());
}

TEST(MgcpScenario, SilentGatewayIsGivenUpAndProbed) {
  Scenario s;
  s.ca->start();
  s.advance(60'000);
  compare_with_golden("silent_gateway.trace", s.trace.out.str());
}
