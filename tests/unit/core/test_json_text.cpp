#include "core/json_text.hpp"
#include "core/text.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using core::parse_json_text;

TEST_CASE("core::parse_json_text: a syntax error has line, column and byte", "[core][json]") {
  const auto r = parse_json_text("{\n  \"a\": 1,\n  \"b\": ]\n}", "x.json", "a test file");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == core::ErrorCode::data);
  CHECK(r.error().where == "x.json:3:8");
  CHECK_THAT(r.error().message, Catch::StartsWith("invalid JSON at byte 20: syntax error while parsing value"));
  CHECK_THAT(r.error().message, Catch::EndsWith("; the file should be a test file"));
}

TEST_CASE("core::parse_json_text: a number too large for a double is an error, never an exception",
          "[core][json]") {
  // Found by the ranges_aws and ranges_gcp fuzz targets: nlohmann-json throws out_of_range.406,
  // not parse_error, and the readers caught only parse_error.
  for (const char* text : {"4444444444444444444444E0004444{\"o", "[1,\n 2, 1E400]", "{\"prefixes\": -9e999}"}) {
    INFO(text);
    std::optional<core::Result<nlohmann::json>> r;
    REQUIRE_NOTHROW(r.emplace(parse_json_text(text, "n.json")));
    REQUIRE_FALSE(*r);
    CHECK_THAT(r->error().message, Catch::StartsWith("invalid JSON: number overflow parsing"));
  }
  CHECK(parse_json_text("[1,\n 2, 1E400]", "n.json").error().where == "n.json:2:5");
}

TEST_CASE("core::parse_json_text: valid text and empty input", "[core][json]") {
  const auto ok = parse_json_text(R"({"a": [1, 2.5, "x"]})", "ok.json");
  REQUIRE(ok);
  CHECK((*ok)["a"][1] == 2.5);
  const auto empty = parse_json_text("", "e.json");
  REQUIRE_FALSE(empty);
  CHECK(empty.error().where == "e.json:1:1");
}

TEST_CASE("core::dump_json: DEL, C1 and bidi characters are written as u-escapes, the document unchanged", "[core]") {
  const std::string hostile =
      "a\x7f"
      "b\xC2\x9B"
      "2J\xE2\x80\xAE"
      "txt\xE2\x81\xA9"
      "c\x1b"
      "d";
  const nlohmann::ordered_json doc{{"id", hostile},
                                   {"ok",
                                    "donn\xC3\xA9"
                                    "es \xE2\x9C\x93"}};
  const std::string text = core::dump_json(doc);
  INFO(text);
  CHECK(text.find("\"a\\u007fb\\u009b2J\\u202etxt\\u2069c\\u001bd\"") != std::string::npos);
  for (const char* raw : {"\x7f", "\xC2\x9B", "\xE2\x80\xAE", "\xE2\x81\xA9", "\x1b"}) {
    CHECK(text.find(raw) == std::string::npos);
  }
  CHECK(nlohmann::ordered_json::parse(text) == doc);  // the same document for a parser
  // Ordinary text, accents and symbols included, is dumped byte for byte as nlohmann-json does.
  const nlohmann::ordered_json plain{{"id", "h\xC3\xB4te-1"}, {"n", 3}, {"list", {"\xE2\x9C\x93", "x"}}};
  CHECK(core::dump_json(plain) == plain.dump(2));
  CHECK(core::dump_json(plain, -1) == plain.dump());
  // Invalid UTF-8 is replaced, never thrown.
  CHECK(core::dump_json(nlohmann::json("bad\xff")) == "\"bad\xEF\xBF\xBD\"");
}

TEST_CASE("core::append_json_string: the same bytes dump_json writes, for every kind of character", "[core]") {
  // The streaming JSON report writes strings with append_json_string and the small parts with
  // dump_json: both must agree byte for byte, or a report would mix two escapings.
  std::vector<std::string> cases = {"",
                                    "plain ascii",
                                    "quote \" backslash \\ slash /",
                                    "tab\tnl\ncr\rbs\bff\f",
                                    "donn\xC3\xA9"
                                    "es \xE2\x9C\x93 \xF0\x9F\x94\x92",
                                    "del\x7f c1\xC2\x85\xC2\x9B bidi\xE2\x80\xAE\xE2\x81\xA6 ls\xE2\x80\xA8"};
  for (int c = 0; c < 0x20; ++c) cases.push_back("c" + std::string(1, static_cast<char>(c)) + "c");
  for (const auto& s : cases) {
    std::string streamed;
    core::append_json_string(streamed, s);
    INFO(streamed);
    CHECK(streamed == core::dump_json(nlohmann::json(s), -1));
    CHECK(nlohmann::json::parse(streamed).get<std::string>() == s);
  }
  std::string bad;
  core::append_json_string(bad, "bad\xff");
  CHECK(bad == "\"bad\xEF\xBF\xBD\"");  // an invalid byte is replaced, as dump_json does
}

TEST_CASE("core::json_plain_end: every byte value at every position of the word scan", "[core]") {
  // The scan reads eight bytes at a time: each byte value, at each offset of strings long enough
  // to cross two words, must stop it exactly where a byte-by-byte test stops.
  const auto plain = [](unsigned char c) { return c >= 0x20 && c < 0x7F && c != '"' && c != '\\'; };
  int checked = 0;
  for (std::size_t len : {1u, 7u, 8u, 9u, 16u, 19u}) {
    for (std::size_t at = 0; at < len; ++at) {
      for (int b = 0; b < 256; ++b) {
        std::string s(len, 'a');
        s[at] = static_cast<char>(b);
        const std::size_t expected = plain(static_cast<unsigned char>(b)) ? len : at;
        for (std::size_t from : {std::size_t{0}, at}) {
          INFO("len " << len << " at " << at << " byte " << b << " from " << from);
          REQUIRE(core::json_plain_end(s, from) == (from > expected ? from : expected));
          ++checked;
        }
      }
    }
  }
  CHECK(checked == 2 * 256 * (1 + 7 + 8 + 9 + 16 + 19));
  CHECK(core::json_plain_end("") == 0);
  CHECK(core::json_plain_end("abc", 3) == 3);
  // Neighbours of the tested values in one word: 0x1F/0x20, 0x7E/0x7F, 0x21/0x22, 0x5B/0x5C/0x5D.
  CHECK(core::json_plain_end("\x20\x7E\x21\x23\x5B\x5D!~") == 8);
  CHECK(core::json_plain_end("\x20\x7E\x21\x23\x5B\x5D!\x1F") == 7);
}
