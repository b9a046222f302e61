// What call control needs from a media gateway (DESIGN.md "Interfaces between layers"): connect
// a circuit's TDM side to an RTP peer, change it, loop it back for a continuity check, release
// it; and to hear when a gateway restarts or a connection is lost. One adapter per control
// protocol lives in callcontrol/media/ (MGCP, H.248), so no call logic knows which one a trunk
// group's gateway speaks.
#pragma once

#include "core/names.h"
#include "core/status.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mgc::cc {

enum class MediaMode : uint8_t { Inactive, SendOnly, RecvOnly, SendRecv };
// As SDP names the directions (RFC 4566 §6) and RFC 3435 §3.2.2.6 the modes.
inline constexpr auto kMediaModeNames = name_table<MediaMode>({{MediaMode::Inactive, "inactive"},
                                                               {MediaMode::SendOnly, "sendonly"},
                                                               {MediaMode::RecvOnly, "recvonly"},
                                                               {MediaMode::SendRecv, "sendrecv"}});
static_assert(names_unique(kMediaModeNames));

class MediaGateway {
public:
  using Handle = uint64_t;

  class Listener {
  public:
    virtual ~Listener() = default;
    // The connection is gone on the gateway (its restart, a forced service change, an
    // unreachable gateway): the call using it must be released.
    virtual void on_media_lost(Handle h) = 0;
    // The gateway restarted: every call through it has lost its media.
    virtual void on_gateway_restart(std::string_view gateway) = 0;
  };

  using Connected = std::function<void(const Status &, Handle, std::string_view local_sdp)>;
  using Modified = std::function<void(const Status &, std::string_view local_sdp)>;
  using Done = std::function<void(const Status &)>;

  virtual ~MediaGateway() = default;
  virtual void set_listener(Listener *l) = 0;

  // Connects the circuit (trunk group + CIC) to the RTP peer `remote_sdp` describes (empty: the
  // peer is not known yet; the gateway's offer comes back in local_sdp). A failed status carries
  // a code call control maps to a release cause (e.g. 34 no circuit, 47 resource unavailable).
  virtual void connect(std::string_view trunk_group, uint16_t cic, std::string_view remote_sdp,
                       MediaMode mode, Connected done) = 0;
  virtual void modify(Handle h, std::optional<MediaMode> mode, std::string_view remote_sdp,
                      Modified done) = 0;
  // Loops the circuit back at the gateway for a continuity check (Q.764 §2.1.8, Q.724 §7).
  virtual void loopback(std::string_view trunk_group, uint16_t cic, Connected done) = 0;
  virtual void release(Handle h, Done done) = 0;
};

} // namespace mgc::cc
