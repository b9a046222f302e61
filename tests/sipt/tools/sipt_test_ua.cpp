// A test UAS/UAC built on the stack, for integration tests against SIPp (and captures):
//   sipt_test_ua uas --port P [--tcp] [--sipt DIR] [--seconds N]
//                    [--tls-cert PEM --tls-key PEM --tls-port P]
//   sipt_test_ua uac --port P --target HOST:PORT [--tcp] [--sipt DIR] [--calls N] [--seconds N]
// uas answers every INVITE with 180 then 200 (SDP answer from RFC 3264 offer/answer); with
// --sipt it checks the INVITE's ISUP IAM (decoded by the ISUP codec) and puts ACM, ANM and RLC
// from DIR into the 180, the 200 (multipart with the SDP) and the 200 to BYE.
// uac places N calls one after the other: INVITE (SDP, + IAM with --sipt), ACK, 100 ms, BYE
// (+ REL). Exit 0 only if every call succeeded (uac) / nothing failed (uas).
#include "core/osmo.h"
#include "core/osmo_scheduler.h"
#include "sipt/sdp.h"
#include "sipt/sipt_body.h"
#include "sipt/transport.h"
#include "sipt/user_agent.h"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

using namespace mgc::sipt;

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

std::string load(const std::string &dir, const char *f) {
  std::ifstream in(dir + "/" + f, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct Options {
  bool uas = true, tcp = false;
  uint16_t port = 5060;
  std::string target_host = "127.0.0.1";
  uint16_t target_port = 5060;
  std::string sipt_dir;
  int calls = 1;
  std::string tls_cert, tls_key;
  uint16_t tls_port = 0;
  int seconds = 30;
};

struct App : CallEvents {
  Options o;
  UserAgent *ua = nullptr;
  PeerProfile peer;
  std::string acm, anm, rlc, iam, rel;
  LocalMedia media;
  int ok = 0, failed = 0, started = 0;
  Call *current = nullptr;
  mgc::core::OsmoScheduler *timers = nullptr;

  std::span<const uint8_t> bytes(const std::string &s) {
    return std::span(reinterpret_cast<const uint8_t *>(s.data()), s.size());
  }

  void on_incoming(Call &c, const Message &inv) override {
    Bodies b;
    mgc::Status st = extract_bodies(inv, b);
    if (!st.ok()) {
      ++failed;
      c.reject(st.code() ? st.code() : 400, "Bad Body");
      return;
    }
    std::string answer;
    if (b.sdp) {
      Sdp offer, ans;
      Negotiated n;
      if (!parse_sdp(*b.sdp, offer).ok() || !make_answer(offer, media, ans, n).ok()) {
        ++failed;
        c.reject(488, "Not Acceptable Here");
        return;
      }
      answer = build_sdp(ans);
    }
    if (!o.sipt_dir.empty()) {
      if (!b.isup) {
        ++failed;
        c.reject(400, "No ISUP");
        return;
      }
      mgc::isup::Message im;
      auto r = decode_isup(*b.isup, peer, im);
      if (!r.status.ok() || im.type != mgc::isup::MessageType::Iam) {
        ++failed;
        c.reject(400, "Bad IAM");
        return;
      }
      c.provisional(180, "Ringing", "application/ISUP;version=itu-t92+", acm);
      std::string ct;
      std::string body = build_bodies(peer, answer, bytes(anm), false, ct);
      c.answer(ct, body);
    } else {
      c.provisional(180, "Ringing");
      c.answer("application/sdp", answer);
    }
    ++ok;
  }
  void bye_answer(Call &, std::string &ct, std::string &body) override {
    if (!o.sipt_dir.empty()) {
      ct = "application/ISUP;version=itu-t92+";
      body = rlc;
    }
  }
  void on_answered(Call &c, const Message &) override {
    uint64_t id = c.id();
    timers->start(100, [this, id] {
      Call *c2 = ua->call(id);
      if (!c2)
        return;
      if (!o.sipt_dir.empty())
        c2->bye(16, "Normal call clearing", "application/ISUP;version=itu-t92+", rel,
                HeaderList().add(HeaderId::ContentDisposition,
                                 TokenValue{"signal", ";handling=optional"}));
      else
        c2->bye(16);
    });
  }
  void on_failed(Call &, int code, const Message *) override {
    std::fprintf(stderr, "call failed: %d\n", code);
    ++failed;
    current = nullptr;
  }
  void on_terminated(Call &c) override {
    if (!c.is_uas() && c.state() == Call::State::Terminated && current == &c) {
      ++ok;
      current = nullptr;
    }
  }
  void next_call() {
    if (current || started >= o.calls)
      return;
    ++started;
    std::string ct, body;
    std::string sdp = build_sdp(make_offer(media));
    Peer to{o.tcp ? TransportKind::Tcp : TransportKind::Udp, o.target_host, o.target_port};
    std::string target = "sip:12345@" + o.target_host + ":" + std::to_string(o.target_port);
    if (!o.sipt_dir.empty()) {
      body = build_bodies(peer, sdp, bytes(iam), true, ct);
      current = ua->invite(target, "sip:5551234@127.0.0.1", "sip:12345@" + o.target_host, to, ct,
                           body, HeaderList().add(HeaderId::MimeVersion, "1.0"));
    } else {
      current = ua->invite(target, "sip:5551234@127.0.0.1", "sip:12345@" + o.target_host, to,
                           "application/sdp", sdp);
    }
    if (!current)
      ++failed;
  }
};
} // namespace

int main(int argc, char **argv) {
  Options o;
  if (argc < 2)
    return 2;
  o.uas = std::strcmp(argv[1], "uas") == 0;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--port")
      o.port = uint16_t(std::stoi(next()));
    else if (a == "--tcp")
      o.tcp = true;
    else if (a == "--sipt")
      o.sipt_dir = next();
    else if (a == "--tls-cert")
      o.tls_cert = next();
    else if (a == "--tls-key")
      o.tls_key = next();
    else if (a == "--tls-port")
      o.tls_port = uint16_t(std::stoi(next()));
    else if (a == "--calls")
      o.calls = std::stoi(next());
    else if (a == "--seconds")
      o.seconds = std::stoi(next());
    else if (a == "--target") {
      std::string t = next();
      auto colon = t.rfind(':');
      o.target_host = t.substr(0, colon);
      o.target_port = uint16_t(std::stoi(t.substr(colon + 1)));
    } else
      return 2;
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  mgc::core::OsmoScheduler timers;
  App app;
  app.o = o;
  app.timers = &timers;
  app.peer.profile = o.sipt_dir.empty() ? Profile::Sip : Profile::SipT;
  if (!o.sipt_dir.empty()) {
    app.acm = load(o.sipt_dir, "acm.bin");
    app.anm = load(o.sipt_dir, "anm.bin");
    app.rlc = load(o.sipt_dir, "rlc.bin");
    app.iam = load(o.sipt_dir, "iam.bin");
    app.rel = load(o.sipt_dir, "rel.bin");
  }
  app.media.address = "127.0.0.1";
  app.media.port = 40000;
  TransportConfig tc;
  tc.udp_port = o.port;
  tc.tcp_port = o.port;
  if (!o.tls_cert.empty()) {
    tc.tls = true;
    tc.tls_port = o.tls_port;
    tc.tls_cert = o.tls_cert;
    tc.tls_key = o.tls_key;
  }
  UserAgent *uap = nullptr;
  Transport transport(tc, timers, [&](const Message &m, const Peer &from) {
    uap->receive(m, from);
  });
  UaConfig uc;
  uc.contact_port = o.port;
  uc.transport = o.tcp ? TransportKind::Tcp : TransportKind::Udp;
  UserAgent ua(
      timers, [&](std::string_view b, const Peer &to) { return transport.send(b, to); }, app, uc);
  uap = &ua;
  app.ua = &ua;
  if (mgc::Status st = transport.start(); !st.ok()) {
    std::fprintf(stderr, "cannot start transport on port %u: %.*s\n", o.port,
                 int(st.detail().size()), st.detail().data());
    return 2;
  }
  timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  // A periodic wake-up so the loop can check its deadline while blocking in select.
  std::function<void()> tick = [&] { timers.start(100, tick); };
  tick();
  while (!g_stop) {
    if (!o.uas) {
      app.next_call();
      if (app.started >= o.calls && !app.current)
        break;
    }
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - start.tv_sec >= o.seconds)
      break;
    osmo_select_main(0);
  }
  std::printf("%s: ok=%d failed=%d\n", o.uas ? "uas" : "uac", app.ok, app.failed);
  if (!o.uas)
    return (app.ok == o.calls && app.failed == 0) ? 0 : 1;
  return app.failed == 0 ? 0 : 1;
}
