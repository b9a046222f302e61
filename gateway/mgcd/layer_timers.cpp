#include "gateway/mgcd/layer_timers.h"

namespace mgc::gw {

namespace {

constexpr uint32_t mgcp_default(mgcp::TxTimer t) {
  return static_cast<uint32_t>(mgcp::tx_timer_defaults()[static_cast<std::size_t>(t)]);
}
constexpr std::string_view mgcp_doc(mgcp::TxTimer t) {
  return mgcp::kTxTimers[static_cast<std::size_t>(t)].description;
}

const sipt::TimerValues kSip{};
const h248::TransactionConfig kH248{};
const sigtran::Timers kM3ua{};
const mgcp::TransactionConfig kMgcp{};

using L = LayerTimer;
constexpr uint32_t kHour = 3'600'000;

const std::array<LayerTimerInfo, kLayerTimerCount> kTable = {{
    {L::SipT1, "sip", "t1", kSip.t1, 50, 10'000, "ms",
     "RTT estimate; Timers A/E/G start at T1, B/F/H/J/L/M are 64*T1 (RFC 3261 17)"},
    {L::SipT2, "sip", "t2", kSip.t2, 500, 60'000, "ms",
     "maximum retransmit interval of non-INVITE requests and INVITE responses"},
    {L::SipT4, "sip", "t4", kSip.t4, 500, 60'000, "ms",
     "maximum time a message remains in the network (Timers I, K)"},
    {L::MgcpRtoInitial, "mgcp", "rto-initial", mgcp_default(mgcp::TxTimer::RtoInitial), 10, 60'000,
     "ms", mgcp_doc(mgcp::TxTimer::RtoInitial)},
    {L::MgcpRtoMin, "mgcp", "rto-min", mgcp_default(mgcp::TxTimer::RtoMin), 10, 60'000, "ms",
     mgcp_doc(mgcp::TxTimer::RtoMin)},
    {L::MgcpRtoMax, "mgcp", "rto-max", mgcp_default(mgcp::TxTimer::RtoMax), 10, 60'000, "ms",
     mgcp_doc(mgcp::TxTimer::RtoMax)},
    {L::MgcpLongtran, "mgcp", "longtran", mgcp_default(mgcp::TxTimer::LongTran), 100, 600'000, "ms",
     mgcp_doc(mgcp::TxTimer::LongTran)},
    {L::MgcpTMax, "mgcp", "t-max", mgcp_default(mgcp::TxTimer::TMax), 100, 600'000, "ms",
     mgcp_doc(mgcp::TxTimer::TMax)},
    {L::MgcpTHist, "mgcp", "t-hist", mgcp_default(mgcp::TxTimer::THist), 1000, kHour, "ms",
     mgcp_doc(mgcp::TxTimer::THist)},
    {L::MgcpFinalWait, "mgcp", "final-wait", mgcp_default(mgcp::TxTimer::FinalWait), 1000, kHour,
     "ms", mgcp_doc(mgcp::TxTimer::FinalWait)},
    {L::MgcpMaxRetransmissions, "mgcp", "max-retransmissions", kMgcp.max_retransmissions, 0, 50, "",
     "retransmissions of an unanswered command before the gateway is given up (3.5.3)"},
    {L::H248InitialRetransmit, "h248", "initial-retransmit",
     static_cast<uint32_t>(kH248.initial_retransmit_ms), 10, 60'000, "ms",
     "first request repetition (Annex D.1.5)"},
    {L::H248MaxRetransmit, "h248", "max-retransmit", static_cast<uint32_t>(kH248.max_retransmit_ms),
     10, 60'000, "ms", "ceiling of the doubling repetition interval (Annex D.1.5)"},
    {L::H248TMax, "h248", "t-max", static_cast<uint32_t>(kH248.t_max_ms), 100, 600'000, "ms",
     "T-MAX: a request is given up this long after it was first sent (Annex D.1.5)"},
    {L::H248LongTimer, "h248", "long-timer", static_cast<uint32_t>(kH248.long_timer_ms), 1000, kHour,
     "ms", "LONG-TIMER: replies are kept this long to answer repeats (Annex D.1.1)"},
    {L::H248PendingTimer, "h248", "pending-timer", static_cast<uint32_t>(kH248.pending_timer_ms),
     100, kHour, "ms", "wait for the reply after a TransactionPending (Annex D.1.4)"},
    {L::H248MaxPendings, "h248", "max-pendings", kH248.max_pendings, 1, 100, "",
     "TransactionPendings accepted for one request before giving it up (H.248.8 506)"},
    {L::M3uaAck, "m3ua", "ack", kM3ua.ack, 100, 60'000, "ms",
     "T(ack): ASPUP/ASPAC/ASPIA/ASPDN repeated while unanswered (RFC 4666 4.3.4.1)"},
    {L::M3uaRecovery, "m3ua", "recovery", kM3ua.recovery, 100, 60'000, "ms",
     "T(r): AS-PENDING recovery before AS-INACTIVE/DOWN (4.3.2)"},
    {L::M3uaBeat, "m3ua", "beat", kM3ua.beat, 0, 600'000, "ms",
     "BEAT interval on a silent association, 0 = off (4.3.4.6)"},
    {L::M3uaAudit, "m3ua", "audit", kM3ua.audit, 1000, kHour, "ms",
     "DAUD interval for unavailable or congested destinations (4.5.3)"},
}};

} // namespace

const std::array<LayerTimerInfo, kLayerTimerCount> &layer_timer_table() { return kTable; }

std::string_view layer_timer_help(std::string_view layer) {
  struct Row {
    std::string_view layer, help;
  };
  static constexpr Row kLayers[] = {
      {"sip", "SIP transaction timer (RFC 3261 17, Appendix A)"},
      {"mgcp", "MGCP transaction timer (RFC 3435 3.5)"},
      {"h248", "H.248 transaction timer (H.248.1 Annex D.1)"},
      {"m3ua", "M3UA timer (RFC 4666 4.3)"},
  };
  for (const auto &r : kLayers)
    if (r.layer == layer)
      return r.help;
  return "Timer";
}

const LayerTimerInfo &layer_timer_info(LayerTimer t) {
  return layer_timer_table()[static_cast<std::size_t>(t)];
}

std::optional<LayerTimer> layer_timer_from_name(std::string_view layer, std::string_view name) {
  for (const auto &t : layer_timer_table())
    if (t.layer == layer && t.name == name)
      return t.timer;
  return std::nullopt;
}

LayerTimerValues::LayerTimerValues() {
  for (const auto &t : layer_timer_table())
    v_[static_cast<std::size_t>(t.timer)] = t.default_value;
}

bool LayerTimerValues::set(LayerTimer t, uint32_t value) {
  const auto &info = layer_timer_info(t);
  if (value < info.min || value > info.max)
    return false;
  v_[static_cast<std::size_t>(t)] = value;
  return true;
}

bool LayerTimerValues::is_default(LayerTimer t) const {
  return get(t) == layer_timer_info(t).default_value;
}

sipt::TimerValues sip_timer_values(const LayerTimerValues &v) {
  sipt::TimerValues tv;
  tv.t1 = v.get(L::SipT1);
  tv.t2 = v.get(L::SipT2);
  tv.t4 = v.get(L::SipT4);
  return tv;
}

mgcp::TransactionConfig mgcp_transaction_timers(const LayerTimerValues &v) {
  mgcp::TransactionConfig c;
  c.set(mgcp::TxTimer::RtoInitial, v.get(L::MgcpRtoInitial));
  c.set(mgcp::TxTimer::RtoMin, v.get(L::MgcpRtoMin));
  c.set(mgcp::TxTimer::RtoMax, v.get(L::MgcpRtoMax));
  c.set(mgcp::TxTimer::LongTran, v.get(L::MgcpLongtran));
  c.set(mgcp::TxTimer::TMax, v.get(L::MgcpTMax));
  c.set(mgcp::TxTimer::THist, v.get(L::MgcpTHist));
  c.set(mgcp::TxTimer::FinalWait, v.get(L::MgcpFinalWait));
  c.max_retransmissions = v.get(L::MgcpMaxRetransmissions);
  return c;
}

h248::TransactionConfig h248_transaction_timers(const LayerTimerValues &v) {
  h248::TransactionConfig c;
  c.initial_retransmit_ms = v.get(L::H248InitialRetransmit);
  c.max_retransmit_ms = v.get(L::H248MaxRetransmit);
  c.t_max_ms = v.get(L::H248TMax);
  c.long_timer_ms = v.get(L::H248LongTimer);
  c.pending_timer_ms = v.get(L::H248PendingTimer);
  c.max_pendings = v.get(L::H248MaxPendings);
  return c;
}

sigtran::Timers m3ua_timers(const LayerTimerValues &v) {
  sigtran::Timers t;
  t.ack = v.get(L::M3uaAck);
  t.recovery = v.get(L::M3uaRecovery);
  t.beat = v.get(L::M3uaBeat);
  t.audit = v.get(L::M3uaAudit);
  return t;
}

bool layer_timers_differ(const LayerTimerValues &a, const LayerTimerValues &b,
                         std::string_view layer) {
  for (const auto &t : layer_timer_table())
    if (t.layer == layer && a.get(t.timer) != b.get(t.timer))
      return true;
  return false;
}

std::string layer_timers_text(const LayerTimerValues &v, std::string_view layer) {
  std::string s;
  for (const auto &t : layer_timer_table()) {
    if (t.layer != layer)
      continue;
    if (!s.empty())
      s += ", ";
    s += std::string(t.name) + " " + std::to_string(v.get(t.timer));
    if (!t.unit.empty())
      s += " " + std::string(t.unit);
  }
  return s;
}

std::vector<std::string> check_layer_timers(const LayerTimerValues &v) {
  std::vector<std::string> e;
  auto order = [&](LayerTimer lo, LayerTimer hi, std::string_view why) {
    if (v.get(lo) > v.get(hi)) {
      const auto &a = layer_timer_info(lo), &b = layer_timer_info(hi);
      e.push_back("timers: " + std::string(a.layer) + " " + std::string(a.name) + " (" +
                  std::to_string(v.get(lo)) + " ms) is above " + std::string(b.layer) + " " +
                  std::string(b.name) + " (" + std::to_string(v.get(hi)) + " ms): " +
                  std::string(why));
    }
  };
  order(L::SipT1, L::SipT2, "T2 caps intervals that start at T1 (RFC 3261 17.1.2.2)");
  order(L::MgcpRtoMin, L::MgcpRtoInitial, "the first timer lies within the bounds (RFC 3435 3.5.3)");
  order(L::MgcpRtoInitial, L::MgcpRtoMax, "the first timer lies within the bounds (RFC 3435 3.5.3)");
  order(L::MgcpRtoMax, L::MgcpTMax, "retransmissions stop at T-MAX (RFC 3435 3.5.6)");
  order(L::H248InitialRetransmit, L::H248MaxRetransmit, "the interval doubles up to the ceiling");
  order(L::H248MaxRetransmit, L::H248TMax, "repetitions stop at T-MAX (H.248.1 D.1.5)");
  return e;
}

} // namespace mgc::gw
