#include "callcontrol/interworking/diversion.h"

#include <array>
#include <cctype>
#include <charconv>

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

std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t'))
    v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t'))
    v.remove_suffix(1);
  return v;
}

// A ";name=value" parameter of `params` (case-insensitive name), unquoted.
std::optional<std::string_view> param(std::string_view params, std::string_view name) {
  while (!params.empty()) {
    const auto semi = params.find(';');
    if (semi == std::string_view::npos)
      return std::nullopt;
    params.remove_prefix(semi + 1);
    std::string_view p = params.substr(0, params.find(';'));
    const auto eq = p.find('=');
    if (iequal(trim(p.substr(0, eq)), name)) {
      if (eq == std::string_view::npos)
        return std::string_view();
      std::string_view v = trim(p.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
        v = v.substr(1, v.size() - 2);
      return v;
    }
  }
  return std::nullopt;
}

std::optional<int> number_of(std::string_view v) {
  int n = 0;
  if (v.empty() || std::from_chars(v.data(), v.data() + v.size(), n).ec != std::errc())
    return std::nullopt;
  return n;
}

// Splits a name-addr / addr-spec entry into its URI and the header parameters after it.
void split_entry(std::string_view entry, std::string_view &uri, std::string_view &params) {
  const auto lt = entry.find('<');
  const auto gt = entry.find('>', lt == std::string_view::npos ? 0 : lt);
  if (lt != std::string_view::npos && gt != std::string_view::npos) {
    uri = entry.substr(lt + 1, gt - lt - 1);
    params = entry.substr(gt + 1);
    return;
  }
  // addr-spec: parameters after it belong to the header (RFC 3261 §20.10 rule)
  const auto semi = entry.find(';');
  uri = trim(entry.substr(0, semi));
  params = semi == std::string_view::npos ? std::string_view() : entry.substr(semi);
}

// The telephone number of a sip:/sips:/tel: URI ("" if none) and the URI's own parameters.
std::string uri_number(std::string_view uri, std::string_view *uri_params = nullptr) {
  std::string_view rest;
  bool tel = false;
  for (std::string_view scheme : {"sip:", "sips:", "tel:"})
    if (uri.size() > scheme.size() && iequal(uri.substr(0, scheme.size()), scheme)) {
      rest = uri.substr(scheme.size());
      tel = scheme == "tel:";
    }
  if (rest.empty())
    return {};
  std::string_view user = rest;
  if (!tel) {
    const auto at = rest.find('@');
    if (at == std::string_view::npos)
      return {};
    user = rest.substr(0, at);
    rest = rest.substr(at);
  }
  const auto user_end = user.find(';'); // user parameters (RFC 3261 §19.1.6)
  if (uri_params) {
    const auto head = rest.find('?');
    std::string_view hostpart = rest.substr(0, head);
    *uri_params = tel ? hostpart.substr(std::min(hostpart.size(), user_end))
                      : hostpart.substr(std::min(hostpart.size(), hostpart.find(';')));
  }
  std::string n;
  for (char c : user.substr(0, user_end)) {
    if ((c >= '0' && c <= '9') || (c == '+' && n.empty()))
      n.push_back(c);
    else if (c != '-' && c != '.' && c != '(' && c != ')') // RFC 3966 visual separators
      return {};
  }
  return n == "+" ? std::string() : n;
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

std::optional<Diversion> parse_diversion(std::string_view entry) {
  std::string_view uri, params;
  split_entry(trim(entry), uri, params);
  Diversion d;
  d.number = uri_number(uri);
  if (d.number.empty())
    return std::nullopt;
  if (auto r = param(params, "reason"))
    d.reason = reason_from_diversion(*r);
  if (auto c = param(params, "counter"))
    if (auto n = number_of(*c); n && *n > 0 && *n < 256)
      d.counter = static_cast<uint8_t>(*n);
  return d;
}

std::string diversion_value(const Diversion &d, std::string_view host) {
  return "<sip:" + d.number + "@" + std::string(host) +
         ">;reason=" + std::string(diversion_reason(d.reason)) +
         ";counter=" + std::to_string(d.counter);
}

std::optional<HistoryEntry> parse_history_info(std::string_view entry) {
  std::string_view uri, params, uri_params;
  split_entry(trim(entry), uri, params);
  HistoryEntry h;
  h.number = uri_number(uri, &uri_params);
  if (h.number.empty())
    return std::nullopt;
  if (auto i = param(params, "index"))
    h.index = std::string(*i);
  if (auto c = param(uri_params, "cause"))
    h.cause = number_of(*c);
  return h;
}

std::vector<Diversion> diversions_from_history(const std::vector<HistoryEntry> &entries) {
  std::vector<Diversion> out;
  for (std::size_t i = 1; i < entries.size(); ++i)
    if (entries[i].cause)
      out.push_back({entries[i - 1].number, reason_from_cause(*entries[i].cause), 1});
  return out;
}

std::string history_info_value(const std::vector<Diversion> &diversions, std::string_view called,
                               std::string_view host) {
  std::string v, index = "1";
  for (std::size_t i = 0; i <= diversions.size() && !diversions.empty(); ++i) {
    const std::string number = i < diversions.size() ? diversions[i].number : std::string(called);
    if (i > 0) {
      v += ", ";
      index += ".1";
    }
    v += "<sip:" + number + "@" + std::string(host);
    if (i > 0)
      v += ";cause=" + std::to_string(cause_from_reason(diversions[i - 1].reason));
    v += ">;index=" + index;
  }
  return v;
}

} // namespace mgc::cc::iw
