// audit::check_declared_ids: every provider, region and offer id a manifest declares (cloud
// resource fields, `provider`/`region`/`offer` tags, `tls_terminated_by`) must be known to the
// loaded rule packs, or the audit stops before anything is probed. A typo would otherwise turn
// into a confident verdict: an unknown offer holds no certification, so it "proves" a failure.
#pragma once

#include "core/diag.hpp"
#include "core/target.hpp"
#include "policy/rule_set.hpp"

#include <vector>

namespace audit {

// Report every unknown id at the file:line:column it was written, with a did-you-mean; return
// how many were reported.
int check_declared_ids(const std::vector<const core::Target*>& targets, const policy::RuleSet& rules, core::Diag& diag);

}  // namespace audit
