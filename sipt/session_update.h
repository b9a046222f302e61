// Modifying an existing session (RFC 3264 §8) from our side of one dialog: re-INVITE (RFC 3261
// §14) and UPDATE (RFC 3311) offers answered — hold as sendonly or inactive (RFC 3264 §8.4,
// the RFC 2543 form c=0.0.0.0 too), a codec change (§8.3.2) — and the offer a re-INVITE without
// one is answered with, whose answer comes in the ACK (RFC 3261 §14.2). Every SDP we send after
// the first keeps its o= line, the version one higher when anything changed and the same when
// nothing did (RFC 3264 §8). Pure: SDP text in, SDP text and a status out.
#pragma once

#include "core/status.h"
#include "sipt/sdp.h"

#include <string>
#include <string_view>

namespace mgc::sipt {

class SessionUpdate {
public:
  // An SDP we sent (in the INVITE, an 18x, the 200, or a later answer): the next one follows it.
  void sent(std::string_view sdp) { last_ = sdp; }
  bool known() const { return !last_.empty(); }
  const std::string &last() const { return last_; }
  // The peer's last SDP (offer or answer) handed on to the media gateway, and whether `sdp`
  // differs from it: an unchanged session is the same description with the same o= version
  // (RFC 3264 §8), so a description that is not the same text is a change to pass on.
  void received(std::string_view sdp) { peer_last_ = sdp; }
  const std::string &peer_last() const { return peer_last_; }
  bool changes(std::string_view sdp) const { return sdp != peer_last_; }

  // The peer's offer: our answer in `answer_text` and the direction it gives us (the mode of the
  // media gateway's connection). Address, port and origin come from `media_sdp`, the media
  // gateway's new description, when there is one, else from the last SDP we sent. 400 if the
  // offer does not parse; 488 if nothing in it is usable (RFC 3261 §14.2, RFC 3264 §6). The
  // answer becomes the last SDP sent.
  Status answer(std::string_view offer_text, std::string_view media_sdp, std::string &answer_text,
                Direction &ours);
  // What we would take from `offer_text` without answering yet (the mode to ask the media
  // gateway for first): same statuses as answer().
  Status check(std::string_view offer_text, Direction &ours) const;
  // Our offer for a re-INVITE that brought none: the last SDP, sendrecv (we hold nobody); it is
  // the last SDP sent from now on. Empty if we have sent none.
  std::string offer();
  // The answer to offer(), from the ACK: the direction it gives us; 488 if it does not answer it.
  Status answered(std::string_view answer_text, Direction &ours) const;

private:
  // RFC 3264 §8: `s` with the last SDP's o= line; its version one higher unless `s` says the
  // same. The text, now the last one sent.
  std::string stamp(Sdp &s);
  std::string last_;
  std::string peer_last_;
};

} // namespace mgc::sipt
