// The incoming SIP half-call: the INVITE came from a SIP peer and this gateway is its UAS
// (RFC 3261 §13.3, §17.2.1), answering as the ISUP side progresses (RFC 3398 §7). The Boost.MSM
// transition table is in incoming_sip_call.cpp.
#pragma once

#include "callcontrol/sip_call/events.h"
#include "callcontrol/sip_call/port.h"

#include <memory>

namespace mgc::cc::sip_call {

class IncomingSipCall {
public:
  explicit IncomingSipCall(Port &port);
  ~IncomingSipCall();
  IncomingSipCall(const IncomingSipCall &) = delete;
  IncomingSipCall &operator=(const IncomingSipCall &) = delete;

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
