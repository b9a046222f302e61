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

// A dialog's state (§12.1): its identity (Call-ID, local and remote tag), the From and To values
// and remote target its requests carry (§12.2.1.1), our Contact, the route set, the CSeq numbers
// and the peer. A held call keeps its dialog for as long as it lasts, so the text lives in one
// buffer, each part a view into it: one allocation per dialog instead of one per string, and no
// 32-byte string object for each part.
class Dialog {
public:
  enum class State : uint8_t { Early, Confirmed, Terminated };
  // The parts a dialog is made from, as views (into a message; literals in tests).
  struct Parts {
    std::string_view call_id;
    std::string_view local_tag, remote_tag;
    std::string_view local_party;   // From value we send (name-addr with our tag)
    std::string_view remote_party;  // To value we send (with the remote tag)
    std::string_view remote_target; // Contact URI of the peer (§12.1.1 / §12.1.2)
    std::string_view local_contact; // our Contact URI
    std::vector<std::string_view> route_set; // Route values, in sending order
  };
  Dialog() = default;
  explicit Dialog(const Parts &p);

  State state = State::Early;
  uint32_t local_cseq = 0;
  uint32_t remote_cseq = 0; // 0: none seen yet
  bool have_remote_cseq = false;
  Peer peer;

  std::string_view call_id() const { return part(kCallId); }
  std::string_view local_tag() const { return part(kLocalTag); }
  std::string_view remote_tag() const { return part(kRemoteTag); }
  std::string_view local_party() const { return part(kLocalParty); }
  std::string_view remote_party() const { return part(kRemoteParty); }
  std::string_view remote_target() const { return part(kRemoteTarget); }
  std::string_view local_contact() const { return part(kLocalContact); }
  std::vector<std::string_view> route_set() const; // in sending order
  void set_remote_target(std::string_view uri);    // a target refresh (§12.2)

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

private:
  // The parts in text_, one after the other, then the route set: each route preceded by its
  // length (four bytes, host order).
  enum Part : uint8_t {
    kCallId, kLocalTag, kRemoteTag, kLocalParty, kRemoteParty, kRemoteTarget, kLocalContact,
    kParts
  };
  std::string_view part(Part p) const {
    const uint32_t begin = p == 0 ? 0 : end_[p - 1];
    return std::string_view(text_).substr(begin, end_[p] - begin);
  }
  std::string text_;
  uint32_t end_[kParts] = {};
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
// Tags (§19.3) and Call-IDs (§8.1.1.4) cryptographically random: sipt/random.h.
std::string new_branch();
std::string new_tag();
std::string new_call_id(std::string_view host); // random@host


} // namespace mgc::sipt
