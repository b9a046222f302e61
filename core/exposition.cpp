// The Prometheus text exposition format 0.0.4 (exposition.h).
#include "core/exposition.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace mgc::core {

namespace {
constexpr std::string_view type_name(MetricType t) {
  switch (t) {
  case MetricType::Counter: return "counter";
  case MetricType::Gauge: return "gauge";
  case MetricType::Histogram: return "histogram";
  }
  return "untyped";
}
} // namespace

std::string escape_label_value(std::string_view v) {
  std::string o;
  o.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      o += "\\\\";
    else if (c == '"')
      o += "\\\"";
    else if (c == '\n')
      o += "\\n";
    else
      o += c;
  }
  return o;
}

std::string escape_help(std::string_view v) {
  std::string o;
  o.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      o += "\\\\";
    else if (c == '\n')
      o += "\\n";
    else
      o += c;
  }
  return o;
}

std::string sanitize_name(std::string_view n, bool label_name) {
  std::string o(n);
  if (o.empty())
    return "_";
  for (std::size_t i = 0; i < o.size(); ++i) {
    const char c = o[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                       (c == ':' && !label_name);
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (digit && i > 0)))
      o[i] = '_';
  }
  return o;
}

std::string format_value(double v) {
  if (std::isnan(v))
    return "NaN";
  if (std::isinf(v))
    return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  // integral values (every counter) print exactly, up to 2^53
  if (v == std::floor(v) && std::fabs(v) < 9007199254740992.0)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else {
    // the shortest of %.15g / %.17g that reads back as the same double ("0.1", not
    // "0.10000000000000001")
    std::snprintf(buf, sizeof buf, "%.15g", v);
    if (std::strtod(buf, nullptr) != v)
      std::snprintf(buf, sizeof buf, "%.17g", v);
  }
  return buf;
}

std::size_t Exposition::family(std::string_view name, MetricType type, std::string_view help) {
  const std::string n = sanitize_name(name);
  if (auto it = index_.find(n); it != index_.end())
    return it->second;
  families_.push_back({n, std::string(help), type, {}});
  index_.emplace(n, families_.size() - 1);
  return families_.size() - 1;
}

void Exposition::write_sample(Family &f, std::string_view suffix, const std::vector<Label> &labels,
                              const Label *extra, double value) {
  std::string &s = f.samples;
  s += f.name;
  s += suffix;
  if (!labels.empty() || extra) {
    s += '{';
    bool first = true;
    auto one = [&](const Label &l) {
      if (!first)
        s += ',';
      first = false;
      s += sanitize_name(l.name, true);
      s += "=\"";
      s += escape_label_value(l.value);
      s += '"';
    };
    for (const auto &l : labels)
      one(l);
    if (extra)
      one(*extra);
    s += '}';
  }
  s += ' ';
  s += format_value(value);
  s += '\n';
}

void Exposition::sample(std::size_t family, std::initializer_list<Label> labels, double value) {
  sample(family, std::vector<Label>(labels), value);
}

void Exposition::sample(std::size_t family, const std::vector<Label> &labels, double value) {
  write_sample(families_[family], "", labels, nullptr, value);
}

void Exposition::histogram(std::size_t family, const std::vector<Label> &labels,
                           const Histogram &h) {
  Family &f = families_[family];
  uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= h.bounds().size(); ++i) {
    cumulative += h.bucket(i);
    const std::string le =
        i < h.bounds().size() ? format_value(h.bounds()[i]) : std::string("+Inf");
    const Label extra{"le", le};
    write_sample(f, "_bucket", labels, &extra, static_cast<double>(cumulative));
  }
  write_sample(f, "_sum", labels, nullptr, h.sum());
  write_sample(f, "_count", labels, nullptr, static_cast<double>(h.count()));
}

std::string Exposition::text() const {
  std::string o;
  for (const auto &f : families_) {
    o += "# HELP " + f.name + " " + escape_help(f.help) + "\n";
    o += "# TYPE " + f.name + " " + std::string(type_name(f.type)) + "\n";
    o += f.samples;
  }
  return o;
}

} // namespace mgc::core
