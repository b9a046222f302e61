// The half-call event a received ISUP message is (Q.764 §2.1-2.5, §2.9.3), from the message's
// parameters, for every owner of half-call machines (call control, pstn-sim). SAM is left to
// the owner: its digits extend the owner's own record of the called number first.
#pragma once

#include "callcontrol/isup_call/events.h"
#include "isup/message.h"

#include <optional>

namespace mgc::cc::isup_call {

// The event for ACM, CPG, ANM, CON, REL, RLC, SUS, RES, COT, CCR and RSC; nullopt for others.
std::optional<Event> received_event(const isup::Message &msg);

} // namespace mgc::cc::isup_call
