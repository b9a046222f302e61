// A Transport that records what is sent, for tests on simulated time.
#pragma once

#include "core/scheduler.h"
#include "mgcp/codec.h"
#include "mgcp/transport.h"

#include <functional>
#include <string>
#include <vector>

namespace mgc::mgcp::test {

struct Sent {
  Address to;
  std::string bytes;
  int64_t at;
};

class FakeTransport : public Transport {
public:
  explicit FakeTransport(const core::Scheduler *clock = nullptr) : clock_(clock) {}
  void send(const Address &to, std::string_view datagram) override {
    sent.push_back({to, std::string(datagram), clock_ ? clock_->now_ms() : 0});
    if (on_send)
      on_send(sent.back());
  }
  std::function<void(const Sent &)> on_send;
  Message last() const {
    Message m;
    decode(sent.back().bytes, m);
    return m;
  }
  Message at(std::size_t i) const {
    Message m;
    decode(sent.at(i).bytes, m);
    return m;
  }
  std::vector<Sent> sent;

private:
  const core::Scheduler *clock_;
};

} // namespace mgc::mgcp::test
