// Dialogs (RFC 3261 §12) and the helpers around them: in-dialog request construction
// (§12.2.1.1), CSeq ordering and target refresh (§12.2.2), reliable provisional responses
// (RFC 3262: RSeq/RAck), and the Reason header with Q.850 causes (RFC 3326).
#pragma once

#include "sipt/message.h"
#include "sipt/transaction.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mgc::sipt {

struct Dialog {
  enum class State : uint8_t { Early, Confirmed, Terminated };
  State state = State::Early;
  std::string call_id;
  std::string local_tag, remote_tag;
  std::string local_party;  // From value we send (name-addr with our tag)
  std::string remote_party; // To value we send (with the remote tag)
  std::string remote_target; // Contact URI of the peer (§12.1.1 / §12.1.2)
  std::string local_contact; // our Contact URI
  std::vector<std::string> route_set; // Route values, in sending order
  uint32_t local_cseq = 0;
  uint32_t remote_cseq = 0; // 0: none seen yet
  bool have_remote_cseq = false;
  Peer peer;

  // UAS side (§12.1.1): from the request and the tag we put in To.
  static Dialog as_uas(const Message &req, std::string_view local_tag,
                       std::string_view local_contact, const Peer &peer);
  // UAC side (§12.1.2): from our request and a response carrying the To tag.
  static Dialog as_uac(const Message &req, const Message &resp, std::string_view local_contact,
                       const Peer &peer);

  // §12.2.1.1: Request-URI = remote target, Route = route set, From/To/Call-ID of the dialog,
  // CSeq incremented (except ACK, which reuses the INVITE's number: pass it in `cseq`), our
  // Contact on requests that may refresh the target. `via` is the complete Via value (with a
  // fresh branch). Add header fields and a body to the Message; it serialises when sent.
  Message make_request(Method method, std::string_view via, uint32_t cseq = 0);

  // §12.2.2: checks the CSeq order of an in-dialog request (false: answer 500) and applies a
  // target refresh (re-INVITE, UPDATE carry a new Contact).
  bool accept_request(const Message &req);

  // Dialog identity of a message as seen from our side (§12: Call-ID, local tag, remote tag).
  bool matches(const Message &m, bool we_are_uac) const;
};

// RFC 3326 §2: Reason: Q.850;cause=N[;text="..."]. `quoted_text` is a quoted-string (quote())
// or empty, and must outlive the value.
inline ReasonValue q850_reason(int cause, std::string_view quoted_text = {}) {
  ReasonValue r;
  r.protocol = kReasonQ850;
  r.cause = cause;
  r.text = quoted_text;
  return r;
}
// The cause of the first Q.850 Reason value of a message (0-127), or -1.
int q850_cause(const Message &m);

// RFC 3262 §3/§4: a provisional response sent reliably carries Require: 100rel and RSeq.
bool is_reliable_provisional(const Message &resp);
// RAck value for a PRACK acknowledging `resp` (RFC 3262 §7.2: response-num CSeq-num method).
RAckValue rack_for(const Message &resp);

// RFC 3261 §8.1.1.7: a branch unique in time and space, beginning with the magic cookie.
std::string new_branch();
// §19.3: a tag with at least 32 bits of randomness.
std::string new_tag();

} // namespace mgc::sipt
