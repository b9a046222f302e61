// Fakes of the three sides call control talks to (ISUP on the wire, SIP legs, a media gateway),
// recording what they were asked: shared by the call-flow tests of traffic management
// (call_manager_test.cpp, traffic_test.cpp).
#pragma once

#include "callcontrol/call_manager.h"
#include "isup/catalogue.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mgc::cc::testing_fakes {

struct Wire : IsupSender {
  std::vector<std::pair<uint32_t, isup::Message>> sent;
  void send(uint32_t dpc, const isup::Message &m) override { sent.emplace_back(dpc, m); }
  std::string types() {
    std::string s;
    for (auto &[d, m] : sent)
      s += (s.empty() ? "" : " ") + std::string(isup::message_acronym(uint8_t(m.type)));
    sent.clear();
    return s;
  }
};

struct Leg : SipLeg {
  std::string id;
  std::vector<std::string> did;
  SipBody last_body;
  explicit Leg(std::string i) : id(std::move(i)) {}
  void provisional(int s, const SipBody &b) override { did.push_back(std::to_string(s)); last_body = b; }
  void answer(const SipBody &b) override { did.push_back("200"); last_body = b; }
  void reject(int s, uint8_t c, const SipBody &b) override {
    did.push_back(std::to_string(s) + "/" + std::to_string(c));
    last_body = b;
  }
  void cancel(uint8_t c) override { did.push_back("CANCEL/" + std::to_string(c)); }
  void bye(uint8_t c, const SipBody &b) override {
    did.push_back("BYE/" + std::to_string(c));
    last_body = b;
  }
  void info(const SipBody &b) override {
    did.push_back("INFO");
    last_body = b;
  }
  void answer_offer(const std::string &sdp) override { did.push_back("offer-answer/" + sdp); }
  void refuse_offer(int status) override { did.push_back("offer-refused/" + std::to_string(status)); }
  std::string call_id() const override { return id; }
  std::string take() {
    std::string s;
    for (auto &d : did)
      s += (s.empty() ? "" : " ") + d;
    did.clear();
    return s;
  }
};

struct Sip : SipSide {
  std::vector<std::unique_ptr<Leg>> legs;
  std::vector<iw::SipCallInfo> invites;
  std::vector<SipBody> bodies;
  std::vector<std::string> peers; // the peer of each INVITE
  bool refuse = false;
  SipLeg *invite(const SipPeer &peer, const iw::SipCallInfo &info, const SipBody &body) override {
    if (refuse)
      return nullptr;
    peers.push_back(peer.name);
    invites.push_back(info);
    bodies.push_back(body);
    legs.push_back(std::make_unique<Leg>("out-" + std::to_string(legs.size())));
    return legs.back().get();
  }
};

struct Media : MediaGateway {
  Listener *l = nullptr;
  Handle next = 100;
  bool fail = false, loop_fail = false;
  std::map<Handle, uint16_t> open;
  std::map<Handle, bool> loops; // open loopback connections
  // async: answers wait until flush(), as a real gateway's do
  bool async = false;
  std::vector<std::function<void()>> pending;
  void later(std::function<void()> f) {
    if (async)
      pending.push_back(std::move(f));
    else
      f();
  }
  void flush() {
    while (!pending.empty()) {
      auto p = std::move(pending);
      pending.clear();
      for (auto &f : p)
        f();
    }
  }
  std::vector<std::string> log;
  void set_listener(Listener *x) override { l = x; }
  void connect(std::string_view, uint16_t cic, std::string_view remote, MediaMode,
               Connected done) override {
    log.push_back("connect " + std::to_string(cic) + (remote.empty() ? "" : " +sdp"));
    bool looped = false; // like osmo-mgw: the endpoint is taken while its loop is there
    for (auto &[h, c] : open)
      looped = looped || (c == cic && loops.count(h));
    if (fail || looped)
      return later([done] { done(Status("test.no_resources", 502), 0, {}); });
    open[++next] = cic;
    later([done, h = next, cic] { done(Status::Ok(), h, "v=0 gw " + std::to_string(cic)); });
  }
  // what the last modify asked; a failing gateway (modify_fail) and the description it answers
  std::optional<MediaMode> last_mode;
  std::string last_remote, modify_sdp;
  bool modify_fail = false, fail_inactive_only = false;
  void modify(Handle h, std::optional<MediaMode> mode, std::string_view remote,
              Modified done) override {
    log.push_back("modify " + std::to_string(open[h]));
    last_mode = mode;
    last_remote = std::string(remote);
    if (modify_fail && !(fail_inactive_only && mode != MediaMode::Inactive))
      return done(Status("test.mdcx_refused", 510), {});
    done(Status::Ok(), modify_sdp);
  }
  void loopback(std::string_view, uint16_t cic, Connected done) override {
    log.push_back("loopback " + std::to_string(cic));
    if (loop_fail)
      return later([done] { done(Status("test.no_loop", 502), 0, {}); });
    open[++next] = cic;
    loops[next] = true;
    later([done, h = next] { done(Status::Ok(), h, {}); });
  }
  void release(Handle h, Done done) override {
    log.push_back("release " + std::to_string(open[h]));
    open.erase(h);
    loops.erase(h);
    later([done] { done(Status::Ok()); });
  }
};


} // namespace mgc::cc::testing_fakes
