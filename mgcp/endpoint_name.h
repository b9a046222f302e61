// Endpoint names (RFC 3435 §2.1.2, §3.2.1.3): "local-name@domain", the local name made of
// "/"-separated terms, "*" (all of) and "$" (any of) wildcards, and the trunking-gateway
// convention of RFC 3435 §2.1.1.1 / RFC 3660 §2 ("ds/ds1-1/17", "ds/e1-<span>/<timeslot>") with
// RFC 3660 range lists ("ds/ds1-1/[1-12]"). Circuits map to endpoints by a configured rule per
// trunk group: which gateway, which CIC range, and a pattern with {span}, {ts}, {n}, {nx}, {cic}
// ({nx}: {n} in lower-case hexadecimal, as osmo-mgw numbers its "rtpbridge/1f" endpoints).
#pragma once

#include "core/names.h"
#include "core/status.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mgc::mgcp {

// How a CIC offset becomes span and timeslot.
enum class Framing : uint8_t {
  E1,     // 32 timeslots per span, CIC offset % 32 is the timeslot; timeslot 0 carries framing
  T1,     // 24 channels per span, numbered 1..24
  Linear, // no spans: {n} = first_index + offset (osmo-mgw "rtpbridge/{nx}")
};

// Names for configuration files and their writers: "e1", "t1", "linear".
inline constexpr auto kFramingNames =
    name_table<Framing>({{Framing::E1, "e1"}, {Framing::T1, "t1"}, {Framing::Linear, "linear"}});
static_assert(names_unique(kFramingNames));
std::string_view framing_name(Framing f);
// Case-insensitive, for names written by hand in other tools' files ("E1").
std::optional<Framing> framing_from_name(std::string_view name);

struct EndpointRule {
  std::string pattern = "ds/e1-{span}/{ts}"; // local name; {span} {ts} {n} {nx} {cic}
  Framing framing = Framing::E1;
  uint32_t cic_base = 0; // offset = cic - cic_base; with 0 an E1 CIC's low 5 bits are the timeslot
  uint32_t first_span = 1;
  uint32_t first_index = 1;
};

struct TrunkMapping {
  std::string trunk_group;
  std::string gateway; // the domain part, e.g. "tgw1.example.net" or "mgw"
  uint32_t cic_first = 1;
  uint32_t cic_last = 31;
  EndpointRule rule;
};

// Checks a pattern: known placeholders only, and terms are not wildcards.
Status check_endpoint_rule(const EndpointRule &rule);
// The local name for a CIC, or nullopt (below cic_base, or an E1 framing timeslot).
std::optional<std::string> endpoint_local_name(const EndpointRule &rule, uint32_t cic);

class EndpointMap {
public:
  Status add(TrunkMapping m); // refuses unknown placeholders and overlapping CIC ranges
  // "ds/e1-1/5@tgw1.example.net" for the circuit, or nullopt when no rule covers it.
  std::optional<std::string> endpoint(std::string_view trunk_group, uint32_t cic) const;
  const std::vector<TrunkMapping> &mappings() const { return mappings_; }
  // The circuits whose endpoints a (possibly wildcarded) name covers, by trunk group, CICs in
  // ascending order: what an RSIP for part of a gateway ("ds/e1-1/*@tgw", RFC 3435 §2.1.2,
  // §2.3.12) takes out of service.
  std::map<std::string, std::vector<uint32_t>> circuits(std::string_view pattern) const;

private:
  std::vector<TrunkMapping> mappings_;
};

// Splits "local@domain"; false when there is no '@' with text on both sides.
bool split_endpoint(std::string_view name, std::string_view &local, std::string_view &domain);

// Does a specific endpoint name fall under a (possibly wildcarded) one? Terms compare
// case-insensitively; "*" and "$" match any one term and, as the last term, any remainder;
// "[1-12,15]" matches the numbers listed (RFC 3660 §2). Domains must be equal.
bool endpoint_matches(std::string_view pattern, std::string_view specific);

} // namespace mgc::mgcp
