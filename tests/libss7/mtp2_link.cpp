// Q.703 link state control, initial alignment and basic error correction; see mtp2_link.h.
#include "tests/libss7/mtp2_link.h"

#include <cstdio>

namespace mgc::ss7peer {

const char *mtp2_state_name(Mtp2State s) {
  switch (s) {
  case Mtp2State::OutOfService: return "out-of-service";
  case Mtp2State::NotAligned: return "not-aligned";
  case Mtp2State::Aligned: return "aligned";
  case Mtp2State::Proving: return "proving";
  case Mtp2State::AlignedReady: return "aligned-ready";
  case Mtp2State::InService: return "in-service";
  }
  return "?";
}

Mtp2Link::Mtp2Link(core::Scheduler &sched, Mtp2Timers timers, Events ev)
    : t_(timers), ev_(std::move(ev)),
      t1_(sched, [this] { link_failure("T1 expired (alignment ready, Q.703 §7.3)"); }),
      t2_(sched, [this] { link_failure("T2 expired (not aligned, Q.703 §7.2)"); }),
      t3_(sched, [this] { link_failure("T3 expired (aligned, Q.703 §7.2)"); }),
      t4_(sched, [this] {
        // §7.3: proving period over without too many errors: aligned ready, FISUs
        go(Mtp2State::AlignedReady, "proving period passed");
        t1_.start(t_.t1);
        send_fisu();
      }),
      t7_(sched, [this] { link_failure("T7 expired (excessive delay of acknowledgement, §5.3)"); }),
      restart_(sched, [this] { start(); }) {}

void Mtp2Link::go(Mtp2State s, const char *why) {
  if (s == state_)
    return;
  char b[160];
  std::snprintf(b, sizeof b, "MTP2 %s -> %s (%s)", mtp2_state_name(state_), mtp2_state_name(s),
                why);
  log(b);
  state_ = s;
}

void Mtp2Link::send_lssu(LssuStatus s) {
  lssu_ = s;
  std::vector<uint8_t> f;
  encode_lssu(SuHeader{bsn_, bib_, fsn_, fib_}, s, f);
  ++c_.frames_tx;
  ev_.tx(std::move(f));
}

void Mtp2Link::send_fisu() {
  std::vector<uint8_t> f;
  encode_fisu(SuHeader{bsn_, bib_, fsn_, fib_}, f);
  ++c_.frames_tx;
  ev_.tx(std::move(f));
}

void Mtp2Link::start() {
  // §5.2.1 / §7: sequence numbers start at 127 with both indicator bits 1.
  fsn_ = bsn_ = 127;
  fib_ = bib_ = true;
  nack_pending_ = false;
  unacked_.clear();
  t7_.stop();
  ++c_.alignments;
  go(Mtp2State::NotAligned, "start of initial alignment");
  t2_.start(t_.t2);
  send_lssu(LssuStatus::Sio);
}

void Mtp2Link::link_failure(const char *why) {
  const bool was_up = state_ == Mtp2State::InService;
  for (core::Timer *t : {&t1_, &t2_, &t3_, &t4_, &t7_})
    t->stop();
  go(Mtp2State::OutOfService, why);
  send_lssu(LssuStatus::Sios);
  unacked_.clear();
  if (was_up && ev_.out_of_service)
    ev_.out_of_service(why);
  // §7.1: level 3 asks for the link again; here at once after one second of SIOS.
  restart_.start(1000);
}

void Mtp2Link::fill_in() {
  if (state_ == Mtp2State::AlignedReady || state_ == Mtp2State::InService)
    send_fisu();
  else
    send_lssu(lssu_);
}

void Mtp2Link::receive(std::span<const uint8_t> frame) {
  ++c_.frames_rx;
  SignalUnit su;
  if (!decode_su(frame, su).ok()) {
    ++c_.bad_frames; // §4.1: an erroneous signal unit is discarded
    return;
  }
  if (!fcs_valid(frame))
    ++c_.fcs_absent; // libss7 leaves the FCS to DAHDI's HDLC framer (docs/interop.md)
  if (su.kind == SuKind::Lssu)
    rx_lssu(su.status);
  else
    rx_fisu_or_msu(su);
}

void Mtp2Link::rx_lssu(LssuStatus s) {
  switch (state_) {
  case Mtp2State::OutOfService:
    return; // SIOS sent; the restart timer starts alignment again
  case Mtp2State::NotAligned:
    // §7.2: SIO, SIN or SIE received: aligned; send SIE (emergency), start T3.
    if (s == LssuStatus::Sio || s == LssuStatus::Sin || s == LssuStatus::Sie) {
      t2_.stop();
      go(Mtp2State::Aligned, lssu_name(s));
      send_lssu(LssuStatus::Sie);
      t3_.start(t_.t3);
    }
    return;
  case Mtp2State::Aligned:
    if (s == LssuStatus::Sin || s == LssuStatus::Sie) {
      t3_.stop();
      go(Mtp2State::Proving, lssu_name(s));
      t4_.start(t_.t4e);
    } else if (s == LssuStatus::Sios) {
      link_failure("SIOS received while aligned (§7.2)");
    }
    return;
  case Mtp2State::Proving:
    if (s == LssuStatus::Sio) { // §7.2: the far end lost alignment: back to aligned
      t4_.stop();
      go(Mtp2State::Aligned, "SIO received while proving");
      t3_.start(t_.t3);
    } else if (s == LssuStatus::Sios) {
      link_failure("SIOS received while proving (§7.2)");
    }
    return;
  case Mtp2State::AlignedReady:
  case Mtp2State::InService:
    // §7.3 / §8: SIO, SIN, SIE or SIOS once aligned: link failure
    if (s == LssuStatus::Sib || s == LssuStatus::Sipo)
      return; // busy / processor outage: no change for basic error correction here
    link_failure((std::string(lssu_name(s)) + " received in service").c_str());
    return;
  }
}

void Mtp2Link::rx_fisu_or_msu(const SignalUnit &su) {
  if (state_ == Mtp2State::AlignedReady) {
    // §7.3: FISU or MSU received while aligned ready: in service
    t1_.stop();
    go(Mtp2State::InService, su.kind == SuKind::Msu ? "MSU received" : "FISU received");
    if (ev_.in_service)
      ev_.in_service();
  }
  if (state_ != Mtp2State::InService)
    return; // FISUs while proving: the far end finished first; ours follows
  acknowledge(su.h);
  if (su.kind != SuKind::Msu)
    return;
  // §5.2.2: an MSU is accepted when its FIB equals our BIB and its FSN is the next one.
  if (su.h.fib != bib_)
    return; // a negative acknowledgement is outstanding: wait for the retransmission
  nack_pending_ = false;
  if (su.h.fsn == bsn_) {
    ++c_.duplicates; // already accepted: discarded
    return;
  }
  if (su.h.fsn != uint8_t((bsn_ + 1) & 0x7f)) {
    // §5.2.2: a gap: negative acknowledgement by inverting the BIB, once
    bib_ = !bib_;
    nack_pending_ = true;
    ++c_.nacks_sent;
    send_fisu();
    return;
  }
  bsn_ = su.h.fsn;
  ++c_.msu_rx;
  send_fisu(); // the positive acknowledgement (BSN) without waiting for the next fill-in
  if (ev_.msu)
    ev_.msu(su.payload);
}

void Mtp2Link::acknowledge(const SuHeader &h) {
  // §5.2.3: the BSN acknowledges every MSU up to it; a BIB different from our FIB asks for a
  // retransmission of the MSUs after it.
  while (!unacked_.empty()) {
    const uint8_t dist = uint8_t((h.bsn - unacked_.front().fsn) & 0x7f);
    if (dist >= 64)
      break; // BSN is before this MSU
    unacked_.pop_front();
  }
  if (unacked_.empty())
    t7_.stop();
  else if (!t7_.pending())
    t7_.start(t_.t7);
  if (h.bib != fib_)
    retransmit_from(h.bsn);
}

void Mtp2Link::retransmit_from(uint8_t /*bsn*/) {
  // §5.2.3: invert the FIB and send again every MSU not yet acknowledged, in order.
  fib_ = !fib_;
  for (const Sent &s : unacked_) {
    std::vector<uint8_t> f;
    encode_msu(SuHeader{bsn_, bib_, s.fsn, fib_}, s.sio_sif, f);
    ++c_.frames_tx;
    ++c_.retransmitted;
    ev_.tx(std::move(f));
  }
}

bool Mtp2Link::send_msu(std::span<const uint8_t> sio_sif) {
  if (state_ != Mtp2State::InService || sio_sif.size() > 1 + kMaxSif)
    return false;
  fsn_ = uint8_t((fsn_ + 1) & 0x7f);
  unacked_.push_back(Sent{fsn_, std::vector<uint8_t>(sio_sif.begin(), sio_sif.end())});
  if (!t7_.pending())
    t7_.start(t_.t7);
  std::vector<uint8_t> f;
  encode_msu(SuHeader{bsn_, bib_, fsn_, fib_}, sio_sif, f);
  ++c_.frames_tx;
  ++c_.msu_tx;
  ev_.tx(std::move(f));
  return true;
}

} // namespace mgc::ss7peer
