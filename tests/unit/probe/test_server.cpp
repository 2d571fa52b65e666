#include "probe/dns.hpp"

#include <catch2/catch.hpp>

TEST_CASE("probe::parse_server: IPv4 and IPv6 with and without port", "[probe]") {
  auto v4 = probe::parse_server("127.0.0.1:5353");
  REQUIRE(v4);
  CHECK(core::format_ip(v4->address) == "127.0.0.1");
  CHECK(v4->port == 5353);
  auto bare = probe::parse_server("192.0.2.1");
  REQUIRE(bare);
  CHECK(bare->port == 53);
  auto v6 = probe::parse_server("[::1]:5300");
  REQUIRE(v6);
  CHECK(v6->address.family == core::IpFamily::v6);
  CHECK(v6->port == 5300);
  auto v6_bare = probe::parse_server("2001:db8::1");
  REQUIRE(v6_bare);
  CHECK(v6_bare->port == 53);
  auto v6_brackets = probe::parse_server("[2001:db8::1]");
  REQUIRE(v6_brackets);
  CHECK(v6_brackets->port == 53);
  CHECK(probe::format_server(*v6) == "[::1]:5300");
  CHECK(probe::format_server(*v4) == "127.0.0.1:5353");
}

TEST_CASE("probe::parse_server: bad servers are usage errors", "[probe]") {
  for (const char* bad : {"", "localhost", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:53x",
                          "[::1", "[::1]53", "300.1.1.1", "[::1]:"}) {
    INFO(bad);
    auto server = probe::parse_server(bad);
    REQUIRE_FALSE(server);
    CHECK(server.error().code == core::ErrorCode::usage);
  }
}
