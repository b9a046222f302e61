// The timers of the other layers that mgcd's `timers` node shows and sets beside `isup tN`: SIP
// (RFC 3261 §17, Appendix A), MGCP (RFC 3435 §3.5), H.248 (H.248.1 Annex D.1) and M3UA
// (RFC 4666 §4.3). Only knobs the layers really have are here; each default comes from the
// layer's own table, so the two cannot drift apart. gateway.cpp hands the values to the layer
// objects it builds.
#pragma once

#include "h248/transaction.h"
#include "mgcp/transaction.h"
#include "sigtran/m3ua_node.h"
#include "sipt/timers.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mgc::gw {

enum class LayerTimer : uint8_t {
  SipT1,
  SipT2,
  SipT4,
  MgcpRtoInitial,
  MgcpRtoMin,
  MgcpRtoMax,
  MgcpLongtran,
  MgcpTMax,
  MgcpTHist,
  MgcpFinalWait,
  MgcpMaxRetransmissions,
  H248InitialRetransmit,
  H248MaxRetransmit,
  H248TMax,
  H248LongTimer,
  H248PendingTimer,
  H248MaxPendings,
  M3uaAck,
  M3uaRecovery,
  M3uaBeat,
  M3uaAudit,
};
inline constexpr std::size_t kLayerTimerCount = 21;

struct LayerTimerInfo {
  LayerTimer timer;
  std::string_view layer; // "sip", "mgcp", "h248", "m3ua": the first word of the command
  std::string_view name;  // "t1", "rto-initial": the second
  uint32_t default_value;
  uint32_t min, max;      // what the layer can work with
  std::string_view unit;  // "ms" or "" (a count)
  std::string_view description;
};

const std::array<LayerTimerInfo, kLayerTimerCount> &layer_timer_table();
// The first line of help of a layer's timer commands: what they are and where the spec has them.
std::string_view layer_timer_help(std::string_view layer);
const LayerTimerInfo &layer_timer_info(LayerTimer t);
std::optional<LayerTimer> layer_timer_from_name(std::string_view layer, std::string_view name);

class LayerTimerValues {
public:
  LayerTimerValues();
  uint32_t get(LayerTimer t) const { return v_[static_cast<std::size_t>(t)]; }
  // False (unchanged) outside the timer's range.
  bool set(LayerTimer t, uint32_t value);
  bool is_default(LayerTimer t) const;
  bool operator==(const LayerTimerValues &) const = default;

private:
  std::array<uint32_t, kLayerTimerCount> v_{};
};

// Each layer's timers as its objects take them, the rest of their configuration at its default:
// at start, and whenever they change live (every layer uses them for each timer it starts).
sipt::TimerValues sip_timer_values(const LayerTimerValues &v);
mgcp::TransactionConfig mgcp_transaction_timers(const LayerTimerValues &v);
h248::TransactionConfig h248_transaction_timers(const LayerTimerValues &v);
sigtran::Timers m3ua_timers(const LayerTimerValues &v);
// Whether any timer of `layer` ("sip", "mgcp", "h248", "m3ua") differs between a and b, and its
// values as one line for the log and the VTY ("rto-initial 200 ms, ...").
bool layer_timers_differ(const LayerTimerValues &a, const LayerTimerValues &b,
                         std::string_view layer);
std::string layer_timers_text(const LayerTimerValues &v, std::string_view layer);

// Inconsistencies between timers (SIP T2 below T1, MGCP RTO bounds crossed...), one sentence each.
std::vector<std::string> check_layer_timers(const LayerTimerValues &v);

} // namespace mgc::gw
