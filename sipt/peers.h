// Configured SIP peers (DESIGN.md "A call, SIP to PSTN", step 1): only configured peers are
// served, each with its profile (plain SIP / SIP-T / SIP-I), and only trusted ones may bring
// ISUP bodies. Call control asks admit() before it takes a request.
#pragma once

#include "core/status.h"
#include "sipt/message.h"
#include "sipt/sipt_body.h"
#include "sipt/transaction.h"

#include <optional>
#include <string>
#include <vector>

namespace mgc::sipt {

struct PeerEntry {
  std::string name;
  std::string address;      // IP address the peer sends from
  uint16_t port = 0;        // 0: any source port
  PeerProfile profile;
};

class PeerTable {
public:
  void add(PeerEntry e) { peers_.push_back(std::move(e)); }
  // The entry for a source address (exact port first, then any-port entries).
  const PeerEntry *lookup(const Peer &from) const;

  // ok, or what to answer: 403 for an unknown source (RFC 3261 §21.4.4), 403 for ISUP from a
  // peer not trusted with it (an untrusted peer could forge calling-party data).
  Status admit(const Message &req, const Peer &from, const PeerEntry **entry = nullptr) const;

private:
  std::vector<PeerEntry> peers_;
};

} // namespace mgc::sipt
