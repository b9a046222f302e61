// M3UA procedures, RFC 4666 §4: ASP state maintenance (§4.3.1, §4.3.4), AS state maintenance
// (§4.3.2), NTFY (§4.3.4.5), heartbeat (§4.3.4.6), routing key management (§4.4), SSNM (§4.5) and
// the MTP3 service to the user (§4.1). The three state machines are transition tables (state,
// event, next state, action, guard); a received message without a row is answered with
// ERR(Unexpected Message) and counted, never silently dropped.
#include "sigtran/m3ua_node.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace mgc::sigtran {

using namespace m3ua;

std::string_view role_name(Role r) {
  static constexpr std::string_view n[] = {"asp", "sgp", "ipsp-se-client", "ipsp-se-server",
                                           "ipsp-de"};
  return n[int(r)];
}
bool role_by_name(std::string_view s, Role &out) {
  for (int i = 0; i < 5; ++i)
    if (role_name(Role(i)) == s) {
      out = Role(i);
      return true;
    }
  return false;
}
std::string_view asp_state_name(AspState s) {
  static constexpr std::string_view n[] = {
      "ASP-DOWN",   "ASP-DOWN(ASPUP sent)",   "ASP-INACTIVE",        "ASP-INACTIVE(ASPAC sent)",
      "ASP-ACTIVE", "ASP-ACTIVE(ASPIA sent)", "ASP-DOWN(ASPDN sent)"};
  return n[int(s)];
}
std::string_view as_state_name(AsState s) {
  static constexpr std::string_view n[] = {"AS-DOWN", "AS-INACTIVE", "AS-ACTIVE", "AS-PENDING"};
  return n[int(s)];
}

namespace {
// Which side of the ASP/SGP relation a role plays (§4.3): the local view sends ASPUP/ASPAC, the
// remote view answers them. IPSP double exchange plays both.
bool has_local(Role r) { return r == Role::Asp || r == Role::IpspSeClient || r == Role::IpspDe; }
bool has_remote(Role r) { return r == Role::Sgp || r == Role::IpspSeServer || r == Role::IpspDe; }

// Events of the local ASP view (M-ASP_xx requests from layer management, acks from the peer).
enum class LEv : uint8_t {
  MUpReq,
  MActiveReq,
  MInactiveReq,
  MDownReq,
  RxUpAck,
  RxDnAck,
  RxAcAck,
  RxIaAck,
  RxAltActive,
  RxAsPending,
  RxBlocked,
  TAck,
  LinkDown
};
constexpr std::string_view kLEvNames[] = {
    "M-ASP_UP.req",     "M-ASP_ACTIVE.req", "M-ASP_INACTIVE.req",
    "M-ASP_DOWN.req",   "ASPUP_ACK",        "ASPDN_ACK",
    "ASPAC_ACK",        "ASPIA_ACK",        "NTFY(Alternate ASP Active)",
    "NTFY(AS-PENDING)", "ERR(Refused)",     "T(ack) expiry",
    "association down"};

// Events of the remote ASP view (requests from the peer ASP).
enum class REv : uint8_t { RxUp, RxDn, RxAc, RxIa, LinkDown };
constexpr std::string_view kREvNames[] = {"ASPUP", "ASPDN", "ASPAC", "ASPIA", "association down"};

// Events of the AS state machine (§4.3.2), posted by the remote ASP views.
enum class AEv : uint8_t { AspInactive, AspActive, AspDown, TrExpiry };
constexpr std::string_view kAEvNames[] = {"ASP inactive", "ASP active", "ASP down", "T(r) expiry"};
} // namespace

struct Node::Link {
  LinkConfig cfg;
  Association *assoc = nullptr;
  AspState local = AspState::Down;
  AspState remote = AspState::Down;
  std::unique_ptr<Timer> t_ack, t_beat, t_audit;
  bool beat_outstanding = false;
  uint32_t beat_seq = 0;
  std::optional<uint32_t> peer_asp_id;
  bool registered = false;
  bool want_active = false;       // layer management asked for ASP-ACTIVE and has not withdrawn
  std::set<uint32_t> unavailable; // point codes the peer declared unavailable (DUNA)
  // Point codes to audit with DAUD (§4.5.3): unavailable, restricted, congested, or whose user
  // part is unavailable, until a DAVA says otherwise.
  std::set<uint32_t> audit;
  std::vector<uint32_t> rcs() const;
  Node *node = nullptr;
};

struct Node::As {
  AsConfig cfg;
  AsState state = AsState::Down;      // kept here (SGP/IPSP side)
  AsState peer_state = AsState::Down; // as notified by the peer (ASP side)
  std::vector<int> active;            // remote ASPs active in this AS, oldest first
  std::set<int> up;                   // remote ASPs at least inactive in this AS
  std::unique_ptr<Timer> t_r;
  std::vector<std::pair<uint16_t, std::vector<uint8_t>>> buffered; // (sls, DATA bytes)
  int last_event_link = -1;
};

std::vector<uint32_t> Node::Link::rcs() const {
  std::vector<uint32_t> out;
  for (int a : cfg.ases)
    if (node->ases_[a]->cfg.send_rc)
      out.push_back(node->ases_[a]->cfg.routing_context);
  return out;
}

// ---------------------------------------------------------------------------------------------
// The transition tables. Actions and guards are static members of NodeFsm so they reach the
// node's internals; each row reads like a line of the RFC's state description.
struct NodeFsm {
  using LAct = void (*)(Node &, int link);
  using LGuard = bool (*)(const Node &, int link);
  struct LRow {
    AspState from;
    LEv ev;
    AspState to;
    LAct act;
    LGuard guard = nullptr; // nullptr: always
  };
  using RAct = void (*)(Node &, int link, const Message &m);
  struct RRow {
    AspState from;
    REv ev;
    AspState to;
    RAct act;
  };
  using AAct = void (*)(Node &, int as);
  using AGuard = bool (*)(const Node &, int as);
  struct ARow {
    AsState from;
    AEv ev;
    AsState to;
    AAct act;
    AGuard guard;
  };

  // --- local ASP view actions (§4.3.4.1-§4.3.4.4, ASP side)
  static void send_aspup(Node &n, int l) {
    Message m(MsgType::AspUp);
    if (n.links_[l]->cfg.asp_id)
      m.add_u32(Tag::AspIdentifier, *n.links_[l]->cfg.asp_id);
    n.send(l, 0, m);
    n.links_[l]->t_ack->start(n.cfg_.timers.ack);
  }
  static void resend_aspup(Node &n, int l) {
    n.counters_.inc(M3uaNodeCounter::ack_timeouts);
    send_aspup(n, l);
  }
  static void up_confirmed(Node &n, int l) {
    n.links_[l]->t_ack->stop();
    n.mgmt(l, "M-ASP_UP.cnf");
    // §4.4.1: a dynamically registered key is registered first; ASPAC follows its REG RSP.
    if (n.links_[l]->cfg.register_rk)
      n.m_rk_reg_req(l);
    else if (n.links_[l]->cfg.auto_active)
      n.m_asp_active_req(l);
  }
  static void send_aspac(Node &n, int l) {
    Node::Link &k = *n.links_[l];
    Message m(MsgType::AspAc);
    if (!k.cfg.ases.empty())
      m.add_u32(Tag::TrafficModeType, uint32_t(n.ases_[k.cfg.ases[0]]->cfg.mode));
    auto rcs = k.rcs();
    if (!rcs.empty())
      m.add_u32_list(Tag::RoutingContext, rcs);
    n.send(l, 0, m);
    k.t_ack->start(n.cfg_.timers.ack);
  }
  static void resend_aspac(Node &n, int l) {
    n.counters_.inc(M3uaNodeCounter::ack_timeouts);
    send_aspac(n, l);
  }
  static void active_confirmed(Node &n, int l) {
    n.links_[l]->t_ack->stop();
    n.mgmt(l, "M-ASP_ACTIVE.cnf");
    n.recompute_availability();
  }
  static void send_aspia(Node &n, int l) {
    Message m(MsgType::AspIa);
    auto rcs = n.links_[l]->rcs();
    if (!rcs.empty())
      m.add_u32_list(Tag::RoutingContext, rcs);
    n.send(l, 0, m);
    n.links_[l]->t_ack->start(n.cfg_.timers.ack);
  }
  static void resend_aspia(Node &n, int l) {
    n.counters_.inc(M3uaNodeCounter::ack_timeouts);
    send_aspia(n, l);
  }
  static void inactive_confirmed(Node &n, int l) {
    n.links_[l]->t_ack->stop();
    n.mgmt(l, "M-ASP_INACTIVE.ind");
    n.recompute_availability();
  }
  static void send_aspdn(Node &n, int l) {
    n.send(l, 0, Message(MsgType::AspDn));
    n.links_[l]->t_ack->start(n.cfg_.timers.ack);
  }
  static void resend_aspdn(Node &n, int l) {
    n.counters_.inc(M3uaNodeCounter::ack_timeouts);
    send_aspdn(n, l);
  }
  static void down_confirmed(Node &n, int l) {
    n.links_[l]->t_ack->stop();
    n.mgmt(l, "M-ASP_DOWN.cnf");
    n.recompute_availability();
  }
  // §4.3.4.2: an ASPDN ACK the ASP did not ask for: the SGP took it down; try ASPUP again
  // after T(ack).
  static void unsolicited_down(Node &n, int l) {
    n.mgmt(l, "M-ASP_DOWN.ind (unsolicited ASPDN ACK)");
    n.links_[l]->t_ack->start(n.cfg_.timers.ack);
    n.recompute_availability();
  }
  // §4.3.4.1: an unexpected ASPUP ACK: the ASP considers itself inactive, sends ERR and goes
  // back to where it was.
  static void unexpected_upack(Node &n, int l) {
    Message m(MsgType::AspUpAck);
    auto raw = encode(m);
    n.send_err(l, ErrorCode::UnexpectedMessage, raw);
    n.recompute_availability();
    if (n.links_[l]->cfg.auto_active)
      n.m_asp_active_req(l);
  }
  // §4.3.4.5: a standby ASP (override) told its AS is pending takes over.
  static void take_over(Node &n, int l) {
    if (n.links_[l]->cfg.auto_active)
      send_aspac(n, l);
  }
  // §4.3.4.4: an ASPIA ACK the ASP did not ask for while active: it is inactive now and
  // returns to its previous state.
  static void reactivate(Node &n, int l) {
    n.mgmt(l, "M-ASP_INACTIVE.ind (unsolicited ASPIA ACK): reactivating");
    n.recompute_availability();
    send_aspac(n, l);
  }
  static void refused(Node &n, int l) {
    n.links_[l]->t_ack->stop();
    n.mgmt(l, "M-ERROR.ind: refused (management blocking)");
  }
  static void nothing(Node &, int) {}
  // A standby ASP (moved to inactive by "Alternate ASP Active") wants traffic back; one that
  // layer management made inactive does not.
  static bool wants_active(const Node &n, int l) { return n.links_[l]->want_active; }

  // --- remote ASP view actions (SGP side of §4.3.4)
  static void ack_up(Node &n, int l, const Message &m) {
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
  static void ack_up_only(Node &n, int l, const Message &) {
    n.send(l, 0, Message(MsgType::AspUpAck));
  }
  // §4.3.4.1: ASPUP while ASP-ACTIVE: ack, ERR(Unexpected Message), ASP inactive in its ASes.
  // The ERR goes first, as the ETSI TS 102 381 procedure m3ua-sgp-aspsm-o-003 expects.
  static void ack_up_from_active(Node &n, int l, const Message &m) {
    n.send_err(l, ErrorCode::UnexpectedMessage, encode(m));
    n.send(l, 0, Message(MsgType::AspUpAck));
    for (int as : n.links_[l]->cfg.ases)
      n.as_event(as, l, int(AEv::AspInactive));
  }
  static void ack_dn(Node &n, int l, const Message &) {
    n.send(l, 0, Message(MsgType::AspDnAck));
    n.mgmt(l, "M-ASP_DOWN.ind");
    for (int as : n.links_[l]->cfg.ases)
      n.as_event(as, l, int(AEv::AspDown));
  }
  static void ack_ac(Node &n, int l, const Message &m) {
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
  static void ack_ia(Node &n, int l, const Message &m) {
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
  static void ack_ia_only(Node &n, int l, const Message &m) {
    Message a(MsgType::AspIaAck);
    auto rcs = m.u32_list(Tag::RoutingContext);
    if (!rcs.empty())
      a.add_u32_list(Tag::RoutingContext, rcs);
    n.send(l, 0, a);
  }
  // Association lost: the ASP is down in its ASes; the other ASPs still up in each AS it was
  // part of are told "ASP Failure" with its ASP Identifier (§3.8.2).
  static void remote_lost(Node &n, int l, const Message &) {
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

  // --- AS actions and guards (§4.3.2)
  static bool any_active(const Node &n, int as) { return !n.ases_[as]->active.empty(); }
  static bool none_active(const Node &n, int as) { return n.ases_[as]->active.empty(); }
  static bool any_up(const Node &n, int as) { return !n.ases_[as]->up.empty(); }
  static bool none_up(const Node &n, int as) { return n.ases_[as]->up.empty(); }
  static bool always(const Node &, int) { return true; }
  // Loadshare/broadcast below the configured number of active ASPs, but not empty.
  static bool insufficient(const Node &n, int as) {
    const Node::As &a = *n.ases_[as];
    return !a.active.empty() && a.cfg.mode != TrafficMode::Override &&
           a.active.size() < a.cfg.min_active;
  }
  static bool override_takeover(const Node &n, int as) {
    return n.ases_[as]->cfg.mode == TrafficMode::Override && n.ases_[as]->active.size() > 1;
  }
  static void ntfy_inactive(Node &n, int as) {
    n.send_ntfy_as(as, AsStateInfo::AsInactive);
    n.recompute_availability();
  }
  static void ntfy_active(Node &n, int as) {
    n.send_ntfy_as(as, AsStateInfo::AsActive);
    n.recompute_availability();
  }
  // §4.3.4.3: in override mode the newly active ASP takes over; the previous one is told
  // "Alternate ASP Active" and is inactive in this AS from now on.
  static void alternate_active(Node &n, int as) {
    Node::As &a = *n.ases_[as];
    while (a.active.size() > 1) {
      int old = a.active.front();
      a.active.erase(a.active.begin());
      uint32_t rc = a.cfg.routing_context;
      // §3.8.2: the NTFY carries the ASP Identifier of the alternate (newly active) ASP.
      n.send(old, 0,
             make_notify(StatusType::Other, uint16_t(OtherInfo::AlternateAspActive),
                         n.links_[a.active.back()]->peer_asp_id,
                         std::span<const uint32_t>(&rc, 1)));
      n.counters_.inc(M3uaNodeCounter::ntfy_tx);
      bool still = false;
      for (int other : n.links_[old]->cfg.ases)
        still |= std::count(n.ases_[other]->active.begin(), n.ases_[other]->active.end(), old) > 0;
      if (!still)
        n.links_[old]->remote = AspState::Inactive;
    }
    n.recompute_availability();
  }
  // §4.3.4.5: loadshare/broadcast running on fewer ASPs than configured: the ASPs that are up
  // are told, so a spare one may activate.
  static void ntfy_insufficient(Node &n, int as) {
    Node::As &a = *n.ases_[as];
    uint32_t rc = a.cfg.routing_context;
    for (int l : a.up)
      if (n.links_[l]->assoc) {
        n.send(l, 0,
               make_notify(StatusType::Other, uint16_t(OtherInfo::InsufficientAspResources),
                           std::nullopt, std::span<const uint32_t>(&rc, 1)));
        n.counters_.inc(M3uaNodeCounter::ntfy_tx);
      }
    n.recompute_availability();
  }
  static void start_tr(Node &n, int as) {
    n.ases_[as]->t_r->start(n.cfg_.timers.recovery);
    n.send_ntfy_as(as, AsStateInfo::AsPending);
    n.recompute_availability();
  }
  // §4.3.2: back to AS-ACTIVE before T(r) expiry: the buffered messages go to the new ASP.
  static void recovered(Node &n, int as) {
    Node::As &a = *n.ases_[as];
    a.t_r->stop();
    n.send_ntfy_as(as, AsStateInfo::AsActive);
    auto buf = std::move(a.buffered);
    a.buffered.clear();
    for (auto &[sls, bytes] : buf) {
      int l = a.active[sls % a.active.size()];
      n.links_[l]->assoc->send(n.data_stream(l, uint8_t(sls)), bytes);
      n.counters_.inc(M3uaNodeCounter::data_tx);
    }
    n.recompute_availability();
  }
  static void tr_expired(Node &n, int as) {
    Node::As &a = *n.ases_[as];
    n.counters_.inc(M3uaNodeCounter::tr_expired);
    n.counters_.inc(M3uaNodeCounter::data_buffer_discarded, a.buffered.size());
    a.buffered.clear();
    if (!a.up.empty())
      n.send_ntfy_as(as, AsStateInfo::AsInactive);
    n.recompute_availability();
  }
  static void as_nothing(Node &, int) {}

  // Classify, then dispatch (§3, §4): which side of the ASP/SGP relation may receive each
  // message, and the handler that turns it into events for the tables above.
  using RxFn = void (Node::*)(int, const Message &, std::span<const uint8_t>);
  struct RxRow {
    MsgType type;
    bool local, remote; // received by the ASP side / by the SGP side
    RxFn fn;
  };
  static const RxRow *rx_row(MsgType t) {
    static constexpr RxRow kRx[] = {
        {MsgType::Err, true, true, &Node::rx_err},
        {MsgType::Ntfy, true, false, &Node::rx_ntfy_msg},
        {MsgType::Data, true, true, &Node::rx_data},
        {MsgType::Duna, true, false, &Node::rx_ssnm},
        {MsgType::Dava, true, false, &Node::rx_ssnm},
        {MsgType::Daud, false, true, &Node::rx_ssnm},
        {MsgType::Scon, true, true, &Node::rx_ssnm},
        {MsgType::Dupu, true, false, &Node::rx_ssnm},
        {MsgType::Drst, true, false, &Node::rx_ssnm},
        {MsgType::AspUp, false, true, &Node::rx_aspup},
        {MsgType::AspDn, false, true, &Node::rx_aspdn},
        {MsgType::Beat, true, true, &Node::rx_beat},
        {MsgType::AspUpAck, true, false, &Node::rx_up_ack},
        {MsgType::AspDnAck, true, false, &Node::rx_dn_ack},
        {MsgType::BeatAck, true, true, &Node::rx_beat_ack},
        {MsgType::AspAc, false, true, &Node::rx_aspac},
        {MsgType::AspIa, false, true, &Node::rx_aspia},
        {MsgType::AspAcAck, true, false, &Node::rx_ac_ack},
        {MsgType::AspIaAck, true, false, &Node::rx_ia_ack},
        {MsgType::RegReq, false, true, &Node::rx_reg_req},
        {MsgType::RegRsp, true, false, &Node::rx_reg_rsp},
        {MsgType::DeregReq, false, true, &Node::rx_dereg_req},
        {MsgType::DeregRsp, true, false, &Node::rx_dereg_rsp},
    };
    for (const auto &r : kRx)
      if (r.type == t)
        return &r;
    return nullptr;
  }
};

namespace {
using F = NodeFsm;
using S = AspState;

// §4.3.1 / §4.3.4, the ASP's own view. "association down" is handled for every state below.
constexpr F::LRow kLocal[] = {
    {S::Down, LEv::MUpReq, S::UpSent, F::send_aspup},
    {S::UpSent, LEv::TAck, S::UpSent, F::resend_aspup},
    {S::UpSent, LEv::RxUpAck, S::Inactive, F::up_confirmed},
    {S::UpSent, LEv::RxBlocked, S::Down, F::refused},
    {S::Inactive, LEv::RxUpAck, S::Inactive, F::nothing},
    {S::Inactive, LEv::MActiveReq, S::ActiveSent, F::send_aspac},
    {S::Inactive, LEv::RxAsPending, S::ActiveSent, F::take_over, F::wants_active},
    {S::Inactive, LEv::RxAsPending, S::Inactive, F::nothing},
    {S::Inactive, LEv::RxAltActive, S::Inactive, F::nothing},
    {S::ActiveSent, LEv::TAck, S::ActiveSent, F::resend_aspac},
    {S::ActiveSent, LEv::RxAcAck, S::Active, F::active_confirmed},
    {S::ActiveSent, LEv::RxBlocked, S::Inactive, F::refused},
    {S::ActiveSent, LEv::RxIaAck, S::Inactive, F::inactive_confirmed},
    {S::ActiveSent, LEv::RxAltActive, S::Inactive, F::inactive_confirmed},
    {S::ActiveSent, LEv::RxUpAck, S::Inactive, F::unexpected_upack},
    {S::Active, LEv::RxAcAck, S::Active, F::nothing},
    {S::Active, LEv::MInactiveReq, S::InactiveSent, F::send_aspia},
    {S::Active, LEv::RxIaAck, S::ActiveSent, F::reactivate, F::wants_active},
    {S::Active, LEv::RxIaAck, S::Inactive, F::inactive_confirmed},
    {S::Active, LEv::RxAltActive, S::Inactive, F::inactive_confirmed},
    {S::Active, LEv::RxAsPending, S::Active, F::nothing},
    {S::Active, LEv::RxUpAck, S::Inactive, F::unexpected_upack},
    {S::InactiveSent, LEv::TAck, S::InactiveSent, F::resend_aspia},
    {S::InactiveSent, LEv::RxIaAck, S::Inactive, F::inactive_confirmed},
    {S::InactiveSent, LEv::RxAcAck, S::InactiveSent, F::nothing},
    {S::InactiveSent, LEv::RxAltActive, S::Inactive, F::inactive_confirmed},
    {S::UpSent, LEv::MDownReq, S::DownSent, F::send_aspdn},
    {S::Inactive, LEv::MDownReq, S::DownSent, F::send_aspdn},
    {S::ActiveSent, LEv::MDownReq, S::DownSent, F::send_aspdn},
    {S::Active, LEv::MDownReq, S::DownSent, F::send_aspdn},
    {S::InactiveSent, LEv::MDownReq, S::DownSent, F::send_aspdn},
    {S::DownSent, LEv::TAck, S::DownSent, F::resend_aspdn},
    {S::DownSent, LEv::RxDnAck, S::Down, F::down_confirmed},
    {S::Inactive, LEv::RxDnAck, S::UpSent, F::unsolicited_down},
    {S::ActiveSent, LEv::RxDnAck, S::UpSent, F::unsolicited_down},
    {S::Active, LEv::RxDnAck, S::UpSent, F::unsolicited_down},
    {S::InactiveSent, LEv::RxDnAck, S::UpSent, F::unsolicited_down},
};

// §4.3.4, the SGP's view of a remote ASP.
constexpr F::RRow kRemote[] = {
    {S::Down, REv::RxUp, S::Inactive, F::ack_up},
    {S::Inactive, REv::RxUp, S::Inactive, F::ack_up_only},
    {S::Active, REv::RxUp, S::Inactive, F::ack_up_from_active},
    {S::Down, REv::RxDn, S::Down, F::ack_dn},
    {S::Inactive, REv::RxDn, S::Down, F::ack_dn},
    {S::Active, REv::RxDn, S::Down, F::ack_dn},
    {S::Inactive, REv::RxAc, S::Active, F::ack_ac},
    {S::Active, REv::RxAc, S::Active, F::ack_ac},
    {S::Active, REv::RxIa, S::Inactive, F::ack_ia},
    {S::Inactive, REv::RxIa, S::Inactive, F::ack_ia},
    {S::Down, REv::RxIa, S::Down, F::ack_ia_only},
    {S::Inactive, REv::LinkDown, S::Down, F::remote_lost},
    {S::Active, REv::LinkDown, S::Down, F::remote_lost},
};

using A = AsState;
// §4.3.2 AS state machine (Figure 4): first row whose guard holds wins.
constexpr F::ARow kAs[] = {
    {A::Down, AEv::AspInactive, A::Inactive, F::ntfy_inactive, F::always},
    {A::Down, AEv::AspActive, A::Active, F::ntfy_active, F::always},
    {A::Inactive, AEv::AspInactive, A::Inactive, F::as_nothing, F::always},
    {A::Inactive, AEv::AspActive, A::Active, F::ntfy_active, F::always},
    {A::Inactive, AEv::AspDown, A::Down, F::as_nothing, F::none_up},
    {A::Inactive, AEv::AspDown, A::Inactive, F::as_nothing, F::always},
    {A::Active, AEv::AspActive, A::Active, F::alternate_active, F::override_takeover},
    {A::Active, AEv::AspActive, A::Active, F::as_nothing, F::always},
    {A::Active, AEv::AspInactive, A::Pending, F::start_tr, F::none_active},
    {A::Active, AEv::AspInactive, A::Active, F::ntfy_insufficient, F::insufficient},
    {A::Active, AEv::AspInactive, A::Active, F::as_nothing, F::always},
    {A::Active, AEv::AspDown, A::Pending, F::start_tr, F::none_active},
    {A::Active, AEv::AspDown, A::Active, F::ntfy_insufficient, F::insufficient},
    {A::Active, AEv::AspDown, A::Active, F::as_nothing, F::always},
    {A::Pending, AEv::AspActive, A::Active, F::recovered, F::always},
    {A::Pending, AEv::AspInactive, A::Pending, F::as_nothing, F::always},
    {A::Pending, AEv::AspDown, A::Pending, F::as_nothing, F::always},
    {A::Pending, AEv::TrExpiry, A::Inactive, F::tr_expired, F::any_up},
    {A::Pending, AEv::TrExpiry, A::Down, F::tr_expired, F::none_up},
};

// Runs the local view's table; false when no row matches.
bool run_local(Node &n, int l, AspState &st, LEv ev) {
  for (const auto &r : kLocal)
    if (r.from == st && r.ev == ev && (!r.guard || r.guard(n, l))) {
      st = r.to;
      r.act(n, l);
      return true;
    }
  return false;
}
} // namespace

// ---------------------------------------------------------------------------------------------

Node::Node(NodeConfig cfg, Clock &clock, MtpUser &user)
    : cfg_(std::move(cfg)), clock_(clock), user_(user) {
  for (std::size_t i = 0; i < cfg_.ases.size(); ++i) {
    auto a = std::make_unique<As>();
    a->cfg = cfg_.ases[i];
    int idx = int(i);
    a->t_r = clock_.make_timer([this, idx] { as_event(idx, -1, int(AEv::TrExpiry)); });
    ases_.push_back(std::move(a));
  }
  for (std::size_t i = 0; i < cfg_.links.size(); ++i) {
    auto k = std::make_unique<Link>();
    k->cfg = cfg_.links[i];
    k->node = this;
    int idx = int(i);
    k->t_ack = clock_.make_timer([this, idx] {
      if (!run_local(*this, idx, links_[idx]->local, LEv::TAck))
        counters_.inc(M3uaNodeCounter::unexpected_message);
    });
    k->t_beat = clock_.make_timer([this, idx] { beat_tick(idx); });
    k->t_audit = clock_.make_timer([this, idx] { audit_tick(idx); });
    links_.push_back(std::move(k));
  }
  for (const auto &r : cfg_.routes)
    if (std::none_of(dpc_avail_.begin(), dpc_avail_.end(),
                     [&](const auto &p) { return p.first == r.dpc; }))
      dpc_avail_.push_back({r.dpc, false});
}

Node::~Node() = default;

void Node::mgmt(int link, std::string text) {
  if (mgmt_)
    mgmt_(MgmtEvent{link, std::move(text)});
}

void Node::send(int link, uint16_t stream, const Message &m) {
  Link &k = *links_[link];
  if (!k.assoc)
    return;
  auto bytes = encode(m);
  // TCP has one byte stream: every message goes on "stream 0" of the framing.
  if (k.assoc->out_streams() <= 1)
    stream = 0;
  k.assoc->send(stream, bytes);
  counters_.inc(M3uaNodeCounter::tx_msgs);
}

void Node::send_err(int link, ErrorCode code, std::span<const uint8_t> offending,
                    std::span<const uint32_t> rcs) {
  counters_.inc(M3uaNodeCounter::err_tx);
  for (std::size_t i = 0; i < err_tx_.size(); ++i)
    if (err_tx_.name(i) == error_name(code))
      err_tx_.inc(M3uaErrTxCounter(i));
  mgmt(link, "ERR sent: " + std::string(error_name(code)));
  send(link, 0, make_error(code, offending, rcs, cfg_.network_appearance));
}

void Node::link_up(int link, Association &a) {
  Link &k = *links_[link];
  k.assoc = &a;
  k.local = AspState::Down;
  k.remote = AspState::Down;
  k.beat_outstanding = false;
  k.unavailable.clear();
  k.audit.clear();
  mgmt(link, "M-SCTP_ESTABLISH.ind");
  if (cfg_.timers.beat)
    k.t_beat->start(cfg_.timers.beat);
  if (has_local(k.cfg.role) && k.cfg.auto_active)
    m_asp_up_req(link);
}

void Node::link_down(int link) {
  Link &k = *links_[link];
  if (!k.assoc)
    return;
  k.assoc = nullptr;
  k.t_ack->stop();
  k.t_beat->stop();
  k.t_audit->stop();
  k.local = AspState::Down;
  mgmt(link, "M-SCTP_RELEASE.ind");
  if (has_remote(k.cfg.role)) {
    AspState was = k.remote;
    k.remote = AspState::Down;
    if (was != AspState::Down)
      NodeFsm::remote_lost(*this, link, Message());
  }
  k.unavailable.clear();
  k.audit.clear();
  recompute_availability();
}

void Node::m_asp_up_req(int l) {
  if (!run_local(*this, l, links_[l]->local, LEv::MUpReq))
    mgmt(l, "M-ASP_UP.req refused in " + std::string(asp_state_name(links_[l]->local)));
}
void Node::m_asp_active_req(int l) {
  links_[l]->want_active = true;
  if (!run_local(*this, l, links_[l]->local, LEv::MActiveReq))
    mgmt(l, "M-ASP_ACTIVE.req refused in " + std::string(asp_state_name(links_[l]->local)));
}
void Node::m_asp_inactive_req(int l) {
  links_[l]->want_active = false;
  if (!run_local(*this, l, links_[l]->local, LEv::MInactiveReq))
    mgmt(l, "M-ASP_INACTIVE.req refused in " + std::string(asp_state_name(links_[l]->local)));
}
void Node::m_asp_down_req(int l) {
  links_[l]->want_active = false;
  if (!run_local(*this, l, links_[l]->local, LEv::MDownReq))
    mgmt(l, "M-ASP_DOWN.req refused in " + std::string(asp_state_name(links_[l]->local)));
}

// §4.4.1 registration at the ASP: one Routing Key (our point code as DPC, ISUP) for the
// link's first AS; the SGP's REG RSP gives its Routing Context.
void Node::m_rk_reg_req(int l) {
  Link &k = *links_[l];
  Message key;
  key.add_u32(Tag::LocalRkIdentifier, uint32_t(l + 1));
  if (!k.cfg.ases.empty())
    key.add_u32(Tag::TrafficModeType, uint32_t(ases_[k.cfg.ases[0]]->cfg.mode));
  key.add_u32(Tag::DestinationPointCode, cfg_.local_pc);
  uint8_t si = 5;
  key.add(Tag::ServiceIndicators, std::span<const uint8_t>(&si, 1));
  Message req(MsgType::RegReq);
  req.add(Tag::RoutingKey, encode_nested(key));
  send(l, 0, req);
}

void Node::m_rk_dereg_req(int l) {
  Link &k = *links_[l];
  if (k.cfg.ases.empty())
    return;
  Message req(MsgType::DeregReq);
  req.add_u32(Tag::RoutingContext, ases_[k.cfg.ases[0]]->cfg.routing_context);
  send(l, 0, req);
}

void Node::ssnm_req(MsgType type, uint32_t pc, uint32_t value) {
  for (std::size_t l = 0; l < links_.size(); ++l) {
    Link &k = *links_[l];
    if (!k.assoc || !has_remote(k.cfg.role) || k.remote != AspState::Active)
      continue;
    Message m(type);
    if (cfg_.network_appearance)
      m.add_u32(Tag::NetworkAppearance, *cfg_.network_appearance);
    auto rcs = k.rcs();
    if (!rcs.empty())
      m.add_u32_list(Tag::RoutingContext, rcs);
    m.add_u32(Tag::AffectedPointCode, pc & 0xffffff);
    if (type == MsgType::Scon)
      m.add_u32(Tag::CongestionIndications, value);
    if (type == MsgType::Dupu)
      m.add_u32(Tag::UserCause, value);
    send(int(l), 0, m);
  }
}

std::string Node::show() const {
  std::string o;
  for (std::size_t i = 0; i < links_.size(); ++i) {
    const Link &k = *links_[i];
    o += "link " + k.cfg.name + " role " + std::string(role_name(k.cfg.role)) +
         (k.assoc ? " up" : " down");
    if (has_local(k.cfg.role))
      o += " local " + std::string(asp_state_name(k.local));
    if (has_remote(k.cfg.role))
      o += " remote " + std::string(asp_state_name(k.remote));
    o += "\n";
  }
  for (const auto &a : ases_) {
    o += "as " + a->cfg.name + " rc " + std::to_string(a->cfg.routing_context) + " " +
         std::string(traffic_mode_name(a->cfg.mode)) + " " + std::string(as_state_name(a->state)) +
         " active";
    for (int l : a->active)
      o += " " + links_[l]->cfg.name;
    o += "\n";
  }
  for (const auto &[dpc, av] : dpc_avail_)
    o += "dpc " + std::to_string(dpc) + (av ? " available\n" : " unavailable\n");
  counters_.for_each([&](std::string_view n, uint64_t v) {
    if (v)
      o += "counter " + std::string(n) + " " + std::to_string(v) + "\n";
  });
  return o;
}

AspState Node::local_state(int l) const { return links_[l]->local; }
AspState Node::remote_state(int l) const { return links_[l]->remote; }
AsState Node::as_state(int as) const { return ases_[as]->state; }
AsState Node::peer_as_state(int as) const { return ases_[as]->peer_state; }
bool Node::dpc_available(uint32_t dpc) const {
  for (const auto &[d, av] : dpc_avail_)
    if (d == dpc)
      return av;
  return false;
}

void Node::link_rx(int link, uint16_t stream, std::span<const uint8_t> bytes) {
  counters_.inc(M3uaNodeCounter::rx_msgs);
  Message m;
  mgc::Status st = decode(bytes, m, &decode_counters_);
  if (!st.ok()) {
    counters_.inc(M3uaNodeCounter::rx_malformed);
    // §3.8.1: never answer an ERR with an ERR; only an M3UA header can be answered at all.
    Message raw;
    (void)decode_tlv(bytes, raw);
    bool is_err = bytes.size() >= 4 && bytes[2] == 0 && bytes[3] == 0;
    if (!is_err && st.code() != 0) {
      auto rcs = raw.u32_list(Tag::RoutingContext);
      send_err(link, ErrorCode(st.code()), bytes, rcs);
    }
    return;
  }
  // Stream rules only mean something on SCTP; TCP carries everything in one byte stream.
  bool has_streams = links_[link]->assoc && links_[link]->assoc->out_streams() > 1;
  if (mgc::Status s = check_stream(m, stream); has_streams && !s.ok()) {
    if (m.type() != MsgType::Err)
      send_err(link, ErrorCode::InvalidStreamIdentifier, bytes);
    return;
  }
  dispatch(link, stream, m, bytes);
}

// RFC 4666 §3.8.1: a Routing Context we do not serve, or a Network Appearance we do not use,
// is answered in M3UA's own terms. Fills `ases` with the ASes the message concerns.
bool Node::check_rc_na(int link, const Message &m, std::span<const uint8_t> raw,
                       std::vector<int> &ases) {
  Link &k = *links_[link];
  if (auto na = m.u32(Tag::NetworkAppearance)) {
    if (!cfg_.network_appearance || *na != *cfg_.network_appearance) {
      send_err(link, ErrorCode::InvalidNetworkAppearance, raw);
      return false;
    }
  }
  auto rcs = m.u32_list(Tag::RoutingContext);
  ases.clear();
  if (rcs.empty()) {
    ases = k.cfg.ases;
    if (ases.empty()) {
      send_err(link, ErrorCode::NoConfiguredAsForAsp, raw);
      return false;
    }
    return true;
  }
  std::vector<uint32_t> bad;
  for (uint32_t rc : rcs) {
    auto it = std::find_if(k.cfg.ases.begin(), k.cfg.ases.end(),
                           [&](int a) { return ases_[a]->cfg.routing_context == rc; });
    if (it == k.cfg.ases.end())
      bad.push_back(rc);
    else
      ases.push_back(*it);
  }
  if (!bad.empty()) {
    // ASPAC with an RC we have no AS for: "No configured AS for ASP" (§4.3.4.3); any other
    // message, ASPIA included (§4.3.4.4): "Invalid Routing Context" with the offending RCs.
    if (m.type() == MsgType::AspAc)
      send_err(link, ErrorCode::NoConfiguredAsForAsp, raw, bad);
    else
      send_err(link, ErrorCode::InvalidRoutingContext, raw, bad);
    return false;
  }
  return true;
}

void Node::dispatch(int link, uint16_t, const Message &m, std::span<const uint8_t> raw) {
  Link &k = *links_[link];
  MsgType t = m.type();
  const NodeFsm::RxRow *row = NodeFsm::rx_row(t);
  bool ok =
      row && ((row->local && has_local(k.cfg.role)) || (row->remote && has_remote(k.cfg.role)));
  if (!ok) {
    counters_.inc(M3uaNodeCounter::unexpected_message);
    mgmt(link,
         std::string(msg_name(t)) + " unexpected for role " + std::string(role_name(k.cfg.role)));
    if (t != MsgType::Err)
      send_err(link, ErrorCode::UnexpectedMessage, raw, m.u32_list(Tag::RoutingContext));
    return;
  }
  (this->*row->fn)(link, m, raw);
}

// A message the local ASP view has no row for is answered with ERR(Unexpected Message).
void Node::local_event(int link, const Message &m, std::span<const uint8_t> raw, LocalEvent e) {
  Link &k = *links_[link];
  LEv ev = LEv(e);
  if (run_local(*this, link, k.local, ev))
    return;
  counters_.inc(M3uaNodeCounter::unexpected_message);
  mgmt(link, "no transition: " + std::string(kLEvNames[int(ev)]) + " in " +
                 std::string(asp_state_name(k.local)));
  send_err(link, ErrorCode::UnexpectedMessage, raw, m.u32_list(Tag::RoutingContext));
}

void Node::remote_event(int link, const Message &m, std::span<const uint8_t> raw, RemoteEvent e) {
  Link &k = *links_[link];
  REv ev = REv(e);
  for (const auto &r : kRemote)
    if (r.from == k.remote && r.ev == ev) {
      k.remote = r.to;
      r.act(*this, link, m);
      return;
    }
  counters_.inc(M3uaNodeCounter::unexpected_message);
  mgmt(link, "no transition: " + std::string(kREvNames[int(ev)]) + " in " +
                 std::string(asp_state_name(k.remote)));
  send_err(link, ErrorCode::UnexpectedMessage, raw, m.u32_list(Tag::RoutingContext));
}

void Node::rx_up_ack(int link, const Message &m, std::span<const uint8_t> raw) {
  local_event(link, m, raw, LEv::RxUpAck);
}
void Node::rx_dn_ack(int link, const Message &m, std::span<const uint8_t> raw) {
  local_event(link, m, raw, LEv::RxDnAck);
}
void Node::rx_ac_ack(int link, const Message &m, std::span<const uint8_t> raw) {
  local_event(link, m, raw, LEv::RxAcAck);
}
void Node::rx_ia_ack(int link, const Message &m, std::span<const uint8_t> raw) {
  local_event(link, m, raw, LEv::RxIaAck);
}
void Node::rx_aspdn(int link, const Message &m, std::span<const uint8_t> raw) {
  remote_event(link, m, raw, REv::RxDn);
}
void Node::rx_ntfy_msg(int link, const Message &m, std::span<const uint8_t>) { rx_ntfy(link, m); }

// §3.8.1: an ERR is reported to layer management, never answered.
void Node::rx_err(int link, const Message &m, std::span<const uint8_t>) {
  Link &k = *links_[link];
  counters_.inc(M3uaNodeCounter::err_rx);
  auto code = m.u32(Tag::ErrorCode).value_or(0);
  mgmt(link, "M-ERROR.ind: " + std::string(error_name(ErrorCode(code))));
  if (code == uint32_t(ErrorCode::RefusedManagementBlocking))
    (void)run_local(*this, link, k.local, LEv::RxBlocked);
}

// §4.3.4.6: echo the Heartbeat Data unchanged, in any state.
void Node::rx_beat(int link, const Message &m, std::span<const uint8_t>) {
  Message a(MsgType::BeatAck);
  if (const Param *p = m.find(Tag::HeartbeatData))
    a.add(Tag::HeartbeatData, p->value);
  send(link, 0, a);
}

void Node::rx_beat_ack(int link, const Message &, std::span<const uint8_t>) {
  Link &k = *links_[link];
  counters_.inc(M3uaNodeCounter::beat_ack_rx);
  k.beat_outstanding = false;
}

// §4.3.4.1 at the SGP: management lockout, ASP Identifier rules, then the FSM.
void Node::rx_aspup(int link, const Message &m, std::span<const uint8_t> raw) {
  Link &k = *links_[link];
  if (k.cfg.blocked) { // §4.3.4.1 management lockout
    send_err(link, ErrorCode::RefusedManagementBlocking, raw);
    return;
  }
  if (k.cfg.require_asp_id && !m.has(Tag::AspIdentifier)) {
    send_err(link, ErrorCode::AspIdentifierRequired, raw);
    return;
  }
  if (auto id = m.u32(Tag::AspIdentifier)) { // §3.8.1: ASP Identifiers are unique
    for (std::size_t o = 0; o < links_.size(); ++o)
      if (int(o) != link && links_[o]->remote != AspState::Down && links_[o]->peer_asp_id == id) {
        send_err(link, ErrorCode::InvalidAspIdentifier, raw);
        return;
      }
  }
  remote_event(link, m, raw, REv::RxUp);
}

// §4.3.4.3 at the SGP: Routing Contexts and traffic mode checked, then the FSM.
void Node::rx_aspac(int link, const Message &m, std::span<const uint8_t> raw) {
  Link &k = *links_[link];
  if (k.remote == AspState::Down) {
    remote_event(link, m, raw, REv::RxAc); // no row: ERR(Unexpected Message)
    return;
  }
  std::vector<int> ases;
  if (!check_rc_na(link, m, raw, ases))
    return;
  if (k.cfg.blocked) {
    send_err(link, ErrorCode::RefusedManagementBlocking, raw, m.u32_list(Tag::RoutingContext));
    return;
  }
  if (auto tm = m.u32(Tag::TrafficModeType)) // §3.8.1: inconsistent with the AS's mode
    for (int a : ases)
      if (uint32_t(ases_[a]->cfg.mode) != *tm) {
        send_err(link, ErrorCode::UnsupportedTrafficMode, raw, m.u32_list(Tag::RoutingContext));
        return;
      }
  remote_event(link, m, raw, REv::RxAc);
}

void Node::rx_aspia(int link, const Message &m, std::span<const uint8_t> raw) {
  std::vector<int> ases;
  if (!check_rc_na(link, m, raw, ases))
    return;
  remote_event(link, m, raw, REv::RxIa);
}

// §4.4.1 at the SGP: static configuration only; each key is answered.
void Node::rx_reg_req(int link, const Message &m, std::span<const uint8_t>) {
  Link &k = *links_[link];
  Message rsp(MsgType::RegRsp);
  for (const auto &p : m.params) {
    if (p.tag != uint16_t(Tag::RoutingKey))
      continue;
    Message key;
    (void)decode_nested(p.value, key);
    uint32_t lrk = key.u32(Tag::LocalRkIdentifier).value_or(0);
    // A key is accepted when this link is configured for an AS: that AS's RC is returned
    // (status 0); otherwise "Routing Key not Currently Provisioned" (7).
    uint32_t status = k.cfg.ases.empty() ? 7 : 0;
    uint32_t rc = k.cfg.ases.empty() ? 0 : ases_[k.cfg.ases[0]]->cfg.routing_context;
    Message res;
    res.add_u32(Tag::LocalRkIdentifier, lrk)
        .add_u32(Tag::RegistrationStatus, status)
        .add_u32(Tag::RoutingContext, rc);
    rsp.add(Tag::RegistrationResult, encode_nested(res));
  }
  send(link, 0, rsp);
}

void Node::rx_dereg_req(int link, const Message &m, std::span<const uint8_t>) {
  Link &k = *links_[link];
  Message rsp(MsgType::DeregRsp);
  for (uint32_t rc : m.u32_list(Tag::RoutingContext)) {
    bool known = std::any_of(k.cfg.ases.begin(), k.cfg.ases.end(),
                             [&](int a) { return ases_[a]->cfg.routing_context == rc; });
    // §3.6.4 statuses: 0 success, 2 invalid RC, 5 ASP currently active for RC.
    uint32_t status = !known ? 2 : (k.remote == AspState::Active ? 5 : 0);
    Message res;
    res.add_u32(Tag::RoutingContext, rc).add_u32(Tag::DeregistrationStatus, status);
    rsp.add(Tag::DeregistrationResult, encode_nested(res));
  }
  send(link, 0, rsp);
}

// §4.4.1 at the ASP: the SGP's Routing Context for our key.
void Node::rx_reg_rsp(int link, const Message &m, std::span<const uint8_t>) {
  Link &k = *links_[link];
  for (const auto &p : m.params) {
    Message res;
    if (p.tag != uint16_t(Tag::RegistrationResult) || !decode_nested(p.value, res).ok())
      continue;
    uint32_t status = res.u32(Tag::RegistrationStatus).value_or(1);
    mgmt(link, "M-RK_REG.cnf status " + std::to_string(status));
    if (status != 0 || k.cfg.ases.empty())
      continue;
    ases_[k.cfg.ases[0]]->cfg.routing_context = res.u32(Tag::RoutingContext).value_or(0);
    ases_[k.cfg.ases[0]]->cfg.send_rc = true;
    k.registered = true;
    if (k.cfg.auto_active && k.local == AspState::Inactive)
      m_asp_active_req(link);
  }
}

void Node::rx_dereg_rsp(int link, const Message &, std::span<const uint8_t>) {
  Link &k = *links_[link];
  k.registered = false;
  mgmt(link, "M-RK_DEREG.cnf");
}

void Node::rx_ntfy(int link, const Message &m) {
  Link &k = *links_[link];
  counters_.inc(M3uaNodeCounter::ntfy_rx);
  uint32_t status = m.u32(Tag::Status).value_or(0);
  uint16_t type = uint16_t(status >> 16), info = uint16_t(status);
  auto rcs = m.u32_list(Tag::RoutingContext);
  std::vector<int> ases;
  for (int a : k.cfg.ases)
    if (rcs.empty() || std::count(rcs.begin(), rcs.end(), ases_[a]->cfg.routing_context))
      ases.push_back(a);
  if (type == uint16_t(StatusType::AsStateChange)) {
    AsState s = info == uint16_t(AsStateInfo::AsActive)    ? AsState::Active
                : info == uint16_t(AsStateInfo::AsPending) ? AsState::Pending
                                                           : AsState::Inactive;
    for (int a : ases)
      ases_[a]->peer_state = s;
    mgmt(link, "M-NOTIFY.ind: " + std::string(as_state_name(s)));
    if (s == AsState::Pending)
      (void)run_local(*this, link, k.local, LEv::RxAsPending);
  } else {
    static constexpr std::string_view kOther[] = {"?", "Insufficient ASP resources active in AS",
                                                  "Alternate ASP Active", "ASP Failure"};
    mgmt(link, "M-NOTIFY.ind: " + std::string(kOther[info <= 3 ? info : 0]));
    if (info == uint16_t(OtherInfo::AlternateAspActive))
      (void)run_local(*this, link, k.local, LEv::RxAltActive);
  }
}

bool Node::link_can_send(int link, int as) const {
  const Link &k = *links_[link];
  if (!k.assoc || std::find(k.cfg.ases.begin(), k.cfg.ases.end(), as) == k.cfg.ases.end())
    return false;
  if (has_local(k.cfg.role) && k.local == AspState::Active)
    return true;
  const As &a = *ases_[as];
  return has_remote(k.cfg.role) && std::count(a.active.begin(), a.active.end(), link) > 0;
}

uint16_t Node::data_stream(int link, uint8_t sls) const {
  // §1.4.7: DATA never on stream 0; spread by SLS so one SLS keeps its order.
  uint16_t n = links_[link]->assoc ? links_[link]->assoc->out_streams() : 1;
  if (n <= 1)
    return 0;
  return uint16_t(1 + sls % (n - 1));
}

void Node::rx_data(int link, const Message &m, std::span<const uint8_t> raw) {
  Link &k = *links_[link];
  std::vector<int> ases;
  if (!check_rc_na(link, m, raw, ases))
    return;
  bool active = std::any_of(ases.begin(), ases.end(), [&](int a) {
    return (has_local(k.cfg.role) && k.local == AspState::Active) ||
           std::count(ases_[a]->active.begin(), ases_[a]->active.end(), link) > 0;
  });
  if (!active) {
    // §3.8.1: an ASP silently discards DATA while ASP-INACTIVE; an SGP answers a DATA from an
    // ASP that is not active with ERR(Unexpected Message).
    if (has_remote(k.cfg.role) && !has_local(k.cfg.role)) {
      counters_.inc(M3uaNodeCounter::unexpected_message);
      send_err(link, ErrorCode::UnexpectedMessage, raw, m.u32_list(Tag::RoutingContext));
    } else {
      counters_.inc(M3uaNodeCounter::data_discarded_inactive);
    }
    return;
  }
  ProtocolData pd;
  if (!decode_protocol_data(m.find(Tag::ProtocolData)->value, pd).ok())
    return; // the codec already checked its length
  counters_.inc(M3uaNodeCounter::data_rx);
  MtpTransfer t{pd.opc, pd.dpc, pd.si, pd.ni, pd.mp, pd.sls, std::move(pd.user_data)};
  user_.mtp_transfer_ind(t);
}

mgc::Status Node::mtp_transfer_req(const MtpTransfer &t) {
  // §3.2: a parameter's length field has 16 bits; Protocol Data carries 12 octets of label.
  if (t.data.size() > 0xffff - 4 - 12)
    return mgc::Status("m3ua.user_data_too_long", 0);
  // Route table: the best priority whose AS can carry traffic now (§4.3.3 / §1.4.3).
  const Route *best = nullptr;
  for (const auto &r : cfg_.routes) {
    if ((r.dpc & r.mask) != (t.dpc & r.mask))
      continue;
    const As &a = *ases_[r.as];
    bool usable = a.state == AsState::Pending;
    for (std::size_t l = 0; l < links_.size() && !usable; ++l)
      usable = link_can_send(int(l), r.as) && !links_[l]->unavailable.count(t.dpc);
    if (usable && (!best || r.priority < best->priority))
      best = &r;
  }
  if (!best) {
    counters_.inc(M3uaNodeCounter::data_no_route);
    return mgc::Status("m3ua.no_route", 0);
  }
  As &a = *ases_[best->as];
  Message m(MsgType::Data);
  if (cfg_.network_appearance)
    m.add_u32(Tag::NetworkAppearance, *cfg_.network_appearance);
  if (a.cfg.send_rc)
    m.add_u32(Tag::RoutingContext, a.cfg.routing_context);
  m.add(Tag::ProtocolData,
        encode_protocol_data(ProtocolData{t.opc, t.dpc, t.si, t.ni, t.mp, t.sls, t.data}));
  std::vector<uint8_t> bytes = encode(m);
  deliver_to_as(best->as, t, std::move(bytes));
  return mgc::Status::Ok();
}

void Node::deliver_to_as(int as, const MtpTransfer &t, std::vector<uint8_t> &&bytes) {
  As &a = *ases_[as];
  std::vector<int> cand;
  for (std::size_t l = 0; l < links_.size(); ++l)
    if (link_can_send(int(l), as) && !links_[l]->unavailable.count(t.dpc))
      cand.push_back(int(l));
  if (cand.empty()) {
    // §4.3.2: while AS-PENDING, traffic is held until an ASP comes back or T(r) expires.
    if (a.buffered.size() < cfg_.pending_buffer) {
      a.buffered.push_back({t.sls, std::move(bytes)});
      counters_.inc(M3uaNodeCounter::data_buffered);
    } else {
      counters_.inc(M3uaNodeCounter::data_buffer_discarded);
    }
    return;
  }
  auto out = [&](int l) {
    links_[l]->assoc->send(data_stream(l, t.sls), bytes);
    counters_.inc(M3uaNodeCounter::data_tx);
    counters_.inc(M3uaNodeCounter::tx_msgs);
  };
  // §4.3.2 traffic modes: override = the active one (the newest, on the SGP side), loadshare =
  // by SLS so a signalling relation keeps its order, broadcast = every active ASP.
  switch (a.cfg.mode) {
  case TrafficMode::Override:
    out(cand.back());
    break;
  case TrafficMode::Loadshare:
    out(cand[t.sls % cand.size()]);
    break;
  case TrafficMode::Broadcast:
    for (int l : cand)
      out(l);
    break;
  }
}

void Node::as_event(int as, int link, int evi) {
  As &a = *ases_[as];
  AEv ev = AEv(evi);
  // The ASP's membership changes first; the table then decides the AS's state from it.
  if (link >= 0) {
    auto it = std::find(a.active.begin(), a.active.end(), link);
    if (ev == AEv::AspActive) {
      if (it == a.active.end())
        a.active.push_back(link);
      a.up.insert(link);
    } else {
      if (it != a.active.end())
        a.active.erase(it);
      if (ev == AEv::AspDown)
        a.up.erase(link);
      else
        a.up.insert(link);
    }
  }
  a.last_event_link = link;
  for (const auto &r : kAs)
    if (r.from == a.state && r.ev == ev && r.guard(*this, as)) {
      AsState from = a.state;
      a.state = r.to;
      if (from != r.to)
        mgmt(link, a.cfg.name + ": " + std::string(as_state_name(from)) + " -> " +
                       std::string(as_state_name(r.to)) + " on " + std::string(kAEvNames[int(ev)]));
      r.act(*this, as);
      return;
    }
  counters_.inc(M3uaNodeCounter::unexpected_message);
  mgmt(link, a.cfg.name + ": no transition for " + std::string(kAEvNames[int(ev)]) + " in " +
                 std::string(as_state_name(a.state)));
}

namespace {
std::optional<AsStateInfo> as_info(AsState s) {
  switch (s) {
  case AsState::Inactive:
    return AsStateInfo::AsInactive;
  case AsState::Active:
    return AsStateInfo::AsActive;
  case AsState::Pending:
    return AsStateInfo::AsPending;
  case AsState::Down:
    break;
  }
  return std::nullopt;
}
} // namespace

// §4.3.4.5: AS state changes are notified to every ASP of the AS that is up, with the ASP
// Identifier of the ASP whose change caused it (the failed one, for AS-PENDING).
void Node::send_ntfy_as(int as, AsStateInfo info) {
  As &a = *ases_[as];
  for (int l : a.up)
    send_ntfy_one(as, l, info);
}

void Node::send_ntfy_to(int as, int link) {
  if (auto info = as_info(ases_[as]->state))
    send_ntfy_one(as, link, *info);
}

void Node::send_ntfy_one(int as, int l, AsStateInfo info) {
  As &a = *ases_[as];
  if (!links_[l]->assoc)
    return;
  uint32_t rc = a.cfg.routing_context;
  std::optional<uint32_t> id;
  if (a.last_event_link >= 0)
    id = links_[a.last_event_link]->peer_asp_id;
  send(
      l, 0,
      make_notify(StatusType::AsStateChange, uint16_t(info), id,
                  a.cfg.send_rc ? std::span<const uint32_t>(&rc, 1) : std::span<const uint32_t>()));
  counters_.inc(M3uaNodeCounter::ntfy_tx);
}

void Node::recompute_availability() {
  for (auto &[dpc, avail] : dpc_avail_) {
    bool now = false;
    for (const auto &r : cfg_.routes) {
      if ((r.dpc & r.mask) != (dpc & r.mask))
        continue;
      if (ases_[r.as]->state == AsState::Pending)
        now = true;
      for (std::size_t l = 0; l < links_.size() && !now; ++l)
        now = link_can_send(int(l), r.as) && !links_[l]->unavailable.count(dpc);
    }
    if (now == avail)
      continue;
    avail = now;
    // MTP-PAUSE / MTP-RESUME to the user (§4.5.2, §4.3.4.x ASP loss).
    if (now) {
      counters_.inc(M3uaNodeCounter::resume_ind);
      user_.mtp_resume_ind(dpc);
    } else {
      counters_.inc(M3uaNodeCounter::pause_ind);
      user_.mtp_pause_ind(dpc);
    }
  }
}

void Node::rx_ssnm(int link, const Message &m, std::span<const uint8_t> raw) {
  Link &k = *links_[link];
  std::vector<int> ases;
  if (!check_rc_na(link, m, raw, ases))
    return;
  auto pcs = affected_pcs(m);
  // A point code with a mask covers 2^mask codes (§3.4.1): expand against the route table.
  // The point code field has 24 bits, so a mask of 24 or more (ETSI uses 255) covers all.
  auto covered = [&](const AffectedPc &apc) {
    std::vector<uint32_t> out{apc.pc};
    unsigned bits = std::min<unsigned>(apc.mask, 24);
    for (const auto &[dpc, av] : dpc_avail_)
      if (bits && dpc != apc.pc && (bits == 24 || (dpc >> bits) == (apc.pc >> bits)))
        out.push_back(dpc);
    return out;
  };
  auto start_audit = [&] {
    if (!k.audit.empty() && !k.t_audit->pending() && cfg_.timers.audit)
      k.t_audit->start(cfg_.timers.audit);
  };
  switch (m.type()) {
  case MsgType::Duna:
    for (const auto &apc : pcs)
      for (uint32_t pc : covered(apc)) {
        k.unavailable.insert(pc);
        k.audit.insert(pc);
      }
    start_audit();
    recompute_availability();
    return;
  case MsgType::Dava:
    for (const auto &apc : pcs)
      for (uint32_t pc : covered(apc)) {
        k.unavailable.erase(pc);
        k.audit.erase(pc);
      }
    recompute_availability();
    return;
  case MsgType::Drst: // restricted: still reachable (§3.4.6), audited until DAVA
    for (const auto &apc : pcs)
      for (uint32_t pc : covered(apc)) {
        k.unavailable.erase(pc);
        k.audit.insert(pc);
      }
    mgmt(link, "M-DRST.ind");
    start_audit();
    recompute_availability();
    return;
  case MsgType::Scon: {
    // §3.4.4: without Congestion Indications the SCON itself says "congested"; an explicit
    // level 0 says congestion has abated.
    uint8_t level = uint8_t(m.u32(Tag::CongestionIndications).value_or(1));
    for (const auto &apc : pcs) {
      if (level)
        k.audit.insert(apc.pc);
      MtpStatus s;
      s.dpc = apc.pc;
      s.cause = MtpStatusCause::Congestion;
      s.congestion_level = level;
      counters_.inc(M3uaNodeCounter::status_ind);
      user_.mtp_status_ind(s);
    }
    start_audit();
    return;
  }
  case MsgType::Dupu: {
    uint32_t uc = m.u32(Tag::UserCause).value_or(0);
    for (const auto &apc : pcs) {
      k.audit.insert(apc.pc);
      MtpStatus s;
      s.dpc = apc.pc;
      s.cause = MtpStatusCause::UserPartUnavailable;
      s.unavailable = UnavailCause(uc >> 16);
      s.user = uint8_t(uc & 0xff);
      counters_.inc(M3uaNodeCounter::status_ind);
      user_.mtp_status_ind(s);
    }
    start_audit();
    return;
  }
  case MsgType::Daud: {
    // §4.5.3 at the SGP: answer each point code with its state: DAVA if reachable (our own
    // point code, or a route that is available), DUNA otherwise.
    std::vector<uint32_t> up, down;
    for (const auto &apc : pcs)
      (apc.pc == cfg_.local_pc || dpc_available(apc.pc) ? up : down).push_back(apc.pc);
    auto reply = [&](MsgType t, const std::vector<uint32_t> &list) {
      if (list.empty())
        return;
      Message r(t);
      auto rcs = m.u32_list(Tag::RoutingContext);
      if (!rcs.empty())
        r.add_u32_list(Tag::RoutingContext, rcs);
      r.add_u32_list(Tag::AffectedPointCode, list);
      send(link, 0, r);
    };
    reply(MsgType::Dava, up);
    reply(MsgType::Duna, down);
    return;
  }
  default:
    return;
  }
}

void Node::beat_tick(int link) {
  Link &k = *links_[link];
  if (!k.assoc)
    return;
  // §4.3.4.6: a BEAT unanswered for a whole interval means the peer is gone: drop the
  // association (the transport reconnects).
  if (k.beat_outstanding) {
    counters_.inc(M3uaNodeCounter::beat_timeouts);
    mgmt(link, "BEAT unanswered: association aborted");
    Association *a = k.assoc;
    link_down(link);
    a->abort();
    return;
  }
  Message b(MsgType::Beat);
  uint8_t data[4] = {uint8_t(k.beat_seq >> 24), uint8_t(k.beat_seq >> 16), uint8_t(k.beat_seq >> 8),
                     uint8_t(k.beat_seq)};
  ++k.beat_seq;
  b.add(Tag::HeartbeatData, data);
  send(link, 0, b);
  counters_.inc(M3uaNodeCounter::beat_tx);
  k.beat_outstanding = true;
  k.t_beat->start(cfg_.timers.beat);
}

// §4.5.3 ASP auditing: while destinations are unavailable or congested, ask with DAUD.
void Node::audit_tick(int link) {
  Link &k = *links_[link];
  if (!k.assoc)
    return;
  const std::set<uint32_t> &pcs = k.audit;
  if (pcs.empty())
    return;
  Message d(MsgType::Daud);
  auto rcs = k.rcs();
  if (!rcs.empty())
    d.add_u32_list(Tag::RoutingContext, rcs);
  d.add_u32_list(Tag::AffectedPointCode, std::vector<uint32_t>(pcs.begin(), pcs.end()));
  send(link, 0, d);
  counters_.inc(M3uaNodeCounter::daud_tx);
  k.t_audit->start(cfg_.timers.audit);
}

} // namespace mgc::sigtran
