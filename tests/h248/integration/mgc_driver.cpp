// The MGC side of the integration tests against Erlang/OTP megaco as MG (run_otp_mg.sh): the
// call agent on the libosmocore loop over UDP, or TCP with TPKT framing (--tcp 1). It waits for the MG's ServiceChange
// registration, runs a call (Add TDM + Add $ RTP with SDP, Modify with a remote SDP,
// AuditValue, Subtract both) and, with --restarts 1, waits for the MG to come back
// (ServiceChange Restart again) and runs the call once more. Exit 0 only if every step passed.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "core/osmo.h"
#include "core/osmo_scheduler.h"
#include "h248/call_agent.h"

using namespace mgc::h248;

namespace {

struct Driver : CallAgentListener {
  CallAgent *ca = nullptr;
  int registrations = 0;
  int restarts_wanted = 0;
  bool done = false;
  int rc = 1;

  void fail(const char *step, const mgc::Status &st) {
    std::printf("FAIL %s: %.*s (%d)\n", step, int(st.detail().size()), st.detail().data(),
                st.code());
    done = true;
    rc = 1;
  }

  void on_gateway_restart(std::string_view gw, ServiceChangeMethod m, std::string_view reason) override {
    ++registrations;
    std::printf("registration %d from %.*s method %d reason \"%.*s\"\n", registrations,
                int(gw.size()), gw.data(), int(m), int(reason.size()), reason.data());
    std::fflush(stdout);
    call(registrations);
  }

  void call(int round) {
    ConnectRequest req{"tg1", 1, StreamMode::RecvOnly, {}};
    ca->connect(req, [this, round](const ConnectResult &r) {
      if (!r.status.ok())
        return fail("connect", r.status);
      std::printf("connect ok: context %u, %s + %s, local SDP %zu bytes\n", r.context,
                  r.tdm_termination.c_str(), r.rtp_termination.c_str(), r.local_sdp.size());
      if (r.local_sdp.find("c=IN IP4 127.0.0.1") == std::string::npos)
        return fail("connect: no local SDP from the MG", mgc::Status("h248.bad_reply", 0));
      CallHandle h = r.handle;
      ModifyRequest mod{StreamMode::SendRecv,
                        "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 30000 RTP/AVP 8\r\n"};
      ca->modify(h, mod, [this, h, round](const Result &m) {
        if (!m.status.ok())
          return fail("modify", m.status);
        std::printf("modify ok\n");
        ca->audit("mg1", "ds/0/1", kAuditMedia, [this, h, round](const Result &a) {
          if (!a.status.ok())
            return fail("audit", a.status);
          std::printf("audit ok\n");
          ca->release(h, [this, round](const Result &rel) {
            if (!rel.status.ok())
              return fail("release", rel.status);
            std::printf("release ok (round %d)\n", round);
            std::fflush(stdout);
            if (round > restarts_wanted) {
              rc = ca->call_count() == 0 ? 0 : 1;
              done = true;
            } else {
              std::printf("phase %d done, waiting for the MG to restart\n", round);
              std::fflush(stdout);
            }
          });
        });
      });
    });
  }
};

} // namespace

int main(int argc, char **argv) {
  int port = 0, mg_port = 0, restarts = 0, deadline_s = 20, version = 1;
  bool binary = false, tcp = false;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    int v = std::atoi(argv[i + 1]);
    if (a == "--port")
      port = v;
    else if (a == "--mg-port")
      mg_port = v;
    else if (a == "--restarts")
      restarts = v;
    else if (a == "--deadline")
      deadline_s = v;
    else if (a == "--version")
      version = v;
    else if (a == "--binary")
      binary = v != 0;
    else if (a == "--tcp")
      tcp = v != 0;
  }
  if (!port || !mg_port) {
    std::fprintf(stderr, "usage: %s --port P --mg-port P [--restarts N] [--binary 1]\n", argv[0]);
    return 2;
  }
  mgc::core::OsmoScheduler sched;
  UdpTransport udp;
  TcpTransport tcp_transport;
  Address local;
  Address::parse("127.0.0.1", uint16_t(port), local);
  mgc::Status st = tcp ? tcp_transport.listen(local) : udp.open(local);
  if (!st.ok()) {
    std::fprintf(stderr, "bind: %.*s\n", int(st.detail().size()), st.detail().data());
    return 1;
  }
  Transport &transport = tcp ? static_cast<Transport &>(tcp_transport) : udp;
  Driver d;
  d.restarts_wanted = restarts;
  TransactionConfig cfg;
  cfg.own_mid = Mid{Mid::Kind::Ip4, "127.0.0.1", uint16_t(port)};
  CallAgent ca(sched, transport, d, cfg);
  d.ca = &ca;
  GatewayConfig gw;
  gw.name = "mg1";
  // Over TCP the MG connects from an ephemeral port: accept any port of its IP.
  Address::parse("127.0.0.1", tcp ? 0 : uint16_t(mg_port), gw.address);
  gw.codec = PeerCodec{binary, uint8_t(version)};
  if (binary)
    gw.rtp_pattern = "$";
  ca.add_gateway(gw);
  ca.add_trunk(TrunkRule{"tg1", "mg1", "ds/{span}/{ts}", 32});
  std::printf("MGC on 127.0.0.1:%d, MG expected at 127.0.0.1:%d\n", port, mg_port);
  std::fflush(stdout);
  sched.start(int64_t(deadline_s) * 1000, [&] {
    std::printf("FAIL deadline: %d registrations\n", d.registrations);
    d.done = true;
  });
  while (!d.done)
    osmo_select_main(0);
  ca.counters().for_each([](std::string_view n, uint64_t v) {
    if (v)
      std::printf("  %.*s %llu\n", int(n.size()), n.data(), (unsigned long long)v);
  });
  ca.transactions().counters().for_each([](std::string_view n, uint64_t v) {
    if (v)
      std::printf("  tx.%.*s %llu\n", int(n.size()), n.data(), (unsigned long long)v);
  });
  std::printf("%s\n", d.rc == 0 ? "PASS" : "FAIL");
  return d.rc;
}
