// DESIGN.md: peer ACL and ISUP trust.
#include "sipt/peers.h"

namespace mgc::sipt {

const PeerEntry *PeerTable::lookup(const Peer &from) const {
  const PeerEntry *any = nullptr;
  for (const auto &p : peers_) {
    if (p.address != from.host)
      continue;
    if (p.port == from.port)
      return &p;
    if (p.port == 0 && !any)
      any = &p;
  }
  return any;
}

Status PeerTable::admit(const Message &req, const Peer &from, const PeerEntry **entry) const {
  const PeerEntry *e = lookup(from);
  if (entry)
    *entry = e;
  if (!e)
    return Status("sip.peer_unknown", 403);
  if (req.body().empty())
    return Status::Ok();
  Bodies b;
  if (!extract_bodies(req, b).ok() || !b.isup)
    return Status::Ok(); // body problems are check_request()'s to answer
  if (!e->profile.carries_isup() || !e->profile.trusted)
    return Status("sip.peer_isup_not_trusted", 403);
  return Status::Ok();
}

} // namespace mgc::sipt
