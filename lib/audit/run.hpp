// audit::run: the whole audit, callable from tests (bloaty's BloatyMain): inventory → probe (live
// DNS or recorded facts) → geo → attribute → evaluate → waivers → baseline → result with its exit
// code. Rule and manifest problems are all reported, then the run stops before probing.
#pragma once

#include "core/audit_result.hpp"
#include "core/diag.hpp"
#include "core/error.hpp"
#include "policy/load.hpp"
#include "probe/dns.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace audit {

struct AuditOptions {
  std::vector<std::filesystem::path> manifests;  // YAML manifests
  std::vector<std::filesystem::path> lists;      // plain lists ("-" = stdin)
  std::vector<std::filesystem::path> terraform;  // `terraform show -json` plans ("-" = stdin)
  std::map<std::string, std::string> plan_tags;  // --tag: added to every plan resource that lacks it
  std::vector<std::string> policies;             // --policy: replaces the manifests' defaults
  policy::LoadOptions rules;
  std::vector<std::filesystem::path> geoip;  // database files, already located
  probe::DnsOptions dns;
  std::optional<core::Date> as_of;  // default: the recording's, else today
  core::Severity fail_on = core::Severity::high;
  bool fail_on_unknown = true;
  bool fail_on_none = false;  // --fail-on none: nothing counts as a failure (exit 0 unless the tool fails)
  bool allow_empty = false;  // an audit with no finding is an error unless this says it is expected
  bool explain = false;      // reports also show each finding's predicate trace
  std::optional<std::filesystem::path> baseline;
  std::optional<std::filesystem::path> save_facts;  // write the raw observations here
  std::optional<std::filesystem::path> facts;       // replay these instead of probing
  std::string tool_version;
  std::string host;        // where the run happens (ignored on replay: the recording's)
  std::string started_at;  // ISO 8601 UTC (ignored on replay)
};

// Run the audit. Errors (usage, rules, manifests, databases, facts files) come back as an Error
// after every problem has been reported through `diag`.
core::Result<core::AuditResult> run(const AuditOptions& options, core::Diag& diag,
                                    const probe::DnsProgress& progress = {});

// The exit code of a result (DESIGN.md "Exit codes"): 1 for a counted failure, else 3 for a
// counted unknown, else 0.
int exit_code_of(const core::AuditResult& result);

}  // namespace audit
