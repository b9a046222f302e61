// ASP state maintenance, RFC 4666 §4.3.1 and §4.3.4: the ASP's own view (ASPUP/ASPAC/ASPIA/ASPDN
// with T(ack), §4.3.4.1-§4.3.4.4, and its reactions to NTFY) and the SGP's view of a peer ASP,
// as transition tables (state, event, next state, action, guard) with their actions.
#include "core/log.h"
#include "sigtran/m3ua_node_fsm.h"

#include <algorithm>

namespace mgc::sigtran {

void NodeFsm::send_aspup(Node &n, int l) {
  Message m(MsgType::AspUp);
  if (n.links_[l]->cfg.asp_id)
    m.add_u32(Tag::AspIdentifier, *n.links_[l]->cfg.asp_id);
  n.send(l, 0, m);
}

void NodeFsm::resend_aspup(Node &n, int l) {
  n.counters_.inc(M3uaNodeCounter::ack_timeouts);
  send_aspup(n, l);
}

void NodeFsm::up_confirmed(Node &n, int l) {
  n.mgmt(l, "M-ASP_UP.cnf");
  // §4.4.1: a dynamically registered key is registered first; ASPAC follows its REG RSP.
  if (n.links_[l]->cfg.register_rk)
    n.m_rk_reg_req(l);
  else if (n.links_[l]->cfg.auto_active)
    n.m_asp_active_req(l);
}

void NodeFsm::send_aspac(Node &n, int l) {
  Node::Link &k = *n.links_[l];
  Message m(MsgType::AspAc);
  if (!k.cfg.ases.empty())
    m.add_u32(Tag::TrafficModeType, uint32_t(n.ases_[k.cfg.ases[0]]->cfg.mode));
  auto rcs = k.rcs();
  if (!rcs.empty())
    m.add_u32_list(Tag::RoutingContext, rcs);
  n.send(l, 0, m);
}

void NodeFsm::resend_aspac(Node &n, int l) {
  n.counters_.inc(M3uaNodeCounter::ack_timeouts);
  send_aspac(n, l);
  // An ASP returning to ASP-ACTIVE after an unexpected ASP Up Ack (unexpected_upack) kept its
  // destinations: unanswered for T(ack), they are inaccessible now.
  n.recompute_availability();
}

void NodeFsm::active_confirmed(Node &n, int l) {
  n.mgmt(l, "M-ASP_ACTIVE.cnf");
  n.recompute_availability();
}

void NodeFsm::send_aspia(Node &n, int l) {
  Message m(MsgType::AspIa);
  auto rcs = n.links_[l]->rcs();
  if (!rcs.empty())
    m.add_u32_list(Tag::RoutingContext, rcs);
  n.send(l, 0, m);
}

void NodeFsm::resend_aspia(Node &n, int l) {
  n.counters_.inc(M3uaNodeCounter::ack_timeouts);
  send_aspia(n, l);
}

void NodeFsm::inactive_confirmed(Node &n, int l) {
  n.mgmt(l, "M-ASP_INACTIVE.ind");
  n.recompute_availability();
}

void NodeFsm::send_aspdn(Node &n, int l) {
  n.send(l, 0, Message(MsgType::AspDn));
}

void NodeFsm::resend_aspdn(Node &n, int l) {
  n.counters_.inc(M3uaNodeCounter::ack_timeouts);
  send_aspdn(n, l);
}

void NodeFsm::down_confirmed(Node &n, int l) {
  n.mgmt(l, "M-ASP_DOWN.cnf");
  n.recompute_availability();
}

// §4.3.4.2: an ASPDN ACK the ASP did not ask for: the SGP took it down; try ASPUP again
// after T(ack) (the state timeout of ASP-DOWN(ASPUP sent)).
void NodeFsm::unsolicited_down(Node &n, int l) {
  n.mgmt(l, "M-ASP_DOWN.ind (unsolicited ASPDN ACK)");
  n.recompute_availability();
}

// §4.3.4.1: an unexpected ASPUP ACK: the ASP considers itself inactive, sends ERR and goes
// back to where it was. Returning by itself, it does not tell its user the destinations went
// and came back (MTP-PAUSE then MTP-RESUME): nothing the user has was lost, and an ISUP user
// resets its circuits at an MTP-RESUME. If the ASPAC stays unanswered for T(ack) they are
// paused then (resend_aspac).
void NodeFsm::unexpected_upack(Node &n, int l) {
  Message m(MsgType::AspUpAck);
  auto raw = encode(m);
  n.send_err(l, ErrorCode::UnexpectedMessage, raw);
  n.counters_.inc(M3uaNodeCounter::unexpected_upack);
  n.mgmt(l, "unexpected ASP Up Ack: ERR sent, returning to ASP-ACTIVE");
  if (n.links_[l]->cfg.auto_active)
    n.m_asp_active_req(l);
  else
    n.recompute_availability();
}

// §4.3.4.5: a standby ASP (override) told its AS is pending takes over.
void NodeFsm::take_over(Node &n, int l) { send_aspac(n, l); }

// §4.3.4.4: an ASPIA ACK the ASP did not ask for while active: it is inactive now and
// returns to its previous state.
void NodeFsm::reactivate(Node &n, int l) {
  n.mgmt(l, "M-ASP_INACTIVE.ind (unsolicited ASPIA ACK): reactivating");
  n.recompute_availability();
  send_aspac(n, l);
}

void NodeFsm::refused(Node &n, int l) {
  n.mgmt(l, "M-ERROR.ind: refused (management blocking)");
}

void NodeFsm::ack_up(Node &n, int l, const Message &m) {
  Node::Link &k = *n.links_[l];
  k.peer_asp_id = m.u32(Tag::AspIdentifier);
  Message a(MsgType::AspUpAck);
  if (k.peer_asp_id)
    a.add_u32(Tag::AspIdentifier, *k.peer_asp_id);
  n.send(l, 0, a);
  n.mgmt(l, "M-ASP_UP.ind");
  for (int as : k.cfg.ases) {
    AsState before = n.ases_[as]->state;
    n.as_event(as, l, int(AEv::AspInactive));
    // §4.3.4.5: an ASP that comes up learns the AS state with a NTFY after its ASPUP ACK
    // (when the state changed, the AS's own NTFY to every ASP already told it).
    if (n.ases_[as]->state == before)
      n.send_ntfy_to(as, l);
  }
}

void NodeFsm::ack_up_only(Node &n, int l, const Message &) {
  n.send(l, 0, Message(MsgType::AspUpAck));
}

// §4.3.4.1: ASPUP while ASP-ACTIVE: ack, ERR(Unexpected Message), ASP inactive in its ASes.
// The ERR goes first, as the ETSI TS 102 381 procedure m3ua-sgp-aspsm-o-003 expects.
void NodeFsm::ack_up_from_active(Node &n, int l, const Message &m) {
  n.send_err(l, ErrorCode::UnexpectedMessage, encode(m));
  n.send(l, 0, Message(MsgType::AspUpAck));
  for (int as : n.links_[l]->cfg.ases)
    n.as_event(as, l, int(AEv::AspInactive));
}

void NodeFsm::ack_dn(Node &n, int l, const Message &) {
  n.send(l, 0, Message(MsgType::AspDnAck));
  n.mgmt(l, "M-ASP_DOWN.ind");
  for (int as : n.links_[l]->cfg.ases)
    n.as_event(as, l, int(AEv::AspDown));
}

void NodeFsm::ack_ac(Node &n, int l, const Message &m) {
  Message a(MsgType::AspAcAck);
  if (auto tm = m.u32(Tag::TrafficModeType))
    a.add_u32(Tag::TrafficModeType, *tm);
  auto rcs = m.u32_list(Tag::RoutingContext);
  if (!rcs.empty())
    a.add_u32_list(Tag::RoutingContext, rcs);
  n.send(l, 0, a);
  n.mgmt(l, "M-ASP_ACTIVE.ind");
  for (int as : n.links_[l]->cfg.ases)
    n.as_event(as, l, int(AEv::AspActive));
}

void NodeFsm::ack_ia(Node &n, int l, const Message &m) {
  Message a(MsgType::AspIaAck);
  auto rcs = m.u32_list(Tag::RoutingContext);
  if (!rcs.empty())
    a.add_u32_list(Tag::RoutingContext, rcs);
  n.send(l, 0, a);
  n.mgmt(l, "M-ASP_INACTIVE.ind");
  for (int as : n.links_[l]->cfg.ases)
    n.as_event(as, l, int(AEv::AspInactive));
}

// §4.3.4.4: an ASPIA is always acknowledged, even from an ASP that is not up.
void NodeFsm::ack_ia_only(Node &n, int l, const Message &m) {
  Message a(MsgType::AspIaAck);
  auto rcs = m.u32_list(Tag::RoutingContext);
  if (!rcs.empty())
    a.add_u32_list(Tag::RoutingContext, rcs);
  n.send(l, 0, a);
}

// Association lost: the ASP is down in its ASes; the other ASPs still up in each AS it was
// part of are told "ASP Failure" with its ASP Identifier (§3.8.2).
void NodeFsm::remote_lost(Node &n, int l, const Message &) {
  for (int as : n.links_[l]->cfg.ases) {
    Node::As &a = *n.ases_[as];
    bool was_up = a.up.count(l) > 0;
    n.as_event(as, l, int(AEv::AspDown));
    if (!was_up)
      continue;
    uint32_t rc = a.cfg.routing_context;
    for (int other : a.up)
      if (other != l && n.links_[other]->assoc) {
        n.send(other, 0,
               make_notify(StatusType::Other, uint16_t(OtherInfo::AspFailure),
                           n.links_[l]->peer_asp_id, std::span<const uint32_t>(&rc, 1)));
        n.counters_.inc(M3uaNodeCounter::ntfy_tx);
      }
  }
}

namespace {
using F = NodeFsm;
using S = AspState;

// §4.3.1 / §4.3.4, the ASP's own view. T(ack) is the timeout of the four request-pending
// states: entered, it runs; its expiry sends the request again and restarts it; an answer
// leaves the state and stops it.
constexpr F::LocalFsm::Row kLocalRows[] = {
    {S::Down, LEv::MUpReq, S::UpSent, F::send_aspup},
    {S::UpSent, LEv::TAck, S::UpSent, F::resend_aspup},
    {S::UpSent, LEv::RxUpAck, S::Inactive, F::up_confirmed},
    {S::UpSent, LEv::RxBlocked, S::Down, F::refused},
    {S::Inactive, LEv::RxUpAck, S::Inactive, F::nothing},
    {S::Inactive, LEv::MActiveReq, S::ActiveSent, F::send_aspac},
    {S::Inactive, LEv::RxAsPending, S::ActiveSent, F::take_over, F::takes_over},
    {S::Inactive, LEv::RxAsPending, S::Inactive, F::nothing},
    {S::Inactive, LEv::RxAltActive, S::Inactive, F::nothing},
    {S::ActiveSent, LEv::TAck, S::ActiveSent, F::resend_aspac},
    {S::ActiveSent, LEv::RxAcAck, S::Active, F::active_confirmed},
    {S::ActiveSent, LEv::RxBlocked, S::Inactive, F::refused},
    {{S::ActiveSent, S::InactiveSent}, LEv::RxIaAck, S::Inactive, F::inactive_confirmed},
    {{S::ActiveSent, S::Active, S::InactiveSent}, LEv::RxAltActive, S::Inactive,
     F::inactive_confirmed},
    {{S::ActiveSent, S::Active}, LEv::RxUpAck, S::Inactive, F::unexpected_upack},
    {S::Active, LEv::RxAcAck, S::Active, F::nothing},
    {S::Active, LEv::MInactiveReq, S::InactiveSent, F::send_aspia},
    {S::Active, LEv::RxIaAck, S::ActiveSent, F::reactivate, F::wants_active},
    {S::Active, LEv::RxIaAck, S::Inactive, F::inactive_confirmed},
    {S::Active, LEv::RxAsPending, S::Active, F::nothing},
    {S::InactiveSent, LEv::TAck, S::InactiveSent, F::resend_aspia},
    {S::InactiveSent, LEv::RxAcAck, S::InactiveSent, F::nothing},
    {{S::UpSent, S::Inactive, S::ActiveSent, S::Active, S::InactiveSent}, LEv::MDownReq,
     S::DownSent, F::send_aspdn},
    {S::DownSent, LEv::TAck, S::DownSent, F::resend_aspdn},
    {S::DownSent, LEv::RxDnAck, S::Down, F::down_confirmed},
    {{S::Inactive, S::ActiveSent, S::Active, S::InactiveSent}, LEv::RxDnAck, S::UpSent,
     F::unsolicited_down},
    // The association went: whatever the state, the ASP is down (§4.3.1) and T(ack) stops.
    {core::StateSet<S>::any(), LEv::LinkDown, S::Down, F::nothing},
};
constexpr F::LocalFsm::Timeout kLocalTimeouts[] = {
    {S::UpSent, LEv::TAck, F::t_ack_ms},
    {S::ActiveSent, LEv::TAck, F::t_ack_ms},
    {S::InactiveSent, LEv::TAck, F::t_ack_ms},
    {S::DownSent, LEv::TAck, F::t_ack_ms},
};

// §4.3.4, the SGP's view of a remote ASP.
constexpr F::RemoteFsm::Row kRemoteRows[] = {
    {S::Down, REv::RxUp, S::Inactive, F::ack_up},
    {S::Inactive, REv::RxUp, S::Inactive, F::ack_up_only},
    {S::Active, REv::RxUp, S::Inactive, F::ack_up_from_active},
    {{S::Down, S::Inactive, S::Active}, REv::RxDn, S::Down, F::ack_dn},
    {{S::Inactive, S::Active}, REv::RxAc, S::Active, F::ack_ac},
    {{S::Inactive, S::Active}, REv::RxIa, S::Inactive, F::ack_ia},
    {S::Down, REv::RxIa, S::Down, F::ack_ia_only},
    {{S::Inactive, S::Active}, REv::LinkDown, S::Down, F::remote_lost},
    {S::Down, REv::LinkDown, S::Down, F::remote_nothing},
};
} // namespace

const F::LocalFsm F::kLocal{kAspStateNames, kLEvNames, kLocalRows, kLocalTimeouts};
const F::RemoteFsm F::kRemote{kAspStateNames, kREvNames, kRemoteRows};

bool NodeFsm::run_local(Node &n, int l, LEv ev) {
  Node::Link &k = *n.links_[l];
  return F::kLocal.fire(
      k.local, k.t_ack.get(), ev,
      [&](S from, S to, LEv e) {
        MGC_LOG(M3ua, Info, "%s: ASP (own view) %s -> %s on %s", n.link_name(l),
                F::kLocal.state_name(from), F::kLocal.state_name(to), F::kLocal.event_name(e));
      },
      n, l);
}

// A message the local ASP view has no row for is answered with ERR(Unexpected Message).
void Node::local_event(int link, const Message &m, std::span<const uint8_t> raw, LocalEvent e) {
  Link &k = *links_[link];
  LEv ev = LEv(e);
  if (F::run_local(*this, link, ev))
    return;
  counters_.inc(M3uaNodeCounter::unexpected_message);
  mgmt(link, std::string("no transition: ") + F::kLocal.event_name(ev) + " in " +
                 std::string(asp_state_name(k.local)));
  send_err(link, ErrorCode::UnexpectedMessage, raw, m.u32_list(Tag::RoutingContext));
}

bool Node::run_remote(int link, const Message &m, RemoteEvent e) {
  Link &k = *links_[link];
  const REv ev = REv(e);
  return F::kRemote.fire(
      k.remote, nullptr, ev,
      [&](S from, S to, REv e) {
        MGC_LOG(M3ua, Info, "%s: peer ASP %s -> %s on %s", link_name(link),
                F::kRemote.state_name(from), F::kRemote.state_name(to),
                F::kRemote.event_name(e));
      },
      *this, link, m);
}

void Node::remote_event(int link, const Message &m, std::span<const uint8_t> raw, RemoteEvent e) {
  const REv ev = REv(e);
  if (run_remote(link, m, e))
    return;
  counters_.inc(M3uaNodeCounter::unexpected_message);
  mgmt(link, std::string("no transition: ") + F::kRemote.event_name(ev) + " in " +
                 std::string(asp_state_name(links_[link]->remote)));
  send_err(link, ErrorCode::UnexpectedMessage, raw, m.u32_list(Tag::RoutingContext));
}

} // namespace mgc::sigtran
