// Shared helpers for the policy tests: load the test packs (tests/data/rules-min) or the shipped
// packs (rules/) from the source tree, and build facts by hand. Every test pins --as-of.
#pragma once

#include "policy/load.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace policy_test {

inline const core::Date k_as_of = *core::parse_date("2026-11-30");

inline std::string source_path(const std::string& relative) { return std::string(RESIDENCY_SOURCE_DIR) + "/" + relative; }

// Load and validate folders of the source tree (no embedded packs).
inline policy::Validation load_dirs(std::vector<std::string> relative_dirs) {
  policy::LoadOptions opts;
  opts.embedded = policy::Embedded::no;
  opts.as_of = k_as_of;
  for (const auto& d : relative_dirs) opts.dirs.emplace_back(source_path(d));
  return policy::validate_rules(opts);
}

// The test packs, which must load without errors.
inline const policy::RuleSet& min_rules() {
  static const policy::Validation v = load_dirs({"tests/data/rules-min"});
  for (const auto& p : v.problems) INFO(p.text());
  REQUIRE(v.errors == 0);
  return v.rules;
}

inline std::string all_text(const std::vector<policy::Problem>& problems) {
  std::string out;
  for (const auto& p : problems) out += p.text() + "\n";
  return out;
}

}  // namespace policy_test
