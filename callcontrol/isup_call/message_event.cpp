#include "callcontrol/isup_call/message_event.h"

namespace mgc::cc::isup_call {

using isup::MessageType;

std::optional<Event> received_event(const isup::Message &msg) {
  switch (msg.type) {
  case MessageType::Acm: {
    const auto *obci = msg.find<isup::OptionalBackwardCallIndicators>();
    return EvAcm{obci && obci->in_band_information_indicator};
  }
  case MessageType::Cpg: {
    // Q.763 §3.21: events 2 (progress) and 3 (in-band information) mean tones are there too
    const auto *ev = msg.find<isup::EventInformation>();
    const auto *obci = msg.find<isup::OptionalBackwardCallIndicators>();
    return EvCpg{static_cast<uint8_t>(ev ? ev->event_indicator : 0),
                 (obci && obci->in_band_information_indicator) ||
                     (ev && (ev->event_indicator == 2 || ev->event_indicator == 3))};
  }
  case MessageType::Anm: return EvAnm{};
  case MessageType::Con: return EvCon{};
  case MessageType::Rel: {
    // a REL without cause indicators (dropped as malformed upstream) counts as cause 31
    const auto *cause = msg.find<isup::CauseIndicators>();
    return EvRel{static_cast<uint8_t>(cause ? cause->cause_value : 31),
                 static_cast<uint8_t>(cause ? cause->location : 0)};
  }
  case MessageType::Rlc: return EvRlc{};
  case MessageType::Sus: {
    const auto *sr = msg.find<isup::SuspendResumeIndicators>();
    return EvSus{sr && sr->suspend_resume_indicator};
  }
  case MessageType::Res: {
    const auto *sr = msg.find<isup::SuspendResumeIndicators>();
    return EvRes{sr && sr->suspend_resume_indicator};
  }
  case MessageType::Cot: {
    const auto *ci = msg.find<isup::ContinuityIndicators>();
    return EvCot{ci && ci->continuity_indicator};
  }
  case MessageType::Ccr: return EvCcr{};
  case MessageType::Rsc: return EvRsc{};
  default: return std::nullopt;
  }
}

} // namespace mgc::cc::isup_call
