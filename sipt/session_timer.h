// SIP session timers (RFC 4028): the header values (Session-Expires §4, Min-SE §5), what one
// side wants (the config), and the negotiation of both roles — the UAS deciding from a request
// (§9: 422 below its minimum, the interval, who refreshes), the UAC taking the 2xx (§7.2) or a
// 422 (§7.4) — and when to refresh (§10: half the interval) or give the session up (§10: the
// interval less min(32 s, interval/3)). Pure: messages in, values out; the user agent runs the
// timers (user_agent.cpp).
#pragma once

#include "core/names.h"
#include "sipt/message.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mgc::sipt {

// §4: refresher-param = "refresher" EQUAL ("uas" / "uac").
enum class Refresher : uint8_t { Uac, Uas };
inline constexpr auto kRefresherNames =
    name_table<Refresher>({{Refresher::Uac, "uac"}, {Refresher::Uas, "uas"}});
static_assert(names_unique(kRefresherNames));

// §4: Session-Expires = delta-seconds *(SEMI se-params).
struct SessionExpiresValue {
  uint32_t seconds = 0;
  std::optional<Refresher> refresher;
};
bool parse_session_expires(std::string_view value, SessionExpiresValue &out);
void print(std::string &out, const SessionExpiresValue &v);
// §5: Min-SE = delta-seconds *(SEMI generic-param).
bool parse_min_se(std::string_view value, uint32_t &seconds);

// Who we want to refresh where the RFC lets us choose (a UAC's request without a refresher,
// §7.1; a UAS answering a request that named none, §9): we (local) or the peer (remote).
enum class RefresherChoice : uint8_t { Local, Remote };
inline constexpr auto kRefresherChoiceNames = name_table<RefresherChoice>(
    {{RefresherChoice::Local, "local"}, {RefresherChoice::Remote, "remote"}});
static_assert(names_unique(kRefresherChoiceNames));

struct SessionTimerConfig {
  // §5: no Min-SE below 90 s; §4 recommends 1800 s for Session-Expires.
  static constexpr uint32_t kMinSeFloor = 90;
  static constexpr uint32_t kDefaultInterval = 1800;
  bool enabled = false;
  uint32_t session_expires_s = kDefaultInterval;
  uint32_t min_se_s = kMinSeFloor;
  RefresherChoice refresher = RefresherChoice::Local;
  // Refresh by UPDATE when the peer allows it (§10 recommends it: no offer/answer), else by
  // re-INVITE with the last SDP unchanged.
  bool prefer_update = true;
  bool operator==(const SessionTimerConfig &) const = default;
};

// The session timer a dialog runs: `interval_s` 0 means none.
struct SessionTimerState {
  uint32_t interval_s = 0;
  // Who refreshes, as a side: a refresh request of ours names it uac, the peer's uas, whichever
  // side first negotiated it (§7.3, §9).
  bool we_refresh = false;
  uint32_t min_se_s = SessionTimerConfig::kMinSeFloor; // the largest Min-SE either side named
  bool active() const { return interval_s != 0; }
  bool operator==(const SessionTimerState &) const = default;
};

// Whether a Supported or Require header of `m` lists option tag `tag` (RFC 3261 §20.37, §20.32).
bool lists_option(const Message &m, HeaderId id, std::string_view tag);

// §9: a UAS (we) deciding on a request (initial INVITE, re-INVITE or UPDATE).
struct UasSessionTimer {
  bool reject_422 = false;   // the request's Session-Expires is below our Min-SE
  uint32_t min_se_s = 0;     // for the 422's Min-SE
  SessionTimerState state;   // otherwise: what the 2xx says (none: inactive)
  bool require_timer = false; // the 2xx needs Require: timer (refresher=uac, §9)
};
UasSessionTimer uas_session_timer(const Message &req, const SessionTimerConfig &cfg);

// §7.1 / §7.3: the Session-Expires value a UAC (we) puts in a request: the interval, and the
// refresher — the side refreshing now (`current`), else the config's wish.
std::string uac_session_expires(const SessionTimerConfig &cfg, const SessionTimerState *current,
                                uint32_t interval_s);

// §7.2: the session timer a 2xx to our request gives us as its UAC (none without a
// Session-Expires); `min_se_s` is the Min-SE we sent.
SessionTimerState uac_session_timer(const Message &resp, uint32_t min_se_s);

// §7.4: from a 422 to our request, the interval to retry with (the 422's Min-SE, at least
// `asked` + 1 s so a retry never repeats itself); nullopt when it carries no usable Min-SE.
std::optional<uint32_t> retry_interval_after_422(const Message &resp, uint32_t asked);

// §10: when the refresher sends its refresh, and when the other side gives the session up. In
// 64 bits: an interval is whatever the peer says (up to 9 digits), and in 32-bit milliseconds
// one of 8589935 s would wrap to a refresh every 204 ms.
inline int64_t refresh_after_ms(uint32_t interval_s) { return int64_t(interval_s) * 500; }
inline int64_t expire_after_ms(uint32_t interval_s) {
  const uint32_t margin = interval_s / 3 < 32 ? interval_s / 3 : 32;
  return int64_t(interval_s - margin) * 1000;
}

} // namespace mgc::sipt
