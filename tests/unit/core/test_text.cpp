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

TEST_CASE("core::parse_duration_ms: a duration too large for milliseconds is refused, not wrapped", "[core]") {
  CHECK_FALSE(parse_duration_ms("9999999999999999m"));
  CHECK_FALSE(parse_duration_ms("9223372036854775807s"));
  CHECK(parse_duration_ms("9223372036854775807ms") == 9223372036854775807LL);
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

TEST_CASE("core::printable: network text is made safe to store and print", "[core]") {
  CHECK(core::printable("Amazon") == "Amazon");
  CHECK(core::printable("Société Générale") == "Société Générale");  // valid UTF-8 is kept
  CHECK(core::printable(std::string("a\0b\r\nc", 6)) == "a?b??c");
  CHECK(core::printable("tab\there") == "tab\there");
  CHECK(core::printable("\xff\xfe ok") == "?? ok");  // invalid bytes
  CHECK(core::printable("\xc0\xaf") == "??");        // overlong encoding
  CHECK(core::printable("\xed\xa0\x80") == "???");   // a UTF-16 surrogate
  CHECK(core::printable("\xe2\x82") == "??");        // truncated sequence
  CHECK(core::printable("abcdefgh", 5) == "abcde...");
  CHECK(core::printable("ééé", 3) == "é...");  // cut on a character boundary
  CHECK(core::printable(std::string(100000, 'x'), 10).size() == 13);
}

TEST_CASE("core::valid_utf8: rejects what is not UTF-8", "[core]") {
  CHECK(
      core::valid_utf8("b\xC3\xBC"
                       "cher"));
  CHECK(core::valid_utf8("\xF0\x9F\x98\x80"));
  CHECK_FALSE(
      core::valid_utf8("b\xFC"
                       "cher"));                      // Latin-1
  CHECK_FALSE(core::valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(core::valid_utf8("\xED\xA0\x80"));      // surrogate
  CHECK_FALSE(core::valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(core::valid_utf8("\xE2\x82"));          // truncated
  CHECK(core::utf8_length("\xE2\x82\xAC", 0) == 3);
}

TEST_CASE("core::iequals: ASCII case only, whole strings", "[core]") {
  CHECK(core::iequals("EUR4", "eur4"));
  CHECK(core::iequals("", ""));
  CHECK_FALSE(core::iequals("eur4", "eur"));
  CHECK_FALSE(core::iequals("gra", "grb"));
  CHECK_FALSE(core::iequals("\xC3\x89", "\xC3\xA9"));  // É / é: not ASCII, not folded
}

TEST_CASE("core::terminal_safe: controls, C1, bidi and bad bytes are shown, text is kept", "[core]") {
  CHECK(core::terminal_safe("plain été ok\t1") == "plain été ok\t1");
  CHECK(core::terminal_safe("a\x1b]0;t\x07z") == "a\\x1b]0;t\\x07z");
  CHECK(core::terminal_safe("line\nforged\r") == "line\\nforged\\r");
  CHECK(core::terminal_safe("line\nnext", core::Newlines::keep) == "line\nnext");
  CHECK(core::terminal_safe("del\x7f") == "del\\x7f");
  CHECK(core::terminal_safe("csi\xC2\x9B"
                            "2J") == "csi<U+009B>2J");
  CHECK(core::terminal_safe("a\xE2\x80\xAE"
                            "b\xE2\x81\xA6"
                            "c") == "a<U+202E>b<U+2066>c");
  CHECK(core::terminal_safe("latin\xE9") == "latin\\xe9");
  CHECK(core::terminal_safe(std::string_view("nul\0x", 5)) == "nul\\x00x");
}

TEST_CASE("core::is_hidden_code_point: DEL, C1, bidi overrides and isolates, nothing else", "[core]") {
  for (char32_t c : {U'\x7f', U'\x80', U'\x9b', U'\x9f', U'\x202a', U'\x202e', U'\x2066', U'\x2069'}) {
    CHECK(core::is_hidden_code_point(c));
  }
  for (char32_t c : {U'a', U'\xa0', U'\xe9', U'\x2029', U'\x202f', U'\x2065', U'\x206a', U'\x2713'}) {
    CHECK_FALSE(core::is_hidden_code_point(c));
  }
}
