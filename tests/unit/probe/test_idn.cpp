#include "probe/idn.hpp"

#include <catch2/catch.hpp>

TEST_CASE("probe::to_host_name: Unicode names become punycode / both forms kept", "[probe]") {
  auto host = probe::to_host_name("Bücher.Example.");
  REQUIRE(host);
  CHECK(host->ascii == "xn--bcher-kva.example");
  CHECK(host->unicode == "bücher.example");
}

TEST_CASE("probe::to_host_name: non-transitional IDNA keeps sharp s", "[probe]") {
  auto host = probe::to_host_name("faß.de");
  REQUIRE(host);
  CHECK(host->ascii == "xn--fa-hia.de");
}

TEST_CASE("probe::to_host_name: ASCII names are lower-cased and checked", "[probe]") {
  auto host = probe::to_host_name("WWW.Example.TEST");
  REQUIRE(host);
  CHECK(host->ascii == "www.example.test");
  CHECK(host->unicode == "www.example.test");
  auto punycode = probe::to_host_name("xn--bcher-kva.example");
  REQUIRE(punycode);
  CHECK(punycode->unicode == "bücher.example");
  CHECK(probe::to_host_name("_dmarc.example.test"));
}

TEST_CASE("probe::to_host_name: invalid names are errors", "[probe]") {
  for (const char* bad : {"", "a..b", "-a.example", "a b.example", "exa$mple.test", "\xff\xfe.example"}) {
    auto host = probe::to_host_name(bad);
    INFO(bad);
    REQUIRE_FALSE(host);
    CHECK(host.error().message.starts_with("invalid name"));
  }
  CHECK_FALSE(probe::to_host_name(std::string(64, 'a') + ".example"));
  CHECK_FALSE(probe::to_host_name(std::string(250, 'a').insert(60, ".").insert(120, ".").insert(180, ".")));
}
