#include "core/text.hpp"

#include <catch2/catch.hpp>

using namespace core;

TEST_CASE("core::has_domain_suffix: label boundaries and case", "[core]") {
  CHECK(has_domain_suffix("portal.azurewebsites.net", "azurewebsites.net"));
  CHECK(has_domain_suffix("Portal.AzureWebsites.NET.", "azurewebsites.net"));
  CHECK(has_domain_suffix("azurewebsites.net", "azurewebsites.net"));
  CHECK_FALSE(has_domain_suffix("evilazurewebsites.net", "azurewebsites.net"));
  CHECK_FALSE(has_domain_suffix("net", "azurewebsites.net"));
  CHECK_FALSE(has_domain_suffix("example.com", ""));
}

TEST_CASE("core::closest: did-you-mean hints", "[core]") {
  std::vector<std::string> keys{"region", "regions", "provider", "service"};
  CHECK(closest("regoin", keys) == std::optional<std::string>("region"));
  CHECK(closest("provdier", keys) == std::optional<std::string>("provider"));
  CHECK_FALSE(closest("zzzzzzzz", keys));
  // A prefix of a longer id when no spelling is close: the shortest such candidate.
  const std::vector<std::string> providers{"outscale", "ovhcloud", "ovhcloud-us", "oracle"};
  CHECK(closest("ovh", providers) == std::optional<std::string>("ovhcloud"));
  CHECK_FALSE(closest("o", providers));
}

TEST_CASE("core::parse_duration_ms: units are required", "[core]") {
  CHECK(parse_duration_ms("500ms") == 500);
  CHECK(parse_duration_ms("2s") == 2000);
  CHECK(parse_duration_ms("1m") == 60000);
  CHECK_FALSE(parse_duration_ms("2"));
  CHECK_FALSE(parse_duration_ms("-2s"));
  CHECK_FALSE(parse_duration_ms("s"));
}

TEST_CASE("core::split and trim", "[core]") {
  CHECK(split("a,,b", ',') == std::vector<std::string_view>{"a", "", "b"});
  CHECK(trim("  x \t\r\n") == "x");
}

TEST_CASE("core::glob_match: star and question mark", "[core]") {
  CHECK(glob_match("FR-*", "FR-HDS-LOC"));
  CHECK(glob_match("*.example.fr", "portal.example.fr"));
  CHECK_FALSE(glob_match("*.example.fr", "example.fr"));
  CHECK(glob_match("*", ""));
  CHECK(glob_match("a?c", "abc"));
  CHECK_FALSE(glob_match("a?c", "ac"));
  CHECK(glob_match("*a*b*c*", "xxaxxbxxcxx"));
  CHECK_FALSE(glob_match("FR-*", "SNC-19.6"));
}

TEST_CASE("core::stable_hash: stable and distinct", "[core]") {
  CHECK(stable_hash("") == "cbf29ce484222325");
  CHECK(stable_hash("a") == "af63dc4c8601ec8c");
  CHECK(stable_hash("target|req") != stable_hash("target|req2"));
}
