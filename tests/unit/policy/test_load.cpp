// Loading: the YAML adapter keeps positions, the compiled (embedded) form round-trips exactly
// and rejects damage, later layers override by id with a note, and problems are collected.
#include "policy/embedded.hpp"
#include "policy/load.hpp"
#include "policy/node.hpp"

#include "core/atomic_file.hpp"
#include "policy_fixtures.hpp"

#include <cstdlib>
#include <filesystem>

using policy_test::k_as_of;

namespace {

bool same_tree(const policy::Node& a, const policy::Node& b) {
  if (a.kind != b.kind || a.scalar != b.scalar || a.line != b.line || a.column != b.column || a.items.size() != b.items.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    if (!same_tree(a.items[i], b.items[i])) return false;
  }
  return true;
}

std::filesystem::path temp_dir(const std::string& name) {
  const char* base = std::getenv("RESIDENCY_TEST_TMP");
  auto dir = std::filesystem::path(base != nullptr ? base : "/tmp") / ("policy-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("policy::parse_yaml: positions are 1-based line and column", "[policy]") {
  auto root = policy::parse_yaml("a: 1\nlist:\n  - x\n  - {k: v}\n", "t.yaml", 0);
  REQUIRE(root);
  const policy::Node* list = root->get("list");
  REQUIRE(list != nullptr);
  REQUIRE(list->items.size() == 2);
  CHECK(list->items[0].line == 3);
  CHECK(list->items[0].column == 5);
  CHECK(list->items[1].get("k")->scalar == "v");
  CHECK(list->items[1].get("k")->column == 9);
  auto bad = policy::parse_yaml("a: [1, 2\n", "bad.yaml", 0);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().where.starts_with("bad.yaml:"));
}

TEST_CASE("policy::encode_files: the compiled form round-trips and rejects damage", "[policy]") {
  std::vector<policy::Problem> problems;
  auto files = policy::read_dir(policy_test::source_path("tests/data/rules-min"), problems);
  REQUIRE(problems.empty());
  REQUIRE(files.size() >= 5);
  const std::string blob = policy::encode_files(files);
  auto back = policy::decode_files(blob);
  REQUIRE(back);
  REQUIRE(back->size() == files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    CHECK(back->at(i).name == files[i].name);
    CHECK(same_tree(back->at(i).root, files[i].root));
  }
  CHECK_FALSE(policy::decode_files(blob.substr(0, blob.size() / 2)));
  CHECK_FALSE(policy::decode_files("not a blob"));
  std::string flipped = blob;
  flipped[flipped.size() / 3] = '\xff';
  flipped[flipped.size() / 3 + 1] = '\xff';
  auto damaged = policy::decode_files(flipped);  // must not crash; may or may not decode
  (void)damaged;
}

TEST_CASE("policy::load: the embedded packs decode and validate", "[policy]") {
  auto files = policy::decode_files(policy::embedded_rules_blob());
  REQUIRE(files);
  CHECK_FALSE(files->empty());
  CHECK(files->front().name.starts_with(std::string(policy::embedded_rules_origin()) + "/"));
  policy::LoadOptions opts;
  opts.as_of = k_as_of;
  auto v = policy::validate_rules(opts);
  INFO(policy_test::all_text(v.problems));
  CHECK(v.errors == 0);
  CHECK_FALSE(v.rules.providers.empty());
}

TEST_CASE("policy::load: a later folder overrides an entry by id / with a note", "[policy]") {
  auto dir = temp_dir("override");
  REQUIRE(core::write_file_atomic(dir / "cloudflare.yaml", R"(schema: residency/v1
kind: provider
id: cloudflare
name: Cloudflare (overridden)
control:
  chain: [{entity: "Cloudflare, Inc.", country: US}]
  source: https://example.org
  as_of: 2026-11-30
)"));
  policy::LoadOptions opts;
  opts.embedded = policy::Embedded::no;
  opts.as_of = k_as_of;
  opts.dirs = {policy_test::source_path("tests/data/rules-min"), dir};
  auto v = policy::validate_rules(opts);
  INFO(policy_test::all_text(v.problems));
  CHECK(v.errors == 0);
  CHECK(v.rules.providers.at("cloudflare").name == "Cloudflare (overridden)");
  const auto text = policy_test::all_text(v.problems);
  CHECK(text.find("cloudflare.yaml:3:5: provider 'cloudflare' overrides the one defined at") != std::string::npos);
}

TEST_CASE("policy::load_rules: errors are all reported / then loading fails", "[policy]") {
  auto dir = temp_dir("errors");
  REQUIRE(core::write_file_atomic(dir / "a.yaml", "schema: residency/v1\nkind: laws\nlaws:\n  - {id: x}\n"));
  REQUIRE(core::write_file_atomic(dir / "b.yaml", "schema: residency/v1\nkind: lawz\n"));
  core::Diag diag;
  diag.capture();
  policy::LoadOptions opts;
  opts.embedded = policy::Embedded::no;
  opts.dirs = {dir};
  auto rules = policy::load_rules(opts, diag);
  REQUIRE_FALSE(rules);
  CHECK(rules.error().code == core::ErrorCode::config);
  CHECK(diag.error_count() >= 7);  // six missing keys in a.yaml, the unknown kind in b.yaml
  bool hinted = false;
  for (const auto& m : diag.captured()) hinted = hinted || m.text.find("(did you mean 'laws'?)") != std::string::npos;
  CHECK(hinted);
}

TEST_CASE("policy::load: a missing folder is an error / and RESIDENCY_RULES is split on colons", "[policy]") {
  policy::LoadOptions opts;
  opts.embedded = policy::Embedded::no;
  opts.dirs = {"/nonexistent/rules"};
  auto v = policy::validate_rules(opts);
  CHECK(v.errors == 1);
  ::setenv("RESIDENCY_RULES", "/a:/b::/c", 1);
  auto dirs = policy::env_rule_dirs();
  ::unsetenv("RESIDENCY_RULES");
  CHECK(dirs == std::vector<std::filesystem::path>{"/a", "/b", "/c"});
}
