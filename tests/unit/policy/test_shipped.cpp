// The shipped packs in rules/ validate with zero errors and zero warnings at --as-of 2026-11-30.
#include "policy_fixtures.hpp"

TEST_CASE("policy::validate: the shipped rules/ packs have no errors and no warnings", "[policy]") {
  auto v = policy_test::load_dirs({"rules"});
  INFO(policy_test::all_text(v.problems));
  CHECK(v.errors == 0);
  CHECK(v.warnings == 0);
  CHECK(v.rules.policies.count("fr-health-data") == 1);
  CHECK(v.rules.providers.size() >= 8);
}
