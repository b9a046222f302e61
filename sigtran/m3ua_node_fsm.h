// Internals shared by the M3UA node's files (not a public header): the links and ASes as the
// state machines see them, their events, and NodeFsm, whose static members are the actions and
// guards of the transition tables in asp_fsm.cpp (RFC 4666 §4.3.1, §4.3.4) and as_fsm.cpp
// (§4.3.2).
#pragma once

#include "core/fsm.h"
#include "sigtran/m3ua_node.h"

#include <set>
#include <string_view>

namespace mgc::sigtran {

using namespace m3ua;

namespace fsm {
// Which side of the ASP/SGP relation a role plays (§4.3): the local view sends ASPUP/ASPAC, the
// remote view answers them. IPSP double exchange plays both.
inline bool has_local(Role r) {
  return r == Role::Asp || r == Role::IpspSeClient || r == Role::IpspDe;
}
inline bool has_remote(Role r) {
  return r == Role::Sgp || r == Role::IpspSeServer || r == Role::IpspDe;
}

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
inline constexpr auto kLEvNames = name_table<LEv>({{LEv::MUpReq, "M-ASP_UP.req"},
                                                   {LEv::MActiveReq, "M-ASP_ACTIVE.req"},
                                                   {LEv::MInactiveReq, "M-ASP_INACTIVE.req"},
                                                   {LEv::MDownReq, "M-ASP_DOWN.req"},
                                                   {LEv::RxUpAck, "ASPUP_ACK"},
                                                   {LEv::RxDnAck, "ASPDN_ACK"},
                                                   {LEv::RxAcAck, "ASPAC_ACK"},
                                                   {LEv::RxIaAck, "ASPIA_ACK"},
                                                   {LEv::RxAltActive, "NTFY(Alternate ASP Active)"},
                                                   {LEv::RxAsPending, "NTFY(AS-PENDING)"},
                                                   {LEv::RxBlocked, "ERR(Refused)"},
                                                   {LEv::TAck, "T(ack) expiry"},
                                                   {LEv::LinkDown, "association down"}});

// Events of the remote ASP view (requests from the peer ASP).
enum class REv : uint8_t { RxUp, RxDn, RxAc, RxIa, LinkDown };
inline constexpr auto kREvNames = name_table<REv>({{REv::RxUp, "ASPUP"},
                                                   {REv::RxDn, "ASPDN"},
                                                   {REv::RxAc, "ASPAC"},
                                                   {REv::RxIa, "ASPIA"},
                                                   {REv::LinkDown, "association down"}});

// Events of the AS state machine (§4.3.2), posted by the remote ASP views.
enum class AEv : uint8_t { AspInactive, AspActive, AspDown, TrExpiry };
inline constexpr auto kAEvNames = name_table<AEv>({{AEv::AspInactive, "ASP inactive"},
                                                   {AEv::AspActive, "ASP active"},
                                                   {AEv::AspDown, "ASP down"},
                                                   {AEv::TrExpiry, "T(r) expiry"}});
} // namespace fsm
using namespace fsm;

struct Node::Link {
  LinkConfig cfg;
  Association *assoc = nullptr;
  AspState local = AspState::Down;
  AspState remote = AspState::Down;
  std::unique_ptr<core::Timer> t_ack, t_beat, t_audit;
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
  std::unique_ptr<core::Timer> t_r;
  std::vector<std::pair<uint16_t, std::vector<uint8_t>>> buffered; // (sls, DATA bytes)
  int last_event_link = -1;
};

// The actions and guards of the transition tables; static members so they reach the node's
// internals. Multi-line ones are defined beside their tables.
struct NodeFsm {
  // The three machines on the core row engine (core/fsm.h). The local view's request-pending
  // states run T(ack) as their state timeout; AS-PENDING runs T(r).
  using LocalFsm = core::Fsm<AspState, LEv, void (*)(Node &, int link),
                             bool (*)(const Node &, int link), int64_t (*)(const Node &, int link)>;
  using RemoteFsm = core::Fsm<AspState, REv, void (*)(Node &, int link, const Message &m)>;
  using AsFsm = core::Fsm<AsState, AEv, void (*)(Node &, int as), bool (*)(const Node &, int as),
                          int64_t (*)(const Node &, int as)>;
  static const LocalFsm kLocal;
  static const RemoteFsm kRemote;
  static const AsFsm kAs;
  // Runs the local ASP view's table; false when no row matches.
  static bool run_local(Node &n, int l, LEv ev);
  static int64_t t_ack_ms(const Node &n, int) { return n.cfg_.timers.ack; }
  static int64_t t_r_ms(const Node &n, int) { return n.cfg_.timers.recovery; }

  static void send_aspup(Node &n, int l);
  static void resend_aspup(Node &n, int l);
  static void up_confirmed(Node &n, int l);
  static void send_aspac(Node &n, int l);
  static void resend_aspac(Node &n, int l);
  static void active_confirmed(Node &n, int l);
  static void send_aspia(Node &n, int l);
  static void resend_aspia(Node &n, int l);
  static void inactive_confirmed(Node &n, int l);
  static void send_aspdn(Node &n, int l);
  static void resend_aspdn(Node &n, int l);
  static void down_confirmed(Node &n, int l);
  static void unsolicited_down(Node &n, int l);
  static void unexpected_upack(Node &n, int l);
  static void take_over(Node &n, int l);
  static void reactivate(Node &n, int l);
  static void refused(Node &n, int l);
  static void nothing(Node &, int) {}
  // A standby ASP (moved to inactive by "Alternate ASP Active") wants traffic back; one that
  // layer management made inactive does not.
  static bool wants_active(const Node &n, int l) { return n.links_[l]->want_active; }
  // §4.3.4.5: a standby ASP told its AS is pending takes over when it wants traffic and may
  // activate by itself; otherwise it stays inactive (not in ASPAC-sent without an ASPAC).
  static bool takes_over(const Node &n, int l) {
    return n.links_[l]->want_active && n.links_[l]->cfg.auto_active;
  }

  static void ack_up(Node &n, int l, const Message &m);
  static void ack_up_only(Node &n, int l, const Message &);
  static void ack_up_from_active(Node &n, int l, const Message &m);
  static void ack_dn(Node &n, int l, const Message &);
  static void ack_ac(Node &n, int l, const Message &m);
  static void ack_ia(Node &n, int l, const Message &m);
  static void ack_ia_only(Node &n, int l, const Message &m);
  static void remote_lost(Node &n, int l, const Message &);
  static void remote_nothing(Node &, int, const Message &) {}

  static bool any_active(const Node &n, int as) { return !n.ases_[as]->active.empty(); }
  static bool none_active(const Node &n, int as) { return n.ases_[as]->active.empty(); }
  static bool any_up(const Node &n, int as) { return !n.ases_[as]->up.empty(); }
  static bool none_up(const Node &n, int as) { return n.ases_[as]->up.empty(); }
  static bool insufficient(const Node &n, int as);
  static bool override_takeover(const Node &n, int as);
  static void ntfy_inactive(Node &n, int as);
  static void ntfy_active(Node &n, int as);
  static void alternate_active(Node &n, int as);
  static void ntfy_insufficient(Node &n, int as);
  static void start_tr(Node &n, int as);
  static void recovered(Node &n, int as);
  static void tr_expired(Node &n, int as);
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


} // namespace mgc::sigtran
