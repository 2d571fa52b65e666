#include "core/ip.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

using namespace core;

TEST_CASE("core::parse_ip: IPv4 and IPv6 round trip", "[core]") {
  for (const char* s : {"1.2.3.4", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::", "::ffff:1.2.3.4"}) {
    auto ip = parse_ip(s);
    REQUIRE(ip);
    CHECK(format_ip(*ip) == s);
  }
  CHECK(parse_ip("1.2.3.4")->family == IpFamily::v4);
  CHECK(parse_ip("2001:db8::1")->family == IpFamily::v6);
}

TEST_CASE("core::parse_ip: rejects junk", "[core]") {
  for (const char* s : {"", "1.2.3", "1.2.3.256", "abc", "2001:::1", "1.2.3.4/24", " 1.2.3.4"}) {
    CHECK_FALSE(parse_ip(s));
  }
}

TEST_CASE("core::parse_prefix: lengths and host bits", "[core]") {
  auto p = parse_prefix("10.0.0.0/8");
  REQUIRE(p);
  CHECK(p->length == 8);
  CHECK(p->contains(*parse_ip("10.255.1.2")));
  CHECK_FALSE(p->contains(*parse_ip("11.0.0.0")));
  CHECK_FALSE(p->contains(*parse_ip("::a00:1")));
  CHECK(parse_prefix("1.2.3.4")->length == 32);
  CHECK(parse_prefix("2001:db8::/32")->length == 32);
  CHECK_FALSE(parse_prefix("10.0.0.1/8"));   // host bits set
  CHECK_FALSE(parse_prefix("10.0.0.0/33"));
  CHECK_FALSE(parse_prefix("10.0.0.0/"));
  CHECK_FALSE(parse_prefix("10.0.0.0/x"));
}

TEST_CASE("core::range_to_prefixes: minimal CIDR cover", "[core]") {
  auto cover = [](const char* a, const char* b) {
    std::vector<std::string> out;
    for (const auto& p : range_to_prefixes(*parse_ip(a), *parse_ip(b))) out.push_back(format_prefix(p));
    return out;
  };
  CHECK(cover("1.0.0.0", "1.0.0.255") == std::vector<std::string>{"1.0.0.0/24"});
  CHECK(cover("1.0.0.1", "1.0.0.6") ==
        std::vector<std::string>{"1.0.0.1/32", "1.0.0.2/31", "1.0.0.4/31", "1.0.0.6/32"});
  CHECK(cover("0.0.0.0", "255.255.255.255") == std::vector<std::string>{"0.0.0.0/0"});
  CHECK(cover("2001::", "2001::ffff:ffff:ffff:ffff:ffff:ffff") == std::vector<std::string>{"2001::/32"});
  CHECK(cover("255.255.255.255", "255.255.255.255") == std::vector<std::string>{"255.255.255.255/32"});
  CHECK(cover("1.0.0.5", "1.0.0.4").empty());
}

TEST_CASE("core::IpAddress: IPv4-mapped form", "[core]") {
  auto v4 = *parse_ip("192.0.2.1");
  auto mapped = v4.to_v6_mapped();
  CHECK(format_ip(mapped) == "::ffff:192.0.2.1");
  CHECK(mapped.is_v4_mapped());
  CHECK_FALSE(parse_ip("2001:db8::1")->is_v4_mapped());
}

TEST_CASE("core::Prefix::contains: the same answer as masking the address, for every length", "[core]") {
  // contains() compares bytes in place; the reference masks a copy (prefix_of clears host bits).
  std::mt19937 rng(20261201);
  auto random_ip = [&](core::IpFamily family) {
    core::IpAddress ip;
    ip.family = family;
    const std::size_t n = family == core::IpFamily::v4 ? 4 : 16;
    for (std::size_t i = 0; i < n; ++i) ip.bytes[i] = static_cast<std::uint8_t>(rng() & (rng() % 2 ? 0xFF : 0xF0));
    return ip;
  };
  std::size_t inside = 0;
  for (auto family : {core::IpFamily::v4, core::IpFamily::v6}) {
    const int bits = family == core::IpFamily::v4 ? 32 : 128;
    for (int trial = 0; trial < 4000; ++trial) {
      const auto ip = random_ip(family);
      const int length = static_cast<int>(rng() % static_cast<unsigned>(bits + 1));
      // A prefix of the address itself, one of a neighbour, and one with host bits set.
      core::Prefix own = core::prefix_of(ip, length);
      core::IpAddress near = ip;
      near.bytes[static_cast<std::size_t>(rng() % (bits / 8))] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      const core::Prefix other = core::prefix_of(near, length);
      core::Prefix dirty{random_ip(family), length};
      for (const auto& p : {own, other, dirty}) {
        const bool expected = core::prefix_of(ip, p.length).address == p.address;
        CHECK(p.contains(ip) == expected);
        inside += expected;
      }
      CHECK(own.contains(ip));
      CHECK_FALSE(own.contains(random_ip(family == core::IpFamily::v4 ? core::IpFamily::v6 : core::IpFamily::v4)));
    }
  }
  CHECK(inside > 8000);  // the cases are not all one way
}

TEST_CASE("core::prefix_of: keeps exactly the first `length` bits, length clamped", "[core]") {
  // Against a bit-by-bit reference, for every length of both families (prefix_of masks 8 bytes
  // at a time).
  for (const char* text : {"255.255.255.255", "203.0.113.77", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                           "2001:db8:85a3:8d3:1319:8a2e:370:7348"}) {
    const IpAddress ip = *parse_ip(text);
    for (int length = -2; length <= ip.bits() + 2; ++length) {
      INFO(text << "/" << length);
      const Prefix p = prefix_of(ip, length);
      const int kept = std::clamp(length, 0, ip.bits());
      CHECK(p.length == kept);
      CHECK(p.address.family == ip.family);
      for (int bit = 0; bit < 128; ++bit) {
        const bool want = bit < kept && bit < ip.bits() && ip.bit(bit);
        CHECK(p.address.bit(bit) == want);
      }
    }
  }
  CHECK(format_prefix(prefix_of(*parse_ip("203.0.113.77"), 20)) == "203.0.112.0/20");
  CHECK(format_prefix(prefix_of(*parse_ip("2001:db8:85a3::1"), 36)) == "2001:db8:8000::/36");
}
