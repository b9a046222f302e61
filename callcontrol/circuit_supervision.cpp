#include "callcontrol/circuit_supervision.h"

#include <string>

#include "isup/cause.h"

namespace mgc::cc {

using isup::MessageType;

namespace {
bool status_bit(const isup::RangeAndStatus &rs, std::size_t i) {
  return i / 8 < rs.status.size() && (rs.status[i / 8] >> (i % 8) & 1);
}
} // namespace

CircuitSupervision::CircuitSupervision(CircuitGroup &group, SupervisionPort &port,
                                       const IsupTimerValues &timers)
    : group_(group), port_(port), timers_(timers) {}

void CircuitSupervision::send_simple(MessageType t, uint16_t cic) {
  isup::Message m;
  m.type = t;
  m.cic = cic;
  port_.send(m);
}

void CircuitSupervision::send_group(MessageType t, uint16_t cic, uint8_t range,
                                    const std::vector<bool> *status,
                                    std::optional<bool> hardware) {
  isup::Message m;
  m.type = t;
  m.cic = cic;
  if (hardware)
    m.add(isup::CircuitGroupSupervisionMessageType{.type_indicator = uint8_t(*hardware ? 1 : 0)},
          isup::Part::MandatoryFixed);
  isup::RangeAndStatus rs;
  rs.range = range;
  if (status) {
    // one bit per circuit of the range, first circuit in bit 1 of the first octet (Q.763 §3.43)
    std::vector<uint8_t> bits((std::size_t(range) + 8) / 8, 0);
    for (std::size_t i = 0; i <= range; ++i)
      if ((*status)[i])
        bits[i / 8] = static_cast<uint8_t>(bits[i / 8] | 1u << (i % 8));
    rs.status.assign(bits);
  }
  m.add(rs, isup::Part::MandatoryVariable);
  port_.send(m);
}

std::vector<Circuit *> CircuitSupervision::circuits_in(uint16_t first, uint8_t range) {
  std::vector<Circuit *> v;
  for (uint32_t cic = first; cic <= uint32_t(first) + range; ++cic)
    v.push_back(group_.find(static_cast<uint16_t>(cic)));
  return v;
}

void CircuitSupervision::end_call_for_reset(Circuit &c) {
  if (c.call_ref != 0)
    port_.release_call(c.call_ref, c.cic, isup::cause_value(isup::Cause::TemporaryFailure));
  group_.idle(c.cic);
}

void CircuitSupervision::start(uint16_t cic, Pending p, IsupTimer short_t, IsupTimer long_t,
                               bool send) {
  finish(cic);
  if (send)
    port_.send(p.request);
  port_.start_timer(cic, short_t, timers_.ms(short_t));
  port_.start_timer(cic, long_t, timers_.ms(long_t));
  procs_[cic] = std::move(p);
}

void CircuitSupervision::finish(uint16_t cic) {
  auto it = procs_.find(cic);
  if (it == procs_.end())
    return;
  static constexpr IsupTimer kTimers[][2] = {
      {IsupTimer::T12, IsupTimer::T13}, {IsupTimer::T14, IsupTimer::T15},
      {IsupTimer::T16, IsupTimer::T17}, {IsupTimer::T18, IsupTimer::T19},
      {IsupTimer::T20, IsupTimer::T21}, {IsupTimer::T22, IsupTimer::T23}};
  for (IsupTimer t : kTimers[static_cast<std::size_t>(it->second.proc)])
    port_.stop_timer(cic, t);
  procs_.erase(it);
  port_.maintenance_cleared(cic);
}

bool CircuitSupervision::receive(const isup::Message &msg) {
  const uint16_t cic = msg.cic;
  Circuit *c = group_.find(cic);
  const auto *rs = msg.find<isup::RangeAndStatus>();
  const auto *type = msg.find<isup::CircuitGroupSupervisionMessageType>();
  const bool hardware = type && type->type_indicator == 1;

  switch (msg.type) {
  case MessageType::Blo: // §2.8.2.1
    if (!c)
      return send_simple(MessageType::Ucic, cic), true;
    c->blocking.remote_maintenance = true;
    if (c->call == CircuitCall::OutgoingBusy && c->call_ref)
      port_.reattempt_call(c->call_ref, cic);
    send_simple(MessageType::Bla, cic);
    return true;
  case MessageType::Ubl:
    if (!c)
      return send_simple(MessageType::Ucic, cic), true;
    c->blocking.remote_maintenance = false;
    send_simple(MessageType::Uba, cic);
    return true;
  case MessageType::Bla: // §2.9.4: an unexpected BLA for a circuit not locally blocked -> UBL
    if (procs_.count(cic) && procs_[cic].proc == Proc::Blo)
      finish(cic);
    else if (procs_.count(cic) && procs_[cic].proc == Proc::Ubl && procs_[cic].overtook)
      procs_[cic].overtook = false; // the answer to our BLO the pending UBL overtook
    else if (c && !c->blocking.local_maintenance)
      send_simple(MessageType::Ubl, cic);
    return true;
  case MessageType::Uba: // §2.9.4: an unexpected UBA for a locally blocked circuit -> BLO
    if (procs_.count(cic) && procs_[cic].proc == Proc::Ubl)
      finish(cic);
    else if (procs_.count(cic) && procs_[cic].proc == Proc::Blo && procs_[cic].overtook)
      procs_[cic].overtook = false; // the answer to our UBL the pending BLO overtook
    else if (c && c->blocking.local_maintenance)
      send_simple(MessageType::Blo, cic);
    return true;
  case MessageType::Cgb:
  case MessageType::Cgu: { // §2.8.2.2
    if (!rs || rs->range == 0 || rs->status.empty())
      return true; // unusable range: discarded (Q.764 §2.8.2.3)
    const bool block = msg.type == MessageType::Cgb;
    std::vector<bool> done(rs->range + 1u, false);
    auto cs = circuits_in(cic, rs->range);
    for (std::size_t i = 0; i < cs.size(); ++i) {
      if (!cs[i] || !status_bit(*rs, i))
        continue;
      bool &flag = hardware ? cs[i]->blocking.remote_hardware : cs[i]->blocking.remote_maintenance;
      flag = block;
      done[i] = true;
      // Hardware failure: calls on the circuits cannot continue.
      if (block && hardware && cs[i]->call_ref)
        end_call_for_reset(*cs[i]);
    }
    send_group(block ? MessageType::Cgba : MessageType::Cgua, cic, rs->range, &done, hardware);
    return true;
  }
  case MessageType::Cgba:
  case MessageType::Cgua:
    if (procs_.count(cic))
      finish(cic);
    return true;
  case MessageType::Grs: { // §2.9.3.2
    if (!rs || rs->range == 0 || rs->range > 31)
      return true; // discarded
    std::vector<bool> locally_blocked(rs->range + 1u, false);
    auto cs = circuits_in(cic, rs->range);
    for (std::size_t i = 0; i < cs.size(); ++i) {
      if (!cs[i])
        continue;
      end_call_for_reset(*cs[i]);
      cs[i]->blocking.remote_maintenance = false;
      locally_blocked[i] = cs[i]->blocking.local_maintenance;
    }
    send_group(MessageType::Gra, cic, rs->range, &locally_blocked, std::nullopt);
    return true;
  }
  case MessageType::Gra: {
    if (!procs_.count(cic) || procs_[cic].proc != Proc::Grs)
      return true;
    auto cs = circuits_in(cic, procs_[cic].range);
    for (std::size_t i = 0; i < cs.size(); ++i)
      if (cs[i]) {
        group_.set_call_state(cs[i]->cic, CircuitCall::Idle);
        // GRA's status says which circuits the far end holds blocked for maintenance.
        cs[i]->blocking.remote_maintenance = rs && status_bit(*rs, i);
      }
    finish(cic);
    return true;
  }
  case MessageType::Rsc: // §2.9.3.1, for a circuit with no call (calls take RSC themselves)
    if (!c)
      return send_simple(MessageType::Ucic, cic), true;
    end_call_for_reset(*c);
    c->blocking.remote_maintenance = false;
    send_simple(MessageType::Rlc, cic);
    if (c->blocking.local_maintenance)
      send_simple(MessageType::Blo, cic);
    return true;
  case MessageType::Cqm: { // §2.10.4 query: one circuit state indicator per circuit (Q.763 §3.14)
    if (!rs || rs->range > 31)
      return true;
    isup::Message r;
    r.type = MessageType::Cqr;
    r.cic = cic;
    isup::RangeAndStatus out;
    out.range = rs->range;
    r.add(out, isup::Part::MandatoryVariable);
    std::vector<uint8_t> states;
    for (Circuit *x : circuits_in(cic, rs->range)) {
      if (!x) {
        states.push_back(0x03); // unequipped
        continue;
      }
      uint8_t maint = uint8_t(x->blocking.local_maintenance) | uint8_t(x->blocking.remote_maintenance) << 1;
      uint8_t hw = uint8_t(x->blocking.local_hardware) | uint8_t(x->blocking.remote_hardware) << 1;
      uint8_t call = x->call == CircuitCall::IncomingBusy   ? 1
                     : x->call == CircuitCall::OutgoingBusy ? 2
                     : x->call == CircuitCall::Idle         ? 3
                                                            : 0;
      states.push_back(call == 0 ? 0x00 : static_cast<uint8_t>(maint | call << 2 | hw << 4));
    }
    r.add_octets<isup::CircuitStateIndicator>(states, isup::Part::MandatoryVariable);
    port_.send(r);
    return true;
  }
  case MessageType::Cqr:
    return true;
  case MessageType::Ucic: // §2.12
    if (c) {
      c->remote_unequipped = true;
      if (c->call == CircuitCall::OutgoingBusy && c->call_ref)
        port_.reattempt_call(c->call_ref, cic);
      port_.maintenance_alert(cic, "unequipped at the far end (UCIC)");
    }
    return true;
  default:
    return false;
  }
}

bool CircuitSupervision::block(uint16_t cic) {
  Circuit *c = group_.find(cic);
  if (!c)
    return false;
  c->blocking.local_maintenance = true;
  Pending p{Proc::Blo, 0, false, {}};
  p.overtook = procs_.count(cic) && procs_[cic].proc == Proc::Ubl;
  p.request.type = MessageType::Blo;
  p.request.cic = cic;
  start(cic, std::move(p), IsupTimer::T12, IsupTimer::T13);
  return true;
}

bool CircuitSupervision::unblock(uint16_t cic) {
  Circuit *c = group_.find(cic);
  if (!c || c->removed) // out of the configuration: blocked until it is added again
    return false;
  c->blocking.local_maintenance = false;
  Pending p{Proc::Ubl, 0, false, {}};
  p.overtook = procs_.count(cic) && procs_[cic].proc == Proc::Blo;
  p.request.type = MessageType::Ubl;
  p.request.cic = cic;
  start(cic, std::move(p), IsupTimer::T14, IsupTimer::T15);
  return true;
}

bool CircuitSupervision::reset(uint16_t cic) {
  Circuit *c = group_.find(cic);
  if (!c)
    return false;
  end_call_for_reset(*c);
  group_.set_call_state(cic, CircuitCall::Resetting);
  Pending p{Proc::Rsc, 0, false, {}};
  p.request.type = MessageType::Rsc;
  p.request.cic = cic;
  start(cic, std::move(p), IsupTimer::T16, IsupTimer::T17);
  return true;
}

bool CircuitSupervision::adopt_reset(uint16_t cic) {
  if (!group_.find(cic))
    return false;
  group_.idle(cic); // no call holds it any more
  group_.set_call_state(cic, CircuitCall::Resetting);
  Pending p{Proc::Rsc, 0, false, {}};
  p.request.type = MessageType::Rsc;
  p.request.cic = cic;
  start(cic, std::move(p), IsupTimer::T16, IsupTimer::T17, /*send=*/false);
  return true;
}

bool CircuitSupervision::reset_complete(uint16_t cic) {
  auto it = procs_.find(cic);
  if (it == procs_.end() || it->second.proc != Proc::Rsc)
    return false;
  group_.idle(cic);
  finish(cic);
  return true;
}

namespace {
isup::Message group_request(MessageType t, uint16_t cic, uint8_t range, std::optional<bool> hw,
                            bool with_status, const std::vector<bool> *only = nullptr) {
  isup::Message m;
  m.type = t;
  m.cic = cic;
  if (hw)
    m.add(isup::CircuitGroupSupervisionMessageType{.type_indicator = uint8_t(*hw ? 1 : 0)},
          isup::Part::MandatoryFixed);
  isup::RangeAndStatus rs;
  rs.range = range;
  if (with_status)
    for (std::size_t i = 0; i < (std::size_t(range) + 8) / 8; ++i) {
      const std::size_t bits_here = std::min<std::size_t>(8, std::size_t(range) + 1 - i * 8);
      uint8_t bits = static_cast<uint8_t>((1u << bits_here) - 1);
      if (only)
        for (std::size_t b = 0; b < bits_here; ++b)
          if (i * 8 + b >= only->size() || !(*only)[i * 8 + b])
            bits = static_cast<uint8_t>(bits & ~(1u << b));
      rs.status.push_back(bits);
    }
  m.add(rs, isup::Part::MandatoryVariable);
  return m;
}
} // namespace

bool CircuitSupervision::group_block(uint16_t first, uint8_t range, bool hardware,
                                     const std::vector<bool> *status) {
  if (range == 0 || (status && status->size() != range + 1u))
    return false;
  const auto cs = circuits_in(first, range);
  for (std::size_t i = 0; i < cs.size(); ++i)
    if (Circuit *c = cs[i]; c && (!status || (*status)[i])) {
      (hardware ? c->blocking.local_hardware : c->blocking.local_maintenance) = true;
      if (hardware && c->call_ref)
        end_call_for_reset(*c);
    }
  Pending p{Proc::Cgb, range, hardware,
            group_request(MessageType::Cgb, first, range, hardware, true, status)};
  start(first, std::move(p), IsupTimer::T18, IsupTimer::T19);
  return true;
}

bool CircuitSupervision::group_unblock(uint16_t first, uint8_t range, bool hardware,
                                       const std::vector<bool> *status) {
  if (range == 0 || (status && status->size() != range + 1u))
    return false;
  const auto cs = circuits_in(first, range);
  for (std::size_t i = 0; i < cs.size(); ++i)
    if (Circuit *c = cs[i]; c && (!status || (*status)[i]))
      (hardware ? c->blocking.local_hardware : c->blocking.local_maintenance) = false;
  Pending p{Proc::Cgu, range, hardware,
            group_request(MessageType::Cgu, first, range, hardware, true, status)};
  start(first, std::move(p), IsupTimer::T20, IsupTimer::T21);
  return true;
}

bool CircuitSupervision::group_reset(uint16_t first, uint8_t range) {
  if (range == 0 || range > 31)
    return false;
  for (Circuit *c : circuits_in(first, range))
    if (c) {
      end_call_for_reset(*c);
      group_.set_call_state(c->cic, CircuitCall::Resetting);
    }
  Pending p{Proc::Grs, range, false, group_request(MessageType::Grs, first, range, std::nullopt, false)};
  start(first, std::move(p), IsupTimer::T22, IsupTimer::T23);
  return true;
}

void CircuitSupervision::reset_all() {
  reset_runs([](const Circuit &) { return true; });
}

void CircuitSupervision::reset_idle() {
  reset_runs([this](const Circuit &c) {
    return c.call == CircuitCall::Idle && !c.call_ref && !pending(c.cic);
  });
}

template <typename Pred> void CircuitSupervision::reset_runs(Pred &&include) {
  const auto &cs = group_.circuits();
  std::size_t i = 0;
  while (i < cs.size()) {
    if (!include(cs[i])) {
      ++i;
      continue;
    }
    // a run of consecutive CICs, at most 32 long
    std::size_t j = i;
    while (j + 1 < cs.size() && cs[j + 1].cic == cs[j].cic + 1 && j + 1 - i < 31 &&
           include(cs[j + 1]))
      ++j;
    const uint16_t first = cs[i].cic;
    const auto range = static_cast<uint8_t>(cs[j].cic - first);
    if (range == 0)
      reset(first); // a single circuit: GRS needs range >= 1, RSC does it (§2.9.3.1)
    else
      group_reset(first, range);
    i = j + 1;
  }
}

void CircuitSupervision::on_timer(uint16_t cic, IsupTimer t) {
  auto it = procs_.find(cic);
  if (it == procs_.end())
    return;
  Pending &p = it->second;
  const bool long_timer = t == IsupTimer::T13 || t == IsupTimer::T15 || t == IsupTimer::T17 ||
                          t == IsupTimer::T19 || t == IsupTimer::T21 || t == IsupTimer::T23;
  port_.send(p.request);
  if (long_timer) {
    // Q.764 §2.9.6: after the first long period maintenance is alerted and the request is
    // repeated at the long interval only.
    static constexpr IsupTimer kShort[] = {IsupTimer::T12, IsupTimer::T14, IsupTimer::T16,
                                           IsupTimer::T18, IsupTimer::T20, IsupTimer::T22};
    port_.stop_timer(cic, kShort[static_cast<std::size_t>(p.proc)]);
    const std::string what = "no acknowledgement within " +
                             std::string(isup_timer_table()[static_cast<std::size_t>(t)].name) +
                             " (Q.764 §2.9.6)";
    port_.maintenance_alert(cic, what.c_str());
  }
  port_.start_timer(cic, t, timers_.ms(t));
}

// ---------------------------------------------------------------------------------------------
ScheduledSupervisionPort::~ScheduledSupervisionPort() {
  for (auto &[k, id] : timers_)
    sched_.stop(id);
}

void ScheduledSupervisionPort::start_timer(uint16_t cic, IsupTimer t, uint32_t ms) {
  stop_timer(cic, t);
  timers_[{cic, t}] = sched_.start(ms, [this, cic, t] {
    timers_.erase({cic, t});
    if (supervision_)
      supervision_->on_timer(cic, t);
    after_timer();
  });
}

void ScheduledSupervisionPort::stop_timer(uint16_t cic, IsupTimer t) {
  auto it = timers_.find({cic, t});
  if (it != timers_.end()) {
    sched_.stop(it->second);
    timers_.erase(it);
  }
}

} // namespace mgc::cc
