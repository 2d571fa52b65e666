// Golden tests of validation messages: each tests/data/rules-broken/NN-*.yaml is validated with
// the test packs (same layer, --as-of 2026-11-30) and the problems reported about it must equal
// NN-*.expected. RESIDENCY_UPDATE_GOLDEN=1 rewrites the expected files.
#include "core/atomic_file.hpp"
#include "policy_fixtures.hpp"

#include <cstdlib>
#include <filesystem>

namespace {

std::string level_name(core::Level level) {
  switch (level) {
    case core::Level::error: return "error";
    case core::Level::warning: return "warning";
    case core::Level::note: return "note";
    default: return "info";
  }
}

std::string problems_about(const std::string& display, const std::string& path) {
  std::vector<policy::Problem> problems;
  auto base = policy::read_dir(policy_test::source_path("tests/data/rules-min"), problems);
  REQUIRE(problems.empty());
  const std::string prefix = policy_test::source_path("");
  for (auto& f : base) {
    if (f.name.starts_with(prefix)) f.name = f.name.substr(prefix.size());  // goldens hold relative paths
  }
  if (auto f = policy::read_pack(path, display, problems)) base.push_back(std::move(*f));
  auto v = policy::validate_layers({base}, policy_test::k_as_of, std::move(problems));
  std::string out;
  for (const auto& p : v.problems) {
    if (p.loc.file == display) out += level_name(p.level) + ": " + p.text() + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("policy::validate: broken rule files give the expected file:line:column messages", "[policy]") {
  namespace fs = std::filesystem;
  const fs::path dir = policy_test::source_path("tests/data/rules-broken");
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".yaml") cases.push_back(e.path());
  }
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 15);
  const bool update = std::getenv("RESIDENCY_UPDATE_GOLDEN") != nullptr;
  for (const auto& path : cases) {
    const std::string display = "tests/data/rules-broken/" + path.filename().string();
    const std::string actual = problems_about(display, path.string());
    fs::path expected_path = path;
    expected_path.replace_extension(".expected");
    if (update) REQUIRE(core::write_file_atomic(expected_path, actual));
    auto expected = core::read_file(expected_path);
    INFO(display << "\n" << actual);
    REQUIRE(expected);
    CHECK_FALSE(actual.empty());  // every broken file is reported
    CHECK(actual.find(display + ":") != std::string::npos);
    CHECK(actual == *expected);
  }
}
