#include "callcontrol/sip_peer_state.h"

#include "core/log.h"

#include <algorithm>

namespace mgc::cc {

void SipPeerStates::retry_after(const std::string &peer, uint32_t seconds) {
  seconds = std::min(seconds, kMaxRetryAfterS);
  const int64_t until = sched_.now_ms() + int64_t(seconds) * 1000;
  auto &u = until_ms_[peer];
  u = std::max(u, until);
  MGC_LOG(Cc, Notice, "SIP peer %s: 503 with Retry-After %u s: no new calls to it until then",
          peer.c_str(), seconds);
}

void SipPeerStates::set_down(const std::string &peer, bool down) {
  if (down)
    down_.insert(peer);
  else
    down_.erase(peer);
}

int64_t SipPeerStates::unavailable_ms(const std::string &peer) const {
  auto it = until_ms_.find(peer);
  return it == until_ms_.end() ? 0 : std::max<int64_t>(0, it->second - sched_.now_ms());
}

uint64_t SipPeerStates::skipped_count(const std::string &peer) const {
  auto it = skipped_.find(peer);
  return it == skipped_.end() ? 0 : it->second;
}

} // namespace mgc::cc
