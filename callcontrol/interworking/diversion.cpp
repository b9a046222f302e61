#include "callcontrol/interworking/diversion.h"

#include <array>
#include <cctype>
#include <span>

namespace mgc::cc::iw {

namespace {

struct ReasonRow {
  uint8_t isup;
  std::string_view diversion; // RFC 5806 §4 token
  int cause;                  // RFC 4458 §3 cause
};
// Q.763 §3.45 / RFC 5806 §4 / RFC 4458 §3, one row per redirecting reason.
constexpr std::array<ReasonRow, 7> kReasons = {{
    {kReasonUnknown, "unknown", 404},
    {kReasonUserBusy, "user-busy", 486},
    {kReasonNoReply, "no-answer", 408},
    {kReasonUnconditional, "unconditional", 302},
    {kReasonDeflectionAlerting, "deflection", 487},
    {kReasonDeflectionImmediate, "deflection", 480},
    {kReasonNotReachable, "unavailable", 503},
}};

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string sip_uri(std::string_view number, std::string_view host) {
  std::string u = "sip:";
  u.append(number).append("@").append(host);
  return u;
}

// Calls f(values) with the History-Info entries of RFC 7544 §6 for `diversions` (the typed
// values' text lives in this frame while f runs).
template <typename F>
void with_history_info(const std::vector<Diversion> &diversions, std::string_view called,
                       std::string_view host, F &&f) {
  if (diversions.empty())
    return;
  const std::size_t n = diversions.size() + 1;
  std::vector<std::string> uris, indices;
  uris.reserve(n); // the values below point into these strings: no reallocation
  indices.reserve(n);
  std::vector<sipt::HistoryInfoValue> values(n);
  std::string index = "1";
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0)
      index += ".1";
    uris.push_back(sip_uri(i < diversions.size() ? std::string_view(diversions[i].number) : called,
                           host));
    indices.push_back(index);
    values[i].addr = sipt::NameAddr::of(uris.back());
    values[i].index = indices.back();
    if (i > 0) // RFC 4458 §3: why the request was retargeted to this entry
      values[i].cause = cause_from_reason(diversions[i - 1].reason);
  }
  f(std::span<const sipt::HistoryInfoValue>(values));
}

} // namespace

uint8_t reason_from_diversion(std::string_view token) {
  for (const auto &r : kReasons)
    if (iequal(r.diversion, token))
      return r.isup;
  return kReasonUnknown; // time-of-day, do-not-disturb, follow-me, away ...: no ISUP reason
}

std::string_view diversion_reason(uint8_t reason) {
  for (const auto &r : kReasons)
    if (r.isup == reason)
      return r.diversion;
  return "unknown";
}

uint8_t reason_from_cause(int cause) {
  for (const auto &r : kReasons)
    if (r.cause == cause)
      return r.isup;
  return kReasonUnknown;
}

int cause_from_reason(uint8_t reason) {
  for (const auto &r : kReasons)
    if (r.isup == reason)
      return r.cause;
  return 404;
}

std::optional<Diversion> diversion_of(const sipt::DiversionValue &v) {
  Diversion d;
  d.number = sipt::telephone_number(v.addr.uri);
  if (d.number.empty())
    return std::nullopt;
  if (!v.reason.empty())
    d.reason = reason_from_diversion(v.reason_unquoted());
  if (v.counter > 0)
    d.counter = static_cast<uint8_t>(v.counter);
  return d;
}

std::optional<Diversion> parse_diversion(std::string_view entry) {
  sipt::DiversionValue v;
  if (!sipt::parse_diversion(entry, v))
    return std::nullopt;
  return diversion_of(v);
}

namespace {
// Calls f(value) with the RFC 5806 §4 Diversion value for `d` (its URI text lives in this frame).
template <typename F> void with_diversion_value(const Diversion &d, std::string_view host, F &&f) {
  const std::string uri = sip_uri(d.number, host);
  sipt::DiversionValue v;
  v.addr = sipt::NameAddr::of(uri);
  v.reason = diversion_reason(d.reason);
  v.counter = d.counter;
  f(v);
}
} // namespace

void add_diversions(sipt::HeaderList &out, const std::vector<Diversion> &diversions,
                    std::string_view host) {
  for (auto d = diversions.rbegin(); d != diversions.rend(); ++d)
    with_diversion_value(*d, host, [&](const sipt::DiversionValue &v) {
      out.add(sipt::HeaderId::Diversion, v);
    });
}

std::string diversion_value(const Diversion &d, std::string_view host) {
  std::string text;
  with_diversion_value(d, host, [&](const sipt::DiversionValue &v) { sipt::print(text, v); });
  return text;
}

std::optional<HistoryEntry> history_entry_of(const sipt::HistoryInfoValue &v) {
  HistoryEntry h;
  h.number = sipt::telephone_number(v.addr.uri);
  if (h.number.empty())
    return std::nullopt;
  h.index = std::string(v.index);
  if (v.cause >= 0)
    h.cause = v.cause;
  return h;
}

std::optional<HistoryEntry> parse_history_info(std::string_view entry) {
  sipt::HistoryInfoValue v;
  if (!sipt::parse_history_info(entry, v))
    return std::nullopt;
  return history_entry_of(v);
}

std::vector<Diversion> diversions_from_history(const std::vector<HistoryEntry> &entries) {
  std::vector<Diversion> out;
  for (std::size_t i = 1; i < entries.size(); ++i)
    if (entries[i].cause)
      out.push_back({entries[i - 1].number, reason_from_cause(*entries[i].cause), 1});
  return out;
}

void add_history_info(sipt::HeaderList &out, const std::vector<Diversion> &diversions,
                      std::string_view called, std::string_view host) {
  with_history_info(diversions, called, host, [&](std::span<const sipt::HistoryInfoValue> v) {
    out.add_list(sipt::HeaderId::HistoryInfo, v);
  });
}

std::string history_info_value(const std::vector<Diversion> &diversions, std::string_view called,
                               std::string_view host) {
  std::string text;
  with_history_info(diversions, called, host, [&](std::span<const sipt::HistoryInfoValue> v) {
    for (const auto &e : v) {
      if (!text.empty())
        text += ", ";
      sipt::print(text, e);
    }
  });
  return text;
}

} // namespace mgc::cc::iw
