// A Port that writes what the machine does as one line per call, for trace comparisons.
#pragma once

#include "callcontrol/isup_call/port.h"

#include <string>
#include <vector>

namespace cc_test {

using mgc::cc::IsupTimer;
using mgc::cc::isup_timer_table;

class RecordingPort : public mgc::cc::isup_call::Port {
public:
  std::vector<std::string> trace;
  std::vector<std::string> running; // timers running now
  int unexpected = 0;
  mgc::cc::isup_call::Address addr = mgc::cc::isup_call::Address::Complete; // what address() says

  std::string take() {
    std::string s;
    for (auto &t : trace)
      s += (s.empty() ? "" : " ") + t;
    trace.clear();
    return s;
  }
  bool timer_running(const char *n) const {
    for (auto &r : running)
      if (r == n)
        return true;
    return false;
  }

  void send_iam() override { trace.push_back(">IAM"); }
  void send_sam() override { trace.push_back(">SAM"); }
  void send_cot(bool ok) override { trace.push_back(ok ? ">COT(ok)" : ">COT(fail)"); }
  void send_acm(bool in_band) override { trace.push_back(in_band ? ">ACM(inband)" : ">ACM"); }
  void send_cpg(bool in_band) override { trace.push_back(in_band ? ">CPG(inband)" : ">CPG"); }
  void send_anm() override { trace.push_back(">ANM"); }
  void send_con() override { trace.push_back(">CON"); }
  void send_rel(uint8_t c, uint8_t) override { trace.push_back(">REL(" + std::to_string(c) + ")"); }
  void send_rlc() override { trace.push_back(">RLC"); }
  void send_rsc() override { trace.push_back(">RSC"); }
  void send_sus(bool) override { trace.push_back(">SUS"); }
  void send_res(bool) override { trace.push_back(">RES"); }
  void attach_check_loop() override { trace.push_back("loop"); }
  void detach_check_loop() override { trace.push_back("unloop"); }
  mgc::cc::isup_call::Address address() const override { return addr; }
  void start_timer(IsupTimer t) override {
    std::string n(isup_timer_table()[static_cast<std::size_t>(t)].name);
    trace.push_back("+" + n);
    running.push_back(n);
  }
  void stop_timer(IsupTimer t) override {
    std::string n(isup_timer_table()[static_cast<std::size_t>(t)].name);
    trace.push_back("-" + n);
    for (auto it = running.begin(); it != running.end(); ++it)
      if (*it == n) {
        running.erase(it);
        break;
      }
  }
  void on_setup() override { trace.push_back("setup"); }
  void on_more_digits() override { trace.push_back("digits"); }
  void on_alerting(bool in_band) override { trace.push_back(in_band ? "alerting(inband)" : "alerting"); }
  void on_progress(bool in_band) override { trace.push_back(in_band ? "progress(inband)" : "progress"); }
  void on_answer() override { trace.push_back("answer"); }
  void on_suspend(bool) override { trace.push_back("suspend"); }
  void on_resume(bool) override { trace.push_back("resume"); }
  void on_released(uint8_t c, uint8_t) override { trace.push_back("released(" + std::to_string(c) + ")"); }
  void on_reattempt() override { trace.push_back("reattempt"); }
  void on_circuit_idle() override { trace.push_back("idle"); }
  void on_circuit_reset() override { trace.push_back("reset"); }
  void on_unexpected(const char *state, const char *event) override {
    ++unexpected;
    trace.push_back(std::string("unexpected(") + state + "," + event + ")");
  }
};

} // namespace cc_test
