// The signalling gateway's MTP3 on its one link toward libss7 (Q.704, Q.707; ANSI T1.111.4/.7):
// the routing label (Q.704 §2.2), the signalling link test (Q.707 §2.2: SLTM answered with SLTA,
// our own SLTM sent when the link comes into service), the MTP restart's traffic restart allowed
// (Q.704 §9.1-9.3: TRA once our link test passed), and the message transfer of user parts: an MSU
// with service indicator 5 (ISUP, Q.704 §14.2.2) goes to M3UA as DATA (RFC 4666 §3.3.1), and
// M3UA DATA toward libss7's point code comes back as an MSU. Everything else is counted, logged
// and dropped.
#pragma once

#include "core/scheduler.h"
#include "core/status.h"
#include "core/timer.h"
#include "sigtran/mtp_service.h"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace mgc::ss7peer {

// Q.704 §14.2.1-14.2.2 (and T1.111.4): the service indicators this relay knows.
enum class ServiceIndicator : uint8_t { NetMgmt = 0, Test = 1, SpecialTest = 2, Sccp = 3, Isup = 5 };

struct RoutingLabel {
  uint32_t dpc = 0;
  uint32_t opc = 0;
  uint8_t sls = 0;
};

// Q.704 §2.2.1 (ITU-T: DPC 14, OPC 14, SLS 4 bits in four octets) and T1.111.4 §2.2 (ANSI:
// DPC 24, OPC 24, SLS 8 bits in seven octets). "mtp3.short_label" when the SIF is shorter.
std::size_t label_octets(bool ansi);
mgc::Status decode_label(bool ansi, std::span<const uint8_t> sif, RoutingLabel &out);
void encode_label(bool ansi, const RoutingLabel &l, std::vector<uint8_t> &out);

class Mtp3Relay {
public:
  struct Config {
    bool ansi = false;
    uint8_t ni = 2;           // network indicator (Q.704 §14.2.3): national
    uint32_t own_pc = 0;      // the signalling gateway's point code (adjacent to libss7)
    uint32_t adjacent_pc = 0; // libss7's point code
    uint8_t slc = 0;          // signalling link code of the one link (Q.704 §2.3.?)
    // Q.707 §5.5 (the clause §2.2 refers to for T1 and T2): T1, supervision of the SLTA,
    // 4-12 s; the least value, so that a link that fails its test is known soon.
    int64_t slt_t1_ms = 4000;
  };
  struct Events {
    std::function<bool(std::span<const uint8_t> sio_sif)> send_msu; // to MTP2
    std::function<void(const sigtran::MtpTransfer &)> deliver;      // to M3UA
    std::function<void(bool available)> availability;               // libss7 reachable or not
    std::function<void(const std::string &)> log;
    // Q.707 §2.2: the test failed twice: the link goes out of service and is restored
    // (MTP2 realigns it).
    std::function<void(const char *why)> link_failed;
  };
  struct Counters {
    uint64_t sltm_rx = 0, slta_rx = 0, sltm_tx = 0, tra_rx = 0, tra_tx = 0, isup_up = 0;
    uint64_t isup_down = 0, dropped = 0, malformed = 0, slt_failed = 0;
  };

  Mtp3Relay(core::Scheduler &sched, Config cfg, Events ev);

  void link_in_service();
  void link_out_of_service();
  void msu(std::span<const uint8_t> sio_sif); // from MTP2
  // From M3UA: an MTP-TRANSFER toward libss7; false (counted) when it cannot be sent.
  bool transfer(const sigtran::MtpTransfer &t);
  bool available() const { return test_passed_ && tra_sent_ && tra_received_; }
  const Counters &counters() const { return c_; }

private:
  void send_sltm();
  void slt_failed(const char *why);
  void send_net(ServiceIndicator si, uint8_t mp, std::span<const uint8_t> body);
  void check_available();
  void log(const std::string &s) const {
    if (ev_.log)
      ev_.log(s);
  }

  Config cfg_;
  Events ev_;
  core::Timer slt_t1_;
  bool in_service_ = false, test_passed_ = false, tra_sent_ = false, tra_received_ = false;
  bool was_available_ = false;
  int slt_attempt_ = 0; // 1: the first test of this activation, 2: its one repeat
  Counters c_;
};

} // namespace mgc::ss7peer
