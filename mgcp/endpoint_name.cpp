// Endpoint naming; see endpoint_name.h.
#include "mgcp/endpoint_name.h"

#include "mgcp/catalogue.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace mgc::mgcp {

namespace {

const Status kBadPattern("mgcp.bad_endpoint_pattern", 0);
const Status kOverlap("mgcp.overlapping_cic_range", 0);

constexpr std::string_view kPlaceholders[] = {"span", "ts", "n", "nx", "cic"};

bool parse_uint(std::string_view s, uint32_t &out) {
  if (s.empty())
    return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// "[1-12,15]" contains n?
bool in_range_list(std::string_view list, std::string_view term) {
  uint32_t n = 0;
  if (!parse_uint(term, n))
    return false;
  list = list.substr(1, list.size() - 2);
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    std::size_t dash = item.find('-');
    uint32_t lo = 0, hi = 0;
    bool ok = dash == std::string_view::npos
                  ? parse_uint(item, lo) && (hi = lo, true)
                  : parse_uint(item.substr(0, dash), lo) && parse_uint(item.substr(dash + 1), hi);
    if (ok && n >= lo && n <= hi)
      return true;
    if (comma == std::string_view::npos)
      break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

bool term_matches(std::string_view pat, std::string_view term) {
  if (pat == "*" || pat == "$")
    return true;
  // A term may hold a range list after a prefix: "ds1-[1-2]" matches "ds1-1".
  std::size_t br = pat.find('[');
  if (br != std::string_view::npos && pat.back() == ']') {
    return term.size() > br && iequals(pat.substr(0, br), term.substr(0, br)) &&
           in_range_list(pat.substr(br), term.substr(br));
  }
  return iequals(pat, term);
}

} // namespace

std::string_view framing_name(Framing f) { return name_of(kFramingNames, f); }

std::optional<Framing> framing_from_name(std::string_view name) {
  for (const auto &f : kFramingNames)
    if (iequals(f.name, name))
      return f.value;
  return std::nullopt;
}

bool split_endpoint(std::string_view name, std::string_view &local, std::string_view &domain) {
  std::size_t at = name.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 >= name.size())
    return false;
  local = name.substr(0, at);
  domain = name.substr(at + 1);
  return true;
}

bool endpoint_matches(std::string_view pattern, std::string_view specific) {
  std::string_view pl, pd, sl, sd;
  if (!split_endpoint(pattern, pl, pd) || !split_endpoint(specific, sl, sd) || !iequals(pd, sd))
    return false;
  while (true) {
    std::size_t ps = pl.find('/'), ss = sl.find('/');
    std::string_view pt = pl.substr(0, ps), st = sl.substr(0, ss);
    bool p_last = ps == std::string_view::npos, s_last = ss == std::string_view::npos;
    if (p_last && (pt == "*" || pt == "$"))
      return true; // §2.1.2: a final wildcard term covers the rest of the name
    if (!term_matches(pt, st))
      return false;
    if (p_last || s_last)
      return p_last && s_last;
    pl.remove_prefix(ps + 1);
    sl.remove_prefix(ss + 1);
  }
}

Status check_endpoint_rule(const EndpointRule &rule) {
  std::string_view p = rule.pattern;
  if (p.empty() || p.find('@') != std::string_view::npos)
    return kBadPattern;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '*' || p[i] == '$')
      return kBadPattern;
    if (p[i] != '{')
      continue;
    std::size_t close = p.find('}', i);
    if (close == std::string_view::npos)
      return kBadPattern;
    std::string_view name = p.substr(i + 1, close - i - 1);
    bool known = false;
    for (auto k : kPlaceholders)
      known |= k == name;
    if (!known)
      return kBadPattern;
    if ((name == "span" || name == "ts") && rule.framing == Framing::Linear)
      return kBadPattern;
    i = close;
  }
  return Status::Ok();
}

std::optional<std::string> endpoint_local_name(const EndpointRule &rule, uint32_t cic) {
  if (cic < rule.cic_base)
    return std::nullopt;
  uint32_t offset = cic - rule.cic_base;
  uint32_t span = 0, ts = 0;
  switch (rule.framing) {
  case Framing::E1:
    // ITU-T Q.763 §3.9 / common practice: on a 2048 kbit/s system the CIC's low five bits
    // name the timeslot; timeslot 0 is frame alignment, never a circuit.
    span = rule.first_span + offset / 32;
    ts = offset % 32;
    if (ts == 0)
      return std::nullopt;
    break;
  case Framing::T1:
    span = rule.first_span + offset / 24;
    ts = offset % 24 + 1;
    break;
  case Framing::Linear:
    break;
  }
  std::string out;
  std::string_view p = rule.pattern;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] != '{') {
      out.push_back(p[i]);
      continue;
    }
    std::size_t close = p.find('}', i);
    if (close == std::string_view::npos)
      return std::nullopt;
    std::string_view name = p.substr(i + 1, close - i - 1);
    if (name == "span")
      out += std::to_string(span);
    else if (name == "ts")
      out += std::to_string(ts);
    else if (name == "n")
      out += std::to_string(rule.first_index + offset);
    else if (name == "nx") {
      char buf[12];
      std::snprintf(buf, sizeof buf, "%x", rule.first_index + offset);
      out += buf;
    } else if (name == "cic")
      out += std::to_string(cic);
    else
      return std::nullopt;
    i = close;
  }
  return out;
}

Status EndpointMap::add(TrunkMapping m) {
  if (Status st = check_endpoint_rule(m.rule); !st.ok())
    return st;
  if (m.cic_last < m.cic_first || m.gateway.empty())
    return kBadPattern;
  for (const auto &e : mappings_)
    if (e.trunk_group == m.trunk_group && m.cic_first <= e.cic_last && e.cic_first <= m.cic_last)
      return kOverlap;
  mappings_.push_back(std::move(m));
  return Status::Ok();
}

std::optional<std::string> EndpointMap::endpoint(std::string_view trunk_group, uint32_t cic) const {
  for (const auto &m : mappings_) {
    if (m.trunk_group != trunk_group || cic < m.cic_first || cic > m.cic_last)
      continue;
    auto local = endpoint_local_name(m.rule, cic);
    if (!local)
      return std::nullopt;
    return *local + "@" + m.gateway;
  }
  return std::nullopt;
}

std::map<std::string, std::vector<uint32_t>> EndpointMap::circuits(std::string_view pattern) const {
  std::map<std::string, std::vector<uint32_t>> out;
  for (const auto &m : mappings_)
    for (uint32_t cic = m.cic_first; cic <= m.cic_last; ++cic)
      if (auto local = endpoint_local_name(m.rule, cic);
          local && endpoint_matches(pattern, *local + "@" + m.gateway))
        out[m.trunk_group].push_back(cic);
  for (auto &[tg, cics] : out)
    std::sort(cics.begin(), cics.end());
  return out;
}

} // namespace mgc::mgcp
