// A media gateway's service as call control keeps it for the circuits it terminates (issue 13).
// A circuit is a TDM channel of one media gateway: when that gateway cannot carry media, its
// circuits cannot carry calls, and the far exchange must stop offering them.
//
//   in service --draining()-------> draining --out_of_service()--> out of service
//        ^  <---in_service()----------'                                  |
//        '-----------------------------in_service()----------------------'
//
// - Out of service (the gateway restarted with a delay, was taken out by force, or stopped
//   answering): its circuits are blocked toward the far exchange for hardware failure, CGB with
//   the hardware type indicator (Q.764 §2.8.2.2, §2.8.3: a blocking caused by a local failure of
//   the equipment). Hardware blocking releases the calls on them at once (Q.764 §2.8.2.2: the
//   circuits are made idle without REL/RLC at both ends), with cause 41 temporary failure
//   (Q.850: the network is not working correctly and it is not likely to last long) toward the
//   other half; each call's CDR is written as for any release.
// - Draining (RSIP graceful, RFC 3435 §2.3.12; ServiceChange Graceful, H.248.1 §7.2.8): no new
//   calls, calls up finish. Maintenance-oriented CGB does exactly that in both directions
//   (Q.764 §2.8.2.1: a maintenance block does not release the calls on the circuits).
// - Back in service: what this object blocked is unblocked with CGU of the same type; a hardware
//   block the far exchange never acknowledged leaves its side unknown, so those circuits are
//   reset instead (GRS, Q.764 §2.9.3.2; the reset removes the blocking). Blocks it did not set
//   (an operator's, a circuit taken out of the configuration) stay.
// - Part of the gateway (MGCP RSIP with a wildcard that is not the whole gateway, "ds/e1-1/*",
//   RFC 3435 §2.1.2, §2.3.12): the same three states for the circuits of those endpoints only,
//   kept per endpoint pattern; the other circuits of the gateway carry on. The whole gateway
//   back in service brings its parts back too (an RSIP restart on "*" covers them).
#pragma once

#include "core/counters.h"
#include "core/names.h"

#include <cstdint>
#include <ctime>
#include <map>
#include <string>
#include <string_view>
#include <vector>

// clang-format off
#define MGC_MG_SERVICE_COUNTERS(X)                                                                 \
  X(out_of_service) X(draining) X(back_in_service) X(circuits_hardware_blocked)                    \
  X(circuits_maintenance_blocked) X(circuits_unblocked) X(circuits_reset) X(calls_released)      \
  X(part_out_of_service) X(part_draining) X(part_back_in_service)
// clang-format on
MGC_DECLARE_COUNTERS(MgServiceCounter, MGC_MG_SERVICE_COUNTERS)

namespace mgc::core {
class Alarms;
}

namespace mgc::cc {

class CallManager;

enum class MgService : uint8_t { InService, Draining, OutOfService };
inline constexpr auto kMgServiceNames =
    name_table<MgService>({{MgService::InService, "in-service"},
                           {MgService::Draining, "draining"},
                           {MgService::OutOfService, "out-of-service"}});
static_assert(names_unique(kMgServiceNames));

class MediaGatewayState {
public:
  // `calls` holds the trunk groups; `alarms` (may be null) gets "media-gateway.NAME.down" while
  // out of service and "media-gateway.NAME.draining" while draining.
  MediaGatewayState(std::string name, CallManager &calls, core::Alarms *alarms);
  MediaGatewayState(const MediaGatewayState &) = delete;
  MediaGatewayState &operator=(const MediaGatewayState &) = delete;

  const std::string &name() const { return name_; }
  // The trunk groups whose circuits this gateway terminates. One added while the gateway is not
  // in service has its circuits blocked at once; one no longer served keeps what was done to it.
  void serve(const std::string &trunk_group);
  void stop_serving(const std::string &trunk_group);
  const std::vector<std::string> &trunk_groups() const { return trunk_groups_; }

  // What the gateway's control protocol found; `why` is for the log and the alarm ("RSIP
  // forced", "no answer to 3 keepalives"). Each is a no-op in the state it leads to.
  void out_of_service(std::string_view why);
  void draining(std::string_view why);
  void in_service(std::string_view why);

  // Part of the gateway, named by its endpoint pattern: `circuits` are the CICs of its
  // endpoints by trunk group (ascending). Each is a no-op in the state the part is in.
  using Circuits = std::map<std::string, std::vector<uint32_t>>;
  void part_out_of_service(const std::string &part, const Circuits &circuits, std::string_view why);
  void part_draining(const std::string &part, const Circuits &circuits, std::string_view why);
  void part_in_service(const std::string &part, std::string_view why);
  // The parts not in service, by pattern.
  std::map<std::string, MgService> parts() const;

  MgService state() const { return state_; }
  std::time_t since() const { return since_; } // when the state was entered (0: never changed)
  std::size_t circuits_blocked() const;        // by this object, now
  const CounterSet<MgServiceCounter> &counters() const { return counters_; }

private:
  // One CGB this object sent: circuits first..first+range whose status bits are set.
  struct Block {
    std::string trunk_group;
    uint16_t first = 0;
    uint8_t range = 0;
    std::vector<bool> status;
    bool hardware = false;
  };
  struct Part {
    MgService state = MgService::InService;
    std::vector<Block> blocks;
    std::string why;
  };
  // CGB of the circuits of a trunk group not blocked that way already (`only`: those CICs
  // only); the blocks sent are added to `into`.
  void block(const std::string &trunk_group, bool hardware, std::vector<Block> &into,
             const std::vector<uint32_t> *only = nullptr);
  void unblock(std::vector<Block> &blocks);
  void part_enter(const std::string &part, Part &p, MgService s);
  void enter(MgService s);

  std::string name_;
  CallManager &calls_;
  core::Alarms *alarms_;
  std::vector<std::string> trunk_groups_;
  std::vector<Block> blocks_;
  std::map<std::string, Part> parts_; // by endpoint pattern; absent: in service
  MgService state_ = MgService::InService;
  std::time_t since_ = 0;
  std::string why_;
  CounterSet<MgServiceCounter> counters_;
};

} // namespace mgc::cc
