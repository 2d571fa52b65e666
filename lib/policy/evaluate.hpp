// policy::evaluate: judge one requirement against the facts of one target, with the explanation
// (every leaf test and the values it saw). The caller maps `unknown` through on_unknown.
#pragma once

#include "core/date.hpp"
#include "core/facts.hpp"
#include "core/target.hpp"
#include "policy/predicate.hpp"
#include "policy/rule_set.hpp"

#include <map>
#include <string>

namespace policy {

struct RequirementResult {
  core::Verdict verdict = core::Verdict::unknown;  // pass, fail or unknown
  Explanation explanation;
};

// Evaluate `requirement` over `facts` on date `as_of`.
RequirementResult evaluate(const RuleSet& rules, const Requirement& requirement, const core::Facts& facts,
                           core::Date as_of);
// True when the requirement's applies_to selects a target with these tags (all listed tags must
// match; a list of values means any of them).
bool applies(const Requirement& requirement, const std::map<std::string, std::string>& tags);
// The verdict an unknown result counts as under the requirement's on_unknown (fail, or pass for warn/pass).
core::Verdict counted_verdict(const Requirement& requirement, core::Verdict verdict);

}  // namespace policy
