// The Prometheus text exposition format, version 0.0.4 (Prometheus "Exposition formats": one
// `# HELP` and one `# TYPE` line per metric family, then its samples `name{label="value"} v`,
// every sample of a family together). Families are declared as they are met and their samples
// gathered under them, so that a caller may write the samples of one family from several places
// (one counter set per media gateway) and the text still groups each family once.
//
// Escaping (same document): in label values backslash, double quote and line feed become
// `\\`, `\"` and `\n`; in HELP text backslash and line feed. Metric and label names are checked
// against [a-zA-Z_:][a-zA-Z0-9_:]* and [a-zA-Z_][a-zA-Z0-9_]*; a name that is not valid is
// written with every other character replaced by '_' (counter names come from identifiers, but
// group names come from the configuration).
#pragma once

#include "core/histogram.h"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mgc::core {

enum class MetricType : uint8_t { Counter, Gauge, Histogram };

struct Label {
  std::string_view name;
  std::string_view value;
};

class Exposition {
public:
  // Declares a family (again: the first declaration's type and help stay). Returns its index
  // for the sample calls.
  std::size_t family(std::string_view name, MetricType type, std::string_view help);
  void sample(std::size_t family, std::initializer_list<Label> labels, double value);
  void sample(std::size_t family, const std::vector<Label> &labels, double value);
  // A histogram family's series: `name_bucket{...,le="B"}` cumulative for each bound and +Inf,
  // then `name_sum` and `name_count`.
  void histogram(std::size_t family, const std::vector<Label> &labels, const Histogram &h);
  // The whole text, families in declaration order, each line ending in '\n'.
  std::string text() const;

  // The media type scrapers ask for (Prometheus: text/plain; version=0.0.4).
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

private:
  struct Family {
    std::string name, help;
    MetricType type;
    std::string samples;
  };
  void write_sample(Family &f, std::string_view suffix, const std::vector<Label> &labels,
                    const Label *extra, double value);
  std::vector<Family> families_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

// What the format says, exposed for the tests and for callers building names.
std::string escape_label_value(std::string_view v);
std::string escape_help(std::string_view v);
// A valid metric name (label_name: a label name; no ':'); invalid characters become '_'.
std::string sanitize_name(std::string_view n, bool label_name = false);
// A sample value: integers as integers, +Inf / -Inf / NaN as the format spells them, others
// with enough digits to read back the same double.
std::string format_value(double v);

} // namespace mgc::core
