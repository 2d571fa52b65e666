// audit::finding_sentence: the words of a finding, for people. What was observed (where it is
// served from), who controls it, which law reaches it, and why that passes or fails the
// requirement — from the target's facts and evidence and the rule data, never from a renderer.
// A requirement may give its own sentences (explain.pass/fail/unknown, with {placeholders});
// otherwise a default sentence for the fact it tests is used. The predicate trace stays in
// Finding::explanation, for --explain.
#pragma once

#include "core/audit_result.hpp"
#include "core/date.hpp"
#include "policy/evaluate.hpp"
#include "policy/rule_set.hpp"

#include <string>

namespace audit {

// The sentence of one finding, ending with a full stop.
std::string finding_sentence(const policy::RuleSet& rules, const policy::Requirement& requirement,
                             const policy::RequirementResult& result, const core::TargetReport& target,
                             core::Date as_of);

// "SecNumCloud qualification of outscale-iaas (ANSSI decision 2118) expired on 2026-11-30".
std::string certification_sentence(const core::CertificationStatus& c, core::Date as_of);

// A certification that lapses within this many days of --as-of is named as lapsing.
inline constexpr long k_expiry_notice_days = 30;

}  // namespace audit
