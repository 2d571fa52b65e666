#include "core/special_ip.hpp"

#include <catch2/catch.hpp>

using namespace core;

namespace {

std::optional<SpecialUse> of(const char* text) {
  auto ip = parse_ip(text);
  REQUIRE(ip);
  return special_use(*ip);
}

}  // namespace

TEST_CASE("core::special_use: private, local and documentation blocks are special", "[core]") {
  struct Case {
    const char* ip;
    const char* name;
    SpecialReach reach;
  };
  const Case cases[] = {
      {"192.168.1.1", "private-use", SpecialReach::local},
      {"172.16.0.1", "private-use", SpecialReach::local},
      {"10.0.0.1", "private-use", SpecialReach::local},
      {"100.64.0.1", "shared address space (CGNAT)", SpecialReach::local},
      {"127.0.0.1", "loopback", SpecialReach::local},
      {"169.254.169.254", "link-local", SpecialReach::local},
      {"192.0.2.1", "documentation (TEST-NET-1)", SpecialReach::reserved},
      {"198.51.100.1", "documentation (TEST-NET-2)", SpecialReach::reserved},
      {"203.0.113.7", "documentation (TEST-NET-3)", SpecialReach::reserved},
      {"198.19.255.255", "benchmarking", SpecialReach::reserved},
      {"224.0.0.251", "multicast", SpecialReach::local},
      {"240.1.2.3", "reserved", SpecialReach::reserved},
      {"255.255.255.255", "limited broadcast", SpecialReach::local},
      {"0.0.0.0", "this host (unspecified)", SpecialReach::local},
      {"192.88.99.1", "deprecated 6to4 relay anycast", SpecialReach::relay},
      {"::1", "loopback", SpecialReach::local},
      {"::", "unspecified", SpecialReach::local},
      {"fd00:ec2::254", "unique local (ULA)", SpecialReach::local},
      {"fe80::1", "link-local", SpecialReach::local},
      {"ff02::1", "multicast", SpecialReach::local},
      {"2001:db8::10", "documentation", SpecialReach::reserved},
      {"2001:0:4136:e378::1", "Teredo relay", SpecialReach::relay},
      {"2002:c000:204::1", "6to4 relay", SpecialReach::relay},
      {"64:ff9b::808:808", "IPv4/IPv6 translation (NAT64)", SpecialReach::relay},
  };
  for (const auto& c : cases) {
    INFO(c.ip);
    auto use = of(c.ip);
    REQUIRE(use);
    CHECK(use->name == c.name);
    CHECK(use->reach == c.reach);
  }
}

TEST_CASE("core::special_use: the most specific block wins", "[core]") {
  CHECK(of("192.0.0.9")->name == "port control protocol anycast");
  CHECK(of("192.0.0.100")->name == "IETF protocol assignments");
  CHECK(of("2001:2::1")->name == "benchmarking");
  CHECK(of("2001:1::1")->name == "IETF protocol assignments");
}

TEST_CASE("core::special_use: an IPv4-mapped IPv6 address is judged by its IPv4 address", "[core]") {
  CHECK(of("::ffff:192.168.1.1")->name == "private-use");
  CHECK(of("::ffff:127.0.0.1")->reach == SpecialReach::local);
  CHECK_FALSE(of("::ffff:51.210.10.10"));
}

TEST_CASE("core::special_use: a deprecated IPv4-compatible address is reserved, not global", "[core]") {
  // ::127.0.0.1 and ::169.254.169.254 were once judged global: the guard would have let them through.
  for (const char* ip : {"::127.0.0.1", "::169.254.169.254", "::8.8.8.8"}) {
    INFO(ip);
    auto use = of(ip);
    REQUIRE(use);
    CHECK(use->name == "IPv4-compatible (deprecated)");
    CHECK(use->reach == SpecialReach::reserved);
  }
  CHECK(of("::1")->name == "loopback");  // the more specific block still wins
  CHECK(of("::")->name == "unspecified");
}

TEST_CASE("core::special_use: ordinary global addresses are not special", "[core]") {
  for (const char* ip :
       {"51.210.10.10", "4.178.10.20", "1.1.1.1", "8.8.8.8", "172.32.0.1", "172.15.255.255", "100.128.0.1",
        "192.169.0.1", "198.20.0.1", "2a01:4f8::1", "2600:1f18::1", "2001:4860::8888"}) {
    INFO(ip);
    CHECK_FALSE(of(ip));
  }
}

TEST_CASE("core::special_use: describe names the block and its RFC", "[core]") {
  CHECK(describe(*of("192.168.1.1")) == "special-use address (private-use, RFC 1918)");
}
