// Shared fixtures of the audit tests: the audit date they pin and the shipped rule packs, loaded
// once per test binary.
#pragma once

#include "core/diag.hpp"
#include "policy/load.hpp"

#include <catch2/catch.hpp>

namespace audit_test {

inline const core::Date k_as_of = *core::parse_date("2026-11-30");

// Return the shipped rule packs as of k_as_of (a load error fails the test).
inline const policy::RuleSet& shipped_rules() {
  static const policy::RuleSet r = [] {
    core::Diag diag;
    diag.capture();
    policy::LoadOptions o;
    o.as_of = k_as_of;
    auto loaded = policy::load_rules(o, diag);
    REQUIRE(loaded);
    return *loaded;
  }();
  return r;
}

}  // namespace audit_test
