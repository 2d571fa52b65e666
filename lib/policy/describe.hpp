// policy::describe_predicate: a predicate in words, for `rules explain` and reports.
#pragma once

#include "core/date.hpp"
#include "policy/predicate.hpp"
#include "policy/rule_set.hpp"

#include <string>

namespace policy {

// Describe what makes `p` true, one test per line, indented by `indent` spaces; sets are
// expanded at `as_of`.
std::string describe_predicate(const Predicate& p, const RuleSet& rules, core::Date as_of, int indent = 0);

}  // namespace policy
