// RFC 4028 session timers: header values and the negotiation of both roles (session_timer.h).
#include "sipt/session_timer.h"

#include "sipt/fields.h"
#include "sipt/syntax.h"

#include <algorithm>

namespace mgc::sipt {

namespace {
// delta-seconds = 1*DIGIT (RFC 3261 §25.1); more than 9 digits is no interval anyone means.
bool parse_delta_seconds(std::string_view s, uint32_t &out) {
  if (s.empty() || s.size() > 9)
    return false;
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return false;
    v = v * 10 + uint32_t(c - '0');
  }
  out = v;
  return true;
}
} // namespace

bool parse_session_expires(std::string_view value, SessionExpiresValue &out) {
  TokenValue t;
  if (!parse_token_value(value, t) || !parse_delta_seconds(t.token, out.seconds))
    return false;
  out.refresher.reset();
  std::string_view r;
  if (find_generic_param(t.params, "refresher", &r)) {
    if (iequals(r, "uac"))
      out.refresher = Refresher::Uac;
    else if (iequals(r, "uas"))
      out.refresher = Refresher::Uas;
    else
      return false; // §4: only these two values
  }
  return true;
}

void print(std::string &out, const SessionExpiresValue &v) {
  out += std::to_string(v.seconds);
  if (v.refresher) {
    out += ";refresher=";
    out += name_of(kRefresherNames, *v.refresher);
  }
}

bool parse_min_se(std::string_view value, uint32_t &seconds) {
  TokenValue t;
  return parse_token_value(value, t) && parse_delta_seconds(t.token, seconds);
}

bool lists_option(const Message &m, HeaderId id, std::string_view tag) {
  bool found = false;
  m.for_each_value(id, [&](std::string_view v) {
    TokenValue t;
    found = found || (parse_token_value(v, t) && iequals(t.token, tag));
  });
  return found;
}

UasSessionTimer uas_session_timer(const Message &req, const SessionTimerConfig &cfg) {
  UasSessionTimer d;
  if (!cfg.enabled)
    return d;
  SessionExpiresValue se;
  const HeaderField *sef = req.first(HeaderId::SessionExpires);
  const bool has_se = sef && parse_session_expires(sef->value, se);
  uint32_t req_min = SessionTimerConfig::kMinSeFloor;
  if (const HeaderField *m = req.first(HeaderId::MinSE); m && parse_min_se(m->value, req_min))
    req_min = std::max(req_min, SessionTimerConfig::kMinSeFloor);
  const uint32_t floor = std::max(req_min, cfg.min_se_s);
  if (has_se && se.seconds < cfg.min_se_s) {
    // §9: "If the Session-Expires ... is lower than the minimum ... the UAS MUST reject it with a
    // 422", naming its minimum in Min-SE (§6).
    d.reject_422 = true;
    d.min_se_s = cfg.min_se_s;
    return d;
  }
  // §9: the UAS may lower the interval, never below the request's Min-SE; a request without one
  // may be given ours.
  uint32_t interval = has_se ? std::min(se.seconds, std::max(cfg.session_expires_s, floor))
                             : std::max(cfg.session_expires_s, floor);
  const bool uac_supports = lists_option(req, HeaderId::Supported, "timer");
  Refresher r;
  if (!uac_supports)
    r = Refresher::Uas; // §9: a UAC without the extension cannot refresh
  else if (has_se && se.refresher)
    r = *se.refresher; // §9: the UAS keeps the UAC's choice
  else
    r = cfg.refresher == RefresherChoice::Local ? Refresher::Uas : Refresher::Uac;
  d.state.interval_s = interval;
  d.state.we_refresh = r == Refresher::Uas;
  d.state.min_se_s = floor;
  d.require_timer = r == Refresher::Uac; // §9: the UAC must know it refreshes
  return d;
}

std::string uac_session_expires(const SessionTimerConfig &cfg, const SessionTimerState *current,
                                uint32_t interval_s) {
  SessionExpiresValue v;
  v.seconds = interval_s;
  if (current && current->active())
    v.refresher = current->we_refresh ? Refresher::Uac : Refresher::Uas; // §7.3
  else
    v.refresher = cfg.refresher == RefresherChoice::Local ? Refresher::Uac : Refresher::Uas;
  std::string s;
  print(s, v);
  return s;
}

SessionTimerState uac_session_timer(const Message &resp, uint32_t min_se_s) {
  SessionTimerState st;
  SessionExpiresValue se;
  const HeaderField *f = resp.first(HeaderId::SessionExpires);
  if (!f || !parse_session_expires(f->value, se) || se.seconds == 0)
    return st; // §7.2: no Session-Expires in the 2xx, no session expiration
  st.interval_s = se.seconds;
  // §7.2: refresher=uac makes us the refresher; a 2xx naming none (which §9 does not allow) is
  // taken as ours, so that the session is refreshed rather than dropped.
  st.we_refresh = !se.refresher || *se.refresher == Refresher::Uac;
  st.min_se_s = min_se_s;
  return st;
}

std::optional<uint32_t> retry_interval_after_422(const Message &resp, uint32_t asked) {
  uint32_t min_se = 0;
  const HeaderField *f = resp.first(HeaderId::MinSE);
  if (!f || !parse_min_se(f->value, min_se) || min_se <= asked)
    return std::nullopt;
  return min_se;
}

} // namespace mgc::sipt
