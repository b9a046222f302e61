// The signalling gateway's MTP3 toward libss7 (Q.704, Q.707); see mtp3_relay.h.
#include "tests/libss7/mtp3_relay.h"

#include <algorithm>
#include <cstdio>

namespace mgc::ss7peer {

namespace {
// Q.707 §2.2: the test pattern of our SLTM (any octets; libss7 sends its own).
constexpr uint8_t kTestPattern[] = {'m', 'g', 'c', 'r', 'e', 'l', 'a', 'y'};
// Q.707 §5.2 / Q.704 §15.2: heading codes H0 (low nibble) and H1 (high nibble).
constexpr uint8_t kSltm = 0x11, kSlta = 0x21; // test messages: H0 1, H1 1 / 2
constexpr uint8_t kTra = 0x17;                // traffic restart allowed: H0 7, H1 1 (§15.?)
} // namespace

std::size_t label_octets(bool ansi) { return ansi ? 7 : 4; }

mgc::Status decode_label(bool ansi, std::span<const uint8_t> sif, RoutingLabel &out) {
  if (sif.size() < label_octets(ansi))
    return mgc::Status("mtp3.short_label", 0);
  if (ansi) {
    out.dpc = uint32_t(sif[0]) | uint32_t(sif[1]) << 8 | uint32_t(sif[2]) << 16;
    out.opc = uint32_t(sif[3]) | uint32_t(sif[4]) << 8 | uint32_t(sif[5]) << 16;
    out.sls = sif[6];
  } else {
    out.dpc = (uint32_t(sif[0]) | uint32_t(sif[1]) << 8) & 0x3fff;
    out.opc = (uint32_t(sif[1]) >> 6 | uint32_t(sif[2]) << 2 | uint32_t(sif[3]) << 10) & 0x3fff;
    out.sls = sif[3] >> 4;
  }
  return mgc::Status::Ok();
}

void encode_label(bool ansi, const RoutingLabel &l, std::vector<uint8_t> &out) {
  if (ansi) {
    for (uint32_t pc : {l.dpc, l.opc})
      for (int i = 0; i < 3; ++i)
        out.push_back(uint8_t(pc >> (8 * i)));
    out.push_back(l.sls);
    return;
  }
  out.push_back(uint8_t(l.dpc));
  out.push_back(uint8_t(((l.dpc >> 8) & 0x3f) | ((l.opc << 6) & 0xc0)));
  out.push_back(uint8_t(l.opc >> 2));
  out.push_back(uint8_t(((l.opc >> 10) & 0x0f) | ((l.sls << 4) & 0xf0)));
}

Mtp3Relay::Mtp3Relay(core::Scheduler &sched, Config cfg, Events ev)
    : cfg_(cfg), ev_(std::move(ev)),
      slt_t1_(sched, [this] { slt_failed("T1 expired: no SLTA"); }) {}

// Q.707 §2.2: a test that fails (no SLTA within T1, or one that does not meet the criteria) is
// repeated once; when the repeat fails too, a link tested at activation is put out of service,
// its restoration attempted, and management informed.
void Mtp3Relay::slt_failed(const char *why) {
  slt_t1_.stop();
  if (slt_attempt_ < 2) {
    log(std::string("MTP3 signalling link test failed (") + why + "): repeated (Q.707 §2.2)");
    send_sltm();
    return;
  }
  ++c_.slt_failed;
  log(std::string("MTP3 signalling link test failed twice (") + why +
      "): link out of service, restoration (Q.707 §2.2)");
  link_out_of_service();
  if (ev_.link_failed)
    ev_.link_failed("signalling link test failed twice (Q.707 §2.2)");
}

void Mtp3Relay::send_net(ServiceIndicator si, uint8_t mp, std::span<const uint8_t> body) {
  std::vector<uint8_t> m;
  // Q.704 §14.2: SIO = NI (2 bits) | spare / ANSI message priority (2 bits) | SI (4 bits)
  m.push_back(uint8_t(cfg_.ni << 6 | (cfg_.ansi ? (mp & 3) << 4 : 0) | uint8_t(si)));
  encode_label(cfg_.ansi, RoutingLabel{cfg_.adjacent_pc, cfg_.own_pc, cfg_.slc}, m);
  m.insert(m.end(), body.begin(), body.end());
  ev_.send_msu(m);
}

void Mtp3Relay::send_sltm() {
  std::vector<uint8_t> b{kSltm};
  // Q.707 §5.2: length indicator in the high four bits; ANSI T1.111.7 puts the SLC low.
  b.push_back(uint8_t(sizeof kTestPattern << 4 | (cfg_.ansi ? cfg_.slc & 0x0f : 0)));
  b.insert(b.end(), std::begin(kTestPattern), std::end(kTestPattern));
  ++c_.sltm_tx;
  ++slt_attempt_;
  send_net(cfg_.ansi ? ServiceIndicator::SpecialTest : ServiceIndicator::Test, 3, b);
  slt_t1_.start(cfg_.slt_t1_ms);
}

void Mtp3Relay::link_in_service() {
  in_service_ = true;
  slt_attempt_ = 0;
  log("MTP3 link in service: signalling link test (Q.707 §2.2)");
  send_sltm();
}

void Mtp3Relay::link_out_of_service() {
  in_service_ = test_passed_ = tra_sent_ = tra_received_ = false;
  slt_attempt_ = 0;
  slt_t1_.stop();
  check_available();
}

void Mtp3Relay::check_available() {
  const bool now = available();
  if (now == was_available_)
    return;
  was_available_ = now;
  log(now ? "MTP3 restart complete: libss7 reachable (TRA both ways, Q.704 §9)"
          : "MTP3 libss7 unreachable");
  if (ev_.availability)
    ev_.availability(now);
}

void Mtp3Relay::msu(std::span<const uint8_t> sio_sif) {
  if (sio_sif.empty()) {
    ++c_.malformed;
    return;
  }
  const uint8_t sio = sio_sif[0];
  const auto si = ServiceIndicator(sio & 0x0f);
  const uint8_t ni = sio >> 6;
  const auto sif = sio_sif.subspan(1);
  RoutingLabel l;
  if (!decode_label(cfg_.ansi, sif, l).ok()) {
    ++c_.malformed;
    log("MTP3 MSU with a short routing label dropped");
    return;
  }
  const auto body = sif.subspan(label_octets(cfg_.ansi));
  if (si == ServiceIndicator::Isup) {
    sigtran::MtpTransfer t;
    t.opc = l.opc;
    t.dpc = l.dpc;
    t.si = uint8_t(si);
    t.ni = ni;
    t.mp = cfg_.ansi ? uint8_t((sio >> 4) & 3) : 0;
    t.sls = l.sls;
    t.data.assign(body.begin(), body.end());
    ++c_.isup_up;
    ev_.deliver(t);
    return;
  }
  const bool test = si == (cfg_.ansi ? ServiceIndicator::SpecialTest : ServiceIndicator::Test);
  if (test && !body.empty() && body[0] == kSltm && body.size() >= 2) {
    // Q.707 §2.2: answer with an SLTA carrying the same test pattern.
    ++c_.sltm_rx;
    const std::size_t n = std::min<std::size_t>(body[1] >> 4, body.size() - 2);
    std::vector<uint8_t> b{kSlta, uint8_t(n << 4 | (cfg_.ansi ? cfg_.slc & 0x0f : 0))};
    b.insert(b.end(), body.begin() + 2, body.begin() + 2 + long(n));
    send_net(si, 3, b);
    return;
  }
  if (test && !body.empty() && body[0] == kSlta && body.size() >= 2) {
    ++c_.slta_rx;
    const std::size_t n = body[1] >> 4;
    if (n != sizeof kTestPattern || body.size() < 2 + n ||
        !std::equal(body.begin() + 2, body.begin() + 2 + long(n), std::begin(kTestPattern))) {
      slt_failed("an SLTA with another test pattern");
      return;
    }
    slt_t1_.stop();
    if (!test_passed_) {
      test_passed_ = true;
      log("MTP3 signalling link test passed; TRA sent (Q.704 §9.2)");
      const uint8_t tra[] = {kTra};
      ++c_.tra_tx;
      tra_sent_ = true;
      send_net(ServiceIndicator::NetMgmt, 3, tra);
      check_available();
    }
    return;
  }
  if (si == ServiceIndicator::NetMgmt && !body.empty() && body[0] == kTra) {
    ++c_.tra_rx;
    tra_received_ = true;
    log("MTP3 TRA received from libss7");
    check_available();
    return;
  }
  ++c_.dropped;
  char b[96];
  std::snprintf(b, sizeof b, "MTP3 MSU SI %u heading 0x%02x not relayed", unsigned(si),
                body.empty() ? 0u : unsigned(body[0]));
  log(b);
}

bool Mtp3Relay::transfer(const sigtran::MtpTransfer &t) {
  if (t.si != uint8_t(ServiceIndicator::Isup) || t.dpc != cfg_.adjacent_pc || !in_service_) {
    ++c_.dropped;
    return false;
  }
  std::vector<uint8_t> m;
  m.push_back(uint8_t((t.ni & 3) << 6 | (cfg_.ansi ? (t.mp & 3) << 4 : 0) | (t.si & 0x0f)));
  encode_label(cfg_.ansi, RoutingLabel{t.dpc, t.opc, t.sls}, m);
  m.insert(m.end(), t.data.begin(), t.data.end());
  if (!ev_.send_msu(m)) {
    ++c_.dropped;
    return false;
  }
  ++c_.isup_down;
  return true;
}

} // namespace mgc::ss7peer
