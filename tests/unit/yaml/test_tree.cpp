// The shared YAML adapter: positions, duplicate keys, one document per file, and the bounds that
// turn recursive aliases and alias bombs into errors quickly, without a runaway allocation.
#include "yaml/tree.hpp"

#include <catch2/catch.hpp>

#include <chrono>

TEST_CASE("yaml::parse: positions are 1-based / a null value takes its key's position", "[yaml]") {
  auto doc = yaml::parse("a: 1\nb:\nc: [x, y]\n", "f.yaml");
  REQUIRE(doc);
  REQUIRE(doc->is_map());
  CHECK(doc->key(0).line == 1);
  CHECK(doc->key(0).column == 1);
  const yaml::Node* b = doc->get("b");
  REQUIRE(b != nullptr);
  CHECK(b->is_null());
  CHECK(b->line == 2);
  CHECK(doc->get("c")->items.at(1).column == 8);
}

TEST_CASE("yaml::parse: duplicate keys and a second document are errors", "[yaml]") {
  auto dup = yaml::parse("a: 1\na: 2\n", "f.yaml");
  REQUIRE_FALSE(dup);
  CHECK(dup.error().where == "f.yaml:2:1");
  auto two = yaml::parse("a: 1\n---\nb: 2\n", "f.yaml", {.what = "manifest"});
  REQUIRE_FALSE(two);
  CHECK(two.error().where == "f.yaml:3:1");
  CHECK(two.error().message.find("expected one manifest per file") != std::string::npos);
  CHECK(yaml::parse("a: 1\n---\n", "f.yaml"));  // a trailing '---' holds nothing
  auto bad = yaml::parse("a: [1, 2\n", "f.yaml");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.starts_with("YAML syntax error"));
}

TEST_CASE("yaml::parse: a recursive alias and alias bombs are bounded errors", "[yaml]") {
  auto recursive = yaml::parse("a: &x [*x]\n", "f.yaml");
  REQUIRE_FALSE(recursive);
  CHECK(recursive.error().message.find("deeper than 64 levels") != std::string::npos);
  // The billion-laughs shape: nine levels of ten aliases each.
  std::string laughs = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    laughs += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) laughs += (k == 0 ? "*l" : ", *l") + std::to_string(i - 1);
    laughs += "]\n";
  }
  const auto start = std::chrono::steady_clock::now();
  auto bomb = yaml::parse(laughs, "f.yaml");
  REQUIRE_FALSE(bomb);
  CHECK(bomb.error().message.find("nodes") != std::string::npos);
  // One large scalar aliased many times stays under the node bound but not the byte bound.
  std::string big = "s: &s " + std::string(100 * 1024, 'a') + "\nlist: [";
  for (int k = 0; k < 1000; ++k) big += (k == 0 ? "*s" : ", *s");
  big += "]\n";
  auto bytes = yaml::parse(big, "f.yaml");
  REQUIRE_FALSE(bytes);
  CHECK(bytes.error().message.find("bytes of text") != std::string::npos);
  CHECK(bytes.error().where.starts_with("f.yaml:"));
  // Bounded work: both refusals come back at once (a generous bound, not a benchmark).
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
  // A few aliases of a short list are fine.
  CHECK(yaml::parse("src: &src [a, b]\nx: {source: *src}\ny: {source: *src}\n", "f.yaml"));
}

// Found by tests/fuzz (manifest, predicate): YAML::LoadAll of yaml-cpp 0.7 loops for ever, and
// grows, on a ',' no rule consumes.
TEST_CASE("yaml::parse: a stray ',' is a syntax error, not an endless loop", "[yaml]") {
  for (const char* text : {",", "\n,\n", "a: 1\n---\n,\n"}) {
    auto r = yaml::parse(text, "f.yaml");
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "YAML syntax error: unexpected ','; expected valid YAML");
  }
  auto flow = yaml::parse("{fact: target.id, matches: x}\n,%\n", "f.yaml");
  REQUIRE_FALSE(flow);
  CHECK(flow.error().message.starts_with("YAML syntax error"));
  auto r = yaml::parse("a: 1\n---\n,\n", "f.yaml");
  REQUIRE_FALSE(r);
  CHECK(r.error().where == "f.yaml:3:1");
  CHECK(yaml::parse("---\n---\n", "f.yaml"));  // empty documents in a row still hold nothing
  auto third = yaml::parse("a: 1\n---\n---\nb: 2\n", "f.yaml");
  REQUIRE_FALSE(third);
  CHECK(third.error().message.starts_with("a second YAML document starts here"));
}
