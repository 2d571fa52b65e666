// audit::compare: the procurement matrix of `residency compare --policy ID`. Every offer a
// provider file certifies (and every provider with none, as one row) is judged like an audit
// target — a cloud resource tagged for the policy, declaring the offer, with TLS terminating at its
// own provider — in each of its EEA regions through the same observe → attribute → evaluate path as
// `audit`; the region where it passes most is kept. Cells get plain-words reasons built from the
// facts (operators and their countries, laws by name, certificates and their dates, regions).
#pragma once

#include "core/comparison.hpp"
#include "core/diag.hpp"
#include "core/error.hpp"
#include "policy/load.hpp"

#include <optional>
#include <string>
#include <vector>

namespace audit {

struct CompareOptions {
  std::string policy;                  // --policy
  std::vector<std::string> providers;  // --providers (empty: every provider)
  policy::LoadOptions rules;
  std::optional<core::Date> as_of;  // default: today (UTC)
  std::string tool_version;
};

// Build the matrix. Unknown policy or provider ids are errors with a did-you-mean hint.
core::Result<core::ComparisonResult> compare(const CompareOptions& options, core::Diag& diag);

}  // namespace audit
