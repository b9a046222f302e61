// core::Address: parse and print IPv4 and IPv6 "addr:port" / "[v6]:port", sockaddr round trip.
#include "core/address.h"

#include <gtest/gtest.h>
#include <netinet/in.h>

using mgc::core::Address;
using mgc::core::Prefix;

TEST(Address, Ipv4FromNumberPrints) {
  Address a{0x7f000002, 2427};
  EXPECT_FALSE(a.v6);
  EXPECT_EQ(a.host(), "127.0.0.2");
  EXPECT_EQ(a.to_string(), "127.0.0.2:2427");
}

TEST(Address, ParseHostAndPort) {
  Address a;
  ASSERT_TRUE(Address::parse("192.0.2.1", 2944, a));
  EXPECT_EQ(a, (Address{0xC0000201, 2944}));
  ASSERT_TRUE(Address::parse("2001:db8::1", 5060, a));
  EXPECT_TRUE(a.v6);
  EXPECT_EQ(a.to_string(), "[2001:db8::1]:5060");
  ASSERT_TRUE(Address::parse("[::1]", 1, a));
  EXPECT_EQ(a.to_string(), "[::1]:1");
  EXPECT_FALSE(Address::parse("not an address", 1, a));
  EXPECT_FALSE(Address::parse("", 1, a));
  EXPECT_FALSE(Address::parse("example.net", 1, a)); // names are resolved elsewhere
  EXPECT_FALSE(Address::parse("[::1", 1, a));
  EXPECT_FALSE(Address::parse("1.2.3.4.5", 1, a));
}

TEST(Address, ParseHostPortRoundTrips) {
  for (const char *s : {"127.0.0.1:2427", "10.0.0.3:0", "[::1]:2944", "[2001:db8::a:1]:65535",
                        "0.0.0.0:5060"}) {
    auto a = Address::parse(std::string_view(s));
    ASSERT_TRUE(a) << s;
    EXPECT_EQ(a->to_string(), s);
  }
  EXPECT_FALSE(Address::parse(std::string_view("::1:5060")));      // IPv6 without brackets
  EXPECT_FALSE(Address::parse(std::string_view("[10.0.0.1]:5060"))); // IPv4 with them
  EXPECT_FALSE(Address::parse(std::string_view("127.0.0.1")));
  EXPECT_FALSE(Address::parse(std::string_view("127.0.0.1:")));
  EXPECT_FALSE(Address::parse(std::string_view("127.0.0.1:65536")));
  EXPECT_FALSE(Address::parse(std::string_view("127.0.0.1:12a")));
  EXPECT_FALSE(Address::parse(std::string_view("127.0.0.1:-1")));
}

TEST(Address, OrdersAndComparesHosts) {
  Address a{0x0A000001, 5}, b{0x0A000001, 6}, c{0x0A000002, 1};
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_TRUE(a.same_host(b));
  EXPECT_FALSE(a.same_host(c));
}

TEST(Address, SockaddrRoundTrip) {
  for (const char *s : {"127.0.0.1:2427", "[fe80::1:2]:9"}) {
    Address a = *Address::parse(std::string_view(s));
    sockaddr_storage ss;
    socklen_t len = a.to_sockaddr(ss);
    EXPECT_EQ(len, a.v6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in));
    Address b;
    ASSERT_TRUE(Address::from_sockaddr(reinterpret_cast<sockaddr *>(&ss), b));
    EXPECT_EQ(a, b);
  }
  sockaddr_storage un{};
  un.ss_family = AF_UNIX;
  Address x;
  EXPECT_FALSE(Address::from_sockaddr(reinterpret_cast<sockaddr *>(&un), x));
}

// Access lists (mgcd's telnet allow list): IPv4 and IPv6 prefixes, hosts, and what is refused.
TEST(Prefix, ParsesMatchesAndPrintsBack) {
  auto lo = Prefix::parse("127.0.0.0/8");
  ASSERT_TRUE(lo);
  EXPECT_TRUE(lo->contains(*Address::parse("127.0.0.2:1")));
  EXPECT_FALSE(lo->contains(*Address::parse("128.0.0.1:1")));
  EXPECT_FALSE(lo->contains(*Address::parse("[::1]:1")));
  EXPECT_EQ(lo->to_string(), "127.0.0.0/8");
  auto host = Prefix::parse("127.0.0.1");
  ASSERT_TRUE(host);
  EXPECT_EQ(host->bits, 32u);
  EXPECT_TRUE(host->contains(*Address::parse("127.0.0.1:4260")));
  EXPECT_FALSE(host->contains(*Address::parse("127.0.0.2:4260")));
  EXPECT_EQ(host->to_string(), "127.0.0.1");
  auto v6 = Prefix::parse("2001:db8::/33");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->contains(*Address::parse("[2001:db8:7fff::1]:1")));
  EXPECT_FALSE(v6->contains(*Address::parse("[2001:db8:8000::1]:1")));
  EXPECT_EQ(v6->to_string(), "2001:db8::/33");
  auto any = Prefix::parse("0.0.0.0/0");
  ASSERT_TRUE(any);
  EXPECT_TRUE(any->contains(*Address::parse("192.0.2.1:1")));
  for (const char *bad : {"127.0.0.1/24", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x",
                          "host/8", "", "10.0.0.0/8/8"})
    EXPECT_FALSE(Prefix::parse(bad)) << bad;
}
