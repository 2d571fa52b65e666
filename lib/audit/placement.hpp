// audit::place: where a target sits on the two axes of the reports' picture — where it is served
// from (the EEA, a country with a full GDPR adequacy decision in force on the audit date,
// elsewhere, or unknown) and who controls it (EU-controlled, non-EU-controlled, unknown) —
// decided from its facts against the rule packs' sets, so renderers only draw it.
#pragma once

#include "core/audit_result.hpp"
#include "core/date.hpp"
#include "core/facts.hpp"
#include "policy/rule_set.hpp"

namespace audit {

// Place a target from its facts: served_from.countries against @EEA-TERRITORY (else @EEA) and
// @adequacy on `as_of`, controlled_by.countries against @EU. A fact that is not known gives
// unknown, except a partial list whose known part already decides (a US operator among them).
core::Placement place(const policy::RuleSet& rules, const core::Facts& facts, core::Date as_of);

}  // namespace audit
