// libFuzzer target: call control driven by arbitrary input from both wires. The input is a
// script: each step picks one thing that can happen to a gateway — an ISUP message from the PSTN
// (any octets the codec accepts, on any of fourteen circuits of three trunk groups: calls for 7...
// and 8... transit from one group to another, PSTN -> PSTN), an INVITE from a SIP peer (plain or
// trusted SIP-T, with any number, Diversion / History-Info entries and ISUP body), a response,
// CANCEL, BYE or INFO on any leg, the media gateway failing, answering late or restarting, the
// far exchange becoming unreachable, operator resets, time passing. Whatever the order, call
// control must not crash, leak (ASan), or leave a circuit or call behind once the wires fall
// silent and every timer has run (Q.764 §2.9.6 T1/T5/T16/T17: a call always ends, a circuit
// always comes back to idle or to a maintenance state).
#include "callcontrol/call_manager.h"
#include "callcontrol/interworking/diversion.h"
#include "core/sim_scheduler.h"
#include "isup/codec.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace mgc;
using namespace mgc::cc;

namespace {

using Sched = core::SimScheduler;

struct Wire : IsupSender {
  std::vector<isup::Message> sent;
  void send(uint32_t, const isup::Message &m) override {
    // everything call control sends must encode (Q.763): a message it cannot encode is a bug
    std::vector<uint8_t> out;
    if (!isup::encode(m, isup::EncodeOptions{}, out).ok())
      std::abort();
    if (sent.size() < 64)
      sent.push_back(m);
  }
};

struct Leg : SipLeg {
  std::string id;
  explicit Leg(std::string i) : id(std::move(i)) {}
  void provisional(int, const SipBody &) override {}
  void answer(const SipBody &) override {}
  void reject(int status, uint8_t, const SipBody &) override {
    if (status < 300 || status > 699) // a final error response is 3xx-6xx (RFC 3261 §21)
      std::abort();
  }
  void cancel(uint8_t) override {}
  void bye(uint8_t, const SipBody &) override {}
  void info(const SipBody &) override {}
  void answer_offer(const std::string &) override {}
  void refuse_offer(int) override {}
  std::string call_id() const override { return id; }
};

struct Sip : SipSide {
  std::vector<std::unique_ptr<Leg>> legs; // legs call control opened toward SIP
  bool refuse = false;
  SipLeg *invite(const SipPeer &, const iw::SipCallInfo &, const SipBody &) override {
    if (refuse)
      return nullptr;
    legs.push_back(std::make_unique<Leg>("out-" + std::to_string(legs.size())));
    return legs.back().get();
  }
};

struct Media : MediaGateway {
  Listener *l = nullptr;
  Handle next = 1;
  bool fail = false, async = false;
  std::vector<std::function<void()>> pending;
  void later(std::function<void()> f) {
    if (async)
      pending.push_back(std::move(f));
    else
      f();
  }
  void flush() {
    for (int guard = 0; guard < 64 && !pending.empty(); ++guard) {
      auto p = std::move(pending);
      pending.clear();
      for (auto &f : p)
        f();
    }
  }
  void set_listener(Listener *x) override { l = x; }
  void connect(std::string_view, uint16_t, std::string_view, MediaMode, Connected done) override {
    if (fail)
      return later([done] { done(Status("fuzz.no_resources", 502), 0, {}); });
    later([done, h = ++next] { done(Status::Ok(), h, "v=0\r\n"); });
  }
  void modify(Handle, std::optional<MediaMode>, std::string_view, Modified done) override {
    later([done, f = fail] { done(f ? Status("fuzz.modify", 500) : Status::Ok(), {}); });
  }
  void loopback(std::string_view, uint16_t, Connected done) override {
    if (fail)
      return later([done] { done(Status("fuzz.no_loop", 502), 0, {}); });
    later([done, h = ++next] { done(Status::Ok(), h, {}); });
  }
  void release(Handle, Done done) override {
    later([done] { done(Status::Ok()); });
  }
};

// Reads the script.
struct Input {
  const uint8_t *p;
  size_t n;
  bool empty() const { return n == 0; }
  uint8_t byte() {
    if (!n)
      return 0;
    --n;
    return *p++;
  }
  std::string str(size_t max) {
    size_t len = byte() % (max + 1);
    if (len > n)
      len = n;
    std::string s(reinterpret_cast<const char *>(p), len);
    p += len;
    n -= len;
    return s;
  }
  std::vector<uint8_t> octets(size_t max) {
    const std::string s = str(max);
    return {s.begin(), s.end()};
  }
};

constexpr uint32_t kOwnPc = 200, kFarPc = 100;
const char *kDigits = "0123456789";

std::string number(Input &in) {
  std::string s;
  const size_t len = in.byte() % 12;
  for (size_t i = 0; i < len; ++i)
    s.push_back(kDigits[in.byte() % 10]);
  if (in.byte() % 8 == 0)
    s = "+" + s;
  return s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Input in{data, size};
  Sched sched;
  Wire wire;
  Sip sip;
  Media media;
  CallManagerConfig cfg;
  cfg.own_point_code = kOwnPc;
  auto cm = std::make_unique<CallManager>(cfg, sched, wire, sip);
  cm->add_trunk_group("pstn", kFarPc, Hunting::Sequential, media).add_range(1, 8);
  // transit (PSTN -> PSTN): two more groups toward the same exchange, CICs 11-14 and 16-17
  cm->add_trunk_group("pstn-b", kFarPc, Hunting::Sequential, media).add_range(11, 14);
  cm->add_trunk_group("pstn-c", kFarPc, Hunting::RoundRobin, media).add_range(16, 17);
  const SipPeer peers[] = {{"phone", SipProfile::Plain, false}, {"sipt", SipProfile::SipT, true},
                           {"untrusted", SipProfile::SipT, false}, {"sipi", SipProfile::SipI, true}};
  for (const auto &p : peers)
    cm->add_sip_peer(p);
  cm->routing().add({"1", 0, "", {{RouteTarget::Kind::TrunkGroup, "pstn"}}});
  cm->routing().add({"2", 0, "", {{RouteTarget::Kind::SipPeer, "phone"}}});
  cm->routing().add({"3", 0, "", {{RouteTarget::Kind::SipPeer, "sipt"}}});
  cm->routing().add({"4", 1, "9", {{RouteTarget::Kind::SipPeer, "sipi"},
                                   {RouteTarget::Kind::TrunkGroup, "pstn"}}});
  cm->routing().add({"7", 1, "", {{RouteTarget::Kind::TrunkGroup, "pstn-b"},
                                  {RouteTarget::Kind::TrunkGroup, "pstn-c"}}});
  cm->routing().add({"8", 0, "55", {{RouteTarget::Kind::TrunkGroup, "pstn-c"},
                                    {RouteTarget::Kind::SipPeer, "phone"},
                                    {RouteTarget::Kind::TrunkGroup, "pstn"}}});
  std::vector<std::unique_ptr<Leg>> incoming; // legs of INVITEs from SIP peers
  auto any_leg = [&](uint8_t b) -> SipLeg * {
    const size_t total = incoming.size() + sip.legs.size();
    if (!total)
      return nullptr;
    const size_t i = b % total;
    return i < incoming.size() ? static_cast<SipLeg *>(incoming[i].get())
                               : sip.legs[i - incoming.size()].get();
  };
  auto body = [&](Input &x) {
    SipBody b;
    if (x.byte() & 1)
      b.sdp = "v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 8\r\n";
    if (x.byte() & 1) {
      b.isup = x.octets(48);
      b.has_isup = true;
    }
    return b;
  };

  for (int steps = 0; steps < 200 && !in.empty(); ++steps) {
    switch (in.byte() % 16) {
    case 0:
    case 1: { // ISUP from the PSTN, as the SS7 side hands it over (decoded, §2.9.5 applied)
      // 0, 9, 10, 15, 18, 19: not ours (below 10 as the seeds written for one group had it)
      const uint16_t cic = static_cast<uint16_t>(in.byte() % 20);
      const auto octets = in.octets(64);
      isup::Message m;
      isup::DecodeOptions o;
      o.with_cic = false;
      const isup::DecodeResult r = isup::decode(octets, o, m);
      if (r.action == isup::Action::Process) {
        m.cic = cic;
        cm->isup_received(in.byte() & 0x80 ? kFarPc + 1 : kFarPc, m);
      }
      break;
    }
    case 2: { // an INVITE from a SIP peer
      iw::SipCallInfo info;
      info.called = number(in);
      info.from = number(in);
      if (in.byte() & 1)
        info.asserted = number(in);
      info.cpc = in.byte() & 1 ? "payphone" : "";
      info.privacy_id = in.byte() & 1;
      info.max_forwards = in.byte() % 80;
      if (in.byte() & 1)
        if (auto d = iw::parse_diversion(in.str(40)))
          info.diversions.push_back(*d);
      info.from_tag = "t" + std::to_string(in.byte() % 3);
      // now and then the Call-ID of the previous INVITE: a later INVITE of one call with more
      // digits (RFC 3578 §3.5), or a repeated one
      const bool same = !incoming.empty() && in.byte() % 4 == 0;
      incoming.push_back(std::make_unique<Leg>(same ? incoming.back()->id
                                                    : "in-" + std::to_string(incoming.size())));
      cm->sip_invite(*incoming.back(), peers[in.byte() % 4], info, body(in));
      break;
    }
    case 3:
      if (SipLeg *l = any_leg(in.byte()))
        cm->sip_provisional(*l, in.byte() & 1 ? 183 : 180, body(in));
      break;
    case 4:
      if (SipLeg *l = any_leg(in.byte()))
        cm->sip_answered(*l, body(in));
      break;
    case 5:
      if (SipLeg *l = any_leg(in.byte())) {
        const int status = 300 + in.byte() % 400;
        std::optional<uint8_t> q850;
        if (in.byte() & 1)
          q850 = in.byte() & 0x7f;
        cm->sip_failed(*l, status, q850, in.byte() & 1);
      }
      break;
    case 6:
      if (SipLeg *l = any_leg(in.byte()))
        cm->sip_cancelled(*l);
      break;
    case 7:
      if (SipLeg *l = any_leg(in.byte())) {
        std::optional<uint8_t> q850;
        if (in.byte() & 1)
          q850 = in.byte() & 0x7f;
        cm->sip_bye(*l, q850, body(in));
      }
      break;
    case 8:
      if (SipLeg *l = any_leg(in.byte()))
        cm->sip_info(*l, body(in));
      break;
    case 9:
      sched.advance(int64_t(in.byte()) * 250);
      break;
    case 10: {
      const uint8_t b = in.byte();
      media.fail = b & 1;
      media.async = b & 2;
      if (b & 4)
        media.flush();
      sip.refuse = b & 8;
      break;
    }
    case 11:
      if (in.byte() & 1)
        cm->destination_unavailable(kFarPc);
      else
        cm->destination_available(kFarPc);
      break;
    case 12:
      cm->release_circuit(kFarPc, static_cast<uint16_t>(in.byte() % 20), in.byte() & 0x7f);
      break;
    case 13:
      if (in.byte() & 1)
        cm->reset_all_circuits();
      else // the gateway lost one of the last connections it made (a restart, an audit)
        cm->on_media_lost(media.next - in.byte() % 4);
      break;
    case 14: { // the SIP adapter's own decoders of redirection
      const std::string s = in.str(80);
      (void)iw::parse_diversion(s);
      if (auto h = iw::parse_history_info(s)) {
        std::vector<iw::HistoryEntry> v{*h, *h};
        (void)iw::diversions_from_history(v);
      }
      break;
    }
    case 15:
      media.flush();
      break;
    }
  }
  // The wires fall silent. Every timer runs out (T1/T5/T16/T17 repeat and reset what the far
  // end never answered): a call still up is released, the circuits reset.
  media.async = false;
  media.flush();
  // The SIP side ends too, as RFC 3261 guarantees it does: our INVITEs without a final response
  // time out (Timer B, a local 408; a UAC after a 1xx has no timer of its own, so this stands for
  // the caller giving up), answered legs get BYE; the callers of INVITEs that are still pending
  // give up (CANCEL) or hang up (BYE). Call control ignores what does not apply to a leg's state.
  for (auto &l : sip.legs) {
    cm->sip_failed(*l, 408, std::nullopt, true);
    cm->sip_bye(*l, std::nullopt);
  }
  for (auto &l : incoming) {
    cm->sip_cancelled(*l);
    cm->sip_bye(*l, std::nullopt);
  }
  // A transit call between two PSTN parties lasts until one hangs up, which no timer does for
  // them once answered: the callers hang up (REL 16 on the incoming circuit, Q.764 §2.3.1).
  for (const auto &c : cm->calls())
    if (!c.out_trunk_group.empty()) {
      isup::Message rel;
      rel.type = isup::MessageType::Rel;
      rel.cic = c.cic;
      isup::CauseIndicators ci;
      ci.cause_value = 16;
      rel.add(ci, isup::Part::MandatoryVariable);
      cm->isup_received(kFarPc, rel);
    }
  sched.advance(20 * 60 * 1000);
  media.flush();
  sched.advance(20 * 60 * 1000);
  if (cm->active_calls() != 0) { // a hung call: nothing will ever end it
    for (const auto &c : cm->calls())
      std::fprintf(stderr, "hung call %u %s tg=%s cic=%u isup=%s answered=%d sip=%s out=%s/%u %s\n",
                   c.ref, c.direction.c_str(), c.trunk_group.c_str(), unsigned(c.cic),
                   c.isup_state.c_str(), int(c.answered), c.sip_call_id.c_str(),
                   c.out_trunk_group.c_str(), unsigned(c.out_cic), c.out_isup_state.c_str());
    std::abort();
  }
  // With no call left, no circuit of any group may still be held by one, nor be busy with a call
  // (a reset the far end never answered goes on under supervision, which is not a hung circuit).
  for (const char *g : {"pstn", "pstn-b", "pstn-c"})
    for (const Circuit &k : cm->trunk_group(g)->circuits())
      if (k.call_ref != 0 || (k.call != CircuitCall::Idle && k.call != CircuitCall::Resetting)) {
        std::fprintf(stderr, "hung circuit %s cic %u: %s call %u\n", g, unsigned(k.cic),
                     circuit_call_name(k.call), k.call_ref);
        std::abort();
      }
  cm.reset();
  return 0;
}
