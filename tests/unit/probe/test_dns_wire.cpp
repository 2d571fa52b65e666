#include "probe/dns_wire.hpp"

#include <catch2/catch.hpp>

#include <vector>

namespace {

// A response for "a.b" with one CNAME (a.b → c.b, target compressed) and one A record for c.b.
std::vector<std::uint8_t> sample() {
  return {
      0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0,  // header: rcode 0, 1 question, 2 answers
      1, 'a', 1, 'B', 0, 0, 1, 0, 1,                    // question a.B A IN (offset 12)
      0xc0, 12, 0, 5, 0, 1, 0, 0, 1, 44, 0, 4,          // a.b CNAME ttl 300 rdlen 4
      1, 'c', 0xc0, 14,                                 // c + pointer to "B" (offset 14)
      0xc0, 33, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4,          // c.b A ttl 60 (owner: pointer to offset 33)
      192, 0, 2, 1};
}

}  // namespace

TEST_CASE("probe::wire: parses answers with compressed names", "[probe]") {
  const auto bytes = sample();
  auto msg = probe::wire::parse_message(bytes);
  REQUIRE(msg);
  CHECK(msg->rcode == 0);
  REQUIRE(msg->answers.size() == 2);
  CHECK(msg->answers[0].owner == "a.b");
  CHECK(msg->answers[0].type == probe::wire::k_type_cname);
  CHECK(msg->answers[0].target == "c.b");
  CHECK(msg->answers[1].owner == "c.b");
  CHECK(msg->answers[1].ttl == 60);
  CHECK(core::format_ip(msg->answers[1].ip) == "192.0.2.1");
}

TEST_CASE("probe::wire: every truncation of a valid answer is an error / not a crash", "[probe]") {
  const auto bytes = sample();
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    INFO(n);
    CHECK_FALSE(probe::wire::parse_message(std::span(bytes.data(), n)));
  }
}

TEST_CASE("probe::wire: compression loops and forward pointers are rejected", "[probe]") {
  auto self_loop = sample();
  self_loop[12] = 0xc0;  // the question name points at itself
  self_loop[13] = 12;
  CHECK_FALSE(probe::wire::parse_message(self_loop));
  auto forward = sample();
  forward[35] = 0xc0;  // the CNAME target's pointer now points forwards
  forward[36] = 50;
  CHECK_FALSE(probe::wire::parse_message(forward));
  auto bad_a = sample();
  bad_a[48] = 5;  // A record with 5 bytes of data
  CHECK_FALSE(probe::wire::parse_message(bad_a));
}

TEST_CASE("probe::wire: reverse names", "[probe]") {
  CHECK(probe::wire::reverse_name(*core::parse_ip("192.0.2.10")) == "10.2.0.192.in-addr.arpa");
  CHECK(probe::wire::reverse_name(*core::parse_ip("2001:db8::10")) ==
        "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa");
}
