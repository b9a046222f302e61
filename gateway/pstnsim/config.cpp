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

namespace {
// `send ...`: what an SG tells the gateway's ASP (RFC 4666 §3.4): SCON with a congestion level
// (§3.4.4), DUPU for the ISDN user part (§3.4.5: User/Cause, SI 5), DUNA, DAVA; and an ASP Up
// Ack nobody asked for (§4.3.4.1).
bool send_m3ua(sigtran::Node *node, const std::vector<std::string> &w, std::string &err) {
  using sigtran::m3ua::MsgType;
  if (!node) {
    err = "send: no M3UA node";
    return false;
  }
  if (w.size() == 2 && w[1] == "aspup-ack") {
    node->unsolicited_asp_up_ack();
    return true;
  }
  uint32_t pc = 0;
  if (w.size() < 3 || !num<uint32_t>(w[2], pc, 0, 0xffffff)) {
    err = "send: scon PC LEVEL | dupu PC CAUSE | duna PC | dava PC | aspup-ack";
    return false;
  }
  if (w[1] == "scon") {
    uint32_t level = 0;
    if (w.size() < 4 || !num<uint32_t>(w[3], level, 0, 3)) {
      err = "send scon: level 0..3";
      return false;
    }
    node->ssnm_req(MsgType::Scon, pc, level);
  } else if (w[1] == "dupu") {
    static constexpr auto kCauses = name_table<uint32_t>(
        {{0, "unknown"}, {1, "unequipped"}, {2, "inaccessible"}});
    const auto cause = w.size() < 4 ? std::nullopt : value_of(kCauses, w[3]);
    if (!cause) {
      err = "send dupu: cause unknown, unequipped or inaccessible";
      return false;
    }
    constexpr uint32_t kSiIsup = 5; // Q.704 §14.2.2
    node->ssnm_req(MsgType::Dupu, pc, (*cause << 16) | kSiIsup);
  } else if (w[1] == "duna" || w[1] == "dava") {
    node->ssnm_req(w[1] == "duna" ? MsgType::Duna : MsgType::Dava, pc);
  } else {
    err = "send: unknown message '" + w[1] + "'";
    return false;
  }
  return true;
}
} // namespace

bool execute(Sim &sim, const Config &cfg, const std::string &line, std::string &err,
             sigtran::Node *node) {
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
  } else if (c == "send") {
    return send_m3ua(node, w, err);
  } else {
    err = "unknown command '" + c + "'";
    return false;
  }
  if (!ok)
    err = c + ": refused (CIC not ours, or the range is not usable)";
  return ok;
}

} // namespace mgc::pstnsim
