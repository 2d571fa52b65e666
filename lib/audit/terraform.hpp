// audit::plan_targets: the targets of a Terraform/OpenTofu plan (`audit --terraform`). The plan
// reader (lib/inventory) says what the plan holds; this joins it with the rule data: the
// provider table of rules/terraform.yaml maps each provider source to a provider id, and the
// region comes from, in order, the resource's own planned value, the global-service list, then its
// provider configuration — normalised against the provider's region table (display names,
// self-links, zones, case) — or is unknown with the reason. apply_plan_location then states that
// location in the target's facts and evidence, so a region the plan does not determine, a global
// service or a misspelt region is never judged as if it were located.
#pragma once

#include "core/audit_result.hpp"
#include "core/error.hpp"
#include "core/target.hpp"
#include "policy/rule_set.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace audit {

// Where a plan puts one resource.
struct PlanLocation {
  enum class Kind {
    region,          // one region of the rule data (`region` is its code)
    multi_region,    // a location spanning `members` (GCS dual-region)
    global,          // a global service: no region
    undetermined,    // nothing in the plan says (`why`)
    unknown_region,  // a region name the rule data does not know (`why` names the closest code)
    unmapped,        // the provider source is not in the Terraform provider table
  };
  Kind kind = Kind::undetermined;
  std::string provider;              // provider id ("" when unmapped)
  std::string region;                // code, normalised spelling, or "global"
  std::vector<std::string> members;  // multi_region: member region codes
  std::string how;                   // how the value was read, e.g. "display name 'Germany West Central'"
  std::string where;                 // "<plan file> <JSON location>" of the deciding value
  std::string why;                   // undetermined, unknown_region, unmapped: in plain words
};

struct PlanTarget {
  core::Target target;
  PlanLocation location;
};

struct PlanTargets {
  std::string file;
  std::vector<PlanTarget> targets;    // sorted by address
  std::vector<std::string> warnings;  // unknown regions (with the closest code), unmapped providers
  std::vector<std::string> skipped;   // "address: why" for data sources, deletions, non-cloud providers
};

// Read `plan` ("-" for standard input) and build its targets. `extra_tags` are added to every
// target that does not set the same tag itself. A malformed plan is an error (exit 2).
core::Result<PlanTargets> plan_targets(const std::filesystem::path& plan, const policy::RuleSet& rules,
                                       const std::map<std::string, std::string>& extra_tags = {});

// State `location` in the facts (served_from.*, and controlled_by.* when unmapped) and the region
// evidence of `report`, replacing what attribution inferred from the bare region field.
void apply_plan_location(const PlanLocation& location, const policy::RuleSet& rules, core::TargetReport& report);

}  // namespace audit
