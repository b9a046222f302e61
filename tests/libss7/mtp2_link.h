// The relay's end of the MTP2 signalling link toward libss7 (Q.703): initial alignment with
// LSSUs (§7: SIO, SIN/SIE, SIOS, proving), FISUs as fill-in, MSUs with FSN/BSN/FIB/BIB and the
// basic error correction method (§5.2: positive and negative acknowledgement, retransmission of
// the unacknowledged MSUs, T7 excessive delay of acknowledgement). The line itself is the
// caller's: `tx` writes one frame, `receive` takes one, `fill_in` is called as the line idles.
#pragma once

#include "core/scheduler.h"
#include "core/timer.h"
#include "tests/libss7/signal_unit.h"

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

namespace mgc::ss7peer {

// Q.703 §12.3 (ITU-T, 64 kbit/s) and T1.111.3 §12.3 (ANSI) timer values, milliseconds.
struct Mtp2Timers {
  int64_t t1 = 45000;  // alignment ready
  int64_t t2 = 50000;  // not aligned
  int64_t t3 = 1500;   // aligned
  int64_t t4e = 600;   // emergency proving period Pe (Q.703: 400-600 ms; ANSI 600 ms)
  int64_t t7 = 2000;   // excessive delay of acknowledgement (0.5-2 s)
};

// Q.703 Figure 5 / §7.2: the link state control's states as one state enum.
enum class Mtp2State : uint8_t {
  OutOfService,
  NotAligned,
  Aligned,
  Proving,
  AlignedReady,
  InService
};
const char *mtp2_state_name(Mtp2State s);

class Mtp2Link {
public:
  struct Events {
    std::function<void(std::vector<uint8_t> &&frame)> tx;
    std::function<void()> in_service;
    std::function<void(const char *why)> out_of_service;
    std::function<void(std::span<const uint8_t> sio_sif)> msu;
    std::function<void(const std::string &line)> log;
  };
  struct Counters {
    uint64_t frames_rx = 0, frames_tx = 0, msu_rx = 0, msu_tx = 0, retransmitted = 0;
    uint64_t nacks_sent = 0, duplicates = 0, bad_frames = 0, fcs_absent = 0, alignments = 0;
  };

  Mtp2Link(core::Scheduler &sched, Mtp2Timers timers, Events ev);

  // Q.703 §7.2: start initial alignment (emergency: SIE and the short proving period Pe,
  // which libss7 asks for at start too).
  void start();
  void receive(std::span<const uint8_t> frame);
  // Q.703 §5.2.2: an MSU from level 3; false when the link is not in service.
  bool send_msu(std::span<const uint8_t> sio_sif);
  // The line is idle: repeat the fill-in unit (the last LSSU, or a FISU) as a real link does.
  void fill_in();
  // Level 3 takes the link out of service (Q.703 §7: SIOS, then a new initial alignment).
  void out_of_service(const char *why) { link_failure(why); }

  Mtp2State state() const { return state_; }
  const Counters &counters() const { return c_; }

private:
  void go(Mtp2State s, const char *why);
  void send_lssu(LssuStatus s);
  void send_fisu();
  void link_failure(const char *why);
  void rx_lssu(LssuStatus s);
  void rx_fisu_or_msu(const SignalUnit &su);
  void acknowledge(const SuHeader &h);
  void retransmit_from(uint8_t bsn);
  void log(const std::string &s) const {
    if (ev_.log)
      ev_.log(s);
  }

  Mtp2Timers t_;
  Events ev_;
  Mtp2State state_ = Mtp2State::OutOfService;
  LssuStatus lssu_ = LssuStatus::Sios; // the LSSU repeated while aligning
  core::Timer t1_, t2_, t3_, t4_, t7_, restart_;
  // §5.2: sequence numbers and indicator bits of both directions.
  uint8_t fsn_ = 127;      // FSN of the last MSU sent
  bool fib_ = true;
  uint8_t bsn_ = 127;      // FSN of the last MSU accepted
  bool bib_ = true;
  bool nack_pending_ = false; // a negative acknowledgement sent, its retransmission not yet seen
  struct Sent {
    uint8_t fsn;
    std::vector<uint8_t> sio_sif;
  };
  std::deque<Sent> unacked_; // §5.2.2 retransmission buffer, oldest first
  Counters c_;
};

} // namespace mgc::ss7peer
