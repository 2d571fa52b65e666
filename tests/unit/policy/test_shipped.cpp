// The shipped packs in rules/ validate with zero errors at --as-of 2026-11-30; their only warnings
// are certifications whose sources publish no end date (each carries a reason and a re-check date).
#include "policy_fixtures.hpp"

TEST_CASE("policy::validate: the shipped rules/ packs have no errors / warnings only for unpublished end dates",
          "[policy]") {
  auto v = policy_test::load_dirs({"rules"});
  INFO(policy_test::all_text(v.problems));
  CHECK(v.errors == 0);
  int no_until = 0;
  for (const auto& [id, p] : v.rules.providers) {
    for (const auto& c : p.certifications) {
      const bool granting = c.status != policy::CertStatus::in_progress && c.status != policy::CertStatus::withdrawn;
      INFO(c.key());
      if (granting) CHECK((c.until.has_value() || (!c.no_until.empty() && c.recheck.has_value())));
      if (granting && !c.until) ++no_until;
    }
  }
  CHECK(v.warnings == no_until);
  for (const auto& p : v.problems) {
    if (p.level == core::Level::warning) CHECK(p.message.find("has no published end date") != std::string::npos);
  }
  CHECK(v.rules.policies.count("fr-health-data") == 1);
  CHECK(v.rules.providers.size() >= 8);
}
