// M3UA procedures, RFC 4666 §4, around the state machines (asp_fsm.cpp: §4.3.1/§4.3.4;
// as_fsm.cpp: §4.3.2/§4.3.4.5): receiving and classifying messages (one table: which side may
// receive what, and its handler), Routing Context / Network Appearance checks and ERR answers
// (§3.8.1), heartbeat (§4.3.4.6), routing key management (§4.4), SSNM (§4.5), routing and the
// MTP3 service to the user (§4.1). A received message the tables have no row for is answered
// with ERR(Unexpected Message) and counted, never silently dropped.
#include "core/log.h"
#include "sigtran/m3ua_node_fsm.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace mgc::sigtran {

using namespace m3ua;

std::string_view role_name(Role r) { return name_of(kRoleNames, r); }
bool role_by_name(std::string_view s, Role &out) {
  const auto r = value_of(kRoleNames, s);
  if (r)
    out = *r;
  return r.has_value();
}
std::string_view asp_state_name(AspState s) { return name_of(kAspStateNames, s); }
std::string_view as_state_name(AsState s) { return name_of(kAsStateNames, s); }

std::vector<uint32_t> Node::Link::rcs() const {
  std::vector<uint32_t> out;
  for (int a : cfg.ases)
    if (node->ases_[a]->cfg.send_rc)
      out.push_back(node->ases_[a]->cfg.routing_context);
  return out;
}

// ---------------------------------------------------------------------------------------------

Node::Node(NodeConfig cfg, core::Scheduler &sched, MtpUser &user)
    : cfg_(std::move(cfg)), sched_(sched), user_(user) {
  for (std::size_t i = 0; i < cfg_.ases.size(); ++i) {
    auto a = std::make_unique<As>();
    a->cfg = cfg_.ases[i];
    int idx = int(i);
    a->t_r = std::make_unique<core::Timer>(sched_,
                                           [this, idx] { as_event(idx, -1, int(AEv::TrExpiry)); });
    ases_.push_back(std::move(a));
  }
  for (std::size_t i = 0; i < cfg_.links.size(); ++i) {
    auto k = std::make_unique<Link>();
    k->cfg = cfg_.links[i];
    k->node = this;
    int idx = int(i);
    k->t_ack = std::make_unique<core::Timer>(sched_, [this, idx] {
      if (!NodeFsm::run_local(*this, idx, LEv::TAck))
        counters_.inc(M3uaNodeCounter::unexpected_message);
    });
    k->t_beat = std::make_unique<core::Timer>(sched_, [this, idx] { beat_tick(idx); });
    k->t_audit = std::make_unique<core::Timer>(sched_, [this, idx] { audit_tick(idx); });
    links_.push_back(std::move(k));
  }
  for (const auto &r : cfg_.routes)
    if (std::none_of(dpc_avail_.begin(), dpc_avail_.end(),
                     [&](const auto &p) { return p.first == r.dpc; }))
      dpc_avail_.push_back({r.dpc, false});
}

Node::~Node() = default;

// Every layer management indication is one log line (notice): ASP and AS state changes,
// associations established or released, ERR and NTFY, refused requests.
void Node::mgmt(int link, std::string text, std::string_view detail) {
  MGC_LOG(M3ua, Notice, "%s: %s%.*s", link_name(link), text.c_str(), int(detail.size()),
          detail.data());
  if (mgmt_)
    mgmt_(MgmtEvent{link, std::move(text)});
}

const char *Node::link_name(int link) const {
  return link >= 0 && std::size_t(link) < links_.size() ? links_[link]->cfg.name.c_str() : "m3ua";
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
  mgmt(link, "ERR sent: " + std::string(error_name(code)),
       " (RFC 4666 §3.8.1 error code " + std::to_string(uint32_t(code)) + ")");
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
  k.t_beat->stop();
  k.t_audit->stop();
  (void)NodeFsm::run_local(*this, link, LEv::LinkDown); // every state has the row
  mgmt(link, "M-SCTP_RELEASE.ind");
  if (has_remote(k.cfg.role))
    (void)run_remote(link, Message(), RemoteEvent(REv::LinkDown));
  k.unavailable.clear();
  k.audit.clear();
  recompute_availability();
}

void Node::m_asp_up_req(int l) {
  if (!NodeFsm::run_local(*this, l, LEv::MUpReq))
    mgmt(l, "M-ASP_UP.req refused in " + std::string(asp_state_name(links_[l]->local)));
}
void Node::m_asp_active_req(int l) {
  links_[l]->want_active = true;
  if (!NodeFsm::run_local(*this, l, LEv::MActiveReq))
    mgmt(l, "M-ASP_ACTIVE.req refused in " + std::string(asp_state_name(links_[l]->local)));
}
void Node::m_asp_inactive_req(int l) {
  links_[l]->want_active = false;
  if (!NodeFsm::run_local(*this, l, LEv::MInactiveReq))
    mgmt(l, "M-ASP_INACTIVE.req refused in " + std::string(asp_state_name(links_[l]->local)));
}
void Node::m_asp_down_req(int l) {
  links_[l]->want_active = false;
  if (!NodeFsm::run_local(*this, l, LEv::MDownReq))
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

void Node::unsolicited_asp_up_ack() {
  for (std::size_t l = 0; l < links_.size(); ++l) {
    Link &k = *links_[l];
    if (k.assoc && has_remote(k.cfg.role) && k.remote != AspState::Down)
      send(int(l), 0, Message(MsgType::AspUpAck));
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
  counters_.inc(M3uaNodeCounter::err_rx);
  auto code = m.u32(Tag::ErrorCode).value_or(0);
  mgmt(link, "M-ERROR.ind: " + std::string(error_name(ErrorCode(code))),
       " (ERR received, RFC 4666 §3.8.1 error code " + std::to_string(code) + ")");
  if (code == uint32_t(ErrorCode::RefusedManagementBlocking))
    (void)NodeFsm::run_local(*this, link, LEv::RxBlocked);
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
    mgmt(link, "M-NOTIFY.ind: " + std::string(as_state_name(s)),
         " (NTFY received, RFC 4666 §3.8.2 status type " + std::to_string(type) + " info " +
             std::to_string(info) + ")");
    if (s == AsState::Pending)
      (void)NodeFsm::run_local(*this, link, LEv::RxAsPending);
  } else {
    static constexpr std::string_view kOther[] = {"?", "Insufficient ASP resources active in AS",
                                                  "Alternate ASP Active", "ASP Failure"};
    mgmt(link, "M-NOTIFY.ind: " + std::string(kOther[info <= 3 ? info : 0]),
         " (NTFY received, RFC 4666 §3.8.2 status type " + std::to_string(type) + " info " +
             std::to_string(info) + ")");
    if (info == uint16_t(OtherInfo::AlternateAspActive))
      (void)NodeFsm::run_local(*this, link, LEv::RxAltActive);
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
    // MTP-PAUSE / MTP-RESUME to the user (§4.5.2, §4.3.4.x ASP loss). Info: the MTP user
    // (mgcd's ISUP side, pstn-sim) says what it means for its circuits.
    MGC_LOG(M3ua, Info, "MTP-%s.ind: point code %u %s", now ? "RESUME" : "PAUSE", dpc,
            now ? "accessible" : "inaccessible");
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

void Node::set_timers(const Timers &t) {
  const bool beat_was = cfg_.timers.beat != 0;
  cfg_.timers = t;
  for (std::size_t i = 0; i < links_.size(); ++i) {
    Link &k = *links_[i];
    if (!k.assoc)
      continue;
    if (!t.beat) {
      k.t_beat->stop();
      k.beat_outstanding = false;
    } else if (!beat_was) {
      k.t_beat->start(t.beat);
    }
  }
}

} // namespace mgc::sigtran
