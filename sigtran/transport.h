// M3UA transports on the libosmocore select loop: TCP (M3UA's own length field frames the byte
// stream, RFC 4666 §1.4.8 / §3.1.4) and SCTP (RFC 4960) through usrsctp, over UDP encapsulation
// (RFC 6951) or raw IP protocol 132. PPID 3; stream 0 carries management, DATA goes on a stream
// chosen by SLS (the Node picks it). Clients reconnect with exponential backoff.
//
// usrsctp runs its own threads (timers, UDP receive). Its sockets are non-blocking with an
// upcall that only wakes the select loop through an eventfd; every usrsctp call, and so every
// Node call, happens on the loop thread (DESIGN.md: one loop owns all state).
#pragma once

#include "core/counters.h"
#include "core/status.h"
#include "sigtran/m3ua_node.h"

#include <memory>
#include <string>
#include <vector>

#define MGC_SIGTRAN_TRANSPORT_COUNTERS(X)                                                          \
  X(connects)                                                                                      \
  X(connect_failures)                                                                              \
  X(accepts)                                                                                       \
  X(accept_no_free_link)                                                                           \
  X(disconnects)                                                                                   \
  X(rx_frames)                                                                                     \
  X(tx_frames)                                                                                     \
  X(tx_queued)                                                                                     \
  X(tcp_bad_length)                                                                                \
  X(sctp_wrong_ppid)                                                                               \
  X(sctp_notifications)
MGC_DECLARE_COUNTERS(SigtranTransportCounter, MGC_SIGTRAN_TRANSPORT_COUNTERS)

namespace mgc::sigtran {

enum class TransportProto : uint8_t { Tcp, SctpUdp, SctpRaw, SctpKernel };
std::string_view transport_name(TransportProto p);
bool transport_by_name(std::string_view s, TransportProto &out);
// The words of mgcd's and pstn-sim's `transport` command: what runs the SCTP (usrsctp in user
// space, over UDP per RFC 6951 or raw IP; the kernel) or plain TCP.
inline constexpr auto kTransportConfigNames =
    name_table<TransportProto>({{TransportProto::SctpUdp, "usrsctp-udp"},
                                {TransportProto::SctpRaw, "usrsctp-raw"},
                                {TransportProto::SctpKernel, "kernel-sctp"},
                                {TransportProto::Tcp, "tcp"}});
static_assert(names_unique(kTransportConfigNames));

struct EndpointConfig {
  TransportProto proto = TransportProto::Tcp;
  bool server = false;
  std::vector<std::string> local_addrs{"127.0.0.1"}; // bound explicitly (multihoming: several)
  uint16_t local_port = 0;
  std::vector<std::string> remote_addrs{"127.0.0.1"};
  uint16_t remote_port = m3ua::kPort;
  uint16_t udp_remote_port = 9899; // RFC 6951: the peer's UDP encapsulation port
  uint16_t streams = 16;           // SCTP outbound/inbound streams requested
  std::vector<int> links;          // Node links: a client serves links[0]; a server hands
                                   // accepted associations to the first free one
  uint32_t reconnect_min_ms = 100, reconnect_max_ms = 5000;
};

// usrsctp is one stack per process: its encapsulation port and mode are set once.
struct SctpStackConfig {
  uint16_t udp_port = 9899; // RFC 6951 local encapsulation port (0 with raw IP)
  bool raw = false;         // raw IP protocol 132 (needs root)
};

// Kernel SCTP (socket(AF_INET, SOCK_STREAM, IPPROTO_SCTP)) probed at run time; `why` says what
// failed (EPROTONOSUPPORT where the kernel has no SCTP, as on the build machine).
bool kernel_sctp_available(std::string *why = nullptr);

class Transports {
public:
  explicit Transports(Node &node);
  ~Transports();
  Transports(const Transports &) = delete;
  Transports &operator=(const Transports &) = delete;

  mgc::Status init_sctp(const SctpStackConfig &cfg);
  // Listens (server) or starts connecting (client). Returns the endpoint's index.
  mgc::Status add(const EndpointConfig &cfg, int *index = nullptr);
  // The local port a TCP server endpoint listens on (useful with local_port 0).
  uint16_t local_port(int endpoint) const;
  const mgc::CounterSet<SigtranTransportCounter> &counters() const;

  struct Impl;

private:
  std::unique_ptr<Impl> impl_;
};

} // namespace mgc::sigtran
