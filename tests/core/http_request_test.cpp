// HTTP/1.1 request heads (core/http_request.h, RFC 9112 §2-§6): what a scraper sends, and each
// malformed head answered with the status RFC 9112 / RFC 9110 name.
#include "core/http_request.h"

#include <gtest/gtest.h>
#include <string>

using namespace mgc::core;

namespace {
mgc::Status parse(const std::string &s, HttpRequest &r) { return parse_http_request(s, r); }
int code(const std::string &s) {
  HttpRequest r;
  return parse(s, r).code();
}
std::string detail(const std::string &s) {
  HttpRequest r;
  return std::string(parse(s, r).detail());
}
} // namespace

TEST(HttpRequest, PrometheusScrape) {
  // what Prometheus 2.42 sends
  const std::string head = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:9464\r\n"
                           "User-Agent: Prometheus/2.42.0\r\n"
                           "Accept: application/openmetrics-text;version=1.0.0,text/plain;"
                           "version=0.0.4;q=0.5,*/*;q=0.1\r\n"
                           "Accept-Encoding: gzip\r\nX-Prometheus-Scrape-Timeout-Seconds: 1\r\n\r\n";
  HttpRequest r;
  const std::string in = head + "GET /next";
  ASSERT_TRUE(parse(in, r).ok());
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/metrics");
  EXPECT_EQ(r.minor_version, 1);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(r.head_length, head.size());
  EXPECT_EQ(r.content_length, 0u);
}

TEST(HttpRequest, Incomplete) {
  EXPECT_EQ(detail(""), "http.incomplete");
  EXPECT_EQ(detail("GET / HTTP/1.1\r\nHost: x\r\n"), "http.incomplete");
  EXPECT_EQ(code("GET / HTTP/1.1\r\nHost: x\r\n"), 0);
}

TEST(HttpRequest, ConnectionPersistence) {
  HttpRequest r;
  ASSERT_TRUE(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: Close\r\n\r\n", r).ok());
  EXPECT_FALSE(r.keep_alive);
  ASSERT_TRUE(parse("GET / HTTP/1.0\r\n\r\n", r).ok()); // 1.0 needs no Host
  EXPECT_FALSE(r.keep_alive);
  EXPECT_EQ(r.minor_version, 0);
  ASSERT_TRUE(parse("GET / HTTP/1.0\r\nconnection: TE, keep-alive\r\n\r\n", r).ok());
  EXPECT_TRUE(r.keep_alive);
}

TEST(HttpRequest, MalformedAnsweredInHttpTerms) {
  EXPECT_EQ(code("GET / HTTP/1.1\r\n\r\n"), 400);                       // §3.2: no Host
  EXPECT_EQ(code("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400); // two Hosts
  EXPECT_EQ(code("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);           // two spaces
  EXPECT_EQ(code("GET /\r\nHost: a\r\n\r\n"), 400);                     // HTTP/0.9
  EXPECT_EQ(code("G(T / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);            // not a token
  EXPECT_EQ(code("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), 505);
  EXPECT_EQ(code("GET / HTTP/1.2\r\nHost: a\r\n\r\n"), 505);
  EXPECT_EQ(code("GET / HTTP/1.x\r\nHost: a\r\n\r\n"), 400);
  EXPECT_EQ(detail("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), "http.bad_field"); // §5.1
  EXPECT_EQ(detail("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n"), "http.bad_field"); // §5.2
  EXPECT_EQ(detail("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n"), "http.bad_field");
  EXPECT_EQ(detail(std::string("GET / HTTP/1.1\r\nHost: a\x01\r\n\r\n")), "http.bad_field");
  EXPECT_EQ(code("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n"), 400);
  EXPECT_EQ(code("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            400);
  EXPECT_EQ(code("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"), 501);
}

TEST(HttpRequest, ContentLengthRead) {
  HttpRequest r;
  ASSERT_TRUE(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\n", r).ok());
  EXPECT_EQ(r.content_length, 12u);
}

TEST(HttpRequest, Limits) {
  EXPECT_EQ(code("GET /" + std::string(kHttpMaxTarget, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n"), 414);
  // no end of the head within the limit
  EXPECT_EQ(code("GET / HTTP/1.1\r\nX: " + std::string(kHttpMaxHead, 'a')), 431);
  std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (int i = 0; i < kHttpMaxFields; ++i)
    many += "X: y\r\n";
  EXPECT_EQ(code(many + "\r\n"), 431);
}
