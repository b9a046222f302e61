// The Prometheus text exposition format 0.0.4 (core/exposition.h): escaping of label values and
// HELP, names, values (+Inf, NaN, integers), families grouped once, and histograms whose buckets
// are cumulative and end with +Inf equal to _count.
#include "core/exposition.h"
#include "core/histogram.h"

#include <array>
#include <cmath>
#include <gtest/gtest.h>
#include <limits>

using namespace mgc::core;

TEST(Exposition, LabelValueEscaping) {
  EXPECT_EQ(escape_label_value("plain"), "plain");
  EXPECT_EQ(escape_label_value("a\\b"), "a\\\\b");
  EXPECT_EQ(escape_label_value("say \"hi\""), "say \\\"hi\\\"");
  EXPECT_EQ(escape_label_value("two\nlines"), "two\\nlines");
  // nothing else is escaped: UTF-8 and tabs pass as they are
  EXPECT_EQ(escape_label_value("Zürich\t1"), "Zürich\t1");
}

TEST(Exposition, HelpEscapingKeepsQuotes) {
  EXPECT_EQ(escape_help("a \"b\" \\ c\nd"), "a \"b\" \\\\ c\\nd");
}

TEST(Exposition, NamesAreSanitized) {
  EXPECT_EQ(sanitize_name("mgc_sip_ua_invites_total"), "mgc_sip_ua_invites_total");
  EXPECT_EQ(sanitize_name("mgc:rate"), "mgc:rate");
  EXPECT_EQ(sanitize_name("mgc.sip-ua"), "mgc_sip_ua");
  EXPECT_EQ(sanitize_name("1abc"), "_abc");
  EXPECT_EQ(sanitize_name("a:b", true), "a_b"); // no colon in label names
  EXPECT_EQ(sanitize_name(""), "_");
}

TEST(Exposition, Values) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(18446744073709.0), "18446744073709");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(2.5), "2.5");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
  const double third = 1.0 / 3;
  EXPECT_EQ(std::strtod(format_value(third).c_str(), nullptr), third);
}

TEST(Exposition, FamiliesGroupedOnceWithHelpAndType) {
  Exposition e;
  const auto a = e.family("mgc_a_total", MetricType::Counter, "First \\ family\nsecond line");
  const auto b = e.family("mgc_b", MetricType::Gauge, "Second");
  e.sample(a, {{"media_gateway", "mg1"}}, 1);
  e.sample(b, {}, 7);
  // the same family declared again from elsewhere: its samples join the first ones
  const auto a2 = e.family("mgc_a_total", MetricType::Gauge, "ignored");
  EXPECT_EQ(a2, a);
  e.sample(a2, {{"media_gateway", "m\"g2"}, {"x", "y"}}, 2);
  EXPECT_EQ(e.text(), "# HELP mgc_a_total First \\\\ family\\nsecond line\n"
                      "# TYPE mgc_a_total counter\n"
                      "mgc_a_total{media_gateway=\"mg1\"} 1\n"
                      "mgc_a_total{media_gateway=\"m\\\"g2\",x=\"y\"} 2\n"
                      "# HELP mgc_b Second\n"
                      "# TYPE mgc_b gauge\n"
                      "mgc_b 7\n");
}

TEST(Exposition, HistogramBucketsAreCumulativeEndingInInf) {
  static constexpr std::array<double, 3> kBounds{0.5, 1, 2.5};
  Histogram h(kBounds);
  for (double v : {0.1, 0.5, 0.7, 2.5, 3.0, 100.0})
    h.observe(v);
  EXPECT_EQ(h.bucket(0), 2u); // 0.1 and 0.5: "le" includes the bound
  EXPECT_EQ(h.bucket(1), 1u);
  EXPECT_EQ(h.bucket(2), 1u);
  EXPECT_EQ(h.bucket(3), 2u); // above every bound
  Exposition e;
  const auto f = e.family("mgc_setup_delay_seconds", MetricType::Histogram, "Setup delay");
  e.histogram(f, {{"direction", "sip-to-pstn"}}, h);
  EXPECT_EQ(e.text(),
            "# HELP mgc_setup_delay_seconds Setup delay\n"
            "# TYPE mgc_setup_delay_seconds histogram\n"
            "mgc_setup_delay_seconds_bucket{direction=\"sip-to-pstn\",le=\"0.5\"} 2\n"
            "mgc_setup_delay_seconds_bucket{direction=\"sip-to-pstn\",le=\"1\"} 3\n"
            "mgc_setup_delay_seconds_bucket{direction=\"sip-to-pstn\",le=\"2.5\"} 4\n"
            "mgc_setup_delay_seconds_bucket{direction=\"sip-to-pstn\",le=\"+Inf\"} 6\n"
            "mgc_setup_delay_seconds_sum{direction=\"sip-to-pstn\"} 106.8\n"
            "mgc_setup_delay_seconds_count{direction=\"sip-to-pstn\"} 6\n");
}

TEST(Exposition, EmptyHistogramStillHasEveryBucket) {
  static constexpr std::array<double, 2> kBounds{1, 2};
  Histogram h(kBounds);
  Exposition e;
  e.histogram(e.family("h", MetricType::Histogram, "x"), {}, h);
  EXPECT_EQ(e.text(), "# HELP h x\n# TYPE h histogram\n"
                      "h_bucket{le=\"1\"} 0\nh_bucket{le=\"2\"} 0\nh_bucket{le=\"+Inf\"} 0\n"
                      "h_sum 0\nh_count 0\n");
}
