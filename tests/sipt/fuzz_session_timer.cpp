// libFuzzer target over the RFC 4028 values and negotiation (sipt/session_timer.h): the input
// is a SIP message (its Session-Expires, Min-SE, Supported and Require read as a UAS and as a
// UAC would read them) and its first line a Session-Expires value of its own. A value that
// parses prints a text that parses to the same; a UAS never agrees to an interval below its
// Min-SE or the request's, and never refreshes for a UAC that did not say it can.
#include "sipt/session_timer.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace mgc::sipt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char *>(data), size);
  const std::string_view first = in.substr(0, in.find('\n'));
  SessionExpiresValue v;
  if (parse_session_expires(first, v)) {
    std::string once;
    print(once, v);
    SessionExpiresValue w;
    if (!parse_session_expires(once, w) || w.seconds != v.seconds || w.refresher != v.refresher)
      std::abort();
  }
  uint32_t min = 0;
  (void)parse_min_se(first, min);

  Message m;
  if (!parse(in, ParseOptions{}, m).ok())
    return 0;
  SessionTimerConfig cfg;
  cfg.enabled = true;
  for (uint32_t floor : {90u, 600u}) {
    cfg.min_se_s = floor;
    const UasSessionTimer d = uas_session_timer(m, cfg);
    if (d.reject_422)
      continue;
    if (d.state.interval_s < floor)
      std::abort();
    if (d.require_timer != !d.state.we_refresh)
      std::abort();
    if (!d.state.we_refresh && !lists_option(m, HeaderId::Supported, "timer"))
      std::abort();
  }
  const SessionTimerState s = uac_session_timer(m, 90);
  // §10's instants: the refresh before the other side gives up, both within the interval
  if (s.active() && (expire_after_ms(s.interval_s) > int64_t(s.interval_s) * 1000 ||
                     refresh_after_ms(s.interval_s) >= expire_after_ms(s.interval_s)))
    std::abort();
  (void)retry_interval_after_422(m, 90);
  return 0;
}
