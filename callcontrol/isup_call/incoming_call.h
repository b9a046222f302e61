// The outgoing ISUP half-call (this exchange sent the IAM): Q.764 §2.1-2.3 for the outgoing
// exchange, as a Boost.MSM transition table in outgoing_call.cpp.
#pragma once

#include "callcontrol/isup_call/events.h"
#include "callcontrol/isup_call/port.h"
#include "callcontrol/isup_call/state.h"

#include <memory>

namespace mgc::cc::isup_call {

class IncomingCall {
public:
  explicit IncomingCall(Port &port);
  ~IncomingCall();
  IncomingCall(const IncomingCall &) = delete;
  IncomingCall &operator=(const IncomingCall &) = delete;

  // Feeds one event; an event the current state has no row for is reported through
  // Port::on_unexpected (and changes nothing).
  void process(const Event &e);
  const char *state() const;
  State current() const; // what owners compare (state() is its name)
  bool released() const; // terminal: the circuit is idle or handed to another call

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace mgc::cc::isup_call
