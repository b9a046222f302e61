#include "gateway/pstnsim/config.h"

#include <charconv>
#include <sstream>

namespace mgc::pstnsim {

namespace {
template <typename T> bool num(const std::string &s, T &out, T lo, T hi) {
  unsigned long long v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || v < lo || v > hi)
    return false;
  out = static_cast<T>(v);
  return true;
}
} // namespace

std::vector<std::string> validate(const Config &cfg) {
  std::vector<std::string> p;
  if (!cfg.sim.own_pc)
    p.push_back("ss7: no point-code");
  if (!cfg.sim.dpc)
    p.push_back("circuits: no dpc (the gateway's point code)");
  if (cfg.sim.own_pc && cfg.sim.own_pc == cfg.sim.dpc)
    p.push_back("circuits: dpc equals our own point code");
  if (cfg.sim.cic_ranges.empty())
    p.push_back("circuits: no cic-range");
  const uint16_t max_cic = cfg.sim.variant == isup::Variant::Ansi ? 16383 : 4095;
  for (auto [a, b] : cfg.sim.cic_ranges)
    if (b > max_cic)
      p.push_back("circuits: CIC " + std::to_string(b) + " does not fit the variant's CIC field");
  if (cfg.originate && cfg.originate->called.empty())
    p.push_back("originate: no called number");
  if (cfg.originate && cfg.originate->rate <= 0)
    p.push_back("originate: rate must be above 0");
  return p;
}

bool execute(Sim &sim, const Config &cfg, const std::string &line, std::string &err) {
  std::istringstream in(line);
  std::vector<std::string> w;
  for (std::string t; in >> t;)
    w.push_back(t);
  if (w.empty()) {
    err = "empty command";
    return false;
  }
  const std::string &c = w[0];
  uint16_t cic = 0;
  uint8_t range = 0;
  auto need = [&](std::size_t n) {
    if (w.size() < n) {
      err = c + ": missing arguments";
      return false;
    }
    return true;
  };
  auto cic_arg = [&](std::size_t i) {
    if (!num<uint16_t>(w[i], cic, 0, 16383)) {
      err = c + ": bad CIC '" + w[i] + "'";
      return false;
    }
    return true;
  };
  // Q.763 §3.43: range 1..31 for GRS; CGB/CGU carry a status bit per circuit (range up to 255
  // octets' worth, Q.764 limits it to 32 circuits).
  auto range_arg = [&](std::size_t i) {
    if (!num<uint8_t>(w[i], range, 1, 31)) {
      err = c + ": range must be 1..31";
      return false;
    }
    return true;
  };
  bool ok = true;
  if (c == "grs") {
    if (!need(3) || !cic_arg(1) || !range_arg(2))
      return false;
    ok = sim.grs(cic, range);
  } else if (c == "cgb" || c == "cgu") {
    if (!need(3) || !cic_arg(1) || !range_arg(2))
      return false;
    const bool hw = w.size() > 3 && w[3] == "hardware";
    if (w.size() > 3 && w[3] != "hardware" && w[3] != "maintenance") {
      err = c + ": maintenance or hardware";
      return false;
    }
    ok = c == "cgb" ? sim.cgb(cic, range, hw) : sim.cgu(cic, range, hw);
  } else if (c == "blo" || c == "ubl" || c == "rsc") {
    if (!need(2) || !cic_arg(1))
      return false;
    ok = c == "blo" ? sim.blo(cic) : c == "ubl" ? sim.ubl(cic) : sim.rsc(cic);
  } else if (c == "reset-all") {
    sim.reset_all();
  } else if (c == "originate") {
    if (!need(2))
      return false;
    if (w[1] == "start") {
      if (!cfg.originate) {
        err = "originate: no originate section in the config";
        return false;
      }
      sim.originate_start(*cfg.originate);
    } else if (w[1] == "stop") {
      sim.originate_stop();
    } else {
      err = "originate: start or stop";
      return false;
    }
  } else if (c == "call") {
    if (cfg.originate && !sim.originating())
      sim.set_originate(*cfg.originate);
    ok = sim.originate_one();
    if (!ok)
      err = "call: no idle circuit";
    return ok;
  } else if (c == "release-all") {
    sim.release_all();
  } else {
    err = "unknown command '" + c + "'";
    return false;
  }
  if (!ok)
    err = c + ": refused (CIC not ours, or the range is not usable)";
  return ok;
}

} // namespace mgc::pstnsim
