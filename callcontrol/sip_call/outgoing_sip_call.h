// The outgoing SIP half-call: this gateway sent the INVITE to a SIP peer and is its UAC
// (RFC 3261 §13.2, §17.1.1), for a call from the PSTN (RFC 3398 §8). The Boost.MSM transition
// table is in outgoing_sip_call.cpp.
#pragma once

#include "callcontrol/sip_call/events.h"
#include "callcontrol/sip_call/port.h"

#include <memory>

namespace mgc::cc::sip_call {

class OutgoingSipCall {
public:
  explicit OutgoingSipCall(Port &port);
  ~OutgoingSipCall();
  OutgoingSipCall(const OutgoingSipCall &) = delete;
  OutgoingSipCall &operator=(const OutgoingSipCall &) = delete;

  // Feeds one event; an event the current state has no row for is reported through
  // Port::on_unexpected (and changes nothing).
  void process(const Event &e);
  const char *state() const;
  bool over() const;       // the call need not wait for this side any more
  bool terminated() const; // the leg is done as well

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace mgc::cc::sip_call
