// The relay's own MTP2 and MTP3 (tests/libss7): signal unit coding (Q.703 §2.3, §4.2), two
// links aligned back to back on simulated time (Q.703 §7), basic error correction (§5.2), the
// routing label in both formats (Q.704 §2.2, T1.111.4) and the gateway's MTP3 (Q.707 §2.2,
// Q.704 §9).
#include "core/sim_scheduler.h"
#include "tests/libss7/mtp2_link.h"
#include "tests/libss7/mtp3_relay.h"
#include "tests/libss7/signal_unit.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>

using namespace mgc;
using namespace mgc::ss7peer;

TEST(SignalUnit, Fcs16IsTheX25CheckOfQ703) {
  // The CRC of "123456789" with Q.703 §4.2's generator, preset and complement: 0x906e.
  const std::string s = "123456789";
  EXPECT_EQ(fcs16(std::span(reinterpret_cast<const uint8_t *>(s.data()), s.size())), 0x906e);
}

TEST(SignalUnit, EncodesAndDecodesEachKind) {
  std::vector<uint8_t> f;
  encode_lssu(SuHeader{127, true, 127, true}, LssuStatus::Sie, f);
  EXPECT_EQ(f, (std::vector<uint8_t>{0xff, 0xff, 0x01, 0x02, f[4], f[5]}));
  EXPECT_TRUE(fcs_valid(f));
  SignalUnit su;
  ASSERT_TRUE(decode_su(f, su).ok());
  EXPECT_EQ(su.kind, SuKind::Lssu);
  EXPECT_EQ(su.status, LssuStatus::Sie);

  f.clear();
  encode_fisu(SuHeader{5, false, 9, true}, f);
  ASSERT_TRUE(decode_su(f, su).ok());
  EXPECT_EQ(su.kind, SuKind::Fisu);
  EXPECT_EQ(su.h.bsn, 5);
  EXPECT_FALSE(su.h.bib);
  EXPECT_EQ(su.h.fsn, 9);
  EXPECT_TRUE(su.h.fib);

  const std::vector<uint8_t> sio_sif(70, 0x85); // longer than 62: LI 63 (Q.703 §2.3.3)
  f.clear();
  encode_msu(SuHeader{}, sio_sif, f);
  EXPECT_EQ(f[2], 63);
  ASSERT_TRUE(decode_su(f, su).ok());
  EXPECT_EQ(su.kind, SuKind::Msu);
  EXPECT_EQ(su.payload.size(), 70u);
}

TEST(SignalUnit, RefusesWhatQ703CallsErroneous) {
  SignalUnit su;
  const std::vector<uint8_t> short_frame{0xff, 0xff, 0x00, 0x00};
  EXPECT_EQ(decode_su(short_frame, su).detail(), "mtp2.short");
  const std::vector<uint8_t> li_says_3{0xff, 0xff, 0x03, 0x85, 0, 0}; // LI 3, one octet
  EXPECT_EQ(decode_su(li_says_3, su).detail(), "mtp2.li_mismatch");
  std::vector<uint8_t> huge(3 + 1 + 273 + 2, 0);
  huge[2] = 63;
  EXPECT_EQ(decode_su(huge, su).detail(), "mtp2.too_long");
  // libss7 on a socketpair: the two trailing octets are not an FCS (DAHDI computes it); the
  // unit itself decodes.
  const std::vector<uint8_t> libss7_fisu{0xff, 0xff, 0x00, 0x00, 0x00};
  EXPECT_TRUE(decode_su(libss7_fisu, su).ok());
  EXPECT_FALSE(fcs_valid(libss7_fisu));
}

namespace {
// Two links joined by a line that can lose frames.
struct Pair {
  core::SimScheduler sched;
  std::deque<std::vector<uint8_t>> to_a, to_b;
  std::vector<std::vector<uint8_t>> got_a, got_b;
  int up = 0, down = 0;
  int drop_next_msu_to_b = 0;
  std::unique_ptr<Mtp2Link> a, b;
  Pair() {
    auto ev = [this](bool is_a) {
      return Mtp2Link::Events{
          [this, is_a](std::vector<uint8_t> &&f) {
            const bool msu = (f[2] & 0x3f) > 2;
            if (is_a && msu && drop_next_msu_to_b > 0) {
              --drop_next_msu_to_b;
              return;
            }
            (is_a ? to_b : to_a).push_back(std::move(f));
          },
          [this] { ++up; }, [this](const char *) { ++down; },
          [this, is_a](std::span<const uint8_t> m) {
            (is_a ? got_a : got_b).emplace_back(m.begin(), m.end());
          },
          nullptr};
    };
    a = std::make_unique<Mtp2Link>(sched, Mtp2Timers{}, ev(true));
    b = std::make_unique<Mtp2Link>(sched, Mtp2Timers{}, ev(false));
  }
  // The line for ms milliseconds: each side's fill-in every 10 ms, frames delivered at once.
  void run(int64_t ms) {
    for (int64_t t = 0; t < ms; t += 10) {
      a->fill_in();
      b->fill_in();
      deliver();
      sched.advance(10);
      deliver();
    }
  }
  void deliver() {
    while (!to_a.empty() || !to_b.empty()) {
      if (!to_a.empty()) {
        auto f = std::move(to_a.front());
        to_a.pop_front();
        a->receive(f);
      }
      if (!to_b.empty()) {
        auto f = std::move(to_b.front());
        to_b.pop_front();
        b->receive(f);
      }
    }
  }
};
} // namespace

TEST(Mtp2Link, AlignsWithEmergencyProvingAndStaysInService) {
  Pair p;
  p.a->start();
  p.b->start();
  p.run(400);
  EXPECT_EQ(p.a->state(), Mtp2State::Proving); // Q.703 §7: Pe 600 ms not over yet
  p.run(600);
  EXPECT_EQ(p.a->state(), Mtp2State::InService);
  EXPECT_EQ(p.b->state(), Mtp2State::InService);
  EXPECT_EQ(p.up, 2);
  p.run(5000);
  EXPECT_EQ(p.down, 0);
}

TEST(Mtp2Link, DeliversInOrderAndRetransmitsALostMsu) {
  Pair p;
  p.a->start();
  p.b->start();
  p.run(1000);
  ASSERT_EQ(p.a->state(), Mtp2State::InService);
  const uint8_t m1[] = {0x85, 1, 2, 3, 4}, m2[] = {0x85, 5, 6, 7, 8}, m3[] = {0x85, 9, 9, 9, 9};
  ASSERT_TRUE(p.a->send_msu(m1));
  p.deliver();
  p.drop_next_msu_to_b = 1;
  ASSERT_TRUE(p.a->send_msu(m2)); // lost on the line
  ASSERT_TRUE(p.a->send_msu(m3)); // a gap: b answers with a negative acknowledgement
  p.run(100);
  ASSERT_EQ(p.got_b.size(), 3u);
  EXPECT_EQ(p.got_b[1], std::vector<uint8_t>(std::begin(m2), std::end(m2)));
  EXPECT_EQ(p.got_b[2], std::vector<uint8_t>(std::begin(m3), std::end(m3)));
  EXPECT_EQ(p.b->counters().nacks_sent, 1u);
  EXPECT_GE(p.a->counters().retransmitted, 2u);
  p.run(3000); // T7 (2 s) would fail the link if anything stayed unacknowledged
  EXPECT_EQ(p.down, 0);
}

TEST(Mtp2Link, SiosInServiceIsALinkFailureAndRealigns) {
  Pair p;
  p.a->start();
  p.b->start();
  p.run(1000);
  std::vector<uint8_t> sios;
  encode_lssu(SuHeader{}, LssuStatus::Sios, sios);
  p.a->receive(sios);
  EXPECT_EQ(p.a->state(), Mtp2State::OutOfService);
  EXPECT_EQ(p.down, 1);
  p.run(3000); // one second of SIOS, then alignment again
  EXPECT_EQ(p.a->state(), Mtp2State::InService);
  EXPECT_EQ(p.b->state(), Mtp2State::InService);
}

TEST(RoutingLabel, ItuAndAnsiFormats) {
  std::vector<uint8_t> l;
  encode_label(false, RoutingLabel{18, 9, 5}, l);
  // Q.704 §2.2.1: DPC 14 bits, OPC 14 bits, SLS 4 bits, least significant first
  EXPECT_EQ(l, (std::vector<uint8_t>{0x12, 0x40, 0x02, 0x50}));
  RoutingLabel d;
  ASSERT_TRUE(decode_label(false, l, d).ok());
  EXPECT_EQ(d.dpc, 18u);
  EXPECT_EQ(d.opc, 9u);
  EXPECT_EQ(d.sls, 5);
  l.clear();
  encode_label(true, RoutingLabel{0x010203, 0x040506, 0x1f}, l);
  EXPECT_EQ(l, (std::vector<uint8_t>{3, 2, 1, 6, 5, 4, 0x1f}));
  ASSERT_TRUE(decode_label(true, l, d).ok());
  EXPECT_EQ(d.opc, 0x040506u);
  EXPECT_EQ(decode_label(true, std::span(l).first(6), d).detail(), "mtp3.short_label");
}

TEST(Mtp3Relay, TestsTheLinkRestartsAndRelaysIsup) {
  core::SimScheduler sched;
  std::vector<std::vector<uint8_t>> sent;
  std::vector<sigtran::MtpTransfer> up;
  int available = 0;
  Mtp3Relay::Config cfg;
  cfg.own_pc = 9;
  cfg.adjacent_pc = 18;
  Mtp3Relay r(sched, cfg,
              Mtp3Relay::Events{[&](std::span<const uint8_t> m) {
                                  sent.emplace_back(m.begin(), m.end());
                                  return true;
                                },
                                [&](const sigtran::MtpTransfer &t) { up.push_back(t); },
                                [&](bool a) { available += a ? 1 : -1; }, nullptr, nullptr});
  r.link_in_service();
  ASSERT_EQ(sent.size(), 1u); // our SLTM: SI 1, label 18 <- 9, H0/H1 0x11, 8 octets of pattern
  EXPECT_EQ(sent[0][0], 0x81);
  EXPECT_EQ(sent[0][5], 0x11);
  EXPECT_EQ(sent[0][6], 0x80);
  // libss7's SLTM: answered with its pattern
  std::vector<uint8_t> sltm{0x81, 0x09, 0x80, 0x04, 0x00, 0x11, 0x20, 'a', 'b'};
  r.msu(sltm);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(std::vector<uint8_t>(sent[1].begin() + 5, sent[1].end()),
            (std::vector<uint8_t>{0x21, 0x20, 'a', 'b'}));
  // our SLTA back: test passed, TRA sent; libss7's TRA: available
  const std::vector<uint8_t> slta = {0x81, 0x09, 0x80, 0x04, 0x00, 0x21, 0x80, 'm', 'g', 'c', 'r', 'e', 'l', 'a', 'y'};
  r.msu(slta);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[2][0], 0x80); // SI 0
  EXPECT_EQ(sent[2][5], 0x17); // TRA
  EXPECT_FALSE(r.available());
  r.msu(std::vector<uint8_t>{0x80, 0x09, 0x80, 0x04, 0x00, 0x17});
  EXPECT_TRUE(r.available());
  EXPECT_EQ(available, 1);
  // ISUP up: SIO 0x85 label 17 <- 18
  std::vector<uint8_t> label;
  encode_label(false, RoutingLabel{17, 18, 3}, label);
  std::vector<uint8_t> isup{0x85};
  isup.insert(isup.end(), label.begin(), label.end());
  isup.insert(isup.end(), {0x01, 0x00, 0x10});
  r.msu(isup);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].opc, 18u);
  EXPECT_EQ(up[0].dpc, 17u);
  EXPECT_EQ(up[0].sls, 3);
  EXPECT_EQ(up[0].data, (std::vector<uint8_t>{0x01, 0x00, 0x10}));
  // ISUP down; another destination is not ours
  sigtran::MtpTransfer t = up[0];
  std::swap(t.opc, t.dpc);
  EXPECT_TRUE(r.transfer(t));
  EXPECT_EQ(sent.back(), (std::vector<uint8_t>{0x85, 0x12, 0x40, 0x04, 0x30, 1, 0, 0x10}));
  t.dpc = 99;
  EXPECT_FALSE(r.transfer(t));
  r.link_out_of_service();
  EXPECT_EQ(available, 0);
}

// Q.707 §2.2: no SLTA within T1 (§5.5: 4-12 s): the test is repeated once; when the repeat
// fails too, the link tested at activation goes out of service and its restoration begins.
TEST(Mtp3Relay, SignallingLinkTestRepeatedOnceThenTheLinkIsRestored) {
  core::SimScheduler sched;
  std::vector<std::vector<uint8_t>> sent;
  std::vector<std::string> failed;
  Mtp3Relay::Config cfg;
  cfg.own_pc = 9;
  cfg.adjacent_pc = 18;
  Mtp3Relay r(sched, cfg,
              Mtp3Relay::Events{[&](std::span<const uint8_t> m) {
                                  sent.emplace_back(m.begin(), m.end());
                                  return true;
                                },
                                [](const sigtran::MtpTransfer &) {}, [](bool) {}, nullptr,
                                [&](const char *why) { failed.emplace_back(why); }});
  r.link_in_service();
  ASSERT_EQ(sent.size(), 1u);
  sched.advance(cfg.slt_t1_ms - 1);
  EXPECT_EQ(sent.size(), 1u);
  sched.advance(1); // T1: the one repeat
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1][5], 0x11);
  EXPECT_TRUE(failed.empty());
  // an SLTA with another pattern fails the repeat at once: out of service, nothing more sent
  r.msu(std::vector<uint8_t>{0x81, 0x09, 0x80, 0x04, 0x00, 0x21, 0x20, 'n', 'o'});
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(r.counters().slt_failed, 1u);
  EXPECT_FALSE(r.available());
  sched.advance(60000);
  EXPECT_EQ(sent.size(), 2u);
  // restored: the next activation tests afresh, and a test that passes makes it available
  r.link_in_service();
  ASSERT_EQ(sent.size(), 3u);
  r.msu(std::vector<uint8_t>{0x81, 0x09, 0x80, 0x04, 0x00, 0x21, 0x80, 'm', 'g', 'c', 'r', 'e',
                             'l', 'a', 'y'});
  r.msu(std::vector<uint8_t>{0x80, 0x09, 0x80, 0x04, 0x00, 0x17});
  EXPECT_TRUE(r.available());
  sched.advance(60000);
  EXPECT_EQ(failed.size(), 1u);
}
