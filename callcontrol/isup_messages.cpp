#include "callcontrol/isup_messages.h"

#include <string>

namespace mgc::cc::msgs {

using namespace mgc::isup;

namespace {
Message make(MessageType t, uint16_t cic) {
  Message m;
  m.type = t;
  m.cic = cic;
  return m;
}
} // namespace

BackwardCallIndicators backward_call_indicators() {
  BackwardCallIndicators b;
  b.charge_indicator = 2;                 // charge
  b.called_partys_status_indicator = 1;   // subscriber free
  b.called_partys_category_indicator = 1; // ordinary subscriber
  b.isdn_user_part_indicator = true;      // ISUP used all the way
  return b;
}

Message acm(uint16_t cic, bool in_band) {
  Message m = make(MessageType::Acm, cic);
  m.add(backward_call_indicators(), Part::MandatoryFixed);
  if (in_band)
    m.add(OptionalBackwardCallIndicators{.in_band_information_indicator = true});
  return m;
}

Message cpg(uint16_t cic, uint8_t event, bool in_band) {
  Message m = make(MessageType::Cpg, cic);
  m.add(EventInformation{.event_indicator = event}, Part::MandatoryFixed);
  if (in_band)
    m.add(OptionalBackwardCallIndicators{.in_band_information_indicator = true});
  return m;
}

Message anm(uint16_t cic) { return make(MessageType::Anm, cic); }

Message con(uint16_t cic) {
  Message m = make(MessageType::Con, cic);
  m.add(backward_call_indicators(), Part::MandatoryFixed);
  return m;
}

Message rel(uint16_t cic, uint8_t cause, uint8_t location) {
  Message m = make(MessageType::Rel, cic);
  CauseIndicators c;
  c.location = location & 0xf;
  c.cause_value = cause & 0x7f;
  m.add(c, Part::MandatoryVariable);
  return m;
}

Message rlc(uint16_t cic) { return make(MessageType::Rlc, cic); }
Message rsc(uint16_t cic) { return make(MessageType::Rsc, cic); }

Message cot(uint16_t cic, bool success) {
  Message m = make(MessageType::Cot, cic);
  m.add(ContinuityIndicators{.continuity_indicator = success}, Part::MandatoryFixed);
  return m;
}

Message sam(uint16_t cic, std::string_view digits, bool end_of_address) {
  Message m = make(MessageType::Sam, cic);
  SubsequentNumber n;
  std::string d(digits);
  if (end_of_address)
    d.push_back('F'); // ST
  n.address_signals.assign(d);
  m.add(n, Part::MandatoryVariable);
  return m;
}

namespace {
Message suspend_resume(MessageType t, uint16_t cic, bool network_initiated) {
  Message m = make(t, cic);
  m.add(SuspendResumeIndicators{.suspend_resume_indicator = network_initiated},
        Part::MandatoryFixed);
  return m;
}
} // namespace

Message sus(uint16_t cic, bool network) { return suspend_resume(MessageType::Sus, cic, network); }
Message res(uint16_t cic, bool network) { return suspend_resume(MessageType::Res, cic, network); }

Classified classify(MessageType t) {
  switch (t) {
  case MessageType::Iam: case MessageType::Sam: case MessageType::Acm: case MessageType::Cpg:
  case MessageType::Anm: case MessageType::Con: case MessageType::Rel: case MessageType::Rlc:
  case MessageType::Sus: case MessageType::Res: case MessageType::Cot: case MessageType::Ccr:
  case MessageType::Rsc:
    return Classified::Call;
  case MessageType::Blo: case MessageType::Ubl: case MessageType::Bla: case MessageType::Uba:
  case MessageType::Cgb: case MessageType::Cgu: case MessageType::Cgba: case MessageType::Cgua:
  case MessageType::Grs: case MessageType::Gra: case MessageType::Cqm: case MessageType::Cqr:
  case MessageType::Ucic:
    return Classified::Supervision;
  default:
    return Classified::Ignored;
  }
}

std::string address_digits(const isup::Number &n, bool *st, bool *bad) {
  std::string d;
  for (char c : n.address_signals.str()) {
    if (c >= '0' && c <= '9')
      d.push_back(c);
    else if (c == 'F' && st)
      *st = true;
    else if ((c == 'A' || c == 'D' || c == 'E') && bad)
      *bad = true;
  }
  return d;
}

void append_address(isup::Message &iam, std::string_view more, bool st) {
  auto *cdpn = iam.find<isup::CalledPartyNumber>();
  if (!cdpn)
    return;
  std::string signals(cdpn->address_signals.str());
  if (!signals.empty() && signals.back() == 'F')
    signals.pop_back();
  signals += more;
  if (st)
    signals.push_back('F');
  cdpn->address_signals.assign(signals);
  cdpn->filler = 0;
}

} // namespace mgc::cc::msgs
