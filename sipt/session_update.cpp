// RFC 3264 §8 session modification (see session_update.h).
#include "sipt/session_update.h"

namespace mgc::sipt {
namespace {

// RFC 3264 §8.4: "An agent MUST be capable of receiving SDP with a connection address of
// 0.0.0.0, in which case it means that neither RTP nor RTCP should be sent to the peer": our
// side of such a stream sends nothing.
Direction without_sending(Direction d) {
  switch (d) {
  case Direction::SendRecv:
    return Direction::RecvOnly;
  case Direction::SendOnly:
    return Direction::Inactive;
  default:
    return d;
  }
}

bool unspecified(std::string_view address) {
  return address == "0.0.0.0" || address == "::";
}

// Our media as the SDP `sdp` (ours, or the media gateway's) describes it.
bool local_media_of(std::string_view text, LocalMedia &out) {
  Sdp s;
  if (text.empty() || !parse_sdp(text, s).ok())
    return false;
  for (std::size_t i = 0; i < s.media.size(); ++i) {
    if (s.media[i].media != "audio" || s.media[i].port == 0)
      continue;
    out.address = s.media_connection(i).address;
    out.port = s.media[i].port;
    if (s.media[i].ptime)
      out.ptime = s.media[i].ptime;
    out.origin_user = s.origin_user;
    out.sess_id = s.sess_id;
    out.sess_version = s.sess_version;
    return !out.address.empty();
  }
  return false;
}

Status answer_for(std::string_view offer_text, const LocalMedia &local, Sdp &ans,
                  Direction &ours) {
  Sdp offer;
  if (Status st = parse_sdp(offer_text, offer); !st.ok())
    return st;
  Negotiated n;
  if (Status st = make_answer(offer, local, ans, n); !st.ok())
    return st;
  ours = n.direction;
  if (unspecified(offer.media_connection(n.audio_index).address)) {
    ours = without_sending(ours);
    ans.media[n.audio_index].direction = ours;
  }
  return Status::Ok();
}

uint64_t version_of(std::string_view v) {
  uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9')
      return n;
    n = n * 10 + uint64_t(c - '0');
  }
  return n;
}

} // namespace

std::string SessionUpdate::stamp(Sdp &s) {
  Sdp last;
  if (!last_.empty() && parse_sdp(last_, last).ok()) {
    s.origin_user = last.origin_user;
    s.sess_id = last.sess_id;
    s.origin = last.origin;
    s.sess_version = last.sess_version;
    std::string same = build_sdp(s);
    if (same == last_)
      return same; // §8: unchanged, same version
    s.sess_version = std::to_string(version_of(last.sess_version) + 1);
  }
  last_ = build_sdp(s);
  return last_;
}

Status SessionUpdate::check(std::string_view offer_text, Direction &ours) const {
  LocalMedia local;
  if (!local_media_of(last_, local))
    local.address = "0.0.0.0"; // only the direction is wanted here
  Sdp ans;
  return answer_for(offer_text, local, ans, ours);
}

Status SessionUpdate::answer(std::string_view offer_text, std::string_view media_sdp,
                             std::string &answer_text, Direction &ours) {
  LocalMedia local;
  if (!local_media_of(media_sdp, local) && !local_media_of(last_, local))
    return Status("sdp.no_local_description", 500);
  Sdp ans;
  if (Status st = answer_for(offer_text, local, ans, ours); !st.ok())
    return st;
  answer_text = stamp(ans);
  return Status::Ok();
}

std::string SessionUpdate::offer() {
  Sdp s;
  if (last_.empty() || !parse_sdp(last_, s).ok())
    return {};
  s.direction = Direction::SendRecv;
  for (SdpMedia &m : s.media)
    if (m.port != 0)
      m.direction = Direction::SendRecv;
  return stamp(s);
}

Status SessionUpdate::answered(std::string_view answer_text, Direction &ours) const {
  Sdp offer, ans;
  if (!parse_sdp(last_, offer).ok())
    return Status("sdp.no_offer", 488);
  if (Status st = parse_sdp(answer_text, ans); !st.ok())
    return st;
  Negotiated n;
  if (Status st = apply_answer(offer, ans, n); !st.ok())
    return st;
  ours = n.direction;
  if (unspecified(ans.media_connection(n.audio_index).address))
    ours = without_sending(ours);
  return Status::Ok();
}

} // namespace mgc::sipt
